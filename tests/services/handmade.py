"""A tiny hand-made portfolio whose sprint figures are worked out by hand below.

Project AAA (team "Team A", Germany/RP, team day off 2026-11-27), three sprints:

- S1 closed 26.10.–06.11.: B-1 (5, done) and A-2 (3, left open) committed.
  committed 8, completed 5, say/do 0.625.
- S2 closed 09.11.–20.11.: A-2 (3, carried over, still open) and B-3 (6, done).
  committed 9, completed 6, say/do 0.667. Velocity: mean 5.5, range 5–6.
- S3 active 23.11.–04.12., now = 24.11. 11:00 UTC (noon in Mainz):

  ====  =======  ======================================  ===========================
  item  type     history in S3                           counts as
  ====  =======  ======================================  ===========================
  A-1   story    5 pts, done 24.11. 09:00                committed 5, completed 5
  A-2   story    3 pts, carried over twice, in progress  committed 3, not completed 3
  A-3   bug      2 pts, added 23.11. 12:00               added 2, not completed 2
  A-4   story    8 pts, removed 24.11. 08:00             committed 8, removed 8
  A-5   story    2 pts, done before the start            completed outside
  A-6   sub-task 1 pt                                    nothing (sub-task)
  A-7   task     no estimate                             committed 0, unestimated
  A-8   story    3 → 5 pts on 23.11. 14:00               committed 3, added +2, not completed 5
  ====  =======  ======================================  ===========================

  Points: committed 19, added 4, removed 8, completed 5, not completed 10
  (19 + 4 − 8 = 5 + 10). Items: 5, 1, 1, 1, 4.
  Burndown: 19 → +2 (A-3) 21 → +2 (A-8) 23 → −8 (A-4) 15 → −5 (A-1 done) 10.

Outside the sprints: epic A-E (left out of progress) and A-9 (cancelled, left out).
Progress of AAA: 4 of 9 items, 18 of 36 points.

Project BBB: no sprints, its source synced 48 h ago (freshness amber).
Project CCC: its source never synced (freshness red).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from models import ItemEvent, Programme, Project, ProjectSource, Source, Sprint, Team, WorkItem
from models.enums import EventKind, SprintState

NOW = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)


def utc(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@dataclass(frozen=True)
class Handmade:
    """Ids of the hand-made portfolio's sprints."""

    s1: int
    s2: int
    s3: int


def _event(item: WorkItem, at: datetime, kind: EventKind, **values: object) -> ItemEvent:
    assert item.id is not None
    return ItemEvent(item_id=item.id, at=at, kind=kind.value, origin="seed", **values)


class _Builder:
    def __init__(self, session: Session, source: Source, project: Project) -> None:
        self.session = session
        self.source = source
        self.project = project

    def item(
        self,
        key: str,
        *,
        type: str = "story",
        points: float | None,
        category: str,
        sprint: Sprint | None,
        created: datetime,
        history: list[tuple[datetime, EventKind, dict[str, object]]],
    ) -> WorkItem:
        """An item in its final state plus its events (created, initial points, ``history``)."""
        status = {"todo": "Offen", "in_progress": "In Arbeit", "done": "Erledigt"}.get(
            category, "Verworfen"
        )
        item = WorkItem(
            source_id=self.source.id or 0,
            source_key=key,
            project_id=self.project.id or 0,
            type=type,
            title=f"<b>{key}</b> Titel mit *Markdown*",
            status=status,
            status_category=category,
            points=points,
            sprint_id=sprint.id if sprint else None,
            created_at=created,
        )
        self.session.add(item)
        self.session.flush()
        events = [
            _event(item, created, EventKind.CREATED),
            _event(item, created, EventKind.STATUS, status="Offen", status_category="todo"),
        ]
        events += [_event(item, at, kind, **values) for at, kind, values in history]
        self.session.add_all(events)
        self.session.flush()
        return item


