"""The segmentation of one company as of a day, in numbers: columns in, columns out.

``compute(columns, settings)`` gives every customer its RFM scores, segment, Pareto
tier (with hysteresis and pins) and payment figures, and says which stored profiles
change. No database and no clock here: customer_segmentation/engine.py loads the
columns, passes the day and writes the result.
"""

import dataclasses
import datetime

import numpy as np

from . import rfm, segments, tiers
from .arrays import distinct
from .sqlarrays import close, same, scatter
from .vocabulary import TIERS, pin_is_active, tier_codes, tier_numbers

# Profile columns written by a run, with their kind (see sqlarrays.copy_column). The
# days since the last order are not stored: they change for everyone every night
# (customer.profile derives them from last_order_date and the last run's day).
# Nor are the days to pay, which grow every night for an overdue invoice: stored are
# their sum as of day 0 (1970-01-01, see payment_days) and the overdue count.
PROFILE_COLUMNS = {
    "last_order_date": "date",
    "frequency": "int4",
    "monetary": "numeric",
    "margin": "numeric",
    "margin_known": "bool",
    "average_order_value": "numeric",
    "payment_day_sum": "float8",
    "overdue_count": "int4",
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


# A customer's place in the Pareto ranking moves whenever anyone's revenue moves (the
# total changes, customers pass each other): these columns are rewritten when they
# moved by more than Settings.tolerance of their value, or with the profile's other
# figures.
POSITION_COLUMNS = ("rank", "share", "cumulative_share")
# The profile columns of the predictions (lifetime value, clusters), written in the
# same rows as the figures; a number is rewritten past a tolerance of its value (a
# day older, every customer's predictions move a little).
PREDICTION_COLUMNS = {
    "probability_alive": "float8",
    "expected_purchases": "float8",
    "expected_order_value": "float8",
    "lifetime_value": "float8",
    "cluster_index": "int4",
    "cluster_code": "varchar",
}
# What a run that writes a profile records about itself: the day, and the state
# before that day (a rerun the same day starts again from it). Not a reason to
# rewrite a profile whose figures did not move.
WRITE_COLUMNS = ("run_date", "previous_segment_id", "previous_tier", "base_below")


@dataclasses.dataclass(frozen=True)
class Columns:
    """What a run reads, per customer (commercial partner id, ascending)."""

    # The window's confirmed orders: count, last order day, revenue and margin (NaN
    # when unknown) in company currency.
    order_partner: np.ndarray
    order_count: np.ndarray
    last_order: np.ndarray  # datetime.date objects
    revenue: np.ndarray
    margin: np.ndarray
    # The window's posted credit notes: amount.
    refund_partner: np.ndarray
    refund_amount: np.ndarray
    # Invoices paid or past due: count, late ones, sum of days late, and how many
    # of them are past due unpaid.
    payment_partner: np.ndarray
    payment_count: np.ndarray
    payment_late: np.ndarray
    payment_days: np.ndarray
    payment_overdue: np.ndarray
    # The stored profiles: "partner", "id", PROFILE_COLUMNS, PREDICTION_COLUMNS,
    # "pin_tier", "pin_expiry".
    profiles: dict


@dataclasses.dataclass(frozen=True)
class Settings:
    """The company's parameters as plain values, and the as-of day."""

    as_of: datetime.date
    rfm_method: str  # "quintile" or "threshold"
    # threshold method: the four thresholds of r, f, m
    thresholds: dict
    tier_basis: str  # "revenue" or "margin"
    strategic_cut: float
    key_cut: float
    hysteresis: int
    # the rule table: segment ids and their (r_min, r_max, f_min, f_max)
    segment_ids: tuple
    segment_rules: tuple
    watched_segments: frozenset  # a move away from these ...
    alert_segments: frozenset  # ... into these is a downgrade
    baseline: bool  # the company's first run: nothing is a change
    # POSITION_COLUMNS are rewritten past this share of their value (0: any change)
    tolerance: float = 0.0


@dataclasses.dataclass(frozen=True)
class Result:
    partners: np.ndarray  # int64, ascending: every customer of the run
    values: dict  # PROFILE_COLUMNS and "segment_down", one entry per partner
    profile_id: np.ndarray  # the stored profile, 0 for a new customer
    rows_update: np.ndarray  # positions of the stored profiles whose figures changed
    rows_insert: np.ndarray  # positions of the new customers
    changed: np.ndarray  # segment or tier changed (never in a baseline run)
    notes: dict  # codes and numbers: "no_margin", "baseline"


def compute(columns, settings):
    """Every profile column of every customer, and what changes."""
    existing = columns.profiles
    partners = distinct(
        np.concatenate([columns.order_partner, existing["partner"]])
    ).astype(np.int64)
    values, notes = _segment_values(partners, columns, settings)
    if settings.baseline:
        notes["baseline"] = len(partners)
    profile_id, changed, differs = _changes(partners, values, existing, settings)
    return Result(
        partners=partners,
        values=values,
        profile_id=profile_id,
        rows_update=np.flatnonzero(differs & (profile_id > 0)),
        rows_insert=np.flatnonzero(profile_id == 0),
        changed=changed,
        notes=notes,
    )


def cluster_inputs(result, as_of):
    """The customers with orders in the window (positions in ``result``), their
    segment and their cluster figures: days since the last order, orders, revenue,
    margin share (NaN when unknown) and days to pay."""
    values = result.values
    rows = np.flatnonzero(values["frequency"] > 0)
    monetary = values["monetary"][rows].astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        margin_share = np.where(
            values["margin_known"][rows].astype(bool) & (monetary > 0),
            values["margin"][rows].astype(float) / monetary,
            np.nan,
        )
    features = np.column_stack(
        [
            [(as_of - day).days for day in values["last_order_date"][rows].tolist()],
            values["frequency"][rows],
            monetary,
            margin_share,
            payment_days(
                values["payment_day_sum"][rows],
                values["overdue_count"][rows],
                values["invoice_count"][rows],
                as_of,
            ),
        ]
    ).astype(float)
    return rows, values["segment_id"][rows], features


def with_predictions(result, stored, predicted, predicted_rows, tolerance):
    """``result`` with the PREDICTION_COLUMNS among its values, from ``predicted``
    (a column per customer of the result) on ``predicted_rows`` (a mask; None: all)
    and the stored ones elsewhere; the stored profiles whose predictions moved
    (numbers past ``tolerance`` of their value) are added to its updates."""
    n = len(result.partners)
    at = np.searchsorted(result.partners, stored["partner"])
    values = dict(result.values)
    moved = np.zeros(n, dtype=bool)
    for column, kind in PREDICTION_COLUMNS.items():
        null, dtype = (np.nan, float) if kind == "float8" else (None, object)
        old = scatter(n, at, stored[column], null, dtype)
        new = np.asarray(predicted[column], dtype=dtype)
        if predicted_rows is not None:
            new = np.where(predicted_rows, new, old)
        values[column] = new
        kept = (
            close(new, old, tolerance)
            if kind == "float8"
            else np.array(
                [(a or None) == (b or None) for a, b in zip(new, old, strict=True)],
                dtype=bool,
            )
        )
        moved |= ~kept
    return dataclasses.replace(
        result,
        values=values,
        rows_update=np.union1d(
            result.rows_update, np.flatnonzero(moved & (result.profile_id > 0))
        ),
    )


def _segment_values(partner_ids, columns, settings):
    today = settings.as_of
    existing = columns.profiles
    n = len(partner_ids)
    notes = {}
    pos = np.searchsorted(partner_ids, columns.order_partner)
    frequency = scatter(n, pos, columns.order_count, 0, np.int64)
    revenue = scatter(n, pos, columns.revenue)
    revenue -= _refunds(partner_ids, columns)
    margin = scatter(n, pos, columns.margin, np.nan)
    last_order = scatter(n, pos, columns.last_order, None, object)
    recency = scatter(
        n, pos, [(today - day).days for day in columns.last_order.tolist()], np.nan
    )
    active = frequency > 0

    scores = {}
    if settings.rfm_method == "threshold":
        for key, figures, better in (
            ("r", recency, False),
            ("f", frequency.astype(float), True),
            ("m", revenue, True),
        ):
            scores[key] = rfm.threshold_scores(
                np.where(active, figures, np.nan), settings.thresholds[key], better
            )
    else:
        scores["r"] = rfm.quintile_scores(
            np.where(active, recency, np.nan), higher_is_better=False
        )
        scores["f"] = rfm.quintile_scores(np.where(active, frequency, np.nan))
        scores["m"] = rfm.quintile_scores(np.where(active, revenue, np.nan))

    rule_index = segments.assign_segments(
        scores["r"], scores["f"], list(settings.segment_rules)
    )
    segment_ids = np.array(list(settings.segment_ids) + [0], dtype=np.int64)[
        rule_index
    ]  # -1 -> 0 (none)

    basis = revenue
    if settings.tier_basis == "margin":
        if np.isnan(margin[active]).all():
            notes["no_margin"] = True
        else:
            basis = np.where(np.isnan(margin), 0.0, margin)
    pareto = tiers.pareto_tiers(
        np.where(active, basis, 0.0), settings.strategic_cut, settings.key_cut
    )

    # Hysteresis and change detection start from the state before today's run.
    ex_pos = np.searchsorted(partner_ids, existing["partner"])
    base_tier = np.full(n, -1, dtype=np.int64)
    base_below = np.zeros(n, dtype=np.int64)
    base_segment = np.zeros(n, dtype=np.int64)
    rerun = existing["run_date"] == today
    base_tier[ex_pos] = np.where(
        rerun, tier_numbers(existing["previous_tier"]), tier_numbers(existing["tier"])
    )
    base_below[ex_pos] = np.where(
        rerun, existing["base_below"], existing["tier_below_count"]
    )
    base_segment[ex_pos] = np.where(
        rerun, existing["previous_segment_id"], existing["segment_id"]
    )
    tier_number, below = tiers.apply_hysteresis(
        base_tier, pareto["tier"], base_below, settings.hysteresis
    )
    pinned = np.zeros(n, dtype=bool)
    pin_number = np.full(n, -1, dtype=np.int64)
    pinned[ex_pos] = np.array(
        [
            pin_is_active(tier, expiry, today)
            for tier, expiry in zip(
                existing["pin_tier"].tolist(),
                existing["pin_expiry"].tolist(),
                strict=True,
            )
        ],
        dtype=bool,
    )
    pin_number[ex_pos] = tier_numbers(existing["pin_tier"])
    tier_number = np.where(pinned, pin_number, tier_number)

    tier_names = np.array(TIERS, dtype=object)
    decile = np.where(
        active,
        np.minimum(10, 1 + (pareto["rank"] - 1) * 10 // max(int(active.sum()), 1)),
        0,
    )
    aov = np.where(frequency > 0, revenue / np.maximum(frequency, 1), np.nan)
    segment_down = np.array(
        [
            old in settings.watched_segments and new in settings.alert_segments
            for old, new in zip(
                base_segment.tolist(), segment_ids.tolist(), strict=True
            )
        ],
        dtype=bool,
    )
    values = {
        "segment_down": segment_down,
        "moved_down": segment_down | ((base_tier >= 0) & (tier_number > base_tier)),
        "last_order_date": last_order,
        "frequency": frequency,
        "monetary": np.round(revenue, 2),
        "margin": np.round(margin, 2),
        "margin_known": ~np.isnan(margin),
        "average_order_value": np.round(aov, 2),
        **_payment_values(partner_ids, columns, today),
        "r_score": scores["r"].astype(np.int64),
        "f_score": scores["f"].astype(np.int64),
        "m_score": scores["m"].astype(np.int64),
        "segment_id": segment_ids,
        "tier": tier_names[tier_number],
        "tier_computed": tier_names[pareto["tier"]],
        "tier_below_count": below,
        "rank": np.where(active, pareto["rank"], 0),
        "share": np.round(pareto["share"] * 100, 4),
        "cumulative_share": np.round(pareto["cumulative_share"] * 100, 4),
        "decile": decile,
        "previous_segment_id": base_segment,
        "previous_tier": tier_codes(base_tier),
        "base_below": base_below,
    }
    return values, notes


def _refunds(partner_ids, columns):
    """The credit notes of each customer of the run (others are nobody's)."""
    refunds = dict(
        zip(
            columns.refund_partner.tolist(), columns.refund_amount.tolist(), strict=True
        )
    )
    return np.array([refunds.get(pid, 0.0) for pid in partner_ids.tolist()])


def _payment_values(partner_ids, columns, today):
    """The stored payment figures: an unpaid invoice past due is late by the days
    from its due date to ``today``, so its days are stored as minus its due day
    (day numbers from 1970-01-01) and added back on read (payment_days)."""
    n = len(partner_ids)
    pos = np.searchsorted(partner_ids, columns.payment_partner)
    number = scatter(n, pos, columns.payment_count, 0, np.int64)
    late = scatter(n, pos, columns.payment_late)
    total_days = scatter(n, pos, columns.payment_days)
    overdue = scatter(n, pos, columns.payment_overdue, 0, np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "payment_day_sum": np.where(
                number > 0, total_days - overdue * day_number(today), np.nan
            ),
            "overdue_count": overdue,
            "late_share": np.where(
                number > 0, np.round(100 * late / number, 2), np.nan
            ),
            "invoice_count": number,
        }


def day_number(day):
    """Days from 1970-01-01 to ``day``."""
    return (day - datetime.date(1970, 1, 1)).days


def payment_days(day_sum, overdue_count, invoice_count, as_of):
    """The average days from due date to payment as of ``as_of`` (a day on or after
    the stored figures' run), from the stored figures; NaN without invoices."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(
            np.asarray(invoice_count) > 0,
            (
                np.asarray(day_sum, dtype=float)
                + np.asarray(overdue_count) * day_number(as_of)
            )
            / np.asarray(invoice_count),
            np.nan,
        )


def _changes(partner_ids, values, existing, settings):
    """The stored profile of each customer, and the customers whose segment or tier
    changed, and those whose stored figures differ; fills the change and run days."""
    today = settings.as_of
    n = len(partner_ids)
    ex_pos = np.searchsorted(partner_ids, existing["partner"])
    profile_id = scatter(n, ex_pos, existing["id"], 0, np.int64)
    old_segment = scatter(n, ex_pos, existing["segment_id"], 0, np.int64)
    old_tier = scatter(n, ex_pos, existing["tier"], None, object)
    changed = ((values["segment_id"] != old_segment) | (values["tier"] != old_tier)) & (
        not settings.baseline
    )
    values["changed_date"] = np.array(
        [today if c else None for c in changed.tolist()], dtype=object
    )
    values["changed_date"][ex_pos] = np.where(
        changed[ex_pos], today, existing["changed_date"]
    )
    # The day of the last run that wrote the profile (a rerun the same day starts
    # again from the previous_* columns only when that day wrote them).
    values["run_date"] = np.full(n, today, dtype=object)
    differs = np.zeros(n, dtype=bool)
    for column, kind in PROFILE_COLUMNS.items():
        if column in WRITE_COLUMNS:
            continue
        if column in POSITION_COLUMNS:
            kept = close(values[column][ex_pos], existing[column], settings.tolerance)
        else:
            kept = same(values[column][ex_pos], existing[column], kind)
        differs[ex_pos] |= ~kept
    return profile_id, changed, differs
