"""Sprint-by-sprint simulation of one project's work items and their event histories.

The simulation is pure (no store): it returns ``SimItem``s whose ``events``
are the item's history in order and whose current fields are exactly the
replay of those events, because every change goes through ``_emit``, which
appends the event and applies it. What happens, sprint by sprint:

1. Refinement in the previous sprint estimates backlog items (and, where the
   source maps it, discards a few as "Verworfen").
2. Planning shortly before the start adds backlog items up to the team's
   capacity (committed); big new stories get sub-tasks.
3. During the sprint items move through "In Arbeit" and "Im Review" to
   "Erledigt"; some are re-estimated, reassigned, reopened, cancelled, removed
   from the sprint, and a few are added mid-sprint (new bugs or backlog items).
4. At completion unfinished items are added to the next sprint (carry-over);
   as in Jira they stay members of the closed sprint.

The active sprint is simulated like the others, but nothing after ``cap``
(today 09:00) happens, which leaves it half done. Sub-tasks follow their
parent story's sprint membership; epics live outside sprints and follow their
children.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from models.enums import EventKind, ItemType, SprintState
from seed.catalogue import (
    CANCELLED,
    DONE,
    IN_PROGRESS,
    POINT_SCALE,
    REVIEW,
    STATUS_CATEGORIES,
    SUBTASKS,
    TODO,
    ProjectSpec,
)
from seed.schedule import SprintSlot
from seed.workdays import WorkCalendar

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

_POINT_WEIGHTS: dict[ItemType, tuple[int, ...]] = {
    # weights for 1, 2, 3, 5, 8, 13
    ItemType.STORY: (5, 16, 28, 30, 17, 4),
    ItemType.BUG: (30, 30, 25, 15, 0, 0),
    ItemType.TASK: (35, 35, 20, 10, 0, 0),
}
_ESTIMATED_AT_CREATION: dict[ItemType, float] = {
    ItemType.STORY: 0.8,
    ItemType.BUG: 0.5,
    ItemType.TASK: 0.6,
}


@dataclass(frozen=True)
class SimEvent:
    """One change of an item; only the value that ``kind`` names is set."""

    at: datetime
    kind: EventKind
    status: str | None = None
    category: str | None = None
    points: float | None = None
    sprint: int | None = None  # index of the project's sprint
    assignee: str | None = None  # login


@dataclass(eq=False)
class SimItem:
    """A work item with its history and its state after the last event."""

    order: int
    type: ItemType
    title: str
    parent: "SimItem | None" = None
    events: list[SimEvent] = field(default_factory=list)
    status: str = TODO
    points: float | None = None
    sprints: dict[int, datetime] = field(default_factory=dict)  # member of: index -> added at
    assignee: str | None = None
    resolved_at: datetime | None = None
    subtasks: list["SimItem"] = field(default_factory=list)
    stuck_until: int = -1  # cannot be finished in a sprint with a lower index
    finish_in: int = -1  # must be finished in this sprint

    @property
    def category(self) -> str:
        return STATUS_CATEGORIES[self.status]

    @property
    def is_open(self) -> bool:
        return self.category in ("todo", "in_progress")

    @property
    def created_at(self) -> datetime:
        return self.events[0].at

    @property
    def updated_at(self) -> datetime:
        return self.events[-1].at

    @property
    def sprint(self) -> int | None:
        """The most recent sprint the item was added to and is still a member of."""
        if not self.sprints:
            return None
        return max(self.sprints, key=lambda index: (self.sprints[index], index))

    def first(self, status: str) -> datetime | None:
        """When the item first entered ``status``, if ever."""
        for event in self.events:
            if event.kind == EventKind.STATUS and event.status == status:
                return event.at
        return None


@dataclass(frozen=True)
class _Step:
    """A planned change inside a sprint; ``same_time`` shares the previous step's instant."""

    kind: str  # status, points or assignee
    value: str | float | None = None
    same_time: bool = False


