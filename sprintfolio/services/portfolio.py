"""The portfolio overview: every project's sprint, velocity, progress and health."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from metrics.calendar import BERLIN, local_date
from metrics.forecast import NoForecast, WhenForecast
from metrics.health import DEFAULT_THRESHOLDS, HealthThresholds, ProjectHealth
from metrics.model import SprintFigures
from models import Programme, Project, ProjectSource, Source, Sprint, Team, WorkItem
from models.enums import ItemType, SprintState, StatusCategory
from sprintfolio.services.figures import VelocitySummary, figures_by_sprint, summarise_velocity
from sprintfolio.services.loaders import team_calendar
from sprintfolio.services.projects import closed_sprints, sprint_order
from sprintfolio.services.snapshots import assess_projects

#: Item types that progress does not count: epics group work, sub-tasks split it.
PROGRESS_EXCLUDED_TYPES = (ItemType.EPIC.value, ItemType.SUBTASK.value)


@dataclass(frozen=True)
class ActiveSprintSummary:
    """The running sprint of a project, with its figures so far (points).

    ``days_left`` counts calendar days from today to the last day;
    ``working_days_left`` the team's working days from today through the last day.
    """

    sprint_id: int
    name: str
    start_at: datetime
    end_at: datetime
    days_left: int
    working_days_left: int
    committed_points: float
    added_points: float
    removed_points: float
    completed_points: float

    @property
    def scope_points(self) -> float:
        """Committed plus added points: the work the sprint took on so far."""
        return self.committed_points + self.added_points


@dataclass(frozen=True)
class Progress:
    """Done versus all items and points of a project (epics, sub-tasks, cancelled left out)."""

    done_points: float
    total_points: float
    done_items: int
    total_items: int

    @property
    def points_ratio(self) -> float | None:
        return self.done_points / self.total_points if self.total_points else None

    @property
    def items_ratio(self) -> float | None:
        return self.done_items / self.total_items if self.total_items else None


@dataclass(frozen=True)
class ProjectSummary:
    """One row of the portfolio overview."""

    key: str
    name: str
    programme: str
    owner: str
    tags: tuple[str, ...]
    target_date: date | None
    team: str | None
    active_sprint: ActiveSprintSummary | None
    velocity: VelocitySummary
    closed_sprint_count: int
    progress: Progress
    health: ProjectHealth
    forecast: WhenForecast | NoForecast
    last_sync_at: datetime | None

    @property
    def forecast_p85(self) -> date | None:
        """The date by which the open items are done in 85 % of the forecast's trials."""
        return self.forecast.p85 if isinstance(self.forecast, WhenForecast) else None


def _progress_by_project(session: Session) -> dict[int, Progress]:
    """One grouped query over all items: count and points per project and status category."""
    rows = session.exec(
        select(
            WorkItem.project_id,
            WorkItem.status_category,
            func.count(),
            func.coalesce(func.sum(WorkItem.points), 0.0),
        )
        .where(
            col(WorkItem.type).not_in(PROGRESS_EXCLUDED_TYPES),
            col(WorkItem.status_category) != StatusCategory.CANCELLED.value,
        )
        .group_by(col(WorkItem.project_id), col(WorkItem.status_category))
    ).all()
    done_points: dict[int, float] = defaultdict(float)
    total_points: dict[int, float] = defaultdict(float)
    done_items: dict[int, int] = defaultdict(int)
    total_items: dict[int, int] = defaultdict(int)
    for project_id, category, count, points in rows:
        total_points[project_id] += float(points)
        total_items[project_id] += int(count)
        if category == StatusCategory.DONE.value:
            done_points[project_id] += float(points)
            done_items[project_id] += int(count)
    return {
        pid: Progress(done_points[pid], total_points[pid], done_items[pid], total_items[pid])
        for pid in total_items
    }


def _sources_by_project(session: Session) -> dict[int, list[tuple[str, datetime | None]]]:
    """The sources linked to each project or feeding its items (two small queries)."""
    linked = session.exec(
        select(ProjectSource.project_id, Source.name, Source.last_success_at).join(
            Source, col(ProjectSource.source_id) == col(Source.id)
        )
    ).all()
    feeding = session.exec(
        select(WorkItem.project_id, Source.name, Source.last_success_at)
        .join(Source, col(WorkItem.source_id) == col(Source.id))
        .distinct()
    ).all()
    result: dict[int, dict[str, datetime | None]] = defaultdict(dict)
    for project_id, name, last in [*linked, *feeding]:
        result[project_id][name] = last
    return {pid: sorted(sources.items()) for pid, sources in result.items()}


