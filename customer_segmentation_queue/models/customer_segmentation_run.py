from odoo import api, models

from odoo.addons.queue_job.job import identity_exact


class CustomerSegmentationRun(models.Model):
    _inherit = "customer.segmentation.run"

    @api.model
    def _cron_run(self, as_of=None):
        """One job per company, each carrying its as-of day worked out now (the
        company's today by default), so that a job run after midnight still
        segments the night it was queued for."""
        for company in self.env["res.company"].search([]):
            day = company._customer_period(as_of)["as_of"]
            # The job belongs to the company it runs (queue_job's company rule).
            self.with_company(company).with_delay(
                description=self.env._(
                    "Customer segmentation of %(company)s as of %(date)s",
                    company=company.name,
                    date=day,
                ),
                identity_key=identity_exact,
            )._job_run_company(company, day)

    @api.model
    def _job_run_company(self, company, as_of):
        """The run of one company as of ``as_of``; safe to repeat (the day's run is
        replaced)."""
        run = self._run_company(company, as_of=as_of)
        return self.env._("Run %(run)s", run=run.display_name)
