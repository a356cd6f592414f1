"""Weekly project snapshots: the figures of each project as of the end of a week, and trends.

A snapshot is stored per project and ISO week (``ProjectSnapshot``, unique on
``(project_id, week_start)``; ``week_start`` is the Monday, Europe/Berlin).
Its figures are computed **as of the end of that week** (the last instant
before the next Monday 00:00 in Mainz), or as of ``now`` for the current
week, by replaying the items' events up to that moment (METRICS.md, "Time"):

- ``items_total`` / ``items_done``: items that exist then, without epics
  (containers) and sub-tasks (their parent carries the estimate), and without
  cancelled items; done = status category done then. ``points_total`` /
  ``points_done``: their points then (unestimated counts as 0). The same
  population as the portfolio's progress.
- ``velocity``: the mean completed points of the last 3 sprints *closed by
  then* (closed = ``completed_at``, or the planned end if a closed sprint has
  no completion time, at or before the moment); None before the first one.
- ``say_do_ratio``: the mean say/do ratio (completed ÷ committed points) of
  the same sprints, leaving out sprints with nothing committed; None if none.
- ``forecast_p85``: the 85th-percentile date of the Monte Carlo forecast
  "when will the open items be done" as the project's forecast service
  computes it (``sprintfolio.services.flow.project_forecast``: all non-epic
  items, sub-tasks included; throughput of the last 60 working days up to the
  day before; seed ``FORECAST_SEED``), but with the open items and the
  throughput replayed to the moment. None when there is no forecast: fewer
  than 10 working days of throughput history (e.g. the first weeks of a
  project) or not even half of the trials done within the five-year cap.
- ``health``: the overall RAG of ``metrics.health.project_health`` with what
  was known then: schedule (``forecast_p85`` against the target date),
  delivery (the say/do ratios above) and freshness. Freshness of the current
  week uses each source's ``last_success_at`` (as the portfolio does). For a
  past week it uses the last successful sync known to have finished by then
  (``SyncRun`` rows, or ``last_success_at`` if it is not later); a ``local``
  source (Sprintfolio is the tracker) is always current; a tracker source
  without a recorded sync by then is left out, so freshness turns grey (not
  assessable, ignored by "overall") rather than red for lack of sync history.

``taken_at`` is always the ``now`` the caller passes, never the clock, so a
seeded store stays deterministic. Writing is an idempotent upsert: taking the
snapshot of a week again overwrites the row with the figures computed now.
The commands (``take_snapshot``, ``snapshot_all``, ``backfill_snapshots``)
commit their own transaction; call them with a session that has no
uncommitted changes. Run one snapshot job at a time: of two jobs inserting the
same new week concurrently, the second fails on the unique constraint and
rolls back (running it again then updates the row).

Queries are set-based: a command loads all projects' items, events, closed
sprints and syncs in a fixed number of queries and replays each project's
history once, however many weeks it computes.
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, cast

from sqlmodel import Session, col, select

from metrics.calendar import BERLIN, WorkingCalendar, local_date
from metrics.forecast import (
    DEFAULT_TRIALS,
    NoForecast,
    WhenForecast,
    forecast_when,
)
from metrics.health import DEFAULT_THRESHOLDS, HealthThresholds, ProjectHealth, Rag, project_health
from metrics.model import Change, ItemState, SprintFigures
from metrics.replay import replay
from metrics.velocity import velocity as velocity_stat
from models import (
    ItemEvent,
    Project,
    ProjectSnapshot,
    ProjectSource,
    Source,
    Sprint,
    SyncRun,
    Team,
    WorkItem,
)
from models.enums import ItemType, SourceKind, SprintState, SyncOutcome
from sprintfolio.services.errors import NotFoundError, ServiceError
from sprintfolio.services.figures import figures_by_sprint
from sprintfolio.services.flow import FORECAST_SEED, throughput_history
from sprintfolio.services.loaders import event_to_change, team_calendar

__all__ = [
    "DEMO_SNAPSHOT_WEEKS",
    "TREND_MIN_WEEKS",
    "BackfillResult",
    "ClosedSprint",
    "HealthChange",
    "ProjectAssessment",
    "SnapshotError",
    "SnapshotRow",
    "Trend",
    "TrendStatus",
    "assess_projects",
    "backfill_demo_snapshots",
    "backfill_snapshots",
    "demo_snapshot_moment",
    "list_snapshots",
    "project_trend",
    "project_trends",
    "snapshot_all",
    "take_snapshot",
    "week_end",
    "week_start_of",
]

#: Weeks of history the demo seed backfills (half a year: "trend since last month" and more).
DEMO_SNAPSHOT_WEEKS = 26
#: A trend compares the latest snapshot with the newest one at least this many weeks older.
TREND_MIN_WEEKS = 4
#: The demo's "now": nothing in the seeded portfolio happens after today 09:00 in Mainz.
_DEMO_TIME = time(9, 0)
#: The most weeks one backfill computes (ten years).
MAX_BACKFILL_WEEKS = 520

_NOT_PROGRESS = (ItemType.EPIC.value, ItemType.SUBTASK.value)
_OPEN = ("todo", "in_progress")
_SEVERITY: dict[str, int] = {"green": 0, "amber": 1, "red": 2}

HealthChange = Literal["better", "worse", "same", "unknown"]
TrendStatus = Literal["ok", "no_snapshots", "no_baseline"]


class SnapshotError(ServiceError):
    """A snapshot cannot be taken as asked (a week in the future, not a Monday, a naive time)."""


# ------------------------------------------------------------------------------------- values


@dataclass(frozen=True)
class SnapshotRow:
    """A stored weekly snapshot of a project (the figures as of the end of ``week_start``'s week).

    Attributes:
        project_key: The project.
        week_start: Monday of the ISO week (Europe/Berlin).
        taken_at: When it was computed (the caller's ``now``).
        items_total: Items then, without epics, sub-tasks and cancelled items.
        items_done: Of these, done then.
        points_total: Their points then (unestimated as 0).
        points_done: Points of the done ones.
        velocity: Mean completed points of the last 3 sprints closed by then; None before one.
        say_do_ratio: Mean say/do ratio of those sprints; None if none had a commitment.
        forecast_p85: P85 date of the open items then; None without a forecast.
        health: Overall RAG then ("green", "amber", "red", "grey").
    """

    project_key: str
    week_start: date
    taken_at: datetime
    items_total: int
    items_done: int
    points_total: float
    points_done: float
    velocity: float | None
    say_do_ratio: float | None
    forecast_p85: date | None
    health: Rag | None

    @property
    def progress_points(self) -> float | None:
        """Done ÷ total points (0..1); None without points."""
        return self.points_done / self.points_total if self.points_total else None

    @property
    def progress_items(self) -> float | None:
        """Done ÷ total items (0..1); None without items."""
        return self.items_done / self.items_total if self.items_total else None


@dataclass(frozen=True)
class ClosedSprint:
    """A sprint closed by the moment of an assessment, with its figures (points)."""

    sprint_id: int
    name: str
    goal: str
    start_at: datetime
    end_at: datetime
    closed_at: datetime
    committed: float
    completed: float
    say_do_ratio: float | None


@dataclass(frozen=True)
class ProjectAssessment:
    """A project's figures as of one moment, replayed from its history (what a snapshot stores).

    ``forecast`` is the full Monte Carlo result (or why there is none) and
    ``health`` the three dimensions with their reason codes; ``closed_sprints``
    are all sprints closed by ``as_of``, oldest first (the last 3 make the
    velocity and the say/do ratio).
    """

    project_key: str
    as_of: datetime
    items_total: int
    items_done: int
    points_total: float
    points_done: float
    open_items: int
    velocity: float | None
    say_do_ratio: float | None
    forecast: WhenForecast | NoForecast
    health: ProjectHealth
    closed_sprints: tuple[ClosedSprint, ...]

    @property
    def forecast_p85(self) -> date | None:
        """The P85 date, or None without a forecast (or beyond the cap)."""
        return self.forecast.p85 if isinstance(self.forecast, WhenForecast) else None


@dataclass(frozen=True)
class BackfillResult:
    """What a backfill wrote: one snapshot per project and week (weeks before a project skipped)."""

    weeks: tuple[date, ...]
    rows: tuple[SnapshotRow, ...]
    skipped: tuple[tuple[str, date], ...]


@dataclass(frozen=True)
class Trend:
    """A project's change between its latest snapshot and one at least four weeks older.

    ``status`` is "ok" with both snapshots, "no_snapshots" without any, and
    "no_baseline" without one old enough (then the deltas are None).
    Deltas are latest − baseline: done points, progress in percentage points
    (points-based, e.g. +7.5 means from 40 % to 47.5 %), velocity.
    ``health_change`` compares the overall colours (grey or missing: "unknown").
    """

    project_key: str
    status: TrendStatus
    latest: SnapshotRow | None
    baseline: SnapshotRow | None
    weeks: int | None
    points_done_delta: float | None
    progress_pct_delta: float | None
    velocity_delta: float | None
    health_from: Rag | None
    health_to: Rag | None
    health_change: HealthChange


# -------------------------------------------------------------------------------- weeks


def week_start_of(moment: datetime) -> date:
    """The Monday of the ISO week (Europe/Berlin) that contains ``moment``."""
    day = local_date(_aware(moment, "moment"), BERLIN)
    return day - timedelta(days=day.weekday())


def week_end(week_start: date) -> datetime:
    """The last instant of the week starting on ``week_start`` (before next Monday 00:00 Mainz)."""
    following = datetime.combine(week_start + timedelta(days=7), time(), tzinfo=BERLIN)
    return following.astimezone(UTC) - timedelta(microseconds=1)


def demo_snapshot_moment(today: date) -> datetime:
    """The "now" of the demo seeded for ``today``: 09:00 in Mainz (nothing happens later)."""
    return datetime.combine(today, _DEMO_TIME, tzinfo=BERLIN)


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise SnapshotError(f"{name}={moment.isoformat()} is naive; pass an aware datetime")
    return moment


def _moment_of(week: date, now: datetime) -> datetime:
    """The moment a week's figures are computed at: its end, or ``now`` for the current week."""
    current = week_start_of(now)
    if week.weekday() != 0:
        monday = week - timedelta(days=week.weekday())
        raise SnapshotError(
            f"week_start {week.isoformat()} is a {week.strftime('%A')}; "
            f"pass the Monday of the week ({monday.isoformat()})"
        )
    if week > current:
        raise SnapshotError(
            f"week {week.isoformat()} is after the current week {current.isoformat()} "
            f"(now is {now.isoformat()}); a snapshot cannot see the future"
        )
    return now if week == current else week_end(week)


# ------------------------------------------------------------------------------ loading


@dataclass(frozen=True)
class _SourceSync:
    name: str
    local: bool
    last_success_at: datetime | None
    runs: tuple[datetime, ...]  # finished_at of successful runs, ascending

    def known_at(self, moment: datetime, *, current: bool) -> tuple[bool, datetime | None]:
        """(assessable, last sync) of this source as known at ``moment``."""
        if current:
            return True, self.last_success_at
        if self.local:
            return True, moment
        candidates = [self.runs[i - 1] for i in (bisect_right(self.runs, moment),) if i]
        if self.last_success_at is not None and self.last_success_at <= moment:
            candidates.append(self.last_success_at)
        return (True, max(candidates)) if candidates else (False, None)


@dataclass
class _ProjectData:
    """One project's replayed history and what its assessment needs."""

    project: Project
    calendar: WorkingCalendar
    types: dict[str, str]
    moments: dict[str, list[datetime]]
    states: dict[str, list[ItemState]]
    done_entries: dict[str, list[datetime]]
    first_change: datetime | None
    closed: list[tuple[Sprint, SprintFigures]]
    sources: list[_SourceSync]

    def state_at(self, key: str, moment: datetime) -> ItemState | None:
        applied = bisect_right(self.moments[key], moment)
        return self.states[key][applied - 1] if applied else None


def _load(session: Session, *, project_keys: Sequence[str] | None) -> list[_ProjectData]:
    """Load and replay the named projects (all if None), in key order: a fixed number of queries."""
    query = (
        select(Project, Team)
        .join(Team, col(Project.team_id) == col(Team.id), isouter=True)
        .order_by(col(Project.key))
    )
    if project_keys is not None:
        query = query.where(col(Project.key).in_(list(project_keys)))
    projects = session.exec(query).all()
    if project_keys is not None:
        missing = sorted(set(project_keys) - {p.key for p, _ in projects})
        if missing:
            known = ", ".join(session.exec(select(Project.key).order_by(col(Project.key))).all())
            raise NotFoundError(
                f"project {', '.join(map(repr, missing))} does not exist; known projects: {known}"
            )
    ids = [p.id for p, _ in projects if p.id is not None]
    if not ids:
        return []

    items = session.exec(
        select(WorkItem.id, WorkItem.project_id, WorkItem.type).where(
            col(WorkItem.project_id).in_(ids), col(WorkItem.type) != ItemType.EPIC.value
        )
    ).all()
    project_of = {int(item_id): int(pid) for item_id, pid, _ in items}
    types = {str(item_id): kind for item_id, _, kind in items}
    events = session.exec(
        select(ItemEvent)
        .join(WorkItem, col(WorkItem.id) == col(ItemEvent.item_id))
        .where(col(WorkItem.project_id).in_(ids), col(WorkItem.type) != ItemType.EPIC.value)
    ).all()
    changes_by_project: dict[int, list[Change]] = defaultdict(list)
    for event in events:
        changes_by_project[project_of[event.item_id]].append(
            event_to_change(event, item_key=str(event.item_id))
        )

    sprints = session.exec(
        select(Sprint).where(
            col(Sprint.project_id).in_(ids),
            Sprint.state == SprintState.CLOSED.value,
            col(Sprint.start_at).is_not(None),
            col(Sprint.end_at).is_not(None),
        )
    ).all()
    figures = figures_by_sprint(session, sprints=sprints, now=None)
    closed_by_project: dict[int, list[tuple[Sprint, SprintFigures]]] = defaultdict(list)
    for sprint in sorted(sprints, key=lambda s: (_closed_at(s), s.start_at, s.id or 0)):
        closed_by_project[sprint.project_id].append((sprint, figures[sprint.id or 0]))

    sources = _sources(session, ids)
    loaded: list[_ProjectData] = []
    for project, team in projects:
        pid = project.id or 0
        data = _replay(project, team_calendar(team), changes_by_project.get(pid, []), types)
        data.closed = closed_by_project.get(pid, [])
        data.sources = sources.get(pid, [])
        loaded.append(data)
    return loaded


def _closed_at(sprint: Sprint) -> datetime:
    moment = sprint.completed_at or sprint.end_at
    assert moment is not None
    return moment


def _replay(
    project: Project, calendar: WorkingCalendar, changes: list[Change], types: Mapping[str, str]
) -> _ProjectData:
    """Replay a project's changes once, keeping each item's states and its entries into done."""
    moments: dict[str, list[datetime]] = defaultdict(list)
    states: dict[str, list[ItemState]] = defaultdict(list)
    done_entries: dict[str, list[datetime]] = defaultdict(list)
    first: datetime | None = None
    for transition in replay(changes):
        key, at = transition.change.item, transition.change.at
        first = at if first is None else first
        moments[key].append(at)
        states[key].append(transition.after)
        if transition.after.category == "done" and transition.before.category != "done":
            done_entries[key].append(at)
    return _ProjectData(
        project=project,
        calendar=calendar,
        types={key: types[key] for key in moments},
        moments=dict(moments),
        states=dict(states),
        done_entries=dict(done_entries),
        first_change=first,
        closed=[],
        sources=[],
    )


def _sources(session: Session, project_ids: Sequence[int]) -> dict[int, list[_SourceSync]]:
    """The sources linked to or feeding each project, with their successful sync times."""
    linked = session.exec(
        select(ProjectSource.project_id, ProjectSource.source_id).where(
            col(ProjectSource.project_id).in_(project_ids)
        )
    ).all()
    feeding = session.exec(
        select(WorkItem.project_id, WorkItem.source_id)
        .where(col(WorkItem.project_id).in_(project_ids))
        .distinct()
    ).all()
    pairs = {(int(pid), int(sid)) for pid, sid in [*linked, *feeding]}
    source_ids = sorted({sid for _, sid in pairs})
    if not source_ids:
        return {}
    rows = session.exec(select(Source).where(col(Source.id).in_(source_ids))).all()
    runs: dict[int, list[datetime]] = defaultdict(list)
    for source_id, finished in session.exec(
        select(SyncRun.source_id, SyncRun.finished_at).where(
            col(SyncRun.source_id).in_(source_ids),
            SyncRun.outcome == SyncOutcome.OK.value,
            col(SyncRun.finished_at).is_not(None),
        )
    ).all():
        runs[int(source_id)].append(finished)
    syncs = {
        source.id or 0: _SourceSync(
            name=source.name,
            local=source.kind == SourceKind.LOCAL.value,
            last_success_at=source.last_success_at,
            runs=tuple(sorted(runs.get(source.id or 0, []))),
        )
        for source in rows
    }
    result: dict[int, list[_SourceSync]] = defaultdict(list)
    for pid, sid in sorted(pairs, key=lambda p: (p[0], syncs[p[1]].name)):
        result[pid].append(syncs[sid])
    return dict(result)


# ---------------------------------------------------------------------------- assessing


def _assess(
    data: _ProjectData,
    moment: datetime,
    *,
    current: bool,
    thresholds: HealthThresholds,
    trials: int,
) -> ProjectAssessment:
    """The figures of one project as of ``moment`` (see the module docstring)."""
    items_total = items_done = open_items = 0
    points_total = points_done = 0.0
    done_days: list[date] = []
    for key in data.moments:
        state = data.state_at(key, moment)
        if state is None or not state.exists:
            continue
        if state.category in _OPEN:
            open_items += 1
        elif state.category == "done":
            entries = data.done_entries.get(key, [])
            entered = entries[bisect_right(entries, moment) - 1] if entries else None
            if entered is not None:
                done_days.append(local_date(entered, BERLIN))
        if data.types[key] in _NOT_PROGRESS or state.category == "cancelled":
            continue
        items_total += 1
        points_total += state.points or 0.0
        if state.category == "done":
            items_done += 1
            points_done += state.points or 0.0

    closed = [
        ClosedSprint(
            sprint_id=sprint.id or 0,
            name=sprint.name,
            goal=sprint.goal,
            start_at=cast(datetime, sprint.start_at),
            end_at=cast(datetime, sprint.end_at),
            closed_at=_closed_at(sprint),
            committed=figures.points.committed,
            completed=figures.points.completed,
            say_do_ratio=figures.say_do_ratio,
        )
        for sprint, figures in data.closed
        if _closed_at(sprint) <= moment
    ]
    window = closed[-thresholds.delivery_window_sprints :]
    stat = velocity_stat([s.completed for s in window], window=thresholds.delivery_window_sprints)
    ratios = [s.say_do_ratio for s in window if s.say_do_ratio is not None]
    say_do = sum(ratios) / len(ratios) if ratios else None

    today = local_date(moment, BERLIN)
    forecast = _forecast(data, moment, today, done_days, open_items, trials)
    p85 = forecast.p85 if isinstance(forecast, WhenForecast) else None
    syncs = [sync.known_at(moment, current=current) for sync in data.sources]
    health = project_health(
        forecast_p85=p85,
        target_date=data.project.target_date,
        today=today,
        say_do_ratios=ratios,
        last_syncs=[at for assessable, at in syncs if assessable],
        now=moment,
        thresholds=thresholds,
    )
    return ProjectAssessment(
        project_key=data.project.key,
        as_of=moment,
        items_total=items_total,
        items_done=items_done,
        points_total=points_total,
        points_done=points_done,
        open_items=open_items,
        velocity=stat.mean if stat is not None else None,
        say_do_ratio=say_do,
        forecast=forecast,
        health=health,
        closed_sprints=tuple(closed),
    )


def _forecast(
    data: _ProjectData,
    moment: datetime,
    today: date,
    done_days: list[date],
    open_items: int,
    trials: int,
) -> WhenForecast | NoForecast:
    """The "when" forecast as ``project_forecast`` computes it, from the state at ``moment``."""
    first_seen = (
        local_date(data.first_change, BERLIN)
        if data.first_change is not None and data.first_change <= moment
        else today
    )
    throughput = throughput_history(
        done_days, first_seen=first_seen, today=today, calendar=data.calendar
    )
    return forecast_when(
        throughput,
        open_items,
        start=today,
        calendar=data.calendar,
        trials=trials,
        seed=FORECAST_SEED,
    )


def assess_projects(
    session: Session,
    *,
    now: datetime,
    project_keys: Sequence[str] | None = None,
    thresholds: HealthThresholds = DEFAULT_THRESHOLDS,
    trials: int = DEFAULT_TRIALS,
) -> dict[str, ProjectAssessment]:
    """Every project's (or the named projects') figures as of ``now``, by key (read-only).

    The same computation a snapshot of the current week stores, with the full
    forecast, the health dimensions and the closed sprints (for reports).

    Raises:
        NotFoundError: If a named project does not exist.
        SnapshotError: If ``now`` is naive.
    """
    _aware(now, "now")
    return {
        data.project.key: _assess(data, now, current=True, thresholds=thresholds, trials=trials)
        for data in _load(session, project_keys=project_keys)
    }


# ------------------------------------------------------------------------------ storing


def _row(project_key: str, snapshot: ProjectSnapshot) -> SnapshotRow:
    return SnapshotRow(
        project_key=project_key,
        week_start=snapshot.week_start,
        taken_at=snapshot.taken_at,
        items_total=snapshot.items_total,
        items_done=snapshot.items_done,
        points_total=snapshot.points_total,
        points_done=snapshot.points_done,
        velocity=snapshot.velocity,
        say_do_ratio=snapshot.say_do_ratio,
        forecast_p85=snapshot.forecast_p85,
        health=cast(Rag | None, snapshot.health),
    )


def _require_clean(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        raise SnapshotError(
            "the session holds uncommitted changes; commit or roll them back before taking "
            "snapshots (the command commits its own transaction)"
        )


def _store(
    session: Session,
    assessments: Iterable[tuple[_ProjectData, date, ProjectAssessment]],
    *,
    now: datetime,
) -> list[SnapshotRow]:
    """Upsert on (project_id, week_start) and commit; one query finds the existing rows."""
    wanted = list(assessments)
    if not wanted:
        return []
    project_ids = sorted({data.project.id or 0 for data, _, _ in wanted})
    weeks = sorted({week for _, week, _ in wanted})
    existing = {
        (s.project_id, s.week_start): s
        for s in session.exec(
            select(ProjectSnapshot).where(
                col(ProjectSnapshot.project_id).in_(project_ids),
                col(ProjectSnapshot.week_start).in_(weeks),
            )
        ).all()
    }
    stored: list[tuple[str, ProjectSnapshot]] = []
    try:
        for data, week, figures in wanted:
            pid = data.project.id or 0
            snapshot = existing.get((pid, week))
            if snapshot is None:
                snapshot = ProjectSnapshot(project_id=pid, week_start=week)
                session.add(snapshot)
            snapshot.taken_at = now.astimezone(UTC)
            snapshot.items_total = figures.items_total
            snapshot.items_done = figures.items_done
            snapshot.points_total = figures.points_total
            snapshot.points_done = figures.points_done
            snapshot.velocity = figures.velocity
            snapshot.say_do_ratio = figures.say_do_ratio
            snapshot.forecast_p85 = figures.forecast_p85
            snapshot.health = figures.health.overall
            stored.append((data.project.key, snapshot))
        session.flush()
        rows = [_row(key, snapshot) for key, snapshot in stored]
        session.commit()
    except Exception:
        session.rollback()
        raise
    return rows


def take_snapshot(
    session: Session,
    *,
    project_key: str,
    week_start: date,
    now: datetime,
    thresholds: HealthThresholds = DEFAULT_THRESHOLDS,
    trials: int = DEFAULT_TRIALS,
) -> SnapshotRow:
    """Compute and store one project's snapshot of the week starting ``week_start``; commit.

    Args:
        session: The store (no uncommitted changes).
        project_key: The project.
        week_start: The Monday of the week (Europe/Berlin), not after the current week.
        now: The current instant (aware); the current week is computed as of it,
            and it is stored as ``taken_at``.
        thresholds: The RAG thresholds.
        trials: Monte Carlo trials of the forecast.

    Returns:
        The stored snapshot.

    Raises:
        NotFoundError: If the project does not exist.
        SnapshotError: If ``week_start`` is not a Monday or lies after the current week,
            ``now`` is naive, or the session has uncommitted changes.
    """
    _aware(now, "now")
    _require_clean(session)
    moment = _moment_of(week_start, now)
    (data,) = _load(session, project_keys=[project_key])
    figures = _assess(data, moment, current=moment == now, thresholds=thresholds, trials=trials)
    (row,) = _store(session, [(data, week_start, figures)], now=now)
    return row


def snapshot_all(
    session: Session,
    *,
    now: datetime,
    thresholds: HealthThresholds = DEFAULT_THRESHOLDS,
    trials: int = DEFAULT_TRIALS,
) -> list[SnapshotRow]:
    """Store the current week's snapshot of every project (as of ``now``); commit.

    Meant for a weekly (or daily: the current week's row is simply refreshed) job.

    Returns:
        The stored snapshots, by project key.

    Raises:
        SnapshotError: If ``now`` is naive or the session has uncommitted changes.
    """
    _aware(now, "now")
    _require_clean(session)
    week = week_start_of(now)
    loaded = _load(session, project_keys=None)
    return _store(
        session,
        (
            (data, week, _assess(data, now, current=True, thresholds=thresholds, trials=trials))
            for data in loaded
        ),
        now=now,
    )


def backfill_snapshots(
    session: Session,
    *,
    weeks: int,
    now: datetime,
    project_keys: Sequence[str] | None = None,
    thresholds: HealthThresholds = DEFAULT_THRESHOLDS,
    trials: int = DEFAULT_TRIALS,
) -> BackfillResult:
    """Store the snapshots of the last ``weeks`` weeks (the current one included) of every project.

    Each past week is computed as of its end, the current week as of ``now``;
    existing snapshots of these weeks are overwritten (idempotent). Past weeks
    that end before a project's first recorded change and before its start
    date are skipped (listed in ``skipped``): a project that did not exist yet
    has no figures to show; the current week is always stored, as by
    ``snapshot_all``. One transaction, committed at the end.

    Args:
        session: The store (no uncommitted changes).
        weeks: How many weeks, 1 to ``MAX_BACKFILL_WEEKS``.
        now: The current instant (aware), stored as ``taken_at`` of every row.
        project_keys: Only these projects (default: all).
        thresholds: The RAG thresholds.
        trials: Monte Carlo trials per forecast.

    Returns:
        The weeks (oldest first), the stored rows (by project, then week) and the skipped pairs.

    Raises:
        NotFoundError: If a named project does not exist.
        SnapshotError: If ``weeks`` is out of range, ``now`` is naive, or the session
            has uncommitted changes.
    """
    _aware(now, "now")
    if (
        isinstance(weeks, bool)
        or not isinstance(weeks, int)
        or not 1 <= weeks <= MAX_BACKFILL_WEEKS
    ):
        raise SnapshotError(
            f"weeks is {weeks!r}; pass a whole number from 1 to {MAX_BACKFILL_WEEKS}"
        )
    _require_clean(session)
    current = week_start_of(now)
    week_starts = tuple(current - timedelta(days=7 * back) for back in range(weeks - 1, -1, -1))
    wanted: list[tuple[_ProjectData, date, ProjectAssessment]] = []
    skipped: list[tuple[str, date]] = []
    for data in _load(session, project_keys=project_keys):
        begins = _begins(data)
        for week in week_starts:
            moment = _moment_of(week, now)
            if week != current and (begins is None or moment < begins):
                skipped.append((data.project.key, week))
                continue
            figures = _assess(
                data, moment, current=moment == now, thresholds=thresholds, trials=trials
            )
            wanted.append((data, week, figures))
    rows = _store(session, wanted, now=now)
    return BackfillResult(weeks=week_starts, rows=tuple(rows), skipped=tuple(skipped))


def _begins(data: _ProjectData) -> datetime | None:
    """When a project's figures begin: its first change or its start date, whichever is first."""
    starts = [data.first_change] if data.first_change is not None else []
    if data.project.start_date is not None:
        starts.append(datetime.combine(data.project.start_date, time(), tzinfo=BERLIN))
    return min(starts) if starts else None


def backfill_demo_snapshots(session: Session, *, today: date) -> BackfillResult:
    """Backfill ``DEMO_SNAPSHOT_WEEKS`` weeks for the demo seeded for ``today``; commit.

    ``now`` is ``demo_snapshot_moment(today)`` (09:00 in Mainz), so the
    snapshots, like the seed, are the same on every run for the same day.
    """
    return backfill_snapshots(session, weeks=DEMO_SNAPSHOT_WEEKS, now=demo_snapshot_moment(today))


# ------------------------------------------------------------------------------- reading


def list_snapshots(
    session: Session, *, project_key: str, since: date | None = None
) -> list[SnapshotRow]:
    """A project's stored snapshots, oldest first (from the week of ``since`` on, if given).

    Raises:
        NotFoundError: If the project does not exist.
    """
    (data,) = _projects_by_key(session, [project_key])
    query = select(ProjectSnapshot).where(ProjectSnapshot.project_id == data.id)
    if since is not None:
        query = query.where(
            col(ProjectSnapshot.week_start) >= since - timedelta(days=since.weekday())
        )
    rows = session.exec(query.order_by(col(ProjectSnapshot.week_start))).all()
    return [_row(data.key, row) for row in rows]


def _projects_by_key(session: Session, keys: Sequence[str] | None) -> list[Project]:
    query = select(Project).order_by(col(Project.key))
    if keys is not None:
        query = query.where(col(Project.key).in_(list(keys)))
    projects = list(session.exec(query).all())
    if keys is not None and len(projects) < len(set(keys)):
        missing = sorted(set(keys) - {p.key for p in projects})
        known = ", ".join(session.exec(select(Project.key).order_by(col(Project.key))).all())
        raise NotFoundError(
            f"project {', '.join(map(repr, missing))} does not exist; known projects: {known}"
        )
    return projects


def project_trends(
    session: Session, *, now: datetime, project_keys: Sequence[str] | None = None
) -> dict[str, Trend]:
    """The trend of every project (or the named ones), by key, from two queries.

    The latest snapshot is the newest one of a week not after the current
    week of ``now``; the baseline is the newest one whose week starts at least
    ``TREND_MIN_WEEKS`` weeks before it.

    Raises:
        NotFoundError: If a named project does not exist.
        SnapshotError: If ``now`` is naive.
    """
    current = week_start_of(_aware(now, "now"))
    projects = _projects_by_key(session, project_keys)
    by_id = {p.id or 0: p.key for p in projects}
    snapshots: dict[str, list[ProjectSnapshot]] = defaultdict(list)
    if by_id:
        for snapshot in session.exec(
            select(ProjectSnapshot)
            .where(
                col(ProjectSnapshot.project_id).in_(list(by_id)),
                col(ProjectSnapshot.week_start) <= current,
            )
            .order_by(col(ProjectSnapshot.week_start))
        ).all():
            snapshots[by_id[snapshot.project_id]].append(snapshot)
    return {p.key: _trend(p.key, snapshots.get(p.key, [])) for p in projects}


def project_trend(session: Session, *, project_key: str, now: datetime) -> Trend:
    """The trend of one project since about a month ago (see ``project_trends``).

    Raises:
        NotFoundError: If the project does not exist.
        SnapshotError: If ``now`` is naive.
    """
    return project_trends(session, now=now, project_keys=[project_key])[project_key]


def _trend(key: str, snapshots: Sequence[ProjectSnapshot]) -> Trend:
    if not snapshots:
        return Trend(key, "no_snapshots", None, None, None, None, None, None, None, None, "unknown")
    latest = _row(key, snapshots[-1])
    limit = latest.week_start - timedelta(weeks=TREND_MIN_WEEKS)
    older = [s for s in snapshots if s.week_start <= limit]
    if not older:
        return Trend(
            key, "no_baseline", latest, None, None, None, None, None, None, latest.health,
            "unknown",
        )  # fmt: skip
    baseline = _row(key, older[-1])
    progress_now, progress_then = latest.progress_points, baseline.progress_points
    return Trend(
        project_key=key,
        status="ok",
        latest=latest,
        baseline=baseline,
        weeks=(latest.week_start - baseline.week_start).days // 7,
        points_done_delta=latest.points_done - baseline.points_done,
        progress_pct_delta=(
            (progress_now - progress_then) * 100
            if progress_now is not None and progress_then is not None
            else None
        ),
        velocity_delta=(
            latest.velocity - baseline.velocity
            if latest.velocity is not None and baseline.velocity is not None
            else None
        ),
        health_from=baseline.health,
        health_to=latest.health,
        health_change=_health_change(baseline.health, latest.health),
    )


def _health_change(before: Rag | None, after: Rag | None) -> HealthChange:
    if before not in _SEVERITY or after not in _SEVERITY:
        return "unknown"
    assert before is not None and after is not None
    if _SEVERITY[after] < _SEVERITY[before]:
        return "better"
    if _SEVERITY[after] > _SEVERITY[before]:
        return "worse"
    return "same"
