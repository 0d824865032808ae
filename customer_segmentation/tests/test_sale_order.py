from odoo import Command
from odoo.tests import tagged

from .common import SegmentationCase


@tagged("post_install", "-at_install")
class TestSaleOrderTier(SegmentationCase):
    """The customer's tier, segment and tier service on sale orders, for many orders
    at once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        amounts = (9000, 7000, 5000, 1500, 900, 600, 300, 200, 100, 50)
        cls.customers = [cls._customer(f"Buyer {i}") for i in range(len(amounts))]
        for customer, amount in zip(cls.customers, amounts, strict=True):
            cls._order(customer, amount, "2026-03-05 09:00:00")
        cls.term = cls.env["account.payment.term"].create(
            {"name": "60 days", "company_id": cls.company.id}
        )
        cls.notes = {"strategic": "Call back within 4 hours.", "key": "Same day."}
        for tier, note in cls.notes.items():
            cls.env["customer.tier.service"].create(
                {
                    "tier": tier,
                    "company_id": cls.company.id,
                    "service_note": note,
                    "payment_term_id": cls.term.id if tier == "strategic" else False,
                }
            )

    def _quotations(self, customers):
        return self.env["sale.order"].create(
            [
                {
                    "partner_id": customer.id,
                    "company_id": self.company.id,
                    "order_line": [Command.create({"product_id": self.product.id})],
                }
                for customer in customers
            ]
        )

    def _queries(self, orders):
        """SQL queries run to compute the figures of ``orders`` from an empty cache."""
        self.env.invalidate_all()
        orders = self.env["sale.order"].browse(orders.ids)
        before = self.env.cr.sql_log_count
        orders.mapped("customer_service_note")
        orders.mapped("customer_tier")
        return self.env.cr.sql_log_count - before

    def test_many_orders(self):
        self._run()
        orders = self._quotations(self.customers)
        tiers = {self._profile(c).tier for c in self.customers}
        self.assertTrue({"strategic", "key", "ordinary"} <= tiers, tiers)
        self.env.invalidate_all()
        for order, customer in zip(orders, self.customers, strict=True):
            tier = self._profile(customer).tier
            self.assertEqual(order.customer_tier, tier)
            self.assertEqual(
                order.customer_segment_id, self._profile(customer).segment_id
            )
            self.assertEqual(order.customer_service_note, self.notes.get(tier, False))
            self.assertEqual(
                order.payment_term_id == self.term, tier == "strategic", order.name
            )
        # One read of the tier services for all orders: as many queries for ten orders
        # as for one.
        self.assertEqual(self._queries(orders), self._queries(orders[:1]))
