"""Array literals of both addons' lib/sqlarrays.py, read back by a decoder written from
PostgreSQL's array input syntax (no database: https://www.postgresql.org/docs/current/arrays.html#ARRAYS-IO)."""

import datetime

import numpy as np
import pytest
from conftest import ADDONS, load_lib_module


def _read_quoted(body, i, text):
    """The quoted element starting after the quote at ``body[i - 1]``: (its end, its
    text)."""
    chars = []
    while True:
        if i >= len(body):
            raise ValueError(f"unterminated quoted element: {text!r}")
        if body[i] == "\\":
            if i + 1 >= len(body):
                raise ValueError(f"dangling backslash: {text!r}")
            chars.append(body[i + 1])
            i += 2
        elif body[i] == '"':
            return i + 1, "".join(chars)
        else:
            chars.append(body[i])
            i += 1


def _read_unquoted(body, i, text):
    """The unquoted element starting at ``body[i]``: (its end, its text or None for
    NULL)."""
    start = i
    while i < len(body) and body[i] != ",":
        if body[i] in '{}"\\':
            raise ValueError(f"{body[i]!r} in an unquoted element: {text!r}")
        i += 1
    word = body[start:i].strip()
    if not word:
        raise ValueError(f"empty element: {text!r}")
    return i, None if word.upper() == "NULL" else word


def parse_array(text):
    """The elements of a one-dimensional array literal as PostgreSQL reads it: a string
    per element, None for an unquoted NULL. Raises ValueError where PostgreSQL reports a
    malformed array literal."""
    if len(text) < 2 or text[0] != "{" or text[-1] != "}":
        raise ValueError(f"not an array literal: {text!r}")
    body, i, elements = text[1:-1], 0, []
    if not body.strip():
        return elements
    while True:
        while i < len(body) and body[i].isspace():
            i += 1
        if i < len(body) and body[i] == '"':
            i, element = _read_quoted(body, i + 1, text)
        else:
            i, element = _read_unquoted(body, i, text)
        elements.append(element)
        while i < len(body) and body[i].isspace():
            i += 1
        if i == len(body):
            return elements
        if body[i] != ",":
            raise ValueError(f"expected a comma at {i}: {text!r}")
        i += 1


@pytest.mark.parametrize(
    "text", ['{"a}', '{a"b}', "{a,,b}", '{"a"b}', "{a\\", "{a,{b}}", "a,b"]
)
def test_decoder_refuses_what_postgres_refuses(text):
    with pytest.raises(ValueError):
        parse_array(text)


@pytest.mark.parametrize("addon", ADDONS)
def test_array_literal_quotes_escapes_and_reads_back(addon):
    sqlarrays = load_lib_module(addon, "sqlarrays")
    assert sqlarrays.array_literal([]) == "{}"
    assert sqlarrays.array_literal([1, None, 2.5, True]) == '{"1",NULL,"2.5","True"}'
    assert (
        sqlarrays.array_literal(['say "hi"', "back\\slash", "a,b"])
        == '{"say \\"hi\\"","back\\\\slash","a,b"}'
    )
    values = [
        1,
        None,
        2.5,
        True,
        'say "hi"',
        "back\\slash",
        "a,b",
        "{x}",
        "NULL",
        "",
        " padded ",
        "tab\tand\nnewline",
        '\\"',
        "é€",
        datetime.date(2026, 2, 28),
    ]
    assert parse_array(sqlarrays.array_literal(values)) == [
        None if v is None else str(v) for v in values
    ]


def test_plain_array_literal_marks_nulls_without_quoting():
    sqlarrays = load_lib_module("customer_segmentation", "sqlarrays")
    assert sqlarrays.plain_array_literal([]) == "{}"
    assert sqlarrays.plain_array_literal([1, 0, 3], [1]) == "{1,NULL,3}"
    assert sqlarrays.plain_array_literal([2.5, float("nan"), True]) == "{2.5,nan,True}"
    assert sqlarrays.plain_array_literal([2.5, float("nan")], [1]) == "{2.5,NULL}"
    values = [7, -3, 0.1, 1e-20, float("nan"), False, datetime.date(2026, 1, 31), 12]
    nulls = [1, 7]
    expected = [None if i in nulls else str(v) for i, v in enumerate(values)]
    assert parse_array(sqlarrays.plain_array_literal(values, nulls)) == expected


