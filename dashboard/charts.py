"""Plotly figures of the dashboard: pure builders from service values to figures.

No Streamlit and no store here; labels come from the catalogue. Times are
drawn in the local zone (``tz``) as naive datetimes, because plotly.js draws
an offset-carrying timestamp in the browser's zone, not the programme's.
Tracker texts in hover labels are HTML-escaped (plotly renders a subset of HTML).
"""

import html
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import plotly.graph_objects as go

from dashboard.i18n import fmt_number, fmt_points, fmt_signed, t
from metrics.forecast import PointsForecast
from metrics.model import BurndownStep
from sprintfolio.services import ProjectVelocity, SprintReport
from sprintfolio.services.flow import ProjectFlow, ProjectForecast

#: A calm palette (colour-blind safe: blue/orange, with grey for context).
COLOR_COMMITTED = "#9DB4CF"
COLOR_COMPLETED = "#1F5A96"
COLOR_ROLLING = "#E07B00"
COLOR_REMAINING = "#1F5A96"
COLOR_GUIDE = "#6B7785"
COLOR_NON_WORKING = "rgba(120, 120, 120, 0.12)"
COLOR_SCOPE = "#D55E00"
COLOR_PROGRESS = "#009E73"

#: Marker symbols per burndown reason: scope changes are triangles/diamonds, progress circles.
STEP_SYMBOLS = {
    "added": "triangle-up",
    "removed": "triangle-down",
    "descoped": "x",
    "estimate_up": "diamond",
    "estimate_down": "diamond-open",
    "done": "circle",
    "reopened": "circle-open",
}

_LAYOUT = {
    "separators": ",.",  # German: decimal comma, dot for thousands
    "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
    "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    "hoverlabel": {"align": "left"},
    "plot_bgcolor": "white",
}


def _hover(series: str, x: str, y: str) -> str:
    """A hover template: the series, the x value and the points (plotly placeholders)."""
    return t("chart.hover.series", series=series, x=x, y=y) + "<extra></extra>"


def _local(at: datetime, tz: ZoneInfo) -> datetime:
    return at.astimezone(tz).replace(tzinfo=None)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())


def velocity_figure(velocity: ProjectVelocity) -> go.Figure:
    """Committed vs completed points per closed sprint (bars) and the rolling velocity (line).

    The current velocity's range (min–max of the window) is a shaded band.
    """
    names = [s.name for s in velocity.sprints]
    window = velocity.velocity.window
    fig = go.Figure()
    fig.add_bar(
        x=names,
        y=[s.committed for s in velocity.sprints],
        name=t("chart.committed"),
        marker_color=COLOR_COMMITTED,
        hovertemplate=_hover(t("chart.committed"), "%{x}", "%{y}"),
    )
    fig.add_bar(
        x=names,
        y=[s.completed for s in velocity.sprints],
        name=t("chart.completed"),
        marker_color=COLOR_COMPLETED,
        hovertemplate=_hover(t("chart.completed"), "%{x}", "%{y}"),
    )
    fig.add_scatter(
        x=names,
        y=[s.rolling_velocity for s in velocity.sprints],
        name=t("chart.rolling", window=window),
        mode="lines+markers",
        line={"color": COLOR_ROLLING, "width": 3},
        hovertemplate=_hover(t("chart.rolling", window=window), "%{x}", "%{y:.1f}"),
    )
    stat = velocity.velocity
    if stat.mean is not None and stat.minimum is not None and stat.maximum is not None:
        fig.add_hrect(
            y0=stat.minimum,
            y1=stat.maximum,
            fillcolor=COLOR_ROLLING,
            opacity=0.08,
            line_width=0,
            annotation_text=t(
                "chart.velocity_range",
                mean=fmt_number(stat.mean),
                low=fmt_points(stat.minimum),
                high=fmt_points(stat.maximum),
            ),
            annotation_position="top left",
        )
    fig.update_layout(
        **_LAYOUT,
        barmode="group",
        xaxis_title=t("chart.sprint"),
        yaxis_title=t("chart.points"),
        yaxis_rangemode="tozero",
        height=380,
    )
    fig.update_yaxes(gridcolor="#E6E9EE")
    return fig


