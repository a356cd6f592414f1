"""The Sources page's service: source status, freshness, and "sync now" against the fake Jira."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models import Source
from sprintfolio.services.source_status import list_sources, run_sync_now
from tests.connectors.conftest import TOKEN_ENV, add_source
from tests.connectors.fake_jira import FakeJira

pytestmark = pytest.mark.db

NOW = datetime(2026, 11, 24, 11, tzinfo=UTC)


def test_demo_sources_show_freshness_errors_and_refuse_to_sync(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        sources = {s.name: s for s in list_sources(session, now=NOW)}
    assert len(sources) == 5
    redmine = sources["Redmine Internetredaktion"]
    assert redmine.freshness.rag == "amber" and "401" in (redmine.last_error or "")
    assert len(redmine.runs) == 3 and redmine.runs[0].outcome == "failed"  # newest first
    assert sources["Sprintfolio lokal"].not_syncable == "local"
    assert sources["Jira mainzDIGITAL"].not_syncable == "demo"
    assert sources["Jira mainzDIGITAL"].projects == (
        "Moderner Arbeitsplatz (Betriebssystem-Ablösung)",
        "OZG-Onlinedienste",
    )
    assert run_sync_now(demo_engine, source_name="Jira mainzDIGITAL").refused == "demo"
    assert run_sync_now(demo_engine, source_name="nope").refused == "unknown"


@pytest.mark.parametrize("flavor", ["cloud"], indirect=True)
def test_sync_now_pulls_the_tracker_and_turns_fresh(engine: Engine, jira: FakeJira) -> None:
    add_source(engine, jira)
    with Session(engine) as session:
        (before,) = list_sources(session, now=NOW)
    assert before.freshness.rag == "red" and before.token_set and before.not_syncable is None

    result = run_sync_now(engine, source_name="jira-mainz")

    assert result.error is None and result.summary is not None
    assert result.summary.outcome == "ok" and result.summary.items > 0
    with Session(engine) as session:
        (after,) = list_sources(session, now=datetime.now(UTC) + timedelta(minutes=1))
    assert after.freshness.rag == "green" and len(after.runs) == 1
    assert after.runs[0].items == result.summary.items


@pytest.mark.parametrize("flavor", ["cloud"], indirect=True)
def test_auth_failure_is_a_plain_message_without_the_token(
    engine: Engine, jira: FakeJira, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_source(engine, jira)
    wrong = "wrong-token-value-0815"
    monkeypatch.setenv(TOKEN_ENV, wrong)

    result = run_sync_now(engine, source_name="jira-mainz")

    assert result.summary is None and result.error is not None
    assert "jira-mainz" in result.error and TOKEN_ENV in result.error
    assert wrong not in result.error
    with Session(engine) as session:
        source = session.exec(select(Source)).one()
        assert wrong not in (source.last_error or "")
