"""Monte Carlo forecasts: when will N items be done, how many by a date, and in how many sprints.

Definitions (METRICS.md, "Forecast (Monte Carlo)"):

- **When** (:func:`forecast_when`): each trial draws one daily throughput per
  working day, uniformly and with replacement from the history the caller
  passes (the last :data:`THROUGHPUT_WINDOW_DAYS` working days by default; see
  :func:`throughput_window_start` and :func:`daily_throughput`), and walks the
  working days *strictly after* ``start`` until the remaining items are done.
  The completion date of a trial is the working day on which its running total
  reaches the remaining count. The Pxx date is the earliest date on or before
  which at least xx % of the trials are done (the empirical quantile, numpy's
  ``inverted_cdf``), so P50 ≤ P85 ≤ P95 by construction.
- **How many** (:func:`forecast_how_many`): the same draws over the working
  days after ``start`` up to and including ``until``; the "at least" figures
  are the 5th (P95), 15th (P85) and 50th (P50) percentiles of the trial
  counts: in at least 95 % (85 %, 50 %) of the trials at least that many
  items are done.
- **Points** (:func:`forecast_points`): each trial draws one velocity per
  future sprint from the last :data:`VELOCITY_WINDOW_SPRINTS` closed sprints
  until the remaining points are done; sprint ``n`` (counting from 1) ends on
  ``next_sprint_start + n * sprint_length_days - 1 day``.
- Too little history (fewer than :data:`MIN_HISTORY_DAYS` working days, or
  fewer than :data:`MIN_CLOSED_SPRINTS` closed sprints) gives a
  :class:`NoForecast` with a machine reason code and an English message.
- A trial that is not done within the cap (``max_days`` working days,
  ``max_sprints`` sprints) counts as "beyond the cap"; a percentile that falls
  on such trials is ``None``. If even P50 is beyond the cap (for instance a
  history of zeros) the result is a :class:`NoForecast` with reason
  ``"not_within_cap"``. The simulation never runs past the cap.

Randomness comes only from ``numpy.random.default_rng(seed)``: the same inputs
and seed give the same result. The history is sorted before sampling, so the
order of its rows does not matter either.
"""

import math
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from numbers import Integral, Real
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

from metrics.checks import require_date
from metrics.errors import MetricsError

#: Working days of throughput history a caller should pass (METRICS.md: configurable).
THROUGHPUT_WINDOW_DAYS = 60
#: Closed sprints whose velocities are sampled for the points forecast.
VELOCITY_WINDOW_SPRINTS = 6
#: Fewer working days of throughput history than this give no forecast.
MIN_HISTORY_DAYS = 10
#: Fewer closed sprints than this give no points forecast.
MIN_CLOSED_SPRINTS = 3
#: Trials per forecast.
DEFAULT_TRIALS = 10_000
#: Cap of the item forecasts in working days (about five years).
MAX_FORECAST_DAYS = 1_300
#: Cap of the points forecast in sprints (five years of two-week sprints).
MAX_FORECAST_SPRINTS = 130
#: Default sprint length of the points forecast, in calendar days.
DEFAULT_SPRINT_LENGTH_DAYS = 14

# The simulation draws blocks of at most this many cells at a time (bounds memory).
_MAX_BLOCK_CELLS = 2_000_000
# A calendar with no working day in a whole year is treated as broken, not searched forever.
_CALENDAR_PROBE_DAYS = 366

NoForecastReason = Literal["too_little_history", "not_within_cap"]


class WorkingDayCalendar(Protocol):
    """What the forecasts need of a calendar (``metrics.calendar.WorkingCalendar`` fits)."""

    def working_days(self, first: date, last: date) -> Sequence[date]:
        """The working days from ``first`` through ``last`` (inclusive), in order."""
        ...


