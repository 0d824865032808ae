"""The supplier evaluation of one company's periods: load -> compute -> write, then the
trends, clusters and alert rules of the periods.

Plain functions on an Odoo environment, with all the engine's SQL in this module; the
numbers are worked out in lib/engine.py. The periods are always explicit: nothing here
asks for today.

    ids = evaluate(env, company, [(date_from, date_to), ...], timings={})

reads each source once for the whole range, runs the steps of STEPS in order and adds
each one's seconds to ``timings``; one period is the range of one. Within
``with observed(callback):`` every run, whatever its entry point (cron, wizard, tests),
also reports ``callback(date_from, seconds by step, ids)`` when it ends.
"""

import contextlib
import datetime
import io
import json
import time

import numpy as np

from odoo import fields
from odoo.exceptions import UserError
from odoo.tools import SQL

from .lib import engine, periods, sqlarrays
from .lib.vocabulary import (
    CLUSTER_FEATURES,
    CRITERION_CODES,
    RATING_CRITERIA,
    RAW_FIELDS,
    SCORE_FIELDS,
)

STEPS = ("load", "compute", "write", "trends", "clusters", "alerts")
# The done quantity of move ``m`` in its product's unit. stock_move.product_qty is the
# demand (what was ordered), quantity what was done, in the move's unit: converted as
# uom.uom._compute_quantity does (qty / from factor * to factor, HALF-UP to the unit's
# rounding).
MOVE_QTY_JOINS = SQL(
    "JOIN uom_uom move_uom ON move_uom.id = m.product_uom "
    "JOIN product_product move_pp ON move_pp.id = m.product_id "
    "JOIN product_template move_pt ON move_pt.id = move_pp.product_tmpl_id "
    "JOIN uom_uom product_uom ON product_uom.id = move_pt.uom_id"
)
MOVE_QTY = SQL(
    "(CASE WHEN move_uom.id = product_uom.id THEN m.quantity "
    "ELSE ROUND(m.quantity / move_uom.factor * product_uom.factor "
    "/ product_uom.rounding) "
    "* product_uom.rounding END)::float8"
)
# A duplicate receipt is one receipt recorded twice: same picking, line, quantity and
# second. Two pickings (a backorder validated in the same second) are two receipts.
SAME_RECEIPT = SQL(
    "m.picking_id, m.purchase_line_id, m.quantity, src.usage, "
    "date_trunc('second', m.date)"
)
# Refresh the planner statistics of supplier_scorecard when one evaluation inserts at
# least this share of the rows the statistics know of (see write()): proportional, so
# that the cost of ANALYZE (bounded by its sample) stays in proportion to the cards
# written, whatever the size of the company.
ANALYZE_AFTER_SHARE = 0.1


_observers = []


@contextlib.contextmanager
def observed(callback):
    """Call ``callback(date_from, timings, ids)`` after every evaluate() of the block
    (benchmarks, profiling); ``date_from`` is the first day of the first period,
    ``timings`` has the seconds of each step and "total"."""
    _observers.append(callback)
    try:
        yield
    finally:
        _observers.remove(callback)


class _Steps:
    """Adds the seconds of each ``with steps("name"):`` block to ``timings``."""

    def __init__(self, timings):
        self.timings = timings

    @contextlib.contextmanager
    def __call__(self, name):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + (
                time.perf_counter() - started
            )


def evaluate(
    env,
    company,
    period_list,
    partner_ids=None,
    evaluate_rules=True,
    kraljic_suggestions=None,
    timings=None,
):
    """Score the suppliers of ``company`` active in each period of ``period_list``
    ((date_from, date_to) pairs, oldest first, none overlapping the next), or those of
    ``partner_ids`` (commercial partner ids, a numpy array), and analyse the periods.

    Each source is read once for the whole range, every period's cards are computed
    in numpy and written in bulk, then the trends and clusters of the periods run
    once; the alert rules fire for the last period only (a back-fill does not raise
    every past breach). ``kraljic_suggestions``: one {partner id: class} per period,
    or None for today's classes. One period is the range of one.

    Returns the ids of the scorecards written (int64 array).
    """
    started = time.perf_counter()
    run_timings = {}
    step = _Steps(run_timings)
    period_list = _checked_periods(period_list)
    ids = _evaluate(
        env,
        company,
        period_list,
        partner_ids,
        evaluate_rules,
        kraljic_suggestions or [None] * len(period_list),
        step,
    )
    run_timings["total"] = time.perf_counter() - started
    if timings is not None:
        for name, seconds in run_timings.items():
            timings[name] = timings.get(name, 0.0) + seconds
    for callback in list(_observers):
        callback(period_list[0][0], run_timings, ids)
    return ids


def _checked_periods(period_list):
    period_list = [(date_from, date_to) for date_from, date_to in period_list]
    if not period_list:
        raise ValueError("no period to evaluate")
    for (from_a, to_a), (from_b, _to_b) in zip(
        period_list, period_list[1:], strict=False
    ):
        if not from_a <= to_a < from_b:
            raise ValueError("periods must be in order and must not overlap")
    if period_list[-1][0] > period_list[-1][1]:
        raise ValueError("a period ends before it starts")
    return period_list


