"""Full reconciliation: deleted and moved items, renames inside the synced projects, returns.

Design (connectors/sync.py): an item the tracker no longer lists is read by
key; gone (404) or moved to a project this source does not sync → kept with
its history, marked ``remote_version = "gone"``, status "Removed in tracker"
(category cancelled) and removed from every sprint that is not closed, by
events at the moment of detection. Closed sprints keep their figures.
"""

from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from connectors.sync import GONE_STATUS, GONE_VERSION, sync_source
from models import ItemEvent, Project, Sprint, WorkItem
from sprintfolio.services.sprints import sprint_report
from tests.connectors.conftest import add_source, assert_store_matches
from tests.connectors.fake_jira import FakeJira
from tests.connectors.scenarios import at

pytestmark = pytest.mark.db

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def _item(session: Session, key: str) -> WorkItem:
    return session.exec(select(WorkItem).where(col(WorkItem.source_key) == key)).one()


def _figures(engine: Engine, sprint_key: str) -> tuple[float, ...]:
    with Session(engine) as session:
        sprint = session.exec(select(Sprint).where(col(Sprint.source_key) == sprint_key)).one()
        assert sprint.id is not None
        p = sprint_report(session, sprint_id=sprint.id, now=NOW).figures.points
        return (p.committed, p.added, p.removed, p.completed, p.not_completed)


def test_deleted_item_is_marked_gone_on_a_full_run(engine: Engine, jira: FakeJira) -> None:
    source_id = add_source(engine, jira)
    sync_source(engine, source="jira-mainz")
    closed = _figures(engine, "101"), _figures(engine, "102")
    jira.scenario.delete("MZ-12")

    assert sync_source(engine, source="jira-mainz").gone == 0  # "updated since" cannot see it
    summary = sync_source(engine, source="jira-mainz", full=True)
    assert summary.gone == 1
    assert any("MZ-12 is gone" in w and "deleted" in w for w in summary.warnings)
    with Session(engine) as session:
        item = _item(session, "MZ-12")
        assert (item.remote_version, item.status, item.status_category, item.sprint_id) == (
            GONE_VERSION,
            GONE_STATUS,
            "cancelled",
            None,
        )
        marks = session.exec(
            select(ItemEvent).where(
                col(ItemEvent.item_id) == item.id, col(ItemEvent.remote_id).startswith("gone@")
            )
        ).all()
        s3 = session.exec(select(Sprint).where(col(Sprint.source_key) == "103")).one()
        assert sorted((e.kind, e.status_category, e.sprint_id) for e in marks) == [
            ("sprint_removed", None, s3.id),
            ("status", "cancelled", None),
        ]
    assert (_figures(engine, "101"), _figures(engine, "102")) == closed
    assert_store_matches(engine, source_id, jira.scenario, jira.flavor)  # the others untouched

    assert sync_source(engine, source="jira-mainz", full=True).gone == 0  # marked once


def test_item_moved_to_an_unsynced_project_is_gone(engine: Engine, jira: FakeJira) -> None:
    add_source(engine, jira)
    sync_source(engine, source="jira-mainz")
    jira.scenario.change("MZ-10", at=at(2, 6), new_key="OTHER-1")
    summary = sync_source(engine, source="jira-mainz", full=True)
    assert summary.gone == 1
    assert any("moved to project OTHER" in w for w in summary.warnings)
    with Session(engine) as session:
        assert _item(session, "MZ-10").remote_version == GONE_VERSION


def test_item_moved_between_synced_projects_keeps_its_history(engine: Engine, token: str) -> None:
    from tests.connectors.scenarios import demo_scenario

    scenario = demo_scenario()
    scenario.projects["WEB"] = "Webauftritt"
    scenario.boards[6] = "WEB"
    with FakeJira(scenario, flavor="cloud", token=token) as server:
        source_id = add_source(engine, server)
        sync_source(engine, source="jira-mainz")
        with Session(engine) as session:
            before = _item(session, "MZ-10")
            events_before = len(
                session.exec(select(ItemEvent).where(col(ItemEvent.item_id) == before.id)).all()
            )
        scenario.change("MZ-10", at=at(2, 6), new_key="WEB-1")
        summary = sync_source(engine, source="jira-mainz")  # incremental is enough
        assert summary.mode == "incremental" and summary.gone == 0
        with Session(engine) as session:
            moved = _item(session, "WEB-1")
            web = session.exec(select(Project).where(col(Project.key) == "WEB")).one()
            assert moved.id == before.id and moved.project_id == web.id
            assert moved.version == before.version + 1
            events = session.exec(select(ItemEvent).where(col(ItemEvent.item_id) == moved.id)).all()
            assert len(events) == events_before  # the key change is no metrics event
            assert not session.exec(
                select(WorkItem).where(col(WorkItem.source_key) == "MZ-10")
            ).first()
        assert_store_matches(engine, source_id, scenario, "cloud")


def test_item_that_comes_back_gets_its_status_and_sprint_back(
    engine: Engine, jira: FakeJira
) -> None:
    source_id = add_source(engine, jira)
    sync_source(engine, source="jira-mainz")
    issue = jira.scenario.issues["MZ-10"]
    jira.scenario.delete("MZ-10")
    sync_source(engine, source="jira-mainz", full=True)
    jira.scenario.issues["MZ-10"] = issue  # e.g. permissions restored
    summary = sync_source(engine, source="jira-mainz", full=True)
    assert summary.gone == 0
    assert_store_matches(engine, source_id, jira.scenario, jira.flavor)
    with Session(engine) as session:
        item = _item(session, "MZ-10")
        back = session.exec(
            select(ItemEvent).where(
                col(ItemEvent.item_id) == item.id, col(ItemEvent.remote_id).startswith("back@")
            )
        ).all()
        assert sorted(e.kind for e in back) == ["sprint_added", "status"]
        assert item.status == "In Progress" and item.sprint_id is not None
