from odoo import api, fields, models


class CustomerSegmentationRunWizard(models.TransientModel):
    _name = "customer.segmentation.run.wizard"
    _description = "Run the Customer Segmentation as of a Date"

    as_of = fields.Date(
        "As of",
        required=True,
        default=lambda self: self.env.company._customer_today(),
        help="Orders, credit notes, invoices and payments after this day (in the "
        "company's time zone) do not count: the run shows the customers as they "
        "stood that day.",
    )

    @api.model
    def default_get(self, fields_list):
        self.env["customer.segmentation.run"]._check_can_run()
        return super().default_get(fields_list)

    def action_run(self):
        self.ensure_one()
        run_model = self.env["customer.segmentation.run"]
        run_model._check_can_run()
        # The current company, never one chosen in the request: the run itself is done
        # as superuser.
        return run_model._run_company(self.env.company, as_of=self.as_of)._action_open()
