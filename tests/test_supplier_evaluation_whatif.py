"""Hand-computed checks of supplier_evaluation/lib/whatif.py (no Odoo)."""

import numpy as np
from conftest import load_lib_module
from numpy.testing import assert_allclose, assert_array_equal

whatif = load_lib_module("supplier_evaluation", "whatif")
charts = load_lib_module("supplier_evaluation", "charts")

nan = np.nan


def test_rescore_as_the_engine_scores():
    # Two criteria: 0 at 80 / 100 at 100 (weight 75), 0 at 30 / 100 at 10 (weight 25).
    raw = np.array([[90.0, 20.0], [100.0, nan], [nan, nan], [70.0, 10.0]])
    totals, grades = whatif.rescore(
        raw,
        np.array([80.0, 30.0]),
        np.array([100.0, 10.0]),
        np.array([75.0, 25.0]),
        np.array([True, True, True, False]),
        85.0,
        70.0,
    )
    # 50*.75 + 50*.25; the missing criterion's weight is rescaled away; no figure and
    # no data give no total.
    assert_allclose(totals, [50.0, 100.0, nan, nan])
    assert_array_equal(grades, ["C", "A", "", ""])


def test_ranks_per_group_with_ties_and_gaps():
    groups = np.array(["m1", "m1", "m1", "m1", "m2", "m2"], dtype=object)
    totals = np.array([70.0, 90.0, 70.0, nan, 10.0, 20.0])
    assert_array_equal(whatif.ranks(groups, totals), [2, 1, 2, 0, 2, 1])
    assert_array_equal(whatif.ranks(groups[:0], totals[:0]), [])


def test_compare_counts_grade_changes_and_rank_moves():
    groups = np.array([1, 1, 1])
    change = whatif.compare(
        groups,
        np.array([90.0, 80.0, nan]),
        np.array(["A", "B", ""], dtype=object),
        np.array([75.0, 88.0, nan]),
        np.array(["B", "A", ""], dtype=object),
    )
    assert_array_equal(change["rank_change"], [-1, 1, 0])
    assert change["grade_change_count"] == 2
    assert whatif.grade_counts(np.array(["A", "B", "B", ""], dtype=object)) == [
        1,
        2,
        0,
    ]


def test_grouped_bars_escape_and_draw_each_value():
    svg = charts.grouped_bars_svg(["A", "<B>"], [[1, 2], [3, 0]], ["#111", "#222"])
    assert svg.count("<rect") == 4
    assert "&lt;B&gt;" in svg and "<B>" not in svg
