from odoo import fields, models

# What a question of a stakeholder survey measures.
SUPPLIER_CRITERIA = [
    ("nps", "Would recommend (0-10)"),
    ("service", "Service"),
    ("communication", "Communication"),
    ("cooperation", "Cooperation"),
    ("comment", "Comment"),
]


class SurveyQuestion(models.Model):
    _inherit = "survey.question"

    supplier_criterion = fields.Selection(
        SUPPLIER_CRITERIA,
        string="Supplier evaluation",
        groups="supplier_evaluation.supplier_evaluation_group_user",
        help="In a stakeholder survey of a supplier: the judged criterion, the "
        "recommendation (NPS) or the comment this question's answers feed.",
    )