def _evaluate(
    env, company, period_list, partner_ids, evaluate_rules, suggestions, step
):
    """The steps of evaluate(), each timed by ``step``."""
    env.flush_all()
    with step("load"):
        columns = load(env, company, period_list, partner_ids, suggestions)
    with step("compute"):
        results = engine.compute_periods(
            columns,
            settings(env, company, period_list, columns),
            _chained(company, period_list),
        )
    with step("write"):
        ids, pending = write(env, company, period_list, columns, results)
    # The trends and clusters of every period, then one statement writes both (each
    # rewrite of a card is a new row version with all its index entries).
    with step("trends"):
        trend_values = _trend_values(env, company, ids, pending)
    with step("clusters"):
        cluster_values = [
            _cluster_values(env, company, date_from, pending=pending)
            for (date_from, _date_to), period in zip(period_list, columns, strict=True)
            if len(period.partner_ids)
        ]
        _write_analysis(env, trend_values, cluster_values, pending)
    with step("write"):
        _insert_pending(env, pending)
    # A period without any supplier is not analysed (nor alerted on).
    if evaluate_rules and len(columns[-1].partner_ids):
        with step("alerts"):
            env["supplier.alert.rule"]._evaluate_rules(
                company,
                period_list[-1][0],
                None if partner_ids is None else partner_ids.tolist(),
            )
    return ids


def _chained(company, period_list):
    """Per period, whether the one before it in ``period_list`` is its previous
    period (its total is then this run's, not the stored one)."""
    period_type = company.supplier_period_type
    return np.array(
        [False]
        + [
            periods.previous_period(date_from, period_type) == period_list[k]
            for k, (date_from, _date_to) in enumerate(period_list[1:])
        ],
        dtype=bool,
    )


# ---------------------------------------------------------------------------- load
def load(env, company, period_list, partner_ids=None, suggestions=None):
    """The periods' facts and, per period and evaluated supplier, its card, class
    and template: a list of lib.engine.Columns, one per period.

    Every source is read once for the range, each row with the index of its period
    (``period``). Without ``partner_ids``, a period's suppliers are those with
    activity or a card in it; with them, exactly those (a scorecard "no data" when
    idle).
    """
    suggestions = suggestions or [None] * len(period_list)
    Scorecard = env["supplier.scorecard"]
    tz_name = Scorecard._company_tz(company).zone
    bounds = [
        bound
        for date_from, date_to in period_list
        for bound in Scorecard._period_bounds(company, date_from, date_to)
    ]
    days = [day for pair in period_list for day in pair]
    with reading_settings(env):
        facts = engine.Facts(
            due=_fetch_due_lines(env, company, bounds, tz_name, partner_ids),
            moves=_fetch_moves(env, company, bounds),
            prices=_fetch_prices(env, company, bounds),
            ratings=_fetch_ratings(env, company, days, partner_ids),
        )
    existing = _fetch_existing(env, company, period_list, partner_ids)
    previous = _fetch_previous_totals(env, company, period_list, partner_ids)
    result = []
    for k, suggestion in enumerate(suggestions):
        rows = engine.period_facts(facts, k)
        stored = {
            name: column[existing["period"] == k] for name, column in existing.items()
        }
        if partner_ids is None:
            ids = np.concatenate(
                [rows[name]["partner"] for name in engine.FACT_TABLES]
                + [stored["partner"]]
            )
        else:
            ids = partner_ids
        ids = np.unique(np.asarray(ids, dtype=np.int64))
        n = len(ids)
        card_ids = np.zeros(n, dtype=np.int64)
        is_draft = np.ones(n, dtype=bool)
        found = np.searchsorted(ids, stored["partner"])
        card_ids[found] = stored["id"]
        is_draft[found] = stored["is_draft"]
        classes, template_ids = _classes_and_templates(
            env, company, ids, stored, found, suggestion
        )
        previous_total = np.full(n, np.nan)
        before = (previous["period"] == k) & np.isin(previous["partner"], ids)
        previous_total[np.searchsorted(ids, previous["partner"][before])] = previous[
            "total"
        ][before]
        result.append(
            engine.Columns(
                partner_ids=ids,
                due=rows["due"],
                moves=rows["moves"],
                prices=rows["prices"],
                ratings=rows["ratings"],
                card_ids=card_ids,
                is_draft=is_draft,
                kraljic_class=classes,
                template_ids=template_ids,
                previous_total=previous_total,
                excluded=_fetch_disputed_lines(env, company, *period_list[k]),
            )
        )
    return result


# The planner settings of the fact reads (see reading_settings).
READING_SETTINGS = (
    # The duplicate receipts are numbered over a sort of every receipt read (half a
    # million for a year): in memory rather than in temporary files.
    ("work_mem", "128MB"),
    # Compiling these queries costs more than it saves (0.1-0.7 s each).
    ("jit", "off"),
)


@contextlib.contextmanager
def reading_settings(env):
    """READING_SETTINGS for the statements of the block (the engine's fact reads, the
    Kraljic suggestions' read of the history), the previous values back
    after it (the rest of the transaction is the caller's). They are local to the
    transaction: when the block fails, the rollback (of the transaction or of its
    savepoint) undoes them."""
    previous = []
    for name, value in READING_SETTINGS:
        env.cr.execute(
            SQL(
                "SELECT current_setting(%s), set_config(%s, %s, true)",
                name,
                name,
                value,
            )
        )
        previous.append((name, env.cr.fetchone()[0]))
    yield
    for name, value in previous:
        env.cr.execute(SQL("SELECT set_config(%s, %s, true)", name, value))


def settings(env, company, period_list, columns):
    """The company's grade bands and the criteria of the templates the periods'
    ``columns`` name."""
    templates = {}
    for template in env["supplier.evaluation.template"].browse(
        sorted({t for period in columns for t in period.template_ids.tolist() if t})
    ):
        lines = {line.criterion: line for line in template.line_ids}
        criteria = tuple(code for code in CRITERION_CODES if code in lines)
        templates[template.id] = engine.Template(
            criteria=criteria,
            poor=np.array([lines[c].poor_value for c in criteria]),
            excellent=np.array([lines[c].excellent_value for c in criteria]),
            weights=np.array([lines[c].weight for c in criteria]),
        )
    return engine.Settings(
        as_of=period_list[0][0],
        grade_a_min=company.supplier_grade_a_min,
        grade_b_min=company.supplier_grade_b_min,
        templates=templates,
    )


