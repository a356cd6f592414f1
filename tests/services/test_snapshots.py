"""Weekly snapshots and trends on the hand-made portfolio (figures worked out by hand) and the demo.

The hand-made project AAA (``tests/services/handmade.py``) as of the end of
the week starting Monday 09.11.2026 (Sunday 15.11. 23:59:59.999999 in Mainz):

- items then: B-1 (5, done 03.11.), A-2 (3, in progress), B-3 (6, todo until
  18.11.), A-5 (2, todo until 19.11.); A-9 (cancelled 02.11.) is left out, A-1,
  A-3, A-4, A-6, A-7 and A-8 are created later, A-E is an epic.
  → items 4, done 1; points 16, done 5.
- closed by then: S1 only (closed 06.11.): completed 5, committed 8.
  → velocity 5, say/do 0.625 (delivery amber).
- forecast: throughput of the working days 20.10.–14.11. (19 days; first
  change 20.10., "today" is Sunday 15.11.), one item done (03.11.); open items
  A-2, B-3, A-5 → 3.

As of NOW (24.11. 11:00 UTC, current week) the figures are the handmade
docstring's: 9 items, 4 done, 36 points, 18 done; velocity (5 + 6) / 2 = 5.5;
say/do (0.625 + 6/9) / 2.
"""

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from metrics.calendar import WorkingCalendar
from metrics.forecast import WhenForecast, forecast_when
from metrics.health import project_health
from models import ProjectSnapshot, WorkItem, create_db_engine
from models.maintenance import content_digest
from sprintfolio.services.errors import NotFoundError
from sprintfolio.services.flow import FORECAST_SEED, project_forecast
from sprintfolio.services.snapshots import (
    DEMO_SNAPSHOT_WEEKS,
    SnapshotError,
    assess_projects,
    backfill_demo_snapshots,
    backfill_snapshots,
    demo_snapshot_moment,
    list_snapshots,
    project_trend,
    project_trends,
    snapshot_all,
    take_snapshot,
    week_end,
    week_start_of,
)
from tests.conftest import DEMO_TODAY
from tests.services.handmade import NOW, build_handmade

pytestmark = pytest.mark.db

CURRENT_WEEK = date(2026, 11, 23)
TEAM_CALENDAR = WorkingCalendar(non_working_days=frozenset({date(2026, 11, 27)}))


@pytest.fixture
def handmade(session: Session) -> None:
    build_handmade(session)


def _count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(ProjectSnapshot)).one()


def test_week_boundaries_are_mainz_mondays() -> None:
    assert week_start_of(NOW) == CURRENT_WEEK
    # Sunday 23:30 UTC is already Monday in Mainz.
    assert week_start_of(datetime(2026, 11, 22, 23, 30, tzinfo=UTC)) == CURRENT_WEEK
    assert week_end(date(2026, 11, 9)) == datetime(2026, 11, 15, 22, 59, 59, 999999, tzinfo=UTC)
    # Summer time: the week ends at 22:00 UTC.
    assert week_end(date(2026, 6, 1)) == datetime(2026, 6, 7, 21, 59, 59, 999999, tzinfo=UTC)


def test_snapshot_of_the_current_week(session: Session, handmade: None) -> None:
    row = take_snapshot(session, project_key="AAA", week_start=CURRENT_WEEK, now=NOW)

    assert (row.items_total, row.items_done) == (9, 4)
    assert (row.points_total, row.points_done) == (36, 18)
    assert row.progress_points == 0.5
    assert row.velocity == 5.5
    assert row.say_do_ratio == pytest.approx((5 / 8 + 6 / 9) / 2)
    assert row.taken_at == NOW
    # The forecast is the project's forecast service's (same data, same seed).
    when = project_forecast(session, project_key="AAA", now=NOW).when
    assert isinstance(when, WhenForecast)
    assert row.forecast_p85 == when.p85
    # Schedule green (P85 before 31.03.2027), delivery amber (0.646), freshness green (2 h).
    assert row.forecast_p85 is not None and row.forecast_p85 <= date(2027, 3, 31)
    assert row.health == "amber"


