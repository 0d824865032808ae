"""Customer clustering: log-standardisation, k-means, silhouette, k choice.

Pure numpy (no Odoo imports), self-contained (the addons are independent).
Typical use on 200,000 customers::

    z, mean, std = log_standardize(features, log_columns=[0, 1, 2])
    k, scores = choose_k(z, strata=rfm_segment)        # on a ~3,000 sample
    fit = kmeans(z, k, seed=0)                          # on everyone
    words = describe_centers(fit["centers"], names, high_words, low_words)

Matrix products here are tall-and-thin ((n, d) x (d, k)); they are written
with ``np.einsum`` / broadcasting instead of ``@`` where the multi-threaded
BLAS would not pay off, since BLAS thread hand-offs are slow on a busy
server.
"""

import numpy as np

# The numbers of clusters choose_k tries unless told (a range: immutable, safe as a
# default).
DEFAULT_K_VALUES = range(2, 9)

# --- features ----------------------------------------------------------------


def log_standardize(features, log_columns=()):
    """Z-scores of ``features`` (n, d) after log1p on the skewed columns.

    ``log_columns``: indices (or a boolean mask of length d) of the columns
    to transform with log1p (amounts, counts: non-negative by nature;
    negative values, e.g. net refunds, are treated as 0). Then per column:
    NaN -> column median (all-NaN column -> 0), centre on the mean, divide by
    the population std (ddof=0); a constant column becomes all 0 (its std
    reported as 1).

    Returns ``(z, mean, std)`` with ``z == (transformed - mean) / std``, so
    the same transformation can be applied to new customers.
    """
    x = np.array(features, dtype=float, ndmin=2)
    if x.ndim != 2:
        raise ValueError("features must be a 2-D array (n, d)")
    n, d = x.shape
    cols = np.zeros(d, dtype=bool)
    log_columns = np.asarray(log_columns if log_columns is not None else [])
    if log_columns.dtype == bool:
        if log_columns.shape != (d,):
            raise ValueError("a boolean log_columns mask needs one entry per column")
        cols = log_columns.copy()
    elif log_columns.size:
        idx = log_columns.astype(np.int64).ravel()
        if np.any(idx < -d) or np.any(idx >= d):
            raise ValueError("log_columns index out of range")
        cols[idx] = True
    if cols.any():
        part = x[:, cols]
        x[:, cols] = np.log1p(np.where(np.isnan(part), part, np.maximum(part, 0.0)))
    if np.isinf(x).any():
        raise ValueError("features must not contain infinite values")
    if n == 0:
        return x, np.zeros(d), np.ones(d)
    missing = np.isnan(x)
    medians = np.zeros(d)
    some = ~missing.all(axis=0)
    if some.any():
        medians[some] = np.nanmedian(x[:, some], axis=0)
    x = np.where(missing, medians, x)
    mean = x.mean(axis=0)
    centred = x - mean
    std = np.sqrt((centred**2).mean(axis=0))
    constant = (x.max(axis=0) == x.min(axis=0)) | (std == 0)
    std = np.where(constant, 1.0, std)
    z = np.where(constant, 0.0, centred / std)
    return z, mean, std


# --- k-means -----------------------------------------------------------------


def _sq_distances(x, centers):
    """(n, k) squared Euclidean distances, computed centre by centre.

    Exact differences (no |a|^2 - 2ab + |b|^2 cancellation); memory O(n k).
    """
    out = np.empty((x.shape[0], centers.shape[0]))
    for j, c in enumerate(centers):
        diff = x - c
        out[:, j] = np.einsum("ij,ij->i", diff, diff)
    return out


def _kmeans_pp(x, k, rng):
    """k-means++ seeding: each next centre drawn with probability ~ D(x)^2."""
    n = x.shape[0]
    centers = np.empty((k, x.shape[1]))
    centers[0] = x[rng.integers(n)]
    closest = _sq_distances(x, centers[:1])[:, 0]
    for j in range(1, k):
        total = closest.sum()
        idx = rng.choice(n, p=closest / total) if total > 0 else rng.integers(n)
        centers[j] = x[idx]
        closest = np.minimum(closest, _sq_distances(x, centers[j : j + 1])[:, 0])
    return centers


