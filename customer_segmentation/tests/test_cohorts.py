from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import SegmentationCase

TODAY = "2026-04-15 10:00:00"  # 22:00 in Auckland (NZST, UTC+12), the same day


@tagged("post_install", "-at_install")
class TestCohorts(SegmentationCase):
    """Cohorts and revenue retention of a hand-made history, in a company whose day is
    12 or 13 hours ahead of UTC, with a foreign-currency order, a draft quotation, a
    credit note and an order of another company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "Pacific/Auckland"
        cls.company.customer_strategic_cut = 0.5
        cls.company.customer_key_cut = 0.8
        cls.other_seller = new_test_user(
            cls.env,
            login="cs_seller_2",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.carl = cls._customer("Carl", user=cls.other_seller)
        cls.dan = cls._customer("Dan")
        cls.eve = cls._customer("Eve")
        # 12:00 UTC on 31 January is 1 February in Auckland: Acme's cohort is February.
        cls._order(cls.acme, 100, "2026-01-31 12:00:00")
        march = cls._order(cls.acme, 100, "2026-03-10 09:00:00")
        cls._credit_note(march, 30, "2026-03-12")
        # 200 EUR at 2 EUR per USD: 100 in company currency.
        cls._order(cls.bolt, 200, "2026-02-10 09:00:00", pricelist=cls.eur_pricelist)
        cls._order(cls.bolt, 50, "2026-04-05 09:00:00")
        cls._order(cls.carl, 80, "2026-01-15 09:00:00")
        cls._order(cls.carl, 40, "2026-02-20 09:00:00")
        cls._order(cls.carl, 999, "2026-03-20 09:00:00", confirm=False)  # quotation
        cls._order(cls.dan, 500, "2025-03-01 09:00:00")
        june = cls._order(cls.dan, 200, "2025-06-01 09:00:00")
        cls._credit_note(june, 50, "2025-07-01")
        cls._order(cls.eve, 300, "2024-06-01 09:00:00")
        # 12:30 UTC on 15 April 2025 is 16 April in Auckland: in the last 12 months.
        cls._order(cls.eve, 60, "2025-04-15 12:30:00")
        # Acme buys in another company in January: not part of this company's figures.
        with freeze_time("2026-01-05 09:00:00"):
            other = cls.env["sale.order"].create(
                {
                    "partner_id": cls.acme.id,
                    "company_id": cls.other_company.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.product.id,
                                "product_uom_qty": 1,
                                "price_unit": 1000,
                            }
                        )
                    ],
                }
            )
            other.action_confirm()

    @classmethod
    def _credit_note(cls, order, amount, day):
        """Invoice the order, then a credit note of ``amount`` through the reversal
        wizard, posted on ``day``."""
        invoice = order._create_invoices()
        invoice.invoice_date = day
        invoice.action_post()
        wizard = (
            cls.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "date": day,
                    "journal_id": invoice.journal_id.id,
                    "reason": "damaged",
                }
            )
        )
        wizard.refund_moves()
        refund = invoice.reversal_move_ids
        refund.invoice_line_ids.price_unit = amount
        refund.action_post()
        return refund

    def _grid(self, domain=(), user=None):
        """{(cohort month, months after): (customers in cohort, buying, still buying
        %, revenue)} as the pivot reads it."""
        Report = self.env["customer.cohort.report"]
        if user:
            Report = Report.with_user(user)
        with freeze_time(TODAY):
            rows = Report._read_group(
                [("company_id", "=", self.company.id), *domain],
                ["cohort_month:month", "month_offset"],
                [
                    "cohort_customers:sum",
                    "buying_count:sum",
                    "retention:sum",
                    "revenue:sum",
                ],
            )
        return {
            (cohort.strftime("%Y-%m"), offset): (
                customers,
                buying,
                round(share, 2),
                round(revenue, 2),
            )
            for cohort, offset, customers, buying, share, revenue in rows
        }

    def test_cohorts_by_month_of_first_order(self):
        grid = self._grid()
        # Carl: January; Acme (in Auckland's February) and Bolt: February.
        self.assertEqual(
            {key: value for key, value in grid.items() if key[0] >= "2026-01"},
            {
                ("2026-01", 0): (1, 1, 100.0, 80.0),
                ("2026-01", 1): (0, 1, 100.0, 40.0),
                ("2026-01", 2): (0, 0, 0.0, 0.0),  # the quotation is not an order
                ("2026-01", 3): (0, 0, 0.0, 0.0),
                ("2026-02", 0): (2, 2, 100.0, 200.0),  # 100 + 200 EUR / 2
                ("2026-02", 1): (0, 1, 50.0, 70.0),  # Acme's 100 less the 30 credit
                ("2026-02", 2): (0, 1, 50.0, 50.0),
            },
        )
        # Dan: March 2025, his June order and July credit note 3 and 4 months after.
        self.assertEqual(grid[("2025-03", 0)], (1, 1, 100.0, 500.0))
        self.assertEqual(grid[("2025-03", 3)], (0, 1, 100.0, 200.0))
        self.assertEqual(grid[("2025-03", 4)], (0, 0, 0.0, -50.0))
        self.assertEqual(grid[("2025-03", 13)], (0, 0, 0.0, 0.0))  # April 2026
        self.assertNotIn(("2025-03", 14), grid)
        # Eve: June 2024, and her order of 16 April 2025 (Auckland) 10 months after.
        self.assertEqual(grid[("2024-06", 10)], (0, 1, 100.0, 60.0))
        self.assertEqual(grid[("2024-06", 9)], (0, 0, 0.0, 0.0))

    def test_credit_notes_before_the_first_order_or_without_one(self):
        # Fay's credit note of August 2025 is before her first order (September): in
        # no cohort and no month before her first. Gus has a credit note and no order:
        # he is not a customer of any cohort.
        fay = self._customer("Fay")
        september = self._order(fay, 90, "2025-09-10 09:00:00")
        self._credit_note(september, 20, "2025-08-05")
        gus = self._customer("Gus")
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": gus.id,
                "company_id": self.company.id,
                "invoice_date": "2025-10-01",
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": self.product.id, "quantity": 1, "price_unit": 40}
                    )
                ],
            }
        )
        refund.action_post()
        grid = self._grid()
        self.assertEqual(grid[("2025-09", 0)], (1, 1, 100.0, 90.0))
        self.assertEqual(grid[("2025-09", 1)], (0, 0, 0.0, 0.0))
        self.assertEqual(
            sum(value[3] for key, value in grid.items() if key[0] == "2025-09"), 90.0
        )
        self.assertNotIn(("2025-08", 0), grid)
        self.assertNotIn(("2025-10", 0), grid)
        self.assertEqual(min(offset for _month, offset in grid), 0)
        # Acme, Bolt, Carl, Dan, Eve and Fay.
        self.assertEqual(sum(value[0] for value in grid.values()), 6)

    def test_a_cohort_over_its_months_is_the_average_month(self):
        with freeze_time(TODAY):
            rows = self.env["customer.cohort.report"]._read_group(
                [
                    ("company_id", "=", self.company.id),
                    ("cohort_month", "=", "2026-02-01"),
                ],
                [],
                ["cohort_customers:sum", "retention:sum", "revenue:sum"],
            )
        # Two customers; 2 + 1 + 1 buyers out of 2 in each of three months.
        customers, share, revenue = rows[0]
        self.assertEqual((customers, round(share, 2), revenue), (2, 66.67, 320.0))

    def test_filter_by_tier_and_segment(self):
        self._run(TODAY)
        tiers = {
            partner.name: self._profile(partner).tier
            for partner in self.acme | self.bolt | self.carl | self.dan | self.eve
        }
        # Revenue 650 (Dan), 360 (Eve), 170 (Acme), 150 (Bolt), 120 (Carl): the share
        # before each is 0, 45, 70, 81 and 92 %; cuts at 50 and 80 %.
        self.assertEqual(
            tiers,
            {
                "Dan": "strategic",
                "Eve": "strategic",
                "Acme": "key",
                "Bolt": "ordinary",
                "Carl": "ordinary",
            },
        )
        self.assertEqual(
            self._grid([("tier", "=", "key")]),
            {
                ("2026-02", 0): (1, 1, 100.0, 100.0),
                ("2026-02", 1): (0, 1, 100.0, 70.0),
                ("2026-02", 2): (0, 0, 0.0, 0.0),
            },
        )
        ordinary = self._grid([("tier", "=", "ordinary")])
        self.assertEqual(ordinary[("2026-02", 1)], (0, 0, 0.0, 0.0))
        self.assertEqual(ordinary[("2026-02", 2)], (0, 1, 100.0, 50.0))
        self.assertEqual(ordinary[("2026-01", 1)], (0, 1, 100.0, 40.0))
        segment = self._profile(self.acme).segment_id
        self.assertTrue(segment)
        by_segment = self._grid([("segment_id", "=", segment.id)])
        acme_like = self.env["customer.profile"].search(
            [("company_id", "=", self.company.id), ("segment_id", "=", segment.id)]
        )
        self.assertEqual(sum(value[0] for value in by_segment.values()), len(acme_like))

    def test_salesperson_sees_own_customers_only(self):
        grid = self._grid(user=self.salesperson)
        # Carl is the other salesperson's customer: no January 2026 cohort.
        self.assertNotIn(("2026-01", 0), grid)
        self.assertEqual(grid[("2026-02", 0)], (2, 2, 100.0, 200.0))
        self.assertEqual(self._grid(user=self.other_seller)[("2026-01", 0)][0], 1)
        self.assertFalse(
            self.env["customer.cohort.report"]
            .with_user(self.other_manager)
            .with_context(allowed_company_ids=self.other_company.ids)
            .search([("company_id", "=", self.company.id)])
        )

    def test_revenue_retention_per_tier(self):
        self._run(TODAY)
        Report = self.env["customer.revenue.retention.report"]
        with freeze_time(TODAY):
            rows = Report._read_group(
                [("company_id", "=", self.company.id)],
                ["tier"],
                [
                    "customer_count:sum",
                    "kept_count:sum",
                    "base_revenue:sum",
                    "kept_revenue:sum",
                    "retention:sum",
                ],
            )
            per_customer = {
                row.partner_id.name: (row.base_revenue, row.kept_revenue)
                for row in Report.search([("company_id", "=", self.company.id)])
            }
        # Previous year (16 April 2024 - 15 April 2025, Auckland): Dan 500, Eve 300.
        # Last 12 months: Dan 200 - 50 credit note, Eve 60 (16 April 2025 there).
        self.assertEqual(per_customer, {"Dan": (500.0, 150.0), "Eve": (300.0, 60.0)})
        self.assertEqual(
            [
                (tier, n, kept, base, kept_rev, round(share, 2))
                for tier, n, kept, base, kept_rev, share in rows
            ],
            [("strategic", 2, 2, 800.0, 210.0, 26.25)],
        )