def test_column_literal_reads_back_as_the_quoted_literal():
    np = pytest.importorskip("numpy")
    sqlarrays = load_lib_module("supplier_evaluation", "sqlarrays")
    floats = np.array([2.5, np.nan, 0.1, 1e-20, -3.0, 1 / 3])
    assert sqlarrays.column_literal(floats) == (
        "{2.5,NULL,0.1,1e-20,-3.0,0.3333333333333333}"
    )
    ints = np.array([7, -3, 0], dtype=np.int64)
    bools = np.array([True, False])
    texts = np.array(["a,b", None, ""], dtype=object)
    for array, read in ((floats, float), (ints, int), (bools, None), (texts, str)):
        quoted = parse_array(sqlarrays.array_literal(sqlarrays.sql_values(array)))
        plain = parse_array(sqlarrays.column_literal(array))
        if read is None:  # PostgreSQL's boolean input: "True" and "t" are both true
            quoted = [v[0].lower() for v in quoted]
        elif read is not str:
            quoted = [None if v is None else read(v) for v in quoted]
            plain = [None if v is None else read(v) for v in plain]
        assert plain == quoted


def test_int_text_parses_a_string_agg_of_int64_keys():
    sqlarrays = load_lib_module("customer_segmentation", "sqlarrays")
    assert sqlarrays.int_text(None).tolist() == []
    assert sqlarrays.int_text("").tolist() == []
    keys = [7 << 32 | 3, 1, -2, 2**62]
    parsed = sqlarrays.int_text(",".join(map(str, keys)))
    assert parsed.dtype.name == "int64"
    assert parsed.tolist() == keys


def test_float_text_parses_a_string_agg_of_numerics():
    sqlarrays = load_lib_module("customer_segmentation", "sqlarrays")
    assert sqlarrays.float_text(None).tolist() == []
    np.testing.assert_array_equal(
        sqlarrays.float_text("1234.5000,-0.25,0,1e-3"), [1234.5, -0.25, 0, 0.001]
    )


def read_binary_copy(data, types):
    """The rows of a binary COPY as PostgreSQL reads them (written from the format's
    description: https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4):
    a list of tuples, None for NULL; ``types`` gives per field "int8" or "float8"."""
    import struct

    signature = b"PGCOPY\n\xff\r\n\x00"
    if data[:11] != signature:
        raise ValueError("no binary COPY signature")
    flags, extension = struct.unpack(">iI", data[11:19])
    if flags:  # bit 16: OIDs included; the others are reserved
        raise ValueError(f"flags {flags:#x}")
    position, rows = 19 + extension, []
    while True:
        (count,) = struct.unpack(">h", data[position : position + 2])
        position += 2
        if count == -1:
            break
        if count != len(types):
            raise ValueError(f"{count} fields for {len(types)} columns")
        row = []
        for kind in types:
            (length,) = struct.unpack(">i", data[position : position + 4])
            position += 4
            if length == -1:
                row.append(None)
                continue
            if length != 8:
                raise ValueError(f"a {kind} of {length} bytes")
            (value,) = struct.unpack(
                ">q" if kind == "int8" else ">d", data[position : position + 8]
            )
            row.append(value)
            position += 8
        rows.append(tuple(row))
    if position != len(data):
        raise ValueError("bytes after the trailer")
    return rows


def test_binary_copy_reads_back_row_by_row():
    np = pytest.importorskip("numpy")
    sqlarrays = load_lib_module("customer_segmentation", "sqlarrays")
    ints = np.array([7, sqlarrays.COPY_NULL, -3, 2**40], dtype=np.int64)
    floats = np.array([2.5, np.nan, -0.0, 1e-300])
    data = sqlarrays.binary_copy([ints, floats, ints[::-1].copy()])
    rows = read_binary_copy(data, ["int8", "float8", "int8"])
    assert [row[0] for row in rows] == ints.tolist()
    assert [row[2] for row in rows] == ints[::-1].tolist()
    read = np.array([row[1] for row in rows])
    np.testing.assert_array_equal(read, floats)  # NaN included, bit for bit
    assert read_binary_copy(sqlarrays.binary_copy([ints[:0]]), ["int8"]) == []


