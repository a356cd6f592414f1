"""The sprint calendar and the simulation on their own (no store), for many kinds of "today"."""

import random
from datetime import date, datetime, time, timedelta

import pytest

from models.enums import EventKind, Role, SprintState
from seed.catalogue import MEMBERSHIPS, PROJECTS, SOURCES, STATUS_CATEGORIES, TEAMS
from seed.schedule import active_sprint_monday, plan_sprints
from seed.simulate import ProjectSimulation, SimItem
from seed.workdays import BERLIN, WorkCalendar, berlin

#: A Saturday, a Sunday, a Monday, Christmas Eve, New Year's Day, Easter Monday, a Tuesday.
TODAYS = [
    date(2026, 11, 28), date(2026, 11, 29), date(2026, 11, 30), date(2026, 12, 24),
    date(2027, 1, 1), date(2027, 3, 29), date(2026, 11, 24),
]  # fmt: skip


@pytest.mark.parametrize("stagger", [0, 1])
@pytest.mark.parametrize("today", TODAYS, ids=str)
def test_the_active_sprint_contains_today(today: date, stagger: int) -> None:
    slots = plan_sprints(
        key="X", goals=("Ziel",), closed=3, future=2, stagger=stagger, today=today,
        rng=random.Random(1),
    )  # fmt: skip
    (active,) = [s for s in slots if s.state == SprintState.ACTIVE]
    assert active.start.astimezone(BERLIN).date() <= today <= active.end.astimezone(BERLIN).date()
    assert active.start.astimezone(BERLIN).time() == time(9, 0)
    assert [s.state for s in slots] == [SprintState.CLOSED] * 3 + [
        SprintState.ACTIVE, SprintState.FUTURE, SprintState.FUTURE,
    ]  # fmt: skip


def test_teams_are_staggered_on_weekdays_but_not_at_weekends() -> None:
    tuesday, saturday = date(2026, 11, 24), date(2026, 11, 28)
    assert active_sprint_monday(tuesday, 0) == date(2026, 11, 23)
    assert active_sprint_monday(tuesday, 1) == date(2026, 11, 16)
    assert active_sprint_monday(saturday, 0) == active_sprint_monday(saturday, 1)


def test_calendar_samples_working_hours_inside_the_window() -> None:
    calendar = WorkCalendar(non_working_days=[date(2026, 11, 25)])
    lo = berlin(date(2026, 11, 20), time(16, 0))  # a Friday afternoon
    hi = berlin(date(2026, 11, 27), time(12, 0))
    instants = calendar.sample(random.Random(3), lo, hi, 500)
    assert instants == sorted(instants)
    for instant in instants:
        local = instant.astimezone(BERLIN)
        assert lo <= instant <= hi
        assert local.weekday() < 5 and local.date() != date(2026, 11, 25)
        assert time(8, 0) <= local.time() <= time(17, 30)
        assert local.second == 0
    assert calendar.sample(random.Random(3), hi, hi, 2) == [hi, hi]


def _simulate(
    key: str, today: date, seed: int, *, synced_before: timedelta = timedelta(0)
) -> tuple[list[SimItem], datetime, int]:
    spec = next(p for p in PROJECTS if p.key == key)
    team = next(t for t in TEAMS if t.name == spec.team)
    rng = random.Random(seed)
    slots = plan_sprints(
        key=key, goals=spec.goals, closed=spec.closed_sprints, future=spec.future_sprints,
        stagger=team.stagger, today=today, rng=rng,
    )  # fmt: skip
    cap = berlin(today, time(9, 0)) - synced_before
    workers = [
        (m.login, m.capacity_share)
        for m in MEMBERSHIPS
        if m.project == key and m.role in (Role.MEMBER, Role.PRODUCT_OWNER)
    ]
    items = ProjectSimulation(
        spec=spec,
        slots=slots,
        calendar=WorkCalendar(),
        rng=rng,
        cap=cap,
        assignees=workers,
        product_owner=spec.product_owner,
        cancels=next(s for s in SOURCES if s.name == spec.source).cancels,
    ).run()
    return items, cap, len(slots)


@pytest.mark.parametrize("today", TODAYS, ids=str)
def test_histories_are_ordered_capped_and_match_the_items(today: date) -> None:
    for key in ("ARB", "WEB"):
        items, cap, sprint_count = _simulate(key, today, seed=5)
        assert len(items) > 150
        for item in items:
            times = [event.at for event in item.events]
            assert times == sorted(times) and times[-1] <= cap
            assert item.events[0].kind == EventKind.CREATED
            statuses = [e.status for e in item.events if e.kind == EventKind.STATUS]
            assert statuses and statuses[-1] == item.status
            assert all(s in STATUS_CATEGORIES for s in statuses)
            assert all(0 <= e.sprint < sprint_count for e in item.events if e.sprint is not None)


def test_the_same_seed_gives_the_same_histories() -> None:
    first, _, _ = _simulate("OZG", date(2026, 11, 24), seed=11)
    again, _, _ = _simulate("OZG", date(2026, 11, 24), seed=11)
    other, _, _ = _simulate("OZG", date(2026, 11, 24), seed=12)
    assert [(i.title, i.events) for i in first] == [(i.title, i.events) for i in again]
    assert [(i.title, i.events) for i in first] != [(i.title, i.events) for i in other]


def test_nothing_happens_after_the_cutoff_even_in_the_active_sprint() -> None:
    items, cap, _ = _simulate("GIS", date(2026, 11, 24), seed=3)
    last = max(item.updated_at for item in items)
    assert last <= cap and cap - last < timedelta(days=1)


def test_a_sprint_starting_today_is_planned_before_the_morning_sync() -> None:
    """On the Monday a sprint starts, planning (08:00-08:30) precedes a sync at 08:35."""
    monday = date(2026, 11, 30)
    assert active_sprint_monday(monday, 0) == monday  # Team Geodaten has stagger 0
    items, _, _ = _simulate("GIS", monday, seed=8, synced_before=timedelta(minutes=25))
    active_start = berlin(monday, time(9, 0))
    committed = [
        item
        for item in items
        if item.sprint is not None
        and item.sprints[item.sprint] < active_start
        and item.type != "sub-task"
        and item.is_open
    ]
    assert len(committed) >= 5
