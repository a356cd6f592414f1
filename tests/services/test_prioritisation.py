"""WSJF ranking across the portfolio and the audited command that sets a project's inputs.

Hand-computed scores: AAA (8 + 5 + 3) / 2 = 8.0; BBB (13 + 8 + 5) / 13 = 2.0;
CCC has no inputs (incomplete, all four named). On the demo: DIK
(8 + 5 + 13) / 5 = 5.2 comes first, PDB (5 + 3 + 8) / 5 = 3.2 second.
"""

from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models import AuditEntry, Project
from sprintfolio.services import prioritisation
from sprintfolio.services.errors import NotFoundError, ServiceError
from sprintfolio.services.prioritisation import (
    WSJF_AUDIT_ACTION,
    WsjfForbidden,
    WsjfRejected,
    update_wsjf,
    wsjf_ranking,
)
from tests.services.handmade import build_handmade

pytestmark = pytest.mark.db

NOW = datetime(2026, 11, 24, 11, tzinfo=UTC)
ALL = ("business_value", "time_criticality", "risk_reduction", "job_size")


@pytest.fixture
def portfolio(session: Session) -> Session:
    build_handmade(session)
    update_wsjf(session, actor="anna", project_key="AAA", business_value=8, time_criticality=5,
                risk_reduction=3, job_size=2, now=NOW)  # fmt: skip
    update_wsjf(session, actor="anna", project_key="BBB", business_value=13, time_criticality=8,
                risk_reduction=5, job_size=13, now=NOW)  # fmt: skip
    return session


def _audit(session: Session) -> list[AuditEntry]:
    return list(session.exec(select(AuditEntry).order_by(col(AuditEntry.id))).all())


def test_ranking_with_incomplete_projects_last(portfolio: Session) -> None:
    rows = wsjf_ranking(portfolio)

    assert [(r.project_key, r.rank, r.score, r.status) for r in rows] == [
        ("AAA", 1, 8.0, "ranked"),
        ("BBB", 2, 2.0, "ranked"),
        ("CCC", None, None, "incomplete"),
    ]
    assert rows[2].missing == ALL
    assert rows[0].project_name == "Alpha" and rows[0].owner == "Anna Admin"
    assert (rows[0].business_value, rows[0].job_size) == (8, 2)
    assert [r.project_key for r in wsjf_ranking(portfolio, programme="mainzDIGITAL (Test)")] == [
        "AAA", "BBB", "CCC",
    ]  # fmt: skip
    with pytest.raises(NotFoundError, match="programme 'Nope' does not exist"):
        wsjf_ranking(portfolio, programme="Nope")


def test_update_writes_project_and_audit_in_one_go(portfolio: Session) -> None:
    before = len(_audit(portfolio))
    at = datetime(2026, 11, 25, 9, tzinfo=UTC)
    result = update_wsjf(portfolio, actor="po.meier", project_key="BBB", business_value=20,
                         time_criticality=8, risk_reduction=5, job_size=3, now=at)  # fmt: skip

    assert dict(result.changes) == {"business_value": (13, 20), "job_size": (13, 3)}
    assert result.row.rank == 1 and result.row.score == pytest.approx(11.0)  # (20+8+5)/3
    project = portfolio.exec(select(Project).where(Project.key == "BBB")).one()
    portfolio.refresh(project)
    assert (project.wsjf_business_value, project.wsjf_job_size) == (20, 3)
    entries = _audit(portfolio)
    assert len(entries) == before + 1
    entry = entries[-1]
    assert entry.id == result.audit_id
    assert (entry.actor, entry.action, entry.entity, entry.entity_id, entry.outcome) == (
        "po.meier", WSJF_AUDIT_ACTION, "project", project.id, "ok",
    )  # fmt: skip
    assert entry.changes == {"business_value": [13, 20], "job_size": [13, 3]}
    assert entry.at == at


def test_unchanged_inputs_write_nothing(portfolio: Session) -> None:
    before = len(_audit(portfolio))
    result = update_wsjf(portfolio, actor="anna", project_key="AAA", business_value=8,
                         time_criticality=5, risk_reduction=3, job_size=2, now=NOW)  # fmt: skip
    assert result.changes == {} and result.audit_id is None
    assert len(_audit(portfolio)) == before


