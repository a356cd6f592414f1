"""Item counts instead of points: the same replay with every item weighing one."""

from collections.abc import Iterable
from dataclasses import replace

from metrics.model import Change


def count_view(changes: Iterable[Change]) -> list[Change]:
    """The changes with every estimate replaced by 1, so point-based metrics count items.

    Estimate changes are dropped; each item gets an estimate of 1 at its first
    change (ordered before it), so a burndown over the result is a burndown of
    item counts with the same membership and status rules.
    """
    first: dict[str, Change] = {}
    kept: list[Change] = []
    for change in changes:
        earliest = first.get(change.item)
        if earliest is None or (change.at, change.seq) < (earliest.at, earliest.seq):
            first[change.item] = change
        if change.kind == "points":
            continue
        kept.append(replace(change, points=1.0) if change.points is not None else change)
    weights = [
        Change(item, change.at, "points", points=1.0, seq=change.seq - 1)
        for item, change in sorted(first.items())
    ]
    return weights + kept
