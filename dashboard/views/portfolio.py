"""Portfolio (leadership): every project's status with its reasons, sprint, velocity, progress."""

import pandas as pd
import streamlit as st

from dashboard import data, ui
from dashboard.i18n import fmt_age, fmt_number, fmt_points, t
from sprintfolio.services import DEFAULT_THRESHOLDS, DimensionHealth, ProjectSummary

PROJECT_PAGE = "views/projekt.py"
#: The table's visible columns (the key column stays in the frame for tests and exports).
VISIBLE_COLUMNS = (
    "col.status",
    "col.project",
    "col.reason",
    "col.sprint",
    "col.velocity",
    "col.progress",
    "col.forecast",
    "col.target",
    "col.freshness",
)


def freshness_text(signal: DimensionHealth) -> str:
    icon = t(f"icon.{signal.rag}")
    if signal.reason_code == "oldest_sync_age":
        return t("freshness.value", icon=icon, age=fmt_age(signal.values["hours"]))
    if signal.reason_code == "never_synced":
        return t("freshness.never", icon=icon)
    return t("freshness.none", icon=icon)


def sprint_text(summary: ProjectSummary) -> str:
    """The running sprint in one cell: name, points done of scope, working days left."""
    sprint = summary.active_sprint
    if sprint is None:
        return t("value.none")
    return t(
        "value.sprint",
        name=sprint.name,
        done=fmt_points(sprint.completed_points),
        scope=fmt_points(sprint.scope_points),
        days=sprint.working_days_left,
    )


def overview_frame(summaries: list[ProjectSummary]) -> pd.DataFrame:
    none = t("value.none")
    rows = []
    for s in summaries:
        v = s.velocity
        rows.append(
            {
                t("col.status"): ui.status_label(s.health.overall),
                t("col.project"): s.name,
                t("col.reason"): ui.health_reason(s.health, freshness_shown=True),
                t("col.sprint"): sprint_text(s),
                t("col.velocity"): (
                    t(
                        "value.velocity",
                        mean=fmt_number(v.mean),
                        low=fmt_points(v.minimum),
                        high=fmt_points(v.maximum),
                    )
                    if v.mean is not None
                    else none
                ),
                t("col.progress"): (
                    100 * s.progress.points_ratio if s.progress.points_ratio is not None else None
                ),
                t("col.forecast"): s.forecast_p85,
                t("col.target"): s.target_date,
                t("col.freshness"): freshness_text(s.health.freshness),
                t("col.key"): s.key,
            }
        )
    return pd.DataFrame(rows)


st.title(t("portfolio.title"))
st.caption(t("portfolio.intro"))

summaries = data.or_stop(data.overview)

if not summaries:
    st.info(t("empty.store"))
    st.stop()

tags = sorted({tag for s in summaries for tag in s.tags})
chosen = st.pills(
    t("portfolio.filter_tags"),
    tags,
    selection_mode="multi",
    format_func=ui.escape_markdown,  # pill labels are Markdown
    key="tags",
    help=t("portfolio.filter_tags.help"),
)
shown = [s for s in summaries if not chosen or set(s.tags) & set(chosen)]

counts = st.columns(4)
levels = [s.health.overall for s in shown]
counts[0].metric(t("portfolio.count.projects"), len(shown))
counts[1].metric(ui.status_label("green"), levels.count("green"))
counts[2].metric(ui.status_label("amber"), levels.count("amber"))
counts[3].metric(ui.status_label("red"), levels.count("red"))

if not shown:
    st.info(t("portfolio.none_match"))
    st.stop()

selection = st.dataframe(
    overview_frame(shown),
    hide_index=True,
    key="portfolio_table",
    on_select="rerun",
    selection_mode="single-row",
    column_order=[t(name) for name in VISIBLE_COLUMNS],
    column_config={
        t("col.status"): st.column_config.TextColumn(width=115),
        t("col.project"): st.column_config.TextColumn(width=190),
        t("col.reason"): st.column_config.TextColumn(width=215, help=t("col.reason.help")),
        t("col.sprint"): st.column_config.TextColumn(width=185, help=t("col.sprint.help")),
        t("col.velocity"): st.column_config.TextColumn(width=80),
        t("col.progress"): st.column_config.ProgressColumn(
            width=100,
            help=t("col.progress.help"),
            format="%.0f %%",
            min_value=0,
            max_value=100,
        ),
        t("col.forecast"): st.column_config.DateColumn(
            width=100, format="DD.MM.YYYY", help=t("col.forecast.help")
        ),
        t("col.target"): st.column_config.DateColumn(width=90, format="DD.MM.YYYY"),
        t("col.freshness"): st.column_config.TextColumn(width=105),
    },
)
if selection.selection.rows:
    picked = shown[selection.selection.rows[0]]
    st.switch_page(PROJECT_PAGE, query_params={"projekt": picked.key})

st.caption(t("portfolio.select_hint"))
links = st.columns(3)
for position, summary in enumerate(shown):
    links[position % 3].page_link(
        PROJECT_PAGE,
        label=ui.escape_markdown(f"{summary.name} ({summary.key})"),
        icon=":material/arrow_forward:",
        query_params={"projekt": summary.key},
    )

with st.expander(t("portfolio.legend.title")):
    th = DEFAULT_THRESHOLDS
    st.markdown(
        t(
            "portfolio.legend",
            window=th.delivery_window_sprints,
            s_share=fmt_number(100 * th.schedule_tolerance_share, decimals=0),
            d_green=fmt_number(th.delivery_green_min, decimals=2),
            d_amber=fmt_number(th.delivery_amber_min, decimals=2),
            f_green=fmt_number(th.freshness_green_hours, decimals=0),
            f_amber=fmt_number(th.freshness_amber_hours, decimals=0),
        )
    )
