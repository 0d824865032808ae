import re
import time

import numpy as np
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount

from ..lib import rfm, segments, tiers
from ..lib.sqlarrays import array_literal, plain_array_literal
from ..lib.vocabulary import TIERS, pin_is_active, tier_codes, tier_numbers

# Text that needs no quoting in an array literal (unless it spells NULL): codes such as
# tiers.
_PLAIN_TEXT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Profile columns written by a run, with their SQL type.
PROFILE_COLUMNS = {
    "last_order_date": "date",
    "recency_days": "int4",
    "frequency": "int4",
    "monetary": "numeric",
    "margin": "numeric",
    "margin_known": "bool",
    "average_order_value": "numeric",
    "payment_days": "float8",
    "late_share": "float8",
    "invoice_count": "int4",
    "r_score": "int4",
    "f_score": "int4",
    "m_score": "int4",
    "segment_id": "m2o",
    "tier": "varchar",
    "tier_computed": "varchar",
    "tier_below_count": "int4",
    "rank": "int4",
    "share": "float8",
    "cumulative_share": "float8",
    "decile": "int4",
    "previous_segment_id": "m2o",
    "previous_tier": "varchar",
    "changed_date": "date",
    "run_date": "date",
    "base_below": "int4",
    "moved_down": "bool",
}
# Refresh customer_profile's planner statistics after inserting at least this many rows.
ANALYZE_AFTER_INSERTS = 1000


