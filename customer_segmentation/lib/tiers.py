"""Pareto (ABC) customer tiers with hysteresis on demotion."""

import numpy as np

from .vocabulary import TIERS  # noqa: F401 (the codes of these numbers)

STRATEGIC, KEY, ORDINARY = range(3)

# Guards the "< cut" comparisons against float rounding in the cumulative sums.
_EPSILON = 1e-9


def pareto_tiers(values, strategic_cut=0.80, key_cut=0.95):
    """Tier customers by their cumulative share of the positive total.

    Customers are ranked by value, descending (NaN last).  A customer is
    strategic (0) if the share held by customers ranked above it is
    < ``strategic_cut``, key (1) if < ``key_cut``, else ordinary (2); NaN and
    values <= 0 are ordinary.  Tied values are treated as one group: they
    share the smallest rank, the tier of the group's first member, and the
    cumulative share at the end of the group.
    Returns a dict of arrays: ``tier`` (int8), ``rank`` (1-based),
    ``share`` (own share of the total) and ``cumulative_share`` (including
    the customer).
    """
    if not 0 < strategic_cut < key_cut <= 1:
        raise ValueError("cuts must satisfy 0 < strategic_cut < key_cut <= 1")
    values = np.asarray(values, dtype=float).ravel()
    positive = np.isfinite(values) & (values > 0)
    amounts = np.where(positive, values, 0.0)
    total = amounts.sum()

    sort_keys = np.where(np.isnan(values), -np.inf, values)
    order = np.argsort(-sort_keys, kind="stable")
    sorted_keys = sort_keys[order]
    positions = np.arange(values.size)
    group_start = np.ones(values.size, dtype=bool)
    group_start[1:] = sorted_keys[1:] != sorted_keys[:-1]
    first_of_group = np.maximum.accumulate(np.where(group_start, positions, 0))
    group_end = np.ones(values.size, dtype=bool)
    group_end[:-1] = group_start[1:]
    last_of_group = np.minimum.accumulate(
        np.where(group_end, positions, values.size)[::-1]
    )[::-1]

    running = np.cumsum(amounts[order])
    before = np.concatenate(([0.0], running[:-1]))  # held by those ranked above
    divisor = total if total > 0 else 1.0  # no positive value: all shares 0
    share = amounts / divisor
    cumulative_before = before[first_of_group] / divisor
    cumulative_sorted = running[last_of_group] / divisor
    tier_sorted = np.select(
        [
            cumulative_before < strategic_cut - _EPSILON,
            cumulative_before < key_cut - _EPSILON,
        ],
        [STRATEGIC, KEY],
        ORDINARY,
    ).astype(np.int8)

    tier = np.empty(values.size, dtype=np.int8)
    rank = np.empty(values.size, dtype=np.int64)
    cumulative_share = np.empty(values.size)
    tier[order] = tier_sorted
    rank[order] = first_of_group + 1
    cumulative_share[order] = cumulative_sorted
    tier[~positive] = ORDINARY
    return {
        "tier": tier,
        "rank": rank,
        "share": share,
        "cumulative_share": cumulative_share,
    }


def apply_hysteresis(previous_tier, new_tier, below_count, runs_required=2):
    """Delay demotions until ``runs_required`` runs in a row below the previous tier.

    Tier codes: lower is better; previous_tier -1 = no previous tier.
    Promotions, same tier and first tiers apply at once and reset the count.
    Returns (tier, below_count) as int arrays.
    """
    if int(runs_required) != runs_required or runs_required < 1:
        raise ValueError("runs_required must be a whole number >= 1")
    previous_tier = np.asarray(previous_tier, dtype=np.int64)
    new_tier = np.asarray(new_tier, dtype=np.int64)
    runs_below = np.asarray(below_count, dtype=np.int64) + 1
    demoted = (previous_tier >= 0) & (new_tier > previous_tier)
    held = demoted & (runs_below < runs_required)
    tier = np.where(held, previous_tier, new_tier).astype(np.int8)
    return tier, np.where(held, runs_below, 0)
