"""Checks of supplier_evaluation/lib/cluster.py (pure numpy, no Odoo)."""

import math

import numpy as np
import pytest
from conftest import load_lib_module
from numpy.testing import assert_allclose, assert_array_equal

cluster = load_lib_module("supplier_evaluation", "cluster")

nan = np.nan
HIB = np.array([True, True, False, False, False, True])


def blobs(seed=1, per=30, spread=0.3):
    rng = np.random.default_rng(seed)
    centers = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    truth = np.repeat(np.arange(3), per)
    x = centers[truth] + rng.normal(scale=spread, size=(3 * per, 2))
    return x, truth


def same_partition(a, b):
    """True when labelings a and b define the same partition."""
    a, b = np.asarray(a), np.asarray(b)
    pairs = set(zip(a.tolist(), b.tolist(), strict=False))
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


# --- standardize -----------------------------------------------------------


def test_standardize_nan_and_zero_std_columns():
    features = np.array(
        [
            [1.0, 5.0, nan, 2.0],
            [2.0, 5.0, nan, nan],
            [3.0, 5.0, nan, 4.0],
            [nan, 5.0, nan, 10.0],
        ]
    )
    z, mean, std = cluster.standardize(features)
    # column 0: NaN -> median 2 -> [1, 2, 3, 2]
    filled0 = np.array([1.0, 2.0, 3.0, 2.0])
    assert_allclose(mean[0], 2.0)
    assert_allclose(std[0], filled0.std())
    assert_allclose(z[:, 0], (filled0 - 2.0) / filled0.std())
    # column 1 constant, column 2 all NaN: all 0, std reported as 1
    assert_array_equal(z[:, 1], 0.0)
    assert_array_equal(z[:, 2], 0.0)
    assert_allclose(mean[1:3], [5.0, 0.0])
    assert_array_equal(std[1:3], [1.0, 1.0])
    # column 3: NaN -> median of [2, 4, 10] = 4
    filled3 = np.array([2.0, 4.0, 4.0, 10.0])
    assert_allclose(z[:, 3], (filled3 - filled3.mean()) / filled3.std())
    assert not np.isnan(z).any()
    assert_allclose(z.mean(axis=0), 0.0, atol=1e-12)
    assert_allclose(z.std(axis=0), [1.0, 0.0, 0.0, 1.0])


def test_standardize_does_not_modify_input_and_constant_float_column():
    features = np.array([[0.1, 1.0], [0.1, 2.0], [0.1, nan]])
    before = features.copy()
    z, mean, std = cluster.standardize(features)
    assert_array_equal(features, before)
    assert_array_equal(z[:, 0], 0.0)
    assert std[0] == 1.0
    assert_allclose(z[:, 1] * std[1] + mean[1], [1.0, 2.0, 1.5])


# --- kmeans ----------------------------------------------------------------


def test_kmeans_recovers_three_blobs():
    x, truth = blobs()
    fit = cluster.kmeans(x, 3, seed=0)
    assert fit["labels"].shape == (90,)
    assert fit["centers"].shape == (3, 2)
    assert same_partition(fit["labels"], truth)
    got = fit["centers"][np.argsort(fit["centers"][:, 0] + 2 * fit["centers"][:, 1])]
    assert_allclose(got, [[0, 0], [10, 0], [0, 10]], atol=0.3)
    expected = sum(
        ((x[truth == c] - x[truth == c].mean(axis=0)) ** 2).sum() for c in range(3)
    )
    assert isinstance(fit["inertia"], float)
    assert_allclose(fit["inertia"], expected)


def test_kmeans_deterministic_for_seed():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(60, 4))
    a = cluster.kmeans(x, 4, seed=3)
    b = cluster.kmeans(x, 4, seed=3)
    assert_array_equal(a["labels"], b["labels"])
    assert_array_equal(a["centers"], b["centers"])
    assert a["inertia"] == b["inertia"]


def test_kmeans_best_of_n_init_not_worse_than_single():
    rng = np.random.default_rng(11)
    x = rng.normal(size=(80, 3))
    many = cluster.kmeans(x, 5, seed=2, n_init=10)
    one = cluster.kmeans(x, 5, seed=2, n_init=1)
    assert many["inertia"] <= one["inertia"] + 1e-12


