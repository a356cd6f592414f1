"""Store rows → metrics inputs: changes, item keys, sprint windows, team calendars."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from metrics.model import Change
from models import ItemEvent, Programme, Project, Source, Sprint, Team, WorkItem
from models.enums import SprintState
from sprintfolio.services import ServiceError, sprint_report
from sprintfolio.services.loaders import (
    event_to_change,
    load_sprint_histories,
    sprint_window,
    team_calendar,
)

pytestmark = pytest.mark.db

AT = datetime(2026, 11, 20, 9, tzinfo=UTC)


def test_events_become_changes_with_only_their_field() -> None:
    status = ItemEvent(
        id=7, item_id=1, at=AT, kind="status", status="In Arbeit", status_category="in_progress"
    )
    points = ItemEvent(id=8, item_id=1, at=AT, kind="points", points=None)
    added = ItemEvent(id=9, item_id=1, at=AT, kind="sprint_added", sprint_id=42, points=3)
    assert event_to_change(status, item_key="A-1") == Change(
        "A-1", AT, "status", category="in_progress", status="In Arbeit", seq=7
    )
    assert event_to_change(points, item_key="A-1") == Change("A-1", AT, "points", seq=8)
    assert event_to_change(added, item_key="A-1") == Change(
        "A-1", AT, "sprint_added", sprint="42", seq=9
    )


def test_team_calendar() -> None:
    calendar = team_calendar(Team(name="T", holiday_subdiv="RP", non_working_days=["2026-11-27"]))
    assert not calendar.is_working_day(date(2026, 11, 27))  # the team's day off
    assert not calendar.is_working_day(date(2026, 6, 4))  # Fronleichnam in Rhineland-Palatinate
    assert team_calendar(None).subdiv == "RP"
    with pytest.raises(ValueError, match=r"'27\.11\.2026'; write it as YYYY-MM-DD"):
        team_calendar(Team(name="T", non_working_days=["27.11.2026"]))


def test_unplanned_sprint_fails_loudly(session: Session) -> None:
    programme = Programme(name="P")
    session.add(programme)
    session.flush()
    project = Project(programme_id=programme.id or 0, key="P1", name="P1")
    session.add(project)
    session.flush()
    sprint = Sprint(project_id=project.id or 0, name="Später", state=SprintState.FUTURE.value)
    session.add(sprint)
    session.commit()
    with pytest.raises(ValueError, match=r"'Später'.*no start or end date"):
        sprint_window(sprint)
    with pytest.raises(ServiceError, match="no start or end date"):
        sprint_report(session, sprint_id=sprint.id or 0, now=AT)


def test_colliding_source_keys_stay_apart(session: Session) -> None:
    """Two trackers may both have an item "#12"; their histories must not mix."""
    programme = Programme(name="P")
    gitlab_a, gitlab_b = Source(name="a", kind="gitlab"), Source(name="b", kind="gitlab")
    session.add_all([programme, gitlab_a, gitlab_b])
    session.flush()
    project = Project(programme_id=programme.id or 0, key="P1", name="P1")
    session.add(project)
    session.flush()
    sprint = Sprint(
        project_id=project.id or 0, name="S", state="active",
        start_at=datetime(2026, 11, 23, 8, tzinfo=UTC),
        end_at=datetime(2026, 12, 4, 16, tzinfo=UTC),
    )  # fmt: skip
    session.add(sprint)
    session.flush()
    for source, points in ((gitlab_a, 3.0), (gitlab_b, 5.0)):
        item = WorkItem(
            source_id=source.id or 0, source_key="#12", project_id=project.id or 0,
            type="story", title="x", status="Offen", status_category="todo", points=points,
            sprint_id=sprint.id, created_at=AT,
        )  # fmt: skip
        session.add(item)
        session.flush()
        session.add_all(
            [
                ItemEvent(item_id=item.id or 0, at=AT, kind="points", points=points),
                ItemEvent(item_id=item.id or 0, at=AT, kind="sprint_added", sprint_id=sprint.id),
            ]
        )
    session.commit()

    histories = load_sprint_histories(session, sprint_ids=[sprint.id or 0])
    assert sorted(histories.items) == [f"#12@{gitlab_a.id}", f"#12@{gitlab_b.id}"]
    report = sprint_report(
        session, sprint_id=sprint.id or 0, now=datetime(2026, 11, 24, tzinfo=UTC)
    )
    assert report.figures.points.committed == 8
    assert report.figures.items.committed == 2
