from odoo import fields, models


class CustomerCrosssellRule(models.Model):
    """A product pair bought together by customers of a segment (lift > 1), refreshed by
    each run."""

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
    segment_customers = fields.Integer(readonly=True)
    customers_a = fields.Integer("Customers buying A", readonly=True)
    customers_ab = fields.Integer("Customers buying both", readonly=True)
    support = fields.Float(readonly=True, digits=(6, 4))
    confidence = fields.Float(readonly=True, digits=(6, 4))
    lift = fields.Float(readonly=True, digits=(8, 2))
