from odoo import models


class SurveyInvite(models.TransientModel):
    _inherit = "survey.invite"

    def _get_answers_values(self):
        """An invitation sent from a supplier form links its answers to the supplier."""
        values = super()._get_answers_values()
        assessed = self.env.context.get("supplier_assessment_partner_id")
        if assessed:
            values.update(
                supplier_partner_id=assessed,
                supplier_company_id=self.env.context.get(
                    "supplier_assessment_company_id"
                ),
            )
        return values
