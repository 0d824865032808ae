"""Hand-computed checks of supplier_evaluation/lib (pure numpy, no Odoo)."""

import math

import numpy as np
import pytest
from conftest import load_lib_module
from numpy.testing import assert_allclose, assert_array_equal

scoring = load_lib_module("supplier_evaluation", "scoring")
metrics = load_lib_module("supplier_evaluation", "metrics")
kraljic = load_lib_module("supplier_evaluation", "kraljic")
trend = load_lib_module("supplier_evaluation", "trend")

nan = np.nan


# --- scoring ---------------------------------------------------------------


def test_linear_scores_higher_is_better_clips():
    scores = scoring.linear_scores([70, 80, 90, 100, 110, nan], 80, 100)
    assert_allclose(scores, [0, 0, 50, 100, 100, nan])


def test_linear_scores_lower_is_better_clips():
    scores = scoring.linear_scores([5, 10, 20, 30, 40], poor=30, excellent=10)
    assert_allclose(scores, [100, 100, 50, 0, 0])


def test_linear_scores_broadcast_per_criterion():
    raw = np.array([[0.9, 12.0], [nan, 6.0]])
    scores = scoring.linear_scores(raw, poor=[0.8, 20.0], excellent=[1.0, 4.0])
    assert_allclose(scores, [[50, 50], [nan, 87.5]])


def test_linear_scores_poor_equals_excellent():
    with pytest.raises(ValueError):
        scoring.linear_scores([1, 2], poor=[0, 5], excellent=[1, 5])


def test_weighted_total_rescales_missing_criteria():
    scores = np.array([[80, 60, nan], [nan, nan, nan], [100, 0, 50]])
    totals = scoring.weighted_total(scores, [50, 30, 20])
    # row 0: (80*50 + 60*30) / 80; row 2: (100*50 + 0 + 50*20) / 100
    assert_allclose(totals, [72.5, nan, 60.0])


def test_weighted_total_zero_remaining_weight():
    totals = scoring.weighted_total([[50, 50, nan], [50, 50, 90]], [0, 0, 100])
    assert_allclose(totals, [nan, 90.0])


def test_grades_bands_and_boundaries():
    result = scoring.grades([85, 84.99, 70, 69.99, nan, 100, 0])
    assert list(result) == ["A", "B", "B", "C", "", "A", "C"]
    assert list(scoring.grades([60, 59], a_min=90, b_min=60)) == ["B", "C"]


@pytest.mark.parametrize("a_min, b_min", [(70, 70), (60, 70), (101, 70), (85, -1)])
def test_grades_bad_bands(a_min, b_min):
    with pytest.raises(ValueError):
        scoring.grades([50], a_min=a_min, b_min=b_min)


def test_check_weights():
    assert scoring.check_weights([50, 30, 20]) is True
    assert scoring.check_weights([50, 49.995]) is True
    assert scoring.check_weights([50, 49.9]) is False
    assert scoring.check_weights([110, -10]) is False
    assert scoring.check_weights([50, 49.9], tolerance=0.2) is True


# --- metrics ---------------------------------------------------------------


def test_robust_keep_mask_drops_outlier():
    # median 3.5, MAD 1.5 -> limit 3.5 + 5 * 1.4826 * 1.5 = 14.62
    keep = metrics.robust_keep_mask([1, 2, 3, 4, 5, 1000])
    assert_array_equal(keep, [True] * 5 + [False])


def test_robust_keep_mask_hard_rules():
    keep = metrics.robust_keep_mask([-1, nan, np.inf, 3, 4, 5, 30], hard_max=20)
    assert_array_equal(keep, [False, False, False, True, True, True, False])


def test_robust_keep_mask_zero_mad_only_hard_rules():
    assert metrics.robust_keep_mask([5, 5, 5, 5, 50]).all()
    assert_array_equal(
        metrics.robust_keep_mask([5, 5, 5, 5, 50], hard_max=20), [True] * 4 + [False]
    )


def test_on_time_in_full():
    group = [0, 0, 0, 1, 0]
    ordered = [10, 10, 0, 4, 3.0]
    received = [12, 5, 3, -1, 3.0 - 1e-12]
    result = metrics.on_time_in_full(group, ordered, received, n_groups=3)
    # group 0: over-delivery capped at 10, partial 5, ordered-0 line ignored,
    # near-exact 3 -> (10 + 5 + 3) / 23; in full: lines 1 and 5 of 3
    assert_allclose(result["on_time"], [18 / 23, 0.0, nan])
    assert_allclose(result["in_full"], [2 / 3, 0.0, nan])
    assert_array_equal(result["line_count"], [3, 1, 0])
    assert result["line_count"].dtype.kind == "i"
    assert_allclose(result["qty_due"], [23, 4, 0])


def test_quality():
    result = metrics.quality([0, 0, 1, 2], [100, 50, 10, 0], [0, 15, 20, 1], n_groups=4)
    assert_allclose(result["quality"], [0.9, 0.0, nan, nan])
    assert_allclose(result["qty_received"], [150, 10, 0, 0])
    assert_allclose(result["qty_returned"], [15, 20, 1, 0])


def test_price_index_three_suppliers():
    # product 10: averages g0 = (40+60)/(5+5) = 10, g1 = 12, g2 = 14
    # product 20: only g0 -> excluded; product 30: g0 = 5, g1 = 4
    # product 40: only g3 -> g3 has no eligible product
    group = [0, 0, 1, 2, 0, 0, 1, 3]
    product = [10, 10, 10, 10, 20, 30, 30, 40]
    price = [8, 12, 12, 14, 99, 5, 4, 7]
    spend = [40, 60, 120, 70, 500, 50, 40, 70]
    result = metrics.price_index(group, product, price, spend, n_groups=5)
    expected = [
        (100 * 10 / 13 + 50 * 5 / 4) / 150,  # ratios 10/mean(12,14), 5/4
        (120 * 12 / 12 + 40 * 4 / 5) / 160,  # ratios 12/mean(10,14), 4/5
        14 / 11,  # 14/mean(10,12)
        nan,
        nan,
    ]
    assert_allclose(result["price"], expected)
    assert_array_equal(result["price_products"], [2, 2, 1, 0, 0])


