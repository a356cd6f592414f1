"""Assembly of the Mainz demo portfolio and its writing into the store.

``seed_demo`` builds everything from the catalogue and the simulation with one
``random.Random(seed)`` and explicit timestamps (never the clock), then adds
it to the caller's session in a few bulk statements. Same seed and same
``today`` give the same rows with the same ids in an empty store.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from sqlalchemy import insert, update
from sqlmodel import Session

from models.enums import EventOrigin, Role, SourceKind, SyncMode, SyncOutcome
from models.maintenance import store_is_empty
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
from seed.catalogue import (
    MEMBERSHIPS,
    PEOPLE,
    PROGRAMME_DESCRIPTION,
    PROGRAMME_NAME,
    PROJECTS,
    SOURCES,
    STATUS_CATEGORIES,
    TEAMS,
    ProjectSpec,
    SourceSpec,
    TeamSpec,
    source_settings,
)
from seed.schedule import SprintSlot, plan_sprints
from seed.simulate import ProjectSimulation, SimItem
from seed.workdays import WorkCalendar, berlin, local_day, monday_of

DEFAULT_SEED = 20261124

#: Nothing in the demo happens after this local time of "today".
CUTOFF = time(9, 0)
_BATCH = 2_000


class StoreNotEmpty(ValueError):
    """The store already holds data, so the demo portfolio would be mixed into it."""


@dataclass(frozen=True)
class SeedSummary:
    """How many rows of each kind the demo portfolio added."""

    programmes: int
    projects: int
    teams: int
    people: int
    sprints: int
    items: int
    events: int


@dataclass(frozen=True)
class _Planned:
    """A project with its team calendar and sprint slots, before anything is written."""

    spec: ProjectSpec
    team: TeamSpec
    calendar: WorkCalendar
    slots: list[SprintSlot]
    rng: random.Random


def seed_demo(session: Session, *, today: date, seed: int = DEFAULT_SEED) -> SeedSummary:
    """Add the deterministic mainzDIGITAL demo portfolio to ``session`` and flush.

    The caller commits. Every timestamp is derived from ``today``: no event
    happens after ``today`` 09:00 Europe/Berlin, nor after the last successful
    sync of the item's source (so the deliberately stale source shows data two
    days old). Every random choice comes from ``seed``.

    Args:
        session: A session on a migrated, empty store.
        today: The day the demo treats as today; the active sprints contain it.
        seed: The seed of the one random generator used.

    Returns:
        The counts of what was added.

    Raises:
        StoreNotEmpty: If the store already holds data (e.g. a programme).
    """
    if not store_is_empty(session):
        raise StoreNotEmpty(
            "the store already holds data (e.g. a programme); "
            "use `sprintfolio seed --reset` to replace it with the demo portfolio"
        )
    rng = random.Random(seed)
    cutoff = berlin(today, CUTOFF)
    days_off = {team.name: _days_off(team, today) for team in TEAMS}
    teams_by_name = {team.name: team for team in TEAMS}
    planned = [
        _plan_project(spec, teams_by_name[spec.team], days_off[spec.team], today, rng)
        for spec in PROJECTS
    ]
    rows = _add_portfolio(session, planned, days_off, today=today, cutoff=cutoff, rng=rng)
    # A tracker's items show what its last successful sync saw: nothing happens after it.
    simulated = [
        (plan, _simulate(plan, min(cutoff, _last_sync(rows.sources[plan.spec.source]))))
        for plan in planned
    ]
    item_count, event_count = _write_items(session, simulated, rows)
    _write_sync_runs(session, rows.sources, simulated, cutoff, rng)
    session.flush()
    return SeedSummary(
        programmes=1,
        projects=len(rows.projects),
        teams=len(rows.teams),
        people=len(rows.people),
        sprints=sum(len(sprints) for sprints in rows.sprints.values()),
        items=item_count,
        events=event_count,
    )


@dataclass(frozen=True)
class _Rows:
    """The rows written before the items, by catalogue name, login or project key."""

    teams: dict[str, Team]
    people: dict[str, Person]
    sources: dict[str, Source]
    projects: dict[str, Project]
    sprints: dict[str, list[Sprint]]


def _add_portfolio(
    session: Session,
    planned: Sequence[_Planned],
    days_off: dict[str, list[date]],
    *,
    today: date,
    cutoff: datetime,
    rng: random.Random,
) -> _Rows:
    """Programme, teams, people, sources, projects, links, memberships and sprints."""
    programme = Programme(name=PROGRAMME_NAME, description=PROGRAMME_DESCRIPTION)
    teams = {
        team.name: Team(
            name=team.name,
            holiday_country="DE",
            holiday_subdiv="RP",
            non_working_days=[day.isoformat() for day in days_off[team.name]],
        )
        for team in TEAMS
    }
    people = {
        person.login: Person(
            display_name=person.display_name,
            login=person.login,
            email=_email(person.display_name),
        )
        for person in PEOPLE
    }
    sources = {spec.name: _source(spec, planned, cutoff, rng) for spec in SOURCES}
    session.add(programme)
    session.add_all(list(teams.values()))
    session.add_all(list(people.values()))
    session.add_all(list(sources.values()))
    session.flush()

    projects = {
        plan.spec.key: _project(plan, programme, teams[plan.team.name], people, today)
        for plan in planned
    }
    session.add_all(list(projects.values()))
    session.flush()
    session.add_all(
        ProjectSource(
            project_id=_id(projects[plan.spec.key]),
            source_id=_id(sources[plan.spec.source]),
            remote_key=plan.spec.remote_key,
        )
        for plan in planned
    )
    session.add_all(
        Membership(
            person_id=_id(people[m.login]),
            project_id=_id(projects[m.project]),
            role=m.role.value,
            capacity_share=m.capacity_share,
        )
        for m in MEMBERSHIPS
    )
    sprints = {
        plan.spec.key: _sprints(plan, projects[plan.spec.key], sources[plan.spec.source])
        for plan in planned
    }
    for project_sprints in sprints.values():
        session.add_all(project_sprints)
    session.flush()
    return _Rows(teams, people, sources, projects, sprints)


# ---------------------------------------------------------------- planning


def _days_off(team: TeamSpec, today: date) -> list[date]:
    """The team's own non-working days, moved off weekends and holidays."""
    plain = WorkCalendar()
    days = [
        plain.working_day_on_or_after(monday_of(today) + timedelta(days=7 * weeks + weekday))
        for weeks, weekday in team.days_off
    ]
    return sorted(days)


