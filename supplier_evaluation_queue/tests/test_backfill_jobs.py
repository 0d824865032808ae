import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import SQL

from odoo.addons.queue_job.job import Job
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.addons.supplier_evaluation.models.supplier_scorecard import (
    SupplierScorecard as InProcessScorecard,
)
from odoo.addons.supplier_evaluation.tests.common import SupplierEvaluationCase
from odoo.addons.supplier_evaluation.wizard.supplier_evaluation_wizard import (
    SupplierEvaluationWizard as InProcessWizard,
)

MONTHS = [
    (datetime.date(2026, month, 1), datetime.date(2026, month + 1, 1))
    for month in range(1, 5)
]
RANGES = [(start, end - datetime.timedelta(days=1)) for start, end in MONTHS]
# Columns that differ between two runs whatever they compute.
NOT_FIGURES = {"id", "create_uid", "create_date", "write_uid", "write_date"}


@tagged("post_install", "-at_install")
class TestBackfillJobs(SupplierEvaluationCase):
    """January to April 2026 in a company in America/Los_Angeles, seven suppliers
    each month, built through Odoo's flows: an order of 10 confirmed on the 2nd,
    promised for the 12th, received (the backorder wizard's "No backorder" when
    short) earlier or later and in full or not depending on the supplier and the
    month, so that totals, their change, the trends and the clusters all move."""

    OWN_COMPANY = True
    JOBS_AT_ONCE = False  # these tests check the jobs themselves

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "America/Los_Angeles"
        cls.company.supplier_cluster_count = 2
        cls.product = cls.env["product.product"].create(
            {"name": "Job bolt", "type": "consu", "is_storable": True}
        )
        cls.vendors = cls.env["res.partner"].create(
            [{"name": f"Job vendor {i}", "is_company": True} for i in range(7)]
        )
        for month, (start, _end) in enumerate(MONTHS):
            for i, vendor in enumerate(cls.vendors):
                with freeze_time(f"{start:%Y-%m}-02 18:00:00"):
                    order = cls.env["purchase.order"].create(
                        {
                            "partner_id": vendor.id,
                            "order_line": [
                                Command.create(
                                    {
                                        "product_id": cls.product.id,
                                        "product_qty": 10,
                                        "price_unit": 10.0 + i + month,
                                        "date_planned": f"{start:%Y-%m}-12 20:00:00",
                                    }
                                )
                            ],
                        }
                    )
                    order.button_confirm()
                day = 5 + (i * 3 + month * (i - 2)) % 14
                with freeze_time(f"{start:%Y-%m}-{day:02d} 19:00:00"):
                    picking = order.picking_ids
                    picking.move_ids.quantity = 10 - (i * month) % 4
                    picking.move_ids.picked = True
                    result = picking.button_validate()
                    if isinstance(result, dict):
                        Form(
                            cls.env["stock.backorder.confirmation"].with_context(
                                **result["context"]
                            )
                        ).save().process_cancel_backorder()
        cls.env["supplier.alert.rule"].search(
            [("company_id", "=", cls.company.id)]
        ).active = False
        cls.env["supplier.alert.rule"].create(
            {
                "name": "On time below 90% once",
                "company_id": cls.company.id,
                "figure": "on_time_rate",
                "comparison": "<",
                "threshold": 90.0,
                "consecutive_periods": 1,
                "action": "activity",
            }
        )

    def _wizard(self, **values):
        return (
            self.env["supplier.evaluation.wizard"]
            .with_user(self.purchase_manager)
            .create({"date_from": RANGES[0][0], "date_to": RANGES[-1][1], **values})
        )

    def _stored(self):
        """Every stored figure of the company's cards and alerts, per supplier and
        period."""
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = "
            "'supplier_scorecard' AND column_name <> ALL(%s) ORDER BY column_name",
            [list(NOT_FIGURES | {"access_token"})],
        )
        columns = [row[0] for row in self.env.cr.fetchall()]
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM supplier_scorecard WHERE company_id = %s "
                "ORDER BY partner_id, date_from",
                SQL(", ").join(SQL.identifier(c) for c in columns),
                self.company.id,
            )
        )
        cards = [dict(zip(columns, row, strict=True)) for row in self.env.cr.fetchall()]
        self.env.cr.execute(
            "SELECT partner_id, rule_id, date, state FROM supplier_alert "
            "WHERE company_id = %s ORDER BY partner_id, rule_id, date",
            [self.company.id],
        )
        return cards, self.env.cr.fetchall()

    def _forget(self):
        self.env["supplier.alert"].search(
            [("company_id", "=", self.company.id)]
        ).unlink()
        self.env["supplier.scorecard"].search(
            [("company_id", "=", self.company.id)]
        ).unlink()

    def _in_process(self, wizard):
        """The back-fill as the wizard runs it without queue_job."""
        InProcessWizard.action_evaluate(wizard)
        return self._stored()

    def test_wizard_enqueues_one_job_per_period_then_the_analysis(self):
        Scorecard = self.env["supplier.scorecard"]
        wizard = self._wizard(partner_ids=[Command.set(self.vendors[:3].ids)])
        with trap_jobs() as trap:
            action = wizard.action_evaluate()
            trap.assert_jobs_count(5)
            trap.assert_jobs_count(4, only=Scorecard._job_evaluate_period)
            trap.assert_jobs_count(1, only=Scorecard._job_analyse_backfill)
            partners = self.vendors[:3]
            for date_from, date_to in RANGES:
                trap.assert_enqueued_job(
                    Scorecard._job_evaluate_period,
                    args=(self.company, date_from, date_to, partners),
                )
            trap.assert_enqueued_job(
                Scorecard._job_analyse_backfill,
                args=(self.company, [list(r) for r in RANGES], partners),
            )
            periods = [
                job
                for job in trap.enqueued_jobs
                if job.method_name == "_job_evaluate_period"
            ]
            [final] = [
                job
                for job in trap.enqueued_jobs
                if job.method_name == "_job_analyse_backfill"
            ]
            # The periods are independent (the runner may run them side by side); the
            # analysis waits for all of them.
            self.assertTrue(all(not job.depends_on for job in periods))
            self.assertEqual(final.depends_on, set(periods))
            self.assertEqual(
                {job.channel for job in trap.enqueued_jobs},
                {"root.supplier_evaluation"},
            )
            self.assertEqual(
                {job.recordset.env.uid for job in trap.enqueued_jobs},
                {self.purchase_manager.id},
            )
        self.assertFalse(self._stored()[0], "nothing scored before the jobs run")
        self.assertEqual(action["params"]["next"]["res_model"], "supplier.scorecard")

    def test_jobs_give_the_cards_of_the_in_process_run(self):
        wizard = self._wizard()
        expected = self._in_process(wizard)
        cards, alerts = expected
        self.assertEqual(len(cards), 28)
        self.assertTrue(alerts, "the last period raises alerts")
        self.assertEqual(
            len({c["total_change"] for c in cards if c["total_change"]}) > 1, True
        )
        self.assertTrue(any(c["on_time_slope"] for c in cards))
        self.assertTrue(all(c["cluster_label"] for c in cards if c["has_data"]))
        self._forget()
        with trap_jobs() as trap:
            wizard.action_evaluate()
            periods = sorted(
                (
                    j
                    for j in trap.enqueued_jobs
                    if j.method_name == "_job_evaluate_period"
                ),
                key=lambda job: job.args[1],
            )
            [final] = [j for j in trap.enqueued_jobs if j not in periods]
            # Worst order for a parallel run: the last period first, each period
            # before the one it compares with exists.
            for job in reversed(periods):
                job.perform()
            self.assertNotEqual(self._stored(), expected, "not analysed yet")
            final.perform()
        self.assertEqual(self._stored(), expected)
        # Again through queue_job's own order, on top of the stored cards: the same.
        with trap_jobs() as trap:
            wizard.action_evaluate()
            trap.perform_enqueued_jobs()
        self.assertEqual(self._stored(), expected)
        # A period's job alone again (a retry): the same cards.
        self.env["supplier.scorecard"]._job_evaluate_period(
            self.company, *RANGES[1], self.env["res.partner"]
        )
        self.assertEqual(self._stored(), expected)

    def test_jobs_of_some_suppliers_match_the_in_process_run(self):
        wizard = self._wizard(partner_ids=[Command.set(self.vendors[1:4].ids)])
        expected = self._in_process(wizard)
        self.assertEqual(len(expected[0]), 12)
        self._forget()
        with trap_jobs() as trap:
            wizard.action_evaluate()
            trap.perform_enqueued_jobs()
        self.assertEqual(self._stored(), expected)

    def test_a_failed_period_is_kept_failed_and_loses_nothing(self):
        self.env.flush_all()
        wizard = self._wizard()
        wizard.action_evaluate()
        records = self.env["queue.job"].search(
            [("model_name", "=", "supplier.scorecard")], order="id"
        )
        self.assertEqual(len(records), 5)
        final = records.filtered(lambda r: r.method_name == "_job_analyse_backfill")
        periods = (records - final).sorted(lambda r: r.args[1])
        self.assertEqual(final.state, "wait_dependencies")
        self.assertEqual(set(periods.mapped("state")), {"pending"})
        self.assertEqual(
            set(final.dependencies["depends_on"]), set(periods.mapped("uuid"))
        )
        self.assertEqual(set(records.mapped("company_id")), {self.company})
        # March cannot be scored: the company has no template any more.
        january, february, march, april = periods
        for record in (january, february):
            job = Job.load(self.env, record.uuid)
            job.perform()
            job.set_done()
            job.store()
        templates = self.env["supplier.evaluation.template"].search(
            [("company_id", "=", self.company.id)]
        )
        templates.active = False
        job = Job.load(self.env, march.uuid)
        with self.assertRaises(UserError), self.env.cr.savepoint():
            job.perform()
        job.set_failed(exc_name="UserError", exc_message="no template")
        job.store()
        self.assertEqual(march.state, "failed")
        self.assertEqual(final.state, "wait_dependencies", "no analysis of a hole")
        self.assertEqual(
            self.env["supplier.scorecard"]
            .search([("company_id", "=", self.company.id)])
            .mapped("date_from"),
            [RANGES[1][0]] * 7 + [RANGES[0][0]] * 7,
            "the periods already scored are kept",
        )
        # The template back, the job requeued: the back-fill completes.
        templates.active = True
        march.requeue()
        for record in (march, april):
            job = Job.load(self.env, record.uuid)
            job.perform()
            job.set_done()
            job.store()
            self.env.flush_all()  # as the runner does before enqueue_waiting's SQL
            job.enqueue_waiting()
        self.assertEqual(final.state, "pending")

    def test_cron_queues_one_job_per_company_as_the_cron_in_process(self):
        Scorecard = self.env["supplier.scorecard"]
        with freeze_time("2026-05-03 12:00:00"):
            InProcessScorecard._cron_evaluate(Scorecard)
        expected = self._stored()
        self.assertEqual(len(expected[0]), 7, "April's cards")
        self._forget()
        companies = self.env["res.company"].search([])
        self.assertGreater(len(companies), 1)
        with freeze_time("2026-05-03 12:00:00"), trap_jobs() as trap:
            Scorecard._cron_evaluate()
            trap.assert_jobs_count(len(companies))
            for company in companies:
                trap.assert_enqueued_job(
                    Scorecard._job_evaluate_company,
                    args=(company, datetime.date(2026, 4, 1), RANGES[-1][1]),
                )
            self.assertEqual(
                sorted(job.company_id for job in trap.enqueued_jobs),
                sorted(companies.ids),
            )
            trap.perform_enqueued_jobs()
        self.assertEqual(self._stored(), expected)
        # Queued on 05-03, run in June: it still scores April, to the same cards.
        with freeze_time("2026-05-03 12:00:00"), trap_jobs() as trap:
            Scorecard._cron_evaluate()
        with freeze_time("2026-06-01 12:00:00"):
            trap.perform_enqueued_jobs()
        self.assertEqual(self._stored()[0], expected[0])

    def test_administrators_read_their_own_jobs_only(self):
        self._wizard().action_evaluate()
        self.env["res.partner"].with_delay().write({"comment": "not theirs"})
        self.env.flush_all()
        Job = self.env["queue.job"]
        self.assertEqual(len(Job.search([])), 6)
        seen = Job.with_user(self.purchase_manager).search([])
        self.assertEqual(len(seen), 5)
        self.assertEqual(set(seen.mapped("model_name")), {"supplier.scorecard"})
        with self.assertRaises(AccessError):
            Job.with_user(self.buyer).search([])
