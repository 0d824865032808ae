from odoo import fields, models


class SupplierPurchaseControlWizard(models.TransientModel):
    _name = "supplier.purchase.control.wizard"
    _description = "Supplier Control on Order Confirmation"

    order_ids = fields.Many2many("purchase.order", required=True)
    severity = fields.Selection([("warn", "Warning"), ("block", "Blocked")], required=True)
    message = fields.Html(readonly=True, sanitize=False)
    reason = fields.Text(help="Logged on the order and on the supplier.")
    can_override = fields.Boolean(compute="_compute_can_override")

    def _compute_can_override(self):
        self.can_override = self.env.user.has_group("purchase.group_purchase_manager")

    def action_confirm(self):
        self.ensure_one()
        return self.order_ids._confirm_despite_supplier_control(self.reason)