def _classes_and_templates(env, company, partner_ids, existing, rows, suggestion):
    """The Kraljic class and template id of each supplier.

    A scorecard already written for the period keeps the class and template it was
    scored with (a rerun of unchanged data gives the same total, whatever the class
    became since). Others take the supplier's class from ``suggestion`` ({partner id:
    class}) when given (with the manager's override first), today's otherwise; routine
    when unknown.
    """
    partners = env["res.partner"].with_company(company).browse(partner_ids.tolist())
    # Only the columns read here (the ORM would read every column of thousands of
    # partners).
    partners.fetch(["supplier_kraljic_override", "supplier_kraljic_suggested"])
    classes = partners._supplier_kraljic_classes(company, suggestion)
    template_ids = np.full(len(partner_ids), None, dtype=object)
    stored = np.array([bool(c) for c in existing["kraljic_class"]], dtype=bool)
    if stored.any():
        classes[rows[stored]] = existing["kraljic_class"][stored]
        template_ids[rows[stored]] = existing["template_id"][stored]
    Template = env["supplier.evaluation.template"].with_context(active_test=False)
    kept_ids = set(
        Template.browse({t for t in template_ids.tolist() if t}).exists().ids
    )
    # A template deleted since: the current template of the stored class.
    template_ids = np.array(
        [t if t in kept_ids else None for t in template_ids.tolist()], dtype=object
    )
    by_class = {
        t.kraljic_class: t.id
        for t in env["supplier.evaluation.template"].search(
            [("company_id", "=", company.id)]
        )
    }
    unset = np.array([t is None for t in template_ids.tolist()], dtype=bool)
    missing = set(classes[unset].tolist()) - set(by_class)
    if missing:
        raise UserError(
            env._(
                "Company %(company)s has no evaluation template for: %(classes)s.",
                company=company.name,
                classes=", ".join(sorted(missing)),
            )
        )
    template_ids[unset] = [by_class[c] for c in classes[unset].tolist()]
    return classes, template_ids


def _partner_filter(column, partner_ids):
    if partner_ids is None:
        return SQL()
    return SQL("AND %s = ANY(%s)", SQL(column), partner_ids.tolist())


def _columns(env, names, dtypes):
    """The fetched rows as a dict of numpy columns (NULL -> NaN for floats)."""
    rows = env.cr.fetchall()
    if not rows:
        return {
            name: np.array([], dtype=dtype)
            for name, dtype in zip(names, dtypes, strict=True)
        }
    result = {}
    for name, dtype, column in zip(names, dtypes, zip(*rows, strict=True), strict=True):
        if dtype is float:
            column = [np.nan if v is None else v for v in column]
        result[name] = np.array(column, dtype=dtype)
    return result


def _numeric_columns(env, query, names, dtypes):
    """The rows of ``query`` (numbers and booleans only, never NULL but for floats)
    as numpy columns (NULL -> NaN).

    The rows come as PostgreSQL's binary COPY, every value sent as 8 bytes (int8 or
    float8, NULL floats as NaN): every row then has the same size and numpy reads
    the whole answer at once. A text per value (or a Python object per value) costs
    about as much as the query itself for the millions of values of a year.
    """
    floats = [dtype is float for dtype in dtypes]
    copy = env.cr.mogrify(
        SQL(
            "COPY (SELECT %s FROM (%s) AS q(%s)) TO STDOUT WITH (FORMAT binary)",
            SQL(", ").join(
                SQL("COALESCE(q.%s::float8, 'NaN')", SQL.identifier(name))
                if is_float
                else SQL("q.%s::int::int8", SQL.identifier(name))
                if dtype is bool
                else SQL("q.%s::int8", SQL.identifier(name))
                for name, dtype, is_float in zip(names, dtypes, floats, strict=True)
            ),
            query,
            SQL(", ").join(SQL.identifier(name) for name in names),
        )
    ).decode()
    buffer = io.BytesIO()
    env.cr.copy_expert(copy, buffer)
    data = buffer.getbuffer()
    # A header (signature of 11 bytes, flags of 4, the length of an extension of 4,
    # the extension), then per row its number of fields (int16) and per field its
    # length (int32) and its value; then a trailer (int16).
    start = 19 + int.from_bytes(data[15:19], "big")
    row = np.dtype(
        [("fields", ">i2")]
        + [
            field
            for k, is_float in enumerate(floats)
            for field in ((f"n{k}", ">i4"), (f"v{k}", ">f8" if is_float else ">i8"))
        ]
    )
    rows = np.frombuffer(
        data, dtype=row, count=(len(data) - start - 2) // row.itemsize, offset=start
    )
    if any((rows[f"n{k}"] != 8).any() for k in range(len(names))):
        raise ValueError(f"a NULL number among {names}")
    return {
        name: rows[f"v{k}"].astype(dtype)
        for k, (name, dtype) in enumerate(zip(names, dtypes, strict=True))
    }


def _period_of(column, bounds, cast):
    """The index of the period of ``column`` in ``bounds`` ([start, end) of each
    period, in order): width_bucket counts the bounds at or before the value, odd
    inside a period, even between two (or outside the range).

    When each period ends where the next one starts (a back-fill, one period), every
    value of [first start, last end) is inside one: the filter is left out, since the
    planner cannot estimate it (it counts on a few hundred rows where a year has
    half a million, and plans nested loops and sorts on disk for them)."""
    period = SQL("(width_bucket(%s, %s::%s[]) - 1) / 2", SQL(column), bounds, SQL(cast))
    if all(bounds[k] == bounds[k + 1] for k in range(1, len(bounds) - 1, 2)):
        return period, SQL("TRUE")
    return period, SQL(
        "mod(width_bucket(%s, %s::%s[]), 2) = 1", SQL(column), bounds, SQL(cast)
    )


