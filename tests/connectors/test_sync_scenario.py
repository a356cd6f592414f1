"""The demo scenario through a real sync: the store equals the tracker, the figures equal hand sums.

Figures by hand (see tests/connectors/scenarios.py for the stories), with
"Won't Do" mapped to cancelled through ``status_overrides``:

Sprint 1 (closed 01-16 15:00): committed MZ-1 3 + MZ-2 5 + MZ-3 2 + MZ-5 5 + MZ-6 3 = 18
(5 items); added MZ-4 1 + MZ-2's re-estimate 3 = 4 (1 item); removed MZ-5 5 (1 item);
completed MZ-1 3 + MZ-2 8 + MZ-4 1 = 12 (3 items); not completed MZ-3 2 + MZ-6 3 = 5
(2 items). Burndown, end of each Berlin day 01-05 … 01-16:
18, 18, 22 (re-estimate, MZ-4 added), 17 (MZ-5 removed), 13 (MZ-1, MZ-4 done), 13, 13,
13, 10 (MZ-6 done), 2 (MZ-2 done), 5 (MZ-6 reopened), 5.

Sprint 2 (closed 01-30 15:00): committed MZ-3 2 + MZ-5 5 + MZ-6 3 + MZ-7 8 + MZ-9 0 +
MZ-13 2 = 20 (6 items; the sub-task MZ-11 never counts); added MZ-8 2 + MZ-9's
estimate 1 = 3 (1 item); removed MZ-13 (cancelled) 2 (1 item); completed MZ-3 2 + MZ-5 5
+ MZ-6 3 + MZ-8 2 + MZ-9 1 = 13 (5 items); not completed MZ-7 8 (1 item). Burndown
01-19 … 01-30: 20, 20, 18, 18, 18, 18, 18, 16, 14, 9, 8, 8.

Velocity (closed sprints) = (12 + 13) / 2 = 12.5.

Sprint 3 (active, as of 02-05 12:00): committed MZ-7 8 + MZ-10 5 + MZ-12 3 = 16;
MZ-12 done 02-04 → remaining 16, 16, 13, 13 (02-02 … 02-05).
"""

from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from connectors.sync import sync_source
from metrics.velocity import velocity
from models import (
    AuditEntry,
    ItemEvent,
    Person,
    Project,
    ProjectSource,
    Source,
    SourceAccount,
    Sprint,
    SyncRun,
    WorkItem,
)
from sprintfolio.services.sprints import SprintReport, sprint_report
from tests.connectors.conftest import add_source, assert_store_matches
from tests.connectors.fake_jira import FakeJira
from tests.connectors.scenarios import at

pytestmark = pytest.mark.db

OVERRIDES = {"Won't Do": "cancelled"}
NOW = datetime(2026, 2, 5, 12, tzinfo=UTC)


def _report(engine: Engine, sprint_key: str) -> SprintReport:
    with Session(engine) as session:
        sprint = session.exec(select(Sprint).where(col(Sprint.source_key) == sprint_key)).one()
        assert sprint.id is not None
        return sprint_report(session, sprint_id=sprint.id, now=NOW)


def _points(report: SprintReport) -> tuple[float, ...]:
    p = report.figures.points
    return (p.committed, p.added, p.removed, p.completed, p.not_completed)


def _items(report: SprintReport) -> tuple[float, ...]:
    p = report.figures.items
    return (p.committed, p.added, p.removed, p.completed, p.not_completed)


def test_sync_gives_the_hand_computed_figures(engine: Engine, jira: FakeJira) -> None:
    source_id = add_source(engine, jira, status_overrides=OVERRIDES, page_size=4)
    summary = sync_source(engine, source="jira-mainz")

    assert summary.outcome == "ok" and summary.mode == "full"
    assert summary.items == 13 and summary.pages == 4
    assert_store_matches(engine, source_id, jira.scenario, jira.flavor, overrides=OVERRIDES)

    s1, s2, s3 = _report(engine, "101"), _report(engine, "102"), _report(engine, "103")
    assert _points(s1) == (18, 4, 5, 12, 5)
    assert _items(s1) == (5, 1, 1, 3, 2)
    assert [d.value for d in s1.burndown.remaining_by_day] == [
        18,
        18,
        22,
        17,
        13,
        13,
        13,
        13,
        10,
        2,
        5,
        5,
    ]
    assert s1.figures.added_keys == ("MZ-4",) and s1.figures.removed_keys == ("MZ-5",)
    assert s1.figures.re_estimated_keys == ("MZ-2",)
    assert _points(s2) == (20, 3, 2, 13, 8)
    assert _items(s2) == (6, 1, 1, 5, 1)
    assert s2.figures.descoped_keys == ("MZ-13",)
    assert [d.value for d in s2.burndown.remaining_by_day] == [
        20,
        20,
        18,
        18,
        18,
        18,
        18,
        16,
        14,
        9,
        8,
        8,
    ]
    stat = velocity([s1.figures.points.completed, s2.figures.points.completed], window=3)
    assert stat is not None and stat.mean == 12.5
    assert s3.figures.points.committed == 16
    assert [d.value for d in s3.burndown.remaining_by_day] == [16, 16, 13, 13]


