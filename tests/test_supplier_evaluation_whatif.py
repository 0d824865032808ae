"""Hand-computed checks of supplier_evaluation/lib for the template what-if, line
disputes and stakeholder surveys (no Odoo)."""

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


# --- line disputes: the lines an accepted dispute leaves out -----------------------
lib_engine = load_lib_module("supplier_evaluation", "engine")


def _columns(excluded):
    """One supplier (7): line 1 (10 due, 10 on time), line 2 (10 due, 0 on time),
    received 20, 4 returned on line 2."""
    partners = np.array([7], dtype=np.int64)
    return lib_engine.Columns(
        partner_ids=partners,
        due={
            "partner": np.array([7, 7]),
            "kind": np.array([0, 0], dtype=np.int8),
            "ordered": np.array([10.0, 10.0]),
            "received": np.array([10.0, 0.0]),
            "line": np.array([1, 2]),
        },
        moves={
            "partner": np.array([7, 7, 7]),
            "qty": np.array([10.0, 10.0, 4.0]),
            "is_receipt": np.array([True, True, False]),
            "days": np.array([3.0, 12.0, 0.0]),
            "copy_no": np.array([1, 1, 1]),
            "line": np.array([1, 2, 2]),
        },
        prices={
            "partner": np.array([], dtype=np.int64),
            "product": np.array([], dtype=np.int64),
            "spend": np.array([]),
            "unit_price": np.array([]),
            "kind": np.array([], dtype=np.int8),
        },
        ratings={
            "partner": np.array([], dtype=np.int64),
            "service": np.array([]),
            "communication": np.array([]),
            "cooperation": np.array([]),
        },
        card_ids=np.array([0]),
        is_draft=np.array([True]),
        kraljic_class=np.array(["routine"], dtype=object),
        template_ids=np.array([1], dtype=object),
        previous_total=np.array([nan]),
        excluded=excluded,
    )


def test_accepted_dispute_leaves_the_line_out_of_its_criterion_only():
    raw, counts = lib_engine.figures(_columns({}))
    assert_allclose([raw["on_time"][0], raw["in_full"][0]], [50.0, 50.0])
    assert_allclose(raw["quality"], [80.0])  # 1 - 4 / 20
    assert counts["excluded_disputed"][0] == 0
    raw, counts = lib_engine.figures(_columns({"on_time": np.array([2])}))
    assert_allclose([raw["on_time"][0], raw["in_full"][0]], [100.0, 50.0])
    assert counts["line_count"][0] == 1
    assert counts["excluded_disputed"][0] == 1
    raw, counts = lib_engine.figures(_columns({"quality": np.array([2])}))
    assert_allclose([raw["on_time"][0], raw["quality"][0]], [50.0, 100.0])
    assert counts["excluded_disputed"][0] == 1


# --- stakeholder surveys -------------------------------------------------------------
stakeholders = load_lib_module("supplier_evaluation", "stakeholders")


def test_net_promoter_score_promoters_minus_detractors():
    # 10 and 9 promote, 7 and 8 are passive, 6 and 0 detract: (2 - 2) / 6.
    assert stakeholders.net_promoter_score([10, 9, 8, 7, 6, 0]) == 0.0
    assert_allclose(stakeholders.net_promoter_score([10, 9, 3]), 100 / 3)
    assert stakeholders.net_promoter_score([5, 6]) == -100.0
    assert np.isnan(stakeholders.net_promoter_score([]))


def test_rating_value_from_a_scale():
    assert stakeholders.rating_value(4, 1, 5) == "4"
    assert stakeholders.rating_value(10, 0, 10) == "5"
    assert stakeholders.rating_value(0, 0, 10) == "1"
    assert stakeholders.rating_value(5, 0, 10) == "3"
    assert stakeholders.rating_value(False, 1, 5) is None
