"""Tests of customer_segmentation/lib/clusters.py (pure numpy, no Odoo)."""

import numpy as np
import pytest
from conftest import load_lib_module

clusters = load_lib_module("customer_segmentation", "clusters")


def blobs(centers, n_per, spread=0.3, seed=0):
    rng = np.random.default_rng(seed)
    centers = np.asarray(centers, dtype=float)
    x = np.concatenate(
        [c + spread * rng.standard_normal((n_per, centers.shape[1])) for c in centers]
    )
    truth = np.repeat(np.arange(len(centers)), n_per)
    return x, truth


FOUR = [[0, 0, 0], [6, 0, 0], [0, 6, 0], [0, 0, 6]]


def same_partition(a, b):
    """True when labels a and b define the same partition (up to renaming)."""
    pairs = set(zip(np.asarray(a).tolist(), np.asarray(b).tolist(), strict=False))
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


def brute_silhouette(x, labels):
    n = len(x)
    dist = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(-1))
    s = np.zeros(n)
    for i in range(n):
        own = (labels == labels[i]) & (np.arange(n) != i)
        if not own.any():
            continue
        a = dist[i, own].mean()
        b = min(
            dist[i, labels == c].mean() for c in set(labels.tolist()) if c != labels[i]
        )
        s[i] = (b - a) / max(a, b) if max(a, b) > 0 else 0.0
    return s.mean()


# --- log_standardize ---------------------------------------------------------


def test_log_standardize_log_nan_median_and_constant():
    features = np.array(
        [
            [0.0, 1.0, 5.0],
            [np.e - 1, np.nan, 5.0],
            [np.e**2 - 1, 3.0, 5.0],
            [np.nan, 5.0, 5.0],
        ]
    )
    z, mean, std = clusters.log_standardize(features, log_columns=[0])
    # column 0 after log1p: 0, 1, 2, NaN -> median 1 -> [0, 1, 2, 1]
    col0 = np.array([0.0, 1.0, 2.0, 1.0])
    np.testing.assert_allclose(z[:, 0], (col0 - col0.mean()) / col0.std())
    # column 1 untouched, NaN -> median 3 -> [1, 3, 3, 5]
    col1 = np.array([1.0, 3.0, 3.0, 5.0])
    np.testing.assert_allclose(z[:, 1], (col1 - col1.mean()) / col1.std())
    # constant column -> 0, std reported as 1
    assert np.all(z[:, 2] == 0.0) and std[2] == 1.0
    np.testing.assert_allclose(z.mean(axis=0), 0.0, atol=1e-12)
    assert mean[1] == pytest.approx(3.0)


def test_log_standardize_mask_negative_and_all_nan():
    features = np.array([[-5.0, np.nan], [0.0, np.nan], [np.e - 1, np.nan]])
    z, _, _ = clusters.log_standardize(features, log_columns=np.array([True, False]))
    col0 = np.log1p(np.array([0.0, 0.0, np.e - 1]))  # negative treated as 0
    np.testing.assert_allclose(z[:, 0], (col0 - col0.mean()) / col0.std())
    assert np.all(z[:, 1] == 0.0)


# --- k-means -----------------------------------------------------------------


def test_kmeans_separated_blobs():
    x, truth = blobs(FOUR, 150, seed=1)
    fit = clusters.kmeans(x, 4, seed=0)
    assert fit["labels"].shape == (600,)
    assert fit["centers"].shape == (4, 3)
    assert same_partition(fit["labels"], truth)
    # centres at the blob means, inertia = sum of squared distances to them
    found = sorted(map(tuple, np.round(fit["centers"]).astype(int).tolist()))
    assert found == sorted(map(tuple, FOUR))
    d2 = ((x - fit["centers"][fit["labels"]]) ** 2).sum()
    assert fit["inertia"] == pytest.approx(d2)
    # deterministic for a seed; assign() reproduces the labels
    again = clusters.kmeans(x, 4, seed=0)
    np.testing.assert_array_equal(again["labels"], fit["labels"])
    np.testing.assert_array_equal(clusters.assign(x, fit["centers"]), fit["labels"])


def test_kmeans_edge_cases():
    x = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 1.0]])
    fit = clusters.kmeans(x, 3, seed=0)  # fewer distinct points than k: no crash
    assert np.isfinite(fit["centers"]).all()
    assert fit["inertia"] == pytest.approx(0.0)
    assert clusters.kmeans(x, 1)["labels"].tolist() == [0, 0, 0]
    with pytest.raises(ValueError):
        clusters.kmeans(x, 4)
    with pytest.raises(ValueError):
        clusters.kmeans(x, 0)
    with pytest.raises(ValueError):
        clusters.kmeans([[np.nan, 1.0], [0.0, 1.0]], 1)