@dataclass(frozen=True)
class NoForecast:
    """Why there is no forecast.

    Attributes:
        reason: Machine code for the UI to phrase in any language:
            "too_little_history" or "not_within_cap".
        message: The reason in English, with the numbers.
        values: The numbers behind the reason, e.g. ``{"history_days": 7, "required_days": 10}``.
    """

    reason: NoForecastReason
    message: str
    values: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class WhenForecast:
    """When the remaining items will be done.

    Attributes:
        start: Simulation starts on the first working day after this day.
        remaining_items: Items still to be done at ``start``.
        trials: Number of simulated trials.
        history_days: Working days of throughput history sampled.
        p50: Date by which at least 50 % of the trials are done (None: beyond the cap).
        p85: The same for 85 %; never before ``p50``.
        p95: The same for 95 %; never before ``p85``.
        max_days: The cap in working days after ``start``.
        trials_beyond_cap: Trials not done within ``max_days`` working days.
    """

    start: date
    remaining_items: int
    trials: int
    history_days: int
    p50: date | None
    p85: date | None
    p95: date | None
    max_days: int
    trials_beyond_cap: int = 0


@dataclass(frozen=True)
class HowManyForecast:
    """How many items will be done by ``until`` ("at least" figures).

    Attributes:
        start: Counting starts on the first working day after this day.
        until: Last day counted (inclusive).
        working_days: Working days from the day after ``start`` through ``until``.
        trials: Number of simulated trials.
        history_days: Working days of throughput history sampled.
        p95: At least this many items in at least 95 % of the trials (conservative).
        p85: At least this many in at least 85 % of the trials; never below ``p95``.
        p50: At least this many in at least 50 % of the trials; never below ``p85``.
    """

    start: date
    until: date
    working_days: int
    trials: int
    history_days: int
    p95: int
    p85: int
    p50: int


@dataclass(frozen=True)
class PointsForecast:
    """In how many sprints the remaining points will be done, and when.

    Attributes:
        next_sprint_start: First day of the first future sprint.
        remaining_points: Points still to be done.
        sprint_length_days: Sprint length in calendar days.
        trials: Number of simulated trials.
        velocities_used: The sampled velocities (the last closed sprints, oldest first).
        sprints_p50: Sprints needed in at least 50 % of the trials (None: beyond the cap).
        sprints_p85: The same for 85 %; never below ``sprints_p50``.
        sprints_p95: The same for 95 %; never below ``sprints_p85``.
        end_p50: Last calendar day of sprint number ``sprints_p50`` (None: beyond the cap).
        end_p85: The same for ``sprints_p85``.
        end_p95: The same for ``sprints_p95``.
        max_sprints: The cap in sprints.
        trials_beyond_cap: Trials not done within ``max_sprints`` sprints.
    """

    next_sprint_start: date
    remaining_points: float
    sprint_length_days: int
    trials: int
    velocities_used: tuple[float, ...]
    sprints_p50: int | None
    sprints_p85: int | None
    sprints_p95: int | None
    end_p50: date | None
    end_p85: date | None
    end_p95: date | None
    max_sprints: int
    trials_beyond_cap: int = 0


def throughput_window_start(
    *, last: date, calendar: WorkingDayCalendar, window_days: int = THROUGHPUT_WINDOW_DAYS
) -> date:
    """The first day of the throughput window that ends on ``last``.

    The window holds ``window_days`` working days ending on ``last`` (inclusive
    if ``last`` is a working day); pass ``first=<this>, last=last`` to
    :func:`daily_throughput`. A forecast made on day T should use ``last`` =
    the working day before T (complete days only) and ``start`` = T.

    Args:
        last: Last day of the window.
        calendar: The team's working-day calendar.
        window_days: Number of working days in the window.

    Returns:
        The earliest working day of the window.

    Raises:
        MetricsError: If ``window_days`` is below 1 or the calendar has no working
            day within a year.
    """
    require_date(last, "window last day")
    _require_count(window_days, "window_days", minimum=1)
    found: list[date] = []
    upper = last
    while True:
        lower = upper - timedelta(days=_CALENDAR_PROBE_DAYS - 1)
        chunk = list(calendar.working_days(lower, upper))
        if not chunk:
            raise MetricsError(
                f"the calendar has no working day from {lower.isoformat()} to "
                f"{upper.isoformat()}; check its weekend and non-working days"
            )
        found = chunk + found
        if len(found) >= window_days:
            return found[-window_days]
        upper = lower - timedelta(days=1)


