"""The Sachstandsbericht: contents, escaping, no external resources, XLSX formula neutralisation.

Built on the hand-made portfolio (``tests/services/handmade.py``) with hostile
texts in names and titles, and on a copy of the demo store.
"""

import io
import re
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from models import Project, Sprint, WorkItem, create_db_engine
from sprintfolio.exports import de
from sprintfolio.services.errors import NotFoundError
from sprintfolio.services.exports import (
    OPEN_ITEM_HEADERS,
    PORTFOLIO_HEADERS,
    SPRINT_HEADERS,
    PdfUnavailable,
    StatusReport,
    build_status_report,
    neutralise_cell_text,
    pdf_support,
    render_status_report_html,
    render_status_report_pdf,
    render_status_report_xlsx,
)
from sprintfolio.services.snapshots import backfill_demo_snapshots, demo_snapshot_moment
from tests.conftest import DEMO_TODAY
from tests.services.handmade import NOW, build_handmade

pytestmark = pytest.mark.db

SCRIPT_NAME = '<script>alert("Name")</script> & Co'
SCRIPT_TITLE = "<script>alert('Titel')</script>"
FORMULA_NAME = '=HYPERLINK("http://evil.example/x","Klick")'
FORMULA_TITLES = {"A-2": "+1", "A-3": "-2", "A-7": "@SUM(A1:A9)"}  # open items of sprint 3
SPRINT_GOAL = "=1+1"
SPRINT_NAME = "\tTab-Sprint"
RESOURCE = re.compile(r"""(?:src|href|action|xlink:href)\s*=|url\s*\(|@import|<link|<img|<iframe""")


@pytest.fixture
def hostile(session: Session) -> StatusReport:
    """The hand-made portfolio with hostile names and titles, as a report at NOW."""
    build_handmade(session)
    projects = {p.key: p for p in session.exec(select(Project)).all()}
    projects["AAA"].name = SCRIPT_NAME
    projects["AAA"].owner = "-Anna @Admin"
    projects["BBB"].name = FORMULA_NAME
    projects["CCC"].goal = "Ziel mit <b>Fett</b>\x07 und Steuerzeichen"
    items = {i.source_key: i for i in session.exec(select(WorkItem)).all()}
    items["A-8"].title = SCRIPT_TITLE
    for key, text in FORMULA_TITLES.items():
        items[key].title = text
    sprints = {s.name: s for s in session.exec(select(Sprint)).all()}
    sprints["AAA Sprint 1"].goal = SPRINT_GOAL
    sprints["AAA Sprint 2"].name = SPRINT_NAME
    session.add_all([*projects.values(), *items.values(), *sprints.values()])
    session.commit()
    return build_status_report(session, programme=None, now=NOW)


def test_report_figures_and_german_reasons(hostile: StatusReport) -> None:
    assert [p.key for p in hostile.projects] == ["AAA", "BBB", "CCC"]
    assert hostile.programmes == ("mainzDIGITAL (Test)",) and hostile.day == date(2026, 11, 24)
    aaa, bbb, ccc = hostile.projects
    assert aaa.velocity == 5.5 and (aaa.points_done, aaa.points_total) == (18, 36)
    assert aaa.health == "amber"
    schedule, delivery, freshness = aaa.reasons
    assert delivery.rag == "amber" and delivery.reason_code == "say_do_mean"
    assert delivery.reason_de.startswith("Mittlere Say/Do-Quote der letzten 2 Sprints: 0,65")
    assert schedule.rag == "green" and "vor dem Zieltermin (31.03.2027)" in schedule.reason_de
    assert freshness.reason_de.startswith(
        "Letzte erfolgreiche Synchronisierung der Datenquelle vor 2 Std."
    )
    assert aaa.active_sprint is not None and aaa.active_sprint.name == "AAA Sprint 3"
    assert (aaa.active_sprint.committed, aaa.active_sprint.completed) == (19, 5)
    # Open work of the running sprint, largest first: A-8 (5), A-2 (3), A-3 (2), A-7 (none).
    assert [i.key for i in aaa.active_sprint.open_items] == ["A-8", "A-2", "A-3", "A-7"]
    assert aaa.trend.status == "no_snapshots"
    assert bbb.reasons[0].reason_de.startswith("Kein Zieltermin festgelegt")
    assert bbb.reasons[2].reason_de.startswith(
        "Letzte erfolgreiche Synchronisierung der Datenquelle vor 2 Tagen"
    )
    assert ccc.health == "red" and ccc.reasons[2].reason_code == "never_synced"
    assert ccc.reasons[2].reason_de.startswith("1 von 1 Datenquelle(n) noch nie")


