from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CustomerSegment(models.Model):
    _name = "customer.segment"
    _description = "Customer Segment"
    _order = "scheme_id, sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(help="Technical name, stable across languages.")
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    scheme_id = fields.Many2one(
        "customer.segment.scheme", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="scheme_id.company_id", store=True, index=True)
    r_min = fields.Integer("R from", required=True, default=1)
    r_max = fields.Integer("R to", required=True, default=5)
    f_min = fields.Integer("F from", required=True, default=1)
    f_max = fields.Integer("F to", required=True, default=5)
    description = fields.Char(translate=True)
    watch_downgrade = fields.Boolean(
        "Watch departures",
        help="A customer leaving this segment for an alert segment raises an activity.",
    )
    alert_on_arrival = fields.Boolean(
        "Alert segment",
        help="A watched customer arriving here raises an activity for its salesperson.",
    )

    _sql_constraints = [
        (
            "code_scheme_uniq",
            "unique(code, scheme_id)",
            "Segment codes are unique in a rule table.",
        ),
    ]

    @api.constrains("r_min", "r_max", "f_min", "f_max")
    def _check_bounds(self):
        for segment in self:
            if not (
                1 <= segment.r_min <= segment.r_max <= 5
                and 1 <= segment.f_min <= segment.f_max <= 5
            ):
                raise ValidationError(
                    _(
                        "Segment “%s”: scores run from 1 to 5, and each range must start at or below its end.",  # noqa: E501
                        segment.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._check_scheme_coverage()
        return records

    def write(self, vals):
        result = super().write(vals)
        self._check_scheme_coverage()
        return result

    def unlink(self):
        schemes = self.scheme_id
        result = super().unlink()
        if not self.env.context.get("customer_segmentation_batch"):
            schemes.exists()._check_coverage()
        return result

    def _check_scheme_coverage(self):
        # Edited through the rule table, segments are checked once the table is saved.
        if not self.env.context.get("customer_segmentation_batch"):
            self.scheme_id._check_coverage()