def _step_hover(step: BurndownStep, titles: dict[str, str]) -> str:
    title = html.escape(titles.get(step.item, ""))
    head = t(
        "chart.hover.step",
        item=html.escape(step.item),
        reason=t(f"reason.step.{step.reason}"),
        delta=fmt_signed(step.delta),
    )
    remaining = t("chart.hover.remaining", remaining=fmt_points(step.remaining))
    return f"<b>{head}</b><br>{title}<br>{remaining}"


def burndown_figure(report: SprintReport, *, tz: ZoneInfo, items: bool = False) -> go.Figure:
    """The sprint burndown: remaining points as a step line, the dashed guideline,
    non-working days shaded, scope changes and progress marked separately.

    With ``items`` the same in item counts (every item weighs one; the markers,
    which name points, are left out).
    """
    burndown = report.burndown_items if items else report.burndown
    sprint = report.sprint
    assert sprint.start_at is not None and sprint.end_at is not None
    start = _local(sprint.start_at, tz)
    end_day = max([_local(sprint.end_at, tz).date()] + [d.day for d in burndown.remaining_by_day])
    x_end = _midnight(end_day + timedelta(days=1))
    titles = {r.key: r.title for r in (*report.items, *report.removed, *report.added)}

    fig = go.Figure()
    for day in burndown.non_working_days:
        fig.add_vrect(
            x0=_midnight(day),
            x1=_midnight(day + timedelta(days=1)),
            fillcolor=COLOR_NON_WORKING,
            line_width=0,
            layer="below",
        )
    # Legend entry for the shading (vrects have none).
    fig.add_scatter(
        x=[None],
        y=[None],
        mode="markers",
        marker={"symbol": "square", "size": 12, "color": "rgba(120, 120, 120, 0.3)"},
        name=t("chart.non_working"),
        hoverinfo="skip",
    )

    guide_x = [start] + [_midnight(d.day + timedelta(days=1)) for d in burndown.guideline]
    guide_y = [burndown.committed] + [d.value for d in burndown.guideline]
    fig.add_scatter(
        x=guide_x,
        y=guide_y,
        name=t("chart.guideline"),
        mode="lines",
        line={"color": COLOR_GUIDE, "dash": "dash", "width": 2},
        hovertemplate=_hover(t("chart.guideline"), "%{x|%d.%m.}", "%{y:.1f}"),
    )

    steps = burndown.steps
    line_x = [start] + [_local(s.at, tz) for s in steps]
    line_y = [burndown.committed] + [s.remaining for s in steps]
    line_end = _local(report.as_of, tz) if report.is_running else x_end
    line_end = max(line_end, line_x[-1])
    line_x.append(line_end)
    line_y.append(line_y[-1])
    fig.add_scatter(
        x=line_x,
        y=line_y,
        name=t("chart.remaining_items" if items else "chart.remaining"),
        mode="lines",
        line={"color": COLOR_REMAINING, "shape": "hv", "width": 3},
        # Every step carries a marker with its own hover text; the line itself stays quiet
        # so that hovering a step shows the item, not the line's point under it.
        hoverinfo="skip",
    )
    if not items:
        _add_markers(fig, [s for s in steps if s.is_scope_change], titles, tz, scope=True)
        _add_markers(fig, [s for s in steps if not s.is_scope_change], titles, tz, scope=False)
    if report.is_running:
        fig.add_vline(x=_local(report.as_of, tz), line_dash="dot", line_color=COLOR_GUIDE)
        fig.add_annotation(
            x=_local(report.as_of, tz), y=0.98, yref="paper", text=t("chart.now"),
            showarrow=False, yanchor="top", xanchor="left", xshift=4,
        )  # fmt: skip
    fig.update_layout(
        **_LAYOUT,
        xaxis={
            "type": "date",
            "range": [_midnight(start.date()), x_end],
            "tickformat": "%d.%m.",
            "dtick": 86_400_000,
            "ticklabelmode": "period",
            "title": t("chart.day"),
        },
        yaxis={
            "title": t("chart.axis.items" if items else "chart.points"),
            "rangemode": "tozero",
            "gridcolor": "#E6E9EE",
        },
        height=420,
    )
    return fig


