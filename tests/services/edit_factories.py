"""Small factories for the edit-service tests, and one ready-made world built from them.

The world (``build_world``), at ``NOW`` = 24.11.2026 11:00 UTC:

- programme "mainzDIGITAL", project EDT (the one edited) and project OTH;
- EDT is fed by a jira-cloud source (``settings["statuses"]`` = ``STATUSES``) and
  a local source (no settings: its statuses are the ones its items show);
- sprints of EDT: Jira "J1" closed, "J2" active, "J3" future; local "L1" active;
  OTH has "O1" active (Jira source);
- people: Anna and Ben are members of EDT, Carla is a member of OTH only;
- items: JRA-1 (Jira, "Offen", 3 points, in J2, Anna, remote version "7") and
  LOC-1 (local, "Offen", 2 points, in L1, unassigned), each with the events
  that replay to its state.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session

from models import (
    ItemEvent,
    Membership,
    Person,
    Programme,
    Project,
    ProjectSource,
    Source,
    Sprint,
    WorkItem,
)
from models.enums import EventKind, SourceKind, SprintState

NOW = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
STATUSES = {
    "Offen": "todo",
    "In Arbeit": "in_progress",
    "Im Review": "in_progress",
    "Erledigt": "done",
    "Verworfen": "cancelled",
}


def _id(value: int | None) -> int:
    assert value is not None
    return value


def make_programme(session: Session, *, name: str = "mainzDIGITAL") -> Programme:
    programme = Programme(name=name)
    session.add(programme)
    session.flush()
    return programme


def make_project(session: Session, *, programme: Programme, key: str = "EDT") -> Project:
    project = Project(programme_id=_id(programme.id), key=key, name=f"Projekt {key}")
    session.add(project)
    session.flush()
    return project


def make_source(
    session: Session,
    *,
    name: str,
    kind: SourceKind,
    settings: dict[str, Any] | None = None,
    projects: tuple[Project, ...] = (),
) -> Source:
    source = Source(name=name, kind=kind.value, settings=settings or {})
    session.add(source)
    session.flush()
    for project in projects:
        session.add(
            ProjectSource(project_id=_id(project.id), source_id=_id(source.id), remote_key=name)
        )
    session.flush()
    return source


def make_sprint(
    session: Session,
    *,
    project: Project,
    source: Source | None,
    name: str,
    state: SprintState = SprintState.ACTIVE,
    start: datetime = NOW - timedelta(days=1),
) -> Sprint:
    sprint = Sprint(
        project_id=_id(project.id),
        source_id=source.id if source is not None else None,
        source_key=name if source is not None else None,
        name=name,
        state=state.value,
        start_at=start,
        end_at=start + timedelta(days=14),
        completed_at=start + timedelta(days=14) if state == SprintState.CLOSED else None,
    )
    session.add(sprint)
    session.flush()
    return sprint


def make_person(
    session: Session, *, name: str, login: str | None = None, member_of: tuple[Project, ...] = ()
) -> Person:
    person = Person(display_name=name, login=login)
    session.add(person)
    session.flush()
    for project in member_of:
        session.add(Membership(person_id=_id(person.id), project_id=_id(project.id), role="member"))
    session.flush()
    return person


def make_item(
    session: Session,
    *,
    source: Source,
    project: Project,
    key: str,
    status: str = "Offen",
    category: str | None = None,
    points: float | None = 3.0,
    sprint: Sprint | None = None,
    assignee: Person | None = None,
    title: str | None = None,
    created: datetime = NOW - timedelta(days=5),
    remote_version: str | None = None,
) -> WorkItem:
    """An item with the events that replay to its state (created, status, points, sprint, ...)."""
    category = category or STATUSES[status]
    item = WorkItem(
        source_id=_id(source.id),
        source_key=key,
        project_id=_id(project.id),
        type="story",
        title=title or f"Item {key}",
        status=status,
        status_category=category,
        points=points,
        assignee_id=assignee.id if assignee is not None else None,
        sprint_id=sprint.id if sprint is not None else None,
        created_at=created,
        updated_at=created,
        remote_version=remote_version,
    )
    session.add(item)
    session.flush()
    item_id = _id(item.id)

    def event(kind: EventKind, **values: object) -> ItemEvent:
        return ItemEvent(item_id=item_id, at=created, kind=kind.value, origin="seed", **values)

    events = [event(EventKind.CREATED), event(EventKind.STATUS, status=status,
                                               status_category=category)]  # fmt: skip
    if points is not None:
        events.append(event(EventKind.POINTS, points=points))
    if sprint is not None:
        events.append(event(EventKind.SPRINT_ADDED, sprint_id=sprint.id))
    if assignee is not None:
        events.append(event(EventKind.ASSIGNEE, assignee_id=assignee.id))
    session.add_all(events)
    session.flush()
    return item


@dataclass(frozen=True)
class EditWorld:
    """Ids of the ready-made world (see the module docstring)."""

    project_id: int
    other_project_id: int
    jira_source_id: int
    local_source_id: int
    j1_closed: int
    j2_active: int
    j3_future: int
    l1_local: int
    o1_other_project: int
    anna: int
    ben: int
    carla: int
    jira_item: int
    local_item: int


def build_world(session: Session) -> EditWorld:
    """Build and commit the world of the module docstring."""
    programme = make_programme(session)
    project = make_project(session, programme=programme, key="EDT")
    other = make_project(session, programme=programme, key="OTH")
    jira = make_source(
        session, name="Jira", kind=SourceKind.JIRA_CLOUD, settings={"statuses": STATUSES},
        projects=(project, other),
    )  # fmt: skip
    local = make_source(session, name="Lokal", kind=SourceKind.LOCAL, projects=(project,))
    j1 = make_sprint(session, project=project, source=jira, name="J1", state=SprintState.CLOSED,
                     start=NOW - timedelta(days=15))  # fmt: skip
    j2 = make_sprint(session, project=project, source=jira, name="J2")
    j3 = make_sprint(session, project=project, source=jira, name="J3", state=SprintState.FUTURE,
                     start=NOW + timedelta(days=13))  # fmt: skip
    l1 = make_sprint(session, project=project, source=local, name="L1")
    o1 = make_sprint(session, project=other, source=jira, name="O1")
    anna = make_person(session, name="Anna Abel", login="a.abel", member_of=(project,))
    ben = make_person(session, name="Ben Berg", login="b.berg", member_of=(project,))
    carla = make_person(session, name="Carla Cordes", login="c.cordes", member_of=(other,))
    jira_item = make_item(session, source=jira, project=project, key="JRA-1", sprint=j2,
                          assignee=anna, remote_version="7")  # fmt: skip
    local_item = make_item(session, source=local, project=project, key="LOC-1", points=2.0,
                           sprint=l1)  # fmt: skip
    world = EditWorld(
        project_id=_id(project.id),
        other_project_id=_id(other.id),
        jira_source_id=_id(jira.id),
        local_source_id=_id(local.id),
        j1_closed=_id(j1.id),
        j2_active=_id(j2.id),
        j3_future=_id(j3.id),
        l1_local=_id(l1.id),
        o1_other_project=_id(o1.id),
        anna=_id(anna.id),
        ben=_id(ben.id),
        carla=_id(carla.id),
        jira_item=_id(jira_item.id),
        local_item=_id(local_item.id),
    )
    session.commit()
    return world