def _update_centers(x, labels, k, old_centers):
    counts = np.bincount(labels, minlength=k).astype(float)
    sums = np.zeros((k, x.shape[1]))
    for col in range(x.shape[1]):
        sums[:, col] = np.bincount(labels, weights=x[:, col], minlength=k)
    centers = old_centers.copy()
    filled = counts > 0
    centers[filled] = sums[filled] / counts[filled, None]
    return centers, counts


def _lloyd(x, centers, max_iter):
    k = centers.shape[0]
    labels = None
    for _ in range(max_iter):
        d2 = _sq_distances(x, centers)
        new_labels = np.argmin(d2, axis=1)
        counts = np.bincount(new_labels, minlength=k)
        empty = np.flatnonzero(counts == 0)
        if empty.size:
            # re-seed each empty cluster with the point farthest from its centre
            own = d2[np.arange(x.shape[0]), new_labels]
            far = np.argsort(-own, kind="stable")
            moved = 0
            for idx in far:
                if moved == empty.size:
                    break
                if counts[new_labels[idx]] > 1:
                    counts[new_labels[idx]] -= 1
                    new_labels[idx] = empty[moved]
                    counts[empty[moved]] += 1
                    moved += 1
        if labels is not None and np.array_equal(new_labels, labels):
            break
        labels = new_labels
        centers, _ = _update_centers(x, labels, k, centers)
    d2 = _sq_distances(x, centers)
    labels = np.argmin(d2, axis=1)
    inertia = float(d2[np.arange(x.shape[0]), labels].sum())
    return labels, centers, inertia