def test_copied_rows_reads_what_binary_copy_writes_and_refuses_nulls():
    np = pytest.importorskip("numpy")
    sqlarrays = load_lib_module("customer_segmentation", "sqlarrays")
    ints = np.array([7, sqlarrays.COPY_NULL, -3, 2**40], dtype=np.int64)
    floats = np.array([2.5, np.nan, -0.0, 1e-300])
    data = sqlarrays.binary_copy([ints, floats])
    read_ints, read_floats = sqlarrays.copied_rows(data, [False, True])
    np.testing.assert_array_equal(read_ints, ints)
    np.testing.assert_array_equal(read_floats, floats)
    assert read_ints.dtype == np.int64 and read_floats.dtype == float
    empty = sqlarrays.copied_rows(sqlarrays.binary_copy([ints[:0]]), [False])
    assert len(empty[0]) == 0
    # A NULL field (length -1, no value) is not one of these rows.
    one = bytearray(sqlarrays.binary_copy([ints[:2]]))
    one[19 + 2 : 19 + 2 + 4 + 8] = b"\xff\xff\xff\xff"
    with pytest.raises(ValueError):
        sqlarrays.copied_rows(bytes(one[:-8]), [False])
    with pytest.raises(ValueError):
        sqlarrays.copied_rows(b"not a copy" + bytes(20), [False])


@pytest.mark.parametrize(
    ("kind", "values", "expected"),
    [
        (
            "numeric",
            [0.30000000000000004, None, -2.5],
            [0.30000000000000004, None, -2.5],
        ),
        ("int4", [3, None, -1], [3, 0, -1]),
        ("m2o", [12, 0, None], [12, 0, 0]),
        ("bool", [True, False, None], [True, False, False]),
        (
            "date",
            [datetime.date(2026, 2, 28), None, datetime.date(1969, 12, 31)],
            [datetime.date(2026, 2, 28), None, datetime.date(1969, 12, 31)],
        ),
        ("varchar", ["key", None, "a,b 'é'"], ["key", None, "a,b 'é'"]),
    ],
)
def test_decoded_column_is_copy_column_read_back(kind, values, expected):
    np = pytest.importorskip("numpy")
    sqlarrays = load_lib_module("customer_segmentation", "sqlarrays")
    array = np.array(
        [np.nan if v is None else v for v in values] if kind == "numeric" else values,
        dtype=float if kind == "numeric" else object,
    )
    sent, labels = sqlarrays.copy_column(array, kind)
    (read,) = sqlarrays.copied_rows(
        sqlarrays.binary_copy([sent]), [sent.dtype.kind == "f"]
    )
    got = sqlarrays.decoded_column(read, kind, labels).tolist()
    if kind == "numeric":
        got = [None if np.isnan(v) else v for v in got]
    assert got == expected
    if kind in ("int4", "m2o", "date", "varchar"):
        null = -9 if kind in ("int4", "m2o") else ""
        assert sqlarrays.decoded_column(read, kind, labels, null=null)[1] == null


def test_copy_column_encodes_each_kind_of_day_and_its_nulls_alike():
    np = pytest.importorskip("numpy")
    sqlarrays = load_lib_module("customer_segmentation", "sqlarrays")
    days = [datetime.date(2026, 2, 28), None, datetime.date(1969, 12, 31)]
    as_dates = sqlarrays.copy_column(np.array(days, dtype=object), "date")[0]
    as_datetime64 = sqlarrays.copy_column(
        np.array(["2026-02-28", "NaT", "1969-12-31"], dtype="datetime64[D]"), "date"
    )[0]
    as_texts = sqlarrays.copy_column(
        np.array(["2026-02-28", "", "1969-12-31"], dtype=object), "date"
    )[0]
    expected = [20512, sqlarrays.COPY_NULL, -1]
    assert as_dates.tolist() == as_datetime64.tolist() == as_texts.tolist() == expected