def _fetch_due_lines(env, company, bounds, tz_name, partner_ids):
    """Purchase lines promised in the periods (kind: lib.engine.DUE_*), with the
    quantity received by the promised day.

    The lines are read by their promised date, their receipts by line. For one
    period, the line ids go to the index of stock_move.purchase_line_id as one
    array (a join is planned as a hash of every done receipt of the history, several
    times the cost of the month's). For a range of periods, a join: the planner
    counts an array on a few rows whatever its size, and plans nested loops and
    sorts on disk for the half million receipts of a year.
    """
    period, inside = _period_of("l.date_planned", bounds, "timestamp")
    if len(bounds) == 2:
        by_line = SQL(
            "WHERE m.purchase_line_id = ANY(ARRAY(SELECT id FROM due WHERE kind = 0))"
        )
    else:
        by_line = SQL("JOIN due ON due.id = m.purchase_line_id WHERE TRUE")
    return _numeric_columns(
        env,
        SQL(
            """
        WITH due AS MATERIALIZED (
            SELECT l.id, p.commercial_partner_id AS partner,
                   l.product_uom_qty AS ordered,
                   (l.date_planned AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
                       AS promised,
                   CASE WHEN o.state = 'cancel' THEN 1
                        WHEN t.type = 'service' THEN 2
                        ELSE 0 END AS kind,
                   %(period)s AS period
              FROM purchase_order_line l
              JOIN purchase_order o ON o.id = l.order_id
              JOIN res_partner p ON p.id = o.partner_id
              JOIN product_product pp ON pp.id = l.product_id
              JOIN product_template t ON t.id = pp.product_tmpl_id
             WHERE l.company_id = %(company)s
               AND l.display_type IS NULL
               AND l.date_planned >= %(start)s AND l.date_planned < %(end)s
               AND %(inside)s
               AND o.state IN ('purchase', 'done', 'cancel')
               %(partner_filter)s
        ), receipts AS (
            SELECT m.purchase_line_id, %(qty)s AS qty, m.date,
                   ROW_NUMBER() OVER (PARTITION BY %(same_receipt)s ORDER BY m.id)
                       AS copy_no
              FROM stock_move m
              %(qty_joins)s
              JOIN stock_location src ON src.id = m.location_id
             %(by_line)s
               AND m.state = 'done' AND src.usage = 'supplier'
        )
        SELECT due.id, due.partner, due.kind, due.ordered,
               COALESCE(SUM(r.qty) FILTER (
                   WHERE r.copy_no = 1
                     AND (r.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
                         <= due.promised), 0),
               due.period
          FROM due
          -- (a range reads the receipts of every line: those of cancelled and service
          -- lines are not counted, and their number is left to the planner's guess)
          LEFT JOIN receipts r ON r.purchase_line_id = due.id AND due.kind = 0
         GROUP BY due.id, due.partner, due.kind, due.ordered, due.period
        """,
            tz=tz_name,
            company=company.id,
            start=bounds[0],
            end=bounds[-1],
            period=period,
            inside=inside,
            qty=MOVE_QTY,
            qty_joins=MOVE_QTY_JOINS,
            same_receipt=SAME_RECEIPT,
            by_line=by_line,
            partner_filter=_partner_filter("p.commercial_partner_id", partner_ids),
        ),
        ("line", "partner", "kind", "ordered", "received", "period"),
        (np.int64, np.int64, np.int8, float, float, np.int64),
    )


def _fetch_moves(env, company, bounds):
    """Receipts from and returns to suppliers done in the periods, with their lead
    time.

    Every supplier of the company: the lead-time outlier cut is the company's, whoever
    is scored.
    """
    period, inside = _period_of("m.date", bounds, "timestamp")
    return _numeric_columns(
        env,
        SQL(
            """
        SELECT m.id, p.commercial_partner_id, %(qty)s, src.usage = 'supplier',
               EXTRACT(EPOCH FROM (m.date - o.date_approve)) / 86400.0,
               CASE WHEN src.usage = 'supplier' THEN ROW_NUMBER() OVER (
                    PARTITION BY %(same_receipt)s ORDER BY m.id) ELSE 1 END,
               %(period)s,
               l.id
          FROM stock_move m
          %(qty_joins)s
          JOIN stock_location src ON src.id = m.location_id
          JOIN stock_location dst ON dst.id = m.location_dest_id
          LEFT JOIN stock_move origin ON origin.id = m.origin_returned_move_id
          JOIN purchase_order_line l
            ON l.id = COALESCE(m.purchase_line_id, origin.purchase_line_id)
          JOIN purchase_order o ON o.id = l.order_id
          JOIN res_partner p ON p.id = o.partner_id
         WHERE m.company_id = %(company)s
           AND m.state = 'done'
           AND m.date >= %(start)s AND m.date < %(end)s
           AND %(inside)s
           AND (src.usage = 'supplier' OR dst.usage = 'supplier')
           AND o.state IN ('purchase', 'done')
        """,
            company=company.id,
            start=bounds[0],
            end=bounds[-1],
            period=period,
            inside=inside,
            qty=MOVE_QTY,
            qty_joins=MOVE_QTY_JOINS,
            same_receipt=SAME_RECEIPT,
        ),
        ("move", "partner", "qty", "is_receipt", "days", "copy_no", "period", "line"),
        (np.int64, np.int64, float, bool, float, np.int64, np.int64, np.int64),
    )


