from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import LazyTranslate

from ..lib.vocabulary import CRITERIA

_lt = LazyTranslate(__name__)

# criterion: (unit, default poor value, default excellent value, description)
CRITERIA_INFO = {
    "on_time": (
        "%",
        70.0,
        98.0,
        _lt(
            "Quantity received on or before the promised date of its purchase line "
            "(compared as dates in the company's time zone) over the quantity due in "
            "the period, in the product's unit. Over-delivery counts at most the "
            "ordered quantity; returns are not receipts. Odoo's own on-time rate on "
            "the vendor form also counts quantities, but compares UTC dates, takes the "
            "lines whose order date is in the last 365 days (rather than the lines due "
            "in the period), counts over-deliveries in full, counts returns made by "
            "the promised date as received on time, and keeps each contact of a "
            "supplier apart."
        ),
    ),
    "in_full": (
        "%",
        60.0,
        95.0,
        _lt(
            "Share of the purchase lines due in the period that were received complete "
            "by their promised date."
        ),
    ),
    "quality": (
        "%",
        90.0,
        100.0,
        _lt(
            "100% minus the quantity returned to the vendor over the quantity received "
            "in the period."
        ),
    ),
    "price": (
        "%",
        115.0,
        90.0,
        _lt(
            "For products bought from two or more vendors in the period: the "
            "supplier's average unit price against the other vendors' average, in "
            "company currency and the product's unit of measure, weighted by spend. "
            "100% is the market average."
        ),
    ),
    "lead_time": (
        "days",
        30.0,
        5.0,
        _lt(
            "Days from order confirmation to receipt, weighted by quantity. Negative "
            "and absurd lead times are left out."
        ),
    ),
    "lead_time_std": (
        "days",
        10.0,
        1.0,
        _lt(
            "Standard deviation of the lead time, weighted by quantity: how stable delivery is."  # noqa: E501
        ),
    ),
    "service": ("1-5", 1.0, 5.0, _lt("Buyers' rating of service in the period.")),
    "communication": (
        "1-5",
        1.0,
        5.0,
        _lt("Buyers' rating of communication in the period."),
    ),
    "cooperation": (
        "1-5",
        1.0,
        5.0,
        _lt("Buyers' rating of cooperation in the period."),
    ),
}


class SupplierEvaluationTemplateLine(models.Model):
    _name = "supplier.evaluation.template.line"
    _description = "Supplier Evaluation Criterion Weight"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one(
        "supplier.evaluation.template", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="template_id.company_id", store=True, index=True
    )
    sequence = fields.Integer(default=10)
    criterion = fields.Selection(CRITERIA, required=True)
    weight = fields.Float(
        required=True, digits=(5, 2), help="Weights of a template add up to 100."
    )
    poor_value = fields.Float(
        string="Poor",
        required=True,
        help="A raw figure at or beyond this value scores 0.",
    )
    excellent_value = fields.Float(
        string="Excellent",
        required=True,
        help="A raw figure at or beyond this value scores 100.",
    )
    unit = fields.Char(compute="_compute_criterion_info")
    description = fields.Text(compute="_compute_criterion_info")

    @api.depends("criterion")
    def _compute_criterion_info(self):
        for line in self:
            info = CRITERIA_INFO.get(line.criterion)
            line.unit = info[0] if info else False
            line.description = str(info[3]) if info else False

    @api.onchange("criterion")
    def _onchange_criterion(self):
        info = CRITERIA_INFO.get(self.criterion)
        if info and not (self.poor_value or self.excellent_value):
            self.poor_value, self.excellent_value = info[1], info[2]

    @api.constrains("poor_value", "excellent_value", "weight")
    def _check_values(self):
        for line in self:
            if line.poor_value == line.excellent_value:
                raise ValidationError(
                    _(
                        "“Poor” and “Excellent” must differ for %(criterion)s in template %(template)s.",  # noqa: E501
                        criterion=dict(CRITERIA)[line.criterion],
                        template=line.template_id.display_name,
                    )
                )
            if line.weight < 0:
                raise ValidationError(_("A weight cannot be negative."))

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._check_template_weights()
        return lines

    def write(self, vals):
        result = super().write(vals)
        self._check_template_weights()
        return result

    def unlink(self):
        templates = self.template_id
        result = super().unlink()
        if not self.env.context.get("supplier_evaluation_batch"):
            templates.exists()._check_weights()
        return result

    def _check_template_weights(self):
        # Edited through the template form, lines are checked once the template is
        # saved.
        if not self.env.context.get("supplier_evaluation_batch"):
            self.template_id._check_weights()
