"""The edit commands: each field, every validation rule, conflicts, re-apply, bulk, creation."""

import math
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, col, func, select

from metrics.replay import states_at
from models import (
    AuditEntry,
    ItemEvent,
    OutboxEdit,
    Programme,
    Project,
    Source,
    Sprint,
    WorkItem,
    create_db_engine,
)
from models.enums import SourceKind
from sprintfolio.services.edits import (
    DEFAULT_LOCAL_STATUSES,
    DEFAULT_POINTS_SCALE,
    UNSET,
    EditConflict,
    EditForbidden,
    EditRejected,
    ItemEdit,
    RejectCode,
    bulk_edit,
    create_local_item,
    edit_item,
    editable_values,
    item_for_edit,
    outbox_entries,
    pending_write_back,
    reapply_edit,
)
from sprintfolio.services.errors import NotFoundError, ServiceError
from sprintfolio.services.loaders import event_to_change
from tests.services.edit_factories import (
    NOW,
    STATUSES,
    EditWorld,
    build_world,
    make_item,
    make_project,
    make_source,
)

pytestmark = pytest.mark.db

LATER = NOW + timedelta(hours=1)


@pytest.fixture
def world(session: Session) -> EditWorld:
    return build_world(session)


def _item(session: Session, item_id: int) -> WorkItem:
    return session.exec(
        select(WorkItem)
        .where(col(WorkItem.id) == item_id)
        .execution_options(populate_existing=True)
    ).one()


def _count(session: Session, model: type) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def _local_events(session: Session, item_id: int) -> list[tuple[str, object]]:
    events = session.exec(
        select(ItemEvent)
        .where(col(ItemEvent.item_id) == item_id, col(ItemEvent.origin) == "local")
        .order_by(col(ItemEvent.id))
    ).all()
    values = {
        "status": lambda e: (e.status, e.status_category),
        "points": lambda e: e.points,
        "sprint_added": lambda e: e.sprint_id,
        "sprint_removed": lambda e: e.sprint_id,
        "assignee": lambda e: e.assignee_id,
        "created": lambda e: None,
    }
    return [(e.kind, values[e.kind](e)) for e in events]


def _audits(session: Session) -> list[AuditEntry]:
    return list(session.exec(select(AuditEntry).order_by(col(AuditEntry.id))).all())


def _assert_replay_matches(session: Session, item_id: int) -> None:
    """The item's stored events replay to its stored state.

    Sprint membership is compared for open sprints only: a carried-over item
    stays a member of the closed sprint it was in (as in Jira).
    """
    item = _item(session, item_id)
    events = session.exec(select(ItemEvent).where(col(ItemEvent.item_id) == item_id)).all()
    state = states_at([event_to_change(e, item_key="x") for e in events], NOW + timedelta(days=99))
    replayed = state["x"]
    assert (replayed.status, replayed.category, replayed.points) == (
        item.status,
        item.status_category,
        item.points,
    )
    closed = {str(i) for i in session.exec(select(Sprint.id).where(Sprint.state == "closed")).all()}
    assert replayed.sprints - closed == (
        frozenset() if item.sprint_id is None else frozenset({str(item.sprint_id)})
    )


def _snapshot(session: Session, item_id: int) -> tuple[object, ...]:
    item = _item(session, item_id)
    return (
        item.status, item.points, item.assignee_id, item.sprint_id, item.title, item.version,
        _count(session, ItemEvent), _count(session, OutboxEdit), _count(session, WorkItem),
    )  # fmt: skip


# --------------------------------------------------------------------------- single edits