def test_html_is_escaped_self_contained_and_printable(hostile: StatusReport) -> None:
    document = render_status_report_html(hostile)

    assert document.startswith("<!DOCTYPE html>") and '<html lang="de">' in document
    assert "<script" not in document.lower()
    assert "&lt;script&gt;alert(&quot;Name&quot;)&lt;/script&gt; &amp; Co" in document
    assert "&lt;script&gt;alert(&#x27;Titel&#x27;)&lt;/script&gt;" in document
    assert "&lt;b&gt;Fett&lt;/b&gt;" in document and "<b>Fett" not in document
    assert "&lt;b&gt;B-1&lt;/b&gt;" not in document  # closed items are not listed
    assert not RESOURCE.search(document), RESOURCE.search(document)
    # The only "http" is the escaped text of the hostile project name.
    assert document.count("http") == document.count("HYPERLINK(&quot;http://evil")
    assert "Stand: 24.11.2026" in document
    assert "@media print" in document and "break-before: page" in document
    assert document.count('<section class="project"') == 3
    assert document.count("<svg") >= 6  # a velocity chart and a progress bar per project
    assert "<svg xmlns" not in document  # inline SVG needs no namespace URL
    for term, _ in de.legend(hostile.thresholds):
        assert f"<dt>{term}</dt>" in document
    assert "5,5 Punkte je Sprint" in document and "Say/Do-Quote 0,65" in document
    assert "31.03.2027" in document


def test_xlsx_has_german_headers_and_neutralises_formulas(hostile: StatusReport) -> None:
    data = render_status_report_xlsx(hostile)
    workbook = load_workbook(io.BytesIO(data))

    assert workbook.sheetnames == ["Portfolio", "AAA", "BBB", "CCC", "Legende"]
    portfolio = workbook["Portfolio"]
    headers = [c.value for c in portfolio[3]]
    assert headers == list(PORTFOLIO_HEADERS)
    rows = {r[0]: r for r in portfolio.iter_rows(min_row=4, values_only=True)}
    assert set(rows) == {"AAA", "BBB", "CCC"}
    column = {name: index for index, name in enumerate(PORTFOLIO_HEADERS)}
    assert rows["AAA"][column["Projekt"]] == SCRIPT_NAME
    assert rows["AAA"][column["Velocity (Punkte)"]] == 5.5
    assert rows["AAA"][column["Zieltermin"]].date() == date(2027, 3, 31)
    assert rows["AAA"][column["Gesamtstatus"]] == "Gelb"
    assert rows["CCC"][column["Ziel"]] == "Ziel mit <b>Fett</b> und Steuerzeichen"

    hostile_cells = [
        c
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value[:1] in ("=", "+", "-", "@", "\t")
    ]
    found = {c.value for c in hostile_cells}
    assert {
        FORMULA_NAME,
        "-Anna @Admin",
        SPRINT_GOAL,
        SPRINT_NAME,
        *FORMULA_TITLES.values(),
    } <= found
    for cell in hostile_cells:
        assert cell.data_type == "s", cell.coordinate
        assert cell.quotePrefix, f"{cell.parent.title}!{cell.coordinate} lacks quotePrefix"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"<f>" in archive.read(n) for n in sheets)

    aaa = workbook["AAA"]
    assert [c.value for c in aaa[3]] == list(SPRINT_HEADERS)
    sprints = list(aaa.iter_rows(min_row=4, max_row=5, values_only=True))
    assert [(r[0], r[1], r[5], r[6]) for r in sprints] == [
        ("AAA Sprint 1", SPRINT_GOAL, 8, 5),
        (SPRINT_NAME, None, 9, 6),  # an empty goal is an empty cell
    ]
    values = [c.value for row in aaa.iter_rows() for c in row]
    assert list(OPEN_ITEM_HEADERS) == values[values.index("Schlüssel") :][:5]
    assert SCRIPT_TITLE in values and "@SUM(A1:A9)" in values


