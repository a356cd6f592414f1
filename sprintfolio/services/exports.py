"""The Sachstandsbericht (status report) for council and committee papers: HTML, XLSX and PDF.

``build_status_report`` collects, per project of a programme (or of all
programmes), what leadership asks for: owner and goal, overall health with the
three reasons (METRICS.md, "Project health"), the running sprint, velocity,
progress, the 85 % forecast against the target date and the trend since last
month (from the weekly snapshots). The figures as of ``now`` come from
``sprintfolio.services.snapshots.assess_projects`` (the same computation a
snapshot stores), the trend from ``project_trends``.

Renderers:

- ``render_status_report_html``: one self-contained German HTML document for
  printing (inline CSS with ``@media print`` and a page per project, charts
  as inline SVG drawn here, no scripts, no external resources). Every text
  that comes from a tracker or a user (names, goals, titles) is HTML-escaped.
- ``render_status_report_xlsx``: a workbook with the sheet "Portfolio" (one
  row per project), one sheet per project (closed sprints and the open work of
  the running sprint) and a "Legende". Text that a spreadsheet could take for
  a formula (starting with =, +, -, @, tab or CR) is stored as a string cell
  with "quotePrefix", so it is shown as typed and never evaluated, even after
  editing the cell; characters XML cannot hold are dropped.
- ``render_status_report_pdf``: the HTML printed by a headless Chromium
  (``/usr/bin/chromium`` or ``SPRINTFOLIO_CHROMIUM``); ``PdfUnavailable`` says
  so clearly when there is none. ``pdf_support()`` tells beforehand.

Everything a reader sees is German: labels, reasons, the legend and the
number and date formats live in ``sprintfolio.exports.de`` (and the print CSS
in ``sprintfolio/exports/report.css``); the renderers here only assemble them
(plus a few fixed German phrases of the layout).
"""

import html
import io
import math
import os
import re
import shutil
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session, col, select

from metrics.calendar import BERLIN, local_date
from metrics.forecast import DEFAULT_TRIALS, NoForecast
from metrics.health import DEFAULT_THRESHOLDS, DimensionHealth, HealthThresholds, Rag
from models import Person, Programme, Project, Sprint, WorkItem
from models.enums import ItemType, SprintState, StatusCategory
from sprintfolio.exports import de
from sprintfolio.services.errors import NotFoundError, ServiceError
from sprintfolio.services.figures import figures_by_sprint
from sprintfolio.services.snapshots import (
    ClosedSprint,
    ProjectAssessment,
    Trend,
    assess_projects,
    project_trends,
)

__all__ = [
    "CHROMIUM_ENV",
    "DEFAULT_CHROMIUM",
    "OPEN_ITEM_HEADERS",
    "PORTFOLIO_HEADERS",
    "SPRINT_HEADERS",
    "ActiveSprintStatus",
    "HealthReason",
    "OpenItem",
    "PdfSupport",
    "PdfUnavailable",
    "ProjectStatus",
    "StatusReport",
    "build_status_report",
    "neutralise_cell_text",
    "pdf_support",
    "progress_svg",
    "render_status_report_html",
    "render_status_report_pdf",
    "render_status_report_xlsx",
    "trend_text",
    "velocity_svg",
]

#: The environment variable naming the Chromium executable for the PDF.
CHROMIUM_ENV = "SPRINTFOLIO_CHROMIUM"
#: Debian's Chromium.
DEFAULT_CHROMIUM = "/usr/bin/chromium"
#: How many closed sprints the HTML chart and table show.
CHART_SPRINTS = 8
#: How many open items of the running sprint the HTML lists (the XLSX lists all).
HTML_OPEN_ITEMS = 10

_OPEN = (StatusCategory.TODO.value, StatusCategory.IN_PROGRESS.value)
_NOT_COUNTED = (ItemType.EPIC.value, ItemType.SUBTASK.value)
#: Leading characters that make a spreadsheet read text as a formula (plus full-width forms).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


class PdfUnavailable(ServiceError):
    """No PDF can be made here: Chromium is missing or failed (the message says which and why)."""


# ------------------------------------------------------------------------------------- values


@dataclass(frozen=True)
class HealthReason:
    """One health dimension of a project with its reason, as a code and in German.

    Attributes:
        dimension: "schedule", "delivery" or "freshness".
        rag: "green", "amber", "red" or "grey".
        reason_code: The code of ``metrics.health`` (e.g. "late_by_days").
        values: The numbers behind it.
        reason_de: The reason as the report prints it.
    """

    dimension: str
    rag: Rag
    reason_code: str
    values: Mapping[str, float]
    reason_de: str


@dataclass(frozen=True)
class OpenItem:
    """An open item of the running sprint (tracker texts unescaped: renderers escape)."""

    key: str
    title: str
    status: str
    points: float | None
    assignee: str | None


@dataclass(frozen=True)
class ActiveSprintStatus:
    """The running sprint with its figures so far (points) and its open items, largest first."""

    name: str
    goal: str
    start_at: datetime
    end_at: datetime
    committed: float
    added: float
    removed: float
    completed: float
    open_items: tuple[OpenItem, ...]


