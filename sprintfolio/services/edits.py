"""Edit commands on work items: validation, optimistic locking, history, audit and outbox.

The one place where an edit of status, points, assignee, sprint or title is
checked and stored, so the dashboard, the CLI and a future API share the rules
(ARCHITECTURE.md, "Write-back"). Every command runs, in this order:

1. ``require_can_edit`` (the hook S7 fills with real roles; today everyone may edit),
2. validation (``EditRejected`` naming the field, a machine-readable code and the values),
3. the optimistic lock on ``WorkItem.version``: a conditional
   ``UPDATE workitem SET ..., version = version + 1 WHERE id = :id AND version = :expected``
   whose row count decides; two concurrent transactions can never both win, on
   SQLite (writers are serialised) and on PostgreSQL (the second UPDATE waits
   for the first to commit and then no longer matches),
4. in the same transaction: the ``ItemEvent`` rows metrics replay (origin
   "local"), an ``AuditEntry`` (outcome "ok") and, for tracker-backed sources
   (``Source.kind != "local"``), an ``OutboxEdit`` in state "pending".

Error style: commands *raise*. ``EditConflict``, ``EditRejected`` and
``EditForbidden`` are ``ServiceError`` subclasses that carry everything a UI
needs (field, code, values; both values of a conflict). A failed command rolls
back its own work and then writes an ``AuditEntry`` with outcome "conflict",
"rejected" or "forbidden" in a transaction of its own. ``bulk_edit`` catches
them per item and returns one outcome per edit.

Syncs: the sync engine must move ``version`` on (``version + 1``) whenever it
changes an item, so that an edit made against what the user saw before the
sync conflicts instead of overwriting the tracker's change.

Transactions: ``edit_item``, ``create_local_item`` and ``bulk_edit`` commit
(or roll back) themselves; call them with a session that holds no
uncommitted changes (``ServiceError`` otherwise).

Re-applying after a conflict: ``reapply_edit(session, actor=..., conflict=c, now=...)``
submits the same wanted values against the version the conflict reported
(``c.reapplied()`` is that ``ItemEdit``). If the item changed yet again, that
raises a new ``EditConflict``; nothing is ever overwritten without the user
having seen the stored value.

Contract with the connectors (write-back): ``OutboxEdit.fields`` maps each
changed field to its new value, with these names and value types:

- ``status``: the workflow status name (str); the category follows from the source's mapping,
- ``points``: float, or None to clear the estimate,
- ``assignee``: the ``Person.id`` (int), or None to unassign,
- ``sprint``: the ``Sprint.id`` (int, a sprint of the item's source), or None for the backlog,
- ``title``: str (stripped).

``expected_remote_version`` is ``WorkItem.remote_version`` as stored when the
edit was made. One row per successful edit; rows of one item are pushed in id
order. ``AuditEntry.changes`` uses the same names: ``{field: [old, new]}``;
a failed attempt stores ``{field: [stored, wanted]}`` plus ``"_reason"``
(rejected: a list of ``{"field", "code"}``) or ``"_version"`` (conflict:
``[expected, actual]``).

Known statuses of a source: ``Source.settings["statuses"]`` (status name →
category, written by the sync and by the demo seed), else the statuses seen on the source's
items and events; a ``local`` source without settings offers
``DEFAULT_LOCAL_STATUSES`` plus the statuses seen on it. Points scale:
``Source.settings["points_scale"]`` or ``DEFAULT_POINTS_SCALE``.
"""

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum, StrEnum
from typing import Final, Literal, NoReturn

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models import (
    AuditEntry,
    ItemEvent,
    Membership,
    OutboxEdit,
    Person,
    Project,
    ProjectSource,
    Source,
    Sprint,
    WorkItem,
)
from models.enums import (
    EventKind,
    EventOrigin,
    ItemType,
    OutboxState,
    SourceKind,
    SprintState,
    StatusCategory,
)
from sprintfolio.services.errors import NotFoundError, ServiceError

__all__ = [
    "DEFAULT_LOCAL_STATUSES",
    "DEFAULT_POINTS_SCALE",
    "FIELDS",
    "MAX_TITLE_LENGTH",
    "UNSET",
    "BulkItemResult",
    "BulkResult",
    "ConflictField",
    "EditConflict",
    "EditForbidden",
    "EditRejected",
    "EditResult",
    "EditableItem",
    "EditableValues",
    "FieldChange",
    "FieldName",
    "FieldValue",
    "ItemEdit",
    "OutboxRow",
    "PersonOption",
    "Problem",
    "RejectCode",
    "SourceOptions",
    "SprintOption",
    "StatusOption",
    "Unset",
    "bulk_edit",
    "create_local_item",
    "edit_item",
    "editable_values",
    "item_for_edit",
    "outbox_entries",
    "pending_write_back",
    "reapply_edit",
    "require_can_edit",
]

FieldName = Literal["status", "points", "assignee", "sprint", "title"]
#: The editable fields, in the order events, audit and outbox list them.
FIELDS: Final[tuple[FieldName, ...]] = ("status", "points", "assignee", "sprint", "title")
#: A field's value: status or title (str), points (float), person or sprint id (int), or None.
FieldValue = str | float | int | None

DEFAULT_POINTS_SCALE: Final[tuple[float, ...]] = (
    0.0, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0, 40.0, 100.0,
)  # fmt: skip
#: The workflow of a ``local`` source that configures none (statuses seen on it are added).
DEFAULT_LOCAL_STATUSES: Final[Mapping[str, str]] = {
    "Offen": StatusCategory.TODO.value,
    "In Arbeit": StatusCategory.IN_PROGRESS.value,
    "Erledigt": StatusCategory.DONE.value,
    "Verworfen": StatusCategory.CANCELLED.value,
}
MAX_TITLE_LENGTH: Final = 1000
_MAX_ACTOR_LENGTH: Final = 200
_OPEN_OUTBOX_STATES: Final = (
    OutboxState.PENDING.value,
    OutboxState.FAILED.value,
    OutboxState.CONFLICT.value,
)
_CHUNK: Final = 500
_CREATE_ATTEMPTS: Final = 3


