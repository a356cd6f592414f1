"""Flow and forecast of a project: cycle and lead times, throughput, CFD, WIP, burnup, Monte Carlo.

The population is every item of the project except epics (containers, not
work). Sub-tasks count in flow metrics (METRICS.md); the burnup and the points
forecast leave them out, since their parents carry the estimates.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from metrics.burnup import BurnupDay, compute_burnup
from metrics.calendar import BERLIN, WorkingCalendar, local_date
from metrics.flow import (
    CfdDay,
    ItemFlow,
    Percentiles,
    WeekCount,
    WipAge,
    cumulative_flow,
    item_flows,
    percentiles,
    throughput_per_week,
    wip_ages,
)
from metrics.forecast import (
    HowManyForecast,
    NoForecast,
    PointsForecast,
    WhenForecast,
    daily_throughput,
    forecast_how_many,
    forecast_points,
    forecast_when,
    throughput_window_start,
)
from metrics.model import Change, ItemInfo
from models import ItemEvent, Sprint, Team, WorkItem
from models.enums import ItemType, SprintState, StatusCategory
from sprintfolio.services.loaders import event_to_change, team_calendar
from sprintfolio.services.projects import get_project

#: Monte Carlo seed: the same data always gives the same forecast.
FORECAST_SEED = 20260101
_STATUS_ORDER = {"todo": 0, "in_progress": 1, "done": 2, "cancelled": 3}


@dataclass(frozen=True)
class ProjectHistory:
    """A project's items (no epics) and all their changes, with the team calendar."""

    project_key: str
    project_name: str
    target_date: date | None
    infos: dict[str, ItemInfo]
    changes: tuple[Change, ...]
    current_category: dict[str, str]
    current_points: dict[str, float | None]
    statuses: tuple[str, ...]
    calendar: WorkingCalendar


def load_project_history(session: Session, *, project_key: str) -> ProjectHistory:
    """Load every non-epic item of a project and all its events (two queries).

    Raises:
        NotFoundError: if the project does not exist.
    """
    project = get_project(session, project_key=project_key)
    team = session.get(Team, project.team_id) if project.team_id is not None else None
    items = session.exec(
        select(WorkItem).where(
            WorkItem.project_id == project.id, col(WorkItem.type) != ItemType.EPIC.value
        )
    ).all()
    key_of = {item.id: item.source_key for item in items}
    events = session.exec(
        select(ItemEvent)
        .join(WorkItem, col(WorkItem.id) == col(ItemEvent.item_id))
        .where(WorkItem.project_id == project.id, col(WorkItem.type) != ItemType.EPIC.value)
    ).all()
    changes = tuple(event_to_change(e, item_key=key_of[e.item_id]) for e in events)
    seen = {(item.status_category, item.status) for item in items}
    seen |= {(e.status_category or "", e.status) for e in events if e.status}
    statuses = tuple(
        dict.fromkeys(
            status for _, status in sorted(seen, key=lambda s: (_STATUS_ORDER.get(s[0], 9), s[1]))
        )
    )
    return ProjectHistory(
        project_key=project.key,
        project_name=project.name,
        target_date=project.target_date,
        infos={i.source_key: ItemInfo(i.source_key, i.type, i.title) for i in items},
        changes=changes,
        current_category={i.source_key: i.status_category for i in items},
        current_points={i.source_key: i.points for i in items},
        statuses=statuses,
        calendar=team_calendar(team),
    )


@dataclass(frozen=True)
class ProjectFlow:
    """Flow metrics of a project up to ``as_of``."""

    project_key: str
    project_name: str
    as_of: datetime
    first_day: date
    last_day: date
    items: tuple[ItemFlow, ...]
    titles: dict[str, str]
    cycle_time: Percentiles | None
    cycle_time_working: Percentiles | None
    lead_time: Percentiles | None
    lead_time_working: Percentiles | None
    throughput: tuple[WeekCount, ...]
    cfd: tuple[CfdDay, ...]
    statuses: tuple[str, ...]
    wip: tuple[WipAge, ...]
    burnup: tuple[BurnupDay, ...]


def project_flow(session: Session, *, project_key: str, now: datetime) -> ProjectFlow:
    """Cycle/lead time, throughput per ISO week, CFD, WIP age and burnup of a project.

    The period runs from the day of the project's first change to today (Europe/Berlin).

    Raises:
        NotFoundError: if the project does not exist.
    """
    history = load_project_history(session, project_key=project_key)
    known = [c for c in history.changes if c.at <= now]
    last_day = local_date(now, BERLIN)
    first_day = min((local_date(c.at, BERLIN) for c in known), default=last_day)
    flows = item_flows(known, as_of=now, calendar=history.calendar)
    done = [f for f in flows if f.done is not None]
    estimated = [c for c in known if history.infos[c.item].type != ItemType.SUBTASK.value]
    return ProjectFlow(
        project_key=history.project_key,
        project_name=history.project_name,
        as_of=now,
        first_day=first_day,
        last_day=last_day,
        items=tuple(flows),
        titles={key: info.title for key, info in history.infos.items()},
        cycle_time=percentiles([f.cycle_time_days for f in done if f.cycle_time_days is not None]),
        cycle_time_working=percentiles(
            [f.cycle_time_working_days for f in done if f.cycle_time_working_days is not None]
        ),
        lead_time=percentiles([f.lead_time_days for f in done if f.lead_time_days is not None]),
        lead_time_working=percentiles(
            [f.lead_time_working_days for f in done if f.lead_time_working_days is not None]
        ),
        throughput=tuple(throughput_per_week(flows, first=first_day, last=last_day)),
        cfd=tuple(
            cumulative_flow(known, first=first_day, last=last_day, statuses=history.statuses)
        ),
        statuses=history.statuses,
        wip=tuple(wip_ages(flows, as_of=now)),
        burnup=tuple(compute_burnup(estimated, first=first_day, last=last_day)),
    )