class CustomerSegmentationRun(models.Model):
    _name = "customer.segmentation.run"
    _description = "Customer Segmentation Run"
    _order = "date desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    date = fields.Date(
        "As of",
        required=True,
        readonly=True,
        index=True,
        help="Nothing after this day (in the company's time zone) counts in the run.",
    )
    customer_count = fields.Integer("Customers", readonly=True)
    changed_count = fields.Integer("Changed", readonly=True)
    downgrade_count = fields.Integer("Moved down", readonly=True)
    activity_count = fields.Integer("Activities", readonly=True)
    duration = fields.Float("Duration (s)", readonly=True)
    # What the run noted, as codes and numbers: {"no_margin": true when tiers fell
    # back to revenue, "baseline": customers of a first run}; worded in _compute_note.
    run_notes = fields.Json(readonly=True, copy=False)
    note = fields.Text(compute="_compute_note")
    snapshot_ids = fields.One2many("customer.segment.snapshot", "run_id", readonly=True)

    _sql_constraints = [
        (
            "company_date_uniq",
            "unique(company_id, date)",
            "One segmentation run per company and day.",
        ),
    ]

    @api.depends("run_notes")
    @api.depends_context("lang")
    def _compute_note(self):
        for run in self:
            notes = run.run_notes or {}
            lines = [notes["legacy"]] if notes.get("legacy") else []
            if notes.get("no_margin"):
                lines.append(
                    self.env._(
                        "Tiers use revenue: no margin is known (install Sales Margin or set product costs)."  # noqa: E501
                    )
                )
            if "baseline" in notes:
                lines.append(
                    self.env._(
                        "First run: %s customers set the baseline. "
                        "Segment and tier changes are recorded from the next run on.",
                        notes["baseline"],
                    )
                )
            run.note = "\n".join(lines) or False

    @api.depends("company_id", "date")
    def _compute_display_name(self):
        for run in self:
            run.display_name = f"{run.company_id.name} · {run.date}"

    # ------------------------------------------------------------------ entry points
    @api.model
    def _cron_run(self, as_of=None):
        """Run every company as of ``as_of`` (each company's today by default)."""
        companies = self.env["res.company"].search([])
        for done, company in enumerate(companies, 1):
            self._run_company(company, as_of=as_of)
            self.env["ir.cron"]._notify_progress(
                done=done, remaining=len(companies) - done
            )

    @api.model
    def action_run_now(self):
        """The *Run now* button: asks for the as-of date."""
        self._check_can_run()
        return self.env["ir.actions.act_window"]._for_xml_id(
            "customer_segmentation.customer_segmentation_run_wizard_action"
        )

    @api.model
    def _check_can_run(self):
        if not self.env.user.has_group(
            "customer_segmentation.customer_segmentation_group_manager"
        ):
            raise UserError(
                _("Only customer segmentation administrators run the segmentation.")
            )

    def _action_open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "customer.segmentation.run",
            "res_id": self.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------ the run
    @api.model
    def _run_company(self, company, as_of=None):
        """Re-segment every customer of ``company`` with orders in the window ending on
        ``as_of`` (a date, the company's today by default): nothing after that day
        counts. Safe to repeat."""
        started = time.perf_counter()
        self = self.with_company(company).sudo()
        self.env.flush_all()
        period = company._customer_period(as_of)
        today = period["as_of"]
        run = self.search(
            [("company_id", "=", company.id), ("date", "=", today)]
        ) or self.create({"company_id": company.id, "date": today})
        # The company's first day of runs sets the baseline: with no earlier run to
        # compare with, it records no changes (a change is a move between two runs).
        baseline = not self.search_count(
            [("company_id", "=", company.id), ("date", "<", today)], limit=1
        )

        orders = self._fetch_orders(company, period)
        refunds = dict(self._fetch_refunds(company, period))
        payments = self._fetch_payments(company, period)
        existing = self._fetch_profiles(company)

        partner_ids = np.unique(
            np.concatenate([orders["partner"], existing["partner"]])
        ).astype(np.int64)
        n = len(partner_ids)
        values, notes = self._compute_values(
            company, today, partner_ids, orders, refunds, payments, existing
        )
        if baseline:
            notes["baseline"] = n
        changed = self._write_profiles(
            company, today, partner_ids, values, existing, baseline
        )
        activity_count = self._record_changes(
            run, company, partner_ids, values, changed
        )
        # The run is the day's: a rerun the same day keeps the changes already recorded
        # that day.
        self.env.cr.execute(
            SQL(
                "SELECT COUNT(*), COUNT(*) FILTER (WHERE moved_down) FROM "
                "customer_segment_snapshot WHERE run_id = %s",
                run.id,
            )
        )
        changed_count, downgrade_count = self.env.cr.fetchone()
        run.write(
            {
                "customer_count": n,
                "changed_count": changed_count,
                "downgrade_count": downgrade_count,
                "activity_count": run.activity_count + activity_count,
                "duration": time.perf_counter() - started,
                "run_notes": notes or False,
            }
        )
        return run

    def _compute_values(
        self, company, today, partner_ids, orders, refunds, payments, existing
    ):
        """Every profile column for ``partner_ids`` as numpy arrays."""
        n = len(partner_ids)
        notes = {}
        pos = np.searchsorted(partner_ids, orders["partner"])
        frequency = _scatter(n, pos, orders["count"], 0, np.int64)
        revenue = _scatter(n, pos, orders["revenue"])
        revenue -= np.array([refunds.get(pid, 0.0) for pid in partner_ids.tolist()])
        margin = _scatter(n, pos, orders["margin"], np.nan)
        last_order = _scatter(n, pos, orders["last_order"], None, object)
        recency = _scatter(
            n, pos, [(today - day).days for day in orders["last_order"]], np.nan
        )
        active = frequency > 0

        scores = {}
        if company.customer_rfm_method == "threshold":
            for key, values, field, better in (
                ("r", recency, "customer_recency_thresholds", False),
                ("f", frequency.astype(float), "customer_frequency_thresholds", True),
                ("m", revenue, "customer_monetary_thresholds", True),
            ):
                scores[key] = rfm.threshold_scores(
                    np.where(active, values, np.nan),
                    company._customer_thresholds(field),
                    better,
                )
        else:
            scores["r"] = rfm.quintile_scores(
                np.where(active, recency, np.nan), higher_is_better=False
            )
            scores["f"] = rfm.quintile_scores(np.where(active, frequency, np.nan))
            scores["m"] = rfm.quintile_scores(np.where(active, revenue, np.nan))

        scheme = self._scheme(company)
        rules = [(s.r_min, s.r_max, s.f_min, s.f_max) for s in scheme.segment_ids]
        rule_index = segments.assign_segments(scores["r"], scores["f"], rules)
        segment_ids = np.array(scheme.segment_ids.ids + [0], dtype=np.int64)[
            rule_index
        ]  # -1 -> 0 (none)

        basis = revenue
        if company.customer_tier_basis == "margin":
            if np.isnan(margin[active]).all():
                notes["no_margin"] = True
            else:
                basis = np.where(np.isnan(margin), 0.0, margin)
        pareto = tiers.pareto_tiers(
            np.where(active, basis, 0.0),
            company.customer_strategic_cut,
            company.customer_key_cut,
        )

        # Hysteresis and change detection start from the state before today's run.
        ex_pos = np.searchsorted(partner_ids, existing["partner"])
        base_tier = np.full(n, -1, dtype=np.int64)
        base_below = np.zeros(n, dtype=np.int64)
        base_segment = np.zeros(n, dtype=np.int64)
        rerun = existing["run_date"] == today
        current_tier_code = tier_numbers(existing["tier"])
        base_tier[ex_pos] = np.where(
            rerun, tier_numbers(existing["previous_tier"]), current_tier_code
        )
        base_below[ex_pos] = np.where(
            rerun, existing["base_below"], existing["tier_below_count"]
        )
        base_segment[ex_pos] = np.where(
            rerun, existing["previous_segment_id"], existing["segment_id"]
        )
        tier_code, below = tiers.apply_hysteresis(
            base_tier, pareto["tier"], base_below, company.customer_tier_hysteresis
        )
        pinned = np.zeros(n, dtype=bool)
        pin_code = np.full(n, -1, dtype=np.int64)
        pin_active = np.array(
            [
                pin_is_active(tier, expiry, today)
                for tier, expiry in zip(
                    existing["pin_tier"].tolist(),
                    existing["pin_expiry"].tolist(),
                    strict=False,
                )
            ],
            dtype=bool,
        )
        pinned[ex_pos] = pin_active
        pin_code[ex_pos] = tier_numbers(existing["pin_tier"])
        tier_code = np.where(pinned, pin_code, tier_code)

        tier_names = np.array(TIERS, dtype=object)
        base_tier_names = tier_codes(base_tier)
        decile = np.where(
            active,
            np.minimum(10, 1 + (pareto["rank"] - 1) * 10 // max(int(active.sum()), 1)),
            0,
        )
        pay = self._payment_figures(partner_ids, payments)
        aov = np.where(frequency > 0, revenue / np.maximum(frequency, 1), np.nan)
        watched = set(scheme.segment_ids.filtered("watch_downgrade").ids)
        alerts = set(scheme.segment_ids.filtered("alert_on_arrival").ids)
        segment_down = np.array(
            [
                o in watched and s in alerts
                for o, s in zip(
                    base_segment.tolist(), segment_ids.tolist(), strict=False
                )
            ],
            dtype=bool,
        )
        values = {
            "segment_down": segment_down,
            "moved_down": segment_down | ((base_tier >= 0) & (tier_code > base_tier)),
            "last_order_date": last_order,
            "recency_days": np.where(active, recency, np.nan),
            "frequency": frequency,
            "monetary": np.round(revenue, 2),
            "margin": np.round(margin, 2),
            "margin_known": ~np.isnan(margin),
            "average_order_value": np.round(aov, 2),
            **pay,
            "r_score": scores["r"].astype(np.int64),
            "f_score": scores["f"].astype(np.int64),
            "m_score": scores["m"].astype(np.int64),
            "segment_id": segment_ids,
            "tier": tier_names[tier_code],
            "tier_computed": tier_names[pareto["tier"]],
            "tier_below_count": below,
            "rank": np.where(active, pareto["rank"], 0),
            "share": np.round(pareto["share"] * 100, 4),
            "cumulative_share": np.round(pareto["cumulative_share"] * 100, 4),
            "decile": decile,
            "previous_segment_id": base_segment,
            "previous_tier": base_tier_names,
            "base_below": base_below,
        }
        return values, notes

    def _payment_figures(self, partner_ids, payments):
        n = len(partner_ids)
        pos = np.searchsorted(partner_ids, payments["partner"])
        number = _scatter(n, pos, payments["count"], 0, np.int64)
        late = _scatter(n, pos, payments["late"])
        total_days = _scatter(n, pos, payments["days"])
        with np.errstate(invalid="ignore", divide="ignore"):
            return {
                "payment_days": np.where(
                    number > 0, np.round(total_days / number, 2), np.nan
                ),
                "late_share": np.where(
                    number > 0, np.round(100 * late / number, 2), np.nan
                ),
                "invoice_count": number,
            }

    # ------------------------------------------------------------------ writing
    def _write_profiles(
        self, company, today, partner_ids, values, existing, baseline=False
    ):
        """Insert new profiles, update only the ones whose figures changed. Returns the
        mask of customers whose segment or tier changed; nothing is a change in a
        ``baseline`` run."""
        n = len(partner_ids)
        ex_pos = np.searchsorted(partner_ids, existing["partner"])
        profile_id = _scatter(n, ex_pos, existing["id"], 0, np.int64)
        old_segment = _scatter(n, ex_pos, existing["segment_id"], 0, np.int64)
        old_tier = _scatter(n, ex_pos, existing["tier"], None, object)
        changed = (
            (values["segment_id"] != old_segment) | (values["tier"] != old_tier)
        ) & (not baseline)
        values["changed_date"] = np.array(
            [today if c else None for c in changed.tolist()], dtype=object
        )
        values["changed_date"][ex_pos] = np.where(
            changed[ex_pos], today, existing["changed_date"]
        )
        values["run_date"] = np.full(n, today, dtype=object)

        differs = np.zeros(n, dtype=bool)
        for column, kind in PROFILE_COLUMNS.items():
            differs[ex_pos] |= ~_same(values[column][ex_pos], existing[column], kind)
        columns = list(PROFILE_COLUMNS)
        rows_update = np.flatnonzero((profile_id > 0) & differs)
        rows_insert = np.flatnonzero(profile_id == 0)
        if len(rows_update):
            self.env.cr.execute(
                SQL(
                    "UPDATE customer_profile p SET %s FROM unnest(%s::int[], %s) AS "
                    "v(id, %s) WHERE p.id = v.id",
                    SQL(", ").join(
                        SQL("%s = v.%s", SQL.identifier(c), SQL.identifier(c))
                        for c in columns
                    ),
                    plain_array_literal(profile_id[rows_update].tolist()),
                    SQL(", ").join(
                        _sql_array(values[c][rows_update], PROFILE_COLUMNS[c])
                        for c in columns
                    ),
                    SQL(", ").join(SQL.identifier(c) for c in columns),
                )
            )
        if len(rows_insert):
            self.env.cr.execute(
                SQL(
                    "INSERT INTO customer_profile (partner_id, company_id, %s) SELECT "
                    "v.partner_id, %s, %s FROM unnest(%s::int[], %s) AS v(partner_id, "
                    "%s)",
                    SQL(", ").join(SQL.identifier(c) for c in columns),
                    company.id,
                    SQL(", ").join(SQL("v.%s", SQL.identifier(c)) for c in columns),
                    plain_array_literal(partner_ids[rows_insert].tolist()),
                    SQL(", ").join(
                        _sql_array(values[c][rows_insert], PROFILE_COLUMNS[c])
                        for c in columns
                    ),
                    SQL(", ").join(SQL.identifier(c) for c in columns),
                )
            )
            if len(rows_insert) >= ANALYZE_AFTER_INSERTS:
                # Later statements of the run join these rows; until autovacuum sees the
                # commit the planner would take the table for the size it had before
                # (empty on a first run).
                self.env.cr.execute("ANALYZE customer_profile")
        self.env["customer.profile"].invalidate_model()
        self.env["res.partner"].invalidate_model(
            [
                "customer_profile_ids",
                "customer_profile_id",
                "customer_tier",
                "customer_segment_id",
            ]
        )
        return changed

    def _record_changes(self, run, company, partner_ids, values, changed):
        """Snapshot the customers whose segment or tier changed; activities for watched
        downgrades. Returns the number of activities."""
        rows = np.flatnonzero(changed)
        if len(rows):
            # The profiles hold this run's values: a snapshot is a copy of the changed
            # ones (a rerun the same day updates the day's snapshots).
            self.env.cr.execute(
                SQL(
                    """
                INSERT INTO customer_segment_snapshot
                    (run_id, date, partner_id, from_segment_id,
                    segment_id, from_tier, tier, r_score, f_score, m_score, frequency,
                        monetary, moved_down)
                SELECT %(run)s, %(date)s, p.partner_id, p.previous_segment_id,
                    p.segment_id,
                       p.previous_tier, p.tier, p.r_score, p.f_score, p.m_score,
                           p.frequency, p.monetary,
                       p.moved_down
                  FROM customer_profile p
                 WHERE p.company_id = %(company)s
                     AND p.partner_id = ANY(%(partner)s::int[])
                ON CONFLICT (run_id, partner_id) DO UPDATE SET
                    segment_id = EXCLUDED.segment_id, tier = EXCLUDED.tier,
                        r_score = EXCLUDED.r_score,
                    f_score = EXCLUDED.f_score, m_score = EXCLUDED.m_score,
                        frequency = EXCLUDED.frequency,
                    monetary = EXCLUDED.monetary, moved_down = EXCLUDED.moved_down
                """,
                    run=run.id,
                    company=company.id,
                    date=run.date,
                    partner=plain_array_literal(partner_ids[rows].tolist()),
                )
            )
            self.env["customer.segment.snapshot"].invalidate_model()
        # One activity per downgrade: only when this run changed the stored segment.
        alert_rows = np.flatnonzero(changed & values["segment_down"])
        return self._schedule_downgrade_activities(
            company, partner_ids[alert_rows], values, alert_rows
        )

    def _schedule_downgrade_activities(self, company, partner_ids, values, rows):
        if not len(rows):
            return 0
        partners = self.env["res.partner"].browse(partner_ids.tolist())
        segments_by_id = self.env["customer.segment"].browse(
            set(values["segment_id"][rows].tolist())
            | set(values["previous_segment_id"][rows].tolist())
        )
        names = {}  # per language: segment names by id
        model_id = self.env["ir.model"]._get_id("res.partner")
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        fallback = self.env.user
        vals_list = []
        for partner, row in zip(partners, rows.tolist(), strict=False):
            user = partner.user_id or fallback
            # An activity stores its text: in the language of the salesperson.
            env = self.with_context(lang=user.lang or self.env.lang).env
            if env.lang not in names:
                names[env.lang] = {
                    s.id: s.name for s in segments_by_id.with_context(lang=env.lang)
                }
            old, new = (
                names[env.lang].get(values["previous_segment_id"][row]),
                names[env.lang].get(values["segment_id"][row]),
            )
            revenue = format_amount(env, values["monetary"][row], company.currency_id)
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": partner.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                    "summary": env._("%(old)s → %(new)s", old=old, new=new),
                    "note": Markup("<p>%s</p>")
                    % env._(
                        "%(customer)s moved from %(old)s to %(new)s. Revenue at risk over the analysis window: %(revenue)s.",  # noqa: E501
                        customer=partner.display_name,
                        old=old,
                        new=new,
                        revenue=revenue,
                    ),
                    "date_deadline": fields.Date.context_today(self),
                }
            )
        self.env["mail.activity"].create(vals_list)
        return len(vals_list)

    # ------------------------------------------------------------------ reading
    def _scheme(self, company):
        scheme = self.env["customer.segment.scheme"].search(
            [("company_id", "=", company.id)], limit=1
        )
        return scheme or self.env["customer.segment.scheme"]._create_default(company)

    def _fetch_orders(self, company, period):
        has_margin = "margin" in self.env["sale.order"]._fields
        self.env.cr.execute(
            SQL(
                """
            SELECT p.commercial_partner_id, COUNT(*),
                   (MAX(o.date_order) AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date,
                   SUM(o.amount_untaxed / COALESCE(NULLIF(o.currency_rate, 0), 1)),
                   %(margin)s
              FROM sale_order o
              JOIN res_partner p ON p.id = o.partner_id
             WHERE o.company_id = %(company)s AND o.state = 'sale'
               AND o.date_order >= %(start)s AND o.date_order < %(end)s
             GROUP BY p.commercial_partner_id
             ORDER BY p.commercial_partner_id
            """,
                tz=period["tz"],
                company=company.id,
                start=period["start"],
                end=period["end"],
                margin=SQL("SUM(o.margin / COALESCE(NULLIF(o.currency_rate, 0), 1))")
                if has_margin
                else SQL("NULL"),
            )
        )
        rows = self.env.cr.fetchall()
        return {
            "partner": np.array([r[0] for r in rows], dtype=np.int64),
            "count": np.array([r[1] for r in rows], dtype=np.int64),
            "last_order": np.array([r[2] for r in rows], dtype=object),
            "revenue": np.array([r[3] or 0.0 for r in rows], dtype=float),
            "margin": np.array(
                [np.nan if r[4] is None else r[4] for r in rows], dtype=float
            ),
        }

    def _fetch_refunds(self, company, period):
        self.env.cr.execute(
            SQL(
                """
            SELECT p.commercial_partner_id, SUM(-m.amount_untaxed_signed)
              FROM account_move m
              JOIN res_partner p ON p.id = m.partner_id
             WHERE m.company_id = %s AND m.move_type = 'out_refund'
                 AND m.state = 'posted'
               AND m.invoice_date BETWEEN %s AND %s
             GROUP BY p.commercial_partner_id
            """,
                company.id,
                period["window_start"],
                period["as_of"],
            )
        )
        return [(pid, float(amount or 0.0)) for pid, amount in self.env.cr.fetchall()]

    def _fetch_payments(self, company, period):
        """Per customer, over the posted invoices of the window that were paid or past
        due on the as-of day: how many, how many late, and the sum of days between due
        date and payment (or the as-of day when unpaid then). An invoice is paid on the
        day its payments and credit notes dated up to the as-of day cover it; what came
        later does not count."""
        self.env.cr.execute(
            SQL(
                """
            SELECT invoice.partner, COUNT(*), COUNT(*) FILTER (WHERE d.days > 0),
                SUM(d.days)
              FROM (SELECT p.commercial_partner_id AS partner,
                  m.invoice_date_due AS due,
                           CASE WHEN m.amount_total_signed - COALESCE(SUM(pr.amount), 0)
                               < %(tolerance)s
                                THEN MAX(payment.date) END AS paid_on
                      FROM account_move m
                      JOIN res_partner p ON p.id = m.partner_id
                      JOIN account_move_line aml ON aml.move_id = m.id
                          AND aml.display_type = 'payment_term'
                      LEFT JOIN (account_partial_reconcile pr
                                 JOIN account_move_line payment
                                     ON payment.id = pr.credit_move_id
                                    AND payment.date <= %(as_of)s)
                             ON pr.debit_move_id = aml.id
                     WHERE m.company_id = %(company)s AND m.move_type = 'out_invoice'
                         AND m.state = 'posted'
                       AND m.invoice_date BETWEEN %(start)s AND %(as_of)s
                       AND NOT (m.payment_state = 'reversed' AND EXISTS (
                           SELECT 1 FROM account_move r WHERE r.reversed_entry_id = m.id
                               AND r.state = 'posted'
                                                          AND r.invoice_date <=
                                                              %(as_of)s))
                     GROUP BY m.id, p.commercial_partner_id) invoice,
                   LATERAL (SELECT COALESCE(invoice.paid_on,
                       %(as_of)s) - invoice.due AS days) d
             WHERE d.days IS NOT NULL AND (invoice.paid_on IS NOT NULL OR d.days > 0)
             GROUP BY invoice.partner
            """,
                company=company.id,
                start=period["window_start"],
                as_of=period["as_of"],
                tolerance=company.currency_id.rounding / 2,
            )
        )
        rows = self.env.cr.fetchall()
        return {
            "partner": np.array([r[0] for r in rows], dtype=np.int64),
            "count": np.array([r[1] for r in rows], dtype=np.int64),
            "late": np.array([r[2] for r in rows], dtype=float),
            "days": np.array([r[3] for r in rows], dtype=float),
        }

    def _fetch_profiles(self, company):
        names = list(PROFILE_COLUMNS) + ["pin_tier", "pin_expiry"]
        self.env.cr.execute(
            SQL(
                "SELECT partner_id, id, %s FROM customer_profile WHERE company_id = %s "
                "ORDER BY partner_id",
                SQL(", ").join(SQL.identifier(c) for c in names),
                company.id,
            )
        )
        rows = self.env.cr.fetchall()
        result = {
            "partner": np.array([r[0] for r in rows], dtype=np.int64),
            "id": np.array([r[1] for r in rows], dtype=np.int64),
        }
        for i, name in enumerate(names, 2):
            column = [r[i] for r in rows]
            kind = PROFILE_COLUMNS.get(name, "other")
            if kind in ("int4", "m2o"):
                result[name] = np.array([v or 0 for v in column], dtype=np.int64)
            elif kind in ("numeric", "float8"):
                result[name] = np.array(
                    [np.nan if v is None else float(v) for v in column], dtype=float
                )
            elif kind == "bool":
                result[name] = np.array([bool(v) for v in column], dtype=bool)
            elif name == "pin_tier":
                result[name] = np.array([v or "" for v in column], dtype=object)
            else:
                result[name] = np.array(column, dtype=object)
        return result


