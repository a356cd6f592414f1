"""Projekt (product owners): headline figures, velocity chart, closed sprints."""

import pandas as pd
import streamlit as st

from dashboard import charts, data, ui
from dashboard.i18n import fmt_date, fmt_number, fmt_percent, fmt_points, fmt_ratio, t
from dashboard.widgets import project_picker
from sprintfolio.services import ProjectVelocity

SPRINT_PAGE = "views/sprint.py"


def sprints_frame(velocity: ProjectVelocity) -> pd.DataFrame:
    """Closed sprints, newest first."""
    rows = list(reversed(velocity.sprints))
    tz = data.zone()
    return pd.DataFrame(
        {
            t("col.sprint_name"): [s.name for s in rows],
            t("col.start"): [fmt_date(s.start_at, tz=tz) for s in rows],
            t("col.end"): [fmt_date(s.completed_at or s.end_at, tz=tz) for s in rows],
            t("col.committed"): [fmt_points(s.committed) for s in rows],
            t("col.completed"): [fmt_points(s.completed) for s in rows],
            t("col.say_do"): [fmt_ratio(s.say_do) for s in rows],
            t("col.rolling"): [fmt_number(s.rolling_velocity) for s in rows],
        }
    )


projects = data.or_stop(data.projects)
if not projects:
    st.info(t("empty.store"))
    st.stop()
project_key = project_picker(projects)

summary = next(s for s in data.or_stop(data.overview) if s.key == project_key)
velocity = data.or_stop(lambda: data.velocity(project_key))
window = velocity.velocity.window

st.title(ui.escape_markdown(summary.name))
st.caption(
    ui.escape_markdown(
        t(
            "project.programme_team",
            programme=summary.programme,
            team=summary.team or t("value.none"),
        )
        + " · "
        + t("project.owner", owner=summary.owner or t("value.none"))
    )
)

st.markdown(t("project.status_line", status=ui.status_label(summary.health.overall)))
for signal in summary.health.dimensions:
    st.caption(f"{t(f'icon.{signal.rag}')} {ui.escape_markdown(ui.signal_line(signal))}")
if summary.forecast_p85 is not None:
    st.caption(
        t(
            "portfolio.forecast",
            forecast=fmt_date(summary.forecast_p85),
            target=fmt_date(summary.target_date),
        )
    )

figures = st.columns(4)
v = velocity.velocity
figures[0].metric(
    t("project.velocity"),
    t("metric.value", points=fmt_number(v.mean)) if v.mean is not None else t("value.none"),
    help=t("project.velocity.help", window=window),
)
if v.minimum is not None:
    figures[0].caption(
        t("project.velocity.range", low=fmt_points(v.minimum), high=fmt_points(v.maximum))
    )
delivery = summary.health.delivery
figures[1].metric(
    t("project.say_do"),
    fmt_ratio(delivery.values.get("mean")),
    help=t("project.say_do.help", window=window),
)
progress = summary.progress
figures[2].metric(t("project.progress"), fmt_percent(progress.points_ratio))
figures[2].caption(
    t(
        "project.progress.detail",
        done=fmt_points(progress.done_points),
        total=fmt_points(progress.total_points),
    )
)
figures[3].metric(t("project.target"), fmt_date(summary.target_date))

if summary.active_sprint is not None:
    st.page_link(
        SPRINT_PAGE,
        label=t("project.to_sprint"),
        icon=":material/arrow_forward:",
        query_params={"projekt": project_key},
    )

st.subheader(t("project.chart.title"))
if velocity.sprints:
    st.plotly_chart(charts.velocity_figure(velocity), key="velocity_chart")
    st.subheader(t("project.sprints.title"))
    st.dataframe(sprints_frame(velocity), hide_index=True, key="sprints_table")
else:
    st.info(t("project.no_sprints"))

with st.expander(t("sprint.explain.title")):
    st.markdown(t("project.explain", window=window))
