"""Jira Cloud and Jira Data Center / Server: ``JiraConnector`` and its pure payload mapping.

Endpoints (trackers.md sections 1 and 2):

- Cloud: platform ``/rest/api/3``; issues through the enhanced search
  ``GET /rest/api/3/search/jql`` (``nextPageToken``); a changelog longer than
  the inline one through ``GET /rest/api/3/issue/{key}/changelog`` (paged).
  Authentication: HTTP Basic ``email:API token``.
- Data Center: ``/rest/api/2``; ``GET /rest/api/2/search`` (``startAt`` /
  ``maxResults`` / ``total``); the inline changelog is complete there (else the
  issue is read again with ``expand=changelog``). Authentication: Bearer
  personal access token.
- Both: agile ``/rest/agile/1.0`` for boards, their projects and configuration
  (estimation field) and sprints (``startAt``/``maxResults``/``isLast``);
  ``/field`` to discover the story-points field (``jsw-story-points``, else the
  "Story Points" float) and the sprint field (``gh-sprint``); ``/status`` for
  status categories; ``/myself`` for the time zone that JQL dates are read in.

Mapping (pure functions, unit-tested): ``map_issue`` replays an issue's
changelog into ``RemoteEvent``\\ s. Event ids are stable: ``created`` (with the
initial status, category and points, found by walking the changelog back from
the current values: a field's value before its first change is that change's
``from``; a field that never changed had its current value since creation),
``created+<sprint>`` and ``created:assignee`` for the initial sprints and
assignee, and ``<history id>.<item index>`` for each change (sprint changes add
``+<sprint>``/``-<sprint>``: the difference of the Sprint field's from/to id
lists). A status's category comes from ``status_overrides`` (by name), else
from the status list (by id, then name), else from the issue's own
``statusCategory``; Jira's keys map new → todo, indeterminate → in_progress,
done → done, undefined → todo. A history status that none of these knows
counts as in_progress, with a warning in the sync run.

Item type: sub-task if Jira says so, else by name (Story, Bug, Task, Epic, and
the German names), other types count as task. The current sprint of an item
is its active sprint, else its earliest future one, else its latest closed one.
"""

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

from connectors.base import (
    ItemPage,
    RemoteCatalog,
    RemoteEdit,
    RemoteEvent,
    RemoteItem,
    RemoteProject,
    RemoteSprint,
    RemoteUser,
    RemoteVersion,
    SourceConfig,
)
from connectors.errors import ConnectorError, NotFound, PayloadError
from connectors.http import Credentials, HttpSession, RequestCounters, RetryPolicy, build_client
from connectors.pagination import OffsetPaginator, TokenPaginator, iterate_pages
from models.enums import EventKind, ItemType, SourceKind, SprintState, StatusCategory

Flavor = Literal["cloud", "dc"]
JsonObject = Mapping[str, Any]

STORY_POINTS_SCHEMA: Final = "com.pyxis.greenhopper.jira:jsw-story-points"
FLOAT_SCHEMA: Final = "com.atlassian.jira.plugin.system.customfieldtypes:float"
SPRINT_SCHEMA: Final = "com.pyxis.greenhopper.jira:gh-sprint"
CATEGORY_BY_KEY: Final[Mapping[str, str]] = {
    "new": StatusCategory.TODO.value,
    "indeterminate": StatusCategory.IN_PROGRESS.value,
    "done": StatusCategory.DONE.value,
    "undefined": StatusCategory.TODO.value,
}
TYPE_BY_NAME: Final[Mapping[str, str]] = {
    "story": ItemType.STORY.value,
    "user story": ItemType.STORY.value,
    "geschichte": ItemType.STORY.value,
    "bug": ItemType.BUG.value,
    "fehler": ItemType.BUG.value,
    "task": ItemType.TASK.value,
    "aufgabe": ItemType.TASK.value,
    "epic": ItemType.EPIC.value,
    "sub-task": ItemType.SUBTASK.value,
    "subtask": ItemType.SUBTASK.value,
    "unteraufgabe": ItemType.SUBTASK.value,
}
#: Cloud: at most this many keys per ``key in (...)`` query.
KEYS_PER_QUERY: Final = 50
VERSION_PAGE_SIZE: Final = 1000
CHANGELOG_PAGE_SIZE: Final = 100


# --------------------------------------------------------------------------- pure mapping


class MappingError(ValueError):
    """A payload that cannot be mapped; the connector turns it into ``PayloadError``."""


def parse_jira_datetime(value: object, *, what: str = "timestamp") -> datetime:
    """Jira's timestamps as aware UTC: ``2025-03-01T10:00:00.000+0000``, ``...Z``, or a date.

    Raises:
        MappingError: for anything else (names the value).
    """
    if not isinstance(value, str) or not value:
        raise MappingError(f"{what} {value!r} is not a timestamp")
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        text = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", text.replace("Z", "+00:00"))
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise MappingError(f"{what} {value!r} is not an ISO 8601 timestamp") from None
    if parsed.tzinfo is None:
        raise MappingError(f"{what} {value!r} has no time zone")
    return parsed.astimezone(UTC)


