"""Shared fixtures: a clean migrated store per test (SQLite, or PostgreSQL via TEST_DATABASE_URL).

Store and service tests carry the ``db`` marker; ``.ci/run`` runs them a
second time with ``TEST_DATABASE_URL`` pointing at PostgreSQL. That database
is wiped (schema ``public`` dropped) at the start of the run: never point it
at data you want to keep.
"""

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from models import create_db_engine
from models.migrate import upgrade_to_head

#: The date every test treats as "today" (the demo's active sprint contains it).
DEMO_TODAY = date(2026, 11, 24)
DEMO_SEED = 20261124


def postgres_url() -> str | None:
    """TEST_DATABASE_URL when the PostgreSQL run is asked for, else None."""
    return os.environ.get("TEST_DATABASE_URL") or None


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated empty store: a SQLite file to copy, or the PostgreSQL URL."""
    pg = postgres_url()
    if pg:
        engine = create_db_engine(pg)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        upgrade_to_head(engine)
        engine.dispose()
        return pg
    path = tmp_path_factory.mktemp("template") / "empty.db"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    engine.dispose()
    return str(path)


def _truncate_all(engine: Engine) -> None:
    names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def engine(_migrated_template: str, tmp_path: Path) -> Iterator[Engine]:
    """A clean, migrated store for one test."""
    if postgres_url():
        eng = create_db_engine(_migrated_template)
        _truncate_all(eng)
    else:
        path = tmp_path / "store.db"
        shutil.copyfile(_migrated_template, path)
        eng = create_db_engine(f"sqlite:///{path}")
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the clean store of this test."""
    with Session(engine) as s:
        yield s


@pytest.fixture(scope="session")
def demo_db_url(tmp_path_factory: pytest.TempPathFactory, _migrated_template: str) -> str:
    """A SQLite store with the Mainz demo portfolio and its snapshots (treat it as read-only)."""
    from sprintfolio.services.demo import install_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    if postgres_url():
        shutil.copyfile(_sqlite_template(tmp_path_factory), path)
    else:
        shutil.copyfile(_migrated_template, path)
    url = f"sqlite:///{path}"
    engine = create_db_engine(url)
    with Session(engine) as s:
        install_demo(s, today=DEMO_TODAY, seed=DEMO_SEED)
    engine.dispose()
    return url


def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "empty.db"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    engine.dispose()
    return path


@pytest.fixture
def demo_engine(demo_db_url: str) -> Iterator[Engine]:
    """An engine on the seeded demo store."""
    eng = create_db_engine(demo_db_url)
    yield eng
    eng.dispose()


def skip_or_fail(reason: str) -> None:
    """Skip a test whose resource is missing here; in CI (SPRINTFOLIO_REQUIRE_INTEGRATION) fail."""
    if os.environ.get("SPRINTFOLIO_REQUIRE_INTEGRATION"):
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)
