from odoo import api, fields, models

EVALUATION_GROUP = "supplier_evaluation.supplier_evaluation_group_user"


class StockPicking(models.Model):
    _inherit = "stock.picking"

    supplier_rating_ids = fields.One2many(
        "supplier.rating",
        "picking_id",
        "Supplier ratings",
        groups=EVALUATION_GROUP,
    )
    supplier_rating_count = fields.Integer(
        compute="_compute_supplier_rating_count", groups=EVALUATION_GROUP
    )

    @api.depends("supplier_rating_ids")
    def _compute_supplier_rating_count(self):
        for picking in self:
            picking.supplier_rating_count = len(picking.supplier_rating_ids)

    def _supplier_rating_defaults(self):
        supplier = self.purchase_id.partner_id or self.partner_id
        return {
            "picking_id": self.id,
            "purchase_id": self.purchase_id.id,
            "partner_id": supplier.commercial_partner_id.id,
        }

    def action_rate_supplier(self):
        self.ensure_one()
        return self.env["supplier.rating"]._action_rate(
            self._supplier_rating_defaults()
        )

    def action_view_supplier_ratings(self):
        self.ensure_one()
        return self.env["supplier.rating"]._action_list(
            [("picking_id", "=", self.id)], self._supplier_rating_defaults()
        )