def _optional_datetime(value: object, what: str) -> datetime | None:
    return None if value in (None, "") else parse_jira_datetime(value, what=what)


def category_for_key(key: object) -> str | None:
    """Our category for a Jira ``statusCategory.key`` (None if unknown)."""
    return CATEGORY_BY_KEY.get(key) if isinstance(key, str) else None


@dataclass(frozen=True)
class StatusMap:
    """Status id/name → category, with per-source overrides by name (casefolded)."""

    by_id: Mapping[str, str] = field(default_factory=dict)
    by_name: Mapping[str, str] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)
    overrides: Mapping[str, str] = field(default_factory=dict)

    def category(
        self, *, status_id: str | None, name: str | None, fallback_key: object = None
    ) -> str | None:
        """The category of a status, or None if neither override, list nor fallback knows it."""
        if name is not None and name.casefold() in self.overrides:
            return self.overrides[name.casefold()]
        if status_id is not None and status_id in self.by_id:
            return self.by_id[status_id]
        if name is not None and name.casefold() in self.by_name:
            return self.by_name[name.casefold()]
        return category_for_key(fallback_key)

    def name_of(self, status_id: str | None) -> str | None:
        return self.names.get(status_id) if status_id is not None else None

    def as_settings(self) -> dict[str, str]:
        """Status name → category, overrides applied (what the edit service offers)."""
        result: dict[str, str] = {}
        for status_id, name in sorted(self.names.items(), key=lambda kv: kv[1].casefold()):
            category = self.category(status_id=status_id, name=name)
            if category is not None:
                result[name] = category
        return result


def map_statuses(payload: object, overrides: Mapping[str, str]) -> StatusMap:
    """The status list (``GET /status``) as a ``StatusMap``.

    Raises:
        MappingError: if the payload is not a list of statuses.
    """
    if not isinstance(payload, list):
        raise MappingError("the status list is not a JSON array")
    by_id: dict[str, str] = {}
    by_name: dict[str, str] = {}
    names: dict[str, str] = {}
    for status in payload:
        if not isinstance(status, Mapping) or "id" not in status or "name" not in status:
            raise MappingError(f"status entry {status!r} lacks id or name")
        category = category_for_key((status.get("statusCategory") or {}).get("key"))
        status_id, name = str(status["id"]), str(status["name"])
        names[status_id] = name
        if category is not None:
            by_id[status_id] = category
            by_name.setdefault(name.casefold(), category)
    return StatusMap(
        by_id=by_id,
        by_name=by_name,
        names=names,
        overrides={k.casefold(): v for k, v in overrides.items()},
    )


@dataclass(frozen=True)
class FieldIds:
    """The discovered custom fields: story points (id and name) and sprint."""

    points: str | None
    points_name: str | None
    sprint: str | None

    def as_settings(self) -> dict[str, str]:
        found = {"points": self.points, "points_name": self.points_name, "sprint": self.sprint}
        return {k: v for k, v in found.items() if v}


def discover_fields(payload: object, *, estimation_field: str | None = None) -> FieldIds:
    """Find the story-points and sprint fields in ``GET /field``.

    Points: the board's estimation field if it is a number field, else the
    ``jsw-story-points`` field ("Story point estimate"), else a float field
    named "Story Points". Sprint: the ``gh-sprint`` field.

    Raises:
        MappingError: if the payload is not a list of fields.
    """
    if not isinstance(payload, list):
        raise MappingError("the field list is not a JSON array")
    by_id: dict[str, JsonObject] = {}
    for entry in payload:
        if isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
            by_id[entry["id"]] = entry

    def schema(entry: JsonObject) -> JsonObject:
        value = entry.get("schema")
        return value if isinstance(value, Mapping) else {}

    points: JsonObject | None = None
    if estimation_field and estimation_field in by_id:
        candidate = by_id[estimation_field]
        if schema(candidate).get("type") == "number":
            points = candidate
    if points is None:
        points = next(
            (e for e in by_id.values() if schema(e).get("custom") == STORY_POINTS_SCHEMA), None
        )
    if points is None:
        points = next(
            (
                e
                for e in by_id.values()
                if schema(e).get("custom") == FLOAT_SCHEMA
                and str(e.get("name", "")).casefold() == "story points"
            ),
            None,
        )
    sprint = next((e for e in by_id.values() if schema(e).get("custom") == SPRINT_SCHEMA), None)
    return FieldIds(
        points=str(points["id"]) if points else None,
        points_name=str(points.get("name")) if points else None,
        sprint=str(sprint["id"]) if sprint else None,
    )


_SPRINT_STRING = re.compile(r"\[(.*)\]\s*$", re.S)


