"""Project health as red/amber/green (RAG) in three dimensions, each with its reason.

Definitions (METRICS.md, "Project health (RAG)"); the numbers are the
defaults of :class:`HealthThresholds`, which is configuration:

- **Schedule**: green if the 85th-percentile forecast date is on or before the
  target date; amber if it is later by at most 10 % of the time remaining
  (target date − today, in calendar days); red otherwise (also when the
  target date has passed and the forecast is later). Grey without a target
  date or a forecast.
- **Delivery**: the mean say/do ratio of the last 3 closed sprints (fewer if
  there are fewer): green ≥ 0.8, amber ≥ 0.6, red below. Grey without a
  closed sprint.
- **Freshness**: the age of the oldest last successful sync among the
  project's sources (a source never synced counts as red): green under
  24 h, amber under 72 h, red otherwise. Grey without sources.
- **Overall** is the worst of the three, ignoring grey dimensions (grey if
  all three are grey).

Every dimension carries an English reason and a structured one (a code and
its numbers) for the UI to phrase in German.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from metrics.checks import require_aware, require_date
from metrics.errors import MetricsError

Rag = Literal["green", "amber", "red", "grey"]
Dimension = Literal["schedule", "delivery", "freshness"]

#: Severity of each colour for "worst of"; grey is not a colour here and is skipped.
_SEVERITY: dict[Rag, int] = {"green": 0, "amber": 1, "red": 2}
#: Slack in threshold comparisons, so a mean of 0.9, 0.7, 0.8 (0.7999999999999999) is 0.8.
_EPSILON = 1e-9


@dataclass(frozen=True)
class HealthThresholds:
    """The limits of the health colours (defaults as in METRICS.md).

    Attributes:
        schedule_tolerance_share: Amber while the P85 date is late by at most this
            share of the calendar days remaining until the target date.
        delivery_window_sprints: How many of the last closed sprints are averaged.
        delivery_green_min: Mean say/do ratio at or above which delivery is green.
        delivery_amber_min: Mean say/do ratio at or above which delivery is amber.
        freshness_green_hours: Green while the oldest sync is younger than this.
        freshness_amber_hours: Amber while the oldest sync is younger than this.
    """

    schedule_tolerance_share: float = 0.10
    delivery_window_sprints: int = 3
    delivery_green_min: float = 0.8
    delivery_amber_min: float = 0.6
    freshness_green_hours: float = 24.0
    freshness_amber_hours: float = 72.0

    def __post_init__(self) -> None:
        for name in (
            "schedule_tolerance_share",
            "delivery_green_min",
            "delivery_amber_min",
            "freshness_green_hours",
            "freshness_amber_hours",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise MetricsError(f"threshold {name} is {value!r}; pass a number")
            if not math.isfinite(value) or value < 0:
                raise MetricsError(f"threshold {name} is {value!r}; pass a finite number >= 0")
        window = self.delivery_window_sprints
        if isinstance(window, bool) or not isinstance(window, int) or window < 1:
            raise MetricsError(
                f"threshold delivery_window_sprints is {window!r}; pass a whole number >= 1"
            )
        if self.delivery_amber_min > self.delivery_green_min:
            raise MetricsError(
                f"delivery_amber_min {self.delivery_amber_min} is above delivery_green_min "
                f"{self.delivery_green_min}; amber must start at or below green"
            )
        if self.freshness_green_hours > self.freshness_amber_hours:
            raise MetricsError(
                f"freshness_green_hours {self.freshness_green_hours} is above "
                f"freshness_amber_hours {self.freshness_amber_hours}; green must end first"
            )


#: The METRICS.md defaults (frozen, so one instance is safely shared).
DEFAULT_THRESHOLDS = HealthThresholds()


@dataclass(frozen=True)
class DimensionHealth:
    """One dimension's colour and why.

    Attributes:
        dimension: "schedule", "delivery" or "freshness".
        rag: "green", "amber", "red" or "grey" (not assessable).
        reason: The reason in English, with the numbers.
        reason_code: Machine code of the reason, e.g. "late_by_days".
        values: The numbers behind the reason, e.g. ``{"days": 12}``.
    """

    dimension: Dimension
    rag: Rag
    reason: str
    reason_code: str
    values: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ProjectHealth:
    """A project's health: three dimensions and the overall colour.

    Attributes:
        schedule: Forecast against the target date.
        delivery: Say/do ratio of the last closed sprints.
        freshness: Age of the oldest source sync.
        overall: The worst colour among the non-grey dimensions (grey if all are grey).
        overall_from: The dimensions that have the overall colour (empty if grey).
    """

    schedule: DimensionHealth
    delivery: DimensionHealth
    freshness: DimensionHealth
    overall: Rag
    overall_from: tuple[Dimension, ...] = ()

    @property
    def dimensions(self) -> tuple[DimensionHealth, DimensionHealth, DimensionHealth]:
        """The three dimensions in display order."""
        return (self.schedule, self.delivery, self.freshness)


def project_health(
    *,
    forecast_p85: date | None,
    target_date: date | None,
    today: date,
    say_do_ratios: Sequence[float],
    last_syncs: Sequence[datetime | None],
    now: datetime,
    thresholds: HealthThresholds = DEFAULT_THRESHOLDS,
) -> ProjectHealth:
    """Assess a project's schedule, delivery and freshness as RAG, with reasons.

    Args:
        forecast_p85: The 85th-percentile completion date of the remaining work
            (e.g. ``forecast_when(...).p85``), or None without a forecast.
        target_date: The project's target date, or None if it has none.
        today: The day of the assessment (local calendar day).
        say_do_ratios: Say/do ratios (completed ÷ committed) of the closed sprints,
            oldest first; the last ``thresholds.delivery_window_sprints`` are averaged.
        last_syncs: For each of the project's sources, its last successful sync
            (aware datetime), or None if it never synced.
        now: The moment of the assessment (aware datetime).
        thresholds: The colour limits.

    Returns:
        The three dimensions and the overall colour.

    Raises:
        MetricsError: If a day is not a date, a datetime is naive, or a say/do
            ratio is negative or not finite.
    """
    schedule = schedule_health(
        forecast_p85=forecast_p85, target_date=target_date, today=today, thresholds=thresholds
    )
    delivery = delivery_health(say_do_ratios, thresholds=thresholds)
    freshness = freshness_health(last_syncs, now=now, thresholds=thresholds)
    overall, overall_from = _worst((schedule, delivery, freshness))
    return ProjectHealth(
        schedule=schedule,
        delivery=delivery,
        freshness=freshness,
        overall=overall,
        overall_from=overall_from,
    )


def schedule_health(
    *,
    forecast_p85: date | None,
    target_date: date | None,
    today: date,
    thresholds: HealthThresholds = DEFAULT_THRESHOLDS,
) -> DimensionHealth:
    """The schedule dimension: P85 forecast date against the target date.

    Green if ``forecast_p85 <= target_date``. Otherwise the delay is
    ``forecast_p85 − target_date`` in calendar days and the tolerance is
    ``schedule_tolerance_share × (target_date − today)`` calendar days (0 once
    the target date is today or past): amber if delay ≤ tolerance, else red.
    Grey without a target date or without a forecast.

    Raises:
        MetricsError: If a given day is not a date.
    """
    require_date(today, "today")
    if target_date is None:
        return DimensionHealth(
            "schedule", "grey", "the project has no target date", "no_target_date"
        )
    require_date(target_date, "target_date")
    if forecast_p85 is None:
        return DimensionHealth(
            "schedule", "grey", "there is no forecast of the remaining work", "no_forecast"
        )
    require_date(forecast_p85, "forecast_p85")
    late_days = (forecast_p85 - target_date).days
    remaining_days = max(0, (target_date - today).days)
    tolerance_days = thresholds.schedule_tolerance_share * remaining_days
    if late_days <= 0:
        return DimensionHealth(
            "schedule",
            "green",
            f"the 85 % forecast ({forecast_p85.isoformat()}) is "
            + (f"{-late_days} day(s) before" if late_days else "on")
            + f" the target date ({target_date.isoformat()})",
            "on_or_before_target",
            {"days_early": -late_days},
        )
    values = {
        "days": late_days,
        "tolerance_days": tolerance_days,
        "remaining_days": remaining_days,
    }
    reason = (
        f"the 85 % forecast ({forecast_p85.isoformat()}) is {late_days} day(s) after the "
        f"target date ({target_date.isoformat()}); tolerance {tolerance_days:g} day(s) "
        f"({thresholds.schedule_tolerance_share:.0%} of the {remaining_days} day(s) remaining)"
    )
    if late_days <= tolerance_days + _EPSILON:
        return DimensionHealth("schedule", "amber", reason, "late_within_tolerance", values)
    return DimensionHealth("schedule", "red", reason, "late_by_days", values)


def delivery_health(
    say_do_ratios: Sequence[float],
    *,
    thresholds: HealthThresholds = DEFAULT_THRESHOLDS,
) -> DimensionHealth:
    """The delivery dimension: mean say/do ratio of the last closed sprints.

    The mean of the last ``delivery_window_sprints`` ratios (all of them if
    there are fewer): green ≥ ``delivery_green_min``, amber ≥
    ``delivery_amber_min``, red below (compared with 1e-9 of slack for float
    rounding). Grey without a ratio.

    Args:
        say_do_ratios: Say/do ratios of the closed sprints, oldest first.
        thresholds: The colour limits.

    Raises:
        MetricsError: If a ratio is negative, NaN or infinite.
    """
    for position, ratio in enumerate(say_do_ratios):
        if isinstance(ratio, bool) or not isinstance(ratio, int | float):
            raise MetricsError(
                f"say_do_ratios[{position}] is {ratio!r}; pass a number (leave out sprints "
                "with nothing committed)"
            )
        if not math.isfinite(ratio) or ratio < 0:
            raise MetricsError(f"say_do_ratios[{position}] is {ratio!r}; pass a finite ratio >= 0")
    window = list(say_do_ratios)[-thresholds.delivery_window_sprints :]
    if not window:
        return DimensionHealth(
            "delivery", "grey", "there is no closed sprint with a say/do ratio", "no_closed_sprints"
        )
    mean = math.fsum(window) / len(window)
    if mean >= thresholds.delivery_green_min - _EPSILON:
        rag: Rag = "green"
    elif mean >= thresholds.delivery_amber_min - _EPSILON:
        rag = "amber"
    else:
        rag = "red"
    return DimensionHealth(
        "delivery",
        rag,
        f"mean say/do ratio of the last {len(window)} closed sprint(s) is {mean:.2f} "
        f"(green from {thresholds.delivery_green_min:g}, amber from "
        f"{thresholds.delivery_amber_min:g})",
        "say_do_mean",
        {"mean": mean, "sprints": len(window)},
    )


def freshness_health(
    last_syncs: Sequence[datetime | None],
    *,
    now: datetime,
    thresholds: HealthThresholds = DEFAULT_THRESHOLDS,
) -> DimensionHealth:
    """The freshness dimension: age of the oldest last successful sync.

    Green if the oldest sync is younger than ``freshness_green_hours``, amber
    if younger than ``freshness_amber_hours``, red otherwise; red if any
    source never synced; grey without sources. A sync a little after ``now``
    (clocks of two processes) counts as age 0.

    Args:
        last_syncs: Per source, its last successful sync (aware) or None.
        now: The moment of the assessment (aware).
        thresholds: The colour limits.

    Raises:
        MetricsError: If ``now`` or a sync time is naive.
    """
    require_aware(now, "now")
    for position, synced in enumerate(last_syncs):
        if synced is not None:
            require_aware(synced, f"last_syncs[{position}]")
    sources = len(last_syncs)
    if sources == 0:
        return DimensionHealth("freshness", "grey", "the project has no sources", "no_sources")
    never = sum(1 for synced in last_syncs if synced is None)
    if never:
        return DimensionHealth(
            "freshness",
            "red",
            f"{never} of {sources} source(s) never synced successfully",
            "never_synced",
            {"never_synced": never, "sources": sources},
        )
    oldest = min(synced for synced in last_syncs if synced is not None)
    hours = max(0.0, (now - oldest).total_seconds() / 3600)
    if hours < thresholds.freshness_green_hours:
        rag: Rag = "green"
    elif hours < thresholds.freshness_amber_hours:
        rag = "amber"
    else:
        rag = "red"
    return DimensionHealth(
        "freshness",
        rag,
        f"the oldest last sync of {sources} source(s) was {hours:.1f} h ago "
        f"(green under {thresholds.freshness_green_hours:g} h, amber under "
        f"{thresholds.freshness_amber_hours:g} h)",
        "oldest_sync_age",
        {"hours": hours, "sources": sources},
    )


def _worst(dimensions: Sequence[DimensionHealth]) -> tuple[Rag, tuple[Dimension, ...]]:
    rated = [d for d in dimensions if d.rag != "grey"]
    if not rated:
        return "grey", ()
    worst = max(rated, key=lambda d: _SEVERITY[d.rag]).rag
    return worst, tuple(d.dimension for d in rated if d.rag == worst)
