import random
import re

from freezegun import freeze_time
from lxml import etree

from odoo.tests import tagged
from odoo.tools import SQL, format_amount

from .. import engine
from ..engine import PREDICTION_COLUMNS
from ..lib.engine import POSITION_COLUMNS, PROFILE_COLUMNS, WRITE_COLUMNS
from .common import RUN_DAY, SegmentationCase


@tagged("post_install", "-at_install")
class TestPredictions(SegmentationCase):
    """Lifetime value, clusters and cross-sell, from orders made through Odoo's
    flows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.customer_crosssell_min_customers = 3
        cls.widget_b, cls.widget_c = cls.env["product.product"].create(
            [
                {"name": "Widget B", "type": "consu", "taxes_id": [(5, 0, 0)]},
                {"name": "Widget C", "type": "consu", "taxes_id": [(5, 0, 0)]},
            ]
        )

    def _history(self, customers=30, seed=7):
        """Customers with one to six orders over 2024-2026, some lapsed."""
        rng = random.Random(seed)
        partners = self.env["res.partner"]
        for i in range(customers):
            partner = self._customer(f"Customer {i}")
            partners |= partner
            first = rng.randint(0, 400)
            for k in range(rng.choice([1, 1, 2, 3, 4, 6])):
                day = min(first + k * rng.randint(20, 90), 700)
                self._order(
                    partner, rng.choice([100, 200, 400]), f"{self._day(day)} 09:00:00"
                )
        return partners

    @staticmethod
    def _day(offset):
        import datetime  # noqa: PLC0415

        return (datetime.date(2024, 5, 1) + datetime.timedelta(days=offset)).isoformat()

    def test_lifetime_value_and_clusters_stored_after_a_run(self):
        self._history()
        run = self._run()
        self.assertFalse(run.clv_note)
        self.assertIn("r = ", run.clv_parameters)
        self.assertIn("Decile of predicted purchases", run.holdout_report)
        profiles = self.env["customer.profile"].search(
            [("company_id", "=", self.company.id), ("frequency", ">", 0)]
        )
        self.assertGreaterEqual(len(profiles), 30)
        for profile in profiles:
            self.assertTrue(
                0 < profile.probability_alive <= 100, profile.partner_id.name
            )
            self.assertGreaterEqual(profile.expected_purchases, 0)
        repeaters = profiles.filtered(lambda p: p.frequency > 1)
        self.assertTrue(all(p.lifetime_value > 0 for p in repeaters))
        # A customer who bought often and lately is more likely alive than one who
        # stopped long ago.
        best = max(repeaters, key=lambda p: (p.frequency, -p.recency_days))
        lapsed = max(repeaters, key=lambda p: p.recency_days)
        self.assertGreater(best.probability_alive, lapsed.probability_alive)
        self.assertGreaterEqual(run.cluster_count, 2)
        self.assertTrue(all(profiles.mapped("cluster_description")))

    def test_run_states_its_model_and_clusters_in_words(self):
        self._history()
        run = self._run()
        # The numbers behind the words are the fitted ones.
        shown = dict(re.findall(r"(\w+) = ([-\d.e+]+)", run.clv_parameters))
        for name in ("r", "alpha", "a", "b", "p", "q", "gamma"):
            self.assertAlmostEqual(
                run[f"clv_{name}"] / float(shown[name]), 1, places=4, msg=name
            )
        self.assertIn("times a year", run.clv_summary)
        profiles = self.env["customer.profile"].search(
            [("company_id", "=", self.company.id), ("frequency", ">", 0)]
        )
        self.assertAlmostEqual(
            run.clv_alive_share,
            sum(profiles.mapped("probability_alive")) / len(profiles),
            places=1,
        )
        # One row per cluster: its description, size and revenue, as on the profiles.
        rows = etree.fromstring(str(run.cluster_report)).xpath("//tbody/tr")
        self.assertEqual(len(rows), run.cluster_count)
        by_cluster = {}
        for profile in profiles:
            size, revenue = by_cluster.get(profile.cluster_description, (0, 0.0))
            by_cluster[profile.cluster_description] = (
                size + 1,
                revenue + profile.monetary,
            )
        self.assertEqual(len(by_cluster), run.cluster_count, "names never repeat")
        for row in rows:
            name, size, revenue, _typical = (cell.text for cell in row)
            self.assertEqual(int(size), by_cluster[name][0], name)
            self.assertEqual(
                revenue,
                format_amount(self.env, by_cluster[name][1], self.company.currency_id),
            )

    def test_holdout_report_follows_the_reader(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self._history()
        run = self._run().with_context(lang="zh_CN")
        self.assertIn("预测购买量十分位", run.holdout_report)
        self.assertNotIn("Decile", run.holdout_report)
        english = run.with_context(lang="en_US").holdout_report
        self.assertIn("Decile of predicted purchases", english)
        self.assertIn("Fitted on orders up to", english)
        # The clusters table too.
        self.assertIn("典型客户（中位数）", run.cluster_report)
        self.assertIn("笔订单", run.cluster_report)
        self.assertIn(
            "Typical customer (median)", run.with_context(lang="en_US").cluster_report
        )

    def test_not_enough_data_invents_nothing(self):
        self._order(self.acme, 100, "2026-03-05 09:00:00")
        self._order(self.bolt, 100, "2026-03-06 09:00:00")
        run = self._run()
        self.assertIn("No lifetime value", run.clv_note)
        self.assertIn("No clusters", run.cluster_note)
        profile = self.env["customer.profile"].search(
            [("partner_id", "=", self.acme.id)]
        )
        self.assertFalse(profile.lifetime_value)
        self.assertFalse(profile.probability_alive)
        self.assertFalse(profile.cluster_description)

    def _crosssell_history(self):
        """One segment (one recent order each): six buy Widget + B, five buy C, and Acme
        only Widget."""
        for i in range(6):
            order = self._order(
                self._customer(f"Pair {i}"), 100, "2026-03-20 09:00:00", confirm=False
            )
            order.order_line = [
                (
                    0,
                    0,
                    {
                        "product_id": self.widget_b.id,
                        "product_uom_qty": 1,
                        "price_unit": 50,
                    },
                )
            ]
            self._confirm(order, "2026-03-20 09:00:00")
        for i in range(5):
            order = self._order(
                self._customer(f"Other {i}"), 0, "2026-03-20 09:00:00", confirm=False
            )
            order.order_line = [
                (5, 0, 0),
                (
                    0,
                    0,
                    {
                        "product_id": self.widget_c.id,
                        "product_uom_qty": 1,
                        "price_unit": 100,
                    },
                ),
            ]
            self._confirm(order, "2026-03-20 09:00:00")
        self._order(self.acme, 100, "2026-03-20 09:00:00")

    def test_suggestions_exclude_products_already_bought(self):
        self._crosssell_history()
        run = self._run()
        self.assertGreater(run.crosssell_rule_count, 0)
        profile = self.env["customer.profile"].search(
            [("partner_id", "=", self.acme.id)]
        )
        suggestion = profile.crosssell_ids
        self.assertEqual(suggestion.product_id, self.widget_b)
        self.assertNotIn(self.product, profile.crosssell_ids.product_id)
        # 6 of the 7 customers of the segment who buy Widget also buy B; B is bought by
        # 6 of 12.
        self.assertEqual(
            suggestion.reason,
            f"bought by 86% of {profile.segment_id.name} who buy Widget (lift 1.7)",
        )
        buyer_of_both = self.env["customer.profile"].search(
            [("partner_id.name", "=", "Pair 0")]
        )
        self.assertNotIn(self.widget_b, buyer_of_both.crosssell_ids.product_id)

    def test_suggestion_added_to_quotation(self):
        self._crosssell_history()
        self._run()
        quotation = (
            self.env["sale.order"]
            .with_user(self.salesperson)
            .create({"partner_id": self.acme.id, "company_id": self.company.id})
        )
        suggestion = quotation.customer_crosssell_ids
        self.assertEqual(suggestion.product_id, self.widget_b)
        suggestion.with_context(crosssell_order_id=quotation.id).action_add_to_order()
        self.assertEqual(quotation.order_line.product_id, self.widget_b)
        quotation.invalidate_recordset()
        self.assertFalse(
            quotation.customer_crosssell_ids,
            "a product on the quotation is not suggested again",
        )

    def _company_row_versions(self):
        """xmin of every profile and cross-sell rule of the company: changes on any
        write."""
        models = ("customer.profile", "customer.crosssell.rule")
        return {
            self.env[model]._table: self._row_versions(
                self.env[model].search([("company_id", "=", self.company.id)])
            )
            for model in models
        }

    def test_rerun_without_new_orders_writes_nothing_and_new_order_updates_suggestions(
        self,
    ):
        self._history()
        self._crosssell_history()
        run = self._run()
        before = self._company_row_versions()
        self.assertTrue(before["customer_crosssell_rule"])
        self.env.invalidate_all()
        self.assertEqual(self._run(), run, "the same day's run is reused")
        self.assertEqual(
            self._company_row_versions(),
            before,
            "nothing rewritten when nothing changed",
        )
        # Acme now buys B: its suggestion of B goes, the other rows stay as they were.
        acme_profile = self._profile(self.acme)
        self.assertIn(self.widget_b, acme_profile.crosssell_ids.product_id)
        order = self._order(self.acme, 0, "2026-03-25 09:00:00", confirm=False)
        order.order_line = [
            (5, 0, 0),
            (
                0,
                0,
                {
                    "product_id": self.widget_b.id,
                    "product_uom_qty": 1,
                    "price_unit": 50,
                },
            ),
        ]
        self._confirm(order, "2026-03-25 09:00:00")
        self._run()
        acme_profile.invalidate_recordset()
        self.assertNotIn(self.widget_b, acme_profile.crosssell_ids.product_id)
        after = self._company_row_versions()
        unchanged = [
            i
            for i, v in before["customer_crosssell_rule"].items()
            if after["customer_crosssell_rule"].get(i) == v
        ]
        self.assertTrue(
            unchanged, "rules whose figures did not move are kept, not re-inserted"
        )

    def _stored_figures(self):
        """Every stored figure of the company's profiles, and its cross-sell pairs."""
        self.env.flush_all()
        columns = [*PROFILE_COLUMNS, *PREDICTION_COLUMNS]
        self.env.cr.execute(
            SQL(
                "SELECT partner_id, %s FROM customer_profile WHERE company_id = %s",
                SQL(", ").join(SQL.identifier(c) for c in columns),
                self.company.id,
            )
        )
        profiles = {
            row[0]: dict(zip(columns, row[1:], strict=True))
            for row in self.env.cr.fetchall()
        }
        self.env.cr.execute(
            "SELECT segment_id, product_a_id, product_b_id, segment_customers, "
            "customers_a, customers_ab, support, confidence, lift FROM "
            "customer_crosssell_rule WHERE company_id = %s ORDER BY 1, 2, 3",
            [self.company.id],
        )
        return profiles, self.env.cr.fetchall()

    def test_nights_between_refits_write_only_the_changed_customers(self):
        """Six nights after the models were fitted (they are refitted every 7), one
        customer orders again: only the profiles whose figures changed are
        rewritten, with what a full recompute gives them; the others keep theirs,
        and their predictions are those of the fit day (a day older, every
        customer's predictions move a little: rewriting them every night rewrote
        the customer base)."""
        self._history()
        self._crosssell_history()
        top = self._customer("Top")
        for day in range(1, 31, 5):  # six large orders in March: rank 1
            self._order(top, 5000, f"2026-03-{day:02d} 09:00:00")
        first = self._run()
        self.assertEqual(first.model_fit_date, first.date, "the first run fits")
        fit_day, _rules = self._stored_figures()
        before = self._company_row_versions()
        self.env.invalidate_all()
        # Six days later, one more order of the same product by the first customer.
        self._order(top, 100, "2026-04-07 09:00:00")
        # (a row written in a savepoint gets a new xmin)
        with self.env.cr.savepoint():
            second = self._run("2026-04-07 10:00:00")
        self.assertNotEqual(second, first)
        self.assertEqual(second.model_fit_date, first.date, "no refit before 7 days")
        self.assertEqual(second.clv_alive_share, first.clv_alive_share)
        after = self._company_row_versions()
        rewritten = {
            i
            for i, v in after["customer_profile"].items()
            if before["customer_profile"].get(i) != v
        }
        self.assertEqual(self._profile(top).recency_days, 0)
        self.assertEqual(
            self._profile(self.acme).recency_days, 18, "derived from the run's day"
        )
        # What a run that recomputes and rewrites everything gives.
        profiles, _rules = self._stored_figures()
        engine.run(
            self.env["customer.segmentation.run"].sudo().env,
            self.company,
            second.date,
            force=True,
            refit=False,
        )
        full, _rules = self._stored_figures()
        self.assertEqual(profiles.keys(), full.keys())
        figures = [c for c in PROFILE_COLUMNS if c not in WRITE_COLUMNS]
        changed = {
            partner
            for partner, values in full.items()
            if any(
                values[c] != fit_day[partner][c]
                for c in figures
                if c not in POSITION_COLUMNS
            )
        }
        self.assertIn(top.id, changed)
        self.assertEqual(
            rewritten,
            set(
                self.env["customer.profile"]
                .search(
                    [
                        ("company_id", "=", self.company.id),
                        ("partner_id", "in", list(changed)),
                    ]
                )
                .ids
            ),
            "only the customers whose figures changed are rewritten",
        )
        drifted = set()
        for partner, values in full.items():
            for column, value in values.items():
                kept = profiles[partner][column]
                if column in PREDICTION_COLUMNS and partner not in changed:
                    self.assertEqual(
                        kept,
                        fit_day[partner][column],
                        f"{column} of partner {partner}, as on the fit day",
                    )
                    if isinstance(value, float) and abs(
                        (kept or 0.0) - value
                    ) > 0.01 * max(abs(value), 1.0):
                        drifted.add(partner)
                elif column in POSITION_COLUMNS or (
                    column in PREDICTION_COLUMNS and isinstance(value, float)
                ):
                    self.assertAlmostEqual(
                        kept or 0.0,
                        value or 0.0,
                        delta=0.01 * max(abs(value or 0.0), 1.0),
                        msg=f"{column} of partner {partner}",
                    )
                elif column not in WRITE_COLUMNS:
                    self.assertEqual(kept, value, f"{column} of partner {partner}")
        # (what a nightly rewrite beyond the tolerance would have written)
        self.assertTrue(drifted, "six days move some predictions beyond 1 %")

    def test_crosssell_pairs_recomputed_when_a_segment_moves_or_settings_change(self):
        self._history()
        self._crosssell_history()
        first = self._run()
        self.env.invalidate_all()
        second = self._run("2026-04-02 10:00:00")
        self.assertFalse(second.snapshot_ids)
        self.assertEqual(second.crosssell_date, first.date, "kept: nobody moved")
        # A pair buyer orders five more times: it moves to another segment, more
        # than 1 % of its segment.
        pair = self.env["res.partner"].search([("name", "=", "Pair 0")])
        for hour in range(9, 14):
            self._order(pair, 400, f"2026-04-02 {hour:02d}:00:00")
        third = self._run("2026-04-03 10:00:00")
        self.assertTrue(third.snapshot_ids.filtered(lambda s: s.partner_id == pair))
        self.assertEqual(third.model_fit_date, first.date, "no refit")
        self.assertEqual(third.crosssell_date, third.date, "recomputed")
        fourth = self._run("2026-04-04 10:00:00")
        self.assertEqual(fourth.crosssell_date, third.date)
        # New settings: the pairs are recomputed with them.
        self.company.customer_crosssell_top_n += 1
        fifth = self._run("2026-04-05 10:00:00")
        self.assertEqual(fifth.crosssell_date, fifth.date)

    def _rules(self):
        """The company's stored pairs: (segment, A, B) -> (id, lift)."""
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT segment_id, product_a_id, product_b_id, id, lift "
            "FROM customer_crosssell_rule WHERE company_id = %s",
            [self.company.id],
        )
        return {row[:3]: row[3:] for row in self.env.cr.fetchall()}

    def test_crosssell_recomputed_for_one_segment_keeps_the_others_pairs(self):
        self._history()
        self._crosssell_history()
        run = self._run()
        computed = self._rules()
        pair_segment = self._profile(
            self.env["res.partner"].search([("name", "=", "Pair 0")])
        ).segment_id
        other = self.env["customer.segment"].search(
            [("company_id", "=", self.company.id), ("id", "!=", pair_segment.id)],
            limit=1,
        )
        self.assertTrue(computed and other)
        self.assertEqual({key[0] for key in computed}, {pair_segment.id})
        # Stored rows as a run would not leave them: a pair of the segment altered,
        # one of it made up, and one made up in another segment.
        key = next(iter(computed))
        self.env.cr.execute(
            "UPDATE customer_crosssell_rule SET lift = 99 WHERE id = %s",
            [computed[key][0]],
        )
        Rule = self.env["customer.crosssell.rule"]
        made_up = {"company_id": self.company.id, "lift": 5, "confidence": 0.5}
        mine, theirs = Rule.create(
            [
                {
                    **made_up,
                    "segment_id": pair_segment.id,
                    "product_a_id": self.widget_c.id,
                    "product_b_id": self.widget_b.id,
                },
                {
                    **made_up,
                    "segment_id": other.id,
                    "product_a_id": self.widget_b.id,
                    "product_b_id": self.widget_c.id,
                },
            ]
        )
        with freeze_time(RUN_DAY):
            engine._crosssell_rules(
                run,
                self.company,
                self.company._customer_period(run.date),
                {pair_segment.id},
            )
        after = self._rules()
        self.assertEqual(
            after.pop((other.id, self.widget_b.id, self.widget_c.id)),
            (theirs.id, 5.0),
            "another segment's pairs are kept as stored",
        )
        self.assertEqual(after, computed, "the segment's pairs, in the same rows")
        self.assertFalse(mine.exists())
        self.assertEqual(run.crosssell_rule_count, len(computed) + 1)
        self.assertEqual(
            run.prediction_notes["crosssell_segments"][str(pair_segment.id)],
            str(run.date),
        )
        # Recomputing every segment removes the other segment's made-up pair.
        with freeze_time(RUN_DAY):
            engine._crosssell_rules(
                run, self.company, self.company._customer_period(run.date)
            )
        self.assertEqual(self._rules(), computed)

    def test_crosssell_recomputed_only_for_segments_that_moved(self):
        self._history()
        self._crosssell_history()
        first = self._run()
        segments = set(first.prediction_notes["crosssell_segments"])
        self.assertEqual(
            segments,
            {
                str(s)
                for s in self.env["customer.profile"]
                .search([("company_id", "=", self.company.id)])
                .segment_id.ids
            },
        )
        pair = self.env["res.partner"].search([("name", "=", "Pair 0")])
        for hour in range(9, 14):
            self._order(pair, 400, f"2026-04-02 {hour:02d}:00:00")
        second = self._run("2026-04-02 10:00:00")
        self.assertEqual(second.model_fit_date, first.date, "no refit")
        moved = {
            str(s.id)
            for s in second.snapshot_ids.from_segment_id
            | second.snapshot_ids.segment_id
        }
        self.assertIn(str(self._profile(pair).segment_id.id), moved)
        days = second.prediction_notes["crosssell_segments"]
        self.assertEqual(second.crosssell_date, second.date)
        self.assertEqual(
            {s for s, day in days.items() if day == str(second.date)}, moved
        )
        self.assertTrue(segments - moved, "some segments nobody left or joined")
        self.assertEqual(
            {s for s, day in days.items() if day == str(first.date)}, segments - moved
        )
