"""The one HTTP layer of every connector: client factory, retry policy, budget and counters.

- ``build_client`` makes an ``httpx.Client`` with the base URL, timeouts, a
  user agent, ``Accept: application/json`` and an injectable ``transport``
  (tests pass ``httpx.MockTransport`` or talk to a local fake server).
- Authentication is ``EnvTokenAuth``: for *each request* it reads the token
  from the environment variable the source names (``Source.token_env``) and
  builds the header (Basic ``email:token`` or Bearer). The token is never
  stored on an object, logged, or put into an exception text.
- ``HttpSession`` wraps the client with the one retry policy (``RetryPolicy``):
  5xx, timeouts and network errors back off exponentially with jitter; 429
  and 503 wait for ``Retry-After`` when the server sends it; attempts and the
  total time are capped (stamina). Each request first checks the per-source
  request budget and is counted in ``counters`` (requests, retries), which the
  sync engine writes into its ``SyncRun``.
- Writes (``retry="connect"``) are retried only when the request cannot have
  reached the tracker (connection refused, 429); anything else surfaces, so
  the write-back can re-read the remote item before it sends again.

Tests switch the waits off with ``stamina.set_testing(True, attempts=..., cap=True)``.
"""

import base64
import email.utils
import logging
import os
import random
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Literal

import httpx
import stamina

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

log = logging.getLogger(__name__)

USER_AGENT: Final = "Sprintfolio/0.1 (+https://github.com/mainz/sprintfolio; sync)"
DEFAULT_TIMEOUT_S: Final = 30.0
#: Response headers worth logging when the tracker throttles (never request headers).
_RATE_HEADER_PREFIXES: Final = ("retry-after", "ratelimit", "x-ratelimit", "beta-", "x-beta-")

Retry = Literal["all", "connect", "none"]


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry (trackers.md: 1 s, 2 s, 4 s … capped at 60 s, jittered).

    ``max_retry_after_s``: a ``Retry-After`` longer than this is not waited
    for; the run stops with ``RateLimited`` naming the hint instead.
    """

    attempts: int = 6
    total_timeout_s: float = 180.0
    wait_initial_s: float = 1.0
    wait_max_s: float = 60.0
    wait_jitter_s: float = 1.0
    max_retry_after_s: float = 300.0


@dataclass
class RequestCounters:
    """What a run cost: requests sent (including retries) and retries."""

    requests: int = 0
    retries: int = 0


@dataclass(frozen=True)
class Credentials:
    """Where the token is and how to present it; holds the variable's *name*, never the token.

    ``scheme`` "basic" sends ``base64(user:token)`` (Jira Cloud: the account's
    e-mail and an API token); "bearer" sends the token (Jira DC personal
    access token).
    """

    token_env: str
    scheme: Literal["basic", "bearer"] = "bearer"
    user: str | None = None

    def hint(self) -> str:
        """What to check when the tracker refuses the credentials."""
        if self.scheme == "basic":
            return f"check {self.token_env} and the e-mail {self.user or '(none set)'}"
        return f"check {self.token_env} (a personal access token that is not expired)"


class EnvTokenAuth(httpx.Auth):
    """Adds the Authorization header, reading the token from the environment for each request."""

    def __init__(
        self, *, source: str, credentials: Credentials, environ: Mapping[str, str] | None = None
    ) -> None:
        self._source = source
        self._credentials = credentials
        self._environ = environ

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        environ = self._environ if self._environ is not None else os.environ
        name = self._credentials.token_env
        token = environ.get(name, "")
        if not token.strip():
            raise AuthError(
                self._source,
                f"environment variable {name} is not set or empty — export it with the token",
            )
        if self._credentials.scheme == "basic":
            if not self._credentials.user:
                raise AuthError(
                    self._source, "no e-mail configured for Basic authentication — add --email"
                )
            pair = f"{self._credentials.user}:{token.strip()}".encode()
            request.headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        else:
            request.headers["Authorization"] = "Bearer " + token.strip()
        del token
        yield request


def build_client(
    *,
    source: str,
    base_url: str,
    credentials: Credentials | None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    transport: httpx.BaseTransport | None = None,
    environ: Mapping[str, str] | None = None,
) -> httpx.Client:
    """The ``httpx.Client`` of a source (see the module docstring)."""
    auth = (
        EnvTokenAuth(source=source, credentials=credentials, environ=environ)
        if credentials is not None
        else None
    )
    return httpx.Client(
        base_url=base_url.rstrip("/"),
        auth=auth,
        timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 10.0)),
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        transport=transport,
        follow_redirects=False,
    )


class _Retryable(Exception):
    """Internal: one attempt failed in a way worth retrying."""

    def __init__(
        self,
        what: str,
        *,
        status: int | None = None,
        retry_after_s: float | None = None,
        cause: Exception | None = None,
    ) -> None:
        super().__init__(what)
        self.what = what
        self.status = status
        self.retry_after_s = retry_after_s
        self.cause = cause


def parse_retry_after(headers: httpx.Headers, *, now: datetime | None = None) -> float | None:
    """The largest wait hint of ``Retry-After``/``Beta-Retry-After``: seconds or an HTTP date."""
    hints: list[float] = []
    for name, value in headers.multi_items():
        if name.lower() not in ("retry-after", "beta-retry-after"):
            continue
        value = value.strip()
        try:
            hints.append(max(0.0, float(value)))
            continue
        except ValueError:
            pass
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            continue
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        hints.append(max(0.0, (when - (now or datetime.now(UTC))).total_seconds()))
    return max(hints) if hints else None


def retry_wait(
    exc: Exception, policy: RetryPolicy, rng: random.Random | None = None
) -> bool | float:
    """The stamina backoff hook: False (give up), True (exponential backoff) or seconds to wait.

    A ``Retry-After`` hint is honoured plus up to one second of jitter; a hint
    longer than ``policy.max_retry_after_s`` is not waited for.
    """
    if not isinstance(exc, _Retryable):
        return False
    if exc.retry_after_s is None:
        return True
    if exc.retry_after_s > policy.max_retry_after_s:
        return False
    return exc.retry_after_s + (rng or random).uniform(0.0, policy.wait_jitter_s)


def _error_text(response: httpx.Response) -> str:
    """Jira's ``errorMessages``/``errors`` (or the first line of a text body), shortened."""
    try:
        body = response.json()
    except ValueError:
        kind = response.headers.get("content-type", "no content type").split(";")[0]
        return f"({kind} body)"
    parts: list[str] = []
    if isinstance(body, dict):
        messages = body.get("errorMessages")
        if isinstance(messages, list):
            parts += [str(m) for m in messages]
        errors = body.get("errors")
        if isinstance(errors, dict):
            parts += [f"{k}: {v}" for k, v in errors.items()]
        if not parts and isinstance(body.get("message"), str):
            parts.append(body["message"])
    text = "; ".join(parts)
    return text[:300] if text else "(no error message)"


