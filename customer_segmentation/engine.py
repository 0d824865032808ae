"""The segmentation run of one company as of a day: load → compute → write.

Plain functions, not a model: ``load`` holds the SQL that reads a run's figures,
``lib/engine.compute`` the numbers, ``write`` the bulk writes. ``segmentation`` chains
them for a run record; ``run`` chains the named steps of a whole run (STEPS), timing
each one in ``timings`` when given (the benchmark reads them).
"""

import time

import numpy as np

from odoo.tools import SQL

from .lib import engine as lib_engine
from .lib.engine import PROFILE_COLUMNS, Columns, Settings
from .lib.sqlarrays import plain_array_literal, typed_array

# A run's named steps, in order. "segmentation" is load + compute + write of the
# profiles and the day's changes; the others are the predictions of
# customer.segmentation.run (lifetime value, clusters, cross-sell).
STEPS = ("load", "compute", "write", "predictions", "clusters", "crosssell")
# Refresh customer_profile's planner statistics after inserting at least this many rows.
ANALYZE_AFTER_INSERTS = 1000


class _Timer:
    """Adds each step's seconds to ``timings`` (a dict, or None for no timing)."""

    def __init__(self, timings):
        self.timings = timings

    def __call__(self, step, function, *args):
        started = time.perf_counter()
        result = function(*args)
        if self.timings is not None:
            self.timings[step] = (
                self.timings.get(step, 0.0) + time.perf_counter() - started
            )
        return result


def run(env, company, as_of, timings=None):
    """The run of ``company`` as of ``as_of`` (a date, the company's day): its
    customer.segmentation.run, made or updated. ``env`` is a superuser environment
    of the company."""
    timer = _Timer(timings)
    period = company._customer_period(as_of)
    run = segmentation(env, company, period, timer)
    started = time.perf_counter()
    run = run.sudo().with_company(company)
    days = timer("predictions", run._fetch_order_days, company, period)
    lifetime = timer(
        "predictions", run._predict_lifetime_value, company, period["as_of"], days
    )
    grouping = timer("clusters", run._cluster_customers, company)
    timer("predictions", run._write_predictions, company, lifetime, grouping)
    timer("crosssell", run._crosssell_rules, company, period)
    run.prediction_duration = time.perf_counter() - started
    return run


def segmentation(env, company, period, timer=None):
    """Re-segment every customer of ``company`` with orders in the window of
    ``period`` (res.company._customer_period): nothing after its as-of day counts.
    Safe to repeat. Returns the day's run."""
    timer = timer or _Timer(None)
    started = time.perf_counter()
    Run = env["customer.segmentation.run"]
    env.flush_all()
    today = period["as_of"]
    run = Run.search([("company_id", "=", company.id), ("date", "=", today)]) or (
        Run.create({"company_id": company.id, "date": today})
    )
    columns = timer("load", load, env, company, period)
    settings = timer("load", company_settings, env, company, today)
    result = timer("compute", lib_engine.compute, columns, settings)
    activity_count = timer("write", write, env, company, run, result)
    # The run is the day's: a rerun the same day keeps the changes already recorded
    # that day.
    env.cr.execute(
        SQL(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE moved_down) FROM "
            "customer_segment_snapshot WHERE run_id = %s",
            run.id,
        )
    )
    changed_count, downgrade_count = env.cr.fetchone()
    run.write(
        {
            "customer_count": len(result.partners),
            "changed_count": changed_count,
            "downgrade_count": downgrade_count,
            "activity_count": run.activity_count + activity_count,
            "duration": time.perf_counter() - started,
            "run_notes": result.notes or False,
        }
    )
    return run


# ---------------------------------------------------------------------- load
def company_settings(env, company, as_of):
    """The company's parameters and its rule table, as plain values."""
    # The company's first day of runs sets the baseline: with no earlier run to
    # compare with, it records no changes (a change is a move between two runs).
    baseline = not env["customer.segmentation.run"].search_count(
        [("company_id", "=", company.id), ("date", "<", as_of)], limit=1
    )
    scheme = env["customer.segment.scheme"].search(
        [("company_id", "=", company.id)], limit=1
    ) or env["customer.segment.scheme"]._create_default(company)
    thresholds = {}
    if company.customer_rfm_method == "threshold":
        thresholds = {
            key: company._customer_thresholds(field)
            for key, field in (
                ("r", "customer_recency_thresholds"),
                ("f", "customer_frequency_thresholds"),
                ("m", "customer_monetary_thresholds"),
            )
        }
    rules = scheme.segment_ids
    return Settings(
        as_of=as_of,
        rfm_method=company.customer_rfm_method,
        thresholds=thresholds,
        tier_basis=company.customer_tier_basis,
        strategic_cut=company.customer_strategic_cut,
        key_cut=company.customer_key_cut,
        hysteresis=company.customer_tier_hysteresis,
        segment_ids=tuple(rules.ids),
        segment_rules=tuple((s.r_min, s.r_max, s.f_min, s.f_max) for s in rules),
        watched_segments=frozenset(rules.filtered("watch_downgrade").ids),
        alert_segments=frozenset(rules.filtered("alert_on_arrival").ids),
        baseline=baseline,
    )


