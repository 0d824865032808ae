"""Supplier clustering: standardization, k-means, silhouette and labels.

Pure numpy (no Odoo imports). Typical use::

    z, mean, std = standardize(features)
    fit = kmeans(z, k, seed=0)
    quality = silhouette(z, fit["labels"])
    codes, merit = label_supplier_clusters(fit["centers"], higher_is_better)
"""

import numpy as np

HIGH_POTENTIAL = "high_potential"
STABLE = "stable"
HIGH_RISK = "high_risk"


def standardize(features):
    """Column-wise z-scores of ``features`` (n, d), NaN allowed.

    Per column: NaN is replaced by the column median (an all-NaN column
    becomes all 0), then the column is centred on its mean and divided by
    its population standard deviation (ddof=0). A constant column (zero
    standard deviation) becomes all 0 and its std is reported as 1.
    Returns ``(z, mean, std)`` with the mean and std actually used, so that
    ``z == (filled - mean) / std``.
    """
    x = np.array(features, dtype=float, ndmin=2)
    if x.ndim != 2:
        raise ValueError("features must be a 2-D array (n, d)")
    n, d = x.shape
    if n == 0:
        return x.copy(), np.zeros(d), np.ones(d)
    missing = np.isnan(x)
    all_missing = missing.all(axis=0)
    medians = np.zeros(d)
    some = ~all_missing
    if some.any():
        medians[some] = np.nanmedian(x[:, some], axis=0)
    x = np.where(missing, medians, x)
    mean = x.mean(axis=0)
    centred = x - mean
    std = np.sqrt((centred**2).mean(axis=0))
    # A column is constant when all its values are equal; float noise in the
    # mean must not turn it into tiny non-zero z-scores.
    constant = (x.max(axis=0) == x.min(axis=0)) | (std == 0)
    std = np.where(constant, 1.0, std)
    z = np.where(constant, 0.0, centred / std)
    return z, mean, std


def _sq_distances(a, b, a_sq=None):
    """Squared Euclidean distances (len(a), len(b)) via |a|^2 - 2ab + |b|^2.

    Clipped at 0 to absorb rounding; callers centre the data first to limit
    cancellation. ``a_sq``: |a|^2 when the caller already has it (iterations).
    """
    if a_sq is None:
        a_sq = (a**2).sum(axis=1)
    d2 = a_sq[:, None] - 2.0 * (a @ b.T) + (b**2).sum(axis=1)[None, :]
    return np.maximum(d2, 0.0)


def _kmeans_plus_plus(x, k, rng):
    """k-means++ seeding: each next center drawn with probability ~ D(x)^2.

    When every point already coincides with a center (fewer distinct points
    than k) the next center is drawn uniformly, giving duplicate centers.
    """
    n = x.shape[0]
    centers = np.empty((k, x.shape[1]))
    centers[0] = x[rng.integers(n)]
    closest = _sq_distances(x, centers[:1])[:, 0]
    for j in range(1, k):
        total = closest.sum()
        if total > 0:
            idx = rng.choice(n, p=closest / total)
        else:
            idx = rng.integers(n)
        centers[j] = x[idx]
        closest = np.minimum(closest, _sq_distances(x, centers[j : j + 1])[:, 0])
    return centers


def _centers_from_labels(x, labels, k):
    counts = np.bincount(labels, minlength=k).astype(float)
    # bincount adds each column's values in row order, as np.add.at would, many
    # times faster
    sums = np.column_stack(
        [np.bincount(labels, weights=x[:, j], minlength=k) for j in range(x.shape[1])]
    ).reshape(k, x.shape[1])
    return sums / np.maximum(counts, 1.0)[:, None], counts