def portfolio_overview(
    session: Session,
    *,
    now: datetime,
    tz: ZoneInfo = BERLIN,
    thresholds: HealthThresholds = DEFAULT_THRESHOLDS,
) -> list[ProjectSummary]:
    """Every project with its active sprint, velocity, progress and health, ordered by key.

    Velocity uses the last ``thresholds.delivery_window_sprints`` closed
    sprints; the active sprint's figures see only the changes known at ``now``.
    Health and the "when" forecast come from ``snapshots.assess_projects`` (the
    same figures a weekly snapshot stores), so page, snapshot and report agree.
    A fixed number of queries, whatever the number of projects.

    Args:
        session: The store.
        now: The current instant (aware).
        tz: The zone in which days are counted.
        thresholds: The RAG thresholds.
    """
    projects = session.exec(
        select(Project, Programme.name, Team)
        .join(Programme, col(Project.programme_id) == col(Programme.id))
        .join(Team, col(Project.team_id) == col(Team.id), isouter=True)
        .order_by(col(Project.key))
    ).all()
    sprints_by_project: dict[int, list[Sprint]] = defaultdict(list)
    for sprint in session.exec(select(Sprint)).all():
        sprints_by_project[sprint.project_id].append(sprint)

    window = thresholds.delivery_window_sprints
    recent: dict[int, list[Sprint]] = {}
    active: dict[int, Sprint | None] = {}
    for project, _, _ in projects:
        pid = project.id or 0
        ordered = sorted(sprints_by_project.get(pid, []), key=sprint_order)
        recent[pid] = closed_sprints(ordered)[-window:]
        running = [
            s
            for s in ordered
            if s.state == SprintState.ACTIVE and s.start_at is not None and s.end_at is not None
        ]
        active[pid] = running[-1] if running else None
    wanted = [s for pid in recent for s in recent[pid]]
    wanted += [s for s in active.values() if s is not None]
    figures = figures_by_sprint(session, sprints=wanted, now=now)
    progress = _progress_by_project(session)
    sources = _sources_by_project(session)
    assessments = assess_projects(session, now=now, thresholds=thresholds)
    today = local_date(now, tz)

    summaries: list[ProjectSummary] = []
    for project, programme, team in projects:
        pid = project.id or 0
        closed = recent[pid]
        completed = [figures[s.id or 0].points.completed for s in closed]
        project_sources = sources.get(pid, [])
        syncs = [at for _, at in project_sources if at is not None]
        summaries.append(
            ProjectSummary(
                key=project.key,
                name=project.name,
                programme=programme,
                owner=project.owner,
                tags=tuple(project.tags),
                target_date=project.target_date,
                team=team.name if team is not None else None,
                active_sprint=_active_summary(active[pid], figures, team, today, tz),
                velocity=summarise_velocity(completed, window=window),
                closed_sprint_count=len(closed_sprints(sprints_by_project.get(pid, []))),
                progress=progress.get(pid, Progress(0.0, 0.0, 0, 0)),
                health=assessments[project.key].health,
                forecast=assessments[project.key].forecast,
                last_sync_at=min(syncs) if syncs else None,
            )
        )
    return summaries


def _active_summary(
    sprint: Sprint | None,
    figures: dict[int, SprintFigures],
    team: Team | None,
    today: date,
    tz: ZoneInfo,
) -> ActiveSprintSummary | None:
    if sprint is None or sprint.start_at is None or sprint.end_at is None:
        return None
    f = figures[sprint.id or 0]
    end_day = local_date(sprint.end_at, tz)
    working = team_calendar(team).working_days(today, end_day) if end_day >= today else []
    return ActiveSprintSummary(
        sprint_id=sprint.id or 0,
        name=sprint.name,
        start_at=sprint.start_at,
        end_at=sprint.end_at,
        days_left=max(0, (end_day - today).days),
        working_days_left=len(working),
        committed_points=f.points.committed,
        added_points=f.points.added,
        removed_points=f.points.removed,
        completed_points=f.points.completed,
    )
