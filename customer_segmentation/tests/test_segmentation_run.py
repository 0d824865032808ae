import datetime

import numpy as np
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import SQL

from ..engine import _read_rows, _stage_rows
from .common import RUN_DAY, SegmentationCase


@tagged("post_install", "-at_install")
class TestSegmentationRun(SegmentationCase):
    """Orders and invoices made through Odoo's flows; figures checked by hand."""

    def test_figures_currency_cancelled_and_credit_notes(self):
        self._order(self.acme_contact, 1000, "2026-01-10 09:00:00")
        self._order(
            self.acme, 400, "2026-03-05 09:00:00", pricelist=self.eur_pricelist
        )  # 200 USD at 2 EUR/USD
        self._order(self.acme, 5000, "2026-03-06 09:00:00")._action_cancel()
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.acme.id,
                "invoice_date": "2026-03-10",
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "quantity": 1,
                            "price_unit": 100,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        refund.action_post()
        self._order(self.bolt, 300, "2026-02-01 09:00:00")
        run = self._run()
        acme = self._profile(self.acme)
        self.assertEqual(acme.frequency, 2)
        self.assertAlmostEqual(acme.monetary, 1000 + 200 - 100)
        self.assertAlmostEqual(acme.average_order_value, 550)
        self.assertEqual(acme.last_order_date, datetime.date(2026, 3, 5))
        self.assertEqual(acme.recency_days, 27)
        # Thresholds: recency 27 < 30 days -> R5; 2 orders -> F2; 1100 -> M2.
        self.assertEqual((acme.r_score, acme.f_score, acme.m_score), (5, 2, 2))
        self.assertEqual(acme.segment_id.code, "potential_loyalists")
        # Pareto: Acme holds 1100 / 1400 = 78.6% -> strategic; Bolt is the rest.
        self.assertEqual(acme.tier, "strategic")
        self.assertAlmostEqual(acme.share, 100 * 1100 / 1400, places=3)
        self.assertEqual(acme.rank, 1)
        self.assertEqual(
            acme.tier_reason, "top 80% of revenue: 78.6% of revenue, rank 1"
        )
        self.assertEqual(
            self._profile(self.bolt).tier, "strategic"
        )  # crosses 80%: still strategic
        self.assertEqual(run.customer_count, 2)
        # The partner form and its filters see the same, for the company and its
        # contacts.
        self.assertEqual(self.acme_contact.customer_tier, "strategic")
        found = self.env["res.partner"].search(
            [
                ("customer_tier", "=", "strategic"),
                ("id", "in", (self.acme | self.acme_contact).ids),
            ]
        )
        self.assertEqual(found, self.acme | self.acme_contact)

    def test_payment_behaviour(self):
        journal = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company.id)], limit=1
        )
        self.assertTrue(journal, "the test needs a bank journal")
        invoices = self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": self.acme.id,
                    "invoice_date": day,
                    "invoice_date_due": day,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "quantity": 1,
                                "price_unit": 100,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
                for day in ("2026-02-01", "2026-03-01", "2026-03-10")
            ]
        )
        invoices.action_post()
        for invoice, paid_on in zip(
            invoices[:2], ("2026-02-11", "2026-02-25"), strict=False
        ):
            self.env["account.payment.register"].with_context(
                active_model="account.move",
                active_ids=invoice.ids,
            ).create(
                {"payment_date": paid_on, "journal_id": journal.id}
            )._create_payments()
        self._order(self.acme, 100, "2026-03-01 09:00:00")
        self._run()
        profile = self._profile(self.acme)
        # Paid 10 days late, 4 days early, and one open 22 days past due on the run day.
        self.assertEqual(profile.invoice_count, 3)
        self.assertAlmostEqual(profile.payment_days, (10 - 4 + 22) / 3, places=2)
        self.assertAlmostEqual(profile.late_share, 200 / 3, places=2)
        self.assertEqual(profile.overdue_count, 1)
        # Five nights later the open invoice is 27 days late: the figure moves, the
        # stored row does not (it grew for every customer with an overdue invoice).
        versions = self._row_versions(profile)
        # (a row written in a savepoint gets a new xmin)
        with self.env.cr.savepoint():
            self._run("2026-04-06 10:00:00")
        self.assertEqual(self._row_versions(profile), versions)
        profile.invalidate_recordset()
        self.assertAlmostEqual(profile.payment_days, (10 - 4 + 27) / 3, places=2)
        # Paid on 3 April, 24 days late: rewritten, no longer overdue.
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoices[2].ids
        ).create(
            {"payment_date": "2026-04-03", "journal_id": journal.id}
        )._create_payments()
        with self.env.cr.savepoint():
            self._run("2026-04-07 10:00:00")
        self.assertNotEqual(self._row_versions(profile), versions)
        profile.invalidate_recordset()
        self.assertEqual(profile.overdue_count, 0)
        self.assertAlmostEqual(profile.payment_days, (10 - 4 + 24) / 3, places=2)
        self.assertAlmostEqual(profile.late_share, 200 / 3, places=2)

    def test_first_run_sets_the_baseline(self):
        self._order(self.acme, 1000, "2026-03-05 09:00:00")
        self._order(self.bolt, 10, "2025-06-05 09:00:00")
        run = self._run()
        self.assertEqual(run.customer_count, 2)
        self.assertEqual(
            (run.changed_count, run.downgrade_count),
            (0, 0),
            "nothing to compare with yet",
        )
        self.assertIn("baseline", run.note)
        self.assertFalse(
            self.env["customer.segment.snapshot"].search_count(
                [("run_id", "=", run.id)]
            )
        )
        acme = self._profile(self.acme)
        self.assertTrue(
            acme.segment_id and acme.tier, "the baseline is in the profiles"
        )
        self.assertFalse(acme.changed_date)
        # A customer who first appears after the baseline is a change: from nothing to a
        # segment.
        carl = self._customer("Carl")
        self._order(carl, 50, "2026-04-01 15:00:00")
        later = self._run("2026-04-02 10:00:00")
        snapshot = self.env["customer.segment.snapshot"].search(
            [("run_id", "=", later.id)]
        )
        self.assertEqual(snapshot.partner_id, carl)
        self.assertFalse(snapshot.from_segment_id)
        # Carl: one order a day before the run -> R5 (1 < 30 days), F1 (1 < 2 orders):
        # New Customers.
        self.assertEqual(snapshot.segment_id.code, "new_customers")
        self.assertEqual(self._profile(carl).segment_id.code, "new_customers")
        self.assertEqual(self._profile(carl).changed_date, datetime.date(2026, 4, 2))
        self.assertNotIn("baseline", later.note or "")

    def test_second_run_same_day_changes_nothing(self):
        self._order(self.acme, 1000, "2025-01-05 09:00:00")
        self._run("2025-10-01 10:00:00")  # baseline: Acme lapsing (R2 F1)
        self._order(self.acme, 1000, "2026-03-05 09:00:00")  # back: R5 F2
        self._order(self.bolt, 10, "2025-11-05 09:00:00")
        first = self._run()
        self.assertEqual(first.changed_count, 2, "Acme moved, Bolt is new")
        profiles = self._profile(self.acme) | self._profile(self.bolt)
        versions = self._row_versions(profiles)
        snapshots = self.env["customer.segment.snapshot"].search([])
        snapshot_versions = self._row_versions(snapshots)
        second = self._run("2026-04-01 18:00:00")
        self.assertEqual(first, second, "one run per company and day")
        self.assertEqual(
            second.changed_count, 2, "the day's run keeps the changes recorded that day"
        )
        self.assertEqual(self._row_versions(profiles), versions, "no profile rewritten")
        self.assertEqual(self.env["customer.segment.snapshot"].search([]), snapshots)
        self.assertEqual(
            self._row_versions(snapshots), snapshot_versions, "no snapshot rewritten"
        )

    def test_downgrade_raises_one_activity(self):
        for day in (
            "2026-01-05",
            "2026-02-05",
            "2026-02-20",
            "2026-03-05",
            "2026-03-25",
        ):
            self._order(self.acme, 500, f"{day} 09:00:00")
        self._run()
        self.assertEqual(self._profile(self.acme).segment_id.code, "champions")  # R5 F4
        # 200 days without orders: R2, F4 -> At Risk.
        run = self._run("2026-10-11 10:00:00")
        profile = self._profile(self.acme)
        self.assertEqual(profile.segment_id.code, "at_risk")
        self.assertTrue(profile.moved_down)
        self.assertEqual(run.downgrade_count, 1)
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.acme.id)]
        )
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.salesperson)
        self.assertEqual(activities.summary, "Champions → At Risk")
        self.assertIn("2,500.00", str(activities.note))
        snapshot = self.env["customer.segment.snapshot"].search(
            [("run_id", "=", run.id), ("partner_id", "=", self.acme.id)]
        )
        self.assertEqual(
            (snapshot.from_segment_id.code, snapshot.segment_id.code),
            ("champions", "at_risk"),
        )
        # Repeating the run, that day or the next, raises nothing new.
        self._run("2026-10-11 20:00:00")
        self._run("2026-10-12 10:00:00")
        self.assertEqual(
            self.env["mail.activity"].search_count(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.acme.id)]
            ),
            1,
        )

    def test_tier_drops_only_after_hysteresis_runs(self):
        self._order(self.acme, 1000, "2026-03-05 09:00:00")
        self._order(self.bolt, 100, "2026-03-05 09:00:00")
        self._run()
        # Acme holds 1000 / 1100: Bolt comes after 90.9% of revenue -> key.
        self.assertEqual(self._profile(self.bolt).tier, "key")
        self._order(
            self.bolt, 1, "2026-04-01 11:00:00"
        )  # a new, larger customer pushes Bolt down
        big = self._customer("Big")
        self._order(big, 20000, "2026-04-01 11:00:00")
        self._run("2026-04-02 10:00:00")
        bolt = self._profile(self.bolt)
        self.assertEqual(bolt.tier_computed, "ordinary")  # after 99.5% of revenue
        self.assertEqual(bolt.tier, "key", "first run below: kept")
        self.assertIn("kept for now", bolt.tier_reason)
        self._run("2026-04-02 16:00:00")
        self.assertEqual(
            bolt.tier, "key", "a second run the same day is not a second run below"
        )
        self._run("2026-04-03 10:00:00")
        self.assertEqual(bolt.tier, "ordinary")

    def test_pin_overrides_tier_until_it_expires(self):
        self._order(self.acme, 1000, "2026-03-05 09:00:00")
        self._order(self.bolt, 10, "2026-03-05 09:00:00")
        big = self._customer("Big")
        self._order(big, 100000, "2026-03-05 09:00:00")
        self._run()
        profile = self._profile(self.bolt)
        self.assertEqual(profile.tier, "ordinary")
        with self.assertRaises(ValidationError):
            profile.pin_tier = "strategic"  # a pin needs a reason
        with freeze_time(RUN_DAY):
            profile.write(
                {
                    "pin_tier": "strategic",
                    "pin_reason": "Framework contract",
                    "pin_expiry": "2026-05-01",
                }
            )
        self.assertEqual(profile.tier, "strategic")
        note = self.bolt.message_ids[:1]
        self.assertEqual(note.author_id, self.env.user.partner_id)
        self.assertIn(
            "Tier pinned to Strategic in Segmentation Co until 05/01/2026: Framework "
            "contract",
            str(note.body),
        )
        self._run("2026-04-20 10:00:00")
        self.assertEqual(profile.tier, "strategic")
        with freeze_time("2026-04-20 10:00:00"):
            profile.invalidate_recordset(["tier_reason"])
            self.assertEqual(profile.tier_reason, "pinned: Framework contract")
        self._run("2026-05-02 10:00:00")
        self.assertEqual(profile.tier, "ordinary", "the pin expired")

    def test_quotation_defaults_per_tier(self):
        self._order(self.acme, 1000, "2026-03-05 09:00:00")
        self._run()
        term = self.env["account.payment.term"].create(
            {"name": "60 days", "company_id": self.company.id}
        )
        vip_list = self.env["product.pricelist"].create(
            {"name": "VIP", "company_id": self.company.id}
        )
        self.env["customer.tier.service"].create(
            {
                "tier": "strategic",
                "pricelist_id": vip_list.id,
                "payment_term_id": term.id,
                "service_note": "Call back within 4 hours.",
            }
        )
        with Form(
            self.env["sale.order"]
            .with_user(self.salesperson)
            .with_company(self.company)
        ) as quotation:
            quotation.partner_id = self.acme_contact
            self.assertEqual(quotation.pricelist_id, vip_list)
            self.assertEqual(quotation.payment_term_id, term)
            self.assertEqual(
                quotation.customer_service_note, "Call back within 4 hours."
            )
            self.assertEqual(quotation.customer_tier, "strategic")
            quotation.pricelist_id = self.usd_pricelist  # the salesperson may change it
        self.assertEqual(quotation.record.pricelist_id, self.usd_pricelist)
        # A customer without a tier keeps Odoo's defaults.
        order = self.env["sale.order"].create(
            {"partner_id": self.bolt.id, "company_id": self.company.id}
        )
        self.assertNotEqual(order.pricelist_id, vip_list)

    def test_bad_settings_refused(self):
        for values in (
            {"customer_strategic_cut": 0.9, "customer_key_cut": 0.8},
            {"customer_window_months": -1},
            {"customer_tier_hysteresis": 0},
            {"customer_recency_thresholds": "30, 20, 100, 200"},
            {"customer_monetary_thresholds": "10, 20, abc, 40"},
        ):
            with self.assertRaises(ValidationError):
                self.company.write(values)
        with self.assertRaises(ValidationError) as cm:
            self.company.customer_frequency_thresholds = "1, 2, 3"
        self.assertIn("four increasing", str(cm.exception))

    def test_salesperson_cannot_change_settings(self):
        with self.assertRaises(AccessError):
            self.company.with_user(self.salesperson).customer_window_months = 12
        with self.assertRaises(AccessError):
            self.env["customer.tier.service"].with_user(self.salesperson).create(
                {"tier": "key"}
            )
        self._order(self.acme, 1000, "2026-03-05 09:00:00")
        self._run()
        with self.assertRaises(AccessError):
            self._profile(self.acme).with_user(self.salesperson).write(
                {"pin_tier": "key", "pin_reason": "x"}
            )
        with self.assertRaises(UserError):
            self.env["customer.segmentation.run"].with_user(
                self.salesperson
            ).action_run_now()
        self.env["customer.segmentation.run"].with_user(
            self.sales_manager
        ).action_run_now()

    def test_companies_never_mix(self):
        self._order(self.acme, 1000, "2026-03-05 09:00:00")
        self._run()
        run = self._run(company=self.other_company)
        self.assertEqual(run.customer_count, 0)
        self.assertFalse(self._profile(self.acme, self.other_company))
        as_other = self.env(
            user=self.other_manager,
            context={"allowed_company_ids": self.other_company.ids},
        )
        self.assertFalse(as_other["customer.profile"].search([]))
        with self.assertRaises(AccessError):
            as_other["customer.profile"].browse(self._profile(self.acme).id).read(
                ["monetary"]
            )
        # Change rows belong to the company of their run.
        self._order(self.bolt, 10, "2026-04-01 15:00:00")
        later = self._run("2026-04-02 10:00:00")
        change = self.env["customer.segment.snapshot"].search(
            [("run_id", "=", later.id)]
        )
        self.assertEqual(
            (change.partner_id, change.company_id), (self.bolt, self.company)
        )
        self.assertFalse(as_other["customer.segment.snapshot"].search([]))
        with self.assertRaises(AccessError):
            as_other["customer.segment.snapshot"].browse(change.id).read(["monetary"])
        # The other company got its own default rule table.
        self.assertEqual(
            len(
                self.env["customer.segment.scheme"]
                .search([("company_id", "=", self.other_company.id)])
                .segment_ids
            ),
            10,
        )

    def test_company_without_time_zone_counts_in_utc_whoever_runs(self):
        self.company.partner_id.tz = False
        managers = [
            new_test_user(
                self.env,
                login=f"cs_manager_{tz}",
                groups="sales_team.group_sale_manager",
                company_id=self.company.id,
                company_ids=[self.company.id],
                tz=tz,
            )
            for tz in ("Asia/Shanghai", "America/Los_Angeles")
        ]
        # 04-02 07:30 in Shanghai, 04-01 16:30 in Los Angeles: the run's day is UTC's.
        with freeze_time("2026-04-01 23:30:00"):
            bounds = [
                self.company.with_user(manager)._customer_period()
                for manager in managers
            ]
        self.assertEqual(bounds[0], bounds[1])
        self.assertEqual(
            (bounds[0]["as_of"], bounds[0]["tz"], bounds[0]["end"]),
            (datetime.date(2026, 4, 1), "UTC", datetime.datetime(2026, 4, 2)),
        )


