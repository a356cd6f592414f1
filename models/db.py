"""Engine and session factory: SQLite (WAL, foreign keys) by default, PostgreSQL via psycopg 3."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlmodel import Session, create_engine


class DatabaseUrlError(ValueError):
    """The DATABASE_URL cannot be used; the message names the value and the fix."""


def sqlite_url_for(data_dir: Path) -> str:
    """The URL of the embedded default store inside ``data_dir``."""
    return f"sqlite:///{(data_dir / 'sprintfolio.db').resolve()}"


def normalise_url(url: str) -> str:
    """Check a database URL and pin PostgreSQL to the psycopg 3 driver.

    Raises:
        DatabaseUrlError: if the URL is malformed or names an unsupported backend.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUrlError(
            f"DATABASE_URL {url!r} is not a database URL; expected e.g. "
            "'sqlite:///data/sprintfolio.db' or 'postgresql+psycopg://user@host/db'"
        ) from exc
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
            parsed = parsed.set(drivername="postgresql+psycopg")
    elif backend != "sqlite":
        raise DatabaseUrlError(
            f"DATABASE_URL uses {backend!r}; Sprintfolio supports 'sqlite' and 'postgresql'"
        )
    return parsed.render_as_string(hide_password=False)


def _enable_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def create_db_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine for ``url``; SQLite files get WAL mode and foreign keys.

    Raises:
        DatabaseUrlError: for a malformed or unsupported URL, or a missing driver.
    """
    url = normalise_url(url)
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"echo": echo}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(url, **kwargs)
    except NoSuchModuleError as exc:
        raise DatabaseUrlError(f"DATABASE_URL names a driver that is not installed: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _enable_sqlite_pragmas)
    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(engine) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
