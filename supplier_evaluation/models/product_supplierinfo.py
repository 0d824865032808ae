from odoo import api, fields, models

# The internal evaluation: not for employees outside purchasing.
EVALUATION_GROUP = "supplier_evaluation.supplier_evaluation_group_user"


class ProductSupplierinfo(models.Model):
    _inherit = "product.supplierinfo"

    supplier_lead_time_id = fields.Many2one(
        "supplier.lead.time",
        "Learned lead time",
        compute="_compute_supplier_lead_time",
        groups=EVALUATION_GROUP,
    )
    supplier_lead_time_median = fields.Float(
        "Measured median (days)",
        related="supplier_lead_time_id.median_days",
        groups=EVALUATION_GROUP,
    )
    supplier_lead_time_p80 = fields.Float(
        "Measured 80th percentile (days)",
        related="supplier_lead_time_id.p80_days",
        groups=EVALUATION_GROUP,
    )
    supplier_lead_time_receipts = fields.Integer(
        "Receipts measured",
        related="supplier_lead_time_id.receipt_count",
        groups=EVALUATION_GROUP,
    )
    supplier_lead_time_differs = fields.Boolean(
        "Measured lead time differs",
        related="supplier_lead_time_id.differs",
        groups=EVALUATION_GROUP,
    )

    @api.depends_context("company")
    def _compute_supplier_lead_time(self):
        """The current company's measurement of each priceline."""
        rows = self.env["supplier.lead.time"].search(
            [
                ("supplierinfo_id", "in", self.ids),
                ("company_id", "=", self.env.company.id),
            ]
        )
        by_line = {row.supplierinfo_id.id: row for row in rows}
        for line in self:
            line.supplier_lead_time_id = by_line.get(line.id, False)
