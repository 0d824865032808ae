import datetime

from odoo.tests import tagged

from .common import SupplierEvaluationCase, monthly_card

MARCH = datetime.date(2026, 3, 1)


@tagged("post_install", "-at_install")
class TestSellersByScore(SupplierEvaluationCase):
    """A bolt with three vendor pricelines in Odoo's order: Cheap (sequence 1, 10.00,
    latest total 60), Good (sequence 2, 11.00, total 90 in March, 50 in February),
    Barred (sequence 3, 12.00, total 99 but blocked). The other company scored Cheap
    100."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cheap, cls.good, cls.barred = cls.env["res.partner"].create(
            [{"name": n, "is_company": True} for n in ("Cheap", "Good", "Barred")]
        )
        cls.barred.supplier_qualification_state = "blocked"
        cls.product = cls.env["product.product"].create(
            {
                "name": "Scored bolt",
                "type": "consu",
                "is_storable": True,
                "route_ids": [
                    (6, 0, cls.env.ref("purchase_stock.route_warehouse0_buy").ids)
                ],
                "seller_ids": [
                    (0, 0, {"partner_id": v.id, "sequence": s, "price": p})
                    for v, s, p in (
                        (cls.cheap, 1, 10.0),
                        (cls.good, 2, 11.0),
                        (cls.barred, 3, 12.0),
                    )
                ],
            }
        )
        monthly_card(cls.env, cls.company, cls.cheap, MARCH, 60, "routine")
        monthly_card(cls.env, cls.company, cls.good, MARCH, 90, "routine")
        monthly_card(
            cls.env, cls.company, cls.good, datetime.date(2026, 2, 1), 50, "routine"
        )
        monthly_card(cls.env, cls.company, cls.barred, MARCH, 99, "routine")
        monthly_card(cls.env, cls.other_company, cls.cheap, MARCH, 100, "routine")

    def _replenish(self):
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.company.id)], limit=1
        )
        group = self.env["procurement.group"]
        group.run(
            [
                group.Procurement(
                    self.product,
                    5,
                    self.product.uom_id,
                    warehouse.lot_stock_id,
                    "Scored bolt",
                    "test",
                    self.company,
                    {"warehouse_id": warehouse},
                )
            ]
        )
        return (
            self.env["purchase.order.line"]
            .search([("product_id", "=", self.product.id)], order="id desc", limit=1)
            .order_id
        )

    def test_odoo_order_without_the_setting(self):
        self.assertEqual(self.product._select_seller(quantity=5).partner_id, self.cheap)
        self.assertEqual(self._replenish().partner_id, self.cheap)

    def test_best_scored_valid_vendor_first_with_the_setting(self):
        self.company.supplier_order_sellers_by_score = True
        self.assertEqual(
            self.product._prepare_sellers().partner_id,
            self.good | self.cheap | self.barred,
        )
        self.assertEqual(self.product._select_seller(quantity=5).partner_id, self.good)
        order = self._replenish()
        self.assertEqual(order.partner_id, self.good)
        self.assertEqual(order.order_line.price_unit, 11.0)
