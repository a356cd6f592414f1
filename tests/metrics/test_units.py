"""Item-count view of a history."""

from datetime import date, datetime

from metrics.burndown import compute_burndown
from metrics.calendar import BERLIN, WorkingCalendar
from metrics.model import Change, ItemInfo, SprintWindow
from metrics.units import count_view


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=BERLIN)


def test_count_burndown_worked_example() -> None:
    # Sprint Mon 02 09:00 .. Fri 13 17:00. A (5 pts) and B (unestimated) committed,
    # C (8 pts) added Wed 04, A done Thu 05, B re-estimated (no effect on counts).
    # Remaining items at the end of: Mon 2, Tue 2, Wed 3, Thu 2, then 2 to the end.
    sprint = SprintWindow("S", "Sprint", at(2, 9), at(13, 17))
    changes = [
        Change("A", at(1, 10), "created", category="todo", points=5),
        Change("A", at(1, 10), "sprint_added", sprint="S", seq=1),
        Change("B", at(1, 11), "created", category="todo"),
        Change("B", at(1, 11), "sprint_added", sprint="S", seq=1),
        Change("C", at(1, 12), "created", category="todo", points=8),
        Change("C", at(4, 10), "sprint_added", sprint="S"),
        Change("A", at(5, 10), "status", category="done", status="Erledigt"),
        Change("B", at(6, 10), "points", points=3),
    ]
    items = [ItemInfo("A"), ItemInfo("B"), ItemInfo("C")]
    burndown = compute_burndown(sprint, items, count_view(changes), WorkingCalendar())
    values = {d.day: d.value for d in burndown.remaining_by_day}
    assert burndown.committed == 2
    assert [values[date(2026, 3, d)] for d in (2, 3, 4, 5, 6, 13)] == [2, 2, 3, 2, 2, 2]
