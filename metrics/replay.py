"""Replay of item changes: each item's state at a moment, up to and including it.

Changes are applied in the order (``at``, ``seq``); that order does not depend
on the order of the input rows. Rows that tie on (``at``, ``seq``) are ordered
by item key, then by kind in the order ``ChangeKind`` lists them (created,
status, points, sprint_added, sprint_removed, assignee), then by their values,
so the result is the same for any permutation of the input.

Applying a change:

- ``created``: the item exists; a category, status or points given with it are
  its initial values (an item starts as "todo", unestimated, in no sprint).
- ``status``: sets category and workflow status.
- ``points``: sets the estimate (None: unestimated).
- ``sprint_added`` / ``sprint_removed``: adds or removes one sprint membership;
  an item can be a member of several sprints (a carried-over item stays a
  member of the closed sprint, as in Jira). Adding twice or removing a
  non-member is a no-op.
- ``assignee``: changes nothing metrics replay.

Every change marks the item as existing, so a history truncated before its
"created" change still replays.
"""

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import get_args

from metrics.checks import require_aware, require_points
from metrics.errors import MetricsError
from metrics.model import Category, Change, ChangeKind, ItemState

_KIND_RANK = {kind: rank for rank, kind in enumerate(get_args(ChangeKind))}
_CATEGORIES = frozenset(get_args(Category))

OrderKey = tuple[datetime, int, str, int, str, str, bool, float, str]


def change_order(change: Change) -> OrderKey:
    """The sort key that puts changes in replay order: (at, seq), then a total tie-break."""
    return (
        change.at,
        change.seq,
        change.item,
        _KIND_RANK[change.kind],
        change.category or "",
        change.status or "",
        change.points is not None,
        change.points if change.points is not None else 0.0,
        change.sprint or "",
    )


def check_change(change: Change) -> Change:
    """Return ``change`` if it is well formed, else raise.

    Raises:
        MetricsError: If its time is naive, its kind or category is unknown, a
            status change has no category, a sprint change has no sprint, or
            its points are negative or not finite.
    """
    what = f"change of item {change.item!r} at {change.at!r}"
    require_aware(change.at, what)
    if change.kind not in _KIND_RANK:
        raise MetricsError(
            f"{what} has unknown kind {change.kind!r}; use one of {list(_KIND_RANK)}"
        )
    if change.category is not None and change.category not in _CATEGORIES:
        raise MetricsError(
            f"{what} has unknown category {change.category!r}; use one of {sorted(_CATEGORIES)}"
        )
    if change.kind == "status" and change.category is None:
        raise MetricsError(f"{what} is a status change without a category; map the status first")
    if change.kind in ("sprint_added", "sprint_removed") and not change.sprint:
        raise MetricsError(f"{what} is a {change.kind} change without a sprint key")
    require_points(change.points, f"points of {what}")
    return change


def sort_changes(changes: Iterable[Change]) -> list[Change]:
    """Check every change and return them in replay order.

    Raises:
        MetricsError: If a change is malformed (see ``check_change``).
    """
    return sorted((check_change(change) for change in changes), key=change_order)


def apply_change(state: ItemState, change: Change) -> ItemState:
    """The item's state after ``change`` (see the module docstring for each kind)."""
    if change.kind == "created":
        return replace(
            state,
            exists=True,
            category=change.category if change.category is not None else state.category,
            status=change.status if change.status is not None else state.status,
            points=change.points if change.points is not None else state.points,
        )
    if change.kind == "status" and change.category is not None:
        return replace(state, exists=True, category=change.category, status=change.status)
    if change.kind == "points":
        return replace(state, exists=True, points=change.points)
    if change.kind == "sprint_added" and change.sprint:
        return replace(state, exists=True, sprints=state.sprints | {change.sprint})
    if change.kind == "sprint_removed" and change.sprint:
        return replace(state, exists=True, sprints=state.sprints - {change.sprint})
    return state if state.exists else replace(state, exists=True)


@dataclass(frozen=True)
class Transition:
    """One applied change with the item's state just before and just after it."""

    change: Change
    before: ItemState
    after: ItemState


def replay(changes: Iterable[Change]) -> Iterator[Transition]:
    """Apply all changes in replay order, yielding each with the item's state before and after.

    One sort (O(n log n)) and one pass. All changes are checked before the first is yielded.

    Raises:
        MetricsError: If a change is malformed (see ``check_change``).
    """
    states: dict[str, ItemState] = {}
    for change in sort_changes(changes):
        before = states.get(change.item, ItemState())
        after = apply_change(before, change)
        states[change.item] = after
        yield Transition(change, before, after)


def states_at(changes: Iterable[Change], at: datetime) -> dict[str, ItemState]:
    """Each item's state at ``at``, replaying its changes up to and including ``at``.

    Items whose first change is after ``at`` are absent.

    Raises:
        MetricsError: If ``at`` is naive or a change is malformed.
    """
    require_aware(at, "replay time")
    states: dict[str, ItemState] = {}
    for transition in replay(changes):
        if transition.change.at > at:
            break
        states[transition.change.item] = transition.after
    return states


class History:
    """All items' replayed states, indexed for repeated "state at T" queries.

    Built with one sort and one pass; each query is a binary search, O(log n).
    """

    __slots__ = ("_moments", "_states")

    def __init__(self, changes: Iterable[Change]) -> None:
        """Replay ``changes`` once and keep every item's state after each of its changes.

        Raises:
            MetricsError: If a change is malformed (see ``check_change``).
        """
        moments: dict[str, list[datetime]] = {}
        states: dict[str, list[ItemState]] = {}
        for transition in replay(changes):
            moments.setdefault(transition.change.item, []).append(transition.change.at)
            states.setdefault(transition.change.item, []).append(transition.after)
        self._moments = {key: tuple(value) for key, value in moments.items()}
        self._states = {key: tuple(value) for key, value in states.items()}

    @property
    def items(self) -> tuple[str, ...]:
        """The keys of all items with at least one change, sorted."""
        return tuple(sorted(self._moments))

    def state_at(self, item: str, at: datetime) -> ItemState:
        """The state of ``item`` after its changes up to and including ``at``.

        An item without changes up to ``at`` has the initial state (``exists`` False).

        Raises:
            MetricsError: If ``at`` is naive.
        """
        require_aware(at, "replay time")
        moments = self._moments.get(item)
        if moments is None:
            return ItemState()
        applied = bisect_right(moments, at)
        return self._states[item][applied - 1] if applied else ItemState()

    def states_at(self, at: datetime) -> dict[str, ItemState]:
        """Every item's state at ``at`` (items whose history starts later are absent).

        Raises:
            MetricsError: If ``at`` is naive.
        """
        require_aware(at, "replay time")
        result: dict[str, ItemState] = {}
        for item in self.items:
            state = self.state_at(item, at)
            if state.exists:
                result[item] = state
        return result