@dataclass(frozen=True)
class ProjectStatus:
    """One project of the status report.

    Attributes:
        health: The overall colour (worst of the three, grey ignored).
        reasons: Schedule, delivery and freshness, in this order.
        days_late: P85 date − target date in calendar days (negative: early);
            None without either.
        no_forecast_reason: Why there is no forecast ("too_little_history",
            "not_within_cap"), else None.
        closed_sprints: All closed sprints, oldest first.
    """

    key: str
    name: str
    programme: str
    owner: str
    goal: str
    tags: tuple[str, ...]
    target_date: date | None
    health: Rag
    reasons: tuple[HealthReason, HealthReason, HealthReason]
    active_sprint: ActiveSprintStatus | None
    velocity: float | None
    say_do_ratio: float | None
    points_done: float
    points_total: float
    items_done: int
    items_total: int
    forecast_p85: date | None
    days_late: int | None
    no_forecast_reason: str | None
    trend: Trend
    closed_sprints: tuple[ClosedSprint, ...]

    @property
    def progress(self) -> float | None:
        """Done ÷ total points (0..1); None without points."""
        return self.points_done / self.points_total if self.points_total else None


@dataclass(frozen=True)
class StatusReport:
    """The Sachstandsbericht: the projects of ``programme`` (None: all) as of ``as_of``.

    ``day`` is the local date of ``as_of`` (Europe/Berlin), printed as "Stand: …".
    """

    programme: str | None
    programmes: tuple[str, ...]
    as_of: datetime
    day: date
    thresholds: HealthThresholds
    projects: tuple[ProjectStatus, ...]


# ------------------------------------------------------------------------------- building


