"""Invariants of sprint figures, burndown and velocity over random histories (hypothesis).

Histories use a 4-hour time grid around sprint S1 (Mon 2026-03-02 09:00 to Fri
2026-03-13 17:00 Berlin) that hits the start, the planned end and the completion
times exactly, and small ``seq`` values, so identical timestamps are common.
Points are the usual story-point values (integers and halves) or None.
"""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.burndown import compute_burndown
from metrics.burnup import compute_sprint_burnup
from metrics.calendar import WorkingCalendar
from metrics.model import Category, Change, ItemInfo, SprintWindow
from metrics.replay import History
from metrics.sprint import compute_sprint_figures
from metrics.velocity import velocity

BASE = datetime(2026, 2, 26, 8, tzinfo=UTC)  # 4 days before the start, 09:00 Berlin
STEP = timedelta(hours=4)
START = BASE + 24 * STEP  # 2026-03-02 08:00Z = 09:00 Berlin
END = BASE + 92 * STEP  # 2026-03-13 16:00Z = 17:00 Berlin
COMPLETIONS = [None, END, BASE + 80 * STEP, BASE + 110 * STEP]  # open, on time, early, late
KEYS = ["A", "B", "C", "D", "E", "F"]
POINTS = [None, 0, 0.5, 1, 2, 3, 5, 8, 13]
CATEGORIES: list[Category] = ["todo", "in_progress", "done", "cancelled"]
RP = WorkingCalendar()
FAST = settings(max_examples=200, deadline=None)


@st.composite
def random_change(draw: st.DrawFn, item: str) -> Change:
    at = BASE + draw(st.integers(0, 120)) * STEP
    seq = draw(st.integers(0, 3))
    kind = draw(st.sampled_from(["status", "status", "points", "sprint_added", "sprint_removed"]))
    if kind == "status":
        category = draw(st.sampled_from(CATEGORIES))
        return Change(item, at, "status", category=category, status=category.upper(), seq=seq)
    if kind == "points":
        return Change(item, at, "points", points=draw(st.sampled_from(POINTS)), seq=seq)
    sprint = draw(st.sampled_from(["S1", "S1", "S1", "S2"]))
    return Change(item, at, kind, sprint=sprint, seq=seq)  # type: ignore[arg-type]


@st.composite
def item_history(draw: st.DrawFn, item: str) -> list[Change]:
    """Usually created and planned into S1 (often before the start), then random changes."""
    created_at = BASE + draw(st.integers(0, 40)) * STEP
    changes = [Change(item, created_at, "created", points=draw(st.sampled_from(POINTS)))]
    if draw(st.integers(0, 3)):
        planned_at = created_at + draw(st.integers(0, 30)) * STEP
        changes.append(Change(item, planned_at, "sprint_added", sprint="S1", seq=1))
    changes += draw(st.lists(random_change(item), max_size=7))
    return changes


@st.composite
def histories(draw: st.DrawFn) -> tuple[SprintWindow, list[ItemInfo], list[Change]]:
    completed_at = draw(st.sampled_from(COMPLETIONS))
    sprint = SprintWindow("S1", "Sprint 1", START, END, completed_at)
    count = draw(st.integers(0, len(KEYS)))
    types = ["story", "story", "bug", "sub-task"]
    items = [ItemInfo(key, draw(st.sampled_from(types))) for key in KEYS[:count]]
    changes = [change for info in items for change in draw(item_history(info.key))]
    return sprint, items, changes


@FAST
@given(histories())
def test_conservation_holds_exactly(
    history: tuple[SprintWindow, list[ItemInfo], list[Change]],
) -> None:
    figures = compute_sprint_figures(*history)
    for unit in (figures.points, figures.items):
        assert unit.committed + unit.added - unit.removed == unit.completed + unit.not_completed
        assert (
            min(unit.committed, unit.added, unit.removed, unit.completed, unit.not_completed) >= 0
        )
    assert figures.items.completed == len(figures.completed_keys)
    assert figures.items.not_completed == len(figures.not_completed_keys)