@pytest.mark.parametrize(
    ("changes", "field", "old", "new", "events"),
    [
        ({"status": "In Arbeit"}, "status", "Offen", "In Arbeit",
         [("status", ("In Arbeit", "in_progress"))]),
        ({"points": 5}, "points", 3.0, 5.0, [("points", 5.0)]),
        ({"points": None}, "points", 3.0, None, [("points", None)]),
        ({"assignee_id": "ben"}, "assignee", "anna", "ben", [("assignee", "ben")]),
        ({"assignee_id": None}, "assignee", "anna", None, [("assignee", None)]),
        ({"sprint_id": "j3"}, "sprint", "j2", "j3",
         [("sprint_removed", "j2"), ("sprint_added", "j3")]),
        ({"sprint_id": None}, "sprint", "j2", None, [("sprint_removed", "j2")]),
        ({"title": "  Neuer Titel  "}, "title", "Item JRA-1", "Neuer Titel", []),
    ],
    ids=["status", "points", "points-cleared", "assignee", "unassigned", "sprint", "backlog",
         "title"],
)  # fmt: skip
def test_edit_of_one_field_on_a_jira_item(
    session: Session,
    world: EditWorld,
    changes: dict[str, object],
    field: str,
    old: object,
    new: object,
    events: list[tuple[str, object]],
) -> None:
    ids = {"anna": world.anna, "ben": world.ben, "j2": world.j2_active, "j3": world.j3_future}

    def resolve(value: object) -> object:
        return ids.get(value, value) if isinstance(value, str) else value

    kwargs = {k: resolve(v) for k, v in changes.items()}
    result = edit_item(
        session, actor="a.abel", edit=ItemEdit(world.jira_item, 1, **kwargs), now=LATER
    )

    assert result.version == 2 and result.pending_write_back
    assert [(c.field, c.old, c.new) for c in result.changes] == [
        (field, resolve(old), resolve(new))
    ]
    item = _item(session, world.jira_item)
    assert item.version == 2 and item.updated_at == LATER
    expected_events = [(kind, resolve(value)) for kind, value in events]
    assert _local_events(session, world.jira_item) == expected_events
    _assert_replay_matches(session, world.jira_item)

    [audit] = _audits(session)
    assert (audit.actor, audit.action, audit.entity, audit.entity_id, audit.outcome) == (
        "a.abel", "item.edit", "workitem", world.jira_item, "ok",
    )  # fmt: skip
    assert audit.changes == {field: [resolve(old), resolve(new)]}
    assert audit.at == LATER

    [outbox] = outbox_entries(session, item_id=world.jira_item)
    assert outbox.fields == {field: resolve(new)}
    assert (outbox.state, outbox.expected_remote_version, outbox.created_by) == (
        "pending", "7", "a.abel",
    )  # fmt: skip
    assert result.outbox_id == outbox.id
    assert pending_write_back(session, item_ids=[world.jira_item, world.local_item]) == {
        world.jira_item
    }


def test_edit_of_several_fields_at_once_is_one_audit_and_one_outbox_row(
    session: Session, world: EditWorld
) -> None:
    edit = ItemEdit(world.jira_item, 1, status="Erledigt", points=8, sprint_id=world.j3_future,
                    title="Neu")  # fmt: skip
    result = edit_item(session, actor="b.berg", edit=edit, now=LATER)
    assert [c.field for c in result.changes] == ["status", "points", "sprint", "title"]
    item = _item(session, world.jira_item)
    assert (item.status, item.status_category, item.points, item.sprint_id, item.title) == (
        "Erledigt", "done", 8.0, world.j3_future, "Neu",
    )  # fmt: skip
    assert item.resolved_at == LATER
    _assert_replay_matches(session, world.jira_item)
    [audit] = _audits(session)
    assert audit.changes == {
        "status": ["Offen", "Erledigt"], "points": [3.0, 8.0],
        "sprint": [world.j2_active, world.j3_future], "title": ["Item JRA-1", "Neu"],
    }  # fmt: skip
    [outbox] = outbox_entries(session, item_id=world.jira_item)
    assert outbox.fields == {"status": "Erledigt", "points": 8.0, "sprint": world.j3_future,
                             "title": "Neu"}  # fmt: skip


def test_leaving_done_clears_the_resolution_time(session: Session, world: EditWorld) -> None:
    edit_item(session, actor="a", edit=ItemEdit(world.jira_item, 1, status="Erledigt"), now=LATER)
    assert _item(session, world.jira_item).resolved_at == LATER
    later = LATER + timedelta(hours=1)
    edit_item(session, actor="a", edit=ItemEdit(world.jira_item, 2, status="Im Review"), now=later)
    item = _item(session, world.jira_item)
    assert item.resolved_at is None and item.status_category == "in_progress"
    _assert_replay_matches(session, world.jira_item)


def test_a_local_item_is_final_at_once(session: Session, world: EditWorld) -> None:
    result = edit_item(
        session, actor="a.abel",
        edit=ItemEdit(world.local_item, 1, status="Offen", points=5, assignee_id=world.ben),
        now=LATER,
    )  # fmt: skip
    assert not result.pending_write_back and result.outbox_id is None
    assert [c.field for c in result.changes] == ["points", "assignee"]  # status was already Offen
    assert _count(session, OutboxEdit) == 0
    assert pending_write_back(session, item_ids=[world.local_item]) == set()
    assert _local_events(session, world.local_item) == [("points", 5.0), ("assignee", world.ben)]
    _assert_replay_matches(session, world.local_item)
    [audit] = _audits(session)
    assert audit.outcome == "ok" and audit.changes == {
        "points": [2.0, 5.0], "assignee": [None, world.ben],
    }  # fmt: skip


