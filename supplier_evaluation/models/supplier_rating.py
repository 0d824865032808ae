from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

RATING = [
    ("1", "1 - Poor"),
    ("2", "2"),
    ("3", "3 - Fair"),
    ("4", "4"),
    ("5", "5 - Excellent"),
]
# The same scale for Odoo's star widget (priority), whose first value is "no star".
STARS = [("0", "Not rated"), *RATING]


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
    purchase_id = fields.Many2one(
        "purchase.order",
        "Purchase order",
        index="btree_not_null",
        check_company=True,
        help="The order this rating was given from.",
    )
    picking_id = fields.Many2one(
        "stock.picking",
        "Receipt",
        index="btree_not_null",
        check_company=True,
        domain="[('picking_type_code', '=', 'incoming')]",
        help="The receipt this rating was given from.",
    )
    # Stars for the same three ratings (none = not rated): the stored values and the
    # scorecard engine keep the 1-5 scale.
    service_stars = fields.Selection(
        STARS,
        "Service (stars)",
        compute="_compute_stars",
        inverse="_inverse_service_stars",
    )
    communication_stars = fields.Selection(
        STARS,
        "Communication (stars)",
        compute="_compute_stars",
        inverse="_inverse_communication_stars",
    )
    cooperation_stars = fields.Selection(
        STARS,
        "Cooperation (stars)",
        compute="_compute_stars",
        inverse="_inverse_cooperation_stars",
    )

    @api.depends("service", "communication", "cooperation")
    def _compute_stars(self):
        for rating in self:
            rating.service_stars = rating.service or "0"
            rating.communication_stars = rating.communication or "0"
            rating.cooperation_stars = rating.cooperation or "0"

    def _inverse_stars(self, criterion):
        for rating in self:
            stars = rating[f"{criterion}_stars"]
            rating[criterion] = stars if stars and stars != "0" else False

    def _inverse_service_stars(self):
        self._inverse_stars("service")

    def _inverse_communication_stars(self):
        self._inverse_stars("communication")

    def _inverse_cooperation_stars(self):
        self._inverse_stars("cooperation")

    @api.onchange("purchase_id", "picking_id")
    def _onchange_order_supplier(self):
        partner = self._order_supplier()
        if partner:
            self.partner_id = partner

    def _order_supplier(self):
        """The commercial partner of the receipt or order rated, if any."""
        self.ensure_one()
        order = self.picking_id.purchase_id or self.purchase_id
        partner = order.partner_id or self.picking_id.partner_id
        return partner.commercial_partner_id

    @api.constrains("partner_id", "purchase_id", "picking_id")
    def _check_order_supplier(self):
        for rating in self:
            if rating.picking_id and rating.picking_id.picking_type_code != "incoming":
                raise ValidationError(
                    _("Suppliers are rated from receipts, not from other transfers.")
                )
            if (
                rating.picking_id.purchase_id
                and rating.purchase_id
                and rating.picking_id.purchase_id != rating.purchase_id
            ):
                raise ValidationError(
                    _("The receipt of a rating belongs to another purchase order.")
                )
            supplier = rating._order_supplier()
            if supplier and supplier != rating.partner_id.commercial_partner_id:
                raise ValidationError(
                    _(
                        "A rating given from an order or receipt rates its supplier, %(supplier)s.",  # noqa: E501
                        supplier=supplier.display_name,
                    )
                )

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
        # Who may not rate is told so before the documents are read.
        self.browse().check_access("create")
        for vals in vals_list:
            # Rated from a receipt or an order: its order and supplier unless given.
            picking = self.env["stock.picking"].browse(vals.get("picking_id"))
            order = picking.purchase_id or self.env["purchase.order"].browse(
                vals.get("purchase_id")
            )
            if picking and not vals.get("purchase_id"):
                vals["purchase_id"] = order.id
            if not vals.get("partner_id") and (order or picking):
                partner = order.partner_id or picking.partner_id
                vals["partner_id"] = partner.commercial_partner_id.id
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

    @api.model
    def _action_rate(self, defaults):
        """A dialog to rate a supplier from a document, with ``defaults``
        ({field: value})."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Rate the supplier"),
            "res_model": "supplier.rating",
            "view_mode": "form",
            "views": [
                (
                    self.env.ref("supplier_evaluation.supplier_rating_view_form").id,
                    "form",
                )
            ],
            "target": "new",
            "context": {f"default_{name}": value for name, value in defaults.items()},
        }

    @api.model
    def _action_list(self, domain, defaults):
        """The ratings of ``domain``, new ones given with ``defaults``."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "supplier_evaluation.supplier_rating_action"
        )
        action.update(
            domain=domain,
            view_mode="list,form",
            views=[
                (False, "list"),
                (
                    self.env.ref("supplier_evaluation.supplier_rating_view_form").id,
                    "form",
                ),
            ],
            context={f"default_{name}": value for name, value in defaults.items()},
        )
        return action
