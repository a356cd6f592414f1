"""Input checks shared by the metric functions (fail loudly, name the value and the fix)."""

import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from metrics.errors import MetricsError
from metrics.model import ItemInfo, SprintWindow


def require_aware(value: datetime, what: str) -> datetime:
    """Return ``value`` if it is a time-zone-aware datetime, else raise.

    Args:
        value: The datetime to check.
        what: What the value is, for the message (e.g. "sprint 'S1' start").

    Raises:
        MetricsError: If ``value`` is not a datetime or has no time zone.
    """
    if not isinstance(value, datetime):
        raise MetricsError(f"{what} is {value!r}, not a datetime; pass an aware datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise MetricsError(
            f"{what} {value.isoformat()} has no time zone; pass an aware datetime (UTC)"
        )
    return value


def require_date(value: date, what: str) -> date:
    """Return ``value`` if it is a calendar date (not a datetime), else raise.

    Raises:
        MetricsError: If ``value`` is a datetime or not a date at all.
    """
    if isinstance(value, datetime) or not isinstance(value, date):
        raise MetricsError(f"{what} is {value!r}, not a date; pass a datetime.date")
    return value


def require_points(value: float | None, what: str) -> float | None:
    """Return ``value`` if it is None (unestimated) or a finite number >= 0, else raise.

    Raises:
        MetricsError: If ``value`` is negative, NaN or infinite.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MetricsError(f"{what} is {value!r}; points must be a number or None")
    if not math.isfinite(value) or value < 0:
        raise MetricsError(f"{what} is {value!r}; points must be finite and >= 0")
    return value


def check_sprint(sprint: SprintWindow) -> SprintWindow:
    """Return ``sprint`` if its window is consistent, else raise.

    Raises:
        MetricsError: If a timestamp is naive, the sprint ends before it starts,
            or it was completed before it started.
    """
    name = f"sprint {sprint.key!r}"
    require_aware(sprint.start, f"{name} start")
    require_aware(sprint.end, f"{name} end")
    if sprint.end < sprint.start:
        raise MetricsError(
            f"{name} ends {sprint.end.isoformat()} before it starts "
            f"{sprint.start.isoformat()}; fix its start or end"
        )
    if sprint.completed_at is not None:
        require_aware(sprint.completed_at, f"{name} completed_at")
        if sprint.completed_at < sprint.start:
            raise MetricsError(
                f"{name} was completed {sprint.completed_at.isoformat()} before it starts "
                f"{sprint.start.isoformat()}; fix its completed_at or start"
            )
    return sprint


def index_items(items: Iterable[ItemInfo]) -> dict[str, ItemInfo]:
    """Map item keys to their info.

    Raises:
        MetricsError: If a key occurs twice.
    """
    index: dict[str, ItemInfo] = {}
    for info in items:
        if info.key in index:
            raise MetricsError(f"item {info.key!r} is given twice; pass each item once")
        index[info.key] = info
    return index


def require_known_items(item_keys: Iterable[str], index: dict[str, ItemInfo]) -> None:
    """Raise if a change refers to an item that has no ItemInfo.

    Raises:
        MetricsError: Naming the first unknown item.
    """
    for key in item_keys:
        if key not in index:
            raise MetricsError(
                f"a change refers to item {key!r}, which is not among the items; "
                "pass an ItemInfo for every item whose changes you pass"
            )


def require_values(values: Sequence[float], what: str) -> None:
    """Raise unless every value is a finite number >= 0.

    Raises:
        MetricsError: Naming the first bad value and its position.
    """
    for position, value in enumerate(values):
        if value is None:
            raise MetricsError(f"{what}[{position}] is None; pass a number (0 if nothing)")
        require_points(value, f"{what}[{position}]")