def test_setting_the_stored_values_again_writes_nothing(session: Session, world: EditWorld) -> None:
    before = _snapshot(session, world.jira_item)
    edit = ItemEdit(world.jira_item, 1, status="Offen", points=3, assignee_id=world.anna)
    result = edit_item(session, actor="a", edit=edit, now=LATER)
    assert result.changes == () and result.version == 1 and not result.pending_write_back
    assert _snapshot(session, world.jira_item) == before and _audits(session) == []


def test_item_for_edit_builds_an_edit_that_remembers_what_was_seen(
    session: Session, world: EditWorld
) -> None:
    shown = item_for_edit(session, item_id=world.jira_item)
    assert (shown.key, shown.version, shown.status, shown.source_kind) == (
        "JRA-1", 1, "Offen", "jira-cloud",
    )  # fmt: skip
    assert not shown.pending_write_back
    edit = shown.edit(points=5, sprint_id=None)
    assert edit == ItemEdit(world.jira_item, 1, points=5, sprint_id=None,
                            seen=(("points", 3.0), ("sprint", world.j2_active)))  # fmt: skip
    edit_item(session, actor="a", edit=edit, now=LATER)
    assert item_for_edit(session, item_id=world.jira_item).pending_write_back
    with pytest.raises(NotFoundError):
        item_for_edit(session, item_id=999)


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("item", "changes", "field", "code"),
    [
        ("jira", {"status": "Done"}, "status", RejectCode.UNKNOWN_STATUS),
        ("jira", {"status": ""}, "status", RejectCode.UNKNOWN_STATUS),
        ("jira", {"points": 4}, "points", RejectCode.NOT_ON_SCALE),
        ("jira", {"points": -1}, "points", RejectCode.NOT_ON_SCALE),
        ("jira", {"points": math.nan}, "points", RejectCode.NOT_A_NUMBER),
        ("jira", {"points": True}, "points", RejectCode.NOT_A_NUMBER),
        ("jira", {"sprint_id": 999}, "sprint", RejectCode.SPRINT_NOT_FOUND),
        ("jira", {"sprint_id": "o1"}, "sprint", RejectCode.SPRINT_OTHER_PROJECT),
        ("jira", {"sprint_id": "l1"}, "sprint", RejectCode.SPRINT_OTHER_SOURCE),
        ("local", {"sprint_id": "j2"}, "sprint", RejectCode.SPRINT_OTHER_SOURCE),
        ("jira", {"sprint_id": "j1"}, "sprint", RejectCode.SPRINT_CLOSED),
        ("jira", {"assignee_id": 999}, "assignee", RejectCode.PERSON_NOT_FOUND),
        ("jira", {"assignee_id": "carla"}, "assignee", RejectCode.NOT_A_MEMBER),
        ("jira", {"title": "   "}, "title", RejectCode.TITLE_EMPTY),
        ("jira", {"title": "x" * 1001}, "title", RejectCode.TITLE_TOO_LONG),
        ("jira", {"title": "Zeile 1\nZeile 2"}, "title", RejectCode.TITLE_CONTROL_CHARACTERS),
        ("jira", {"title": "Tab\there"}, "title", RejectCode.TITLE_CONTROL_CHARACTERS),
        ("jira", {"status": 3}, "status", RejectCode.WRONG_TYPE),
        ("jira", {"sprint_id": "seven"}, "sprint", RejectCode.WRONG_TYPE),
    ],
)
def test_invalid_value_is_rejected_naming_the_field(
    session: Session,
    world: EditWorld,
    item: str,
    changes: dict[str, object],
    field: str,
    code: RejectCode,
) -> None:
    refs = {"o1": world.o1_other_project, "l1": world.l1_local, "j1": world.j1_closed,
            "j2": world.j2_active, "carla": world.carla}  # fmt: skip
    kwargs = {k: refs.get(v, v) if isinstance(v, str) and k != "title" and k != "status" else v
              for k, v in changes.items()}  # fmt: skip
    item_id = world.jira_item if item == "jira" else world.local_item
    before = _snapshot(session, item_id)

    with pytest.raises(EditRejected) as caught:
        edit_item(session, actor="a.abel", edit=ItemEdit(item_id, 1, **kwargs), now=LATER)  # type: ignore[arg-type]

    rejected = caught.value
    assert (rejected.field, rejected.code, rejected.item_id) == (field, code, item_id)
    assert str(rejected).startswith(f"{field}: ")
    assert _snapshot(session, item_id) == before
    [audit] = _audits(session)
    assert (audit.outcome, audit.entity_id, audit.actor) == ("rejected", item_id, "a.abel")
    assert audit.changes["_reason"] == [{"field": field, "code": code.value}]


