"""Team velocity: the mean completed points of the last closed sprints, with their range.

Definition (METRICS.md): the velocity is the mean completed points of the last
``window`` closed sprints (3 by default); the chart also shows the minimum and
maximum of that window. With fewer closed sprints than ``window``, all of them count.
"""

from collections.abc import Sequence
from fractions import Fraction

from metrics.checks import require_values
from metrics.errors import MetricsError
from metrics.model import VelocityStat


def velocity(completed_points: Sequence[float], window: int = 3) -> VelocityStat | None:
    """Mean, minimum and maximum completed points of the last ``window`` closed sprints.

    Args:
        completed_points: Completed points per closed sprint, oldest first.
        window: How many of the most recent sprints count (at least 1).

    Returns:
        The statistic, or None when there is no closed sprint. The mean is the
        exact mean rounded once, so minimum <= mean <= maximum always holds.

    Raises:
        MetricsError: If ``window`` is below 1 or a value is negative, NaN or infinite.
    """
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise MetricsError(f"velocity window is {window!r}; use a whole number of sprints >= 1")
    require_values(completed_points, "completed_points")
    recent = list(completed_points)[-window:]
    if not recent:
        return None
    exact_mean = sum((Fraction(value) for value in recent), Fraction(0)) / len(recent)
    return VelocityStat(
        mean=float(exact_mean),
        minimum=float(min(recent)),
        maximum=float(max(recent)),
        sprint_count=len(recent),
    )