def _plan_project(
    spec: ProjectSpec, team: TeamSpec, days_off: list[date], today: date, rng: random.Random
) -> _Planned:
    calendar = WorkCalendar(non_working_days=days_off)
    project_rng = random.Random(rng.getrandbits(64))
    slots = plan_sprints(
        key=spec.key,
        goals=spec.goals,
        closed=spec.closed_sprints,
        future=spec.future_sprints,
        stagger=team.stagger,
        today=today,
        rng=project_rng,
    )
    return _Planned(spec, team, calendar, slots, project_rng)


def _kickoff(plan: _Planned) -> datetime:
    """The project's kick-off: the Monday a week before its first sprint, 09:00."""
    return plan.slots[0].start - timedelta(days=7)


def _email(display_name: str) -> str:
    plain = display_name.removeprefix("Dr. ").lower()
    for umlaut, ascii_ in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        plain = plain.replace(umlaut, ascii_)
    return plain.replace(" ", ".") + "@mainz.example"


def _source(
    spec: SourceSpec, planned: Sequence[_Planned], cutoff: datetime, rng: random.Random
) -> Source:
    kickoffs = [_kickoff(plan) for plan in planned if plan.spec.source == spec.name]
    created = berlin(local_day(min(kickoffs)) - timedelta(days=3), time(10, 0))
    last_success = cutoff - timedelta(hours=spec.stale_hours, minutes=rng.randrange(1, 26))
    return Source(
        name=spec.name,
        kind=spec.kind.value,
        base_url=spec.base_url,
        token_env=spec.token_env,
        settings=source_settings(spec),
        last_success_at=last_success,
        last_error=spec.last_error,
        created_at=created,
    )