@tagged("post_install", "-at_install")
class TestBulkWriteRows(SegmentationCase):
    """The rows a run writes travel by binary COPY (engine._stage_rows): what
    PostgreSQL reads back is each value in its column's type, NULL by the write's
    rules."""

    def test_every_kind_reads_back_with_its_nulls(self):
        nan = float("nan")
        columns = {
            "an_id": ("m2o", np.array([5, 0, 2**31 - 1])),
            "a_count": ("int4", np.array([3.0, nan, -2.0])),
            "money": ("numeric", np.array([0.1 + 0.2, nan, -1234.5])),
            "share": ("float8", np.array([1e-20, 2.5, nan])),
            "flag": ("bool", np.array([True, None, False], dtype=object)),
            "day": (
                "date",
                np.array([datetime.date(2026, 2, 28), None, ""], dtype=object),
            ),
            "code": (
                "varchar",
                np.array(['say "hi", NULL\\é', "", None], dtype=object),
            ),
        }
        _stage_rows(self.env.cr, "customer_test_rows", columns)
        self.env.cr.execute(
            "SELECT an_id, a_count, money::text, share, flag, day, code, "
            "pg_typeof(an_id)::text, pg_typeof(money)::text, pg_typeof(code)::text "
            "FROM customer_test_rows"
        )
        rows = self.env.cr.fetchall()
        self.assertEqual(
            [row[:3] + row[4:7] for row in rows],
            [
                (
                    5,
                    3,
                    "0.30000000000000004",
                    True,
                    datetime.date(2026, 2, 28),
                    'say "hi", NULL\\é',
                ),
                (None, None, None, None, None, None),
                (2**31 - 1, -2, "-1234.5", False, None, None),
            ],
        )
        self.assertEqual([row[3] for row in rows], [1e-20, 2.5, None])
        self.assertEqual(rows[0][7:], ("integer", "numeric", "character varying"))

    def test_rows_read_back_by_binary_copy_as_fetched(self):
        """engine._read_rows (how a run reads the stored profiles) gives each row as
        fetching it would, NULLs by the read's rules."""
        nan = float("nan")
        kinds = {
            "an_id": "m2o",
            "a_count": "int4",
            "money": "numeric",
            "share": "float8",
            "flag": "bool",
            "day": "date",
            "code": "varchar",
            "pin": "varchar",
        }
        _stage_rows(
            self.env.cr,
            "customer_test_rows",
            {
                "an_id": ("m2o", np.array([5, 0, 2**31 - 1, 7])),
                "a_count": ("int4", np.array([3.0, nan, -2.0, 0.0])),
                "money": ("numeric", np.array([0.1 + 0.2, nan, -1234.5, 1e15])),
                "share": ("float8", np.array([1e-20, 2.5, nan, -0.0])),
                "flag": ("bool", np.array([True, None, False, True], dtype=object)),
                "day": (
                    "date",
                    np.array(
                        [
                            datetime.date(2026, 2, 28),
                            None,
                            "",
                            datetime.date(1969, 1, 1),
                        ],
                        dtype=object,
                    ),
                ),
                "code": (
                    "varchar",
                    np.array(['say "hi", NULL\\é', None, "b", "b"], dtype=object),
                ),
                "pin": ("varchar", np.array([None, "key", None, "x"], dtype=object)),
            },
        )
        query = SQL(
            "SELECT %s FROM customer_test_rows ORDER BY an_id NULLS FIRST",
            SQL(", ").join(SQL.identifier(name) for name in kinds),
        )
        read = _read_rows(self.env, query, kinds, {"pin": ""})
        self.env.cr.execute(query)
        fetched = self.env.cr.fetchall()
        for k, (name, kind) in enumerate(kinds.items()):
            null = {"m2o": 0, "int4": 0, "bool": False}.get(kind)
            if name == "pin":
                null = ""
            expected = [null if row[k] is None else row[k] for row in fetched]
            got = read[name].tolist()
            if kind in ("numeric", "float8"):
                expected = [nan if v is None else float(v) for v in expected]
                np.testing.assert_array_equal(got, expected, err_msg=name)
            else:
                self.assertEqual(got, expected, name)
        self.assertEqual(read["money"][1], 0.30000000000000004)
        self.assertEqual(read["code"].tolist()[3], "b")