def build_status_report(
    session: Session,
    *,
    programme: str | None,
    now: datetime,
    thresholds: HealthThresholds = DEFAULT_THRESHOLDS,
    trials: int = DEFAULT_TRIALS,
) -> StatusReport:
    """Collect the status of every project of ``programme`` (all if None), ordered by key.

    Args:
        session: The store (read only).
        programme: A programme's name, or None for every programme.
        now: The moment of the report (aware).
        thresholds: The RAG thresholds.
        trials: Monte Carlo trials of the forecasts.

    Raises:
        NotFoundError: If ``programme`` names no programme (the message lists them).
        ServiceError: If ``now`` is naive.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ServiceError(f"now={now.isoformat()} is naive; pass an aware datetime")
    query = (
        select(Project, Programme.name)
        .join(Programme, col(Project.programme_id) == col(Programme.id))
        .order_by(col(Project.key))
    )
    if programme is not None:
        if session.exec(select(Programme.id).where(Programme.name == programme)).first() is None:
            known = ", ".join(session.exec(select(Programme.name).order_by(Programme.name)).all())
            raise NotFoundError(
                f"programme {programme!r} does not exist; known programmes: {known}"
            )
        query = query.where(Programme.name == programme)
    rows = session.exec(query).all()
    keys = [project.key for project, _ in rows]
    assessments = assess_projects(
        session, now=now, project_keys=keys, thresholds=thresholds, trials=trials
    )
    trends = project_trends(session, now=now, project_keys=keys)
    active = _active_sprints(session, [project.id or 0 for project, _ in rows], now)
    projects = tuple(
        _project_status(project, name, assessments[project.key], trends[project.key], active)
        for project, name in rows
    )
    return StatusReport(
        programme=programme,
        programmes=tuple(sorted({name for _, name in rows})),
        as_of=now,
        day=local_date(now, BERLIN),
        thresholds=thresholds,
        projects=projects,
    )


def _active_sprints(
    session: Session, project_ids: Sequence[int], now: datetime
) -> dict[int, ActiveSprintStatus]:
    """The running sprint of each project (the latest started), with figures and open items."""
    if not project_ids:
        return {}
    sprints = session.exec(
        select(Sprint)
        .where(
            col(Sprint.project_id).in_(list(project_ids)),
            Sprint.state == SprintState.ACTIVE.value,
            col(Sprint.start_at).is_not(None),
            col(Sprint.end_at).is_not(None),
        )
        .order_by(col(Sprint.start_at), col(Sprint.id))
    ).all()
    latest: dict[int, Sprint] = {}
    for sprint in sprints:
        latest[sprint.project_id] = sprint
    if not latest:
        return {}
    figures = figures_by_sprint(session, sprints=list(latest.values()), now=now)
    open_rows = session.exec(
        select(WorkItem, Person.display_name)
        .join(Person, col(WorkItem.assignee_id) == col(Person.id), isouter=True)
        .where(
            col(WorkItem.sprint_id).in_([s.id for s in latest.values()]),
            col(WorkItem.status_category).in_(_OPEN),
            col(WorkItem.type).not_in(_NOT_COUNTED),
        )
    ).all()
    open_items: dict[int, list[OpenItem]] = defaultdict(list)
    for item, assignee in open_rows:
        open_items[item.sprint_id or 0].append(
            OpenItem(item.source_key, item.title, item.status, item.points, assignee)
        )
    result: dict[int, ActiveSprintStatus] = {}
    for project_id, sprint in latest.items():
        f = figures[sprint.id or 0].points
        items = sorted(open_items.get(sprint.id or 0, []), key=lambda i: (-(i.points or 0), i.key))
        assert sprint.start_at is not None and sprint.end_at is not None
        result[project_id] = ActiveSprintStatus(
            name=sprint.name,
            goal=sprint.goal,
            start_at=sprint.start_at,
            end_at=sprint.end_at,
            committed=f.committed,
            added=f.added,
            removed=f.removed,
            completed=f.completed,
            open_items=tuple(items),
        )
    return result


def _reason(
    dimension: DimensionHealth, assessment: ProjectAssessment, target: date | None
) -> HealthReason:
    values = dict(dimension.values)
    no_forecast = (
        assessment.forecast.reason if isinstance(assessment.forecast, NoForecast) else None
    )
    if dimension.dimension == "schedule":
        text = de.schedule_reason(
            dimension.reason_code,
            values,
            forecast_p85=assessment.forecast_p85,
            target_date=target,
            no_forecast_reason=no_forecast,
            fallback=dimension.reason,
        )
    elif dimension.dimension == "delivery":
        text = de.delivery_reason(dimension.reason_code, values, fallback=dimension.reason)
    else:
        text = de.freshness_reason(dimension.reason_code, values, fallback=dimension.reason)
    return HealthReason(dimension.dimension, dimension.rag, dimension.reason_code, values, text)


def _project_status(
    project: Project,
    programme: str,
    assessment: ProjectAssessment,
    trend: Trend,
    active: Mapping[int, ActiveSprintStatus],
) -> ProjectStatus:
    health = assessment.health
    p85 = assessment.forecast_p85
    target = project.target_date
    return ProjectStatus(
        key=project.key,
        name=project.name,
        programme=programme,
        owner=project.owner,
        goal=project.goal,
        tags=tuple(project.tags),
        target_date=target,
        health=health.overall,
        reasons=(
            _reason(health.schedule, assessment, target),
            _reason(health.delivery, assessment, target),
            _reason(health.freshness, assessment, target),
        ),
        active_sprint=active.get(project.id or 0),
        velocity=assessment.velocity,
        say_do_ratio=assessment.say_do_ratio,
        points_done=assessment.points_done,
        points_total=assessment.points_total,
        items_done=assessment.items_done,
        items_total=assessment.items_total,
        forecast_p85=p85,
        days_late=(p85 - target).days if p85 is not None and target is not None else None,
        no_forecast_reason=(
            assessment.forecast.reason if isinstance(assessment.forecast, NoForecast) else None
        ),
        trend=trend,
        closed_sprints=assessment.closed_sprints,
    )


# ----------------------------------------------------------------------------------- HTML


def _e(text: object) -> str:
    """HTML-escape any text (quotes too, so it is safe in attributes)."""
    return html.escape(str(text), quote=True)


def _badge(level: str | None) -> str:
    rag = level if level in de.RAG_LABEL else "grey"
    return f'<span class="rag rag-{rag}" title="{_e(de.RAG_MEANING[rag])}">{_e(de.rag(rag))}</span>'


def _css() -> str:
    return resources.files("sprintfolio.exports").joinpath("report.css").read_text("utf-8")


def trend_text(trend: Trend) -> str:
    """The trend in one German sentence (plain text; escape it for HTML)."""
    if trend.status == "no_snapshots":
        return "Noch keine Wochenstände gespeichert; der Trend erscheint nach einigen Wochen."
    if trend.status == "no_baseline" or trend.baseline is None:
        return "Noch kein Wochenstand, der mindestens vier Wochen älter ist."
    progress = (
        f"{de.signed(trend.progress_pct_delta)} Prozentpunkte"
        if trend.progress_pct_delta is not None
        else de.NONE
    )
    return (
        f"Seit dem Wochenstand vom {de.day(trend.baseline.week_start)} ({trend.weeks} Wochen): "
        f"{de.signed(trend.points_done_delta)} erledigte Punkte, Fortschritt {progress}, "
        f"Velocity {de.signed(trend.velocity_delta)}; Ampel {de.rag(trend.health_from)} → "
        f"{de.rag(trend.health_to)} ({de.HEALTH_CHANGE_LABEL[trend.health_change]})."
    )


def _short_label(name: str) -> str:
    """A short axis label of a sprint name: its last word if short ("24"), else its start."""
    words = name.split()
    last = words[-1] if words else name
    return last if len(last) <= 6 else (name[:6] + "…")


def velocity_svg(sprints: Sequence[ClosedSprint], velocity: float | None) -> str:
    """A bar chart of committed and completed points per closed sprint, as inline SVG."""
    shown = list(sprints)[-CHART_SPRINTS:]
    width, height, left, right, top, bottom = 380, 170, 34, 8, 22, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    label = f"{de.VELOCITY_CHART} ({len(shown)})"
    parts = [
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{_e(label)}"><title>{_e(label)}</title>',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#ffffff" '
        'stroke="#c8c8c8"/>',
    ]
    if not shown:
        parts.append(
            f'<text x="{left + plot_w / 2}" y="{top + plot_h / 2}" text-anchor="middle" '
            f'font-size="11" fill="#555">{_e(de.NO_CLOSED_SPRINTS)}</text></svg>'
        )
        return "".join(parts)
    peak = max([s.committed for s in shown] + [s.completed for s in shown] + [velocity or 0, 1])
    scale = _nice_ceiling(peak)

    def y(value: float) -> float:
        return top + plot_h - plot_h * value / scale

    for tick in (0, scale / 2, scale):
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            'stroke="#e2e2e2"/>'
            f'<text x="{left - 4}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="9" '
            f'fill="#555">{_e(de.number(tick))}</text>'
        )
    group = plot_w / len(shown)
    bar = group * 0.34
    for index, sprint in enumerate(shown):
        x0 = left + index * group + group * 0.14
        for offset, value, colour in ((0, sprint.committed, "#9fb3c8"),
                                      (bar, sprint.completed, "#1f4e79")):  # fmt: skip
            parts.append(
                f'<rect x="{x0 + offset:.1f}" y="{y(value):.1f}" width="{bar:.1f}" '
                f'height="{top + plot_h - y(value):.1f}" fill="{colour}"/>'
            )
        parts.append(
            f'<text x="{left + (index + 0.5) * group:.1f}" y="{top + plot_h + 12}" '
            f'text-anchor="middle" font-size="9" fill="#333">{_e(_short_label(sprint.name))}</text>'
        )
    if velocity is not None:
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(velocity):.1f}" '
            f'y2="{y(velocity):.1f}" stroke="#b45309" stroke-width="1.5" stroke-dasharray="5 3"/>'
        )
    legend_y = 12
    parts.append(
        f'<rect x="{left}" y="{legend_y - 8}" width="9" height="9" fill="#9fb3c8"/>'
        f'<text x="{left + 12}" y="{legend_y}" font-size="9">Zugesagt</text>'
        f'<rect x="{left + 70}" y="{legend_y - 8}" width="9" height="9" fill="#1f4e79"/>'
        f'<text x="{left + 82}" y="{legend_y}" font-size="9">Erledigt</text>'
        f'<line x1="{left + 140}" x2="{left + 156}" y1="{legend_y - 3}" y2="{legend_y - 3}" '
        'stroke="#b45309" stroke-width="1.5" stroke-dasharray="5 3"/>'
        f'<text x="{left + 160}" y="{legend_y}" font-size="9">'
        f"Velocity {_e(de.number(velocity))}</text>"
    )
    parts.append("</svg>")
    return "".join(parts)


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k at or above ``value`` (a round axis maximum)."""
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def progress_svg(share: float | None) -> str:
    """A horizontal progress bar (done share of the points), as inline SVG."""
    width, height = 260, 16
    done = 0.0 if share is None else max(0.0, min(1.0, share))
    label = f"{de.PROGRESS_CHART}: {de.percent(share)}"
    return (
        f'<svg width="{width + 50}" height="{height}" viewBox="0 0 {width + 50} {height}" '
        f'role="img" aria-label="{_e(label)}"><title>{_e(label)}</title>'
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#e5e7eb" stroke="#9ca3af"/>'
        f'<rect x="0" y="0" width="{width * done:.1f}" height="{height}" fill="#1f4e79"/>'
        f'<text x="{width + 6}" y="{height - 3}" font-size="11">{_e(de.percent(share))}</text>'
        "</svg>"
    )


