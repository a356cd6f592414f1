"""The services on a tiny hand-made portfolio whose figures are worked out by hand.

See ``tests/services/handmade.py`` for the portfolio and the expected numbers.
"""

from datetime import date

import pytest
from sqlalchemy import event
from sqlmodel import Session

from metrics.model import FigureSet
from sprintfolio.services import (
    NotFoundError,
    list_projects,
    list_sprints,
    portfolio_overview,
    project_velocity,
    sprint_report,
)
from tests.services.handmade import NOW, Handmade, build_handmade, utc

pytestmark = pytest.mark.db


@pytest.fixture
def handmade(session: Session) -> Handmade:
    return build_handmade(session)


def test_sprint_report_of_the_active_sprint(session: Session, handmade: Handmade) -> None:
    report = sprint_report(session, sprint_id=handmade.s3, now=NOW)

    assert report.is_running
    assert report.project_key == "AAA"
    assert report.figures.points == FigureSet(
        committed=19, added=4, removed=8, completed=5, not_completed=10
    )
    assert report.figures.items == FigureSet(
        committed=5, added=1, removed=1, completed=1, not_completed=4
    )
    assert [r.key for r in report.added] == ["A-3"]
    assert [r.key for r in report.removed] == ["A-4"]
    assert [r.key for r in report.completed] == ["A-1"]
    assert [r.key for r in report.not_completed] == ["A-2", "A-3", "A-7", "A-8"]
    assert [r.key for r in report.completed_outside] == ["A-5"]
    assert [r.key for r in report.unestimated] == ["A-7"]
    assert report.figures.unestimated == 1
    # Items in the sprint now: the sub-task and the removed item are not listed.
    assert [r.key for r in report.items] == ["A-1", "A-2", "A-3", "A-5", "A-7", "A-8"]
    by_key = {r.key: r for r in report.items}
    assert by_key["A-8"].points == 5
    assert by_key["A-1"].status_category == "done"
    assert by_key["A-2"].status == "In Arbeit"


def test_burndown_of_the_active_sprint(session: Session, handmade: Handmade) -> None:
    burndown = sprint_report(session, sprint_id=handmade.s3, now=NOW).burndown

    assert burndown.committed == 19
    assert [(s.item, s.reason, s.delta, s.remaining) for s in burndown.steps] == [
        ("A-3", "added", 2, 21),
        ("A-8", "estimate_up", 2, 23),
        ("A-4", "removed", -8, 15),
        ("A-1", "done", -5, 10),
    ]
    assert [(d.day, d.value) for d in burndown.remaining_by_day] == [
        (date(2026, 11, 23), 23),
        (date(2026, 11, 24), 10),
    ]
    # Nine working days (27.11. is the team's day off): the guideline starts at 19·8/9.
    assert burndown.guideline[0].value == pytest.approx(19 * 8 / 9)
    assert burndown.guideline[-1].value == 0
    assert date(2026, 11, 27) in burndown.non_working_days
    assert date(2026, 11, 28) in burndown.non_working_days


def test_scope_changes_and_carry_over(session: Session, handmade: Handmade) -> None:
    report = sprint_report(session, sprint_id=handmade.s3, now=NOW)

    assert [(c.item, c.reason, c.delta) for c in report.scope_changes] == [
        ("A-3", "added", 2),
        ("A-8", "estimate_up", 2),
        ("A-4", "removed", -8),
    ]
    assert report.scope_changes[0].at == utc(11, 23, 12)
    assert [(c.item.key, c.times) for c in report.carried_over] == [("A-2", 2)]


def test_sprint_report_of_a_closed_sprint(session: Session, handmade: Handmade) -> None:
    report = sprint_report(session, sprint_id=handmade.s1, now=NOW)

    assert not report.is_running
    assert report.as_of == utc(11, 6, 16)
    assert report.figures.points == FigureSet(committed=8, completed=5, not_completed=3)
    assert report.figures.say_do_ratio == pytest.approx(0.625)
    # The burndown covers the whole sprint: 26.10. through 06.11.
    assert report.burndown.remaining_by_day[0].day == date(2026, 10, 26)
    assert report.burndown.remaining_by_day[-1].day == date(2026, 11, 6)
    assert report.burndown.remaining_by_day[-1].value == 3
    # A-2 was left open and is in the next sprint at its start: carried over once so far.
    assert report.carried_over == ()


def test_project_velocity(session: Session, handmade: Handmade) -> None:
    velocity = project_velocity(session, project_key="AAA")

    assert [(s.name, s.committed, s.completed) for s in velocity.sprints] == [
        ("AAA Sprint 1", 8, 5),
        ("AAA Sprint 2", 9, 6),
    ]
    assert [s.say_do for s in velocity.sprints] == pytest.approx([5 / 8, 6 / 9])
    assert [s.rolling_velocity for s in velocity.sprints] == [5, 5.5]
    assert (velocity.velocity.mean, velocity.velocity.minimum, velocity.velocity.maximum) == (
        5.5,
        5,
        6,
    )
    assert velocity.velocity.sprint_count == 2