def test_every_bad_field_is_reported_at_once(session: Session, world: EditWorld) -> None:
    edit = ItemEdit(world.jira_item, 1, status="Fertig", points=4, title="")
    with pytest.raises(EditRejected) as caught:
        edit_item(session, actor="a", edit=edit, now=LATER)
    assert caught.value.fields == ("status", "points", "title")
    status = caught.value.problems[0]
    assert status.value == "Fertig" and status.allowed == tuple(STATUSES)
    assert caught.value.problems[1].allowed == DEFAULT_POINTS_SCALE
    assert "'Fertig'" in str(caught.value) and "4" in str(caught.value)


def test_title_limit_is_reported(session: Session, world: EditWorld) -> None:
    with pytest.raises(EditRejected) as caught:
        edit_item(session, actor="a", edit=ItemEdit(world.jira_item, 1, title="x" * 1001),
                  now=LATER)  # fmt: skip
    assert caught.value.problems[0].limit == 1000
    ok = edit_item(session, actor="a", edit=ItemEdit(world.jira_item, 1, title="é" * 1000),
                   now=LATER)  # fmt: skip
    assert ok.version == 2


def test_unknown_item_is_rejected(session: Session, world: EditWorld) -> None:
    with pytest.raises(EditRejected) as caught:
        edit_item(session, actor="a", edit=ItemEdit(999, 1, points=5), now=LATER)
    assert (caught.value.field, caught.value.code) == ("item_id", RejectCode.ITEM_NOT_FOUND)
    [audit] = _audits(session)
    assert (audit.outcome, audit.entity_id) == ("rejected", 999)


def test_points_scale_of_the_source_replaces_the_default(
    session: Session, world: EditWorld
) -> None:
    source = session.get(Source, world.jira_source_id)
    assert source is not None
    source.settings = {**source.settings, "points_scale": [1, 2, 4, 8]}
    session.add(source)
    session.commit()
    assert edit_item(session, actor="a", edit=ItemEdit(world.jira_item, 1, points=4),
                     now=LATER).version == 2  # fmt: skip
    with pytest.raises(EditRejected) as caught:
        edit_item(session, actor="a", edit=ItemEdit(world.jira_item, 2, points=5), now=LATER)
    assert caught.value.problems[0].allowed == (1.0, 2.0, 4.0, 8.0)


def test_a_malformed_points_scale_names_the_source(session: Session, world: EditWorld) -> None:
    source = session.get(Source, world.jira_source_id)
    assert source is not None
    source.settings = {**source.settings, "points_scale": ["S", "M"]}
    session.add(source)
    session.commit()
    with pytest.raises(ServiceError, match=r"'Jira'.*points_scale"):
        edit_item(session, actor="a", edit=ItemEdit(world.jira_item, 1, points=4), now=LATER)


def test_statuses_come_from_the_statuses_setting(session: Session, world: EditWorld) -> None:
    source = session.get(Source, world.jira_source_id)
    assert source is not None
    source.settings = {"statuses": {"Offen": "todo", "Fertig": "done"}}
    session.add(source)
    session.commit()
    edit_item(session, actor="a", edit=ItemEdit(world.jira_item, 1, status="Fertig"), now=LATER)
    assert _item(session, world.jira_item).status_category == "done"
    with pytest.raises(EditRejected):
        edit_item(session, actor="a", edit=ItemEdit(world.jira_item, 2, status="Erledigt"),
                  now=LATER)  # fmt: skip


def test_without_settings_the_statuses_seen_on_the_source_count(
    session: Session, world: EditWorld
) -> None:
    gitlab = make_source(session, name="GitLab", kind=SourceKind.GITLAB)
    project = session.get(Project, world.project_id)
    assert project is not None
    a = make_item(session, source=gitlab, project=project, key="G-1", status="Offen")
    make_item(session, source=gitlab, project=project, key="G-2", status="Erledigt")
    # A status that only history shows (items moved on) counts too.
    session.add(ItemEvent(item_id=a.id or 0, at=NOW - timedelta(days=4), kind="status",
                          status="Blockiert", status_category="in_progress"))  # fmt: skip
    session.commit()
    item_id = a.id or 0
    edit_item(session, actor="a", edit=ItemEdit(item_id, 1, status="Blockiert"), now=LATER)
    assert _item(session, item_id).status_category == "in_progress"
    with pytest.raises(EditRejected) as caught:
        edit_item(session, actor="a", edit=ItemEdit(item_id, 2, status="In Arbeit"), now=LATER)
    assert set(caught.value.problems[0].allowed) == {"Offen", "Blockiert", "Erledigt"}


