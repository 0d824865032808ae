"""Tests of customer_segmentation/lib/crosssell.py (pure numpy, no Odoo)."""

from collections import defaultdict
from fractions import Fraction
from itertools import permutations

import numpy as np
import pytest
from conftest import load_lib_module

crosssell = load_lib_module("customer_segmentation", "crosssell")

A, B, C, D, X, Y, Z = 10, 20, 30, 40, 50, 60, 70

# group "g1": c1 {A, B, C}, c2 {A, B}, c3 {A, C}, c4 {B}, c5 {D}
# group "g2": c6 {X, Y}, c7 {X}, c8 {Y}, c9 {Z}  -> (X, Y) has lift exactly 1
BASKETS = {
    1: ("g1", [A, B, C, A]),  # A twice: duplicates are removed
    2: ("g1", [A, B]),
    3: ("g1", [A, C]),
    4: ("g1", [B]),
    5: ("g1", [D]),
    6: ("g2", [X, Y]),
    7: ("g2", [X]),
    8: ("g2", [Y]),
    9: ("g2", [Z]),
}


def as_pairs(baskets):
    customer, product, group = [], [], []
    for cust, (grp, products) in baskets.items():
        for prod in products:
            customer.append(cust)
            product.append(prod)
            group.append(grp)
    return np.array(customer), np.array(product), np.array(group)


def rule_table(rules):
    return {
        (g, int(a), int(b)): (int(na), int(nab), s, c, lift)
        for g, a, b, na, nab, s, c, lift in zip(
            rules["group"],
            rules["a"],
            rules["b"],
            rules["n_a"],
            rules["n_ab"],
            rules["support"],
            rules["confidence"],
            rules["lift"],
            strict=False,
        )
    }


# --- top_products ------------------------------------------------------------


def test_top_products_counts_customers_not_lines():
    customer, product, _ = as_pairs(BASKETS)
    # A: 3 customers (4 lines), B: 3, C: 2, X: 2, Y: 2, D: 1, Z: 1; ties -> smaller id
    assert crosssell.top_products(customer, product, 3).tolist() == [A, B, C]
    assert crosssell.top_products(customer, product, 5).tolist() == [A, B, C, X, Y]
    assert crosssell.top_products(customer, product, 0).tolist() == []


# --- pair_stats --------------------------------------------------------------


def test_pair_stats_hand_example():
    customer, product, group = as_pairs(BASKETS)
    rules = crosssell.pair_stats(customer, product, group, min_customers=2)
    table = rule_table(rules)
    # g1: n = 5, n_A = 3, n_B = 3, n_C = 2; n_AB = 2, n_AC = 2, n_BC = 1
    assert set(table) == {("g1", A, B), ("g1", B, A), ("g1", A, C), ("g1", C, A)}
    n_a, n_ab, support, confidence, lift = table[("g1", A, B)]
    assert (n_a, n_ab) == (3, 2)
    assert support == pytest.approx(2 / 5)
    assert confidence == pytest.approx(2 / 3)
    assert lift == pytest.approx((2 / 3) / (3 / 5))  # 10/9
    assert table[("g1", A, C)][2:] == pytest.approx((2 / 5, 2 / 3, (2 / 3) / (2 / 5)))
    assert table[("g1", C, A)][2:] == pytest.approx((2 / 5, 1.0, 1.0 / (3 / 5)))
    # sorted by group, a, then confidence / lift descending
    order = list(zip(rules["a"].tolist(), rules["b"].tolist(), strict=False))
    assert order == [(A, C), (A, B), (B, A), (C, A)]
    assert set(rules["n_group"].tolist()) == {5}
    assert set(rules) == set(crosssell.RULE_KEYS)


def test_pair_stats_filters_min_customers_and_lift():
    customer, product, group = as_pairs(BASKETS)
    rules = crosssell.pair_stats(customer, product, group, min_customers=1)
    table = rule_table(rules)
    # (B, C): n_BC = 1, lift = (1/3) / (2/5) = 5/6 < 1 -> dropped even at min 1
    assert ("g1", B, C) not in table and ("g1", C, B) not in table
    # g2 (X, Y): lift (1/2) / (2/4) = 1 exactly -> dropped (lift must be > 1)
    assert not any(key[0] == "g2" for key in table)
    assert len(table) == 4
    # min_customers = 3: nothing has 3 common buyers
    assert (
        crosssell.pair_stats(customer, product, group, min_customers=3)["a"].size == 0
    )