def _heading(report: StatusReport) -> str:
    if report.programme is not None:
        return f"{de.TITLE} {report.programme}"
    return f"{de.TITLE} – {de.ALL_PROGRAMMES}"


def _forecast_cell(project: ProjectStatus) -> str:
    """The P85 date against the target date in words (plain text)."""
    if project.forecast_p85 is None:
        why = {
            "too_little_history": "zu wenig Verlauf",
            "not_within_cap": "nicht innerhalb von fünf Jahren",
        }.get(project.no_forecast_reason or "", "nicht berechnet")
        return f"keine Prognose ({why})"
    text = de.day(project.forecast_p85)
    if project.days_late is None:
        return f"{text} (kein Zieltermin)"
    if project.days_late == 0:
        return f"{text}, genau der Zieltermin"
    side = "nach" if project.days_late > 0 else "vor"
    return f"{text}, {de.days(abs(project.days_late))} {side} dem Zieltermin"


def render_status_report_html(report: StatusReport) -> str:
    """The report as one printable German HTML document (self-contained, no scripts).

    Every tracker-provided text is escaped; charts are inline SVG; the CSS
    breaks the page before each project when printed.
    """
    heading = _heading(report)
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="de"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(heading)} – {de.AS_OF} {_e(de.day(report.day))}</title>",
        f"<style>{_css()}</style></head><body>",
        '<header class="report">',
        f"<h1>{_e(heading)}</h1>",
        f'<p class="as-of">{de.AS_OF}: {_e(de.day(report.day))}</p>',
        f'<p class="meta">{_e(de.PROGRAMME)}: '
        f"{_e(', '.join(report.programmes) or de.NONE)} · {len(report.projects)} Projekte</p>",
        "</header>",
        f"<section><h2>{de.OVERVIEW}</h2>",
        '<table class="overview"><colgroup><col style="width:19%"><col style="width:11%">'
        + '<col style="width:7.5%">' * 4
        + '<col style="width:9%"><col style="width:14%"><col style="width:17%"></colgroup>'
        "<thead><tr>",
        f"<th>{de.PROJECT}</th><th>{de.OWNER}</th><th>{de.OVERALL}</th>",
        "".join(
            f"<th>{_e(de.DIMENSION_SHORT[d])}</th>" for d in ("schedule", "delivery", "freshness")
        ),
        f'<th class="num">Fort\u00adschritt</th><th>{de.FORECAST_P85} / {de.TARGET_DATE}</th>',
        f"<th>{de.TREND}</th></tr></thead><tbody>",
    ]
    for project in report.projects:
        out.append(
            "<tr>"
            f"<td><strong>{_e(project.name)}</strong><br>"
            f'<span class="muted small">{_e(project.key)}</span></td>'
            f"<td>{_e(project.owner or de.NONE)}</td>"
            f"<td>{_badge(project.health)}</td>"
            + "".join(f"<td>{_badge(r.rag)}</td>" for r in project.reasons)
            + f'<td class="num">{_e(de.percent(project.progress))}</td>'
            f"<td>{_forecast_cell_html(project)}</td>"
            f"<td>{_e(_trend_short(project.trend))}</td>"
            "</tr>"
        )
    out.append("</tbody></table></section>")
    out.append(f'<section class="legend"><h2>{de.LEGEND}</h2><dl class="legend">')
    for term, text in de.legend(report.thresholds):
        out.append(f"<dt>{_e(term)}</dt><dd>{_e(text)}</dd>")
    out.append(
        "<dt>Farben</dt><dd>"
        + " · ".join(
            f"{_badge(level)} {_e(de.RAG_MEANING[level])}"
            for level in ("green", "amber", "red", "grey")
        )
        + "</dd></dl></section>"
    )
    for project in report.projects:
        out.append(_project_html(project))
    out.append(
        f'<footer class="report">{_e(de.FOOTER)} {de.AS_OF}: {_e(de.day(report.day))}.</footer>'
    )
    out.append("</body></html>")
    return "\n".join(out)


