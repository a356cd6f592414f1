"""Sprint figures for many sprints at once, from one load of their history."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from metrics.model import SprintFigures
from metrics.sprint import compute_sprint_figures
from metrics.velocity import velocity
from models import Sprint
from models.enums import SprintState
from sprintfolio.services.loaders import (
    SprintHistories,
    changes_until,
    load_sprint_histories,
    sprint_window,
)


@dataclass(frozen=True)
class VelocitySummary:
    """Velocity over the last closed sprints: mean completed points and their range.

    ``mean`` is None (and ``sprint_count`` 0) without a closed sprint.
    """

    mean: float | None
    minimum: float | None
    maximum: float | None
    sprint_count: int
    window: int


def summarise_velocity(completed_points: Sequence[float], *, window: int) -> VelocitySummary:
    """The velocity of the last ``window`` values of ``completed_points`` (oldest first)."""
    stat = velocity(list(completed_points), window=window)
    if stat is None:
        return VelocitySummary(None, None, None, 0, window)
    return VelocitySummary(stat.mean, stat.minimum, stat.maximum, stat.sprint_count, window)


def figures_for(
    histories: SprintHistories, sprint: Sprint, *, now: datetime | None
) -> SprintFigures:
    """The figures of one sprint whose history is in ``histories``.

    A sprint that is not closed sees only the changes known at ``now`` (if given).
    """
    assert sprint.id is not None
    infos, changes = histories.for_sprint(sprint.id)
    if now is not None and sprint.state != SprintState.CLOSED:
        changes = changes_until(changes, now)
    return compute_sprint_figures(sprint_window(sprint), infos, changes)


def figures_by_sprint(
    session: Session, *, sprints: Sequence[Sprint], now: datetime | None
) -> dict[int, SprintFigures]:
    """The figures of every sprint in ``sprints`` (their history loaded in one go)."""
    histories = load_sprint_histories(session, sprint_ids=[s.id for s in sprints if s.id])
    return {s.id: figures_for(histories, s, now=now) for s in sprints if s.id is not None}
