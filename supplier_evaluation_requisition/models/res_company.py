from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    supplier_best_value_weight = fields.Float(
        "Best value: weight of the supplier score",
        default=0.5,
        help="Stored as a fraction (0.5 = 50 %): the rest of the best value is the "
        "price, 100 for the cheapest alternative.",
    )

    @api.constrains("supplier_best_value_weight")
    def _check_supplier_best_value_weight(self):
        for company in self:
            if not 0 <= company.supplier_best_value_weight <= 1:
                raise ValidationError(
                    _("The weight of the supplier score is between 0 % and 100 %.")
                )
