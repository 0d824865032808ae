"""Recency / frequency / monetary scoring (1..5, 0 = not scored)."""

import numpy as np


def quintile_scores(values, higher_is_better=True):
    """Score each value 1..5 by its tie-aware percentile; NaN gets 0.

    Ties share the average rank of their group (midrank), so equal values
    always get equal scores.  With ``p = (midrank - 0.5) / n`` the score is
    ``1 + floor(5 * p)`` clipped to 1..5 (computed in integers, so exact).
    When every value is equal, p = 0.5 for all, so all get 3 (the middle):
    nothing distinguishes them, so nobody is called best or worst.
    With ``higher_is_better=False`` (e.g. recency in days) the ranking is
    reversed: the smallest value gets the highest score.
    """
    values = np.asarray(values, dtype=float)
    scores = np.zeros(values.shape, dtype=np.int8)
    scored = ~np.isnan(values)
    n = int(scored.sum())
    if n == 0:
        return scores
    keys = values[scored] if higher_is_better else -values[scored]
    _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    before = np.cumsum(counts) - counts
    # 5 * p = 5 * (before + counts / 2) / n = 5 * (2 * before + counts) / (2 * n)
    group_scores = 1 + (5 * (2 * before + counts)) // (2 * n)
    scores[scored] = np.clip(group_scores, 1, 5).astype(np.int8)[inverse.ravel()]
    return scores


def threshold_scores(values, thresholds, higher_is_better=True):
    """Score each value 1..5 against 4 strictly increasing boundaries; NaN gets 0.

    Higher is better: score = 1 + number of boundaries <= value.
    Lower is better: value < t1 -> 5, ..., value >= t4 -> 1.
    """
    bounds = np.asarray(thresholds, dtype=float)
    if (
        bounds.shape != (4,)
        or not np.all(np.isfinite(bounds))
        or np.any(np.diff(bounds) <= 0)
    ):
        raise ValueError("thresholds must be 4 strictly increasing finite numbers")
    values = np.asarray(values, dtype=float)
    passed = np.searchsorted(bounds, values, side="right")
    scores = (1 + passed) if higher_is_better else (5 - passed)
    return np.where(np.isnan(values), 0, scores).astype(np.int8)