def _forecast_cell_html(project: ProjectStatus) -> str:
    late = ""
    if project.days_late is not None and project.days_late != 0:
        late = f"<br>({_e(de.signed(project.days_late, decimals=0))} Tage)"
    return (
        f'<span class="nowrap">{_e(de.day(project.forecast_p85))}</span><br>'
        f'<span class="muted nowrap">Ziel {_e(de.day(project.target_date))}</span>{late}'
    )


def _trend_short(trend: Trend) -> str:
    if trend.status != "ok":
        return de.NONE
    return (
        f"{de.signed(trend.points_done_delta)} Pkt. erledigt, Fortschritt "
        f"{de.signed(trend.progress_pct_delta)} %-Punkte; Ampel "
        f"{de.HEALTH_CHANGE_LABEL[trend.health_change]}"
    )


def _project_html(project: ProjectStatus) -> str:
    out = [
        f'<section class="project" id="projekt-{_e(project.key)}">',
        f'<h2>{_e(project.name)} <span class="muted">({_e(project.key)})</span></h2>',
        '<dl class="facts">',
        f"<dt>{de.PROGRAMME}</dt><dd>{_e(project.programme)}</dd>",
        f"<dt>{de.OWNER}</dt><dd>{_e(project.owner or de.NONE)}</dd>",
        f"<dt>{de.GOAL}</dt><dd>{_e(project.goal or de.NONE)}</dd>",
        f"<dt>{de.TARGET_DATE}</dt><dd>{_e(de.day(project.target_date))}</dd>",
        f"<dt>{de.FORECAST_P85}</dt><dd>{_e(_forecast_cell(project))}</dd>",
        f"<dt>{de.PROGRESS}</dt><dd>{progress_svg(project.progress)}<br>"
        f"{_e(de.number(project.points_done))} von {_e(de.number(project.points_total))} "
        f"Punkten erledigt ({project.items_done} von {project.items_total} Einträgen)</dd>",
        f"<dt>{de.VELOCITY}</dt><dd>{_e(de.number(project.velocity))} Punkte je Sprint, "
        f"{de.SAY_DO} {_e(de.ratio(project.say_do_ratio))}</dd>",
        f"<dt>{de.TREND}</dt><dd>{_e(trend_text(project.trend))}</dd>",
        "</dl>",
        f"<h3>{de.HEALTH}</h3>",
        '<table class="health"><thead><tr><th>Bereich</th><th>Bewertung</th>'
        "<th>Begründung</th></tr></thead><tbody>",
        f"<tr><td><strong>{de.OVERALL}</strong></td><td>{_badge(project.health)}</td>"
        f"<td>{_e(_overall_text(project))}</td></tr>",
    ]
    for reason in project.reasons:
        out.append(
            f"<tr><td>{_e(de.DIMENSION_LABEL[reason.dimension])}</td>"
            f"<td>{_badge(reason.rag)}</td><td>{_e(reason.reason_de)}</td></tr>"
        )
    out.append("</tbody></table>")
    out.append(f"<h3>{de.ACTIVE_SPRINT}</h3>")
    sprint = project.active_sprint
    if sprint is None:
        out.append(f"<p>{de.NO_ACTIVE_SPRINT}</p>")
    else:
        out.append(
            f"<p><strong>{_e(sprint.name)}</strong> "
            f"({_e(de.day(sprint.start_at, BERLIN))} – {_e(de.day(sprint.end_at, BERLIN))})"
            + (f"<br>{de.SPRINT_GOAL}: {_e(sprint.goal)}" if sprint.goal else "")
            + f"<br>Zugesagt {_e(de.number(sprint.committed))}, hinzugekommen "
            f"{_e(de.number(sprint.added))}, entfernt {_e(de.number(sprint.removed))}, "
            f"erledigt {_e(de.number(sprint.completed))} Punkte.</p>"
        )
    shown = project.closed_sprints[-CHART_SPRINTS:]
    out.append(
        '<div class="charts"><figure>'
        + velocity_svg(project.closed_sprints, project.velocity)
        + f"<figcaption>{de.VELOCITY_CHART}; gestrichelt: Velocity (Ø der letzten 3).</figcaption>"
        "</figure></div>"
    )
    out.append(f"<h3>{de.CLOSED_SPRINTS}</h3>")
    if not shown:
        out.append(f"<p>{de.NO_CLOSED_SPRINTS}</p>")
    else:
        out.append(
            f"<table><thead><tr><th>{de.SPRINT}</th><th>{de.START}</th><th>{de.END}</th>"
            f'<th class="num">{de.COMMITTED}</th><th class="num">{de.COMPLETED}</th>'
            f'<th class="num">{de.SAY_DO}</th></tr></thead><tbody>'
        )
        for closed in shown:
            out.append(
                f"<tr><td>{_e(closed.name)}</td><td>{_e(de.day(closed.start_at, BERLIN))}</td>"
                f"<td>{_e(de.day(closed.closed_at, BERLIN))}</td>"
                f'<td class="num">{_e(de.number(closed.committed))}</td>'
                f'<td class="num">{_e(de.number(closed.completed))}</td>'
                f'<td class="num">{_e(de.ratio(closed.say_do_ratio))}</td></tr>'
            )
        out.append("</tbody></table>")
    if sprint is not None:
        out.append(f"<h3>{de.OPEN_WORK}</h3>")
        if not sprint.open_items:
            out.append(f"<p>{de.NO_OPEN_WORK}</p>")
        else:
            out.append(
                f"<table><thead><tr><th>{de.KEY}</th><th>{de.ITEM_TITLE}</th><th>{de.STATUS}</th>"
                f'<th class="num">{de.POINTS}</th><th>{de.ASSIGNEE}</th></tr></thead><tbody>'
            )
            for item in sprint.open_items[:HTML_OPEN_ITEMS]:
                out.append(
                    f"<tr><td>{_e(item.key)}</td><td>{_e(item.title)}</td>"
                    f"<td>{_e(item.status)}</td>"
                    f'<td class="num">{_e(de.number(item.points))}</td>'
                    f"<td>{_e(item.assignee or de.UNASSIGNED)}</td></tr>"
                )
            out.append("</tbody></table>")
            rest = len(sprint.open_items) - HTML_OPEN_ITEMS
            if rest > 0:
                out.append(f'<p class="small muted">… und {rest} weitere offene Einträge.</p>')
    out.append("</section>")
    return "\n".join(out)