def _fetch_prices(env, company, bounds):
    """Lines confirmed in the periods: spend in company currency and unit price per
    product unit (kind: lib.engine.DUE_*)."""
    period, inside = _period_of("o.date_approve", bounds, "timestamp")
    return _numeric_columns(
        env,
        SQL(
            """
        SELECT p.commercial_partner_id, l.product_id,
               l.price_subtotal / COALESCE(NULLIF(o.currency_rate, 0), 1) AS spend,
               l.price_subtotal / COALESCE(NULLIF(o.currency_rate, 0), 1)
                   / NULLIF(l.product_uom_qty, 0),
               CASE WHEN l.date_planned IS NULL THEN 3
                    WHEN t.type = 'service' THEN 2
                    ELSE 0 END,
               %(period)s
          FROM purchase_order o
         -- the orders by approval date, then their lines by order (kept apart by
         -- OFFSET 0, else the planner hashes every line of the history)
         CROSS JOIN LATERAL (
            SELECT l.product_id, l.price_subtotal, l.product_uom_qty, l.date_planned
              FROM purchase_order_line l
             WHERE l.order_id = o.id AND l.display_type IS NULL
            OFFSET 0
         ) l
          JOIN res_partner p ON p.id = o.partner_id
          JOIN product_product pp ON pp.id = l.product_id
          JOIN product_template t ON t.id = pp.product_tmpl_id
         WHERE o.company_id = %(company)s
           AND o.date_approve >= %(start)s AND o.date_approve < %(end)s
           AND %(inside)s
           AND o.state IN ('purchase', 'done')
        """,
            company=company.id,
            start=bounds[0],
            end=bounds[-1],
            period=period,
            inside=inside,
        ),
        ("partner", "product", "spend", "unit_price", "kind", "period"),
        (np.int64, np.int64, float, float, np.int8, np.int64),
    )


def _fetch_ratings(env, company, days, partner_ids):
    """Buyer ratings of the periods' days (``days``: first and last day of each
    period, in order)."""
    # A rating's day is in a period when at or after its first day and before the day
    # after its last.
    bounds = [day + datetime.timedelta(days=k % 2) for k, day in enumerate(days)]
    period, inside = _period_of("r.date", bounds, "date")
    return _numeric_columns(
        env,
        SQL(
            """
        SELECT partner_id, %(criteria)s, %(period)s
          FROM supplier_rating r
         WHERE company_id = %(company)s
           AND date >= %(date_from)s AND date < %(date_end)s
           AND %(inside)s
               %(partner_filter)s
        """,
            criteria=SQL(", ").join(
                SQL("%s::float8", SQL.identifier(c)) for c in RATING_CRITERIA
            ),
            period=period,
            inside=inside,
            company=company.id,
            date_from=bounds[0],
            date_end=bounds[-1],
            partner_filter=_partner_filter("r.partner_id", partner_ids),
        ),
        ("partner", *RATING_CRITERIA, "period"),
        (np.int64, *(float for _c in RATING_CRITERIA), np.int64),
    )


def _fetch_existing(env, company, period_list, partner_ids):
    """The cards already written for the periods, with their period's index."""
    return _fetch_cards(
        env,
        company,
        period_list,
        partner_ids,
        SQL("s.partner_id, s.id, s.state = 'draft', s.kraljic_class, s.template_id"),
        ("partner", "id", "is_draft", "kraljic_class", "template_id"),
        (np.int64, np.int64, bool, object, object),
    )


def _fetch_disputed_lines(env, company, date_from, date_to):
    """{criterion: purchase line ids} of the period's accepted line disputes: those
    lines are left out of that criterion. A return accepted as not the supplier's
    fault is left out of quality in whichever period it was done."""
    env.cr.execute(
        SQL(
            """
        SELECT d.criterion, array_agg(DISTINCT d.purchase_line_id)
          FROM supplier_scorecard_dispute d
         WHERE d.company_id = %s AND d.state = 'accepted'
           AND (d.criterion = 'quality' OR (d.date_from = %s AND d.date_to = %s))
         GROUP BY d.criterion
        """,
            company.id,
            date_from,
            date_to,
        )
    )
    return {
        criterion: np.array(lines, dtype=np.int64)
        for criterion, lines in env.cr.fetchall()
    }


def _fetch_previous_totals(env, company, period_list, partner_ids):
    """The stored total of each supplier's card of the period before each period
    (``period``: the index of the period it precedes)."""
    return _fetch_cards(
        env,
        company,
        [
            periods.previous_period(date_from, company.supplier_period_type)
            for date_from, _date_to in period_list
        ],
        partner_ids,
        SQL("s.partner_id, s.total_score"),
        ("partner", "total"),
        (np.int64, float),
    )


def _fetch_cards(env, company, period_list, partner_ids, columns, names, dtypes):
    """``columns`` of the company's cards of each period of ``period_list``, and
    ``period``, the index of its period in the list."""
    env.cr.execute(
        SQL(
            """
        SELECT %(columns)s, per.k - 1
          FROM supplier_scorecard s
          JOIN unnest(%(starts)s::date[], %(ends)s::date[]) WITH ORDINALITY
               AS per(date_from, date_to, k)
            ON per.date_from = s.date_from AND per.date_to = s.date_to
         WHERE s.company_id = %(company)s
           AND s.date_from >= %(first)s AND s.date_from <= %(last)s
               %(partner_filter)s
        """,
            columns=columns,
            company=company.id,
            starts=[date_from for date_from, _date_to in period_list],
            ends=[date_to for _date_from, date_to in period_list],
            first=min(date_from for date_from, _date_to in period_list),
            last=max(date_from for date_from, _date_to in period_list),
            partner_filter=_partner_filter("s.partner_id", partner_ids),
        )
    )
    return _columns(env, (*names, "period"), (*dtypes, np.int64))


