"""The HTTP layer on httpx.MockTransport: auth from the environment, retries, budget, errors."""

import base64
import logging
import random
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest

from connectors.errors import (
    AuthError,
    BudgetExceeded,
    Conflict,
    ConnectorError,
    NotFound,
    PayloadError,
    RateLimited,
    Unavailable,
)
from connectors.http import (
    USER_AGENT,
    Credentials,
    HttpSession,
    RetryPolicy,
    _Retryable,
    build_client,
    parse_retry_after,
    retry_wait,
)

SECRET = "tok-3f9a-very-secret"


def session_for(
    handler: Callable[[httpx.Request], httpx.Response],
    *,
    environ: dict[str, str] | None = None,
    budget: int | None = None,
    scheme: str = "basic",
) -> HttpSession:
    credentials = Credentials(
        token_env="JIRA_TOKEN",
        scheme=scheme,
        user="pmo@mainz.de",  # type: ignore[arg-type]
    )
    client = build_client(
        source="jira-mainz",
        base_url="https://mainz.example/",
        credentials=credentials,
        transport=httpx.MockTransport(handler),
        environ=environ if environ is not None else {"JIRA_TOKEN": SECRET},
    )
    return HttpSession(source="jira-mainz", client=client, credentials=credentials, budget=budget)


def ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"ok": True, "auth": request.headers.get("Authorization")})


def test_client_sends_accept_user_agent_and_basic_auth() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return ok(request)

    http = session_for(handler)
    http.get_json("/rest/api/3/myself")
    request = seen[0]
    assert str(request.url) == "https://mainz.example/rest/api/3/myself"
    assert request.headers["Accept"] == "application/json"
    assert request.headers["User-Agent"] == USER_AGENT
    expected = base64.b64encode(f"pmo@mainz.de:{SECRET}".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {expected}"
    assert http.counters.requests == 1 and http.counters.retries == 0


def test_bearer_token_is_read_at_each_request() -> None:
    environ = {"JIRA_TOKEN": "first"}
    http = session_for(ok, environ=environ, scheme="bearer")
    assert http.get_json("/x")["auth"] == "Bearer first"
    environ["JIRA_TOKEN"] = "rotated"
    assert http.get_json("/x")["auth"] == "Bearer rotated"
    assert "first" not in repr(vars(http.client.auth))  # type: ignore[arg-type]


def test_missing_token_variable_is_an_auth_error_before_any_request() -> None:
    calls: list[httpx.Request] = []
    http = session_for(lambda r: calls.append(r) or ok(r), environ={})
    with pytest.raises(AuthError, match="environment variable JIRA_TOKEN is not set"):
        http.get_json("/x")
    assert calls == []


def test_401_names_the_variable_and_the_email_never_the_token(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    http = session_for(lambda r: httpx.Response(401, json={"errorMessages": ["nope"]}))
    with pytest.raises(AuthError) as caught:
        http.get_json("/rest/api/3/myself")
    assert str(caught.value) == (
        "source 'jira-mainz': 401 Unauthorized on GET /rest/api/3/myself — "
        "check JIRA_TOKEN and the e-mail pmo@mainz.de"
    )
    encoded = base64.b64encode(f"pmo@mainz.de:{SECRET}".encode()).decode()
    for text in (str(caught.value), caplog.text):
        assert SECRET not in text and encoded not in text


def test_403_404_409_400_map_to_their_errors() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        status = int(request.url.path.strip("/"))
        return httpx.Response(status, json={"errorMessages": ["why"], "errors": {"f": "bad"}})

    http = session_for(handler)
    for status, error in ((403, AuthError), (404, NotFound), (409, Conflict), (400, PayloadError)):
        with pytest.raises(error, match=f"{status}.*why; f: bad"):
            http.get_json(f"/{status}")


def test_html_instead_of_json_is_a_payload_error() -> None:
    http = session_for(
        lambda r: httpx.Response(
            200, text="<html>proxy</html>", headers={"Content-Type": "text/html"}
        )
    )
    with pytest.raises(PayloadError, match=r"not JSON.*text/html"):
        http.get_json("/x")


def test_429_is_retried_and_counted() -> None:
    answers = iter([429, 429, 200])

    def handler(request: httpx.Request) -> httpx.Response:
        status = next(answers)
        if status == 429:
            return httpx.Response(429, headers={"Retry-After": "2"})
        return ok(request)

    http = session_for(handler)
    assert http.get_json("/x")["ok"] is True
    assert (http.counters.requests, http.counters.retries) == (3, 2)


def test_network_errors_are_retried_then_reported() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    http = session_for(handler)
    with pytest.raises(Unavailable, match="ConnectError on GET /x after 6 attempts"):
        http.get_json("/x")
    assert (http.counters.requests, http.counters.retries) == (6, 5)


def test_writes_are_not_retried_after_a_server_error() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        return httpx.Response(500)

    http = session_for(handler)
    with pytest.raises(Unavailable, match="may or may not have been applied"):
        http.request("PUT", "/issue/MZ-1", json={"fields": {}}, retry="connect")
    assert calls == ["PUT"]


def test_writes_are_retried_when_refused_before_processing() -> None:
    answers = iter([429, 204])

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(next(answers), headers={"Retry-After": "1"})

    http = session_for(handler)
    assert http.request("PUT", "/issue/MZ-1", json={}, retry="connect").status_code == 204
    assert http.counters.retries == 1


def test_budget_stops_before_the_request() -> None:
    calls: list[httpx.Request] = []
    http = session_for(lambda r: calls.append(r) or ok(r), budget=2)
    http.get_json("/a")
    http.get_json("/b")
    with pytest.raises(BudgetExceeded, match="budget of 2 requests"):
        http.get_json("/c")
    assert len(calls) == 2


def test_retry_wait_honours_retry_after_with_jitter() -> None:
    policy = RetryPolicy(max_retry_after_s=120, wait_jitter_s=1.0)
    rng = random.Random(1)
    wait = retry_wait(_Retryable("429", status=429, retry_after_s=7.0), policy, rng)
    assert isinstance(wait, float) and 7.0 <= wait <= 8.0
    assert retry_wait(_Retryable("500", status=500), policy) is True
    assert retry_wait(_Retryable("429", status=429, retry_after_s=3600.0), policy) is False
    assert retry_wait(ValueError("other"), policy) is False


def test_parse_retry_after_seconds_dates_and_beta_header() -> None:
    assert parse_retry_after(httpx.Headers({"Retry-After": "12"})) == 12.0
    now = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    headers = httpx.Headers({"Retry-After": "Sun, 01 Mar 2026 10:00:30 GMT"})
    assert parse_retry_after(headers, now=now) == 30.0
    both = httpx.Headers([("Retry-After", "5"), ("Beta-Retry-After", "40")])
    assert parse_retry_after(both) == 40.0
    assert parse_retry_after(httpx.Headers({"Retry-After": "soon"})) is None
    assert parse_retry_after(httpx.Headers()) is None


def test_exhausted_rate_limit_is_rate_limited() -> None:
    http = session_for(lambda r: httpx.Response(429, headers={"Retry-After": "1"}))
    with pytest.raises(RateLimited) as caught:
        http.get_json("/x")
    assert caught.value.retry_after_s == 1.0


def test_redirect_names_the_new_address() -> None:
    http = session_for(
        lambda r: httpx.Response(301, headers={"Location": "https://mainz.atlassian.net/x"})
    )
    with pytest.raises(ConnectorError, match=r"redirected to https://mainz\.atlassian\.net/x"):
        http.get_json("/x")
