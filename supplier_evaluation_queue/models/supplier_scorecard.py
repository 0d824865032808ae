import numpy as np

from odoo import api, models
from odoo.tools import SQL

from odoo.addons.queue_job.delay import group
from odoo.addons.queue_job.job import identity_exact
from odoo.addons.supplier_evaluation import engine
from odoo.addons.supplier_evaluation.lib import periods


class SupplierScorecard(models.Model):
    _inherit = "supplier.scorecard"

    # ------------------------------------------------------------------ enqueue
    @api.model
    def _cron_evaluate(self):
        """One job per company for its previous period, the period worked out now (the
        company's today) and carried by the job."""
        for company in self.env["res.company"].search([]):
            date_from, date_to = periods.previous_period(
                self._company_today(company), company.supplier_period_type
            )
            # The job belongs to the company it scores (queue_job's company rule).
            self.with_company(company).with_delay(
                description=self._job_description(company, date_from, date_to),
                identity_key=identity_exact,
            )._job_evaluate_company(company, date_from, date_to)

    @api.model
    def _delay_backfill(self, company, ranges, partners=None):
        """Enqueue a back-fill of ``ranges`` ([(date_from, date_to)] of ``company``):
        one job per period, run in any order and in parallel, then one job that
        analyses the range once they are all done. Returns the final delayable."""
        partners = partners or self.env["res.partner"]
        # The jobs belong to the company they score (queue_job's company rule).
        Scorecard = self.with_company(company)
        evaluations = [
            Scorecard.delayable(
                description=self._job_description(company, date_from, date_to),
                identity_key=identity_exact,
            )._job_evaluate_period(company, date_from, date_to, partners)
            for date_from, date_to in ranges
        ]
        final = Scorecard.delayable(
            description=self.env._(
                "Supplier evaluation of %(company)s: trends and alerts of "
                "%(date_from)s to %(date_to)s",
                company=company.name,
                date_from=ranges[0][0],
                date_to=ranges[-1][1],
            ),
            identity_key=identity_exact,
        )._job_analyse_backfill(company, [list(period) for period in ranges], partners)
        group(*evaluations).on_done(final).delay()
        return final

    @api.model
    def _job_description(self, company, date_from, date_to):
        return self.env._(
            "Supplier evaluation of %(company)s, %(date_from)s to %(date_to)s",
            company=company.name,
            date_from=date_from,
            date_to=date_to,
        )

    # ------------------------------------------------------------------ the jobs
    @api.model
    def _job_evaluate_company(self, company, date_from, date_to):
        """The monthly cron's work for one company: Kraljic suggestions, then the
        period scored with its alerts."""
        self.env["res.partner"].with_company(company)._update_kraljic_suggestions(
            company
        )
        cards = self._evaluate(company, date_from, date_to)
        return self.env._("%(count)s scorecards written", count=len(cards))

    @api.model
    def _job_evaluate_period(self, company, date_from, date_to, partners):
        """One period of a back-fill, as the wizard scores it in process (Kraljic
        classes as of the period's end), without alerts. Safe to repeat: drafts are
        rewritten from the same facts. The change against the previous period, the
        trends are set again by the final job, when every period of the range is
        there."""
        end = self._period_bounds(company, date_from, date_to)[1]
        [suggestion] = self.env["res.partner"]._kraljic_suggestions(company, [end])
        cards = self._evaluate(
            company,
            date_from,
            date_to,
            partners=partners or None,
            evaluate_rules=False,
            kraljic_suggestion=suggestion,
        )
        return self.env._("%(count)s scorecards written", count=len(cards))

    @api.model
    def _job_analyse_backfill(self, company, ranges, partners):
        """After every period of ``ranges``: what a period reads of the one before it
        (its total) and of the last ones (trends), period after period as in process,
        then the alert rules of the last period."""
        self.env.flush_all()
        partner_ids = (
            np.array(partners.commercial_partner_id.ids, dtype=np.int64)
            if partners
            else None
        )
        card_ids = np.concatenate(
            [
                np.asarray(
                    self._backfill_previous_totals(
                        company, date_from, date_to, partner_ids
                    ),
                    dtype=np.int64,
                )
                for date_from, date_to in ranges
            ]
        )
        # Each card's trend over its own window, in one pass (the clusters of a
        # period are its own cards': its job formed them).
        engine.trends(self.env, company, card_ids)
        self.env["supplier.alert.rule"]._evaluate_rules(
            company,
            ranges[-1][0],
            None if partner_ids is None else partner_ids.tolist(),
        )
        self.invalidate_model()
        return self.env._("%(count)s periods analysed", count=len(ranges))

    @api.model
    def _backfill_previous_totals(self, company, date_from, date_to, partner_ids):
        """Set the previous period's total and the change against it on the period's
        drafts (engine.write does it from what is stored when the period runs, which
        in a parallel back-fill may be before the previous period is). Returns the
        ids of the drafts: the cards the period's evaluation wrote."""
        prev_from, prev_to = periods.previous_period(
            date_from, company.supplier_period_type
        )
        self.env.cr.execute(
            SQL(
                """
            WITH cards AS (
                SELECT s.id, p.total_score AS previous
                  FROM supplier_scorecard s
             LEFT JOIN supplier_scorecard p
                    ON p.company_id = s.company_id AND p.partner_id = s.partner_id
                   AND p.date_from = %(prev_from)s AND p.date_to = %(prev_to)s
                 WHERE s.company_id = %(company)s AND s.date_from = %(date_from)s
                   AND s.date_to = %(date_to)s AND s.state = 'draft'
                       %(partner_filter)s
            ), changed AS (
                UPDATE supplier_scorecard s
                   SET previous_total = c.previous,
                       total_change = s.total_score - c.previous
                  FROM cards c
                 WHERE s.id = c.id AND s.previous_total IS DISTINCT FROM c.previous
            )
            SELECT id FROM cards ORDER BY id
            """,
                prev_from=prev_from,
                prev_to=prev_to,
                company=company.id,
                date_from=date_from,
                date_to=date_to,
                partner_filter=(
                    SQL()
                    if partner_ids is None
                    else SQL("AND s.partner_id = ANY(%s)", partner_ids.tolist())
                ),
            )
        )
        return np.array([row[0] for row in self.env.cr.fetchall()], dtype=np.int64)
