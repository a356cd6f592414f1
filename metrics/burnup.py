"""Burnup: total scope and completed points at the end of each day (METRICS.md, "Burndown").

Definitions:

- **Scope** at the end of a day: the points of every item that exists then and
  is not cancelled (unestimated items count 0).
- **Completed**: the points of the items that are done then, with their points then.

The caller chooses the items (for a project: no epics, no sub-tasks, since
parents carry the estimates). Sprint burnup is the same over a sprint's items.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from metrics.calendar import BERLIN, calendar_days
from metrics.model import Change
from metrics.replay import replay


@dataclass(frozen=True)
class BurnupDay:
    """Scope and completed points at the end of ``day``."""

    day: date
    scope: float
    completed: float


def compute_burnup(
    changes: Iterable[Change], *, first: date, last: date, tz: ZoneInfo = BERLIN
) -> list[BurnupDay]:
    """Scope and completed points at the end of every local day from ``first`` through ``last``.

    Raises:
        MetricsError: If a change is malformed or ``last`` is before ``first``.
    """
    scope_of: dict[str, float] = {}
    done_of: dict[str, float] = {}
    transitions = iter(replay(changes))
    pending = next(transitions, None)
    result = []
    for day in calendar_days(first, last):
        day_end = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)
        while pending is not None and pending.change.at.astimezone(UTC) < day_end:
            state, key = pending.after, pending.change.item
            points = state.points or 0.0
            scope_of[key] = 0.0 if state.category == "cancelled" else points
            done_of[key] = points if state.category == "done" else 0.0
            pending = next(transitions, None)
        result.append(BurnupDay(day, sum(scope_of.values()), sum(done_of.values())))
    return result
