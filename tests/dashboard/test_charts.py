"""The figure builders on the hand-made portfolio (no Streamlit run)."""

from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from dashboard.charts import burndown_figure, velocity_figure
from dashboard.i18n import t
from sprintfolio.services import project_velocity, sprint_report
from tests.services.handmade import NOW, build_handmade

pytestmark = pytest.mark.db

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def traces(session: Session) -> dict[str, object]:
    ids = build_handmade(session)
    figure = burndown_figure(sprint_report(session, sprint_id=ids.s3, now=NOW), tz=BERLIN)
    return {trace.name: trace for trace in figure.data} | {"layout": figure.layout}


def test_burndown_steps_guideline_and_shading(traces: dict[str, object]) -> None:
    remaining = traces[t("chart.remaining")]
    # 19 at the start (23.11. 09:00 in Mainz), the four steps, held until now (12:00).
    assert list(remaining.y) == [19, 21, 23, 15, 10, 10]
    assert remaining.line.shape == "hv"
    assert remaining.x[0].isoformat() == "2026-11-23T09:00:00"
    assert remaining.x[-1].isoformat() == "2026-11-24T12:00:00"
    guideline = traces[t("chart.guideline")]
    assert guideline.line.dash == "dash"
    assert guideline.y[0] == 19 and guideline.y[-1] == 0
    shaded = [s for s in traces["layout"].shapes if s.type == "rect"]
    # 27.11. (team day off), 28.11. and 29.11. (weekend).
    assert [s.x0.date().isoformat() for s in shaded] == ["2026-11-27", "2026-11-28", "2026-11-29"]


def test_scope_changes_are_marked_apart_from_progress(traces: dict[str, object]) -> None:
    scope = traces[t("chart.scope_change")]
    progress = traces[t("chart.progress")]
    assert list(scope.marker.symbol) == ["triangle-up", "diamond", "triangle-down"]
    assert list(progress.y) == [10]
    # The hover text names the item; its (untrusted) title is HTML-escaped.
    assert scope.hovertext[0].startswith("<b>A-3 hinzugefügt (+2 SP)</b><br>")
    assert "&lt;b&gt;A-3&lt;/b&gt; Titel mit *Markdown*" in scope.hovertext[0]
    assert "<b>A-3</b> Titel" not in scope.hovertext[0]


def test_velocity_figure(session: Session) -> None:
    build_handmade(session)
    figure = velocity_figure(project_velocity(session, project_key="AAA"))
    traces = {trace.name: trace for trace in figure.data}
    assert list(traces[t("chart.committed")].y) == [8, 9]
    assert list(traces[t("chart.completed")].y) == [5, 6]
    assert list(traces[t("chart.rolling", window=3)].y) == [5, 5.5]
    band = figure.layout.shapes[0]
    assert (band.y0, band.y1) == (5, 6)
    assert figure.layout.separators == ",."
