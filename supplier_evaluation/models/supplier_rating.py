from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

RATING = [
    ("1", "1 - Poor"),
    ("2", "2"),
    ("3", "3 - Fair"),
    ("4", "4"),
    ("5", "5 - Excellent"),
]


class SupplierRating(models.Model):
    _name = "supplier.rating"
    _description = "Buyer's Rating of a Supplier"
    _order = "date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        "Supplier",
        required=True,
        index=True,
        domain="[('is_company', '=', True)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        "Buyer",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
        help="Who gave the rating: the user who created it.",
    )
    date = fields.Date(
        required=True,
        index=True,
        default=fields.Date.context_today,
        help="The rating counts in the evaluation period containing this date.",
    )
    service = fields.Selection(RATING)
    communication = fields.Selection(RATING)
    cooperation = fields.Selection(RATING)
    note = fields.Text()

    @api.constrains("service", "communication", "cooperation")
    def _check_something_rated(self):
        for rating in self:
            if not (rating.service or rating.communication or rating.cooperation):
                raise ValidationError(
                    _("Rate at least one of service, communication or cooperation.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        # A rating is given in one's own name (only data loading, as superuser, names
        # another buyer).
        if not self.env.su and any(
            vals.get("user_id", self.env.uid) != self.env.uid for vals in vals_list
        ):
            raise AccessError(_("You rate suppliers in your own name."))
        ratings = super().create(vals_list)
        ratings._rate_commercial_partner()
        return ratings

    def write(self, vals):
        # Record rules let authors and managers write; nobody changes who gave a rating.
        if "user_id" in vals and not self.env.su:
            raise AccessError(
                _(
                    "The buyer of a rating is the user who gave it; it cannot be changed."  # noqa: E501
                )
            )
        result = super().write(vals)
        if "partner_id" in vals:
            self._rate_commercial_partner()
        return result

    def _rate_commercial_partner(self):
        for rating in self.filtered(
            lambda r: r.partner_id != r.partner_id.commercial_partner_id
        ):
            rating.partner_id = rating.partner_id.commercial_partner_id
