"""Capacity across projects on a small hand-built store (numbers worked out by hand).

People and bookings (Membership.capacity_share):

- Anna: 0.7 on P1, 0.5 on P2 → total 1.2, over-booked by 0.2.
  Open work in active sprints: P1 story 5 (todo) + story 3 (in progress) = 8;
  P2 bug 3 = 3 → 11. Not counted: her done story (2), sub-task (1), epic (13),
  a P1 backlog story (8, no sprint) and an open story in P2's closed sprint (13).
- Ben: 0.5 on P1, viewer with 0 on P2 → total 0.5; P1 story 2 + unestimated task = 2.
  P2 is not listed for him (share 0, no work there).
- Cara: no membership, but a P2 story of 5 in the active sprint → share 0, open 5.
- Dora: viewer with share 0 and no work → not listed.

Order: Anna (over-booked), Ben (0.5), Cara (0).
"""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from models import Membership, Person, Programme, Project, Source, Sprint, WorkItem
from sprintfolio.services.capacity import CapacityDataError, capacity_overview
from sprintfolio.services.errors import ServiceError

pytestmark = pytest.mark.db

NOW = datetime(2026, 11, 24, 11, tzinfo=UTC)


def _build(session: Session) -> dict[str, int]:
    programme = Programme(name="Test")
    source = Source(name="lokal", kind="local", last_success_at=NOW)
    people = {name: Person(display_name=name, login=name.lower()) for name in
              ("Anna", "Ben", "Cara", "Dora")}  # fmt: skip
    session.add_all([programme, source, *people.values()])
    session.flush()
    p1 = Project(programme_id=programme.id or 0, key="P1", name="Projekt Eins")
    p2 = Project(programme_id=programme.id or 0, key="P2", name="Projekt Zwei")
    session.add_all([p1, p2])
    session.flush()
    start = NOW - timedelta(days=3)
    s1 = Sprint(project_id=p1.id or 0, name="P1 S1", state="active", start_at=start,
                end_at=start + timedelta(days=14))  # fmt: skip
    s2 = Sprint(project_id=p2.id or 0, name="P2 S1", state="active", start_at=start,
                end_at=start + timedelta(days=14))  # fmt: skip
    old = Sprint(project_id=p2.id or 0, name="P2 S0", state="closed",
                 start_at=start - timedelta(days=14), end_at=start,
                 completed_at=start)  # fmt: skip
    session.add_all([s1, s2, old])
    session.flush()
    ids = {name: person.id or 0 for name, person in people.items()}
    session.add_all(
        [
            Membership(person_id=ids["Anna"], project_id=p1.id or 0, role="member",
                       capacity_share=0.7),
            Membership(person_id=ids["Anna"], project_id=p2.id or 0, role="product_owner",
                       capacity_share=0.5),
            Membership(person_id=ids["Ben"], project_id=p1.id or 0, role="member",
                       capacity_share=0.5),
            Membership(person_id=ids["Ben"], project_id=p2.id or 0, role="viewer",
                       capacity_share=0.0),
            Membership(person_id=ids["Dora"], project_id=p1.id or 0, role="viewer",
                       capacity_share=0.0),
        ]
    )  # fmt: skip
    number = iter(range(1, 100))

    def item(project: Project, who: str, points: float | None, *, sprint: Sprint | None,
             category: str = "todo", type: str = "story") -> WorkItem:  # fmt: skip
        return WorkItem(
            source_id=source.id or 0, source_key=f"K-{next(number)}", project_id=project.id or 0,
            type=type, title="Titel", status=category, status_category=category, points=points,
            assignee_id=ids[who], sprint_id=sprint.id if sprint else None, created_at=start,
        )  # fmt: skip

    session.add_all(
        [
            item(p1, "Anna", 5, sprint=s1),
            item(p1, "Anna", 3, sprint=s1, category="in_progress"),
            item(p1, "Anna", 2, sprint=s1, category="done"),
            item(p1, "Anna", 1, sprint=s1, type="sub-task"),
            item(p1, "Anna", 13, sprint=s1, type="epic"),
            item(p1, "Anna", 8, sprint=None),
            item(p2, "Anna", 3, sprint=s2, type="bug"),
            item(p2, "Anna", 13, sprint=old),
            item(p1, "Ben", 2, sprint=s1),
            item(p1, "Ben", None, sprint=s1, type="task"),
            item(p2, "Cara", 5, sprint=s2),
        ]
    )
    session.commit()
    return ids


def test_capacity_with_an_over_booked_person(session: Session) -> None:
    ids = _build(session)
    rows = capacity_overview(session, now=NOW)

    assert [r.display_name for r in rows] == ["Anna", "Ben", "Cara"]
    anna, ben, cara = rows
    assert anna.person_id == ids["Anna"] and anna.login == "anna"
    assert anna.total_share == pytest.approx(1.2)
    assert anna.over_booked and anna.over_by == pytest.approx(0.2)
    assert anna.open_points == 11
    assert [(p.project_key, p.role, p.share, p.open_points) for p in anna.projects] == [
        ("P1", "member", 0.7, 8),
        ("P2", "product_owner", 0.5, 3),
    ]
    assert anna.project_count == 2
    assert (ben.total_share, ben.over_booked, ben.over_by, ben.open_points) == (0.5, False, 0, 2)
    assert [(p.project_key, p.share, p.open_points) for p in ben.projects] == [("P1", 0.5, 2)]
    assert (cara.total_share, cara.open_points) == (0, 5)
    assert [(p.project_key, p.role, p.share, p.project_name) for p in cara.projects] == [
        ("P2", None, 0, "Projekt Zwei")
    ]


def test_sprints_starting_later_are_not_active_yet(session: Session) -> None:
    _build(session)
    rows = capacity_overview(session, now=NOW - timedelta(days=5))
    assert [(r.display_name, r.open_points) for r in rows] == [("Anna", 0), ("Ben", 0)]


def test_an_impossible_share_is_reported(session: Session) -> None:
    ids = _build(session)
    membership = session.exec(
        select(Membership).where(Membership.person_id == ids["Anna"], Membership.role == "member")
    ).one()
    membership.capacity_share = 1.5
    session.add(membership)
    session.commit()
    with pytest.raises(CapacityDataError, match=r"capacity_share of .* is 1\.5"):
        capacity_overview(session, now=NOW)


def test_empty_store_and_naive_time(session: Session) -> None:
    assert capacity_overview(session, now=NOW) == []
    with pytest.raises(ServiceError, match="naive"):
        capacity_overview(session, now=NOW.replace(tzinfo=None))