def daily_throughput(
    done_dates: Sequence[date], *, first: date, last: date, calendar: WorkingDayCalendar
) -> list[int]:
    """Items entering done per working day from ``first`` through ``last``.

    Each date is the local calendar day on which an item last entered the done
    category (one entry per item). An item done on a non-working day counts
    towards the next working day (work finished on a Saturday shows up on
    Monday), also when that day is ``first``; dates whose next working day is
    before ``first`` or after ``last`` are left out.

    Args:
        done_dates: Day each item (last) entered done, in any order.
        first: First day of the window.
        last: Last day of the window (inclusive).
        calendar: The team's working-day calendar.

    Returns:
        One count per working day of the window, in date order (empty if the
        window has no working day).

    Raises:
        MetricsError: If ``last`` is before ``first`` or a value is not a date.
    """
    require_date(first, "first day")
    require_date(last, "last day")
    if last < first:
        raise MetricsError(
            f"throughput window ends {last.isoformat()} before it starts "
            f"{first.isoformat()}; swap first and last"
        )
    for position, day in enumerate(done_dates):
        require_date(day, f"done_dates[{position}]")
    earliest = min((day for day in done_dates if day < first), default=first)
    # Only a short run of non-working days before `first` can roll into it.
    lower = max(earliest, first - timedelta(days=_CALENDAR_PROBE_DAYS))
    days = list(calendar.working_days(lower, last))
    counts = dict.fromkeys((day for day in days if day >= first), 0)
    for day in done_dates:
        if day < lower or day > last:
            continue
        position = bisect_left(days, day)  # the next working day on or after `day`
        if position < len(days) and days[position] >= first:
            counts[days[position]] += 1
    return list(counts.values())


def forecast_when(
    daily_throughput: Sequence[int],
    remaining_items: int,
    *,
    start: date,
    calendar: WorkingDayCalendar,
    trials: int = DEFAULT_TRIALS,
    seed: int,
    max_days: int = MAX_FORECAST_DAYS,
) -> WhenForecast | NoForecast:
    """When will the remaining items be done (Monte Carlo over daily throughput)?

    Each trial samples one throughput per working day, uniformly with
    replacement from ``daily_throughput``, for the working days strictly after
    ``start`` (weekends, public holidays and the team's days off are skipped by
    ``calendar``) until ``remaining_items`` are done. Percentile dates are the
    earliest dates by which at least 50/85/95 % of the trials are done.

    Args:
        daily_throughput: Items done per working day of the history window
            (e.g. the last :data:`THROUGHPUT_WINDOW_DAYS`); every row is sampled.
        remaining_items: Items not done yet; 0 gives ``start`` for every percentile.
        start: The forecast day; simulated days begin on the next working day.
        calendar: The team's working-day calendar.
        trials: Number of trials.
        seed: Seed of the random generator (same inputs + seed = same result).
        max_days: Cap in working days after ``start``.

    Returns:
        The percentile dates, or a NoForecast ("too_little_history" with fewer
        than :data:`MIN_HISTORY_DAYS` days of history; "not_within_cap" if not
        even half the trials are done within ``max_days``).

    Raises:
        MetricsError: If a count is negative or not an integer, or ``start`` is not a date.
    """
    history = _throughput_array(daily_throughput)
    remaining = _require_count(remaining_items, "remaining_items", minimum=0)
    require_date(start, "start")
    _check_run(trials, seed, max_days, "max_days")
    if history.size < MIN_HISTORY_DAYS:
        return _too_little_days(history.size)
    rng = np.random.default_rng(seed)
    days = _steps_to_reach(history, remaining, trials=trials, max_steps=max_days, rng=rng)
    p50, p85, p95 = (_quantile(days, q) for q in (0.50, 0.85, 0.95))
    beyond = int(np.count_nonzero(days > max_days))
    if p50 > max_days:
        return _not_within_cap(history, beyond, trials, max_days, "max_days", "working days")
    reached = [p for p in (p50, p85, p95) if p <= max_days]
    dates = _working_days_after(calendar, start, max(reached))

    def day_at(steps: int) -> date | None:
        if steps > max_days:
            return None
        return start if steps == 0 else dates[steps - 1]

    return WhenForecast(
        start=start,
        remaining_items=remaining,
        trials=trials,
        history_days=int(history.size),
        p50=day_at(p50),
        p85=day_at(p85),
        p95=day_at(p95),
        max_days=max_days,
        trials_beyond_cap=beyond,
    )