def _overall_text(project: ProjectStatus) -> str:
    if project.health == "grey":
        return "Kein Bereich bewertbar."
    if project.health == "green":
        return "Alle bewertbaren Bereiche sind im Plan."
    driving = [de.DIMENSION_LABEL[r.dimension] for r in project.reasons if r.rag == project.health]
    return f"Bestimmt durch: {', '.join(driving)} (die schlechteste Bewertung zählt)."


# ----------------------------------------------------------------------------------- XLSX


def neutralise_cell_text(text: str) -> tuple[str, bool]:
    """Text safe for a spreadsheet cell, and whether it must be marked as literal text.

    Characters XML 1.0 cannot hold are dropped; text starting with =, +, -, @,
    tab or CR (or their full-width forms) needs "quotePrefix" and a string type.
    """
    clean = ILLEGAL_CHARACTERS_RE.sub("", text)
    return clean, clean.startswith(_FORMULA_START)


CellValue = str | int | float | date | datetime | None


def _put(
    sheet: Worksheet, row: int, column: int, value: CellValue, *, number_format: str | None = None
) -> None:
    """Write one cell; text always as a string cell, formula-like text with quotePrefix."""
    cell = sheet.cell(row=row, column=column)
    if value == "":
        return  # an empty text is an empty cell
    if isinstance(value, str):
        text, risky = neutralise_cell_text(value)
        cell.value = text
        cell.data_type = "s"  # never "f": openpyxl would store text starting with "=" as a formula
        if risky:
            cell.quotePrefix = True
        return
    if isinstance(value, datetime):
        value = value.astimezone(BERLIN).date()
    if isinstance(value, float) and not math.isfinite(value):
        value = None
    cell.value = value
    if isinstance(value, date):
        cell.number_format = "DD.MM.YYYY"
    elif number_format is not None and value is not None:
        cell.number_format = number_format


