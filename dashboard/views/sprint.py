"""Sprint (product owners): the five figures, the burndown, scope changes, what is at risk."""

import pandas as pd
import streamlit as st

from dashboard import charts, data, ui
from dashboard.i18n import fmt_date, fmt_datetime, fmt_points, fmt_signed, t, tn
from dashboard.widgets import project_picker
from sprintfolio.services import ScopeChange, SprintEntry, SprintReport

#: The query parameter that carries the sprint (its id) in shared links.
SPRINT_PARAM = "sprint"
FIGURES = ("committed", "added", "removed", "completed", "not_completed")


def sprint_label(sprint: SprintEntry) -> str:
    tz = data.zone()
    key = {"active": "sprint.option.running", "future": "sprint.option.future"}.get(
        sprint.state, "sprint.option"
    )
    return t(
        key,
        name=sprint.name,
        start=fmt_date(sprint.start_at, tz=tz),
        end=fmt_date(sprint.end_at, tz=tz),
    )


def default_sprint(sprints: list[SprintEntry]) -> int:
    """The position of ``?sprint=ID`` if it is one of ``sprints``, else of the active sprint."""
    wanted = st.query_params.get(SPRINT_PARAM)
    for position, sprint in enumerate(sprints):
        if str(sprint.id) == wanted:
            return position
    for position, sprint in enumerate(sprints):
        if sprint.state == "active":
            return position
    return 0


def scope_frame(changes: tuple[ScopeChange, ...]) -> pd.DataFrame:
    tz = data.zone()
    return pd.DataFrame(
        {
            t("col.when"): [fmt_datetime(c.at, tz=tz) for c in changes],
            t("col.item"): [c.item for c in changes],
            t("col.title"): [c.title for c in changes],
            t("col.change"): [t(f"reason.step.{c.reason}") for c in changes],
            t("col.delta"): [fmt_signed(c.delta) for c in changes],
        }
    )


def show_figures(report: SprintReport) -> None:
    columns = st.columns(len(FIGURES))
    for column, name in zip(columns, FIGURES, strict=True):
        points = getattr(report.figures.points, name)
        items = getattr(report.figures.items, name)
        column.metric(t(f"metric.{name}"), t("metric.value", points=fmt_points(points)))
        column.caption(tn("metric.items", items))
    notes = [t("metric.unestimated", n=report.figures.unestimated)]
    if report.figures.descoped_count:
        notes.append(t("metric.descoped", points=fmt_points(report.figures.descoped_points)))
    st.caption(" · ".join(notes), help=t("metric.unestimated.help"))


projects = data.or_stop(data.projects)
if not projects:
    st.info(t("empty.store"))
    st.stop()
pick_project, pick_sprint = st.columns(2)
project_key = project_picker(projects, where=pick_project)

sprints = [s for s in data.or_stop(lambda: data.sprints(project_key)) if s.start_at is not None]
if not sprints:
    st.info(t("sprint.none"))
    st.stop()
sprints.reverse()  # newest first
by_id = {s.id: s for s in sprints}
sprint_id = pick_sprint.selectbox(
    t("sprint.picker"),
    list(by_id),
    index=default_sprint(sprints),
    format_func=lambda sid: sprint_label(by_id[sid]),
    key=f"sprint_{project_key}",
)
if sprint_id is None:
    st.stop()
if st.query_params.get(SPRINT_PARAM) != str(sprint_id):
    st.query_params[SPRINT_PARAM] = str(sprint_id)

report = data.or_stop(lambda: data.report(sprint_id))
tz = data.zone()
sprint = report.sprint
st.title(ui.escape_markdown(sprint.name))
st.caption(
    " · ".join(
        [
            t(f"sprint.state.{sprint.state}"),
            t(
                "sprint.window",
                start=fmt_date(sprint.start_at, tz=tz),
                end=fmt_date(sprint.end_at, tz=tz),
            ),
            t("sprint.as_of", when=fmt_datetime(report.as_of, tz=tz)),
        ]
    )
)
if sprint.goal:
    st.text(t("sprint.goal", goal=sprint.goal))

show_figures(report)

st.subheader(t("sprint.burndown.title"))
unit = st.segmented_control(
    t("sprint.unit"),
    ["points", "items"],
    default="points",
    format_func=lambda u: t(f"sprint.unit.{u}"),
    key="burndown_unit",
)
st.plotly_chart(charts.burndown_figure(report, tz=tz, items=unit == "items"), key="burndown_chart")
with st.expander(t("sprint.explain.title")):
    st.markdown(t("sprint.explain"))
with st.expander(t("project.data_table")):
    st.dataframe(
        pd.DataFrame(
            {
                t("col.date"): [fmt_date(d.day) for d in report.burndown.remaining_by_day],
                t("chart.remaining"): [
                    fmt_points(d.value) for d in report.burndown.remaining_by_day
                ],
                t("chart.remaining_items"): [
                    int(d.value) for d in report.burndown_items.remaining_by_day
                ],
            }
        ),
        hide_index=True,
    )

st.subheader(t("sprint.burnup.title"))
st.plotly_chart(charts.sprint_burnup_figure(report), key="sprint_burnup_chart")
st.caption(t("sprint.burnup.explain"))

st.subheader(t("sprint.at_risk.title" if report.is_running else "sprint.not_completed.title"))
if report.not_completed:
    st.dataframe(ui.items_frame(report.not_completed), hide_index=True, key="not_completed")
else:
    st.success(t("sprint.not_completed.none"))

st.subheader(t("sprint.scope_changes.title"))
if report.scope_changes:
    st.dataframe(scope_frame(report.scope_changes), hide_index=True, key="scope_changes")
else:
    st.caption(t("sprint.scope_changes.none"))

st.subheader(t("sprint.carried.title"))
if report.carried_over:
    carried = ui.items_frame([c.item for c in report.carried_over])
    carried[t("col.times")] = [c.times for c in report.carried_over]
    st.dataframe(carried, hide_index=True, key="carried_over")
else:
    st.caption(t("sprint.carried.none"))

if report.completed_outside:
    st.subheader(t("sprint.outside.title"))
    st.dataframe(ui.items_frame(report.completed_outside), hide_index=True, key="completed_outside")

with st.expander(t("sprint.items.title")):
    st.dataframe(ui.items_frame(report.items), hide_index=True, key="all_items")
