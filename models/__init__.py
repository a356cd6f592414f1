"""The store: SQLModel tables, the engine factory and the Alembic migrations."""

from models.db import DatabaseUrlError, create_db_engine, session_scope, sqlite_url_for
from models.tables import (
    AuditEntry,
    ItemEvent,
    Membership,
    OutboxEdit,
    Person,
    Programme,
    Project,
    ProjectSnapshot,
    ProjectSource,
    Source,
    Sprint,
    SyncRun,
    Team,
    WorkItem,
    utc_now,
)

__all__ = [
    "AuditEntry",
    "DatabaseUrlError",
    "ItemEvent",
    "Membership",
    "OutboxEdit",
    "Person",
    "Programme",
    "Project",
    "ProjectSnapshot",
    "ProjectSource",
    "Source",
    "Sprint",
    "SyncRun",
    "Team",
    "WorkItem",
    "create_db_engine",
    "session_scope",
    "sqlite_url_for",
    "utc_now",
]