_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="EEF2F7")
_RAG_FILL = {
    "green": PatternFill("solid", fgColor="DCFCE7"),
    "amber": PatternFill("solid", fgColor="FEF3C7"),
    "red": PatternFill("solid", fgColor="FEE2E2"),
    "grey": PatternFill("solid", fgColor="E5E7EB"),
}
_POINTS = "#,##0.0"
_RATIO = "0.00"

PORTFOLIO_HEADERS: tuple[str, ...] = (
    "Schlüssel",
    "Projekt",
    "Programm",
    "Verantwortlich",
    "Ziel",
    "Gesamtstatus",
    "Termin",
    "Begründung Termin",
    "Lieferung",
    "Begründung Lieferung",
    "Datenaktualität",
    "Begründung Datenaktualität",
    "Aktueller Sprint",
    "Sprintende",
    "Velocity (Punkte)",
    "Say/Do-Quote",
    "Erledigte Punkte",
    "Punkte gesamt",
    "Fortschritt (%)",
    "Erledigte Einträge",
    "Einträge gesamt",
    "Prognose P85",
    "Zieltermin",
    "Abweichung (Tage)",
    "Trend seit",
    "Δ erledigte Punkte",
    "Δ Fortschritt (Prozentpunkte)",
    "Δ Velocity",
    "Ampel vorher",
)
SPRINT_HEADERS: tuple[str, ...] = (
    "Sprint",
    "Sprintziel",
    "Beginn",
    "Ende (geplant)",
    "Abgeschlossen am",
    "Zugesagt (Punkte)",
    "Erledigt (Punkte)",
    "Say/Do-Quote",
)
OPEN_ITEM_HEADERS: tuple[str, ...] = ("Schlüssel", "Titel", "Status", "Punkte", "Zuständig")


def _headers(sheet: Worksheet, row: int, headers: Sequence[str]) -> None:
    for column, title in enumerate(headers, start=1):
        _put(sheet, row, column, title)
        cell = sheet.cell(row=row, column=column)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _sheet_title(key: str, taken: set[str]) -> str:
    """A valid, unique sheet title from a project key (Excel: ≤ 31 chars, no []:*?/\\)."""
    base = re.sub(r"[\[\]:*?/\\]", "_", ILLEGAL_CHARACTERS_RE.sub("", key)).strip("'") or "Projekt"
    base = base[:28]
    title, number = base, 2
    while title.casefold() in taken:
        title = f"{base[:25]} ({number})"
        number += 1
    taken.add(title.casefold())
    return title


def render_status_report_xlsx(report: StatusReport) -> bytes:
    """The report as an XLSX workbook (German headers), returned as bytes.

    Sheets: "Portfolio" (one row per project), one per project (named by its
    key: closed sprints, then the open work of the running sprint), "Legende".
    """
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Portfolio"
    _put(sheet, 1, 1, f"{_heading(report)} – {de.AS_OF}: {de.day(report.day)}")
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    _headers(sheet, 3, PORTFOLIO_HEADERS)
    for offset, project in enumerate(report.projects):
        row = 4 + offset
        schedule, delivery, freshness = project.reasons
        trend = project.trend
        sprint = project.active_sprint
        values: list[tuple[CellValue, str | None]] = [
            (project.key, None),
            (project.name, None),
            (project.programme, None),
            (project.owner, None),
            (project.goal, None),
            (de.rag(project.health), None),
            (de.rag(schedule.rag), None),
            (schedule.reason_de, None),
            (de.rag(delivery.rag), None),
            (delivery.reason_de, None),
            (de.rag(freshness.rag), None),
            (freshness.reason_de, None),
            (sprint.name if sprint else None, None),
            (sprint.end_at if sprint else None, None),
            (project.velocity, _POINTS),
            (project.say_do_ratio, _RATIO),
            (project.points_done, _POINTS),
            (project.points_total, _POINTS),
            (project.progress * 100 if project.progress is not None else None, "0.0"),
            (project.items_done, "0"),
            (project.items_total, "0"),
            (project.forecast_p85, None),
            (project.target_date, None),
            (project.days_late, "0"),
            (trend.baseline.week_start if trend.baseline else None, None),
            (trend.points_done_delta, _POINTS),
            (trend.progress_pct_delta, "0.0"),
            (trend.velocity_delta, _POINTS),
            (de.rag(trend.health_from) if trend.baseline else None, None),
        ]
        for column, (value, number_format) in enumerate(values, start=1):
            _put(sheet, row, column, value, number_format=number_format)
        for column, level in ((6, project.health), (7, schedule.rag), (9, delivery.rag),
                              (11, freshness.rag)):  # fmt: skip
            sheet.cell(row=row, column=column).fill = _RAG_FILL.get(level, _RAG_FILL["grey"])
    sheet.freeze_panes = "C4"
    if report.projects:
        sheet.auto_filter.ref = (
            f"A3:{get_column_letter(len(PORTFOLIO_HEADERS))}{3 + len(report.projects)}"
        )
    _widths(sheet, {1: 10, 2: 34, 3: 16, 4: 20, 5: 50, 8: 50, 10: 50, 12: 50, 13: 18})

    taken = {"portfolio", "legende"}
    for project in report.projects:
        _project_sheet(workbook.create_sheet(_sheet_title(project.key, taken)), project)

    legend = workbook.create_sheet("Legende")
    _put(legend, 1, 1, de.LEGEND)
    legend.cell(row=1, column=1).font = Font(bold=True, size=12)
    for offset, (term, text) in enumerate(de.legend(report.thresholds)):
        _put(legend, 3 + offset, 1, term)
        _put(legend, 3 + offset, 2, text)
        legend.cell(row=3 + offset, column=1).font = _HEADER_FONT
        legend.cell(row=3 + offset, column=2).alignment = Alignment(wrap_text=True)
    _widths(legend, {1: 22, 2: 100})

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _project_sheet(sheet: Worksheet, project: ProjectStatus) -> None:
    _put(sheet, 1, 1, f"{project.name} ({project.key})")
    sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
    _put(sheet, 2, 1, de.CLOSED_SPRINTS)
    sheet.cell(row=2, column=1).font = _HEADER_FONT
    _headers(sheet, 3, SPRINT_HEADERS)
    row = 4
    for closed in project.closed_sprints:
        for column, (value, number_format) in enumerate(
            [
                (closed.name, None),
                (closed.goal, None),
                (closed.start_at, None),
                (closed.end_at, None),
                (closed.closed_at, None),
                (closed.committed, _POINTS),
                (closed.completed, _POINTS),
                (closed.say_do_ratio, _RATIO),
            ],
            start=1,
        ):
            _put(sheet, row, column, value, number_format=number_format)
        row += 1
    if not project.closed_sprints:
        _put(sheet, row, 1, de.NO_CLOSED_SPRINTS)
        row += 1
    row += 1
    sprint = project.active_sprint
    title = f"{de.OPEN_WORK}: {sprint.name}" if sprint else de.NO_ACTIVE_SPRINT
    _put(sheet, row, 1, title)
    sheet.cell(row=row, column=1).font = _HEADER_FONT
    row += 1
    if sprint is not None:
        _headers(sheet, row, OPEN_ITEM_HEADERS)
        row += 1
        for item in sprint.open_items:
            for column, (value, number_format) in enumerate(
                [
                    (item.key, None),
                    (item.title, None),
                    (item.status, None),
                    (item.points, _POINTS),
                    (item.assignee or de.UNASSIGNED, None),
                ],
                start=1,
            ):
                _put(sheet, row, column, value, number_format=number_format)
            row += 1
    sheet.freeze_panes = "A4"
    _widths(sheet, {1: 24, 2: 50, 3: 14, 4: 14, 5: 18, 6: 16, 7: 16, 8: 12})