def _project(
    plan: _Planned, programme: Programme, team: Team, people: dict[str, Person], today: date
) -> Project:
    spec = plan.spec
    value, criticality, risk, size = spec.wsjf
    return Project(
        programme_id=_id(programme),
        team_id=_id(team),
        key=spec.key,
        name=spec.name,
        owner=people[spec.product_owner].display_name,
        goal=spec.goal,
        start_date=local_day(_kickoff(plan)),
        target_date=today + timedelta(days=spec.target_in_days),
        budget_eur=spec.budget_eur,
        tags=list(spec.tags),
        wsjf_business_value=value,
        wsjf_time_criticality=criticality,
        wsjf_risk_reduction=risk,
        wsjf_job_size=size,
    )


def _sprints(plan: _Planned, project: Project, source: Source) -> list[Sprint]:
    return [
        Sprint(
            project_id=_id(project),
            source_id=_id(source),
            source_key=str(plan.spec.sprint_key_base + slot.index),
            name=slot.name,
            goal=slot.goal,
            state=slot.state.value,
            start_at=slot.start,
            end_at=slot.end,
            completed_at=slot.completed_at,
        )
        for slot in plan.slots
    ]


def _last_sync(source: Source) -> datetime:
    assert source.last_success_at is not None
    return source.last_success_at


def _simulate(plan: _Planned, cutoff: datetime) -> list[SimItem]:
    workers = [
        (m.login, m.capacity_share)
        for m in MEMBERSHIPS
        if m.project == plan.spec.key and m.role in (Role.MEMBER, Role.PRODUCT_OWNER)
    ]
    source = next(s for s in SOURCES if s.name == plan.spec.source)
    return ProjectSimulation(
        spec=plan.spec,
        slots=plan.slots,
        calendar=plan.calendar,
        rng=plan.rng,
        cap=cutoff,
        assignees=workers,
        product_owner=plan.spec.product_owner,
        cancels=source.cancels,
    ).run()


# ---------------------------------------------------------------- writing


def _item_key(source: SourceSpec, spec: ProjectSpec, number: int) -> str:
    if source.key_style == "gitlab":
        return f"{spec.remote_key}#{number}"
    if source.key_style == "number":
        return str(source.key_base + number - 1)
    return f"{spec.key}-{number}"


