"""The migrated schema equals the models' schema (no pending autogenerate diff)."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from models.migrate import current_revision

pytestmark = pytest.mark.db


def test_migrations_reach_head(engine: Engine) -> None:
    assert current_revision(engine) is not None


def test_migrated_schema_equals_models(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == [], f"models and migrations differ; add a migration: {diff}"


def test_every_table_is_created(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    expected = {t.name for t in SQLModel.metadata.sorted_tables}
    assert expected <= tables
