"""One sync per source: models.locks on SQLite (lock row) and PostgreSQL (advisory lock)."""

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from connectors.errors import SyncLocked
from connectors.sync import sync_source
from models import Source, SyncLock, create_db_engine, utc_now
from models.locks import LockLost, SourceBusy, acquire_source_lock
from models.migrate import upgrade_to_head
from tests.connectors.conftest import add_source
from tests.connectors.fake_jira import FakeJira

pytestmark = pytest.mark.db


def _source(engine: Engine, name: str = "s") -> int:
    with Session(engine) as session:
        source = Source(name=name, kind="jira-dc", base_url="http://x")
        session.add(source)
        session.commit()
        assert source.id is not None
        return source.id


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_one_holder_at_a_time_per_source(engine: Engine) -> None:
    first, other = _source(engine, "a"), _source(engine, "b")
    lock = acquire_source_lock(engine, source_id=first)
    with pytest.raises(SourceBusy):
        acquire_source_lock(engine, source_id=first)
    acquire_source_lock(engine, source_id=other).release()  # other sources are free
    lock.release()
    lock.release()  # idempotent
    acquire_source_lock(engine, source_id=first).release()


def test_sync_refuses_while_another_run_holds_the_lock(engine: Engine, jira: FakeJira) -> None:
    source_id = add_source(engine, jira)
    lock = acquire_source_lock(engine, source_id=source_id)
    try:
        with pytest.raises(
            SyncLocked, match="source 'jira-mainz': another sync or push is running"
        ):
            sync_source(engine, source="jira-mainz")
        assert jira.requests == []
    finally:
        lock.release()
    assert sync_source(engine, source="jira-mainz").outcome == "ok"


def test_heartbeat_in_the_page_transaction(engine: Engine) -> None:
    source_id = _source(engine)
    lock = acquire_source_lock(engine, source_id=source_id)
    with Session(engine) as session:
        lock.heartbeat(session)
        session.commit()
    lock.release()


@pytest.fixture
def sqlite_engine(engine: Engine, tmp_path: Path) -> Iterator[Engine]:
    """Lock rows are the SQLite mechanism: a SQLite store even in the PostgreSQL run."""
    if engine.dialect.name == "sqlite":
        yield engine
        return
    own = create_db_engine(f"sqlite:///{tmp_path / 'locks.db'}")
    upgrade_to_head(own)
    yield own
    own.dispose()


def _plant(engine: Engine, source_id: int, *, pid: int, host: str, age_s: float) -> None:
    now = utc_now()
    with Session(engine) as session:
        session.add(
            SyncLock(
                source_id=source_id,
                owner="dead-owner",
                pid=pid,
                host=host,
                acquired_at=now - timedelta(seconds=age_s),
                heartbeat_at=now - timedelta(seconds=age_s),
            )
        )
        session.commit()


def test_lock_of_a_dead_process_is_taken_over(sqlite_engine: Engine) -> None:
    import socket

    source_id = _source(sqlite_engine)
    _plant(sqlite_engine, source_id, pid=_dead_pid(), host=socket.gethostname(), age_s=1)
    acquire_source_lock(sqlite_engine, source_id=source_id).release()


def test_live_lock_elsewhere_is_respected_until_its_heartbeat_is_stale(
    sqlite_engine: Engine,
) -> None:
    source_id = _source(sqlite_engine)
    _plant(sqlite_engine, source_id, pid=os.getpid(), host="other-host", age_s=60)
    with pytest.raises(SourceBusy, match=r"process \d+ on other-host"):
        acquire_source_lock(sqlite_engine, source_id=source_id)
    acquire_source_lock(sqlite_engine, source_id=source_id, stale_after_s=30).release()


def test_heartbeat_notices_a_takeover(sqlite_engine: Engine) -> None:
    source_id = _source(sqlite_engine)
    lock = acquire_source_lock(sqlite_engine, source_id=source_id)
    with Session(sqlite_engine) as session:  # another run took the lock over
        row = session.get(SyncLock, source_id)
        assert row is not None
        row.owner = "someone-else"
        session.commit()
    with Session(sqlite_engine) as session, pytest.raises(LockLost):
        lock.heartbeat(session)


def test_advisory_lock_is_freed_when_its_connection_ends(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("advisory locks are the PostgreSQL mechanism")
    source_id = _source(engine)
    lock = acquire_source_lock(engine, source_id=source_id)
    assert lock.is_advisory
    with pytest.raises(SourceBusy):
        acquire_source_lock(engine, source_id=source_id)
    lock._connection.invalidate()  # type: ignore[union-attr]  # as if the process died
    acquire_source_lock(engine, source_id=source_id).release()