# ---------------------------------------------------------------------------- write
def write(env, company, period_list, columns, results):
    """Insert the new scorecards (into PENDING, see _insert_pending) and update the
    drafts of every period in two statements; never touch the others. Returns the
    ids written (updated first, then inserted) and those inserted."""
    Scorecard = env["supplier.scorecard"]
    per_period = _card_values(columns, results)
    values = {
        name: np.concatenate([period[name] for period in per_period])
        for name in per_period[0]
    }
    card_ids = np.concatenate([period.card_ids for period in columns])
    is_draft = np.concatenate([period.is_draft for period in columns])
    partner_ids = np.concatenate([result.partner_ids for result in results])
    values["date_from"] = np.array(
        [
            date_from
            for (date_from, _date_to), period in zip(period_list, columns, strict=True)
            for _i in range(len(period.partner_ids))
        ],
        dtype=object,
    )
    values["date_to"] = np.array(
        [
            date_to
            for (_date_from, date_to), period in zip(period_list, columns, strict=True)
            for _i in range(len(period.partner_ids))
        ],
        dtype=object,
    )
    uid, now = env.uid, fields.Datetime.now()
    update = is_draft & (card_ids > 0)
    updated = {
        name: column for name, column in values.items() if name not in PERIOD_COLUMNS
    }
    if update.any():
        env.cr.execute(
            _sql(
                sqlarrays.update_rows(
                    "supplier_scorecard",
                    card_ids[update],
                    _typed(Scorecard, updated, update),
                    constants=(("write_uid", uid), ("write_date", now)),
                )
            )
        )
    insert = card_ids == 0
    new_ids = []
    if insert.any():
        env.cr.execute(
            SQL(
                "CREATE TEMPORARY TABLE %s "
                "(LIKE supplier_scorecard INCLUDING DEFAULTS) ON COMMIT DROP",
                SQL.identifier(PENDING),
            )
        )
        env.cr.execute(
            _sql(
                sqlarrays.insert_rows(
                    PENDING,
                    "partner_id",
                    partner_ids[insert],
                    _typed(Scorecard, values, insert),
                    constants=(
                        ("company_id", company.id),
                        ("period_type", company.supplier_period_type),
                        ("state", "draft"),
                        ("create_uid", uid),
                        ("create_date", now),
                        ("write_uid", uid),
                        ("write_date", now),
                    ),
                )
            )
        )
        new_ids = [r[0] for r in env.cr.fetchall()]
    Scorecard.invalidate_model()
    new_ids = np.array(new_ids, dtype=np.int64)
    return (
        np.concatenate([card_ids[update], new_ids]).astype(np.int64),
        new_ids,
    )


def _insert_pending(env, pending):
    """The new cards of the run (``pending``, their ids), analysed, from PENDING
    into supplier_scorecard in one INSERT."""
    if not len(pending):
        return
    env.cr.execute(
        SQL(
            "INSERT INTO supplier_scorecard SELECT * FROM %s; DROP TABLE %s",
            SQL.identifier(PENDING),
            SQL.identifier(PENDING),
        )
    )
    env.cr.execute(
        "SELECT reltuples FROM pg_class WHERE oid = 'supplier_scorecard'::regclass"
    )
    known = max(env.cr.fetchone()[0], 0)
    if len(pending) >= ANALYZE_AFTER_SHARE * known:
        # The alert statements that follow read this table on the rows just
        # written. Autovacuum cannot see them before the commit, so the statistics
        # are those of the last autovacuum (e.g. "0 rows" over the pages of deleted
        # drafts): a read is then planned for one row and may run as a nested loop
        # over the table. ANALYZE here samples our own rows; only when they are a
        # real share of the table (its cost is bounded by its sample, so this stays
        # in proportion to the cards written). Not the analysis columns, which no
        # statement filters on: their JSON doubles the cost of the sample.
        Scorecard = env["supplier.scorecard"]
        analysed = [
            name
            for name, field in Scorecard._fields.items()
            if field.store and field.column_type and name not in ANALYSIS_COLUMNS
        ]
        env.cr.execute(
            SQL(
                "ANALYZE supplier_scorecard (%s)",
                SQL(", ").join(SQL.identifier(name) for name in analysed),
            )
        )
    env["supplier.scorecard"].invalidate_model()


def _scorecards(pending):
    """The table of the cards as a run sees them: with its new cards still in
    PENDING (``pending``, their ids) until their analysis is written."""
    if not len(pending):
        return SQL("supplier_scorecard")
    return SQL(
        "(SELECT * FROM supplier_scorecard UNION ALL SELECT * FROM %s) AS "
        "supplier_scorecard",
        SQL.identifier(PENDING),
    )


# Written once, when a card is made.
PERIOD_COLUMNS = ("date_from", "date_to")
# A run's new cards wait in this temporary table (no index) while their trends and
# clusters are worked out and written, then go to supplier_scorecard in one INSERT:
# each rewrite of a row of supplier_scorecard is a new version of it with an entry
# in each of its indexes (an UPDATE of a back-fill's cards cost more than their
# INSERT).
PENDING = "supplier_scorecard_pending"


def _card_values(columns, results):
    """Per period, {scorecard column: values of its rows}."""
    return [
        {
            "kraljic_class": period.kraljic_class,
            "template_id": period.template_ids,
            "has_data": result.has_data,
            "total_score": result.total,
            "grade": result.grade,
            "previous_total": period.previous_total,
            "total_change": result.total_change,
            **{RAW_FIELDS[c]: result.raw[c] for c in CRITERION_CODES},
            **{SCORE_FIELDS[c]: result.scores[c] for c in CRITERION_CODES},
            **result.counts,
        }
        for period, result in zip(columns, results, strict=True)
    ]


def _sql(built):
    """odoo.tools.SQL of a (query, parameters) pair from lib.sqlarrays."""
    query, params = built
    return SQL(query, *params)


def _typed(Model, values, rows):
    """{column: (values of ``rows``, SQL type)} for sqlarrays."""
    return {
        name: (np.asarray(array)[rows], sqlarrays.SQL_TYPES[Model._fields[name].type])
        for name, array in values.items()
    }


