"""The SQL of step two: loading what a batch touches and writing what it decided, in bulk
(COPY on PostgreSQL), inside the batch's transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, String, and_, any_, bindparam, insert, update
from sqlalchemy.dialects.postgresql import ARRAY

from jisr_server.schema import items, records


def among(conn: Connection, column: Any, values: list[str]) -> Any:
    """`column IN values`. On PostgreSQL as `= ANY(array)`: one parameter and one cached
    statement, where an IN of a 200-op batch's ids is rendered anew with 200 parameters."""
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(String)))
    return column.in_(values)


def write_records(
    conn: Connection, state: Mapping[str, dict[str, Any]], new: set[str], dirty: set[str]
) -> None:
    columns = [c.name for c in records.columns]
    if new:
        insert_many(conn, records, [pick(state[i], columns) for i in sorted(new)])
    changed = sorted(dirty - new)
    if changed:
        conn.execute(
            update(records)
            .where(records.c.id == bindparam("b_id"))
            .values({c: bindparam(c) for c in columns if c != "id"}),
            [{"b_id": i, **pick(state[i], columns[1:])} for i in changed],
        )


def write_items(
    conn: Connection,
    state: Mapping[tuple[str, str], dict[str, Any]],
    new: set[tuple[str, str]],
    dirty: set[tuple[str, str]],
) -> None:
    columns = [c.name for c in items.columns]
    if new:
        insert_many(conn, items, [pick(state[k], columns) for k in sorted(new)])
    changed = sorted(dirty - new)
    if changed:
        conn.execute(
            update(items)
            .where(and_(items.c.kind == bindparam("b_kind"), items.c.id == bindparam("b_id")))
            .values({c: bindparam(c) for c in columns if c not in ("kind", "id")}),
            [
                {"b_kind": k[0], "b_id": k[1],
                 **pick(state[k], [c for c in columns if c not in ("kind", "id")])}
                for k in changed
            ],
        )


def insert_many(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        _copy_rows(conn, table, rows)
    else:
        conn.execute(insert(table), rows)


def _copy_rows(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL COPY, in the current transaction: for a 200-op batch, ~3 ms for records,
    op results and audit rows against ~35 ms of pipelined executemany, and these inserts
    run while the counter row is locked. Every row has the keys of the first."""
    from psycopg import sql  # PostgreSQL only

    columns = list(rows[0])
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    driver = conn.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(tuple(row[c] for c in columns))


def pick(row: Mapping[str, Any], columns: Sequence[str]) -> dict[str, Any]:
    return {c: row[c] for c in columns}