def test_kmeans_200k_points_every_label_is_the_nearest_centre():
    """200,000 points (not timed): each label is the nearest centre, inertia their
    distances."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((200_000, 5))
    fit = clusters.kmeans(x, 6, seed=0, n_init=1, max_iter=20)
    assert np.bincount(fit["labels"], minlength=6).min() > 0
    d2 = ((x[:, None, :] - fit["centers"][None, :, :]) ** 2).sum(axis=2)
    np.testing.assert_array_equal(fit["labels"], d2.argmin(axis=1))
    assert fit["inertia"] == pytest.approx(d2.min(axis=1).sum(), rel=1e-9)
    assert (
        fit["inertia"] < 0.8 * ((x - x.mean(axis=0)) ** 2).sum()
    )  # six centres beat one


def test_kmeans_starts_on_a_sample_of_a_large_set_and_ends_on_every_point():
    """Past ``init_sample`` points the starts are tried on a sample: the same
    partition and inertia as trying them on every point, each label the nearest
    of the final centres."""
    x, truth = blobs(FOUR, 6000, spread=0.5)
    sampled = clusters.kmeans(x, 4, seed=0, init_sample=5000)
    full = clusters.kmeans(x, 4, seed=0, init_sample=None)
    assert same_partition(sampled["labels"], truth)
    assert sampled["inertia"] == pytest.approx(full["inertia"], rel=1e-3)
    d2 = ((x[:, None, :] - sampled["centers"][None, :, :]) ** 2).sum(axis=2)
    np.testing.assert_array_equal(sampled["labels"], d2.argmin(axis=1))


# --- silhouette --------------------------------------------------------------


def test_silhouette_matches_brute_force():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((60, 2))
    labels = rng.integers(0, 3, 60)
    labels[0] = 5  # a singleton cluster scores 0
    expected = brute_silhouette(x, labels)
    assert clusters.silhouette(x, labels) == pytest.approx(expected, rel=1e-10)
    assert clusters.silhouette(x, labels, block=7) == pytest.approx(expected, rel=1e-10)
    shared = clusters.distances(x)
    assert clusters.silhouette(x, labels, dist=shared) == pytest.approx(
        expected, rel=1e-10
    )


def test_silhouette_separated_blobs_high_and_one_cluster_nan():
    x, truth = blobs(FOUR, 50, seed=2)
    assert clusters.silhouette(x, truth) > 0.8
    assert np.isnan(clusters.silhouette(x, np.zeros(len(x), dtype=int)))


# --- stratified sample and k choice ------------------------------------------


def test_stratified_sample_proportions():
    strata = np.repeat(["champions", "loyal", "at_risk", "tiny"], [6000, 3000, 997, 3])
    idx = clusters.stratified_sample(strata, 1000, seed=0)
    assert np.all(np.diff(idx) > 0)  # sorted, no duplicates
    labels, counts = np.unique(strata[idx], return_counts=True)
    got = dict(zip(labels.tolist(), counts.tolist(), strict=False))
    # 600 / 300 / 99.7 / 0.3 -> largest remainders: 600, 300, 100, 0 -> tiny gets 1
    assert got == {"champions": 600, "loyal": 300, "at_risk": 100, "tiny": 1}
    np.testing.assert_array_equal(idx, clusters.stratified_sample(strata, 1000, seed=0))
    assert not np.array_equal(idx, clusters.stratified_sample(strata, 1000, seed=1))


def test_stratified_sample_small_population():
    assert clusters.stratified_sample([1, 1, 2], 10).tolist() == [0, 1, 2]
    assert clusters.stratified_sample([1, 1, 2], 0).tolist() == []


def test_choose_k_finds_true_k_on_blobs():
    x, truth = blobs(FOUR, 400, spread=0.5, seed=4)
    k, scores = clusters.choose_k(x, k_values=range(2, 7), sample_size=600, seed=0)
    assert k == 4
    assert set(scores) == {2, 3, 4, 5, 6}
    assert scores[4] == max(scores.values())
    # stratified by a label unrelated to the clusters: same answer
    strata = np.arange(len(x)) % 3
    k2, _ = clusters.choose_k(
        x, k_values=range(2, 7), sample_size=600, strata=strata, seed=1
    )
    assert k2 == 4


def test_choose_k_degenerate_data():
    k, scores = clusters.choose_k(np.ones((50, 2)), k_values=[2, 3])
    assert k is None
    assert all(np.isnan(v) for v in scores.values())


# --- words -------------------------------------------------------------------


def test_describe_centers_words():
    centers = np.array(
        [
            [1.2, 0.8, 0.9],
            [-0.7, 0.1, -0.6],
            [0.2, -0.49, 0.3],
            [np.nan, -2.0, 0.5],
        ]
    )
    names = ["frequency", "monetary", "days_late"]
    high = ["frequent", "high value", "pays late"]
    low = ["rare", "low value", "pays early"]
    words = clusters.describe_centers(centers, names, high, low)
    assert words == [
        "frequent, high value, pays late",
        "rare, pays early",
        "average",
        "low value, pays late",
    ]
    assert clusters.describe_centers(
        centers[:1], names, high, ["", "", ""], threshold=1.0
    ) == ["frequent"]
    with pytest.raises(ValueError):
        clusters.describe_centers(centers, names[:2], high, low)
