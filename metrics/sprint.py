"""Sprint figures: committed, added, removed, completed and not completed (METRICS.md).

Definitions (points, and the same counting items; sub-tasks are left out):

- **Committed**: items in the sprint at its start that are open then (not done,
  not cancelled), with their points at the start.
- **Added**: items joining the sprint's scope after the start and up to the
  figures end (``completed_at`` if closed, else the planned end), with their
  points when they joined, plus estimate increases while in scope.
- **Removed**: items leaving the scope in that window (leaving the sprint, done
  or not, or becoming cancelled: "descoped"), with their points when they
  left, plus estimate decreases while in scope.
- **Completed** / **Not completed**: items in scope at the figures end that
  are / are not done then, with their points then.
- **Completed outside**: items done when they were in the sprint at the start,
  when they entered it, or when they became done while in it out of scope;
  they are in none of the figures above. If such an item is reopened while in
  the sprint, it joins the scope at that moment, as if added then (it is then
  also listed as added).
- **Cancelled outside**: the same for items cancelled at the start or on entry.

Key lists name the items that joined (``added_keys``) or left
(``removed_keys``); estimate changes add no key there but are listed in
``re_estimated_keys``.

Changes at exactly the start belong to the start; changes at exactly the
figures end count. An item that leaves and re-enters counts in removed and in
added again. Unestimated items count 0 points; ``unestimated`` counts the items
that were in scope without an estimate at some moment of the sprint.

Conservation holds exactly: committed + added - removed = completed + not
completed, in counts and in points (points are summed as exact fractions; each
figure is then rounded once to a float, so the identity is exact in floats for
the usual story-point values, integers and halves).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from metrics.model import Change, FigureSet, ItemInfo, SprintFigures, SprintWindow
from metrics.scope import ScopeState, ScopeTransition, trace_scope


@dataclass
class _Tally:
    points: Fraction = Fraction(0)
    count: int = 0
    keys: set[str] = field(default_factory=set)

    def add(self, key: str, points: Fraction) -> None:
        """Count one item joining or leaving, with its points."""
        self.points += points
        self.count += 1
        self.keys.add(key)

    def add_points(self, points: Fraction) -> None:
        """Count an estimate change: points only, no item."""
        self.points += points

    def sorted_keys(self) -> tuple[str, ...]:
        return tuple(sorted(self.keys))


@dataclass
class _Figures:
    committed: _Tally = field(default_factory=_Tally)
    added: _Tally = field(default_factory=_Tally)
    removed: _Tally = field(default_factory=_Tally)
    descoped: _Tally = field(default_factory=_Tally)
    completed: _Tally = field(default_factory=_Tally)
    not_completed: _Tally = field(default_factory=_Tally)
    completed_outside: set[str] = field(default_factory=set)
    cancelled_outside: set[str] = field(default_factory=set)
    unestimated: set[str] = field(default_factory=set)
    re_estimated: set[str] = field(default_factory=set)

    def note_estimate(self, key: str, scope: ScopeState) -> None:
        if scope.in_scope and not scope.estimated:
            self.unestimated.add(key)


def compute_sprint_figures(
    sprint: SprintWindow, items: Sequence[ItemInfo], changes: Sequence[Change]
) -> SprintFigures:
    """Compute a sprint's figures in points and item counts (see the module docstring).

    Args:
        sprint: The sprint window; its ``figures_end`` is when completion is judged.
        items: Every item whose changes are passed (type decides sub-tasks).
        changes: The items' changes, in any order; each item's state at a moment
            is its changes replayed up to and including that moment.

    Returns:
        The figures, the keys behind each, and the unestimated count.

    Raises:
        MetricsError: If the sprint window is inconsistent, an item is given
            twice, a change names an unknown item, or a change is malformed.
    """
    trace = trace_scope(sprint, items, changes, until=sprint.figures_end)
    figures = _Figures()

    for key, scope in trace.start_scope.items():
        state = trace.start_states[key]
        if scope.in_scope:
            figures.committed.add(key, Fraction(scope.points))
            figures.note_estimate(key, scope)
        elif state.in_sprint(sprint.key):
            _note_outside(figures, key, state.category)

    for transition in trace.transitions:
        _apply_transition(figures, transition, sprint.key)

    for key, scope in trace.end_scope.items():
        if scope.in_scope:
            tally = figures.completed if scope.done else figures.not_completed
            tally.add(key, Fraction(scope.points))

    return _assemble(figures)


def _note_outside(figures: _Figures, key: str, category: str) -> None:
    if category == "done":
        figures.completed_outside.add(key)
    elif category == "cancelled":
        figures.cancelled_outside.add(key)


def _apply_transition(figures: _Figures, transition: ScopeTransition, sprint: str) -> None:
    key = transition.item
    before, after = transition.scope_before, transition.scope_after
    figures.note_estimate(key, after)
    if transition.joins:
        figures.added.add(key, Fraction(after.points))
    elif transition.leaves:
        figures.removed.add(key, Fraction(before.points))
        if transition.is_descoping:
            figures.descoped.add(key, Fraction(before.points))
    elif after.in_scope:
        delta = Fraction(after.points) - Fraction(before.points)
        if delta:
            figures.re_estimated.add(key)
        if delta > 0:
            figures.added.add_points(delta)
        elif delta < 0:
            figures.removed.add_points(-delta)
    elif transition.after.in_sprint(sprint):
        was_member = transition.before.in_sprint(sprint)
        category = transition.after.category
        if not (was_member and transition.before.category == category):
            _note_outside(figures, key, category)


def _assemble(figures: _Figures) -> SprintFigures:
    def figure_set(unit: str) -> FigureSet:
        def value(tally: _Tally) -> float:
            return float(tally.points) if unit == "points" else float(tally.count)

        return FigureSet(
            committed=value(figures.committed),
            added=value(figures.added),
            removed=value(figures.removed),
            completed=value(figures.completed),
            not_completed=value(figures.not_completed),
        )

    return SprintFigures(
        points=figure_set("points"),
        items=figure_set("items"),
        committed_keys=figures.committed.sorted_keys(),
        added_keys=figures.added.sorted_keys(),
        removed_keys=figures.removed.sorted_keys(),
        completed_keys=figures.completed.sorted_keys(),
        not_completed_keys=figures.not_completed.sorted_keys(),
        completed_outside_keys=tuple(sorted(figures.completed_outside)),
        descoped_keys=figures.descoped.sorted_keys(),
        unestimated=len(figures.unestimated),
        cancelled_outside_keys=tuple(sorted(figures.cancelled_outside)),
        unestimated_keys=tuple(sorted(figures.unestimated)),
        descoped_points=float(figures.descoped.points),
        descoped_count=figures.descoped.count,
        re_estimated_keys=tuple(sorted(figures.re_estimated)),
    )
