"""Faults of the fake Jira during a sync: recovered with nothing lost or doubled, or a clear error.

A fault the retries absorb must end with the store equal to the tracker. A
fault they cannot absorb must fail the run with one message naming the source
and what to check, record it (SyncRun, Source.last_error, AuditEntry), and
leave the data of earlier runs as it was; the next run then completes.
"""

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from connectors.errors import (
    AuthError,
    BudgetExceeded,
    PayloadError,
    RateLimited,
    Unavailable,
)
from connectors.sync import sync_source
from models import AuditEntry, Source, SyncRun
from tests.connectors.conftest import TOKEN, TOKEN_ENV, add_source, assert_store_matches
from tests.connectors.fake_jira import FakeJira
from tests.connectors.scenarios import demo_scenario

pytestmark = pytest.mark.db

SEARCH = r"/search(/jql)?$"


def _search_path(jira: FakeJira) -> str:
    return "/rest/api/3/search/jql" if jira.flavor == "cloud" else "/rest/api/2/search"


def _last_run(engine: Engine) -> SyncRun:
    with Session(engine) as session:
        return session.exec(select(SyncRun).order_by(col(SyncRun.id).desc())).first()  # type: ignore[return-value]


def _fails_cleanly(engine: Engine, jira: FakeJira, source_id: int, error: type[Exception]) -> str:
    """Run a sync that must fail; check the record and that the earlier data is intact."""
    with pytest.raises(error) as caught:
        sync_source(engine, source="jira-mainz")
    message = str(caught.value)
    assert message.startswith("source 'jira-mainz': ")
    assert TOKEN not in message
    run = _last_run(engine)
    assert run.outcome == "failed" and run.error == message and run.finished_at is not None
    with Session(engine) as session:
        source = session.get(Source, source_id)
        assert source is not None and source.last_error == message
        audit = session.exec(select(AuditEntry).where(col(AuditEntry.outcome) == "failed")).first()
        assert audit is not None and audit.changes["error"] == message
    assert_store_matches(engine, source_id, jira.scenario, jira.flavor)
    return message


@pytest.mark.parametrize("status", [429, 503])
def test_rate_limits_are_waited_out(engine: Engine, jira: FakeJira, status: int) -> None:
    source_id = add_source(engine, jira, page_size=4)
    jira.fail(SEARCH, status=status, times=2, headers={"Retry-After": "7"}, after=1)
    summary = sync_source(engine, source="jira-mainz")
    assert summary.retries == 2
    assert _last_run(engine).retries == 2
    assert_store_matches(engine, source_id, jira.scenario, jira.flavor)


def test_rate_limit_that_never_ends_fails_with_the_hint(engine: Engine, jira: FakeJira) -> None:
    source_id = add_source(engine, jira)
    sync_source(engine, source="jira-mainz")
    jira.fail(SEARCH, status=429, times=100, headers={"Retry-After": "3"})
    message = _fails_cleanly(engine, jira, source_id, RateLimited)
    assert "rate limited" in message and "wait 3 s" in message and "after 6 attempts" in message


def test_a_retry_after_of_an_hour_is_not_waited_for(engine: Engine, jira: FakeJira) -> None:
    source_id = add_source(engine, jira)
    sync_source(engine, source="jira-mainz")
    jira.fail(SEARCH, status=429, times=1, headers={"Retry-After": "3600"})
    message = _fails_cleanly(engine, jira, source_id, RateLimited)
    assert "wait 3600 s" in message and "after 1 attempt " in message


def test_server_errors_are_retried(engine: Engine, jira: FakeJira) -> None:
    source_id = add_source(engine, jira, page_size=4)
    jira.fail(SEARCH, status=500, times=3, after=2)
    jira.fail(r"/sprint$", status=502, times=1)
    summary = sync_source(engine, source="jira-mainz")
    assert summary.retries == 4
    assert_store_matches(engine, source_id, jira.scenario, jira.flavor)


def test_server_errors_that_persist_fail_and_keep_the_data(engine: Engine, jira: FakeJira) -> None:
    source_id = add_source(engine, jira)
    sync_source(engine, source="jira-mainz")
    jira.fail(SEARCH, status=500, times=100)
    message = _fails_cleanly(engine, jira, source_id, Unavailable)
    assert "500 on GET" in message and "after 6 attempts" in message
    jira.clear()
    sync_source(engine, source="jira-mainz")
    assert_store_matches(engine, source_id, jira.scenario, jira.flavor)


def test_slow_responses_time_out_and_are_retried(engine: Engine, jira: FakeJira) -> None:
    source_id = add_source(engine, jira, page_size=4, timeout_s=0.2)
    jira.fail(SEARCH, delay_s=0.6, times=1, after=1)
    summary = sync_source(engine, source="jira-mainz")
    assert summary.retries == 1
    assert_store_matches(engine, source_id, jira.scenario, jira.flavor)