def kmeans(x, k, seed=0, n_init=5, max_iter=100, init_sample=20000):
    """k-means (Lloyd) with k-means++ seeding, best of ``n_init`` runs.

    ``x`` (n, d) finite, e.g. from :func:`log_standardize`. Deterministic for
    a given ``seed`` (``np.random.default_rng``). Each run stops when the
    assignment no longer changes or after ``max_iter`` iterations; empty
    clusters are re-seeded with the farthest points. The run with the lowest
    inertia (sum of squared distances to the assigned centre) wins.
    With more than ``init_sample`` points, the ``n_init`` runs are made on a
    uniform sample of that many and only the winner's centres are refined on
    every point: the best start is found at a tenth of the cost for 200,000
    customers (the choice among starts needs no more points).
    Cost per iteration O(n k d).

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
    if not 1 <= k <= n:
        raise ValueError(f"k must be between 1 and the number of points ({n}), got {k}")
    if not np.isfinite(x).all():
        raise ValueError("x must not contain NaN or infinite values")
    offset = x.mean(axis=0)
    xc = x - offset
    rng = np.random.default_rng(seed)
    starts = xc
    if init_sample and n > init_sample:
        starts = xc[np.sort(rng.choice(n, int(init_sample), replace=False))]
    best = None
    for _ in range(max(1, int(n_init))):
        run = _lloyd(starts, _kmeans_pp(starts, k, rng), max(1, int(max_iter)))
        if best is None or run[2] < best[2]:
            best = run
    if starts is not xc:
        best = _lloyd(xc, best[1], max(1, int(max_iter)))
    labels, centers, inertia = best
    return {
        "labels": labels.astype(np.int64),
        "centers": centers + offset,
        "inertia": inertia,
    }


def assign(x, centers):
    """Index of the nearest centre for each row of ``x`` (new customers)."""
    x = np.array(x, dtype=float, ndmin=2)
    centers = np.array(centers, dtype=float, ndmin=2)
    return np.argmin(_sq_distances(x, centers), axis=1)


# --- quality and k choice ----------------------------------------------------


def distances(x):
    """(n, n) Euclidean distances between the rows of ``x``; for samples of up to
    ~5,000 points (memory O(n^2)), to score several partitions of one sample."""
    x = np.array(x, dtype=float, ndmin=2)
    xc = x - x.mean(axis=0)
    sq = np.einsum("ij,ij->i", xc, xc)
    dist = xc @ xc.T
    dist *= -2.0
    dist += sq[None, :]
    dist += sq[:, None]
    np.maximum(dist, 0.0, out=dist)
    np.sqrt(dist, out=dist)
    np.fill_diagonal(dist, 0.0)
    return dist


def silhouette(x, labels, block=256, dist=None):
    """Mean silhouette coefficient of the partition ``labels`` of ``x``.

    s(i) = (b - a) / max(a, b), a = mean distance of i to the other members
    of its cluster, b = smallest mean distance of i to another cluster;
    s(i) = 0 for a point alone in its cluster. NaN with fewer than 2
    clusters. Exact, O(n^2) time; memory O(block * n) (rows are processed
    ``block`` at a time), meant for samples of up to ~5,000 points. ``dist``:
    the points' :func:`distances`, when several partitions are scored.
    """
    x = np.array(x, dtype=float, ndmin=2)
    labels = np.asarray(labels).ravel()
    if labels.shape[0] != x.shape[0]:
        raise ValueError("labels must have one entry per row of x")
    clusters, inverse = np.unique(labels, return_inverse=True)
    inverse = inverse.reshape(-1)
    n_clusters = clusters.size
    if n_clusters < 2:
        return float("nan")
    n = x.shape[0]
    xc = x - x.mean(axis=0)
    sq = np.einsum("ij,ij->i", xc, xc)
    one_hot = np.zeros((n, n_clusters))
    one_hot[np.arange(n), inverse] = 1.0
    counts = one_hot.sum(axis=0)
    s = np.empty(n)
    for start in range(0, n, max(1, int(block))):
        stop = min(n, start + max(1, int(block)))
        if dist is not None:
            sums = dist[start:stop] @ one_hot
        else:
            # in place: one (block, n) buffer instead of four temporaries
            block_dist = xc[start:stop] @ xc.T
            block_dist *= -2.0
            block_dist += sq[None, :]
            block_dist += sq[start:stop, None]
            np.maximum(block_dist, 0.0, out=block_dist)
            np.sqrt(block_dist, out=block_dist)
            block_dist[np.arange(stop - start), np.arange(start, stop)] = 0.0
            # (block, n_clusters): total distance to each cluster
            sums = block_dist @ one_hot
        rows = np.arange(stop - start)
        own = inverse[start:stop]
        own_count = counts[own]
        with np.errstate(invalid="ignore", divide="ignore"):
            a = sums[rows, own] / (own_count - 1.0)
            mean_other = sums / counts[None, :]
        mean_other[rows, own] = np.inf
        b = mean_other.min(axis=1)
        denom = np.maximum(a, b)
        with np.errstate(invalid="ignore", divide="ignore"):
            si = (b - a) / denom
        s[start:stop] = np.where((own_count > 1) & (denom > 0), si, 0.0)
    return float(s.mean())


def stratified_sample(strata, size, seed=0):
    """Sorted indices of a sample of about ``size`` points, proportional per stratum.

    ``strata`` (n,) labels (e.g. the RFM segment of each customer; any
    sortable values). Each stratum gets round(size * n_s / n) points by
    largest remainders (so the quotas sum to ``size``), but at least 1 and at
    most n_s; the sample can therefore exceed ``size`` by up to the number
    of tiny strata. With ``size >= n`` every index is returned. Draws without
    replacement, deterministic for a given seed.
    """
    strata = np.asarray(strata).ravel()
    n = strata.shape[0]
    size = int(size)
    if size >= n:
        return np.arange(n)
    if size <= 0 or n == 0:
        return np.zeros(0, dtype=np.int64)
    _, inverse, counts = np.unique(strata, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    exact = size * counts / n
    quota = np.floor(exact).astype(np.int64)
    short = size - int(quota.sum())
    if short > 0:
        order = np.argsort(-(exact - quota), kind="stable")
        quota[order[:short]] += 1
    quota = np.clip(quota, 1, counts)
    rng = np.random.default_rng(seed)
    # random key per point; within each stratum keep the `quota` smallest keys
    keys = rng.random(n)
    order = np.lexsort((keys, inverse))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - np.repeat(starts, counts)
    return np.flatnonzero(rank < quota[inverse])


def choose_k(x, k_values=DEFAULT_K_VALUES, sample_size=3000, strata=None, seed=0):
    """Pick the number of clusters by silhouette on a (stratified) sample.

    A sample of about ``sample_size`` rows is drawn (proportionally per
    stratum when ``strata`` is given, uniformly otherwise); for each k,
    k-means is fitted on the sample and its silhouette computed there. The
    k with the highest silhouette wins (the smallest k on ties).

    Returns ``(best_k, scores)``: ``scores`` maps each tried k to its
    silhouette (NaN when it cannot be computed: k >= number of distinct
    sample points, or a single cluster found). ``best_k`` is None when no
    score is finite (e.g. all points identical): there is no structure to
    cluster.
    """
    x = np.array(x, dtype=float, ndmin=2)
    n = x.shape[0]
    if strata is not None:
        idx = stratified_sample(strata, sample_size, seed=seed)
    elif n > sample_size:
        idx = np.sort(
            np.random.default_rng(seed).choice(n, int(sample_size), replace=False)
        )
    else:
        idx = np.arange(n)
    sample = x[idx]
    n_distinct = np.unique(sample, axis=0).shape[0] if sample.size else 0
    scores = {}
    dist = None
    for k in k_values:
        k = int(k)
        if k < 2 or k >= n_distinct:
            scores[k] = float("nan")
            continue
        if dist is None:
            dist = distances(sample)
        fit = kmeans(sample, k, seed=seed)
        scores[k] = silhouette(sample, fit["labels"], dist=dist)
    finite = [(score, -k) for k, score in scores.items() if np.isfinite(score)]
    best_k = -max(finite)[1] if finite else None
    return best_k, scores


# --- words -------------------------------------------------------------------


def center_traits(centers, threshold=0.5):
    """The traits that set each cluster apart, from its standardised centre.

    ``centers`` (k, d) in z-units. For each feature, in column order, with |z| >=
    ``threshold``: +1 (high) or -1 (low). Returns a list of k lists of (column, sign);
    a cluster with none is average. The words are the caller's (see describe_centers).
    """
    centers = np.array(centers, dtype=float, ndmin=2)
    return [
        [
            (i, 1 if z > 0 else -1)
            for i, z in enumerate(center.tolist())
            if not (np.isnan(z) or z == 0 or abs(z) < threshold)
        ]
        for center in centers
    ]


def trait_codes(centers, names, threshold=0.5):
    """A code per cluster for its traits: "frequency+,monetary+" (``names`` per centre
    column, "+" high, "-" low), "average" with none; repeats numbered "#2", "#3" so that
    clusters alike stay apart when customers are grouped by the code."""
    names = list(names)
    centers = np.array(centers, dtype=float, ndmin=2)
    if len(names) != centers.shape[1]:
        raise ValueError("names need one entry per centre column")
    seen, codes = {}, []
    for traits in center_traits(centers, threshold):
        code = ",".join(f"{names[i]}{'+' if sign > 0 else '-'}" for i, sign in traits)
        code = code or "average"
        seen[code] = seen.get(code, 0) + 1
        codes.append(code if seen[code] == 1 else f"{code}#{seen[code]}")
    return codes


def describe_centers(centers, names, high_words, low_words, threshold=0.5):
    """Plain words for each cluster from its standardised centre.

    ``centers`` (k, d) in z-units; ``names``, ``high_words``, ``low_words``
    length d (``names`` is only checked for length, it documents the
    columns). For each feature, in column order, with |z| >= ``threshold``
    the high word (z > 0) or low word (z < 0) is taken; empty words and NaN
    are skipped. Words are joined with ", "; a cluster with none is
    "average". Example: ``"frequent, high value, pays late"``.
    Returns a list of k strings.
    """
    centers = np.array(centers, dtype=float, ndmin=2)
    names, high_words, low_words = list(names), list(high_words), list(low_words)
    d = centers.shape[1]
    if not (len(names) == len(high_words) == len(low_words) == d):
        raise ValueError(
            "names, high_words and low_words need one entry per centre column"
        )
    texts = []
    for traits in center_traits(centers, threshold):
        words = [
            str(word)
            for i, sign in traits
            if (word := high_words[i] if sign > 0 else low_words[i])
        ]
        texts.append(", ".join(words) if words else "average")
    return texts
