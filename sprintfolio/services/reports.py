"""The JSON documents of `sprintfolio report` (a public contract: keep every key as it is).

Timestamps are ISO 8601 in UTC, dates ISO 8601 (days in Europe/Berlin), points
and durations plain numbers; a value that does not exist yet is ``null``.
"""

from datetime import date, datetime, timedelta
from typing import Literal, TypedDict

from sqlmodel import Session, col, func, select

from metrics.calendar import BERLIN, local_date
from metrics.forecast import NoForecast
from metrics.model import DayValue, FigureSet
from models import Project, Sprint
from sprintfolio.services.errors import NotFoundError
from sprintfolio.services.flow import project_flow, project_forecast
from sprintfolio.services.loaders import sprint_window
from sprintfolio.services.projects import project_velocity
from sprintfolio.services.sprints import sprint_report


class SprintInfoJson(TypedDict):
    name: str
    state: str
    start: str | None
    end: str | None
    completed_at: str | None


class RemainingJson(TypedDict):
    date: str
    remaining: float | None


class FiguresJson(TypedDict):
    committed: float
    added: float
    removed: float
    completed: float
    not_completed: float
    remaining_by_day: list[RemainingJson]


def _figures(figures: FigureSet, days: list[RemainingJson], *, counts: bool) -> FiguresJson:
    number = int if counts else float
    return FiguresJson(
        committed=number(figures.committed),
        added=number(figures.added),
        removed=number(figures.removed),
        completed=number(figures.completed),
        not_completed=number(figures.not_completed),
        remaining_by_day=[
            RemainingJson(date=d["date"], remaining=None if d["remaining"] is None
                          else number(d["remaining"]))
            for d in days
        ],
    )  # fmt: skip


class SprintReportJson(TypedDict):
    project: str
    sprint: SprintInfoJson
    points: FiguresJson
    items: FiguresJson


class VelocitySprintJson(TypedDict):
    name: str
    start: str
    end: str
    committed: float
    completed: float


class VelocityReportJson(TypedDict):
    project: str
    sprints: list[VelocitySprintJson]
    velocity: float | None


class FlowItemJson(TypedDict):
    key: str
    started: str | None
    done: str | None
    cycle_time_days: float | None
    lead_time_days: float | None


class WeekJson(TypedDict):
    week_start: str
    count: int


class CfdJson(TypedDict):
    date: str
    todo: int
    in_progress: int
    done: int


class FlowReportJson(TypedDict):
    project: str
    items: list[FlowItemJson]
    throughput: list[WeekJson]
    cfd: list[CfdJson]


class PercentilesJson(TypedDict):
    p50: str | int | None
    p85: str | int | None
    p95: str | int | None


class ForecastReportJson(TypedDict):
    project: str
    today: str
    mode: Literal["when", "how_many"]
    items: int | None
    date: str | None
    trials: int | None
    percentiles: PercentilesJson | None
    reason: str | None