def test_a_tracker_that_stays_slow_fails_with_advice(engine: Engine, jira: FakeJira) -> None:
    source_id = add_source(engine, jira, timeout_s=0.1)
    sync_source(engine, source="jira-mainz")
    jira.fail(SEARCH, delay_s=0.25, times=100)
    message = _fails_cleanly(engine, jira, source_id, Unavailable)
    assert "ReadTimeout" in message and "timeout_s" in message


@pytest.mark.parametrize(
    ("body", "expected"),
    [(b"{not json", "not JSON"), (b'{"issues": "oops", "isLast": true}', "malformed page")],
)
def test_malformed_page_fails_after_committing_the_pages_before(
    engine: Engine, jira: FakeJira, body: bytes, expected: str
) -> None:
    source_id = add_source(engine, jira, page_size=4)
    jira.fail(SEARCH, status=200, body=body, after=1)
    with pytest.raises(PayloadError, match=expected) as caught:
        sync_source(engine, source="jira-mainz")
    assert str(caught.value).startswith("source 'jira-mainz': ")
    run = _last_run(engine)
    assert (run.outcome, run.pages, run.items) == ("failed", 1, 4)
    with Session(engine) as session:
        source = session.get(Source, source_id)
        assert source is not None and source.cursor is not None  # page 1 is in, and its cursor
    sync_source(engine, source="jira-mainz")
    assert_store_matches(engine, source_id, jira.scenario, jira.flavor)


@pytest.mark.parametrize("how", ["skip", "repeat"])
def test_paging_that_skips_or_repeats_items(engine: Engine, jira: FakeJira, how: str) -> None:
    source_id = add_source(engine, jira, page_size=4)
    jira.drift(how)  # type: ignore[arg-type]
    summary = sync_source(engine, source="jira-mainz")
    assert_store_matches(engine, source_id, jira.scenario, jira.flavor)
    if how == "skip":
        assert any("fetched by key" in w for w in summary.warnings)


def test_wrong_token_names_the_source_and_what_to_check(
    engine: Engine, jira: FakeJira, monkeypatch: pytest.MonkeyPatch
) -> None:
    source_id = add_source(engine, jira)
    sync_source(engine, source="jira-mainz")
    monkeypatch.setenv(TOKEN_ENV, "expired-token-9999")
    message = _fails_cleanly(engine, jira, source_id, AuthError)
    assert "401 Unauthorized" in message and TOKEN_ENV in message
    assert "expired-token-9999" not in message
    if jira.flavor == "cloud":
        assert "the e-mail pmo@mainz.de" in message


def test_missing_token_variable(
    engine: Engine, jira: FakeJira, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_source(engine, jira)
    monkeypatch.delenv(TOKEN_ENV)
    with pytest.raises(AuthError, match=f"{TOKEN_ENV} is not set"):
        sync_source(engine, source="jira-mainz")
    assert jira.requests == []


def test_changelog_longer_than_one_page(engine: Engine, token: str, flavor: str) -> None:
    server = FakeJira(
        demo_scenario(),
        flavor=flavor,
        token=token,  # type: ignore[arg-type]
        inline_changelog_max=2,
        changelog_page_max=2,
    )
    with server:
        source_id = add_source(engine, server, page_size=5)
        sync_source(engine, source="jira-mainz")
        assert_store_matches(engine, source_id, server.scenario, server.flavor)
        pages = [r for r in server.requests if r.path.endswith("/issue/MZ-6/changelog")]
        if flavor == "cloud":  # 6 histories, 2 per page, the server lowers maxResults
            assert [r.query["startAt"] for r in pages] == ["0", "2", "4"]
        else:  # DC inlines the whole history
            assert pages == []


def test_request_budget(engine: Engine, jira: FakeJira) -> None:
    source_id = add_source(engine, jira, request_budget=5)
    with pytest.raises(BudgetExceeded, match="budget of 5 requests"):
        sync_source(engine, source="jira-mainz")
    assert len(jira.requests) == 5
    assert _last_run(engine).requests == 5
    with Session(engine) as session:
        source = session.get(Source, source_id)
        assert source is not None and "request_budget" in (source.last_error or "")


def test_cloud_never_uses_the_removed_search_endpoint(engine: Engine, token: str) -> None:
    with FakeJira(demo_scenario(), flavor="cloud", token=token) as server:
        add_source(engine, server)
        sync_source(engine, source="jira-mainz")
        assert not [r for r in server.requests if r.path == "/rest/api/3/search"]
        assert all(r.method == "GET" for r in server.requests)