def test_clearing_an_input_makes_the_project_incomplete(portfolio: Session) -> None:
    result = update_wsjf(portfolio, actor="anna", project_key="AAA", business_value=8,
                         time_criticality=5, risk_reduction=3, job_size=None, now=NOW)  # fmt: skip
    assert result.row.status == "incomplete" and result.row.missing == ("job_size",)
    assert _audit(portfolio)[-1].changes == {"job_size": [2, None]}


@pytest.mark.parametrize(
    ("values", "fields"),
    [
        ({"business_value": 4}, ("business_value",)),
        ({"job_size": 0}, ("job_size",)),
        ({"time_criticality": True}, ("time_criticality",)),  # a bool is not a number here
        ({"risk_reduction": 5.0}, ("risk_reduction",)),  # the scale holds whole numbers
        ({"business_value": 21, "job_size": -1}, ("business_value", "job_size")),
    ],
)
def test_values_off_the_scale_are_rejected_naming_the_field(
    portfolio: Session, values: dict[str, object], fields: tuple[str, ...]
) -> None:
    wanted: dict[str, object] = {
        "business_value": 8, "time_criticality": 5, "risk_reduction": 3, "job_size": 2, **values,
    }  # fmt: skip
    with pytest.raises(WsjfRejected) as caught:
        update_wsjf(portfolio, actor="anna", project_key="AAA", now=NOW, **wanted)  # type: ignore[arg-type]

    error = caught.value
    assert tuple(p.field for p in error.problems) == fields
    assert error.field == fields[0] and isinstance(error, ServiceError)
    assert all(p.code == "not_on_scale" for p in error.problems)
    assert f"{fields[0]} is" in str(error) and "pick one of 1, 2, 3, 5, 8, 13, 20" in str(error)
    project = portfolio.exec(select(Project).where(Project.key == "AAA")).one()
    portfolio.refresh(project)
    assert (project.wsjf_business_value, project.wsjf_job_size) == (8, 2)  # unchanged
    entry = _audit(portfolio)[-1]
    assert entry.outcome == "rejected" and entry.action == WSJF_AUDIT_ACTION
    assert entry.changes["_reason"] == [{"field": f, "code": "not_on_scale"} for f in fields]


def test_the_product_owner_hook_is_asked_first(
    portfolio: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, int]] = []

    def refuse(session: Session, actor: str, project_id: int) -> None:
        calls.append((actor, project_id))
        raise WsjfForbidden(actor, "AAA")

    monkeypatch.setattr(prioritisation, "require_product_owner", refuse)
    with pytest.raises(WsjfForbidden, match="'guest' may not change the WSJF inputs"):
        update_wsjf(portfolio, actor="guest", project_key="AAA", business_value=99,
                    time_criticality=5, risk_reduction=3, job_size=2, now=NOW)  # fmt: skip
    assert calls and calls[0][0] == "guest"
    assert _audit(portfolio)[-1].outcome == "forbidden"
    assert wsjf_ranking(portfolio)[0].business_value == 8


def test_bad_requests(portfolio: Session) -> None:
    args = {"business_value": 8, "time_criticality": 5, "risk_reduction": 3, "job_size": 2}
    with pytest.raises(NotFoundError, match="'ZZZ' does not exist"):
        update_wsjf(portfolio, actor="anna", project_key="ZZZ", now=NOW, **args)
    with pytest.raises(ServiceError, match="actor is empty"):
        update_wsjf(portfolio, actor=" ", project_key="AAA", now=NOW, **args)
    with pytest.raises(ServiceError, match="naive"):
        update_wsjf(
            portfolio, actor="anna", project_key="AAA", now=NOW.replace(tzinfo=None), **args
        )


def test_demo_ranking(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        rows = wsjf_ranking(session)
    assert [(r.project_key, r.rank) for r in rows[:2]] == [("DIK", 1), ("PDB", 2)]
    assert rows[0].score == pytest.approx(5.2) and rows[1].score == pytest.approx(3.2)
    assert all(r.status == "ranked" for r in rows) and len(rows) == 6