@FAST
@given(histories())
def test_burndown_never_negative_and_ends_at_not_completed(
    history: tuple[SprintWindow, list[ItemInfo], list[Change]],
) -> None:
    sprint, items, changes = history
    figures = compute_sprint_figures(sprint, items, changes)
    burndown = compute_burndown(sprint, items, changes, RP)

    assert burndown.committed == figures.points.committed
    assert all(step.remaining >= 0 for step in burndown.steps)
    assert all(day.value >= 0 for day in burndown.remaining_by_day)
    assert burndown.remaining_by_day[-1].value == figures.points.not_completed
    if burndown.steps:
        assert burndown.steps[-1].remaining == figures.points.not_completed
    assert all(step.delta != 0 for step in burndown.steps)


@FAST
@given(histories(), st.data())
def test_results_do_not_depend_on_row_order(
    history: tuple[SprintWindow, list[ItemInfo], list[Change]], data: st.DataObject
) -> None:
    sprint, items, changes = history
    shuffled_items = data.draw(st.permutations(items))
    shuffled_changes = data.draw(st.permutations(changes))

    assert compute_sprint_figures(sprint, items, changes) == compute_sprint_figures(
        sprint, shuffled_items, shuffled_changes
    )
    assert compute_burndown(sprint, items, changes, RP) == compute_burndown(
        sprint, shuffled_items, shuffled_changes, RP
    )


@FAST
@given(histories())
def test_figures_agree_with_replayed_states(
    history: tuple[SprintWindow, list[ItemInfo], list[Change]],
) -> None:
    sprint, items, changes = history
    figures = compute_sprint_figures(sprint, items, changes)
    replayed = History(changes)
    stories = [info.key for info in items if not info.is_subtask]
    at_start = {key: replayed.state_at(key, sprint.start) for key in stories}
    at_end = {key: replayed.state_at(key, sprint.figures_end) for key in stories}

    assert set(figures.committed_keys) == {
        key for key, state in at_start.items() if state.in_sprint("S1") and state.is_open
    }
    for key in figures.completed_keys:
        assert at_end[key].in_sprint("S1") and at_end[key].category == "done"
    for key in figures.not_completed_keys:
        assert at_end[key].in_sprint("S1") and at_end[key].is_open
    # Every open member at the end is in the figures (an open member is always in scope).
    assert set(figures.not_completed_keys) == {
        key for key, state in at_end.items() if state.in_sprint("S1") and state.is_open
    }


@FAST
@given(histories(), st.integers(24, 120))
def test_burndown_as_of_is_a_prefix(
    history: tuple[SprintWindow, list[ItemInfo], list[Change]], step: int
) -> None:
    sprint, items, changes = history
    as_of = BASE + step * STEP
    full = compute_burndown(sprint, items, changes, RP)
    partial = compute_burndown(sprint, items, changes, RP, as_of=as_of)

    assert partial.committed == full.committed
    assert partial.steps == tuple(s for s in full.steps if s.at <= as_of)
    assert (
        partial.remaining_by_day[:-1] == full.remaining_by_day[: len(partial.remaining_by_day) - 1]
    )
    assert partial.guideline == full.guideline


@FAST
@given(
    st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), max_size=12),
    st.integers(1, 6),
)
def test_velocity_mean_within_range(values: list[float], window: int) -> None:
    stat = velocity(values, window)
    if not values:
        assert stat is None
        return
    assert stat is not None
    assert stat.minimum <= stat.mean <= stat.maximum
    assert stat.sprint_count == min(window, len(values))


@FAST
@given(histories())
def test_sprint_burnup_agrees_with_figures_and_burndown(
    history: tuple[SprintWindow, list[ItemInfo], list[Change]],
) -> None:
    sprint, items, changes = history
    figures = compute_sprint_figures(sprint, items, changes)
    burndown = compute_burndown(sprint, items, changes, RP)
    burnup = compute_sprint_burnup(sprint, items, changes)

    p = figures.points
    assert burnup[-1].scope == pytest.approx(p.committed + p.added - p.removed)
    assert burnup[-1].completed == pytest.approx(p.completed)
    for day, remaining in zip(burnup, burndown.remaining_by_day, strict=True):
        assert 0 <= day.completed <= day.scope
        assert day.scope - day.completed == pytest.approx(remaining.value)