def _widths(sheet: Worksheet, widths: Mapping[int, float]) -> None:
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width


# ------------------------------------------------------------------------------------ PDF


@dataclass(frozen=True)
class PdfSupport:
    """Whether a PDF can be made here, with which Chromium, and if not, why (English)."""

    available: bool
    executable: str
    reason: str | None = None


def _chromium(executable: str | None) -> str:
    return executable or os.environ.get(CHROMIUM_ENV) or DEFAULT_CHROMIUM


def pdf_support(executable: str | None = None) -> PdfSupport:
    """Whether Chromium for the PDF export is there (``executable``, ``$SPRINTFOLIO_CHROMIUM``
    or ``/usr/bin/chromium``), without starting it."""
    path = _chromium(executable)
    found = shutil.which(path)
    if found is None:
        return PdfSupport(
            False,
            path,
            f"no Chromium at {path}: install Debian's package (apt-get install chromium) or set "
            f"{CHROMIUM_ENV} to its path; the HTML export prints to PDF from any browser",
        )
    return PdfSupport(True, found)


def render_status_report_pdf(
    report: StatusReport, *, executable: str | None = None, timeout_s: float = 120.0
) -> bytes:
    """The HTML report printed to PDF by headless Chromium (A4, from the report's print CSS).

    Raises:
        PdfUnavailable: If Chromium is not installed, fails, times out or writes no PDF
            (the message names the executable and the reason).
    """
    support = pdf_support(executable)
    if not support.available:
        raise PdfUnavailable(f"PDF export unavailable: {support.reason}")
    document = render_status_report_html(report)
    with tempfile.TemporaryDirectory(prefix="sprintfolio-pdf-") as folder:
        source = Path(folder) / "sachstandsbericht.html"
        target = Path(folder) / "sachstandsbericht.pdf"
        source.write_text(document, encoding="utf-8")
        command = [
            support.executable,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-extensions",
            "--disable-background-networking",
            "--no-first-run",
            "--no-pdf-header-footer",
            f"--user-data-dir={Path(folder) / 'profile'}",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, timeout=timeout_s, check=False, cwd=folder
            )
        except subprocess.TimeoutExpired as exc:
            raise PdfUnavailable(
                f"Chromium ({support.executable}) did not print the PDF within {timeout_s:g} s"
            ) from exc
        except OSError as exc:
            raise PdfUnavailable(f"Chromium ({support.executable}) cannot start: {exc}") from exc
        if done.returncode != 0 or not target.exists() or target.stat().st_size == 0:
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise PdfUnavailable(
                f"Chromium ({support.executable}) wrote no PDF (exit code {done.returncode}): "
                + " | ".join(tail)
            )
        return target.read_bytes()