def sprint_burnup_figure(report: SprintReport) -> go.Figure:
    """Sprint burnup: the sprint's scope and completed points at the end of each day."""
    days = [_midnight(d.day + timedelta(days=1)) for d in report.burnup]
    fig = go.Figure()
    for name, values, color in (
        (t("chart.burnup.scope"), [d.scope for d in report.burnup], COLOR_SCOPE),
        (t("chart.burnup.completed"), [d.completed for d in report.burnup], COLOR_COMPLETED),
    ):
        fig.add_scatter(
            x=days, y=values, name=name, mode="lines+markers", line={"color": color},
            hovertemplate=_hover(name, "%{x|%d.%m.}", "%{y:,.1f}"),
        )  # fmt: skip
    fig.update_layout(**_LAYOUT, yaxis_title=t("chart.points"), height=320)
    fig.update_xaxes(showgrid=False, tickformat="%d.%m.")
    fig.update_yaxes(gridcolor="#E6E9EE", rangemode="tozero")
    return fig


def _add_markers(
    fig: go.Figure,
    steps: Sequence[BurndownStep],
    titles: dict[str, str],
    tz: ZoneInfo,
    *,
    scope: bool,
) -> None:
    if not steps:
        return
    fig.add_scatter(
        x=[_local(s.at, tz) for s in steps],
        y=[s.remaining for s in steps],
        mode="markers",
        name=t("chart.scope_change" if scope else "chart.progress"),
        marker={
            "symbol": [STEP_SYMBOLS[s.reason] for s in steps],
            "size": 12 if scope else 8,
            "color": COLOR_SCOPE if scope else COLOR_PROGRESS,
            "line": {"width": 1, "color": "white"},
        },
        hovertext=[_step_hover(s, titles) for s in steps],
        hoverinfo="text",
    )


COLOR_TODO = "#B8C4D2"
COLOR_IN_PROGRESS = "#E69F00"
COLOR_DONE = "#1F5A96"
CONE_DASH = {"p50": "dot", "p85": "dash", "p95": "longdash"}


def burnup_figure(flow: ProjectFlow, forecast: ProjectForecast) -> go.Figure:
    """Project burnup: scope and completed points per day, with the forecast cone.

    The cone runs from today's completed points to the total scope at the P50,
    P85 and P95 end dates of the points forecast (when there is one).
    """
    days = [_midnight(d.day) for d in flow.burnup]
    fig = go.Figure()
    fig.add_scatter(
        x=days, y=[d.scope for d in flow.burnup], name=t("chart.burnup.scope"),
        line={"color": COLOR_SCOPE, "shape": "hv"},
        hovertemplate=_hover(t("chart.burnup.scope"), "%{x|%d.%m.%Y}", "%{y:,.1f}"),
    )  # fmt: skip
    fig.add_scatter(
        x=days, y=[d.completed for d in flow.burnup], name=t("chart.burnup.completed"),
        line={"color": COLOR_COMPLETED, "shape": "hv"}, fill="tozeroy",
        fillcolor="rgba(31, 90, 150, 0.10)",
        hovertemplate=_hover(t("chart.burnup.completed"), "%{x|%d.%m.%Y}", "%{y:,.1f}"),
    )  # fmt: skip
    points = forecast.points
    if flow.burnup and isinstance(points, PointsForecast):
        last = flow.burnup[-1]
        for name, end in (
            ("p50", points.end_p50),
            ("p85", points.end_p85),
            ("p95", points.end_p95),
        ):
            if end is None:
                continue
            label = t(f"chart.cone.{name}")
            fig.add_scatter(
                x=[_midnight(last.day), _midnight(end)], y=[last.completed, last.scope],
                name=label, mode="lines", line={"color": COLOR_GUIDE, "dash": CONE_DASH[name]},
                hovertemplate=_hover(label, "%{x|%d.%m.%Y}", "%{y:,.1f}"),
            )  # fmt: skip
    fig.update_layout(**_LAYOUT, yaxis_title=t("chart.points"), height=380)
    fig.update_xaxes(showgrid=False, tickformat="%d.%m.%y")
    fig.update_yaxes(gridcolor="#E6E9EE", rangemode="tozero")
    return fig


