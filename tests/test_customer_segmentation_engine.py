"""customer_segmentation/lib/engine.compute, vocabulary and the bulk-write helpers (no
Odoo): columns in, profile columns out."""

import dataclasses
import datetime
import types

import numpy as np
import pytest
from conftest import load_lib_module

engine = load_lib_module("customer_segmentation", "engine")
vocabulary = load_lib_module("customer_segmentation", "vocabulary")
sqlarrays = load_lib_module("customer_segmentation", "sqlarrays")
clusters = load_lib_module("customer_segmentation", "clusters")

DAY = datetime.date(2026, 4, 1)


def _profiles(rows=()):
    """Stored profiles: rows of {column: value} with partner and id."""
    columns = {"partner": np.int64, "id": np.int64}
    result = {
        name: np.array([r[name] for r in rows], dtype=kind)
        for name, kind in columns.items()
    }
    for name, kind in {**engine.PROFILE_COLUMNS, **engine.PREDICTION_COLUMNS}.items():
        values = [r.get(name) for r in rows]
        if kind in ("int4", "m2o"):
            result[name] = np.array([v or 0 for v in values], dtype=np.int64)
        elif kind in ("numeric", "float8"):
            result[name] = np.array(
                [np.nan if v is None else v for v in values], dtype=float
            )
        elif kind == "bool":
            result[name] = np.array([bool(v) for v in values], dtype=bool)
        else:
            result[name] = np.array(values, dtype=object)
    result["pin_tier"] = np.array([r.get("pin_tier", "") for r in rows], dtype=object)
    result["pin_expiry"] = np.array([r.get("pin_expiry") for r in rows], dtype=object)
    return result


def _columns(revenues, profiles=None):
    partners = np.arange(1, len(revenues) + 1, dtype=np.int64)
    empty_i, empty_f = np.zeros(0, dtype=np.int64), np.zeros(0)
    return engine.Columns(
        order_partner=partners,
        order_count=np.ones(len(partners), dtype=np.int64),
        last_order=np.array([DAY] * len(partners), dtype=object),
        revenue=np.array(revenues, dtype=float),
        margin=np.full(len(partners), np.nan),
        refund_partner=empty_i,
        refund_amount=empty_f,
        payment_partner=empty_i,
        payment_count=empty_i,
        payment_late=empty_f,
        payment_days=empty_f,
        payment_overdue=empty_i,
        profiles=profiles or _profiles(),
    )


def _settings(**values):
    return engine.Settings(
        **{
            "as_of": DAY,
            "rfm_method": "quintile",
            "thresholds": {},
            "tier_basis": "revenue",
            "strategic_cut": 0.8,
            "key_cut": 0.95,
            "hysteresis": 2,
            "segment_ids": (),
            "segment_rules": (),
            "watched_segments": frozenset(),
            "alert_segments": frozenset(),
            "baseline": True,
            **values,
        }
    )


def test_first_run_inserts_every_customer_with_its_tier():
    result = engine.compute(_columns([900, 60, 30, 10]), _settings())
    assert result.partners.tolist() == [1, 2, 3, 4]
    assert result.values["tier"].tolist() == [
        "strategic",
        "key",
        "ordinary",
        "ordinary",
    ]
    assert result.rows_insert.tolist() == [0, 1, 2, 3]
    assert not len(result.rows_update)
    assert not result.changed.any()  # a baseline records no change
    assert result.notes == {"baseline": 4}


def test_an_active_pin_wins_until_its_expiry_day():
    stored = [
        {
            "partner": p,
            "id": 10 + p,
            "tier": "ordinary",
            "run_date": DAY,
            "pin_tier": "",
        }
        for p in (1, 2, 3, 4)
    ]
    stored[3].update(pin_tier="strategic", pin_expiry=DAY)
    stored[2].update(pin_tier="strategic", pin_expiry=DAY - datetime.timedelta(1))
    result = engine.compute(
        _columns([900, 60, 30, 10], _profiles(stored)), _settings(baseline=False)
    )
    assert result.values["tier"][3] == "strategic"  # pinned, expires today
    assert result.values["tier"][2] == "ordinary"  # the pin expired yesterday
    assert result.profile_id.tolist() == [11, 12, 13, 14]
    assert not len(result.rows_insert)


def test_vocabulary_tier_numbers_and_pin_rule():
    assert vocabulary.tier_numbers(["key", None, "", "strategic"]).tolist() == [
        1,
        -1,
        -1,
        0,
    ]
    assert vocabulary.tier_codes([2, -1]).tolist() == ["ordinary", None]
    assert vocabulary.pin_is_active("key", None, DAY)
    assert not vocabulary.pin_is_active("", None, DAY)
    assert not vocabulary.pin_is_active("key", DAY - datetime.timedelta(1), DAY)


