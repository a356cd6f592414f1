"""The sources as the Sources page shows them, and "sync now".

Freshness follows METRICS.md (metrics.health.freshness_health): green under
24 h since the last successful sync, amber under 72 h, red otherwise or never.
Tokens stay in the environment: this module reports only whether the named
variable is set, never its value.
"""

import os
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from connectors.errors import ConnectorError
from connectors.sync import SyncSummary, sync_source
from metrics.health import DimensionHealth, freshness_health
from models import OutboxEdit, Project, ProjectSource, Source, SyncRun, WorkItem
from models.enums import SourceKind

#: The kinds `sprintfolio sync` and "sync now" can pull (issue S4: Jira; more follow).
SYNCABLE_KINDS = (SourceKind.JIRA_CLOUD.value, SourceKind.JIRA_DC.value)
RECENT_RUNS = 5


@dataclass(frozen=True)
class RunRow:
    """One recorded sync run."""

    started_at: datetime
    finished_at: datetime | None
    mode: str
    outcome: str
    pages: int
    items: int
    events: int
    requests: int
    retries: int
    error: str | None


@dataclass(frozen=True)
class SourceStatus:
    """A source with its freshness, last error, recent runs and write-back queue."""

    name: str
    kind: str
    base_url: str | None
    token_env: str | None
    token_set: bool
    projects: tuple[str, ...]
    last_success_at: datetime | None
    freshness: DimensionHealth
    last_error: str | None
    runs: tuple[RunRow, ...]
    outbox: dict[str, int]
    not_syncable: str | None


def sync_refusal(source: Source) -> str | None:
    """Why ``source`` cannot be synced (None if it can): local, demo or another kind."""
    if source.kind == SourceKind.LOCAL.value:
        return "local"
    if source.settings.get("demo"):
        return "demo"
    if source.kind not in SYNCABLE_KINDS:
        return "kind"
    return None


def list_sources(session: Session, *, now: datetime) -> list[SourceStatus]:
    """Every source with its freshness and recent runs, by name (four queries)."""
    sources = session.exec(select(Source).order_by(col(Source.name))).all()
    projects: dict[int, set[str]] = defaultdict(set)
    linked = session.exec(
        select(ProjectSource.source_id, Project.name).join(
            Project, col(Project.id) == col(ProjectSource.project_id)
        )
    ).all()
    feeding = session.exec(
        select(WorkItem.source_id, Project.name)
        .join(Project, col(Project.id) == col(WorkItem.project_id))
        .distinct()
    ).all()
    for source_id, project in [*linked, *feeding]:
        projects[int(source_id)].add(project)
    runs: dict[int, list[RunRow]] = defaultdict(list)
    for run in session.exec(select(SyncRun).order_by(col(SyncRun.started_at).desc())).all():
        if len(runs[run.source_id]) < RECENT_RUNS:
            runs[run.source_id].append(
                RunRow(
                    run.started_at,
                    run.finished_at,
                    run.mode,
                    run.outcome,
                    run.pages,
                    run.items,
                    run.events,
                    run.requests,
                    run.retries,
                    run.error,
                )
            )
    outbox: dict[int, dict[str, int]] = defaultdict(dict)
    for source_id, state, count in session.exec(
        select(WorkItem.source_id, OutboxEdit.state, func.count())
        .join(WorkItem, col(WorkItem.id) == col(OutboxEdit.item_id))
        .where(col(OutboxEdit.state) != "sent")
        .group_by(col(WorkItem.source_id), col(OutboxEdit.state))
    ).all():
        outbox[int(source_id)][state] = int(count)
    return [
        SourceStatus(
            name=source.name,
            kind=source.kind,
            base_url=source.base_url,
            token_env=source.token_env,
            token_set=bool(source.token_env and os.environ.get(source.token_env)),
            projects=tuple(sorted(projects[source.id or 0])),
            last_success_at=source.last_success_at,
            freshness=freshness_health([source.last_success_at], now=now),
            last_error=source.last_error,
            runs=tuple(runs[source.id or 0]),
            outbox=outbox[source.id or 0],
            not_syncable=sync_refusal(source),
        )
        for source in sources
    ]


@dataclass(frozen=True)
class SyncNowResult:
    """The outcome of "sync now": a summary, or why it did not run or failed."""

    source: str
    summary: SyncSummary | None = None
    refused: str | None = None
    error: str | None = None


def run_sync_now(engine: Engine, *, source_name: str) -> SyncNowResult:
    """Sync one source now; failures come back as a plain message, never as an exception.

    ConnectorError messages name the source and what to check, and never contain
    the token (connectors.http reads it from the environment at request time).
    """
    with Session(engine) as session:
        source = session.exec(select(Source).where(Source.name == source_name)).first()
        if source is None:
            return SyncNowResult(source_name, refused="unknown")
        refusal = sync_refusal(source)
    if refusal is not None:
        return SyncNowResult(source_name, refused=refusal)
    try:
        return SyncNowResult(source_name, summary=sync_source(engine, source=source_name))
    except ConnectorError as exc:
        return SyncNowResult(source_name, error=str(exc))