class Unset(Enum):
    """The type of ``UNSET``: "leave this field as it is" where None is a valid new value."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset.UNSET


class RejectCode(StrEnum):
    """Why a field was rejected (the UI translates by code)."""

    ITEM_NOT_FOUND = "item_not_found"
    PROJECT_NOT_FOUND = "project_not_found"
    NO_LOCAL_SOURCE = "no_local_source"
    UNKNOWN_STATUS = "unknown_status"
    UNKNOWN_TYPE = "unknown_type"
    NOT_A_NUMBER = "not_a_number"
    NOT_ON_SCALE = "not_on_scale"
    SPRINT_NOT_FOUND = "sprint_not_found"
    SPRINT_OTHER_PROJECT = "sprint_other_project"
    SPRINT_OTHER_SOURCE = "sprint_other_source"
    SPRINT_CLOSED = "sprint_closed"
    PERSON_NOT_FOUND = "person_not_found"
    NOT_A_MEMBER = "not_a_member"
    TITLE_EMPTY = "title_empty"
    TITLE_TOO_LONG = "title_too_long"
    TITLE_CONTROL_CHARACTERS = "title_control_characters"
    WRONG_TYPE = "wrong_type"


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class ItemEdit:
    """The wanted new values of one item; unchanged fields keep their default.

    ``status`` and ``title`` cannot be cleared, so None means "unchanged" for
    them; for ``points``, ``assignee_id`` and ``sprint_id`` None is a new value
    (unestimated, unassigned, backlog) and ``UNSET`` means "unchanged".
    ``seen`` optionally holds the values the user had on screen, so that a
    conflict can show them (``EditableItem.edit`` fills it in).
    """

    item_id: int
    expected_version: int
    status: str | None = None
    points: float | Unset | None = UNSET
    assignee_id: int | Unset | None = UNSET
    sprint_id: int | Unset | None = UNSET
    title: str | None = None
    seen: tuple[tuple[FieldName, FieldValue], ...] = ()

    def requested(self) -> dict[FieldName, FieldValue]:
        """The fields this edit sets, in ``FIELDS`` order, with the values as given."""
        wanted: dict[FieldName, FieldValue] = {}
        if self.status is not None:
            wanted["status"] = self.status
        if not isinstance(self.points, Unset):
            wanted["points"] = self.points
        if not isinstance(self.assignee_id, Unset):
            wanted["assignee"] = self.assignee_id
        if not isinstance(self.sprint_id, Unset):
            wanted["sprint"] = self.sprint_id
        if self.title is not None:
            wanted["title"] = self.title
        return wanted

    def seen_value(self, field: FieldName) -> FieldValue | Unset:
        """The value of ``field`` the user had seen, or ``UNSET`` if not known."""
        for name, value in self.seen:
            if name == field:
                return value
        return UNSET


@dataclass(frozen=True)
class FieldChange:
    """One changed field with its old and new value."""

    field: FieldName
    old: FieldValue
    new: FieldValue


@dataclass(frozen=True)
class EditResult:
    """A stored edit.

    Attributes:
        item_id: The edited item.
        version: Its local version now (unchanged if nothing changed).
        changes: The fields that changed; empty if the edit set the stored values again
            (then nothing was written).
        pending_write_back: True if an ``OutboxEdit`` waits to be pushed to the tracker.
        outbox_id: The id of that ``OutboxEdit``.
    """

    item_id: int
    version: int
    changes: tuple[FieldChange, ...]
    pending_write_back: bool
    outbox_id: int | None = None

    def change(self, field: FieldName) -> FieldChange | None:
        """The change of ``field``, or None if it did not change."""
        return next((c for c in self.changes if c.field == field), None)


@dataclass(frozen=True)
class ConflictField:
    """One field of a conflicting edit: what the user wanted, what is stored, what they saw.

    ``seen`` is ``UNSET`` when the edit did not say what the user had seen.
    """

    field: FieldName
    wanted: FieldValue
    stored: FieldValue
    seen: FieldValue | Unset = UNSET

    @property
    def changed_meanwhile(self) -> bool | None:
        """Whether somebody else changed this field since the user saw it (None: unknown)."""
        return None if isinstance(self.seen, Unset) else self.seen != self.stored


@dataclass(frozen=True)
class Problem:
    """One rejected field: machine-readable (field, code, value, allowed, limit) and in English.

    Attributes:
        field: "status", "points", "assignee", "sprint", "title", "type", "item_id" or "project".
        code: Why (the UI translates by code).
        value: The offending value.
        allowed: The allowed values where there is a short list (statuses, points scale).
        limit: A numeric limit that was exceeded (the title length).
        message: An English sentence naming the value and the fix.
    """

    field: str
    code: RejectCode
    value: FieldValue
    message: str
    allowed: tuple[FieldValue, ...] = ()
    limit: int | None = None


# --------------------------------------------------------------------------- errors


class EditForbidden(ServiceError):
    """The actor may not edit in this project (raised by ``require_can_edit``, from S7 on)."""

    def __init__(self, message: str, *, actor: str, project_id: int) -> None:
        super().__init__(message)
        self.actor = actor
        self.project_id = project_id


class EditRejected(ServiceError):
    """An edit or creation failed validation; nothing was stored but a "rejected" audit entry.

    Attributes:
        problems: Every rejected field (at least one).
        item_id: The item, or None for a creation.
    """

    def __init__(self, problems: Sequence[Problem], *, item_id: int | None) -> None:
        if not problems:
            raise ValueError("EditRejected needs at least one problem")
        self.problems = tuple(problems)
        self.item_id = item_id
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in self.problems))

    @property
    def field(self) -> str:
        """The first rejected field."""
        return self.problems[0].field

    @property
    def code(self) -> RejectCode:
        """The code of the first rejected field."""
        return self.problems[0].code

    @property
    def fields(self) -> tuple[str, ...]:
        """All rejected fields, in order."""
        return tuple(p.field for p in self.problems)


class EditConflict(ServiceError):
    """The item changed since the user loaded it (stale ``expected_version``); nothing was stored.

    Attributes:
        item_id: The item.
        expected_version: The version the edit was made against.
        actual_version: The version stored now (re-apply against this one).
        fields: For each field of the edit: wanted, stored now and, if known, seen.
        edit: The rejected edit (``reapplied()`` builds the retry).
    """

    def __init__(
        self,
        *,
        item_id: int,
        expected_version: int,
        actual_version: int,
        fields: Sequence[ConflictField],
        edit: ItemEdit,
    ) -> None:
        self.item_id = item_id
        self.expected_version = expected_version
        self.actual_version = actual_version
        self.fields = tuple(fields)
        self.edit = edit
        detail = ", ".join(f"{f.field}: stored {f.stored!r}, wanted {f.wanted!r}" for f in fields)
        super().__init__(
            f"item {item_id} was changed by someone else (version {actual_version}, "
            f"the edit expected {expected_version}); {detail or 'no field'}; "
            "look at the stored values and re-apply if the edit still holds"
        )

    def field(self, name: FieldName) -> ConflictField | None:
        """The conflict entry of field ``name``, or None if the edit did not set it."""
        return next((f for f in self.fields if f.field == name), None)

    def reapplied(self) -> ItemEdit:
        """The same wanted values against the stored version, with the stored values as seen."""
        return replace(
            self.edit,
            expected_version=self.actual_version,
            seen=tuple((f.field, f.stored) for f in self.fields),
        )


# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class StatusOption:
    """A status a UI may offer, with its category."""

    name: str
    category: str


@dataclass(frozen=True)
class SprintOption:
    """An open (future or active) sprint a UI may offer."""

    id: int
    name: str
    state: str
    start_at: datetime | None
    end_at: datetime | None


@dataclass(frozen=True)
class PersonOption:
    """A person a UI may offer as assignee."""

    id: int
    display_name: str
    login: str | None


@dataclass(frozen=True)
class SourceOptions:
    """What an item of one source may be set to."""

    source_id: int
    source_name: str
    kind: str
    statuses: tuple[StatusOption, ...]
    points_scale: tuple[float, ...]
    sprints: tuple[SprintOption, ...]

    @property
    def tracker_backed(self) -> bool:
        """Whether edits are written back to a tracker (else Sprintfolio is the tracker)."""
        return self.kind != SourceKind.LOCAL.value


@dataclass(frozen=True)
class EditableValues:
    """The values a UI may offer for the items of a project, per source, and its people."""

    project_id: int
    project_key: str
    sources: tuple[SourceOptions, ...]
    people: tuple[PersonOption, ...]
    local_source_id: int | None

    def for_source(self, source_id: int) -> SourceOptions:
        """The options of ``source_id``.

        Raises:
            NotFoundError: if the source does not feed this project.
        """
        for options in self.sources:
            if options.source_id == source_id:
                return options
        raise NotFoundError(
            f"source {source_id} does not feed project {self.project_key}; "
            f"its sources: {[s.source_id for s in self.sources]}"
        )


@dataclass(frozen=True)
class EditableItem:
    """An item's editable values and version, as a form shows them before an edit."""

    id: int
    key: str
    project_id: int
    source_id: int
    source_kind: str
    type: str
    title: str
    status: str
    status_category: str
    points: float | None
    assignee_id: int | None
    sprint_id: int | None
    version: int
    remote_version: str | None
    pending_write_back: bool

    def value(self, field: FieldName) -> FieldValue:
        """The stored value of ``field``."""
        return _values_of(self)[field]

    def edit(
        self,
        *,
        status: str | None = None,
        points: float | Unset | None = UNSET,
        assignee_id: int | Unset | None = UNSET,
        sprint_id: int | Unset | None = UNSET,
        title: str | None = None,
    ) -> ItemEdit:
        """An edit of this item against its version, remembering the values seen here."""
        edit = ItemEdit(
            item_id=self.id,
            expected_version=self.version,
            status=status,
            points=points,
            assignee_id=assignee_id,
            sprint_id=sprint_id,
            title=title,
        )
        return replace(edit, seen=tuple((f, self.value(f)) for f in edit.requested()))