def test_copy_column_null_rules():
    values, labels = sqlarrays.copy_column(np.array([1, 0, 3]), "m2o")
    assert values.tolist() == [1, sqlarrays.COPY_NULL, 3] and labels is None
    values, _labels = sqlarrays.copy_column(np.array([1.5, np.nan]), "numeric")
    assert values[0] == 1.5 and np.isnan(values[1])
    values, _labels = sqlarrays.copy_column(np.array([2.0, np.nan, 0.4]), "int4")
    assert values.tolist() == [2, sqlarrays.COPY_NULL, 0]
    values, labels = sqlarrays.copy_column(
        np.array(["b,c", None, "", "a", "b,c"], dtype=object), "varchar"
    )
    assert labels == ["a", "b,c"]
    assert values.tolist() == [2, sqlarrays.COPY_NULL, sqlarrays.COPY_NULL, 1, 2]
    values, _labels = sqlarrays.copy_column(
        np.array([DAY, None, datetime.date(1969, 12, 31)], dtype=object), "date"
    )
    assert values.tolist() == [
        (DAY - datetime.date(1970, 1, 1)).days,
        sqlarrays.COPY_NULL,
        -1,
    ]
    values, _labels = sqlarrays.copy_column(
        np.array([True, None, False], dtype=object), "bool"
    )
    assert values.tolist() == [1, sqlarrays.COPY_NULL, 0]
    assert sqlarrays.copy_column(np.array([True, False]), "bool")[0].tolist() == [1, 0]
    assert sqlarrays.same(
        np.array([np.nan, 1.0]), np.array([np.nan, 1.0]), "float8"
    ).all()


def test_trait_codes_number_repeats():
    centers = [[1.0, 0.0], [0.1, -0.2], [0.0, 0.0], [1.0, 0.2]]
    assert clusters.trait_codes(centers, ["frequency", "monetary"]) == [
        "frequency+",
        "average",
        "average#2",
        "frequency+#2",
    ]


def test_rows_to_columns_fills_nulls_by_column():
    from decimal import Decimal

    spec = (("partner", np.int64, 0), ("amount", float, np.nan), ("day", object, None))
    got = sqlarrays.rows_to_columns([(7, Decimal("1.5"), "d"), (8, None, None)], spec)
    assert got["partner"].dtype == np.int64 and got["partner"].tolist() == [7, 8]
    assert got["amount"][0] == 1.5 and np.isnan(got["amount"][1])
    assert got["day"].tolist() == ["d", None]
    empty = sqlarrays.rows_to_columns([], spec)
    assert [len(column) for column in empty.values()] == [0, 0, 0]
    assert empty["partner"].dtype == np.int64


def _stored(result, day):
    """The profiles ``result`` wrote, as the next run reads them."""
    rows = []
    for i, partner in enumerate(result.partners.tolist()):
        row = {"partner": partner, "id": 10 + partner, "pin_tier": ""}
        for name in engine.PROFILE_COLUMNS:
            value = result.values[name][i]
            row[name] = None if isinstance(value, float) and np.isnan(value) else value
        row["run_date"] = day
        rows.append(row)
    return _profiles(rows)


def test_the_next_day_rewrites_only_what_moved():
    revenues = [9000.0, 600.0, 300.0, 100.0, 50.0]
    first = engine.compute(_columns(revenues), _settings())
    next_day = DAY + datetime.timedelta(days=1)
    # A day later, only the first customer ordered again (a little): the others'
    # shares move by less than the tolerance, the days since their orders grow
    # (not stored) and the run's own bookkeeping is no reason to write them.
    columns = _columns([9050.0, *revenues[1:]], _stored(first, DAY))
    tolerant = engine.compute(
        columns, _settings(as_of=next_day, baseline=False, tolerance=0.01)
    )
    assert tolerant.rows_update.tolist() == [0]
    exact = engine.compute(columns, _settings(as_of=next_day, baseline=False))
    assert exact.rows_update.tolist() == [0, 1, 2, 3, 4]  # shares all moved
    assert "recency_days" not in engine.PROFILE_COLUMNS


def test_close_is_a_relative_tolerance_with_an_absolute_floor():
    new = np.array([100.0, 100.0, 0.5, np.nan, np.nan, 3.0])
    old = np.array([100.9, 101.1, 0.509, np.nan, 1.0, 3.0])
    assert sqlarrays.close(new, old, 0.01).tolist() == [
        True,
        False,
        True,
        True,
        False,
        True,
    ]
    assert sqlarrays.close(new, old, 0.0).tolist() == [
        False,
        False,
        False,
        True,
        False,
        True,
    ]


