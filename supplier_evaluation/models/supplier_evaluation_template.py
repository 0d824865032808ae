from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib import scoring
from ..lib.vocabulary import KRALJIC_CLASSES


class SupplierEvaluationTemplate(models.Model):
    _name = "supplier.evaluation.template"
    _description = "Supplier Evaluation Template"
    _inherit = ["mail.thread"]
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    kraljic_class = fields.Selection(
        KRALJIC_CLASSES,
        required=True,
        tracking=True,
        help="Suppliers of this class are scored with this template.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    line_ids = fields.One2many(
        "supplier.evaluation.template.line", "template_id", string="Criteria", copy=True
    )
    total_weight = fields.Float(compute="_compute_total_weight")
    note = fields.Html(translate=True)

    _sql_constraints = [
        (
            "class_company_uniq",
            "unique(kraljic_class, company_id)",
            "Each Kraljic class has one evaluation template per company.",
        ),
    ]

    @api.depends("line_ids.weight")
    def _compute_total_weight(self):
        for template in self:
            template.total_weight = sum(template.line_ids.mapped("weight"))

    # kraljic_class is always written on create: the check also runs for a template
    # created without lines.
    @api.constrains("line_ids", "kraljic_class")
    def _check_weights(self):
        for template in self:
            if not template.line_ids:
                raise ValidationError(
                    _(
                        "Template “%s” has no criteria: add the criteria its suppliers "
                        "are scored on, with weights adding up to 100.",
                        template.display_name,
                    )
                )
            weights = template.line_ids.mapped("weight")
            if not scoring.check_weights(weights):
                raise ValidationError(
                    _(
                        "The weights of template “%(template)s” add up to %(total)s; they must add up to 100.",  # noqa: E501
                        template=template.display_name,
                        total=round(sum(weights), 2),
                    )
                )
            criteria = template.line_ids.mapped("criterion")
            if len(criteria) != len(set(criteria)):
                raise ValidationError(
                    _("Template “%s” lists a criterion twice.", template.display_name)
                )

    # Lines written through the template are checked together, once, by _check_weights.
    @api.model_create_multi
    def create(self, vals_list):
        return (
            super(
                SupplierEvaluationTemplate,
                self.with_context(supplier_evaluation_batch=True),
            )
            .create(vals_list)
            .with_env(self.env)
        )

    def write(self, vals):
        return super(
            SupplierEvaluationTemplate,
            self.with_context(supplier_evaluation_batch=True),
        ).write(vals)
