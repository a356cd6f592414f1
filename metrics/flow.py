"""Flow metrics of a project or team: cycle time, lead time, throughput, WIP age, CFD.

Definitions (METRICS.md, "Flow"), following jira-agile-metrics:

- An item is *started* the first time it enters the in-progress category. An
  item that reaches done without ever being in progress is backfilled: it
  counts as started when it entered done (cycle time 0), as jira-agile-metrics
  backfills skipped columns.
- An item is *done* if its category is done at ``as_of``; its done time is the
  last time it entered done (a reopened item that is done again counts from
  the second completion). Cancelled items are never done.
- Cycle time = done − started; lead time = done − created (the first change of
  the item). Calendar days are elapsed time ÷ 24 h; working days count only
  the time that falls on working days of the calendar, each local day (23 or
  25 hours on daylight-saving change days) weighing one day.
- Throughput: done items per ISO week (Monday start), by the local date of the
  done time. WIP age: for items in progress at ``as_of``, days since started.
- CFD: at the end of each local day, the number of existing items per category
  (todo, in progress, done); cancelled items are left out. Optionally per
  workflow status.

Sub-tasks count in flow metrics; callers leave out what should not count (e.g. epics).
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from metrics.calendar import BERLIN, WorkingCalendar, calendar_days, local_date
from metrics.checks import require_aware
from metrics.errors import MetricsError
from metrics.model import Change
from metrics.replay import replay

SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True)
class ItemFlow:
    """When an item was created, started and done, and the durations between."""

    key: str
    created: datetime
    started: datetime | None
    done: datetime | None
    category: str
    cycle_time_days: float | None
    lead_time_days: float | None
    cycle_time_working_days: float | None
    lead_time_working_days: float | None


@dataclass(frozen=True)
class Percentiles:
    """The 50th, 85th and 95th percentile of a sample (linear interpolation)."""

    p50: float
    p85: float
    p95: float
    count: int


@dataclass(frozen=True)
class WeekCount:
    """Items done in the ISO week starting on ``week_start`` (a Monday)."""

    week_start: date
    count: int


@dataclass(frozen=True)
class WipAge:
    """An item in progress and the days since it was started."""

    key: str
    started: datetime
    age_days: float


@dataclass(frozen=True)
class CfdDay:
    """Items per category (and per workflow status) at the end of ``day``."""

    day: date
    todo: int
    in_progress: int
    done: int
    by_status: tuple[tuple[str, int], ...] = ()


def working_days_between(
    start: datetime, end: datetime, calendar: WorkingCalendar, tz: ZoneInfo = BERLIN
) -> float:
    """The part of [start, end] that falls on working days, in (local) days.

    Each local day weighs one day whatever its length in hours, so a day of
    daylight-saving change counts like any other.

    Raises:
        MetricsError: If a time is naive or ``end`` is before ``start``.
    """
    require_aware(start, "start")
    require_aware(end, "end")
    if end < start:
        raise MetricsError(f"interval ends {end.isoformat()} before it starts {start.isoformat()}")
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    total = 0.0
    for day in calendar_days(local_date(start, tz), local_date(end, tz)):
        if not calendar.is_working_day(day):
            continue
        # Aware datetimes sharing a tzinfo subtract as wall times; UTC makes DST days 23/25 h.
        day_start = datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)
        day_end = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)
        overlap = (min(end, day_end) - max(start, day_start)).total_seconds()
        total += max(overlap, 0.0) / (day_end - day_start).total_seconds()
    return total


def _days(start: datetime, end: datetime) -> float:
    """Elapsed days; in UTC, because aware datetimes sharing a tzinfo subtract as wall times."""
    return (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() / SECONDS_PER_DAY


def item_flows(
    changes: Iterable[Change],
    *,
    as_of: datetime,
    calendar: WorkingCalendar,
    tz: ZoneInfo = BERLIN,
) -> list[ItemFlow]:
    """Created, started and done times of every item with changes up to ``as_of``, by key.

    Raises:
        MetricsError: If ``as_of`` is naive or a change is malformed.
    """
    require_aware(as_of, "as_of")
    created: dict[str, datetime] = {}
    started: dict[str, datetime] = {}
    done: dict[str, datetime] = {}
    category: dict[str, str] = {}
    for transition in replay(changes):
        change = transition.change
        if change.at > as_of:
            break
        key = change.item
        created.setdefault(key, change.at)
        before, after = transition.before.category, transition.after.category
        category[key] = after
        if after == before:
            continue
        if after == "in_progress":
            started.setdefault(key, change.at)
        if after == "done":
            done[key] = change.at
            started.setdefault(key, change.at)
    flows = []
    for key in sorted(created):
        finished = done.get(key) if category[key] == "done" else None
        begun = started.get(key)
        flows.append(
            ItemFlow(
                key=key,
                created=created[key],
                started=begun,
                done=finished,
                category=category[key],
                cycle_time_days=_days(begun, finished) if finished and begun else None,
                lead_time_days=_days(created[key], finished) if finished else None,
                cycle_time_working_days=(
                    working_days_between(begun, finished, calendar, tz)
                    if finished and begun
                    else None
                ),
                lead_time_working_days=(
                    working_days_between(created[key], finished, calendar, tz)
                    if finished
                    else None
                ),
            )
        )
    return flows


def percentiles(values: Sequence[float]) -> Percentiles | None:
    """P50/P85/P95 by linear interpolation (numpy's default); None for no values."""
    if not values:
        return None
    p50, p85, p95 = np.percentile(np.asarray(values, dtype=float), [50, 85, 95])
    return Percentiles(float(p50), float(p85), float(p95), len(values))


def throughput_per_week(
    flows: Iterable[ItemFlow], *, first: date, last: date, tz: ZoneInfo = BERLIN
) -> list[WeekCount]:
    """Done items per ISO week for every week from the one containing ``first`` to ``last``'s.

    Weeks without completions are listed with 0, so the series has no gaps.
    """
    first_monday = first - timedelta(days=first.weekday())
    last_monday = last - timedelta(days=last.weekday())
    counts = Counter(
        local_date(flow.done, tz) - timedelta(days=local_date(flow.done, tz).weekday())
        for flow in flows
        if flow.done is not None and first <= local_date(flow.done, tz) <= last
    )
    weeks = (last_monday - first_monday).days // 7 + 1
    return [
        WeekCount(monday, counts.get(monday, 0))
        for monday in (first_monday + timedelta(weeks=n) for n in range(weeks))
    ]


def wip_ages(flows: Iterable[ItemFlow], *, as_of: datetime) -> list[WipAge]:
    """Items in progress at ``as_of`` with their age in days, oldest first."""
    ages = [
        WipAge(flow.key, flow.started, _days(flow.started, as_of))
        for flow in flows
        if flow.category == "in_progress" and flow.started is not None
    ]
    return sorted(ages, key=lambda age: (-age.age_days, age.key))


def cumulative_flow(
    changes: Iterable[Change],
    *,
    first: date,
    last: date,
    tz: ZoneInfo = BERLIN,
    statuses: Sequence[str] = (),
) -> list[CfdDay]:
    """Items per category at the end of every local day from ``first`` through ``last``.

    Args:
        changes: The items' changes.
        first: The first day of the diagram.
        last: The last day of the diagram.
        tz: The zone in which days end.
        statuses: Workflow statuses in the source's order; when given, each day
            also counts items per status (statuses not listed are left out there).

    Raises:
        MetricsError: If a change is malformed or ``last`` is before ``first``.
    """
    days = calendar_days(first, last)
    by_category: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    current: dict[str, tuple[str, str | None]] = {}
    transitions = iter(replay(changes))
    pending = next(transitions, None)
    result = []
    for day in days:
        day_end = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)
        while pending is not None and pending.change.at.astimezone(UTC) < day_end:
            key = pending.change.item
            old = current.get(key)
            new = (pending.after.category, pending.after.status)
            if old is not None:
                by_category[old[0]] -= 1
                by_status[old[1] or ""] -= 1
            by_category[new[0]] += 1
            by_status[new[1] or ""] += 1
            current[key] = new
            pending = next(transitions, None)
        result.append(
            CfdDay(
                day=day,
                todo=by_category["todo"],
                in_progress=by_category["in_progress"],
                done=by_category["done"],
                by_status=tuple((status, by_status[status]) for status in statuses),
            )
        )
    return result