def _write_items(
    session: Session,
    simulated: Sequence[tuple[_Planned, list[SimItem]]],
    written: _Rows,
) -> tuple[int, int]:
    """Insert the items (ids in creation order), their parents, then all events."""
    projects, sources, sprints, people = (
        written.projects,
        written.sources,
        written.sprints,
        written.people,
    )
    source_specs = {spec.name: spec for spec in SOURCES}
    rows: list[tuple[datetime, int, int, SimItem, dict[str, object]]] = []
    for position, (plan, items) in enumerate(simulated):
        spec = plan.spec
        source = sources[spec.source]
        sprint_rows = sprints[spec.key]
        tracker = source_specs[spec.source].kind != SourceKind.LOCAL
        for number, item in enumerate(items, start=1):
            row: dict[str, object] = {
                "source_id": _id(source),
                "source_key": _item_key(source_specs[spec.source], spec, number),
                "project_id": _id(projects[spec.key]),
                "type": item.type.value,
                "title": item.title,
                "status": item.status,
                "status_category": STATUS_CATEGORIES[item.status],
                "points": item.points,
                "assignee_id": _id(people[item.assignee]) if item.assignee else None,
                "parent_id": None,
                "sprint_id": _id(sprint_rows[item.sprint]) if item.sprint is not None else None,
                "created_at": item.created_at,
                "resolved_at": item.resolved_at,
                "updated_at": item.updated_at,
                "remote_version": item.updated_at.isoformat() if tracker else None,
                "version": 1,
            }
            rows.append((item.created_at, position, number, item, row))
    rows.sort(key=lambda entry: entry[:3])

    ids: dict[int, int] = {}  # id(SimItem) -> WorkItem.id
    for chunk in _chunks(rows):
        statement = insert(WorkItem).returning(WorkItem.id, sort_by_parameter_order=True)
        new_ids = session.scalars(statement, [entry[4] for entry in chunk]).all()
        for entry, new_id in zip(chunk, new_ids, strict=True):
            ids[id(entry[3])] = new_id
    parents = [
        {"id": ids[id(entry[3])], "parent_id": ids[id(entry[3].parent)]}
        for entry in rows
        if entry[3].parent is not None
    ]
    if parents:
        session.execute(update(WorkItem), parents)

    sprint_ids = {id(item): sprints[plan.spec.key] for plan, items in simulated for item in items}
    events: list[tuple[datetime, int, int, dict[str, object]]] = []
    for _, _, _, item, _ in rows:
        item_id = ids[id(item)]
        sprint_rows = sprint_ids[id(item)]
        for seq, event in enumerate(item.events):
            events.append(
                (
                    event.at,
                    item_id,
                    seq,
                    {
                        "item_id": item_id,
                        "at": event.at,
                        "kind": event.kind.value,
                        "status": event.status,
                        "status_category": event.category,
                        "points": event.points,
                        "sprint_id": (
                            _id(sprint_rows[event.sprint]) if event.sprint is not None else None
                        ),
                        "assignee_id": _id(people[event.assignee]) if event.assignee else None,
                        "origin": EventOrigin.SEED.value,
                        "remote_id": None,
                    },
                )
            )
    events.sort(key=lambda entry: entry[:3])
    for chunk in _chunks(events):
        session.execute(insert(ItemEvent), [entry[3] for entry in chunk])
    return len(rows), len(events)


def _write_sync_runs(
    session: Session,
    sources: dict[str, Source],
    simulated: Sequence[tuple[_Planned, list[SimItem]]],
    cutoff: datetime,
    rng: random.Random,
) -> None:
    """The last successful sync of each tracker, failures of the stale one; set cursors."""
    runs: list[SyncRun] = []
    for spec in SOURCES:
        source = sources[spec.name]
        items = [i for plan, its in simulated if plan.spec.source == spec.name for i in its]
        if spec.kind == SourceKind.LOCAL or source.last_success_at is None:
            continue
        last = source.last_success_at
        source.cursor = max(item.updated_at for item in items).isoformat() if items else None
        recent = sum(1 for item in items if item.updated_at > last - timedelta(hours=2))
        runs.append(
            SyncRun(
                source_id=_id(source),
                started_at=last - timedelta(seconds=rng.randrange(20, 200)),
                finished_at=last,
                mode=SyncMode.INCREMENTAL.value,
                pages=1 + recent // 50,
                items=recent,
                events=recent * 3,
                requests=2 + recent // 50,
                retries=0,
                outcome=SyncOutcome.OK.value,
            )
        )
        if spec.last_error:
            for hours_ago in (26, 2):
                started = cutoff - timedelta(hours=hours_ago, minutes=rng.randrange(0, 30))
                runs.append(
                    SyncRun(
                        source_id=_id(source),
                        started_at=started,
                        finished_at=started + timedelta(seconds=3),
                        mode=SyncMode.INCREMENTAL.value,
                        requests=1,
                        outcome=SyncOutcome.FAILED.value,
                        error=spec.last_error,
                    )
                )
    runs.sort(key=lambda run: (run.started_at, run.source_id))
    session.add_all(runs)


_Row = TypeVar("_Row")


def _chunks(rows: list[_Row]) -> list[list[_Row]]:
    return [rows[start : start + _BATCH] for start in range(0, len(rows), _BATCH)]


def _id(row: Programme | Team | Person | Source | Project | Sprint) -> int:
    assert row.id is not None, f"{type(row).__name__} has no id yet; flush first"
    return row.id
