"""Write-back: push a source's pending ``OutboxEdit`` rows to the tracker, each exactly once.

``OutboxEdit.fields`` holds ``{field: new value}`` for status (name), points
(float or None), assignee (``Person.id`` or None), sprint (``Sprint.id`` or
None for the backlog) and title (the contract of ``sprintfolio.services.edits``).

For each pending edit, oldest first (the caller holds the source's lock, so
no other sync or push runs at the same time):

1. **Read before writing**: ``GET`` the issue. Fields that already have the
   wanted value are not written again. If every field has it, the edit is
   *sent* without a write (it was applied before a crash, or by someone else).
2. **Compare versions**: if the issue's ``updated`` differs from
   ``expected_remote_version``, the edit becomes a *conflict*; ``last_error``
   names both versions and the differing values. Nothing is overwritten.
   (Jira has no If-Match; the window between read and write stays, small.)
3. **Mark the attempt** (``attempts + 1``, committed) *before* the write, so
   that after a crash the next push knows a write may have happened: it
   re-reads, and a moved ``updated`` with some fields already applied is a
   conflict, never a second write.
4. **Write** what is missing: points/assignee/title in one ``PUT``, the status
   through a transition whose target is the wanted status, the sprint through
   the agile sprint (or backlog) endpoint. Writes are not retried blindly by
   the HTTP layer: after a 5xx or a timeout the edit is re-read (step 1), and
   only what is still missing is sent again (at most ``MAX_ROUNDS`` rounds).
5. **Done**: state *sent*, the item's ``remote_version`` is the new
   ``updated``, and later pending edits of the same item that expected the old
   version now expect the new one (our own write moved it).

No transition to the wanted status, a field Jira refuses (400), an assignee
without an account on the source, or an item gone from the tracker → state
*failed* with a message saying what to do. Authentication errors stop the
push (the edit stays pending). Every outcome writes an ``AuditEntry``
(action "outbox.push").
"""

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from connectors.base import EditField, EditValue, RemoteEdit, RemoteVersion, SourceConfig
from connectors.base import TrackerConnector as Connector
from connectors.errors import (
    AuthError,
    BudgetExceeded,
    Conflict,
    ConnectorError,
    NotFound,
    PayloadError,
    RateLimited,
    Unavailable,
)
from connectors.jira import MappingError, parse_jira_datetime
from connectors.sync import (
    GONE_VERSION,
    ConnectorFactory,
    default_connector,
    load_source,
    lock_source,
    source_config,
)
from models import AuditEntry, OutboxEdit, SourceAccount, Sprint, WorkItem, utc_now
from models.enums import OutboxState, SourceKind, SprintState

log = logging.getLogger(__name__)

MAX_ROUNDS: Final = 3
PUSH_ACTOR: Final = "write-back"
_FIELDS: Final[tuple[EditField, ...]] = ("status", "points", "assignee", "sprint", "title")


@dataclass(frozen=True)
class PushSummary:
    """Outcomes of one push: edits sent, in conflict, failed, and left pending."""

    sent: int = 0
    conflicts: int = 0
    failed: int = 0
    pending: int = 0

    def line(self, source: str) -> str:
        return (
            f"{source}: {self.sent} edits written back, {self.conflicts} conflicts, "
            f"{self.failed} failed, {self.pending} still pending"
        )


@dataclass(frozen=True)
class _Wanted:
    """One field of an edit: the value to write and the value to compare with the remote."""

    write: EditValue
    compare: EditValue


class _Unresolvable(Exception):
    """A local value has no remote counterpart (message says what to do)."""


def push_outbox(
    engine: Engine,
    *,
    source: str,
    connector_factory: ConnectorFactory = default_connector,
    clock: Callable[[], datetime] = utc_now,
    lock_wait_s: float = 0.0,
) -> PushSummary:
    """Take the source's lock and push its pending edits (see the module docstring).

    Raises:
        SyncLocked: a sync or push of the source is running.
        AuthError: the tracker refused the credentials (edits stay pending).
    """
    with Session(engine) as session:
        config = source_config(load_source(session, source))
    lock = lock_source(engine, config, wait_s=lock_wait_s)
    try:
        connector = connector_factory(config)
        try:
            return push_source_outbox(engine, config=config, connector=connector, clock=clock)
        finally:
            connector.close()
    finally:
        lock.release()


def push_source_outbox(
    engine: Engine,
    *,
    config: SourceConfig,
    connector: Connector,
    clock: Callable[[], datetime] = utc_now,
) -> PushSummary:
    """Push every pending edit of the source; the caller holds the source's lock."""
    with Session(engine) as session:
        ids = session.exec(
            select(OutboxEdit.id)
            .join(WorkItem, col(WorkItem.id) == col(OutboxEdit.item_id))
            .where(
                col(WorkItem.source_id) == config.id,
                col(OutboxEdit.state) == OutboxState.PENDING.value,
            )
            .order_by(col(OutboxEdit.id))
        ).all()
    counts = {state.value: 0 for state in OutboxState}
    for edit_id in ids:
        state = _Push(engine, config, connector, clock, edit_id).run() if edit_id else None
        if state is not None:
            counts[state] += 1
    return PushSummary(
        sent=counts[OutboxState.SENT.value],
        conflicts=counts[OutboxState.CONFLICT.value],
        failed=counts[OutboxState.FAILED.value],
        pending=counts[OutboxState.PENDING.value],
    )