@dataclass(frozen=True)
class OutboxRow:
    """One ``OutboxEdit`` of an item (fields as in the module docstring)."""

    id: int
    item_id: int
    fields: Mapping[str, FieldValue]
    expected_remote_version: str | None
    state: str
    attempts: int
    last_error: str | None
    created_by: str
    created_at: datetime
    updated_at: datetime


Outcome = Literal["ok", "conflict", "rejected", "forbidden"]


@dataclass(frozen=True)
class BulkItemResult:
    """The outcome of one edit of a bulk edit; the detail matching ``outcome`` is set."""

    item_id: int
    outcome: Outcome
    result: EditResult | None = None
    conflict: EditConflict | None = None
    rejection: EditRejected | None = None
    forbidden: EditForbidden | None = None


@dataclass(frozen=True)
class BulkResult:
    """One outcome per edit, in the order of the edits."""

    items: tuple[BulkItemResult, ...]

    def count(self, outcome: Outcome) -> int:
        """How many edits ended with ``outcome``."""
        return sum(1 for i in self.items if i.outcome == outcome)

    @property
    def all_ok(self) -> bool:
        return all(i.outcome == "ok" for i in self.items)


# --------------------------------------------------------------------------- rules of a source


@dataclass(frozen=True)
class _SourceRules:
    source_id: int
    name: str
    kind: str
    statuses: Mapping[str, str]
    points_scale: tuple[float, ...]

    @property
    def tracker_backed(self) -> bool:
        return self.kind != SourceKind.LOCAL.value


_CATEGORY_ORDER = {c.value: i for i, c in enumerate(StatusCategory)}


def _configured_statuses(source: Source) -> dict[str, str] | None:
    key = "statuses"
    raw = source.settings.get(key)
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or not raw:
        raise ServiceError(
            f"source {source.name!r} has settings[{key!r}] = {raw!r}; "
            "write it as a non-empty mapping of status name to category"
        )
    statuses: dict[str, str] = {}
    for name, category in raw.items():
        if not isinstance(name, str) or category not in _CATEGORY_ORDER:
            raise ServiceError(
                f"source {source.name!r} maps status {name!r} to {category!r} in "
                f"settings[{key!r}]; use one of {list(_CATEGORY_ORDER)}"
            )
        statuses[name] = str(category)
    return statuses


