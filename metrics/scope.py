"""Which items count in one sprint's figures, replayed over the sprint window.

Sprint figures and the burndown both read this trace, so they agree by construction.

An item (never a sub-task) is *in scope* of sprint S while it counts in S's figures:

- it joins when it is a member of S and open (todo or in progress): at the
  start (committed), or later (added), either by entering S open or by being
  reopened while a member after it was out of scope (done or cancelled when
  it was in S at the start or when it entered);
- it stays in scope while a member and not cancelled, done or not, and its
  points follow its estimate (estimate changes are scope changes);
- it leaves when it leaves S (removed) or becomes cancelled (descoped).

An item that is a member of S but done and not in scope is "completed
outside" the sprint; one that is cancelled and not in scope is "cancelled
outside". Unestimated items count 0 points.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from metrics.checks import check_sprint, index_items, require_known_items
from metrics.model import Change, ItemInfo, ItemState, SprintWindow
from metrics.replay import replay


@dataclass(frozen=True)
class ScopeState:
    """An item's place in one sprint's figures.

    Attributes:
        in_scope: Whether the item counts in the sprint figures now.
        points: Its points while in scope (0 when unestimated or out of scope).
        done: Whether it is done (only meaningful in scope).
        estimated: False if in scope without an estimate.
    """

    in_scope: bool = False
    points: float = 0.0
    done: bool = False
    estimated: bool = True

    @property
    def remaining(self) -> float:
        """Points this item adds to the burndown's remaining work (in scope and not done)."""
        return self.points if self.in_scope and not self.done else 0.0


OUT_OF_SCOPE = ScopeState()


def next_scope(scope: ScopeState, state: ItemState, sprint: str) -> ScopeState:
    """The item's scope state given its previous scope state and its new item state.

    Args:
        scope: The scope state before the change.
        state: The item state after the change.
        sprint: The sprint key.

    Returns:
        The scope state after the change (see the module docstring for the rules).
    """
    if not state.in_sprint(sprint) or state.category == "cancelled":
        return OUT_OF_SCOPE
    if not scope.in_scope and not state.is_open:
        return OUT_OF_SCOPE
    return ScopeState(
        in_scope=True,
        points=state.points if state.points is not None else 0.0,
        done=state.category == "done",
        estimated=state.points is not None,
    )


@dataclass(frozen=True)
class ScopeTransition:
    """A change to an item that was or became a member of the sprint."""

    change: Change
    before: ItemState
    after: ItemState
    scope_before: ScopeState
    scope_after: ScopeState

    @property
    def item(self) -> str:
        return self.change.item

    @property
    def joins(self) -> bool:
        """Whether the item joined the scope (added, or reopened after being out of scope)."""
        return not self.scope_before.in_scope and self.scope_after.in_scope

    @property
    def leaves(self) -> bool:
        """Whether the item left the scope (removed or descoped)."""
        return self.scope_before.in_scope and not self.scope_after.in_scope

    @property
    def is_descoping(self) -> bool:
        """Whether the item left the scope by becoming cancelled (while still a member).

        An in-scope item is never cancelled, and no change alters both the
        category and a membership, so leaving with category "cancelled" means
        this change cancelled it.
        """
        return self.leaves and self.after.category == "cancelled"


@dataclass(frozen=True)
class ScopeTrace:
    """An item-by-item trace of one sprint's scope.

    Attributes:
        sprint: The sprint.
        start_states: Item states at the sprint start (items with changes up to it).
        start_scope: Scope states at the start (in scope = committed).
        transitions: Changes after the start and up to ``until`` to items that
            were or became members of the sprint, in replay order.
        end_states: Item states at ``until``.
        end_scope: Scope states at ``until``.
    """

    sprint: SprintWindow
    start_states: Mapping[str, ItemState]
    start_scope: Mapping[str, ScopeState]
    transitions: tuple[ScopeTransition, ...]
    end_states: Mapping[str, ItemState]
    end_scope: Mapping[str, ScopeState]


def trace_scope(
    sprint: SprintWindow,
    items: Sequence[ItemInfo],
    changes: Sequence[Change],
    until: datetime,
) -> ScopeTrace:
    """Replay ``changes`` once and trace the sprint's scope from its start up to ``until``.

    Sub-tasks are left out. Changes at exactly the start belong to the start
    state; changes at exactly ``until`` are included.

    Raises:
        MetricsError: If the sprint window is inconsistent, an item is given
            twice, a change names an item without ItemInfo, or a change is malformed.
    """
    check_sprint(sprint)
    index = index_items(items)
    require_known_items((change.item for change in changes), index)
    subtasks = {key for key, info in index.items() if info.is_subtask}

    states: dict[str, ItemState] = {}
    scope: dict[str, ScopeState] = {}
    start_states: dict[str, ItemState] | None = None
    start_scope: dict[str, ScopeState] = {}
    transitions: list[ScopeTransition] = []
    for transition in replay(changes):
        key = transition.change.item
        if key in subtasks:
            continue
        if transition.change.at <= sprint.start:
            states[key] = transition.after
            continue
        if start_states is None:
            start_states, start_scope = _open_sprint(states, sprint.key)
            scope = dict(start_scope)
        if transition.change.at > until:
            break
        scope_before = scope.get(key, OUT_OF_SCOPE)
        scope_after = next_scope(scope_before, transition.after, sprint.key)
        states[key] = transition.after
        scope[key] = scope_after
        if transition.before.in_sprint(sprint.key) or transition.after.in_sprint(sprint.key):
            transitions.append(
                ScopeTransition(
                    transition.change,
                    transition.before,
                    transition.after,
                    scope_before,
                    scope_after,
                )
            )
    if start_states is None:
        start_states, start_scope = _open_sprint(states, sprint.key)
        scope = dict(start_scope)
    return ScopeTrace(sprint, start_states, start_scope, tuple(transitions), states, scope)


def _open_sprint(
    states: Mapping[str, ItemState], sprint: str
) -> tuple[dict[str, ItemState], dict[str, ScopeState]]:
    start_states = dict(states)
    start_scope = {key: next_scope(OUT_OF_SCOPE, state, sprint) for key, state in states.items()}
    return start_states, start_scope
