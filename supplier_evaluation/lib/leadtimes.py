"""Learned lead times: per vendor and product, the median and the 80th percentile of
the days from an order's confirmation to its receipts, with the number of receipts.

Pure numpy: the rows come from the receipts as loaded (one row per receipt), the
quantiles are numpy's default (linear interpolation between the closest ranks), so
that ``np.percentile`` on one group's days gives the same figure.
"""

import numpy as np

# A receipt more than a year after its order is not a lead time (a forgotten
# backorder), whatever the vendor: the scorecards leave it out as well.
MAX_DAYS = 365.0


def group_quantiles(keys, days, quantiles=(50.0, 80.0)):
    """Per distinct row of ``keys`` (an (n, k) int array, e.g. vendor and product),
    the count of ``days`` and their ``quantiles`` (percent).

    Rows with NaN, negative or more than MAX_DAYS days are left out. Returns
    ``(unique_keys, counts, values)``: unique_keys (g, k) sorted, counts (g,) int,
    values (g, len(quantiles)) float.
    """
    days = np.asarray(days, dtype=float)
    keys = np.asarray(keys, dtype=np.int64)
    if keys.ndim == 1:
        keys = keys.reshape(-1, 1)
    with np.errstate(invalid="ignore"):
        keep = np.isfinite(days) & (days >= 0) & (days <= MAX_DAYS)
    keys, days = keys[keep], days[keep]
    width = keys.shape[1]
    if not len(days):
        return (
            np.zeros((0, width), dtype=np.int64),
            np.zeros(0, dtype=np.int64),
            np.zeros((0, len(quantiles))),
        )
    # Sorted by key, then days: each group is a contiguous, ordered run.
    order = np.lexsort((days, *keys.T[::-1]))
    keys, days = keys[order], days[order]
    new_group = np.ones(len(days), dtype=bool)
    new_group[1:] = (keys[1:] != keys[:-1]).any(axis=1)
    starts = np.flatnonzero(new_group)
    counts = np.diff(np.append(starts, len(days)))
    values = np.empty((len(starts), len(quantiles)))
    for column, q in enumerate(quantiles):
        # numpy's "linear" method: rank (count - 1) * q / 100 within the group.
        rank = (counts - 1) * (q / 100.0)
        low = np.floor(rank).astype(np.int64)
        high = np.minimum(low + 1, counts - 1)
        fraction = rank - low
        values[:, column] = days[starts + low] + fraction * (
            days[starts + high] - days[starts + low]
        )
    return keys[starts], counts, values


def differs(measured, declared, threshold, counts, min_receipts):
    """Whether a measured lead time is worth applying: at least ``min_receipts``
    receipts and more than ``threshold`` days away from the declared one."""
    measured = np.asarray(measured, dtype=float)
    declared = np.asarray(declared, dtype=float)
    with np.errstate(invalid="ignore"):
        return (np.asarray(counts) >= min_receipts) & (
            np.abs(measured - declared) > threshold
        )


def applied_days(measured):
    """The whole days a priceline takes from a measured lead time (product.supplierinfo
    .delay is an integer): rounded half up, never negative."""
    return np.maximum(np.floor(np.asarray(measured, dtype=float) + 0.5), 0).astype(
        np.int64
    )