def load(env, company, period):
    """The columns of a run (lib/engine.Columns) for ``period``."""
    orders = _orders(env, company, period)
    refunds = _refunds(env, company, period)
    payments = _payments(env, company, period)
    return Columns(
        order_partner=np.array([r[0] for r in orders], dtype=np.int64),
        order_count=np.array([r[1] for r in orders], dtype=np.int64),
        last_order=np.array([r[2] for r in orders], dtype=object),
        revenue=np.array([r[3] or 0.0 for r in orders], dtype=float),
        margin=np.array(
            [np.nan if r[4] is None else r[4] for r in orders], dtype=float
        ),
        refund_partner=np.array([r[0] for r in refunds], dtype=np.int64),
        refund_amount=np.array([float(r[1] or 0.0) for r in refunds], dtype=float),
        payment_partner=np.array([r[0] for r in payments], dtype=np.int64),
        payment_count=np.array([r[1] for r in payments], dtype=np.int64),
        payment_late=np.array([r[2] for r in payments], dtype=float),
        payment_days=np.array([r[3] for r in payments], dtype=float),
        profiles=_profiles(env, company),
    )


def _orders(env, company, period):
    """Per customer, the window's confirmed orders: count, last order day (company
    time zone), revenue and margin in company currency."""
    has_margin = "margin" in env["sale.order"]._fields
    env.cr.execute(
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
    return env.cr.fetchall()


def _refunds(env, company, period):
    env.cr.execute(
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
    return env.cr.fetchall()


def _payments(env, company, period):
    """Per customer, over the posted invoices of the window that were paid or past
    due on the as-of day: how many, how many late, and the sum of days between due
    date and payment (or the as-of day when unpaid then). An invoice is paid on the
    day its payments and credit notes dated up to the as-of day cover it; what came
    later does not count."""
    env.cr.execute(
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
    return env.cr.fetchall()


def _profiles(env, company):
    """The company's stored profiles, by column: "partner", "id", PROFILE_COLUMNS
    (NULL as 0, NaN or False by kind), "pin_tier" ('' for none), "pin_expiry"."""
    names = list(PROFILE_COLUMNS) + ["pin_tier", "pin_expiry"]
    env.cr.execute(
        SQL(
            "SELECT partner_id, id, %s FROM customer_profile WHERE company_id = %s "
            "ORDER BY partner_id",
            SQL(", ").join(SQL.identifier(c) for c in names),
            company.id,
        )
    )
    rows = env.cr.fetchall()
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


# ---------------------------------------------------------------------- write
def sql_array(array, kind):
    """``array`` as a typed SQL array parameter of a column of ``kind`` (the NULL
    rules are lib/sqlarrays.typed_array's)."""
    literal, array_type = typed_array(array, kind)
    return SQL("%s::" + array_type, literal)


def any_differs(left, right, columns):
    """SQL: some column of ``left`` differs from the same column of ``right``."""
    return SQL(" OR ").join(
        SQL(
            "%s IS DISTINCT FROM %s",
            SQL.identifier(left, c),
            SQL.identifier(right, c),
        )
        for c in columns
    )


def write(env, company, run, result):
    """Insert the new profiles, update the changed ones, record the day's changes.
    Returns the number of downgrade activities."""
    _write_profiles(env, company, result)
    return _record_changes(env, company, run, result)


def _write_profiles(env, company, result):
    values, columns = result.values, list(PROFILE_COLUMNS)
    if len(result.rows_update):
        rows = result.rows_update
        env.cr.execute(
            SQL(
                "UPDATE customer_profile p SET %s FROM unnest(%s::int[], %s) AS "
                "v(id, %s) WHERE p.id = v.id",
                SQL(", ").join(
                    SQL("%s = v.%s", SQL.identifier(c), SQL.identifier(c))
                    for c in columns
                ),
                plain_array_literal(result.profile_id[rows].tolist()),
                SQL(", ").join(
                    sql_array(values[c][rows], PROFILE_COLUMNS[c]) for c in columns
                ),
                SQL(", ").join(SQL.identifier(c) for c in columns),
            )
        )
    if len(result.rows_insert):
        rows = result.rows_insert
        env.cr.execute(
            SQL(
                "INSERT INTO customer_profile (partner_id, company_id, %s) SELECT "
                "v.partner_id, %s, %s FROM unnest(%s::int[], %s) AS v(partner_id, "
                "%s)",
                SQL(", ").join(SQL.identifier(c) for c in columns),
                company.id,
                SQL(", ").join(SQL("v.%s", SQL.identifier(c)) for c in columns),
                plain_array_literal(result.partners[rows].tolist()),
                SQL(", ").join(
                    sql_array(values[c][rows], PROFILE_COLUMNS[c]) for c in columns
                ),
                SQL(", ").join(SQL.identifier(c) for c in columns),
            )
        )
        if len(rows) >= ANALYZE_AFTER_INSERTS:
            # Later statements of the run join these rows; until autovacuum sees the
            # commit the planner would take the table for the size it had before
            # (empty on a first run).
            env.cr.execute("ANALYZE customer_profile")
    env["customer.profile"].invalidate_model()
    env["res.partner"].invalidate_model(
        [
            "customer_profile_ids",
            "customer_profile_id",
            "customer_tier",
            "customer_segment_id",
        ]
    )


def _record_changes(env, company, run, result):
    """Snapshot the customers whose segment or tier changed; activities for watched
    downgrades. Returns the number of activities."""
    rows = np.flatnonzero(result.changed)
    if len(rows):
        # The profiles hold this run's values: a snapshot is a copy of the changed
        # ones (a rerun the same day updates the day's snapshots).
        env.cr.execute(
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
                partner=plain_array_literal(result.partners[rows].tolist()),
            )
        )
        env["customer.segment.snapshot"].invalidate_model()
    # One activity per downgrade: only when this run changed the stored segment.
    alert_rows = np.flatnonzero(result.changed & result.values["segment_down"])
    return run._schedule_downgrade_activities(
        company, result.partners[alert_rows], result.values, alert_rows
    )