def _parse_sprint_string(text: str) -> dict[str, str]:
    """``com.atlassian.greenhopper.service.sprint.Sprint@1a2b[id=37,state=CLOSED,name=S 5,...]``."""
    match = _SPRINT_STRING.search(text)
    if not match:
        raise MappingError(
            f"sprint value {text[:80]!r} is neither an object nor Jira's string form"
        )
    values: dict[str, str] = {}
    key: str | None = None
    for part in match.group(1).split(","):
        name, sep, value = part.partition("=")
        if sep and re.fullmatch(r"[A-Za-z]+", name.strip()):
            key = name.strip()
            values[key] = value
        elif key is not None:  # a comma inside a value (sprint names, goals)
            values[key] += "," + part
    return {k: ("" if v == "<null>" else v) for k, v in values.items()}


def map_sprint(payload: object) -> RemoteSprint:
    """A sprint object (agile API or Sprint field; DC's string form too) as a ``RemoteSprint``.

    Raises:
        MappingError: if it has no id, name or state, or a malformed date.
    """
    if isinstance(payload, str):
        payload = _parse_sprint_string(payload)
        board = payload.get("rapidViewId") or payload.get("boardId")
    elif isinstance(payload, Mapping):
        board = payload.get("originBoardId", payload.get("boardId"))
    else:
        raise MappingError(f"sprint value {payload!r} is not an object")
    if "id" not in payload or not payload.get("name") or not payload.get("state"):
        raise MappingError(f"sprint {payload!r} lacks id, name or state")
    state = str(payload["state"]).lower()
    if state not in {s.value for s in SprintState}:
        raise MappingError(f"sprint {payload['id']} has unknown state {payload['state']!r}")
    return RemoteSprint(
        key=str(payload["id"]),
        name=str(payload["name"])[:200],
        state=state,
        start_at=_optional_datetime(payload.get("startDate"), "sprint startDate"),
        end_at=_optional_datetime(payload.get("endDate"), "sprint endDate"),
        completed_at=_optional_datetime(payload.get("completeDate"), "sprint completeDate"),
        goal=str(payload.get("goal") or ""),
        board_key=str(board) if board not in (None, "") else None,
    )


def map_user(payload: object, flavor: Flavor) -> RemoteUser | None:
    """An assignee object: Cloud ``accountId``; DC user ``key`` (``name`` kept as login)."""
    if payload is None:
        return None
    if not isinstance(payload, Mapping):
        raise MappingError(f"user value {payload!r} is not an object")
    if flavor == "cloud":
        remote_id = payload.get("accountId")
        login = None
    else:
        remote_id = payload.get("key") or payload.get("name")
        login = payload.get("name")
    if not remote_id:
        raise MappingError(f"user {payload!r} has no {'accountId' if flavor == 'cloud' else 'key'}")
    name = payload.get("displayName") or login or str(remote_id)
    email = payload.get("emailAddress")
    return RemoteUser(
        remote_id=str(remote_id),
        display_name=str(name)[:200],
        login=str(login) if login else None,
        email=str(email) if email else None,
    )


def _sprint_ids(text: object) -> list[str]:
    """The ids of a changelog Sprint value: ``"37, 38"`` → ["37", "38"]."""
    if not isinstance(text, str) or not text.strip():
        return []
    return [part.strip() for part in text.split(",") if part.strip()]


