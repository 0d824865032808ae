"""Learned lead times (supplier_evaluation/lib/leadtimes.py) against numpy's own
percentiles and hand-computed figures."""

import numpy as np
from conftest import load_lib_module
from numpy.testing import assert_allclose, assert_array_equal

leadtimes = load_lib_module("supplier_evaluation", "leadtimes")


def test_group_quantiles_by_hand():
    # vendor 7, product 1: 2, 4, 10 days; vendor 7, product 2: 5; vendor 3, product 1:
    # 1, 2, 3, 4.
    keys = np.array([[7, 1], [3, 1], [7, 2], [7, 1], [3, 1], [3, 1], [7, 1], [3, 1]])
    days = np.array([10.0, 4.0, 5.0, 2.0, 1.0, 3.0, 4.0, 2.0])
    unique, counts, values = leadtimes.group_quantiles(keys, days)
    assert_array_equal(unique, [[3, 1], [7, 1], [7, 2]])
    assert_array_equal(counts, [4, 3, 1])
    # 3/1: median 2.5; 80th: rank 0.8 * 3 = 2.4 -> 3 + 0.4 * (4 - 3) = 3.4.
    # 7/1: median 4; 80th: rank 1.6 -> 4 + 0.6 * 6 = 7.6. 7/2: 5 and 5.
    assert_allclose(values, [[2.5, 3.4], [4.0, 7.6], [5.0, 5.0]])


def test_group_quantiles_match_numpy_percentile():
    rng = np.random.default_rng(7)
    keys = rng.integers(0, 30, size=(5000, 2))
    days = rng.gamma(2.0, 4.0, size=5000)
    unique, counts, values = leadtimes.group_quantiles(keys, days)
    for key, count, (median, p80) in zip(unique, counts, values, strict=True):
        own = days[(keys == key).all(axis=1)]
        assert count == len(own)
        assert_allclose([median, p80], np.percentile(own, [50, 80]))


def test_group_quantiles_leave_out_impossible_days():
    keys = np.array([[1], [1], [1], [1], [1]])
    days = np.array([3.0, np.nan, -1.0, 400.0, 5.0])
    unique, counts, values = leadtimes.group_quantiles(keys, days)
    assert_array_equal(counts, [2])
    assert_allclose(values, [[4.0, 4.6]])
    empty = leadtimes.group_quantiles(np.zeros((0, 2)), np.zeros(0))
    assert empty[0].shape == (0, 2) and empty[2].shape == (0, 2)


def test_differs_needs_receipts_and_a_gap():
    assert_array_equal(
        leadtimes.differs(
            [9.0, 9.0, 6.0, np.nan], [5, 5, 5, 5], 2, [3, 2, 3, 3], min_receipts=3
        ),
        [True, False, False, False],
    )


def test_applied_days_round_half_up():
    assert_array_equal(leadtimes.applied_days([2.5, 2.49, 0.2, 7.6]), [3, 2, 0, 8])


# --- best value on alternatives (lib/selection.py) ---------------------------------
selection = load_lib_module("supplier_evaluation", "selection")


def test_best_value_by_hand():
    # A 1000 (score 60), B 1040 (score 90), C 1200 (no scorecard), weight 50 %.
    values, ranks = selection.best_value([1000, 1040, 1200], [60, 90, np.nan], 0.5)
    # A: 0.5 * 100 + 0.5 * 60 = 80; B: 0.5 * 96.1538 + 45 = 93.0769; C: 41.6667.
    assert_allclose(values, [80.0, 50 * 1000 / 1040 + 45, 50 * 1000 / 1200])
    assert_array_equal(ranks, [2, 1, 3])
    # Price only: the cheapest wins; score only: the best scorecard.
    assert_array_equal(selection.best_value([1000, 1040], [60, 90], 0)[1], [1, 2])
    assert_array_equal(selection.best_value([1000, 1040], [60, 90], 1)[1], [2, 1])
    # Ties share the better rank.
    assert_array_equal(
        selection.best_value([10, 10, 20], [50, 50, 50], 0.5)[1], [1, 1, 3]
    )
    assert_allclose(selection.dearer_percent([1000, 1040, 0]), [0.0, 4.0, 0.0])