# --------------------------------------------------------------------------- conflicts


def test_stale_version_is_a_conflict_showing_both_values(
    session: Session, world: EditWorld
) -> None:
    shown = item_for_edit(session, item_id=world.jira_item)
    edit_item(session, actor="b.berg", edit=shown.edit(points=8, status="In Arbeit"), now=LATER)
    before = _snapshot(session, world.jira_item)
    audits_before = len(_audits(session))

    mine = shown.edit(points=5, title="Meiner")
    with pytest.raises(EditConflict) as caught:
        edit_item(session, actor="a.abel", edit=mine, now=LATER + timedelta(minutes=1))

    conflict = caught.value
    assert (conflict.item_id, conflict.expected_version, conflict.actual_version) == (
        world.jira_item, 1, 2,
    )  # fmt: skip
    points = conflict.field("points")
    assert points is not None
    assert (points.wanted, points.stored, points.seen, points.changed_meanwhile) == (
        5.0, 8.0, 3.0, True,
    )  # fmt: skip
    title = conflict.field("title")
    assert title is not None
    assert (title.wanted, title.stored, title.seen, title.changed_meanwhile) == (
        "Meiner", "Item JRA-1", "Item JRA-1", False,
    )  # fmt: skip
    assert conflict.field("status") is None
    # Nothing written but the conflict's audit entry.
    assert _snapshot(session, world.jira_item) == before
    audits = _audits(session)
    assert len(audits) == audits_before + 1
    assert (audits[-1].outcome, audits[-1].actor, audits[-1].entity_id) == (
        "conflict", "a.abel", world.jira_item,
    )  # fmt: skip
    assert audits[-1].changes == {
        "points": [8.0, 5.0], "title": ["Item JRA-1", "Meiner"], "_version": [1, 2],
    }  # fmt: skip


def test_conflict_without_seen_values_says_so(session: Session, world: EditWorld) -> None:
    edit_item(session, actor="b", edit=ItemEdit(world.jira_item, 1, points=8), now=LATER)
    with pytest.raises(EditConflict) as caught:
        edit_item(session, actor="a", edit=ItemEdit(world.jira_item, 1, points=5), now=LATER)
    points = caught.value.field("points")
    assert points is not None and points.seen is UNSET and points.changed_meanwhile is None


def test_reapply_after_a_conflict_wins(session: Session, world: EditWorld) -> None:
    edit_item(session, actor="b.berg", edit=ItemEdit(world.jira_item, 1, points=8), now=LATER)
    with pytest.raises(EditConflict) as caught:
        edit_item(session, actor="a.abel", edit=ItemEdit(world.jira_item, 1, points=5,
                  status="Im Review"), now=LATER)  # fmt: skip
    assert caught.value.reapplied().expected_version == 2

    result = reapply_edit(session, actor="a.abel", conflict=caught.value, now=LATER)

    assert result.version == 3
    assert [(c.field, c.old, c.new) for c in result.changes] == [
        ("status", "Offen", "Im Review"), ("points", 8.0, 5.0),
    ]  # fmt: skip
    _assert_replay_matches(session, world.jira_item)
    assert [a.outcome for a in _audits(session)] == ["ok", "conflict", "ok"]
    assert [o.fields for o in outbox_entries(session, item_id=world.jira_item)] == [
        {"points": 8.0}, {"status": "Im Review", "points": 5.0},
    ]  # fmt: skip


def test_reapply_conflicts_again_if_the_item_changed_again(
    session: Session, world: EditWorld
) -> None:
    edit_item(session, actor="b", edit=ItemEdit(world.jira_item, 1, points=8), now=LATER)
    with pytest.raises(EditConflict) as first:
        edit_item(session, actor="a", edit=ItemEdit(world.jira_item, 1, points=5), now=LATER)
    edit_item(session, actor="b", edit=ItemEdit(world.jira_item, 2, points=13), now=LATER)
    with pytest.raises(EditConflict) as second:
        reapply_edit(session, actor="a", conflict=first.value, now=LATER)
    points = second.value.field("points")
    assert points is not None and (points.seen, points.stored) == (8.0, 13.0)
    assert _item(session, world.jira_item).points == 13.0


