"""The supplier evaluation of one company's period: load -> compute -> write, then the
trends, clusters and alert rules of the period.

Plain functions on an Odoo environment, with all the engine's SQL in this module; the
numbers are worked out in lib/engine.py. The period is always explicit: nothing here
asks for today.

    ids = evaluate(env, company, date_from, date_to, timings={})

runs the steps of STEPS in order and adds each one's seconds to ``timings``; within
``with observed(callback):`` every run, whatever its entry point (cron, wizard, tests),
also reports ``callback(date_from, seconds by step, ids)`` when it ends.
"""

import contextlib
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
    DEFAULT_KRALJIC_CLASS,
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
# Refresh the planner statistics of supplier_scorecard after inserting at least this
# many rows.
ANALYZE_AFTER_INSERTS = 1000


_observers = []


@contextlib.contextmanager
def observed(callback):
    """Call ``callback(date_from, timings, ids)`` after every evaluate() of the block
    (benchmarks, profiling); ``timings`` has the seconds of each step and "total"."""
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
    date_from,
    date_to,
    partner_ids=None,
    evaluate_rules=True,
    kraljic_suggestion=None,
    timings=None,
):
    """Score the suppliers of ``company`` active in [date_from, date_to], or those of
    ``partner_ids`` (commercial partner ids, a numpy array), and analyse the period.

    Returns the ids of the scorecards written (int64 array).
    """
    started = time.perf_counter()
    run_timings = {}
    step = _Steps(run_timings)
    ids = _evaluate(
        env,
        company,
        date_from,
        date_to,
        partner_ids,
        evaluate_rules,
        kraljic_suggestion,
        step,
    )
    run_timings["total"] = time.perf_counter() - started
    if timings is not None:
        for name, seconds in run_timings.items():
            timings[name] = timings.get(name, 0.0) + seconds
    for callback in list(_observers):
        callback(date_from, run_timings, ids)
    return ids


def _evaluate(
    env, company, date_from, date_to, partner_ids, evaluate_rules, suggestion, step
):
    """The steps of evaluate(), each timed by ``step``."""
    env.flush_all()
    with step("load"):
        columns = load(env, company, date_from, date_to, partner_ids, suggestion)
    if not len(columns.partner_ids):
        return np.array([], dtype=np.int64)
    with step("compute"):
        result = engine.compute(columns, settings(env, company, date_from, columns))
    with step("write"):
        ids = write(env, company, date_from, date_to, columns, result)
    with step("trends"):
        trends(env, company, date_from, ids)
    with step("clusters"):
        clusters(env, company, date_from)
    if evaluate_rules:
        with step("alerts"):
            env["supplier.alert.rule"]._evaluate_rules(
                company,
                date_from,
                None if partner_ids is None else partner_ids.tolist(),
            )
    return ids


# ---------------------------------------------------------------------------- load
def load(env, company, date_from, date_to, partner_ids=None, kraljic_suggestion=None):
    """The period's facts and, per evaluated supplier, its card, class and template.

    Without ``partner_ids``, the suppliers are those with activity or a card in the
    period; with them, exactly those (a scorecard "no data" when idle).
    """
    tz_name = env["supplier.scorecard"]._company_tz(company).zone
    start, end = env["supplier.scorecard"]._period_bounds(company, date_from, date_to)
    due = _fetch_due_lines(env, company, start, end, tz_name, partner_ids)
    moves = _fetch_moves(env, company, start, end)
    prices = _fetch_prices(env, company, start, end)
    ratings = _fetch_ratings(env, company, date_from, date_to, partner_ids)
    existing = _fetch_existing(env, company, date_from, date_to, partner_ids)
    if partner_ids is None:
        partner_ids = np.concatenate(
            [
                due["partner"],
                moves["partner"],
                prices["partner"],
                ratings["partner"],
                existing["partner"],
            ]
        )
    partner_ids = np.unique(np.asarray(partner_ids, dtype=np.int64))
    n = len(partner_ids)
    card_ids = np.zeros(n, dtype=np.int64)
    is_draft = np.ones(n, dtype=bool)
    rows = np.searchsorted(partner_ids, existing["partner"])
    card_ids[rows] = existing["id"]
    is_draft[rows] = existing["is_draft"]
    classes, template_ids = _classes_and_templates(
        env, company, partner_ids, existing, rows, kraljic_suggestion
    )
    return engine.Columns(
        partner_ids=partner_ids,
        due=due,
        moves=moves,
        prices=prices,
        ratings=ratings,
        card_ids=card_ids,
        is_draft=is_draft,
        kraljic_class=classes,
        template_ids=template_ids,
        previous_total=_fetch_previous_totals(
            env, company, date_from, company.supplier_period_type, partner_ids
        ),
        excluded=_fetch_disputed_lines(env, company, date_from, date_to),
    )


