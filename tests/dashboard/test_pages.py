"""Each page of the app on the seeded Mainz demo, through ``streamlit.testing.v1.AppTest``.

The figures a page shows are compared with what the services return for the
same store and moment, formatted as the page formats them.
"""

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from dashboard import ui
from dashboard.i18n import fmt_date, fmt_number, fmt_points, fmt_ratio, t, tn
from metrics.forecast import WhenForecast
from models import create_db_engine
from models.migrate import upgrade_to_head
from sprintfolio.config import get_settings
from sprintfolio.services import (
    list_sprints,
    portfolio_overview,
    project_velocity,
    sprint_report,
)
from sprintfolio.services.flow import project_flow, project_forecast
from tests.conftest import DEMO_TODAY

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
#: SPRINTFOLIO_TODAY=2026-11-24 means noon in Mainz.
NOW = datetime(2026, 11, 24, 11, tzinfo=UTC)
PROJECT_NAMES = {
    "ARB": "Moderner Arbeitsplatz (Betriebssystem-Ablösung)",
    "GIS": "Web-GIS",
    "OZG": "OZG-Onlinedienste",
    "PDB": "Prozessdatenbank",
    "WEB": "Relaunch mainz.de",
    "DIK": "Digitale Kompetenzen",
}


def _clear_caches() -> None:
    get_settings.cache_clear()
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def use_store(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Point the app at a store (and at the demo's today), with fresh caches."""

    def use(url: str) -> None:
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("SPRINTFOLIO_TODAY", DEMO_TODAY.isoformat())
        _clear_caches()

    yield use
    _clear_caches()


@pytest.fixture
def app(use_store: Any, demo_db_url: str) -> AppTest:
    use_store(demo_db_url)
    return AppTest.from_file(APP, default_timeout=60)


def _open(app: AppTest, page: str | None = None, **params: str) -> AppTest:
    app.run()
    if page is not None:
        app.switch_page(page)
    app.query_params.update(params)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    return app


def _plotly(app: AppTest, key: str) -> dict[str, Any]:
    charts = [c for c in app.get("plotly_chart") if key in c.proto.id]
    assert charts, f"no plotly chart {key!r} on the page"
    return json.loads(charts[0].proto.spec)


def test_portfolio_lists_the_six_projects(app: AppTest, demo_engine: Engine) -> None:
    _open(app)
    with Session(demo_engine) as session:
        overview = portfolio_overview(session, now=NOW)

    assert app.title[0].value == t("portfolio.title")
    table = app.dataframe[0].value
    assert sorted(table[t("col.project")]) == sorted(PROJECT_NAMES.values())
    by_key = table.set_index(t("col.key"))
    for summary in overview:
        row = by_key.loc[summary.key]
        assert row[t("col.status")] == ui.status_label(summary.health.overall)
        assert row[t("col.reason")] == ui.health_reason(summary.health, freshness_shown=True)
        assert row[t("col.sprint")].startswith(summary.active_sprint.name + " · ")
        assert row[t("col.progress")] == pytest.approx(100 * summary.progress.points_ratio)
    # A drill-down link per project, carrying its key.
    links = app.get("page_link")
    assert sorted(link.proto.query_string for link in links) == sorted(
        f"projekt={key}" for key in PROJECT_NAMES
    )
    counts = {m.label: m.value for m in app.metric}
    assert counts[t("portfolio.count.projects")] == "6"
    assert sum(int(counts[ui.status_label(level)]) for level in ("green", "amber", "red")) == 6


def test_portfolio_filters_by_tag(app: AppTest, demo_engine: Engine) -> None:
    _open(app)
    with Session(demo_engine) as session:
        overview = portfolio_overview(session, now=NOW)
    tag = sorted({tag for s in overview for tag in s.tags})[0]

    app.get("button_group")[0].set_value([tag]).run()

    assert not app.exception
    expected = sorted(s.name for s in overview if tag in s.tags)
    assert sorted(app.dataframe[0].value[t("col.project")]) == expected
    assert 0 < len(expected) < 6


@pytest.mark.parametrize("key", ["GIS", "OZG"])
def test_project_page_shows_velocity_and_sprints(
    app: AppTest, demo_engine: Engine, key: str
) -> None:
    _open(app, "views/projekt.py", projekt=key)
    with Session(demo_engine) as session:
        velocity = project_velocity(session, project_key=key)

    assert app.selectbox[0].value == key
    assert app.title[0].value == ui.escape_markdown(PROJECT_NAMES[key])
    figures = {m.label: m.value for m in app.metric}
    assert figures[t("project.velocity")] == t(
        "metric.value", points=fmt_number(velocity.velocity.mean)
    )
    chart = _plotly(app, "velocity_chart")
    bars = {trace["name"]: trace for trace in chart["data"]}
    assert bars[t("chart.completed")]["y"] == [s.completed for s in velocity.sprints]
    assert bars[t("chart.committed")]["y"] == [s.committed for s in velocity.sprints]
    table = app.dataframe[0].value
    assert list(table[t("col.sprint_name")]) == [s.name for s in reversed(velocity.sprints)]
    assert list(table[t("col.say_do")]) == [fmt_ratio(s.say_do) for s in reversed(velocity.sprints)]


@pytest.mark.parametrize("key", ["ARB", "WEB"])
def test_sprint_page_shows_the_active_sprint(app: AppTest, demo_engine: Engine, key: str) -> None:
    _open(app, "views/sprint.py", projekt=key)
    with Session(demo_engine) as session:
        active = next(s for s in list_sprints(session, project_key=key) if s.state == "active")
        report = sprint_report(session, sprint_id=active.id, now=NOW)

    assert app.title[0].value == ui.escape_markdown(report.sprint.name)
    shown = {m.label: m.value for m in app.metric}
    for name in ("committed", "added", "removed", "completed", "not_completed"):
        points = getattr(report.figures.points, name)
        assert shown[t(f"metric.{name}")] == t("metric.value", points=fmt_points(points))
    items = {c.value for c in app.caption}
    for name in ("committed", "completed", "not_completed"):
        count = getattr(report.figures.items, name)
        assert tn("metric.items", count) in items
    assert any(t("metric.unestimated", n=report.figures.unestimated) in c for c in items)

    chart = _plotly(app, "burndown_chart")
    traces = {trace["name"]: trace for trace in chart["data"]}
    remaining = traces[t("chart.remaining")]
    assert remaining["y"][0] == report.burndown.committed
    assert remaining["y"][-1] == (
        report.burndown.steps[-1].remaining if report.burndown.steps else report.burndown.committed
    )
    assert traces[t("chart.guideline")]["line"]["dash"] == "dash"
    shading = [s for s in chart["layout"].get("shapes", []) if s.get("type") == "rect"]
    assert len(shading) == len(report.burndown.non_working_days)
    if any(s.is_scope_change for s in report.burndown.steps):
        assert t("chart.scope_change") in traces
    # The first table lists what is not completed (at risk), the next one the carried-over items.
    tables = [list(d.value[t("col.item")]) for d in app.dataframe if t("col.item") in d.value]
    assert tables[0] == [r.key for r in report.not_completed]
    if report.carried_over:
        assert [r.item.key for r in report.carried_over] in tables


def test_sprint_page_opens_a_closed_sprint_from_the_link(app: AppTest, demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        closed = [s for s in list_sprints(session, project_key="PDB") if s.state == "closed"][-1]
        report = sprint_report(session, sprint_id=closed.id, now=NOW)

    _open(app, "views/sprint.py", projekt="PDB", sprint=str(closed.id))

    assert app.title[0].value == ui.escape_markdown(closed.name)
    shown = {m.label: m.value for m in app.metric}
    assert shown[t("metric.completed")] == t(
        "metric.value", points=fmt_points(report.figures.points.completed)
    )
    assert app.query_params["sprint"] == str(closed.id)


def test_empty_store_says_how_to_fill_it(use_store: Any, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    engine = create_db_engine(url)
    upgrade_to_head(engine)
    engine.dispose()
    use_store(url)
    for page in (None, "views/projekt.py", "views/sprint.py"):
        app = _open(AppTest.from_file(APP, default_timeout=30), page)
        assert [i.value for i in app.info] == [t("empty.store")]


def test_unreachable_store_is_an_error_message_not_a_traceback(
    use_store: Any, tmp_path: Path
) -> None:
    use_store(f"sqlite:///{tmp_path / 'missing' / 'nothing.db'}")
    (tmp_path / "missing").mkdir()
    app = AppTest.from_file(APP, default_timeout=30).run()
    assert not app.exception
    assert len(app.error) == 1
    assert app.error[0].value.startswith(t("error.store", detail="").rstrip())


def test_pages_are_not_in_a_pages_folder() -> None:
    """A ``pages/`` folder next to app.py makes Streamlit run a deep link's page alone.

    (Legacy multipage mode: no ``st.navigation``, no page setup, until the root URL is opened.)
    """
    dashboard = Path(APP).parent
    assert not (dashboard / "pages").exists()
    assert sorted(p.name for p in (dashboard / "views").glob("*.py")) == [
        "eintraege.py",
        "portfolio.py",
        "projekt.py",
        "protokoll.py",
        "quellen.py",
        "sprint.py",
    ]


@pytest.mark.parametrize("key", ["GIS", "WEB"])
def test_project_page_shows_flow_and_forecast(app: AppTest, demo_engine: Engine, key: str) -> None:
    _open(app, "views/projekt.py", projekt=key)
    with Session(demo_engine) as session:
        flow = project_flow(session, project_key=key, now=NOW)
        forecast = project_forecast(session, project_key=key, now=NOW)
        summary = next(s for s in portfolio_overview(session, now=NOW) if s.key == key)

    figures = {m.label: m.value for m in app.metric}
    when = forecast.when
    assert isinstance(when, WhenForecast)
    assert figures[t("project.forecast.p85")] == fmt_date(when.p85)
    assert when.p85 == summary.forecast_p85  # the page and the portfolio's health agree
    burnup = {tr["name"]: tr for tr in _plotly(app, "burnup_chart")["data"]}
    assert burnup[t("chart.burnup.scope")]["y"] == [d.scope for d in flow.burnup]
    assert t("chart.cone.p85") in burnup
    cfd = {tr["name"]: tr for tr in _plotly(app, "cfd_chart")["data"]}
    assert cfd[t("chart.cfd.done")]["y"] == [d.done for d in flow.cfd]
    cycle = _plotly(app, "cycle_chart")
    done = [f for f in flow.items if f.done is not None]
    assert cycle["data"][0]["y"] == [f.cycle_time_days for f in done]
    assert len(cycle["layout"]["shapes"]) == 3  # P50, P85, P95 lines
    throughput = _plotly(app, "throughput_chart")
    assert throughput["data"][0]["y"] == [w.count for w in flow.throughput]
    stats = next(d.value for d in app.dataframe if "P85" in d.value.columns)
    assert stats["P85"].iloc[0] == fmt_number(flow.cycle_time.p85)


def test_sprint_page_shows_burnup_and_item_counts(app: AppTest, demo_engine: Engine) -> None:
    _open(app, "views/sprint.py", projekt="GIS")
    with Session(demo_engine) as session:
        active = next(s for s in list_sprints(session, project_key="GIS") if s.state == "active")
        report = sprint_report(session, sprint_id=active.id, now=NOW)

    burnup = {tr["name"]: tr for tr in _plotly(app, "sprint_burnup_chart")["data"]}
    assert burnup[t("chart.burnup.scope")]["y"] == [d.scope for d in report.burnup]
    assert burnup[t("chart.burnup.completed")]["y"] == [d.completed for d in report.burnup]

    app.get("button_group")[0].set_value("items").run()
    assert not app.exception
    traces = {tr["name"]: tr for tr in _plotly(app, "burndown_chart")["data"]}
    counted = traces[t("chart.remaining_items")]
    assert counted["y"][0] == report.burndown_items.committed == report.figures.items.committed


def test_sources_page_shows_freshness_errors_and_refuses_demo_sync(app: AppTest) -> None:
    _open(app, "views/quellen.py")
    table = app.dataframe[0].value.set_index(t("sources.col.name"))
    assert len(table) == 5
    redmine = table.loc["Redmine Internetredaktion"]
    assert redmine[t("sources.col.freshness")].startswith(t("icon.amber"))
    assert "401" in redmine[t("sources.col.error")]
    assert table.loc["Sprintfolio lokal", t("sources.col.freshness")].startswith(t("icon.green"))

    button = next(b for b in app.button if b.key == "sync_Jira mainzDIGITAL")
    button.click().run()
    assert not app.exception
    assert [i.value for i in app.info] == [
        t("sources.refused.demo", name="Jira mainzDIGITAL", kind="jira-cloud")
    ]
