"""Burnup: a worked example and invariants."""

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.burnup import compute_burnup, compute_sprint_burnup
from metrics.calendar import BERLIN
from metrics.model import Change, ItemInfo, SprintWindow
from metrics.sprint import compute_sprint_figures


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=BERLIN)


def test_burnup_worked_example() -> None:
    # Mon 02: A (5 pts) and B (3 pts) created           -> scope 8, completed 0
    # Tue 03: A done; C created unestimated               -> scope 8, completed 5
    # Wed 04: B re-estimated 3 -> 8; C estimated 2        -> scope 15, completed 5
    # Thu 05: A reopened; B cancelled                     -> scope 7, completed 0
    changes = [
        Change("A", at(2, 9), "created", category="todo", points=5),
        Change("B", at(2, 10), "created", category="todo", points=3),
        Change("A", at(3, 11), "status", category="done", status="Erledigt"),
        Change("C", at(3, 12), "created", category="todo"),
        Change("B", at(4, 9), "points", points=8),
        Change("C", at(4, 10), "points", points=2),
        Change("A", at(5, 9), "status", category="in_progress", status="In Arbeit"),
        Change("B", at(5, 10), "status", category="cancelled", status="Verworfen"),
    ]
    days = compute_burnup(changes, first=date(2026, 3, 2), last=date(2026, 3, 5))
    assert [(d.scope, d.completed) for d in days] == [(8, 0), (8, 5), (15, 5), (7, 0)]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from("ABCD"),
            st.integers(0, 300),
            st.sampled_from(["todo", "in_progress", "done", "cancelled"]),
            st.sampled_from([None, 1.0, 2.0, 3.0, 5.0, 8.0]),
        ),
        max_size=30,
    )
)
def test_completed_never_exceeds_scope(rows) -> None:  # type: ignore[no-untyped-def]
    base = at(2, 8)
    changes = []
    for n, (item, hours, cat, points) in enumerate(rows):
        when = base + timedelta(hours=hours)
        changes.append(Change(item, when, "status", category=cat, status=cat, seq=2 * n))
        changes.append(Change(item, when, "points", points=points, seq=2 * n + 1))
    for day in compute_burnup(changes, first=date(2026, 3, 2), last=date(2026, 3, 16)):
        assert 0 <= day.completed <= day.scope


def test_sprint_burnup_worked_example() -> None:
    # Sprint Mon 02 09:00 .. Fri 13 17:00 (Berlin), figures end at the planned end.
    # Committed: A 5 pts, B 3 pts (added to the sprint before the start).
    # Tue 03 10:00  C (8 pts) added              -> scope 16, completed 0
    # Wed 04 10:00  A done                        -> scope 16, completed 5
    # Thu 05 10:00  B re-estimated 3 -> 2         -> scope 15
    # Fri 06 10:00  C removed                     -> scope 7
    # Mon 09 10:00  sub-task S done (never counts)
    # End: scope 7 = 8 committed + 8 added - 8 removed - 1 (estimate down); completed 5.
    sprint = SprintWindow("S", "Sprint", at(2, 9), datetime(2026, 3, 13, 17, tzinfo=BERLIN))
    changes = [
        Change("A", at(1, 10), "created", category="todo", points=5),
        Change("A", at(1, 10), "sprint_added", sprint="S", seq=1),
        Change("B", at(1, 11), "created", category="todo", points=3),
        Change("B", at(1, 11), "sprint_added", sprint="S", seq=1),
        Change("C", at(1, 12), "created", category="todo", points=8),
        Change("C", at(3, 10), "sprint_added", sprint="S"),
        Change("A", at(4, 10), "status", category="done", status="Erledigt"),
        Change("B", at(5, 10), "points", points=2),
        Change("C", at(6, 10), "sprint_removed", sprint="S"),
        Change("S", at(1, 13), "created", category="todo", points=1),
        Change("S", at(1, 13), "sprint_added", sprint="S", seq=1),
        Change("S", at(9, 10), "status", category="done", status="Erledigt"),
    ]
    items = [ItemInfo("A"), ItemInfo("B"), ItemInfo("C"), ItemInfo("S", type="sub-task")]
    days = compute_sprint_burnup(sprint, items, changes)
    assert [(d.day.day, d.scope, d.completed) for d in days[:5]] == [
        (2, 8, 0), (3, 16, 0), (4, 16, 5), (5, 15, 5), (6, 7, 5),
    ]  # fmt: skip
    assert (days[-1].day, days[-1].scope, days[-1].completed) == (date(2026, 3, 13), 7, 5)
    figures = compute_sprint_figures(sprint, items, changes)
    p = figures.points
    assert days[-1].scope == p.committed + p.added - p.removed
    assert days[-1].completed == p.completed
    # As of Wed 04 12:00 the days after Wednesday are left out.
    partial = compute_sprint_burnup(sprint, items, changes, as_of=at(4, 12))
    assert [(d.day.day, d.scope, d.completed) for d in partial] == [
        (2, 8, 0),
        (3, 16, 0),
        (4, 16, 5),
    ]
