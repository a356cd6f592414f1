"""A fake Jira (Cloud or Data Center) on 127.0.0.1: real HTTP, payloads shaped as trackers.md says.

``FakeJira(scenario, flavor="cloud")`` serves an in-memory ``Scenario`` from a
thread of the test process (``http.server``), on a free port::

    with FakeJira(build_demo_scenario(), flavor="cloud") as jira:
        jira.url   # http://127.0.0.1:PORT

The scenario is the tracker's truth: issues with their changelog, built by
``Scenario.create``/``Scenario.change`` so that history and current values
always agree; writes (PUT, transitions, sprint moves) append history like Jira.

Faults (each armed for a number of requests, matched by method and path regex):
``fail(...)`` answers a status (429/500/503 with ``Retry-After``, 401, ...) or
a malformed body, or sleeps before answering (timeouts); ``drift("skip"|"repeat")``
shifts the next search page by one item, as when issues move while paging;
``apply_then_fail`` applies a write and then answers 500.
Limits: ``inline_changelog_max`` (Cloud search inlines at most 40 histories),
``changelog_page_max`` (the server lowers ``maxResults`` of the changelog).
"""

import base64
import json
import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

Flavor = Literal["cloud", "dc"]
BERLIN = ZoneInfo("Europe/Berlin")

#: Jira's status categories as the REST API shows them.
CATEGORY = {
    "new": {"id": 2, "key": "new", "colorName": "blue-gray", "name": "To Do"},
    "indeterminate": {
        "id": 4,
        "key": "indeterminate",
        "colorName": "yellow",
        "name": "In Progress",
    },
    "done": {"id": 3, "key": "done", "colorName": "green", "name": "Done"},
}
#: name → (id, category key)
STATUSES = {
    "To Do": ("10000", "new"),
    "In Progress": ("3", "indeterminate"),
    "In Review": ("10001", "indeterminate"),
    "Done": ("10002", "done"),
    "Won't Do": ("10003", "done"),
}
TYPES = {"Story": "10001", "Bug": "10004", "Task": "10002", "Sub-task": "10003", "Epic": "10000"}
FIELDS = {
    "cloud": {
        "points": ("customfield_10016", "Story point estimate"),
        "sprint": ("customfield_10020", "Sprint"),
    },
    "dc": {
        "points": ("customfield_10002", "Story Points"),
        "sprint": ("customfield_10005", "Sprint"),
    },
}


def jira_time(moment: datetime, flavor: Flavor) -> str:
    """Jira's timestamp format: Cloud in UTC, DC in the server's zone (Europe/Berlin)."""
    local = moment.astimezone(UTC if flavor == "cloud" else BERLIN)
    return (
        local.strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{local.microsecond // 1000:03d}"
        + (local.strftime("%z"))
    )


@dataclass
class User:
    account_id: str  # Cloud
    name: str  # DC user name
    key: str  # DC user key
    display: str

    def ident(self, flavor: Flavor) -> str:
        return self.account_id if flavor == "cloud" else self.key

    def payload(self, flavor: Flavor) -> dict[str, Any]:
        if flavor == "cloud":
            return {
                "accountId": self.account_id,
                "displayName": self.display,
                "active": True,
                "accountType": "atlassian",
            }
        return {"name": self.name, "key": self.key, "displayName": self.display, "active": True}


@dataclass
class FakeSprint:
    id: int
    name: str
    state: str
    board: int
    start: datetime | None = None
    end: datetime | None = None
    complete: datetime | None = None
    goal: str = ""

    def payload(self, flavor: Flavor) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "self": f"/rest/agile/1.0/sprint/{self.id}",
            "state": self.state,
            "name": self.name,
            "originBoardId": self.board,
            "goal": self.goal,
        }
        for key, value in (
            ("startDate", self.start),
            ("endDate", self.end),
            ("completeDate", self.complete),
        ):
            if value is not None:
                body[key] = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        return body

    def field_value(self, flavor: Flavor, *, as_string: bool) -> Any:
        if not as_string:
            body = self.payload(flavor)
            body["boardId"] = body.pop("originBoardId")
            return body

        def fmt(value: datetime | None) -> str:
            return value.astimezone(BERLIN).isoformat() if value else "<null>"

        return (
            f"com.atlassian.greenhopper.service.sprint.Sprint@{self.id:x}[id={self.id},"
            f"rapidViewId={self.board},state={self.state.upper()},name={self.name},"
            f"startDate={fmt(self.start)},endDate={fmt(self.end)},"
            f"completeDate={fmt(self.complete)},sequence={self.id},goal={self.goal or '<null>'}]"
        )


@dataclass
class History:
    id: int
    at: datetime
    items: list[dict[str, Any]]
    author: str


