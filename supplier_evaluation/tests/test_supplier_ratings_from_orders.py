from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import MARCH, SupplierEvaluationCase


@tagged("post_install", "-at_install")
class TestSupplierRatingsFromOrders(SupplierEvaluationCase):
    """A buyer rates the supplier with stars from a confirmed order and from its
    receipt; those ratings count in the period like the ones of the ratings menu."""

    OWN_COMPANY = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vendor = cls.env["res.partner"].create(
            {"name": "Starry Supplies", "is_company": True}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Stella", "parent_id": cls.vendor.id}
        )
        cls.other_vendor = cls.env["res.partner"].create(
            {"name": "Other Supplies", "is_company": True}
        )
        product = cls.env["product.product"].create(
            {"name": "Washer", "type": "consu", "is_storable": True}
        )
        with freeze_time("2026-03-02 09:00:00"):
            cls.order = cls.env["purchase.order"].create(
                {
                    # Ordered through a contact: the supplier rated is the company.
                    "partner_id": cls.contact.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_qty": 10,
                                "price_unit": 3.0,
                                "date_planned": "2026-03-10 12:00:00",
                            }
                        )
                    ],
                }
            )
            cls.order.button_confirm()
        cls.receipt = cls.order.picking_ids
        with freeze_time("2026-03-09 10:00:00"):
            for move in cls.receipt.move_ids:
                move.quantity = 10
                move.picked = True
            cls.receipt.button_validate()
        cls.buyer_2 = new_test_user(
            cls.env,
            login="se_buyer_2",
            groups="purchase.group_purchase_user",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        # A warehouse clerk sees receipts but is no buyer.
        cls.clerk = new_test_user(
            cls.env,
            login="se_clerk",
            groups="stock.group_stock_user",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )

    def _rate_from(self, action, user, **stars):
        self.assertEqual(action["res_model"], "supplier.rating")
        self.assertEqual(action["target"], "new")
        form = Form(
            self.env["supplier.rating"]
            .with_user(user)
            .with_context(**action["context"]),
            view="supplier_evaluation.supplier_rating_view_form",
        )
        for name, value in stars.items():
            setattr(form, f"{name}_stars", value)
        return form.save()

    def test_ratings_from_order_and_receipt_feed_the_period(self):
        self.assertEqual(self.receipt.state, "done")
        with freeze_time("2026-03-12 08:00:00"):
            from_order = self._rate_from(
                self.order.with_user(self.buyer).action_rate_supplier(),
                self.buyer,
                service="2",
                cooperation="3",
            )
            from_receipt = self._rate_from(
                self.receipt.with_user(self.buyer).action_rate_supplier(),
                self.buyer,
                service="5",
            )
            # The same facts entered from the ratings menu, by another buyer.
            from_menu = (
                self.env["supplier.rating"]
                .with_user(self.buyer_2)
                .create(
                    {
                        "partner_id": self.vendor.id,
                        "service": "2",
                        "communication": "4",
                    }
                )
            )
        self.assertFalse(from_menu.purchase_id)
        self.assertEqual(from_order.partner_id, self.vendor)
        self.assertEqual(from_order.purchase_id, self.order)
        self.assertEqual(from_order.user_id, self.buyer)
        self.assertEqual(str(from_order.date), "2026-03-12")
        # Stars are the 1-5 ratings, an unrated criterion stays empty (not 0).
        self.assertEqual(
            (from_order.service, from_order.communication, from_order.cooperation),
            ("2", False, "3"),
        )
        self.assertEqual(from_receipt.picking_id, self.receipt)
        self.assertEqual(from_receipt.purchase_id, self.order)
        self.assertEqual(from_receipt.partner_id, self.vendor)
        # The smart buttons count and open the document's own ratings.
        self.assertEqual(self.order.with_user(self.buyer).supplier_rating_count, 2)
        self.assertEqual(self.receipt.with_user(self.buyer).supplier_rating_count, 1)
        action = self.order.with_user(self.buyer).action_view_supplier_ratings()
        self.assertEqual(
            self.env["supplier.rating"].search(action["domain"]),
            from_order | from_receipt,
        )

        self._evaluate(MARCH)
        card = self._card(self.vendor, MARCH)
        # Service (2 + 5 + 2) / 3; communication only from the menu; cooperation only
        # from the order.
        self.assertEqual(card.rating_count, 3)
        self.assertAlmostEqual(card.service_rating, 3.0)
        self.assertAlmostEqual(card.communication_rating, 4.0)
        self.assertAlmostEqual(card.cooperation_rating, 3.0)

    def test_only_buyers_rate_and_only_the_order_supplier(self):
        # The clerk reaches the receipt but cannot rate (no access to ratings).
        with self.assertRaises(AccessError):
            self.env["supplier.rating"].with_user(self.clerk).create(
                {"picking_id": self.receipt.id, "service": "1"}
            )
        arch = (
            self.env["stock.picking"]
            .with_user(self.clerk)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertNotIn("action_rate_supplier", arch)
        arch = (
            self.env["stock.picking"]
            .with_user(self.buyer)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn("action_rate_supplier", arch)
        # A rating given from an order rates that order's supplier.
        with self.assertRaises(ValidationError):
            self.env["supplier.rating"].with_user(self.buyer).create(
                {
                    "partner_id": self.other_vendor.id,
                    "purchase_id": self.order.id,
                    "service": "1",
                }
            )
        # Only receipts are rated, not deliveries.
        delivery = self.env["stock.picking"].create(
            {
                "picking_type_id": self.env["stock.picking.type"]
                .search(
                    [
                        ("code", "=", "outgoing"),
                        ("company_id", "=", self.company.id),
                    ],
                    limit=1,
                )
                .id,
                "partner_id": self.vendor.id,
            }
        )
        with self.assertRaises(ValidationError):
            self.env["supplier.rating"].with_user(self.buyer).create(
                {"picking_id": delivery.id, "service": "1"}
            )


@tagged("post_install", "-at_install")
class TestSupplierRatingStars(HttpCase):
    def test_buyer_rates_with_stars_from_the_order_form(self):
        buyer = new_test_user(
            self.env,
            login="se_star_buyer",
            password="se_star_buyer",
            groups="purchase.group_purchase_user",
        )
        vendor = self.env["res.partner"].create(
            {"name": "Star Bolts", "is_company": True}
        )
        product = self.env["product.product"].create(
            {"name": "Star bolt", "type": "consu"}
        )
        order = self.env["purchase.order"].create(
            {
                "partner_id": vendor.id,
                "order_line": [
                    Command.create(
                        {"product_id": product.id, "product_qty": 1, "price_unit": 2}
                    )
                ],
            }
        )
        order.button_confirm()
        self.start_tour(
            f"/odoo/purchase/{order.id}",
            "supplier_evaluation_rating_stars_tour",
            login=buyer.login,
        )
        rating = self.env["supplier.rating"].search([("purchase_id", "=", order.id)])
        self.assertEqual(len(rating), 1)
        self.assertEqual(
            (rating.partner_id, rating.user_id, rating.service, rating.communication),
            (vendor, buyer, "4", False),
        )
