"""Capacity: people shared between projects, their booked shares and the work waiting for them.

Definitions (``metrics.capacity``): a person's **booked share** on a project is
``Membership.capacity_share`` (0..1 of their time); the **total share** is the
sum over their projects, and above 1.0 they are **over-booked** by the
excess. The **demand** per person and project is the open points (status
category todo or in progress; epics and sub-tasks left out, as in sprint
figures; unestimated items count 0) of the items assigned to them *now* in
the project's active sprints (state "active" and started by ``now``). Demand
on a project where the person has no booked share shows as share 0 there, so
unplanned work becomes visible.

Memberships with a share of 0 (viewers, stakeholders) are left out unless
the person has demand on that project. Rows come over-booked first (most
over-booked first), then by total share (highest first), then by name.
Three queries, whatever the number of people.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from metrics.capacity import Assignment, Demand, capacity_by_person
from metrics.errors import MetricsError
from models import Membership, Person, Project, Sprint, WorkItem
from models.enums import ItemType, SprintState, StatusCategory
from sprintfolio.services.errors import ServiceError

__all__ = [
    "CapacityDataError",
    "PersonCapacity",
    "ProjectCapacity",
    "capacity_overview",
]

_OPEN = (StatusCategory.TODO.value, StatusCategory.IN_PROGRESS.value)
_NOT_COUNTED = (ItemType.EPIC.value, ItemType.SUBTASK.value)


class CapacityDataError(ServiceError):
    """A stored capacity share is not a number from 0 to 1 (names the person and project)."""


@dataclass(frozen=True)
class ProjectCapacity:
    """A person's booking on one project.

    Attributes:
        role: Their role there (viewer, member, product_owner, admin); None if
            they have demand there but no membership.
        share: Booked share of their time (0..1); 0 without a membership.
        open_points: Open points assigned to them in the project's active sprints.
    """

    project_key: str
    project_name: str
    role: str | None
    share: float
    open_points: float


@dataclass(frozen=True)
class PersonCapacity:
    """A person's bookings across projects and the open work waiting for them.

    Attributes:
        total_share: Sum of the booked shares (1.0 = full time).
        over_booked: Whether ``total_share`` is above 1.0.
        over_by: ``total_share − 1.0`` if over-booked, else 0.0.
        open_points: Sum of their open points in active sprints across projects.
        projects: Their projects, largest share first (then by project key).
    """

    person_id: int
    display_name: str
    login: str | None
    total_share: float
    over_booked: bool
    over_by: float
    open_points: float
    projects: tuple[ProjectCapacity, ...]

    @property
    def project_count(self) -> int:
        """On how many projects the person is booked or has open work."""
        return len(self.projects)


def capacity_overview(session: Session, *, now: datetime) -> list[PersonCapacity]:
    """Every person with a booked share or open work in an active sprint, over-booked first.

    Args:
        session: The store.
        now: The current instant (aware); sprints that start later are not active yet.

    Returns:
        One row per person (see the module docstring for the order).

    Raises:
        CapacityDataError: If a stored share is outside 0..1 or not a number.
        ServiceError: If ``now`` is naive.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ServiceError(f"now={now.isoformat()} is naive; pass an aware datetime")
    memberships = session.exec(
        select(Membership.person_id, Membership.project_id, Membership.role,
               Membership.capacity_share)
    ).all()  # fmt: skip
    active = (
        select(Sprint.id)
        .where(Sprint.state == SprintState.ACTIVE.value, col(Sprint.start_at) <= now)
        .scalar_subquery()
    )
    demand_rows = session.exec(
        select(
            WorkItem.assignee_id,
            WorkItem.project_id,
            func.coalesce(func.sum(WorkItem.points), 0.0),
        )
        .where(
            col(WorkItem.sprint_id).in_(active),
            col(WorkItem.assignee_id).is_not(None),
            col(WorkItem.status_category).in_(_OPEN),
            col(WorkItem.type).not_in(_NOT_COUNTED),
        )
        .group_by(col(WorkItem.assignee_id), col(WorkItem.project_id))
    ).all()

    demand = {(int(pid), int(prj)): float(points) for pid, prj, points in demand_rows}
    booked = {
        (int(pid), int(prj)): (role, share)
        for pid, prj, role, share in memberships
        if share or (int(pid), int(prj)) in demand
    }
    people_ids = sorted({pid for pid, _ in booked} | {pid for pid, _ in demand})
    if not people_ids:
        return []
    project_ids = sorted({prj for _, prj in booked} | {prj for _, prj in demand})
    people = {
        p.id or 0: p for p in session.exec(select(Person).where(col(Person.id).in_(people_ids)))
    }
    projects = {
        p.id or 0: p for p in session.exec(select(Project).where(col(Project.id).in_(project_ids)))
    }

    def person_key(pid: int) -> str:
        return str(pid)

    try:
        rows = capacity_by_person(
            [
                Assignment(person_key(pid), projects[prj].key, share)
                for (pid, prj), (_, share) in booked.items()
            ],
            [
                Demand(person_key(pid), projects[prj].key, points)
                for (pid, prj), points in demand.items()
            ],
        )
    except MetricsError as exc:
        raise CapacityDataError(f"stored capacity shares are invalid: {exc}") from exc

    by_key = {p.key: p for p in projects.values()}
    roles = {(pid, projects[prj].key): role for (pid, prj), (role, _) in booked.items()}
    result: list[PersonCapacity] = []
    for row in rows:
        pid = int(row.person)
        person = people[pid]
        result.append(
            PersonCapacity(
                person_id=pid,
                display_name=person.display_name,
                login=person.login,
                total_share=row.total_share,
                over_booked=row.over_booked,
                over_by=row.over_by,
                open_points=row.open_points or 0.0,
                projects=tuple(
                    ProjectCapacity(
                        project_key=line.project,
                        project_name=by_key[line.project].name,
                        role=roles.get((pid, line.project)),
                        share=line.share,
                        open_points=line.open_points or 0.0,
                    )
                    for line in row.projects
                ),
            )
        )
    result.sort(key=lambda r: (-r.over_by, -r.total_share, r.display_name.casefold(), r.person_id))
    return result