def _fill_empty_clusters(d2, labels, k):
    """Give every empty cluster the point farthest from its own center.

    Only points of clusters with more than one member are moved, so no new
    empty cluster is created (possible since k <= n). Modifies ``labels``.
    """
    counts = np.bincount(labels, minlength=k)
    empty = np.flatnonzero(counts == 0)
    if not empty.size:
        return labels
    own = d2[np.arange(len(labels)), labels].copy()
    for c in empty:
        movable = counts[labels] > 1
        candidates = np.where(movable, own, -np.inf)
        idx = int(np.argmax(candidates))
        counts[labels[idx]] -= 1
        labels[idx] = c
        counts[c] += 1
        own[idx] = -1.0  # never pick the same point twice
    return labels


def _lloyd(x, centers, max_iter):
    k = centers.shape[0]
    labels = None
    x_sq = (x**2).sum(axis=1)
    for _ in range(max_iter):
        d2 = _sq_distances(x, centers, x_sq)
        new_labels = _fill_empty_clusters(d2, np.argmin(d2, axis=1), k)
        if labels is not None and np.array_equal(new_labels, labels):
            break
        labels = new_labels
        centers, _counts = _centers_from_labels(x, labels, k)
    d2 = _sq_distances(x, centers, x_sq)
    labels = np.argmin(d2, axis=1)
    inertia = float(d2[np.arange(x.shape[0]), labels].sum())
    return labels, centers, inertia


def kmeans(x, k, seed=0, n_init=5, max_iter=100):
    """Lloyd's k-means with k-means++ seeding; best of ``n_init`` runs.

    ``x`` is (n, d) and must be finite (standardize it first). Randomness
    comes only from ``np.random.default_rng(seed)``, so a given seed always
    gives the same result. Each run iterates until the assignment no longer
    changes or ``max_iter`` is reached; the run with the lowest inertia (sum
    of squared distances to the assigned center) wins, the earliest on ties.

    During the iterations an empty cluster is re-seeded with the point
    farthest from its center. With fewer distinct points than ``k`` the
    result still has ``k`` finite centers, some of them duplicates; the
    final assignment (nearest center, lowest index on ties) may then leave
    a duplicate center without members.

    Returns ``{"labels": (n,) int, "centers": (k, d), "inertia": float}``.
    Raises ValueError unless 1 <= k <= n.
    """
    x = np.array(x, dtype=float, ndmin=2)
    if x.ndim != 2:
        raise ValueError("x must be a 2-D array (n, d)")
    n = x.shape[0]
    if isinstance(k, bool) or int(k) != k:
        raise ValueError("k must be an integer")
    k = int(k)
    if k < 1 or k > n:
        raise ValueError(f"k must be between 1 and the number of points ({n}), got {k}")
    if not np.isfinite(x).all():
        raise ValueError("x must not contain NaN or infinite values")
    n_init = max(1, int(n_init))
    max_iter = max(1, int(max_iter))
    # Centre the data: improves the accuracy of the distance trick and
    # changes neither the partition nor the inertia.
    offset = x.mean(axis=0)
    xc = x - offset
    rng = np.random.default_rng(seed)
    best = None
    for _ in range(n_init):
        labels, centers, inertia = _lloyd(xc, _kmeans_plus_plus(xc, k, rng), max_iter)
        if best is None or inertia < best[2]:
            best = (labels, centers, inertia)
    labels, centers, inertia = best
    return {"labels": labels, "centers": centers + offset, "inertia": inertia}


