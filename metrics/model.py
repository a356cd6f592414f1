"""Plain input and output values of the metric functions."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

Category = Literal["todo", "in_progress", "done", "cancelled"]
ChangeKind = Literal["created", "status", "points", "sprint_added", "sprint_removed", "assignee"]
SUBTASK = "sub-task"


@dataclass(frozen=True)
class Change:
    """One recorded change of an item (an ItemEvent as plain data).

    Only the value that ``kind`` names is meaningful: ``category`` (and the
    workflow ``status``) for "status", ``points`` for "points" (None means
    unestimated), ``sprint`` for "sprint_added"/"sprint_removed". Changes with
    the same ``at`` are applied in ``seq`` order (the store's row id).
    """

    item: str
    at: datetime
    kind: ChangeKind
    category: Category | None = None
    status: str | None = None
    points: float | None = None
    sprint: str | None = None
    seq: int = 0


@dataclass(frozen=True)
class ItemInfo:
    """What metrics need to know about an item besides its history."""

    key: str
    type: str = "story"
    title: str = ""

    @property
    def is_subtask(self) -> bool:
        return self.type == SUBTASK


@dataclass(frozen=True)
class SprintWindow:
    """A sprint's planned window and, if closed, when it was completed."""

    key: str
    name: str
    start: datetime
    end: datetime
    completed_at: datetime | None = None

    @property
    def figures_end(self) -> datetime:
        """The moment at which 'completed' is judged: completion if closed, else planned end."""
        return self.completed_at if self.completed_at is not None else self.end


@dataclass(frozen=True)
class FigureSet:
    """The five sprint figures in one unit (points or item counts)."""

    committed: float = 0.0
    added: float = 0.0
    removed: float = 0.0
    completed: float = 0.0
    not_completed: float = 0.0


@dataclass(frozen=True)
class SprintFigures:
    """Sprint figures in points and in item counts, with the keys behind them.

    Every key tuple is sorted and holds each key once, even when the item
    counts twice in a figure (e.g. added, removed and added again).
    ``descoped_keys`` is a subset of ``removed_keys`` (descoped work is removed
    scope) and ``descoped_points``/``descoped_count`` are the part of
    ``removed`` that was descoped. ``cancelled_outside_keys`` lists items that
    were already cancelled at the start or when they entered the sprint (the
    cancelled counterpart of ``completed_outside_keys``). ``unestimated`` is
    ``len(unestimated_keys)``. ``added_keys``/``removed_keys`` name items that
    joined/left; estimate changes (part of added/removed points) name their
    items in ``re_estimated_keys`` instead.
    """

    points: FigureSet
    items: FigureSet
    committed_keys: tuple[str, ...] = ()
    added_keys: tuple[str, ...] = ()
    removed_keys: tuple[str, ...] = ()
    completed_keys: tuple[str, ...] = ()
    not_completed_keys: tuple[str, ...] = ()
    completed_outside_keys: tuple[str, ...] = ()
    descoped_keys: tuple[str, ...] = ()
    unestimated: int = 0
    cancelled_outside_keys: tuple[str, ...] = ()
    unestimated_keys: tuple[str, ...] = ()
    descoped_points: float = 0.0
    descoped_count: int = 0
    re_estimated_keys: tuple[str, ...] = ()

    @property
    def say_do_ratio(self) -> float | None:
        """Completed ÷ committed points; None when nothing was committed."""
        if self.points.committed == 0:
            return None
        return self.points.completed / self.points.committed


BurndownReason = Literal[
    "added", "removed", "estimate_up", "estimate_down", "done", "reopened", "descoped"
]


@dataclass(frozen=True)
class BurndownStep:
    """One change of the remaining points at ``at``; ``delta`` is signed."""

    at: datetime
    item: str
    reason: BurndownReason
    delta: float
    remaining: float

    @property
    def is_scope_change(self) -> bool:
        return self.reason in ("added", "removed", "estimate_up", "estimate_down", "descoped")


@dataclass(frozen=True)
class DayValue:
    """A value at the end of a calendar day."""

    day: date
    value: float


@dataclass(frozen=True)
class Burndown:
    """The sprint burndown: steps, remaining per day, the guideline and non-working days."""

    committed: float
    steps: tuple[BurndownStep, ...]
    remaining_by_day: tuple[DayValue, ...]
    guideline: tuple[DayValue, ...]
    non_working_days: tuple[date, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ItemState:
    """An item's state at a moment, replayed from its changes up to and including it.

    ``exists`` is False before the item's first recorded change. ``points`` None
    means unestimated. ``sprints`` holds every sprint the item is a member of:
    a carried-over item stays a member of the closed sprint, as in Jira.
    """

    exists: bool = False
    category: Category = "todo"
    status: str | None = None
    points: float | None = None
    sprints: frozenset[str] = frozenset()

    def in_sprint(self, sprint: str) -> bool:
        """Whether the item is a member of sprint ``sprint`` (a sprint key)."""
        return sprint in self.sprints

    @property
    def is_open(self) -> bool:
        """Whether the item is neither done nor cancelled."""
        return self.category in ("todo", "in_progress")


@dataclass(frozen=True)
class VelocityStat:
    """Velocity over a window of closed sprints: mean and range of completed points."""

    mean: float
    minimum: float
    maximum: float
    sprint_count: int
