import ast
import datetime

from lxml import etree

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import SegmentationCase


@tagged("post_install", "-at_install")
class TestReports(SegmentationCase):
    """The Pareto curve, the transition matrix, the RFM grid and what the profile and
    the run say in words, on hand-made histories."""

    def _two_runs(self):
        """Run 1 (1 March 2026, the baseline) and run 2 (1 April) with the company's
        thresholds (recency 30/90/180/365 days, orders 2/3/5/10)."""
        self.carl = self._customer("Carl")
        self.dan = self._customer("Dan")
        self._order(self.acme, 1000, "2026-02-20 09:00:00")  # R5 F1: New Customers
        self._order(self.bolt, 300, "2025-06-05 09:00:00")  # R2 F1: Hibernating
        self._order(self.dan, 70, "2024-03-15 09:00:00")  # R1 F1: Hibernating
        self._run("2026-03-01 10:00:00")
        self._order(self.acme, 500, "2026-03-20 09:00:00")  # R5 F2: Potential Loyal.
        self._order(self.carl, 50, "2026-03-25 09:00:00")  # new: New Customers
        # Dan's only order is out of the 24-month window of run 2: lost.
        return self._run("2026-04-01 10:00:00")

    def _cells(self, rows, row_field, col_field, measure):
        Report = self.env["customer.segment.report"]
        labels = {
            name: dict(Report._fields[name]._description_selection(self.env))
            for name in (row_field, col_field)
        }
        return {
            (labels[row_field][row], labels[col_field][col]): value
            for row, col, value in rows
        }

    def test_transitions_count_customers_with_new_and_lost(self):
        self._two_runs()
        Report = self.env["customer.segment.report"]
        rows = Report._read_group(
            [("company_id", "=", self.company.id)],
            ["from_state", "to_state"],
            ["customer_count:sum"],
        )
        self.assertEqual(
            self._cells(rows, "from_state", "to_state", "customer_count"),
            {
                ("New →", "→ New Customers"): 1,  # Carl
                ("New Customers →", "→ Potential Loyalists"): 1,  # Acme
                ("Hibernating →", "→ Hibernating"): 1,  # Bolt
                ("Hibernating →", "→ Lost (no order in the window)"): 1,  # Dan
            },
        )
        self.assertEqual(Report._fields["from_state"].string, "From (previous run)")
        self.assertEqual(Report._fields["to_state"].string, "To (this run)")
        # Revenue stays available as a second measure.
        acme = Report.search([("partner_id", "=", self.acme.id)])
        self.assertAlmostEqual(acme.monetary, 1500)

    def test_rfm_grid_counts_and_revenue_per_cell(self):
        self._two_runs()
        action = self.env.ref(
            "customer_segmentation.customer_segment_report_action_rfm"
        )
        domain = [("company_id", "=", self.company.id)] + ast.literal_eval(
            action.domain
        )
        Report = self.env["customer.segment.report"]
        rows = Report._read_group(
            domain,
            ["recency_score", "frequency_score"],
            ["customer_count:sum", "monetary:sum"],
        )
        self.assertEqual(
            {(r, f): (n, revenue) for r, f, n, revenue in rows},
            {("5", "2"): (1, 1500), ("5", "1"): (1, 50), ("2", "1"): (1, 300)},
            "Dan has no score any more and is not in the grid",
        )
        # A cell opens its customers: the pivot's domain on the same rows.
        self.assertEqual(
            Report.search(
                domain + [("recency_score", "=", "5"), ("frequency_score", "=", "1")]
            ).partner_id,
            self.carl,
        )
        # M2: 1500 is past the first monetary threshold (1000).
        self.assertEqual(self._profile(self.acme).rfm_code, "R5 F2 M2")
        self.acme.invalidate_recordset()  # read before run 2 in this transaction
        self.assertEqual(self.acme.customer_rfm_code, "R5 F2 M2", "on the customer")

    def test_salesperson_sees_own_rows_only(self):
        other = self._customer("Other's", user=self.sales_manager)
        self._order(other, 100, "2026-03-20 09:00:00")
        self._two_runs()
        self.env.flush_all()
        seen = (
            self.env["customer.segment.report"]
            .with_user(self.salesperson)
            .search([("company_id", "=", self.company.id)])
            .partner_id
        )
        self.assertIn(self.acme, seen)
        self.assertNotIn(other, seen)

    def test_pareto_points(self):
        revenues = [1000, 500, 200, 100, 80, 50, 40, 20, 7, 3]  # total 2000
        for i, amount in enumerate(revenues):
            self._order(self._customer(f"P{i}"), amount, "2026-03-10 09:00:00")
        self._run()
        points = self.env["customer.pareto.report"].search(
            [("company_id", "=", self.company.id)], order="customer_share"
        )
        # By hand: 1000/2000 = 50 %, (1000 + 500)/2000 = 75 %, ...
        expected = [0, 50, 75, 85, 90, 94, 96.5, 98.5, 99.5, 99.85, 100]
        self.assertEqual(
            points.mapped("customer_share"), [f"p{s:03d}" for s in range(0, 101, 10)]
        )
        for point, share in zip(points, expected, strict=True):
            self.assertAlmostEqual(point.revenue_share, share, places=6)
        self.assertEqual(points.mapped("customer_count"), list(range(11)))
        self.assertEqual(
            points._fields["customer_share"].string, "Share of customers (best first)"
        )

    def test_lifetime_value_explained(self):
        self._order(self.acme, 1000, "2026-03-10 09:00:00")
        self._run()
        profile = self._profile(self.acme)
        self.assertFalse(profile.lifetime_value_reason, "no prediction, no text")
        profile.write(
            {
                "probability_alive": 2.0,
                "expected_purchases": 0.01,
                "expected_order_value": 90.0,
                "lifetime_value": 0.9,
                # 791 days (26 months) before the run's day
                "last_order_date": profile.run_date - datetime.timedelta(days=791),
                "frequency": 40,
            }
        )
        self.assertEqual(
            profile.lifetime_value_reason,
            "Probably inactive (P(alive) 2 %): last order 26 months ago after 40 "
            "orders in the window → expected 0.01 orders in the next 12 months × "
            "$\N{NO-BREAK SPACE}90.00 per order, discounted at 10 % a year = "
            "$\N{NO-BREAK SPACE}0.90",
        )
        # A figure too small for its rounding is not shown as 0.
        profile.write({"probability_alive": 0.0013, "expected_purchases": 0.00001})
        self.assertTrue(
            profile.lifetime_value_reason.startswith(
                "Probably inactive (P(alive) < 1 %)"
            )
        )
        self.assertIn("expected < 0.01 orders", profile.lifetime_value_reason)
        self.acme.invalidate_recordset()
        self.assertEqual(
            self.acme.customer_lifetime_value_reason,
            profile.lifetime_value_reason,
            "the customer's form says the same",
        )
        profile.write(
            {
                "probability_alive": 85.0,
                "last_order_date": profile.run_date - datetime.timedelta(days=12),
            }
        )
        self.assertTrue(
            profile.lifetime_value_reason.startswith(
                "Probably active (P(alive) 85 %): last order 12 days ago"
            )
        )

    def test_run_shows_the_model_in_words(self):
        run = self._run()
        run.write(
            {
                "clv_r": 0.25,
                "clv_alpha": 4.0,
                "clv_a": 0.8,
                "clv_b": 2.4,
                "clv_p": 6.0,
                "clv_q": 4.0,
                "clv_gamma": 15.0,
                "clv_alive_share": 40.0,
            }
        )
        # 0.25 / 4 purchases a week * 365.25 / 7 = 3.26 a year; 0.8 / 3.2 = 25 %;
        # 6 * 15 / 3 = 30.
        summary = str(run.clv_summary)
        self.assertIn("buys 3.3 times a year", summary)
        self.assertIn("a chance of 25.0 % on average", summary)
        self.assertIn("worth $\N{NO-BREAK SPACE}30.00 on average", summary)
        self.assertIn("40 % of the customers are probably still active", summary)

    def test_bulk_activity_and_email_to_selected_customers(self):
        self._two_runs()
        self.acme.email, self.bolt.email = "acme@example.com", "bolt@example.com"
        # Activities and e-mails go on the customers: editing contacts, as Odoo gives
        # every internal user by default.
        self.salesperson.groups_id |= self.env.ref("base.group_partner_manager")
        profiles = (self._profile(self.acme) | self._profile(self.bolt)).with_user(
            self.salesperson
        )
        action = profiles.action_schedule_activity()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.salesperson)
            .with_context(**action["context"])
        )
        wizard.summary = "Call about the spring offer"
        wizard.save().action_schedule_activities()
        activities = self.env["mail.activity"].search(
            [("summary", "=", "Call about the spring offer")]
        )
        self.assertEqual(set(activities.mapped("res_id")), {self.acme.id, self.bolt.id})
        self.assertEqual(set(activities.mapped("res_model")), {"res.partner"})

        action = profiles.action_send_email()
        composer = (
            self.env[action["res_model"]]
            .with_user(self.salesperson)
            .with_context(**action["context"])
            .create({"subject": "Spring offer", "body": "<p>Hello</p>"})
        )
        self.assertEqual(composer.composition_mode, "mass_mail")
        composer.action_send_mail()
        mails = self.env["mail.mail"].sudo().search([("subject", "=", "Spring offer")])
        self.assertEqual(
            set(mails.mapped("res_id")), {self.acme.id, self.bolt.id}, "one e-mail each"
        )

    def test_settings_in_percent(self):
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        tree = etree.fromstring(arch)
        for name in (
            "customer_strategic_cut",
            "customer_key_cut",
            "customer_clv_discount_rate",
        ):
            (field,) = tree.xpath(f"//field[@name='{name}']")
            self.assertEqual(field.get("widget"), "percentage", name)
        # Stored as fractions: 80 % is 0.8; errors speak in percent.
        self.assertEqual(self.company.customer_strategic_cut, 0.8)
        with self.assertRaisesRegex(ValidationError, r"strategic \(96 %\)"):
            self.company.customer_strategic_cut = 0.96
