import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from ..lead_times import measure
from .common import SupplierEvaluationCase

AS_OF = datetime.date(2026, 3, 31)


@tagged("post_install", "-at_install")
class TestLearnedLeadTimes(SupplierEvaluationCase):
    """March 2026 in Pacific/Auckland, through purchase's and stock's own flows.

    Vendor V sells P1 (declared 2 days) and P2 (declared 6 days); V's contact sells
    P1 too (another priceline of the same commercial vendor).

    - P1: orders confirmed 03-02, 03-03, 03-04 at 12:00 UTC, received 5.0, 6.0 and
      9.0 days later; the first receipt is also recorded twice (counted once).
      Median 6.0, 80th percentile 6 + 0.6 * 3 = 7.8.
    - P2: confirmed 03-02 12:00, received 03-08 00:00 (5.5 days), 03-09 12:00 received
      03-15 12:00 (6.0) and 03-16 (6.0 again): median 6.0, declared 6: no gap.
    - An order of 2025-01-10 received 2025-01-20 (10 days) is outside the 12-month
      window; an order of the other company is not measured here.
    """

    OWN_COMPANY = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "Pacific/Auckland"
        cls.vendor = cls.env["res.partner"].create(
            {"name": "Lead vendor", "is_company": True}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Lead vendor sales", "parent_id": cls.vendor.id}
        )
        cls.p1, cls.p2 = cls.env["product.product"].create(
            [
                {"name": "Lead bolt", "type": "consu", "is_storable": True},
                {"name": "Lead nut", "type": "consu", "is_storable": True},
            ]
        )
        cls.info1, cls.info2, cls.info1_contact = cls.env[
            "product.supplierinfo"
        ].create(
            [
                {
                    "partner_id": cls.vendor.id,
                    "product_tmpl_id": cls.p1.product_tmpl_id.id,
                    "delay": 2,
                    "price": 10.0,
                    "company_id": cls.company.id,
                },
                {
                    "partner_id": cls.vendor.id,
                    "product_tmpl_id": cls.p2.product_tmpl_id.id,
                    "delay": 6,
                    "price": 4.0,
                    "company_id": cls.company.id,
                },
                {
                    "partner_id": cls.contact.id,
                    "product_tmpl_id": cls.p1.product_tmpl_id.id,
                    "delay": 3,
                    "price": 11.0,
                    "min_qty": 100,
                    "company_id": cls.company.id,
                },
            ]
        )
        receipts = [
            ("2025-01-10 12:00:00", "2025-01-20 12:00:00", cls.p1),
            ("2026-03-02 12:00:00", "2026-03-07 12:00:00", cls.p1),
            ("2026-03-03 12:00:00", "2026-03-09 12:00:00", cls.p1),
            ("2026-03-04 12:00:00", "2026-03-13 12:00:00", cls.p1),
            ("2026-03-02 12:00:00", "2026-03-08 00:00:00", cls.p2),
            ("2026-03-09 12:00:00", "2026-03-15 12:00:00", cls.p2),
            ("2026-03-10 12:00:00", "2026-03-16 12:00:00", cls.p2),
        ]
        pickings = []
        for confirmed, received, product in receipts:
            with freeze_time(confirmed):
                order = cls._confirmed_order(cls.vendor, product)
            with freeze_time(received):
                pickings.append(cls._receive(order))
        cls._record_twice(pickings[1].move_ids)
        # The other company's receipt of P1 from V, 30 days: never in this company.
        cls.env.user.company_ids |= cls.other_company
        with freeze_time("2026-03-01 12:00:00"):
            other = cls._confirmed_order(cls.vendor, cls.p1, company=cls.other_company)
        with freeze_time("2026-03-31 12:00:00"):
            cls._receive(other)

    @classmethod
    def _confirmed_order(cls, partner, product, company=None):
        company = company or cls.company
        order = (
            cls.env["purchase.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "order_line": [
                        Command.create({"product_id": product.id, "product_qty": 5})
                    ],
                }
            )
        )
        order.button_confirm()
        return order

    @classmethod
    def _receive(cls, order):
        picking = order.picking_ids
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        picking.button_validate()
        assert picking.state == "done", picking.state
        return picking

    def _row(self, info):
        return self.env["supplier.lead.time"].search(
            [("supplierinfo_id", "=", info.id), ("company_id", "=", self.company.id)]
        )

    def test_measured_median_and_80th_percentile_per_vendor_and_product(self):
        self.assertEqual(measure(self.env, self.company, AS_OF), 3)
        row1, row2 = self._row(self.info1), self._row(self.info2)
        self.assertEqual(row1.receipt_count, 3)
        self.assertAlmostEqual(row1.median_days, 6.0)
        self.assertAlmostEqual(row1.p80_days, 7.8)
        self.assertEqual(row1.declared_delay, 2)
        self.assertAlmostEqual(row1.gap_days, 4.0)
        self.assertTrue(row1.differs)
        self.assertEqual(
            (row1.date_from, row1.date_to), (datetime.date(2025, 4, 1), AS_OF)
        )
        self.assertEqual(row2.receipt_count, 3)
        self.assertAlmostEqual(row2.median_days, 6.0)
        self.assertAlmostEqual(row2.p80_days, 6.0)
        self.assertFalse(row2.differs)
        # The contact's priceline is the same commercial vendor's product.
        self.assertAlmostEqual(self._row(self.info1_contact).median_days, 6.0)
        # On the priceline and the supplier form, for buyers.
        info = self.info1.with_user(self.buyer)
        self.assertAlmostEqual(info.supplier_lead_time_median, 6.0)
        self.assertAlmostEqual(info.supplier_lead_time_p80, 7.8)
        self.assertEqual(info.supplier_lead_time_receipts, 3)
        self.assertTrue(info.supplier_lead_time_differs)
        # P1 of both pricelines (2 and 3 days declared) differs; P2 does not.
        self.assertEqual(
            self.vendor.with_user(self.buyer).supplier_lead_time_differs_count, 2
        )
        # A wider threshold in the settings: 4 days off is no longer listed.
        self.company.supplier_lead_time_threshold = 4.0
        self.assertFalse(row1.differs)
        self.company.supplier_lead_time_threshold = 2.0
        self.assertTrue(row1.differs)
        # The 80th percentile as the basis: P2 still within 2 days.
        self.company.supplier_lead_time_basis = "p80"
        measure(self.env, self.company, AS_OF)
        self.assertAlmostEqual(self._row(self.info1).measured_days, 7.8)
        self.assertFalse(self._row(self.info2).differs)

    def test_the_other_company_measures_its_own_receipts(self):
        measure(self.env, self.company, AS_OF)
        measure(self.env, self.other_company, AS_OF)
        # Pricelines of this company are not the other company's: nothing there.
        self.assertFalse(
            self.env["supplier.lead.time"].search(
                [("company_id", "=", self.other_company.id)]
            )
        )
        shared = self.env["product.supplierinfo"].create(
            {
                "partner_id": self.vendor.id,
                "product_tmpl_id": self.p1.product_tmpl_id.id,
                "delay": 1,
                "company_id": False,
            }
        )
        measure(self.env, self.company, AS_OF)
        measure(self.env, self.other_company, AS_OF)
        mine = self._row(shared)
        theirs = self.env["supplier.lead.time"].search(
            [
                ("supplierinfo_id", "=", shared.id),
                ("company_id", "=", self.other_company.id),
            ]
        )
        self.assertAlmostEqual(mine.median_days, 6.0)
        self.assertEqual((theirs.receipt_count, theirs.median_days), (1, 30.0))
        # A manager of the other company sees neither this company's rows nor
        # figures.
        other_env = self.env(
            user=self.other_manager,
            context=dict(self.env.context, allowed_company_ids=self.other_company.ids),
        )
        self.assertEqual(other_env["supplier.lead.time"].search([]), theirs)
        with self.assertRaises(AccessError):
            mine.with_env(other_env).median_days  # noqa: B018
        self.assertEqual(shared.with_env(other_env).supplier_lead_time_median, 30.0)

    def test_applied_lead_time_plans_the_next_rfq(self):
        measure(self.env, self.company, AS_OF)
        row = self._row(self.info1)

        def planned():
            with freeze_time("2026-04-01 08:00:00"):
                form = Form(self.env["purchase.order"].with_user(self.purchase_manager))
                form.partner_id = self.vendor
                with form.order_line.new() as line:
                    line.product_id = self.p1
                    line.product_qty = 5
                order = form.save()
            return order.order_line.date_planned - order.date_order

        self.assertEqual(planned(), datetime.timedelta(days=2))
        # A buyer may not change the pricelines; nor measure.
        with self.assertRaises(AccessError):
            row.with_user(self.buyer).action_apply_measured()
        with self.assertRaises(AccessError):
            self.env["supplier.lead.time"].with_user(self.buyer).action_measure()
        self.assertEqual(self.info1.delay, 2)
        row.with_user(self.purchase_manager).action_apply_measured()
        self.assertEqual(self.info1.delay, 6)
        self.assertEqual(self.info1_contact.delay, 3, "only the selected priceline")
        self.assertEqual(row.declared_delay, 6)
        self.assertFalse(row.differs)
        message = self.vendor.message_ids[0]
        self.assertIn("Lead bolt", message.body)
        self.assertIn("2 → 6 days", message.body)
        self.assertEqual(message.author_id, self.purchase_manager.partner_id)
        self.assertEqual(planned(), datetime.timedelta(days=6))

    def test_too_few_receipts_are_not_applied(self):
        self.company.supplier_lead_time_min_receipts = 4
        measure(self.env, self.company, AS_OF)
        row = self._row(self.info1)
        self.assertFalse(row.differs)
        with self.assertRaises(UserError) as refused:
            row.with_user(self.purchase_manager).action_apply_measured()
        self.assertIn("Too few receipts", str(refused.exception))
        self.assertEqual(self.info1.delay, 2)

    def test_settings_are_checked(self):
        with self.assertRaises(ValidationError) as refused:
            self.company.supplier_lead_time_months = 0
        self.assertIn("at least one month", str(refused.exception))