def _ts(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def find_project(session: Session, *, name: str) -> Project:
    """The project whose key or name is ``name`` (case-insensitive).

    Raises:
        NotFoundError: naming the known projects.
    """
    wanted = name.strip().lower()
    project = session.exec(
        select(Project).where(
            (func.lower(col(Project.key)) == wanted) | (func.lower(col(Project.name)) == wanted)
        )
    ).first()
    if project is None:
        known = ", ".join(f"{p.key} ({p.name})" for p in session.exec(select(Project)).all())
        raise NotFoundError(f"no project {name!r}; known projects: {known}")
    return project


def find_sprint(session: Session, *, project: Project, name: str) -> Sprint:
    """The sprint of ``project`` named ``name`` (case-insensitive).

    Raises:
        NotFoundError: naming the project's sprints.
    """
    sprints = session.exec(
        select(Sprint).where(Sprint.project_id == project.id).order_by(col(Sprint.start_at))
    ).all()
    for sprint in sprints:
        if sprint.name.strip().lower() == name.strip().lower():
            return sprint
    known = ", ".join(s.name for s in sprints)
    raise NotFoundError(f"project {project.key} has no sprint {name!r}; its sprints: {known}")


def _days(first: date, last: date, values: tuple[DayValue, ...]) -> list[RemainingJson]:
    known = {v.day: v.value for v in values}
    return [
        RemainingJson(date=day.isoformat(), remaining=known.get(day))
        for day in (first + timedelta(days=n) for n in range((last - first).days + 1))
    ]


def sprint_report_json(
    session: Session, *, project: str, sprint: str, now: datetime
) -> SprintReportJson:
    """Sprint figures in points and items with the remaining work per calendar day.

    ``remaining_by_day`` has one entry per calendar day from the start date to
    the end date (remaining at the end of that day, Europe/Berlin); days not
    reached yet are ``null``.
    """
    found = find_project(session, name=project)
    row = find_sprint(session, project=found, name=sprint)
    report = sprint_report(session, sprint_id=row.id or 0, now=now)
    window = sprint_window(row)
    first = local_date(window.start, BERLIN)
    last = local_date(window.end, BERLIN)
    return SprintReportJson(
        project=found.name,
        sprint=SprintInfoJson(
            name=row.name,
            state=row.state,
            start=_ts(row.start_at),
            end=_ts(row.end_at),
            completed_at=_ts(row.completed_at),
        ),
        points=_figures(
            report.figures.points,
            _days(first, last, report.burndown.remaining_by_day),
            counts=False,
        ),
        items=_figures(
            report.figures.items,
            _days(first, last, report.burndown_items.remaining_by_day),
            counts=True,
        ),
    )


def velocity_report_json(session: Session, *, project: str) -> VelocityReportJson:
    """Closed sprints in date order with committed and completed points, and the velocity."""
    found = find_project(session, name=project)
    velocity = project_velocity(session, project_key=found.key)
    return VelocityReportJson(
        project=found.name,
        sprints=[
            VelocitySprintJson(
                name=s.name,
                start=s.start_at.isoformat(),
                end=s.end_at.isoformat(),
                committed=s.committed,
                completed=s.completed,
            )
            for s in velocity.sprints
        ],
        velocity=velocity.velocity.mean if velocity.sprints else None,
    )


def flow_report_json(session: Session, *, project: str, now: datetime) -> FlowReportJson:
    """Cycle and lead times per item (calendar days, two decimals), throughput per week, CFD."""
    found = find_project(session, name=project)
    flow = project_flow(session, project_key=found.key, now=now)

    def days(value: float | None) -> float | None:
        return round(value, 2) if value is not None else None

    return FlowReportJson(
        project=found.name,
        items=[
            FlowItemJson(
                key=item.key,
                started=_ts(item.started),
                done=_ts(item.done),
                cycle_time_days=days(item.cycle_time_days),
                lead_time_days=days(item.lead_time_days),
            )
            for item in flow.items
        ],
        throughput=[
            WeekJson(week_start=w.week_start.isoformat(), count=w.count) for w in flow.throughput
        ],
        cfd=[
            CfdJson(date=d.day.isoformat(), todo=d.todo, in_progress=d.in_progress, done=d.done)
            for d in flow.cfd
        ],
    )


def forecast_report_json(
    session: Session,
    *,
    project: str,
    now: datetime,
    items: int | None = None,
    until: date | None = None,
) -> ForecastReportJson:
    """Monte Carlo percentiles: dates for N items (default: the open items), or counts by a date."""
    found = find_project(session, name=project)
    forecast = project_forecast(session, project_key=found.key, now=now, items=items, until=until)
    if until is not None:
        result = forecast.how_many
        percentiles = (
            None
            if result is None or isinstance(result, NoForecast)
            else PercentilesJson(p50=result.p50, p85=result.p85, p95=result.p95)
        )
        reason = result.message if isinstance(result, NoForecast) else None
        trials = None if result is None or isinstance(result, NoForecast) else result.trials
        return ForecastReportJson(
            project=found.name, today=forecast.today.isoformat(), mode="how_many", items=None,
            date=until.isoformat(), trials=trials, percentiles=percentiles, reason=reason,
        )  # fmt: skip
    when = forecast.when
    if isinstance(when, NoForecast):
        return ForecastReportJson(
            project=found.name, today=forecast.today.isoformat(), mode="when",
            items=forecast.open_items, date=None, trials=None, percentiles=None,
            reason=when.message,
        )  # fmt: skip

    def iso(value: date | None) -> str | None:
        return value.isoformat() if value is not None else None

    return ForecastReportJson(
        project=found.name, today=forecast.today.isoformat(), mode="when",
        items=forecast.open_items, date=None, trials=when.trials,
        percentiles=PercentilesJson(p50=iso(when.p50), p85=iso(when.p85), p95=iso(when.p95)),
        reason=None,
    )  # fmt: skip
