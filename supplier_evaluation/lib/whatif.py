"""What a template change would do to stored scorecards (no Odoo, no writing).

The stored raw figures of each card are rescored with the very functions the engine
scores with (lib.scoring), so that a preview equals the evaluation that would follow.
"""

import numpy as np

from . import scoring


def rescore(raw, poor, excellent, weights, has_data, a_min, b_min):
    """Totals and grades of the cards ``raw`` (n, k: the template's criteria, NaN
    without data) with the given bounds and weights, as lib.engine.compute makes them:
    a card without data has no total."""
    raw = np.asarray(raw, dtype=float).reshape(len(has_data), len(weights))
    totals = scoring.weighted_total(
        scoring.linear_scores(raw, poor, excellent), weights
    )
    totals[~np.asarray(has_data, dtype=bool)] = np.nan
    return totals, scoring.grades(totals, a_min, b_min)


def ranks(groups, totals):
    """Rank of each card within its group (a period): 1 for the highest total, equal
    totals share a rank (1, 2, 2, 4), no rank (0) without a total."""
    groups = np.asarray(groups)
    totals = np.asarray(totals, dtype=float)
    result = np.zeros(len(totals), dtype=np.int64)
    scored = np.flatnonzero(~np.isnan(totals))
    if not len(scored):
        return result
    # Sort by group, then by total descending; a card's rank is 1 + the number of
    # cards of its group with a strictly higher total.
    order = scored[np.lexsort((-totals[scored], groups[scored]))]
    g, t = groups[order], totals[order]
    group_start = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1]
    first_of_group = np.repeat(group_start, np.diff(np.r_[group_start, len(order)]))
    new_value = np.r_[True, (t[1:] != t[:-1]) | (g[1:] != g[:-1])]
    value_start = np.maximum.accumulate(np.where(new_value, np.arange(len(order)), 0))
    result[order] = value_start - first_of_group + 1
    return result


def compare(groups, old_totals, old_grades, new_totals, new_grades):
    """The change, per card: rank before and after (within its group), and the count
    of cards whose grade changes."""
    old_rank, new_rank = ranks(groups, old_totals), ranks(groups, new_totals)
    changed = np.asarray(old_grades, dtype=object) != np.asarray(
        new_grades, dtype=object
    )
    return {
        "old_rank": old_rank,
        "new_rank": new_rank,
        # Positive: the card climbs.
        "rank_change": np.where(
            (old_rank > 0) & (new_rank > 0), old_rank - new_rank, 0
        ),
        "grade_changed": changed,
        "grade_change_count": int(changed.sum()),
    }


def grade_counts(grades, codes=("A", "B", "C")):
    """How many cards have each grade (a list in the order of ``codes``)."""
    grades = np.asarray(grades, dtype=object)
    return [int((grades == code).sum()) for code in codes]