@dataclass
class Issue:
    id: int
    key: str
    project: str
    type: str
    summary: str
    status: str
    points: float | None
    assignee: str | None  # user display handle (Scenario.users key)
    sprints: list[int]
    created: datetime
    updated: datetime
    resolved: datetime | None = None
    parent: str | None = None
    histories: list[History] = field(default_factory=list)
    previous_keys: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ExpectedEvent:
    """An event the sync must store, computed from the scenario independently of connectors."""

    remote_id: str
    kind: str
    at: datetime
    status: str | None = None
    category: str | None = None
    points: float | None = None
    sprint: str | None = None
    assignee: str | None = None  # remote id


_CAT = {"new": "todo", "indeterminate": "in_progress", "done": "done"}


class Scenario:
    """The tracker's truth; every change goes through ``change`` so history and values agree."""

    def __init__(self, *, projects: Mapping[str, str], boards: Mapping[int, str]) -> None:
        self.projects = dict(projects)  # key → name
        self.boards = dict(boards)  # board id → project key
        self.sprints: dict[int, FakeSprint] = {}
        self.issues: dict[str, Issue] = {}
        self.users: dict[str, User] = {}
        self.forbidden: set[tuple[str, str]] = set()  # (from, to) status pairs with no transition
        self._next_issue = 10001
        self._next_history = 20001
        self.clock = datetime(2026, 1, 1, tzinfo=UTC)
        self.lock = threading.RLock()

    # ------------------------------------------------------------------ building

    def user(self, handle: str, display: str) -> User:
        number = 10100 + len(self.users)
        user = User(
            account_id=f"5b10ac8d82e05b22cc7d{number:04x}",
            name=handle,
            key=f"JIRAUSER{number}",
            display=display,
        )
        self.users[handle] = user
        return user

    def sprint(self, sprint: FakeSprint) -> FakeSprint:
        self.sprints[sprint.id] = sprint
        return sprint

    def create(
        self,
        key: str,
        *,
        at: datetime,
        summary: str,
        status: str = "To Do",
        points: float | None = None,
        sprints: Sequence[int] = (),
        assignee: str | None = None,
        type: str = "Story",
        parent: str | None = None,
    ) -> Issue:
        with self.lock:
            issue = Issue(
                id=self._next_issue,
                key=key,
                project=key.split("-")[0],
                type=type,
                summary=summary,
                status=status,
                points=points,
                assignee=assignee,
                sprints=list(sprints),
                created=at,
                updated=at,
                parent=parent,
                resolved=at if STATUSES[status][1] == "done" else None,
            )
            self._next_issue += 1
            self.issues[key] = issue
            self.clock = max(self.clock, at)
            return issue

    def change(
        self, key: str, *, at: datetime, author: str = "anna", **values: Any
    ) -> History | None:
        """Change status, points, sprints, assignee, summary or new_key in one history entry."""
        with self.lock:
            issue = self.issues[key]
            items: list[dict[str, Any]] = []
            if "status" in values and values["status"] != issue.status:
                new = values["status"]
                items.append(
                    {
                        "field": "status",
                        "fieldtype": "jira",
                        "fieldId": "status",
                        "from": STATUSES[issue.status][0],
                        "fromString": issue.status,
                        "to": STATUSES[new][0],
                        "toString": new,
                    }
                )
                was_done = STATUSES[issue.status][1] == "done"
                issue.status = new
                done = STATUSES[new][1] == "done"
                if done and not was_done:
                    issue.resolved = at
                    items.append(
                        {
                            "field": "resolution",
                            "fieldtype": "jira",
                            "fieldId": "resolution",
                            "from": None,
                            "fromString": None,
                            "to": "10000",
                            "toString": "Done",
                        }
                    )
                elif not done and was_done:
                    issue.resolved = None
                    items.append(
                        {
                            "field": "resolution",
                            "fieldtype": "jira",
                            "fieldId": "resolution",
                            "from": "10000",
                            "fromString": "Done",
                            "to": None,
                            "toString": None,
                        }
                    )
            if "points" in values and values["points"] != issue.points:
                new = values["points"]
                items.append(
                    {
                        "field": "__points__",
                        "fieldtype": "custom",
                        "from": None,
                        "fromString": _num(issue.points),
                        "to": None,
                        "toString": _num(new),
                    }
                )
                issue.points = new
            if "sprints" in values and list(values["sprints"]) != issue.sprints:
                new = list(values["sprints"])
                items.append(
                    {
                        "field": "Sprint",
                        "fieldtype": "custom",
                        "fieldId": "__sprint__",
                        "from": ", ".join(str(s) for s in issue.sprints) or None,
                        "fromString": ", ".join(self.sprints[s].name for s in issue.sprints)
                        or None,
                        "to": ", ".join(str(s) for s in new) or None,
                        "toString": ", ".join(self.sprints[s].name for s in new) or None,
                    }
                )
                issue.sprints = new
            if "assignee" in values and values["assignee"] != issue.assignee:
                new = values["assignee"]
                items.append(
                    {
                        "field": "assignee",
                        "fieldtype": "jira",
                        "fieldId": "assignee",
                        "from": self._uid(issue.assignee),
                        "fromString": self._display(issue.assignee),
                        "to": self._uid(new),
                        "toString": self._display(new),
                    }
                )
                issue.assignee = new
            if "summary" in values and values["summary"] != issue.summary:
                items.append(
                    {
                        "field": "summary",
                        "fieldtype": "jira",
                        "fieldId": "summary",
                        "from": None,
                        "fromString": issue.summary,
                        "to": None,
                        "toString": values["summary"],
                    }
                )
                issue.summary = values["summary"]
            if "new_key" in values and values["new_key"] != issue.key:
                new_key = values["new_key"]
                items.append(
                    {
                        "field": "Key",
                        "fieldtype": "jira",
                        "from": None,
                        "fromString": issue.key,
                        "to": None,
                        "toString": new_key,
                    }
                )
                items.append(
                    {
                        "field": "project",
                        "fieldtype": "jira",
                        "fieldId": "project",
                        "from": None,
                        "fromString": issue.project,
                        "to": None,
                        "toString": new_key.split("-")[0],
                    }
                )
                del self.issues[issue.key]
                issue.previous_keys.append(issue.key)
                issue.key = new_key
                issue.project = new_key.split("-")[0]
                self.issues[new_key] = issue
            if not items:
                return None
            history = History(self._next_history, at, items, author)
            self._next_history += 1
            issue.histories.append(history)
            issue.updated = max(issue.updated, at)
            self.clock = max(self.clock, at)
            return history

    def touch(self, key: str, *, at: datetime) -> None:
        """An update that metrics ignore (a comment): only ``updated`` moves."""
        with self.lock:
            self.issues[key].updated = at
            self.clock = max(self.clock, at)

    def delete(self, key: str) -> None:
        with self.lock:
            del self.issues[key]

    def tick(self) -> datetime:
        """The server's clock for writes: one minute after the last change."""
        with self.lock:
            self.clock = self.clock + timedelta(minutes=1)
            return self.clock

    def _uid(self, handle: str | None) -> str | None:
        return None if handle is None else f"@{handle}"  # resolved per flavor when served

    def _display(self, handle: str | None) -> str | None:
        return None if handle is None else self.users[handle].display

    # ------------------------------------------------------------------ truth for the tests

    def expected_events(self, key: str, flavor: Flavor) -> list[ExpectedEvent]:
        """What the store must hold for ``key``, derived from the builder's records."""
        issue = self.issues[key]

        def uid(handle: str | None) -> str | None:
            return None if handle is None else self.users[handle].ident(flavor)

        # initial values: walk the histories backwards from the current values
        status, points, sprints, assignee = (
            issue.status,
            issue.points,
            issue.sprints,
            issue.assignee,
        )
        for history in reversed(issue.histories):
            for item in reversed(history.items):
                if item["field"] == "status":
                    status = item["fromString"]
                elif item["field"] == "__points__":
                    points = None if item["fromString"] is None else float(item["fromString"])
                elif item["field"] == "Sprint":
                    sprints = [int(s) for s in (item["from"] or "").split(", ") if s]
                elif item["field"] == "assignee":
                    assignee = None if item["from"] is None else item["from"][1:]
        events = [
            ExpectedEvent(
                "created",
                "created",
                issue.created,
                status=status,
                category=_CAT[STATUSES[status][1]],
                points=points,
            )
        ]
        events += [
            ExpectedEvent(f"created+{s}", "sprint_added", issue.created, sprint=str(s))
            for s in sprints
        ]
        if assignee is not None:
            events.append(
                ExpectedEvent("created:assignee", "assignee", issue.created, assignee=uid(assignee))
            )
        for history in issue.histories:
            for index, item in enumerate(history.items):
                rid = f"{history.id}.{index}"
                if item["field"] == "status":
                    events.append(
                        ExpectedEvent(
                            rid,
                            "status",
                            history.at,
                            status=item["toString"],
                            category=_CAT[STATUSES[item["toString"]][1]],
                        )
                    )
                elif item["field"] == "__points__":
                    value = None if item["toString"] is None else float(item["toString"])
                    events.append(ExpectedEvent(rid, "points", history.at, points=value))
                elif item["field"] == "Sprint":
                    before = [s for s in (item["from"] or "").split(", ") if s]
                    after = [s for s in (item["to"] or "").split(", ") if s]
                    events += [
                        ExpectedEvent(f"{rid}-{s}", "sprint_removed", history.at, sprint=s)
                        for s in before
                        if s not in after
                    ]
                    events += [
                        ExpectedEvent(f"{rid}+{s}", "sprint_added", history.at, sprint=s)
                        for s in after
                        if s not in before
                    ]
                elif item["field"] == "assignee":
                    to = None if item["to"] is None else item["to"][1:]
                    events.append(ExpectedEvent(rid, "assignee", history.at, assignee=uid(to)))
        return events

    # ------------------------------------------------------------------ payloads

    def issue_payload(
        self,
        issue: Issue,
        flavor: Flavor,
        *,
        fields: set[str] | None,
        changelog: int | None,
        sprint_strings: bool,
    ) -> dict[str, Any]:
        points_id = FIELDS[flavor]["points"][0]
        sprint_id = FIELDS[flavor]["sprint"][0]
        status_id, category = STATUSES[issue.status]
        everything: dict[str, Any] = {
            "summary": issue.summary,
            "status": {"id": status_id, "name": issue.status, "statusCategory": CATEGORY[category]},
            "assignee": self.users[issue.assignee].payload(flavor) if issue.assignee else None,
            "issuetype": {
                "id": TYPES[issue.type],
                "name": issue.type,
                "subtask": issue.type == "Sub-task",
            },
            "project": {
                "id": str(10000 + sorted(self.projects).index(issue.project))
                if issue.project in self.projects
                else "19999",
                "key": issue.project,
                "name": self.projects.get(issue.project, issue.project),
            },
            "created": jira_time(issue.created, flavor),
            "updated": jira_time(issue.updated, flavor),
            "resolutiondate": jira_time(issue.resolved, flavor) if issue.resolved else None,
            points_id: issue.points,
            sprint_id: [
                self.sprints[s].field_value(flavor, as_string=sprint_strings) for s in issue.sprints
            ]
            or None,
        }
        if issue.parent:
            everything["parent"] = {"id": str(self.issues[issue.parent].id), "key": issue.parent}
        if fields is None or fields & {"*all", "*navigable"}:
            chosen = everything
        else:
            chosen = {k: v for k, v in everything.items() if k in fields}
        body: dict[str, Any] = {
            "id": str(issue.id),
            "key": issue.key,
            "self": f"/rest/api/x/issue/{issue.id}",
            "fields": chosen,
        }
        if changelog is not None:
            histories = [self.history_payload(h, flavor) for h in issue.histories]
            shown = histories[-changelog:] if changelog else []
            body["changelog"] = {
                "startAt": 0,
                "maxResults": len(shown),
                "total": len(histories),
                "histories": shown,
            }
        return body

    def history_payload(self, history: History, flavor: Flavor) -> dict[str, Any]:
        points_id, points_name = FIELDS[flavor]["points"]
        sprint_id = FIELDS[flavor]["sprint"][0]
        items = []
        for raw in history.items:
            item = dict(raw)
            if item["field"] == "__points__":
                item["field"] = points_name
                if flavor == "cloud":
                    item["fieldId"] = points_id
            elif item.get("fieldId") == "__sprint__":
                if flavor == "cloud":
                    item["fieldId"] = sprint_id
                else:
                    del item["fieldId"]
            if item["field"] == "assignee":
                for end in ("from", "to"):
                    if item[end] is not None:
                        item[end] = self.users[item[end][1:]].ident(flavor)
            if flavor == "dc":
                item.pop("fieldId", None)
            items.append(item)
        author = self.users.get(history.author)
        return {
            "id": str(history.id),
            "author": author.payload(flavor) if author else None,
            "created": jira_time(history.at, flavor),
            "items": items,
        }