@dataclass
class HttpSession:
    """A source's client with the retry policy, the request budget and the counters."""

    source: str
    client: httpx.Client
    credentials: Credentials | None = None
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    budget: int | None = None
    counters: RequestCounters = field(default_factory=RequestCounters)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "HttpSession":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ requests

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        retry: Retry = "all",
    ) -> httpx.Response:
        """Send one request (retrying per ``retry``) and return a 2xx response.

        Raises:
            AuthError, NotFound, PayloadError, Conflict, RateLimited,
            Unavailable, BudgetExceeded, ConnectorError: see connectors.errors.
        """
        if retry == "none":
            return self._attempt(method, path, params, json, retry)
        last: _Retryable | None = None
        tried = 0
        try:
            for attempt in stamina.retry_context(
                on=lambda exc: retry_wait(exc, self.policy),
                attempts=self.policy.attempts,
                timeout=self.policy.total_timeout_s,
                wait_initial=self.policy.wait_initial_s,
                wait_max=self.policy.wait_max_s,
                wait_jitter=self.policy.wait_jitter_s,
            ):
                with attempt:
                    tried = attempt.num
                    if attempt.num > 1:
                        self.counters.retries += 1
                        log.warning(
                            "source %r: retry %d of %s %s after %s",
                            self.source,
                            attempt.num - 1,
                            method,
                            path,
                            last.what if last else "an error",
                        )
                    try:
                        return self._attempt(method, path, params, json, retry)
                    except _Retryable as exc:
                        last = exc
                        raise
        except _Retryable as exc:
            raise self._exhausted(method, path, exc, tried) from None
        raise AssertionError("unreachable: stamina ends with a result or an exception")

    def get_json(self, path: str, *, params: Mapping[str, Any] | None = None) -> Any:
        """GET ``path`` and decode its JSON body.

        Raises:
            PayloadError: if the body is not JSON (e.g. an HTML error page of a proxy).
        """
        return self.decode(self.request("GET", path, params=params), path)

    def decode(self, response: httpx.Response, path: str) -> Any:
        """The JSON body of ``response``, or ``PayloadError`` naming the endpoint."""
        kind = response.headers.get("content-type", "")
        try:
            return response.json()
        except ValueError:
            raise PayloadError(
                self.source,
                f"GET {path} returned a body that is not JSON ({kind or 'no content type'}, "
                f"{len(response.content)} bytes) — is the URL right, or is a proxy in between?",
            ) from None

    def _attempt(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None,
        json: Any,
        retry: Retry,
    ) -> httpx.Response:
        if self.budget is not None and self.counters.requests >= self.budget:
            raise BudgetExceeded(
                self.source,
                f"used its budget of {self.budget} requests in this run — raise "
                "settings['request_budget'] of the source or sync more often",
            )
        self.counters.requests += 1
        try:
            response = self.client.request(method, path, params=params, json=json)
        except httpx.TransportError as exc:
            connect_failed = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
            what = f"{type(exc).__name__} on {method} {path}"
            if retry == "all" or (retry == "connect" and connect_failed):
                raise _Retryable(what, cause=exc) from None
            raise Unavailable(
                self.source, f"{what}; the request may or may not have been applied"
            ) from None
        return self._check(method, path, response, retry)

    def _check(
        self, method: str, path: str, response: httpx.Response, retry: Retry
    ) -> httpx.Response:
        status = response.status_code
        if 200 <= status < 300:
            return response
        throttle = {
            k: v for k, v in response.headers.items() if k.lower().startswith(_RATE_HEADER_PREFIXES)
        }
        if throttle:
            log.info("source %r: %s %s -> %d %s", self.source, method, path, status, throttle)
        where = f"{method} {path}"
        if status == 429 or status == 503 or (status >= 500 and retry == "all"):
            retry_after = parse_retry_after(response.headers)
            if retry == "all" or (retry == "connect" and status == 429):
                raise _Retryable(f"{status} on {where}", status=status, retry_after_s=retry_after)
        if status == 401:
            hint = self.credentials.hint() if self.credentials else "check the credentials"
            denied = response.headers.get("X-Seraph-LoginReason", "")
            if "AUTHENTICATION_DENIED" in denied:
                hint += "; Jira asks for a CAPTCHA: log in once in a browser"
            raise AuthError(self.source, f"401 Unauthorized on {where} — {hint}")
        if status == 403:
            raise AuthError(
                self.source,
                f"403 Forbidden on {where} — the token's user lacks a permission "
                f"(e.g. Browse projects, or write scopes for edits): {_error_text(response)}",
            )
        if status == 404:
            raise NotFound(
                self.source,
                f"404 Not Found on {where} — it does not exist or the token's user cannot see it: "
                f"{_error_text(response)}",
            )
        if status == 409:
            raise Conflict(self.source, f"409 Conflict on {where}: {_error_text(response)}")
        if status == 400:
            raise PayloadError(self.source, f"400 Bad Request on {where}: {_error_text(response)}")
        if status >= 500:
            raise Unavailable(
                self.source,
                f"{status} on {where}; the request may or may not have been applied",
            )
        if 300 <= status < 400:
            location = response.headers.get("Location", "(no Location header)")
            raise ConnectorError(
                self.source,
                f"{status} on {where}: redirected to {location} — use that address as the URL",
            )
        raise ConnectorError(self.source, f"{status} on {where}: {_error_text(response)}")

    def _exhausted(self, method: str, path: str, exc: _Retryable, tried: int) -> ConnectorError:
        tries = f"after {tried} attempt{'s' if tried != 1 else ''}"
        if exc.status == 429 or (exc.status == 503 and exc.retry_after_s is not None):
            wait = f" (it asks to wait {exc.retry_after_s:.0f} s)" if exc.retry_after_s else ""
            return RateLimited(
                self.source,
                f"rate limited on {method} {path} {tries}{wait} — try again later or lower "
                "the sync frequency",
                retry_after_s=exc.retry_after_s,
            )
        if exc.status is not None:
            return Unavailable(
                self.source,
                f"{exc.status} on {method} {path} {tries} — the tracker has problems; "
                "check its status page and try again later",
            )
        return Unavailable(
            self.source,
            f"{exc.what} {tries} — check the URL, the network and the tracker's availability "
            "(a slow tracker: raise settings['timeout_s'])",
        )


__all__ = [
    "DEFAULT_TIMEOUT_S",
    "USER_AGENT",
    "Credentials",
    "EnvTokenAuth",
    "HttpSession",
    "RequestCounters",
    "RetryPolicy",
    "build_client",
    "parse_retry_after",
    "retry_wait",
]
