from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import SupplierEvaluationCase

# The supplier's internal evaluation on res.partner: purchase users only.
EVALUATION_FIELDS = [
    "supplier_kraljic_suggested",
    "supplier_kraljic_override",
    "supplier_kraljic_reason",
    "supplier_kraljic_class",
    "supplier_qualification_state",
    "supplier_scorecard_count",
    "supplier_last_scorecard_id",
    "supplier_grade",
    "supplier_trend_chart",
    "supplier_lead_time_differs_count",
    "supplier_qualification_conditions",
    "supplier_qualification_review_date",
    "supplier_category_ids",
    "supplier_qualification_missing",
    "supplier_assessment_contact_id",
    "supplier_assessment_input_id",
    "supplier_assessment_score",
]


@tagged("post_install", "-at_install")
class TestSupplierSecurity(SupplierEvaluationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vendor = cls.env["res.partner"].create(
            {"name": "Secret Vendor", "is_company": True}
        )
        cls.vendor.write(
            {
                "supplier_kraljic_override": "bottleneck",
                "supplier_kraljic_reason": "INTERNAL: only source, renegotiate",
                "supplier_qualification_state": "conditional",
                "supplier_qualification_conditions": "INTERNAL: audit in June",
                "supplier_qualification_review_date": "2026-06-30",
            }
        )
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Vendor clerk",
                "parent_id": cls.vendor.id,
                "email": "clerk@example.com",
            }
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="se_portal",
            groups="base.group_portal",
            partner_id=cls.contact.id,
        )
        cls.employee = new_test_user(
            cls.env,
            login="se_employee",
            groups="base.group_user",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.buyer_2 = new_test_user(
            cls.env,
            login="se_buyer_2",
            groups="purchase.group_purchase_user",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )

    # ----------------------------------------------- internal evaluation on the partner
    def test_evaluation_fields_are_not_readable_without_purchase_rights(self):
        self.assertEqual(
            sorted(
                name
                for name, field in self.env["res.partner"]._fields.items()
                if field._module == "supplier_evaluation"
                and name != "supplier_evaluation_is_manager"
            ),
            sorted(EVALUATION_FIELDS),
            "a new evaluation field on the partner needs its groups",
        )
        for user in (self.portal_user, self.employee):
            for name in EVALUATION_FIELDS:
                with self.subTest(user=user.login, field=name):
                    with self.assertRaises(AccessError):
                        self.vendor.with_user(user).read([name])
                    with self.assertRaises(AccessError):
                        self.env["res.partner"].with_user(user).search_read(
                            [("id", "=", self.vendor.id)], [name]
                        )
            with self.subTest(user=user.login, search="kraljic"):
                with self.assertRaises(AccessError):
                    self.env["res.partner"].with_user(user).search(
                        [("supplier_kraljic_class", "=", "bottleneck")]
                    )
            self.assertFalse(
                set(EVALUATION_FIELDS)
                & set(self.env["res.partner"].with_user(user).fields_get())
            )

    def test_buyer_reads_the_evaluation_and_views_load(self):
        values = self.vendor.with_user(self.buyer).read(EVALUATION_FIELDS)[0]
        self.assertEqual(values["supplier_kraljic_class"], "bottleneck")
        self.assertEqual(
            values["supplier_kraljic_reason"], "INTERNAL: only source, renegotiate"
        )
        self.assertEqual(values["supplier_qualification_state"], "conditional")
        form = (
            self.env["res.partner"]
            .with_user(self.buyer)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn('name="supplier_kraljic_reason"', form)
        form = (
            self.env["res.partner"]
            .with_user(self.employee)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertNotIn("supplier_kraljic", form)
        self.assertNotIn("supplier_qualification_state", form)
        order_form = (
            self.env["purchase.order"]
            .with_user(self.buyer)
            .get_views([(False, "form")])
        )
        self.assertIn(
            'name="supplier_control_override"', order_form["views"]["form"]["arch"]
        )
        wizard_form = (
            self.env["supplier.purchase.control.wizard"]
            .with_user(self.buyer)
            .get_views([(False, "form")])
        )
        self.assertIn('name="reason"', wizard_form["views"]["form"]["arch"])

    def test_order_override_reason_is_internal(self):
        order = self.env["purchase.order"].create({"partner_id": self.vendor.id})
        self.env.cr.execute(
            "UPDATE purchase_order SET supplier_control_override = 'INTERNAL' WHERE id "
            "= %s",
            [order.id],
        )
        order.invalidate_recordset()
        order.message_subscribe(
            self.contact.ids
        )  # the portal rule of purchase: followers read the order
        self.assertTrue(order.with_user(self.portal_user).read(["name"]))
        with self.assertRaises(AccessError):
            order.with_user(self.portal_user).read(["supplier_control_override"])
        self.assertEqual(
            order.with_user(self.buyer).supplier_control_override, "INTERNAL"
        )

    # ------------------------------------------------------------------ ratings
    def _rating(self, user, **values):
        return (
            self.env["supplier.rating"]
            .with_user(user)
            .create({"partner_id": self.vendor.id, "service": "4", **values})
        )

    def test_ratings_are_written_by_their_author(self):
        rating = self._rating(self.buyer)
        self.assertEqual(rating.user_id, self.buyer)
        # Another buyer reads it (all ratings enter the scorecard) but cannot rewrite
        # it.
        self.assertEqual(
            rating.with_user(self.buyer_2).read(["service"])[0]["service"], "4"
        )
        with self.assertRaises(AccessError):
            rating.with_user(self.buyer_2).write({"service": "1"})
        with self.assertRaises(AccessError):
            rating.with_user(self.buyer_2).write({"note": "rewritten"})
        rating.invalidate_recordset()
        self.assertEqual(rating.service, "4")
        # The author corrects it; a manager too; nobody changes who gave it.
        rating.with_user(self.buyer).write({"service": "3"})
        rating.with_user(self.purchase_manager).write(
            {"service": "2", "note": "corrected: wrong period"}
        )
        self.assertEqual((rating.service, rating.user_id), ("2", self.buyer))
        for user in (self.buyer, self.buyer_2, self.purchase_manager):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    rating.with_user(user).write({"user_id": self.buyer_2.id})
        self.assertEqual(rating.user_id, self.buyer)

    def test_rating_author_is_the_user_who_rates(self):
        with self.assertRaises(AccessError):
            self._rating(self.buyer, user_id=self.buyer_2.id)
        self.assertFalse(
            self.env["supplier.rating"].search([("partner_id", "=", self.vendor.id)])
        )
        self.assertEqual(
            self._rating(self.buyer, user_id=self.buyer.id).user_id, self.buyer
        )

    # --------------------------------------------------------------- sending scorecards
    def _scorecard(self, state, month):
        card = self.env["supplier.scorecard"].create(
            {
                "partner_id": self.vendor.id,
                "company_id": self.company.id,
                "period_type": "month",
                "date_from": f"2026-{month:02d}-01",
                "date_to": f"2026-{month:02d}-28",
                "has_data": True,
                "total_score": 60.0,
            }
        )
        if state in ("published", "published_locked"):
            card.action_publish()
        if state in ("locked", "published_locked"):
            card.action_lock()
        return card

    def test_only_published_scorecards_are_sent(self):
        for month, state in enumerate(("draft", "locked"), start=1):
            card = self._scorecard(state, month)
            with self.subTest(state=state):
                self.assertEqual(card.state, state)
                self.assertFalse(card.is_published)
                with self.assertRaises(UserError):
                    card.with_user(self.buyer).action_send_scorecard()
        for month, state in enumerate(("published", "published_locked"), start=3):
            card = self._scorecard(state, month)
            with self.subTest(state=state):
                self.assertTrue(card.is_published)
                action = card.with_user(self.buyer).action_send_scorecard()
                self.assertEqual(action["res_model"], "mail.compose.message")
                self.assertEqual(action["context"]["default_res_ids"], card.ids)


@tagged("post_install", "-at_install")
class TestSupplierSecurityRpc(HttpCase):
    """The same attacks through JSON-RPC, as a client sends them (context keys
    included)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer = new_test_user(
            cls.env, login="se_rpc_buyer", groups="purchase.group_purchase_user"
        )
        cls.vendor = cls.env["res.partner"].create(
            {"name": "Blocked by RPC", "is_company": True}
        )
        cls.vendor.write(
            {
                "supplier_qualification_state": "blocked",
                "supplier_kraljic_override": "routine",
                "supplier_kraljic_reason": "INTERNAL: replace",
            }
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "RPC clerk", "parent_id": cls.vendor.id}
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="se_rpc_portal",
            groups="base.group_portal",
            partner_id=cls.contact.id,
        )
        product = cls.env["product.product"].create({"name": "Bolt", "type": "consu"})
        cls.order = cls.env["purchase.order"].create(
            {
                "partner_id": cls.vendor.id,
                "order_line": [
                    Command.create(
                        {"product_id": product.id, "product_qty": 1, "price_unit": 10}
                    )
                ],
            }
        )

    def _call(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def test_buyer_cannot_confirm_a_blocked_order_by_rpc(self):
        self.authenticate("se_rpc_buyer", "se_rpc_buyer")
        result = self._call(
            "purchase.order",
            "button_confirm",
            [self.order.ids],
            {"context": {"supplier_control_checked": True}},
        )
        self.assertEqual(result["res_model"], "supplier.purchase.control.wizard")
        for method, args in (
            ("write", [self.order.ids, {"state": "purchase"}]),
            ("write", [self.order.ids, {"state": "to approve"}]),
            ("button_approve", [self.order.ids]),
        ):
            with self.subTest(method=method, args=args), mute_logger("odoo.http"):
                with self.assertRaises(JsonRpcException) as refused:
                    self._call(
                        "purchase.order",
                        method,
                        args,
                        {"context": {"supplier_control_checked": True}},
                    )
                self.assertEqual(str(refused.exception), "odoo.exceptions.UserError")
        self.order.invalidate_recordset()
        self.assertEqual(self.order.state, "draft")

    def test_portal_user_reads_no_evaluation_by_rpc(self):
        self.authenticate("se_rpc_portal", "se_rpc_portal")
        for name in (
            "supplier_kraljic_reason",
            "supplier_qualification_state",
            "supplier_kraljic_class",
        ):
            with self.subTest(field=name):
                with (
                    mute_logger("odoo.http"),
                    self.assertRaises(JsonRpcException) as refused,
                ):
                    self._call("res.partner", "read", [self.vendor.ids, [name]])
                self.assertEqual(str(refused.exception), "odoo.exceptions.AccessError")
        rows = self._call(
            "res.partner",
            "web_search_read",
            [],
            {"domain": [("id", "=", self.vendor.id)], "specification": {"name": {}}},
        )
        self.assertEqual(rows["records"][0]["name"], "Blocked by RPC")
