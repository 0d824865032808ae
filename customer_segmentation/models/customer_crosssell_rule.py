from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CustomerCrosssellRule(models.Model):
    """A product pair bought together by customers of a segment (lift > 1), refreshed by
    each run: for each product of a segment, the best few products bought with it (as
    many as the suggestions per customer). A customer's suggestions are read from them
    (customer.profile.crosssell_ids)."""

    _name = "customer.crosssell.rule"
    _description = "Cross-sell Pair of a Segment"
    _order = "segment_id, confidence desc, lift desc"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    segment_id = fields.Many2one(
        "customer.segment", required=True, index=True, readonly=True, ondelete="cascade"
    )
    product_a_id = fields.Many2one(
        "product.product", "Bought", required=True, readonly=True, ondelete="cascade"
    )
    product_b_id = fields.Many2one(
        "product.product",
        "Also bought",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    # What a suggestion read from the pair offers (the views of suggestions show it).
    product_id = fields.Many2one(related="product_b_id", string="Suggested product")
    segment_customers = fields.Integer(readonly=True)
    customers_a = fields.Integer("Customers buying A", readonly=True)
    customers_ab = fields.Integer("Customers buying both", readonly=True)
    support = fields.Float(readonly=True, digits=(6, 4))
    confidence = fields.Float(readonly=True, digits=(6, 4))
    lift = fields.Float(readonly=True, digits=(8, 2))
    reason = fields.Char(compute="_compute_reason")

    _sql_constraints = [
        (
            "segment_pair_uniq",
            "unique(company_id, segment_id, product_a_id, product_b_id)",
            "A pair is counted once per segment.",
        ),
    ]

    @api.depends("confidence", "lift", "segment_id", "product_a_id")
    @api.depends_context("lang")
    def _compute_reason(self):
        for rule in self:
            rule.reason = _(
                "bought by %(share)s%% of %(segment)s who buy %(product)s (lift %(lift).1f)",  # noqa: E501
                share=round(rule.confidence * 100),
                segment=rule.segment_id.name,
                product=rule.product_a_id.display_name,
                lift=rule.lift,
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