def silhouette(x, labels):
    """Mean silhouette coefficient of the partition ``labels`` of ``x`` (n, d).

    s(i) = (b - a) / max(a, b) with a the mean distance of i to the other
    members of its cluster and b the smallest mean distance of i to the
    members of another cluster; s(i) = 0 for a point alone in its cluster
    (and when a = b = 0). Returns NaN with fewer than 2 distinct clusters.

    Vectorised over the full (n, n) distance matrix: O(n^2) memory, about
    200 MB per temporary for n = 5000, which is the intended upper limit;
    sample larger populations before calling.
    """
    x = np.array(x, dtype=float, ndmin=2)
    labels = np.asarray(labels).ravel()
    if labels.shape[0] != x.shape[0]:
        raise ValueError("labels must have one entry per row of x")
    clusters, inverse = np.unique(labels, return_inverse=True)
    inverse = inverse.ravel()
    n_clusters = clusters.size
    if n_clusters < 2:
        return float("nan")
    n = x.shape[0]
    xc = x - x.mean(axis=0)
    dist = np.sqrt(_sq_distances(xc, xc))
    np.fill_diagonal(dist, 0.0)
    counts = np.bincount(inverse, minlength=n_clusters).astype(float)
    one_hot = np.zeros((n, n_clusters))
    one_hot[np.arange(n), inverse] = 1.0
    sums = dist @ one_hot  # (n, n_clusters): total distance to each cluster
    del dist
    rows = np.arange(n)
    own_count = counts[inverse]
    with np.errstate(invalid="ignore", divide="ignore"):
        a = sums[rows, inverse] / (own_count - 1.0)
        mean_other = sums / counts[None, :]
    mean_other[rows, inverse] = np.inf
    b = mean_other.min(axis=1)
    denom = np.maximum(a, b)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = (b - a) / denom
    s = np.where((own_count > 1) & (denom > 0), s, 0.0)
    return float(s.mean())


def label_supplier_clusters(centers, higher_is_better):
    """Name clusters from their standardized centers.

    ``centers`` is (k, d) in z-units, ``higher_is_better`` (d,) bool. The
    merit of a cluster is the mean over features of the center value, with
    the sign flipped for lower-is-better features (NaN counts as 0).

    Rule: the cluster with the highest merit is ``"high_potential"``, the one
    with the lowest merit ``"high_risk"`` and every other one ``"stable"``.
    With k == 1 the only cluster is ``"stable"``; with k == 2 the better one
    is ``"high_potential"`` and the other ``"high_risk"``. Ties in merit go
    to the lower cluster index (it ranks as the better one).

    Returns ``(codes, merit)``: a list of k codes and the (k,) merit array.
    """
    centers = np.array(centers, dtype=float, ndmin=2)
    hib = np.asarray(higher_is_better, dtype=bool).ravel()
    if centers.ndim != 2 or centers.shape[1] != hib.size:
        raise ValueError("centers must be (k, d) with d == len(higher_is_better)")
    k = centers.shape[0]
    if hib.size:
        signed = np.where(hib, centers, -centers)
        merit = np.where(np.isnan(signed), 0.0, signed).mean(axis=1)
    else:
        merit = np.zeros(k)
    codes = [STABLE] * k
    if k >= 2:
        order = np.argsort(-merit, kind="stable")  # best first
        codes[order[0]] = HIGH_POTENTIAL
        codes[order[-1]] = HIGH_RISK
    return codes, merit


def describe_center(center, threshold=0.5):
    """The features of a center with |z| >= threshold, as codes to be worded.

    Returns ``[(feature index, "above" | "below"), ...]`` ordered by
    decreasing |z| (feature order on ties); NaN and 0 are skipped. The
    caller words them in the reader's language (and says whether "above" is
    better or worse for that feature). Example: ``[(3, "above"), (0,
    "below")]``.
    """
    return describe_rows(np.asarray(center, dtype=float).reshape(1, -1), threshold)[0]


def describe_rows(rows, threshold=0.5):
    """describe_center of each row of ``rows`` (n, d), sorted for all rows at once."""
    rows = np.asarray(rows, dtype=float)
    magnitude = np.where(np.isnan(rows), -np.inf, np.abs(rows))
    order = np.argsort(-magnitude, axis=1, kind="stable")
    ranked = np.take_along_axis(rows, order, axis=1)
    kept = ~np.isnan(ranked) & (ranked != 0) & (np.abs(ranked) >= threshold)
    above = ranked > 0
    return [
        [
            (int(i), "above" if up else "below")
            for i, up, keep in zip(o, a, k, strict=True)
            if keep
        ]
        for o, a, k in zip(order.tolist(), above.tolist(), kept.tolist(), strict=True)
    ]