def test_kmeans_k_equals_n():
    x = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [5.0, 5.0]])
    fit = cluster.kmeans(x, 4, seed=0)
    assert sorted(fit["labels"].tolist()) == [0, 1, 2, 3]
    assert fit["inertia"] == pytest.approx(0.0, abs=1e-12)
    assert_allclose(fit["centers"][fit["labels"]], x, atol=1e-12)


def test_kmeans_k_one():
    x, _ = blobs()
    fit = cluster.kmeans(x, 1)
    assert_array_equal(fit["labels"], 0)
    assert_allclose(fit["centers"], [x.mean(axis=0)])
    assert_allclose(fit["inertia"], ((x - x.mean(axis=0)) ** 2).sum())


def test_kmeans_fewer_distinct_points_than_k():
    x = np.array([[1.0, 2.0]] * 4 + [[3.0, -1.0]] * 3)
    fit = cluster.kmeans(x, 4, seed=5)
    assert fit["centers"].shape == (4, 2)
    assert np.isfinite(fit["centers"]).all()
    assert set(fit["labels"].tolist()) <= {0, 1, 2, 3}
    assert fit["inertia"] == pytest.approx(0.0, abs=1e-12)
    # every center is one of the two distinct points
    for c in fit["centers"]:
        assert min(np.abs(c - [1, 2]).max(), np.abs(c - [3, -1]).max()) < 1e-12
    assert_allclose(fit["centers"][fit["labels"]], x, atol=1e-12)


def test_kmeans_all_points_identical():
    x = np.zeros((5, 3))
    fit = cluster.kmeans(x, 3, seed=0)
    assert_array_equal(fit["centers"], 0.0)
    assert fit["inertia"] == 0.0
    assert fit["labels"].shape == (5,)


@pytest.mark.parametrize("k", [0, -1, 6, 2.5])
def test_kmeans_bad_k_raises(k):
    x = np.arange(10.0).reshape(5, 2)
    with pytest.raises(ValueError):
        cluster.kmeans(x, k)


def test_kmeans_rejects_nan():
    with pytest.raises(ValueError):
        cluster.kmeans([[0.0], [nan], [1.0]], 2)


def test_kmeans_empty_cluster_reseeded_with_farthest_point():
    # One outlier; a run that starts with two centers near the origin must
    # still end with the outlier in its own cluster.
    x = np.array([[0.0], [0.1], [0.2], [100.0]])
    fit = cluster.kmeans(x, 2, seed=0, n_init=1)
    assert same_partition(fit["labels"], [0, 0, 0, 1])
    empty_start = np.array([[0.1], [50.0]])  # the far center gets no point at first
    d2 = cluster._sq_distances(x[:3], empty_start)
    labels = cluster._fill_empty_clusters(d2, np.argmin(d2, axis=1), 2)
    assert np.bincount(labels, minlength=2).min() >= 1
    assert labels[0] == 1 or labels[2] == 1  # a farthest point (0.0 or 0.2) moved


# --- silhouette ------------------------------------------------------------


def test_silhouette_separated_blobs_near_one():
    x, truth = blobs(spread=0.2)
    assert cluster.silhouette(x, truth) > 0.9


def test_silhouette_random_data_lower():
    rng = np.random.default_rng(3)
    x = rng.uniform(size=(150, 2))
    labels = cluster.kmeans(x, 3, seed=0)["labels"]
    blob_x, truth = blobs(spread=0.2)
    s_random = cluster.silhouette(x, labels)
    assert s_random < 0.6
    assert s_random < cluster.silhouette(blob_x, truth)
    # random labels on random data hover around 0
    assert abs(cluster.silhouette(x, rng.integers(0, 3, size=150))) < 0.1


def test_silhouette_single_cluster_is_nan():
    x = np.arange(8.0).reshape(4, 2)
    assert math.isnan(cluster.silhouette(x, [2, 2, 2, 2]))


