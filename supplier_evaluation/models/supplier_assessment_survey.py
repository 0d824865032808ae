from odoo import fields, models

from ..lib.vocabulary import KRALJIC_CLASSES


class SupplierAssessmentSurvey(models.Model):
    """Which onboarding questionnaire a candidate gets: the first row (by sequence)
    whose category and Kraljic class both match (an empty one matches any)."""

    _name = "supplier.assessment.survey"
    _description = "Supplier onboarding questionnaire"
    _order = "sequence, id"
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    survey_id = fields.Many2one(
        "survey.survey",
        "Questionnaire",
        required=True,
        ondelete="cascade",
        domain=[("scoring_type", "!=", "no_scoring")],
        help="A scored survey: its score (percent) lands on the supplier.",
    )
    category_id = fields.Many2one(
        "product.category",
        "Product category",
        help="Suppliers of this category or of one below it.",
    )
    kraljic_class = fields.Selection(KRALJIC_CLASSES, "Kraljic class")

    def _for_partner(self, partner, company):
        """The questionnaire for ``partner`` in ``company`` (an empty recordset when
        none matches)."""
        categories = partner._supplier_categories(company)
        kraljic_class = partner.with_company(company).supplier_kraljic_class
        for row in self.search([("company_id", "=", company.id)]):
            if row.category_id and row.category_id not in categories:
                continue
            if row.kraljic_class and row.kraljic_class != kraljic_class:
                continue
            return row.survey_id
        return self.env["survey.survey"]