def test_pair_stats_without_groups_pools_everyone():
    customer, product, _ = as_pairs(BASKETS)
    rules = crosssell.pair_stats(customer, product, min_customers=2)
    table = rule_table(rules)
    # one group of 9 customers: (A, B) lift = (2/3) / (3/9) = 2
    assert table[(0, A, B)][4] == pytest.approx(2.0)
    assert set(rules["n_group"].tolist()) == {9}


def test_pair_stats_max_products_caps_each_group():
    customer, product, group = as_pairs(BASKETS)
    rules = crosssell.pair_stats(
        customer, product, group, min_customers=2, max_products=2
    )
    # g1 keeps A and B (3 buyers each): only (A, B) and (B, A) remain, same stats
    table = rule_table(rules)
    assert set(table) == {("g1", A, B), ("g1", B, A)}
    assert table[("g1", A, B)][4] == pytest.approx(10 / 9)


def brute_pair_stats(customer, product, group, min_customers):
    baskets = defaultdict(set)
    for c, p, g in zip(
        customer.tolist(), product.tolist(), group.tolist(), strict=False
    ):
        baskets[(g, c)].add(p)
    out = {}
    for g in set(group.tolist()):
        members = [s for (gg, _), s in baskets.items() if gg == g]
        n = len(members)
        items = set().union(*members)
        for a, b in permutations(sorted(items), 2):
            n_a = sum(a in s for s in members)
            n_b = sum(b in s for s in members)
            n_ab = sum(a in s and b in s for s in members)
            lift = Fraction(n_ab * n, n_a * n_b)
            if n_ab >= min_customers and lift > 1:
                out[(g, a, b)] = (n_a, n_ab, n_ab / n, n_ab / n_a, float(lift))
    return out


