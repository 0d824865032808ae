"""Tests of customer_segmentation/lib (pure numpy, no Odoo)."""

import numpy as np
import pytest
from conftest import load_lib_module

rfm = load_lib_module("customer_segmentation", "rfm")
segments = load_lib_module("customer_segmentation", "segments")
tiers = load_lib_module("customer_segmentation", "tiers")
transitions = load_lib_module("customer_segmentation", "transitions")

NAN = float("nan")


def grid_tuples(grid=None):
    return [
        (r["r_min"], r["r_max"], r["f_min"], r["f_max"])
        for r in grid or segments.DEFAULT_RF_GRID
    ]


# --- rfm.quintile_scores -----------------------------------------------------


def test_quintiles_ten_distinct_values_two_per_score():
    scores = rfm.quintile_scores([10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
    assert scores.dtype == np.int8
    assert scores.tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_quintiles_input_order_does_not_matter():
    assert rfm.quintile_scores([100, 10, 60, 30]).tolist() == [5, 1, 4, 2]


def test_quintiles_reversed_for_recency():
    days = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    assert rfm.quintile_scores(days, higher_is_better=False).tolist() == [
        5,
        5,
        4,
        4,
        3,
        3,
        2,
        2,
        1,
        1,
    ]


def test_quintiles_heavy_ties_share_one_score():
    # 7 of 10 at 1: midrank 4, p = 0.35 -> 2; then p = 0.75, 0.85, 0.95 -> 4, 5, 5
    frequency = [1, 1, 1, 1, 1, 1, 1, 2, 3, 4]
    assert rfm.quintile_scores(frequency).tolist() == [2] * 7 + [4, 5, 5]
    # the tied group keeps its score when more single buyers are added
    assert set(rfm.quintile_scores([1] * 70 + list(range(2, 32)))[:70]) == {2}


def test_quintiles_exact_boundary():
    # 4 of 10 tied: p = (2.5 - 0.5) / 10 = 0.2 exactly -> 1 + floor(1.0) = 2
    assert rfm.quintile_scores([1, 1, 1, 1, 2, 3, 4, 5, 6, 7]).tolist() == [
        2,
        2,
        2,
        2,
        3,
        3,
        4,
        4,
        5,
        5,
    ]


@pytest.mark.parametrize("higher_is_better", [True, False])
def test_quintiles_property_ties_equal_and_monotone(higher_is_better):
    rng = np.random.default_rng(7)
    for _ in range(50):
        values = rng.integers(0, rng.integers(1, 12), size=rng.integers(1, 300)).astype(
            float
        )
        scores = rfm.quintile_scores(values, higher_is_better)
        assert scores.min() >= 1 and scores.max() <= 5
        for value in np.unique(values):
            assert len(set(scores[values == value].tolist())) == 1
        order = np.argsort(values if higher_is_better else -values, kind="stable")
        assert np.all(np.diff(scores[order].astype(int)) >= 0)


def test_quintiles_nan_not_scored():
    # NaN is skipped: n = 2, p = 0.25 and 0.75
    assert rfm.quintile_scores([NAN, 1.0, 2.0]).tolist() == [0, 2, 4]
    assert rfm.quintile_scores([NAN, NAN]).tolist() == [0, 0]


def test_quintiles_all_equal_get_middle_score():
    assert rfm.quintile_scores([7.0] * 5).tolist() == [3] * 5
    assert rfm.quintile_scores([7.0] * 6, higher_is_better=False).tolist() == [3] * 6


def test_quintiles_empty():
    scores = rfm.quintile_scores([])
    assert scores.shape == (0,) and scores.dtype == np.int8


# --- rfm.threshold_scores ----------------------------------------------------


def test_threshold_scores_both_directions():
    values = [5, 10, 15, 20, 39, 40, 100, NAN]
    bounds = [10, 20, 30, 40]
    assert rfm.threshold_scores(values, bounds).tolist() == [1, 2, 2, 3, 4, 5, 5, 0]
    assert rfm.threshold_scores(values, bounds, higher_is_better=False).tolist() == [
        5,
        4,
        4,
        3,
        2,
        1,
        1,
        0,
    ]


@pytest.mark.parametrize(
    "bounds", [[1, 2, 3], [1, 2, 3, 4, 5], [1, 2, 2, 3], [4, 3, 2, 1], [1, 2, NAN, 4]]
)
def test_threshold_scores_bad_thresholds(bounds):
    with pytest.raises(ValueError):
        rfm.threshold_scores([1.0], bounds)


# --- segments ----------------------------------------------------------------


def test_default_grid_covers_every_cell_once():
    grid = segments.DEFAULT_RF_GRID
    assert len({rule["code"] for rule in grid}) == len(grid)
    assert segments.coverage_problems(grid_tuples()) == ([], [])
    cells = np.zeros((6, 6), dtype=int)
    for r_min, r_max, f_min, f_max in grid_tuples():
        cells[r_min : r_max + 1, f_min : f_max + 1] += 1
    assert (cells[1:, 1:] == 1).all()


def test_coverage_names_gap_and_overlap():
    rules = {rule["code"]: rule for rule in segments.DEFAULT_RF_GRID}
    del rules["need_attention"]  # leaves R3 F3 uncovered
    rules["champions"] = dict(
        rules["champions"], f_min=3
    )  # R5 F3 also potential loyalist
    assert segments.coverage_problems(grid_tuples(list(rules.values()))) == (
        [(3, 3)],
        [(5, 3)],
    )


def test_coverage_accepts_grid_dicts():
    assert segments.coverage_problems(segments.DEFAULT_RF_GRID) == ([], [])
    uncovered, duplicated = segments.coverage_problems([(1, 5, 1, 5), (1, 1, 1, 2)])
    assert uncovered == [] and duplicated == [(1, 1), (1, 2)]


@pytest.mark.parametrize(
    "rule", [(0, 5, 1, 5), (1, 6, 1, 5), (4, 3, 1, 5), (1, 5, 3, 2), (1, 5, 1.5, 5)]
)
def test_bad_bounds_raise(rule):
    with pytest.raises(ValueError):
        segments.coverage_problems([rule])
    with pytest.raises(ValueError):
        segments.assign_segments([1], [1], [rule])


def test_assign_segments_default_grid():
    codes = [rule["code"] for rule in segments.DEFAULT_RF_GRID]
    r = np.array([5, 5, 1, 3, 4, 2, 0, 3, 0])
    f = np.array([5, 1, 5, 3, 1, 3, 3, 0, 0])
    index = segments.assign_segments(r, f, grid_tuples())
    assert [codes[i] if i >= 0 else None for i in index] == [
        "champions",
        "new_customers",
        "cant_lose",
        "need_attention",
        "promising",
        "at_risk",
        None,
        None,
        None,
    ]


def test_assign_segments_first_match_and_gap():
    assert segments.assign_segments(
        [1, 1, 2], [1, 2, 2], [(1, 5, 2, 5), (1, 1, 1, 5)]
    ).tolist() == [1, 0, 0]
    assert segments.assign_segments([3], [3], [(1, 2, 1, 5)]).tolist() == [-1]


# --- tiers -------------------------------------------------------------------


def test_pareto_hand_example():
    # total 100; share before: 0, .5, .8, .9, .9 (tied 5s use the first) -> S, S, K, K,
    # K
    result = tiers.pareto_tiers([50, 30, 10, 5, 5])
    assert result["tier"].tolist() == [0, 0, 1, 1, 1]
    assert result["rank"].tolist() == [1, 2, 3, 4, 4]
    np.testing.assert_allclose(result["share"], [0.5, 0.3, 0.1, 0.05, 0.05])
    np.testing.assert_allclose(result["cumulative_share"], [0.5, 0.8, 0.9, 1.0, 1.0])


def test_pareto_ordinary_unsorted_and_non_positive():
    # sorted 50, 30, 10, 5, 3, 2: share before 0, .5, .8, .9, .95, .98 -> S, S, K, K, O,
    # O
    result = tiers.pareto_tiers([3, NAN, 50, -4, 30, 0, 10, 5, 2])
    assert result["tier"].tolist() == [2, 2, 0, 2, 0, 2, 1, 1, 2]
    assert result["rank"].tolist() == [5, 9, 1, 8, 2, 7, 3, 4, 6]
    np.testing.assert_allclose(
        result["share"], [0.03, 0, 0.5, 0, 0.3, 0, 0.1, 0.05, 0.02]
    )
    np.testing.assert_allclose(
        result["cumulative_share"], [0.98, 1, 0.5, 1, 0.8, 1, 0.9, 0.95, 1.0]
    )


def test_pareto_ties_share_tier():
    # 10s have share before .7, .8, .9 by position; the group uses .7 -> all strategic
    result = tiers.pareto_tiers([10, 70, 10, 10])
    assert result["tier"].tolist() == [0, 0, 0, 0]
    assert result["rank"].tolist() == [2, 1, 2, 2]
    np.testing.assert_allclose(result["cumulative_share"], [1.0, 0.7, 1.0, 1.0])


def test_pareto_custom_cuts_and_no_positive_total():
    assert tiers.pareto_tiers([60, 30, 10], 0.5, 1.0)["tier"].tolist() == [0, 1, 1]
    result = tiers.pareto_tiers([0, -1, NAN])
    assert result["tier"].tolist() == [2, 2, 2]
    assert result["share"].tolist() == [0, 0, 0]
    assert tiers.pareto_tiers([])["tier"].shape == (0,)


@pytest.mark.parametrize(
    "cuts", [(0, 0.9), (0.9, 0.8), (0.8, 0.8), (0.8, 1.01), (-0.1, 0.5)]
)
def test_pareto_bad_cuts(cuts):
    with pytest.raises(ValueError):
        tiers.pareto_tiers([1.0], *cuts)


def test_hysteresis_single_run_cases():
    previous = [2, 1, 0, 0, -1, 0]
    new = [0, 1, 1, 2, 2, 2]
    below = [1, 1, 0, 1, 0, 3]
    tier, count = tiers.apply_hysteresis(previous, new, below)
    assert tier.tolist() == [0, 1, 0, 2, 2, 2]
    assert count.tolist() == [0, 0, 1, 0, 0, 0]


def run_sequence(new_tiers, runs_required=2):
    tier, count, history = np.array([-1]), np.array([0]), []
    for new in new_tiers:
        tier, count = tiers.apply_hysteresis(
            tier, np.array([new]), count, runs_required
        )
        history.append((int(tier[0]), int(count[0])))
    return history


def test_hysteresis_demotion_after_two_runs_and_reset():
    assert run_sequence([0, 1, 1]) == [(0, 0), (0, 1), (1, 0)]
    assert run_sequence([0, 1, 0, 1]) == [(0, 0), (0, 1), (0, 0), (0, 1)]
    assert run_sequence([0, 2, 1, 1]) == [(0, 0), (0, 1), (1, 0), (1, 0)]
    assert run_sequence([0, 1, 1, 1], runs_required=3) == [
        (0, 0),
        (0, 1),
        (0, 2),
        (1, 0),
    ]


def test_hysteresis_runs_required_one_is_immediate():
    assert run_sequence([0, 2, 1], runs_required=1) == [(0, 0), (2, 0), (1, 0)]
    with pytest.raises(ValueError):
        tiers.apply_hysteresis([0], [1], [0], runs_required=0)


# --- transitions -------------------------------------------------------------

OLD = [0, 0, 1, 2, -1, 1]
NEW = [0, 1, 1, -1, 2, 2]


def test_transition_matrix_counts_and_weights():
    counts = transitions.transition_matrix(OLD, NEW, 3)
    assert counts.tolist() == [[1, 1, 0], [0, 1, 1], [0, 0, 0]]
    sums = transitions.transition_matrix(OLD, NEW, 3, weights=[10, 20, 30, 40, 50, 60])
    np.testing.assert_allclose(sums, [[10, 20, 0], [0, 30, 60], [0, 0, 0]])
    assert transitions.transition_matrix([], [], 2).tolist() == [[0, 0], [0, 0]]
    with pytest.raises(ValueError):
        transitions.transition_matrix([3], [0], 3)


def test_downgrades_mask():
    mask = transitions.downgrades(OLD, NEW, [(0, 1), (0, 2), (1, 2)])
    assert mask.dtype == bool
    assert mask.tolist() == [False, True, False, False, False, True]
    assert not transitions.downgrades(OLD, NEW, []).any()


# --- scale -------------------------------------------------------------------


def test_scale_200k_shapes():
    """Runs on 200,000 customers (not timed)."""
    rng = np.random.default_rng(0)
    values = rng.lognormal(5, 2, 200_000)
    values[rng.random(200_000) < 0.05] = NAN
    scores = rfm.quintile_scores(values)
    assert scores.shape == (200_000,) and set(np.unique(scores)) == {0, 1, 2, 3, 4, 5}
    result = tiers.pareto_tiers(values)
    assert all(
        result[key].shape == (200_000,)
        for key in ("tier", "rank", "share", "cumulative_share")
    )
    assert set(np.unique(result["tier"])) == {0, 1, 2}
