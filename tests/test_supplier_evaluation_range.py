"""lib.engine's range: the rows of one period, and previous totals chained from the
period just computed."""

import numpy as np
from conftest import load_lib_module

engine = load_lib_module("supplier_evaluation", "engine")
vocabulary = load_lib_module("supplier_evaluation", "vocabulary")


def _empty(names):
    return {name: np.array([], dtype=float) for name in names}


def _period(partners, ordered, received, previous, draft=None):
    """Columns of one period: one due line per supplier, template 1 (on time
    only)."""
    n = len(partners)
    ratings = _empty(("partner", *vocabulary.RATING_CRITERIA))
    ratings["partner"] = ratings["partner"].astype(np.int64)
    return engine.Columns(
        partner_ids=np.array(partners, dtype=np.int64),
        due={
            "partner": np.array(partners, dtype=np.int64),
            "kind": np.zeros(n, dtype=np.int8),
            "ordered": np.array(ordered, dtype=float),
            "received": np.array(received, dtype=float),
        },
        moves={
            "partner": np.array([], dtype=np.int64),
            "qty": np.array([]),
            "is_receipt": np.array([], dtype=bool),
            "days": np.array([]),
            "copy_no": np.array([], dtype=np.int64),
        },
        prices={
            "partner": np.array([], dtype=np.int64),
            "product": np.array([], dtype=np.int64),
            "spend": np.array([]),
            "unit_price": np.array([]),
            "kind": np.array([], dtype=np.int8),
        },
        ratings=ratings,
        card_ids=np.zeros(n, dtype=np.int64),
        is_draft=np.ones(n, dtype=bool) if draft is None else np.array(draft),
        kraljic_class=np.array(["routine"] * n, dtype=object),
        template_ids=np.array([1] * n, dtype=object),
        previous_total=np.array(previous, dtype=float),
    )


SETTINGS = engine.Settings(
    as_of=None,
    grade_a_min=85.0,
    grade_b_min=70.0,
    templates={
        1: engine.Template(
            criteria=("on_time",),
            poor=np.array([0.0]),
            excellent=np.array([100.0]),
            weights=np.array([1.0]),
        )
    },
)


def test_period_facts_keeps_the_rows_of_one_period():
    facts = engine.Facts(
        due={"partner": np.array([1, 2, 3]), "period": np.array([0, 1, 1])},
        moves={"partner": np.array([4]), "period": np.array([2])},
        prices={"partner": np.array([], dtype=np.int64), "period": np.array([])},
        ratings={"partner": np.array([5, 6]), "period": np.array([1, 0])},
    )
    rows = engine.period_facts(facts, 1)
    assert rows["due"]["partner"].tolist() == [2, 3]
    assert rows["moves"]["partner"].tolist() == []
    assert rows["ratings"]["partner"].tolist() == [5]


def test_previous_total_is_the_one_just_computed_when_chained():
    # Supplier 10: 50 % in the first period, so 50 before the second; 20 has no
    # card in the first period (its stored 70 stays); 30's first card is kept
    # (not a draft): its stored total stays.
    first = _period([10, 30], [10, 10], [5, 10], [np.nan, np.nan], [True, False])
    second = _period([10, 20, 30], [10, 10, 10], [10, 10, 10], [1.0, 70.0, 40.0])
    periods = [first, second]
    results = engine.compute_periods(periods, SETTINGS, np.array([False, True]))
    assert results[0].total.tolist() == [50.0, 100.0]
    assert periods[1].previous_total.tolist() == [50.0, 70.0, 40.0]
    assert results[1].total_change.tolist() == [50.0, 30.0, 60.0]
    # Not chained (a gap between the periods): the stored totals.
    periods = [first, second]
    engine.compute_periods(periods, SETTINGS, np.array([False, False]))
    assert periods[1].previous_total.tolist() == [1.0, 70.0, 40.0]
