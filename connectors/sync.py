"""The sync engine: pulls a source into the store, page by page, so that a kill loses nothing.

``sync_source(engine, source="jira-mainz")`` runs, under the source's lock
(``models.locks``: PostgreSQL advisory lock, SQLite lock row):

0. pushes the source's pending outbox edits first (``connectors.writeback``),
   so that a pull never shows stale values over an edit that is on its way;
1. discovery (statuses, fields, projects) → ``Source.settings["statuses"]``
   and ``["fields"]``, and the Sprintfolio projects (see *Projects*);
2. sprints: upserted by (source, sprint id);
3. items updated since ``cursor - overlap`` (everything on a full run),
   oldest update first. **One transaction per page** holds the page's items
   (upserted by (source, key)), their new events, the cursor (the largest
   ``updated`` committed so far) and the run's counters, and refreshes the
   lock. A kill at any moment leaves either the whole page or none of it,
   and the cursor never runs ahead of the data: every item updated before
   the cursor is stored;
4. a cheap check (key and ``updated`` of every item in the same window):
   items the paging skipped or that changed meanwhile are fetched by key;
5. on a full run, reconciliation: items of the source that the tracker no
   longer lists are read one by one; gone (404) or moved to a project this
   source does not sync → marked *gone* (see below); otherwise stored;
6. the ``SyncRun`` (mode, pages, items, events, requests, retries, outcome,
   error), an ``AuditEntry`` (action "source.sync") and
   ``Source.last_success_at`` / ``last_error``.

Idempotency: events are keyed (item, remote id) (``connectors.jira`` builds
ids from the changelog history id); existing ids are skipped, so replays of a
page (overlap, repeats, a re-run after a kill) add nothing. An item whose key
changed (moved within the synced projects) is found by its previous key and
renamed, keeping its history.

Gone items (deleted in the tracker, or moved to a project not synced here)
are kept with their history, so closed sprints keep their figures. At the
moment of detection they get a status event (``GONE_STATUS``, category
"cancelled": not open work any more, so forecasts do not count it) and a
``sprint_removed`` event for every sprint that is not closed; ``sprint_id`` is
cleared and ``remote_version`` becomes ``GONE_VERSION``. If such an item is
seen again, it gets its current status and open sprints back as events.

Projects: with ``settings["project"]`` every item goes to that project; else
each tracker project feeds a Sprintfolio project of the same key and name
(created if needed, in a programme named after the source). The link is a
``ProjectSource`` row (project, source, tracker project key).

Mode: full on ``full=True``, on the first run, and when the last successful
full run is older than ``settings["full_every_h"]`` (24 h); else incremental.
Every change of an item's fields increments ``WorkItem.version`` (a
conditional UPDATE, so an edit made concurrently is never overwritten
silently: the page is retried on the fresh row).
"""

import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final, Protocol

import httpx
from sqlalchemy import func, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from connectors.base import (
    ConfigError,
    RemoteCatalog,
    RemoteEvent,
    RemoteItem,
    RemoteSprint,
    RemoteUser,
    SourceConfig,
    TrackerConnector,
)
from connectors.errors import ConnectorError, PayloadError, SyncLocked
from connectors.jira import JiraConnector, parse_jira_datetime
from models import (
    AuditEntry,
    ItemEvent,
    Person,
    Programme,
    Project,
    ProjectSource,
    Source,
    SourceAccount,
    Sprint,
    SyncRun,
    WorkItem,
    utc_now,
)
from models.enums import (
    EventKind,
    EventOrigin,
    SprintState,
    StatusCategory,
    SyncMode,
    SyncOutcome,
)
from models.locks import LockLost, SourceBusy, SourceLock, acquire_source_lock

log = logging.getLogger(__name__)

GONE_VERSION: Final = "gone"
GONE_STATUS: Final = "Removed in tracker"
SYNC_ACTOR: Final = "sync"
_CHUNK: Final = 500
_PAGE_ATTEMPTS: Final = 3

ConnectorFactory = Callable[[SourceConfig], TrackerConnector]


class ProgressHook(Protocol):
    """Called after each stored page (and at each stage) with the running totals."""

    def __call__(self, stage: str, *, pages: int, items: int, events: int) -> None: ...


