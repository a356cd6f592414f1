"""Whole-store maintenance: wipe every table, check for emptiness, fingerprint the content.

These work on the tables of ``SQLModel.metadata`` that exist in the database
(the Alembic bookkeeping table is left alone). The dialect-specific SQL of
the wipe lives here, so that nothing outside ``models/`` needs it.
"""

import hashlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, inspect, literal, select, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, SQLModel

import models.tables  # noqa: F401  (registers every table in SQLModel.metadata)


def _tables(bind: Engine | Connection) -> list[Table]:
    """The model tables present in the database, parents before children."""
    present = set(inspect(bind).get_table_names())
    return [table for table in SQLModel.metadata.sorted_tables if table.name in present]


def wipe_store(engine: Engine) -> None:
    """Delete every row of every model table; ids start at 1 again afterwards.

    PostgreSQL: one ``TRUNCATE ... RESTART IDENTITY CASCADE``. SQLite: ``DELETE``
    children before parents, then forget the AUTOINCREMENT counters kept in
    ``sqlite_sequence`` (if the database has that table). The schema and its
    migration revision stay as they are.
    """
    tables = _tables(engine)
    if not tables:
        return
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return
        for table in reversed(tables):
            conn.execute(table.delete())
        has_sequence = conn.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'")
        ).first()
        if has_sequence:
            conn.execute(text("DELETE FROM sqlite_sequence"))


def store_is_empty(session: Session) -> bool:
    """Whether no model table holds a single row."""
    connection = session.connection()
    for table in _tables(connection):
        if connection.execute(select(literal(1)).select_from(table).limit(1)).first():
            return False
    return True


def content_digest(engine: Engine) -> str:
    """A SHA-256 hex digest of every row of every model table, in table-name and id order.

    Values are written in one canonical form (timestamps as UTC ISO strings,
    JSON with sorted keys, floats by ``repr``), so that the same content gives
    the same digest on every run and, as far as the types allow, on SQLite and
    PostgreSQL alike.
    """
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for table in sorted(_tables(engine), key=lambda t: t.name):
            columns = [column.name for column in table.columns]
            digest.update(_line(["table", table.name, columns]))
            order = list(table.primary_key.columns) or list(table.columns)
            for row in conn.execute(select(table).order_by(*order)):
                digest.update(_line([_canonical(value) for value in row]))
    return digest.hexdigest()


def _line(value: Any) -> bytes:
    text_ = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (text_ + "\n").encode("utf-8")


def _canonical(value: Any) -> Any:
    """A JSON-ready value that does not depend on the backend's Python types."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return repr(float(value))
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    return value