# ---------------------------------------------------------------------------- analyse
def analyse(env, company, date_from, card_ids):
    """Trends for the scorecards ``card_ids``, then clusters over the whole period."""
    _write_analysis(
        env,
        _trend_values(env, company, card_ids),
        [_cluster_values(env, company, date_from)],
    )


def trends(env, company, card_ids):
    """Lead-time and on-time trends of the cards ``card_ids`` (of any periods), each
    over the company's last periods up to its own, and their warnings."""
    _write_analysis(env, _trend_values(env, company, card_ids), [])


# The columns _trend_values() gives, with their SQL types.
TREND_COLUMNS = {
    "lead_time_slope": "float8",
    "lead_time_r2": "float8",
    "lead_time_forecast": "float8",
    "on_time_slope": "float8",
    "on_time_r2": "float8",
    "on_time_forecast": "float8",
    "trend_points": "int4",
    "trend_warning_data": "jsonb",
}
# What _write_analysis writes.
ANALYSIS_COLUMNS = (*TREND_COLUMNS, "cluster_label", "cluster_explanation_data")


def _trend_values(env, company, card_ids, pending=()):
    """trends() without the write: (card ids, {TREND_COLUMNS name: values}), None
    without cards (``pending``: see _scorecards)."""
    if not len(card_ids):
        return None
    n_periods = company.supplier_trend_periods
    ids = np.unique(np.asarray(card_ids, dtype=np.int64))
    # Single-table reads matched in numpy (a supplier has one card per period): a
    # self-join here is planned from whatever statistics the table has and, during a
    # back-fill, becomes a nested loop over every card of the window for each card.
    env.cr.execute(
        SQL(
            "SELECT id, partner_id, date_from FROM %s WHERE id = ANY(%s) ORDER BY id",
            _scorecards(pending),
            ids.tolist(),
        )
    )
    cards = _columns(env, ("id", "partner", "date_from"), (np.int64, np.int64, object))
    ids = cards["id"]
    # The window of each period the cards belong to: its n last periods, oldest first.
    card_days, card_window = np.unique(cards["date_from"], return_inverse=True)
    windows = []
    for day in card_days.tolist():
        window = [day]
        for _i in range(n_periods - 1):
            window.insert(
                0, periods.previous_period(window[0], company.supplier_period_type)[0]
            )
        windows.append(window)
    starts = sorted({day for window in windows for day in window})
    column_of = {day: i for i, day in enumerate(starts)}
    window_columns = np.array(
        [[column_of[day] for day in window] for window in windows], dtype=np.int64
    )
    partners = np.unique(cards["partner"])
    env.cr.execute(
        SQL(
            """
        SELECT partner_id, date_from, lead_time_avg, on_time_rate
          FROM %s
         WHERE company_id = %s AND date_from = ANY(%s) AND partner_id = ANY(%s)
             AND has_data
        """,
            _scorecards(pending),
            company.id,
            starts,
            partners.tolist(),
        )
    )
    history = _columns(
        env,
        ("partner", "date_from", "lead", "on_time"),
        (np.int64, object, float, float),
    )
    lead_history = np.full((len(partners), len(starts)), np.nan)
    on_time_history = np.full((len(partners), len(starts)), np.nan)
    if len(history["partner"]):
        row = np.searchsorted(partners, history["partner"])
        column = np.array([column_of[d] for d in history["date_from"].tolist()])
        lead_history[row, column] = history["lead"]
        on_time_history[row, column] = history["on_time"]
    rows = np.searchsorted(partners, cards["partner"])[:, None]
    columns = window_columns[card_window.reshape(-1)]
    lead_fit, on_time_fit, growing = engine.trend_fits(
        lead_history[rows, columns], on_time_history[rows, columns]
    )
    warnings = _trend_warnings(env, company, lead_fit, on_time_fit, growing)
    return ids, {
        "lead_time_slope": lead_fit["slope"],
        "lead_time_r2": lead_fit["r2"],
        "lead_time_forecast": lead_fit["forecast"],
        "on_time_slope": on_time_fit["slope"],
        "on_time_r2": on_time_fit["r2"],
        "on_time_forecast": on_time_fit["forecast"],
        "trend_points": np.maximum(lead_fit["points"], on_time_fit["points"]),
        "trend_warning_data": warnings,
    }


def _trend_warnings(env, company, lead_fit, on_time_fit, growing):
    """Per card, as JSON: lead time keeps growing with a good fit, or a forecast
    breaches a rule (see trend_warning_data)."""
    warnings = [{} for _i in range(len(lead_fit["slope"]))]
    for i in np.flatnonzero(growing):
        warnings[i]["growth"] = [
            round(float(lead_fit[key][i]), 4) for key in ("slope", "r2", "forecast")
        ]
    forecasts = {
        "lead_time_avg": lead_fit["forecast"],
        "on_time_rate": on_time_fit["forecast"],
    }
    rules = env["supplier.alert.rule"].search(
        [("company_id", "=", company.id), ("figure", "in", list(forecasts))]
    )
    for rule in rules.with_context(lang="en_US"):
        for i in np.flatnonzero(rule._threshold_breached_by(forecasts[rule.figure])):
            warnings[i].setdefault("rules", []).append(
                [rule.id, rule.name, round(float(forecasts[rule.figure][i]), 4)]
            )
    return np.array([json.dumps(w) if w else None for w in warnings], dtype=object)


def clusters(env, company, date_from, explain_kept=False):
    """k-means over all suppliers with data in the period; labelled from the cluster
    centres.

    The population is every card of the company's period, whoever was just scored and
    whatever its state; only drafts are written (published and locked cards are kept),
    except the explanation of kept cards with ``explain_kept`` (upgrade).
    """
    _write_analysis(env, None, [_cluster_values(env, company, date_from, explain_kept)])


