"""The message catalogue: every key used exists; pages carry no hard-coded UI text.

A static check over ``dashboard/`` (AST, no Streamlit run), plus the German formats.
"""

import ast
import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dashboard.i18n import (
    CATALOGUES,
    DEFAULT_LOCALE,
    MissingMessage,
    fmt_date,
    fmt_datetime,
    fmt_number,
    fmt_percent,
    fmt_points,
    fmt_ratio,
    fmt_signed,
    t,
    tn,
)

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"
SOURCES = sorted(p for p in DASHBOARD.rglob("*.py") if p.name != "i18n.py")
CATALOGUE = CATALOGUES[DEFAULT_LOCALE]

#: Calls that put text on the screen (Streamlit elements, column configs, plotly texts).
UI_CALLS = {
    "title", "header", "subheader", "caption", "markdown", "write", "text", "metric", "info",
    "warning", "error", "success", "toast", "selectbox", "multiselect", "pills", "radio",
    "segmented_control", "button", "page_link", "link_button", "expander", "tabs", "popover",
    "set_page_config", "Page", "TextColumn", "NumberColumn", "ProgressColumn", "DateColumn",
    "LinkColumn", "add_bar", "add_scatter", "add_annotation", "add_hrect", "add_vrect",
    "update_layout", "update_xaxes", "update_yaxes", "text_input", "number_input",
}  # fmt: skip
#: Keyword arguments of those calls that are shown as text (positional ones always are).
TEXT_KWARGS = {
    "label", "help", "placeholder", "body", "title", "caption", "page_title", "text", "value",
    "name", "annotation_text", "xaxis_title", "yaxis_title", "display_text", "hovertext",
    "delta", "delta_description", "options",
}  # fmt: skip
#: Literal arguments that are not UI text: page paths and Material icon names.
ALLOWED_LITERAL = re.compile(r"^(views/\w+\.py|:material/\w+:)$")
LETTERS = re.compile(r"[A-Za-zÄÖÜäöüß]{2,}")


def _calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def _call_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    if isinstance(call.func, ast.Name):
        return call.func.id
    return None


def _literal_text(node: ast.expr) -> str | None:
    """The visible literal text of an argument (plain or f-string parts), if any."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
    if isinstance(node, ast.BinOp):
        parts = [_literal_text(node.left), _literal_text(node.right)]
        return "".join(p for p in parts if p)
    return None


def test_dashboard_sources_are_found() -> None:
    names = {p.relative_to(DASHBOARD).as_posix() for p in SOURCES}
    assert {"app.py", "views/portfolio.py", "views/projekt.py", "views/sprint.py"} <= names


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(DASHBOARD).as_posix())
def test_every_catalogue_key_used_exists(path: Path) -> None:
    for call in _calls(path):
        if _call_name(call) not in ("t", "tn") or not call.args:
            continue
        key = call.args[0]
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            keys = (
                [key.value]
                if _call_name(call) == "t"
                else [f"{key.value}.one", f"{key.value}.other"]
            )
            for k in keys:
                assert k in CATALOGUE, f"{path.name}:{call.lineno}: unknown key {k!r}"
        elif isinstance(key, ast.JoinedStr):
            first = key.values[0]
            assert isinstance(first, ast.Constant), f"{path.name}:{call.lineno}: dynamic key"
            prefix = str(first.value)
            assert any(k.startswith(prefix) for k in CATALOGUE), (
                f"{path.name}:{call.lineno}: no key starts with {prefix!r}"
            )


def ui_text_offences(path: Path) -> list[str]:
    """Literal words passed as text to a call that shows text."""
    offences = []
    for call in _calls(path):
        if _call_name(call) not in UI_CALLS:
            continue
        arguments = [(None, a) for a in call.args]
        arguments += [(k.arg, k.value) for k in call.keywords if k.arg in TEXT_KWARGS]
        for name, node in arguments:
            text = _literal_text(node)
            if text and LETTERS.search(text) and not ALLOWED_LITERAL.match(text):
                offences.append(f"{path.name}:{call.lineno} {_call_name(call)}({name}={text!r})")
    return offences


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(DASHBOARD).as_posix())
def test_no_hard_coded_ui_text(path: Path) -> None:
    offences = ui_text_offences(path)
    assert offences == [], "UI text belongs in dashboard/i18n.py: " + "; ".join(offences)


def test_the_check_catches_offences(tmp_path: Path) -> None:
    """The check flags literal labels and accepts catalogue calls, page paths and icons."""
    sample = tmp_path / "page.py"
    sample.write_text(
        'st.metric("Zugesagt", 3)\ncol.caption(f"{n} Einträge")\nst.title(t("portfolio.title"))\n'
        'st.page_link("views/projekt.py", icon=":material/home:", label=t("nav.project"))\n'
        'fig.add_bar(x=[1], name="Erledigt", key="bars")\n',
        encoding="utf-8",
    )
    assert [o.split(" ", 1)[1] for o in ui_text_offences(sample)] == [
        "metric(None='Zugesagt')",
        "caption(None=' Einträge')",
        "add_bar(name='Erledigt')",
    ]


def test_no_unsafe_html_and_no_store_access_in_dashboard() -> None:
    """Tracker texts are never rendered as HTML; pages reach the store only via services."""
    for path in SOURCES:
        source = path.read_text(encoding="utf-8")
        assert "unsafe_allow_html" not in source, path
        assert "st.html" not in source, path
        if path.parent.name == "views":
            tree = ast.parse(source)
            imported = {
                alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names
            } | {
                node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
            }  # fmt: skip
            forbidden = {m for m in imported if m.split(".")[0] in ("sqlmodel", "sqlalchemy")}
            forbidden |= {m for m in imported if m.split(".")[0] == "models"}
            assert not forbidden, f"{path.name} imports {forbidden}; call a service instead"


def test_missing_key_fails_loudly() -> None:
    with pytest.raises(MissingMessage, match="'nope'"):
        t("nope")


def test_placeholders_and_plurals_are_filled() -> None:
    assert t("metric.value", points="5") == "5 SP"
    assert t("status.green") == "🟢 im Plan"
    assert (tn("metric.items", 1), tn("metric.items", 3)) == ("1 Eintrag", "3 Einträge")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(19.0, "19"), (2.5, "2,5"), (1234.5, "1.234,5"), (None, "–"), (0.0, "0"), (5.55, "5,6")],
)
def test_numbers_have_a_decimal_comma(value: float | None, expected: str) -> None:
    assert fmt_number(value) == expected


def test_other_formats() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    assert fmt_points(13) == "13"
    assert fmt_ratio(0.625) == "0,63"
    assert fmt_percent(0.5) == "50\u00a0%"
    assert (fmt_signed(2), fmt_signed(-8)) == ("+2", "−8")
    assert fmt_date(date(2026, 11, 24)) == "24.11.2026"
    # 23:30 UTC is already the next day in Mainz.
    assert fmt_date(datetime(2026, 11, 23, 23, 30, tzinfo=UTC), tz=berlin) == "24.11.2026"
    assert fmt_datetime(datetime(2026, 11, 24, 11, tzinfo=UTC), tz=berlin) == "24.11.2026 12:00"
