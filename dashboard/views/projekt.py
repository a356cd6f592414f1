"""Projekt (product owners): health, velocity, forecast, burnup, CFD, cycle time, WIP."""

import pandas as pd
import streamlit as st

from dashboard import charts, data, ui
from dashboard.i18n import fmt_date, fmt_number, fmt_percent, fmt_points, fmt_ratio, t
from dashboard.widgets import project_picker
from metrics.forecast import NoForecast, WhenForecast
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


# --- Flow and forecast (METRICS.md "Flow", "Forecast") ---------------------------------
flow = data.or_stop(lambda: data.flow(project_key))
forecast = data.or_stop(lambda: data.forecast(project_key))
tz = data.zone()

st.subheader(t("project.forecast.title"))
when = forecast.when
if isinstance(when, WhenForecast):
    columns = st.columns(4)
    columns[0].metric(
        t("project.forecast.title"), t("project.forecast.items", items=when.remaining_items)
    )
    for column, name, value in zip(
        columns[1:], ("p50", "p85", "p95"), (when.p50, when.p85, when.p95), strict=True
    ):
        column.metric(t(f"project.forecast.{name}"), fmt_date(value))
else:
    st.info(t("project.forecast.none", reason=when.message))
st.caption(t("project.forecast.explain"))

st.subheader(t("project.burnup.title"))
st.plotly_chart(charts.burnup_figure(flow, forecast), key="burnup_chart")
if isinstance(forecast.points, NoForecast):
    st.caption(t("project.burnup.none", reason=forecast.points.message))
with st.expander(t("sprint.explain.title")):
    st.markdown(t("project.burnup.explain"))
with st.expander(t("project.data_table")):
    st.dataframe(
        pd.DataFrame(
            {
                t("col.date"): [fmt_date(d.day) for d in flow.burnup],
                t("col.scope"): [fmt_points(d.scope) for d in flow.burnup],
                t("col.completed_points"): [fmt_points(d.completed) for d in flow.burnup],
            }
        ),
        hide_index=True,
    )

st.subheader(t("project.cfd.title"))
by_status = st.toggle(t("project.cfd.by_status"), key="cfd_by_status")
st.plotly_chart(charts.cfd_figure(flow, by_status=by_status), key="cfd_chart")
st.caption(t("project.cfd.explain"))
with st.expander(t("project.data_table")):
    st.dataframe(
        pd.DataFrame(
            {
                t("col.date"): [fmt_date(d.day) for d in flow.cfd],
                t("col.todo"): [d.todo for d in flow.cfd],
                t("col.in_progress"): [d.in_progress for d in flow.cfd],
                t("col.done"): [d.done for d in flow.cfd],
            }
        ),
        hide_index=True,
    )

st.subheader(t("project.cycle.title"))
st.plotly_chart(charts.cycle_time_figure(flow, tz), key="cycle_chart")
stats = [
    ("project.cycle.cycle", flow.cycle_time),
    ("project.cycle.cycle_working", flow.cycle_time_working),
    ("project.cycle.lead", flow.lead_time),
    ("project.cycle.lead_working", flow.lead_time_working),
]
st.dataframe(
    pd.DataFrame(
        {
            t("project.cycle.kind"): [t(key) for key, _ in stats],
            "P50": [fmt_number(s.p50) if s else t("value.none") for _, s in stats],
            "P85": [fmt_number(s.p85) if s else t("value.none") for _, s in stats],
            "P95": [fmt_number(s.p95) if s else t("value.none") for _, s in stats],
        }
    ),
    hide_index=True,
    key="cycle_stats",
)
st.caption(t("project.cycle.explain"))
with st.expander(t("project.data_table")):
    done = [f for f in flow.items if f.done is not None]
    st.dataframe(
        pd.DataFrame(
            {
                t("col.item"): [f.key for f in done],
                t("col.title"): [flow.titles.get(f.key, "") for f in done],
                t("col.done_at"): [fmt_date(f.done, tz=tz) for f in done],
                t("col.cycle_days"): [fmt_number(f.cycle_time_days) for f in done],
            }
        ),
        hide_index=True,
    )

left, right = st.columns(2)
with left:
    st.subheader(t("project.throughput.title"))
    st.plotly_chart(charts.throughput_figure(flow), key="throughput_chart")
    st.caption(t("project.throughput.explain"))
    with st.expander(t("project.data_table")):
        st.dataframe(
            pd.DataFrame(
                {
                    t("col.week"): [fmt_date(w.week_start) for w in flow.throughput],
                    t("col.count"): [w.count for w in flow.throughput],
                }
            ),
            hide_index=True,
        )
with right:
    st.subheader(t("project.wip.title"))
    if flow.wip:
        st.dataframe(
            pd.DataFrame(
                {
                    t("col.item"): [w.key for w in flow.wip],
                    t("col.title"): [flow.titles.get(w.key, "") for w in flow.wip],
                    t("col.started"): [fmt_date(w.started, tz=tz) for w in flow.wip],
                    t("col.age_days"): [fmt_number(w.age_days) for w in flow.wip],
                }
            ),
            hide_index=True,
            key="wip_table",
        )
    else:
        st.info(t("project.wip.none"))
    st.caption(t("project.wip.explain"))
