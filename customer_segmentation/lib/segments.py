"""RF segment grid: rules mapping (recency, frequency) score cells to segments."""

from collections.abc import Mapping

import numpy as np

DEFAULT_RF_GRID = [
    {
        "code": "champions",
        "name": "Champions",
        "r_min": 5,
        "r_max": 5,
        "f_min": 4,
        "f_max": 5,
    },
    {"code": "loyal", "name": "Loyal", "r_min": 3, "r_max": 4, "f_min": 4, "f_max": 5},
    {
        "code": "potential_loyalists",
        "name": "Potential Loyalists",
        "r_min": 4,
        "r_max": 5,
        "f_min": 2,
        "f_max": 3,
    },
    {
        "code": "new_customers",
        "name": "New Customers",
        "r_min": 5,
        "r_max": 5,
        "f_min": 1,
        "f_max": 1,
    },
    {
        "code": "promising",
        "name": "Promising",
        "r_min": 4,
        "r_max": 4,
        "f_min": 1,
        "f_max": 1,
    },
    {
        "code": "need_attention",
        "name": "Need Attention",
        "r_min": 3,
        "r_max": 3,
        "f_min": 3,
        "f_max": 3,
    },
    {
        "code": "about_to_sleep",
        "name": "About to Sleep",
        "r_min": 3,
        "r_max": 3,
        "f_min": 1,
        "f_max": 2,
    },
    {
        "code": "at_risk",
        "name": "At Risk",
        "r_min": 1,
        "r_max": 2,
        "f_min": 3,
        "f_max": 4,
    },
    {
        "code": "cant_lose",
        "name": "Can't Lose",
        "r_min": 1,
        "r_max": 2,
        "f_min": 5,
        "f_max": 5,
    },
    {
        "code": "hibernating",
        "name": "Hibernating",
        "r_min": 1,
        "r_max": 2,
        "f_min": 1,
        "f_max": 2,
    },
]

_BOUND_KEYS = ("r_min", "r_max", "f_min", "f_max")


def _checked_bounds(rule):
    """Return (r_min, r_max, f_min, f_max) as ints; accept a tuple or a grid dict."""
    raw = (
        [rule[key] for key in _BOUND_KEYS] if isinstance(rule, Mapping) else list(rule)
    )
    if len(raw) != 4:
        raise ValueError(
            f"a rule needs 4 bounds (r_min, r_max, f_min, f_max), got {rule!r}"
        )
    if any(int(value) != value for value in raw):
        raise ValueError(f"rule bounds must be whole numbers: {rule!r}")
    r_min, r_max, f_min, f_max = (int(value) for value in raw)
    if not (1 <= r_min <= r_max <= 5 and 1 <= f_min <= f_max <= 5):
        raise ValueError(f"rule bounds must satisfy 1 <= min <= max <= 5: {rule!r}")
    return r_min, r_max, f_min, f_max


def coverage_problems(rules):
    """Return (uncovered, duplicated): sorted (r, f) cells covered by no rule / by 2+
    rules."""
    hits = np.zeros((6, 6), dtype=int)
    for rule in rules:
        r_min, r_max, f_min, f_max = _checked_bounds(rule)
        hits[r_min : r_max + 1, f_min : f_max + 1] += 1
    cells = hits[1:, 1:]
    uncovered = [(int(r) + 1, int(f) + 1) for r, f in np.argwhere(cells == 0)]
    duplicated = [(int(r) + 1, int(f) + 1) for r, f in np.argwhere(cells >= 2)]
    return uncovered, duplicated


def assign_segments(r, f, rules):
    """Index of the first rule covering each (r, f) cell; -1 if none or a score is 0."""
    table = np.full((6, 6), -1, dtype=np.int64)
    for index, rule in reversed(list(enumerate(rules))):  # reversed: first match wins
        r_min, r_max, f_min, f_max = _checked_bounds(rule)
        table[r_min : r_max + 1, f_min : f_max + 1] = index
    r = np.asarray(r, dtype=np.int64)
    f = np.asarray(f, dtype=np.int64)
    scored = (r >= 1) & (r <= 5) & (f >= 1) & (f <= 5)
    return np.where(scored, table[np.where(scored, r, 0), np.where(scored, f, 0)], -1)
