"""Projects, their sprints and their velocity."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from metrics.health import DEFAULT_THRESHOLDS, HealthThresholds
from models import Programme, Project, Sprint
from models.enums import SprintState
from sprintfolio.services.errors import NotFoundError
from sprintfolio.services.figures import VelocitySummary, figures_by_sprint, summarise_velocity


@dataclass(frozen=True)
class ProjectEntry:
    """A project in a picker or list."""

    id: int
    key: str
    name: str
    programme: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class SprintEntry:
    """A sprint in a picker or list (times are aware UTC)."""

    id: int
    name: str
    state: str
    goal: str
    start_at: datetime | None
    end_at: datetime | None
    completed_at: datetime | None


@dataclass(frozen=True)
class SprintVelocity:
    """One closed sprint's committed and completed points, and the rolling velocity there."""

    sprint_id: int
    name: str
    start_at: datetime
    end_at: datetime
    completed_at: datetime | None
    committed: float
    completed: float
    say_do: float | None
    rolling_velocity: float


@dataclass(frozen=True)
class ProjectVelocity:
    """The closed sprints of a project in date order and its current velocity."""

    project_key: str
    project_name: str
    sprints: tuple[SprintVelocity, ...]
    velocity: VelocitySummary


def list_projects(session: Session) -> list[ProjectEntry]:
    """All projects, ordered by key."""
    rows = session.exec(
        select(Project, Programme.name)
        .join(Programme, col(Project.programme_id) == col(Programme.id))
        .order_by(col(Project.key))
    ).all()
    return [
        ProjectEntry(p.id or 0, p.key, p.name, programme, tuple(p.tags)) for p, programme in rows
    ]


def get_project(session: Session, *, project_key: str) -> Project:
    """The project with ``project_key``.

    Raises:
        NotFoundError: naming the key and the known keys.
    """
    project = session.exec(select(Project).where(Project.key == project_key)).first()
    if project is None:
        known = ", ".join(session.exec(select(Project.key).order_by(col(Project.key))).all())
        raise NotFoundError(f"project {project_key!r} does not exist; known projects: {known}")
    return project


def sprint_entry(sprint: Sprint) -> SprintEntry:
    """The list entry of a stored sprint."""
    return SprintEntry(
        sprint.id or 0,
        sprint.name,
        sprint.state,
        sprint.goal,
        sprint.start_at,
        sprint.end_at,
        sprint.completed_at,
    )


def project_sprints(session: Session, *, project_id: int) -> list[Sprint]:
    """The sprints of a project in date order (unplanned future sprints last)."""
    sprints = session.exec(select(Sprint).where(Sprint.project_id == project_id)).all()
    return sorted(sprints, key=sprint_order)


def sprint_order(sprint: Sprint) -> tuple[bool, datetime | None, int]:
    """Sort key: by start, unplanned sprints last, ties by id."""
    return (sprint.start_at is None, sprint.start_at, sprint.id or 0)


def list_sprints(session: Session, *, project_key: str) -> list[SprintEntry]:
    """The sprints of a project in date order.

    Raises:
        NotFoundError: if the project does not exist.
    """
    project = get_project(session, project_key=project_key)
    return [sprint_entry(s) for s in project_sprints(session, project_id=project.id or 0)]


def closed_sprints(sprints: list[Sprint]) -> list[Sprint]:
    """The closed, planned sprints among ``sprints`` (kept in their order)."""
    return [
        s
        for s in sprints
        if s.state == SprintState.CLOSED and s.start_at is not None and s.end_at is not None
    ]


def project_velocity(
    session: Session,
    *,
    project_key: str,
    thresholds: HealthThresholds = DEFAULT_THRESHOLDS,
) -> ProjectVelocity:
    """Committed and completed points of every closed sprint, and the rolling velocity.

    The rolling velocity at a sprint is the mean completed points of that
    sprint and the ones before it, over ``thresholds.delivery_window_sprints`` sprints.

    Raises:
        NotFoundError: if the project does not exist.
    """
    project = get_project(session, project_key=project_key)
    closed = closed_sprints(project_sprints(session, project_id=project.id or 0))
    figures = figures_by_sprint(session, sprints=closed, now=None)
    window = thresholds.delivery_window_sprints
    rows: list[SprintVelocity] = []
    completed: list[float] = []
    for sprint in closed:
        f = figures[sprint.id or 0]
        completed.append(f.points.completed)
        rolling = summarise_velocity(completed, window=window).mean
        assert sprint.start_at is not None and sprint.end_at is not None
        rows.append(
            SprintVelocity(
                sprint_id=sprint.id or 0,
                name=sprint.name,
                start_at=sprint.start_at,
                end_at=sprint.end_at,
                completed_at=sprint.completed_at,
                committed=f.points.committed,
                completed=f.points.completed,
                say_do=f.say_do_ratio,
                rolling_velocity=rolling if rolling is not None else 0.0,
            )
        )
    return ProjectVelocity(
        project_key=project.key,
        project_name=project.name,
        sprints=tuple(rows),
        velocity=summarise_velocity(completed, window=window),
    )
