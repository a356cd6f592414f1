"""One sync per source at a time: a PostgreSQL advisory lock, or a lock row on SQLite.

The dialect-specific SQL of the lock lives here and nowhere else.

- **PostgreSQL**: ``pg_try_advisory_lock(LOCK_NAMESPACE, source_id)`` on a
  connection held for the whole run. The server frees the lock when that
  connection ends, so a killed process never leaves a stale lock behind.
- **SQLite** (one machine): a ``SyncLock`` row per source, inserted with
  ``INSERT ... ON CONFLICT DO NOTHING`` (one atomic statement). The holder
  refreshes ``heartbeat_at`` in every page transaction. A later run takes the
  lock over when the holder is dead: same host and its pid no longer exists,
  or its heartbeat is older than ``stale_after_s``. The take-over is a
  compare-and-swap on the old owner token, so two contenders cannot both win.

Usage::

    lock = acquire_source_lock(engine, source_id=3)   # raises SourceBusy
    try:
        ...  # each page: lock.heartbeat(session) inside the page transaction
    finally:
        lock.release()
"""

import os
import socket
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import delete, select, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col

from models.tables import SyncLock, utc_now

#: First key of the two-key advisory lock: "SF" (Sprintfolio sync), second key the source id.
LOCK_NAMESPACE: Final = 0x5346
#: A lock row whose heartbeat is older than this is stale (holder on another host, or hung).
DEFAULT_STALE_AFTER_S: Final = 900.0


class SourceBusy(Exception):
    """Another run holds the sync lock of the source; ``holder`` describes it in words."""

    def __init__(self, source_id: int, holder: str) -> None:
        super().__init__(f"source {source_id} is locked by {holder}")
        self.source_id = source_id
        self.holder = holder


class LockLost(Exception):
    """The lock was taken over by another run (our heartbeat came too late)."""


class SourceLock:
    """A held sync lock; ``release`` frees it, ``heartbeat`` proves we still hold it."""

    def __init__(
        self,
        engine: Engine,
        source_id: int,
        *,
        owner: str,
        connection: Connection | None,
        clock: Callable[[], datetime],
    ) -> None:
        self.engine = engine
        self.source_id = source_id
        self.owner = owner
        self._connection = connection
        self._clock = clock
        self._released = False

    @property
    def is_advisory(self) -> bool:
        """Whether this is a PostgreSQL advisory lock (else a lock row)."""
        return self._connection is not None

    def heartbeat(self, session: Session) -> None:
        """Refresh the lock inside the caller's transaction (commit it with the page).

        Raises:
            LockLost: if another run has taken the lock over, or the connection
                that holds the advisory lock is gone.
        """
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT 1"))
                self._connection.commit()
            except DBAPIError as exc:
                raise LockLost(
                    f"the connection holding the sync lock of source {self.source_id} broke"
                ) from exc
            return
        result = session.exec(
            update(SyncLock)
            .where(col(SyncLock.source_id) == self.source_id, col(SyncLock.owner) == self.owner)
            .values(heartbeat_at=self._clock())
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise LockLost(f"the sync lock of source {self.source_id} was taken over")

    def release(self) -> None:
        """Free the lock (idempotent; never raises for a connection that is already gone)."""
        if self._released:
            return
        self._released = True
        if self._connection is not None:
            try:
                self._connection.execute(
                    text("SELECT pg_advisory_unlock(:ns, :id)"),
                    {"ns": LOCK_NAMESPACE, "id": self.source_id},
                )
                self._connection.commit()
            except DBAPIError:
                self._connection.invalidate()  # the server frees the lock with the session
            finally:
                self._connection.close()
            return
        with self.engine.begin() as conn:
            conn.execute(
                delete(SyncLock).where(
                    col(SyncLock.source_id) == self.source_id, col(SyncLock.owner) == self.owner
                )
            )


def acquire_source_lock(
    engine: Engine,
    *,
    source_id: int,
    stale_after_s: float = DEFAULT_STALE_AFTER_S,
    clock: Callable[[], datetime] = utc_now,
) -> SourceLock:
    """Take the sync lock of ``source_id`` or fail at once (never waits).

    Raises:
        SourceBusy: another live run holds the lock (``holder`` says who, where known).
    """
    owner = uuid.uuid4().hex
    if engine.dialect.name == "postgresql":
        return _acquire_advisory(engine, source_id, owner, clock)
    return _acquire_row(engine, source_id, owner, stale_after_s, clock)


def _acquire_advisory(
    engine: Engine, source_id: int, owner: str, clock: Callable[[], datetime]
) -> SourceLock:
    connection = engine.connect()
    try:
        got = connection.execute(
            text("SELECT pg_try_advisory_lock(:ns, :id)"), {"ns": LOCK_NAMESPACE, "id": source_id}
        ).scalar_one()
        connection.commit()
    except BaseException:
        connection.close()
        raise
    if not got:
        connection.close()
        raise SourceBusy(source_id, "another process (PostgreSQL advisory lock held)")
    return SourceLock(engine, source_id, owner=owner, connection=connection, clock=clock)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by somebody else
    return True


def _acquire_row(
    engine: Engine, source_id: int, owner: str, stale_after_s: float, clock: Callable[[], datetime]
) -> SourceLock:
    host = socket.gethostname()[:255]
    pid = os.getpid()
    now = clock()
    values = {
        "source_id": source_id, "owner": owner, "pid": pid, "host": host,
        "acquired_at": now, "heartbeat_at": now,
    }  # fmt: skip
    with engine.begin() as conn:
        inserted = conn.execute(
            sqlite_insert(SyncLock)
            .values(values)
            .on_conflict_do_nothing(index_elements=["source_id"])
        ).rowcount
    if inserted == 1:
        return SourceLock(engine, source_id, owner=owner, connection=None, clock=clock)

    with engine.connect() as conn:
        row = conn.execute(select(SyncLock).where(col(SyncLock.source_id) == source_id)).first()
    if row is None:  # released between our two statements: try once more
        return _acquire_row(engine, source_id, owner, stale_after_s, clock)
    heartbeat = row.heartbeat_at
    dead = row.host == host and row.pid != pid and not _pid_alive(row.pid)
    stale = now - heartbeat > timedelta(seconds=stale_after_s)
    if not (dead or stale):
        raise SourceBusy(
            source_id,
            f"process {row.pid} on {row.host} (since {row.acquired_at:%Y-%m-%d %H:%M} UTC, "
            f"last heartbeat {heartbeat:%H:%M:%S} UTC)",
        )
    with engine.begin() as conn:
        taken = conn.execute(
            update(SyncLock)
            .where(col(SyncLock.source_id) == source_id, col(SyncLock.owner) == row.owner)
            .values({k: v for k, v in values.items() if k != "source_id"})
        ).rowcount
    if taken != 1:
        raise SourceBusy(source_id, "another run that took over the stale lock first")
    return SourceLock(engine, source_id, owner=owner, connection=None, clock=clock)


__all__ = [
    "DEFAULT_STALE_AFTER_S",
    "LOCK_NAMESPACE",
    "LockLost",
    "SourceBusy",
    "SourceLock",
    "acquire_source_lock",
]
