from odoo import _, api, fields, models
from odoo.exceptions import AccessError


class SupplierPurchaseControlWizard(models.TransientModel):
    """The warning shown when confirming an order to a flagged supplier, and the user's
    decision.

    Only the server creates it (``purchase.order._supplier_control_wizard_action``); its
    user may only add a reason, and confirming checks the policy again.
    """

    _name = "supplier.purchase.control.wizard"
    _description = "Supplier Control on Order Confirmation"

    order_ids = fields.Many2many("purchase.order", required=True)
    severity = fields.Selection(
        [("warn", "Warning"), ("block", "Blocked")], required=True
    )
    message = fields.Html(readonly=True, sanitize=False)
    reason = fields.Text(help="Logged on the order and on the supplier.")
    can_override = fields.Boolean(compute="_compute_can_override")

    @api.depends_context("uid")
    def _compute_can_override(self):
        self.can_override = self.env.user.has_group("purchase.group_purchase_manager")

    def write(self, vals):
        if not self.env.su and set(vals) - {"reason"}:
            raise AccessError(
                _(
                    "The supplier control only takes your reason; the rest comes from the purchase policy."  # noqa: E501
                )
            )
        return super().write(vals)

    def action_confirm(self):
        self.ensure_one()
        return self.order_ids._confirm_despite_supplier_control(self.reason)