def forecast_how_many(
    daily_throughput: Sequence[int],
    *,
    start: date,
    until: date,
    calendar: WorkingDayCalendar,
    trials: int = DEFAULT_TRIALS,
    seed: int,
    max_days: int = MAX_FORECAST_DAYS,
) -> HowManyForecast | NoForecast:
    """How many items will be done by ``until`` (Monte Carlo over daily throughput)?

    Each trial sums one sampled throughput per working day from the day after
    ``start`` through ``until`` (inclusive). The "at least" figures are the
    5th, 15th and 50th percentiles of the trial sums (reported as P95, P85 and
    P50): at least that many items are done in at least 95/85/50 % of the trials.

    Args:
        daily_throughput: Items done per working day of the history window.
        start: The forecast day; counted days begin on the next working day.
        until: Last day counted; ``until == start`` counts nothing (0 items).
        calendar: The team's working-day calendar.
        trials: Number of trials.
        seed: Seed of the random generator (same inputs + seed = same result).
        max_days: Largest number of working days to simulate.

    Returns:
        The "at least" counts, or a NoForecast "too_little_history" with fewer
        than :data:`MIN_HISTORY_DAYS` days of history.

    Raises:
        MetricsError: If ``until`` is before ``start``, the span has more than
            ``max_days`` working days, or a count is negative or not an integer.
    """
    history = _throughput_array(daily_throughput)
    require_date(start, "start")
    require_date(until, "until")
    _check_run(trials, seed, max_days, "max_days")
    if until < start:
        raise MetricsError(
            f"until {until.isoformat()} is before start {start.isoformat()}; "
            "pass a day on or after start"
        )
    if history.size < MIN_HISTORY_DAYS:
        return _too_little_days(history.size)
    span = list(calendar.working_days(start + timedelta(days=1), until)) if until > start else []
    if len(span) > max_days:
        raise MetricsError(
            f"until {until.isoformat()} is {len(span)} working days after start "
            f"{start.isoformat()}, more than max_days={max_days}; pick an earlier date "
            "or raise max_days"
        )
    rng = np.random.default_rng(seed)
    counts = np.zeros(trials, dtype=np.int64)
    block = max(1, _MAX_BLOCK_CELLS // trials)
    for offset in range(0, len(span), block):
        width = min(block, len(span) - offset)
        counts += history[rng.integers(0, history.size, size=(trials, width))].sum(axis=1)
    return HowManyForecast(
        start=start,
        until=until,
        working_days=len(span),
        trials=trials,
        history_days=int(history.size),
        p95=_quantile(counts, 0.05),
        p85=_quantile(counts, 0.15),
        p50=_quantile(counts, 0.50),
    )


def forecast_points(
    velocities: Sequence[float],
    remaining_points: float,
    *,
    sprint_length_days: int = DEFAULT_SPRINT_LENGTH_DAYS,
    next_sprint_start: date,
    trials: int = DEFAULT_TRIALS,
    seed: int,
    window_sprints: int = VELOCITY_WINDOW_SPRINTS,
    max_sprints: int = MAX_FORECAST_SPRINTS,
) -> PointsForecast | NoForecast:
    """In how many sprints will the remaining points be done (Monte Carlo over velocities)?

    Each trial samples one velocity per future sprint, uniformly with
    replacement from the completed points of the last ``window_sprints``
    closed sprints, until the running total reaches ``remaining_points``
    (compared with a tolerance of 1e-9 relative, so 0.1 + 0.2 reaches 0.3).
    Sprint ``n`` ends on ``next_sprint_start + n * sprint_length_days - 1``
    (calendar days); 0 sprints (nothing remaining) ends the day before
    ``next_sprint_start``.

    Args:
        velocities: Completed points per closed sprint, oldest first; the last
            ``window_sprints`` are used.
        remaining_points: Points still to be done.
        sprint_length_days: Length of each future sprint in calendar days.
        next_sprint_start: First day of the first future sprint.
        trials: Number of trials.
        seed: Seed of the random generator (same inputs + seed = same result).
        window_sprints: How many of the last closed sprints to sample.
        max_sprints: Cap in sprints.

    Returns:
        Sprints and end dates at P50/P85/P95, or a NoForecast
        ("too_little_history" with fewer than :data:`MIN_CLOSED_SPRINTS` closed
        sprints; "not_within_cap" if not even half the trials are done within
        ``max_sprints``, e.g. when every velocity is 0).

    Raises:
        MetricsError: If a velocity or ``remaining_points`` is negative or not
            finite, or a count is out of range.
    """
    pool = _velocity_array(velocities)
    remaining = _require_amount(remaining_points, "remaining_points")
    length = _require_count(sprint_length_days, "sprint_length_days", minimum=1)
    require_date(next_sprint_start, "next_sprint_start")
    window = _require_count(window_sprints, "window_sprints", minimum=MIN_CLOSED_SPRINTS)
    _check_run(trials, seed, max_sprints, "max_sprints")
    pool = pool[-window:]
    if pool.size < MIN_CLOSED_SPRINTS:
        return NoForecast(
            reason="too_little_history",
            message=(
                f"only {pool.size} closed sprint(s) with a velocity; a points forecast "
                f"needs at least {MIN_CLOSED_SPRINTS}"
            ),
            values={"closed_sprints": int(pool.size), "required_sprints": MIN_CLOSED_SPRINTS},
        )
    rng = np.random.default_rng(seed)
    sprints = _steps_to_reach(pool, remaining, trials=trials, max_steps=max_sprints, rng=rng)
    p50, p85, p95 = (_quantile(sprints, q) for q in (0.50, 0.85, 0.95))
    beyond = int(np.count_nonzero(sprints > max_sprints))
    if p50 > max_sprints:
        return _not_within_cap(pool, beyond, trials, max_sprints, "max_sprints", "sprints")

    def count_at(steps: int) -> int | None:
        return None if steps > max_sprints else steps

    def end_at(steps: int) -> date | None:
        if steps > max_sprints:
            return None
        return next_sprint_start + timedelta(days=steps * length - 1)

    return PointsForecast(
        next_sprint_start=next_sprint_start,
        remaining_points=remaining,
        sprint_length_days=length,
        trials=trials,
        velocities_used=tuple(float(v) for v in pool),
        sprints_p50=count_at(p50),
        sprints_p85=count_at(p85),
        sprints_p95=count_at(p95),
        end_p50=end_at(p50),
        end_p85=end_at(p85),
        end_p95=end_at(p95),
        max_sprints=max_sprints,
        trials_beyond_cap=beyond,
    )


def _steps_to_reach(
    pool: npt.NDArray[np.int64] | npt.NDArray[np.float64],
    target: float,
    *,
    trials: int,
    max_steps: int,
    rng: np.random.Generator,
) -> npt.NDArray[np.int64]:
    """Steps each trial needs until the running sum of its draws from ``pool`` reaches ``target``.

    Vectorised over trials: draws a block of steps for every unfinished trial,
    finds the first step at which each reaches the target, and continues only
    with the others. Trials that do not reach it within ``max_steps`` get
    ``max_steps + 1``. ``target`` 0 takes 0 steps.
    """
    steps = np.full(trials, max_steps + 1, dtype=np.int64)
    if target <= 0:
        steps[:] = 0
        return steps
    if not pool.any():
        return steps  # nothing is ever done: every trial is beyond the cap
    threshold = target - 1e-9 * max(1.0, target) if pool.dtype.kind == "f" else target
    mean = float(pool.mean())
    totals = np.zeros(trials, dtype=pool.dtype)
    active = np.arange(trials)
    taken = 0
    while active.size and taken < max_steps:
        # Enough steps for most trials to finish in this block, within the cap and memory.
        expected = min((threshold - float(totals[active].mean())) / mean, max_steps)
        width = max(8, math.ceil(1.5 * expected) + 4)
        width = min(width, max_steps - taken, max(1, _MAX_BLOCK_CELLS // active.size))
        running = np.cumsum(pool[rng.integers(0, pool.size, size=(active.size, width))], axis=1)
        running += totals[active, np.newaxis]
        reached = running >= threshold
        # Draws are >= 0, so a row reached the target iff its last column did.
        hit = reached[:, -1]
        steps[active[hit]] = taken + reached[hit].argmax(axis=1) + 1
        totals[active] = running[:, -1]
        active = active[~hit]
        taken += width
    return steps


def _quantile(values: npt.NDArray[np.int64], q: float) -> int:
    """The smallest value v with at least a share ``q`` of ``values`` at or below v."""
    return int(np.quantile(values, q, method="inverted_cdf"))


def _working_days_after(calendar: WorkingDayCalendar, start: date, count: int) -> list[date]:
    """The first ``count`` working days strictly after ``start``, in order."""
    days: list[date] = []
    lower = start + timedelta(days=1)
    while len(days) < count:
        # Enough calendar days for the rest at five working days a week, plus holidays.
        span = min(_CALENDAR_PROBE_DAYS, (count - len(days)) * 7 // 5 + 14)
        upper = lower + timedelta(days=span - 1)
        chunk = list(calendar.working_days(lower, upper))
        if not chunk and span == _CALENDAR_PROBE_DAYS:
            raise MetricsError(
                f"the calendar has no working day from {lower.isoformat()} to "
                f"{upper.isoformat()}; check its weekend and non-working days"
            )
        days.extend(chunk)
        lower = upper + timedelta(days=1)
    return days[:count]


def _too_little_days(history_days: int) -> NoForecast:
    return NoForecast(
        reason="too_little_history",
        message=(
            f"only {history_days} working day(s) of throughput history; a forecast needs "
            f"at least {MIN_HISTORY_DAYS}"
        ),
        values={"history_days": history_days, "required_days": MIN_HISTORY_DAYS},
    )


def _not_within_cap(
    pool: npt.NDArray[np.int64] | npt.NDArray[np.float64],
    beyond: int,
    trials: int,
    cap: int,
    cap_name: str,
    unit: str,
) -> NoForecast:
    if not pool.any():
        message = (
            f"every one of the {pool.size} history values is 0: at that rate the work is "
            f"never done (not within the cap of {cap} {unit})"
        )
    else:
        message = (
            f"{beyond} of {trials} trials are not done within the cap of {cap} {unit}: "
            "the work will take longer than that at the rate of the history"
        )
    return NoForecast(
        reason="not_within_cap",
        message=message,
        values={"trials_beyond_cap": beyond, "trials": trials, cap_name: cap},
    )


def _throughput_array(values: Sequence[int]) -> npt.NDArray[np.int64]:
    for position, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, Integral) or value < 0:
            raise MetricsError(
                f"daily_throughput[{position}] is {value!r}; pass a whole number of items >= 0"
            )
    # Sorted, so the order of the history rows cannot change which values a draw picks.
    return np.sort(np.asarray(values, dtype=np.int64))


def _velocity_array(values: Sequence[float]) -> npt.NDArray[np.float64]:
    for position, value in enumerate(values):
        _require_amount(value, f"velocities[{position}]")
    return np.asarray(values, dtype=np.float64).reshape(-1)


def _require_amount(value: float, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise MetricsError(f"{what} is {value!r}; pass a number of points >= 0")
    if not math.isfinite(value) or value < 0:
        raise MetricsError(f"{what} is {value!r}; pass a finite number of points >= 0")
    return float(value)


def _require_count(value: int, what: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise MetricsError(f"{what} is {value!r}; pass a whole number >= {minimum}")
    return int(value)


def _check_run(trials: int, seed: int, cap: int, cap_name: str) -> None:
    _require_count(trials, "trials", minimum=1)
    _require_count(cap, cap_name, minimum=1)
    if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
        raise MetricsError(f"seed is {seed!r}; pass a whole number >= 0")
