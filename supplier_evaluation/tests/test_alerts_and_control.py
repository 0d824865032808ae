import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import SupplierEvaluationCase


def month(number):
    return datetime.date(2026, number, 1)


@tagged("post_install", "-at_install")
class TestAlertsAndControl(SupplierEvaluationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vendor = cls.env["res.partner"].create(
            {"name": "Late Vendor", "is_company": True, "buyer_id": cls.buyer.id}
        )
        cls.rule = cls.env.ref("supplier_evaluation.supplier_alert_rule_on_time")

    def _card(self, vendor, number, on_time=None, **values):
        date_from = month(number)
        return self.env["supplier.scorecard"].create(
            {
                "partner_id": vendor.id,
                "company_id": self.company.id,
                "period_type": "month",
                "date_from": date_from,
                "date_to": (date_from + datetime.timedelta(days=31)).replace(day=1)
                - datetime.timedelta(days=1),
                "has_data": on_time is not None or bool(values),
                "on_time_rate": on_time or 0.0,
                "kraljic_class": "routine",
                **values,
            }
        )

    def _three_groups(self, vendors, number):
        """Cards of 9 vendors in three clear groups: excellent, average, poor."""
        profiles = [
            (99, 95, 4),
            (98, 94, 5),
            (99, 96, 4),
            (90, 75, 10),
            (91, 74, 11),
            (89, 76, 10),
            (60, 40, 30),
            (62, 38, 28),
            (58, 41, 32),
        ]
        cards = self.env["supplier.scorecard"].browse()
        for vendor, (on_time, total, lead) in zip(vendors, profiles, strict=True):
            cards |= self._card(
                vendor,
                number,
                on_time,
                total_score=total,
                quality_rate=on_time,
                lead_time_avg=lead,
            )
        return cards

    def _request(self, date_due, request="<p>Fix it</p>"):
        """A corrective action requested by hand on 2026-04-01 from the buyer."""
        with freeze_time("2026-04-01 08:00:00"):
            return self.env["supplier.corrective.action"].create(
                {
                    "partner_id": self.vendor.id,
                    "request": request,
                    "date_due": date_due,
                    "user_id": self.buyer.id,
                }
            )

    def _evaluate_rules(self, number):
        return self.env["supplier.alert.rule"]._evaluate_rules(
            self.company, month(number), None
        )

    def _alerts(self, vendor=None):
        return self.env["supplier.alert"].search(
            [("partner_id", "=", (vendor or self.vendor).id)]
        )

    # ------------------------------------------------------------------ rules
    def test_default_rule_fires_on_the_third_bad_month(self):
        self._card(self.vendor, 1, 80)
        self._card(self.vendor, 2, 85)
        self.assertFalse(self._evaluate_rules(2), "two bad months are not enough")
        self._card(self.vendor, 3, 89.9)
        alerts = self._evaluate_rules(3)
        self.assertEqual(alerts.partner_id, self.vendor)
        self.assertEqual(len(alerts.scorecard_ids), 3)
        self.assertEqual(
            alerts.activity_ids.user_id,
            self.buyer,
            "the supplier's buyer gets the activity",
        )
        action = alerts.corrective_action_ids
        self.assertEqual(action.state, "requested")
        self.assertEqual(action.partner_id, self.vendor)
        self.assertIn(
            self.vendor, action.message_partner_ids, "the supplier follows its request"
        )
        self.assertTrue(action.name.startswith("CAR/"))

    def test_corrective_action_goes_to_the_supplier_s_buyer(self):
        # Raised by the scheduled job (superuser): the request and the review of the
        # answer go to the supplier's buyer, not to the user that ran the job.
        for number in (1, 2, 3):
            self._card(self.vendor, number, 70)
        action = self._evaluate_rules(3).corrective_action_ids
        self.assertEqual(action.user_id, self.buyer)

    def test_corrective_action_without_a_buyer_goes_to_the_last_order_s(self):
        self.vendor.with_company(self.company).buyer_id = False
        order = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "user_id": self.purchase_manager.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.env["product.product"]
                            .create({"name": "Bolt", "type": "consu"})
                            .id,
                            "product_qty": 1,
                            "price_unit": 1,
                        }
                    )
                ],
            }
        )
        order.button_confirm()
        self.assertEqual(order.state, "purchase")
        for number in (1, 2, 3):
            self._card(self.vendor, number, 70)
        action = self._evaluate_rules(3).corrective_action_ids
        self.assertEqual(action.user_id, self.purchase_manager)
        self.assertEqual(action.alert_id.activity_ids.user_id, self.purchase_manager)

    def test_no_duplicate_alerts(self):
        for number in (1, 2, 3, 4):
            self._card(self.vendor, number, 70)
        self._evaluate_rules(3)
        self._evaluate_rules(3)
        self._evaluate_rules(4)
        self.assertEqual(len(self._alerts()), 1)
        # Once closed, a continuing breach may raise a new one.
        self._alerts().corrective_action_ids.action_close()
        self.assertEqual(self._alerts().state, "closed")
        self._card(self.vendor, 5, 70)
        self._evaluate_rules(5)
        self.assertEqual(len(self._alerts()), 2)

    def test_no_data_months_break_the_run(self):
        self._card(self.vendor, 1, 70)
        self._card(self.vendor, 2)  # no data
        self._card(self.vendor, 3, 70)
        self._card(self.vendor, 4, 70)
        self.assertFalse(self._evaluate_rules(4))
        self._card(self.vendor, 5, 70)
        self.assertTrue(self._evaluate_rules(5))

    def test_good_month_and_other_classes_do_not_fire(self):
        self._card(self.vendor, 1, 70)
        self._card(self.vendor, 2, 95)
        self._card(self.vendor, 3, 70)
        self.assertFalse(self._evaluate_rules(3))
        self.rule.apply_routine = False
        other = self.env["res.partner"].create({"name": "Other", "is_company": True})
        for number in (1, 2, 3):
            self._card(other, number, 50)
        self.assertFalse(
            self._evaluate_rules(3),
            "the rule does not apply to routine suppliers any more",
        )

    def test_backfill_checks_rules_once_at_its_last_period(self):
        calls = []
        Rule = self.env.registry["supplier.alert.rule"]
        original = Rule._evaluate_rules

        def spy(rule_model, company, date_from, partner_ids):
            calls.append(date_from)
            return original(rule_model, company, date_from, partner_ids)

        Rule._evaluate_rules = spy
        try:
            self.env["supplier.evaluation.wizard"].with_user(
                self.purchase_manager
            ).create(
                {
                    "date_from": "2026-01-01",
                    "date_to": "2026-03-31",
                    "partner_ids": [(6, 0, self.vendor.ids)],
                }
            ).action_evaluate()
        finally:
            Rule._evaluate_rules = original
        self.assertEqual(calls, [month(3)])

    def test_bad_rule_refused(self):
        with self.assertRaises(ValidationError):
            self.rule.consecutive_periods = 0
        with self.assertRaises(AccessError):
            self.rule.with_user(self.buyer).threshold = 50

    # -------------------------------------------------------------- corrective actions
    def test_corrective_action_states_and_measures(self):
        action = self._request("2026-04-15", "<p>Deliveries late</p>")
        with freeze_time("2026-04-03 08:00:00"):
            with self.assertRaises(ValidationError):
                action._submit_answer("", "plan")
            action._submit_answer("Machine breakdown", "Second shift", "2026-05-01")
        self.assertEqual(action.state, "answered")
        self.assertAlmostEqual(action.response_days, 2.0)
        with self.assertRaises(ValidationError):
            action.action_reject()  # a rejection needs a note
        action.decision_note = "Plan lacks a date per step"
        action.action_reject()
        self.assertEqual(action.state, "rejected")
        with freeze_time("2026-04-05 08:00:00"):
            action._submit_answer(
                "Machine breakdown",
                "Second shift from 04-10, spare parts stock",
                "2026-04-30",
            )
        action.action_accept()
        self.assertEqual(action.state, "accepted")
        with self.assertRaises(UserError):
            action.action_accept()
        with freeze_time("2026-04-11 08:00:00"):
            action.action_close()
        self.assertEqual(action.state, "closed")
        self.assertAlmostEqual(action.close_days, 10.0)

    def test_overdue_reminder_once(self):
        action = self._request("2026-04-10")
        Action = self.env["supplier.corrective.action"]
        with freeze_time("2026-04-09 08:00:00"):
            Action._cron_remind_overdue()
        self.assertFalse(action.activity_ids)
        with freeze_time("2026-04-11 08:00:00"):
            self.assertTrue(action.is_overdue)
            Action._cron_remind_overdue()
            Action._cron_remind_overdue()
        self.assertEqual(len(action.activity_ids), 1)
        self.assertEqual(action.activity_ids.user_id, self.buyer)
        self.assertEqual(
            len(action.message_ids.filtered(lambda m: "Reminder" in (m.body or ""))), 1
        )

    # ------------------------------------------------------------- trends and clusters
    def test_growing_lead_time_raises_a_warning(self):
        for number, days in zip(range(1, 7), (7, 8, 10, 12, 13, 15), strict=False):
            card = self._card(self.vendor, number, 95, lead_time_avg=days)
        self.env["supplier.scorecard"]._analyse_period(self.company, month(6), card.ids)
        # Least squares on x = 0..5: slope = 28.5 / 17.5, through the means (2.5, 65 /
        # 6).
        self.assertAlmostEqual(card.lead_time_slope, 28.5 / 17.5)
        self.assertGreater(card.lead_time_r2, 0.98)
        self.assertAlmostEqual(card.lead_time_forecast, 65 / 6 + 3.5 * 28.5 / 17.5)
        self.assertIn("Lead time grows", card.trend_warning)

    def test_forecast_below_the_rule_threshold_warns(self):
        for number, rate in zip(range(1, 5), (99, 97, 95, 93), strict=False):
            card = self._card(self.vendor, number, rate, lead_time_avg=10)
        self.env["supplier.scorecard"]._analyse_period(self.company, month(4), card.ids)
        self.assertAlmostEqual(card.on_time_forecast, 91.0)
        self.assertFalse(card.trend_warning, "91% forecast is still above the 90% rule")
        card5 = self._card(self.vendor, 5, 91, lead_time_avg=10)
        self.env["supplier.scorecard"]._analyse_period(
            self.company, month(5), card5.ids
        )
        self.assertIn("Forecast breaches", card5.trend_warning)

    def test_clusters_need_enough_suppliers_and_label_from_centres(self):
        # Clusters take every card of the company's period: a company of its own, so
        # that no other card (demo data) joins these.
        self.company = self.env["res.company"].create({"name": "Cluster Co"})
        vendors = self.env["res.partner"].create(
            [{"name": f"V{i}", "is_company": True} for i in range(9)]
        )
        cards = self.env["supplier.scorecard"]
        for _i, vendor in enumerate(vendors[:5]):
            cards |= self._card(
                vendor, 6, 95, total_score=90, quality_rate=99, lead_time_avg=5
            )
        self.env["supplier.scorecard"]._analyse_period(self.company, month(6), [])
        self.assertFalse(any(cards.mapped("cluster_label")))
        self.assertIn("at least 9 needed", cards[0].cluster_explanation)
        cards = self._three_groups(vendors, 7)
        self.env["supplier.scorecard"]._analyse_period(self.company, month(7), [])
        self.assertEqual(set(cards[:3].mapped("cluster_label")), {"high_potential"})
        self.assertEqual(set(cards[3:6].mapped("cluster_label")), {"stable"})
        self.assertEqual(set(cards[6:].mapped("cluster_label")), {"high_risk"})
        self.assertIn(
            "on-time delivery well below average", cards[6].cluster_explanation
        )

    def test_cluster_explanation_describes_the_supplier_not_only_its_group(self):
        # Good and poor suppliers in two groups, and one more poor supplier with 95 %
        # quality: the group's quality is low, the supplier's own is not, and both are
        # said.
        self.company = self.env["res.company"].create(
            {"name": "Cluster Co", "supplier_cluster_count": 2}
        )
        vendors = self.env["res.partner"].create(
            [{"name": f"W{i}", "is_company": True} for i in range(13)]
        )
        profiles = [
            (99, 95, 4, 99),
            (98, 94, 5, 98),
            (99, 96, 4, 99),
            (90, 75, 10, 90),
            (91, 74, 11, 91),
            (89, 76, 10, 89),
            (60, 40, 30, 60),
            (62, 38, 28, 62),
            (58, 41, 32, 58),
            (61, 39, 29, 60),
            (59, 40, 31, 61),
            (60, 40, 30, 59),
            (60, 39, 30, 95),
        ]
        cards = self.env["supplier.scorecard"].browse()
        for vendor, (on_time, total, lead, quality) in zip(
            vendors, profiles, strict=True
        ):
            cards |= self._card(
                vendor,
                7,
                on_time,
                total_score=total,
                quality_rate=quality,
                lead_time_avg=lead,
            )
        self.env["supplier.scorecard"]._analyse_period(self.company, month(7), [])
        perfect = cards[12]
        self.assertEqual(
            perfect.cluster_label,
            "high_risk",
            [(c.cluster_label, c.cluster_explanation) for c in cards],
        )
        group, own = perfect.cluster_explanation.split(" This supplier: ")
        self.assertIn("quality well below average", group)
        self.assertIn("quality well above average", own)
        self.assertNotIn("quality well below average", own)

    # ---------------------------------------------------------------- purchase control
    def _rfq(self, vendor, user=None):
        product = self.env["product.product"].create({"name": "Part", "type": "consu"})
        alternative = self.env["res.partner"].create(
            {"name": "Good Vendor", "is_company": True}
        )
        self.env["product.supplierinfo"].create(
            [
                {
                    "partner_id": vendor.id,
                    "product_tmpl_id": product.product_tmpl_id.id,
                    "price": 10,
                },
                {
                    "partner_id": alternative.id,
                    "product_tmpl_id": product.product_tmpl_id.id,
                    "price": 11,
                },
            ]
        )
        order = self.env["purchase.order"].create(
            {
                "partner_id": vendor.id,
                "order_line": [
                    Command.create(
                        {"product_id": product.id, "product_qty": 1, "price_unit": 10}
                    )
                ],
            }
        )
        return order.with_user(user or self.buyer)

    def test_alternatives_leave_out_blocked_vendors(self):
        self.vendor.supplier_qualification_state = "blocked"
        order = self._rfq(self.vendor)
        product = order.order_line.product_id
        banned = self.env["res.partner"].create(
            {
                "name": "Banned Vendor",
                "is_company": True,
                "supplier_qualification_state": "blocked",
            }
        )
        graded = self.env["res.partner"].create(
            {"name": "Graded Vendor", "is_company": True}
        )
        self.env["product.supplierinfo"].create(
            [
                {
                    "partner_id": banned.id,
                    "product_tmpl_id": product.product_tmpl_id.id,
                    "price": 9,
                },
                {
                    "partner_id": graded.id,
                    "product_tmpl_id": product.product_tmpl_id.id,
                    "price": 12,
                },
            ]
        )
        self._card(graded, 1, 99, total_score=90, grade="A")
        self.assertEqual(graded.with_company(self.company).supplier_grade, "A")
        alternatives = order._supplier_alternatives()
        self.assertEqual(
            alternatives, ["Graded Vendor (grade A)", "Good Vendor (not graded)"]
        )
        self.assertFalse(
            [alt for alt in alternatives if "Banned" in alt or "none" in alt]
        )

    def test_blocked_supplier_is_blocked_through_the_orm(self):
        self.vendor.supplier_qualification_state = "blocked"
        order = self._rfq(self.vendor)
        result = order.button_confirm()
        self.assertEqual(result["res_model"], "supplier.purchase.control.wizard")
        self.assertEqual(order.state, "draft")
        wizard = self.env["supplier.purchase.control.wizard"].browse(result["res_id"])
        self.assertEqual(wizard.severity, "block")
        self.assertIn("Good Vendor (not graded)", wizard.message)
        # A buyer cannot override, whatever the wizard says.
        with self.assertRaises(AccessError):
            wizard.with_user(self.buyer).write({"severity": "warn"})
        wizard.with_user(self.buyer).write({"reason": "urgent"})
        with self.assertRaisesRegex(AccessError, "Only a purchase administrator"):
            wizard.with_user(self.buyer).action_confirm()
        with self.assertRaises(UserError):
            order.with_user(self.buyer).button_approve()
        self.assertEqual(order.state, "draft")
        # A purchase administrator can, with a reason that is logged.
        as_manager = order.with_user(self.purchase_manager)
        with self.assertRaises(UserError):
            as_manager._confirm_despite_supplier_control("")
        as_manager._confirm_despite_supplier_control(
            "Only source for the urgent repair"
        )
        self.assertEqual(order.state, "purchase")
        self.assertEqual(
            order.supplier_control_override, "Only source for the urgent repair"
        )
        self.assertIn("Only source for the urgent repair", order.message_ids[0].body)
        self.assertIn(
            "Only source for the urgent repair", self.vendor.message_ids[0].body
        )

    def test_grade_c_supplier_warns_then_confirms(self):
        self._card(self.vendor, 3, 50, total_score=40, grade="C")
        self.assertEqual(self.vendor.supplier_grade, "C")
        order = self._rfq(self.vendor)
        result = order.button_confirm()
        wizard = self.env["supplier.purchase.control.wizard"].browse(result["res_id"])
        self.assertEqual(wizard.severity, "warn")
        self.assertEqual(order.state, "draft")
        wizard.with_user(self.buyer).action_confirm()
        self.assertEqual(order.state, "purchase")

    def test_unflagged_supplier_confirms_directly(self):
        self._card(self.vendor, 3, 99, total_score=95, grade="A")
        order = self._rfq(self.vendor)
        order.button_confirm()
        self.assertEqual(order.state, "purchase")

    # ------------------------------------------------------ purchase control: bypasses
    def _blocked_vendor(self, name="Blocked Vendor"):
        vendor = self.env["res.partner"].create({"name": name, "is_company": True})
        vendor.supplier_qualification_state = "blocked"
        return vendor

    def _confirmed_for_approved_vendor(self):
        approved = self.env["res.partner"].create(
            {
                "name": "Approved Vendor",
                "is_company": True,
                "supplier_qualification_state": "approved",
            }
        )
        order = self._rfq(approved)
        order.button_confirm()
        self.assertEqual(order.state, "purchase")
        return order

    def test_control_ignores_the_client_context_key(self):
        order = self._rfq(self._blocked_vendor())
        result = order.with_context(supplier_control_checked=True).button_confirm()
        self.assertEqual(
            order.state,
            "draft",
            "a context key sent by the client does not skip the control",
        )
        self.assertEqual(result["res_model"], "supplier.purchase.control.wizard")
        with self.assertRaises(UserError):
            order.with_context(supplier_control_checked=True).button_approve()
        self.assertEqual(order.state, "draft")

    def test_buyer_cannot_write_the_state(self):
        blocked = self._rfq(self._blocked_vendor())
        with self.assertRaises(UserError):
            blocked.write({"state": "to approve"})
        with self.assertRaises(UserError):
            blocked.write({"state": "purchase"})
        with self.assertRaises(UserError):
            blocked.write({"state": "done"})
        self.assertEqual(blocked.state, "draft")
        # A warning must have been shown and accepted too: writing the state skips it.
        self._card(self.vendor, 3, 50, total_score=40, grade="C")
        warned = self._rfq(self.vendor)
        with self.assertRaises(UserError):
            warned.write({"state": "purchase"})
        self.assertEqual(warned.state, "draft")

    def test_buyer_cannot_create_a_confirmed_order(self):
        vendor = self._blocked_vendor()
        product = self.env["product.product"].create({"name": "Part", "type": "consu"})
        for state in ("to approve", "purchase", "done"):
            with self.assertRaises(UserError):
                self.env["purchase.order"].with_user(self.buyer).create(
                    {
                        "partner_id": vendor.id,
                        "state": state,
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "product_qty": 1,
                                    "price_unit": 10,
                                }
                            )
                        ],
                    }
                )
        self.assertFalse(
            self.env["purchase.order"].search([("partner_id", "=", vendor.id)])
        )

    def test_order_waiting_for_approval_is_checked_on_approval(self):
        self.company.write(
            {"po_double_validation": "two_step", "po_double_validation_amount": 5}
        )
        vendor = self.env["res.partner"].create(
            {"name": "Fine Vendor", "is_company": True}
        )
        order = self._rfq(vendor)
        order.button_confirm()
        self.assertEqual(
            order.state,
            "to approve",
            "over the threshold, a buyer's order waits for approval",
        )
        vendor.supplier_qualification_state = "blocked"
        as_manager = order.with_user(self.purchase_manager)
        result = as_manager.button_approve()
        self.assertEqual(order.state, "to approve", "approving runs the control again")
        self.assertEqual(result["res_model"], "supplier.purchase.control.wizard")
        wizard = (
            self.env["supplier.purchase.control.wizard"]
            .with_user(self.purchase_manager)
            .browse(result["res_id"])
        )
        self.assertEqual(wizard.severity, "block")
        wizard.write({"reason": "Approved by the board"})
        wizard.action_confirm()
        self.assertEqual(order.state, "purchase")
        self.assertEqual(order.supplier_control_override, "Approved by the board")
        self.assertIn("Approved by the board", vendor.message_ids[0].body)

    def test_order_waiting_for_approval_of_an_unflagged_vendor_is_approved(self):
        self.company.write(
            {"po_double_validation": "two_step", "po_double_validation_amount": 5}
        )
        vendor = self.env["res.partner"].create(
            {"name": "Fine Vendor", "is_company": True}
        )
        order = self._rfq(vendor)
        order.button_confirm()
        self.assertEqual(order.state, "to approve")
        order.with_user(self.purchase_manager).button_approve()
        self.assertEqual(order.state, "purchase")
        self.assertTrue(
            order.picking_ids,
            "Odoo's own approval flow runs to the end (receipt created)",
        )

    def test_vendor_cannot_be_changed_to_a_flagged_one_after_confirmation(self):
        order = self._confirmed_for_approved_vendor()
        blocked = self._blocked_vendor()
        with self.assertRaises(UserError):
            order.write({"partner_id": blocked.id})
        self.assertEqual(order.partner_id.name, "Approved Vendor")
        # Another contact of the same supplier, or an unflagged vendor, is fine.
        contact = self.env["res.partner"].create(
            {"name": "Sales desk", "parent_id": order.partner_id.id}
        )
        order.write({"partner_id": contact.id})
        self.assertEqual(order.partner_id, contact)
        fine = self.env["res.partner"].create(
            {"name": "Fine Vendor", "is_company": True}
        )
        order.write({"partner_id": fine.id})
        self.assertEqual(order.partner_id, fine)

    def test_vendor_cannot_be_changed_while_waiting_for_approval(self):
        self.company.write(
            {"po_double_validation": "two_step", "po_double_validation_amount": 5}
        )
        order = self._rfq(
            self.env["res.partner"].create({"name": "Fine Vendor", "is_company": True})
        )
        order.button_confirm()
        self.assertEqual(order.state, "to approve")
        with self.assertRaises(UserError):
            order.write({"partner_id": self._blocked_vendor().id})
        self.assertEqual(order.partner_id.name, "Fine Vendor")

    def test_confirmed_orders_of_a_supplier_blocked_later_keep_working(self):
        order = self._confirmed_for_approved_vendor()
        order.partner_id.sudo().supplier_qualification_state = "blocked"
        order.button_done()
        self.assertEqual(order.state, "done")
        order.button_unlock()
        self.assertEqual(order.state, "purchase")
        order.button_cancel()
        self.assertEqual(order.state, "cancel")
        order.button_draft()
        self.assertEqual(order.state, "draft")
        result = order.button_confirm()
        self.assertEqual(result["res_model"], "supplier.purchase.control.wizard")
        self.assertEqual(
            order.state,
            "draft",
            "reconfirming a cancelled order goes through the control",
        )

    def test_wizard_and_override_cannot_be_forged(self):
        order = self._rfq(self._blocked_vendor())
        Wizard = self.env["supplier.purchase.control.wizard"].with_user(self.buyer)
        with self.assertRaises(AccessError):
            Wizard.create({"order_ids": [Command.set(order.ids)], "severity": "warn"})
        with self.assertRaises(AccessError):
            order.write({"supplier_control_override": "approved by nobody"})
        result = order.button_confirm()
        wizard = Wizard.browse(result["res_id"])
        other = self._rfq(self._blocked_vendor("Other Blocked"))
        with self.assertRaises(AccessError):
            wizard.write({"order_ids": [Command.set(other.ids)]})
        # Another buyer does not see this buyer's wizard.
        other_buyer = self.env["res.users"].create(
            {
                "name": "Second buyer",
                "login": "se_buyer_2",
                "groups_id": [
                    Command.set([self.env.ref("purchase.group_purchase_user").id])
                ],
            }
        )
        with self.assertRaises(AccessError):
            wizard.with_user(other_buyer).read(["reason"])
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.sudo().supplier_control_override)

    def test_warning_accepted_in_the_wizard_is_logged(self):
        self._card(self.vendor, 3, 50, total_score=40, grade="C")
        order = self._rfq(self.vendor)
        wizard = (
            self.env["supplier.purchase.control.wizard"]
            .with_user(self.buyer)
            .browse(order.button_confirm()["res_id"])
        )
        wizard.action_confirm()
        self.assertEqual(order.state, "purchase")
        self.assertIn("warning accepted", order.message_ids[0].body)
        self.assertIn(self.buyer.name, order.message_ids[0].body)
