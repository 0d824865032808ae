import datetime

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from odoo.addons.supplier_evaluation.tests.common import (
    SupplierEvaluationCase,
    monthly_card,
)

MARCH = datetime.date(2026, 3, 1)


@tagged("post_install", "-at_install")
class TestSelectionOnCallsForTenders(SupplierEvaluationCase):
    """A call for tenders of 100 bolts, no taxes, three alternatives made with
    purchase_requisition's own wizard:

    - A: 10.00 each = 1000 (cheapest); March card total 60 (C), on time 70 %.
    - B: 10.40 each = 1040; total 90 (A), on time 95 %.
    - C: 12.00 each = 1200; no scorecard here (only one in the other company).

    Weight 50 %: A 0.5 * 100 + 0.5 * 60 = 80; B 0.5 * 1000 / 1040 * 100 + 45 = 93.1;
    C 0.5 * 1000 / 1200 * 100 = 41.7: B is the best value, then A, then C.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create(
            {"name": "Tender bolt", "type": "consu", "supplier_taxes_id": False}
        )
        cls.a, cls.b, cls.c = cls.env["res.partner"].create(
            [{"name": f"Tender vendor {x}", "is_company": True} for x in "ABC"]
        )
        (cls.a | cls.b).write({"supplier_qualification_state": "approved"})
        # Purchase control (warn on grade C) is tested on its own.
        cls.env["supplier.purchase.policy"].search(
            [("company_id", "=", cls.company.id), ("condition", "=", "grade_C")]
        ).action = "none"
        for vendor, total, on_time in ((cls.a, 60, 70.0), (cls.b, 90, 95.0)):
            monthly_card(cls.env, cls.company, vendor, MARCH, total, "routine").write(
                {
                    "on_time_rate": on_time,
                    "line_count": 4,
                    "lead_time_avg": 5.0,
                    "receipt_count": 4,
                }
            )
        monthly_card(cls.env, cls.other_company, cls.c, MARCH, 99, "routine")
        form = Form(cls.env["purchase.order"].with_user(cls.buyer))
        form.partner_id = cls.a
        with form.order_line.new() as line:
            line.product_id = cls.product
            line.product_qty = 100
            line.price_unit = 10.0
        cls.rfq_a = form.save()
        for vendor, price in ((cls.b, 10.4), (cls.c, 12.0)):
            action = cls.rfq_a.with_user(cls.buyer).action_create_alternative()
            wizard = Form(
                cls.env["purchase.requisition.create.alternative"]
                .with_user(cls.buyer)
                .with_context(**action["context"])
            )
            wizard.partner_id = vendor
            wizard.copy_products = True
            wizard.save().action_create_alternative()
            alternative = cls.rfq_a.alternative_po_ids.filtered(
                lambda o, v=vendor: o.partner_id == v
            )
            alternative.order_line.price_unit = price
        cls.rfq_b, cls.rfq_c = (
            cls.rfq_a.alternative_po_ids.filtered(lambda o, v=v: o.partner_id == v)
            for v in (cls.b, cls.c)
        )

    def test_alternatives_show_grades_and_the_best_value(self):
        orders = (self.rfq_a | self.rfq_b | self.rfq_c).with_user(self.buyer)
        self.assertEqual(orders.mapped("amount_total"), [1000.0, 1040.0, 1200.0])
        self.assertEqual(orders.mapped("supplier_grade"), ["C", "A", False])
        self.assertEqual(orders.mapped("supplier_last_total"), [60.0, 90.0, 0.0])
        self.assertEqual(orders.mapped("supplier_on_time"), [70.0, 95.0, 0.0])
        self.assertEqual(
            orders.mapped("supplier_qualification"), ["approved", "approved", False]
        )
        self.assertEqual(orders.mapped("supplier_best_value_rank"), [2, 1, 3])
        for order, value in zip(
            orders, [80.0, 50 * 1000 / 1040 + 45, 50 * 1000 / 1200], strict=True
        ):
            self.assertAlmostEqual(order.supplier_best_value, value, places=1)
        self.assertEqual(
            orders.mapped("supplier_best_value_reason"),
            [
                "C, the cheapest",
                "A, 4% dearer than the cheapest, 25 points better on time",
                "no scorecard, 20% dearer than the cheapest",
            ],
        )
        self.assertEqual(orders.mapped("supplier_needs_reason"), [True, False, True])
        # Compare Product Lines: the same on each line.
        action = self.rfq_a.with_user(self.buyer).action_compare_alternative_lines()
        lines = (
            self.env["purchase.order.line"]
            .with_user(self.buyer)
            .search(action["domain"], order="price_unit")
        )
        self.assertEqual(lines.mapped("supplier_grade"), ["C", "A", False])
        self.assertEqual(
            lines[1].supplier_best_value_reason, orders[1].supplier_best_value_reason
        )
        # Price only: A is the best value.
        self.company.supplier_best_value_weight = 0.0
        self.env.invalidate_all()
        self.assertEqual(orders.mapped("supplier_best_value_rank"), [1, 2, 3])

    def test_choosing_below_the_best_value_asks_a_reason_logged_on_the_rfq(self):
        rfq_a = self.rfq_a.with_user(self.buyer)
        with self.assertRaises(UserError) as refused:
            rfq_a.button_confirm()
        self.assertIn(
            f"the best value is {self.rfq_b.name} of Tender vendor B: A, 4% dearer "
            "than the cheapest, 25 points better on time; this one: C, the cheapest",
            str(refused.exception),
        )
        self.assertEqual(rfq_a.state, "draft")
        rfq_a.supplier_selection_reason = "B cannot deliver before May"
        action = rfq_a.button_confirm()
        # purchase_requisition's own question about the other alternatives.
        self.assertEqual(
            action["res_model"], "purchase.requisition.alternative.warning"
        )
        self.env[action["res_model"]].with_user(self.buyer).with_context(
            **action["context"]
        ).create({}).action_cancel_alternatives()
        self.assertEqual(rfq_a.state, "purchase")
        self.assertEqual((self.rfq_b.state, self.rfq_c.state), ("cancel", "cancel"))
        notes = rfq_a.message_ids.filtered(lambda m: "Reason:" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        self.assertIn("B cannot deliver before May", notes.body)
        self.assertEqual(notes.author_id, self.buyer.partner_id)

    def test_the_best_value_needs_no_reason_a_vendor_not_approved_does(self):
        self.b.with_user(self.purchase_manager).supplier_qualification_state = "blocked"
        self.env.invalidate_all()
        rfq_b = self.rfq_b.with_user(self.buyer)
        self.assertEqual(rfq_b.supplier_best_value_rank, 1)
        self.assertTrue(rfq_b.supplier_needs_reason)
        self.b.with_user(
            self.purchase_manager
        ).supplier_qualification_state = "approved"
        self.env.invalidate_all()
        action = rfq_b.button_confirm()
        self.env[action["res_model"]].with_user(self.buyer).with_context(
            **action["context"]
        ).create({}).action_keep_alternatives()
        self.assertEqual(rfq_b.state, "purchase")
        self.assertFalse(
            rfq_b.message_ids.filtered(lambda m: "Reason:" in (m.body or ""))
        )
