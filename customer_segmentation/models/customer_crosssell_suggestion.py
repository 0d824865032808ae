from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CustomerCrosssellSuggestion(models.Model):
    """A product a customer never bought that its segment buys with what it does buy."""

    _name = "customer.crosssell.suggestion"
    _description = "Cross-sell Suggestion"
    _order = "profile_id, rank"

    profile_id = fields.Many2one(
        "customer.profile", required=True, index=True, readonly=True, ondelete="cascade"
    )
    # Hundreds of thousands of rows are written per run: what the profile already holds
    # is not stored again (each stored many2one costs a foreign-key check per inserted
    # row).
    partner_id = fields.Many2one(related="profile_id.partner_id")
    company_id = fields.Many2one(
        related="profile_id.company_id", store=True, index=True
    )
    rank = fields.Integer(readonly=True)
    product_id = fields.Many2one(
        "product.product", required=True, readonly=True, ondelete="cascade"
    )
    because_product_id = fields.Many2one(
        "product.product", "Because they buy", readonly=True, ondelete="cascade"
    )
    segment_id = fields.Many2one(related="profile_id.segment_id")
    confidence = fields.Float(readonly=True)
    lift = fields.Float(readonly=True)
    reason = fields.Char(compute="_compute_reason")

    @api.depends("confidence", "lift", "segment_id", "because_product_id")
    @api.depends_context("lang")
    def _compute_reason(self):
        for suggestion in self:
            suggestion.reason = _(
                "bought by %(share)s%% of %(segment)s who buy %(product)s (lift %(lift).1f)",  # noqa: E501
                share=round(suggestion.confidence * 100),
                segment=suggestion.segment_id.name,
                product=suggestion.because_product_id.display_name,
                lift=suggestion.lift,
            )

    def action_add_to_order(self):
        """Add the suggested product to the quotation the button was pressed on."""
        self.ensure_one()
        order = (
            self.env["sale.order"]
            .browse(self.env.context.get("crosssell_order_id"))
            .exists()
        )
        if not order or order.state not in ("draft", "sent"):
            raise UserError(_("Suggestions can only be added to a quotation."))
        order.write(
            {
                "order_line": [
                    (0, 0, {"product_id": self.product_id.id, "product_uom_qty": 1})
                ]
            }
        )
        return True