def cfd_figure(flow: ProjectFlow, *, by_status: bool = False) -> go.Figure:
    """Cumulative flow: items per status category (or workflow status) at the end of each day."""
    days = [_midnight(d.day) for d in flow.cfd]
    fig = go.Figure()
    if by_status:
        series = [
            (status, [dict(d.by_status).get(status, 0) for d in flow.cfd], None)
            for status in reversed(flow.statuses)
        ]
    else:
        series = [
            (t("chart.cfd.done"), [d.done for d in flow.cfd], COLOR_DONE),
            (t("chart.cfd.in_progress"), [d.in_progress for d in flow.cfd], COLOR_IN_PROGRESS),
            (t("chart.cfd.todo"), [d.todo for d in flow.cfd], COLOR_TODO),
        ]
    for name, values, color in series:
        shown = html.escape(name)
        fig.add_scatter(
            x=days, y=values, name=shown, stackgroup="cfd", mode="lines",
            line={"width": 0.5, **({"color": color} if color else {})},
            hovertemplate=_hover(shown, "%{x|%d.%m.%Y}", "%{y}"),
        )  # fmt: skip
    fig.update_layout(**_LAYOUT, yaxis_title=t("chart.axis.items"), height=360)
    fig.update_xaxes(showgrid=False, tickformat="%d.%m.%y")
    fig.update_yaxes(gridcolor="#E6E9EE")
    return fig


def cycle_time_figure(flow: ProjectFlow, tz: ZoneInfo) -> go.Figure:
    """Cycle time per done item over its done date, with the P50/P85/P95 lines."""
    done = [f for f in flow.items if f.done is not None and f.cycle_time_days is not None]
    fig = go.Figure()
    fig.add_scatter(
        x=[_local(f.done, tz) for f in done if f.done is not None],
        y=[f.cycle_time_days for f in done],
        mode="markers", name=t("chart.cycle.items"),
        marker={"color": COLOR_COMPLETED, "size": 6, "opacity": 0.6},
        customdata=[[f.key, html.escape(flow.titles.get(f.key, ""))] for f in done],
        hovertemplate=t("chart.cycle.hover") + "<extra></extra>",
    )  # fmt: skip
    stats = flow.cycle_time
    if stats is not None:
        for name, value in (("p50", stats.p50), ("p85", stats.p85), ("p95", stats.p95)):
            fig.add_hline(
                y=value, line={"color": COLOR_GUIDE, "dash": CONE_DASH[name], "width": 1},
                annotation_text=t(f"chart.percentile.{name}", days=fmt_number(value)),
                annotation_position="top left",
            )  # fmt: skip
    fig.update_layout(**_LAYOUT, yaxis_title=t("chart.axis.days"), height=360)
    fig.update_xaxes(showgrid=False, tickformat="%d.%m.%y")
    fig.update_yaxes(gridcolor="#E6E9EE", rangemode="tozero")
    return fig


def throughput_figure(flow: ProjectFlow) -> go.Figure:
    """Done items per ISO week (bars labelled by the week's Monday)."""
    fig = go.Figure()
    fig.add_bar(
        x=[_midnight(w.week_start) for w in flow.throughput],
        y=[w.count for w in flow.throughput],
        name=t("chart.throughput.items"), marker_color=COLOR_COMPLETED,
        hovertemplate=_hover(t("chart.throughput.items"), "%{x|KW %V (%d.%m.%Y)}", "%{y}"),
    )  # fmt: skip
    fig.update_layout(**_LAYOUT, yaxis_title=t("chart.axis.items"), height=300, bargap=0.15)
    fig.update_xaxes(showgrid=False, tickformat="%d.%m.%y")
    fig.update_yaxes(gridcolor="#E6E9EE")
    return fig
