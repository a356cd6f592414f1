"""The pure payload → model functions of connectors.jira, on hand-written Jira payloads."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from connectors.base import RemoteSprint, RemoteUser
from connectors.jira import (
    FieldIds,
    MappingContext,
    MappingError,
    choose_current_sprint,
    discover_fields,
    jql_for,
    jql_for_keys,
    map_issue,
    map_sprint,
    map_statuses,
    map_user,
    parse_jira_datetime,
)

STATUSES = [
    {"id": "1", "name": "To Do", "statusCategory": {"key": "new"}},
    {"id": "3", "name": "In Progress", "statusCategory": {"key": "indeterminate"}},
    {"id": "5", "name": "Done", "statusCategory": {"key": "done"}},
    {"id": "6", "name": "Won't Do", "statusCategory": {"key": "done"}},
]
CLOUD = MappingContext(
    "cloud",
    FieldIds(
        points="customfield_10016", points_name="Story point estimate", sprint="customfield_10020"
    ),
    map_statuses(STATUSES, {}),
)


def t(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def jt(day: int, hour: int = 10) -> str:
    return f"2026-03-{day:02d}T{hour:02d}:00:00.000+0000"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-02T10:00:00.000+0000", t(2)),
        ("2026-03-02T11:00:00.000+0100", t(2)),
        ("2026-03-02T10:00:00.000Z", t(2)),
        ("2026-03-02T10:00:00Z", t(2)),
        ("2026-03-02", datetime(2026, 3, 2, tzinfo=UTC)),
    ],
)
def test_parse_jira_datetime(text: str, expected: datetime) -> None:
    assert parse_jira_datetime(text) == expected


@pytest.mark.parametrize("text", ["", None, "yesterday", "2026-03-02T10:00:00"])
def test_parse_jira_datetime_refuses(text: object) -> None:
    with pytest.raises(MappingError):
        parse_jira_datetime(text)


def _field(fid: str, name: str, custom: str, kind: str = "number") -> dict[str, object]:
    return {"id": fid, "name": name, "schema": {"type": kind, "custom": custom}}


JSW = "com.pyxis.greenhopper.jira:jsw-story-points"
FLOAT = "com.atlassian.jira.plugin.system.customfieldtypes:float"
SPRINT = "com.pyxis.greenhopper.jira:gh-sprint"


def test_discover_fields_prefers_the_board_estimation_field() -> None:
    fields = [
        _field("customfield_10016", "Story point estimate", JSW),
        _field("customfield_10028", "Story Points", FLOAT),
        _field("customfield_10020", "Sprint", SPRINT, "array"),
    ]
    assert discover_fields(fields) == FieldIds(
        "customfield_10016", "Story point estimate", "customfield_10020"
    )
    chosen = discover_fields(fields, estimation_field="customfield_10028")
    assert (chosen.points, chosen.points_name) == ("customfield_10028", "Story Points")
    # an estimation field that is not a number (e.g. time tracking) is not used
    assert discover_fields(fields, estimation_field="timeoriginalestimate").points == (
        "customfield_10016"
    )


def test_discover_fields_falls_back_to_story_points_float() -> None:
    fields = [_field("customfield_10002", "Story Points", FLOAT), _field("x", "Other", FLOAT)]
    assert discover_fields(fields) == FieldIds("customfield_10002", "Story Points", None)
    assert discover_fields([]) == FieldIds(None, None, None)
    with pytest.raises(MappingError):
        discover_fields({"not": "a list"})


def test_statuses_map_categories_with_overrides() -> None:
    statuses = map_statuses(STATUSES, {"won't do": "cancelled"})
    assert statuses.category(status_id="3", name="In Progress") == "in_progress"
    assert statuses.category(status_id="6", name="Won't Do") == "cancelled"
    assert statuses.category(status_id=None, name="done") == "done"  # by name, any case
    assert statuses.category(status_id="99", name="Gone", fallback_key="new") == "todo"
    assert statuses.category(status_id="99", name="Gone") is None
    assert statuses.as_settings() == {
        "Done": "done",
        "In Progress": "in_progress",
        "To Do": "todo",
        "Won't Do": "cancelled",
    }


def test_map_sprint_object_and_dc_string() -> None:
    cloud = map_sprint(
        {
            "id": 37,
            "state": "closed",
            "name": "Sprint 5",
            "originBoardId": 5,
            "startDate": "2026-03-02T08:00:00.000Z",
            "endDate": "2026-03-13T16:00:00.000Z",
            "completeDate": "2026-03-13T15:00:00.000Z",
            "goal": "Ziel",
        }
    )
    assert cloud == RemoteSprint(
        "37", "Sprint 5", "closed", t(2, 8), t(13, 16), t(13, 15), "Ziel", "5"
    )
    text = (
        "com.atlassian.greenhopper.service.sprint.Sprint@1a2b[id=38,rapidViewId=5,"
        "state=ACTIVE,name=Sprint 6, Teil 2,startDate=2026-03-16T09:00:00.000+01:00,"
        "endDate=2026-03-27T17:00:00.000+01:00,completeDate=<null>,sequence=38,goal=<null>]"
    )
    dc = map_sprint(text)
    assert (dc.key, dc.name, dc.state, dc.board_key) == ("38", "Sprint 6, Teil 2", "active", "5")
    assert dc.start_at == datetime(2026, 3, 16, 8, tzinfo=UTC) and dc.completed_at is None
    assert dc.goal == ""
    with pytest.raises(MappingError):
        map_sprint({"id": 1, "name": "x", "state": "paused"})
    with pytest.raises(MappingError):
        map_sprint("Sprint 5")


def test_map_user_cloud_and_dc() -> None:
    assert map_user({"accountId": "abc", "displayName": "Anna"}, "cloud") == RemoteUser(
        "abc", "Anna"
    )
    assert map_user({"name": "anna", "key": "JIRAUSER1", "displayName": "Anna"}, "dc") == (
        RemoteUser("JIRAUSER1", "Anna", login="anna")
    )
    assert map_user(None, "cloud") is None
    with pytest.raises(MappingError):
        map_user({"displayName": "no id"}, "cloud")


def _issue(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "summary": "Wohngeld online",
        "status": {"id": "5", "name": "Done", "statusCategory": {"key": "done"}},
        "issuetype": {"name": "Story", "subtask": False},
        "project": {"key": "MZ"},
        "created": jt(1),
        "updated": jt(9),
        "resolutiondate": jt(8),
        "assignee": {"accountId": "ben", "displayName": "Ben"},
        "customfield_10016": 8.0,
        "customfield_10020": [
            {"id": 37, "name": "S5", "state": "closed", "boardId": 5},
            {"id": 38, "name": "S6", "state": "active", "boardId": 5},
        ],
    }
    base.update(fields)
    return {"id": "10001", "key": "MZ-7", "fields": base}


def _history(hid: int, day: int, *items: dict[str, object]) -> dict[str, object]:
    return {"id": str(hid), "created": jt(day), "items": list(items)}


HISTORIES = [
    # given out of order and with a duplicate (as overlapping changelog pages may)
    _history(
        103, 6, {"field": "Sprint", "fieldId": "customfield_10020", "from": "37", "to": "37, 38"}
    ),
    _history(
        101,
        3,
        {
            "field": "status",
            "fieldId": "status",
            "from": "1",
            "fromString": "To Do",
            "to": "3",
            "toString": "In Progress",
        },
        {
            "field": "Story point estimate",
            "fieldId": "customfield_10016",
            "fromString": "5",
            "toString": "8",
        },
    ),
    _history(
        100,
        2,
        {"field": "Sprint", "fieldId": "customfield_10020", "from": None, "to": "37"},
        {
            "field": "assignee",
            "fieldId": "assignee",
            "from": "anna",
            "fromString": "Anna",
            "to": "ben",
            "toString": "Ben",
        },
    ),
    _history(
        104,
        8,
        {
            "field": "status",
            "fieldId": "status",
            "from": "3",
            "fromString": "In Progress",
            "to": "5",
            "toString": "Done",
        },
        {"field": "resolution", "fieldId": "resolution", "to": "1", "toString": "Fertig"},
    ),
    _history(
        101,
        3,
        {
            "field": "status",
            "fieldId": "status",
            "from": "1",
            "fromString": "To Do",
            "to": "3",
            "toString": "In Progress",
        },
        {
            "field": "Story point estimate",
            "fieldId": "customfield_10016",
            "fromString": "5",
            "toString": "8",
        },
    ),
    _history(
        105, 9, {"field": "Key", "fieldtype": "jira", "fromString": "OLD-3", "toString": "MZ-7"}
    ),
]


def test_map_issue_replays_the_changelog() -> None:
    item = map_issue(_issue(), HISTORIES, CLOUD)
    assert (item.key, item.project_key, item.type, item.title) == (
        "MZ-7",
        "MZ",
        "story",
        "Wohngeld online",
    )
    assert (item.status, item.status_category, item.points) == ("Done", "done", 8.0)
    assert item.sprint_keys == ("37", "38") and item.current_sprint_key == "38"
    assert item.assignee == RemoteUser("ben", "Ben")
    assert item.resolved_at == t(8) and item.updated_at == t(9)
    assert item.remote_version == jt(9) and item.previous_keys == ("OLD-3",)
    events = [
        (
            e.remote_id,
            e.kind,
            e.at,
            e.status,
            e.status_category,
            e.points,
            e.sprint_key,
            e.assignee.remote_id if e.assignee else None,
        )
        for e in item.events
    ]
    assert events == [
        # initial values, walked back from the first change of each field
        ("created", "created", t(1), "To Do", "todo", 5.0, None, None),
        ("created:assignee", "assignee", t(1), None, None, None, None, "anna"),
        ("100.0+37", "sprint_added", t(2), None, None, None, "37", None),
        ("100.1", "assignee", t(2), None, None, None, None, "ben"),
        ("101.0", "status", t(3), "In Progress", "in_progress", None, None, None),
        ("101.1", "points", t(3), None, None, 8.0, None, None),
        ("103.0+38", "sprint_added", t(6), None, None, None, "38", None),
        ("104.0", "status", t(8), "Done", "done", None, None, None),
    ]


def test_map_issue_without_history_has_its_current_values_since_creation() -> None:
    item = map_issue(_issue(), [], CLOUD)
    created = next(e for e in item.events if e.kind == "created")
    assert (created.status, created.status_category, created.points) == ("Done", "done", 8.0)
    assert [e.remote_id for e in item.events] == [
        "created",
        "created+37",
        "created+38",
        "created:assignee",
    ]


def test_map_issue_sprint_moves_and_removals() -> None:
    histories = [
        _history(
            200,
            2,
            {"field": "Sprint", "fieldId": "customfield_10020", "from": "37, 38", "to": "39"},
        ),
        _history(
            201, 3, {"field": "Sprint", "fieldId": "customfield_10020", "from": "39", "to": None}
        ),
    ]
    item = map_issue(_issue(customfield_10020=None), histories, CLOUD)
    assert [(e.remote_id, e.kind, e.sprint_key) for e in item.events if "sprint" in e.kind] == [
        ("created+37", "sprint_added", "37"),
        ("created+38", "sprint_added", "38"),
        ("200.0-37", "sprint_removed", "37"),
        ("200.0-38", "sprint_removed", "38"),
        ("200.0+39", "sprint_added", "39"),
        ("201.0-39", "sprint_removed", "39"),
    ]
    assert item.sprint_keys == () and item.current_sprint_key is None


def test_map_issue_dc_matches_points_by_field_name() -> None:
    ctx = MappingContext(
        "dc",
        FieldIds("customfield_10002", "Story Points", "customfield_10005"),
        map_statuses(STATUSES, {}),
    )
    payload = _issue(
        customfield_10002=3.0,
        customfield_10005=None,
        assignee={"name": "anna", "key": "JIRAUSER1", "displayName": "Anna"},
    )
    history = _history(
        300, 2, {"field": "Story Points", "fieldtype": "custom", "fromString": "", "toString": "3"}
    )
    item = map_issue(payload, [history], ctx)
    points = [(e.kind, e.points) for e in item.events if e.kind in ("created", "points")]
    assert points == [("created", None), ("points", 3.0)]
    assert item.assignee == RemoteUser("JIRAUSER1", "Anna", login="anna")


def test_map_issue_unknown_history_status_counts_in_progress_with_a_warning() -> None:
    history = _history(
        400,
        2,
        {
            "field": "status",
            "fieldId": "status",
            "from": "77",
            "fromString": "Archiviert",
            "to": "5",
            "toString": "Done",
        },
    )
    item = map_issue(_issue(), [history], CLOUD)
    assert item.events[0].status == "Archiviert" and item.events[0].status_category == "in_progress"
    assert item.warnings and "Archiviert" in item.warnings[0]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": None}, "field 'status' is missing"),
        ({"created": "gestern"}, "not an ISO 8601"),
        ({"customfield_10016": "viele"}, "points 'viele' is not a number"),
        ({"customfield_10020": "37"}, "not a list"),
    ],
)
def test_map_issue_refuses_malformed_payloads(fields: dict[str, object], message: str) -> None:
    with pytest.raises(MappingError, match=message):
        map_issue(_issue(**fields), [], CLOUD)


def test_subtasks_and_types() -> None:
    sub = map_issue(_issue(issuetype={"name": "Unteraufgabe", "subtask": True}), [], CLOUD)
    bug = map_issue(_issue(issuetype={"name": "Fehler", "subtask": False}), [], CLOUD)
    other = map_issue(_issue(issuetype={"name": "Improvement", "subtask": False}), [], CLOUD)
    assert (sub.type, bug.type, other.type) == ("sub-task", "bug", "task")


def test_choose_current_sprint() -> None:
    closed = RemoteSprint("1", "a", "closed", completed_at=t(1))
    later = RemoteSprint("2", "b", "closed", completed_at=t(5))
    future = RemoteSprint("4", "d", "future", start_at=t(20))
    sooner = RemoteSprint("5", "e", "future", start_at=t(10))
    active = RemoteSprint("3", "c", "active")
    assert choose_current_sprint([closed, later]) == "2"
    assert choose_current_sprint([closed, future, sooner]) == "5"
    assert choose_current_sprint([closed, future, active]) == "3"
    assert choose_current_sprint([]) is None


def test_jql() -> None:
    zone = ZoneInfo("Europe/Berlin")
    assert jql_for(["MZ", "AB"], since=None, zone=zone) == (
        'project in ("AB", "MZ") ORDER BY updated ASC, key ASC'
    )
    assert jql_for(["MZ"], since=t(2, 9), zone=zone) == (
        'project in ("MZ") AND updated >= "2026-03-02 10:00" ORDER BY updated ASC, key ASC'
    )
    assert jql_for_keys(["MZ-1", "MZ-2"]) == 'key in ("MZ-1", "MZ-2") ORDER BY key ASC'
    with pytest.raises(ValueError, match="unbounded"):
        jql_for([], since=None, zone=zone)
