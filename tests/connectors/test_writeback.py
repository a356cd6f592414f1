"""Write-back: edits made through sprintfolio.services.edits arrive in the fake Jira exactly once.

Also: the conflict path (the tracker's ``updated`` moved on), the retry paths
(a 500 before or after the tracker applied the write), a crash between the
attempt mark and the write, workflows without a transition, and that the
token never reaches the database, the logs or an exception text.
"""

import base64
import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from connectors.errors import AuthError
from connectors.sync import sync_source
from connectors.writeback import push_outbox
from models import AuditEntry, OutboxEdit, Person, Sprint, WorkItem
from sprintfolio.services.edits import ItemEdit, edit_item
from tests.connectors.conftest import TOKEN, TOKEN_ENV, add_source, assert_store_matches
from tests.connectors.fake_jira import FakeJira, FakeSprint, jira_time
from tests.connectors.scenarios import at

pytestmark = pytest.mark.db

NOW = datetime(2026, 2, 6, 9, tzinfo=UTC)
ISSUE = r"/issue/MZ-10$"


@pytest.fixture
def synced(engine: Engine, jira: FakeJira) -> FakeJira:
    jira.scenario.sprint(FakeSprint(104, "MZ Sprint 4", "future", 5, at(2, 16, 8), at(2, 27, 16)))
    add_source(engine, jira)
    sync_source(engine, source="jira-mainz")
    jira.requests.clear()
    return jira


def _edit(engine: Engine, key: str = "MZ-10", **values: object) -> int:
    with Session(engine) as session:
        item = session.exec(select(WorkItem).where(col(WorkItem.source_key) == key)).one()
        assert item.id is not None
        result = edit_item(
            session,
            actor="anna",
            now=NOW,
            edit=ItemEdit(item_id=item.id, expected_version=item.version, **values),  # type: ignore[arg-type]
        )
        assert result.outbox_id is not None
        return result.outbox_id


def _outbox(engine: Engine, outbox_id: int) -> OutboxEdit:
    with Session(engine) as session:
        row = session.get(OutboxEdit, outbox_id)
        assert row is not None
        return row


def _writes(jira: FakeJira) -> list[str]:
    return [f"{r.method} {r.path}" for r in jira.requests if r.method != "GET"]


def test_status_edit_goes_through_a_transition(engine: Engine, synced: FakeJira) -> None:
    outbox_id = _edit(engine, status="Done")
    summary = push_outbox(engine, source="jira-mainz")
    assert (summary.sent, summary.conflicts, summary.failed, summary.pending) == (1, 0, 0, 0)
    issue = synced.scenario.issues["MZ-10"]
    assert issue.status == "Done"
    api = "/rest/api/3" if synced.flavor == "cloud" else "/rest/api/2"
    assert _writes(synced) == [f"POST {api}/issue/MZ-10/transitions"]
    row = _outbox(engine, outbox_id)
    assert (row.state, row.attempts, row.last_error) == ("sent", 1, None)
    with Session(engine) as session:
        item = session.exec(select(WorkItem).where(col(WorkItem.source_key) == "MZ-10")).one()
        assert item.remote_version == jira_time(issue.updated, synced.flavor)
        audit = session.exec(
            select(AuditEntry).where(col(AuditEntry.action) == "outbox.push")
        ).one()
        assert audit.outcome == "sent"
    # the next sync brings the tracker's history of the change; the store equals the tracker
    sync_source(engine, source="jira-mainz")
    assert_store_matches(engine, 1, synced.scenario, synced.flavor)


