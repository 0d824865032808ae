from markupsafe import Markup

from odoo import fields, models

from ..lib import stakeholders
from ..lib.vocabulary import RATING_CRITERIA


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    # Two kinds of answers concern a supplier: an internal stakeholder's rating
    # (supplier_schedule_id set by supplier.stakeholder.survey) and the supplier's own
    # onboarding assessment (no schedule). Both are read as the system when answered.
    supplier_schedule_id = fields.Many2one(
        "supplier.stakeholder.survey",
        index="btree_not_null",
        readonly=True,
        groups="supplier_evaluation.supplier_evaluation_group_user",
    )
    supplier_partner_id = fields.Many2one(
        "res.partner",
        "Supplier",
        index="btree_not_null",
        readonly=True,
        help="The supplier (commercial partner) this answer is about: rated by a "
        "colleague, or assessed for onboarding.",
        groups="supplier_evaluation.supplier_evaluation_group_user",
    )
    supplier_company_id = fields.Many2one(
        "res.company",
        "For company",
        readonly=True,
        groups="supplier_evaluation.supplier_evaluation_group_user",
    )
    supplier_user_id = fields.Many2one(
        "res.users",
        "Respondent",
        readonly=True,
        groups="supplier_evaluation.supplier_evaluation_group_user",
    )
    supplier_date = fields.Date(
        "Period surveyed (last day)",
        readonly=True,
        help="The answers count in the supplier's evaluation of the period of this "
        "day.",
        groups="supplier_evaluation.supplier_evaluation_group_user",
    )
    supplier_rating_id = fields.Many2one(
        "supplier.rating",
        readonly=True,
        groups="supplier_evaluation.supplier_evaluation_group_user",
    )

    def _mark_done(self):
        result = super()._mark_done()
        about_supplier = self.sudo().filtered("supplier_partner_id")
        about_supplier.filtered("supplier_schedule_id")._supplier_rate()
        for answer in about_supplier.filtered(lambda a: not a.supplier_schedule_id):
            answer._supplier_assessment_answered()
        return result

    def _supplier_rate(self):
        """The respondent's rating of the supplier for the period surveyed, from the
        answers to the judged criteria: one answer, one rating (the sample)."""
        for answer in self.filtered(lambda a: not a.supplier_rating_id):
            values, comments = {}, []
            for line in answer.user_input_line_ids.filtered(lambda li: not li.skipped):
                criterion = line.question_id.supplier_criterion
                if criterion in RATING_CRITERIA and line.answer_type == "scale":
                    values[criterion] = stakeholders.rating_value(
                        line.value_scale,
                        line.question_id.scale_min,
                        line.question_id.scale_max,
                    )
                elif criterion == "comment":
                    comments.append(line.value_text_box or line.value_char_box or "")
            if not any(values.values()):
                continue
            answer.supplier_rating_id = (
                self.env["supplier.rating"]
                .sudo()
                .create(
                    {
                        "partner_id": answer.supplier_partner_id.id,
                        "company_id": answer.supplier_company_id.id,
                        "user_id": answer.supplier_user_id.id,
                        "date": answer.supplier_date,
                        "note": "\n".join(c for c in comments if c) or False,
                        **values,
                    }
                )
            )

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
