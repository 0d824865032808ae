"""The segmentation run of one company as of a day: load → compute → write.

Plain functions, not a model: ``load`` holds the SQL that reads a run's figures,
``lib/engine.compute`` the numbers, ``write`` the bulk writes. ``segmentation`` chains
them for a run record; ``run`` chains the named steps of a whole run (STEPS), timing
each one in ``timings`` when given (the benchmark reads them).
"""

import contextlib
import dataclasses
import datetime
import io
import time

import numpy as np
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tools import SQL

from .lib import clusters, clv, crosssell
from .lib import engine as lib_engine
from .lib.arrays import distinct
from .lib.engine import PREDICTION_COLUMNS, PROFILE_COLUMNS, Columns, Settings
from .lib.sqlarrays import (
    COPY_NULL,
    array_literal,
    binary_copy,
    copied_rows,
    copy_column,
    decoded_column,
    float_text,
    int_text,
    plain_array_literal,
    rows_to_columns,
)

# A run's named steps, in order: the load of its figures, their computation, the
# predictions of customer.segmentation.run (lifetime value, clusters), the write of
# the profiles with both, then cross-sell.
STEPS = (
    "load",
    "compute",
    "lifetime_value",
    "clusters",
    "write",
    "crosssell",
)
WEEK = 7.0
WEEKS_PER_MONTH = 365.25 / 12 / WEEK
# Cluster features: (profile column, log-scaled); their words are the profile's
# (customer.profile._cluster_words).
CLUSTER_FEATURES = [
    ("recency_days", True),
    ("frequency", True),
    ("monetary", True),
    ("margin_share", False),
    ("payment_days", False),
]


CLV_NUMBERS = [
    "clv_r",
    "clv_alpha",
    "clv_a",
    "clv_b",
    "clv_p",
    "clv_q",
    "clv_gamma",
    "clv_alive_share",
]

# A prediction is rewritten when it moved by more than this share of its value (at
# least this much in absolute terms): a day older, every customer's figures move a
# little.
PREDICTION_TOLERANCE = 0.01
# The same for a customer's rank and shares (lib/engine.POSITION_COLUMNS).
POSITION_TOLERANCE = 0.01
# Between refits, the cross-sell pairs are recomputed once more than this share of
# some segment's customers moved in or out of it since they were computed.
CROSSSELL_DRIFT = 0.01
# Refresh customer_profile's planner statistics after inserting at least this many rows.
ANALYZE_AFTER_INSERTS = 1000


@contextlib.contextmanager
def local_settings(cr, **settings):
    """PostgreSQL ``settings`` (name=value) for the statements of the block (fetch
    their rows inside it), then back to the server's for the rest of the
    transaction; after an error, the rollback undoes them."""
    for name, value in settings.items():
        cr.execute(SQL("SELECT set_config(%s, %s, true)", name, str(value)))
    yield
    for name in settings:
        cr.execute(SQL("SET LOCAL %s TO DEFAULT", SQL.identifier(name)))


# The run's reads go without PostgreSQL's JIT compilation: a plan's estimated cost
# makes it inline and optimise the expressions, which costs more than it saves (7 of
# 22 s of the cohort report on the 200,000-customer benchmark).
READING_SETTINGS = {"jit": "off"}
# A read that groups hundreds of thousands of rows (the payments per invoice, then per
# customer; the cohort report's customer-months) gets more memory per sort and hash
# than the server's default of 4 MB, with which both spill to disk: the payments of
# 100,000 customers (400,000 invoices) took 2.9 s instead of 2.1 s. (The other reads
# gain nothing from it: the orders' read took 0.1 s more.)
GROUPING_MEMORY = {"work_mem": "64MB"}

# PostgreSQL 15 has no parallel string_agg: the plan of a query that aggregates its
# rows into one text is serial unless sending the rows from parallel workers to the
# leader looks cheap. It is (the join of 2 million order lines took 3.6 s serial,
# 2.0 s with two workers gathering their rows).
ROWS_GATHERED_IN_PARALLEL = {"parallel_tuple_cost": 0.001}


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


