"""Turn store rows into the plain inputs of ``metrics`` with set-based queries.

- ``ItemEvent`` → ``metrics.model.Change``: item key = ``WorkItem.source_key``
  (suffixed with ``@<source id>`` only if two loaded items share a key),
  sprint key = ``str(sprint id)``, seq = event id.
- ``WorkItem`` → ``metrics.model.ItemInfo``; ``Sprint`` → ``SprintWindow``;
  ``Team`` → ``WorkingCalendar``.

``load_sprint_histories`` loads, for a set of sprints, every item that was ever
in one of them and *all* events of those items in one query (a replay needs
the whole history of an item, including what happened before the sprint).
Sub-tasks are left out: sprint figures never count them (METRICS.md).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from sqlalchemy import union
from sqlmodel import Session, col, select

from metrics.calendar import WorkingCalendar
from metrics.model import Category, Change, ChangeKind, ItemInfo, SprintWindow
from models import ItemEvent, Person, Sprint, Team, WorkItem
from models.enums import EventKind, ItemType

_SPRINT_KINDS = (EventKind.SPRINT_ADDED.value, EventKind.SPRINT_REMOVED.value)


def sprint_key(sprint_id: int) -> str:
    """The metrics key of a sprint: its store id as text."""
    return str(sprint_id)


def sprint_window(sprint: Sprint) -> SprintWindow:
    """The metrics window of a stored sprint.

    Raises:
        ValueError: if the sprint has no start or end (a future sprint not yet planned).
    """
    if sprint.id is None or sprint.start_at is None or sprint.end_at is None:
        raise ValueError(
            f"sprint {sprint.name!r} (id {sprint.id}) has no start or end date; "
            "plan it in the tracker before asking for its figures"
        )
    return SprintWindow(
        key=sprint_key(sprint.id),
        name=sprint.name,
        start=sprint.start_at,
        end=sprint.end_at,
        completed_at=sprint.completed_at,
    )


def team_calendar(team: Team | None) -> WorkingCalendar:
    """The working-day calendar of ``team`` (Germany/RP without a team).

    Raises:
        ValueError: if a team day off is not an ISO date (names the value).
    """
    if team is None:
        return WorkingCalendar()
    days: set[date] = set()
    for text in team.non_working_days:
        try:
            days.add(date.fromisoformat(text))
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"team {team.name!r} has non-working day {text!r}; write it as YYYY-MM-DD"
            ) from exc
    return WorkingCalendar(
        country=team.holiday_country, subdiv=team.holiday_subdiv, non_working_days=frozenset(days)
    )


def event_to_change(event: ItemEvent, *, item_key: str) -> Change:
    """One stored event as a metrics ``Change`` (only the field its kind names is set)."""
    kind = cast(ChangeKind, event.kind)
    category = cast(Category | None, event.status_category)
    if kind == "status":
        return Change(item_key, event.at, kind, category=category, status=event.status,
                      seq=event.id or 0)  # fmt: skip
    if kind == "points":
        return Change(item_key, event.at, kind, points=event.points, seq=event.id or 0)
    if kind in _SPRINT_KINDS:
        sprint = sprint_key(event.sprint_id) if event.sprint_id is not None else None
        return Change(item_key, event.at, kind, sprint=sprint, seq=event.id or 0)
    if kind == "created":
        return Change(item_key, event.at, kind, category=category, status=event.status,
                      points=event.points, seq=event.id or 0)  # fmt: skip
    return Change(item_key, event.at, kind, seq=event.id or 0)


def item_info(item: WorkItem, *, key: str) -> ItemInfo:
    """What metrics need of a stored item."""
    return ItemInfo(key=key, type=item.type, title=item.title)


@dataclass(frozen=True)
class LoadedItem:
    """A stored item as the services show it (current state)."""

    id: int
    key: str
    type: str
    title: str
    status: str
    status_category: str
    points: float | None
    assignee: str | None
    sprint_id: int | None


@dataclass(frozen=True)
class SprintHistories:
    """Everything needed to compute figures for a set of sprints.

    Attributes:
        items: Loaded items by metrics key.
        infos: The items' ``ItemInfo`` by key.
        changes: All events of all items, as ``Change`` values in replay order.
        members: For each sprint id, the keys of the items that were ever in it.
    """

    items: Mapping[str, LoadedItem]
    infos: Mapping[str, ItemInfo]
    changes: tuple[Change, ...]
    members: Mapping[int, frozenset[str]]

    def for_sprint(self, sprint_id: int) -> tuple[list[ItemInfo], list[Change]]:
        """The item infos and changes of the items ever in ``sprint_id``."""
        keys = self.members.get(sprint_id, frozenset())
        return [self.infos[k] for k in sorted(keys)], [c for c in self.changes if c.item in keys]


def _unique_keys(rows: Iterable[tuple[int, str, int]]) -> dict[int, str]:
    """Item id → metrics key; source keys that collide across sources get ``@<source id>``."""
    rows = list(rows)
    seen: dict[str, int] = {}
    for _, key, _source in rows:
        seen[key] = seen.get(key, 0) + 1
    return {
        item_id: key if seen[key] == 1 else f"{key}@{source_id}" for item_id, key, source_id in rows
    }


def load_sprint_histories(session: Session, *, sprint_ids: Sequence[int]) -> SprintHistories:
    """Load the items ever in ``sprint_ids`` and all their events (three queries in all).

    An item is "ever in" a sprint if an event added it to or removed it from
    the sprint, or if it is in the sprint now. Sub-tasks are left out.
    """
    if not sprint_ids:
        return SprintHistories({}, {}, (), {})
    ids = list(sprint_ids)
    membership = union(
        select(col(ItemEvent.item_id), col(ItemEvent.sprint_id)).where(
            col(ItemEvent.sprint_id).in_(ids), col(ItemEvent.kind).in_(_SPRINT_KINDS)
        ),
        select(col(WorkItem.id), col(WorkItem.sprint_id)).where(col(WorkItem.sprint_id).in_(ids)),
    ).subquery()
    pairs = session.exec(select(membership.c.item_id, membership.c.sprint_id)).all()
    item_ids = sorted({int(item_id) for item_id, _ in pairs})
    if not item_ids:
        return SprintHistories({}, {}, (), {sid: frozenset() for sid in ids})

    rows = session.exec(
        select(WorkItem, Person.display_name)
        .join(Person, col(WorkItem.assignee_id) == col(Person.id), isouter=True)
        .where(col(WorkItem.id).in_(item_ids), col(WorkItem.type) != ItemType.SUBTASK.value)
    ).all()
    keys = _unique_keys((item.id or 0, item.source_key, item.source_id) for item, _ in rows)
    items: dict[str, LoadedItem] = {}
    infos: dict[str, ItemInfo] = {}
    for item, assignee in rows:
        key = keys[item.id or 0]
        items[key] = LoadedItem(
            id=item.id or 0,
            key=key,
            type=item.type,
            title=item.title,
            status=item.status,
            status_category=item.status_category,
            points=item.points,
            assignee=assignee,
            sprint_id=item.sprint_id,
        )
        infos[key] = item_info(item, key=key)

    events = session.exec(
        select(ItemEvent)
        .where(col(ItemEvent.item_id).in_(list(keys)))
        .order_by(col(ItemEvent.at), col(ItemEvent.id))
    ).all()
    changes = tuple(event_to_change(e, item_key=keys[e.item_id]) for e in events)

    members: dict[int, set[str]] = {sid: set() for sid in ids}
    for item_id, sid in pairs:
        key = keys.get(int(item_id))
        if key is not None and sid is not None:
            members[int(sid)].add(key)
    return SprintHistories(
        items=items,
        infos=infos,
        changes=changes,
        members={sid: frozenset(m) for sid, m in members.items()},
    )


def changes_until(changes: Iterable[Change], moment: datetime) -> list[Change]:
    """The changes known at ``moment`` (a running sprint must not see the future)."""
    return [c for c in changes if c.at <= moment]


__all__ = [
    "LoadedItem",
    "SprintHistories",
    "changes_until",
    "event_to_change",
    "item_info",
    "load_sprint_histories",
    "sprint_key",
    "sprint_window",
    "team_calendar",
]