@dataclass(frozen=True)
class SyncSummary:
    """What one run did."""

    source: str
    run_id: int
    mode: str
    outcome: str
    pages: int
    items: int
    events: int
    requests: int
    retries: int
    gone: int
    pushed: int
    duration_s: float
    warnings: tuple[str, ...] = ()
    error: str | None = None

    def line(self) -> str:
        """The one-line summary the CLI prints."""
        text = (
            f"{self.source}: {self.mode} sync {self.outcome} — {self.pages} pages, "
            f"{self.items} items, {self.events} events, {self.requests} requests, "
            f"{self.retries} retries in {self.duration_s:.1f} s"
        )
        if self.gone:
            text += f"; {self.gone} items gone from the tracker"
        if self.pushed:
            text += f"; {self.pushed} edits written back"
        if self.warnings:
            text += f"; {len(self.warnings)} warnings"
        return text


def source_config(source: Source) -> SourceConfig:
    """The validated connector configuration of a stored source.

    Raises:
        ConfigError: names the bad setting.
    """
    assert source.id is not None
    return SourceConfig.from_row(
        id=source.id,
        name=source.name,
        kind=source.kind,
        base_url=source.base_url,
        token_env=source.token_env,
        settings=source.settings,
    )


def default_connector(
    config: SourceConfig,
    *,
    transport: httpx.BaseTransport | None = None,
    environ: Mapping[str, str] | None = None,
) -> TrackerConnector:
    """The connector of a source's kind."""
    return JiraConnector(config, transport=transport, environ=environ)


def load_source(session: Session, name: str) -> Source:
    """The source called ``name``.

    Raises:
        ConfigError: if there is none (lists the known names).
    """
    source = session.exec(select(Source).where(col(Source.name) == name)).first()
    if source is None:
        known = session.exec(select(Source.name).order_by(col(Source.name))).all()
        raise ConfigError(
            name,
            "no such source; known: "
            + (", ".join(known) if known else "none (add one with `sprintfolio source add`)"),
        )
    return source


def lock_source(engine: Engine, config: SourceConfig, *, wait_s: float = 0.0) -> SourceLock:
    """Take the source's sync lock, polling up to ``wait_s`` seconds.

    Raises:
        SyncLocked: another run holds it.
    """
    deadline = time.monotonic() + wait_s
    while True:
        try:
            return acquire_source_lock(engine, source_id=config.id)
        except SourceBusy as exc:
            if time.monotonic() >= deadline:
                raise SyncLocked(
                    config.name,
                    f"another sync or push is running ({exc.holder}); wait for it to finish",
                ) from None
            time.sleep(0.2)


def sync_source(
    engine: Engine,
    *,
    source: str,
    full: bool = False,
    connector_factory: ConnectorFactory = default_connector,
    progress: ProgressHook | None = None,
    push: bool = True,
    clock: Callable[[], datetime] = utc_now,
    lock_wait_s: float = 0.0,
) -> SyncSummary:
    """Sync one source (see the module docstring) and return its summary.

    Raises:
        ConnectorError: the run failed (it is recorded in ``SyncRun``,
            ``AuditEntry`` and ``Source.last_error`` first); ``SyncLocked`` if
            another run holds the lock; ``ConfigError`` for unusable settings.
    """
    with Session(engine) as session:
        row = load_source(session, source)
        config = source_config(row)
    lock = lock_source(engine, config, wait_s=lock_wait_s)
    try:
        connector = connector_factory(config)
        try:
            return _Run(engine, config, connector, lock, progress=progress, clock=clock).execute(
                full=full, push=push
            )
        finally:
            connector.close()
    finally:
        lock.release()


@dataclass
class _Totals:
    pages: int = 0
    items: int = 0
    events: int = 0
    gone: int = 0
    pushed: int = 0
    warnings: list[str] = field(default_factory=list)


class _RetryPage(Exception):
    """An item row changed under us (a concurrent edit): redo the page on fresh rows."""


