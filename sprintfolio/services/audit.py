"""The audit trail as an Audit page shows it: filtered, newest first, with readable changes.

``AuditEntry.changes`` holds ``{field: [old, new]}`` for edits (see
``sprintfolio.services.edits``); other entries (sync runs, permission changes)
may hold plain values (``{field: value}``). Keys starting with "_" are notes
of a failed attempt: ``_reason`` (rejected fields and codes) and ``_version``
(expected and stored version of a conflict).

For work-item entries, person and sprint ids are shown by name and the item by
its key; the names are looked up with one query per kind for the whole page.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from models import AuditEntry, Person, Sprint, WorkItem
from sprintfolio.services.errors import ServiceError

__all__ = ["MAX_LIMIT", "AuditChange", "AuditFacets", "AuditRow", "audit_facets", "list_audit"]

#: The most rows one call returns.
MAX_LIMIT = 1000
#: How an empty value (unassigned, backlog, unestimated) is shown.
EMPTY = "—"

AuditValue = str | int | float | bool | None


@dataclass(frozen=True)
class AuditChange:
    """One field of an audit entry.

    ``is_change`` says whether the entry recorded a change (``old`` → ``new``)
    or a plain value (then ``old`` is None and only ``new`` counts). The labels
    are the values as shown: names for person and sprint ids, "—" for none.
    """

    field: str
    old: AuditValue
    new: AuditValue
    old_label: str
    new_label: str
    is_change: bool = True


@dataclass(frozen=True)
class AuditRow:
    """One audit entry as a page lists it.

    Attributes:
        entity_label: The item key for work items ("LOC-17"), else None.
        changes: The recorded fields, in stored order.
        note: For a failed attempt: why ("rejected: status unknown_status",
            "conflict: expected version 1, stored 2"), else None.
        summary: One English line: the changes and the note.
    """

    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: int | None
    entity_label: str | None
    outcome: str
    changes: tuple[AuditChange, ...]
    note: str | None
    summary: str


@dataclass(frozen=True)
class AuditFacets:
    """The distinct values of the filter fields, for an Audit page's pickers."""

    actors: tuple[str, ...]
    actions: tuple[str, ...]
    entities: tuple[str, ...]
    outcomes: tuple[str, ...]


def _plain(value: object) -> AuditValue:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _label(
    field: str, value: AuditValue, people: Mapping[int, str], sprints: Mapping[int, str]
) -> str:
    if value is None:
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) and field == "assignee":
        return people.get(value, f"person {value}")
    if isinstance(value, int) and field == "sprint":
        return sprints.get(value, f"sprint {value}")
    if isinstance(value, float):
        return f"{value:g}"
    if field == "title" and isinstance(value, str):
        return f"“{value}”"
    return str(value)


def _pairs(changes: Mapping[str, object]) -> list[tuple[str, bool, AuditValue, AuditValue]]:
    """(field, is_change, old, new) for each non-note key."""
    pairs: list[tuple[str, bool, AuditValue, AuditValue]] = []
    for field, value in changes.items():
        if field.startswith("_"):
            continue
        if isinstance(value, list) and len(value) == 2:
            pairs.append((field, True, _plain(value[0]), _plain(value[1])))
        else:
            pairs.append((field, False, None, _plain(value)))
    return pairs


def _note(outcome: str, changes: Mapping[str, object]) -> str | None:
    reason = changes.get("_reason")
    if isinstance(reason, list) and reason:
        parts = [
            f"{r.get('field')} {r.get('code')}" if isinstance(r, Mapping) else str(r)
            for r in reason
        ]
        return f"{outcome}: {', '.join(parts)}"
    version = changes.get("_version")
    if isinstance(version, list) and len(version) == 2:
        return f"{outcome}: expected version {version[0]}, stored {version[1]}"
    return None if outcome == "ok" else outcome


def _check_filters(since: datetime | None, until: datetime | None, limit: int, offset: int) -> None:
    for name, moment in (("since", since), ("until", until)):
        if moment is not None and moment.utcoffset() is None:
            raise ServiceError(f"{name}={moment.isoformat()} is naive; pass an aware datetime")
    if since is not None and until is not None and until < since:
        raise ServiceError(
            f"until {until.isoformat()} is before since {since.isoformat()}; swap them"
        )
    if not 1 <= limit <= MAX_LIMIT:
        raise ServiceError(f"limit {limit} is out of range; use 1 to {MAX_LIMIT}")
    if offset < 0:
        raise ServiceError(f"offset {offset} is negative; start at 0")


