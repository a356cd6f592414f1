"""Working calendar: weekends, RP holidays, team days off, other Länder, local dates."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from metrics.calendar import (
    BERLIN,
    WorkingCalendar,
    calendar_days,
    holiday_dates,
    local_date,
)
from metrics.errors import MetricsError

RP = WorkingCalendar()


def test_defaults_are_rhineland_palatinate() -> None:
    assert (RP.country, RP.subdiv, RP.non_working_days) == ("DE", "RP", frozenset())


def test_weekends_and_rp_holidays_are_not_working_days() -> None:
    assert RP.is_working_day(date(2026, 6, 3))  # Wednesday
    assert not RP.is_working_day(date(2026, 6, 4))  # Fronleichnam (Corpus Christi)
    assert not RP.is_working_day(date(2026, 5, 14))  # Christi Himmelfahrt (Ascension)
    assert not RP.is_working_day(date(2026, 6, 6))  # Saturday
    assert RP.is_holiday(date(2026, 6, 4))
    assert not RP.is_holiday(date(2026, 6, 6))


def test_working_days_inclusive() -> None:
    # Mon 1 June .. Fri 12 June 2026: 10 weekdays minus Corpus Christi = 9.
    days = RP.working_days(date(2026, 6, 1), date(2026, 6, 12))
    assert len(days) == 9
    assert days[0] == date(2026, 6, 1)
    assert days[-1] == date(2026, 6, 12)
    assert date(2026, 6, 4) not in days


def test_non_working_days_between() -> None:
    assert RP.non_working_days_between(date(2026, 6, 1), date(2026, 6, 12)) == [
        date(2026, 6, 4),
        date(2026, 6, 6),
        date(2026, 6, 7),
    ]


def test_other_land_and_team_days_off() -> None:
    # Epiphany (6 January) is a holiday in Bavaria, not in RP; Corpus Christi is not one
    # in Berlin. A team day off is never a working day.
    bavaria = WorkingCalendar(subdiv="BY")
    berlin_team = WorkingCalendar(subdiv="BE", non_working_days=frozenset({date(2026, 6, 5)}))
    assert not bavaria.is_working_day(date(2026, 1, 6))
    assert RP.is_working_day(date(2026, 1, 6))
    assert berlin_team.is_working_day(date(2026, 6, 4))
    assert not berlin_team.is_working_day(date(2026, 6, 5))


def test_country_wide_and_other_weekend() -> None:
    austria = WorkingCalendar(country="AT", subdiv=None)
    sun_thu = WorkingCalendar(weekend=frozenset({4, 5}))  # Friday and Saturday off
    assert not austria.is_working_day(date(2026, 12, 8))  # Mariä Empfängnis
    assert sun_thu.is_working_day(date(2026, 3, 8))  # a Sunday
    assert not sun_thu.is_working_day(date(2026, 3, 6))  # a Friday


def test_non_working_days_accepts_any_iterable() -> None:
    calendar = WorkingCalendar(non_working_days={date(2026, 3, 3)})  # type: ignore[arg-type]
    assert calendar.non_working_days == frozenset({date(2026, 3, 3)})
    assert hash(calendar)


def test_holidays_are_cached_per_country_subdiv_year() -> None:
    other = WorkingCalendar()
    holiday_dates.cache_clear()
    RP.working_days(date(2026, 1, 1), date(2026, 12, 31))
    other.working_days(date(2026, 1, 1), date(2026, 12, 31))
    info = holiday_dates.cache_info()
    assert info.misses == 1  # one (country, subdiv, year), looked up once for both calendars
    assert info.hits > 500  # every weekday of the year, twice, minus the first lookup


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"country": "XX"}, "country 'XX'"),
        ({"subdiv": "rp"}, "subdivision 'rp'"),
        ({"weekend": frozenset({7})}, "weekday numbers"),
        ({"non_working_days": frozenset({datetime(2026, 3, 3, tzinfo=UTC)})}, "not a date"),
    ],
)
def test_bad_calendar_fails_loudly(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(MetricsError, match=message):
        WorkingCalendar(**kwargs)  # type: ignore[arg-type]


def test_bad_days_fail_loudly() -> None:
    with pytest.raises(MetricsError, match="not a date"):
        RP.is_working_day(datetime(2026, 3, 3, tzinfo=UTC))  # type: ignore[arg-type]
    with pytest.raises(MetricsError, match="swap"):
        RP.working_days(date(2026, 3, 3), date(2026, 3, 2))


def test_calendar_days() -> None:
    assert calendar_days(date(2026, 2, 27), date(2026, 3, 2)) == [
        date(2026, 2, 27),
        date(2026, 2, 28),
        date(2026, 3, 1),
        date(2026, 3, 2),
    ]


def test_local_date_across_dst() -> None:
    # 22:30 UTC is 23:30 CET in winter, but 00:30 CEST the next day in summer.
    assert local_date(datetime(2026, 3, 28, 22, 30, tzinfo=UTC), BERLIN) == date(2026, 3, 28)
    assert local_date(datetime(2026, 3, 29, 22, 30, tzinfo=UTC), BERLIN) == date(2026, 3, 30)
    assert local_date(datetime(2026, 10, 24, 22, 30, tzinfo=UTC), BERLIN) == date(2026, 10, 25)
    assert local_date(datetime(2026, 10, 25, 22, 30, tzinfo=UTC), BERLIN) == date(2026, 10, 25)
    assert local_date(datetime(2026, 3, 2, 1, tzinfo=UTC), ZoneInfo("America/New_York")) == date(
        2026, 3, 1
    )


def test_local_date_rejects_naive() -> None:
    with pytest.raises(MetricsError, match="no time zone"):
        local_date(datetime(2026, 3, 2, 9), BERLIN)
