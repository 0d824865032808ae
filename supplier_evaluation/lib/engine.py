"""One period's supplier evaluation as numbers: loaded columns in, the figures to write
out (no Odoo; supplier_evaluation/engine.py loads and writes).

Rows are the evaluated suppliers, ``Columns.partner_ids`` (sorted, unique, int64); the
fact tables (due lines, moves, prices, ratings) carry a ``partner`` column of the same
ids.
"""

import dataclasses
import datetime

import numpy as np

from . import cluster, metrics, scoring, trend
from .vocabulary import CLUSTER_FEATURES, CRITERION_CODES, RATING_CRITERIA

# Lead times beyond a year are data errors whatever their spread.
LEAD_TIME_HARD_MAX_DAYS = 365.0
# Robust rule: a lead time beyond median + 10 scaled MADs (of the company, in the
# period) is absurd.
LEAD_TIME_OUTLIER_K = 10.0
# "Keeps growing with a good fit": a positive slope, R² at least this, over at least 4
# periods.
GROWTH_MIN_R2 = 0.7
GROWTH_MIN_POINTS = 4
# Kinds of a due line (engine.load): usable, cancelled order, service, no promised date.
DUE_USABLE, DUE_CANCELLED, DUE_SERVICE, DUE_NO_PROMISE = 0, 1, 2, 3


@dataclasses.dataclass(frozen=True)
class Columns:
    """One company's period, as loaded.

    ``due``: partner, kind, ordered, received (on time); ``moves``: partner, qty,
    is_receipt, days, copy_no (every supplier of the company: the outlier cut is the
    company's); ``prices``: partner, product, spend, unit_price, kind (every vendor:
    prices compare across them); ``ratings``: partner and one column per rating
    criterion. Per row: the existing card (0 if none), whether it is a draft, the
    Kraljic class and template it is scored with, the previous period's total.
    ``due`` and ``moves`` also carry the purchase ``line``; ``excluded`` maps a
    criterion to the lines left out of it (accepted disputes).
    """

    partner_ids: np.ndarray
    due: dict
    moves: dict
    prices: dict
    ratings: dict
    card_ids: np.ndarray
    is_draft: np.ndarray
    kraljic_class: np.ndarray
    template_ids: np.ndarray
    previous_total: np.ndarray
    excluded: dict = dataclasses.field(default_factory=dict)


# Criteria a line dispute can leave a line out of.
DISPUTED_CRITERIA = ("on_time", "in_full", "quality")


def kept_lines(rows, excluded, criterion):
    """Mask of the fact rows (with a ``line`` column) not left out of ``criterion``."""
    lines = excluded.get(criterion)
    if lines is None or not len(lines) or "line" not in rows:
        return np.ones(len(rows["partner"]), dtype=bool)
    return ~np.isin(rows["line"], lines)


# The fact tables of a range (engine.load), each with a ``period`` column.
FACT_TABLES = ("due", "moves", "prices", "ratings")


@dataclasses.dataclass(frozen=True)
class Facts:
    """The fact tables of a range of periods, read once: the columns of Columns'
    tables plus ``period``, the index of the row's period in the range."""

    due: dict
    moves: dict
    prices: dict
    ratings: dict


def period_facts(facts, k):
    """{table: columns} of the rows of period ``k`` of ``facts``."""
    result = {}
    for name in FACT_TABLES:
        table = getattr(facts, name)
        rows = table["period"] == k
        result[name] = {column: values[rows] for column, values in table.items()}
    return result


def compute_periods(periods, settings, chained):
    """compute() of each period's Columns, oldest first. Where ``chained[k]`` (the
    period before period ``k`` in the list is its previous period), the previous
    total of a supplier whose card of that period is written by this run is the total
    just computed, not the stored one (as when the periods are evaluated one by one).

    Returns the Result of each period; ``periods`` is updated in place with the
    previous totals so worked out (they are written with the cards).
    """
    results = []
    for k, columns in enumerate(periods):
        if k and chained[k]:
            before, result = periods[k - 1], results[-1]
            position = np.minimum(
                np.searchsorted(before.partner_ids, columns.partner_ids),
                max(len(before.partner_ids) - 1, 0),
            )
            found = np.zeros(len(columns.partner_ids), dtype=bool)
            if len(before.partner_ids):
                found = before.partner_ids[position] == columns.partner_ids
                found &= before.is_draft[position]
            previous_total = columns.previous_total.copy()
            previous_total[found] = result.total[position[found]]
            columns = dataclasses.replace(columns, previous_total=previous_total)
            periods[k] = columns
        results.append(compute(columns, settings))
    return results


