"""The tables of the store (see ARCHITECTURE.md, "Data model").

Conventions: every timestamp is an aware UTC ``datetime`` (``UTCDateTime``);
vocabularies from ``models.enums`` are stored as plain strings; JSON columns
hold small mappings only (never item data that a page filters on).
"""

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime

# Named constraints, so that Alembic's SQLite batch mode can alter them later.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)


def _ts(*, nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


class Source(SQLModel, table=True):
    """A tracker connection. Holds the *name* of the variable with the token, never the token."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=100)
    kind: str = Field(max_length=20)
    base_url: str | None = Field(default=None, max_length=500)
    token_env: str | None = Field(default=None, max_length=100)
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    cursor: str | None = Field(default=None, max_length=200)
    last_success_at: datetime | None = _ts()
    last_error: str | None = None
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)


class Programme(SQLModel, table=True):
    """A programme of projects, e.g. mainzDIGITAL."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=200)
    description: str = ""


class Team(SQLModel, table=True):
    """A team with its own working-day calendar."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=200)
    holiday_country: str = Field(default="DE", max_length=2)
    holiday_subdiv: str | None = Field(default="RP", max_length=10)
    non_working_days: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )


class Project(SQLModel, table=True):
    """A project of a programme, with its goal, target date and WSJF inputs."""

    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    key: str = Field(unique=True, max_length=20)
    name: str = Field(unique=True, max_length=200)
    owner: str = Field(default="", max_length=200)
    goal: str = ""
    start_date: date | None = None
    target_date: date | None = None
    budget_eur: float | None = None
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    wsjf_business_value: int | None = None
    wsjf_time_criticality: int | None = None
    wsjf_risk_reduction: int | None = None
    wsjf_job_size: int | None = None


class ProjectSource(SQLModel, table=True):
    """Which part of a tracker (board, group, project) feeds a project."""

    __table_args__ = (UniqueConstraint("project_id", "source_id", "remote_key"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    remote_key: str = Field(max_length=200)


class Person(SQLModel, table=True):
    """Somebody who works on or reads about projects."""

    id: int | None = Field(default=None, primary_key=True)
    display_name: str = Field(max_length=200)
    login: str | None = Field(default=None, unique=True, max_length=200)
    email: str | None = Field(default=None, max_length=300)


class Membership(SQLModel, table=True):
    """A person's role in a project and the share of their time it gets (0..1)."""

    __table_args__ = (UniqueConstraint("person_id", "project_id"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    role: str = Field(max_length=20)
    capacity_share: float = 0.0


class Sprint(SQLModel, table=True):
    """A time box of a project; ``start_at``/``end_at`` are planned, ``completed_at`` actual."""

    __table_args__ = (
        UniqueConstraint("source_id", "source_key"),
        Index("ix_sprint_project_start", "project_id", "start_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    source_id: int | None = Field(default=None, foreign_key="source.id")
    source_key: str | None = Field(default=None, max_length=200)
    name: str = Field(max_length=200)
    goal: str = ""
    state: str = Field(max_length=10)
    start_at: datetime | None = _ts()
    end_at: datetime | None = _ts()
    completed_at: datetime | None = _ts()


class WorkItem(SQLModel, table=True):
    """Current state of a tracker item; its history lives in ItemEvent."""

    __table_args__ = (
        UniqueConstraint("source_id", "source_key"),
        Index("ix_workitem_project_category", "project_id", "status_category"),
        Index("ix_workitem_sprint", "sprint_id"),
        Index("ix_workitem_parent", "parent_id"),
        Index("ix_workitem_assignee", "assignee_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id")
    source_key: str = Field(max_length=200)
    project_id: int = Field(foreign_key="project.id")
    type: str = Field(max_length=20)
    title: str = Field(max_length=1000)
    status: str = Field(max_length=100)
    status_category: str = Field(max_length=20)
    points: float | None = None
    assignee_id: int | None = Field(default=None, foreign_key="person.id")
    parent_id: int | None = Field(default=None, foreign_key="workitem.id")
    sprint_id: int | None = Field(default=None, foreign_key="sprint.id")
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    resolved_at: datetime | None = _ts()
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)
    remote_version: str | None = Field(default=None, max_length=100)
    version: int = 1


class ItemEvent(SQLModel, table=True):
    """One change of a field that metrics replay (append-only).

    ``kind`` says which of the value columns is meaningful (see ``EventKind``).
    ``remote_id`` makes syncs idempotent: the same remote change is stored once.
    """

    __table_args__ = (
        UniqueConstraint("item_id", "remote_id"),
        Index("ix_itemevent_item_at", "item_id", "at"),
        Index("ix_itemevent_sprint", "sprint_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="workitem.id")
    at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    kind: str = Field(max_length=20)
    status: str | None = Field(default=None, max_length=100)
    status_category: str | None = Field(default=None, max_length=20)
    points: float | None = None
    sprint_id: int | None = Field(default=None, foreign_key="sprint.id")
    assignee_id: int | None = Field(default=None, foreign_key="person.id")
    origin: str = Field(default="remote", max_length=10)
    remote_id: str | None = Field(default=None, max_length=200)


class OutboxEdit(SQLModel, table=True):
    """A local edit waiting to be written back to its tracker."""

    __table_args__ = (Index("ix_outboxedit_state", "state", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="workitem.id", index=True)
    fields: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    expected_remote_version: str | None = Field(default=None, max_length=100)
    state: str = Field(default="pending", max_length=10)
    attempts: int = 0
    last_error: str | None = None
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)


class AuditEntry(SQLModel, table=True):
    """Who did what, when: every edit, sync run and permission change (or its denial)."""

    __table_args__ = (Index("ix_auditentry_entity", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False, index=True)
    actor: str = Field(max_length=200, index=True)
    action: str = Field(max_length=50)
    entity: str = Field(max_length=50)
    entity_id: int | None = None
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    outcome: str = Field(default="ok", max_length=20)


class SyncRun(SQLModel, table=True):
    """One run of a connector against a source, with its counts and outcome."""

    __table_args__ = (Index("ix_syncrun_source_started", "source_id", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id")
    started_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)
    finished_at: datetime | None = _ts()
    mode: str = Field(max_length=12)
    pages: int = 0
    items: int = 0
    events: int = 0
    requests: int = 0
    retries: int = 0
    outcome: str = Field(default="running", max_length=10)
    error: str | None = None


class ProjectSnapshot(SQLModel, table=True):
    """Figures of a project as of one week, for trends and reports without recomputation."""

    __table_args__ = (UniqueConstraint("project_id", "week_start"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    week_start: date
    taken_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)
    items_total: int = 0
    items_done: int = 0
    points_total: float = 0.0
    points_done: float = 0.0
    velocity: float | None = None
    say_do_ratio: float | None = None
    forecast_p85: date | None = None
    health: str | None = Field(default=None, max_length=10)


class SourceAccount(SQLModel, table=True):
    """How a tracker names a person: Jira Cloud ``accountId``, Jira DC user key (and user name).

    The sync creates one row per account it meets (and a Person for it); the
    write-back uses it to turn ``Person.id`` back into the tracker's identity.
    """

    __table_args__ = (UniqueConstraint("source_id", "remote_id"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    remote_id: str = Field(max_length=200)
    login: str | None = Field(default=None, max_length=200)


class SyncLock(SQLModel, table=True):
    """The sync lock of a source on SQLite (PostgreSQL uses advisory locks; see models.locks).

    ``owner`` is a random token of the holding run; ``pid``/``host`` and the
    ``heartbeat_at`` let a later run take over the lock of a dead process.
    """

    source_id: int = Field(foreign_key="source.id", primary_key=True)
    owner: str = Field(max_length=64)
    pid: int
    host: str = Field(max_length=255)
    acquired_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    heartbeat_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
