from odoo import models


class SupplierEvaluationWizard(models.TransientModel):
    _inherit = "supplier.evaluation.wizard"

    def action_evaluate(self):
        """Enqueue the range, one job per period and a final one, instead of scoring
        it here; the scorecards appear as the jobs finish."""
        self.ensure_one()
        self._check_evaluate()
        ranges = self._ranges()
        self.env["supplier.scorecard"]._delay_backfill(
            self.company_id, ranges, self.partner_ids
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "supplier_evaluation.supplier_scorecard_action"
        )
        domain = [
            ("company_id", "=", self.company_id.id),
            ("date_from", ">=", ranges[0][0]),
            ("date_to", "<=", ranges[-1][1]),
        ]
        if self.partner_ids:
            domain.append(
                ("partner_id", "in", self.partner_ids.commercial_partner_id.ids)
            )
        action["domain"] = domain
        action["context"] = {}
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "sticky": False,
                "message": self.env._(
                    "%(count)s periods queued: one job each, then one for the trends "
                    "and alerts. The scorecards appear as the jobs finish.",
                    count=len(ranges),
                ),
                "next": action,
            },
        }
