from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import periods


class SupplierEvaluationWizard(models.TransientModel):
    _name = "supplier.evaluation.wizard"
    _description = "Evaluate Suppliers"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    date_from = fields.Date(
        "From", required=True, default=lambda self: self._default_period()[0]
    )
    date_to = fields.Date(
        "To", required=True, default=lambda self: self._default_period()[1]
    )
    partner_ids = fields.Many2many(
        "res.partner",
        string="Suppliers",
        help="Leave empty to evaluate every supplier with activity in each period.",
    )
    period_count = fields.Integer(compute="_compute_period_count")

    def _default_period(self):
        today = fields.Date.context_today(self)
        return periods.previous_period(today, self.env.company.supplier_period_type)

    @api.depends("date_from", "date_to", "company_id")
    def _compute_period_count(self):
        for wizard in self:
            if (
                wizard.date_from
                and wizard.date_to
                and wizard.date_from <= wizard.date_to
            ):
                wizard.period_count = len(
                    periods.periods_between(
                        wizard.date_from,
                        wizard.date_to,
                        wizard.company_id.supplier_period_type,
                    )
                )
            else:
                wizard.period_count = 0

    def _check_evaluate(self):
        """The rules of every back-fill, in process or as jobs."""
        if self.date_from > self.date_to:
            raise UserError(_("The start of the range is after its end."))
        if self.date_to > fields.Date.context_today(self) + relativedelta(months=3):
            raise UserError(_("Periods in the future cannot be evaluated yet."))
        if not self.env.user.has_group(
            "supplier_evaluation.supplier_evaluation_group_manager"
        ):
            raise UserError(
                _("Only supplier evaluation administrators run evaluations.")
            )

    def _ranges(self):
        return periods.periods_between(
            self.date_from, self.date_to, self.company_id.supplier_period_type
        )

    def action_evaluate(self):
        self.ensure_one()
        self._check_evaluate()
        scorecards = self.env["supplier.scorecard"]
        ranges = self._ranges()
        # Each period is scored with the Kraljic classes as of its end, all read at
        # once.
        suggestions = self.env["res.partner"]._kraljic_suggestions(
            self.company_id,
            [
                scorecards._period_bounds(self.company_id, date_from, date_to)[1]
                for date_from, date_to in ranges
            ],
        )
        # One pass over the range; alerts only for its last period.
        scorecards = scorecards._evaluate_periods(
            self.company_id,
            ranges,
            partners=self.partner_ids or None,
            kraljic_suggestions=suggestions,
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "supplier_evaluation.supplier_scorecard_action"
        )
        action["domain"] = [("id", "in", scorecards.ids)]
        action["context"] = {}
        return action