def _num(value: float | None) -> str | None:
    if value is None:
        return None
    return str(int(value)) if float(value).is_integer() else str(value)


# --------------------------------------------------------------------------- JQL


_PROJECTS = re.compile(r"project in \(([^)]*)\)")
_UPDATED = re.compile(r'updated >= "(\d{4}-\d\d-\d\d \d\d:\d\d)"')
_KEYS = re.compile(r"key in \(([^)]*)\)")


def _names(group: str) -> list[str]:
    return [part.strip().strip('"') for part in group.split(",") if part.strip()]


def select_issues(scenario: Scenario, jql: str, zone: ZoneInfo) -> list[Issue] | str:
    """The issues a (restricted) JQL selects, ordered; or an error message for bad JQL."""
    keys = _KEYS.search(jql)
    projects = _PROJECTS.search(jql)
    if not keys and not projects:
        return (
            "Unbounded JQL queries are not allowed here. Please add a search "
            "restriction to your query."
        )
    with scenario.lock:
        issues = list(scenario.issues.values())
        if keys:
            wanted = set(_names(keys.group(1)))
            issues = [i for i in issues if i.key in wanted or wanted & set(i.previous_keys)]
        if projects:
            allowed = set(_names(projects.group(1)))
            issues = [i for i in issues if i.project in allowed]
        updated = _UPDATED.search(jql)
        if updated:
            since = datetime.strptime(updated.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=zone)
            issues = [i for i in issues if i.updated >= since]
        if "ORDER BY updated" in jql:
            issues.sort(key=lambda i: (i.updated, i.project, int(i.key.split("-")[1])))
        else:
            issues.sort(key=lambda i: (i.project, int(i.key.split("-")[1])))
        return issues


