import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import MARCH, SupplierEvaluationCase

APRIL = (datetime.date(2026, 4, 1), datetime.date(2026, 4, 30))


@tagged("post_install", "-at_install")
class TestScorecard(SupplierEvaluationCase):
    """March 2026, built through Odoo's own flows (hand-computed figures in each test).

    Vendor A: PO confirmed 03-01 09:00 with P1 10 @ 10 (promised 03-10), P2 5 @ 20
    (promised 03-12) and a service line. Received 03-08: P1 10, P2 2; backorder 03-20:
    P2 3. One P1 returned 03-25. A cancelled RFQ promised 03-15. A buyer rates service
    4. Vendor B: PO confirmed 03-01 09:00 with P1 20 @ 8 (promised 03-10), 25 received
    03-10.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "UTC"
        cls.vendor_a = cls.env["res.partner"].create(
            {"name": "Vendor A", "is_company": True}
        )
        cls.vendor_a_contact = cls.env["res.partner"].create(
            {"name": "Anna", "parent_id": cls.vendor_a.id}
        )
        cls.vendor_b = cls.env["res.partner"].create(
            {"name": "Vendor B", "is_company": True}
        )
        cls.p1, cls.p2 = cls.env["product.product"].create(
            [
                {"name": "Bolt", "type": "consu", "is_storable": True},
                {"name": "Nut", "type": "consu", "is_storable": True},
            ]
        )
        cls.service = cls.env["product.product"].create(
            {"name": "Setup", "type": "service"}
        )
        cls.env["product.supplierinfo"].create(
            [
                {
                    "partner_id": cls.vendor_a.id,
                    "product_tmpl_id": cls.p1.product_tmpl_id.id,
                    "price": 10,
                },
                {
                    "partner_id": cls.vendor_b.id,
                    "product_tmpl_id": cls.p1.product_tmpl_id.id,
                    "price": 8,
                },
                {
                    "partner_id": cls.vendor_a.id,
                    "product_tmpl_id": cls.p2.product_tmpl_id.id,
                    "price": 20,
                },
            ]
        )
        with freeze_time("2026-03-01 09:00:00"):
            # Ordered through a contact: the scorecard belongs to the commercial
            # partner.
            cls.po_a = cls._order(
                cls.vendor_a_contact,
                [
                    (cls.p1, 10, 10.0, "2026-03-10 12:00:00"),
                    (cls.p2, 5, 20.0, "2026-03-12 12:00:00"),
                    (cls.service, 1, 100.0, "2026-03-10 12:00:00"),
                ],
            )
            cls.po_b = cls._order(
                cls.vendor_b, [(cls.p1, 20, 8.0, "2026-03-10 12:00:00")]
            )
            cancelled = cls._order(
                cls.vendor_a, [(cls.p1, 4, 10.0, "2026-03-15 12:00:00")], confirm=False
            )
            cancelled.button_cancel()
        with freeze_time("2026-03-08 09:00:00"):
            first = cls._receive(cls.po_a, {cls.p1: 10, cls.p2: 2})
        with freeze_time("2026-03-10 09:00:00"):
            cls._receive(cls.po_b, {cls.p1: 25})
        with freeze_time("2026-03-20 09:00:00"):
            cls._receive(cls.po_a, {cls.p2: 3})
        with freeze_time("2026-03-25 09:00:00"):
            cls._return(first, {cls.p1: 1})
        cls.env["supplier.rating"].create(
            {
                "partner_id": cls.vendor_a.id,
                "date": "2026-03-20",
                "service": "4",
            }
        )

    @classmethod
    def _order(cls, partner, lines, confirm=True):
        order = cls.env["purchase.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_qty": qty,
                            "price_unit": price,
                            "date_planned": planned,
                        }
                    )
                    for product, qty, price, planned in lines
                ],
            }
        )
        if confirm:
            order.button_confirm()
        return order

    @classmethod
    def _receive(cls, order, quantities):
        picking = order.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        )
        for move in picking.move_ids:
            move.quantity = quantities.get(move.product_id, 0)
            move.picked = True
        picking._action_done()
        return picking

    def test_figures_against_hand_computed_values(self):
        self._evaluate()
        card = self._card(self.vendor_a)
        self.assertEqual(len(card), 1)
        self.assertTrue(card.has_data)
        # On time: (10 + 2) of 15 due; in full: L1 yes, L2 no.
        self.assertAlmostEqual(card.on_time_rate, 80.0)
        self.assertAlmostEqual(card.in_full_rate, 50.0)
        self.assertEqual((card.line_count, card.qty_due), (2, 15))
        # Quality: 1 returned of 15 received.
        self.assertAlmostEqual(card.quality_rate, 100 * (1 - 1 / 15))
        self.assertEqual((card.qty_received, card.qty_returned), (15, 1))
        # Lead time: 12 units after 7 days, 3 after 19 days.
        self.assertAlmostEqual(card.lead_time_avg, 9.4)
        self.assertAlmostEqual(card.lead_time_std, 4.8)
        # Price: P1 at 10 against B's 8; P2 has no other vendor.
        self.assertAlmostEqual(card.price_index, 125.0)
        self.assertEqual(card.price_product_count, 1)
        self.assertAlmostEqual(card.spend, 200.0)
        self.assertAlmostEqual(card.service_rating, 4.0)
        # Data cleaning: the cancelled RFQ's line and the service line are left out.
        self.assertEqual((card.excluded_cancelled, card.excluded_service), (1, 1))
        # Routine template: on time 35 (70..98), price 35 (115..90), quality 15
        # (90..100), in full 5 (60..95), service 10 (1..5).
        self.assertEqual(card.kraljic_class, "routine")
        self.assertAlmostEqual(card.score_on_time, 100 * 10 / 28)
        self.assertAlmostEqual(card.score_price, 0.0)
        self.assertAlmostEqual(card.score_quality, 100 / 3)
        self.assertAlmostEqual(card.score_in_full, 0.0)
        self.assertAlmostEqual(card.score_service, 75.0)
        self.assertAlmostEqual(card.total_score, 25.0)
        self.assertEqual(card.grade, "C")

        card_b = self._card(self.vendor_b)
        # 25 received for 20 ordered: over-delivery counts as 20.
        self.assertAlmostEqual(card_b.on_time_rate, 100.0)
        self.assertAlmostEqual(card_b.price_index, 80.0)
        self.assertAlmostEqual(card_b.lead_time_avg, 9.0)
        self.assertAlmostEqual(card_b.lead_time_std, 0.0)
        self.assertFalse(card_b.service_rating)
        self.assertAlmostEqual(card_b.total_score, 100.0)
        self.assertEqual(card_b.grade, "A")

    def test_dates_compare_in_company_time_zone(self):
        # 03-08 09:00 UTC is still 03-08 in Shanghai, but B's 03-10 09:00 UTC delivery
        # against a 03-10 12:00 UTC promise becomes 17:00 vs 20:00 local: still on time.
        # Move the promise to 03-09 20:00 UTC = 03-10 04:00 in Shanghai: on time there,
        # late in UTC.
        self.po_b.order_line.date_planned = "2026-03-09 20:00:00"
        self.company.partner_id.tz = "UTC"
        self._evaluate()
        self.assertAlmostEqual(self._card(self.vendor_b).on_time_rate, 0.0)
        self.company.partner_id.tz = "Asia/Shanghai"
        self._evaluate()
        self.assertAlmostEqual(self._card(self.vendor_b).on_time_rate, 100.0)

    def test_company_without_time_zone_counts_in_utc_whoever_evaluates(self):
        # The promise of 03-09 20:00 UTC is 03-10 04:00 in Shanghai (B's 03-10 delivery
        # on time there) but still 03-09 in Los Angeles (late): the company has no time
        # zone, so both evaluators get the UTC answer, late.
        self.po_b.order_line.date_planned = "2026-03-09 20:00:00"
        self.company.partner_id.tz = False
        figures = {}
        for tz in ("Asia/Shanghai", "America/Los_Angeles"):
            user = new_test_user(
                self.env,
                login=f"se_evaluator_{tz}",
                groups="purchase.group_purchase_manager",
                company_id=self.company.id,
                company_ids=[self.company.id],
                tz=tz,
            )
            self.env["supplier.evaluation.wizard"].with_user(user).create(
                {
                    "date_from": MARCH[0],
                    "date_to": MARCH[1],
                    "partner_ids": [Command.set((self.vendor_a | self.vendor_b).ids)],
                }
            ).action_evaluate()
            figures[tz] = [
                (card.on_time_rate, card.lead_time_avg, card.total_score, card.grade)
                for card in (self._card(self.vendor_a), self._card(self.vendor_b))
            ]
        self.assertEqual(figures["Asia/Shanghai"], figures["America/Los_Angeles"])
        self.assertAlmostEqual(figures["Asia/Shanghai"][1][0], 0.0)

    def test_no_activity_means_no_data_never_100(self):
        cards = self._evaluate(APRIL, partners=self.vendor_a)
        self.assertEqual(len(cards), 1)
        self.assertFalse(cards.has_data)
        self.assertFalse(cards.total_score)
        self.assertFalse(cards.grade)
        # Nothing is created for suppliers nobody asked about and who did nothing.
        self.assertFalse(self._card(self.vendor_b, APRIL))

    def test_rerun_replaces_drafts_without_duplicates(self):
        first = self._evaluate()
        self.env["supplier.rating"].create(
            {"partner_id": self.vendor_a.id, "date": "2026-03-21", "service": "2"}
        )
        second = self._evaluate()
        self.assertEqual(sorted(first.ids), sorted(second.ids))
        self.assertEqual(
            self.env["supplier.scorecard"].search_count(
                [
                    ("date_from", "=", MARCH[0]),
                    ("partner_id", "in", (self.vendor_a | self.vendor_b).ids),
                ]
            ),
            2,
        )
        self.assertAlmostEqual(self._card(self.vendor_a).service_rating, 3.0)

    def test_published_and_locked_scorecards_are_never_rewritten(self):
        self._evaluate()
        card_a, card_b = self._card(self.vendor_a), self._card(self.vendor_b)
        card_a.action_lock()
        card_b.action_publish()
        self.env["supplier.rating"].create(
            {"partner_id": self.vendor_a.id, "date": "2026-03-21", "service": "1"}
        )
        self.env["supplier.rating"].create(
            {"partner_id": self.vendor_b.id, "date": "2026-03-21", "service": "1"}
        )
        self._evaluate()
        self.assertAlmostEqual(card_a.service_rating, 4.0)
        self.assertAlmostEqual(card_a.total_score, 25.0)
        self.assertFalse(card_b.service_rating)
        self.assertEqual((card_a.state, card_b.state), ("locked", "published"))

    def test_change_since_previous_period(self):
        self._evaluate()
        with freeze_time("2026-04-02 09:00:00"):
            self._order(self.vendor_b, [(self.p1, 10, 8.0, "2026-04-10 12:00:00")])
        with freeze_time("2026-04-12 09:00:00"):
            self._receive(
                self.po_b.search(
                    [("partner_id", "=", self.vendor_b.id), ("state", "=", "purchase")],
                    order="id desc",
                    limit=1,
                ),
                {self.p1: 5},
            )
        self._evaluate(APRIL)
        card = self._card(self.vendor_b, APRIL)
        # April, routine template: 5 of 10 received 04-12 against 04-10: on time 0% and
        # in full 0% (score 0), quality 100% (score 100); no price (one vendor) nor
        # rating: weights 35 + 15 + 5 = 55 remain, total 15 * 100 / 55 = 27.27.
        self.assertAlmostEqual(card.total_score, 1500 / 55)
        self.assertAlmostEqual(card.previous_total, 100.0)
        self.assertAlmostEqual(card.total_change, card.total_score - 100.0)
        self.assertLess(card.total_change, 0)
        # The supplier form draws both months as a small trend chart.
        self.vendor_b.invalidate_recordset()
        self.assertEqual(str(self.vendor_b.supplier_trend_chart).count("<svg"), 2)

    def test_wizard_backfills_periods(self):
        # Any share of spend counts as a high profit impact here (the database may hold
        # demo orders).
        self.company.supplier_impact_threshold = 1e-9
        wizard = (
            self.env["supplier.evaluation.wizard"]
            .with_user(self.purchase_manager)
            .create(
                {
                    "date_from": "2026-02-01",
                    "date_to": "2026-03-31",
                    "partner_ids": [Command.set(self.vendor_a.ids)],
                }
            )
        )
        self.assertEqual(wizard.period_count, 2)
        wizard.action_evaluate()
        feb = self._card(self.vendor_a, (datetime.date(2026, 2, 1), None))
        self.assertEqual(
            len(feb), 1, "a supplier asked for by name gets a February card"
        )
        self.assertFalse(feb.has_data)
        # A back-fill scores each period with the class as of its end: as of 04-01, A is
        # strategic (see the cron test), so March is scored with the strategic template.
        march = self._card(self.vendor_a)
        self.assertEqual(march.kraljic_class, "strategic")
        expected = (
            20 * 100 * 10 / 28
            + 10 * 0
            + 20 * 100 / 3
            + 20 * 100 * 5.2 / 9
            + 5 * 0
            + 10 * 75
        ) / 85
        self.assertAlmostEqual(march.total_score, expected)

    def test_cron_suggests_classes_then_scores_the_previous_month(self):
        # Any share of spend counts as a high profit impact here (the database may hold
        # demo orders).
        self.company.supplier_impact_threshold = 1e-9
        with freeze_time("2026-04-03 02:00:00"):
            self.env["supplier.scorecard"]._cron_evaluate()
        # Supply risk of A: 2/3 of its spend has no other vendor (P2, the service) ->
        # 0.7 * 2/3, plus 0.3 * the lead-time spread (std/mean of 7, 7, 19 days =
        # 0.514): 0.62 >= 0.5.
        self.assertEqual(self.vendor_a.supplier_kraljic_suggested, "strategic")
        self.assertEqual(self.vendor_b.supplier_kraljic_suggested, "leverage")
        card = self._card(self.vendor_a)
        self.assertEqual(card.kraljic_class, "strategic")
        # Strategic: on time 20, in full 10, quality 20, spread 20 (10..1 days), price
        # 5, service 10, cooperation 15 (no rating: left out, weights rescaled over 85).
        expected = (
            20 * 100 * 10 / 28
            + 10 * 0
            + 20 * 100 / 3
            + 20 * 100 * 5.2 / 9
            + 5 * 0
            + 10 * 75
        ) / 85
        self.assertAlmostEqual(card.total_score, expected)

    def test_bad_settings_refused(self):
        with self.assertRaises(ValidationError):
            self.company.supplier_grade_a_min = 60  # below B (70)
        with self.assertRaises(ValidationError):
            self.company.supplier_kraljic_window = 0
        with self.assertRaises(ValidationError):
            self.company.supplier_impact_threshold = 1.5
        with self.assertRaises(ValidationError):
            self.vendor_a.supplier_kraljic_override = "strategic"  # no reason given
        self.vendor_a.write(
            {
                "supplier_kraljic_override": "strategic",
                "supplier_kraljic_reason": "Sole source of X",
            }
        )
        self.assertEqual(self.vendor_a.supplier_kraljic_class, "strategic")

    def test_only_managers_change_qualification_and_class(self):
        vendor = self.vendor_a.with_user(self.buyer)
        with self.assertRaises(AccessError):
            vendor.supplier_qualification_state = "approved"
        with self.assertRaises(AccessError):
            vendor.write(
                {
                    "supplier_kraljic_override": "routine",
                    "supplier_kraljic_reason": "cheap",
                }
            )
        self._evaluate()
        with self.assertRaises(AccessError):
            self._card(self.vendor_a).with_user(self.buyer).write({"state": "locked"})
        self.vendor_a.with_user(
            self.purchase_manager
        ).supplier_qualification_state = "approved"
        self.assertEqual(self.vendor_a.supplier_qualification_state, "approved")
        self.assertIn(
            "Qualification: None → Approved", self.vendor_a.message_ids[0].body
        )

    def test_companies_never_mix(self):
        self._evaluate()
        other_cards = self.env["supplier.scorecard"]._evaluate(
            self.other_company, *MARCH
        )
        self.assertFalse(other_cards, "no purchase of the other company, no scorecard")
        self.assertFalse(
            self.env["supplier.scorecard"].with_user(self.other_manager).search([])
        )
        with self.assertRaises(AccessError):
            self._card(self.vendor_a).with_user(self.other_manager).read(
                ["total_score"]
            )