def test_pair_stats_matches_brute_force_on_random_data():
    rng = np.random.default_rng(0)
    n = 3000
    customer = rng.integers(0, 400, n)
    segment_of = rng.integers(0, 3, 400)
    # products with skewed popularity and a planted association 1 -> 2
    product = np.minimum(rng.geometric(0.15, n), 25)
    planted = customer[product == 1]
    customer = np.concatenate([customer, planted[: len(planted) // 2]])
    product = np.concatenate([product, np.full(len(planted) // 2, 2)])
    group = segment_of[customer]
    rules = crosssell.pair_stats(customer, product, group, min_customers=3)
    got = rule_table(rules)
    expected = brute_pair_stats(customer, product, group, 3)
    assert set(got) == set(expected)
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, rel=1e-12)


# --- recommend ---------------------------------------------------------------


def test_recommend_reason_and_exclusions():
    customer, product, group = as_pairs(BASKETS)
    rules = crosssell.pair_stats(customer, product, group, min_customers=2)
    baskets = [
        np.array([A]),
        np.array([A, B]),
        np.array([C]),
        np.array([A, B, C]),
        np.array([X]),
        np.array([A]),
    ]
    seg = np.array(["g1", "g1", "g1", "g1", "g2", "g2"])
    recs = crosssell.recommend(baskets, rules, top_n=3, customer_group=seg)
    rows = list(
        zip(
            recs["customer"].tolist(),
            recs["rank"].tolist(),
            recs["product"].tolist(),
            recs["because"].tolist(),
            strict=False,
        )
    )
    assert rows == [
        (0, 1, C, A),
        (0, 2, B, A),  # bought A: C (conf 2/3, lift 5/3) before B (2/3, 10/9)
        (1, 1, C, A),  # bought A and B: B excluded, C explained by A
        (2, 1, A, C),  # bought C: A (conf 1)
        # customer 3 bought everything; 4 and 5 are in g2, which has no rules
    ]
    conf = dict(
        zip(
            zip(recs["customer"].tolist(), recs["product"].tolist(), strict=False),
            recs["confidence"],
            strict=False,
        )
    )
    lift = dict(
        zip(
            zip(recs["customer"].tolist(), recs["product"].tolist(), strict=False),
            recs["lift"],
            strict=False,
        )
    )
    assert conf[(0, C)] == pytest.approx(2 / 3) and lift[(0, C)] == pytest.approx(5 / 3)
    assert conf[(2, A)] == pytest.approx(1.0) and lift[(2, A)] == pytest.approx(5 / 3)
    assert recs["n_ab"].tolist() == [2, 2, 2, 2]
    assert set(recs["group"].tolist()) == {"g1"}
    # never recommends something already bought
    for c, p in zip(recs["customer"].tolist(), recs["product"].tolist(), strict=False):
        assert p not in baskets[c].tolist()
    # top_n = 1
    one = crosssell.recommend(baskets, rules, top_n=1, customer_group=seg)
    assert one["product"].tolist() == [C, C, A]
    # without customer groups every rule applies: customer 5 (in g2) now gets C and B
    pooled = crosssell.recommend(baskets, rules, top_n=3)
    assert list(
        zip(pooled["customer"].tolist(), pooled["product"].tolist(), strict=False)
    ) == [
        (0, C),
        (0, B),
        (1, C),
        (2, A),
        (5, C),
        (5, B),
    ]


def test_recommend_empty_inputs():
    customer, product, group = as_pairs(BASKETS)
    rules = crosssell.pair_stats(customer, product, group, min_customers=2)
    assert crosssell.recommend([], rules, 3)["customer"].size == 0
    assert (
        crosssell.recommend([np.array([], dtype=int)], rules, 3)["customer"].size == 0
    )
    no_rules = crosssell.pair_stats(customer, product, group, min_customers=99)
    assert crosssell.recommend([np.array([A])], no_rules, 3)["customer"].size == 0


def brute_recommend(baskets, seg, rules, top_n):
    by_group_a = defaultdict(list)
    for g, a, b, c, lift in zip(
        rules["group"].tolist(),
        rules["a"].tolist(),
        rules["b"].tolist(),
        rules["confidence"].tolist(),
        rules["lift"].tolist(),
        strict=False,
    ):
        by_group_a[(g, a)].append((b, c, lift))
    out = []
    for i, basket in enumerate(baskets):
        owned = set(basket.tolist())
        best = {}
        for a in sorted(owned):
            for b, c, lift in by_group_a.get((seg[i], a), []):
                if b in owned:
                    continue
                key = (-c, -lift, a)
                if b not in best or key < best[b][0]:
                    best[b] = (key, a, c, lift)
        ranked = sorted(
            best.items(), key=lambda item: (item[1][0][0], item[1][0][1], item[0])
        )
        for rank, (b, (_, a, c, lift)) in enumerate(ranked[:top_n], start=1):
            out.append((i, rank, b, a, c, lift))
    return out


@pytest.mark.parametrize("block_rows", [None, 500])
def test_recommend_matches_brute_force_on_random_data(block_rows, monkeypatch):
    if block_rows:  # many small blocks of customers: same answer
        monkeypatch.setattr(crosssell, "_BLOCK_ROWS", block_rows)
    rng = np.random.default_rng(5)
    n = 6000
    customer = rng.integers(0, 800, n)
    segment_of = rng.integers(0, 2, 800)
    product = np.minimum(rng.geometric(0.12, n), 30)
    group = segment_of[customer]
    rules = crosssell.pair_stats(customer, product, group, min_customers=2)
    assert rules["a"].size > 50
    baskets = [np.unique(product[customer == c]) for c in range(800)]
    for top_n in (1, 3):
        recs = crosssell.recommend(
            baskets, rules, top_n=top_n, customer_group=segment_of
        )
        got = list(
            zip(
                recs["customer"].tolist(),
                recs["rank"].tolist(),
                recs["product"].tolist(),
                recs["because"].tolist(),
                recs["confidence"].tolist(),
                recs["lift"].tolist(),
                strict=False,
            )
        )
        assert got == brute_recommend(baskets, segment_of.tolist(), rules, top_n)


def test_best_pairs_keeps_the_first_rules_of_each_product_and_group():
    rules = {
        "group": np.array([1, 1, 1, 1, 2, 2]),
        "a": np.array([A, A, A, B, A, A]),
        "b": np.array([B, C, D, A, X, Y]),
        "confidence": np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4]),
    }
    kept = crosssell.best_pairs(rules, 2)
    assert kept["group"].tolist() == [1, 1, 1, 2, 2]
    assert kept["b"].tolist() == [B, C, A, X, Y]
    assert kept["confidence"].tolist() == [0.9, 0.8, 0.6, 0.5, 0.4]
    assert crosssell.best_pairs({k: v[:0] for k, v in rules.items()}, 2)["a"].size == 0


def test_distinct_is_numpy_unique_by_a_sort():
    arrays = load_lib_module("customer_segmentation", "arrays")
    rng = np.random.default_rng(3)
    for values in (
        np.zeros(0, dtype=np.int64),
        np.array([5]),
        rng.integers(-50, 50, 1000),
        (rng.integers(0, 2000, 5000).astype(np.int64) << 32) | rng.integers(0, 9, 5000),
    ):
        got = arrays.distinct(values)
        np.testing.assert_array_equal(got, np.unique(values))
        assert got.dtype == np.asarray(values).dtype
