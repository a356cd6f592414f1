"""The audit trail: filters, order, paging and readable summaries (and the people picker)."""

from datetime import timedelta

import pytest
from sqlmodel import Session

from models import AuditEntry
from sprintfolio.services.audit import MAX_LIMIT, audit_facets, list_audit
from sprintfolio.services.edits import (
    EditConflict,
    EditRejected,
    ItemEdit,
    create_local_item,
    edit_item,
)
from sprintfolio.services.errors import NotFoundError, ServiceError
from sprintfolio.services.people import list_people
from tests.services.edit_factories import NOW, EditWorld, build_world

pytestmark = pytest.mark.db

T1, T2, T3, T4 = (NOW + timedelta(hours=h) for h in (1, 2, 3, 4))


@pytest.fixture
def world(session: Session) -> EditWorld:
    """The edit world with four audited attempts: ok, rejected, conflict, create."""
    world = build_world(session)
    edit = ItemEdit(world.jira_item, 1, status="In Arbeit", assignee_id=world.ben, points=None,
                    sprint_id=world.j3_future, title="Neu")  # fmt: skip
    edit_item(session, actor="a.abel", edit=edit, now=T1)
    with pytest.raises(EditRejected):
        edit_item(session, actor="b.berg", edit=ItemEdit(world.jira_item, 2, points=4), now=T2)
    with pytest.raises(EditConflict):
        edit_item(session, actor="b.berg", edit=ItemEdit(world.jira_item, 1, points=5), now=T3)
    create_local_item(session, actor="a.abel", project_key="EDT", title="Lokal", type="task",
                      status="Offen", points=2, now=T4)  # fmt: skip
    session.add(
        AuditEntry(at=T4, actor="sync", action="sync.run", entity="source", entity_id=1,
                   changes={"items": 12, "mode": "full"}, outcome="ok")
    )  # fmt: skip
    session.commit()
    return world


def test_newest_first_with_readable_summaries(session: Session, world: EditWorld) -> None:
    rows = list_audit(session)
    assert [(r.action, r.outcome) for r in rows] == [
        ("sync.run", "ok"), ("item.create", "ok"), ("item.edit", "conflict"),
        ("item.edit", "rejected"), ("item.edit", "ok"),
    ]  # fmt: skip
    sync, create, conflict, rejected, ok = rows
    assert ok.entity_label == "JRA-1" and ok.note is None
    assert ok.summary == (
        "status: Offen → In Arbeit; points: 3 → —; assignee: Anna Abel → Ben Berg; "
        "sprint: J2 → J3; title: “Item JRA-1” → “Neu”"
    )
    assignee = ok.changes[2]
    assert (assignee.field, assignee.old, assignee.new, assignee.new_label) == (
        "assignee", world.anna, world.ben, "Ben Berg",
    )  # fmt: skip
    assert rejected.summary == "points: — → 4 (rejected: points not_on_scale)"
    assert rejected.note == "rejected: points not_on_scale"
    assert conflict.summary == "points: — → 5 (conflict: expected version 1, stored 2)"
    assert create.entity_label == "LOC-2"
    assert create.summary.startswith("key: — → LOC-2; type: — → task; status: — → Offen")
    assert sync.entity_label is None and sync.summary == "items: 12; mode: full"
    assert not sync.changes[0].is_change


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"actor": "b.berg"}, ["conflict", "rejected"]),
        ({"outcome": "ok"}, ["sync.run", "item.create", "ok"]),
        ({"action": "item.create"}, ["item.create"]),
        ({"entity": "source"}, ["sync.run"]),
        ({"since": T2, "until": T4}, ["conflict", "rejected"]),
        ({"since": T4}, ["sync.run", "item.create"]),
        ({"actor": "nobody"}, []),
    ],
)
def test_filters(
    session: Session, world: EditWorld, filters: dict[str, object], expected: list[str]
) -> None:
    rows = list_audit(session, **filters)  # type: ignore[arg-type]
    assert [r.outcome if r.action == "item.edit" else r.action for r in rows] == expected


def test_entity_filter_gives_an_items_history(session: Session, world: EditWorld) -> None:
    rows = list_audit(session, entity="workitem", entity_id=world.jira_item)
    assert [r.outcome for r in rows] == ["conflict", "rejected", "ok"]


def test_paging(session: Session, world: EditWorld) -> None:
    everything = [r.id for r in list_audit(session)]
    pages = [r.id for o in (0, 2, 4) for r in list_audit(session, limit=2, offset=o)]
    assert pages == everything


@pytest.mark.parametrize(
    "kwargs",
    [
        {"limit": 0},
        {"limit": MAX_LIMIT + 1},
        {"offset": -1},
        {"since": NOW.replace(tzinfo=None)},
        {"since": T3, "until": T1},
    ],
)
def test_bad_filters_fail_loudly(session: Session, kwargs: dict[str, object]) -> None:
    with pytest.raises(ServiceError):
        list_audit(session, **kwargs)  # type: ignore[arg-type]


def test_facets(session: Session, world: EditWorld) -> None:
    facets = audit_facets(session)
    assert facets.actors == ("a.abel", "b.berg", "sync")
    assert facets.actions == ("item.create", "item.edit", "sync.run")
    assert facets.entities == ("source", "workitem")
    assert facets.outcomes == ("conflict", "ok", "rejected")


def test_people_for_the_signed_in_picker(session: Session, world: EditWorld) -> None:
    everybody = list_people(session)
    assert [(p.display_name, p.actor) for p in everybody] == [
        ("Anna Abel", "a.abel"), ("Ben Berg", "b.berg"), ("Carla Cordes", "c.cordes"),
    ]  # fmt: skip
    assert [p.display_name for p in list_people(session, project_key="OTH")] == ["Carla Cordes"]
    with pytest.raises(NotFoundError):
        list_people(session, project_key="NOPE")