def _observed_statuses(session: Session, source_id: int) -> dict[str, str]:
    """Statuses seen on the source's items (most common category wins) and events (latest wins)."""
    found: dict[str, str] = {}
    event_rows = session.exec(
        select(ItemEvent.status, ItemEvent.status_category, func.max(ItemEvent.at))
        .join(WorkItem, col(WorkItem.id) == col(ItemEvent.item_id))
        .where(
            col(WorkItem.source_id) == source_id,
            col(ItemEvent.status).is_not(None),
            col(ItemEvent.status_category).is_not(None),
        )
        .group_by(col(ItemEvent.status), col(ItemEvent.status_category))
    ).all()
    for status, category, _ in sorted(event_rows, key=lambda r: (r[2], r[1] or "")):
        if status is not None and category in _CATEGORY_ORDER:
            found[status] = str(category)
    item_rows = session.exec(
        select(WorkItem.status, WorkItem.status_category, func.count())
        .where(col(WorkItem.source_id) == source_id)
        .group_by(col(WorkItem.status), col(WorkItem.status_category))
    ).all()
    best: dict[str, tuple[int, str]] = {}
    for status, category, count in item_rows:
        if category in _CATEGORY_ORDER and (count, category) > best.get(status, (0, "")):
            best[status] = (count, category)
    found.update({status: category for status, (_, category) in best.items()})
    return dict(sorted(found.items(), key=lambda kv: (_CATEGORY_ORDER[kv[1]], kv[0])))


def _points_scale(source: Source) -> tuple[float, ...]:
    raw = source.settings.get("points_scale")
    if raw is None:
        return DEFAULT_POINTS_SCALE
    if not isinstance(raw, list | tuple) or not raw or not all(_is_points(v) for v in raw):
        raise ServiceError(
            f"source {source.name!r} has settings['points_scale'] = {raw!r}; "
            "write it as a non-empty list of non-negative numbers, e.g. [1, 2, 3, 5, 8]"
        )
    return tuple(sorted({float(v) for v in raw}))


def _is_points(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= 0
    )


def _source_rules(session: Session, source: Source) -> _SourceRules:
    statuses = _configured_statuses(source)
    if statuses is None:
        statuses = _observed_statuses(session, _id(source.id))
        if source.kind == SourceKind.LOCAL.value:
            # Sprintfolio is the tracker: its default workflow, plus whatever the items show.
            statuses = {**DEFAULT_LOCAL_STATUSES, **statuses}
    return _SourceRules(_id(source.id), source.name, source.kind, statuses, _points_scale(source))


# --------------------------------------------------------------------------- validation


def _check_status(rules: _SourceRules, value: str) -> Problem | None:
    if value in rules.statuses:
        return None
    return Problem(
        "status",
        RejectCode.UNKNOWN_STATUS,
        value,
        f"status {value!r} is not a status of source {rules.name!r}; "
        f"use one of {list(rules.statuses)}",
        allowed=tuple(rules.statuses),
    )