def settings(env, company, date_from, columns):
    """The company's grade bands and the criteria of the templates ``columns`` name."""
    templates = {}
    for template in env["supplier.evaluation.template"].browse(
        sorted({t for t in columns.template_ids.tolist() if t})
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
        as_of=date_from,
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
    if suggestion is not None:
        classes = partners._supplier_kraljic_classes(company, suggestion)
    else:
        classes = np.array(
            [
                c or DEFAULT_KRALJIC_CLASS
                for c in partners.mapped("supplier_kraljic_class")
            ],
            dtype=object,
        )
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


def _fetch_due_lines(env, company, start, end, tz_name, partner_ids):
    """Purchase lines promised in the period (kind: lib.engine.DUE_*), with the
    quantity received by the promised day."""
    env.cr.execute(
        SQL(
            """
        WITH due AS (
            SELECT l.id, p.commercial_partner_id AS partner,
                   l.product_uom_qty AS ordered,
                   (l.date_planned AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
                       AS promised,
                   CASE WHEN o.state = 'cancel' THEN 1
                        WHEN t.type = 'service' THEN 2
                        ELSE 0 END AS kind
              FROM purchase_order_line l
              JOIN purchase_order o ON o.id = l.order_id
              JOIN res_partner p ON p.id = o.partner_id
              JOIN product_product pp ON pp.id = l.product_id
              JOIN product_template t ON t.id = pp.product_tmpl_id
             WHERE l.company_id = %(company)s
               AND l.display_type IS NULL
               AND l.date_planned >= %(start)s AND l.date_planned < %(end)s
               AND o.state IN ('purchase', 'done', 'cancel')
               %(partner_filter)s
        ), receipts AS (
            SELECT m.purchase_line_id, %(qty)s AS qty, m.date,
                   ROW_NUMBER() OVER (PARTITION BY %(same_receipt)s ORDER BY m.id)
                       AS copy_no
              FROM stock_move m
              %(qty_joins)s
              JOIN stock_location src ON src.id = m.location_id
             WHERE m.purchase_line_id IN (SELECT id FROM due WHERE kind = 0)
               AND m.state = 'done' AND src.usage = 'supplier'
        )
        SELECT due.partner, due.kind, due.ordered,
               COALESCE(SUM(r.qty) FILTER (
                   WHERE r.copy_no = 1
                     AND (r.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
                         <= due.promised), 0),
               due.id
          FROM due
          LEFT JOIN receipts r ON r.purchase_line_id = due.id
         GROUP BY due.id, due.partner, due.kind, due.ordered
        """,
            tz=tz_name,
            company=company.id,
            start=start,
            end=end,
            qty=MOVE_QTY,
            qty_joins=MOVE_QTY_JOINS,
            same_receipt=SAME_RECEIPT,
            partner_filter=_partner_filter("p.commercial_partner_id", partner_ids),
        )
    )
    return _columns(
        env,
        ("partner", "kind", "ordered", "received", "line"),
        (np.int64, np.int8, float, float, np.int64),
    )


def _fetch_moves(env, company, start, end):
    """Receipts from and returns to suppliers done in the period, with their lead
    time.

    Every supplier of the company: the lead-time outlier cut is the company's, whoever
    is scored.
    """
    env.cr.execute(
        SQL(
            """
        SELECT p.commercial_partner_id, %(qty)s, src.usage = 'supplier',
               EXTRACT(EPOCH FROM (m.date - o.date_approve)) / 86400.0,
               CASE WHEN src.usage = 'supplier' THEN ROW_NUMBER() OVER (
                    PARTITION BY %(same_receipt)s ORDER BY m.id) ELSE 1 END,
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
           AND (src.usage = 'supplier' OR dst.usage = 'supplier')
           AND o.state IN ('purchase', 'done')
        """,
            company=company.id,
            start=start,
            end=end,
            qty=MOVE_QTY,
            qty_joins=MOVE_QTY_JOINS,
            same_receipt=SAME_RECEIPT,
        )
    )
    return _columns(
        env,
        ("partner", "qty", "is_receipt", "days", "copy_no", "line"),
        (np.int64, float, bool, float, np.int64, np.int64),
    )


def _fetch_prices(env, company, start, end):
    """Lines confirmed in the period: spend in company currency and unit price per
    product unit (kind: lib.engine.DUE_*)."""
    env.cr.execute(
        SQL(
            """
        SELECT p.commercial_partner_id, l.product_id,
               l.price_subtotal / COALESCE(NULLIF(o.currency_rate, 0), 1) AS spend,
               l.price_subtotal / COALESCE(NULLIF(o.currency_rate, 0), 1)
                   / NULLIF(l.product_uom_qty, 0),
               CASE WHEN l.date_planned IS NULL THEN 3
                    WHEN t.type = 'service' THEN 2
                    ELSE 0 END
          FROM purchase_order_line l
          JOIN purchase_order o ON o.id = l.order_id
          JOIN res_partner p ON p.id = o.partner_id
          JOIN product_product pp ON pp.id = l.product_id
          JOIN product_template t ON t.id = pp.product_tmpl_id
         WHERE o.company_id = %(company)s
           AND o.date_approve >= %(start)s AND o.date_approve < %(end)s
           AND o.state IN ('purchase', 'done')
           AND l.display_type IS NULL
        """,
            company=company.id,
            start=start,
            end=end,
        )
    )
    return _columns(
        env,
        ("partner", "product", "spend", "unit_price", "kind"),
        (np.int64, np.int64, float, float, np.int8),
    )


def _fetch_ratings(env, company, date_from, date_to, partner_ids):
    env.cr.execute(
        SQL(
            """
        SELECT partner_id, %(criteria)s
          FROM supplier_rating r
         WHERE company_id = %(company)s
           AND date BETWEEN %(date_from)s AND %(date_to)s
               %(partner_filter)s
        """,
            criteria=SQL(", ").join(
                SQL("%s::float8", SQL.identifier(c)) for c in RATING_CRITERIA
            ),
            company=company.id,
            date_from=date_from,
            date_to=date_to,
            partner_filter=_partner_filter("r.partner_id", partner_ids),
        )
    )
    return _columns(
        env,
        ("partner", *RATING_CRITERIA),
        (np.int64, *(float for _c in RATING_CRITERIA)),
    )


def _fetch_existing(env, company, date_from, date_to, partner_ids):
    env.cr.execute(
        SQL(
            """
        SELECT partner_id, id, state = 'draft', kraljic_class, template_id
          FROM supplier_scorecard s
         WHERE company_id = %(company)s
           AND date_from = %(date_from)s AND date_to = %(date_to)s
               %(partner_filter)s
        """,
            company=company.id,
            date_from=date_from,
            date_to=date_to,
            partner_filter=_partner_filter("s.partner_id", partner_ids),
        )
    )
    return _columns(
        env,
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


def _fetch_previous_totals(env, company, date_from, period_type, partner_ids):
    prev_from, prev_to = periods.previous_period(date_from, period_type)
    env.cr.execute(
        SQL(
            """
        SELECT partner_id, total_score FROM supplier_scorecard
         WHERE company_id = %s AND date_from = %s AND date_to = %s
           AND partner_id = ANY(%s)
        """,
            company.id,
            prev_from,
            prev_to,
            partner_ids.tolist(),
        )
    )
    previous = np.full(len(partner_ids), np.nan)
    found = _columns(env, ("partner", "total"), (np.int64, float))
    previous[np.searchsorted(partner_ids, found["partner"])] = found["total"]
    return previous


# ---------------------------------------------------------------------------- write
def write(env, company, date_from, date_to, columns, result):
    """Insert new scorecards and update drafts in two statements; never touch the
    others. Returns the ids written (updated first, then inserted)."""
    Scorecard = env["supplier.scorecard"]
    values = {
        "kraljic_class": columns.kraljic_class,
        "template_id": columns.template_ids,
        "has_data": result.has_data,
        "total_score": result.total,
        "grade": result.grade,
        "previous_total": columns.previous_total,
        "total_change": result.total_change,
        **{RAW_FIELDS[c]: result.raw[c] for c in CRITERION_CODES},
        **{SCORE_FIELDS[c]: result.scores[c] for c in CRITERION_CODES},
        **result.counts,
    }
    uid, now = env.uid, fields.Datetime.now()
    writable = columns.is_draft
    update = writable & (columns.card_ids > 0)
    if update.any():
        env.cr.execute(
            _sql(
                sqlarrays.update_rows(
                    "supplier_scorecard",
                    columns.card_ids[update],
                    _typed(Scorecard, values, update),
                    constants=(("write_uid", uid), ("write_date", now)),
                )
            )
        )
    insert = columns.card_ids == 0
    new_ids = []
    if insert.any():
        env.cr.execute(
            _sql(
                sqlarrays.insert_rows(
                    "supplier_scorecard",
                    "partner_id",
                    result.partner_ids[insert],
                    _typed(Scorecard, values, insert),
                    constants=(
                        ("company_id", company.id),
                        ("period_type", company.supplier_period_type),
                        ("date_from", date_from),
                        ("date_to", date_to),
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
        if len(new_ids) >= ANALYZE_AFTER_INSERTS:
            # The trend, cluster and alert statements that follow join this table on
            # the rows just written. Autovacuum cannot see them before the commit, so
            # the statistics are those of the last autovacuum (e.g. "0 rows" over the
            # pages of deleted drafts): each join is then planned for one row and runs
            # as a nested loop over the table, O(n^2), minutes per month in a
            # back-fill. ANALYZE here samples our own rows.
            env.cr.execute("ANALYZE supplier_scorecard")
    Scorecard.invalidate_model()
    return np.concatenate(
        [columns.card_ids[update], np.array(new_ids, dtype=np.int64)]
    ).astype(np.int64)


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
    trends(env, company, date_from, card_ids)
    clusters(env, company, date_from)


def trends(env, company, date_from, card_ids):
    """Lead-time and on-time trends over the company's last periods, and their
    warnings, on the cards ``card_ids``."""
    if not len(card_ids):
        return
    n_periods = company.supplier_trend_periods
    starts = [date_from]
    for _i in range(n_periods - 1):
        starts.insert(
            0, periods.previous_period(starts[0], company.supplier_period_type)[0]
        )
    ids = np.unique(np.asarray(card_ids, dtype=np.int64))
    # Two single-table reads matched in numpy (a supplier has one card per period): a
    # self-join here is planned from whatever statistics the table has and, during a
    # back-fill, becomes a nested loop over every card of the window for each card.
    env.cr.execute(
        SQL(
            "SELECT id, partner_id FROM supplier_scorecard WHERE id = ANY(%s) "
            "ORDER BY id",
            ids.tolist(),
        )
    )
    row_of_partner = {partner: i for i, (_id, partner) in enumerate(env.cr.fetchall())}
    env.cr.execute(
        SQL(
            """
        SELECT partner_id, date_from, lead_time_avg, on_time_rate
          FROM supplier_scorecard
         WHERE company_id = %s AND date_from = ANY(%s) AND partner_id = ANY(%s)
             AND has_data
        """,
            company.id,
            starts,
            list(row_of_partner),
        )
    )
    history = _columns(
        env,
        ("partner", "date_from", "lead", "on_time"),
        (np.int64, object, float, float),
    )
    lead = np.full((len(ids), n_periods), np.nan)
    on_time = np.full((len(ids), n_periods), np.nan)
    if len(history["partner"]):
        row = np.array([row_of_partner[p] for p in history["partner"].tolist()])
        column = np.array([starts.index(d) for d in history["date_from"].tolist()])
        lead[row, column] = history["lead"]
        on_time[row, column] = history["on_time"]
    lead_fit, on_time_fit, growing = engine.trend_fits(lead, on_time)
    warnings = _trend_warnings(env, company, lead_fit, on_time_fit, growing)
    env.cr.execute(
        _sql(
            sqlarrays.update_rows(
                "supplier_scorecard",
                ids,
                {
                    "lead_time_slope": (lead_fit["slope"], "float8"),
                    "lead_time_r2": (lead_fit["r2"], "float8"),
                    "lead_time_forecast": (lead_fit["forecast"], "float8"),
                    "on_time_slope": (on_time_fit["slope"], "float8"),
                    "on_time_r2": (on_time_fit["r2"], "float8"),
                    "on_time_forecast": (on_time_fit["forecast"], "float8"),
                    "trend_points": (
                        np.maximum(lead_fit["points"], on_time_fit["points"]),
                        "int4",
                    ),
                    "trend_warning_data": (warnings, "jsonb"),
                },
            )
        )
    )
    env["supplier.scorecard"].invalidate_model()


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
    k = company.supplier_cluster_count
    features = [name for name, _better in CLUSTER_FEATURES]
    env.cr.execute(
        SQL(
            "SELECT id, state = 'draft', %s FROM supplier_scorecard WHERE "
            "company_id = %s AND date_from = %s AND has_data ORDER BY id",
            SQL(", ").join(SQL.identifier(c) for c in features),
            company.id,
            date_from,
        )
    )
    cards = _columns(
        env, ("id", "draft", *features), (np.int64, bool, *(float for _f in features))
    )
    written = np.ones(len(cards["id"]), dtype=bool) if explain_kept else cards["draft"]
    if not written.any():
        return
    ids = cards["id"]
    found = engine.clusters(np.column_stack([cards[f] for f in features]), k)
    if found is None:
        env.cr.execute(
            SQL(
                "UPDATE supplier_scorecard SET cluster_label = CASE WHEN state = "
                "'draft' THEN NULL ELSE cluster_label END, "
                "cluster_explanation_data = %s WHERE id = ANY(%s)",
                json.dumps({"none": [len(ids), 3 * k, k]}),
                ids[written].tolist(),
            )
        )
    else:
        labels, groups, own = found
        rows = np.flatnonzero(written).tolist()
        env.cr.execute(
            SQL(
                """
            UPDATE supplier_scorecard s SET cluster_label = CASE
                    WHEN s.state = 'draft' THEN v.label ELSE s.cluster_label END,
                cluster_explanation_data = v.explanation
              FROM %s
             WHERE s.id = v.id
            """,
                _sql(
                    sqlarrays.unnest(
                        "id",
                        ids[written],
                        {
                            "label": (
                                np.array([labels[i] for i in rows], dtype=object),
                                "varchar",
                            ),
                            # The group's centre and the supplier itself, each against
                            # the average: a supplier at 100 % quality in a group whose
                            # quality is low reads as such.
                            "explanation": (
                                np.array(
                                    [
                                        json.dumps({"group": groups[i], "own": own[i]})
                                        for i in rows
                                    ],
                                    dtype=object,
                                ),
                                "jsonb",
                            ),
                        },
                    )
                ),
            )
        )
    env["supplier.scorecard"].invalidate_model()


def rebuild_analysis(env):
    """Trends and cluster explanations of every period again (upgrade from texts
    stored in the language of the run to codes)."""
    env.cr.execute(
        "SELECT company_id, date_from, array_agg(id) FROM supplier_scorecard "
        "GROUP BY company_id, date_from ORDER BY company_id, date_from"
    )
    for company_id, date_from, card_ids in env.cr.fetchall():
        company = env["res.company"].browse(company_id)
        trends(env, company, date_from, card_ids)
        clusters(env, company, date_from, explain_kept=True)
