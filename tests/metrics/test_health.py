"""Project health (RAG) with hand-computed thresholds, and the "worst of" invariant."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.errors import MetricsError
from metrics.health import (
    DimensionHealth,
    HealthThresholds,
    ProjectHealth,
    delivery_health,
    freshness_health,
    project_health,
    schedule_health,
)

TODAY = date(2026, 1, 1)
# 2026-01-01 + 100 days = 2026-04-11 (Jan 31 + Feb 28 + Mar 31 + 10 = 100): tolerance 10 days.
TARGET = date(2026, 4, 11)
NOW = datetime(2026, 5, 13, 12, 0, tzinfo=UTC)
SEVERITY = {"green": 0, "amber": 1, "red": 2}


def _hours_ago(hours: float) -> datetime:
    return NOW - timedelta(hours=hours)


# --- schedule --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p85", "rag", "code", "values"),
    [
        # On the target date: green, 0 days early.
        (date(2026, 4, 11), "green", "on_or_before_target", {"days_early": 0}),
        # 11 days early.
        (date(2026, 3, 31), "green", "on_or_before_target", {"days_early": 11}),
        # 10 days late = 10 % of the 100 days remaining: amber.
        (
            date(2026, 4, 21),
            "amber",
            "late_within_tolerance",
            {"days": 10, "tolerance_days": 10.0, "remaining_days": 100},
        ),
        # 11 days late: red.
        (
            date(2026, 4, 22),
            "red",
            "late_by_days",
            {"days": 11, "tolerance_days": 10.0, "remaining_days": 100},
        ),
    ],
)
def test_schedule_against_the_target(
    p85: date, rag: str, code: str, values: dict[str, float]
) -> None:
    result = schedule_health(forecast_p85=p85, target_date=TARGET, today=TODAY)
    assert (result.rag, result.reason_code, result.values) == (rag, code, values)


def test_schedule_after_a_passed_target_date_has_no_tolerance() -> None:
    # Today 2026-05-01 is after the target 2026-04-11: remaining 0 days, tolerance 0;
    # a forecast 1 day late is red.
    result = schedule_health(
        forecast_p85=date(2026, 4, 12), target_date=TARGET, today=date(2026, 5, 1)
    )
    assert (result.rag, result.values["days"], result.values["tolerance_days"]) == ("red", 1, 0)


def test_schedule_is_grey_without_target_or_forecast() -> None:
    no_target = schedule_health(forecast_p85=date(2026, 4, 1), target_date=None, today=TODAY)
    no_forecast = schedule_health(forecast_p85=None, target_date=TARGET, today=TODAY)
    assert (no_target.rag, no_target.reason_code) == ("grey", "no_target_date")
    assert (no_forecast.rag, no_forecast.reason_code) == ("grey", "no_forecast")


def test_schedule_reason_reads_in_english_with_the_numbers() -> None:
    result = schedule_health(forecast_p85=date(2026, 4, 23), target_date=TARGET, today=TODAY)
    assert result.reason == (
        "the 85 % forecast (2026-04-23) is 12 day(s) after the target date (2026-04-11); "
        "tolerance 10 day(s) (10% of the 100 day(s) remaining)"
    )


# --- delivery --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ratios", "rag", "mean"),
    [
        # Last 3 of [0.1, 0.9, 0.7, 0.8]: (0.9 + 0.7 + 0.8) / 3 = 0.8 -> green (0.1 ignored).
        ([0.1, 0.9, 0.7, 0.8], "green", 0.8),
        # (0.5 + 0.6 + 0.7) / 3 = 0.6 -> amber.
        ([0.5, 0.6, 0.7], "amber", 0.6),
        # (0.5 + 0.6 + 0.6) / 3 = 0.5667 -> red.
        ([0.5, 0.6, 0.6], "red", 1.7 / 3),
        # One sprint only: 1.2 -> green (over-delivery is green too).
        ([1.2], "green", 1.2),
    ],
)
def test_delivery_mean_of_the_last_three(ratios: list[float], rag: str, mean: float) -> None:
    result = delivery_health(ratios)
    assert (result.rag, result.reason_code) == (rag, "say_do_mean")
    assert result.values["mean"] == pytest.approx(mean)
    assert result.values["sprints"] == min(3, len(ratios))


def test_delivery_is_grey_without_closed_sprints() -> None:
    result = delivery_health([])
    assert (result.rag, result.reason_code) == ("grey", "no_closed_sprints")


def test_delivery_rejects_bad_ratios() -> None:
    with pytest.raises(MetricsError, match=r"say_do_ratios\[1\] is -0.5"):
        delivery_health([0.8, -0.5])
    with pytest.raises(MetricsError, match=r"say_do_ratios\[0\] is None"):
        delivery_health([None])  # type: ignore[list-item]


# --- freshness -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("syncs", "rag", "hours"),
    [
        ([_hours_ago(1), _hours_ago(23.5)], "green", 23.5),
        ([_hours_ago(1), _hours_ago(24)], "amber", 24.0),  # 24 h is not under 24 h
        ([_hours_ago(71.9)], "amber", 71.9),
        ([_hours_ago(72), _hours_ago(2)], "red", 72.0),
        ([NOW + timedelta(seconds=5)], "green", 0.0),  # another process's clock: age 0
    ],
)
def test_freshness_by_the_oldest_sync(syncs: list[datetime], rag: str, hours: float) -> None:
    result = freshness_health(syncs, now=NOW)
    assert (result.rag, result.reason_code) == (rag, "oldest_sync_age")
    assert result.values["hours"] == pytest.approx(hours)
    assert result.values["sources"] == len(syncs)


def test_freshness_a_source_never_synced_is_red() -> None:
    result = freshness_health([_hours_ago(1), None], now=NOW)
    assert (result.rag, result.reason_code, result.values) == (
        "red",
        "never_synced",
        {"never_synced": 1, "sources": 2},
    )
    assert result.reason == "1 of 2 source(s) never synced successfully"


def test_freshness_is_grey_without_sources() -> None:
    assert freshness_health([], now=NOW).rag == "grey"


def test_freshness_rejects_naive_datetimes() -> None:
    with pytest.raises(MetricsError, match=r"now .* has no time zone"):
        freshness_health([], now=datetime(2026, 5, 13, 12))
    with pytest.raises(MetricsError, match=r"last_syncs\[0\] .* has no time zone"):
        freshness_health([datetime(2026, 5, 13, 11)], now=NOW)


# --- overall and thresholds ------------------------------------------------------------


def test_project_health_overall_is_the_worst_non_grey_dimension() -> None:
    # Schedule grey (no target), delivery amber (mean 0.7), freshness green (1 h).
    result = project_health(
        forecast_p85=date(2026, 4, 1),
        target_date=None,
        today=TODAY,
        say_do_ratios=[0.7, 0.7, 0.7],
        last_syncs=[_hours_ago(1)],
        now=NOW,
    )
    assert [d.rag for d in result.dimensions] == ["grey", "amber", "green"]
    assert (result.overall, result.overall_from) == ("amber", ("delivery",))


def test_project_health_all_grey_is_grey() -> None:
    result = project_health(
        forecast_p85=None,
        target_date=None,
        today=TODAY,
        say_do_ratios=[],
        last_syncs=[],
        now=NOW,
    )
    assert (result.overall, result.overall_from) == ("grey", ())


def test_thresholds_are_configuration() -> None:
    # Stricter delivery (green from 0.9) and a 48 h green window.
    strict = HealthThresholds(delivery_green_min=0.9, freshness_green_hours=48)
    result = project_health(
        forecast_p85=TARGET,
        target_date=TARGET,
        today=TODAY,
        say_do_ratios=[0.85],
        last_syncs=[_hours_ago(30)],
        now=NOW,
        thresholds=strict,
    )
    assert [d.rag for d in result.dimensions] == ["green", "amber", "green"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"delivery_amber_min": 0.9}, "delivery_amber_min 0.9 is above delivery_green_min 0.8"),
        ({"freshness_green_hours": 100}, "freshness_green_hours 100 is above"),
        ({"schedule_tolerance_share": -0.1}, "schedule_tolerance_share is -0.1"),
        ({"delivery_window_sprints": 0}, "delivery_window_sprints is 0"),
    ],
)
def test_thresholds_reject_inconsistent_values(overrides: dict[str, float], message: str) -> None:
    with pytest.raises(MetricsError, match=message):
        HealthThresholds(**overrides)  # type: ignore[arg-type]


# --- properties ------------------------------------------------------------------------

optional_days = st.none() | st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))


@settings(max_examples=100, deadline=None)
@given(
    p85=optional_days,
    target=optional_days,
    ratios=st.lists(st.floats(0, 1.5, allow_nan=False), max_size=6),
    ages=st.lists(st.none() | st.floats(0, 200, allow_nan=False), max_size=4),
)
def test_overall_is_the_worst_non_grey_dimension(
    p85: date | None, target: date | None, ratios: list[float], ages: list[float | None]
) -> None:
    syncs = [None if age is None else _hours_ago(age) for age in ages]
    result: ProjectHealth = project_health(
        forecast_p85=p85,
        target_date=target,
        today=TODAY,
        say_do_ratios=ratios,
        last_syncs=syncs,
        now=NOW,
    )
    rated: list[DimensionHealth] = [d for d in result.dimensions if d.rag != "grey"]
    if rated:
        assert result.overall == max((d.rag for d in rated), key=SEVERITY.__getitem__)
        assert result.overall_from and all(
            getattr(result, name).rag == result.overall for name in result.overall_from
        )
    else:
        assert result.overall == "grey"
    assert all(d.reason and d.reason_code for d in result.dimensions)


def test_schedule_green_reason_reads_in_english() -> None:
    on_time = schedule_health(forecast_p85=TARGET, target_date=TARGET, today=TODAY)
    early = schedule_health(forecast_p85=date(2026, 4, 1), target_date=TARGET, today=TODAY)
    assert on_time.reason == "the 85 % forecast (2026-04-11) is on the target date (2026-04-11)"
    assert early.reason == (
        "the 85 % forecast (2026-04-01) is 10 day(s) before the target date (2026-04-11)"
    )