@dataclasses.dataclass(frozen=True)
class Template:
    """The scored criteria of one template (in CRITERION_CODES order) with their
    bounds and weights."""

    criteria: tuple
    poor: np.ndarray
    excellent: np.ndarray
    weights: np.ndarray


@dataclasses.dataclass(frozen=True)
class Settings:
    """The company's parameters for the periods evaluated."""

    as_of: datetime.date  # first day of the first period
    grade_a_min: float
    grade_b_min: float
    templates: dict  # template id -> Template


@dataclasses.dataclass(frozen=True)
class Result:
    """Per row of Columns.partner_ids: raw figures and scores (criterion -> array),
    counts (scorecard column -> array), total, grade, change, has_data."""

    partner_ids: np.ndarray
    raw: dict
    scores: dict
    counts: dict
    has_data: np.ndarray
    total: np.ndarray
    grade: np.ndarray
    total_change: np.ndarray


def compute(columns, settings):
    """Figures, scores, totals and grades of every row of ``columns``."""
    raw, counts = figures(columns)
    n = len(columns.partner_ids)
    has_data = (
        counts["line_count"]
        + counts["receipt_count"]
        + counts["price_product_count"]
        + counts["rating_count"]
    ) > 0
    scores = {code: np.full(n, np.nan) for code in CRITERION_CODES}
    totals = np.full(n, np.nan)
    for template_id, template in settings.templates.items():
        rows = np.flatnonzero(columns.template_ids == template_id)
        if not len(rows):
            continue
        block = scoring.linear_scores(
            np.column_stack([raw[code][rows] for code in template.criteria]),
            template.poor,
            template.excellent,
        )
        for i, code in enumerate(template.criteria):
            scores[code][rows] = block[:, i]
        totals[rows] = scoring.weighted_total(block, template.weights)
    totals[~has_data] = np.nan
    return Result(
        partner_ids=columns.partner_ids,
        raw=raw,
        scores=scores,
        counts=counts,
        has_data=has_data,
        total=totals,
        grade=scoring.grades(totals, settings.grade_a_min, settings.grade_b_min),
        total_change=totals - columns.previous_total,
    )


