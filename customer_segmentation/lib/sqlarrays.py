"""Columns of 10^5 values to and from PostgreSQL in one piece each.

Array literals: one text parameter per column, parsed once by the server. Passing a
Python list makes psycopg2 spell out ARRAY[v1, v2, ...], which PostgreSQL must parse
element by element. Bulk writes go as one binary COPY of all their columns.
"""

import datetime

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


def _is_null(value):
    return (
        value is None or value == "" or (isinstance(value, float) and np.isnan(value))
    )


def null_mask(array, kind):
    """Which values of ``array`` (a column of ``kind``) are NULL."""
    if array.dtype.kind == "O":
        nulls = np.array([_is_null(v) for v in array.tolist()], dtype=bool)
    elif array.dtype.kind == "f":
        nulls = np.isnan(array)
    else:
        nulls = np.zeros(len(array), dtype=bool)
    if kind == "m2o":
        nulls |= array == 0
    return nulls


# --- the same columns as a binary COPY ------------------------------------------------
# Every value is sent as 8 bytes (int8 or float8) and NULL as a value of its own, so
# that every row has the same size and numpy writes the whole COPY at once; the server
# turns the values back into the column's type (the decoding is the engine's SQL). A
# text literal per value costs more to write and to parse than the rows' insert.

COPY_NULL = -(2**63)  # NULL in an int8 column (numpy's NaT for a day)
COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()


def _day_number(value):
    """The days since 1970-01-01 of a date (or datetime, or ISO date text)."""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    elif isinstance(value, np.datetime64):
        return int(value.astype("datetime64[D]").astype(np.int64))
    return value.toordinal() - EPOCH_ORDINAL


def copy_column(array, kind):
    """(values, labels): ``array``, a column of ``kind``, as sent by binary_copy.

    Numbers (numeric, float8) are float64 with NaN for NULL. Everything else is int64
    with COPY_NULL for NULL: an id or integer as itself, a boolean as 0 or 1, a day as
    its number of days since 1970-01-01, a text as its 1-based position in
    ``labels`` (its distinct values, sorted; None for other kinds).
    """
    array = np.asarray(array)
    labels = None
    if kind in ("date", "varchar"):
        # Each distinct value is encoded once (a column of 10^5 customers holds a few
        # hundred days, a handful of texts), then looked up per row; NULL is any
        # value left out.
        items = array.tolist()
        distinct = [value for value in set(items) if not _is_null(value)]
        if kind == "date":
            encoded = {value: _day_number(value) for value in distinct}
        else:
            labels = sorted({str(value) for value in distinct})
            position = {label: k for k, label in enumerate(labels, 1)}
            encoded = {value: position[str(value)] for value in distinct}
        values = np.fromiter(
            (encoded.get(value, COPY_NULL) for value in items),
            dtype=np.int64,
            count=len(items),
        )
        return values, labels
    nulls = null_mask(array, kind)
    if kind in ("numeric", "float8"):
        return np.where(nulls, np.nan, array).astype(float), labels
    # int4, m2o, bool
    values = np.where(nulls, 0, array)
    if values.dtype.kind in "fO":
        values = np.round(values.astype(float))
    values = values.astype(np.int64)
    values[nulls] = COPY_NULL
    return values, labels


def _copy_row(count):
    """The numpy dtype of one row of a binary COPY of ``count`` 8-byte fields: the
    number of fields (int16), then per field its length (int32) and its value, read
    as an int8 (a float8's bits are reinterpreted where the column is one). The
    fields form one (count,) array, so that a whole table is written or read in one
    assignment rather than one per column."""
    field = np.dtype([("length", ">i4"), ("value", ">i8")])
    return np.dtype([("fields", ">i2"), ("field", field, (count,))])


COPY_HEADER = COPY_SIGNATURE + bytes(8)  # flags, then no header extension (int32s)
COPY_TRAILER = b"\xff\xff"  # -1 as int16


def binary_copy(columns):
    """PostgreSQL's binary COPY of the rows of ``columns`` (equal-length int64 or
    float64 arrays, copy_column's values), for ``COPY ... FROM STDIN WITH (FORMAT
    binary)`` into a table of int8 and float8 columns in that order. The rows are
    written in place in the buffer returned (a bytearray): a table of 10^5 customers
    weighs 100 MB, copied once."""
    count = len(columns[0]) if columns else 0
    row = _copy_row(len(columns))
    data = bytearray(len(COPY_HEADER) + count * row.itemsize + len(COPY_TRAILER))
    data[: len(COPY_HEADER)] = COPY_HEADER
    data[len(data) - len(COPY_TRAILER) :] = COPY_TRAILER
    rows = np.frombuffer(data, dtype=row, count=count, offset=len(COPY_HEADER))
    rows["fields"] = len(columns)
    rows["field"]["length"] = 8
    values = np.empty((count, len(columns)), dtype=np.int64)
    for k, column in enumerate(columns):
        values[:, k] = column.view(np.int64) if column.dtype.kind == "f" else column
    rows["field"]["value"] = values
    return data


def copied_rows(data, floats):
    """The columns of ``data``, a binary COPY out (``COPY ... TO STDOUT WITH (FORMAT
    binary)``) of rows whose every field is an int8 or a float8 (``floats``: per
    column, whether it is float8) and never NULL (NULL sent as copy_column does):
    int64 and float64 arrays, read at once."""
    data = memoryview(data)
    if bytes(data[:11]) != COPY_SIGNATURE:
        raise ValueError("not a binary COPY")
    # The signature, flags (int32), the length of a header extension (int32) and the
    # extension, the rows, then the trailer (int16).
    start = 19 + int.from_bytes(data[15:19], "big")
    row = _copy_row(len(floats))
    count, rest = divmod(len(data) - start - len(COPY_TRAILER), row.itemsize)
    if rest:
        raise ValueError("a binary COPY whose fields are not all 8 bytes")
    rows = np.frombuffer(data, dtype=row, count=count, offset=start)
    if (rows["fields"] != len(floats)).any() or (rows["field"]["length"] != 8).any():
        raise ValueError("a binary COPY whose fields are not all 8 bytes")
    values = rows["field"]["value"].astype(np.int64)
    return [
        np.ascontiguousarray(values[:, k]).view(float if is_float else np.int64)
        for k, is_float in enumerate(floats)
    ]


def decoded_column(values, kind, labels=None, null=None):
    """copy_column's inverse: ``values`` of a column of ``kind`` as read back from a
    binary COPY (NULL as NaN or COPY_NULL), in the column's Python form: numbers as
    floats (NaN for NULL), ids and integers as int64 (``null`` for NULL, 0 by
    default), booleans (NULL false), days as ``datetime.date`` objects and texts as
    their ``labels`` (1-based positions), both None for NULL (or ``null``)."""
    if kind in ("numeric", "float8"):
        return values.astype(float)
    nulls = values == COPY_NULL
    if kind in ("int4", "m2o"):
        return np.where(nulls, 0 if null is None else null, values)
    if kind == "bool":
        return ~nulls & (values != 0)
    result = np.full(len(values), null, dtype=object)
    if kind == "date":
        days = np.datetime64("1970-01-01") + values[~nulls].astype("timedelta64[D]")
        result[~nulls] = days.astype(object)
    else:
        result[~nulls] = np.asarray(list(labels), dtype=object)[values[~nulls] - 1]
    return result


def same(new, old, kind):
    """Element-wise: is the new value the stored one? (NULL, NaN and a 0 id are all
    empty, as copy_column writes them.)"""
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
