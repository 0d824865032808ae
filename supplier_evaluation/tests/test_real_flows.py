import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import SQL

from odoo.addons.base.models.ir_mail_server import MailDeliveryException

from ..lib import periods
from .common import MARCH, SupplierEvaluationCase

FEBRUARY = (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
CONFIRMED = "2026-03-01 12:00:00"  # UTC; 03-02 01:00 in Auckland (NZDT, UTC+13)
PROMISED = "2026-03-10 00:00:00"  # 03-10 13:00 in Auckland


@tagged("post_install", "-at_install")
class TestRealFlows(SupplierEvaluationCase):
    """March 2026 in a company in Pacific/Auckland (UTC+13), built through Odoo's own
    flows.

    Every order is confirmed with button_confirm on 03-01 12:00 UTC and received through
    button_validate and the backorder wizard, unless said otherwise. P1 is stocked in
    Units.

    - V1 short: 10 due 03-10; 6 received 03-05 12:00 (4.0 days), "No backorder".
    - V2 over: 10 due 03-10, price 12; 12 received 03-06 12:00 (5.0 days); 3 returned
    03-20.
    - V3 dozens: 2 Dozens (24 Units) due 03-10; 18 Units received 03-05 00:00 (3.5
      days), "No backorder". Odoo makes the receipt in the product's unit (Units): 24
      Units demanded, 18 done.
    - V7 dozens kept: the same with "stock.propagate_uom" set, so the receipt stays in
      Dozens: 1.5 Dozens done (18 Units) at 03-05 00:00, "No backorder".
    - V4 same second: 10 due 03-10; 5 received 03-07 12:00 (6.0 days) with a backorder,
      the backorder's 5 validated in that same second; the first receipt is also
      recorded twice.
    - V5 far time zone: P1 10 due 03-09 12:00 UTC (03-10 01:00 local), received 03-10
      10:00 UTC (03-10 23:00 local: on time there, late in UTC; 8.916667 days); P2 5 due
      03-31 10:00 UTC (03-31 23:00 local), received 03-31 11:30 UTC = 04-01 00:30 local:
      late, and an April receipt.
    - V6 slow: an order of 2025-10-01 12:00 (4 P1, due 2025-10-10) received 03-08 12:00
      (158.0 days), and a March order of 6 P1 received 03-04 12:00 (3.0 days).
    """

    OWN_COMPANY = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "Pacific/Auckland"
        cls.company.supplier_cluster_count = (
            2  # seven suppliers with data: enough for two clusters
        )
        cls.unit = cls.env.ref("uom.product_uom_unit")
        cls.dozen = cls.env.ref("uom.product_uom_dozen")
        cls.p1, cls.p2 = cls.env["product.product"].create(
            [
                {
                    "name": "Flow bolt",
                    "type": "consu",
                    "is_storable": True,
                    "uom_id": cls.unit.id,
                    "uom_po_id": cls.unit.id,
                },
                {"name": "Flow nut", "type": "consu", "is_storable": True},
            ]
        )
        cls.v1, cls.v2, cls.v3, cls.v4, cls.v5, cls.v6, cls.v7 = cls.vendors = cls.env[
            "res.partner"
        ].create(
            [{"name": f"Flow vendor {i}", "is_company": True} for i in range(1, 8)]
        )
        with freeze_time("2025-10-01 12:00:00"):
            old_v6 = cls._order(cls.v6, [(cls.p1, 4, 10.0, "2025-10-10 00:00:00")])
        with freeze_time(CONFIRMED):
            po1 = cls._order(cls.v1, [(cls.p1, 10, 10.0, PROMISED)])
            po2 = cls._order(cls.v2, [(cls.p1, 10, 12.0, PROMISED)])
            po3 = cls._order(cls.v3, [(cls.p1, 2, 120.0, PROMISED, cls.dozen)])
            po4 = cls._order(cls.v4, [(cls.p1, 10, 10.0, PROMISED)])
            po5 = cls._order(
                cls.v5,
                [
                    (cls.p1, 10, 10.0, "2026-03-09 12:00:00"),
                    (cls.p2, 5, 4.0, "2026-03-31 10:00:00"),
                ],
            )
            po6 = cls._order(cls.v6, [(cls.p1, 6, 10.0, PROMISED)])
            cls.env["ir.config_parameter"].set_param("stock.propagate_uom", "1")
            po7 = cls._order(cls.v7, [(cls.p1, 2, 120.0, PROMISED, cls.dozen)])
            cls.env["ir.config_parameter"].set_param("stock.propagate_uom", False)
        assert (
            po3.picking_ids.move_ids.product_uom == cls.unit
            and po7.picking_ids.move_ids.product_uom == cls.dozen
        )
        with freeze_time("2026-03-04 12:00:00"):
            cls._validate(po6, {cls.p1: 6})
        with freeze_time("2026-03-05 00:00:00"):
            picking = cls._picking(po3)
            picking.move_ids.move_line_ids.write(
                {"product_uom_id": cls.unit.id, "quantity": 18}
            )
            picking.move_ids.picked = True
            cls._button_validate(picking, backorder=False)
            cls._validate(po7, {cls.p1: 1.5}, backorder=False)
        with freeze_time("2026-03-05 12:00:00"):
            cls._validate(po1, {cls.p1: 6}, backorder=False)
        with freeze_time("2026-03-06 12:00:00"):
            cls.receipt2 = cls._validate(po2, {cls.p1: 12})
        with freeze_time("2026-03-07 12:00:00"):
            first = cls._validate(po4, {cls.p1: 5}, backorder=True)
            cls._validate(po4, {cls.p1: 5})
        cls._record_twice(first.move_ids)
        with freeze_time("2026-03-08 12:00:00"):
            cls._validate(old_v6, {cls.p1: 4})
        with freeze_time("2026-03-10 10:00:00"):
            cls._validate(po5, {cls.p1: 10}, backorder=True)
        with freeze_time("2026-03-20 00:00:00"):
            cls._return(cls.receipt2, {cls.p1: 3})
        with freeze_time("2026-03-31 11:30:00"):
            cls._validate(po5, {cls.p2: 5})

    # ------------------------------------------------------------------ flows
    @classmethod
    def _order(cls, partner, lines):
        order = cls.env["purchase.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": line[0].id,
                            "product_qty": line[1],
                            "price_unit": line[2],
                            "date_planned": line[3],
                            **({"product_uom": line[4].id} if len(line) > 4 else {}),
                        }
                    )
                    for line in lines
                ],
            }
        )
        order.button_confirm()
        return order

    @classmethod
    def _picking(cls, order):
        return order.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
            and p.picking_type_code == "incoming"
        )

    @classmethod
    def _validate(cls, order, quantities, backorder=None):
        """Set the received quantities (move unit) and validate; ``backorder`` answers
        the wizard."""
        picking = cls._picking(order)
        for move in picking.move_ids:
            move.quantity = quantities.get(move.product_id, 0)
            move.picked = move.product_id in quantities
        cls._button_validate(picking, backorder)
        return picking

    @classmethod
    def _button_validate(cls, picking, backorder):
        result = picking.button_validate()
        if (
            isinstance(result, dict)
            and result.get("res_model") == "stock.backorder.confirmation"
        ):
            assert backorder is not None, "the backorder wizard opened unexpectedly"
            wizard = Form(
                cls.env["stock.backorder.confirmation"].with_context(
                    **result["context"]
                )
            ).save()
            wizard.process() if backorder else wizard.process_cancel_backorder()
        assert picking.state == "done", picking.state

    # ------------------------------------------------------ item 1: quantities received
    def test_received_quantity_is_the_done_quantity_in_product_unit(self):
        self._evaluate()
        v1, v2, v3, v7 = (
            self._card(self.v1),
            self._card(self.v2),
            self._card(self.v3),
            self._card(self.v7),
        )
        # Short, "No backorder": 6 of 10 on time, not in full, quality 6 received 0
        # returned.
        self.assertAlmostEqual(v1.on_time_rate, 60.0)
        self.assertAlmostEqual(v1.in_full_rate, 0.0)
        self.assertEqual((v1.qty_due, v1.qty_received), (10, 6))
        self.assertAlmostEqual(v1.quality_rate, 100.0)
        # Over-delivery: on time capped at 10/10; quality 1 - 3/12 = 75%.
        self.assertAlmostEqual(v2.on_time_rate, 100.0)
        self.assertAlmostEqual(v2.in_full_rate, 100.0)
        self.assertEqual((v2.qty_received, v2.qty_returned), (12, 3))
        self.assertAlmostEqual(v2.quality_rate, 75.0)
        # 2 Dozens = 24 Units due, 18 Units received: 18/24 = 75%.
        self.assertEqual((v3.qty_due, v3.qty_received), (24, 18))
        self.assertAlmostEqual(v3.on_time_rate, 75.0)
        self.assertAlmostEqual(v3.in_full_rate, 0.0)
        self.assertAlmostEqual(v3.lead_time_avg, 3.5)
        # 1.5 Dozens done on a receipt kept in Dozens: 18 Units of 24 as well.
        self.assertEqual((v7.qty_due, v7.qty_received), (24, 18))
        self.assertAlmostEqual(v7.on_time_rate, 75.0)
        self.assertAlmostEqual(v7.in_full_rate, 0.0)

    # --------------------------------------------------------------- item 2: duplicates
    def test_duplicate_is_the_same_receipt_twice_never_two_pickings(self):
        self._evaluate()
        v4 = self._card(self.v4)
        # Two pickings of 5 in the same second are both counted; the copy of the first
        # is not.
        self.assertEqual(v4.excluded_duplicate, 1)
        self.assertEqual((v4.receipt_count, v4.qty_received), (2, 10))
        self.assertAlmostEqual(v4.on_time_rate, 100.0)
        self.assertAlmostEqual(v4.in_full_rate, 100.0)

    # ------------------------------------------------------------------ far time zone
    def test_days_and_month_are_the_company_s(self):
        self._evaluate()
        v5 = self._card(self.v5)
        # P1 on time in Auckland (03-10 23:00 vs 03-10 01:00), P2 late: 10 of 15, 1 line
        # of 2.
        self.assertAlmostEqual(v5.on_time_rate, 100 * 10 / 15)
        self.assertAlmostEqual(v5.in_full_rate, 50.0)
        # The P2 receipt is in April (local): March received 10.
        self.assertEqual((v5.receipt_count, v5.qty_received), (1, 10))
        self.assertAlmostEqual(v5.lead_time_avg, 8 + 22 / 24)

    # ------------------------------------------------------------------ item 3: scope
    def test_scope_never_changes_a_figure(self):
        # March receipts' lead days: 3.0, 3.5, 3.5, 4.0, 5.0, 6.0, 6.0, 8.917, 158.0.
        # Median 5.0, MAD 1.5: cut 5.0 + 10 * 1.4826 * 1.5 = 27.24, so V6's 158 days are
        # left out whoever is evaluated (alone, V6's two receipts 158 and 3.0 would keep
        # both: (4*158 + 6*3)/10 = 65).
        fields = [
            "on_time_rate",
            "in_full_rate",
            "quality_rate",
            "price_index",
            "lead_time_avg",
            "lead_time_std",
            "excluded_lead_time",
            "total_score",
            "cluster_label",
            "cluster_explanation",
        ]
        self._evaluate()
        v6 = self._card(self.v6)
        self.assertEqual(v6.excluded_lead_time, 1)
        self.assertAlmostEqual(v6.lead_time_avg, 3.0)
        # Price per Unit: V2 paid 12 against the others' 10 (120 a Dozen is 10 a Unit):
        # 120%; V6 paid 10 against (10 + 12 + 10 + 10 + 10 + 10) / 6 = 10.333.
        self.assertAlmostEqual(self._card(self.v2).price_index, 120.0)
        self.assertAlmostEqual(v6.price_index, 100 * 10 / (62 / 6))
        self.assertTrue(v6.cluster_label)
        # Published cards stay in the period's population (they are only not rewritten).
        self._card(self.v2).action_publish()
        expected = {
            vendor: self._card(vendor).read(fields)[0] for vendor in (self.v1, self.v6)
        }
        for vendor in (self.v6, self.v1):
            self._evaluate(partners=vendor)
            self.assertEqual(
                self._card(vendor).read(fields)[0], expected[vendor], vendor.name
            )

    # --------------------------------------------------- item 4: class as of the period
    def test_rerun_of_a_past_draft_keeps_its_class_and_template(self):
        self._evaluate()
        card = self._card(self.v1)
        routine = card.template_id
        self.assertEqual(
            (card.kraljic_class, routine.kraljic_class), ("routine", "routine")
        )
        before = card.total_score
        self.v1.write(
            {
                "supplier_kraljic_override": "strategic",
                "supplier_kraljic_reason": "Sole source now",
            }
        )
        self._evaluate()
        self.assertEqual((card.kraljic_class, card.template_id), ("routine", routine))
        self.assertAlmostEqual(card.total_score, before)
        # A new period takes today's class (a rating is enough activity for a card).
        self.env["supplier.rating"].create(
            {"partner_id": self.v1.id, "date": "2026-04-20", "service": "3"}
        )
        self._evaluate((datetime.date(2026, 4, 1), datetime.date(2026, 4, 30)))
        self.assertEqual(
            self._card(self.v1, (datetime.date(2026, 4, 1), None)).kraljic_class,
            "strategic",
        )

    def test_backfill_scores_each_period_with_its_own_class(self):
        # Window of one month. As of 03-01 (local) V1 holds all February's spend (share
        # 1 >= 0.05): high impact; P1 has seven vendors (confirming adds each to the
        # product) and V1 one receipt (lead-time spread 0): risk 0 < 0.5, so leverage.
        # V2 has no spend in that window: routine. As of 04-01, March's spend is 100 +
        # 120 + 240 + 100 + (100 +
        # 20) + 60 + 240 = 980: V2's 120 is 12.2% >= 5%, one receipt: leverage (V1's 100
        # is 10.2%: leverage again).
        self.company.supplier_kraljic_window = 1
        with freeze_time("2026-02-02 12:00:00"):
            february = self._order(self.v1, [(self.p1, 5, 10.0, "2026-02-10 00:00:00")])
        with freeze_time("2026-02-05 12:00:00"):
            self._validate(february, {self.p1: 5})
        self.assertFalse(self.v1.supplier_kraljic_class, "nothing suggested today")
        wizard = (
            self.env["supplier.evaluation.wizard"]
            .with_user(self.purchase_manager)
            .create(
                {
                    "date_from": FEBRUARY[0],
                    "date_to": MARCH[1],
                    "partner_ids": [Command.set((self.v1 | self.v2).ids)],
                }
            )
        )
        wizard.action_evaluate()
        feb, mar = self._card(self.v1, FEBRUARY), self._card(self.v1)
        self.assertTrue(feb and mar)
        self.assertEqual(
            (feb.kraljic_class, mar.kraljic_class), ("leverage", "leverage")
        )
        self.assertEqual(feb.template_id.kraljic_class, "leverage")
        self.assertEqual(self._card(self.v2, FEBRUARY).kraljic_class, "routine")
        self.assertEqual(self._card(self.v2).kraljic_class, "leverage")
        totals = (feb.total_score, mar.total_score)
        wizard.action_evaluate()
        self.assertEqual((feb.total_score, mar.total_score), totals)

    # ------------------------------------------------- a range in one pass
    def _stored_cards(self):
        """Every stored column of the company's cards but ids and audit columns, by
        (supplier, first day)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT * FROM supplier_scorecard WHERE company_id = %s",
                self.company.id,
            )
        )
        names = [column.name for column in self.env.cr.description]
        cards = {}
        for row in self.env.cr.fetchall():
            card = dict(zip(names, row, strict=True))
            for name in ("id", "create_uid", "create_date", "write_uid", "write_date"):
                card.pop(name)
            cards[card["partner_id"], card["date_from"]] = card
        return cards

    def _delete_drafts(self):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "DELETE FROM supplier_scorecard WHERE company_id = %s "
                "AND state = 'draft'",
                self.company.id,
            )
        )
        self.env.invalidate_all()

    def test_range_in_one_pass_gives_the_cards_of_period_by_period(self):
        """October 2025 to April 2026 evaluated in one pass stores the same cards,
        column for column, as the months evaluated one after the other: the range
        reads each source once and gives every row to its own month."""
        self.maxDiff = None
        Scorecard = self.env["supplier.scorecard"]
        months = periods.periods_between(
            datetime.date(2025, 10, 1), datetime.date(2026, 4, 30)
        )
        # Ratings on the last day of February and the first of April (local days).
        self.env["supplier.rating"].create(
            [
                {
                    "partner_id": self.v2.id,
                    "company_id": self.company.id,
                    "date": datetime.date(2026, 2, 28),
                    "service": "2",
                },
                {
                    "partner_id": self.v1.id,
                    "company_id": self.company.id,
                    "date": datetime.date(2026, 4, 1),
                    "service": "5",
                    "communication": "4",
                },
            ]
        )
        # A published March card is kept by both: April's change is from its total.
        Scorecard._evaluate(self.company, *MARCH, evaluate_rules=False)
        kept = self._card(self.v1)
        kept.total_score = 55.0
        kept.state = "published"
        suggestions = self.env["res.partner"]._kraljic_suggestions(
            self.company,
            [Scorecard._period_bounds(self.company, *month)[1] for month in months],
        )
        self._delete_drafts()
        Scorecard._evaluate_periods(
            self.company,
            months,
            evaluate_rules=False,
            kraljic_suggestions=suggestions,
        )
        one_pass = self._stored_cards()
        self.assertEqual(
            {day for _partner, day in one_pass},
            {
                datetime.date(2025, 10, 1),
                datetime.date(2026, 2, 1),
                datetime.date(2026, 3, 1),
                datetime.date(2026, 4, 1),
            },
            "a card in every month with activity (none from November to January)",
        )
        self.assertEqual(
            one_pass[self.v1.id, datetime.date(2026, 4, 1)]["previous_total"], 55.0
        )
        self._delete_drafts()
        for month, suggestion in zip(months, suggestions, strict=True):
            Scorecard._evaluate(
                self.company,
                *month,
                evaluate_rules=False,
                kraljic_suggestion=suggestion,
            )
        by_period = self._stored_cards()
        self.assertEqual(set(by_period), set(one_pass))
        differences = {
            key: {
                column: (value, by_period[key][column])
                for column, value in card.items()
                if by_period[key][column] != value
            }
            for key, card in one_pass.items()
            if by_period[key] != card
        }
        self.assertEqual(differences, {}, "one pass (left) against period by period")

    def test_periods_with_a_gap_in_one_pass_leave_the_gap_out(self):
        """October 2025 and March 2026 in one pass: February's facts (a rating),
        between the two, are in neither (a range of adjacent periods reads without
        that filter; this one must keep it)."""
        Scorecard = self.env["supplier.scorecard"]
        october = (datetime.date(2025, 10, 1), datetime.date(2025, 10, 31))
        self.env["supplier.rating"].create(
            {
                "partner_id": self.v2.id,
                "company_id": self.company.id,
                "date": datetime.date(2026, 2, 15),
                "service": "1",
            }
        )
        self._delete_drafts()
        Scorecard._evaluate_periods(
            self.company, [october, MARCH], evaluate_rules=False
        )
        one_pass = self._stored_cards()
        self._delete_drafts()
        for month in (october, MARCH):
            Scorecard._evaluate(self.company, *month, evaluate_rules=False)
        by_period = self._stored_cards()
        self.assertEqual(
            {day for _partner, day in one_pass},
            {october[0], MARCH[0]},
        )
        self.assertEqual(
            one_pass, by_period, "one pass (left) against period by period"
        )

    # ------------------------------------------------------- item 5: alerts never abort
    def _alert_rule(self):
        self.env["supplier.alert.rule"].search(
            [("company_id", "=", self.company.id)]
        ).active = False
        return self.env["supplier.alert.rule"].create(
            {
                "name": "On time below 90% once",
                "company_id": self.company.id,
                "figure": "on_time_rate",
                "comparison": "<",
                "threshold": 90.0,
                "consecutive_periods": 1,
                "action": "request",
            }
        )

    def test_alert_by_a_manager_without_email_keeps_the_evaluation(self):
        rule = self._alert_rule()
        manager = new_test_user(
            self.env,
            login="se_manager_noemail",
            groups="purchase.group_purchase_manager",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        manager.partner_id.email = False
        self.company.partner_id.email = False
        wizard = (
            self.env["supplier.evaluation.wizard"]
            .with_user(manager)
            .create({"date_from": MARCH[0], "date_to": MARCH[1]})
        )
        wizard.action_evaluate()
        self.assertTrue(self._card(self.v1).has_data)
        alerts = self.env["supplier.alert"].search([("rule_id", "=", rule.id)])
        # On time below 90%: V1 60%, V3 75%, V5 66.7%, V7 75%.
        self.assertEqual(alerts.partner_id, self.v1 | self.v3 | self.v5 | self.v7)
        odoobot = self.env.ref("base.partner_root")
        for alert in alerts:
            self.assertFalse(alert.notification_error)
            summary = alert.message_ids.filtered(lambda m: "in a row" in str(m.body))
            self.assertEqual(summary.author_id, odoobot)
            self.assertEqual(len(alert.activity_ids), 1)
            request = alert.corrective_action_ids
            self.assertEqual(len(request), 1)
            self.assertEqual(
                request.message_ids.filtered(
                    lambda m: m.message_type == "comment"
                ).author_id,
                odoobot,
            )

    def test_alerts_are_notified_together_each_buyer_once(self):
        rule = self._alert_rule()
        self.v1.buyer_id = self.buyer
        self._evaluate()
        alerts = self.env["supplier.alert"].search([("rule_id", "=", rule.id)])
        self.assertEqual(alerts.partner_id, self.v1 | self.v3 | self.v5 | self.v7)
        for alert in alerts:
            self.assertFalse(alert.notification_error)
            self.assertEqual(
                len(alert.message_ids.filtered(lambda m: "in a row" in str(m.body))), 1
            )
            self.assertEqual(len(alert.activity_ids), 1)
            self.assertEqual(len(alert.corrective_action_ids), 1)
        by_buyer = {}
        for alert in alerts:
            by_buyer.setdefault(alert.activity_ids.user_id, []).append(alert)
        self.assertIn(self.buyer, by_buyer, "V1's own buyer")
        self.assertGreater(len(by_buyer), 1)
        for buyer, mine in by_buyer.items():
            told = self.env["mail.message"].search(
                [
                    ("partner_ids", "in", buyer.partner_id.ids),
                    ("subject", "=", f"Supplier alert: {rule.name}"),
                ]
            )
            self.assertEqual(len(told), 1, "one notification per buyer")
            for alert in mine:
                self.assertIn(alert.partner_id.name, told.body)

    def test_failure_to_notify_is_logged_on_the_alert(self):
        rule = self._alert_rule()

        def fail(records, vals_list):
            raise MailDeliveryException("mail server down")

        with patch.object(type(self.env["supplier.corrective.action"]), "create", fail):
            cards = self._evaluate()
        self.assertTrue(cards and self._card(self.v1).has_data)
        alerts = self.env["supplier.alert"].search([("rule_id", "=", rule.id)])
        self.assertEqual(alerts.partner_id, self.v1 | self.v3 | self.v5 | self.v7)
        for alert in alerts:
            self.assertIn("mail server down", alert.notification_error)
            self.assertFalse(alert.corrective_action_ids)

    # ----------------------------------------------------------- item 6: empty template
    def test_template_without_criteria_refused(self):
        with self.assertRaisesRegex(ValidationError, "no criteria"):
            self.env["supplier.evaluation.template"].create(
                {
                    "name": "Empty",
                    "kraljic_class": "routine",
                    "company_id": self.other_company.id,
                }
            )

    # ---------------------------------------------------------------- item 7: help text
    def test_on_time_help_names_the_differences_with_odoo_s_rate(self):
        line = self.env["supplier.evaluation.template.line"].new(
            {"criterion": "on_time"}
        )
        text = line.description
        self.assertNotIn("counts lines", text)
        for fact in ("UTC", "order date", "over-deliver", "returns", "contact"):
            self.assertIn(fact, text)

    # ------------------------------------------------------------------ independent SQL
    def test_figures_match_an_independent_sql_definition(self):
        """on_time, in_full and quality of every flow vendor, from Odoo's tables read
        afresh.

        Definitions (README): lines due = confirmed goods lines promised in the month
        (company's dates); received = done moves from a supplier location, quantity
        converted from the move's unit to the product's (qty / move factor * product
        factor), one per (picking, line, quantity, second); on time = sum(min(received
        by promised date, ordered)) / sum(ordered); in full = share of lines with
        received by promised date >= ordered; quality = 1
        - returned to a supplier location / received, moves done in the month.
        """
        self._evaluate()
        self.env.flush_all()
        tz = "Pacific/Auckland"
        self.env.cr.execute(
            SQL(
                """
            WITH moves AS (
                SELECT DISTINCT ON (m.picking_id, m.purchase_line_id, m.quantity,
                    date_trunc('second', m.date))
                       m.id, m.purchase_line_id, m.origin_returned_move_id, m.date,
                           m.location_id,
                       m.location_dest_id, m.quantity / mu.factor * pu.factor AS qty
                  FROM stock_move m
                  JOIN uom_uom mu ON mu.id = m.product_uom
                  JOIN product_product pp ON pp.id = m.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN uom_uom pu ON pu.id = pt.uom_id
                 WHERE m.state = 'done'
                 ORDER BY m.picking_id, m.purchase_line_id, m.quantity,
                     date_trunc('second', m.date), m.id
            ), lines AS (
                SELECT o.partner_id AS vendor, l.id, l.product_uom_qty AS ordered,
                       COALESCE((SELECT SUM(mv.qty) FROM moves mv
                                   JOIN stock_location s ON s.id = mv.location_id
                                       AND s.usage = 'supplier'
                                  WHERE mv.purchase_line_id = l.id
                                    AND (mv.date AT TIME ZONE 'UTC' AT TIME ZONE
                                        %(tz)s)::date
                                        <= (l.date_planned AT TIME ZONE 'UTC' AT TIME
                                            ZONE %(tz)s)::date), 0) AS got
                  FROM purchase_order_line l JOIN purchase_order o ON o.id = l.order_id
                 WHERE o.partner_id = ANY(%(vendors)s) AND o.state = 'purchase'
                   AND (l.date_planned AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
                       BETWEEN %(d0)s AND %(d1)s
            ), done AS (
                SELECT o.partner_id AS vendor,
                       SUM(mv.qty) FILTER (WHERE s.usage = 'supplier') AS received,
                       SUM(mv.qty) FILTER (WHERE d.usage = 'supplier') AS returned
                  FROM moves mv
                  JOIN stock_location s ON s.id = mv.location_id
                  JOIN stock_location d ON d.id = mv.location_dest_id
                  LEFT JOIN stock_move origin ON origin.id = mv.origin_returned_move_id
                  JOIN purchase_order_line l
                      ON l.id = COALESCE(mv.purchase_line_id, origin.purchase_line_id)
                  JOIN purchase_order o ON o.id = l.order_id
                 WHERE (mv.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
                     BETWEEN %(d0)s AND %(d1)s
                 GROUP BY o.partner_id
            )
            SELECT lines.vendor,
                   100 * SUM(LEAST(got, ordered)) / SUM(ordered),
                   100.0 * COUNT(*) FILTER (WHERE got >= ordered) / COUNT(*),
                   (SELECT 100 * (1 - COALESCE(returned,
                       0) / received) FROM done WHERE done.vendor = lines.vendor)
              FROM lines GROUP BY lines.vendor
            """,
                tz=tz,
                vendors=self.vendors.ids,
                d0=MARCH[0],
                d1=MARCH[1],
            )
        )
        rows = self.env.cr.fetchall()
        self.assertEqual(len(rows), 7)
        for vendor_id, on_time, in_full, quality in rows:
            card = self._card(self.env["res.partner"].browse(vendor_id))
            self.assertAlmostEqual(
                card.on_time_rate, float(on_time), delta=0.01, msg=card.display_name
            )
            self.assertAlmostEqual(
                card.in_full_rate, float(in_full), delta=0.01, msg=card.display_name
            )
            self.assertAlmostEqual(
                card.quality_rate, float(quality), delta=0.01, msg=card.display_name
            )
