from markupsafe import Markup

from odoo import fields, models


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    supplier_partner_id = fields.Many2one(
        "res.partner",
        "Assessed supplier",
        index="btree_not_null",
        readonly=True,
        help="The supplier (commercial partner) this onboarding assessment is for.",
    )
    supplier_company_id = fields.Many2one("res.company", "Assessed for", readonly=True)

    def _mark_done(self):
        result = super()._mark_done()
        for answer in self.filtered("supplier_partner_id").sudo():
            answer._supplier_assessment_answered()
        return result

    def _supplier_assessment_answered(self):
        """The score lands on the supplier in the company that sent the questionnaire;
        a candidate under evaluation is then "answered"."""
        partner = self.supplier_partner_id.with_company(self.supplier_company_id)
        values = {
            "supplier_assessment_score": self.scoring_percentage,
            "supplier_assessment_input_id": self.id,
        }
        if partner.supplier_qualification_state in (False, "candidate", "evaluation"):
            values["supplier_qualification_state"] = "answered"
        partner.write(values)
        partner.message_post(
            body=Markup("%s")
            % self.env._(
                "Onboarding questionnaire %(survey)s answered by %(contact)s: score "
                "%(score)s %%.",
                survey=self.survey_id.title,
                contact=self.partner_id.display_name or self.email,
                score=round(self.scoring_percentage, 1),
            ),
            subtype_xmlid="mail.mt_note",
        )