def figures(columns):
    """Per-supplier raw figures (criterion -> array) and sample/exclusion counts."""
    partner_ids, due, moves, prices, ratings = (
        columns.partner_ids,
        columns.due,
        columns.moves,
        columns.prices,
        columns.ratings,
    )
    n = len(partner_ids)

    def group(rows):
        return np.searchsorted(partner_ids, rows["partner"])

    raw, counts = {}, {}
    usable = due["kind"] == DUE_USABLE
    due_group = group(due)
    excluded = columns.excluded
    # A line left out of one criterion by an accepted dispute still counts in the
    # other.
    for criterion in ("on_time", "in_full"):
        rows = usable & kept_lines(due, excluded, criterion)
        otif = metrics.on_time_in_full(
            due_group[rows], due["ordered"][rows], due["received"][rows], n
        )
        raw[criterion] = otif[criterion] * 100
        if criterion == "on_time":
            counts["line_count"] = otif["line_count"]
            counts["qty_due"] = otif["qty_due"]
    disputed = np.zeros(n, dtype=np.int64)
    for criterion in DISPUTED_CRITERIA:
        rows = due if criterion != "quality" else moves
        left_out = ~kept_lines(rows, excluded, criterion)
        if criterion == "quality":
            left_out &= ~rows["is_receipt"] & np.isin(rows["partner"], partner_ids)
        disputed += np.bincount(
            np.searchsorted(partner_ids, rows["partner"][left_out]), minlength=n
        )
    counts["excluded_disputed"] = disputed
    counts["excluded_cancelled"] = np.bincount(
        due_group[due["kind"] == DUE_CANCELLED], minlength=n
    )
    counts["excluded_service"] = np.bincount(
        due_group[due["kind"] == DUE_SERVICE], minlength=n
    )

    # The outlier cut is computed over every receipt of the company in the period,
    # then the moves of suppliers not scored here are dropped: scope never changes a
    # figure.
    duplicate = moves["copy_no"] > 1
    receipt = moves["is_receipt"] & ~duplicate
    keep_all = np.ones(len(receipt), dtype=bool)
    keep_all[receipt] = metrics.robust_keep_mask(
        moves["days"][receipt],
        k=LEAD_TIME_OUTLIER_K,
        hard_max=LEAD_TIME_HARD_MAX_DAYS,
    )
    scored = np.isin(moves["partner"], partner_ids)
    moves = {name: column[scored] for name, column in moves.items()}
    duplicate, receipt, keep_all = duplicate[scored], receipt[scored], keep_all[scored]
    move_group = group(moves)
    returned = ~moves["is_receipt"]
    counts["excluded_duplicate"] = np.bincount(move_group[duplicate], minlength=n)
    received_qty = np.where(receipt, moves["qty"], 0.0)
    returned_qty = np.where(
        returned & kept_lines(moves, excluded, "quality"), moves["qty"], 0.0
    )
    quality = metrics.quality(move_group, received_qty, returned_qty, n)
    raw["quality"] = quality["quality"] * 100
    counts["qty_received"] = quality["qty_received"]
    counts["qty_returned"] = quality["qty_returned"]

    lead = metrics.lead_time(
        move_group[receipt],
        moves["days"][receipt],
        moves["qty"][receipt],
        n,
        keep=keep_all[receipt],
    )
    raw["lead_time"] = lead["lead_time"]
    raw["lead_time_std"] = lead["lead_time_std"]
    counts["excluded_lead_time"] = lead["excluded"]
    counts["receipt_count"] = np.bincount(move_group[receipt], minlength=n)

    # Prices cover every vendor of the company; scatter the result to the scored
    # suppliers.
    vendors, price_group = np.unique(prices["partner"], return_inverse=True)
    goods = prices["kind"] == DUE_USABLE
    price = metrics.price_index(
        price_group[goods],
        prices["product"][goods],
        prices["unit_price"][goods],
        prices["spend"][goods],
        len(vendors),
    )
    spend = np.bincount(
        price_group[goods], weights=prices["spend"][goods], minlength=len(vendors)
    )
    no_promise = np.bincount(
        price_group[prices["kind"] == DUE_NO_PROMISE], minlength=len(vendors)
    )
    position = np.minimum(
        np.searchsorted(vendors, partner_ids), max(len(vendors) - 1, 0)
    )
    found = (
        vendors[position] == partner_ids if len(vendors) else np.zeros(n, dtype=bool)
    )
    raw["price"] = np.full(n, np.nan)
    counts["price_product_count"] = np.zeros(n, dtype=np.int64)
    counts["spend"] = np.zeros(n)
    counts["excluded_no_promise"] = np.zeros(n, dtype=np.int64)
    raw["price"][found] = price["price"][position[found]] * 100
    counts["price_product_count"][found] = price["price_products"][position[found]]
    counts["spend"][found] = spend[position[found]]
    counts["excluded_no_promise"][found] = no_promise[position[found]]

    rating_group = group(ratings)
    counts["rating_count"] = np.bincount(rating_group, minlength=n)
    for criterion in RATING_CRITERIA:
        values = ratings[criterion]
        rated = ~np.isnan(values)
        total = np.bincount(rating_group[rated], weights=values[rated], minlength=n)
        number = np.bincount(rating_group[rated], minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            raw[criterion] = np.where(number > 0, total / np.maximum(number, 1), np.nan)
    return raw, counts


def trend_fits(lead, on_time):
    """Linear trends of the lead time and on-time rate histories ((cards, periods),
    oldest first, NaN without data), and which cards' lead time keeps growing."""
    lead_fit, on_time_fit = trend.linear_trends(lead), trend.linear_trends(on_time)
    growing = (
        (np.nan_to_num(lead_fit["slope"]) > 0)
        & (np.nan_to_num(lead_fit["r2"]) >= GROWTH_MIN_R2)
        & (lead_fit["points"] >= GROWTH_MIN_POINTS)
    )
    return lead_fit, on_time_fit, growing


def clusters(features, k):
    """k-means over the period's suppliers ((n, CLUSTER_FEATURES) with NaN), labelled
    from the cluster centres.

    Returns (label code per row, the row's cluster centre codes, the row's own codes),
    codes as ``feature_codes`` gives them; None when there are fewer than 3 k rows.
    """
    if len(features) < 3 * k:
        return None
    z, _mean, _std = cluster.standardize(np.asarray(features, dtype=float))
    result = cluster.kmeans(z, k, seed=0)
    better = np.array([b for _n, b in CLUSTER_FEATURES])
    labels, _merit = cluster.label_supplier_clusters(result["centers"], better)
    groups = [feature_codes(center) for center in result["centers"]]
    assigned = result["labels"].tolist()
    return (
        [labels[c] for c in assigned],
        [groups[c] for c in assigned],
        _named_codes(cluster.describe_rows(z)),
    )


def feature_codes(z):
    """describe_center's codes with the feature's column instead of its index."""
    return _named_codes([cluster.describe_center(z)])[0]


def _named_codes(rows):
    return [
        [[CLUSTER_FEATURES[i][0], direction] for i, direction in codes]
        for codes in rows
    ]