def list_audit(
    session: Session,
    *,
    actor: str | None = None,
    entity: str | None = None,
    entity_id: int | None = None,
    action: str | None = None,
    outcome: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[AuditRow]:
    """Audit entries matching every given filter, newest first (ties: newest id first).

    Args:
        session: The store.
        actor, entity, entity_id, action, outcome: Exact matches; None matches all.
        since: Entries at or after this moment (aware).
        until: Entries before this moment (aware).
        limit: At most this many rows (1 to ``MAX_LIMIT``).
        offset: Skip this many rows first (paging).

    Raises:
        ServiceError: naive times, ``until`` before ``since``, or a limit/offset out of range.
    """
    _check_filters(since, until, limit, offset)
    query = select(AuditEntry)
    for column, value in (
        (AuditEntry.actor, actor),
        (AuditEntry.entity, entity),
        (AuditEntry.entity_id, entity_id),
        (AuditEntry.action, action),
        (AuditEntry.outcome, outcome),
    ):
        if value is not None:
            query = query.where(col(column) == value)
    if since is not None:
        query = query.where(col(AuditEntry.at) >= since)
    if until is not None:
        query = query.where(col(AuditEntry.at) < until)
    entries = session.exec(
        query.order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return _rows(session, entries)


def _rows(session: Session, entries: Sequence[AuditEntry]) -> list[AuditRow]:
    person_ids: set[int] = set()
    sprint_ids: set[int] = set()
    item_ids: set[int] = set()
    parsed = []
    for entry in entries:
        pairs = _pairs(entry.changes)
        parsed.append(pairs)
        if entry.entity != "workitem":
            continue
        if entry.entity_id is not None:
            item_ids.add(entry.entity_id)
        for field, _, old, new in pairs:
            ids = person_ids if field == "assignee" else sprint_ids if field == "sprint" else None
            if ids is not None:
                ids.update(v for v in (old, new) if isinstance(v, int) and not isinstance(v, bool))
    people: dict[int, str] = {}
    sprints: dict[int, str] = {}
    keys: dict[int, str] = {}
    if person_ids:
        people = {
            int(i): n
            for i, n in session.exec(
                select(Person.id, Person.display_name).where(col(Person.id).in_(person_ids))
            ).all()
        }
    if sprint_ids:
        sprints = {
            int(i): n
            for i, n in session.exec(
                select(Sprint.id, Sprint.name).where(col(Sprint.id).in_(sprint_ids))
            ).all()
        }
    if item_ids:
        keys = {
            int(i): k
            for i, k in session.exec(
                select(WorkItem.id, WorkItem.source_key).where(col(WorkItem.id).in_(item_ids))
            ).all()
        }

    rows: list[AuditRow] = []
    for entry, pairs in zip(entries, parsed, strict=True):
        is_item = entry.entity == "workitem"
        changes = tuple(
            AuditChange(
                field=field,
                old=old,
                new=new,
                old_label=_label(field if is_item else "", old, people, sprints),
                new_label=_label(field if is_item else "", new, people, sprints),
                is_change=is_change,
            )
            for field, is_change, old, new in pairs
        )
        note = _note(entry.outcome, entry.changes)
        parts = [
            f"{c.field}: {c.old_label} → {c.new_label}"
            if c.is_change
            else f"{c.field}: {c.new_label}"
            for c in changes
        ]
        summary = "; ".join(parts) or EMPTY
        if note:
            summary = f"{summary} ({note})"
        rows.append(
            AuditRow(
                id=entry.id or 0,
                at=entry.at,
                actor=entry.actor,
                action=entry.action,
                entity=entry.entity,
                entity_id=entry.entity_id,
                entity_label=keys.get(entry.entity_id) if is_item and entry.entity_id else None,
                outcome=entry.outcome,
                changes=changes,
                note=note,
                summary=summary,
            )
        )
    return rows


def audit_facets(session: Session) -> AuditFacets:
    """The distinct actors, actions, entities and outcomes in the audit trail, sorted."""

    rows = session.exec(
        select(
            AuditEntry.actor, AuditEntry.action, AuditEntry.entity, AuditEntry.outcome
        ).distinct()
    ).all()
    return AuditFacets(
        actors=tuple(sorted({r[0] for r in rows})),
        actions=tuple(sorted({r[1] for r in rows})),
        entities=tuple(sorted({r[2] for r in rows})),
        outcomes=tuple(sorted({r[3] for r in rows})),
    )