# --------------------------------------------------------------------------- bulk


def test_bulk_edit_reports_each_item(session: Session, world: EditWorld) -> None:
    project = session.get(Project, world.project_id)
    source = session.get(Source, world.jira_source_id)
    sprint = session.get(Sprint, world.j2_active)
    assert project is not None and source is not None and sprint is not None
    extra = [make_item(session, source=source, project=project, key=f"JRA-{n}", sprint=sprint).id
             for n in (2, 3, 4)]  # fmt: skip
    session.commit()
    edit_item(session, actor="b", edit=ItemEdit(world.jira_item, 1, points=1), now=NOW)
    edits = [
        ItemEdit(world.jira_item, 1, sprint_id=world.j3_future),  # stale: conflict
        ItemEdit(extra[0] or 0, 1, sprint_id=world.j3_future),
        ItemEdit(extra[1] or 0, 1, sprint_id=world.j1_closed),  # closed: rejected
        ItemEdit(extra[2] or 0, 1, sprint_id=world.j3_future),
        ItemEdit(world.local_item, 1, status="In Arbeit"),
    ]

    bulk = bulk_edit(session, actor="a.abel", edits=edits, now=LATER)

    assert [r.outcome for r in bulk.items] == ["conflict", "ok", "rejected", "ok", "ok"]
    assert [r.item_id for r in bulk.items] == [e.item_id for e in edits]
    assert (bulk.count("ok"), bulk.count("conflict"), bulk.count("rejected")) == (3, 1, 1)
    assert not bulk.all_ok
    conflict, rejection = bulk.items[0].conflict, bulk.items[2].rejection
    assert conflict is not None and conflict.actual_version == 2
    assert rejection is not None and (rejection.field, rejection.code) == (
        "sprint", RejectCode.SPRINT_CLOSED,
    )  # fmt: skip
    assert _item(session, extra[0] or 0).sprint_id == world.j3_future
    assert _item(session, extra[1] or 0).sprint_id == world.j2_active
    assert _item(session, world.jira_item).sprint_id == world.j2_active
    outcomes = [a.outcome for a in _audits(session) if a.actor == "a.abel"]
    assert outcomes == ["conflict", "ok", "rejected", "ok", "ok"]


# --------------------------------------------------------------------------- creation


def test_create_local_item(session: Session, world: EditWorld) -> None:
    item_id = create_local_item(
        session, actor="a.abel", project_key="EDT", title=" Formular prüfen ", type="task",
        status="In Arbeit", points=5, sprint_id=world.l1_local, assignee_id=world.ben, now=LATER,
    )  # fmt: skip
    item = _item(session, item_id)
    assert (item.source_key, item.source_id, item.title, item.type) == (
        "LOC-2", world.local_source_id, "Formular prüfen", "task",
    )  # fmt: skip
    assert (item.status, item.status_category, item.points, item.version) == (
        "In Arbeit", "in_progress", 5.0, 1,
    )  # fmt: skip
    assert item.created_at == LATER and item.resolved_at is None
    assert _local_events(session, item_id) == [
        ("created", None), ("status", ("In Arbeit", "in_progress")), ("points", 5.0),
        ("sprint_added", world.l1_local), ("assignee", world.ben),
    ]  # fmt: skip
    _assert_replay_matches(session, item_id)
    [audit] = _audits(session)
    assert (audit.action, audit.entity_id, audit.outcome) == ("item.create", item_id, "ok")
    assert audit.changes["key"] == [None, "LOC-2"]
    assert _count(session, OutboxEdit) == 0

    second = create_local_item(session, actor="a", project_key="EDT", title="Noch eins",
                               type="bug", status="Erledigt", now=LATER)  # fmt: skip
    item = _item(session, second)
    assert (item.source_key, item.points, item.sprint_id) == ("LOC-3", None, None)
    assert item.resolved_at == LATER


def test_create_in_a_fresh_local_source_uses_the_default_workflow(
    session: Session, world: EditWorld
) -> None:
    project = make_project(session, programme=_programme(session, world), key="NEU")
    make_source(session, name="Neu lokal", kind=SourceKind.LOCAL,
                settings={"key_prefix": "NEU"}, projects=(project,))  # fmt: skip
    session.commit()
    item_id = create_local_item(session, actor="a", project_key="NEU", title="Erstes",
                                type="story", status="Offen", now=LATER)  # fmt: skip
    assert _item(session, item_id).source_key == "NEU-1"
    values = editable_values(session, project_key="NEU")
    assert [s.name for s in values.sources[0].statuses] == list(DEFAULT_LOCAL_STATUSES)


