"""Sprint burndown: remaining points over the sprint, its steps and the guideline (METRICS.md).

Definitions:

- **Remaining** at time T: the points of the items in the sprint's scope at T
  (see ``metrics.scope``: sub-tasks and items completed or cancelled outside
  the sprint never count) that are not done. It starts at the committed points.
- **Steps**: every change after the start and up to ``min(figures end, as_of)``
  that alters remaining, with reason added (joined the scope, including an
  item completed outside that is reopened), removed (left the sprint),
  descoped (became cancelled), estimate_up / estimate_down (while open),
  done, reopened (left done while in scope); a signed delta and the remaining after it.
- **Remaining by day**: the remaining at the end of each calendar day (in
  ``tz``) from the start's date through the planned end's date, or the
  completion's date if later; frozen after the figures end; days after
  ``as_of`` are left out (and all days if ``as_of`` is before the start).
- **Guideline**: from committed at the start to zero at the end of the planned
  end's date, flat over non-working days: at the end of day d it is
  committed × (1 − working days from the start's date through d ÷ working
  days from the start's date through the planned end's date). With no working
  day in the window it stays at committed and is 0 on the last day.
- **Non-working days**: weekend, holidays and team days off of ``calendar``
  from the start's date through the last day of the remaining-by-day window
  (for shading).

Without ``as_of``, the last remaining equals the not-completed points of
``compute_sprint_figures`` exactly (both sum the same exact fractions).
"""

from collections.abc import Sequence
from datetime import date, datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

from metrics.calendar import BERLIN, WorkingCalendar, calendar_days, local_date
from metrics.checks import check_sprint, require_aware
from metrics.model import (
    Burndown,
    BurndownReason,
    BurndownStep,
    Change,
    DayValue,
    ItemInfo,
    SprintWindow,
)
from metrics.replay import check_change
from metrics.scope import ScopeTransition, trace_scope


def compute_burndown(
    sprint: SprintWindow,
    items: Sequence[ItemInfo],
    changes: Sequence[Change],
    calendar: WorkingCalendar,
    tz: ZoneInfo = BERLIN,
    as_of: datetime | None = None,
) -> Burndown:
    """Compute the sprint burndown (see the module docstring for the definitions).

    Args:
        sprint: The sprint window.
        items: Every item whose changes are passed (type decides sub-tasks).
        changes: The items' changes, in any order.
        calendar: The team's working-day calendar (for the guideline and shading).
        tz: The time zone in which calendar days are counted.
        as_of: If given, only changes up to and including it are known and
            days after its date are left out (a running sprint); None means
            the whole sprint.

    Returns:
        The burndown: committed, steps, remaining by day, guideline and non-working days.

    Raises:
        MetricsError: If the sprint window is inconsistent, ``as_of`` is naive,
            an item is given twice, a change names an unknown item, or a change is malformed.
    """
    check_sprint(sprint)
    until = sprint.figures_end
    if as_of is not None:
        require_aware(as_of, "as_of")
        changes = [change for change in changes if check_change(change).at <= as_of]
        until = min(until, as_of)
    trace = trace_scope(sprint, items, changes, until=until)

    start_remaining = sum(
        (Fraction(scope.remaining) for scope in trace.start_scope.values()), Fraction(0)
    )
    remaining = start_remaining
    steps: list[BurndownStep] = []
    for transition in trace.transitions:
        delta = Fraction(transition.scope_after.remaining) - Fraction(
            transition.scope_before.remaining
        )
        if delta:
            remaining += delta
            steps.append(
                BurndownStep(
                    at=transition.change.at,
                    item=transition.item,
                    reason=_reason(transition),
                    delta=float(delta),
                    remaining=float(remaining),
                )
            )

    first_day = local_date(sprint.start, tz)
    end_day = local_date(sprint.end, tz)
    last_day = end_day
    if sprint.completed_at is not None:
        last_day = max(last_day, local_date(sprint.completed_at, tz))
    shown_through = last_day
    if as_of is not None:
        shown_through = min(last_day, local_date(as_of, tz)) if as_of >= sprint.start else None

    return Burndown(
        committed=float(start_remaining),
        steps=tuple(steps),
        remaining_by_day=_remaining_by_day(
            float(start_remaining), steps, first_day, shown_through, tz
        ),
        guideline=_guideline(start_remaining, first_day, end_day, calendar),
        non_working_days=tuple(calendar.non_working_days_between(first_day, last_day)),
    )


def _reason(transition: ScopeTransition) -> BurndownReason:
    """Why a change that alters remaining does so (it is in scope before or after)."""
    before, after = transition.scope_before, transition.scope_after
    if transition.joins:
        return "added"
    if transition.leaves:
        return "descoped" if transition.is_descoping else "removed"
    if before.done != after.done:
        return "done" if after.done else "reopened"
    return "estimate_up" if after.points > before.points else "estimate_down"


def _remaining_by_day(
    committed: float,
    steps: Sequence[BurndownStep],
    first_day: date,
    last_day: date | None,
    tz: ZoneInfo,
) -> tuple[DayValue, ...]:
    """Remaining at the end of each day; steps are in time order, so one pointer suffices."""
    if last_day is None or last_day < first_day:
        return ()
    values: list[DayValue] = []
    value = committed
    position = 0
    for day in calendar_days(first_day, last_day):
        while position < len(steps) and local_date(steps[position].at, tz) <= day:
            value = steps[position].remaining
            position += 1
        values.append(DayValue(day, value))
    return tuple(values)


def _guideline(
    committed: Fraction, first_day: date, end_day: date, calendar: WorkingCalendar
) -> tuple[DayValue, ...]:
    days = calendar_days(first_day, end_day)
    total = sum(1 for day in days if calendar.is_working_day(day))
    if total == 0:
        return tuple(DayValue(day, 0.0 if day == end_day else float(committed)) for day in days)
    values: list[DayValue] = []
    worked = 0
    for day in days:
        if calendar.is_working_day(day):
            worked += 1
        values.append(DayValue(day, float(committed * (total - worked) / total)))
    return tuple(values)