def test_sync_records_run_project_people_and_statuses(engine: Engine, jira: FakeJira) -> None:
    source_id = add_source(engine, jira, status_overrides=OVERRIDES)
    summary = sync_source(engine, source="jira-mainz")
    with Session(engine) as session:
        run = session.exec(select(SyncRun)).one()
        assert (run.outcome, run.mode, run.items, run.pages) == ("ok", "full", 13, 1)
        assert run.requests == summary.requests > 0 and run.events == summary.events == 63
        assert run.finished_at is not None and run.error is None
        source = session.get(Source, source_id)
        assert source is not None and source.last_success_at is not None
        assert source.last_error is None
        assert source.cursor == at(2, 4).isoformat()
        assert source.settings["statuses"]["Won't Do"] == "cancelled"
        assert source.settings["statuses"]["In Review"] == "in_progress"
        assert set(source.settings["fields"]) == {"points", "points_name", "sprint"}
        project = session.exec(select(Project)).one()
        assert (project.key, project.name) == ("MZ", "Bürgerportal Mainz")
        link = session.exec(select(ProjectSource)).one()
        assert (link.project_id, link.remote_key) == (project.id, "MZ")
        people = {p.display_name for p in session.exec(select(Person)).all()}
        assert people == {"Anna Becker", "Ben Schmitt", "Clara Wagner"}
        assert len(session.exec(select(SourceAccount)).all()) == 3
        sub = session.exec(select(WorkItem).where(col(WorkItem.source_key) == "MZ-11")).one()
        parent = session.exec(select(WorkItem).where(col(WorkItem.source_key) == "MZ-7")).one()
        assert sub.type == "sub-task" and sub.parent_id == parent.id
        audit = session.exec(
            select(AuditEntry).where(col(AuditEntry.action) == "source.sync")
        ).one()
        assert audit.outcome == "ok" and audit.changes["items"] == 13
        s1 = session.exec(select(Sprint).where(col(Sprint.source_key) == "101")).one()
        assert (s1.name, s1.state, s1.goal) == ("MZ Sprint 1", "closed", "Login")
        assert s1.completed_at == at(1, 16, 15)


def test_second_run_is_incremental_and_adds_nothing(engine: Engine, jira: FakeJira) -> None:
    source_id = add_source(engine, jira)
    sync_source(engine, source="jira-mainz")
    with Session(engine) as session:
        before = len(session.exec(select(ItemEvent)).all())
        versions = dict(session.exec(select(WorkItem.source_key, WorkItem.version)).all())
    summary = sync_source(engine, source="jira-mainz")
    assert summary.mode == "incremental" and summary.events == 0
    assert summary.items == 1  # MZ-12, inside the 5-minute overlap
    with Session(engine) as session:
        assert len(session.exec(select(ItemEvent)).all()) == before
        assert dict(session.exec(select(WorkItem.source_key, WorkItem.version)).all()) == versions
    assert_store_matches(engine, source_id, jira.scenario, jira.flavor)


def test_incremental_run_picks_up_changes_and_bumps_versions(
    engine: Engine, jira: FakeJira
) -> None:
    source_id = add_source(engine, jira)
    sync_source(engine, source="jira-mainz")
    jira.scenario.change("MZ-10", at=at(2, 6), status="Done", points=3)
    jira.scenario.create("MZ-14", at=at(2, 6, 11), summary="Neu im Sprint", points=2, sprints=[103])
    summary = sync_source(engine, source="jira-mainz")
    assert summary.mode == "incremental" and summary.items == 3  # with MZ-12 (overlap)
    assert_store_matches(engine, source_id, jira.scenario, jira.flavor)
    with Session(engine) as session:
        item = session.exec(select(WorkItem).where(col(WorkItem.source_key) == "MZ-10")).one()
        assert item.version == 2 and item.status_category == "done"
        assert item.resolved_at == at(2, 6)
    search = [r for r in jira.requests if r.path.endswith(("/search/jql", "/2/search"))]
    last_jql = [r.query["jql"] for r in search if "updated" in r.query.get("jql", "")][-1]
    # cursor 02-04 10:00 UTC = 11:00 Berlin, minus the 5-minute overlap, in the user's zone
    assert 'updated >= "2026-02-04 10:55"' in last_jql


def test_full_flag_rereads_everything(engine: Engine, jira: FakeJira) -> None:
    add_source(engine, jira)
    sync_source(engine, source="jira-mainz")
    summary = sync_source(engine, source="jira-mainz", full=True)
    assert summary.mode == "full" and summary.items == 13 and summary.events == 0


def test_dc_sprint_field_in_string_form(engine: Engine, token: str) -> None:
    from tests.connectors.scenarios import demo_scenario

    with FakeJira(demo_scenario(), flavor="dc", token=token, sprint_strings=True) as server:
        source_id = add_source(engine, server)
        sync_source(engine, source="jira-mainz")
        assert_store_matches(engine, source_id, server.scenario, "dc")


def test_project_setting_sends_everything_to_one_project(engine: Engine, jira: FakeJira) -> None:
    add_source(engine, jira, project="Digitale Verwaltung")
    sync_source(engine, source="jira-mainz")
    with Session(engine) as session:
        project = session.exec(select(Project)).one()
        assert project.name == "Digitale Verwaltung"
        assert {w.project_id for w in session.exec(select(WorkItem)).all()} == {project.id}