def _programme(session: Session, world: EditWorld) -> Programme:
    project = session.get(Project, world.project_id)
    assert project is not None
    programme = session.get(Programme, project.programme_id)
    assert programme is not None
    return programme


@pytest.mark.parametrize(
    ("project_key", "overrides", "field", "code"),
    [
        ("OTH", {}, "project", RejectCode.NO_LOCAL_SOURCE),
        ("NOPE", {}, "project", RejectCode.PROJECT_NOT_FOUND),
        ("EDT", {"type": "saga"}, "type", RejectCode.UNKNOWN_TYPE),
        ("EDT", {"status": "Fertig"}, "status", RejectCode.UNKNOWN_STATUS),
        ("EDT", {"title": ""}, "title", RejectCode.TITLE_EMPTY),
        ("EDT", {"points": 7}, "points", RejectCode.NOT_ON_SCALE),
        ("EDT", {"sprint_id": "j2"}, "sprint", RejectCode.SPRINT_OTHER_SOURCE),
        ("EDT", {"assignee_id": "carla"}, "assignee", RejectCode.NOT_A_MEMBER),
    ],
)
def test_create_local_item_rejections(
    session: Session,
    world: EditWorld,
    project_key: str,
    overrides: dict[str, object],
    field: str,
    code: RejectCode,
) -> None:
    refs = {"j2": world.j2_active, "carla": world.carla}
    kwargs: dict[str, object] = {"title": "Neu", "type": "story", "status": "Offen"}
    kwargs.update({k: refs.get(v, v) if isinstance(v, str) else v for k, v in overrides.items()})
    items = _count(session, WorkItem)
    with pytest.raises(EditRejected) as caught:
        create_local_item(session, actor="a", project_key=project_key, now=LATER, **kwargs)  # type: ignore[arg-type]
    assert (caught.value.field, caught.value.code, caught.value.item_id) == (field, code, None)
    assert _count(session, WorkItem) == items
    [audit] = _audits(session)
    assert (audit.action, audit.outcome) == ("item.create", "rejected")


# --------------------------------------------------------------------------- queries and hooks


def test_pending_write_back_ends_when_the_connector_has_sent_it(
    session: Session, world: EditWorld
) -> None:
    edit_item(session, actor="a", edit=ItemEdit(world.jira_item, 1, points=5), now=LATER)
    assert pending_write_back(session, item_ids=[world.jira_item]) == {world.jira_item}
    for state, pending in (("failed", True), ("conflict", True), ("sent", False)):
        row = session.exec(select(OutboxEdit)).one()
        row.state = state
        session.add(row)
        session.commit()
        assert bool(pending_write_back(session, item_ids=[world.jira_item])) is pending
    assert pending_write_back(session, item_ids=[]) == set()


def test_editable_values(session: Session, world: EditWorld) -> None:
    values = editable_values(session, project_key="EDT")
    assert values.project_id == world.project_id
    assert [s.source_id for s in values.sources] == [world.jira_source_id, world.local_source_id]
    assert values.local_source_id == world.local_source_id
    jira = values.for_source(world.jira_source_id)
    assert jira.tracker_backed
    assert [(s.name, s.category) for s in jira.statuses] == list(STATUSES.items())
    assert jira.points_scale == DEFAULT_POINTS_SCALE
    assert [s.id for s in jira.sprints] == [world.j2_active, world.j3_future]
    local = values.for_source(world.local_source_id)
    assert not local.tracker_backed
    assert [s.name for s in local.statuses] == list(DEFAULT_LOCAL_STATUSES)
    assert [s.id for s in local.sprints] == [world.l1_local]
    assert [p.display_name for p in values.people] == ["Anna Abel", "Ben Berg"]
    with pytest.raises(NotFoundError):
        values.for_source(999)
    with pytest.raises(NotFoundError):
        editable_values(session, project_key="NOPE")


