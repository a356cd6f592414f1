"""Working days and working hours of the demo teams, and random times inside them.

A working day is Monday to Friday, not a public holiday of Rhineland-Palatinate
(the ``holidays`` package, Germany, subdivision RP) and not one of the team's
own non-working days. Working hours are 08:00-17:30 Europe/Berlin. Every
instant this module returns is an aware UTC datetime on a whole minute.
"""

import random
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

BERLIN = ZoneInfo("Europe/Berlin")
WORK_START = time(8, 0)
WORK_END = time(17, 30)


def berlin(day: date, at: time) -> datetime:
    """The instant of local time ``at`` on ``day`` in Europe/Berlin, as aware UTC."""
    return datetime.combine(day, at, tzinfo=BERLIN).astimezone(UTC)


def local_day(instant: datetime) -> date:
    """The Europe/Berlin calendar day of an aware instant."""
    return instant.astimezone(BERLIN).date()


def monday_of(day: date) -> date:
    """The Monday of the ISO week of ``day``."""
    return day - timedelta(days=day.weekday())


class WorkCalendar:
    """The working days of one team (DE/RP holidays plus the team's own days off)."""

    def __init__(self, *, non_working_days: Iterable[date] = ()) -> None:
        self._holidays = holidays.country_holidays("DE", subdiv="RP")
        self._days_off = frozenset(non_working_days)
        self._windows: dict[tuple[datetime, datetime], list[tuple[datetime, int]]] = {}

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is Monday to Friday, not an RP holiday and not a team day off."""
        return day.weekday() < 5 and day not in self._holidays and day not in self._days_off

    def working_day_on_or_after(self, day: date) -> date:
        """``day`` if it is a working day, else the next working day."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def _working_minutes(self, lo: datetime, hi: datetime) -> list[tuple[datetime, int]]:
        """The working-hour stretches inside [lo, hi] as (first instant, length in minutes)."""
        key = (lo, hi)
        cached = self._windows.get(key)
        if cached is not None:
            return cached
        stretches: list[tuple[datetime, int]] = []
        day = local_day(lo)
        last = local_day(hi)
        while day <= last:
            if self.is_working_day(day):
                begin = max(lo, berlin(day, WORK_START))
                end = min(hi, berlin(day, WORK_END))
                minutes = int((end - begin).total_seconds() // 60)
                if minutes > 0:
                    stretches.append((begin, minutes))
            day += timedelta(days=1)
        self._windows[key] = stretches
        return stretches

    def sample(self, rng: random.Random, lo: datetime, hi: datetime, count: int) -> list[datetime]:
        """``count`` ascending random instants at working hours inside [lo, hi].

        When the window holds no working minute at all, every instant is ``lo``
        (an event then happens outside working hours, which real teams do too).
        """
        if hi <= lo:
            return [lo] * count
        stretches = self._working_minutes(lo, hi)
        total = sum(length for _, length in stretches)
        if total == 0:
            return [lo] * count
        picks = sorted(rng.randrange(total + 1) for _ in range(count))
        result: list[datetime] = []
        index, passed = 0, 0
        for pick in picks:
            while index < len(stretches) - 1 and pick > passed + stretches[index][1]:
                passed += stretches[index][1]
                index += 1
            begin, _ = stretches[index]
            result.append(_whole_minute(begin) + timedelta(minutes=pick - passed))
        return [min(max(instant, lo), hi) for instant in result]

    def one(self, rng: random.Random, lo: datetime, hi: datetime) -> datetime:
        """One random instant at working hours inside [lo, hi] (see ``sample``)."""
        return self.sample(rng, lo, hi, 1)[0]


def _whole_minute(instant: datetime) -> datetime:
    return instant.replace(second=0, microsecond=0)