def test_silhouette_hand_computed_line():
    # Points 0, 1 | 4, 5: s = 3.5/4.5, 2.5/3.5, 2.5/3.5, 3.5/4.5
    x = np.array([[0.0], [1.0], [4.0], [5.0]])
    assert cluster.silhouette(x, [0, 0, 1, 1]) == pytest.approx(47 / 63, rel=1e-12)


def test_silhouette_hand_computed_plane():
    # A(0,0) B(0,2) | C(3,0) D(3,4): AB=2 AC=3 AD=5 BC=BD=sqrt13 CD=4
    x = np.array([[0.0, 0.0], [0.0, 2.0], [3.0, 0.0], [3.0, 4.0]])
    r13 = math.sqrt(13)
    s_a = (4 - 2) / 4
    s_b = (r13 - 2) / r13
    b_c = (3 + r13) / 2
    s_c = (b_c - 4) / 4
    b_d = (5 + r13) / 2
    s_d = (b_d - 4) / b_d
    expected = (s_a + s_b + s_c + s_d) / 4
    # labels need not be 0..k-1
    assert cluster.silhouette(x, ["x", "x", "y", "y"]) == pytest.approx(
        expected, rel=1e-12
    )


def test_silhouette_singleton_cluster_scores_zero():
    # A, B, C on a line at 0, 1, 3 with C alone: s(C) = 0
    x = np.array([[0.0], [1.0], [3.0]])
    s_a = (3 - 1) / 3
    s_b = (2 - 1) / 2
    assert cluster.silhouette(x, [0, 0, 1]) == pytest.approx((s_a + s_b + 0) / 3)


# --- labels ----------------------------------------------------------------


def test_label_supplier_clusters_three():
    centers = np.array(
        [
            [0.1, 0.0, 0.0, 0.1, 0.0, 0.0],  # average
            [-1.0, -1.0, 1.0, 1.0, 1.0, -1.0],  # bad everywhere
            [1.0, 1.0, -1.0, -1.0, -0.5, 1.0],  # good everywhere
        ]
    )
    codes, merit = cluster.label_supplier_clusters(centers, HIB)
    assert codes == ["stable", "high_risk", "high_potential"]
    assert_allclose(merit, [0.0, -1.0, 5.5 / 6])


def test_label_supplier_clusters_more_than_three():
    centers = np.array([[0.0, 0.2], [2.0, -2.0], [-1.0, 1.0], [0.5, 0.0], [-3.0, 0.0]])
    codes, merit = cluster.label_supplier_clusters(centers, [True, False])
    assert_allclose(merit, [-0.1, 2.0, -1.0, 0.25, -1.5])
    assert codes == ["stable", "high_potential", "stable", "stable", "high_risk"]


def test_label_supplier_clusters_k_one_and_two():
    codes, merit = cluster.label_supplier_clusters([[1.0, -1.0]], [True, False])
    assert codes == ["stable"]
    assert_allclose(merit, [1.0])
    codes, merit = cluster.label_supplier_clusters(
        [[-0.5, 0.5], [0.5, -0.5]], [True, False]
    )
    assert codes == ["high_risk", "high_potential"]
    assert_allclose(merit, [-0.5, 0.5])
    # even when both are "good", the worse one of two is high_risk
    codes, _ = cluster.label_supplier_clusters([[2.0, 0.0], [1.0, 0.0]], [True, True])
    assert codes == ["high_potential", "high_risk"]


def test_label_supplier_clusters_shape_mismatch():
    with pytest.raises(ValueError):
        cluster.label_supplier_clusters(np.zeros((3, 2)), [True, False, True])


# --- describe_center -------------------------------------------------------


def test_describe_center_codes():
    center = [0.8, 0.1, -0.6, 1.2, -0.49, -2.0]
    assert cluster.describe_center(center) == [
        (5, "below"),
        (3, "above"),
        (0, "above"),
        (2, "below"),
    ]


def test_describe_center_threshold_and_nan():
    center = [0.3, nan, 0.0, 0.0, 0.0, 0.0]
    assert cluster.describe_center(center) == []
    assert cluster.describe_center(center, threshold=0.25) == [(0, "above")]
    assert cluster.describe_center([0.5]) == [(0, "above")]
    assert cluster.describe_center([-0.5, 0.5]) == [(0, "below"), (1, "above")]
