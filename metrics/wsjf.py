"""Weighted shortest job first (WSJF) scores and the portfolio ranking.

Definition (METRICS.md, "Prioritisation (WSJF)"): WSJF = (business value +
time criticality + risk reduction/opportunity enablement) ÷ job size, each
input on the scale 1, 2, 3, 5, 8, 13, 20 (:data:`WSJF_SCALE`), set per project
or epic by product owners.

The ranking (:func:`rank_wsjf`) orders complete entries by score, highest
first; equal scores go to the smaller job first (the shorter job of equal
value per size), then by key, so the order is fully deterministic. Entries
with a missing input cannot be scored: they follow the ranked ones, by key,
marked "incomplete" with the names of the missing inputs.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from metrics.errors import MetricsError

#: The allowed values of every WSJF input (a modified Fibonacci scale).
WSJF_SCALE: tuple[int, ...] = (1, 2, 3, 5, 8, 13, 20)

#: The input fields of an entry, in display order.
WSJF_FIELDS: tuple[str, ...] = ("business_value", "time_criticality", "risk_reduction", "job_size")

WsjfStatus = Literal["ranked", "incomplete"]


@dataclass(frozen=True)
class WsjfEntry:
    """The WSJF inputs of one project or epic; None means not set yet.

    Attributes:
        key: Unique key of the project or epic (breaks ties in the ranking).
        business_value: User/business value on :data:`WSJF_SCALE`.
        time_criticality: Time criticality on the scale.
        risk_reduction: Risk reduction / opportunity enablement on the scale.
        job_size: Job size on the scale (the divisor).
        title: Display name.
    """

    key: str
    business_value: int | None = None
    time_criticality: int | None = None
    risk_reduction: int | None = None
    job_size: int | None = None
    title: str = ""


@dataclass(frozen=True)
class RankedWsjf:
    """One row of the WSJF ranking.

    Attributes:
        entry: The inputs as given.
        status: "ranked" if every input is set, else "incomplete".
        rank: Position among the ranked entries (1 = do first); None if incomplete.
        score: The WSJF score; None if incomplete.
        missing: Names of the inputs that are not set (empty if ranked).
    """

    entry: WsjfEntry
    status: WsjfStatus
    rank: int | None
    score: float | None
    missing: tuple[str, ...] = ()


def wsjf_score(
    business_value: int, time_criticality: int, risk_reduction: int, job_size: int
) -> float:
    """The WSJF score: (business value + time criticality + risk reduction) ÷ job size.

    Args:
        business_value: On :data:`WSJF_SCALE`.
        time_criticality: On the scale.
        risk_reduction: Risk reduction / opportunity enablement, on the scale.
        job_size: On the scale.

    Returns:
        The score, e.g. (8 + 5 + 3) / 2 = 8.0.

    Raises:
        MetricsError: Naming the first input that is not on the scale and its value.
    """
    values = (business_value, time_criticality, risk_reduction, job_size)
    for name, value in zip(WSJF_FIELDS, values, strict=True):
        _require_on_scale(value, name)
    return (business_value + time_criticality + risk_reduction) / job_size


def rank_wsjf(entries: Sequence[WsjfEntry]) -> list[RankedWsjf]:
    """Rank entries by WSJF score, highest first; incomplete entries last.

    Order: score descending, then job size ascending, then key ascending.
    Ranks are positions 1, 2, 3, … among the complete entries (ties in score
    still get distinct ranks, in the order above). Incomplete entries follow
    in key order with ``rank`` and ``score`` None and the missing input names.

    Args:
        entries: The projects or epics with their inputs (keys unique).

    Returns:
        One row per entry, in ranking order.

    Raises:
        MetricsError: If a key occurs twice or a set input is not on the scale
            (naming the key, the field and the value).
    """
    seen: set[str] = set()
    complete: list[tuple[float, int, WsjfEntry]] = []
    incomplete: list[RankedWsjf] = []
    for entry in entries:
        if entry.key in seen:
            raise MetricsError(f"WSJF entry {entry.key!r} is given twice; pass each key once")
        seen.add(entry.key)
        values = _inputs(entry)
        for name, value in zip(WSJF_FIELDS, values, strict=True):
            if value is not None:
                _require_on_scale(value, f"{name} of {entry.key!r}")
        missing = tuple(
            name for name, value in zip(WSJF_FIELDS, values, strict=True) if value is None
        )
        if missing:
            incomplete.append(RankedWsjf(entry, "incomplete", None, None, missing))
            continue
        bv, tc, rr, size = (int(value) for value in values if value is not None)
        complete.append((wsjf_score(bv, tc, rr, size), size, entry))
    complete.sort(key=lambda row: (-row[0], row[1], row[2].key))
    ranked = [
        RankedWsjf(entry, "ranked", position, score)
        for position, (score, _, entry) in enumerate(complete, start=1)
    ]
    return ranked + sorted(incomplete, key=lambda row: row.entry.key)


def _inputs(entry: WsjfEntry) -> tuple[int | None, int | None, int | None, int | None]:
    return (entry.business_value, entry.time_criticality, entry.risk_reduction, entry.job_size)


def _require_on_scale(value: int, what: str) -> None:
    # bool is an int (True == 1) but never a meaningful WSJF input.
    if isinstance(value, bool) or not isinstance(value, int | float) or value not in WSJF_SCALE:
        scale = ", ".join(str(step) for step in WSJF_SCALE)
        raise MetricsError(f"{what} is {value!r}; pick one of {scale}")