def run(env, company, as_of, timings=None, force=False, refit=None):
    """The run of ``company`` as of ``as_of`` (a date, the company's day): its
    customer.segmentation.run, made or updated. ``env`` is a superuser environment
    of the company. Each profile is written once, with its figures and its
    predictions, and only when they moved. The models are reused while they are
    fresh (the company's refit days): on a night that refits, every customer's
    predictions are recomputed and those that moved beyond PREDICTION_TOLERANCE
    rewritten; on the nights between, only the customers whose figures changed get
    new predictions (the others keep those of the refit day) and the cross-sell
    pairs are kept unless the segments drifted (_crosssell_due). ``force``
    rewrites every figure exactly, ``refit`` (True / False) overrides the refit
    policy."""
    timer = _Timer(timings)
    started = time.perf_counter()
    period = company._customer_period(as_of)
    today = period["as_of"]
    Run = env["customer.segmentation.run"]
    env.flush_all()
    run = Run.search([("company_id", "=", company.id), ("date", "=", today)]) or (
        Run.create({"company_id": company.id, "date": today})
    )
    run = run.sudo().with_company(company)
    columns = timer("load", load, env, company, period)
    settings = timer("load", company_settings, env, company, today)
    if not force:
        settings = dataclasses.replace(settings, tolerance=POSITION_TOLERANCE)
    result = timer("compute", lib_engine.compute, columns, settings)
    if force:  # every stored profile rewritten, as if none were known
        result = dataclasses.replace(
            result, rows_update=np.flatnonzero(result.profile_id > 0)
        )
    segmented = time.perf_counter()

    fitted = None if refit else _fitted_run(run, company, any_age=refit is False)
    # The customers whose predictions are recomputed: all when refitting, else
    # those whose figures moved.
    scope = None
    if fitted is not None and not force:
        scope = np.zeros(len(result.partners), dtype=bool)
        scope[result.rows_update] = scope[result.rows_insert] = True
    days = timer(
        "lifetime_value",
        _fetch_order_days,
        run,
        company,
        period,
        None if scope is None else result.partners[scope],
    )
    lifetime = timer(
        "lifetime_value",
        _predict_lifetime_value,
        run,
        company,
        today,
        days,
        fitted,
        scope is not None,
    )
    grouping = timer(
        "clusters",
        _cluster_customers,
        run,
        company,
        fitted,
        result,
        columns.profiles,
        scope,
    )
    run.model_fit_date = fitted.model_fit_date if fitted else run.date
    predicted = time.perf_counter()

    result = timer(
        "write",
        lib_engine.with_predictions,
        result,
        columns.profiles,
        _predicted_columns(result.partners, lifetime, grouping),
        scope,
        0.0 if force else PREDICTION_TOLERANCE,
    )
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
    written = time.perf_counter()
    run.write(
        {
            "customer_count": len(result.partners),
            "changed_count": changed_count,
            "downgrade_count": downgrade_count,
            "activity_count": run.activity_count + activity_count,
            "run_notes": result.notes or False,
        }
    )
    # None: every segment's pairs; else only the segments that drifted (maybe none).
    due, days = (None, {}) if force or fitted is None else _crosssell_due(run, company)
    if due is None or due:
        timer("crosssell", _crosssell_rules, run, company, period, due, days)
    run.write(
        {
            "duration": (segmented - started) + (written - predicted),
            "prediction_duration": (predicted - segmented)
            + (time.perf_counter() - written),
        }
    )
    return run


def _fitted_run(run, company, any_age=False):
    """The latest run (up to this one) whose models are still fresh enough to
    reuse, or None when the refit is due. ``any_age``: the latest, however old."""
    domain = [
        ("company_id", "=", company.id),
        ("date", "<=", run.date),
        ("model_fit_date", "!=", False),
    ]
    if not any_age:
        days = company.customer_model_refit_days
        if not days:
            return None
        domain.append(("model_fit_date", ">", run.date - datetime.timedelta(days=days)))
    return run.search(domain, order="date desc", limit=1) or None


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
    """The columns of a run (lib/engine.Columns) for ``period``. Each query's rows
    become arrays before the next query runs (the rows of 10^5 customers as Python
    tuples weigh more than their arrays)."""
    return Columns(
        **_orders(env, company, period),
        **_refunds(env, company, period),
        **_payments(env, company, period),
        profiles=_profiles(env, company),
    )


def _fetch_number_columns(env, query, spec, settings=None):
    """The rows of ``query`` as numpy columns, each column sent by the server as one
    text parsed in C (as _fetch_bought's keys): ``spec`` gives per column its name,
    its kind ("int", "float" or "day", a date sent as its day number and returned
    as a ``datetime.date``) and the value of NULL (None: NaN for a float; a day's
    is None). A Python tuple per row costs more than the query for 10^5 customers."""
    texts = SQL(", ").join(
        SQL(
            "string_agg(COALESCE((q.%s%s)::text, %s), ',')",
            SQL.identifier(name),
            SQL(" - DATE '1970-01-01'") if kind == "day" else SQL(""),
            str(-(2**40)) if kind == "day" else "nan" if null is None else str(null),
        )
        for name, kind, null in spec
    )
    with local_settings(
        env.cr, **READING_SETTINGS, **ROWS_GATHERED_IN_PARALLEL, **(settings or {})
    ):
        env.cr.execute(
            SQL(
                "SELECT %s FROM (%s) AS q(%s)",
                texts,
                query,
                SQL(", ").join(SQL.identifier(name) for name, _k, _n in spec),
            )
        )
        row = env.cr.fetchone()
    columns = {}
    for (name, kind, _null), text in zip(spec, row, strict=True):
        if kind == "float":
            columns[name] = float_text(text)
        elif kind == "day":
            days = int_text(text)
            dates = (np.datetime64("1970-01-01") + days).astype(object)
            columns[name] = np.where(days > -(2**39), dates, None)
        else:
            columns[name] = int_text(text)
    return columns


def _orders(env, company, period):
    """Per customer, the window's confirmed orders: count, last order day (company
    time zone), revenue and margin in company currency."""
    has_margin = "margin" in env["sale.order"]._fields
    return _fetch_number_columns(
        env,
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
        ),
        (
            ("order_partner", "int", 0),
            ("order_count", "int", 0),
            ("last_order", "day", None),
            ("revenue", "float", 0.0),
            ("margin", "float", None),
        ),
    )


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
    return rows_to_columns(
        env.cr.fetchall(),
        (("refund_partner", np.int64, 0), ("refund_amount", float, 0.0)),
    )


