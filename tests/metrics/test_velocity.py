"""Velocity: mean completed points of the last N closed sprints, with the range."""

import pytest

from metrics.errors import MetricsError
from metrics.model import VelocityStat
from metrics.velocity import velocity


def test_last_three_sprints() -> None:
    # Oldest first: 8, 10, 12, 20 -> the window is 10, 12, 20: mean 14, range 10-20.
    assert velocity([8, 10, 12, 20]) == VelocityStat(
        mean=14, minimum=10, maximum=20, sprint_count=3
    )


def test_configurable_window() -> None:
    assert velocity([8, 10, 12, 20], window=2) == VelocityStat(16, 12, 20, 2)


def test_fewer_sprints_than_window() -> None:
    assert velocity([7.5]) == VelocityStat(7.5, 7.5, 7.5, 1)


def test_no_closed_sprint() -> None:
    assert velocity([]) is None


def test_mean_stays_within_range() -> None:
    # 0.1 + 0.1 + 0.1 in floats is 0.30000000000000004; the exact mean is 0.1.
    stat = velocity([0.1, 0.1, 0.1])
    assert stat is not None
    assert stat.minimum <= stat.mean <= stat.maximum


@pytest.mark.parametrize(
    ("values", "window", "message"),
    [([1.0], 0, "window"), ([1.0, -2.0], 3, r"\[1\]"), ([float("inf")], 3, "finite")],
)
def test_bad_input_fails_loudly(values: list[float], window: int, message: str) -> None:
    with pytest.raises(MetricsError, match=message):
        velocity(values, window=window)
