"""Working days and local calendar days.

A working day is a day that is not a weekend day (Saturday and Sunday by
default), not a public holiday of the calendar's country and subdivision (the
``holidays`` package; Germany, Rhineland-Palatinate by default) and not one of
the team's own non-working days. Days are calendar days in a time zone the
caller passes (Europe/Berlin for the dashboard).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from metrics.checks import require_aware, require_date
from metrics.errors import MetricsError

BERLIN = ZoneInfo("Europe/Berlin")

_SATURDAY_SUNDAY = frozenset({5, 6})


@lru_cache(maxsize=512)
def holiday_dates(country: str, subdiv: str | None, year: int) -> frozenset[date]:
    """The public holidays of ``country``/``subdiv`` in ``year`` (cached per argument triple).

    Args:
        country: ISO 3166-1 alpha-2 code, e.g. "DE".
        subdiv: Subdivision code as the ``holidays`` package spells it (e.g. "RP",
            case-sensitive), or None for the country-wide holidays only.
        year: The calendar year.

    Returns:
        The holiday dates.

    Raises:
        MetricsError: If the ``holidays`` package does not know the country or subdivision.
    """
    try:
        table = holidays.country_holidays(country, subdiv=subdiv, years=year)
    except NotImplementedError as exc:
        raise MetricsError(
            f"no public holidays known for country {country!r}, subdivision {subdiv!r} "
            f"({exc}); use an ISO country code and a subdivision code of the holidays "
            "package, e.g. country='DE', subdiv='RP'"
        ) from exc
    return frozenset(table.keys())


def local_date(at: datetime, tz: ZoneInfo) -> date:
    """The calendar day of the instant ``at`` in time zone ``tz``.

    Args:
        at: An aware datetime (any offset; the instant counts, not the offset).
        tz: The time zone in which days are counted, e.g. ``BERLIN``.

    Returns:
        The local date, e.g. 2026-03-29T22:30Z is 2026-03-30 in Europe/Berlin.

    Raises:
        MetricsError: If ``at`` is naive.
    """
    return require_aware(at, "timestamp").astimezone(tz).date()


def calendar_days(first: date, last: date) -> list[date]:
    """Every calendar day from ``first`` through ``last`` (inclusive).

    Raises:
        MetricsError: If ``last`` is before ``first``.
    """
    _check_range(first, last)
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def _check_range(first: date, last: date) -> None:
    require_date(first, "first day")
    require_date(last, "last day")
    if last < first:
        raise MetricsError(
            f"day range ends {last.isoformat()} before it starts {first.isoformat()}; swap the days"
        )


@dataclass(frozen=True)
class WorkingCalendar:
    """A team's working-day calendar.

    Attributes:
        country: ISO country code for public holidays ("DE").
        subdiv: Subdivision code ("RP", Rhineland-Palatinate), or None for
            country-wide holidays only.
        non_working_days: The team's own non-working days (e.g. a team day off).
        weekend: Weekday numbers (Monday 0 … Sunday 6) that are never working
            days; Saturday and Sunday by default.
    """

    country: str = "DE"
    subdiv: str | None = "RP"
    non_working_days: frozenset[date] = field(default_factory=frozenset)
    weekend: frozenset[int] = _SATURDAY_SUNDAY

    def __post_init__(self) -> None:
        # Accept any iterable of dates, store it as a frozenset so the calendar stays hashable.
        days = frozenset(_checked_days(self.non_working_days))
        object.__setattr__(self, "non_working_days", days)
        weekend = frozenset(self.weekend)
        if not weekend <= frozenset(range(7)):
            raise MetricsError(
                f"weekend {sorted(weekend)!r} has weekday numbers outside 0..6 "
                "(Monday is 0, Sunday is 6)"
            )
        object.__setattr__(self, "weekend", weekend)
        # Fail at construction, not at first use, for an unknown country or subdivision.
        holiday_dates(self.country, self.subdiv, 2000)

    def is_holiday(self, day: date) -> bool:
        """Whether ``day`` is a public holiday of the calendar's country and subdivision."""
        require_date(day, "day")
        return day in holiday_dates(self.country, self.subdiv, day.year)

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day: not weekend, not a holiday, not a team day off.

        Raises:
            MetricsError: If ``day`` is not a date (a datetime is rejected too).
        """
        require_date(day, "day")
        return (
            day.weekday() not in self.weekend
            and day not in self.non_working_days
            and day not in holiday_dates(self.country, self.subdiv, day.year)
        )

    def working_days(self, first: date, last: date) -> list[date]:
        """The working days from ``first`` through ``last`` (inclusive), in order.

        Raises:
            MetricsError: If ``last`` is before ``first``.
        """
        return [day for day in calendar_days(first, last) if self.is_working_day(day)]

    def non_working_days_between(self, first: date, last: date) -> list[date]:
        """The non-working days (weekend, holidays, team days off) from ``first`` through ``last``.

        Raises:
            MetricsError: If ``last`` is before ``first``.
        """
        return [day for day in calendar_days(first, last) if not self.is_working_day(day)]


def _checked_days(days: Iterable[date]) -> Iterable[date]:
    for day in days:
        yield require_date(day, "non-working day")
