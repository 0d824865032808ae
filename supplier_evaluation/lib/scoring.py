"""Turn raw supplier KPIs into 0-100 scores, weighted totals and grades."""

import numpy as np


def linear_scores(raw, poor, excellent):
    """Score 0 at ``poor``, 100 at ``excellent``, linear between, clipped.

    Works in both directions (``excellent < poor`` means lower is better).
    NaN raw values give NaN scores.
    """
    raw = np.asarray(raw, dtype=float)
    poor = np.asarray(poor, dtype=float)
    excellent = np.asarray(excellent, dtype=float)
    if np.any(poor == excellent):
        raise ValueError("'poor' and 'excellent' must differ for every criterion")
    return np.clip((raw - poor) / (excellent - poor) * 100.0, 0.0, 100.0)


def weighted_total(scores, weights):
    """Weighted mean per row of ``scores`` (n, k), skipping NaN criteria.

    The weights of the criteria present in a row are rescaled to sum to 1;
    rows without any scored criterion (or zero remaining weight) give NaN.
    """
    scores = np.atleast_2d(np.asarray(scores, dtype=float))
    weights = np.asarray(weights, dtype=float)
    present = ~np.isnan(scores)
    row_weights = np.where(present, weights, 0.0)
    weight_sum = row_weights.sum(axis=1)
    weighted_sum = (np.where(present, scores, 0.0) * row_weights).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(weight_sum > 0, weighted_sum / weight_sum, np.nan)


def grades(totals, a_min=85.0, b_min=70.0):
    """Grade "A" (>= a_min), "B" (>= b_min), "C" otherwise, "" for NaN."""
    if not 0.0 <= b_min < a_min <= 100.0:
        raise ValueError("grade bands must satisfy 0 <= b_min < a_min <= 100")
    totals = np.asarray(totals, dtype=float)
    result = np.full(totals.shape, "", dtype=object)
    scored = ~np.isnan(totals)
    result[scored] = "C"
    result[scored & (totals >= b_min)] = "B"
    result[scored & (totals >= a_min)] = "A"
    return result


def check_weights(weights, tolerance=0.01):
    """True iff all weights are >= 0 and they sum to 100 (within tolerance)."""
    weights = np.asarray(weights, dtype=float)
    return bool(np.all(weights >= 0) and abs(weights.sum() - 100.0) <= tolerance)