def test_days_to_pay_of_an_overdue_invoice_grow_on_read_not_in_the_store():
    """Paid 10 days late, and one invoice due on 1 March unpaid: 10 + 31 days as of
    1 April; the stored figures stay the same on later days and read 10 + 36 on
    6 April."""
    april_1, april_6 = datetime.date(2026, 4, 1), datetime.date(2026, 4, 6)
    partners = np.array([7], dtype=np.int64)
    stored = {}
    for day, late_days in ((april_1, 10 + 31), (april_6, 10 + 36)):
        values = engine._payment_values(
            partners,
            types.SimpleNamespace(
                payment_partner=partners,
                payment_count=np.array([2]),
                payment_late=np.array([2.0]),
                payment_days=np.array([float(late_days)]),
                payment_overdue=np.array([1]),
            ),
            day,
        )
        stored[day] = (values["payment_day_sum"][0], values["overdue_count"][0])
        assert engine.payment_days(
            values["payment_day_sum"], values["overdue_count"], [2], day
        )[0] == pytest.approx(late_days / 2)
    assert stored[april_1] == stored[april_6]
    assert engine.payment_days(*stored[april_1], 2, april_6) == pytest.approx(23.0)
    assert np.isnan(engine.payment_days(np.nan, 0, 0, april_6))


def test_predictions_join_the_figures_and_rewrite_only_what_moved():
    """A stored prediction within 1 % of the new one is kept, one beyond it or a new
    cluster rewrites its profile; outside the predicted rows the stored ones stay."""
    stored = _profiles(
        [
            {
                "partner": p,
                "id": 10 + p,
                "run_date": DAY,
                "pin_tier": "",
                "probability_alive": alive,
                "cluster_index": 1,
                "cluster_code": "a",
            }
            for p, alive in ((1, 50.2), (2, 25.0), (3, 30.3), (4, 40.0))
        ]
    )
    result = engine.compute(_columns([900, 60, 30, 10], stored), _settings())
    # (every figure differs from the bare stored rows: set the updates aside)
    result = dataclasses.replace(result, rows_update=np.zeros(0, dtype=np.int64))
    predicted = {
        name: np.full(4, np.nan if kind == "float8" else None, dtype=object)
        for name, kind in engine.PREDICTION_COLUMNS.items()
    }
    predicted["probability_alive"] = np.array([50.0, 20.0, 30.3, 40.0])
    predicted["cluster_index"] = np.array([1, 1, 1, 2], dtype=object)
    predicted["cluster_code"] = np.array(["a", "a", "a", "b"], dtype=object)
    for name in ("expected_purchases", "expected_order_value", "lifetime_value"):
        predicted[name] = stored[name]
    every = engine.with_predictions(result, stored, predicted, None, 0.01)
    assert every.rows_update.tolist() == [1, 3]  # 25 -> 20, cluster 1 -> 2
    assert every.values["probability_alive"].tolist() == [50.0, 20.0, 30.3, 40.0]
    some = engine.with_predictions(
        result, stored, predicted, np.array([True, False, True, False]), 0.01
    )
    assert some.rows_update.tolist() == []
    assert some.values["probability_alive"].tolist() == [50.0, 25.0, 30.3, 40.0]
    assert some.values["cluster_code"].tolist() == ["a", "a", "a", "a"]


def test_cluster_inputs_are_the_computed_figures_of_the_buying_customers():
    columns = _columns([900, 60])
    columns = dataclasses.replace(
        columns,
        last_order=np.array([DAY - datetime.timedelta(10), DAY], dtype=object),
        margin=np.array([90.0, np.nan]),
        payment_partner=np.array([2]),
        payment_count=np.array([2]),
        payment_late=np.array([1.0]),
        payment_days=np.array([6.0]),
        payment_overdue=np.array([1]),
    )
    result = engine.compute(columns, _settings())
    rows, _segments, features = engine.cluster_inputs(result, DAY)
    assert rows.tolist() == [0, 1]
    np.testing.assert_allclose(features[0][:4], [10, 1, 900, 0.1])
    assert np.isnan(features[0][4])  # no invoice
    np.testing.assert_allclose(features[1], [0, 1, 60, np.nan, 3.0])
    # three days later the open invoice is three days later
    later = engine.cluster_inputs(result, DAY + datetime.timedelta(3))[2]
    assert later[1][4] == 3.0 + 3 / 2
