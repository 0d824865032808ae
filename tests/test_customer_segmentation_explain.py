"""Tests of customer_segmentation/lib/explain.py (no Odoo)."""

import math

import pytest
from conftest import load_lib_module

explain = load_lib_module("customer_segmentation", "explain")


def test_purchase_model_summary_in_plain_units():
    # CDNOW's fit: r = 0.243, alpha = 4.414 weeks -> 0.055 purchases a week while
    # active, 2.87 a year; a = 0.793, b = 2.426 -> 24.6 % drop out after a purchase.
    summary = explain.purchase_model_summary(0.243, 4.414, 0.793, 2.426)
    assert summary["purchases_per_year"] == pytest.approx(0.243 / 4.414 * 365.25 / 7)
    assert summary["purchases_per_year"] == pytest.approx(2.873, abs=1e-3)
    assert summary["dropout"] == pytest.approx(0.793 / 3.219)
    undefined = explain.purchase_model_summary(1.0, 0.0, 0.0, 0.0)
    assert math.isnan(undefined["purchases_per_year"])
    assert math.isnan(undefined["dropout"])


def test_spend_model_mean():
    assert explain.spend_model_mean(6.25, 3.74, 15.44) == pytest.approx(
        6.25 * 15.44 / 2.74
    )
    assert math.isnan(explain.spend_model_mean(6.0, 1.0, 15.0))


@pytest.mark.parametrize(
    ("alive", "status"),
    [
        (100, "active"),
        (70, "active"),
        (69.9, "lapsing"),
        (30, "lapsing"),
        (2, "inactive"),
    ],
)
def test_activity_status(alive, status):
    assert explain.activity_status(alive) == status


def test_months_and_percent():
    assert explain.months_between(791) == 26
    assert explain.months_between(14) == 0
    assert explain.percent(0.1) == "10"
    assert explain.percent(0.125) == "12.5"
    assert explain.percent(0.8) == "80"


def test_small_figures_never_read_zero():
    assert explain.small_figure(2.0) == "2"
    assert explain.small_figure(0.0013) == "< 1"
    assert explain.small_figure(0.00001, 2) == "< 0.01"
    assert explain.small_figure(0.01, 2) == "0.01"
    assert explain.small_figure(0.0) == "0"


def test_distinct_labels():
    assert explain.distinct_labels(["average", "frequent", "average", "average"]) == [
        "average",
        "frequent",
        "average (2)",
        "average (3)",
    ]