class ProjectSimulation:
    """Simulates one project over its sprints (see the module docstring)."""

    def __init__(
        self,
        *,
        spec: ProjectSpec,
        slots: Sequence[SprintSlot],
        calendar: WorkCalendar,
        rng: random.Random,
        cap: datetime,
        assignees: Sequence[tuple[str, float]],
        product_owner: str,
        cancels: bool,
    ) -> None:
        self.spec = spec
        self.slots = list(slots)
        self.calendar = calendar
        self.rng = rng
        self.cap = cap
        self.assignees = [login for login, _ in assignees]
        self.weights = [share for _, share in assignees]
        self.product_owner = product_owner
        self.cancels = cancels
        self.items: list[SimItem] = []
        self.epics: list[SimItem] = []
        self.backlog: list[SimItem] = []  # ranked open top-level items outside any open sprint
        self.members: dict[int, list[SimItem]] = {slot.index: [] for slot in self.slots}
        self.active = next(s.index for s in self.slots if s.state == SprintState.ACTIVE)
        self.kickoff = self.slots[0].start - 7 * DAY
        self._titles: dict[str, int] = {}

    # ------------------------------------------------------------------ run

    def run(self) -> list[SimItem]:
        """Simulate every sprint up to the active one; return all items in creation order."""
        self._create_epics()
        self._create_items(self._kickoff_window(), points=2.5 * self.spec.velocity, minimum=8)
        for slot in self.slots[: self.active + 1]:
            self._run_sprint(slot)
        self._plan_future_sprints()
        self._top_up_backlog()
        self._finish_epics()
        return sorted(self.items, key=lambda item: (item.created_at, item.order))

    def _kickoff_window(self) -> tuple[datetime, datetime]:
        return self.kickoff, self.slots[0].start - 2 * HOUR

    # ------------------------------------------------------------ emitting

    def _emit(self, item: SimItem, event: SimEvent) -> bool:
        """Append ``event`` and apply it; events after ``cap`` do not happen (False)."""
        if event.at > self.cap:
            return False
        if item.events and event.at < item.updated_at:
            raise AssertionError(f"event of {item.title!r} goes back in time: {event}")
        item.events.append(event)
        if event.kind == EventKind.STATUS:
            assert event.status is not None
            was_done = item.category == "done"
            item.status = event.status
            if item.category == "done" and not was_done:
                item.resolved_at = event.at
            elif item.category != "done":
                item.resolved_at = None
        elif event.kind == EventKind.POINTS:
            item.points = event.points
        elif event.kind == EventKind.SPRINT_ADDED:
            assert event.sprint is not None
            item.sprints[event.sprint] = event.at
        elif event.kind == EventKind.SPRINT_REMOVED:
            assert event.sprint is not None
            del item.sprints[event.sprint]
        elif event.kind == EventKind.ASSIGNEE:
            item.assignee = event.assignee
        return True

    def _set_status(self, item: SimItem, at: datetime, status: str) -> bool:
        if status == item.status:
            return at <= self.cap
        event = SimEvent(at, EventKind.STATUS, status=status, category=STATUS_CATEGORIES[status])
        return self._emit(item, event)

    def _set_points(self, item: SimItem, at: datetime, points: float | None) -> bool:
        if points == item.points:
            return at <= self.cap
        return self._emit(item, SimEvent(at, EventKind.POINTS, points=points))

    def _assign(self, item: SimItem, at: datetime, login: str | None) -> bool:
        if login == item.assignee:
            return at <= self.cap
        return self._emit(item, SimEvent(at, EventKind.ASSIGNEE, assignee=login))

    def _add_to_sprint(self, item: SimItem, at: datetime, index: int) -> bool:
        """Add ``item`` (and its sub-tasks, at the same instant) to sprint ``index``."""
        if not self._emit(item, SimEvent(at, EventKind.SPRINT_ADDED, sprint=index)):
            return False
        for sub in item.subtasks:
            self._emit(sub, SimEvent(at, EventKind.SPRINT_ADDED, sprint=index))
        self.members[index].append(item)
        return True

    def _remove_from_sprint(self, item: SimItem, at: datetime, index: int) -> bool:
        return self._emit(item, SimEvent(at, EventKind.SPRINT_REMOVED, sprint=index))

    # ------------------------------------------------------------ creating

    def _create(
        self,
        at: datetime,
        kind: ItemType,
        *,
        sprint: int | None = None,
        parent: SimItem | None = None,
        title: str | None = None,
    ) -> SimItem | None:
        """A new item: "created", its status, estimate, sprint and assignee at one instant."""
        if at > self.cap:
            return None
        if parent is None and kind in (ItemType.STORY, ItemType.BUG, ItemType.TASK):
            parent = self._pick_epic(at, kind)
        item = SimItem(
            order=len(self.items), type=kind, title=title or self._title(kind), parent=parent
        )
        self._emit(item, SimEvent(at, EventKind.CREATED))
        self._emit(item, SimEvent(at, EventKind.STATUS, status=TODO, category="todo"))
        if kind in _ESTIMATED_AT_CREATION and self.rng.random() < _ESTIMATED_AT_CREATION[kind]:
            self._set_points(item, at, self._draw_points(kind))
        if sprint is not None:
            self._emit(item, SimEvent(at, EventKind.SPRINT_ADDED, sprint=sprint))
        if kind == ItemType.EPIC:
            self._assign(item, at, self.product_owner)
        elif self.rng.random() < 0.3:
            self._assign(item, at, self._someone())
        self.items.append(item)
        if kind == ItemType.SUBTASK and parent is not None:
            parent.subtasks.append(item)
        return item

    def _create_epics(self) -> None:
        count = len(self.spec.epics)
        sprints = self.active + 2
        for number, title in enumerate(self.spec.epics):
            opens_in = (number * sprints) // count  # the sprint in which its stories start
            if opens_in <= 1:
                at = self.calendar.one(self.rng, *self._kickoff_window())
            else:
                slot = self.slots[min(opens_in - 2, self.active)]
                at = self.calendar.one(self.rng, slot.start, min(slot.figures_end, self.cap))
            epic = self._create(at, ItemType.EPIC, title=title)
            if epic is not None:
                self.epics.append(epic)
        self.epics.sort(key=lambda epic: (epic.created_at, epic.order))

    def _pick_epic(self, at: datetime, kind: ItemType) -> SimItem | None:
        """The epic of a new item: one of the most recently opened epics, or none."""
        if kind != ItemType.STORY and self.rng.random() < 0.6:
            return None
        if kind == ItemType.STORY and self.rng.random() < 0.08:
            return None
        opened = [epic for epic in self.epics if epic.created_at <= at]
        if not opened:
            return None
        recent = opened[-3:]
        return self.rng.choices(recent, weights=(1, 2, 4)[-len(recent) :])[0]

    def _create_items(
        self, window: tuple[datetime, datetime], *, points: float, minimum: int
    ) -> None:
        """New backlog items at random working times in ``window`` until the backlog holds
        ``points`` (and at least ``minimum`` new items)."""
        lo, hi = window[0], min(window[1], self.cap)
        made = 0
        while made < minimum or self._backlog_points() < points:
            kind = self.rng.choices(
                (ItemType.STORY, ItemType.BUG, ItemType.TASK), weights=(55, 25, 20)
            )[0]
            item = self._create(self.calendar.one(self.rng, lo, hi), kind)
            if item is None:
                return
            made += 1
            if kind == ItemType.BUG and self.rng.random() < 0.5:
                self.backlog.insert(self.rng.randrange(0, min(3, len(self.backlog)) + 1), item)
            else:
                self.backlog.append(item)

    def _backlog_points(self) -> float:
        return sum(item.points or 0.0 for item in self.backlog)

    # ------------------------------------------------------------ sprints

    def _run_sprint(self, slot: SprintSlot) -> None:
        previous = self.slots[slot.index - 1] if slot.index > 0 else None
        plan_at = self._planning_time(slot, previous)
        self._refine(slot, previous, plan_at)
        self._plan(slot, plan_at)
        self._mark_stubborn(slot)
        luck = self.rng.uniform(0.85, 1.08)
        for item in self._unique(self.members[slot.index]):
            self._episode(slot, item, enter_at=plan_at, luck=luck)
        self._mid_sprint_additions(slot, luck)
        self._create_items(
            (slot.start, slot.figures_end),
            points=2.5 * self.spec.velocity,
            minimum=self.rng.randrange(3, 7),
        )
        if slot.state == SprintState.CLOSED:
            self._complete(slot)

    @staticmethod
    def _unique(items: list[SimItem]) -> list[SimItem]:
        seen: dict[int, SimItem] = {}
        for item in items:
            seen.setdefault(item.order, item)
        return list(seen.values())

    def _planning_time(self, slot: SprintSlot, previous: SprintSlot | None) -> datetime:
        planned = slot.start - self.rng.choice((30, 40, 45, 60)) * MINUTE  # 08:00-08:30
        if previous is not None and previous.completed_at is not None:
            planned = max(planned, previous.completed_at + 2 * MINUTE)
        return planned

    def _refine(self, slot: SprintSlot, previous: SprintSlot | None, plan_at: datetime) -> None:
        """Estimate (and occasionally discard) backlog items before the planning."""
        if previous is None:
            meeting = plan_at
        else:
            second_week = previous.start + 7 * DAY
            meeting = self.calendar.one(self.rng, second_week, previous.figures_end)
        for item in list(self.backlog):
            at = meeting if item.updated_at <= meeting else plan_at
            if self.cancels and self.rng.random() < 0.015:
                self._set_status(item, at, CANCELLED)
                self.backlog.remove(item)
            elif item.points is None and self.rng.random() < 0.75:
                self._set_points(item, at, self._draw_points(item.type))
            elif item.points is not None and self.rng.random() < 0.04:
                self._set_points(item, at, self._neighbour(item.points))

    def _plan(self, slot: SprintSlot, plan_at: datetime) -> None:
        """Fill the sprint from the top of the backlog up to this sprint's capacity."""
        capacity = self.spec.velocity * self.rng.uniform(0.85, 1.1)
        committed = sum(item.points or 0.0 for item in self.members[slot.index])
        unestimated_allowed = 1 if self.rng.random() < 0.5 else 0
        for item in list(self.backlog):
            if committed >= capacity - 1:
                break
            if item.points is None:
                if unestimated_allowed == 0:
                    continue
                unestimated_allowed -= 1
            elif committed + item.points > capacity:
                continue
            if item.updated_at > plan_at:
                continue
            if not self._add_to_sprint(item, plan_at, slot.index):
                return  # the planning has not happened yet
            self.backlog.remove(item)
            committed += item.points or 0.0
            if item.type == ItemType.STORY and (item.points or 0) >= 3 and not item.subtasks:
                self._maybe_split(item, plan_at, slot)

    def _maybe_split(self, story: SimItem, plan_at: datetime, slot: SprintSlot) -> None:
        if self.rng.random() >= 0.45:
            return
        at = min(plan_at + self.rng.randrange(2, 15) * MINUTE, slot.start)
        names = self.rng.sample(SUBTASKS, self.rng.randrange(2, 5))
        for name in names:
            self._create(at, ItemType.SUBTASK, sprint=slot.index, parent=story, title=name)

    def _mark_stubborn(self, slot: SprintSlot) -> None:
        """Force two long carry-overs: into the active sprint, and one finished after three."""
        if slot.index == self.active - 2:
            self._pick_stubborn(slot, stuck_until=self.active + 1, finish_in=-1)
        if slot.index == self.active - 9:
            self._pick_stubborn(slot, stuck_until=slot.index + 3, finish_in=slot.index + 3)

    def _pick_stubborn(self, slot: SprintSlot, *, stuck_until: int, finish_in: int) -> None:
        for item in self._unique(self.members[slot.index]):
            if item.type == ItemType.STORY and item.category == "todo" and item.stuck_until < 0:
                item.stuck_until, item.finish_in = stuck_until, finish_in
                return

    def _mid_sprint_additions(self, slot: SprintSlot, luck: float) -> None:
        for _ in range(self.rng.choice((0, 1, 1, 2, 2, 3))):
            at = self.calendar.one(self.rng, slot.start + 2 * HOUR, slot.figures_end - 4 * HOUR)
            if at > self.cap:
                continue
            if self.rng.random() < 0.5:
                item = self._create(at, ItemType.BUG, sprint=slot.index)
                if item is not None:
                    self.members[slot.index].append(item)
            else:
                candidates = [i for i in self.backlog if i.updated_at < at and i.points]
                if not candidates:
                    continue
                item = candidates[0]
                self.backlog.remove(item)
                self._add_to_sprint(item, at, slot.index)
            if item is not None:
                self._episode(slot, item, enter_at=at, luck=luck)

    def _complete(self, slot: SprintSlot) -> None:
        """Carry unfinished items over to the next sprint, one minute after completion."""
        assert slot.completed_at is not None
        carry_at = slot.completed_at + MINUTE
        for item in self._unique(self.members[slot.index]):
            if slot.index in item.sprints and item.is_open:
                self._add_to_sprint(item, carry_at, slot.index + 1)

    # ------------------------------------------------------------ episodes

    def _episode(self, slot: SprintSlot, item: SimItem, *, enter_at: datetime, luck: float) -> None:
        """What happens to one item during one sprint."""
        if slot.index not in item.sprints or not item.is_open:
            return
        fate = self._fate(slot, item, enter_at, luck)
        if fate == "remove":
            lo = max(slot.start + DAY, item.updated_at)
            at = self.calendar.one(self.rng, lo, slot.figures_end - DAY)
            if self._remove_from_sprint(item, at, slot.index):
                self.backlog.insert(0, item)
            return
        steps = self._steps(item, fate)
        times = self._times(steps, *self._work_window(slot, max(enter_at, item.updated_at)))
        cancel_at = None
        for step, at in zip(steps, times, strict=True):
            if step.kind == "status":
                assert isinstance(step.value, str)
                if not self._set_status(item, at, step.value):
                    break
                if step.value == CANCELLED:
                    cancel_at = at
            elif step.kind == "points":
                assert not isinstance(step.value, str)
                if not self._set_points(item, at, step.value):
                    break
            elif step.kind == "assignee":
                assert isinstance(step.value, str)
                if not self._assign(item, at, step.value):
                    break
        # Sub-tasks finish before their story's (planned) first "Erledigt" of this sprint.
        done_at = next(
            (at for step, at in zip(steps, times, strict=True) if step.value == DONE), None
        )
        for sub in item.subtasks:
            self._subtask_episode(slot, sub, item, done_at, cancel_at)

    def _fate(self, slot: SprintSlot, item: SimItem, enter_at: datetime, luck: float) -> str:
        stuck = item.stuck_until > slot.index
        if item.finish_in == slot.index:
            return "done"
        if stuck:
            return "partial"
        roll = self.rng.random()
        removable = (
            item.status == TODO
            and list(item.sprints) == [slot.index]
            and not item.subtasks
            and enter_at < slot.start
        )
        if removable and roll < 0.04:
            return "remove"
        if self.cancels and roll < 0.06:
            return "cancel"
        chance = min(0.98, self.spec.reliability * luck + (0.06 if len(item.sprints) > 1 else 0))
        if self.rng.random() < chance:
            return "done"
        return "partial" if self.rng.random() < 0.65 else "untouched"

    def _steps(self, item: SimItem, fate: str) -> list[_Step]:
        """The changes of an item in this sprint, in order."""
        rng = self.rng
        steps: list[_Step] = []
        start_work = [_Step("status", IN_PROGRESS)]
        if item.assignee is None or rng.random() < 0.08:
            start_work.append(_Step("assignee", self._someone(), same_time=True))
        reviewed = rng.random() < (0.3 if item.type == ItemType.TASK else 0.7)
        if fate == "done":
            if item.status == TODO:
                steps += start_work
            if reviewed and item.status != REVIEW:
                steps.append(_Step("status", REVIEW))
            steps.append(_Step("status", DONE))
            if item.type in (ItemType.STORY, ItemType.BUG) and rng.random() < 0.06:
                steps.append(_Step("status", IN_PROGRESS))  # reopened
                if rng.random() < 0.6:
                    steps.append(_Step("status", DONE))
        elif fate == "partial":
            if item.status == TODO:
                steps += start_work
                if rng.random() < 0.35:
                    steps.append(_Step("status", REVIEW))
            elif item.status == IN_PROGRESS and rng.random() < 0.4:
                steps.append(_Step("status", REVIEW))
            elif item.status == REVIEW and rng.random() < 0.3:
                steps.append(_Step("status", IN_PROGRESS))  # review found problems
        elif fate == "cancel":
            if item.status == TODO and rng.random() < 0.4:
                steps += start_work
            steps.append(_Step("status", CANCELLED))
        elif fate == "untouched" and item.assignee is None and rng.random() < 0.5:
            steps.append(_Step("assignee", self._someone()))
        estimate = self._estimate_step(item)
        if estimate is not None:
            position = rng.randrange(0, max(1, len(steps)))
            steps.insert(position, estimate)
            if position + 1 < len(steps) and steps[position + 1].same_time:
                steps[position + 1] = _Step(steps[position + 1].kind, steps[position + 1].value)
        if steps and rng.random() < 0.04:
            steps.insert(rng.randrange(0, len(steps)), _Step("assignee", self._someone()))
        return self._fix_same_time(steps)

    @staticmethod
    def _fix_same_time(steps: list[_Step]) -> list[_Step]:
        if steps and steps[0].same_time:
            steps[0] = _Step(steps[0].kind, steps[0].value)
        return steps

    def _estimate_step(self, item: SimItem) -> _Step | None:
        if item.type == ItemType.SUBTASK:
            return None
        if item.points is None and self.rng.random() < 0.6:
            return _Step("points", self._draw_points(item.type))
        if item.points is not None and self.rng.random() < 0.07:
            return _Step("points", self._neighbour(item.points))
        return None

    def _work_window(self, slot: SprintSlot, ready: datetime) -> tuple[datetime, datetime]:
        """When an item is worked on: it starts in the first 85% of the sprint and takes
        one to four and a half days, so that completions spread over the sprint."""
        lo = max(slot.start, ready)
        hi = slot.figures_end
        if hi <= lo:
            return lo, lo
        begin = self.calendar.one(self.rng, lo, lo + (hi - lo) * 0.85)
        return begin, min(hi, begin + self.rng.uniform(1.0, 4.5) * DAY)

    def _times(self, steps: list[_Step], lo: datetime, hi: datetime) -> list[datetime]:
        """One instant per step: ascending working times, shared where ``same_time``."""
        distinct = sum(1 for step in steps if not step.same_time)
        instants = iter(self.calendar.sample(self.rng, lo, hi, distinct))
        times: list[datetime] = []
        for step in steps:
            times.append(times[-1] if step.same_time and times else next(instants))
        return times

    def _subtask_episode(
        self,
        slot: SprintSlot,
        sub: SimItem,
        parent: SimItem,
        parent_done: datetime | None,
        parent_cancelled: datetime | None,
    ) -> None:
        if not sub.is_open or slot.index not in sub.sprints:
            return
        if parent_cancelled is not None:
            self._set_status(sub, max(parent_cancelled, sub.updated_at), CANCELLED)
            return
        if parent_done is not None:
            fate = "done"
            hi = parent_done
        else:
            roll = self.rng.random()
            fate = "done" if roll < 0.4 else "partial" if roll < 0.7 else "untouched"
            hi = slot.figures_end
        steps: list[str] = []
        if sub.status == TODO and fate != "untouched":
            steps.append(IN_PROGRESS)
        if fate == "done":
            steps.append(DONE)
        lo = max(slot.start, sub.updated_at)
        times = self.calendar.sample(self.rng, lo, max(lo, hi), len(steps))
        for status, at in zip(steps, times, strict=True):
            first_assignment = status == IN_PROGRESS and sub.assignee is None
            if first_assignment and not self._assign(sub, at, parent.assignee or self._someone()):
                return
            if not self._set_status(sub, at, status):
                return

    # ------------------------------------------------------------ the end

    def _plan_future_sprints(self) -> None:
        """Backlog refinement in the active sprint already fills the next sprint(s) a little."""
        active = self.slots[self.active]
        for slot in self.slots[self.active + 1 :]:
            count = self.rng.randrange(3, 7) if slot.index == self.active + 1 else 2
            for item in [i for i in self.backlog if i.points][:count]:
                lo = max(item.updated_at, active.start - 3 * DAY)
                at = self.calendar.one(self.rng, lo, max(lo, self.cap))
                self.backlog.remove(item)
                self._add_to_sprint(item, at, slot.index)

    def _top_up_backlog(self) -> None:
        """Enough open backlog for the project's forecast (late projects have much left)."""
        lo = self.slots[max(0, self.active - 2)].start
        while len(self.backlog) < self.spec.backlog_target:
            kind = self.rng.choices(
                (ItemType.STORY, ItemType.BUG, ItemType.TASK), weights=(60, 20, 20)
            )[0]
            item = self._create(self.calendar.one(self.rng, lo, self.cap), kind)
            if item is None:
                return
            self.backlog.append(item)

    def _finish_epics(self) -> None:
        """Epics start with their first child and are done when all children are resolved."""
        children: dict[int, list[SimItem]] = {epic.order: [] for epic in self.epics}
        for item in self.items:
            if item.parent is not None and item.parent.order in children:
                children[item.parent.order].append(item)
        closable = len(self.epics) - 2
        for number, epic in enumerate(self.epics):
            kids = children[epic.order]
            starts = [t for t in (kid.first(IN_PROGRESS) for kid in kids) if t is not None]
            if not starts:
                continue
            self._set_status(epic, max(min(starts), epic.updated_at), IN_PROGRESS)
            finished = all(not kid.is_open for kid in kids) and any(
                kid.category == "done" for kid in kids
            )
            if number < closable and finished:
                last = max(kid.updated_at for kid in kids)
                at = min(
                    self.cap, max(last + self.rng.randrange(10, 240) * MINUTE, epic.updated_at)
                )
                self._set_status(epic, at, DONE)

    # ------------------------------------------------------------ helpers

    def _someone(self) -> str:
        return self.rng.choices(self.assignees, weights=self.weights)[0]

    def _draw_points(self, kind: ItemType) -> float:
        weights = _POINT_WEIGHTS.get(kind, _POINT_WEIGHTS[ItemType.TASK])
        return self.rng.choices(POINT_SCALE, weights=weights)[0]

    def _neighbour(self, points: float) -> float:
        index = POINT_SCALE.index(points) if points in POINT_SCALE else 2
        if index == 0:
            return POINT_SCALE[1]
        if index == len(POINT_SCALE) - 1:
            return POINT_SCALE[-2]
        return POINT_SCALE[index + self.rng.choice((-1, 1))]

    def _title(self, kind: ItemType) -> str:
        spec = self.spec
        templates = {
            ItemType.STORY: spec.stories,
            ItemType.BUG: spec.bugs,
            ItemType.TASK: spec.tasks,
        }[kind]
        title = ""
        for _ in range(12):
            title = self.rng.choice(templates).format(x=self.rng.choice(spec.fillers))
            if title not in self._titles:
                break
        seen = self._titles.get(title, 0) + 1
        self._titles[title] = seen
        title = title if seen == 1 else f"{title} ({seen}. Teil)"
        return title[:1].upper() + title[1:]
