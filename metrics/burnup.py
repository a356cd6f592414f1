"""Burnup: total scope and completed points at the end of each day (METRICS.md, "Burndown").

Definitions:

- **Scope** at the end of a day: the points of every item that exists then and
  is not cancelled (unestimated items count 0).
- **Completed**: the points of the items that are done then, with their points then.

The caller chooses the items (for a project: no epics, no sub-tasks, since
parents carry the estimates). The sprint burnup (``compute_sprint_burnup``)
follows the sprint figures' scope rules instead.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from metrics.calendar import BERLIN, calendar_days, local_date
from metrics.model import Change, ItemInfo, SprintWindow
from metrics.replay import replay
from metrics.scope import trace_scope


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


def compute_sprint_burnup(
    sprint: SprintWindow,
    items: Sequence[ItemInfo],
    changes: Sequence[Change],
    *,
    tz: ZoneInfo = BERLIN,
    as_of: datetime | None = None,
) -> list[BurnupDay]:
    """Sprint burnup: the sprint's scope and its completed points at the end of each day.

    Scope follows the sprint figures (``metrics.scope``): committed at the start,
    plus items added and estimate increases, minus items removed or descoped and
    estimate decreases; completed counts the items in scope that are done. Days
    run from the start's local date through the planned end's (or the completion's,
    if later); days after ``as_of`` are left out. At the end, scope equals
    committed + added − removed and completed equals the completed figure.

    Raises:
        MetricsError: If the sprint or a change is malformed.
    """
    until = sprint.figures_end if as_of is None else min(as_of, sprint.figures_end)
    trace = trace_scope(sprint, items, changes, until)
    scope = dict(trace.start_scope)
    transitions = iter(trace.transitions)
    pending = next(transitions, None)
    last = max(local_date(sprint.end, tz), local_date(sprint.figures_end, tz))
    result = []
    for day in calendar_days(local_date(sprint.start, tz), last):
        day_start = datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)
        if as_of is not None and day_start > as_of:
            break
        day_end = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)
        while pending is not None and pending.change.at.astimezone(UTC) < day_end:
            scope[pending.item] = pending.scope_after
            pending = next(transitions, None)
        in_scope = [state for state in scope.values() if state.in_scope]
        result.append(
            BurnupDay(
                day,
                float(sum(Fraction(s.points) for s in in_scope)),
                float(sum(Fraction(s.points) for s in in_scope if s.done)),
            )
        )
    return result