def build_handmade(session: Session) -> Handmade:
    """Store the portfolio described in the module docstring and commit it."""
    programme = Programme(name="mainzDIGITAL (Test)")
    team = Team(name="Team A", non_working_days=["2026-11-27"])
    fresh = Source(name="lokal-a", kind="local", last_success_at=NOW - timedelta(hours=2))
    stale = Source(name="lokal-b", kind="local", last_success_at=NOW - timedelta(hours=48))
    never = Source(name="gitlab-c", kind="gitlab", last_success_at=None)
    session.add_all([programme, team, fresh, stale, never])
    session.flush()
    aaa = Project(
        programme_id=programme.id or 0,
        team_id=team.id,
        key="AAA",
        name="Alpha",
        owner="Anna Admin",
        tags=["Verwaltung"],
        target_date=datetime(2027, 3, 31).date(),
    )
    bbb = Project(programme_id=programme.id or 0, key="BBB", name="Beta", tags=["Mobilität"])
    ccc = Project(programme_id=programme.id or 0, key="CCC", name="Gamma", tags=[])
    session.add_all([aaa, bbb, ccc])
    session.flush()
    session.add_all(
        [
            ProjectSource(project_id=aaa.id or 0, source_id=fresh.id or 0, remote_key="AAA"),
            ProjectSource(project_id=bbb.id or 0, source_id=stale.id or 0, remote_key="BBB"),
            ProjectSource(project_id=ccc.id or 0, source_id=never.id or 0, remote_key="CCC"),
        ]
    )
    s1 = Sprint(
        project_id=aaa.id or 0, name="AAA Sprint 1", state=SprintState.CLOSED.value,
        start_at=utc(10, 26, 8), end_at=utc(11, 6, 16), completed_at=utc(11, 6, 16),
    )  # fmt: skip
    s2 = Sprint(
        project_id=aaa.id or 0, name="AAA Sprint 2", state=SprintState.CLOSED.value,
        start_at=utc(11, 9, 8), end_at=utc(11, 20, 16), completed_at=utc(11, 20, 16),
    )  # fmt: skip
    s3 = Sprint(
        project_id=aaa.id or 0, name="AAA Sprint 3", state=SprintState.ACTIVE.value,
        start_at=utc(11, 23, 8), end_at=utc(12, 4, 16),
    )  # fmt: skip
    session.add_all([s1, s2, s3])
    session.flush()

    def pts(value: float | None) -> dict[str, object]:
        return {"points": value}

    def status(category: str) -> dict[str, object]:
        names = {"in_progress": "In Arbeit", "done": "Erledigt", "cancelled": "Verworfen"}
        return {"status": names[category], "status_category": category}

    def into(sprint: Sprint) -> dict[str, object]:
        return {"sprint_id": sprint.id}

    add, rem = EventKind.SPRINT_ADDED, EventKind.SPRINT_REMOVED
    b = _Builder(session, fresh, aaa)
    # S1 and S2
    b.item("B-1", points=5, category="done", sprint=s1, created=utc(10, 20), history=[
        (utc(10, 20), EventKind.POINTS, pts(5)), (utc(10, 20), add, into(s1)),
        (utc(11, 3), EventKind.STATUS, status("done")),
    ])  # fmt: skip
    b.item("A-2", points=3, category="in_progress", sprint=s3, created=utc(10, 20), history=[
        (utc(10, 20), EventKind.POINTS, pts(3)), (utc(10, 20), add, into(s1)),
        (utc(11, 6, 16), add, into(s2)), (utc(11, 10), EventKind.STATUS, status("in_progress")),
        (utc(11, 20, 16), add, into(s3)),
    ])  # fmt: skip
    b.item("B-3", points=6, category="done", sprint=s2, created=utc(11, 5), history=[
        (utc(11, 5), EventKind.POINTS, pts(6)), (utc(11, 5), add, into(s2)),
        (utc(11, 18), EventKind.STATUS, status("done")),
    ])  # fmt: skip
    # S3
    b.item("A-1", points=5, category="done", sprint=s3, created=utc(11, 16), history=[
        (utc(11, 16), EventKind.POINTS, pts(5)), (utc(11, 20), add, into(s3)),
        (utc(11, 23, 9), EventKind.STATUS, status("in_progress")),
        (utc(11, 24, 9), EventKind.STATUS, status("done")),
    ])  # fmt: skip
    b.item("A-3", type="bug", points=2, category="todo", sprint=s3, created=utc(11, 23, 11),
           history=[(utc(11, 23, 11), EventKind.POINTS, pts(2)),
                    (utc(11, 23, 12), add, into(s3))])  # fmt: skip
    b.item("A-4", points=8, category="todo", sprint=None, created=utc(11, 16), history=[
        (utc(11, 16), EventKind.POINTS, pts(8)), (utc(11, 20), add, into(s3)),
        (utc(11, 24, 8), rem, into(s3)),
    ])  # fmt: skip
    b.item("A-5", points=2, category="done", sprint=s3, created=utc(11, 10), history=[
        (utc(11, 10), EventKind.POINTS, pts(2)), (utc(11, 19), EventKind.STATUS, status("done")),
        (utc(11, 20), add, into(s3)),
    ])  # fmt: skip
    b.item("A-6", type="sub-task", points=1, category="todo", sprint=s3, created=utc(11, 16),
           history=[(utc(11, 16), EventKind.POINTS, pts(1)),
                    (utc(11, 20), add, into(s3))])  # fmt: skip
    b.item("A-7", type="task", points=None, category="todo", sprint=s3, created=utc(11, 16),
           history=[(utc(11, 20), add, into(s3))])  # fmt: skip
    b.item("A-8", points=5, category="todo", sprint=s3, created=utc(11, 16), history=[
        (utc(11, 16), EventKind.POINTS, pts(3)), (utc(11, 20), add, into(s3)),
        (utc(11, 23, 14), EventKind.POINTS, pts(5)),
    ])  # fmt: skip
    # Outside the sprints
    b.item("A-E", type="epic", points=40, category="in_progress", sprint=None,
           created=utc(10, 1), history=[(utc(10, 1), EventKind.POINTS, pts(40))])  # fmt: skip
    b.item("A-9", points=1, category="cancelled", sprint=None, created=utc(11, 1), history=[
        (utc(11, 1), EventKind.POINTS, pts(1)), (utc(11, 2), EventKind.STATUS, status("cancelled")),
    ])  # fmt: skip
    session.commit()
    return Handmade(s1=s1.id or 0, s2=s2.id or 0, s3=s3.id or 0)
