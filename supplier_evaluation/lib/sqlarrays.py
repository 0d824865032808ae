"""PostgreSQL array literals: one text parameter per column, parsed once by the server.

Passing a Python list makes psycopg2 spell out ARRAY[v1, v2, ...], which PostgreSQL must
parse element by element; for bulk writes of 10^5 rows the text form is several times
faster.
"""


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


# The column type of each Odoo field type the engine writes, for the array casts.
SQL_TYPES = {
    "float": "float8",
    "monetary": "numeric",
    "integer": "int4",
    "boolean": "bool",
    "many2one": "int4",
    "selection": "varchar",
    "json": "jsonb",
    "date": "date",
}


def sql_values(array):
    """The values of a numpy column as the database stores them (the NULL rules, in
    one place): NaN, None and empty strings are NULL; numpy scalars become plain
    values."""
    kind = getattr(array, "dtype", None)
    kind = kind.kind if kind is not None else "O"
    values = array.tolist() if hasattr(array, "tolist") else list(array)
    if kind == "f":
        return [None if v != v else float(v) for v in values]
    if kind in "iu":
        return [int(v) for v in values]
    if kind == "b":
        return [bool(v) for v in values]
    return [None if v in ("", None) else v for v in values]


def column_literal(array):
    """array_literal(sql_values(array)), numbers and booleans unquoted: a float's
    repr is the shortest text that reads back as the same float (most of a bulk
    write's time goes into these texts)."""
    kind = getattr(array, "dtype", None)
    kind = kind.kind if kind is not None else "O"
    if kind == "f":
        text = ["NULL" if v != v else repr(v) for v in array.tolist()]
    elif kind in "iu":
        text = [str(v) for v in array.tolist()]
    elif kind == "b":
        text = ["t" if v else "f" for v in array.tolist()]
    else:
        return array_literal(sql_values(array))
    return "{" + ",".join(text) + "}"


def _identifier(name):
    return '"' + name.replace('"', '""') + '"'


def unnest(key, key_values, columns):
    """``unnest(%s::int[], %s::type[], ...) AS v(key, col, ...)`` and its parameters.

    ``columns`` maps a column name to (numpy array, SQL type); every array is sent
    as one text literal.
    """
    names = [key, *columns]
    casts = ["%s::int4[]"] + [f"%s::{sql_type}[]" for _a, sql_type in columns.values()]
    params = [column_literal(key_values)] + [
        column_literal(array) for array, _type in columns.values()
    ]
    fragment = "unnest({}) AS v({})".format(
        ", ".join(casts), ", ".join(map(_identifier, names))
    )
    return fragment, params


def update_rows(table, ids, columns, constants=()):
    """One UPDATE of ``table`` setting ``columns`` (name -> (array, SQL type)) on the
    rows ``ids``, in order, and ``constants`` ((column, value) pairs, the same on
    every row).

    Returns (query with %s placeholders, parameters).
    """
    fragment, params = unnest("id", ids, columns)
    assignments = [f"{_identifier(c)} = v.{_identifier(c)}" for c in columns]
    assignments += [f"{_identifier(c)} = %s" for c, _value in constants]
    query = "UPDATE {} t SET {} FROM {} WHERE t.id = v.id".format(
        _identifier(table), ", ".join(assignments), fragment
    )
    return query, [value for _c, value in constants] + params


def insert_rows(table, key, key_values, columns, constants=()):
    """One INSERT into ``table`` of a row per ``key_values`` (the ``key`` column),
    with ``columns`` (name -> (array, SQL type)) and ``constants`` ((column, value)
    pairs, the same on every row).

    Returns (query with %s placeholders, ending RETURNING id, parameters).
    """
    fragment, params = unnest(key, key_values, columns)
    targets = [key, *(c for c, _value in constants), *columns]
    sources = [
        f"v.{_identifier(key)}",
        *("%s" for _c in constants),
        *(f"v.{_identifier(c)}" for c in columns),
    ]
    query = "INSERT INTO {} ({}) SELECT {} FROM {} RETURNING id".format(
        _identifier(table),
        ", ".join(map(_identifier, targets)),
        ", ".join(sources),
        fragment,
    )
    return query, [value for _c, value in constants] + params
