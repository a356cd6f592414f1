"""Tiny builders for hand-written histories (times are given in Europe/Berlin, stored in UTC)."""

from datetime import UTC, datetime

from metrics.calendar import BERLIN
from metrics.model import Category, Change, ItemInfo, SprintWindow

SPRINT = "S1"


def berlin(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A Europe/Berlin wall-clock time as an aware UTC datetime (as the store keeps it)."""
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


def created(
    item: str,
    at: datetime,
    *,
    points: float | None = None,
    category: Category = "todo",
    seq: int = 0,
) -> Change:
    return Change(item, at, "created", category=category, points=points, seq=seq)


def status(item: str, at: datetime, category: Category, *, seq: int = 0) -> Change:
    names = {"todo": "To Do", "in_progress": "In Progress", "done": "Done", "cancelled": "Won't Do"}
    return Change(item, at, "status", category=category, status=names[category], seq=seq)


def estimate(item: str, at: datetime, points: float | None, *, seq: int = 0) -> Change:
    return Change(item, at, "points", points=points, seq=seq)


def enters(item: str, at: datetime, sprint: str = SPRINT, *, seq: int = 0) -> Change:
    return Change(item, at, "sprint_added", sprint=sprint, seq=seq)


def leaves(item: str, at: datetime, sprint: str = SPRINT, *, seq: int = 0) -> Change:
    return Change(item, at, "sprint_removed", sprint=sprint, seq=seq)


def stories(*keys: str) -> list[ItemInfo]:
    return [ItemInfo(key) for key in keys]


def sprint_window(
    start: datetime, end: datetime, completed_at: datetime | None = None, key: str = SPRINT
) -> SprintWindow:
    return SprintWindow(key, f"Sprint {key}", start, end, completed_at)


# The sprint most tests use: two weeks, Monday 2026-03-02 09:00 to Friday 2026-03-13 17:00
# (Europe/Berlin, CET), ten working days (no holiday in Rhineland-Palatinate), open.
START = berlin(2026, 3, 2, 9)
END = berlin(2026, 3, 13, 17)
PLANNING = berlin(2026, 2, 27, 14)
MARCH = sprint_window(START, END)


def march(day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A time on 2026-03-<day> in Europe/Berlin."""
    return berlin(2026, 3, day, hour, minute)


def committed(item: str, points: float | None, at: datetime = PLANNING) -> list[Change]:
    """An item created with ``points`` and planned into S1 before the start."""
    return [created(item, at, points=points), enters(item, at, seq=1)]
