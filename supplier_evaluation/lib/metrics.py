"""Per-supplier KPIs from flat row arrays, aggregated with ``np.bincount``.

Every function takes ``group`` (int group index per row, 0..n_groups-1) and
``n_groups`` and returns arrays of length ``n_groups``. Groups without rows
give NaN rates and zero counts.
"""

import numpy as np

MAD_TO_SIGMA = 1.4826  # scales the MAD to a standard deviation for normal data


def _sum(group, n_groups, weights=None):
    """Per-group sum of ``weights`` as floats (or int row count when None)."""
    sums = np.bincount(group, weights=weights, minlength=n_groups)[:n_groups]
    return sums if weights is None else sums.astype(float)


def _ratio(numerator, denominator):
    """numerator / denominator, NaN where the denominator is not positive."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, numerator / denominator, np.nan)


def robust_keep_mask(values, k=5.0, hard_max=None):
    """Mask of values to keep for statistics such as lead times.

    A value is kept when it is finite, >= 0, <= ``hard_max`` (if given) and
    not a high outlier: ``value <= median + k * 1.4826 * MAD``, where the
    median and the MAD (median absolute deviation from the median) are
    computed over the finite non-negative values. When MAD is 0 only the
    hard rules (finite, >= 0, <= hard_max) apply.
    """
    values = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        valid = np.isfinite(values) & (values >= 0)
    keep = valid.copy()
    if hard_max is not None:
        keep &= values <= hard_max
    if valid.any():
        median = np.median(values[valid])
        mad = np.median(np.abs(values[valid] - median))
        if mad > 0:
            keep &= values <= median + k * MAD_TO_SIGMA * mad
    return keep


def on_time_in_full(group, ordered_qty, received_by_promise_qty, n_groups):
    """On-time (quantity) and in-full (line) rates of purchase lines due.

    on_time = sum(min(received_by_promise, ordered)) / sum(ordered), negative
    receipts count as 0; in_full = share of lines with received_by_promise
    >= ordered (relative tolerance 1e-9). Lines with ordered <= 0 are ignored;
    NaN received counts as 0.
    """
    group = np.asarray(group, dtype=np.intp)
    ordered = np.asarray(ordered_qty, dtype=float)
    received = np.nan_to_num(np.asarray(received_by_promise_qty, dtype=float), nan=0.0)
    due = ordered > 0
    group, ordered, received = group[due], ordered[due], received[due]
    received_capped = np.clip(received, 0.0, ordered)
    full = received >= ordered * (1 - 1e-9)
    line_count = _sum(group, n_groups).astype(int)
    qty_due = _sum(group, n_groups, ordered)
    return {
        "on_time": _ratio(_sum(group, n_groups, received_capped), qty_due),
        "in_full": _ratio(_sum(group, n_groups, full.astype(float)), line_count),
        "line_count": line_count,
        "qty_due": qty_due,
    }


def quality(group, received_qty, returned_qty, n_groups):
    """Quality rate = 1 - returned / received, clipped to [0, 1].

    NaN where nothing was received.
    """
    group = np.asarray(group, dtype=np.intp)
    qty_received = _sum(group, n_groups, np.asarray(received_qty, dtype=float))
    qty_returned = _sum(group, n_groups, np.asarray(returned_qty, dtype=float))
    rate = np.clip(1.0 - _ratio(qty_returned, qty_received), 0.0, 1.0)
    return {"quality": rate, "qty_received": qty_received, "qty_returned": qty_returned}


def price_index(group, product, unit_price, spend, n_groups):
    """Price index of each group relative to the other groups buying the same products.

    Per (group, product) the average price is total spend / total quantity
    (quantity = spend / unit_price). For products bought by two or more
    groups, ratio = own average / mean of the other groups' averages. The
    index is the spend-weighted mean of a group's ratios (1.0 = market
    price, < 1 cheaper); NaN without any eligible product. Rows with
    non-positive price or spend are ignored.
    """
    group = np.asarray(group, dtype=np.intp)
    product = np.asarray(product)
    unit_price = np.asarray(unit_price, dtype=float)
    spend = np.asarray(spend, dtype=float)
    valid = (unit_price > 0) & (spend > 0)
    group, product, unit_price, spend = (
        group[valid],
        product[valid],
        unit_price[valid],
        spend[valid],
    )
    qty = spend / unit_price

    # One entry per (product, group) pair.
    _, product_index = np.unique(product, return_inverse=True)
    pair_keys, pair_index = np.unique(
        product_index * n_groups + group, return_inverse=True
    )
    pair_product = pair_keys // n_groups
    pair_group = pair_keys % n_groups
    pair_spend = np.bincount(pair_index, weights=spend)
    pair_avg = pair_spend / np.bincount(pair_index, weights=qty)

    # Mean of the other groups' averages for the same product.
    suppliers = np.bincount(pair_product)[pair_product]
    avg_sum = np.bincount(pair_product, weights=pair_avg)[pair_product]
    eligible = suppliers >= 2
    others_mean = (avg_sum[eligible] - pair_avg[eligible]) / (suppliers[eligible] - 1)
    ratio = pair_avg[eligible] / others_mean

    eligible_group = pair_group[eligible]
    eligible_spend = pair_spend[eligible]
    return {
        "price": _ratio(
            _sum(eligible_group, n_groups, eligible_spend * ratio),
            _sum(eligible_group, n_groups, eligible_spend),
        ),
        "price_products": _sum(eligible_group, n_groups).astype(int),
    }


def lead_time(group, days, qty, n_groups, keep=None):
    """Quantity-weighted mean and (population) standard deviation of lead days.

    Uses rows where ``keep`` (default: all), qty > 0 and days is finite;
    ``excluded`` counts rows dropped because keep is False.
    """
    group = np.asarray(group, dtype=np.intp)
    days = np.asarray(days, dtype=float)
    qty = np.asarray(qty, dtype=float)
    keep = (
        np.ones(group.shape, dtype=bool)
        if keep is None
        else np.asarray(keep, dtype=bool)
    )
    used = keep & (qty > 0) & np.isfinite(days)
    g, d, w = group[used], days[used], qty[used]
    weight = _sum(g, n_groups, w)
    mean = _ratio(_sum(g, n_groups, w * d), weight)
    variance = _ratio(_sum(g, n_groups, w * (d - mean[g]) ** 2), weight)
    return {
        "lead_time": mean,
        "lead_time_std": np.sqrt(variance),
        "lead_time_count": _sum(g, n_groups).astype(int),
        "excluded": _sum(group[~keep], n_groups).astype(int),
    }