def _payments(env, company, period):
    """Per customer, over the posted invoices of the window that were paid or past
    due on the as-of day: how many, how many late, and the sum of days between due
    date and payment (or the as-of day when unpaid then). An invoice is paid on the
    day its payments and credit notes dated up to the as-of day cover it; what came
    later does not count."""
    return _fetch_number_columns(
        env,
        SQL(
            """
        SELECT invoice.partner, COUNT(*), COUNT(*) FILTER (WHERE d.days > 0),
            SUM(d.days), COUNT(*) FILTER (WHERE invoice.paid_on IS NULL)
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
                   -- an anti-join, not NOT (... AND EXISTS): that form is run as a
                   -- hashed subplan over every move and keeps the query serial
                   -- (5x slower than its scan)
                   AND NOT EXISTS (
                       SELECT 1 FROM account_move r WHERE r.reversed_entry_id = m.id
                           AND m.payment_state = 'reversed' AND r.state = 'posted'
                           AND r.invoice_date <= %(as_of)s)
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
        ),
        (
            ("payment_partner", "int", 0),
            ("payment_count", "int", 0),
            ("payment_late", "float", None),
            ("payment_days", "float", None),
            ("payment_overdue", "int", 0),
        ),
        GROUPING_MEMORY,
    )


def _profiles(env, company):
    """The company's stored profiles, by column: "partner", "id", PROFILE_COLUMNS
    and PREDICTION_COLUMNS (NULL as 0, NaN or False by kind, None for a day or a
    text), "pin_tier" ('' for none), "pin_expiry"."""
    kinds = {
        "partner_id": "m2o",
        "id": "m2o",
        **PROFILE_COLUMNS,
        **PREDICTION_COLUMNS,
        "pin_tier": "varchar",
        "pin_expiry": "date",
    }
    columns = _read_rows(
        env,
        SQL(
            "SELECT %s FROM customer_profile WHERE company_id = %s ORDER BY partner_id",
            SQL(", ").join(SQL.identifier(c) for c in kinds),
            company.id,
        ),
        kinds,
        {"pin_tier": ""},
    )
    columns["partner"] = columns.pop("partner_id")
    return columns


def _read_rows(env, query, kinds, nulls=None):
    """The rows of ``query`` (its columns named as the keys of ``kinds``, column ->
    kind as copy_column's) by column, sent by one binary COPY of 8-byte values (as
    the bulk writes send theirs) and decoded by lib/sqlarrays.decoded_column
    (``nulls``: column -> what stands for NULL there, else the kind's). A Python
    tuple per row costs more than the query for 10^5 customers. The texts go as
    their positions among their distinct values, read first."""
    texts = [name for name, kind in kinds.items() if kind == "varchar"]
    labels = {}
    if texts:
        env.cr.execute(
            SQL(
                "SELECT %s FROM (%s) AS q",
                SQL(", ").join(
                    SQL(
                        "COALESCE(array_agg(DISTINCT q.%s::text) FILTER (WHERE q.%s "
                        "IS NOT NULL), '{}')",
                        SQL.identifier(name),
                        SQL.identifier(name),
                    )
                    for name in texts
                ),
                query,
            )
        )
        labels = dict(zip(texts, env.cr.fetchone(), strict=True))
    buffer = io.BytesIO()
    with local_settings(env.cr, **READING_SETTINGS):
        env.cr.copy_expert(
            env.cr.mogrify(
                SQL(
                    "COPY (SELECT %s FROM (%s) AS q) TO STDOUT WITH (FORMAT binary)",
                    SQL(", ").join(
                        _copy_encoded(kind, SQL.identifier("q", name), labels.get(name))
                        for name, kind in kinds.items()
                    ),
                    query,
                )
            ).decode(),
            buffer,
        )
    values = copied_rows(
        buffer.getbuffer(), [kind in ("numeric", "float8") for kind in kinds.values()]
    )
    nulls = nulls or {}
    return {
        name: decoded_column(column, kind, labels.get(name), nulls.get(name))
        for (name, kind), column in zip(kinds.items(), values, strict=True)
    }


def _copy_encoded(kind, column, labels):
    """SQL: ``column`` of ``kind`` encoded as lib/sqlarrays.copy_column encodes it
    (an int8 or a float8, never NULL; ``labels``: the texts' list), for
    lib/sqlarrays.decoded_column to read back."""
    if kind in ("numeric", "float8"):
        return SQL("COALESCE(%s::float8, 'NaN')", column)
    if kind == "date":
        value = SQL("(%s - DATE '1970-01-01')", column)
    elif kind == "varchar":
        value = SQL("array_position(%s::text[], %s::text)", labels, column)
    elif kind == "bool":
        value = SQL("%s::int4", column)
    else:
        value = column
    return SQL("COALESCE(%s::int8, %s)", value, COPY_NULL)


# ---------------------------------------------------------------------- write
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
    values = result.values
    kinds = {**PROFILE_COLUMNS, **PREDICTION_COLUMNS}
    columns = list(kinds)

    def figures(rows):
        return {c: (kinds[c], values[c][rows]) for c in columns}

    if len(result.rows_update):
        rows = result.rows_update
        copied = _copy_rows(
            env.cr, {"id": ("m2o", result.profile_id[rows]), **figures(rows)}
        )
        env.cr.execute(
            SQL(
                "UPDATE customer_profile p SET %s FROM customer_copied_rows v "
                "WHERE p.id = %s",
                SQL(", ").join(
                    SQL("%s = %s", SQL.identifier(c), copied[c]) for c in columns
                ),
                copied["id"],
            )
        )
        env.cr.execute("DROP TABLE customer_copied_rows")
    if len(result.rows_insert):
        rows = result.rows_insert
        copied = _copy_rows(
            env.cr, {"partner_id": ("m2o", result.partners[rows]), **figures(rows)}
        )
        env.cr.execute(
            SQL(
                "INSERT INTO customer_profile (partner_id, company_id, %s) SELECT "
                "%s, %s, %s FROM customer_copied_rows v",
                SQL(", ").join(SQL.identifier(c) for c in columns),
                copied["partner_id"],
                company.id,
                SQL(", ").join(copied[c] for c in columns),
            )
        )
        env.cr.execute("DROP TABLE customer_copied_rows")
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


# ---------------------------------------------------------------------- lifetime value
def _fetch_order_days(run, company, period, scope=None):
    """Per customer and order day (company time zone), over the customer's whole
    history up to the as-of day: the untaxed amount in company currency. The RFM
    window does not cut it: the purchase model needs each customer's first purchase
    ever. ``scope``: only these customers (commercial partner ids), by index. The
    rows (one per customer and day, ~10^6) come in no particular order."""
    return _fetch_number_columns(
        run.env,
        SQL(
            """
        SELECT p.commercial_partner_id,
               (o.date_order AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
                   - DATE '1970-01-01',
               SUM(o.amount_untaxed / COALESCE(NULLIF(o.currency_rate, 0), 1))
          FROM sale_order o
          JOIN res_partner p ON p.id = o.partner_id
         WHERE o.company_id = %(company)s AND o.state = 'sale'
           AND o.date_order < %(end)s %(scope)s
         GROUP BY 1, 2
        """,
            tz=period["tz"],
            company=company.id,
            end=period["end"],
            scope=SQL("")
            if scope is None
            else SQL(
                "AND o.partner_id IN (SELECT id FROM res_partner WHERE "
                "commercial_partner_id = ANY(%s::int[]))",
                plain_array_literal(scope.tolist()),
            ),
        ),
        (("partner", "int", 0), ("day", "int", 0), ("value", "float", 0.0)),
    )


def _rfm_inputs(days, until_day):
    """BG/NBD and Gamma-Gamma inputs (x, t_x, T in weeks, m) from the order days up
    to ``until_day`` included."""
    return clv.purchase_day_summary(
        days["partner"], days["day"], days["value"], until_day, WEEK
    )


def _fit_purchases(x, t_x, T):
    patterns = clv.summarize_patterns(x, t_x, T)
    return clv.fit_bgnbd(
        patterns["x"], patterns["t_x"], patterns["T"], patterns["weights"]
    )


def _format_parameters(params):
    """``name = value`` of each parameter, alpha with its unit (the models count in
    weeks)."""
    return ", ".join(
        f"{name} = {value:.5g}" + (" weeks" if name == "alpha" else "")
        for name, value in params.items()
    )


def _predict_lifetime_value(run, company, today, days, fitted=None, partial=False):
    """Per customer, the predictions of the models fitted today or, when ``fitted``
    (a run) is given, of that run's models. ``partial``: ``days`` are those of some
    customers only, so the share of customers alive stays the fit's."""
    today_day = lib_engine.day_number(today)
    customers, x, t_x, T, m = _rfm_inputs(days, today_day)
    if fitted is not None:
        notes = fitted.prediction_notes or {}
        run.write(
            {
                "clv_parameters": fitted.clv_parameters,
                "clv_calibration_parameters": fitted.clv_calibration_parameters,
                **{name: fitted[name] for name in CLV_NUMBERS},
                "prediction_notes": {
                    **(run.prediction_notes or {}),
                    "clv": notes.get("clv", False),
                    "holdout": notes.get("holdout", False),
                },
            }
        )
        if not fitted.clv_parameters:
            return None
        params = {name: fitted[f"clv_{name}"] for name in ("r", "alpha", "a", "b")}
        spend = {name: fitted[f"clv_{name}"] for name in ("p", "q", "gamma")}
        predictions = _lifetime_predictions(company, params, spend, x, t_x, T, m)
        if not partial:
            run.clv_alive_share = float(
                np.nanmean(predictions["probability_alive"]) if len(x) else 0.0
            )
        return customers, predictions
    try:
        fit = _fit_purchases(x, t_x, T)
        if not fit["converged"]:
            raise clv.NotEnoughData(fit["message"], "purchase_not_converged")
        repeat = (x > 0) & (m > 0)
        spend = clv.fit_gamma_gamma(x[repeat], m[repeat])
        if not spend["converged"]:
            raise clv.NotEnoughData(spend["message"], "spend_not_converged")
    except clv.NotEnoughData as error:
        run.write(
            {
                "clv_parameters": False,
                **dict.fromkeys(CLV_NUMBERS, 0.0),
                "clv_calibration_parameters": False,
                "prediction_notes": {
                    **(run.prediction_notes or {}),
                    "clv": _reason_codes(error),
                    "holdout": False,
                },
            }
        )
        return None
    predictions = _lifetime_predictions(
        company, fit["params"], spend["params"], x, t_x, T, m
    )
    report, calibration = _holdout_report(run, company, today, days)
    run.write(
        {
            "clv_parameters": "; ".join(
                _format_parameters(p) for p in (fit["params"], spend["params"])
            ),
            **{
                f"clv_{name}": float(value)
                for name, value in {**fit["params"], **spend["params"]}.items()
            },
            "clv_alive_share": float(np.nanmean(predictions["probability_alive"])),
            "clv_calibration_parameters": calibration
            and _format_parameters(calibration),
            "prediction_notes": {
                **(run.prediction_notes or {}),
                "clv": False,
                "holdout": report,
            },
        }
    )
    return customers, predictions


def _lifetime_predictions(company, params, spend_params, x, t_x, T, m):
    """The profile's prediction columns from the models' parameters."""
    horizon = company.customer_clv_horizon_months
    # Extreme fitted parameters can overflow the hypergeometric term for a few
    # customers: those predictions stay empty rather than invented.
    with np.errstate(all="ignore"):
        alive = clv.bgnbd_probability_alive(params, x, t_x, T)
        per_month = clv.bgnbd_expected_purchases_by_period(
            params, x, t_x, T, horizon, WEEKS_PER_MONTH
        )
        value = clv.gamma_gamma_expected_value(spend_params, x, m)
        lifetime = clv.discounted_clv(
            np.nan_to_num(per_month, nan=0.0),
            value,
            horizon,
            company.customer_clv_discount_rate,
            12,
        )
    lifetime = np.where(np.isfinite(per_month).all(axis=1), lifetime, np.nan)
    return {
        "probability_alive": alive * 100,
        "expected_purchases": per_month.sum(axis=1),
        "expected_order_value": value,
        "lifetime_value": lifetime,
    }


def _holdout_report(run, company, today, days):
    """Fit on the history up to the day before the last months (the holdout), then
    compare the purchases predicted in the holdout with the actual ones. Returns the
    check's figures (see _holdout_html) and the calibration fit's parameters (False
    when there is no check)."""
    holdout = company.customer_holdout_months
    calibration_end = today - relativedelta(months=holdout)  # its last day, included
    end_day, today_day = (
        lib_engine.day_number(calibration_end),
        lib_engine.day_number(today),
    )
    customers, x, t_x, T, _m = _rfm_inputs(days, end_day)
    try:
        fit = _fit_purchases(x, t_x, T)
    except clv.NotEnoughData as error:
        return {"reason": _reason_codes(error)}, False
    weeks = (today_day - end_day) / WEEK
    with np.errstate(all="ignore"):
        predicted = clv.bgnbd_expected_purchases(fit["params"], x, t_x, T, weeks)
    later = (days["day"] > end_day) & (days["day"] <= today_day)
    actual_counts = dict(
        zip(*np.unique(days["partner"][later], return_counts=True), strict=False)
    )
    actual = np.array(
        [actual_counts.get(pid, 0) for pid in customers.tolist()], dtype=float
    )
    finite = np.isfinite(predicted)
    if finite.sum() < 10:
        return {"end": str(calibration_end), "too_few": True}, False
    check = clv.holdout_check(predicted[finite], actual[finite])
    return {
        "end": str(calibration_end),
        "today": str(today),
        "months": holdout,
        "predicted": float(check["predicted_total"]),
        "actual": float(check["actual_total"]),
        "rows": [
            [int(count), float(pred), float(act)]
            for count, pred, act in zip(
                check["count"].tolist(),
                check["predicted"].tolist(),
                check["actual"].tolist(),
                strict=False,
            )
        ],
    }, fit["params"]


def _predicted_columns(partners, lifetime, grouping):
    """The PREDICTION_COLUMNS per customer of ``partners`` from the lifetime value
    and cluster steps' (partners, columns): empty where a step found nothing."""
    predicted = {}
    for name, kind in PREDICTION_COLUMNS.items():
        predicted[name] = np.full(
            len(partners), np.nan if kind == "float8" else None, dtype=object
        )
    for step in (lifetime, grouping):
        if step is None:
            continue
        step_partners, step_columns = step
        at = np.searchsorted(partners, step_partners)
        known = at < len(partners)
        known[known] = partners[at[known]] == step_partners[known]
        for name, values in step_columns.items():
            values = np.asarray(values)
            if values.dtype.kind == "f":  # infinities stay empty, like NaN
                values = np.where(np.isfinite(values), np.round(values, 4), np.nan)
            predicted[name][at[known]] = values[known]
    return predicted


# ---------------------------------------------------------------------- clusters
def _cluster_customers(run, company, fitted, result, stored, scope=None):
    """The customers' clusters, from the run's figures (``result``): k-means fitted
    today or, when ``fitted`` (a run) has a cluster model, today's standardized
    figures assigned to its centres. ``scope`` (a mask of the result's customers):
    only these get a new cluster (the others keep theirs, from ``stored``, the
    profiles as loaded, and the run's cluster table counts them there); the figures
    are standardized over every customer either way."""
    positions, strata, features = lib_engine.cluster_inputs(result, run.date)
    partners = result.partners[positions]
    k = company.customer_cluster_count
    if len(positions) < 3 * max(k, 2) * 2:
        run.write(
            {
                "cluster_count": 0,
                "cluster_silhouette": 0.0,
                "prediction_notes": {
                    **(run.prediction_notes or {}),
                    "clusters": len(positions),
                },
                "cluster_table": False,
                "cluster_model": False,
            }
        )
        return None
    z, _mean, _std = clusters.log_standardize(
        features, [i for i, (_n, log) in enumerate(CLUSTER_FEATURES) if log]
    )
    model = fitted.cluster_model if fitted is not None else None
    if model and k in (0, len(model["codes"])):
        codes = model["codes"]
        k = len(codes)
        labels = clusters.assign(z, np.array(model["centers"], dtype=float))
        silhouette = fitted.cluster_silhouette
        if scope is not None:
            labels_written = scope[positions]
            kept = np.zeros(len(result.partners), dtype=np.int64)
            kept[np.searchsorted(result.partners, stored["partner"])] = stored[
                "cluster_index"
            ]
            kept = kept[positions]
            keep = ~labels_written & (kept > 0) & (kept <= k)
            labels = np.where(keep, kept - 1, labels)
        else:
            labels_written = None
    else:
        labels_written = None
        labels, codes, k, silhouette, centers = _fit_clusters(z, strata, k)
        model = {"centers": centers.tolist(), "codes": list(codes)}
    run.write(
        {
            "cluster_count": k,
            "cluster_silhouette": silhouette,
            "prediction_notes": {
                key: value
                for key, value in (run.prediction_notes or {}).items()
                if key != "clusters"
            },
            "cluster_table": _cluster_table(run, company, features, labels, codes),
            "cluster_model": model,
        }
    )
    if labels_written is not None:
        partners, labels = partners[labels_written], labels[labels_written]
    return partners, {
        "cluster_index": labels + 1,
        "cluster_code": np.array([codes[c] for c in labels.tolist()], dtype=object),
    }


def _fit_clusters(z, strata, k):
    """k-means on the standardized figures ``z`` (``strata``: the customers'
    segments, for the samples): (labels, codes, k, silhouette, centres)."""
    strata = np.asarray(strata, dtype=np.int64)
    scores = {}
    if not k:
        k, scores = clusters.choose_k(
            z, range(2, 7), sample_size=3000, strata=strata, seed=0
        )
        k = k or 2
    result = clusters.kmeans(z, k, seed=0)
    sample = clusters.stratified_sample(strata, 3000, seed=0)
    silhouette = (
        scores.get(k)
        if scores
        else clusters.silhouette(z[sample], result["labels"][sample])
    )
    codes = clusters.trait_codes(
        result["centers"], [name for name, _log in CLUSTER_FEATURES]
    )
    # Customers that all look alike have no silhouette (NaN): it shows as 0.
    silhouette = (
        float(silhouette) if silhouette is not None and np.isfinite(silhouette) else 0.0
    )
    return result["labels"], codes, k, silhouette, result["centers"]


def _cluster_table(run, company, features, labels, codes):
    """Per cluster, largest first: its traits' code, size, revenue and its typical
    (median) customer in units."""
    table = []
    for cluster in np.argsort(-np.bincount(labels), kind="stable").tolist():
        members = features[labels == cluster]
        recency, orders, typical_revenue, _margin, pay = (
            float(np.nanmedian(members[:, i]))
            if np.isfinite(members[:, i]).any()
            else None
            for i in range(members.shape[1])
        )
        table.append(
            {
                "code": codes[cluster],
                "size": len(members),
                "revenue": float(np.nansum(members[:, 2])),
                "recency": recency,
                "orders": orders,
                "typical_revenue": typical_revenue,
                "pay": pay,
            }
        )
    return table


# ---------------------------------------------------------------------- cross-sell
def _fetch_bought(env, company, period):
    """What each customer with a segment bought in the window: one entry per customer
    and product, as three int64 arrays (partner, product, segment). The lines are
    made distinct in numpy (a hash of hundreds of thousands of groups would spill to
    disk), as one int64 key per line (customer << 32 | product: ids are below 2^31)."""
    keys = _fetch_number_columns(
        env,
        SQL(
            """
        SELECT p.commercial_partner_id::int8 << 32 | l.product_id
          FROM sale_order_line l
          JOIN sale_order o ON o.id = l.order_id
          JOIN res_partner p ON p.id = o.partner_id
         WHERE o.company_id = %(company)s AND o.state = 'sale'
           AND o.date_order >= %(start)s AND o.date_order < %(end)s
           AND l.product_id IS NOT NULL AND l.display_type IS NULL
           AND l.product_uom_qty > 0
        """,
            company=company.id,
            start=period["start"],
            end=period["end"],
        ),
        (("key", "int", 0),),
    )["key"]
    profiles = _fetch_number_columns(
        env,
        SQL(
            "SELECT partner_id, segment_id FROM customer_profile WHERE company_id = %s "
            "AND segment_id IS NOT NULL",
            company.id,
        ),
        (("partner", "int", 0), ("segment", "int", 0)),
    )
    order = np.argsort(profiles["partner"], kind="stable")
    profiled, segment = profiles["partner"][order], profiles["segment"][order]
    keys = distinct(keys)
    partner, product = keys >> 32, keys & 0xFFFFFFFF
    if not len(profiled):
        return {"partner": partner[:0], "product": product[:0], "segment": partner[:0]}
    at = np.minimum(np.searchsorted(profiled, partner), len(profiled) - 1)
    known = profiled[at] == partner
    return {
        "partner": partner[known],
        "product": product[known],
        "segment": segment[at[known]],
    }


def _crosssell_rules(run, company, period, segments=None, days=None):
    """Pairs per segment among the most bought products (a sparse co-occurrence
    count in lib/crosssell); for each product of a segment, its best pairs are
    kept, as many as the suggestions per customer. A customer's suggestions are
    read from them (customer.profile.crosssell_ids), not stored. ``segments``: the
    ids of the only segments whose pairs are recomputed (the others' are kept as
    stored), or None for all; ``days``: the day each segment's pairs were computed
    so far (_crosssell_due's). The most bought products are the company's either
    way, so a segment's pairs are those a recompute of all would give."""
    bought = _fetch_bought(run.env, company, period)
    partner, product, segment = bought["partner"], bought["product"], bought["segment"]
    top = crosssell.top_products(
        partner, product, company.customer_crosssell_max_products
    )
    kept = np.isin(product, top)
    if segments is not None:
        kept &= np.isin(segment, np.fromiter(segments, dtype=segment.dtype))
    rules = crosssell.best_pairs(
        crosssell.pair_stats(
            partner[kept],
            product[kept],
            segment[kept],
            min_customers=company.customer_crosssell_min_customers,
        ),
        company.customer_crosssell_top_n,
    )
    _sync_rows(
        run,
        "customer_crosssell_rule",
        company,
        ("segment_id", "product_a_id", "product_b_id"),
        {
            "segment_id": ("int4", rules["group"]),
            "product_a_id": ("int4", rules["a"]),
            "product_b_id": ("int4", rules["b"]),
            "segment_customers": ("int4", rules["n_group"]),
            "customers_a": ("int4", rules["n_a"]),
            "customers_ab": ("int4", rules["n_ab"]),
            "support": ("float8", np.round(rules["support"], 4)),
            "confidence": ("float8", np.round(rules["confidence"], 4)),
            "lift": ("float8", np.round(rules["lift"], 2)),
        },
        run.env.uid,
        fields.Datetime.now(),
        None
        if segments is None
        else SQL("t.segment_id = ANY(%s)", sorted(int(s) for s in segments)),
    )
    notes = run.prediction_notes or {}
    # The day each segment's pairs were last computed: the drift of a segment is
    # counted from it (_crosssell_due).
    if segments is None:
        computed, segments = {}, _segment_sizes(run.env.cr, company)
    else:
        computed = dict(days or {})
    computed.update({str(s): str(run.date) for s in segments})
    run.env.cr.execute(
        SQL(
            "SELECT COUNT(*) FROM customer_crosssell_rule WHERE company_id = %s",
            company.id,
        )
    )
    run.write(
        {
            "crosssell_rule_count": run.env.cr.fetchone()[0],
            "crosssell_date": run.date,
            "prediction_notes": {
                **notes,
                "crosssell_settings": _crosssell_settings(company),
                "crosssell_segments": computed,
            },
        }
    )
    run.env["customer.crosssell.rule"].invalidate_model()
    run.env["customer.profile"].invalidate_model(["crosssell_ids"])


def _crosssell_settings(company):
    return [
        company.customer_crosssell_min_customers,
        company.customer_crosssell_max_products,
        company.customer_crosssell_top_n,
    ]


def _segment_sizes(cr, company):
    """Customers per segment of the company's profiles (segment id -> count)."""
    cr.execute(
        SQL(
            "SELECT segment_id, COUNT(*) FROM customer_profile WHERE company_id = %s "
            "AND segment_id IS NOT NULL GROUP BY 1",
            company.id,
        )
    )
    return dict(cr.fetchall())


def _crosssell_due(run, company):
    """On a night that reuses the models: the segments whose cross-sell pairs must
    be recomputed (a set of ids, maybe empty), or None for all of them when none
    were computed with today's settings. A segment is due once more than
    CROSSSELL_DRIFT of its customers moved in or out of it since its pairs were
    computed, or when it has customers and no pairs computed yet. When none is due,
    the run keeps the last computation's date and count (the pairs are those
    stored). Returns (the due segments, the day each segment's pairs were computed:
    segment id as text -> ISO date)."""
    last = run.search(
        [
            ("company_id", "=", company.id),
            ("date", "<=", run.date),
            ("crosssell_date", "!=", False),
        ],
        order="date desc",
        limit=1,
    )
    notes = last.prediction_notes or {}
    if not last or notes.get("crosssell_settings") != _crosssell_settings(company):
        return None, {}
    cr = run.env.cr
    sizes = _segment_sizes(cr, company)
    days = notes.get("crosssell_segments")
    if days is None:  # a run from before the days were kept per segment
        days = {str(segment): str(last.crosssell_date) for segment in sizes}
    cr.execute(
        SQL(
            """
        SELECT m.segment_id, r.date, COUNT(*)
          FROM customer_segment_snapshot s
          JOIN customer_segmentation_run r ON r.id = s.run_id
         CROSS JOIN unnest(ARRAY[s.from_segment_id, s.segment_id]) AS m(segment_id)
         WHERE r.company_id = %(company)s AND r.date > %(since)s
           AND r.date <= %(today)s AND m.segment_id IS NOT NULL
           AND s.from_segment_id IS DISTINCT FROM s.segment_id
         GROUP BY 1, 2
        """,
            company=company.id,
            since=min(days.values(), default=str(last.crosssell_date)),
            today=run.date,
        )
    )
    moved = {}
    for segment, day, count in cr.fetchall():
        since = days.get(str(segment))
        if since is not None and str(day) > since:
            moved[segment] = moved.get(segment, 0) + count
    due = {
        segment
        for segment in set(sizes) | set(moved)
        if (str(segment) not in days and sizes.get(segment))
        or moved.get(segment, 0) > CROSSSELL_DRIFT * max(sizes.get(segment, 0), 1)
    }
    if not due:
        run.write(
            {
                "crosssell_date": last.crosssell_date,
                "crosssell_rule_count": last.crosssell_rule_count,
                "prediction_notes": {
                    **(run.prediction_notes or {}),
                    "crosssell_settings": notes["crosssell_settings"],
                    "crosssell_segments": days,
                },
            }
        )
    return due, days


def _sync_rows(run, table, company, keys, columns, uid, now, scope=None):
    """Make the company's rows of ``table`` those given (column -> (type, values)),
    matched on ``keys``: delete the missing, update the changed, insert the new. A
    rerun on unchanged data writes nothing. ``scope``: SQL on ``t`` limiting the
    rows replaced (the others are kept)."""
    names = list(columns)
    _stage_rows(run.env.cr, "customer_sync_rows", columns)
    run.env.cr.execute("ANALYZE customer_sync_rows")
    same_key = SQL(" AND ").join(
        SQL("t.%s = n.%s", SQL.identifier(k), SQL.identifier(k)) for k in keys
    )
    value_names = [c for c in names if c not in keys]
    run.env.cr.execute(
        SQL(
            "DELETE FROM %s t WHERE t.company_id = %s AND %s AND NOT EXISTS "
            "(SELECT 1 FROM customer_sync_rows n WHERE %s)",
            SQL.identifier(table),
            company.id,
            scope or SQL("true"),
            same_key,
        )
    )
    run.env.cr.execute(
        SQL(
            "UPDATE %s t SET %s, write_uid = %s, write_date = %s FROM "
            "customer_sync_rows n WHERE t.company_id = %s AND %s AND (%s)",
            SQL.identifier(table),
            SQL(", ").join(
                SQL("%s = n.%s", SQL.identifier(c), SQL.identifier(c))
                for c in value_names
            ),
            uid,
            now,
            company.id,
            same_key,
            any_differs("t", "n", value_names),
        )
    )
    # What is left once the known keys are removed is new. (An anti-join inside the
    # INSERT would re-read, for each row, the rows it has just inserted: quadratic.)
    run.env.cr.execute(
        SQL(
            "DELETE FROM customer_sync_rows n USING %s t WHERE t.company_id = %s "
            "AND %s",
            SQL.identifier(table),
            company.id,
            same_key,
        )
    )
    run.env.cr.execute(
        SQL(
            "INSERT INTO %s (company_id, %s, create_uid, create_date, write_uid, "
            "write_date) SELECT %s, %s, %s, %s, %s, %s FROM customer_sync_rows n",
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(c) for c in names),
            company.id,
            SQL(", ").join(SQL("n.%s", SQL.identifier(c)) for c in names),
            uid,
            now,
            uid,
            now,
        )
    )
    run.env.cr.execute("DROP TABLE customer_sync_rows")


def _copy_decoded(kind, column, labels):
    """SQL: the int8 or float8 ``column`` of customer_copied_rows ``v`` (its values
    lib/sqlarrays.copy_column's) back in the type of ``kind``, NULL where it was sent
    as NULL."""
    column = SQL.identifier("v", column)
    if kind in ("numeric", "float8"):
        # float8 as text is its shortest exact spelling, as a text literal wrote it
        return SQL(
            "NULLIF(%s, 'NaN')" + ("::text::numeric" if kind == "numeric" else ""),
            column,
        )
    value = SQL("NULLIF(%s, %s)", column, COPY_NULL)
    if kind == "date":
        return SQL("DATE '1970-01-01' + %s::int4", value)
    if kind == "varchar":
        return SQL("(%s::varchar[])[%s]", array_literal(labels), value)
    if kind == "bool":
        return SQL("%s::int4::bool", value)
    return SQL("%s::int4", value)


def _copy_rows(cr, columns):
    """The rows of ``columns`` (name -> (kind, values)) sent by one binary COPY into
    the temporary table customer_copied_rows, of int8 and float8 columns (the caller
    drops it; the commit at the latest). Returns per name the SQL that reads the
    column back in its type from the table as ``v``."""
    encoded = {
        name: copy_column(values, kind) for name, (kind, values) in columns.items()
    }
    cr.execute(
        SQL(
            "CREATE TEMP TABLE customer_copied_rows (%s) ON COMMIT DROP",
            SQL(", ").join(
                SQL(
                    "%s %s",
                    SQL.identifier(name),
                    SQL("float8" if values.dtype.kind == "f" else "int8"),
                )
                for name, (values, _labels) in encoded.items()
            ),
        )
    )
    cr.copy_expert(
        "COPY customer_copied_rows FROM STDIN WITH (FORMAT binary)",
        io.BytesIO(binary_copy([values for values, _labels in encoded.values()])),
    )
    return {
        name: _copy_decoded(kind, name, encoded[name][1])
        for name, (kind, _values) in columns.items()
    }


def _stage_rows(cr, table, columns):
    """A temporary table ``table`` (dropped at commit at the latest) of ``columns``
    (name -> (kind, values)) in their types, sent by binary COPY: the rows' update,
    insert or comparison then read it like a table."""
    copied = _copy_rows(cr, columns)
    cr.execute(
        SQL(
            "CREATE TEMP TABLE %s ON COMMIT DROP AS SELECT %s FROM "
            "customer_copied_rows v",
            SQL.identifier(table),
            SQL(", ").join(
                SQL("%s AS %s", value, SQL.identifier(name))
                for name, value in copied.items()
            ),
        )
    )
    cr.execute("DROP TABLE customer_copied_rows")


def _reason_codes(error):
    """A NotEnoughData as JSON: its code and parameters (worded by _reason)."""
    params = {
        key: int(value) if isinstance(value, float) and value.is_integer() else value
        for key, value in error.params.items()
    }
    return {"code": error.code, "message": str(error), **params}