def test_lead_time_weighted_mean_std():
    group = [0, 0, 1, 1, 1]
    days = [2, 4, 10, 50, 7]
    qty = [1, 3, 2, 1, 0]
    keep = [True, True, True, False, True]
    result = metrics.lead_time(group, days, qty, n_groups=3, keep=keep)
    # group 0: mean (2 + 12) / 4 = 3.5, var (1*1.5^2 + 3*0.5^2) / 4 = 0.75
    assert_allclose(result["lead_time"], [3.5, 10.0, nan])
    assert_allclose(result["lead_time_std"], [math.sqrt(0.75), 0.0, nan])
    assert_array_equal(result["lead_time_count"], [2, 1, 0])
    assert_array_equal(result["excluded"], [0, 1, 0])


def test_lead_time_default_keep():
    result = metrics.lead_time([0, 0], [1, 3], [1, 1], n_groups=1)
    assert_allclose(result["lead_time"], [2.0])
    assert_allclose(result["lead_time_std"], [1.0])
    assert_array_equal(result["excluded"], [0])


# --- kraljic ---------------------------------------------------------------


def test_supply_risk():
    risk = kraljic.supply_risk([1.0, 0.0, 0.5, 0.0], [0.5, 2.0, nan, 0.25])
    assert_allclose(risk, [0.85, 0.3, 0.35, 0.075])
    assert_allclose(kraljic.supply_risk([0.0], [0.25], cv_cap=0.5), [0.15])


def test_kraljic_quadrants_and_boundaries():
    share = [0.2, 0.2, 0.19, 0.19, 0.5, 0.0]
    risk = [0.5, 0.49, 0.5, 0.49, 0.1, 0.9]
    result = kraljic.suggest(share, risk, impact_threshold=0.2, risk_threshold=0.5)
    assert list(result) == [
        "strategic",
        "leverage",
        "bottleneck",
        "routine",
        "leverage",
        "bottleneck",
    ]
    assert set(result) <= set(kraljic.CLASSES)


# --- trend -----------------------------------------------------------------


def test_linear_trends_exact_line():
    result = trend.linear_trends([[1, 3, 5, 7, 9, 11]])
    assert_allclose(result["slope"], [2.0])
    assert_allclose(result["intercept"], [1.0])
    assert_allclose(result["r2"], [1.0])
    assert_allclose(result["forecast"], [13.0])
    assert_array_equal(result["points"], [6])


def test_linear_trends_gaps_noise_and_short_series():
    y = np.array(
        [
            [1, nan, 5, 7, nan],  # points x=0,2,3 on y = 2x + 1
            [1, 3, 2, nan, nan],  # slope 0.5, intercept 1.5, r2 1 - 1.5/2
            [1, nan, nan, 2, nan],  # only 2 points
            [0.1, 0.1, 0.1, 0.1, 0.1],  # flat
        ]
    )
    result = trend.linear_trends(y)
    assert_allclose(result["slope"], [2.0, 0.5, nan, 0.0], atol=1e-12)
    assert_allclose(result["intercept"], [1.0, 1.5, nan, 0.1])
    assert_allclose(result["r2"], [1.0, 0.25, nan, 1.0])
    assert_allclose(result["forecast"], [11.0, 4.0, nan, 0.1])
    assert_array_equal(result["points"], [3, 3, 2, 5])


def test_breach_runs():
    breach = np.array(
        [
            [False, True, True],
            [True, True, True],  # third bad month in a row
            [True, True, False],
            [True, True, True],
            [True, True, True],
        ]
    )
    no_data = np.zeros_like(breach)
    no_data[3, 2] = True  # latest month without data -> 0
    no_data[4, 0] = True  # no data earlier ends the run
    assert_array_equal(trend.breach_runs(breach, no_data), [2, 3, 0, 0, 2])


def test_breach_runs_no_data_in_middle():
    breach = [[True, True, True, True]]
    no_data = [[False, True, False, False]]
    assert_array_equal(trend.breach_runs(breach, no_data), [2])


# ---------------------------------------------------------------- periods
def test_periods():
    import datetime as dt

    periods = load_lib_module("supplier_evaluation", "periods")
    assert periods.period_of(dt.date(2026, 2, 14)) == (
        dt.date(2026, 2, 1),
        dt.date(2026, 2, 28),
    )
    assert periods.period_of(dt.date(2024, 2, 14)) == (
        dt.date(2024, 2, 1),
        dt.date(2024, 2, 29),
    )
    assert periods.period_of(dt.date(2026, 11, 3), "quarter") == (
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 31),
    )
    assert periods.previous_period(dt.date(2026, 1, 10)) == (
        dt.date(2025, 12, 1),
        dt.date(2025, 12, 31),
    )
    assert periods.previous_period(dt.date(2026, 1, 10), "quarter") == (
        dt.date(2025, 10, 1),
        dt.date(2025, 12, 31),
    )
    months = periods.periods_between(dt.date(2025, 11, 20), dt.date(2026, 2, 1))
    assert [p[0].month for p in months] == [11, 12, 1, 2]
    assert (
        len(periods.periods_between(dt.date(2024, 1, 1), dt.date(2025, 12, 31))) == 24
    )
    with pytest.raises(ValueError):
        periods.periods_between(dt.date(2026, 2, 1), dt.date(2026, 1, 1))