def _same(new, old, kind):
    """Element-wise: is the new value the stored one? (NULL, NaN and a 0 id are all
    empty.)"""
    if kind in ("numeric", "float8"):
        new, old = np.asarray(new, dtype=float), np.asarray(old, dtype=float)
        return (np.isnan(new) & np.isnan(old)) | (
            np.abs(np.nan_to_num(new) - np.nan_to_num(old)) < 1e-6
        ) & (np.isnan(new) == np.isnan(old))
    if kind in ("int4", "m2o", "bool"):
        return np.nan_to_num(np.asarray(new, dtype=float)) == np.asarray(
            old, dtype=float
        )
    return np.array(
        [
            (a or None) == (b or None)
            for a, b in zip(new.tolist(), old.tolist(), strict=False)
        ],
        dtype=bool,
    )


def _sql_array(array, kind):
    """A typed SQL array parameter for a column of ``kind``: NaN, None and '' are NULL,
    and so is a 0 id."""
    sql_type = SQL({"m2o": "int4"}.get(kind, kind) + "[]")
    array = np.asarray(array)
    if array.dtype.kind == "O":
        nulls = np.array(
            [
                v is None or v == "" or (isinstance(v, float) and np.isnan(v))
                for v in array.tolist()
            ],
            dtype=bool,
        )
    elif array.dtype.kind == "f":
        nulls = np.isnan(array)
    else:
        nulls = np.zeros(len(array), dtype=bool)
    if kind == "m2o":
        nulls |= array == 0
    if kind in ("int4", "m2o") and array.dtype.kind == "f":
        array = np.where(nulls, 0, np.round(array)).astype(np.int64)
    values = array.tolist()
    if kind == "varchar" and not all(
        _PLAIN_TEXT.fullmatch(v) and v.upper() != "NULL"
        for v in set(array[~nulls].tolist())
    ):
        return SQL(
            "%s::%s",
            array_literal(
                [
                    None if null else v
                    for v, null in zip(values, nulls.tolist(), strict=False)
                ]
            ),
            sql_type,
        )
    return SQL(
        "%s::%s", plain_array_literal(values, np.flatnonzero(nulls).tolist()), sql_type
    )


def _scatter(n, positions, values, fill=0.0, dtype=float):
    """``n`` times ``fill``, with ``values`` at ``positions``."""
    result = np.full(n, fill, dtype=dtype)
    result[positions] = values
    return result