def _points(value: object, what: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise MappingError(f"{what} {value!r} is not a number") from None
    if number != number or number < 0:
        raise MappingError(f"{what} {value!r} is not a non-negative number")
    return number


def choose_current_sprint(sprints: Sequence[RemoteSprint]) -> str | None:
    """The active sprint, else the earliest future one, else the latest closed one."""
    active = [s for s in sprints if s.state == SprintState.ACTIVE.value]
    if active:
        return active[-1].key
    future = [s for s in sprints if s.state == SprintState.FUTURE.value]
    if future:
        far = datetime.max.replace(tzinfo=UTC)
        return min(
            future, key=lambda s: (s.start_at or far, int(s.key) if s.key.isdigit() else 0)
        ).key
    closed = [s for s in sprints if s.state == SprintState.CLOSED.value]
    if closed:
        near = datetime.min.replace(tzinfo=UTC)
        return max(
            closed,
            key=lambda s: (
                s.completed_at or s.end_at or near,
                int(s.key) if s.key.isdigit() else 0,
            ),
        ).key
    return None


@dataclass(frozen=True)
class MappingContext:
    """What ``map_issue`` needs besides the payload."""

    flavor: Flavor
    fields: FieldIds
    statuses: StatusMap


@dataclass
class _Change:
    """One relevant changelog item, in order."""

    history_id: str
    index: int
    at: datetime
    kind: str  # status, points, sprint, assignee, key
    item: JsonObject


def _classify(item: JsonObject, ctx: MappingContext) -> str | None:
    field_id = item.get("fieldId")
    name = item.get("field")
    if field_id == "status" or (field_id is None and name == "status"):
        return "status"
    if ctx.fields.points and (
        field_id == ctx.fields.points or (field_id is None and name == ctx.fields.points_name)
    ):
        return "points"
    if (ctx.fields.sprint and field_id == ctx.fields.sprint) or name == "Sprint":
        return "sprint"
    if field_id == "assignee" or (field_id is None and name == "assignee"):
        return "assignee"
    if name == "Key":
        return "key"
    return None


def _changes(histories: Sequence[object], ctx: MappingContext, key: str) -> list[_Change]:
    """The relevant changelog items, oldest first (histories sorted by created, then id)."""
    parsed: list[tuple[datetime, int, str, list[JsonObject]]] = []
    for history in histories:
        if not isinstance(history, Mapping) or "id" not in history:
            raise MappingError(f"{key}: changelog entry {history!r} has no id")
        items = history.get("items")
        if not isinstance(items, list):
            raise MappingError(f"{key}: changelog entry {history['id']} has no items list")
        at = parse_jira_datetime(history.get("created"), what=f"{key} history created")
        hid = str(history["id"])
        parsed.append((at, int(hid) if hid.isdigit() else 0, hid, items))
    parsed.sort(key=lambda h: (h[0], h[1], h[2]))
    changes: list[_Change] = []
    seen: set[str] = set()
    for at, _, hid, items in parsed:
        if hid in seen:
            continue  # a history repeated across changelog pages
        seen.add(hid)
        for index, item in enumerate(items):
            if not isinstance(item, Mapping):
                raise MappingError(
                    f"{key}: changelog entry {hid} has an item that is not an object"
                )
            kind = _classify(item, ctx)
            if kind is not None:
                changes.append(_Change(hid, index, at, kind, item))
    return changes


def _user_from_change(remote_id: object, display: object) -> RemoteUser | None:
    """A user named by a changelog item (id only; DC's user name is not in the history)."""
    if remote_id in (None, ""):
        return None
    return RemoteUser(remote_id=str(remote_id), display_name=str(display or remote_id)[:200])


def map_issue(payload: object, histories: Sequence[object], ctx: MappingContext) -> RemoteItem:
    """An issue (search result or ``GET /issue``) and its complete changelog as a ``RemoteItem``.

    Args:
        payload: The issue JSON (``key`` and ``fields``).
        histories: All its changelog histories (any order; duplicates are dropped).
        ctx: Field ids, status categories and the flavor (Cloud or DC).

    Raises:
        MappingError: a required field is missing or malformed (names the issue and field).
    """
    if not isinstance(payload, Mapping) or not isinstance(payload.get("key"), str):
        raise MappingError(f"issue {str(payload)[:80]!r} has no key")
    key = payload["key"]
    fields = payload.get("fields")
    if not isinstance(fields, Mapping):
        raise MappingError(f"{key}: no fields object")
    warnings: list[str] = []

    def require(name: str) -> Any:
        if fields.get(name) in (None, ""):
            raise MappingError(f"{key}: field {name!r} is missing")
        return fields[name]

    status = require("status")
    if not isinstance(status, Mapping) or "name" not in status:
        raise MappingError(f"{key}: status {status!r} has no name")
    status_id = str(status["id"]) if status.get("id") is not None else None
    status_name = str(status["name"])
    status_key = (status.get("statusCategory") or {}).get("key")
    category = ctx.statuses.category(status_id=status_id, name=status_name, fallback_key=status_key)
    if category is None:
        raise MappingError(f"{key}: status {status_name!r} has no status category")

    project = require("project")
    if not isinstance(project, Mapping) or not project.get("key"):
        raise MappingError(f"{key}: project {project!r} has no key")
    issuetype = fields.get("issuetype") or {}
    if not isinstance(issuetype, Mapping):
        raise MappingError(f"{key}: issuetype {issuetype!r} is not an object")
    if issuetype.get("subtask") is True:
        item_type = ItemType.SUBTASK.value
    else:
        item_type = TYPE_BY_NAME.get(str(issuetype.get("name", "")).casefold(), ItemType.TASK.value)

    created = parse_jira_datetime(require("created"), what=f"{key} created")
    updated_raw = require("updated")
    updated = parse_jira_datetime(updated_raw, what=f"{key} updated")
    resolved = _optional_datetime(fields.get("resolutiondate"), f"{key} resolutiondate")
    points = _points(fields.get(ctx.fields.points), f"{key} points") if ctx.fields.points else None
    assignee = map_user(fields.get("assignee"), ctx.flavor)
    parent = fields.get("parent")
    parent_key = parent.get("key") if isinstance(parent, Mapping) else None

    sprint_value = fields.get(ctx.fields.sprint) if ctx.fields.sprint else None
    if sprint_value in (None, ""):
        sprint_value = []
    if not isinstance(sprint_value, list):
        raise MappingError(f"{key}: sprint field value {sprint_value!r} is not a list")
    sprints = tuple(map_sprint(s) for s in sprint_value)
    current_sprints = [s.key for s in sprints]

    changes = _changes(histories, ctx, key)
    first: dict[str, _Change] = {}
    for change in changes:
        first.setdefault(change.kind, change)

    def status_category_of(sid: object, name: object) -> str:
        sid_text = str(sid) if sid not in (None, "") else None
        name_text = str(name) if name not in (None, "") else None
        found = ctx.statuses.category(status_id=sid_text, name=name_text)
        if found is None and name_text == status_name:
            found = category
        if found is None:
            warnings.append(
                f"{key}: status {name_text or sid_text!r} in the history has no category; "
                "counted as in_progress (map it in settings['status_overrides'])"
            )
            found = StatusCategory.IN_PROGRESS.value
        return found

    if "status" in first:
        item = first["status"].item
        initial_status = str(
            item.get("fromString") or ctx.statuses.name_of(item.get("from")) or status_name
        )[:100]
        initial_category = status_category_of(item.get("from"), initial_status)
    else:
        initial_status, initial_category = status_name[:100], category
    if "points" in first:
        initial_points = _points(first["points"].item.get("fromString"), f"{key} points history")
    else:
        initial_points = points
    if "sprint" in first:
        initial_sprints = _sprint_ids(first["sprint"].item.get("from"))
    else:
        initial_sprints = current_sprints
    if "assignee" in first:
        item = first["assignee"].item
        initial_assignee = _user_from_change(item.get("from"), item.get("fromString"))
    else:
        initial_assignee = assignee

    events: list[RemoteEvent] = [
        RemoteEvent(
            "created",
            created,
            EventKind.CREATED.value,
            status=initial_status,
            status_category=initial_category,
            points=initial_points,
        ),
    ]
    events += [
        RemoteEvent(f"created+{sid}", created, EventKind.SPRINT_ADDED.value, sprint_key=sid)
        for sid in initial_sprints
    ]
    if initial_assignee is not None:
        events.append(
            RemoteEvent(
                "created:assignee", created, EventKind.ASSIGNEE.value, assignee=initial_assignee
            )
        )
    previous_keys: list[str] = []
    for change in changes:
        rid = f"{change.history_id}.{change.index}"
        item = change.item
        if change.kind == "status":
            name = str(item.get("toString") or ctx.statuses.name_of(item.get("to")) or "")[:100]
            if not name:
                raise MappingError(f"{key}: status change {rid} has no target status")
            events.append(
                RemoteEvent(
                    rid,
                    change.at,
                    EventKind.STATUS.value,
                    status=name,
                    status_category=status_category_of(item.get("to"), name),
                )
            )
        elif change.kind == "points":
            value = _points(item.get("toString"), f"{key} points change {rid}")
            events.append(RemoteEvent(rid, change.at, EventKind.POINTS.value, points=value))
        elif change.kind == "sprint":
            before = _sprint_ids(item.get("from"))
            after = _sprint_ids(item.get("to"))
            events += [
                RemoteEvent(
                    f"{rid}-{sid}", change.at, EventKind.SPRINT_REMOVED.value, sprint_key=sid
                )
                for sid in before
                if sid not in after
            ]
            events += [
                RemoteEvent(f"{rid}+{sid}", change.at, EventKind.SPRINT_ADDED.value, sprint_key=sid)
                for sid in after
                if sid not in before
            ]
        elif change.kind == "assignee":
            user = _user_from_change(item.get("to"), item.get("toString"))
            events.append(RemoteEvent(rid, change.at, EventKind.ASSIGNEE.value, assignee=user))
        elif change.kind == "key" and item.get("fromString"):
            previous_keys.append(str(item["fromString"]))

    return RemoteItem(
        key=key,
        project_key=str(project["key"]),
        type=item_type,
        title=str(fields.get("summary") or "")[:1000],
        status=status_name[:100],
        status_category=category,
        points=points,
        assignee=assignee,
        parent_key=str(parent_key) if parent_key else None,
        sprint_keys=tuple(current_sprints),
        current_sprint_key=choose_current_sprint(sprints),
        created_at=created,
        updated_at=updated,
        resolved_at=resolved,
        remote_version=str(updated_raw),
        events=tuple(events),
        sprints=sprints,
        previous_keys=tuple(k for k in previous_keys if k != key),
        warnings=tuple(warnings),
    )


def jql_datetime(moment: datetime, zone: ZoneInfo) -> str:
    """A JQL date literal (minute resolution, in the API user's time zone), rounded down."""
    local = moment.astimezone(zone)
    return local.strftime("%Y-%m-%d %H:%M")


def jql_for(projects: Sequence[str], *, since: datetime | None, zone: ZoneInfo) -> str:
    """The bounded JQL of a sync: the projects, optionally updated since, oldest update first."""
    if not projects:
        raise ValueError("a JQL query needs at least one project (unbounded JQL is refused)")
    quoted = ", ".join(f'"{p}"' for p in sorted(projects))
    jql = f"project in ({quoted})"
    if since is not None:
        jql += f' AND updated >= "{jql_datetime(since, zone)}"'
    return jql + " ORDER BY updated ASC, key ASC"


def jql_for_keys(keys: Sequence[str]) -> str:
    quoted = ", ".join(f'"{k}"' for k in keys)
    return f"key in ({quoted}) ORDER BY key ASC"


# --------------------------------------------------------------------------- the connector


class JiraConnector:
    """Jira Cloud (``jira-cloud``) or Data Center (``jira-dc``) as a ``TrackerConnector``.

    Args:
        config: The source.
        transport: An httpx transport for tests (default: the network).
        environ: Where the token variable is read (default ``os.environ``, at each request).
        policy: The retry policy.
    """

    def __init__(
        self,
        config: SourceConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        environ: Mapping[str, str] | None = None,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.config = config
        self.flavor: Flavor = "cloud" if config.kind == SourceKind.JIRA_CLOUD.value else "dc"
        self.api = "/rest/api/3" if self.flavor == "cloud" else "/rest/api/2"
        if config.token_env:
            credentials: Credentials | None = Credentials(
                token_env=config.token_env,
                scheme="basic" if self.flavor == "cloud" else "bearer",
                user=config.email,
            )
        else:
            credentials = None
        client = build_client(
            source=config.name,
            base_url=config.base_url,
            credentials=credentials,
            timeout_s=config.timeout_s,
            transport=transport,
            environ=environ,
        )
        self.http = HttpSession(
            source=config.name,
            client=client,
            credentials=credentials,
            policy=policy or RetryPolicy(),
            budget=config.request_budget,
        )
        self._ctx: MappingContext | None = None
        self._projects: tuple[str, ...] = ()
        self._boards: tuple[int, ...] = ()
        self._zone = ZoneInfo("UTC")

    @property
    def counters(self) -> RequestCounters:
        return self.http.counters

    def close(self) -> None:
        self.http.close()

    def _payload_error(self, exc: MappingError, where: str) -> PayloadError:
        return PayloadError(self.config.name, f"{where}: {exc}")

    # ------------------------------------------------------------------ discovery

    def discover(self) -> RemoteCatalog:
        """Read the user's time zone, the boards' projects, estimation field, fields and statuses.

        Raises:
            AuthError: the credentials are refused (this is the first request of a run).
            ConfigError-like ConnectorError: no board, or no project found.
        """
        me = self.http.get_json(f"{self.api}/myself")
        zone_name = me.get("timeZone") if isinstance(me, Mapping) else None
        try:
            self._zone = ZoneInfo(zone_name) if isinstance(zone_name, str) else ZoneInfo("UTC")
        except (ZoneInfoNotFoundError, ValueError):
            self._zone = ZoneInfo("UTC")
        warnings: list[str] = []
        boards = list(self.config.boards)
        if not boards:
            for page in iterate_pages(
                self.http,
                "/rest/agile/1.0/board",
                OffsetPaginator(page_size=self.config.page_size),
                params={"type": "scrum"},
            ):
                boards += [int(b["id"]) for b in page if "id" in b]
        if not boards:
            raise ConnectorError(
                self.config.name,
                "no scrum board is visible to the token's user — name boards with --board",
            )
        self._boards = tuple(boards)
        projects: dict[str, str] = {}
        board_projects: dict[str, str] = {}
        estimation: str | None = None
        for board in boards:
            for page in iterate_pages(
                self.http,
                f"/rest/agile/1.0/board/{board}/project",
                OffsetPaginator(page_size=self.config.page_size),
            ):
                for project in page:
                    if project.get("key"):
                        projects[str(project["key"])] = str(project.get("name") or project["key"])
                        board_projects.setdefault(str(board), str(project["key"]))
            config = self.http.get_json(f"/rest/agile/1.0/board/{board}/configuration")
            field_id = (
                ((config.get("estimation") or {}).get("field") or {}).get("fieldId")
                if isinstance(config, Mapping)
                else None
            )
            if field_id and estimation and field_id != estimation:
                warnings.append(
                    f"boards estimate with different fields ({estimation}, {field_id}); "
                    f"using {estimation}"
                )
            estimation = estimation or field_id
        if not projects:
            raise ConnectorError(
                self.config.name, f"boards {boards} show no project — check the board ids"
            )
        try:
            fields = discover_fields(
                self.http.get_json(f"{self.api}/field"), estimation_field=estimation
            )
            statuses = map_statuses(
                self.http.get_json(f"{self.api}/status"), self.config.status_overrides
            )
        except MappingError as exc:
            raise self._payload_error(exc, "discovery") from None
        if fields.points is None:
            warnings.append("no story-points field found; items count as unestimated")
        if fields.sprint is None:
            warnings.append("no sprint field found; sprint membership comes from nothing")
        self._ctx = MappingContext(self.flavor, fields, statuses)
        self._projects = tuple(sorted(projects))
        return RemoteCatalog(
            projects=tuple(RemoteProject(k, v) for k, v in sorted(projects.items())),
            statuses=statuses.as_settings(),
            fields=fields.as_settings(),
            board_projects=board_projects,
            warnings=tuple(warnings),
        )

    @property
    def ctx(self) -> MappingContext:
        if self._ctx is None:
            self.discover()
        assert self._ctx is not None
        return self._ctx

    # ------------------------------------------------------------------ sprints

    def fetch_sprints(self) -> Iterator[RemoteSprint]:
        if not self._boards:
            self.discover()
        for board in self._boards:
            for page in iterate_pages(
                self.http,
                f"/rest/agile/1.0/board/{board}/sprint",
                OffsetPaginator(page_size=self.config.page_size),
                params={"state": "future,active,closed"},
            ):
                for raw in page:
                    try:
                        sprint = map_sprint(raw)
                    except MappingError as exc:
                        raise self._payload_error(exc, f"board {board} sprints") from None
                    yield sprint if sprint.board_key else _with_board(sprint, board)

    def fetch_sprint(self, key: str) -> RemoteSprint | None:
        try:
            raw = self.http.get_json(f"/rest/agile/1.0/sprint/{key}")
        except NotFound:
            return None
        try:
            return map_sprint(raw)
        except MappingError as exc:
            raise self._payload_error(exc, f"sprint {key}") from None

    # ------------------------------------------------------------------ items

    def _field_list(self, *, full: bool) -> str:
        if not full:
            return "updated"
        names = [
            "summary",
            "status",
            "assignee",
            "issuetype",
            "project",
            "parent",
            "created",
            "updated",
            "resolutiondate",
        ]
        ids = self.ctx.fields
        names += [f for f in (ids.points, ids.sprint) if f]
        return ",".join(names)

    def _search(self, jql: str, *, full: bool, page_size: int) -> Iterator[list[JsonObject]]:
        params: dict[str, Any] = {"jql": jql, "fields": self._field_list(full=full)}
        if full:
            params["expand"] = "changelog"
        if self.flavor == "cloud":
            paginator: TokenPaginator | OffsetPaginator = TokenPaginator(
                values_key="issues", page_size=page_size
            )
            path = "/rest/api/3/search/jql"
        else:
            paginator = OffsetPaginator(values_key="issues", page_size=page_size)
            path = "/rest/api/2/search"
        yield from iterate_pages(self.http, path, paginator, params=params)

    def _histories(self, issue: JsonObject) -> list[object]:
        """The complete changelog of a search result: inline if complete, else fetched."""
        key = str(issue.get("key"))
        changelog = issue.get("changelog")
        if not isinstance(changelog, Mapping):
            raise PayloadError(
                self.config.name, f"{key}: the search result has no changelog (expand ignored?)"
            )
        histories = changelog.get("histories")
        total = changelog.get("total")
        if not isinstance(histories, list):
            raise PayloadError(self.config.name, f"{key}: changelog without histories")
        if not isinstance(total, int) or total <= len(histories):
            return histories
        return self.fetch_changelog(key)

    def fetch_changelog(self, key: str) -> list[object]:
        """An issue's whole changelog: Cloud's paged endpoint; DC reads the issue again."""
        if self.flavor == "cloud":
            histories: list[object] = []
            for page in iterate_pages(
                self.http,
                f"/rest/api/3/issue/{key}/changelog",
                OffsetPaginator(page_size=CHANGELOG_PAGE_SIZE),
            ):
                histories += page
            return histories
        issue = self.http.get_json(
            f"{self.api}/issue/{key}", params={"fields": "updated", "expand": "changelog"}
        )
        changelog = issue.get("changelog") if isinstance(issue, Mapping) else None
        histories_raw = changelog.get("histories") if isinstance(changelog, Mapping) else None
        if not isinstance(histories_raw, list):
            raise PayloadError(self.config.name, f"{key}: GET issue returned no changelog")
        return histories_raw

    def _map_page(self, issues: Sequence[JsonObject], number: int) -> ItemPage:
        items: list[RemoteItem] = []
        for issue in issues:
            try:
                items.append(map_issue(issue, self._histories(issue), self.ctx))
            except MappingError as exc:
                raise self._payload_error(exc, f"page {number}") from None
        return ItemPage(tuple(items), number)

    def iter_item_pages(self, *, since: datetime | None) -> Iterator[ItemPage]:
        jql = jql_for(self._projects_or_discover(), since=since, zone=self._zone)
        for number, issues in enumerate(
            self._search(jql, full=True, page_size=self.config.page_size), start=1
        ):
            yield self._map_page(issues, number)

    def iter_item_versions(self, *, since: datetime | None) -> Iterator[tuple[str, datetime]]:
        jql = jql_for(self._projects_or_discover(), since=since, zone=self._zone)
        for issues in self._search(jql, full=False, page_size=VERSION_PAGE_SIZE):
            for issue in issues:
                key = issue.get("key")
                fields = issue.get("fields")
                if not isinstance(key, str) or not isinstance(fields, Mapping):
                    raise PayloadError(self.config.name, f"scan: issue {issue!r} lacks key/fields")
                try:
                    yield key, parse_jira_datetime(fields.get("updated"), what=f"{key} updated")
                except MappingError as exc:
                    raise self._payload_error(exc, "scan") from None

    def fetch_items(self, keys: Sequence[str]) -> Iterator[ItemPage]:
        chunk = max(1, min(self.config.page_size, KEYS_PER_QUERY))
        number = 0
        for start in range(0, len(keys), chunk):
            jql = jql_for_keys(keys[start : start + chunk])
            for issues in self._search(jql, full=True, page_size=chunk):
                number += 1
                yield self._map_page(issues, number)

    def fetch_item(self, key: str) -> RemoteItem | None:
        try:
            issue = self.http.get_json(
                f"{self.api}/issue/{key}",
                params={"fields": self._field_list(full=True), "expand": "changelog"},
            )
        except NotFound:
            return None
        if not isinstance(issue, Mapping):
            raise PayloadError(self.config.name, f"GET issue {key} is not an object")
        try:
            return map_issue(issue, self._histories(issue), self.ctx)
        except MappingError as exc:
            raise self._payload_error(exc, f"issue {key}") from None

    def _projects_or_discover(self) -> tuple[str, ...]:
        if not self._projects:
            self.discover()
        return self._projects

    # ------------------------------------------------------------------ write-back

    def read_version(self, key: str) -> RemoteVersion:
        issue = self.http.get_json(
            f"{self.api}/issue/{key}", params={"fields": self._field_list(full=True)}
        )
        try:
            item = map_issue(issue, [], self.ctx)
        except MappingError as exc:
            raise self._payload_error(exc, f"issue {key}") from None
        return RemoteVersion(
            key=item.key,
            version=item.remote_version,
            updated_at=item.updated_at,
            status=item.status,
            points=item.points,
            assignee=item.assignee.remote_id if item.assignee else None,
            sprint_keys=item.sprint_keys,
            title=item.title,
        )

    def apply(self, edit: RemoteEdit) -> None:
        """Write points/assignee/title (one PUT), then the status (a transition), then the sprint.

        Raises:
            ConnectorError: ``PayloadError`` for a refused field, a status no
                transition reaches, or an unknown sprint; others from the HTTP layer.
        """
        key = edit.key
        updates: dict[str, Any] = {}
        for name, value in edit.fields.items():
            if name == "points":
                if not self.ctx.fields.points:
                    raise PayloadError(self.config.name, "no story-points field to write to")
                updates[self.ctx.fields.points] = value
            elif name == "title":
                updates["summary"] = value
            elif name == "assignee":
                if value is None:
                    updates["assignee"] = None
                elif self.flavor == "cloud":
                    updates["assignee"] = {"accountId": value}
                else:
                    updates["assignee"] = {"name": value}
        if updates:
            self.http.request(
                "PUT", f"{self.api}/issue/{key}", json={"fields": updates}, retry="connect"
            )
        if "status" in edit.fields:
            self._transition(key, str(edit.fields["status"]))
        if "sprint" in edit.fields:
            sprint = edit.fields["sprint"]
            if sprint is None:
                self.http.request(
                    "POST",
                    "/rest/agile/1.0/backlog/issue",
                    json={"issues": [key]},
                    retry="connect",
                )
            else:
                self.http.request(
                    "POST",
                    f"/rest/agile/1.0/sprint/{sprint}/issue",
                    json={"issues": [key]},
                    retry="connect",
                )

    def _transition(self, key: str, status: str) -> None:
        body = self.http.get_json(f"{self.api}/issue/{key}/transitions")
        transitions = body.get("transitions") if isinstance(body, Mapping) else None
        if not isinstance(transitions, list):
            raise PayloadError(self.config.name, f"{key}: transitions response has no list")
        wanted = status.casefold()
        for transition in transitions:
            target = transition.get("to") if isinstance(transition, Mapping) else None
            if isinstance(target, Mapping) and str(target.get("name", "")).casefold() == wanted:
                self.http.request(
                    "POST",
                    f"{self.api}/issue/{key}/transitions",
                    json={"transition": {"id": str(transition["id"])}},
                    retry="connect",
                )
                return
        reachable = sorted(
            str(t["to"]["name"])
            for t in transitions
            if isinstance(t, Mapping) and isinstance(t.get("to"), Mapping) and "name" in t["to"]
        )
        raise PayloadError(
            self.config.name,
            f"{key}: no transition leads to status {status!r} (reachable: "
            f"{', '.join(reachable) or 'none'}); change the status in Jira step by step",
        )


def _with_board(sprint: RemoteSprint, board: int) -> RemoteSprint:
    return replace(sprint, board_key=str(board))


__all__ = [
    "CATEGORY_BY_KEY",
    "FieldIds",
    "JiraConnector",
    "MappingContext",
    "MappingError",
    "StatusMap",
    "category_for_key",
    "choose_current_sprint",
    "discover_fields",
    "jql_for",
    "jql_for_keys",
    "map_issue",
    "map_sprint",
    "map_statuses",
    "map_user",
    "parse_jira_datetime",
]