def test_points_title_and_assignee_in_one_put(engine: Engine, synced: FakeJira) -> None:
    with Session(engine) as session:
        clara = session.exec(select(Person).where(col(Person.display_name) == "Clara Wagner")).one()
    _edit(engine, points=8.0, title="Quittung als PDF/A", assignee_id=clara.id)
    assert push_outbox(engine, source="jira-mainz").sent == 1
    issue = synced.scenario.issues["MZ-10"]
    assert (issue.points, issue.summary, issue.assignee) == (8.0, "Quittung als PDF/A", "clara")
    puts = [r for r in synced.requests if r.method == "PUT"]
    assert len(puts) == 1
    assignee = puts[0].body["fields"]["assignee"]
    if synced.flavor == "cloud":
        assert assignee == {"accountId": synced.scenario.users["clara"].account_id}
    else:
        assert assignee == {"name": "clara"}
    sync_source(engine, source="jira-mainz")
    assert_store_matches(engine, 1, synced.scenario, synced.flavor)


def test_sprint_edit_moves_the_issue_and_backlog_removes_it(
    engine: Engine, synced: FakeJira
) -> None:
    with Session(engine) as session:
        s4 = session.exec(select(Sprint).where(col(Sprint.source_key) == "104")).one()
    _edit(engine, sprint_id=s4.id)
    assert push_outbox(engine, source="jira-mainz").sent == 1
    assert synced.scenario.issues["MZ-10"].sprints == [104]
    assert _writes(synced) == ["POST /rest/agile/1.0/sprint/104/issue"]
    sync_source(engine, source="jira-mainz")
    _edit(engine, sprint_id=None)
    assert push_outbox(engine, source="jira-mainz").sent == 1
    assert synced.scenario.issues["MZ-10"].sprints == []
    sync_source(engine, source="jira-mainz")
    assert_store_matches(engine, 1, synced.scenario, synced.flavor)


def test_conflict_when_the_tracker_changed_meanwhile(engine: Engine, synced: FakeJira) -> None:
    outbox_id = _edit(engine, status="Done", points=3.0)
    synced.scenario.change("MZ-10", at=at(2, 7), points=13, author="ben")
    summary = push_outbox(engine, source="jira-mainz")
    assert summary.conflicts == 1
    row = _outbox(engine, outbox_id)
    issue = synced.scenario.issues["MZ-10"]
    expected = jira_time(at(2, 3), synced.flavor)
    now = jira_time(issue.updated, synced.flavor)
    assert row.state == "conflict"
    assert f"expected updated {expected}, tracker has {now}" in (row.last_error or "")
    assert "points: wanted 3.0, tracker has 13.0" in (row.last_error or "")
    assert (issue.status, issue.points) == ("In Progress", 13)  # nothing overwritten
    assert _writes(synced) == []


def test_a_500_on_the_first_put_applies_the_edit_exactly_once(
    engine: Engine, synced: FakeJira
) -> None:
    outbox_id = _edit(engine, points=8.0)
    histories = len(synced.scenario.issues["MZ-10"].histories)
    synced.fail(ISSUE, method="PUT", status=500, times=1)
    assert push_outbox(engine, source="jira-mainz").sent == 1
    issue = synced.scenario.issues["MZ-10"]
    assert issue.points == 8.0 and len(issue.histories) == histories + 1
    assert len([r for r in synced.requests if r.method == "PUT"]) == 2
    assert _outbox(engine, outbox_id).attempts == 2


def test_a_500_after_the_tracker_applied_it_is_not_sent_again(
    engine: Engine, synced: FakeJira
) -> None:
    outbox_id = _edit(engine, points=8.0, status="Done")
    histories = len(synced.scenario.issues["MZ-10"].histories)
    synced.fail(ISSUE, method="PUT", status=500, times=1, apply_first=True)
    assert push_outbox(engine, source="jira-mainz").sent == 1
    issue = synced.scenario.issues["MZ-10"]
    assert (issue.points, issue.status) == (8.0, "Done")
    assert len(issue.histories) == histories + 2  # the PUT once, the transition once
    assert len([r for r in synced.requests if r.method == "PUT"]) == 1
    assert _outbox(engine, outbox_id).state == "sent"