def test_every_command_asks_the_permission_hook(
    session: Session, world: EditWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[str, int]] = []

    def deny(session: Session, actor: str, project_id: int) -> None:
        asked.append((actor, project_id))
        raise EditForbidden("viewers may not edit", actor=actor, project_id=project_id)

    monkeypatch.setattr("sprintfolio.services.edits.require_can_edit", deny)
    before = _snapshot(session, world.jira_item)
    with pytest.raises(EditForbidden):
        edit_item(session, actor="v", edit=ItemEdit(world.jira_item, 1, points=5), now=LATER)
    with pytest.raises(EditForbidden):
        create_local_item(session, actor="v", project_key="EDT", title="x", type="story",
                          status="Offen", now=LATER)  # fmt: skip
    bulk = bulk_edit(session, actor="v", edits=[ItemEdit(world.local_item, 1, points=5)],
                     now=LATER)  # fmt: skip
    assert bulk.items[0].outcome == "forbidden" and bulk.items[0].forbidden is not None
    assert asked == [("v", world.project_id)] * 3
    assert _snapshot(session, world.jira_item) == before
    assert [a.outcome for a in _audits(session)] == ["forbidden"] * 3


def test_bad_calls_fail_loudly(session: Session, world: EditWorld) -> None:
    edit = ItemEdit(world.jira_item, 1, points=5)
    with pytest.raises(ServiceError, match="naive"):
        edit_item(session, actor="a", edit=edit, now=datetime(2026, 11, 24, 12))
    with pytest.raises(ServiceError, match="actor"):
        edit_item(session, actor="  ", edit=edit, now=LATER)
    item = _item(session, world.jira_item)
    item.title = "unsaved"
    session.add(item)
    with pytest.raises(ServiceError, match="uncommitted"):
        edit_item(session, actor="a", edit=edit, now=LATER)
    session.rollback()
    assert _audits(session) == []


def test_a_sprint_change_keeps_sprint_figures_replayable(
    session: Session, world: EditWorld
) -> None:
    """Moving an item between sprints twice leaves it a member of the last one only."""
    edit_item(session, actor="a", edit=ItemEdit(world.jira_item, 1, sprint_id=world.j3_future),
              now=LATER)  # fmt: skip
    edit_item(session, actor="a", edit=ItemEdit(world.jira_item, 2, sprint_id=world.j2_active),
              now=LATER + timedelta(minutes=5))  # fmt: skip
    _assert_replay_matches(session, world.jira_item)
    assert _item(session, world.jira_item).sprint_id == world.j2_active


def test_a_local_source_offers_its_own_statuses_besides_the_defaults(
    session: Session, world: EditWorld
) -> None:
    project = session.get(Project, world.project_id)
    source = session.get(Source, world.local_source_id)
    assert project is not None and source is not None
    make_item(session, source=source, project=project, key="LOC-9", status="Wartet",
              category="todo")  # fmt: skip
    session.commit()
    offered = editable_values(session, project_key="EDT").for_source(world.local_source_id)
    assert [s.name for s in offered.statuses] == [*DEFAULT_LOCAL_STATUSES, "Wartet"]
    # Configured statuses replace the defaults.
    source.settings = {"statuses": {"Neu": "todo", "Fertig": "done"}}
    session.add(source)
    session.commit()
    with pytest.raises(EditRejected):
        edit_item(session, actor="a", edit=ItemEdit(world.local_item, 1, status="Erledigt"),
                  now=LATER)  # fmt: skip
    edit_item(session, actor="a", edit=ItemEdit(world.local_item, 1, status="Fertig"), now=LATER)
    assert _item(session, world.local_item).status_category == "done"


def test_editing_the_seeded_demo(demo_db_url: str, tmp_path: Path) -> None:
    """Every demo project offers values, and an edit of a demo item replays (on a copy)."""
    copy = tmp_path / "demo.db"
    shutil.copyfile(demo_db_url.removeprefix("sqlite:///"), copy)
    engine = create_db_engine(f"sqlite:///{copy}")
    try:
        with Session(engine) as session:
            for project in session.exec(select(Project)).all():
                values = editable_values(session, project_key=project.key)
                assert values.people and all(s.statuses for s in values.sources), project.key
            item = session.exec(
                select(WorkItem)
                .where(col(WorkItem.sprint_id).is_not(None))
                .order_by(col(WorkItem.id))
            ).first()
            assert item is not None
            shown = item_for_edit(session, item_id=item.id or 0)
            options = editable_values(session, project_key=_project_key(session, shown.project_id))
            source = options.for_source(shown.source_id)
            other = next(s.name for s in source.statuses if s.name != shown.status)
            edit_item(session, actor="demo", edit=shown.edit(status=other, sprint_id=None),
                      now=datetime(2026, 11, 24, 12, tzinfo=UTC))  # fmt: skip
            _assert_replay_matches(session, shown.id)
    finally:
        engine.dispose()


def _project_key(session: Session, project_id: int) -> str:
    project = session.get(Project, project_id)
    assert project is not None
    return project.key
