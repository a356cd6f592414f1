"""Project health (RAG) with its reasons: delivery and freshness (schedule follows in S2).

The thresholds live in ``HealthThresholds`` (one place; later read from the
configuration). Every signal carries a machine-readable reason code and the
figures behind it, so that each user interface can say *why* in its language
(never colour alone).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Level = Literal["green", "amber", "red", "grey"]
Dimension = Literal["delivery", "freshness"]
ReasonCode = Literal[
    "say_do",  # delivery: mean say/do ratio of the last closed sprints (value, sprints)
    "no_closed_sprints",  # delivery: no closed sprint yet
    "nothing_committed",  # delivery: closed sprints, but none had committed points
    "synced",  # freshness: age in hours of the stalest source (value, source)
    "never_synced",  # freshness: a source has never synced successfully (source)
    "no_sources",  # freshness: the project has no source
]

#: Severity order used for "worst of": grey (unknown) never outranks a known level.
_SEVERITY: dict[Level, int] = {"grey": 0, "green": 1, "amber": 2, "red": 3}


@dataclass(frozen=True)
class HealthThresholds:
    """The RAG thresholds of METRICS.md ("Project health"). Later: configuration."""

    delivery_green: float = 0.8
    delivery_amber: float = 0.6
    delivery_window: int = 3
    freshness_green_h: float = 24.0
    freshness_amber_h: float = 72.0


DEFAULT_THRESHOLDS = HealthThresholds()


@dataclass(frozen=True)
class HealthSignal:
    """One dimension of a project's health and the reason for its level.

    ``value`` is the say/do ratio (delivery) or the age in hours of the
    stalest source (freshness); ``sprints`` the number of sprints averaged;
    ``source`` the name of the source the freshness level comes from.
    """

    dimension: Dimension
    level: Level
    reason: ReasonCode
    value: float | None = None
    sprints: int = 0
    source: str | None = None
    threshold_green: float | None = None
    threshold_amber: float | None = None


@dataclass(frozen=True)
class ProjectHealth:
    """The known health signals of a project and the overall level (the worst known one)."""

    delivery: HealthSignal
    freshness: HealthSignal

    @property
    def signals(self) -> tuple[HealthSignal, ...]:
        return (self.delivery, self.freshness)

    @property
    def overall(self) -> Level:
        """Worst known level; grey only when no signal is known."""
        return worst_level([s.level for s in self.signals])

    @property
    def drivers(self) -> tuple[HealthSignal, ...]:
        """The signals that set the overall level (the reasons to show first)."""
        overall = self.overall
        return tuple(s for s in self.signals if s.level == overall)


def worst_level(levels: Sequence[Level]) -> Level:
    """The most severe of ``levels``; grey (unknown) only if nothing else is known."""
    worst: Level = "grey"
    for level in levels:
        if _SEVERITY[level] > _SEVERITY[worst]:
            worst = level
    return worst


def assess_delivery(
    say_do_ratios: Sequence[float | None], *, thresholds: HealthThresholds = DEFAULT_THRESHOLDS
) -> HealthSignal:
    """Delivery health from the say/do ratios of the last closed sprints (newest last).

    The mean is taken over the last ``thresholds.delivery_window`` closed sprints
    that had committed points (a sprint without commitment has no ratio).
    """
    window = list(say_do_ratios)[-thresholds.delivery_window :]
    common = {
        "threshold_green": thresholds.delivery_green,
        "threshold_amber": thresholds.delivery_amber,
    }
    if not window:
        return HealthSignal("delivery", "grey", "no_closed_sprints", **common)
    ratios = [r for r in window if r is not None]
    if not ratios:
        return HealthSignal("delivery", "grey", "nothing_committed", sprints=len(window), **common)
    # Rounded so that e.g. (1.0 + 0.7 + 0.7) / 3 counts as the 0.8 it means.
    mean = round(sum(ratios) / len(ratios), 9)
    if mean >= thresholds.delivery_green:
        level: Level = "green"
    elif mean >= thresholds.delivery_amber:
        level = "amber"
    else:
        level = "red"
    return HealthSignal("delivery", level, "say_do", value=mean, sprints=len(ratios), **common)


def assess_freshness(
    sources: Sequence[tuple[str, datetime | None]],
    *,
    now: datetime,
    thresholds: HealthThresholds = DEFAULT_THRESHOLDS,
) -> HealthSignal:
    """Freshness from the last successful sync of every source of a project.

    Args:
        sources: (source name, last_success_at) pairs of the project's sources.
        now: the current instant (aware).
        thresholds: the hour limits for green and amber.

    Returns:
        The signal of the stalest source: red if one never synced.
    """
    common = {
        "threshold_green": thresholds.freshness_green_h,
        "threshold_amber": thresholds.freshness_amber_h,
    }
    if not sources:
        return HealthSignal("freshness", "grey", "no_sources", **common)
    never = sorted(name for name, at in sources if at is None)
    if never:
        return HealthSignal("freshness", "red", "never_synced", source=never[0], **common)
    name, oldest = min(((n, a) for n, a in sources if a is not None), key=lambda p: (p[1], p[0]))
    age_h = max(0.0, (now - oldest).total_seconds() / 3600)
    if age_h < thresholds.freshness_green_h:
        level: Level = "green"
    elif age_h < thresholds.freshness_amber_h:
        level = "amber"
    else:
        level = "red"
    return HealthSignal("freshness", level, "synced", value=age_h, source=name, **common)