def _check_points(rules: _SourceRules, value: object) -> tuple[float | None, Problem | None]:
    if value is None:
        return None, None
    shown = value if isinstance(value, str | int | float) else repr(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None, Problem(
            "points", RejectCode.NOT_A_NUMBER, shown,
            f"points {value!r} is not a number; give one of {list(rules.points_scale)} or none",
            allowed=rules.points_scale,
        )  # fmt: skip
    if float(value) not in rules.points_scale:
        return None, Problem(
            "points", RejectCode.NOT_ON_SCALE, float(value),
            f"points {value!r} are not on the scale of source {rules.name!r}; "
            f"use one of {list(rules.points_scale)} or none",
            allowed=rules.points_scale,
        )  # fmt: skip
    return float(value), None


def _check_sprint(
    session: Session, rules: _SourceRules, project_id: int, sprint_id: int | None
) -> Problem | None:
    if sprint_id is None:
        return None
    sprint = session.get(Sprint, sprint_id)
    if sprint is None:
        return Problem(
            "sprint", RejectCode.SPRINT_NOT_FOUND, sprint_id,
            f"sprint {sprint_id} does not exist; pick an open sprint of the project",
        )  # fmt: skip
    if sprint.project_id != project_id:
        return Problem(
            "sprint", RejectCode.SPRINT_OTHER_PROJECT, sprint_id,
            f"sprint {sprint.name!r} belongs to another project; "
            "pick an open sprint of the item's project",
        )  # fmt: skip
    same_source = sprint.source_id == rules.source_id or (
        sprint.source_id is None and not rules.tracker_backed
    )
    if not same_source:
        return Problem(
            "sprint", RejectCode.SPRINT_OTHER_SOURCE, sprint_id,
            f"sprint {sprint.name!r} is not a sprint of source {rules.name!r}, "
            "so the tracker could not take the item into it; pick a sprint of that source",
        )  # fmt: skip
    if sprint.state == SprintState.CLOSED.value:
        return Problem(
            "sprint", RejectCode.SPRINT_CLOSED, sprint_id,
            f"sprint {sprint.name!r} is closed; pick an active or future sprint or the backlog",
        )  # fmt: skip
    return None


def _check_assignee(session: Session, project_id: int, person_id: int | None) -> Problem | None:
    if person_id is None:
        return None
    person = session.get(Person, person_id)
    if person is None:
        return Problem(
            "assignee", RejectCode.PERSON_NOT_FOUND, person_id,
            f"person {person_id} does not exist; pick someone from the project's people",
        )  # fmt: skip
    memberships = session.exec(
        select(Membership.person_id).where(col(Membership.project_id) == project_id)
    ).all()
    if memberships and person_id not in set(memberships):
        return Problem(
            "assignee", RejectCode.NOT_A_MEMBER, person_id,
            f"{person.display_name} is not a member of the project; "
            "add them to the project first or pick a member",
        )  # fmt: skip
    return None


def _check_title(value: str) -> tuple[str, Problem | None]:
    title = value.strip()
    if not title:
        return title, Problem(
            "title", RejectCode.TITLE_EMPTY, value, "the title is empty; write a short summary"
        )
    if len(title) > MAX_TITLE_LENGTH:
        return title, Problem(
            "title", RejectCode.TITLE_TOO_LONG, title,
            f"the title has {len(title)} characters; shorten it to {MAX_TITLE_LENGTH} at most",
            limit=MAX_TITLE_LENGTH,
        )  # fmt: skip
    bad = sorted({f"U+{ord(ch):04X}" for ch in title if unicodedata.category(ch) == "Cc"})
    if bad:
        return title, Problem(
            "title", RejectCode.TITLE_CONTROL_CHARACTERS, title,
            f"the title contains control characters ({', '.join(bad)}: line breaks, tabs or "
            "similar); write it on one line",
        )  # fmt: skip
    return title, None


def _as_id(value: FieldValue) -> tuple[bool, int | None]:
    """(True, id or None) for a valid person/sprint reference, (False, None) for another type."""
    if value is None:
        return True, None
    if isinstance(value, int) and not isinstance(value, bool):
        return True, value
    return False, None


def _wrong_type(field: str, value: FieldValue, expected: str) -> Problem:
    shown = value if isinstance(value, str | int | float) else repr(value)
    return Problem(field, RejectCode.WRONG_TYPE, shown,
                   f"{field} {value!r} is not {expected}")  # fmt: skip


def _validate(
    session: Session,
    rules: _SourceRules,
    project_id: int,
    wanted: Mapping[FieldName, FieldValue],
) -> tuple[dict[FieldName, FieldValue], list[Problem]]:
    """The normalised wanted values and the problems, field by field in ``FIELDS`` order."""
    values: dict[FieldName, FieldValue] = {}
    problems: list[Problem] = []
    for field, value in wanted.items():
        problem: Problem | None = None
        if field == "status":
            if isinstance(value, str):
                problem = _check_status(rules, value)
            else:
                problem = _wrong_type(field, value, "a status name")
            values[field] = value
        elif field == "points":
            points, problem = _check_points(rules, value)
            values[field] = points
        elif field in ("assignee", "sprint"):
            ok, ident = _as_id(value)
            if not ok:
                problem = _wrong_type(field, value, "an id or none")
            elif field == "assignee":
                problem = _check_assignee(session, project_id, ident)
            else:
                problem = _check_sprint(session, rules, project_id, ident)
            values[field] = ident
        elif field == "title":
            if isinstance(value, str):
                values[field], problem = _check_title(value)
            else:
                problem = _wrong_type(field, value, "text")
        if problem is not None:
            problems.append(problem)
    return values, problems


# --------------------------------------------------------------------------- helpers


def _id(value: int | None) -> int:
    if value is None:
        raise ServiceError("a stored row has no id; flush the session first")
    return value


def _values_of(item: WorkItem | EditableItem) -> dict[FieldName, FieldValue]:
    return {
        "status": item.status,
        "points": item.points,
        "assignee": item.assignee_id,
        "sprint": item.sprint_id,
        "title": item.title,
    }


def _check_actor(actor: str) -> str:
    name = actor.strip() if isinstance(actor, str) else ""
    if not name or len(name) > _MAX_ACTOR_LENGTH:
        raise ServiceError(
            f"actor {actor!r} cannot be recorded; give the signed-in user's login "
            f"(1 to {_MAX_ACTOR_LENGTH} characters)"
        )
    return name


def _check_now(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ServiceError(f"now={now.isoformat()} is naive; pass an aware UTC datetime")


def _check_clean(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        raise ServiceError(
            "the session holds uncommitted changes; commit or roll them back before an edit "
            "(edit commands own their transaction)"
        )


def _load_item(session: Session, item_id: int) -> WorkItem | None:
    """The item as stored now (never a stale copy from the session's identity map)."""
    return session.exec(
        select(WorkItem)
        .where(col(WorkItem.id) == item_id)
        .execution_options(populate_existing=True)
    ).first()


def _audit(
    session: Session,
    *,
    actor: str,
    action: str,
    entity_id: int | None,
    changes: Mapping[str, object],
    outcome: str,
    now: datetime,
) -> AuditEntry:
    entry = AuditEntry(
        at=now,
        actor=actor,
        action=action,
        entity="workitem",
        entity_id=entity_id,
        changes=dict(changes),
        outcome=outcome,
    )
    session.add(entry)
    return entry


def _record_failure(
    session: Session,
    *,
    actor: str,
    action: str,
    entity_id: int | None,
    changes: Mapping[str, object],
    outcome: str,
    now: datetime,
) -> None:
    """Roll back the command's work, then store its failed attempt in a transaction of its own."""
    session.rollback()
    _audit(
        session, actor=actor, action=action, entity_id=entity_id, changes=changes,
        outcome=outcome, now=now,
    )  # fmt: skip
    session.commit()


def _storable(value: object) -> FieldValue:
    """A wanted value as JSON can hold it (the audit of a rejected edit keeps what was sent)."""
    if value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    return repr(value)


def _reason(problems: Sequence[Problem]) -> list[dict[str, str]]:
    return [{"field": p.field, "code": p.code.value} for p in problems]


def _event(item_id: int, now: datetime, kind: EventKind, **values: object) -> ItemEvent:
    return ItemEvent(item_id=item_id, at=now, kind=kind.value, origin=EventOrigin.LOCAL.value,
                     **values)  # fmt: skip


def _events_for(
    item_id: int, changes: Sequence[FieldChange], rules: _SourceRules, now: datetime
) -> list[ItemEvent]:
    """The events that replay ``changes`` (title changes have none: metrics do not replay it)."""
    events: list[ItemEvent] = []
    for change in changes:
        if change.field == "status":
            status = str(change.new)
            events.append(_event(item_id, now, EventKind.STATUS, status=status,
                                 status_category=rules.statuses[status]))  # fmt: skip
        elif change.field == "points":
            events.append(_event(item_id, now, EventKind.POINTS, points=change.new))
        elif change.field == "sprint":
            if change.old is not None:
                events.append(_event(item_id, now, EventKind.SPRINT_REMOVED, sprint_id=change.old))
            if change.new is not None:
                events.append(_event(item_id, now, EventKind.SPRINT_ADDED, sprint_id=change.new))
        elif change.field == "assignee":
            events.append(_event(item_id, now, EventKind.ASSIGNEE, assignee_id=change.new))
    return events


# --------------------------------------------------------------------------- commands


def require_can_edit(session: Session, actor: str, project_id: int) -> None:
    """The permission hook every edit command calls first.

    Today everyone may edit every project; S7 (roles) fills this in from the
    actor's ``Membership`` and raises ``EditForbidden``.

    Raises:
        EditForbidden: never yet.
    """
    return None


def edit_item(session: Session, *, actor: str, edit: ItemEdit, now: datetime) -> EditResult:
    """Validate and store one edit of an item, with its events, audit entry and outbox row.

    Args:
        session: A session without uncommitted changes; this function commits.
        actor: The signed-in user (login), recorded in the audit and outbox.
        edit: The wanted values and the version they were made against.
        now: The time of the edit (aware).

    Returns:
        The stored changes and the new version. An edit that sets the stored
        values again changes and writes nothing (``changes`` empty).

    Raises:
        EditRejected: a field failed validation, or the item does not exist.
        EditConflict: the item's version is no longer ``edit.expected_version``.
        EditForbidden: the actor may not edit this project (from S7 on).
        ServiceError: a naive ``now``, an empty actor, a dirty session or a
            malformed source setting.
    """
    actor = _check_actor(actor)
    _check_now(now)
    _check_clean(session)
    wanted = edit.requested()
    item = _load_item(session, edit.item_id)
    if item is None:
        problem = Problem(
            "item_id", RejectCode.ITEM_NOT_FOUND, edit.item_id,
            f"item {edit.item_id} does not exist; reload the list",
        )  # fmt: skip
        _record_failure(
            session, actor=actor, action="item.edit", entity_id=edit.item_id,
            changes={**{f: [None, _storable(v)] for f, v in wanted.items()},
                     "_reason": _reason([problem])},
            outcome="rejected", now=now,
        )  # fmt: skip
        raise EditRejected([problem], item_id=edit.item_id)
    item_id = _id(item.id)
    stored = _values_of(item)
    attempt: dict[str, object] = {f: [stored[f], _storable(v)] for f, v in wanted.items()}
    try:
        require_can_edit(session, actor, item.project_id)
    except EditForbidden:
        _record_failure(session, actor=actor, action="item.edit", entity_id=item_id,
                        changes=attempt, outcome="forbidden", now=now)  # fmt: skip
        raise

    source = session.get(Source, item.source_id)
    if source is None:
        raise ServiceError(f"item {item.source_key} names source {item.source_id}, which is gone")
    rules = _source_rules(session, source)
    values, problems = _validate(session, rules, item.project_id, wanted)
    if problems:
        _record_failure(
            session, actor=actor, action="item.edit", entity_id=item_id,
            changes={**attempt, "_reason": _reason(problems)}, outcome="rejected", now=now,
        )  # fmt: skip
        raise EditRejected(problems, item_id=item_id)
    if item.version != edit.expected_version:
        _raise_conflict(session, actor=actor, edit=edit, values=values, now=now)

    changes = tuple(FieldChange(f, stored[f], v) for f, v in values.items() if stored[f] != v)
    if not changes:
        session.rollback()
        return EditResult(item_id, item.version, (), pending_write_back=False)
    old_category = item.status_category
    try:
        if not _update_if_version(session, item_id, edit.expected_version, changes, rules,
                                  old_category=old_category, now=now):  # fmt: skip
            session.rollback()
            _raise_conflict(session, actor=actor, edit=edit, values=values, now=now)
        remote_version = session.exec(
            select(WorkItem.remote_version).where(col(WorkItem.id) == item_id)
        ).one()
        session.add_all(_events_for(item_id, changes, rules, now))
        _audit(
            session, actor=actor, action="item.edit", entity_id=item_id,
            changes={c.field: [c.old, c.new] for c in changes}, outcome="ok", now=now,
        )  # fmt: skip
        outbox = None
        if rules.tracker_backed:
            outbox = OutboxEdit(
                item_id=item_id,
                fields={c.field: c.new for c in changes},
                expected_remote_version=remote_version,
                state=OutboxState.PENDING.value,
                created_by=actor,
                created_at=now,
                updated_at=now,
            )
            session.add(outbox)
        session.flush()
        outbox_id = outbox.id if outbox is not None else None
        session.commit()
    except EditConflict:
        raise
    except BaseException:
        session.rollback()
        raise
    return EditResult(
        item_id, edit.expected_version + 1, changes, pending_write_back=outbox_id is not None,
        outbox_id=outbox_id,
    )  # fmt: skip


def _update_if_version(
    session: Session,
    item_id: int,
    expected_version: int,
    changes: Sequence[FieldChange],
    rules: _SourceRules,
    *,
    old_category: str,
    now: datetime,
) -> bool:
    """The conditional UPDATE of the optimistic lock; False if the version moved on."""
    columns: dict[str, object] = {"updated_at": now, "version": col(WorkItem.version) + 1}
    for change in changes:
        if change.field == "status":
            category = rules.statuses[str(change.new)]
            columns["status"] = change.new
            columns["status_category"] = category
            if category != StatusCategory.DONE.value:
                columns["resolved_at"] = None
            elif old_category != StatusCategory.DONE.value:
                columns["resolved_at"] = now
        elif change.field == "points":
            columns["points"] = change.new
        elif change.field == "assignee":
            columns["assignee_id"] = change.new
        elif change.field == "sprint":
            columns["sprint_id"] = change.new
        elif change.field == "title":
            columns["title"] = change.new
    result = session.exec(
        update(WorkItem)
        .where(col(WorkItem.id) == item_id, col(WorkItem.version) == expected_version)
        .values(columns)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _raise_conflict(
    session: Session,
    *,
    actor: str,
    edit: ItemEdit,
    values: Mapping[FieldName, FieldValue],
    now: datetime,
) -> NoReturn:
    """Roll back, record the conflict with the values stored now, and raise it."""
    session.rollback()
    item = _load_item(session, edit.item_id)
    if item is None:  # deleted meanwhile: nothing to compare with
        stored: dict[FieldName, FieldValue] = {}
        actual = 0
    else:
        stored = _values_of(item)
        actual = item.version
    fields = [
        ConflictField(f, wanted, stored.get(f), edit.seen_value(f)) for f, wanted in values.items()
    ]
    changes: dict[str, object] = {f.field: [f.stored, f.wanted] for f in fields}
    changes["_version"] = [edit.expected_version, actual]
    _audit(session, actor=actor, action="item.edit", entity_id=edit.item_id, changes=changes,
           outcome="conflict", now=now)  # fmt: skip
    session.commit()
    raise EditConflict(
        item_id=edit.item_id,
        expected_version=edit.expected_version,
        actual_version=actual,
        fields=fields,
        edit=edit,
    )


def reapply_edit(
    session: Session, *, actor: str, conflict: EditConflict, now: datetime
) -> EditResult:
    """Submit the wanted values of a conflicting edit again, against the version stored now.

    Call it once the user has seen ``conflict.fields`` and still wants their
    values. Raises like ``edit_item``; a new ``EditConflict`` if the item
    changed again since the conflict.
    """
    return edit_item(session, actor=actor, edit=conflict.reapplied(), now=now)


def bulk_edit(
    session: Session, *, actor: str, edits: Sequence[ItemEdit], now: datetime
) -> BulkResult:
    """Apply each edit on its own (one transaction each); a failing edit does not stop the rest.

    Two edits of the same item in one call: the second conflicts, because the
    first moved the version on.

    Raises:
        ServiceError: a naive ``now``, an empty actor or a dirty session
            (before any edit is applied).
    """
    actor = _check_actor(actor)
    _check_now(now)
    _check_clean(session)
    results: list[BulkItemResult] = []
    for edit in edits:
        try:
            result = edit_item(session, actor=actor, edit=edit, now=now)
        except EditConflict as conflict:
            results.append(BulkItemResult(edit.item_id, "conflict", conflict=conflict))
        except EditRejected as rejection:
            results.append(BulkItemResult(edit.item_id, "rejected", rejection=rejection))
        except EditForbidden as forbidden:
            results.append(BulkItemResult(edit.item_id, "forbidden", forbidden=forbidden))
        else:
            results.append(BulkItemResult(edit.item_id, "ok", result=result))
    return BulkResult(tuple(results))


_KEY_NUMBER = re.compile(r"-(\d+)")


def _next_local_key(session: Session, source: Source) -> str:
    prefix = str(source.settings.get("key_prefix") or "LOC")
    keys = session.exec(
        select(WorkItem.source_key).where(
            col(WorkItem.source_id) == source.id, col(WorkItem.source_key).startswith(f"{prefix}-")
        )
    ).all()
    numbers = [int(m.group(1)) for k in keys if (m := _KEY_NUMBER.fullmatch(k[len(prefix) :]))]
    return f"{prefix}-{max(numbers, default=0) + 1}"


def _local_source(session: Session, project_id: int) -> Source | None:
    return session.exec(
        select(Source)
        .join(ProjectSource, col(ProjectSource.source_id) == col(Source.id))
        .where(col(ProjectSource.project_id) == project_id, col(Source.kind) == SourceKind.LOCAL)
        .order_by(col(Source.id))
    ).first()


def create_local_item(
    session: Session,
    *,
    actor: str,
    project_key: str,
    title: str,
    type: str,
    status: str,
    points: float | None = None,
    sprint_id: int | None = None,
    assignee_id: int | None = None,
    now: datetime,
) -> int:
    """Create an item in the project's ``local`` source (Sprintfolio is its tracker).

    The key is the source's ``settings["key_prefix"]`` (default "LOC") and the
    next number of that source ("LOC-17"). Writes the item, a "created" event
    and status, points, sprint_added and assignee events at ``now`` (only for
    values given), and an audit entry (action "item.create"). Commits.

    Returns:
        The new item's id.

    Raises:
        EditRejected: unknown project (field "project", code project_not_found),
            a project without a local source (no_local_source), or a field that
            fails the rules of ``edit_item`` (type must be an ``ItemType``).
        EditForbidden: the actor may not edit this project (from S7 on).
        ServiceError: see ``edit_item``.
    """
    actor = _check_actor(actor)
    _check_now(now)
    _check_clean(session)
    wanted: dict[str, FieldValue] = {"title": title, "type": type, "status": status,
                                     "points": points, "sprint": sprint_id,
                                     "assignee": assignee_id}  # fmt: skip
    attempt: dict[str, object] = {k: [None, _storable(v)] for k, v in wanted.items()}

    def reject(problems: list[Problem]) -> EditRejected:
        _record_failure(session, actor=actor, action="item.create", entity_id=None,
                        changes={**attempt, "_reason": _reason(problems)}, outcome="rejected",
                        now=now)  # fmt: skip
        return EditRejected(problems, item_id=None)

    project = session.exec(select(Project).where(col(Project.key) == project_key)).first()
    if project is None:
        raise reject([Problem("project", RejectCode.PROJECT_NOT_FOUND, project_key,
                              f"project {project_key!r} does not exist")])  # fmt: skip
    project_id = _id(project.id)
    try:
        require_can_edit(session, actor, project_id)
    except EditForbidden:
        _record_failure(session, actor=actor, action="item.create", entity_id=None,
                        changes=attempt, outcome="forbidden", now=now)  # fmt: skip
        raise
    source = _local_source(session, project_id)
    if source is None:
        raise reject([Problem(
            "project", RejectCode.NO_LOCAL_SOURCE, project_key,
            f"project {project_key} has no local source; create its items in its tracker, "
            "or link a source of kind 'local' to the project",
        )])  # fmt: skip
    rules = _source_rules(session, source)
    fields: dict[FieldName, FieldValue] = {
        "status": status, "points": points, "assignee": assignee_id, "sprint": sprint_id,
        "title": title,
    }  # fmt: skip
    values, problems = _validate(session, rules, project_id, fields)
    if type not in {t.value for t in ItemType}:
        problems.append(Problem(
            "type", RejectCode.UNKNOWN_TYPE, type,
            f"type {type!r} is unknown; use one of {[t.value for t in ItemType]}",
            allowed=tuple(t.value for t in ItemType),
        ))  # fmt: skip
    if problems:
        raise reject(problems)

    category = rules.statuses[status]
    for attempt_no in range(1, _CREATE_ATTEMPTS + 1):
        try:
            key = _next_local_key(session, source)
            item = WorkItem(
                source_id=rules.source_id,
                source_key=key,
                project_id=project_id,
                type=type,
                title=str(values["title"]),
                status=status,
                status_category=category,
                points=values["points"],  # type: ignore[arg-type]
                assignee_id=assignee_id,
                sprint_id=sprint_id,
                created_at=now,
                resolved_at=now if category == StatusCategory.DONE.value else None,
                updated_at=now,
            )
            session.add(item)
            session.flush()
            item_id = _id(item.id)
            events = [
                _event(item_id, now, EventKind.CREATED),
                _event(item_id, now, EventKind.STATUS, status=status, status_category=category),
            ]
            if values["points"] is not None:
                events.append(_event(item_id, now, EventKind.POINTS, points=values["points"]))
            if sprint_id is not None:
                events.append(_event(item_id, now, EventKind.SPRINT_ADDED, sprint_id=sprint_id))
            if assignee_id is not None:
                events.append(_event(item_id, now, EventKind.ASSIGNEE, assignee_id=assignee_id))
            session.add_all(events)
            created = {"key": key, "type": type, **values}
            _audit(session, actor=actor, action="item.create", entity_id=item_id,
                   changes={k: [None, v] for k, v in created.items()}, outcome="ok",
                   now=now)  # fmt: skip
            session.commit()
            return item_id
        except IntegrityError:
            # Another creation took the same key meanwhile: take the next number.
            session.rollback()
            if attempt_no == _CREATE_ATTEMPTS:
                raise
        except BaseException:
            session.rollback()
            raise
    raise AssertionError("unreachable")  # pragma: no cover


# --------------------------------------------------------------------------- queries


def item_for_edit(session: Session, *, item_id: int) -> EditableItem:
    """An item's editable values and version, for a form.

    Raises:
        NotFoundError: if the item does not exist.
    """
    row = session.exec(
        select(WorkItem, Source.kind)
        .join(Source, col(Source.id) == col(WorkItem.source_id))
        .where(col(WorkItem.id) == item_id)
        .execution_options(populate_existing=True)
    ).first()
    if row is None:
        raise NotFoundError(f"item {item_id} does not exist; reload the list")
    item, kind = row
    pending = pending_write_back(session, item_ids=[item_id])
    return editable_item(item, source_kind=kind, pending=item_id in pending)


def editable_item(item: WorkItem, *, source_kind: str, pending: bool) -> EditableItem:
    """A stored item as an ``EditableItem`` (its values, version and write-back state)."""
    return EditableItem(
        id=item.id or 0,
        key=item.source_key,
        project_id=item.project_id,
        source_id=item.source_id,
        source_kind=source_kind,
        type=item.type,
        title=item.title,
        status=item.status,
        status_category=item.status_category,
        points=item.points,
        assignee_id=item.assignee_id,
        sprint_id=item.sprint_id,
        version=item.version,
        remote_version=item.remote_version,
        pending_write_back=pending,
    )


def pending_write_back(session: Session, *, item_ids: Iterable[int]) -> set[int]:
    """The items among ``item_ids`` with an outbox row not yet written back.

    That is an ``OutboxEdit`` in state pending, failed or conflict: the item
    shows "pending write-back" until a connector has pushed it ("sent").
    """
    ids = sorted(set(item_ids))
    pending: set[int] = set()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        pending.update(
            session.exec(
                select(OutboxEdit.item_id)
                .where(
                    col(OutboxEdit.item_id).in_(chunk),
                    col(OutboxEdit.state).in_(_OPEN_OUTBOX_STATES),
                )
                .distinct()
            ).all()
        )
    return pending


def outbox_entries(session: Session, *, item_id: int) -> list[OutboxRow]:
    """The outbox rows of an item, in the order they are pushed (oldest first)."""
    rows = session.exec(
        select(OutboxEdit).where(col(OutboxEdit.item_id) == item_id).order_by(col(OutboxEdit.id))
    ).all()
    return [
        OutboxRow(
            id=_id(r.id),
            item_id=r.item_id,
            fields=dict(r.fields),
            expected_remote_version=r.expected_remote_version,
            state=r.state,
            attempts=r.attempts,
            last_error=r.last_error,
            created_by=r.created_by,
            created_at=r.created_at,
            updated_at=r.updated_at,
        )
        for r in rows
    ]


def editable_values(session: Session, *, project_key: str) -> EditableValues:
    """What a UI may offer when editing the project's items: per source, and its people.

    Per source: its statuses with categories, its points scale and the open
    (future or active) sprints of the project in that source, by start date.
    People: the project's members if it has memberships, else everybody.

    Raises:
        NotFoundError: if the project does not exist.
        ServiceError: a malformed source setting (names the source and the fix).
    """
    project = session.exec(select(Project).where(col(Project.key) == project_key)).first()
    if project is None:
        raise NotFoundError(f"project {project_key!r} does not exist")
    project_id = _id(project.id)
    linked = select(ProjectSource.source_id).where(col(ProjectSource.project_id) == project_id)
    sources = session.exec(
        select(Source).where(col(Source.id).in_(linked)).order_by(col(Source.id))
    ).all()
    sprints = session.exec(
        select(Sprint)
        .where(col(Sprint.project_id) == project_id, col(Sprint.state) != SprintState.CLOSED)
        .order_by(col(Sprint.start_at).is_(None), col(Sprint.start_at), col(Sprint.id))
    ).all()
    options: list[SourceOptions] = []
    for source in sources:
        rules = _source_rules(session, source)
        fitting = [
            SprintOption(_id(s.id), s.name, s.state, s.start_at, s.end_at)
            for s in sprints
            if s.source_id == rules.source_id or (s.source_id is None and not rules.tracker_backed)
        ]
        options.append(SourceOptions(
            source_id=rules.source_id,
            source_name=rules.name,
            kind=rules.kind,
            statuses=tuple(StatusOption(n, c) for n, c in rules.statuses.items()),
            points_scale=rules.points_scale,
            sprints=tuple(fitting),
        ))  # fmt: skip
    members = select(Membership.person_id).where(col(Membership.project_id) == project_id)
    query = select(Person).order_by(col(Person.display_name), col(Person.id))
    if session.exec(members.limit(1)).first() is not None:
        query = query.where(col(Person.id).in_(members))
    people = tuple(
        PersonOption(_id(p.id), p.display_name, p.login) for p in session.exec(query).all()
    )
    local = next((o.source_id for o in options if not o.tracker_backed), None)
    return EditableValues(project_id, project.key, tuple(options), people, local)
