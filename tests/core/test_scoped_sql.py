"""``compile_scoped`` puts an outer-joined table's tenant criterion in the join's ON clause,
however the join was written: in WHERE it would drop the rows the outer join keeps."""

from __future__ import annotations

import sqlite3
import uuid
from typing import Any

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, Uuid, select
from sqlalchemy.dialects import postgresql, sqlite

from rustok.core.scoped_sql import compile_scoped

METADATA = MetaData()
LISTS = Table(
    "lists", METADATA,
    Column("id", Integer, primary_key=True), Column("tenant_id", Uuid), Column("name", String),
)  # fmt: skip
PRICES = Table(
    "prices", METADATA,
    Column("id", Integer, primary_key=True), Column("tenant_id", Uuid),
    Column("list_id", Integer, ForeignKey("lists.id")), Column("amount", Integer),
)  # fmt: skip
TENANT, OTHER = uuid.uuid4(), uuid.uuid4()

# The same left join, written with the method and as an explicit FROM item.
BY_METHOD = select(PRICES.c.amount, LISTS.c.name).outerjoin(LISTS, LISTS.c.id == PRICES.c.list_id)
BY_FROM = select(PRICES.c.amount, LISTS.c.name).select_from(
    PRICES.outerjoin(LISTS, LISTS.c.id == PRICES.c.list_id)
)


def _rows(statement: Any) -> list[tuple[Any, ...]]:
    read = compile_scoped(statement.order_by(PRICES.c.amount), sqlite.dialect())
    conn = sqlite3.connect(":memory:")
    conn.executescript(
        "CREATE TABLE lists (id INTEGER PRIMARY KEY, tenant_id TEXT, name TEXT);"
        "CREATE TABLE prices (id INTEGER PRIMARY KEY, tenant_id TEXT, list_id INTEGER,"
        " amount INTEGER);"
    )
    conn.executemany("INSERT INTO lists VALUES (?, ?, ?)", [(1, TENANT.hex, "sale"), (2, OTHER.hex, "theirs")])  # fmt: skip
    conn.executemany(
        "INSERT INTO prices VALUES (?, ?, ?, ?)",
        [(1, TENANT.hex, None, 100), (2, TENANT.hex, 1, 90), (3, OTHER.hex, 2, 80),
         (4, TENANT.hex, 2, 70)],  # a row pointing at another tenant's list
    )  # fmt: skip
    return conn.execute(read.sql, read.params(TENANT, {})).fetchall()


@pytest.mark.parametrize("statement", [BY_METHOD, BY_FROM], ids=["join method", "select_from"])
def test_an_outer_join_keeps_its_rows_and_never_shows_another_tenants(statement: Any) -> None:
    # The price without a list is kept; the other tenant's list is not joined, its price
    # row not read.
    assert _rows(statement) == [(70, None), (90, "sale"), (100, None)]


DIALECTS = [sqlite.dialect(), postgresql.asyncpg.dialect()]  # type: ignore[no-untyped-call]


@pytest.mark.parametrize("dialect", DIALECTS, ids=["sqlite", "pg"])
def test_the_outer_joined_tables_criterion_is_in_its_on_clause(dialect: Any) -> None:
    sql = compile_scoped(BY_METHOD, dialect).sql
    on, where = sql.split("WHERE")
    assert "lists.tenant_id" in on.split(" ON ")[1]
    assert "lists.tenant_id" not in where
    assert "prices.tenant_id" in where