def test_portfolio_overview(session: Session, handmade: Handmade) -> None:
    overview = {p.key: p for p in portfolio_overview(session, now=NOW)}

    assert list(overview) == ["AAA", "BBB", "CCC"]
    aaa = overview["AAA"]
    assert (aaa.name, aaa.programme, aaa.owner, aaa.team) == (
        "Alpha",
        "mainzDIGITAL (Test)",
        "Anna Admin",
        "Team A",
    )
    assert aaa.tags == ("Verwaltung",)
    assert aaa.target_date == date(2027, 3, 31)
    sprint = aaa.active_sprint
    assert sprint is not None
    assert sprint.name == "AAA Sprint 3"
    assert (sprint.committed_points, sprint.added_points, sprint.completed_points) == (19, 4, 5)
    assert sprint.scope_points == 23
    # 24.11. to 04.12.: 10 calendar days; 8 working days (27.11. is the team's day off).
    assert (sprint.days_left, sprint.working_days_left) == (10, 8)
    assert (aaa.velocity.mean, aaa.velocity.minimum, aaa.velocity.maximum) == (5.5, 5, 6)
    assert aaa.closed_sprint_count == 2
    p = aaa.progress
    assert (p.done_items, p.total_items, p.done_points, p.total_points) == (4, 9, 18, 36)
    assert p.points_ratio == 0.5

    # Delivery: mean say/do (0.625 + 0.667) / 2 = 0.646 -> amber; fresh source -> green.
    assert aaa.health.delivery.rag == "amber"
    assert aaa.health.delivery.reason_code == "say_do_mean"
    assert aaa.health.delivery.values["mean"] == pytest.approx((5 / 8 + 6 / 9) / 2)
    assert aaa.health.delivery.values["sprints"] == 2
    assert aaa.health.freshness.rag == "green"
    assert aaa.health.freshness.values["hours"] == pytest.approx(2)
    # Schedule: the 85 % forecast of the 6 open items lies before the target 31.03.2027.
    assert aaa.forecast_p85 is not None and aaa.forecast_p85 <= aaa.target_date
    assert aaa.health.schedule.rag == "green"
    assert aaa.health.overall == "amber"
    assert aaa.health.overall_from == ("delivery",)

    bbb = overview["BBB"]
    assert bbb.active_sprint is None
    assert bbb.velocity.mean is None
    assert bbb.health.delivery.rag == "grey"
    assert bbb.health.delivery.reason_code == "no_closed_sprints"
    assert bbb.health.freshness.rag == "amber"
    assert bbb.health.freshness.values["hours"] == pytest.approx(48)
    assert bbb.health.schedule.reason_code == "no_target_date"
    assert bbb.health.overall == "amber"

    ccc = overview["CCC"]
    assert (ccc.health.freshness.rag, ccc.health.freshness.reason_code) == ("red", "never_synced")
    assert ccc.health.overall == "red"
    assert ccc.progress.total_items == 0


def test_lists(session: Session, handmade: Handmade) -> None:
    assert [(p.key, p.name, p.programme) for p in list_projects(session)] == [
        ("AAA", "Alpha", "mainzDIGITAL (Test)"),
        ("BBB", "Beta", "mainzDIGITAL (Test)"),
        ("CCC", "Gamma", "mainzDIGITAL (Test)"),
    ]
    sprints = list_sprints(session, project_key="AAA")
    assert [(s.id, s.state) for s in sprints] == [
        (handmade.s1, "closed"),
        (handmade.s2, "closed"),
        (handmade.s3, "active"),
    ]
    assert list_sprints(session, project_key="BBB") == []


def test_unknown_project_and_sprint_fail_loudly(session: Session, handmade: Handmade) -> None:
    with pytest.raises(NotFoundError, match="'XYZ' does not exist; known projects: AAA, BBB"):
        project_velocity(session, project_key="XYZ")
    with pytest.raises(NotFoundError, match="sprint 999"):
        sprint_report(session, sprint_id=999, now=NOW)


def test_queries_are_set_based(session: Session, handmade: Handmade) -> None:
    """A fixed number of queries, and all events of the sprints' items in one of them."""
    statements: list[str] = []
    engine = session.get_bind()

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    def events_queries() -> int:
        return sum(s.lstrip().startswith("SELECT itemevent.id") for s in statements)

    event.listen(engine, "before_cursor_execute", record)
    try:
        sprint_report(session, sprint_id=handmade.s3, now=NOW)
        assert len(statements) <= 8
        assert events_queries() == 1
        statements.clear()
        portfolio_overview(session, now=NOW)
        # The overview's own queries plus those of the health assessment (snapshots.
        # assess_projects): 19 here and 19 for the six demo projects, whatever their size.
        assert len(statements) <= 19
        assert events_queries() == 3  # active and closed sprints, and the assessment
    finally:
        event.remove(engine, "before_cursor_execute", record)