def test_after_a_crash_the_edit_is_checked_before_sending_again(
    engine: Engine, synced: FakeJira
) -> None:
    applied = _edit(engine, "MZ-10", points=8.0)
    unapplied = _edit(engine, "MZ-12", title="Gebührenrechner 2")
    with Session(engine) as session:  # both were marked, then the process died
        for outbox_id in (applied, unapplied):
            row = session.get(OutboxEdit, outbox_id)
            assert row is not None
            row.attempts = 1
        session.commit()
    synced.scenario.change("MZ-10", at=synced.scenario.tick(), author="pmo", points=8.0)
    assert push_outbox(engine, source="jira-mainz").sent == 2
    puts = [r.path for r in synced.requests if r.method == "PUT"]
    assert puts == [puts[0]] and puts[0].endswith("/issue/MZ-12")  # MZ-10 was not sent again
    assert synced.scenario.issues["MZ-12"].summary == "Gebührenrechner 2"


def test_partial_write_before_a_crash_becomes_a_conflict(engine: Engine, synced: FakeJira) -> None:
    outbox_id = _edit(engine, points=8.0, status="Done")
    with Session(engine) as session:
        row = session.get(OutboxEdit, outbox_id)
        assert row is not None
        row.attempts = 1
        session.commit()
    synced.scenario.change("MZ-10", at=synced.scenario.tick(), author="pmo", points=8.0)
    assert push_outbox(engine, source="jira-mainz").conflicts == 1
    row = _outbox(engine, outbox_id)
    assert "an earlier attempt may have written part of the edit" in (row.last_error or "")
    assert synced.scenario.issues["MZ-10"].status == "In Progress"


def test_no_transition_to_the_status_fails_with_advice(engine: Engine, synced: FakeJira) -> None:
    synced.scenario.forbidden.add(("In Progress", "Won't Do"))
    outbox_id = _edit(engine, status="Won't Do")
    assert push_outbox(engine, source="jira-mainz").failed == 1
    row = _outbox(engine, outbox_id)
    assert row.state == "failed"
    assert 'no transition leads to status "Won\'t Do"' in (row.last_error or "")
    assert "reachable: Done, In Review, To Do" in (row.last_error or "")


def test_edits_of_one_item_are_pushed_in_order(engine: Engine, synced: FakeJira) -> None:
    first = _edit(engine, status="In Review")
    second = _edit(engine, points=3.0)
    assert push_outbox(engine, source="jira-mainz").sent == 2
    assert _outbox(engine, first).state == _outbox(engine, second).state == "sent"
    issue = synced.scenario.issues["MZ-10"]
    assert (issue.status, issue.points) == ("In Review", 3.0)


def test_sync_pushes_pending_edits_first(engine: Engine, synced: FakeJira) -> None:
    _edit(engine, status="Done")
    summary = sync_source(engine, source="jira-mainz")
    assert summary.pushed == 1
    with Session(engine) as session:
        item = session.exec(select(WorkItem).where(col(WorkItem.source_key) == "MZ-10")).one()
        assert item.status == "Done"
    assert_store_matches(engine, 1, synced.scenario, synced.flavor)


def test_the_token_appears_nowhere(
    engine: Engine,
    synced: FakeJira,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    _edit(engine, status="Done")
    _edit(engine, "MZ-12", points=5.0)
    synced.fail(r"/issue/MZ-12$", method="PUT", status=500, times=1)
    synced.fail(r"/search", status=500, times=2)
    sync_source(engine, source="jira-mainz", full=True)
    monkeypatch.setenv(TOKEN_ENV, "wrong")
    messages = []
    with pytest.raises(AuthError) as caught:
        sync_source(engine, source="jira-mainz")
    messages.append(str(caught.value))
    basic = base64.b64encode(f"{synced.email}:{TOKEN}".encode()).decode()
    dump = []
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            dump += [repr(tuple(row)) for row in conn.execute(sa_select(table))]
    for text in ("\n".join(dump), caplog.text, *messages):
        assert TOKEN not in text and basic not in text
    assert TOKEN_ENV in "\n".join(dump)  # the variable's name is stored, its value never
