"""The sprint calendar of a demo project: two-week sprints around "today".

Sprints start on Monday at 09:00 and end on Friday of the second week at 17:00
(Europe/Berlin). Teams are staggered by one week. The active sprint always
contains today: on a weekend every team's active sprint is the one that began
on this week's Monday, so that no team sits between two sprints.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from models.enums import SprintState
from seed.workdays import berlin, monday_of

SPRINT_START = time(9, 0)
SPRINT_END = time(17, 0)


@dataclass(frozen=True)
class SprintSlot:
    """One sprint of a project; ``index`` counts from 0, the name from 1."""

    index: int
    name: str
    goal: str
    state: SprintState
    start: datetime
    end: datetime
    completed_at: datetime | None

    @property
    def figures_end(self) -> datetime:
        """Completion if closed, else the planned end."""
        return self.completed_at if self.completed_at is not None else self.end


def active_sprint_monday(today: date, stagger: int) -> date:
    """The Monday on which a team's active sprint began (see the module docstring)."""
    this_monday = monday_of(today)
    if today.weekday() >= 5:
        return this_monday
    return this_monday - timedelta(days=7 * (stagger % 2))


def plan_sprints(
    *,
    key: str,
    goals: tuple[str, ...],
    closed: int,
    future: int,
    stagger: int,
    today: date,
    rng: random.Random,
) -> list[SprintSlot]:
    """``closed`` closed sprints, one active sprint containing ``today``, ``future`` future ones.

    Most closed sprints are completed at their planned end; a few a day early
    (Thursday afternoon) or late (Monday morning, before the next sprint starts).
    """
    active_monday = active_sprint_monday(today, stagger)
    slots: list[SprintSlot] = []
    for index in range(closed + 1 + future):
        monday = active_monday + timedelta(days=14 * (index - closed))
        start = berlin(monday, SPRINT_START)
        end = berlin(monday + timedelta(days=11), SPRINT_END)
        if index < closed:
            state, completed_at = SprintState.CLOSED, _completion(monday, end, rng)
        elif index == closed:
            state, completed_at = SprintState.ACTIVE, None
        else:
            state, completed_at = SprintState.FUTURE, None
        slots.append(
            SprintSlot(
                index=index,
                name=f"{key} Sprint {index + 1}",
                goal=goals[index % len(goals)],
                state=state,
                start=start,
                end=end,
                completed_at=completed_at,
            )
        )
    return slots


def _completion(monday: date, end: datetime, rng: random.Random) -> datetime:
    roll = rng.random()
    if roll < 0.06:  # a day early: Thursday afternoon
        thursday = monday + timedelta(days=10)
        return berlin(thursday, time(15, 0)) + timedelta(minutes=rng.randrange(0, 120))
    if roll < 0.12:  # late: the next Monday morning, before the next sprint's planning
        next_monday = monday + timedelta(days=14)
        return berlin(next_monday, time(7, 45)) + timedelta(minutes=rng.randrange(0, 31))
    return end