def throughput_history(
    done_days: list[date], *, first_seen: date, today: date, calendar: WorkingCalendar
) -> list[int]:
    """Items done per working day of the forecast's history window.

    The window is the last ``THROUGHPUT_WINDOW_DAYS`` working days up to yesterday
    (today is not over yet), but never before ``first_seen``, the day of the
    project's first recorded change: days before it are not zero throughput.
    """
    yesterday = today - timedelta(days=1)
    window_start = throughput_window_start(last=yesterday, calendar=calendar)
    return daily_throughput(
        done_days,
        first=min(max(window_start, first_seen), yesterday),
        last=yesterday,
        calendar=calendar,
    )


@dataclass(frozen=True)
class ProjectForecast:
    """Monte Carlo forecasts of a project as of ``today``."""

    project_key: str
    project_name: str
    today: date
    target_date: date | None
    open_items: int
    open_points: float
    when: WhenForecast | NoForecast
    how_many: HowManyForecast | NoForecast | None
    points: PointsForecast | NoForecast


def project_forecast(
    session: Session,
    *,
    project_key: str,
    now: datetime,
    items: int | None = None,
    until: date | None = None,
    seed: int = FORECAST_SEED,
) -> ProjectForecast:
    """When the open items will be done, how many by ``until``, and the points forecast.

    Args:
        session: The store.
        project_key: The project.
        now: The moment of the forecast; history after it is ignored.
        items: Items to forecast (default: the project's open items, sub-tasks included).
        until: With a date, also forecast how many items are done by then.
        seed: Monte Carlo seed.

    Raises:
        NotFoundError: if the project does not exist.
    """
    history = load_project_history(session, project_key=project_key)
    known = [c for c in history.changes if c.at <= now]
    today = local_date(now, BERLIN)
    flows = item_flows(known, as_of=now, calendar=history.calendar)
    first_seen = min((local_date(c.at, BERLIN) for c in known), default=today)
    throughput = throughput_history(
        [local_date(f.done, BERLIN) for f in flows if f.done is not None],
        first_seen=first_seen,
        today=today,
        calendar=history.calendar,
    )
    open_keys = [
        key
        for key, category in history.current_category.items()
        if category not in (StatusCategory.DONE.value, StatusCategory.CANCELLED.value)
    ]
    open_items = len(open_keys) if items is None else items
    open_points = sum(
        history.current_points[key] or 0.0
        for key in open_keys
        if history.infos[key].type != ItemType.SUBTASK.value
    )
    when = forecast_when(throughput, open_items, start=today, calendar=history.calendar, seed=seed)
    how_many = (
        forecast_how_many(
            throughput, start=today, until=until, calendar=history.calendar, seed=seed
        )
        if until is not None
        else None
    )
    velocities, next_start = _velocities_and_next_start(session, history.project_key, today)
    points = forecast_points(velocities, open_points, next_sprint_start=next_start, seed=seed)
    return ProjectForecast(
        project_key=history.project_key,
        project_name=history.project_name,
        today=today,
        target_date=history.target_date,
        open_items=open_items,
        open_points=open_points,
        when=when,
        how_many=how_many,
        points=points,
    )


def _velocities_and_next_start(
    session: Session, project_key: str, today: date
) -> tuple[list[float], date]:
    from sprintfolio.services.projects import project_velocity

    velocity = project_velocity(session, project_key=project_key)
    completed = [row.completed for row in velocity.sprints]
    project = get_project(session, project_key=project_key)
    upcoming = session.exec(
        select(Sprint)
        .where(
            Sprint.project_id == project.id,
            col(Sprint.state).in_([SprintState.ACTIVE.value, SprintState.FUTURE.value]),
            col(Sprint.start_at).is_not(None),
        )
        .order_by(col(Sprint.start_at))
    ).all()
    future = [s for s in upcoming if s.state == SprintState.FUTURE.value and s.start_at]
    if future and future[0].start_at is not None:
        return completed, local_date(future[0].start_at, BERLIN)
    active = [s for s in upcoming if s.end_at is not None]
    if active and active[0].end_at is not None:
        return completed, local_date(active[0].end_at, BERLIN) + timedelta(days=1)
    return completed, today + timedelta(days=1)
