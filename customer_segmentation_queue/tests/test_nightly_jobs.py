from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.customer_segmentation.models.customer_segmentation_run import (
    CustomerSegmentationRun as InProcessRun,
)
from odoo.addons.customer_segmentation.tests.common import RUN_DAY, SegmentationCase
from odoo.addons.queue_job.tests.common import trap_jobs

NOT_FIGURES = {"id", "create_uid", "create_date", "write_uid", "write_date"}


@tagged("post_install", "-at_install")
class TestNightlyJobs(SegmentationCase):
    """The nightly cron queues one job per company; the jobs segment as the cron does
    in process."""

    JOBS_AT_ONCE = False  # these tests check the jobs themselves

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._order(cls.acme, 900, "2026-02-10 10:00:00")
        cls._order(cls.acme, 300, "2026-03-20 10:00:00")
        cls._order(cls.bolt, 100, "2026-03-25 10:00:00")

    def _stored(self):
        """The company's profiles and the day's run, every stored column but the
        bookkeeping ones."""
        self.env.flush_all()
        found = []
        for table, company_column in (
            ("customer_profile", "company_id"),
            ("customer_segmentation_run", "company_id"),
        ):
            self.env.cr.execute(
                "SELECT column_name FROM information_schema.columns WHERE "
                "table_name = %s AND column_name <> ALL(%s) ORDER BY column_name",
                [table, list(NOT_FIGURES)],
            )
            columns = [row[0] for row in self.env.cr.fetchall()]
            self.env.cr.execute(
                f"SELECT {', '.join(columns)} FROM {table} "  # noqa: SQL001
                f"WHERE {company_column} = %s ORDER BY 1, 2",
                [self.company.id],
            )
            found.append(self.env.cr.fetchall())
        return found

    def test_cron_queues_one_job_per_company_with_its_day(self):
        Run = self.env["customer.segmentation.run"]
        companies = self.env["res.company"].search([])
        self.assertGreater(len(companies), 1)
        earlier = Run.search([])  # demo data has runs of its own
        with freeze_time(RUN_DAY), trap_jobs() as trap:
            Run._cron_run()
            trap.assert_jobs_count(len(companies))
            for company in companies:
                trap.assert_enqueued_job(
                    Run._job_run_company,
                    args=(company, company._customer_today()),
                )
            self.assertEqual(
                {job.channel for job in trap.enqueued_jobs},
                {"root.customer_segmentation"},
            )
            self.assertFalse(
                Run.search([("company_id", "=", self.company.id)]),
                "nothing runs before the jobs",
            )
            trap.perform_enqueued_jobs()
        for company in companies:
            self.assertEqual(
                Run.search(
                    [("company_id", "=", company.id), ("id", "not in", earlier.ids)]
                ).date,
                company._customer_period(RUN_DAY[:10])["as_of"],
            )

    def test_jobs_segment_as_the_cron_in_process(self):
        Run = self.env["customer.segmentation.run"]
        with freeze_time(RUN_DAY):
            InProcessRun._cron_run(Run)
        expected = self._stored()
        self.assertTrue(expected[0], "profiles written")
        with freeze_time(RUN_DAY), trap_jobs() as trap:
            Run._cron_run()
            trap.perform_enqueued_jobs()
        self.assertEqual(self._stored(), expected)
        # A job run the day after still segments the day it was queued for.
        with freeze_time(RUN_DAY), trap_jobs() as trap:
            Run._cron_run()
        with freeze_time("2026-04-02 10:00:00"):
            trap.perform_enqueued_jobs()
        self.assertEqual(self._stored(), expected)

    def test_administrators_read_their_own_jobs_only(self):
        self.env["customer.segmentation.run"]._cron_run()
        self.env["res.partner"].with_delay().write({"comment": "not theirs"})
        self.env.flush_all()
        Job = self.env["queue.job"]
        companies = self.env["res.company"].search([])
        self.assertEqual(len(Job.search([])), len(companies) + 1)
        seen = Job.with_user(self.sales_manager).search([])
        # queue_job's company rule: the manager's company only.
        self.assertEqual(seen.model_name, "customer.segmentation.run")
        self.assertEqual(seen.company_id, self.company)
        with self.assertRaises(AccessError):
            Job.with_user(self.salesperson).search([])