def _cluster_values(env, company, date_from, explain_kept=False, pending=()):
    """clusters() without the write: (card ids, label, explanation) of the cards to
    write (the label is kept on cards that are not drafts), None without any
    (``pending``: see _scorecards)."""
    k = company.supplier_cluster_count
    features = [name for name, _better in CLUSTER_FEATURES]
    env.cr.execute(
        SQL(
            "SELECT id, state = 'draft', %s FROM %s WHERE "
            "company_id = %s AND date_from = %s AND has_data ORDER BY id",
            SQL(", ").join(SQL.identifier(c) for c in features),
            _scorecards(pending),
            company.id,
            date_from,
        )
    )
    cards = _columns(
        env, ("id", "draft", *features), (np.int64, bool, *(float for _f in features))
    )
    written = np.ones(len(cards["id"]), dtype=bool) if explain_kept else cards["draft"]
    if not written.any():
        return None
    ids = cards["id"]
    found = engine.clusters(np.column_stack([cards[f] for f in features]), k)
    rows = np.flatnonzero(written).tolist()
    if found is None:
        none = json.dumps({"none": [len(ids), 3 * k, k]})
        return (
            ids[written],
            np.full(len(rows), None, dtype=object),
            np.full(len(rows), none, dtype=object),
        )
    labels, groups, own = found
    return (
        ids[written],
        np.array([labels[i] for i in rows], dtype=object),
        # The group's centre and the supplier itself, each against the average: a
        # supplier at 100 % quality in a group whose quality is low reads as such.
        np.array(
            [json.dumps({"group": groups[i], "own": own[i]}) for i in rows],
            dtype=object,
        ),
    )


def _write_analysis(env, trend_values, cluster_values, pending=()):
    """One UPDATE of the trends (_trend_values) and clusters (a list of
    _cluster_values) of the cards they name; a card named by only one of them keeps
    the other's columns. The cards of ``pending`` are updated in PENDING (see
    _scorecards)."""
    trend_values = trend_values or (np.array([], dtype=np.int64), {})
    cluster_values = [values for values in cluster_values if values is not None]
    trend_ids, trend_columns = trend_values
    cluster_ids = np.concatenate(
        [np.array([], dtype=np.int64)] + [ids for ids, _l, _e in cluster_values]
    ).astype(np.int64)
    ids = np.union1d(trend_ids, cluster_ids).astype(np.int64)
    if not len(ids):
        return
    has_trend = np.isin(ids, trend_ids)
    has_cluster = np.isin(ids, cluster_ids)
    columns = {
        "has_trend": (has_trend, "bool"),
        "has_cluster": (has_cluster, "bool"),
    }
    at_trend = np.searchsorted(trend_ids, ids[has_trend]) if len(trend_ids) else []
    for name, sql_type in TREND_COLUMNS.items():
        values = np.full(len(ids), None, dtype=object)
        if len(trend_ids):
            values[has_trend] = np.asarray(trend_columns[name], dtype=object)[at_trend]
        columns[name] = (_typed_column(values, sql_type), sql_type)
    labels = np.full(len(ids), None, dtype=object)
    explanations = np.full(len(ids), None, dtype=object)
    for card_ids, card_labels, card_explanations in cluster_values:
        at = np.searchsorted(ids, card_ids)
        labels[at] = card_labels
        explanations[at] = card_explanations
    columns["cluster_label"] = (labels, "varchar")
    columns["cluster_explanation_data"] = (explanations, "jsonb")
    in_pending = np.isin(ids, pending)
    for table, rows in (
        (SQL("supplier_scorecard"), ~in_pending),
        (SQL.identifier(PENDING), in_pending),
    ):
        if rows.any():
            _update_analysis(
                env,
                table,
                ids[rows],
                {name: (array[rows], kind) for name, (array, kind) in columns.items()},
            )
    env["supplier.scorecard"].invalidate_model()


def _update_analysis(env, table, ids, columns):
    """The UPDATE of _write_analysis on the rows ``ids`` of ``table``."""
    fragment, params = sqlarrays.unnest("id", ids, columns)
    assignments = [
        SQL(
            "%s = CASE WHEN v.has_trend THEN v.%s ELSE s.%s END",
            SQL.identifier(name),
            SQL.identifier(name),
            SQL.identifier(name),
        )
        for name in TREND_COLUMNS
    ]
    env.cr.execute(
        SQL(
            """
        UPDATE %(table)s s
           SET %(trends)s,
               cluster_label = CASE WHEN v.has_cluster AND s.state = 'draft'
                   THEN v.cluster_label ELSE s.cluster_label END,
               cluster_explanation_data = CASE WHEN v.has_cluster
                   THEN v.cluster_explanation_data
                   ELSE s.cluster_explanation_data END
          FROM %(values)s
         WHERE s.id = v.id
        """,
            table=table,
            trends=SQL(", ").join(assignments),
            values=SQL(fragment, *params),
        )
    )


def _typed_column(values, sql_type):
    """An object column of ``values`` (None where absent) as the numpy type
    sqlarrays writes ``sql_type`` from (NaN for missing floats)."""
    if sql_type == "float8":
        return np.array([np.nan if v is None else v for v in values], dtype=float)
    return values


def rebuild_analysis(env):
    """Trends and cluster explanations of every period again (upgrade from texts
    stored in the language of the run to codes)."""
    env.cr.execute(
        "SELECT company_id, date_from, array_agg(id) FROM supplier_scorecard "
        "GROUP BY company_id, date_from ORDER BY company_id, date_from"
    )
    for company_id, date_from, card_ids in env.cr.fetchall():
        company = env["res.company"].browse(company_id)
        _write_analysis(
            env,
            _trend_values(env, company, card_ids),
            [_cluster_values(env, company, date_from, explain_kept=True)],
        )
