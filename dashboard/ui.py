"""Small presentation helpers shared by the pages: status texts, item tables.

Pure functions from service values to texts and frames; every text comes from
the catalogue (``dashboard.i18n``). Tracker texts (titles, names) are passed
to ``st.dataframe`` as cell values, which Streamlit shows as plain text.
"""

from collections.abc import Sequence

import pandas as pd

from dashboard.i18n import fmt_age, fmt_number, fmt_points, fmt_ratio, t
from sprintfolio.services import (
    DEFAULT_THRESHOLDS,
    HealthSignal,
    ItemRow,
    Level,
    ProjectHealth,
)


def status_label(level: Level) -> str:
    """Icon and word for a level, e.g. "🟢 im Plan" (never colour alone)."""
    return t(f"status.{level}")


def reason_text(signal: HealthSignal) -> str:
    """Why a health signal has its level, in words."""
    if signal.reason == "say_do":
        few = signal.sprints < DEFAULT_THRESHOLDS.delivery_window
        return t(
            "reason.say_do.few" if few else "reason.say_do",
            ratio=fmt_ratio(signal.value),
            sprints=signal.sprints,
            green=fmt_number(signal.threshold_green, decimals=2),
        )
    if signal.reason == "synced":
        return t("reason.synced", source=signal.source, age=fmt_age(signal.value or 0.0))
    if signal.reason == "never_synced":
        return t("reason.never_synced", source=signal.source)
    return t(f"reason.{signal.reason}")


def signal_line(signal: HealthSignal) -> str:
    """One signal in words, e.g. "Lieferung: Say/Do Ø 0,65 …"."""
    return t(
        "reason.line", dimension=t(f"dimension.{signal.dimension}"), reason=reason_text(signal)
    )


def health_reason(health: ProjectHealth, *, freshness_shown: bool = False) -> str:
    """Why the project has its overall level: the lines of the signals that set it.

    With ``freshness_shown`` (a table with its own freshness column), the
    freshness line is left out unless it alone sets the level.
    """
    drivers = list(health.drivers)
    if freshness_shown and len(drivers) > 1:
        drivers = [s for s in drivers if s.dimension != "freshness"]
    return "; ".join(signal_line(s) for s in drivers)


def item_type_label(item_type: str) -> str:
    """The German name of an item type (the raw type if unknown)."""
    key = f"type.{item_type}"
    try:
        return t(key)
    except KeyError:
        return item_type


def items_frame(rows: Sequence[ItemRow]) -> pd.DataFrame:
    """A table of items: key, title, type, status, points, assignee (titles as plain text)."""
    return pd.DataFrame(
        {
            t("col.item"): [r.key for r in rows],
            t("col.title"): [r.title for r in rows],
            t("col.type"): [item_type_label(r.type) for r in rows],
            t("col.status_name"): [r.status for r in rows],
            t("col.points"): [fmt_points(r.points) for r in rows],
            t("col.assignee"): [r.assignee or t("value.none") for r in rows],
        }
    )


_MARKDOWN_SPECIAL = set("\\`*_{}[]()<>#+-.!|~$:")


def escape_markdown(text: str) -> str:
    """``text`` with every Markdown special character escaped, for labels and headings.

    Streamlit renders labels, titles and ``st.markdown`` as Markdown; a tracker
    text passed there must show literally (no links, no emphasis, no HTML).
    """
    return "".join(f"\\{c}" if c in _MARKDOWN_SPECIAL else c for c in text)
