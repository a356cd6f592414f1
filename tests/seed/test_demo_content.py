"""The Mainz demo portfolio: what it contains, and that every item's history replays to it.

The store is seeded once per module (SQLite, or PostgreSQL with
TEST_DATABASE_URL) and read into plain rows; the tests only look at those.
"""

import re
import shutil
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import holidays
import pytest
from sqlmodel import Session, SQLModel, select

from models import create_db_engine
from models.maintenance import wipe_store
from models.tables import (
    ItemEvent,
    Membership,
    Person,
    Programme,
    Project,
    ProjectSource,
    Source,
    Sprint,
    SyncRun,
    Team,
    WorkItem,
)
from seed import SeedSummary, seed_demo
from seed.workdays import BERLIN
from tests.conftest import DEMO_SEED, DEMO_TODAY, postgres_url

pytestmark = pytest.mark.db

PROJECT_NAMES = {
    "ARB": "Moderner Arbeitsplatz (Betriebssystem-Ablösung)",
    "GIS": "Web-GIS",
    "OZG": "OZG-Onlinedienste",
    "PDB": "Prozessdatenbank",
    "WEB": "Relaunch mainz.de",
    "DIK": "Digitale Kompetenzen",
}
SMART_CITY_CATEGORIES = {
    "Verwaltung", "IT & Kommunikation", "Energie & Umwelt", "Mobilität", "Gesellschaft",
}  # fmt: skip
FIBONACCI = {1.0, 2.0, 3.0, 5.0, 8.0, 13.0}
WSJF_SCALE = {1, 2, 3, 5, 8, 13, 20}
WORKFLOW = {
    "Offen": "todo",
    "In Arbeit": "in_progress",
    "Im Review": "in_progress",
    "Erledigt": "done",
    "Verworfen": "cancelled",
}
CUTOFF = datetime.combine(DEMO_TODAY, time(9, 0), tzinfo=BERLIN)
RP_HOLIDAYS = holidays.country_holidays("DE", subdiv="RP")


@dataclass
class Demo:
    """Every row of the seeded store, detached from any session."""

    summary: SeedSummary
    programmes: list[Programme]
    projects: list[Project]
    teams: list[Team]
    people: list[Person]
    memberships: list[Membership]
    sources: list[Source]
    links: list[ProjectSource]
    sprints: list[Sprint]
    items: list[WorkItem]
    events: list[ItemEvent]
    sync_runs: list[SyncRun]

    def project(self, key: str) -> Project:
        return next(p for p in self.projects if p.key == key)

    def events_of(self) -> dict[int, list[ItemEvent]]:
        """Each item's events in replay order (time, then id)."""
        grouped: dict[int, list[ItemEvent]] = defaultdict(list)
        for event in sorted(self.events, key=lambda e: (e.at, e.id)):
            grouped[event.item_id].append(event)
        return grouped

    def sprints_of(self, project: Project) -> list[Sprint]:
        return sorted((s for s in self.sprints if s.project_id == project.id), key=_start)


def _start(sprint: Sprint) -> datetime:
    assert sprint.start_at is not None
    return sprint.start_at


def _figures_end(sprint: Sprint) -> datetime:
    end = sprint.completed_at or sprint.end_at
    assert end is not None
    return end


def _all(session: Session, model: type[SQLModel]) -> list[Any]:
    rows = list(session.exec(select(model).order_by(model.id)).all())  # type: ignore[attr-defined]
    session.expunge_all()
    return rows


