"""The JSON report contract (`sprintfolio report`): exact keys and hand-computed values."""

import json

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from sprintfolio.cli import app
from sprintfolio.config import get_settings
from sprintfolio.services.errors import NotFoundError
from sprintfolio.services.reports import (
    flow_report_json,
    forecast_report_json,
    sprint_report_json,
    velocity_report_json,
)
from tests.conftest import DEMO_TODAY
from tests.services.handmade import NOW, build_handmade

pytestmark = pytest.mark.db

FIGURE_KEYS = {"committed", "added", "removed", "completed", "not_completed", "remaining_by_day"}


def test_sprint_report_of_the_handmade_sprint(session: Session) -> None:
    build_handmade(session)
    doc = sprint_report_json(session, project="AAA", sprint="AAA Sprint 3", now=NOW)
    assert set(doc) == {"project", "sprint", "points", "items"}
    assert doc["project"] == "Alpha"
    assert doc["sprint"] == {
        "name": "AAA Sprint 3",
        "state": "active",
        "start": "2026-11-23T08:00:00+00:00",
        "end": "2026-12-04T16:00:00+00:00",
        "completed_at": None,
    }
    points, items = doc["points"], doc["items"]
    assert set(points) == FIGURE_KEYS and set(items) == FIGURE_KEYS
    # see tests/services/handmade.py: 19 + 4 - 8 = 5 + 10 points; 5 + 1 - 1 = 1 + 4 items
    assert [points[k] for k in ("committed", "added", "removed", "completed", "not_completed")] == [
        19, 4, 8, 5, 10,
    ]  # fmt: skip
    assert [items[k] for k in ("committed", "added", "removed", "completed", "not_completed")] == [
        5, 1, 1, 1, 4,
    ]  # fmt: skip
    assert all(isinstance(items[k], int) for k in FIGURE_KEYS - {"remaining_by_day"})
    # One entry per calendar day 23.11.-04.12.; end of 23.11.: 19 + 2 (A-3) + 2 (A-8) = 23
    # points, 6 items; end of 24.11. (as of 11:00 UTC): -8 (A-4 removed) -5 (A-1 done) = 10
    # points, 4 items; later days are not reached yet.
    days = [d["date"] for d in points["remaining_by_day"]]
    assert days[0] == "2026-11-23" and days[-1] == "2026-12-04" and len(days) == 12
    assert [d["remaining"] for d in points["remaining_by_day"]] == [23, 10] + [None] * 10
    assert [d["remaining"] for d in items["remaining_by_day"]] == [6, 4] + [None] * 10


def test_velocity_report_of_the_handmade_project(session: Session) -> None:
    build_handmade(session)
    doc = velocity_report_json(session, project="alpha")
    assert doc == {
        "project": "Alpha",
        "sprints": [
            {
                "name": "AAA Sprint 1",
                "start": "2026-10-26T08:00:00+00:00",
                "end": "2026-11-06T16:00:00+00:00",
                "committed": 8,
                "completed": 5,
            },
            {
                "name": "AAA Sprint 2",
                "start": "2026-11-09T08:00:00+00:00",
                "end": "2026-11-20T16:00:00+00:00",
                "committed": 9,
                "completed": 6,
            },
        ],
        "velocity": 5.5,
    }


def test_flow_and_forecast_shapes(session: Session) -> None:
    build_handmade(session)
    flow = flow_report_json(session, project="AAA", now=NOW)
    assert set(flow) == {"project", "items", "throughput", "cfd"}
    item = flow["items"][0]
    assert set(item) == {"key", "started", "done", "cycle_time_days", "lead_time_days"}
    assert {w["week_start"][:4] for w in flow["throughput"]} == {"2026"}
    assert all(set(d) == {"date", "todo", "in_progress", "done"} for d in flow["cfd"])
    forecast = forecast_report_json(session, project="AAA", now=NOW)
    assert set(forecast) == {
        "project", "today", "mode", "items", "date", "trials", "percentiles", "reason",
    }  # fmt: skip
    # Open items of AAA: everything not done and not cancelled, sub-tasks included.
    assert forecast["mode"] == "when" and forecast["items"] == 6
    dates = forecast["percentiles"]
    assert dates is not None and forecast["reason"] is None
    assert "2026-11-24" < dates["p50"] <= dates["p85"] <= dates["p95"]


def test_unknown_project_and_sprint_name_the_alternatives(session: Session) -> None:
    build_handmade(session)
    with pytest.raises(NotFoundError, match="AAA"):
        velocity_report_json(session, project="Nope")
    with pytest.raises(NotFoundError, match="AAA Sprint 1"):
        sprint_report_json(session, project="AAA", sprint="Sprint 99", now=NOW)


def test_every_report_works_on_the_demo_for_every_project(
    demo_db_url: str, demo_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", demo_db_url)
    monkeypatch.setenv("SPRINTFOLIO_TODAY", DEMO_TODAY.isoformat())
    get_settings.cache_clear()
    runner = CliRunner()
    velocity = json.loads(runner.invoke(app, ["report", "velocity", "--project", "GIS"]).output)
    active = velocity["sprints"][-1]["name"].rsplit(" ", 1)
    next_sprint = f"{active[0]} {int(active[1]) + 1}"
    for key in ("ARB", "GIS", "OZG", "PDB", "WEB", "DIK"):
        for args in (["velocity"], ["flow"], ["forecast"], ["forecast", "--date", "2027-03-31"]):
            result = runner.invoke(app, ["report", *args, "--project", key])
            assert result.exit_code == 0, (key, args, result.output)
            doc = json.loads(result.output)
            assert doc["project"]
        table = runner.invoke(app, ["report", "velocity", "--project", key, "--format", "table"])
        assert table.exit_code == 0 and "Velocity" in table.output
    sprint = runner.invoke(app, ["report", "sprint", "--project", "GIS", "--sprint", next_sprint])
    assert sprint.exit_code == 0, sprint.output
    doc = json.loads(sprint.output)
    assert doc["sprint"]["state"] == "active"
    points = doc["points"]
    assert (
        points["committed"] + points["added"] - points["removed"]
        == points["completed"] + points["not_completed"]
    )
    both = runner.invoke(app, ["report", "forecast", "--project", "GIS", "--items", "3",
                               "--date", "2027-01-01"])  # fmt: skip
    assert both.exit_code == 2 and "not both" in both.output
    get_settings.cache_clear()
