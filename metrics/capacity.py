"""Capacity against demand per person across projects.

Definition: every :class:`Assignment` books a share of a person's time (0..1)
on a project. A person's **total share** is the sum of their shares across
projects; they are **over-booked** when it is above 1.0 (a full-time person),
by ``total share − 1.0``. Optionally, per person and project, the **demand**
is the open points in active sprints assigned to them (:class:`Demand`);
demand on a project without an assignment is shown as a share of 0 there, so
unplanned work becomes visible.

Sums use ``math.fsum`` and over-booking allows 1e-9 for rounding, so shares
0.1 + 0.2 + 0.7 are exactly full, not over-booked.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from metrics.errors import MetricsError

#: A total share above 1.0 by more than this counts as over-booked (float rounding).
_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Assignment:
    """A person's booked share of their time on a project.

    Attributes:
        person: The person (any stable key, e.g. a user name).
        project: The project key.
        capacity_share: Share of the person's time, 0..1 (0.5 = half their time).
    """

    person: str
    project: str
    capacity_share: float


@dataclass(frozen=True)
class Demand:
    """Work waiting for a person on a project.

    Attributes:
        person: The person.
        project: The project key.
        open_points: Open points in the project's active sprints assigned to the person.
    """

    person: str
    project: str
    open_points: float


@dataclass(frozen=True)
class ProjectShare:
    """One project of a person.

    Attributes:
        project: The project key.
        share: The person's booked share on it (0 if demand without an assignment).
        open_points: Their open points there, or None if no demand was given for it.
    """

    project: str
    share: float
    open_points: float | None = None


@dataclass(frozen=True)
class PersonCapacity:
    """A person's bookings across projects.

    Attributes:
        person: The person.
        total_share: Sum of their shares across projects.
        over_booked: Whether ``total_share`` is above 1.0.
        over_by: ``total_share − 1.0`` if over-booked, else 0.0.
        projects: Their projects, largest share first (then by project key).
        open_points: Sum of their open points, or None if no demand was given for them.
    """

    person: str
    total_share: float
    over_booked: bool
    over_by: float
    projects: tuple[ProjectShare, ...]
    open_points: float | None = None


def capacity_by_person(
    assignments: Sequence[Assignment], demand: Sequence[Demand] = ()
) -> list[PersonCapacity]:
    """Sum each person's booked shares across projects and flag over-booking.

    Args:
        assignments: Shares of people's time per project; one per (person, project).
        demand: Optional open points per (person, project); one per pair.

    Returns:
        One row per person who has an assignment or demand, most over-booked
        first, then by total share (highest first), then by person.

    Raises:
        MetricsError: If a share is outside 0..1, open points are negative or not
            finite, or a (person, project) pair occurs twice in either input.
    """
    shares: dict[tuple[str, str], float] = {}
    for position, assignment in enumerate(assignments):
        pair = (assignment.person, assignment.project)
        _require_number(
            assignment.capacity_share,
            f"capacity_share of {assignment.person!r} on {assignment.project!r} "
            f"(assignments[{position}])",
            upper=1.0,
        )
        if pair in shares:
            raise MetricsError(
                f"{assignment.person!r} is assigned to {assignment.project!r} twice; "
                "pass one assignment per person and project with the combined share"
            )
        shares[pair] = float(assignment.capacity_share)
    points: dict[tuple[str, str], float] = {}
    for position, item in enumerate(demand):
        pair = (item.person, item.project)
        _require_number(
            item.open_points,
            f"open_points of {item.person!r} on {item.project!r} (demand[{position}])",
            upper=None,
        )
        if pair in points:
            raise MetricsError(
                f"demand of {item.person!r} on {item.project!r} is given twice; "
                "pass one demand per person and project with the summed points"
            )
        points[pair] = float(item.open_points)

    people = sorted({person for person, _ in shares} | {person for person, _ in points})
    rows: list[PersonCapacity] = []
    for person in people:
        projects = sorted(
            {project for who, project in shares if who == person}
            | {project for who, project in points if who == person}
        )
        lines = sorted(
            (
                ProjectShare(
                    project=project,
                    share=shares.get((person, project), 0.0),
                    open_points=points.get((person, project)),
                )
                for project in projects
            ),
            key=lambda line: (-line.share, line.project),
        )
        total = math.fsum(line.share for line in lines)
        over_booked = total > 1.0 + _TOLERANCE
        known_points = [line.open_points for line in lines if line.open_points is not None]
        rows.append(
            PersonCapacity(
                person=person,
                total_share=total,
                over_booked=over_booked,
                over_by=total - 1.0 if over_booked else 0.0,
                projects=tuple(lines),
                open_points=math.fsum(known_points) if known_points else None,
            )
        )
    rows.sort(key=lambda row: (-row.over_by, -row.total_share, row.person))
    return rows


def _require_number(value: float, what: str, *, upper: float | None) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MetricsError(f"{what} is {value!r}; pass a number")
    if not math.isfinite(value) or value < 0 or (upper is not None and value > upper):
        limit = f"from 0 to {upper:g}" if upper is not None else "finite and >= 0"
        fix = " (0.5 = half the person's time)" if upper is not None else ""
        raise MetricsError(f"{what} is {value!r}; pass a number {limit}{fix}")
