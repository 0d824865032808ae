"""PostgreSQL array literals: one text parameter per column, parsed once by the server.

Passing a Python list makes psycopg2 spell out ARRAY[v1, v2, ...], which PostgreSQL must
parse element by element; for bulk writes of 10^5 rows the text form is several times
faster.
"""

import re

import numpy as np


def rows_to_columns(rows, spec):
    """Fetched ``rows`` as numpy columns. ``spec`` gives, per column in order, its
    name, dtype and the value that stands for NULL."""
    values = zip(*rows, strict=True) if rows else ((),) * len(spec)
    return {
        name: np.array([null if v is None else v for v in column], dtype=dtype)
        for (name, dtype, null), column in zip(spec, values, strict=True)
    }


def int_text(text):
    """The integers of a comma-separated ``text`` (a ``string_agg`` of a query) as an
    int64 array, parsed in C; None (no rows) is an empty array. Fetching 10^5 rows as
    Python tuples costs several times the query itself."""
    if not text:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",")


def float_text(text):
    """The numbers of a comma-separated ``text`` as a float array (see int_text)."""
    if not text:
        return np.zeros(0)
    return np.fromstring(text, dtype=float, sep=",")


def array_literal(values):
    """'{"a","b",NULL}' for ``values``; None becomes NULL, everything else is quoted."""
    return (
        "{"
        + ",".join(
            "NULL"
            if value is None
            else '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
            for value in values
        )
        + "}"
    )


def plain_array_literal(values, nulls=()):
    """'{1,2.5,NULL}' for values whose text needs no quoting: numbers, booleans, ISO
    dates.

    ``nulls`` lists the positions that become NULL. Without per-element quoting this is
    several times faster than ``array_literal`` on columns of 10^5 values.
    """
    texts = list(map(str, values))
    for position in nulls:
        texts[position] = "NULL"
    return "{" + ",".join(texts) + "}"


# --- columns of a bulk write ---------------------------------------------------------
# A column's kind is its SQL type ("int4", "numeric", "float8", "bool", "date",
# "varchar") or "m2o" (an int4 id). The NULL rules, for every write: NaN, None and ''
# are NULL, and so is a 0 id.

# Text that needs no quoting in an array literal (unless it spells NULL): codes.
_PLAIN_TEXT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def sql_type(kind):
    """The SQL array type of a column of ``kind``: 'int4[]' for an id."""
    return {"m2o": "int4"}.get(kind, kind) + "[]"


def typed_array(array, kind):
    """(literal, SQL array type) of ``array`` as a column of ``kind``, NULL rules
    applied: a query spells it ``%s::<type>``."""
    array = np.asarray(array)
    if array.dtype.kind == "O":
        nulls = np.array(
            [
                v is None or v == "" or (isinstance(v, float) and np.isnan(v))
                for v in array.tolist()
            ],
            dtype=bool,
        )
    elif array.dtype.kind == "f":
        nulls = np.isnan(array)
    else:
        nulls = np.zeros(len(array), dtype=bool)
    if kind == "m2o":
        nulls |= array == 0
    if kind in ("int4", "m2o") and array.dtype.kind == "f":
        array = np.where(nulls, 0, np.round(array)).astype(np.int64)
    values = array.tolist()
    if kind == "varchar" and not all(
        _PLAIN_TEXT.fullmatch(v) and v.upper() != "NULL"
        for v in set(array[~nulls].tolist())
    ):
        literal = array_literal(
            [
                None if null else v
                for v, null in zip(values, nulls.tolist(), strict=True)
            ]
        )
    else:
        literal = plain_array_literal(values, np.flatnonzero(nulls).tolist())
    return literal, sql_type(kind)


def same(new, old, kind):
    """Element-wise: is the new value the stored one? (NULL, NaN and a 0 id are all
    empty, as typed_array writes them.)"""
    if kind in ("numeric", "float8"):
        new, old = np.asarray(new, dtype=float), np.asarray(old, dtype=float)
        return (np.isnan(new) & np.isnan(old)) | (
            np.abs(np.nan_to_num(new) - np.nan_to_num(old)) < 1e-6
        ) & (np.isnan(new) == np.isnan(old))
    if kind in ("int4", "m2o", "bool"):
        return np.nan_to_num(np.asarray(new, dtype=float)) == np.asarray(
            old, dtype=float
        )
    return np.array(
        [
            (a or None) == (b or None)
            for a, b in zip(new.tolist(), old.tolist(), strict=True)
        ],
        dtype=bool,
    )


def close(new, old, tolerance):
    """Element-wise: is the new number within ``tolerance`` of its value (at least
    ``tolerance`` itself) from the stored one? Empty only matches empty; a 0
    tolerance is ``same``."""
    new, old = np.asarray(new, dtype=float), np.asarray(old, dtype=float)
    if not tolerance:
        return same(new, old, "float8")
    gap = np.abs(np.nan_to_num(new) - np.nan_to_num(old))
    return (np.isnan(new) == np.isnan(old)) & (
        gap <= tolerance * np.maximum(np.abs(np.nan_to_num(new)), 1.0)
    )


def scatter(n, positions, values, fill=0.0, dtype=float):
    """``n`` times ``fill``, with ``values`` at ``positions``."""
    result = np.full(n, fill, dtype=dtype)
    result[positions] = values
    return result
