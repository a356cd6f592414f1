"""Fixtures of the connector tests: retry waits off, a fake Jira, a source row, truth checks."""

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import stamina
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models import ItemEvent, Source, SourceAccount, Sprint, WorkItem
from tests.connectors.fake_jira import STATUSES, FakeJira, Flavor, Scenario, jira_time
from tests.connectors.scenarios import demo_scenario

TOKEN_ENV = "SPRINTFOLIO_TEST_JIRA_TOKEN"
TOKEN = "ATATT3xFfGF0-secret-token-value=4711"
CATEGORY = {"new": "todo", "indeterminate": "in_progress", "done": "done"}


@pytest.fixture(autouse=True)
def _no_retry_waits() -> Iterator[None]:
    """Retries keep their attempt count but do not sleep (STYLE.md section 8)."""
    stamina.set_testing(True, attempts=100, cap=True)
    yield
    stamina.set_testing(False)


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    return TOKEN


@pytest.fixture(params=["cloud", "dc"])
def flavor(request: pytest.FixtureRequest) -> Flavor:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def jira(flavor: Flavor, token: str) -> Iterator[FakeJira]:
    with FakeJira(demo_scenario(), flavor=flavor, token=token) as server:
        yield server


def add_source(engine: Engine, jira: FakeJira, *, name: str = "jira-mainz", **settings: Any) -> int:
    """A source row pointing at ``jira`` (token from TOKEN_ENV)."""
    values: dict[str, Any] = {"boards": sorted(jira.scenario.boards), **settings}
    if jira.flavor == "cloud":
        values.setdefault("email", jira.email)
    with Session(engine) as session:
        source = Source(
            name=name,
            kind="jira-cloud" if jira.flavor == "cloud" else "jira-dc",
            base_url=jira.url,
            token_env=TOKEN_ENV,
            settings=values,
        )
        session.add(source)
        session.commit()
        assert source.id is not None
        return source.id


def store_events(session: Session, source_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """The remote events of every item of the source, as comparable tuples, by item key."""
    sprints = dict(session.exec(select(Sprint.id, Sprint.source_key)).all())
    accounts = dict(
        session.exec(
            select(SourceAccount.person_id, SourceAccount.remote_id).where(
                col(SourceAccount.source_id) == source_id
            )
        ).all()
    )
    rows = session.exec(
        select(WorkItem.source_key, ItemEvent)
        .join(ItemEvent, col(ItemEvent.item_id) == col(WorkItem.id))
        .where(col(WorkItem.source_id) == source_id, col(ItemEvent.origin) == "remote")
    ).all()
    result: dict[str, list[tuple[Any, ...]]] = {}
    for key, event in rows:
        if (event.remote_id or "").startswith(("gone@", "back@")):
            continue  # marks of the reconciliation, not tracker history
        result.setdefault(key, []).append(
            (
                event.remote_id,
                event.kind,
                event.at,
                event.status,
                event.status_category,
                event.points,
                sprints.get(event.sprint_id) if event.sprint_id else None,
                accounts.get(event.assignee_id) if event.assignee_id else None,
            )
        )
    return result


def assert_store_matches(
    engine: Engine,
    source_id: int,
    scenario: Scenario,
    flavor: Flavor,
    *,
    overrides: dict[str, str] | None = None,
) -> None:
    """The store holds exactly the tracker's items and events: nothing lost, nothing twice."""
    overrides = overrides or {}

    def category(status: str) -> str:
        return overrides.get(status, CATEGORY[STATUSES[status][1]])

    with Session(engine) as session:
        items = {
            w.source_key: w
            for w in session.exec(
                select(WorkItem).where(
                    col(WorkItem.source_id) == source_id, col(WorkItem.remote_version) != "gone"
                )
            ).all()
        }
        sprints = dict(session.exec(select(Sprint.id, Sprint.source_key)).all())
        accounts = dict(
            session.exec(
                select(SourceAccount.person_id, SourceAccount.remote_id).where(
                    col(SourceAccount.source_id) == source_id
                )
            ).all()
        )
        assert sorted(items) == sorted(scenario.issues), "items differ"
        for key, issue in scenario.issues.items():
            row = items[key]
            assert row.status == issue.status, key
            assert row.status_category == category(issue.status), key
            assert row.points == issue.points, key
            assert row.title == issue.summary, key
            assert row.remote_version == jira_time(issue.updated, flavor), key
            assert row.created_at == issue.created, key
            assert (row.resolved_at is not None) == (issue.resolved is not None), key
            expected_assignee = (
                scenario.users[issue.assignee].ident(flavor) if issue.assignee else None
            )
            assert accounts.get(row.assignee_id) == expected_assignee, key
            current = {str(s) for s in issue.sprints}
            assert (sprints.get(row.sprint_id) in current) if current else row.sprint_id is None, (
                key
            )
        stored = store_events(session, source_id)
    for key in scenario.issues:
        expected = [
            (
                e.remote_id,
                e.kind,
                e.at,
                e.status,
                overrides.get(e.status, e.category) if e.status else e.category,
                e.points,
                e.sprint,
                e.assignee,
            )
            for e in scenario.expected_events(key, flavor)
        ]
        got = stored.get(key, [])
        duplicates = [k for k, n in Counter(got).items() if n > 1]
        assert not duplicates, f"{key}: duplicated events {duplicates}"
        assert sorted(got, key=repr) == sorted(expected, key=repr), f"{key}: events differ"
