from odoo import models


class StockPicking(models.Model):
    _name = "stock.picking"
    _inherit = ["stock.picking", "supplier.rated.mixin"]
    _supplier_rating_field = "picking_id"

    def _supplier_rating_defaults(self):
        supplier = self.purchase_id.partner_id or self.partner_id
        return {
            "picking_id": self.id,
            "purchase_id": self.purchase_id.id,
            "partner_id": supplier.commercial_partner_id.id,
        }