# --------------------------------------------------------------------------- faults


@dataclass
class Fault:
    method: str
    path: re.Pattern[str]
    times: int
    status: int = 500
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None
    delay_s: float = 0.0
    then_pass: bool = False  # delay only: answer normally afterwards
    apply_first: bool = False  # writes: apply, then answer ``status``
    after: int = 0  # let this many matching requests pass first

    def matches(self, method: str, path: str) -> bool:
        if self.times <= 0 or method not in (self.method, "*") or not self.path.search(path):
            return False
        if self.after > 0:
            self.after -= 1
            return False
        return True


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: Mapping[str, str]
    body: Any


# --------------------------------------------------------------------------- the server


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return  # a client that timed out or was killed mid-request
        super().handle_error(request, client_address)


class FakeJira:
    """The HTTP server; start with ``with FakeJira(...) as jira`` or ``start()``/``stop()``."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        flavor: Flavor = "cloud",
        token: str = "fake-token-value-0000",
        email: str = "pmo@mainz.de",
        timezone: str = "Europe/Berlin",
        inline_changelog_max: int = 40,
        changelog_page_max: int = 100,
        latency_s: float = 0.0,
        sprint_strings: bool = False,
    ) -> None:
        self.scenario = scenario
        self.flavor: Flavor = flavor
        self.token = token
        self.email = email
        self.zone = ZoneInfo(timezone)
        self.inline_changelog_max = inline_changelog_max
        self.changelog_page_max = changelog_page_max
        self.latency_s = latency_s
        self.sprint_strings = sprint_strings
        self.faults: list[Fault] = []
        self.requests: list[Request] = []
        self._drift: int = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeJira":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else each response waits for a delayed ACK

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                fake._serve(self)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "FakeJira":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ faults

    def fail(
        self,
        path: str,
        *,
        status: int = 500,
        times: int = 1,
        method: str = "GET",
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        delay_s: float = 0.0,
        then_pass: bool = False,
        apply_first: bool = False,
        after: int = 0,
    ) -> Fault:
        """Arm a fault for ``times`` matching requests (after letting ``after`` pass)."""
        fault = Fault(
            method,
            re.compile(path),
            times,
            status,
            dict(headers or {}),
            body,
            delay_s,
            then_pass,
            apply_first,
            after,
        )
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear(self) -> None:
        """Disarm every fault."""
        with self._lock:
            self.faults.clear()
            self._drift = 0

    def drift(self, how: Literal["skip", "repeat"]) -> None:
        """Shift the next search page that is not the first by one item."""
        with self._lock:
            self._drift = 1 if how == "skip" else -1

    def count(self, method: str, path_pattern: str) -> int:
        pattern = re.compile(path_pattern)
        with self._lock:
            return sum(1 for r in self.requests if r.method == method and pattern.search(r.path))

    # ------------------------------------------------------------------ dispatch

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        method = handler.command
        with self._lock:
            self.requests.append(Request(method, parts.path, query, body))
            fault = next((f for f in self.faults if f.matches(method, parts.path)), None)
            if fault is not None:
                fault.times -= 1
        if self.latency_s:
            time.sleep(self.latency_s)
        try:
            if fault is not None and fault.delay_s:
                time.sleep(fault.delay_s)
                if not fault.then_pass:
                    return self._send(handler, fault.status, {"errorMessages": ["slow"]})
            elif fault is not None and not fault.apply_first:
                return self._send(
                    handler,
                    fault.status,
                    fault.body if fault.body is not None else {"errorMessages": ["fault"]},
                    headers=fault.headers,
                )
            if not self._authorised(handler):
                return self._send(
                    handler,
                    401,
                    {
                        "errorMessages": [
                            "You are not authenticated. "
                            "Authentication required to perform this operation."
                        ]
                    },
                )
            status, payload = self._route(method, parts.path, query, body)
            if fault is not None and fault.apply_first:
                return self._send(
                    handler, fault.status, {"errorMessages": ["applied, then failed"]}
                )
            return self._send(handler, status, payload)
        except (BrokenPipeError, ConnectionResetError):
            return None

    def _authorised(self, handler: BaseHTTPRequestHandler) -> bool:
        header = handler.headers.get("Authorization", "")
        if self.flavor == "cloud":
            expected = base64.b64encode(f"{self.email}:{self.token}".encode()).decode()
            return header == f"Basic {expected}"
        return header == f"Bearer {self.token}"

    def _send(
        self,
        handler: BaseHTTPRequestHandler,
        status: int,
        payload: Any,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if isinstance(payload, bytes):
            data, kind = payload, "application/json"
        elif payload is None:
            data, kind = b"", "application/json"
        else:
            data, kind = json.dumps(payload).encode(), "application/json;charset=UTF-8"
        handler.send_response(status)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        if data:
            handler.wfile.write(data)

    def _route(
        self, method: str, path: str, query: Mapping[str, str], body: Any
    ) -> tuple[int, Any]:
        api = "/rest/api/3" if self.flavor == "cloud" else "/rest/api/2"
        other = "/rest/api/2" if self.flavor == "cloud" else "/rest/api/3"
        if path.startswith(other) and self.flavor == "dc":
            return 404, {"errorMessages": ["null for uri"]}
        if path in ("/rest/api/3/search", "/rest/api/2/search") and self.flavor == "cloud":
            return 410, {
                "errorMessages": [
                    "The requested API has been removed. Please migrate "
                    "to the /rest/api/3/search/jql API."
                ]
            }
        routes: list[tuple[str, str, Any]] = [
            ("GET", rf"{api}/myself", self._myself),
            ("GET", rf"{api}/field", self._fields),
            ("GET", rf"{api}/status", self._statuses),
            ("GET", r"/rest/agile/1\.0/board", self._boards),
            ("GET", r"/rest/agile/1\.0/board/(\d+)/project", self._board_projects),
            ("GET", r"/rest/agile/1\.0/board/(\d+)/configuration", self._board_config),
            ("GET", r"/rest/agile/1\.0/board/(\d+)/sprint", self._board_sprints),
            ("GET", r"/rest/agile/1\.0/sprint/(\d+)", self._sprint),
            ("POST", r"/rest/agile/1\.0/sprint/(\d+)/issue", self._move_to_sprint),
            ("POST", r"/rest/agile/1\.0/backlog/issue", self._move_to_backlog),
            ("GET", r"/rest/api/3/search/jql", self._search_cloud),
            ("GET", r"/rest/api/2/search", self._search_dc),
            ("GET", rf"{api}/issue/([A-Z]+-\d+)/changelog", self._changelog),
            ("GET", rf"{api}/issue/([A-Z]+-\d+)/transitions", self._transitions),
            ("POST", rf"{api}/issue/([A-Z]+-\d+)/transitions", self._transition),
            ("GET", rf"{api}/issue/([A-Z]+-\d+)", self._issue),
            ("PUT", rf"{api}/issue/([A-Z]+-\d+)", self._edit),
        ]
        for route_method, pattern, handler in routes:
            match = re.fullmatch(pattern, path)
            if match and method == route_method:
                return handler(query, body, *match.groups())
        return 404, {"errorMessages": [f"no route {method} {path}"]}

    # ------------------------------------------------------------------ endpoints

    def _paged(
        self, values: list[Any], query: Mapping[str, str], *, limit: int = 50
    ) -> dict[str, Any]:
        start = int(query.get("startAt", 0))
        size = min(int(query.get("maxResults", limit)), limit)
        page = values[start : start + size]
        return {
            "maxResults": size,
            "startAt": start,
            "total": len(values),
            "isLast": start + len(page) >= len(values),
            "values": page,
        }

    def _myself(self, query: Mapping[str, str], body: Any) -> tuple[int, Any]:
        if self.flavor == "cloud":
            return 200, {
                "accountId": "5b10ac8d82e05b22cc7dffff",
                "emailAddress": self.email,
                "displayName": "PMO Mainz",
                "timeZone": str(self.zone),
            }
        return 200, {
            "name": "pmo",
            "key": "JIRAUSER10000",
            "displayName": "PMO Mainz",
            "timeZone": str(self.zone),
        }

    def _fields(self, query: Mapping[str, str], body: Any) -> tuple[int, Any]:
        base = [
            {
                "id": "summary",
                "key": "summary",
                "name": "Summary",
                "custom": False,
                "schema": {"type": "string", "system": "summary"},
            },
            {
                "id": "status",
                "key": "status",
                "name": "Status",
                "custom": False,
                "schema": {"type": "status", "system": "status"},
            },
        ]
        if self.flavor == "cloud":
            return 200, [
                *base,
                {
                    "id": "customfield_10028",
                    "key": "customfield_10028",
                    "name": "Story Points",
                    "custom": True,
                    "schema": {
                        "type": "number",
                        "custom": "com.atlassian.jira.plugin.system.customfieldtypes:float",
                        "customId": 10028,
                    },
                },
                {
                    "id": "customfield_10016",
                    "key": "customfield_10016",
                    "name": "Story point estimate",
                    "custom": True,
                    "schema": {
                        "type": "number",
                        "custom": "com.pyxis.greenhopper.jira:jsw-story-points",
                        "customId": 10016,
                    },
                },
                {
                    "id": "customfield_10020",
                    "key": "customfield_10020",
                    "name": "Sprint",
                    "custom": True,
                    "schema": {
                        "type": "array",
                        "items": "json",
                        "custom": "com.pyxis.greenhopper.jira:gh-sprint",
                        "customId": 10020,
                    },
                },
            ]
        return 200, [
            *base,
            {
                "id": "customfield_10002",
                "name": "Story Points",
                "custom": True,
                "schema": {
                    "type": "number",
                    "custom": "com.atlassian.jira.plugin.system.customfieldtypes:float",
                    "customId": 10002,
                },
            },
            {
                "id": "customfield_10005",
                "name": "Sprint",
                "custom": True,
                "schema": {
                    "type": "array",
                    "items": "string",
                    "custom": "com.pyxis.greenhopper.jira:gh-sprint",
                    "customId": 10005,
                },
            },
        ]

    def _statuses(self, query: Mapping[str, str], body: Any) -> tuple[int, Any]:
        return 200, [
            {"id": sid, "name": name, "statusCategory": CATEGORY[cat]}
            for name, (sid, cat) in STATUSES.items()
        ]

    def _board_payload(self, board: int) -> dict[str, Any]:
        project = self.scenario.boards[board]
        return {
            "id": board,
            "self": f"/rest/agile/1.0/board/{board}",
            "name": f"{project} board",
            "type": "scrum",
            "location": {"projectKey": project, "name": self.scenario.projects[project]},
        }

    def _boards(self, query: Mapping[str, str], body: Any) -> tuple[int, Any]:
        return 200, self._paged(
            [self._board_payload(b) for b in sorted(self.scenario.boards)], query
        )

    def _board_projects(self, query: Mapping[str, str], body: Any, board: str) -> tuple[int, Any]:
        if int(board) not in self.scenario.boards:
            return 404, {
                "errorMessages": [
                    f"Board {board} does not exist or you do not have permission to see it."
                ]
            }
        key = self.scenario.boards[int(board)]
        return 200, self._paged(
            [
                {
                    "id": "10000",
                    "key": key,
                    "name": self.scenario.projects[key],
                    "projectTypeKey": "software",
                }
            ],
            query,
        )

    def _board_config(self, query: Mapping[str, str], body: Any, board: str) -> tuple[int, Any]:
        field_id, name = FIELDS[self.flavor]["points"]
        return 200, {
            "id": int(board),
            "name": "board",
            "type": "scrum",
            "estimation": {"type": "field", "field": {"fieldId": field_id, "displayName": name}},
            "columnConfig": {"columns": [], "constraintType": "issueCount"},
        }

    def _board_sprints(self, query: Mapping[str, str], body: Any, board: str) -> tuple[int, Any]:
        sprints = [
            s.payload(self.flavor)
            for s in sorted(self.scenario.sprints.values(), key=lambda s: s.id)
            if s.board == int(board)
        ]
        return 200, self._paged(sprints, query)

    def _sprint(self, query: Mapping[str, str], body: Any, sprint: str) -> tuple[int, Any]:
        found = self.scenario.sprints.get(int(sprint))
        if found is None:
            return 404, {"errorMessages": ["Sprint does not exist"]}
        return 200, found.payload(self.flavor)

    def _search_page(self, query: Mapping[str, str], start: int) -> tuple[list[Issue], int] | str:
        found = select_issues(self.scenario, query.get("jql", ""), self.zone)
        if isinstance(found, str):
            return found
        with self._lock:
            if start > 0 and self._drift:
                start, self._drift = max(0, start + self._drift), 0
        size = min(int(query.get("maxResults", 50)), 100)
        return found[start : start + size], len(found)

    def _render(self, issues: list[Issue], query: Mapping[str, str]) -> list[dict[str, Any]]:
        fields = set(query["fields"].split(",")) if query.get("fields") else {"id"}
        expand = "changelog" in query.get("expand", "")
        limit = self.inline_changelog_max if self.flavor == "cloud" else 10_000
        with self.scenario.lock:
            return [
                self.scenario.issue_payload(
                    i,
                    self.flavor,
                    fields=fields,
                    changelog=limit if expand else None,
                    sprint_strings=self.sprint_strings,
                )
                for i in issues
            ]

    def _search_cloud(self, query: Mapping[str, str], body: Any) -> tuple[int, Any]:
        token = query.get("nextPageToken")
        start = int(base64.b64decode(token).decode().split(":")[1]) if token else 0
        page = self._search_page(query, start)
        if isinstance(page, str):
            return 400, {"errorMessages": [page]}
        issues, total = page
        end = start + len(issues)
        result: dict[str, Any] = {"issues": self._render(issues, query), "isLast": end >= total}
        if end < total:
            result["nextPageToken"] = base64.b64encode(
                f"offset:{end}:{time.time_ns()}".encode()
            ).decode()
        return 200, result

    def _search_dc(self, query: Mapping[str, str], body: Any) -> tuple[int, Any]:
        start = int(query.get("startAt", 0))
        page = self._search_page(query, start)
        if isinstance(page, str):
            return 400, {"errorMessages": [page]}
        issues, total = page
        return 200, {
            "expand": "schema,names",
            "startAt": start,
            "maxResults": int(query.get("maxResults", 50)),
            "total": total,
            "issues": self._render(issues, query),
        }

    def _find(self, key: str) -> Issue | None:
        with self.scenario.lock:
            if key in self.scenario.issues:
                return self.scenario.issues[key]
            return next((i for i in self.scenario.issues.values() if key in i.previous_keys), None)

    def _missing(self, key: str) -> tuple[int, Any]:
        return 404, {
            "errorMessages": ["Issue does not exist or you do not have permission to see it."],
            "errors": {},
        }

    def _issue(self, query: Mapping[str, str], body: Any, key: str) -> tuple[int, Any]:
        issue = self._find(key)
        if issue is None:
            return self._missing(key)
        fields = set(query["fields"].split(",")) if query.get("fields") else None
        limit = (
            (100 if self.flavor == "cloud" else 10_000)
            if "changelog" in query.get("expand", "")
            else None
        )
        with self.scenario.lock:
            return 200, self.scenario.issue_payload(
                issue,
                self.flavor,
                fields=fields,
                changelog=limit,
                sprint_strings=self.sprint_strings,
            )

    def _changelog(self, query: Mapping[str, str], body: Any, key: str) -> tuple[int, Any]:
        issue = self._find(key)
        if issue is None:
            return self._missing(key)
        with self.scenario.lock:
            histories = [self.scenario.history_payload(h, self.flavor) for h in issue.histories]
        page = self._paged(histories, query, limit=self.changelog_page_max)
        return 200, {"self": f"/rest/api/3/issue/{key}/changelog", **page}

    def _transitions(self, query: Mapping[str, str], body: Any, key: str) -> tuple[int, Any]:
        issue = self._find(key)
        if issue is None:
            return self._missing(key)
        transitions = []
        for number, (name, (sid, cat)) in enumerate(STATUSES.items(), start=11):
            if name == issue.status or (issue.status, name) in self.scenario.forbidden:
                continue
            transitions.append(
                {
                    "id": str(number),
                    "name": f"To {name}",
                    "hasScreen": False,
                    "isAvailable": True,
                    "to": {"id": sid, "name": name, "statusCategory": CATEGORY[cat]},
                }
            )
        return 200, {"expand": "transitions", "transitions": transitions}

    def _transition(self, query: Mapping[str, str], body: Any, key: str) -> tuple[int, Any]:
        issue = self._find(key)
        if issue is None:
            return self._missing(key)
        wanted = str(((body or {}).get("transition") or {}).get("id", ""))
        names = {str(n): name for n, name in enumerate(STATUSES, start=11)}
        target = names.get(wanted)
        if (
            target is None
            or target == issue.status
            or (issue.status, target) in (self.scenario.forbidden)
        ):
            return 400, {
                "errorMessages": [f"Transition id '{wanted}' is not valid for this issue."]
            }
        self.scenario.change(issue.key, at=self.scenario.tick(), author="pmo", status=target)
        return 204, None

    def _edit(self, query: Mapping[str, str], body: Any, key: str) -> tuple[int, Any]:
        issue = self._find(key)
        if issue is None:
            return self._missing(key)
        fields = (body or {}).get("fields") or {}
        points_id = FIELDS[self.flavor]["points"][0]
        values: dict[str, Any] = {}
        for name, value in fields.items():
            if name == points_id:
                values["points"] = None if value is None else float(value)
            elif name == "summary":
                values["summary"] = value
            elif name == "assignee":
                values["assignee"] = self._user_handle(value)
                if value is not None and values["assignee"] is None:
                    return 400, {"errorMessages": [], "errors": {"assignee": "User does not exist"}}
            else:
                return 400, {
                    "errorMessages": [],
                    "errors": {
                        name: (
                            f"Field '{name}' cannot be set. It is not on the appropriate "
                            "screen, or unknown."
                        )
                    },
                }
        self.scenario.change(issue.key, at=self.scenario.tick(), author="pmo", **values)
        return 204, None

    def _user_handle(self, value: Any) -> str | None:
        if not isinstance(value, Mapping):
            return None
        for handle, user in self.scenario.users.items():
            if value.get("accountId") == user.account_id or value.get("name") == user.name:
                return handle
        return None

    def _move(self, keys: list[str], sprint: int | None) -> tuple[int, Any]:
        for key in keys:
            issue = self._find(key)
            if issue is None:
                return self._missing(key)
            kept = [s for s in issue.sprints if self.scenario.sprints[s].state == "closed"]
            self.scenario.change(
                issue.key,
                at=self.scenario.tick(),
                author="pmo",
                sprints=kept + ([sprint] if sprint is not None else []),
            )
        return 204, None

    def _move_to_sprint(self, query: Mapping[str, str], body: Any, sprint: str) -> tuple[int, Any]:
        if int(sprint) not in self.scenario.sprints:
            return 404, {"errorMessages": ["Sprint does not exist"]}
        return self._move(list((body or {}).get("issues", [])), int(sprint))

    def _move_to_backlog(self, query: Mapping[str, str], body: Any) -> tuple[int, Any]:
        return self._move(list((body or {}).get("issues", [])), None)


def search_pages(jira: FakeJira) -> Iterator[Request]:
    """The search requests the server saw (for assertions on paging)."""
    return (r for r in list(jira.requests) if r.path.endswith(("/search/jql", "/search")))