def test_snapshot_of_a_past_week_replays_the_history(session: Session, handmade: None) -> None:
    row = take_snapshot(session, project_key="AAA", week_start=date(2026, 11, 9), now=NOW)

    assert (row.items_total, row.items_done) == (4, 1)
    assert (row.points_total, row.points_done) == (16, 5)
    assert row.velocity == 5
    assert row.say_do_ratio == 0.625
    working = TEAM_CALENDAR.working_days(date(2026, 10, 20), date(2026, 11, 14))
    assert len(working) == 19
    throughput = [1 if day == date(2026, 11, 3) else 0 for day in working]
    expected = forecast_when(
        throughput, 3, start=date(2026, 11, 15), calendar=TEAM_CALENDAR, seed=FORECAST_SEED
    )
    assert isinstance(expected, WhenForecast)
    assert row.forecast_p85 == expected.p85
    moment = week_end(date(2026, 11, 9))
    health = project_health(
        forecast_p85=expected.p85,
        target_date=date(2027, 3, 31),
        today=date(2026, 11, 15),
        say_do_ratios=[0.625],
        last_syncs=[moment],  # a local source is always current
        now=moment,
    )
    assert health.delivery.rag == "amber"
    assert row.health == health.overall
    assert row.taken_at == NOW


def test_snapshot_is_an_idempotent_upsert(session: Session, handmade: None) -> None:
    first = take_snapshot(session, project_key="AAA", week_start=date(2026, 11, 9), now=NOW)
    later = NOW + timedelta(hours=3)
    again = take_snapshot(session, project_key="AAA", week_start=date(2026, 11, 9), now=later)

    assert _count(session) == 1
    assert again.taken_at == later
    assert {**again.__dict__, "taken_at": NOW} == first.__dict__
    assert list_snapshots(session, project_key="AAA") == [again]


def test_snapshot_rejects_bad_weeks_and_times(session: Session, handmade: None) -> None:
    with pytest.raises(SnapshotError, match=r"is a Tuesday; pass the Monday .*2026-11-23"):
        take_snapshot(session, project_key="AAA", week_start=date(2026, 11, 24), now=NOW)
    with pytest.raises(SnapshotError, match="after the current week"):
        take_snapshot(session, project_key="AAA", week_start=date(2026, 11, 30), now=NOW)
    with pytest.raises(SnapshotError, match="naive"):
        take_snapshot(
            session, project_key="AAA", week_start=CURRENT_WEEK, now=NOW.replace(tzinfo=None)
        )
    with pytest.raises(NotFoundError, match="'ZZZ' does not exist; known projects: AAA, BBB"):
        take_snapshot(session, project_key="ZZZ", week_start=CURRENT_WEEK, now=NOW)
    with pytest.raises(SnapshotError, match="weeks is 0"):
        backfill_snapshots(session, weeks=0, now=NOW)
    assert _count(session) == 0


def test_snapshot_all_stores_the_current_week_of_every_project(
    session: Session, handmade: None
) -> None:
    rows = snapshot_all(session, now=NOW)

    assert [(r.project_key, r.week_start) for r in rows] == [
        ("AAA", CURRENT_WEEK),
        ("BBB", CURRENT_WEEK),
        ("CCC", CURRENT_WEEK),
    ]
    by_key = {r.project_key: r for r in rows}
    assert by_key["BBB"].health == "amber"  # only freshness is known: synced 48 h ago
    assert by_key["CCC"].health == "red"  # its source never synced
    assert by_key["BBB"].velocity is None and by_key["BBB"].forecast_p85 is None
    snapshot_all(session, now=NOW)
    assert _count(session) == 3


def test_backfill_and_trend(session: Session, handmade: None) -> None:
    result = backfill_snapshots(session, weeks=8, now=NOW)

    assert result.weeks[0] == date(2026, 10, 5) and result.weeks[-1] == CURRENT_WEEK
    aaa = [r for r in result.rows if r.project_key == "AAA"]
    # AAA's history starts on 20.10.: the weeks of 05.10. and 12.10. are skipped.
    assert [r.week_start for r in aaa] == [
        date(2026, 10, 19) + timedelta(weeks=n) for n in range(6)
    ]
    assert ("AAA", date(2026, 10, 12)) in result.skipped
    # BBB and CCC have no history: only the current week is stored.
    assert [(r.project_key, r.week_start) for r in result.rows if r.project_key != "AAA"] == [
        ("BBB", CURRENT_WEEK),
        ("CCC", CURRENT_WEEK),
    ]
    # Week of 26.10. (end 01.11.): B-1 (5), A-2 (3) and A-9 (1, cancelled only on 02.11.).
    by_week = {r.week_start: r for r in aaa}
    assert (by_week[date(2026, 10, 26)].items_total, by_week[date(2026, 10, 26)].points_total) == (
        3,
        9,
    )
    assert by_week[date(2026, 11, 9)].points_total == 16
    assert by_week[CURRENT_WEEK].points_total == 36

    trend = project_trend(session, project_key="AAA", now=NOW)
    assert trend.status == "ok"
    assert trend.latest is not None and trend.latest.week_start == CURRENT_WEEK
    assert trend.baseline is not None and trend.baseline.week_start == date(2026, 10, 26)
    assert trend.weeks == 4
    assert trend.points_done_delta == 18  # 0 → 18
    assert trend.progress_pct_delta == 50  # 0 % → 50 %
    assert trend.velocity_delta is None  # no sprint was closed by 01.11.
    # Then: no forecast (9 working days of history), no closed sprint, local source current.
    assert (trend.health_from, trend.health_to, trend.health_change) == ("green", "amber", "worse")

    trends = project_trends(session, now=NOW)
    assert trends["BBB"].status == "no_baseline" and trends["BBB"].weeks is None
    # A later week's snapshot is ignored by a trend asked for an earlier "now".
    early = project_trend(session, project_key="AAA", now=datetime(2026, 11, 4, tzinfo=UTC))
    assert early.status == "no_baseline" and early.latest is not None
    assert early.latest.week_start == date(2026, 11, 2)