@pytest.mark.parametrize(
    ("text", "risky"),
    [
        ("=HYPERLINK(1)", True),
        ("+1", True),
        ("-2", True),
        ("@SUM", True),
        ("\tTab", True),
        ("\rCR", True),
        ("＝1+1", True),
        ("Plan B", False),
        (" =1", False),
        ("", False),
    ],
)
def test_neutralise_cell_text(text: str, risky: bool) -> None:
    assert neutralise_cell_text(text)[1] is risky


def test_neutralise_drops_characters_xml_cannot_hold() -> None:
    assert neutralise_cell_text("a\x00b\x1fc") == ("abc", False)


def test_unknown_programme_is_named(session: Session) -> None:
    build_handmade(session)
    with pytest.raises(
        NotFoundError, match="'Nope' does not exist; known programmes: mainzDIGITAL"
    ):
        build_status_report(session, programme="Nope", now=NOW)


def test_german_formats() -> None:
    assert de.number(1234.5) == "1.234,5"
    assert de.number(1234567.25, decimals=2) == "1.234.567,25"
    assert de.number(19.0) == "19"
    assert de.number(None) == "–"
    assert de.signed(-8.5) == "\u22128,5" and de.signed(2) == "+2" and de.signed(0) == "0"
    assert de.percent(0.5) == "50\u00a0%"
    assert de.day(date(2026, 11, 24)) == "24.11.2026"
    assert de.age(0.3) == "weniger als einer Stunde" and de.age(72) == "3 Tagen"


def test_pdf_says_clearly_when_chromium_is_missing(hostile: StatusReport, tmp_path: Path) -> None:
    missing = str(tmp_path / "no-chromium")
    support = pdf_support(missing)
    assert not support.available and "apt-get install chromium" in (support.reason or "")
    with pytest.raises(PdfUnavailable, match="PDF export unavailable: no Chromium at"):
        render_status_report_pdf(hostile, executable=missing)


def test_pdf_with_chromium(hostile: StatusReport) -> None:
    if not pdf_support().available:
        pytest.skip("no Chromium here; the PDF export is optional")
    pdf = render_status_report_pdf(hostile)
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000


def test_demo_report_contains_every_project_and_its_trend(demo_db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_db_url.removeprefix("sqlite:///"), path)
    engine = create_db_engine(f"sqlite:///{path}")
    try:
        with Session(engine) as session:
            backfill_demo_snapshots(session, today=DEMO_TODAY)
            report = build_status_report(
                session, programme="mainzDIGITAL", now=demo_snapshot_moment(DEMO_TODAY)
            )
            names = session.exec(select(Project.name)).all()
    finally:
        engine.dispose()
    document = render_status_report_html(report)
    assert len(report.projects) == len(names) == 6
    for name in names:
        assert name.replace("&", "&amp;") in document
    assert all(p.trend.status == "ok" for p in report.projects)
    assert "Seit dem Wochenstand vom 26.10.2026 (4 Wochen)" in document
    assert "http" not in document
    assert re.search(r"\d\.\d{3} Punkten erledigt", document)  # e.g. "von 1.086 Punkten"
    workbook = load_workbook(io.BytesIO(render_status_report_xlsx(report)))
    assert workbook.sheetnames[0] == "Portfolio" and len(workbook.sheetnames) == 8