def _same_version(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return False
    try:
        return parse_jira_datetime(a) == parse_jira_datetime(b)
    except MappingError:
        return a == b


class _Push:
    """The push of one edit."""

    def __init__(
        self,
        engine: Engine,
        config: SourceConfig,
        connector: Connector,
        clock: Callable[[], datetime],
        edit_id: int,
    ) -> None:
        self.engine = engine
        self.config = config
        self.connector = connector
        self.clock = clock
        self.edit_id = edit_id
        self.key = ""
        self.closed_sprints: set[str] = set()

    def run(self) -> str | None:
        """Push the edit; its new state, or None if it is no longer pending (nothing done)."""
        with Session(self.engine) as session:
            edit = session.get(OutboxEdit, self.edit_id)
            item = session.get(WorkItem, edit.item_id) if edit is not None else None
            if edit is None or item is None or edit.state != OutboxState.PENDING.value:
                return None
            self.key = item.source_key
            expected = edit.expected_remote_version
            resumed = edit.attempts > 0
            if item.remote_version == GONE_VERSION:
                return self._close(
                    OutboxState.FAILED,
                    f"{self.key} is gone from the tracker (deleted or moved away); "
                    "the edit cannot be written",
                )
            try:
                wanted = self._resolve(session, edit.fields)
            except _Unresolvable as exc:
                return self._close(OutboxState.FAILED, str(exc))
            self.closed_sprints = set(
                key
                for key in session.exec(
                    select(Sprint.source_key).where(
                        col(Sprint.source_id) == self.config.id,
                        col(Sprint.state) == SprintState.CLOSED.value,
                    )
                ).all()
                if key is not None
            )
        wrote = False
        last_error = ""
        for _ in range(MAX_ROUNDS):
            try:
                remote = self.connector.read_version(self.key)
            except NotFound:
                return self._close(
                    OutboxState.FAILED, f"{self.key} does not exist in the tracker any more"
                )
            except (Unavailable, RateLimited) as exc:
                return self._leave_pending(str(exc))
            missing = {f: w for f, w in wanted.items() if not self._applied(remote, f, w)}
            if not missing:
                return self._sent(expected, remote)
            if not wrote and not _same_version(remote.version, expected):
                return self._conflict(expected, remote, missing, partial=resumed)
            self._mark_attempt()
            wrote = True
            try:
                self.connector.apply(RemoteEdit(self.key, {f: w.write for f, w in missing.items()}))
            except (Unavailable, RateLimited) as exc:
                last_error = str(exc)
                log.warning("write-back of %s: %s; reading it again", self.key, exc)
                continue
            except (PayloadError, NotFound, Conflict) as exc:
                return self._close(OutboxState.FAILED, str(exc))
            except (AuthError, BudgetExceeded):
                raise
            except ConnectorError as exc:
                return self._close(OutboxState.FAILED, str(exc))
        return self._leave_pending(last_error or "the tracker did not confirm the edit")

    # ------------------------------------------------------------------ values

    def _resolve(self, session: Session, fields: Mapping[str, Any]) -> dict[EditField, _Wanted]:
        wanted: dict[EditField, _Wanted] = {}
        for name in _FIELDS:
            if name not in fields:
                continue
            value = fields[name]
            if name == "assignee":
                wanted[name] = self._account(session, value)
            elif name == "sprint":
                wanted[name] = self._sprint(session, value)
            elif name == "points":
                points = None if value is None else float(value)
                wanted[name] = _Wanted(points, points)
            elif name in ("status", "title"):
                if not isinstance(value, str) or not value:
                    raise _Unresolvable(f"outbox value {name}={value!r} is not a text")
                wanted[name] = _Wanted(value, value)
        unknown = set(fields) - set(_FIELDS)
        if unknown:
            raise _Unresolvable(
                f"outbox edit has fields {sorted(unknown)} that cannot be written back"
            )
        return wanted

    def _account(self, session: Session, person_id: object) -> _Wanted:
        if person_id is None:
            return _Wanted(None, None)
        account = session.exec(
            select(SourceAccount).where(
                col(SourceAccount.source_id) == self.config.id,
                col(SourceAccount.person_id) == person_id,
            )
        ).first()
        if account is None:
            raise _Unresolvable(
                f"person {person_id} has no account on source {self.config.name!r}; "
                "assign the item in the tracker once, then sync"
            )
        if self.config.kind == SourceKind.JIRA_DC.value:
            if not account.login:
                raise _Unresolvable(
                    f"the Jira user name of person {person_id} is unknown (only the user key "
                    f"{account.remote_id} was seen); assign once in Jira, then sync"
                )
            return _Wanted(account.login, account.remote_id)
        return _Wanted(account.remote_id, account.remote_id)

    def _sprint(self, session: Session, sprint_id: object) -> _Wanted:
        if sprint_id is None:
            return _Wanted(None, None)
        sprint = session.get(Sprint, sprint_id)
        if sprint is None or sprint.source_id != self.config.id or not sprint.source_key:
            raise _Unresolvable(
                f"sprint {sprint_id} is not a sprint of source {self.config.name!r}; "
                "pick one of the source's sprints"
            )
        return _Wanted(sprint.source_key, sprint.source_key)

    def _applied(self, remote: RemoteVersion, field: EditField, wanted: _Wanted) -> bool:
        value = wanted.compare
        if field == "status":
            return remote.status.casefold() == str(value).casefold()
        if field == "points":
            return remote.points == value
        if field == "title":
            return remote.title == value
        if field == "assignee":
            return remote.assignee == value
        if value is None:  # backlog: in no sprint that is still open
            return all(key in self.closed_sprints for key in remote.sprint_keys)
        return str(value) in remote.sprint_keys

    # ------------------------------------------------------------------ outcomes

    def _mark_attempt(self) -> None:
        with Session(self.engine) as session:
            edit = session.get(OutboxEdit, self.edit_id)
            assert edit is not None
            edit.attempts += 1
            edit.updated_at = self.clock()
            session.commit()

    def _audit(self, session: Session, edit: OutboxEdit, outcome: str, detail: Any) -> None:
        session.add(
            AuditEntry(
                at=self.clock(),
                actor=PUSH_ACTOR,
                action="outbox.push",
                entity="workitem",
                entity_id=edit.item_id,
                changes={"outbox": edit.id, "fields": edit.fields, "detail": detail},
                outcome=outcome,
            )
        )

    def _close(self, state: OutboxState, message: str) -> str:
        text = (
            message if message.startswith("source ") else f"source {self.config.name!r}: {message}"
        )
        with Session(self.engine) as session:
            edit = session.get(OutboxEdit, self.edit_id)
            assert edit is not None
            edit.state = state.value
            edit.last_error = text
            edit.updated_at = self.clock()
            self._audit(session, edit, state.value, text)
            session.commit()
        log.warning("write-back of %s: %s", self.key, text)
        return state.value

    def _leave_pending(self, message: str) -> str:
        with Session(self.engine) as session:
            edit = session.get(OutboxEdit, self.edit_id)
            assert edit is not None
            edit.last_error = message
            edit.updated_at = self.clock()
            session.commit()
        return OutboxState.PENDING.value

    def _conflict(
        self,
        expected: str | None,
        remote: RemoteVersion,
        missing: Mapping[EditField, _Wanted],
        *,
        partial: bool,
    ) -> str:
        values = {
            "status": remote.status,
            "points": remote.points,
            "assignee": remote.assignee,
            "sprint": ", ".join(remote.sprint_keys) or None,
            "title": remote.title,
        }
        differing = "; ".join(
            f"{f}: wanted {w.compare!r}, tracker has {values[f]!r}" for f, w in missing.items()
        )
        message = (
            f"{self.key} changed in the tracker since the edit (expected updated "
            f"{expected or 'unknown'}, tracker has {remote.version}); {differing}. "
            "Nothing was overwritten: review the tracker's values and edit again"
        )
        if partial:
            message += " (an earlier attempt may have written part of the edit)"
        return self._close(OutboxState.CONFLICT, message)

    def _sent(self, expected: str | None, remote: RemoteVersion) -> str:
        with Session(self.engine) as session:
            edit = session.get(OutboxEdit, self.edit_id)
            assert edit is not None
            edit.state = OutboxState.SENT.value
            edit.last_error = None
            edit.updated_at = self.clock()
            session.exec(
                update(WorkItem)
                .where(col(WorkItem.id) == edit.item_id)
                .values(remote_version=remote.version)
                .execution_options(synchronize_session=False)
            )
            if expected is not None:
                session.exec(
                    update(OutboxEdit)
                    .where(
                        col(OutboxEdit.item_id) == edit.item_id,
                        col(OutboxEdit.state) == OutboxState.PENDING.value,
                        col(OutboxEdit.id) > self.edit_id,
                        col(OutboxEdit.expected_remote_version) == expected,
                    )
                    .values(expected_remote_version=remote.version)
                    .execution_options(synchronize_session=False)
                )
            self._audit(
                session, edit, OutboxState.SENT.value, {"version": [expected, remote.version]}
            )
            session.commit()
        return OutboxState.SENT.value


__all__ = ["MAX_ROUNDS", "PushSummary", "push_outbox", "push_source_outbox"]