def test_trend_without_snapshots(session: Session, handmade: None) -> None:
    trend = project_trend(session, project_key="AAA", now=NOW)
    assert trend.status == "no_snapshots" and trend.latest is None
    assert trend.health_change == "unknown"


def test_assessment_gives_the_reasons_of_each_dimension(session: Session, handmade: None) -> None:
    assessment = assess_projects(session, now=NOW, project_keys=["AAA"])["AAA"]
    assert [d.rag for d in assessment.health.dimensions] == ["green", "amber", "green"]
    assert [s.name for s in assessment.closed_sprints] == ["AAA Sprint 1", "AAA Sprint 2"]
    assert [(s.committed, s.completed) for s in assessment.closed_sprints] == [(8, 5), (9, 6)]
    assert assessment.open_items == 6  # A-6 (sub-task), A-7, A-8


@pytest.fixture
def demo_copy(demo_db_url: str, tmp_path: Path) -> str:
    """A writable copy of the seeded demo store."""
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_db_url.removeprefix("sqlite:///"), path)
    return f"sqlite:///{path}"


def test_demo_backfill_gives_half_a_year_of_history(demo_copy: str) -> None:
    engine = create_db_engine(demo_copy)
    now = demo_snapshot_moment(DEMO_TODAY)
    try:
        with Session(engine) as session:
            result = backfill_demo_snapshots(session, today=DEMO_TODAY)
            keys = sorted({r.project_key for r in result.rows})
            assert len(keys) == 6
            assert len(result.rows) == 6 * DEMO_SNAPSHOT_WEEKS and not result.skipped
            assert all(r.taken_at == now for r in result.rows)
            trends = project_trends(session, now=now)
            assert all(t.status == "ok" and t.weeks == 4 for t in trends.values())

            # The current week agrees with the store's current state and the forecast service.
            current = {r.project_key: r for r in result.rows if r.week_start == week_start_of(now)}
            done = session.exec(
                select(WorkItem.project_id, func.count(), func.sum(WorkItem.points))
                .where(
                    col(WorkItem.type).not_in(["epic", "sub-task"]),
                    WorkItem.status_category == "done",
                )
                .group_by(col(WorkItem.project_id))
            ).all()
            assert sorted((int(count), float(points)) for _, count, points in done) == sorted(
                (r.items_done, r.points_done) for r in current.values()
            )
            for key in ("ARB", "WEB"):
                when = project_forecast(session, project_key=key, now=now).when
                assert isinstance(when, WhenForecast)
                assert current[key].forecast_p85 == when.p85

            # Again: the same rows, none added.
            again = backfill_demo_snapshots(session, today=DEMO_TODAY)
            assert again.rows == result.rows
            assert session.exec(select(func.count()).select_from(ProjectSnapshot)).one() == len(
                result.rows
            )
    finally:
        engine.dispose()


def test_demo_backfill_is_deterministic(demo_db_url: str, tmp_path: Path) -> None:
    """Like the seed: the same day gives the same rows byte for byte (taken_at is no clock)."""
    digests = []
    for name in ("one.db", "two.db"):
        path = tmp_path / name
        shutil.copyfile(demo_db_url.removeprefix("sqlite:///"), path)
        engine = create_db_engine(f"sqlite:///{path}")
        try:
            with Session(engine) as session:
                backfill_demo_snapshots(session, today=DEMO_TODAY)
            digests.append(content_digest(engine))
        finally:
            engine.dispose()
    assert digests[0] == digests[1]