@pytest.fixture(scope="module")
def demo(_migrated_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The demo portfolio seeded once for DEMO_TODAY, read back as plain rows."""
    if postgres_url():
        engine = create_db_engine(_migrated_template)
        wipe_store(engine)
    else:
        path = Path(tmp_path_factory.mktemp("seed")) / "store.db"
        shutil.copyfile(_migrated_template, path)
        engine = create_db_engine(f"sqlite:///{path}")
    with Session(engine) as session:
        summary = seed_demo(session, today=DEMO_TODAY, seed=DEMO_SEED)
        session.commit()
    with Session(engine, expire_on_commit=False) as session:
        yield Demo(
            summary=summary,
            programmes=_all(session, Programme),
            projects=_all(session, Project),
            teams=_all(session, Team),
            people=_all(session, Person),
            memberships=_all(session, Membership),
            sources=_all(session, Source),
            links=_all(session, ProjectSource),
            sprints=_all(session, Sprint),
            items=_all(session, WorkItem),
            events=_all(session, ItemEvent),
            sync_runs=_all(session, SyncRun),
        )
    engine.dispose()


# ------------------------------------------------------------------ structure


def test_summary_counts_the_rows(demo: Demo) -> None:
    assert demo.summary == SeedSummary(
        programmes=len(demo.programmes),
        projects=len(demo.projects),
        teams=len(demo.teams),
        people=len(demo.people),
        sprints=len(demo.sprints),
        items=len(demo.items),
        events=len(demo.events),
    )


def test_programme_with_six_projects(demo: Demo) -> None:
    (programme,) = demo.programmes
    assert programme.name == "mainzDIGITAL" and "Verwaltung" in programme.description
    assert {p.key: p.name for p in demo.projects} == PROJECT_NAMES
    for project in demo.projects:
        assert project.programme_id == programme.id
        assert project.owner and project.goal
        assert project.start_date is not None and project.start_date < DEMO_TODAY
        assert project.target_date is not None and project.target_date > project.start_date
        assert project.tags and set(project.tags) <= SMART_CITY_CATEGORIES
        wsjf = (
            project.wsjf_business_value,
            project.wsjf_time_criticality,
            project.wsjf_risk_reduction,
            project.wsjf_job_size,
        )
        assert set(wsjf) <= WSJF_SCALE, project.key
    targets = sorted((p.target_date for p in demo.projects if p.target_date), key=str)
    assert targets[0] - DEMO_TODAY <= timedelta(days=31)  # a deadline that will be hard to hit
    assert targets[-1] - targets[0] >= timedelta(days=120)  # and deadlines far apart


def test_teams_with_calendars_and_shared_people(demo: Demo) -> None:
    assert 3 <= len(demo.teams) <= 5
    assert all(t.holiday_country == "DE" and t.holiday_subdiv == "RP" for t in demo.teams)
    days_off = [day for team in demo.teams for day in team.non_working_days]
    assert len(days_off) >= 2
    for day in map(date.fromisoformat, days_off):
        assert day.weekday() < 5 and day not in RP_HOLIDAYS
    team_of = {p.id: p.team_id for p in demo.projects}
    assert all(team_of.values())
    assert 20 <= len(demo.people) <= 25
    teams_per_person: dict[int, set[int | None]] = defaultdict(set)
    load: Counter[int] = Counter()
    for m in demo.memberships:
        assert m.role in {"viewer", "member", "product_owner", "admin"}
        assert 0.0 <= m.capacity_share <= 1.0
        load[m.person_id] += m.capacity_share
        if m.role in ("member", "product_owner"):
            teams_per_person[m.person_id].add(team_of[m.project_id])
    assert sum(1 for teams in teams_per_person.values() if len(teams) > 1) >= 3
    assert sum(1 for share in load.values() if share > 1.0 + 1e-9) >= 2
    owners = Counter(m.project_id for m in demo.memberships if m.role == "product_owner")
    assert owners == Counter({p.id: 1 for p in demo.projects})
    viewers = {m.person_id for m in demo.memberships if m.role == "viewer"}
    assert len(viewers) >= 2


def test_sources_name_their_token_variable_and_one_is_stale(demo: Demo) -> None:
    kinds = {s.kind for s in demo.sources}
    assert {"jira-cloud", "gitlab", "openproject", "redmine", "local"} <= kinds
    for source in demo.sources:
        assert source.settings.get("demo") is True
        assert source.token_env is None or re.fullmatch(r"SPRINTFOLIO_[A-Z_]+", source.token_env)
        assert source.base_url is None or ".example" in source.base_url
        assert source.created_at < CUTOFF
        assert source.last_success_at is not None and source.last_success_at <= CUTOFF
    ages = sorted(CUTOFF - s.last_success_at for s in demo.sources if s.last_success_at)
    assert ages[-1] >= timedelta(days=2) and ages[-2] < timedelta(hours=12)
    cancelling = [s for s in demo.sources if "Verworfen" in s.settings.get("statuses", {})]
    assert len(cancelling) == 1 and cancelling[0].settings["statuses"]["Verworfen"] == "cancelled"
    linked = {(link.project_id, link.source_id) for link in demo.links}
    assert {project for project, _ in linked} == {p.id for p in demo.projects}
    synced = {s.id: s.last_success_at for s in demo.sources}
    for item in demo.items:
        assert (item.project_id, item.source_id) in linked
        last_sync = synced[item.source_id]
        assert last_sync is not None and item.updated_at <= last_sync  # nothing unsynced
    for source in demo.sources:
        if source.kind != "local":
            assert source.cursor and source.last_success_at
            assert datetime.fromisoformat(source.cursor) <= source.last_success_at
    assert all(run.started_at <= CUTOFF and run.source_id for run in demo.sync_runs)


# ------------------------------------------------------------------ sprints


@pytest.mark.parametrize("key", sorted(PROJECT_NAMES))
def test_two_week_sprints_with_one_active_containing_today(demo: Demo, key: str) -> None:
    sprints = demo.sprints_of(demo.project(key))
    states = [s.state for s in sprints]
    active = [s for s in sprints if s.state == "active"]
    assert len(active) == 1
    (current,) = active
    assert _start(current) <= CUTOFF
    assert current.start_at and current.end_at
    assert current.start_at.astimezone(BERLIN).date() <= DEMO_TODAY
    assert current.end_at.astimezone(BERLIN).date() >= DEMO_TODAY
    # closed..., active, 1-2 future, in order
    assert states == sorted(states, key=["closed", "active", "future"].index)
    assert 1 <= states.count("future") <= 2
    closed = [s for s in sprints if s.state == "closed"]
    assert _start(current) - _start(closed[0]) >= timedelta(days=182)
    for number, sprint in enumerate(sprints, start=1):
        assert sprint.name == f"{key} Sprint {number}" and sprint.goal
        start = _start(sprint).astimezone(BERLIN)
        assert sprint.end_at is not None
        end = sprint.end_at.astimezone(BERLIN)
        assert (start.weekday(), start.time()) == (0, time(9, 0))
        assert (end.weekday(), end.time()) == (4, time(17, 0))
        assert end.date() - start.date() == timedelta(days=11)
        assert (sprint.state == "closed") == (sprint.completed_at is not None)
    for before, after in pairwise(sprints):
        assert _start(after).astimezone(BERLIN).date() - _start(before).astimezone(
            BERLIN
        ).date() == timedelta(days=14)
        if before.completed_at is not None:
            assert before.completed_at < _start(after)


def test_most_sprints_close_on_time_some_early_or_late(demo: Demo) -> None:
    closed = [s for s in demo.sprints if s.state == "closed"]
    on_time = [s for s in closed if s.completed_at == s.end_at]
    early = [s for s in closed if s.completed_at and s.end_at and s.completed_at < s.end_at]
    late = [s for s in closed if s.completed_at and s.end_at and s.completed_at > s.end_at]
    assert len(on_time) > 0.75 * len(closed)
    assert early and late


def test_sprints_span_public_holidays(demo: Demo) -> None:
    spanned = {
        day
        for s in demo.sprints
        if s.start_at and s.end_at
        for day in RP_HOLIDAYS
        if s.start_at.astimezone(BERLIN).date() <= day <= s.end_at.astimezone(BERLIN).date()
    }
    assert len(spanned) >= 3


# ------------------------------------------------------------------ items


def test_enough_items_of_every_type_with_german_titles(demo: Demo) -> None:
    assert len(demo.items) >= 1500
    types = Counter(item.type for item in demo.items)
    assert set(types) == {"epic", "story", "bug", "task", "sub-task"}
    assert all(types[t] >= 20 for t in types)
    keys = Counter((item.source_id, item.source_key) for item in demo.items)
    assert max(keys.values()) == 1
    titles = " ".join(item.title for item in demo.items)
    assert re.search(r"[äöüÄÖÜß]", titles)
    assert "Migration der Postfächer für das" in titles
    assert "im Web-GIS veröffentlichen" in titles


def test_item_fields_follow_the_workflows(demo: Demo) -> None:
    jira = next(s.id for s in demo.sources if s.kind == "jira-cloud")
    by_id = {item.id: item for item in demo.items}
    sprint_ids = {s.id for s in demo.sprints}
    for item in demo.items:
        assert WORKFLOW[item.status] == item.status_category
        assert item.points is None or item.points in FIBONACCI
        assert item.version == 1
        if item.status == "Verworfen":
            assert item.source_id == jira
        parent = by_id.get(item.parent_id) if item.parent_id else None
        if item.type == "sub-task":
            assert parent is not None and parent.type == "story" and item.points is None
        elif item.type == "epic":
            assert parent is None and item.sprint_id is None and item.points is None
        elif parent is not None:
            assert parent.type == "epic"
        assert item.sprint_id is None or item.sprint_id in sprint_ids
    assert any(item.status == "Verworfen" for item in demo.items)
    stories_with_epic = [i for i in demo.items if i.type == "story" and i.parent_id]
    assert len(stories_with_epic) > 0.8 * sum(1 for i in demo.items if i.type == "story")


def test_every_item_replays_to_its_current_fields(demo: Demo) -> None:
    """status, points, sprint, assignee, created/resolved/updated come from the events alone."""
    events = demo.events_of()
    local = {s.id for s in demo.sources if s.kind == "local"}
    for item in demo.items:
        history = events[item.id]
        assert history[0].kind == "created", item.source_key
        assert sum(1 for e in history if e.kind == "created") == 1
        status = category = points = assignee = resolved = None
        sprints: dict[int, datetime] = {}
        for event in history:
            if event.kind == "status":
                if event.status_category == "done" and category != "done":
                    resolved = event.at
                elif event.status_category != "done":
                    resolved = None
                status, category = event.status, event.status_category
            elif event.kind == "points":
                points = event.points
            elif event.kind == "sprint_added":
                assert event.sprint_id is not None
                sprints[event.sprint_id] = event.at
            elif event.kind == "sprint_removed":
                assert event.sprint_id in sprints, f"{item.source_key} left a sprint it was not in"
                del sprints[event.sprint_id]
            elif event.kind == "assignee":
                assignee = event.assignee_id
        current_sprint = max(sprints, key=lambda s: sprints[s]) if sprints else None
        assert (item.status, item.status_category) == (status, category), item.source_key
        assert item.points == points, item.source_key
        assert item.sprint_id == current_sprint, item.source_key
        assert item.assignee_id == assignee, item.source_key
        assert item.created_at == history[0].at
        assert item.resolved_at == resolved, item.source_key
        assert item.updated_at == history[-1].at
        expected_version = None if item.source_id in local else item.updated_at.isoformat()
        assert item.remote_version == expected_version


def test_events_carry_only_their_kinds_values(demo: Demo) -> None:
    for event in demo.events:
        assert event.origin == "seed"
        values = {
            "status": event.status is not None and event.status_category is not None,
            "points": event.points is not None,
            "sprint": event.sprint_id is not None,
            "assignee": event.assignee_id is not None,
        }
        allowed = {
            "created": set(),
            "status": {"status"},
            "points": {"points"},
            "sprint_added": {"sprint"},
            "sprint_removed": {"sprint"},
            "assignee": {"assignee"},
        }[event.kind]
        assert {name for name, present in values.items() if present} <= allowed
        if event.kind in ("status", "sprint_added", "sprint_removed"):
            assert values[next(iter(allowed))], event


def test_no_event_after_today_and_events_at_working_hours(demo: Demo) -> None:
    assert max(event.at for event in demo.events) <= CUTOFF
    assert max(item.updated_at for item in demo.items) <= CUTOFF
    working = 0
    for event in demo.events:
        local = event.at.astimezone(BERLIN)
        on_working_day = local.weekday() < 5 and local.date() not in RP_HOLIDAYS
        if on_working_day and time(7, 30) <= local.time() <= time(17, 45):
            working += 1
    assert working >= 0.95 * len(demo.events)
    shared = Counter(event.at for event in demo.events)
    assert sum(1 for count in shared.values() if count > 1) > 100


# ------------------------------------------------------------------ patterns


@pytest.fixture(scope="module")
def sprint_of(demo: Demo) -> dict[int, Sprint]:
    return {s.id: s for s in demo.sprints if s.id is not None}


def test_planning_before_the_start_commits_items(demo: Demo, sprint_of: dict[int, Sprint]) -> None:
    planned = [
        e
        for e in demo.events
        if e.kind == "sprint_added"
        and e.sprint_id
        and e.at < _start(sprint_of[e.sprint_id])
        and _start(sprint_of[e.sprint_id]) - e.at <= timedelta(hours=2)
    ]
    assert len(planned) > 500


def test_items_added_and_removed_mid_sprint(demo: Demo, sprint_of: dict[int, Sprint]) -> None:
    def mid_sprint(event: ItemEvent) -> bool:
        assert event.sprint_id is not None
        sprint = sprint_of[event.sprint_id]
        return _start(sprint) < event.at < _figures_end(sprint)

    added = [e for e in demo.events if e.kind == "sprint_added" and mid_sprint(e)]
    removed = [e for e in demo.events if e.kind == "sprint_removed"]
    assert len(added) >= 50
    assert len(removed) >= 10 and all(mid_sprint(e) for e in removed)


def test_estimates_change_during_sprints(demo: Demo, sprint_of: dict[int, Sprint]) -> None:
    re_estimated = 0
    for history in demo.events_of().values():
        points: float | None = None
        sprints: set[int] = set()
        for event in history:
            if event.kind == "sprint_added" and event.sprint_id:
                sprints.add(event.sprint_id)
            elif event.kind == "sprint_removed" and event.sprint_id:
                sprints.discard(event.sprint_id)
            elif event.kind == "points":
                running = any(
                    _start(sprint_of[s]) < event.at < _figures_end(sprint_of[s]) for s in sprints
                )
                if running and points is not None and event.points != points:
                    re_estimated += 1
                points = event.points
    assert re_estimated >= 20


def test_reopened_items(demo: Demo) -> None:
    reopened = 0
    for history in demo.events_of().values():
        categories = [e.status_category for e in history if e.kind == "status"]
        if any(a == "done" and b == "in_progress" for a, b in pairwise(categories)):
            reopened += 1
    assert reopened >= 10


def test_unfinished_items_are_carried_over_as_in_jira(
    demo: Demo, sprint_of: dict[int, Sprint]
) -> None:
    """Carry-over: added to the next sprint between completion and its start, never removed."""
    next_of: dict[int, Sprint] = {}
    for project in demo.projects:
        sprints = demo.sprints_of(project)
        for before, after in pairwise(sprints):
            assert before.id is not None
            next_of[before.id] = after
    longest = 0
    carried = 0
    for history in demo.events_of().values():
        added = [e for e in history if e.kind == "sprint_added" and e.sprint_id]
        chain = 0
        for first, second in pairwise(added):
            assert first.sprint_id is not None
            before = sprint_of[first.sprint_id]
            if (
                before.completed_at is not None
                and next_of.get(first.sprint_id) is sprint_of[second.sprint_id or 0]
                and before.completed_at <= second.at < _start(sprint_of[second.sprint_id or 0])
            ):
                carried += 1
                chain += 1
                longest = max(longest, chain)
            else:
                chain = 0
    assert carried >= 100
    assert longest >= 3
    for event in demo.events:
        if event.kind == "sprint_removed" and event.sprint_id:
            completed_at = sprint_of[event.sprint_id].completed_at
            assert completed_at is None or event.at < completed_at


def test_active_sprints_hold_unfinished_work(demo: Demo) -> None:
    in_progress = 0
    for project in demo.projects:
        (active,) = [s for s in demo.sprints_of(project) if s.state == "active"]
        members = [i for i in demo.items if i.sprint_id == active.id and i.type != "sub-task"]
        assert any(i.status_category == "todo" for i in members), project.key
        committed = [
            e
            for e in demo.events
            if e.kind == "sprint_added" and e.sprint_id == active.id and e.at < _start(active)
        ]
        assert len(committed) >= 5, project.key
        in_progress += sum(1 for i in members if i.status_category == "in_progress")
    assert in_progress >= 10


def test_unestimated_items_subtasks_and_epics(demo: Demo) -> None:
    in_sprints = [i for i in demo.items if i.sprint_id and i.type not in ("sub-task", "epic")]
    assert any(i.points is None for i in in_sprints)
    assert any(i.points is None for i in demo.items if i.type in ("story", "bug", "task"))
    subtasks = [i for i in demo.items if i.type == "sub-task"]
    assert len(subtasks) >= 50 and all(i.sprint_id for i in subtasks)
    points_events = {e.item_id for e in demo.events if e.kind == "points"}
    assert not points_events & {i.id for i in subtasks}
    epics = {i.id for i in demo.items if i.type == "epic"}
    assert not {e.item_id for e in demo.events if e.sprint_id} & epics
    parents = Counter(i.parent_id for i in demo.items if i.parent_id in epics)
    assert len(parents) >= 25
    assert any(i.status_category == "done" for i in demo.items if i.id in epics)


def test_assignees_change(demo: Demo) -> None:
    assignments = [e for e in demo.events if e.kind == "assignee"]
    assert len(assignments) >= 500
    per_item = Counter(e.item_id for e in assignments)
    assert sum(1 for count in per_item.values() if count > 1) >= 10
    assert len({e.assignee_id for e in assignments}) >= 15
