"""Prioritisation: the WSJF ranking across the portfolio and the command that sets the inputs.

WSJF (METRICS.md, "Prioritisation (WSJF)") = (business value + time
criticality + risk reduction/opportunity enablement) ÷ job size, each input
on the scale 1, 2, 3, 5, 8, 13, 20; the ranking and its tie-breaks are those
of ``metrics.wsjf.rank_wsjf``. Projects with a missing input follow the
ranked ones, with the missing inputs named.

``update_wsjf`` is the one place where the inputs are changed, so that the
Prioritisation page and the CLI share the rules. In this order:

1. ``require_product_owner`` (the hook issue S7 fills with real roles; today
   everyone may),
2. validation: every value on the scale (or None to clear it); otherwise
   ``WsjfRejected`` naming each field, its value and the code "not_on_scale",
3. in one transaction: the project's four columns and an ``AuditEntry``
   (action "project.wsjf", entity "project", ``changes`` = ``{field: [old, new]}``
   of the fields that change). A call that changes nothing writes nothing.

A rejected or forbidden attempt rolls back and is audited on its own
(outcome "rejected" / "forbidden", ``changes`` = ``{field: [stored, wanted]}``
plus ``"_reason"``: a list of ``{"field", "code"}``), as edits of work items are.
The command commits; call it with a session without uncommitted changes.

Audit field names are the input names of ``metrics.wsjf.WSJF_FIELDS``:
business_value, time_criticality, risk_reduction, job_size.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, cast

from sqlmodel import Session, col, select

from metrics.wsjf import WSJF_FIELDS, WSJF_SCALE, WsjfEntry, WsjfStatus, rank_wsjf
from models import AuditEntry, Programme, Project
from sprintfolio.services.errors import NotFoundError, ServiceError

__all__ = [
    "WSJF_AUDIT_ACTION",
    "WSJF_FIELDS",
    "WSJF_SCALE",
    "WsjfForbidden",
    "WsjfProblem",
    "WsjfRejected",
    "WsjfRow",
    "WsjfUpdate",
    "require_product_owner",
    "update_wsjf",
    "wsjf_ranking",
]

#: The audit action of a change of a project's WSJF inputs.
WSJF_AUDIT_ACTION = "project.wsjf"

_COLUMNS: dict[str, str] = {name: f"wsjf_{name}" for name in WSJF_FIELDS}


@dataclass(frozen=True)
class WsjfProblem:
    """Why one WSJF input was rejected: ``code`` "not_on_scale" with the value given."""

    field: str
    code: Literal["not_on_scale"]
    value: object


class WsjfRejected(ServiceError):
    """One or more WSJF inputs are not on the scale; ``problems`` names each field.

    Attributes:
        problems: One per rejected field, in the order of ``WSJF_FIELDS``.
        field: The first rejected field (for a form that marks one field).
        scale: The allowed values.
    """

    def __init__(self, project_key: str, problems: tuple[WsjfProblem, ...]) -> None:
        self.project_key = project_key
        self.problems = problems
        self.field = problems[0].field
        self.scale = WSJF_SCALE
        allowed = ", ".join(str(step) for step in WSJF_SCALE)
        parts = "; ".join(f"{p.field} is {p.value!r}" for p in problems)
        super().__init__(
            f"WSJF inputs of project {project_key!r} rejected: {parts}; "
            f"pick one of {allowed} (or leave the input empty)"
        )


class WsjfForbidden(ServiceError):
    """The actor may not set WSJF inputs of the project (only its product owners may, from S7)."""

    def __init__(self, actor: str, project_key: str) -> None:
        self.actor = actor
        self.project_key = project_key
        super().__init__(
            f"{actor!r} may not change the WSJF inputs of project {project_key!r}; "
            "ask one of its product owners"
        )


@dataclass(frozen=True)
class WsjfRow:
    """One project in the WSJF ranking.

    Attributes:
        rank: 1 = do first; None if an input is missing.
        status: "ranked" or "incomplete".
        score: The WSJF score; None if incomplete.
        missing: Names of the missing inputs (of ``WSJF_FIELDS``), empty if ranked.
    """

    project_key: str
    project_name: str
    programme: str
    owner: str
    business_value: int | None
    time_criticality: int | None
    risk_reduction: int | None
    job_size: int | None
    rank: int | None
    status: WsjfStatus
    score: float | None
    missing: tuple[str, ...]


@dataclass(frozen=True)
class WsjfUpdate:
    """The outcome of ``update_wsjf``: what changed (empty if nothing) and the new ranking row."""

    project_key: str
    changes: Mapping[str, tuple[int | None, int | None]]
    audit_id: int | None
    row: WsjfRow


def wsjf_ranking(session: Session, *, programme: str | None = None) -> list[WsjfRow]:
    """Every project (of ``programme``, if given) in WSJF order; incomplete ones last.

    Args:
        session: The store.
        programme: Only the projects of this programme (by name).

    Raises:
        NotFoundError: If ``programme`` names no programme.
        ServiceError: If a stored input is not on the scale (names project and field).
    """
    query = select(Project, Programme.name).join(
        Programme, col(Project.programme_id) == col(Programme.id)
    )
    if programme is not None:
        if session.exec(select(Programme.id).where(Programme.name == programme)).first() is None:
            known = ", ".join(session.exec(select(Programme.name).order_by(Programme.name)).all())
            raise NotFoundError(f"programme {programme!r} does not exist; known: {known}")
        query = query.where(Programme.name == programme)
    rows = session.exec(query).all()
    return _rank([(project, name) for project, name in rows])


def _rank(rows: list[tuple[Project, str]]) -> list[WsjfRow]:
    entries = [
        WsjfEntry(
            key=p.key,
            business_value=p.wsjf_business_value,
            time_criticality=p.wsjf_time_criticality,
            risk_reduction=p.wsjf_risk_reduction,
            job_size=p.wsjf_job_size,
            title=p.name,
        )
        for p, _ in rows
    ]
    info = {p.key: (p, programme) for p, programme in rows}
    try:
        ranked = rank_wsjf(entries)
    except ValueError as exc:
        raise ServiceError(f"stored WSJF inputs are invalid: {exc}") from exc
    result: list[WsjfRow] = []
    for row in ranked:
        project, programme = info[row.entry.key]
        result.append(
            WsjfRow(
                project_key=project.key,
                project_name=project.name,
                programme=programme,
                owner=project.owner,
                business_value=row.entry.business_value,
                time_criticality=row.entry.time_criticality,
                risk_reduction=row.entry.risk_reduction,
                job_size=row.entry.job_size,
                rank=row.rank,
                status=row.status,
                score=row.score,
                missing=row.missing,
            )
        )
    return result


def require_product_owner(session: Session, actor: str, project_id: int) -> None:
    """Allow ``actor`` to set the WSJF inputs of project ``project_id``, or raise.

    The hook issue S7 fills in (product owners and admins of the project,
    from ``Membership.role``); until then everyone may.

    Raises:
        WsjfForbidden: Never yet.
    """
    del session, actor, project_id


def _on_scale(value: object) -> bool:
    if value is None:
        return True
    # bool is an int (True == 1) but never a meaningful WSJF input.
    return isinstance(value, int) and not isinstance(value, bool) and value in WSJF_SCALE


def update_wsjf(
    session: Session,
    *,
    actor: str,
    project_key: str,
    business_value: int | None,
    time_criticality: int | None,
    risk_reduction: int | None,
    job_size: int | None,
    now: datetime,
) -> WsjfUpdate:
    """Set a project's four WSJF inputs (None clears one), audited, in one transaction.

    Args:
        session: The store, without uncommitted changes; the command commits.
        actor: Who makes the change (login or display name), recorded in the audit.
        project_key: The project.
        business_value: On the scale 1, 2, 3, 5, 8, 13, 20, or None.
        time_criticality: On the scale, or None.
        risk_reduction: Risk reduction / opportunity enablement on the scale, or None.
        job_size: On the scale, or None.
        now: The moment of the change (aware), recorded in the audit.

    Returns:
        The changed fields (old, new), the audit entry's id (None if nothing
        changed) and the project's new ranking row.

    Raises:
        NotFoundError: If the project does not exist.
        WsjfRejected: If a value is not on the scale (naming each such field).
        WsjfForbidden: If ``require_product_owner`` refuses the actor.
        ServiceError: If ``actor`` is empty, ``now`` naive, or the session has
            uncommitted changes.
    """
    if not isinstance(actor, str) or not actor.strip():
        raise ServiceError("actor is empty; pass the login or name of who makes the change")
    if now.tzinfo is None or now.utcoffset() is None:
        raise ServiceError(f"now={now.isoformat()} is naive; pass an aware datetime")
    if session.new or session.dirty or session.deleted:
        raise ServiceError(
            "the session holds uncommitted changes; commit or roll them back first "
            "(update_wsjf commits its own transaction)"
        )
    wanted: dict[str, object] = {
        "business_value": business_value,
        "time_criticality": time_criticality,
        "risk_reduction": risk_reduction,
        "job_size": job_size,
    }
    project = session.exec(select(Project).where(Project.key == project_key)).first()
    if project is None:
        known = ", ".join(session.exec(select(Project.key).order_by(col(Project.key))).all())
        raise NotFoundError(f"project {project_key!r} does not exist; known projects: {known}")
    project_id = project.id or 0
    stored = {name: getattr(project, column) for name, column in _COLUMNS.items()}

    try:
        require_product_owner(session, actor, project_id)
    except WsjfForbidden:
        session.rollback()
        _audit_failure(session, actor, project_id, now, "forbidden", stored, wanted, [])
        raise
    problems = tuple(
        WsjfProblem(name, "not_on_scale", value)
        for name, value in wanted.items()
        if not _on_scale(value)
    )
    if problems:
        session.rollback()
        _audit_failure(
            session, actor, project_id, now, "rejected", stored, wanted,
            [{"field": p.field, "code": p.code} for p in problems],
        )  # fmt: skip
        raise WsjfRejected(project_key, problems)

    # Validated: every wanted value is an int on the scale or None.
    changes: dict[str, tuple[int | None, int | None]] = {
        name: (cast(int | None, stored[name]), cast(int | None, wanted[name]))
        for name in WSJF_FIELDS
        if stored[name] != wanted[name]
    }
    audit_id: int | None = None
    try:
        if changes:
            for name, (_, new) in changes.items():
                setattr(project, _COLUMNS[name], new)
            entry = AuditEntry(
                at=now,
                actor=actor,
                action=WSJF_AUDIT_ACTION,
                entity="project",
                entity_id=project_id,
                changes={name: [old, new] for name, (old, new) in changes.items()},
                outcome="ok",
            )
            session.add(project)
            session.add(entry)
            session.flush()
            audit_id = entry.id
            session.commit()
    except Exception:
        session.rollback()
        raise
    row = next(r for r in wsjf_ranking(session) if r.project_key == project_key)
    return WsjfUpdate(project_key=project_key, changes=changes, audit_id=audit_id, row=row)


def _audit_failure(
    session: Session,
    actor: str,
    project_id: int,
    now: datetime,
    outcome: str,
    stored: Mapping[str, object],
    wanted: Mapping[str, object],
    reasons: list[dict[str, str]],
) -> None:
    """Record a refused attempt in a transaction of its own."""
    changes: dict[str, object] = {
        name: [stored[name], _plain(wanted[name])]
        for name in WSJF_FIELDS
        if stored[name] != wanted[name]
    }
    changes["_reason"] = reasons or [{"field": "project", "code": outcome}]
    session.add(
        AuditEntry(
            at=now,
            actor=actor,
            action=WSJF_AUDIT_ACTION,
            entity="project",
            entity_id=project_id,
            changes=changes,
            outcome=outcome,
        )
    )
    session.commit()


def _plain(value: object) -> object:
    """A value the JSON column can hold (a rejected input may be anything)."""
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return repr(value)
