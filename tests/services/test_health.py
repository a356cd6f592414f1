"""RAG thresholds of delivery and freshness (pure, no store)."""

from datetime import UTC, datetime, timedelta

import pytest

from sprintfolio.services.health import (
    HealthThresholds,
    ProjectHealth,
    assess_delivery,
    assess_freshness,
    worst_level,
)

NOW = datetime(2026, 11, 24, 11, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ratios", "level"),
    [
        ([0.8], "green"),
        ([1.0, 0.7, 0.7], "green"),  # mean 0.8
        ([0.79999], "amber"),
        ([0.6], "amber"),
        ([0.59999], "red"),
        ([0.0, 1.0, 1.0, 0.1], "amber"),  # only the last three count: mean 0.7
    ],
)
def test_delivery_levels(ratios: list[float], level: str) -> None:
    signal = assess_delivery(ratios)
    assert signal.level == level
    assert signal.reason == "say_do"


def test_delivery_unknown_without_closed_sprints_or_commitment() -> None:
    assert assess_delivery([]).level == "grey"
    assert assess_delivery([]).reason == "no_closed_sprints"
    none = assess_delivery([None, None])
    assert (none.level, none.reason, none.sprints) == ("grey", "nothing_committed", 2)
    # A sprint without commitment does not count in the mean.
    assert assess_delivery([None, 0.9]).value == 0.9


@pytest.mark.parametrize(
    ("age_h", "level"), [(0, "green"), (23.9, "green"), (24, "amber"), (71.9, "amber"), (72, "red")]
)
def test_freshness_levels(age_h: float, level: str) -> None:
    signal = assess_freshness([("jira", NOW - timedelta(hours=age_h))], now=NOW)
    assert (signal.level, signal.reason, signal.source) == (level, "synced", "jira")
    assert signal.value == pytest.approx(age_h)


def test_freshness_is_the_stalest_source() -> None:
    signal = assess_freshness(
        [("a", NOW - timedelta(hours=1)), ("b", NOW - timedelta(hours=30))], now=NOW
    )
    assert (signal.level, signal.source) == ("amber", "b")
    never = assess_freshness([("a", NOW), ("b", None)], now=NOW)
    assert (never.level, never.reason, never.source) == ("red", "never_synced", "b")
    assert assess_freshness([], now=NOW).level == "grey"


def test_thresholds_are_configurable() -> None:
    strict = HealthThresholds(delivery_green=0.9, freshness_green_h=1)
    assert assess_delivery([0.85], thresholds=strict).level == "amber"
    assert assess_freshness(
        [("a", NOW - timedelta(hours=2))], now=NOW, thresholds=strict
    ).level == ("amber")


def test_overall_is_the_worst_known_level() -> None:
    assert worst_level(["grey", "green"]) == "green"
    assert worst_level(["amber", "red", "green"]) == "red"
    assert worst_level(["grey", "grey"]) == "grey"
    health = ProjectHealth(
        delivery=assess_delivery([]),
        freshness=assess_freshness([("a", NOW - timedelta(hours=50))], now=NOW),
    )
    assert health.overall == "amber"
    assert [s.dimension for s in health.drivers] == ["freshness"]
