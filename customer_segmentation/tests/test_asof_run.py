import datetime
import importlib.util
import random
import re
from pathlib import Path

import numpy as np

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import SegmentationCase

D = datetime.date
AS_OF = D(2026, 3, 31)
CALIBRATION_END = D(2025, 12, 31)  # 31 March minus 3 holdout months, inclusive


def _clv():
    """The lib's model code, for fits of the summaries this test computes by itself."""
    path = Path(__file__).resolve().parents[1] / "lib" / "clv.py"
    spec = importlib.util.spec_from_file_location(
        "customer_segmentation_test_clv", path
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def plan_history(seed=13, customers=50):
    """BG/NBD-like customers (rates ~ Gamma(0.8, 20 weeks), dropout ~ Beta(1, 3)) whose
    first purchase is in April 2024 - March 2025, before a 12-month window ending on 31
    March 2026, with orders until the end of May 2026 (after the as-of date). Local days
    and amounts."""
    rng = random.Random(seed)
    plans = []
    for _i in range(customers):
        day = D(2024, 4, 1) + datetime.timedelta(days=rng.randint(0, 360))
        rate, drop = rng.gammavariate(0.8, 1 / 20) / 7, rng.betavariate(1, 3)
        scale = rng.gammavariate(4, 1 / 75)  # mean order about 6 * 75 / 3 = 150
        orders = [(day, round(rng.gammavariate(6, 1 / scale)))]
        while rng.random() > drop:
            day += datetime.timedelta(days=1 + min(int(rng.expovariate(rate)), 2000))
            if day > D(2026, 5, 31):
                break
            orders.append((day, round(rng.gammavariate(6, 1 / scale))))
        plans.append(orders)
    return plans


def summarize(histories, until):
    """Hardie's CDNOW definitions, per customer with a purchase by ``until``: purchases
    of one day are one transaction; x = repeat days, t_x = (last - first day) / 7, T =
    (until - first day) / 7, m = mean of the repeat transactions (first excluded,
    same-day amounts summed)."""
    x, t_x, T, m = [], [], [], []
    for orders in histories:
        days = {}
        for day, amount in orders:
            if day <= until:
                days[day] = days.get(day, 0.0) + amount
        if not days:
            continue
        ordered = sorted(days)
        x.append(len(ordered) - 1)
        t_x.append((ordered[-1] - ordered[0]).days / 7)
        T.append((until - ordered[0]).days / 7)
        m.append(sum(days[d] for d in ordered[1:]) / max(len(ordered) - 1, 1))
    return tuple(np.array(v, dtype=float) for v in (x, t_x, T, m))


def stored_parameters(text):
    return {
        name: float(value)
        for name, value in re.findall(r"(\w+) = ([-+\d.e]+)", text or "")
    }


class AucklandCase(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = (
            "Pacific/Auckland"  # UTC+13 in summer, +12 in winter
        )
        cls.company.write({"customer_window_months": 12, "customer_holdout_months": 3})

    @classmethod
    def _order_at(cls, partner, amount, utc, product):
        """An order of one ``product`` confirmed at ``utc``."""
        order = cls._order(partner, amount, utc, confirm=False)
        order.order_line.product_id = product
        cls._confirm(order, utc)
        return order

    def _run_as_of(self, as_of):
        return self.env["customer.segmentation.run"]._run_company(
            self.company, as_of=as_of
        )


@tagged("post_install", "-at_install")
class TestAsOfRun(AucklandCase):
    """A run as of a past date, lifetime value on the full history and the holdout
    split, on orders, invoices, payments and credit notes made through Odoo's flows in
    Auckland."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plans = plan_history()
        for i, orders in enumerate(cls.plans):
            partner = cls._customer(f"Planned {i}")
            for day, amount in orders:
                cls._order(
                    partner, amount, f"{day} 00:00:00"
                )  # 12:00 or 13:00 that day in Auckland
        # Acme, at the edges of Auckland's days (UTC -> local):
        for utc, amount in (
            (
                "2024-11-30 23:30:00",
                200,
            ),  # 1 Dec 2024 12:30: first purchase, before the window
            ("2025-06-10 13:00:00", 40),  # 11 Jun 2025 01:00 \ one purchase day:
            ("2025-06-11 09:00:00", 60),  # 11 Jun 2025 21:00 / 100
            ("2025-12-31 10:00:00", 80),  # 31 Dec 2025 23:00: last calibration day
            ("2026-03-31 10:30:00", 300),  # 31 Mar 2026 23:30: the as-of day
            ("2026-03-31 11:30:00", 1000),  # 1 Apr 2026 00:30: after the as-of date
        ):
            cls._order(cls.acme, amount, utc)
        cls.acme_history = [
            (D(2024, 12, 1), 200),
            (D(2025, 6, 11), 100),
            (D(2025, 12, 31), 80),
            (D(2026, 3, 31), 300),
            (D(2026, 4, 1), 1000),
        ]
        journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1
        )
        invoices = cls.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": cls.acme.id,
                    "invoice_date": day,
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": cls.product.id,
                                "quantity": 1,
                                "price_unit": 100,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
                for day, due in (
                    ("2026-01-10", "2026-01-10"),
                    ("2026-02-01", "2026-02-15"),
                    ("2026-04-05", "2026-04-05"),
                )
            ]
        )
        invoices.action_post()
        for invoice, paid_on, amount in (
            (invoices[0], "2026-01-20", 40),
            (invoices[0], "2026-04-10", 60),
            (invoices[1], "2026-02-05", 100),
        ):
            cls.env["account.payment.register"].with_context(
                active_model="account.move",
                active_ids=invoice.ids,
            ).create(
                {"payment_date": paid_on, "journal_id": journal.id, "amount": amount}
            )._create_payments()
        cls.invoices = invoices
        for day, amount in (("2026-03-15", 50), ("2026-04-02", 70)):
            cls.env["account.move"].create(
                {
                    "move_type": "out_refund",
                    "partner_id": cls.acme.id,
                    "invoice_date": day,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": cls.product.id,
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            ).action_post()

    def test_nothing_after_the_as_of_date_counts(self):
        self.assertEqual(
            self.invoices[0].payment_state, "paid", "paid today, in two payments"
        )
        run = self._run_as_of(AS_OF)
        self.assertEqual(run.date, AS_OF)
        acme = self._profile(self.acme)
        # In the 12-month window (from 31 Mar 2025, Auckland) up to 31 Mar 2026 23:59
        # Auckland: orders 40 + 60 + 80 + 300 = 480, four orders, less the 15 March
        # credit note of 50 = 430. The order of 1 April 00:30 and the credit note of 2
        # April are later.
        self.assertEqual(acme.frequency, 4)
        self.assertAlmostEqual(acme.monetary, 430)
        self.assertEqual(acme.last_order_date, AS_OF)
        self.assertEqual(acme.recency_days, 0)
        # Invoices as they stood on 31 March: the first (due 10 Jan) had 40 of 100 paid,
        # so it was open 31 Mar - 10 Jan = 80 days past due (its last 60 came on 10
        # April); the second was paid on 5 Feb, 10 days before its due date; the third
        # is dated 5 April. (80 - 10) / 2 = 35 days, one of two late.
        self.assertEqual(acme.invoice_count, 2)
        self.assertAlmostEqual(acme.payment_days, 35.0)
        self.assertAlmostEqual(acme.late_share, 50.0)

    def test_as_of_run_from_the_run_now_wizard(self):
        wizard = Form(
            self.env["customer.segmentation.run.wizard"]
            .with_user(self.sales_manager)
            .with_company(self.company)
        )
        self.assertTrue(wizard.as_of, "the company's today by default")
        wizard.as_of = AS_OF
        action = wizard.save().action_run()
        run = self.env["customer.segmentation.run"].browse(action["res_id"])
        self.assertEqual((run.company_id, run.date), (self.company, AS_OF))
        self.assertEqual(self._profile(self.acme).frequency, 4)
        # A salesperson can neither open the wizard nor run it.
        with self.assertRaises(UserError):
            self.env["customer.segmentation.run"].with_user(
                self.salesperson
            ).action_run_now()
        with self.assertRaises(AccessError):
            self.env["customer.segmentation.run.wizard"].with_user(
                self.salesperson
            ).create({"as_of": AS_OF})

    def test_cron_runs_as_of_a_date(self):
        self.env["customer.segmentation.run"]._cron_run(as_of=AS_OF)
        run = self.env["customer.segmentation.run"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertEqual(run.date, AS_OF)
        self.assertEqual(self._profile(self.acme).frequency, 4)

    def test_cron_keeps_the_other_companies_when_one_fails(self):
        broken = self.env["res.company"].create({"name": "Broken Co"})
        Run = self.env["customer.segmentation.run"]
        run_company = type(Run)._run_company
        attempted = []

        def run_or_fail(run_model, company, as_of=None, timings=None):
            attempted.append(company)
            done = run_company(run_model, company, as_of=as_of, timings=timings)
            if company == broken:
                raise ValueError("a broken company")
            return done

        with self.assertLogs(
            "odoo.addons.customer_segmentation.models.customer_segmentation_run",
            "ERROR",
        ) as logged:
            self.patch(type(Run), "_run_company", run_or_fail)
            Run._cron_run(as_of=AS_OF)
        self.assertEqual(attempted, list(self.env["res.company"].search([])))
        self.assertIn("Broken Co", logged.output[0])
        self.assertFalse(
            Run.search([("company_id", "=", broken.id)]), "its run is rolled back"
        )
        self.assertEqual(Run.search([("company_id", "=", self.company.id)]).date, AS_OF)
        self.assertEqual(self._profile(self.acme).frequency, 4)

    def test_future_as_of_date_refused(self):
        with self.assertRaises(UserError):
            self._run_as_of(self.company._customer_today() + datetime.timedelta(days=1))

    def test_lifetime_value_fitted_on_the_full_history(self):
        clv = _clv()
        run = self._run_as_of(AS_OF)
        self.assertFalse(run.clv_note)
        # Acme by hand: purchase days 1 Dec 2024 (200), 11 Jun 2025 (40 + 60), 31 Dec
        # 2025 (80), 31 Mar 2026 (300): x = 3, t_x = T = 485 days / 7 = 69.29 weeks, m =
        # 480 / 3 =
        # 160.
        x, t_x, T, m = summarize(self.plans + [self.acme_history], AS_OF)
        self.assertEqual((x[-1], t_x[-1], T[-1], m[-1]), (3, 485 / 7, 485 / 7, 160))
        self.assertEqual(
            len(x), 51, "every customer, first purchases before the 12-month window too"
        )
        expected = {
            **clv.fit_bgnbd(x, t_x, T)["params"],
            **clv.fit_gamma_gamma(x[x > 0], m[x > 0])["params"],
        }
        stored = stored_parameters(run.clv_parameters)
        self.assertEqual(set(stored), {"r", "alpha", "a", "b", "p", "q", "gamma"})
        for name, value in expected.items():
            self.assertAlmostEqual(stored[name] / value, 1, delta=1e-3, msg=name)
        self.assertIn(
            "alpha = %s weeks" % stored_parameters(run.clv_parameters)["alpha"],
            run.clv_parameters,
        )
        # With t_x = T, P(alive) = 1 / (1 + a / (b + x - 1)); E[M] = p (gamma + x m) /
        # (p x + q - 1).
        profile = self._profile(self.acme)
        s = stored
        self.assertAlmostEqual(
            profile.probability_alive, 100 / (1 + s["a"] / (s["b"] + 2)), delta=0.01
        )
        self.assertAlmostEqual(
            profile.expected_order_value,
            s["p"] * (s["gamma"] + 3 * 160) / (3 * s["p"] + s["q"] - 1),
            delta=0.05,
        )

    def test_holdout_calibrates_through_the_day_before_it(self):
        clv = _clv()
        run = self._run_as_of(AS_OF)
        # Holdout 1 Jan - 31 Mar 2026; calibration through 31 Dec 2025 inclusive: Acme's
        # order of 31 Dec 23:00 Auckland is calibration (x = 2, t_x = T = 395 days / 7).
        x, t_x, T, _m = summarize(self.plans + [self.acme_history], CALIBRATION_END)
        self.assertEqual((x[-1], t_x[-1], T[-1]), (2, 395 / 7, 395 / 7))
        expected = clv.fit_bgnbd(x, t_x, T)["params"]
        stored = stored_parameters(run.clv_calibration_parameters)
        for name, value in expected.items():
            self.assertAlmostEqual(stored[name] / value, 1, delta=1e-3, msg=name)
        # Actual purchases: purchase days in 1 Jan - 31 Mar 2026 of customers who bought
        # by 31 Dec (Acme: 31 Mar only; 1 Apr is after the run).
        histories = self.plans + [self.acme_history]
        actual = sum(
            len({d for d, _a in orders if CALIBRATION_END < d <= AS_OF})
            for orders in histories
            if min(d for d, _a in orders) <= CALIBRATION_END
        )
        predicted = clv.bgnbd_expected_purchases(
            expected, x, t_x, T, 90 / 7
        ).sum()  # 90 days
        self.assertIn(
            f"predicted {predicted:.0f}, actual {actual:.0f}.", run.holdout_report
        )
        self.assertIn("12/31/2025", run.holdout_report)


@tagged("post_install", "-at_install")
class TestAsOfCrossSell(AucklandCase):
    """Cross-sell counts the window from local midnight and stops at the as-of date."""

    def test_crosssell_window_is_the_company_day(self):
        widget_b, widget_c = self.env["product.product"].create(
            [
                {"name": "Widget B", "type": "consu", "taxes_id": [Command.clear()]},
                {"name": "Widget C", "type": "consu", "taxes_id": [Command.clear()]},
            ]
        )
        # As of 30 March 2026 the 12-month window starts on 30 March 2025 00:00 Auckland
        # (29 March 11:00 UTC); every order below is of 29 March 12:00 UTC = 30 March
        # 01:00 there.
        edge = "2025-03-29 12:00:00"
        for i in range(6):
            order = self._order(self._customer(f"Pair {i}"), 100, edge, confirm=False)
            order.order_line = [
                Command.create(
                    {"product_id": widget_b.id, "product_uom_qty": 1, "price_unit": 50}
                )
            ]
            self._confirm(order, edge)
        for i in range(5):
            self._order_at(self._customer(f"Other {i}"), 100, edge, product=widget_c)
        self._order(self.acme, 100, edge)
        self._order_at(
            self.acme, 50, "2026-03-30 11:30:00", product=widget_b
        )  # 31 March 00:30: later
        run = self._run_as_of(D(2026, 3, 30))
        profile = self._profile(self.acme)
        self.assertEqual(profile.frequency, 1)
        self.assertEqual(
            run.crosssell_rule_count, 2
        )  # Widget -> B and B -> Widget (n_ab = 6 >= 3)
        # 6 of the 7 customers of the segment who buy Widget also buy B; B is bought by
        # 6 of 12: confidence 6/7 = 86%, lift (6/7) / (6/12) = 1.7.
        self.assertEqual(profile.crosssell_ids.product_id, widget_b)
        self.assertEqual(
            profile.crosssell_ids.reason,
            f"bought by 86% of {profile.segment_id.name} who buy Widget (lift 1.7)",
        )