class _Run:
    """One run of the engine; holds the per-run caches (ids only, never item payloads)."""

    def __init__(
        self,
        engine: Engine,
        config: SourceConfig,
        connector: TrackerConnector,
        lock: SourceLock,
        *,
        progress: ProgressHook | None,
        clock: Callable[[], datetime],
    ) -> None:
        self.engine = engine
        self.config = config
        self.connector = connector
        self.lock = lock
        self.progress = progress
        self.clock = clock
        self.totals = _Totals()
        self.run_id = 0
        self.mode = SyncMode.INCREMENTAL.value
        self.projects: dict[str, int] = {}
        self.default_project: int | None = None
        self.board_projects: Mapping[str, str] = {}
        self.sprints: dict[str, int] = {}
        self.closed_sprints: set[int] = set()
        self.people: dict[str, int] = {}
        self.unresolved_parents: dict[str, str] = {}

    # ------------------------------------------------------------------ run

    def execute(self, *, full: bool, push: bool) -> SyncSummary:
        started = time.monotonic()
        with Session(self.engine) as session:
            self._begin(session, full=full)
        try:
            if push:
                from connectors.writeback import push_source_outbox

                pushed = push_source_outbox(
                    self.engine, config=self.config, connector=self.connector, clock=self.clock
                )
                self.totals.pushed = pushed.sent
            self._stage("discovery")
            catalog = self.connector.discover()
            self.totals.warnings += catalog.warnings
            self._store_catalog(catalog)
            self._stage("sprints")
            self._store_sprints(self.connector.fetch_sprints())
            since = self._since()
            self._stage("items")
            for page in self.connector.iter_item_pages(since=since):
                self._store_page(page.items, advance_cursor=True)
            self._stage("check")
            remote_keys = self._check(since)
            if self.mode == SyncMode.FULL.value:
                self._stage("reconcile")
                self._reconcile(remote_keys)
            self._resolve_parents()
        except Exception as exc:
            self._fail(exc, time.monotonic() - started)
            if isinstance(exc, LockLost):
                raise SyncLocked(self.config.name, str(exc)) from None
            raise
        return self._finish(time.monotonic() - started)

    def _stage(self, stage: str) -> None:
        if self.progress is not None:
            self.progress(
                stage, pages=self.totals.pages, items=self.totals.items, events=self.totals.events
            )

    def _begin(self, session: Session, *, full: bool) -> None:
        source = self._source(session)
        interrupted = session.exec(
            select(SyncRun).where(
                col(SyncRun.source_id) == self.config.id,
                col(SyncRun.outcome) == SyncOutcome.RUNNING.value,
            )
        ).all()
        for run in interrupted:  # we hold the lock: these runs died
            run.outcome = SyncOutcome.FAILED.value
            run.error = "interrupted: the process ended before the run finished"
            run.finished_at = run.finished_at or self.clock()
        last_full = session.exec(
            select(func.max(SyncRun.started_at)).where(
                col(SyncRun.source_id) == self.config.id,
                col(SyncRun.mode) == SyncMode.FULL.value,
                col(SyncRun.outcome) == SyncOutcome.OK.value,
            )
        ).one()
        due = last_full is None or self.clock() - last_full > timedelta(
            hours=self.config.full_every_h
        )
        if full or source.cursor is None or due:
            self.mode = SyncMode.FULL.value
        run = SyncRun(source_id=self.config.id, started_at=self.clock(), mode=self.mode)
        session.add(run)
        self.lock.heartbeat(session)
        session.commit()
        assert run.id is not None
        self.run_id = run.id

    def _source(self, session: Session) -> Source:
        source = session.get(Source, self.config.id)
        if source is None:
            raise ConfigError(self.config.name, "the source was deleted during the run")
        return source

    def _since(self) -> datetime | None:
        if self.mode == SyncMode.FULL.value:
            return None
        with Session(self.engine) as session:
            cursor = self._source(session).cursor
        if cursor is None:
            return None
        return datetime.fromisoformat(cursor) - timedelta(minutes=self.config.overlap_min)

    def _counters(self, run: SyncRun) -> None:
        run.pages = self.totals.pages
        run.items = self.totals.items
        run.events = self.totals.events
        run.requests = self.connector.counters.requests
        run.retries = self.connector.counters.retries

    def _finish(self, duration_s: float) -> SyncSummary:
        now = self.clock()
        with Session(self.engine) as session:
            run = session.get(SyncRun, self.run_id)
            assert run is not None
            self._counters(run)
            run.outcome = SyncOutcome.OK.value
            run.finished_at = now
            source = self._source(session)
            source.last_success_at = now
            source.last_error = None
            session.add(self._audit(run, outcome="ok", now=now))
            self.lock.heartbeat(session)
            session.commit()
        return self._summary(SyncOutcome.OK.value, duration_s, None)

    def _fail(self, exc: BaseException, duration_s: float) -> None:
        message = (
            str(exc)
            if isinstance(exc, ConnectorError | LockLost)
            else f"internal error {type(exc).__name__}: {exc}"
        )
        log.warning("sync of source %r failed: %s", self.config.name, message)
        now = self.clock()
        try:
            with Session(self.engine) as session:
                run = session.get(SyncRun, self.run_id)
                if run is not None:
                    self._counters(run)
                    run.outcome = SyncOutcome.FAILED.value
                    run.error = message
                    run.finished_at = now
                    session.add(self._audit(run, outcome="failed", now=now, error=message))
                source = session.get(Source, self.config.id)
                if source is not None:
                    source.last_error = message
                session.commit()
        except Exception:  # the store itself failed: keep the original error
            log.exception("could not record the failed run of source %r", self.config.name)

    def _audit(
        self, run: SyncRun, *, outcome: str, now: datetime, error: str | None = None
    ) -> AuditEntry:
        changes: dict[str, Any] = {
            "run": run.id,
            "mode": run.mode,
            "pages": run.pages,
            "items": run.items,
            "events": run.events,
            "requests": run.requests,
            "retries": run.retries,
            "gone": self.totals.gone,
            "pushed": self.totals.pushed,
        }
        if self.totals.warnings:
            changes["warnings"] = self.totals.warnings[:50]
        if error:
            changes["error"] = error
        return AuditEntry(
            at=now,
            actor=SYNC_ACTOR,
            action="source.sync",
            entity="source",
            entity_id=self.config.id,
            changes=changes,
            outcome=outcome,
        )

    def _summary(self, outcome: str, duration_s: float, error: str | None) -> SyncSummary:
        return SyncSummary(
            source=self.config.name,
            run_id=self.run_id,
            mode=self.mode,
            outcome=outcome,
            pages=self.totals.pages,
            items=self.totals.items,
            events=self.totals.events,
            requests=self.connector.counters.requests,
            retries=self.connector.counters.retries,
            gone=self.totals.gone,
            pushed=self.totals.pushed,
            duration_s=duration_s,
            warnings=tuple(self.totals.warnings),
            error=error,
        )

    # ------------------------------------------------------------------ catalog and sprints

    def _store_catalog(self, catalog: RemoteCatalog) -> None:
        with Session(self.engine) as session:
            source = self._source(session)
            settings = dict(source.settings)
            if settings.get("statuses") != dict(catalog.statuses) or settings.get("fields") != dict(
                catalog.fields
            ):
                settings["statuses"] = dict(catalog.statuses)
                settings["fields"] = dict(catalog.fields)
                source.settings = settings
            if self.config.project is not None:
                self.default_project = _named_project(session, self.config)
            for project in catalog.projects:
                self.projects[project.key] = self._link_project(session, project.key, project.name)
            self.board_projects = dict(catalog.board_projects)
            self.lock.heartbeat(session)
            session.commit()

    def _link_project(self, session: Session, key: str, name: str) -> int:
        link = session.exec(
            select(ProjectSource).where(
                col(ProjectSource.source_id) == self.config.id,
                col(ProjectSource.remote_key) == key,
            )
        ).first()
        if link is not None:
            return link.project_id
        if self.default_project is not None:
            project_id = self.default_project
        else:
            project_id = _project_for_remote(session, self.config, key, name)
        session.add(ProjectSource(project_id=project_id, source_id=self.config.id, remote_key=key))
        session.flush()
        return project_id

    def _sprint_project(self, sprint: RemoteSprint, fallback: int | None) -> int:
        if sprint.board_key and sprint.board_key in self.board_projects:
            project = self.projects.get(self.board_projects[sprint.board_key])
            if project is not None:
                return project
        if fallback is not None:
            return fallback
        if self.default_project is not None:
            return self.default_project
        return next(iter(sorted(self.projects.items())))[1]

    def _store_sprints(self, sprints: Iterable[RemoteSprint]) -> None:
        with Session(self.engine) as session:
            for sprint in sprints:
                self._upsert_sprint(session, sprint, project_id=None)
            self.lock.heartbeat(session)
            session.commit()

    def _upsert_sprint(
        self, session: Session, sprint: RemoteSprint, *, project_id: int | None
    ) -> int:
        row = session.exec(
            select(Sprint).where(
                col(Sprint.source_id) == self.config.id, col(Sprint.source_key) == sprint.key
            )
        ).first()
        values = {
            "name": sprint.name,
            "goal": sprint.goal,
            "state": sprint.state,
            "start_at": sprint.start_at,
            "end_at": sprint.end_at,
            "completed_at": sprint.completed_at,
        }
        if row is None:
            row = Sprint(
                project_id=self._sprint_project(sprint, project_id),
                source_id=self.config.id,
                source_key=sprint.key,
                **values,
            )
            session.add(row)
            session.flush()
        else:
            for name, value in values.items():
                if getattr(row, name) != value:
                    setattr(row, name, value)
        assert row.id is not None
        self.sprints[sprint.key] = row.id
        if sprint.state == SprintState.CLOSED.value:
            self.closed_sprints.add(row.id)
        else:
            self.closed_sprints.discard(row.id)
        return row.id

    def _sprint_id(self, session: Session, key: str, project_id: int) -> int:
        """The store id of sprint ``key``; unknown sprints are read from the tracker."""
        if key in self.sprints:
            return self.sprints[key]
        row = session.exec(
            select(Sprint).where(
                col(Sprint.source_id) == self.config.id, col(Sprint.source_key) == key
            )
        ).first()
        if row is not None and row.id is not None:
            self.sprints[key] = row.id
            if row.state == SprintState.CLOSED.value:
                self.closed_sprints.add(row.id)
            return row.id
        remote = self.connector.fetch_sprint(key)
        if remote is None:  # deleted sprint: keep the membership history readable
            remote = RemoteSprint(key=key, name=f"Sprint {key} (deleted)", state="closed")
            self.totals.warnings.append(f"sprint {key} no longer exists in the tracker")
        return self._upsert_sprint(session, remote, project_id=project_id)

    # ------------------------------------------------------------------ people

    def _person_id(self, session: Session, user: RemoteUser | None) -> int | None:
        if user is None:
            return None
        if user.remote_id in self.people:
            return self.people[user.remote_id]
        account = session.exec(
            select(SourceAccount).where(
                col(SourceAccount.source_id) == self.config.id,
                col(SourceAccount.remote_id) == user.remote_id,
            )
        ).first()
        if account is None:
            person_id = None
            if user.email:
                matches = session.exec(select(Person).where(col(Person.email) == user.email)).all()
                if len(matches) == 1:
                    person_id = matches[0].id
            if person_id is None:
                person = Person(display_name=user.display_name, email=user.email)
                session.add(person)
                session.flush()
                person_id = person.id
            assert person_id is not None
            account = SourceAccount(
                source_id=self.config.id,
                person_id=person_id,
                remote_id=user.remote_id,
                login=user.login,
            )
            session.add(account)
            session.flush()
        elif user.login and account.login != user.login:
            account.login = user.login
        self.people[user.remote_id] = account.person_id
        return account.person_id

    # ------------------------------------------------------------------ items

    def _store_page(self, items: Sequence[RemoteItem], *, advance_cursor: bool) -> None:
        """Store one page in one transaction (items, events, cursor, counters, heartbeat)."""
        latest: dict[str, RemoteItem] = {}
        for item in items:  # a page that repeats an item: keep its newest state
            if item.key not in latest or item.updated_at >= latest[item.key].updated_at:
                latest[item.key] = item
        for attempt in range(_PAGE_ATTEMPTS):
            people, sprints, closed = (
                dict(self.people),
                dict(self.sprints),
                set(self.closed_sprints),
            )
            try:
                with Session(self.engine) as session:
                    counts = self._write_items(session, list(latest.values()))
                    if advance_cursor and latest:
                        self._advance_cursor(session, max(i.updated_at for i in latest.values()))
                    run = session.get(SyncRun, self.run_id)
                    assert run is not None
                    self.totals.pages += 1
                    self.totals.items += counts[0]
                    self.totals.events += counts[1]
                    self._counters(run)
                    self.lock.heartbeat(session)
                    try:
                        session.commit()
                    except BaseException:
                        self.totals.pages -= 1
                        self.totals.items -= counts[0]
                        self.totals.events -= counts[1]
                        raise
                for item in latest.values():
                    self.totals.warnings += item.warnings
                break
            except (_RetryPage, IntegrityError):
                self.people, self.sprints, self.closed_sprints = people, sprints, closed
                if attempt + 1 == _PAGE_ATTEMPTS:
                    raise
                log.info(
                    "source %r: a page met concurrent changes; storing it again", self.config.name
                )
            except BaseException:
                self.people, self.sprints, self.closed_sprints = people, sprints, closed
                raise
        self._stage("items")

    def _advance_cursor(self, session: Session, seen: datetime) -> None:
        source = self._source(session)
        if source.cursor is None or datetime.fromisoformat(source.cursor) < seen:
            source.cursor = seen.isoformat()

    def _project_of(self, item: RemoteItem) -> int | None:
        return self.projects.get(item.project_key)

    def _write_items(self, session: Session, items: Sequence[RemoteItem]) -> tuple[int, int]:
        keys = {i.key for i in items} | {k for i in items for k in i.previous_keys}
        rows = {
            w.source_key: w
            for w in session.exec(
                select(WorkItem).where(
                    col(WorkItem.source_id) == self.config.id, col(WorkItem.source_key).in_(keys)
                )
            ).all()
        }
        known_ids = [w.id for w in rows.values() if w.id is not None]
        known_events: set[tuple[int, str]] = set()
        if known_ids:
            known_events = {
                (item_id, remote_id)
                for item_id, remote_id in session.exec(
                    select(ItemEvent.item_id, ItemEvent.remote_id).where(
                        col(ItemEvent.item_id).in_(known_ids), col(ItemEvent.remote_id).is_not(None)
                    )
                ).all()
                if remote_id is not None
            }
        stored_items = stored_events = 0
        for item in items:
            project_id = self._project_of(item)
            if project_id is None:
                raise PayloadError(
                    self.config.name,
                    f"{item.key} belongs to project {item.project_key}, which this source "
                    "does not sync",
                )
            row = rows.get(item.key) or next(
                (rows[k] for k in item.previous_keys if k in rows), None
            )
            item_id, was_gone = self._upsert_item(session, item, row, project_id)
            stored_items += 1
            stored_events += self._add_events(
                session, item, item_id, project_id, known_events, was_gone=was_gone
            )
        return stored_items, stored_events

    def _item_values(self, session: Session, item: RemoteItem, project_id: int) -> dict[str, Any]:
        for sprint in item.sprints:
            if sprint.key not in self.sprints:
                self._upsert_sprint(session, sprint, project_id=project_id)
        sprint_id = (
            self._sprint_id(session, item.current_sprint_key, project_id)
            if item.current_sprint_key
            else None
        )
        parent_id = None
        if item.parent_key:
            parent_id = session.exec(
                select(WorkItem.id).where(
                    col(WorkItem.source_id) == self.config.id,
                    col(WorkItem.source_key) == item.parent_key,
                )
            ).first()
            if parent_id is None:
                self.unresolved_parents[item.key] = item.parent_key
            else:
                self.unresolved_parents.pop(item.key, None)
        return {
            "source_key": item.key,
            "project_id": project_id,
            "type": item.type,
            "title": item.title,
            "status": item.status,
            "status_category": item.status_category,
            "points": item.points,
            "assignee_id": self._person_id(session, item.assignee),
            "parent_id": parent_id,
            "sprint_id": sprint_id,
            "created_at": item.created_at,
            "resolved_at": item.resolved_at,
            "updated_at": item.updated_at,
            "remote_version": item.remote_version,
        }

    def _upsert_item(
        self, session: Session, item: RemoteItem, row: WorkItem | None, project_id: int
    ) -> tuple[int, bool]:
        """Insert or update the item row; returns its id and whether it was marked gone."""
        values = self._item_values(session, item, project_id)
        if row is None:
            new = WorkItem(source_id=self.config.id, **values)
            session.add(new)
            session.flush()
            assert new.id is not None
            return new.id, False
        assert row.id is not None
        if values["parent_id"] is None and item.parent_key and row.parent_id is not None:
            values["parent_id"] = row.parent_id  # resolved earlier; keep it
        changes = {k: v for k, v in values.items() if getattr(row, k) != v}
        if not changes:
            return row.id, False
        was_gone = row.remote_version == GONE_VERSION
        result = session.exec(
            update(WorkItem)
            .where(col(WorkItem.id) == row.id, col(WorkItem.version) == row.version)
            .values({**changes, "version": row.version + 1})
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise _RetryPage()
        session.expire(row)
        return row.id, was_gone

    def _add_events(
        self,
        session: Session,
        item: RemoteItem,
        item_id: int,
        project_id: int,
        known: set[tuple[int, str]],
        *,
        was_gone: bool,
    ) -> int:
        events = list(item.events)
        if was_gone:
            events += self._reappearance(session, item, project_id)
        added = 0
        for event in events:
            if (item_id, event.remote_id) in known:
                continue
            session.add(self._event_row(session, item_id, event, project_id))
            known.add((item_id, event.remote_id))
            added += 1
        if added:
            session.flush()
        return added

    def _event_row(
        self, session: Session, item_id: int, event: RemoteEvent, project_id: int
    ) -> ItemEvent:
        sprint_id = (
            self._sprint_id(session, event.sprint_key, project_id) if event.sprint_key else None
        )
        return ItemEvent(
            item_id=item_id,
            at=event.at,
            kind=event.kind,
            status=event.status,
            status_category=event.status_category,
            points=event.points,
            sprint_id=sprint_id,
            assignee_id=self._person_id(session, event.assignee),
            origin=EventOrigin.REMOTE.value,
            remote_id=event.remote_id,
        )

    def _reappearance(
        self, session: Session, item: RemoteItem, project_id: int
    ) -> list[RemoteEvent]:
        """Events that undo the 'gone' marks when an item is back in the tracker."""
        now = self.clock()
        tag = f"back@{item.remote_version}"
        events = [
            RemoteEvent(
                tag,
                now,
                EventKind.STATUS.value,
                status=item.status,
                status_category=item.status_category,
            )
        ]
        for key in item.sprint_keys:
            if self._sprint_id(session, key, project_id) not in self.closed_sprints:
                events.append(
                    RemoteEvent(f"{tag}+{key}", now, EventKind.SPRINT_ADDED.value, sprint_key=key)
                )
        return events

    # ------------------------------------------------------------------ check and reconcile

    def _check(self, since: datetime | None) -> set[str]:
        """Compare (key, updated) of the window with the store; fetch what is missing or stale.

        Returns:
            The keys the tracker listed (on a full run: every item of the source).
        """
        listed: dict[str, datetime] = dict(self.connector.iter_item_versions(since=since))
        stale: list[str] = []
        keys = sorted(listed)
        with Session(self.engine) as session:
            for start in range(0, len(keys), _CHUNK):
                chunk = keys[start : start + _CHUNK]
                stored = dict(
                    session.exec(
                        select(WorkItem.source_key, WorkItem.remote_version).where(
                            col(WorkItem.source_id) == self.config.id,
                            col(WorkItem.source_key).in_(chunk),
                        )
                    ).all()
                )
                for key in chunk:
                    version = stored.get(key)
                    if _outdated(version, listed[key]):
                        stale.append(key)
        if stale:
            self.totals.warnings.append(
                f"{len(stale)} items were missing or outdated after paging; fetched by key"
            )
            for page in self.connector.fetch_items(stale):
                self._store_page(page.items, advance_cursor=False)
        return set(listed)

    def _reconcile(self, remote_keys: set[str]) -> None:
        """Full runs: items the tracker no longer lists are re-read, then stored or marked gone."""
        with Session(self.engine) as session:
            candidates = [
                key
                for key, version in session.exec(
                    select(WorkItem.source_key, WorkItem.remote_version).where(
                        col(WorkItem.source_id) == self.config.id
                    )
                ).all()
                if key not in remote_keys and version != GONE_VERSION
            ]
        for key in sorted(candidates):
            remote = self.connector.fetch_item(key)
            if remote is not None and remote.project_key in self.projects:
                self._store_page([remote], advance_cursor=False)
                continue
            why = (
                "deleted or no longer visible"
                if remote is None
                else (f"moved to project {remote.project_key}, which this source does not sync")
            )
            self._mark_gone(key, why)

    def _mark_gone(self, key: str, why: str) -> None:
        now = self.clock()
        tag = f"gone@{now.strftime('%Y%m%dT%H%M%S')}"
        with Session(self.engine) as session:
            row = session.exec(
                select(WorkItem).where(
                    col(WorkItem.source_id) == self.config.id, col(WorkItem.source_key) == key
                )
            ).one()
            assert row.id is not None
            members = _open_memberships(session, row)
            session.add(
                ItemEvent(
                    item_id=row.id,
                    at=now,
                    kind=EventKind.STATUS.value,
                    status=GONE_STATUS,
                    status_category=StatusCategory.CANCELLED.value,
                    origin=EventOrigin.REMOTE.value,
                    remote_id=tag,
                )
            )
            for sprint_id in sorted(members):
                session.add(
                    ItemEvent(
                        item_id=row.id,
                        at=now,
                        kind=EventKind.SPRINT_REMOVED.value,
                        sprint_id=sprint_id,
                        origin=EventOrigin.REMOTE.value,
                        remote_id=f"{tag}-{sprint_id}",
                    )
                )
            result = session.exec(
                update(WorkItem)
                .where(col(WorkItem.id) == row.id, col(WorkItem.version) == row.version)
                .values(
                    status=GONE_STATUS,
                    status_category=StatusCategory.CANCELLED.value,
                    sprint_id=None,
                    remote_version=GONE_VERSION,
                    version=row.version + 1,
                )
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:
                raise ConnectorError(
                    self.config.name, f"{key} changed while being marked gone; sync again"
                )
            self.lock.heartbeat(session)
            session.commit()
        self.totals.gone += 1
        self.totals.warnings.append(f"{key} is gone from the tracker ({why})")

    def _resolve_parents(self) -> None:
        if not self.unresolved_parents:
            return
        with Session(self.engine) as session:
            wanted = set(self.unresolved_parents) | set(self.unresolved_parents.values())
            ids = dict(
                session.exec(
                    select(WorkItem.source_key, WorkItem.id).where(
                        col(WorkItem.source_id) == self.config.id,
                        col(WorkItem.source_key).in_(wanted),
                    )
                ).all()
            )
            for child, parent in self.unresolved_parents.items():
                if child in ids and parent in ids:
                    session.exec(
                        update(WorkItem)
                        .where(col(WorkItem.id) == ids[child])
                        .values(parent_id=ids[parent])
                        .execution_options(synchronize_session=False)
                    )
            self.lock.heartbeat(session)
            session.commit()


def _outdated(version: str | None, listed: datetime) -> bool:
    """Whether a stored remote version is missing, gone, or older than the listed one."""
    if version is None or version == GONE_VERSION:
        return True
    return parse_jira_datetime(version) < listed


def _open_memberships(session: Session, item: WorkItem) -> set[int]:
    """The sprints (not closed) the item is in, replaying its stored sprint events."""
    members: set[int] = set()
    events = session.exec(
        select(ItemEvent.kind, ItemEvent.sprint_id)
        .where(
            col(ItemEvent.item_id) == item.id,
            col(ItemEvent.kind).in_([EventKind.SPRINT_ADDED.value, EventKind.SPRINT_REMOVED.value]),
        )
        .order_by(col(ItemEvent.at), col(ItemEvent.id))
    ).all()
    for kind, sprint_id in events:
        if sprint_id is None:
            continue
        if kind == EventKind.SPRINT_ADDED.value:
            members.add(sprint_id)
        else:
            members.discard(sprint_id)
    if item.sprint_id is not None:
        members.add(item.sprint_id)
    if not members:
        return members
    closed = set(
        session.exec(
            select(Sprint.id).where(
                col(Sprint.id).in_(members), col(Sprint.state) == SprintState.CLOSED.value
            )
        ).all()
    )
    return members - closed


def _named_project(session: Session, config: SourceConfig) -> int:
    """The project named in ``settings["project"]`` (by name or key), created if missing."""
    assert config.project is not None
    project = session.exec(
        select(Project).where(
            (col(Project.name) == config.project) | (col(Project.key) == config.project)
        )
    ).first()
    if project is None:
        key = _free_key(session, _key_from_name(config.project))
        project = Project(
            programme_id=_programme_id(session, config.name), key=key, name=config.project
        )
        session.add(project)
        session.flush()
    assert project.id is not None
    return project.id


def _project_for_remote(session: Session, config: SourceConfig, key: str, name: str) -> int:
    """A project for tracker project ``key``: the one with the same key and name, else a new one."""
    same = session.exec(
        select(Project).where(col(Project.key) == key, col(Project.name) == name)
    ).first()
    if same is not None and same.id is not None:
        return same.id
    project_name = name
    if session.exec(select(Project.id).where(col(Project.name) == project_name)).first():
        project_name = f"{name} ({config.name})"
    project = Project(
        programme_id=_programme_id(session, config.name),
        key=_free_key(session, key),
        name=project_name[:200],
    )
    session.add(project)
    session.flush()
    assert project.id is not None
    return project.id


def _key_from_name(name: str) -> str:
    letters = "".join(ch for ch in name.upper() if ch.isalnum())
    return (letters or "PROJECT")[:10]


def _free_key(session: Session, key: str) -> str:
    key = key[:20]
    candidate, number = key, 2
    while session.exec(select(Project.id).where(col(Project.key) == candidate)).first():
        suffix = f"-{number}"
        candidate = key[: 20 - len(suffix)] + suffix
        number += 1
    return candidate


def _programme_id(session: Session, name: str) -> int:
    programme = session.exec(select(Programme).where(col(Programme.name) == name)).first()
    if programme is None:
        programme = Programme(name=name, description=f"Projects synced from source {name!r}")
        session.add(programme)
        session.flush()
    assert programme.id is not None
    return programme.id


__all__ = [
    "GONE_STATUS",
    "GONE_VERSION",
    "ConnectorFactory",
    "ProgressHook",
    "SyncSummary",
    "default_connector",
    "load_source",
    "lock_source",
    "source_config",
    "sync_source",
]
