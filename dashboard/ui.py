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
    DimensionHealth,
    ItemRow,
    Level,
    ProjectHealth,
)


def status_label(level: Level) -> str:
    """Icon and word for a level, e.g. "🟢 im Plan" (never colour alone)."""
    return t(f"status.{level}")


def reason_text(signal: DimensionHealth) -> str:
    """Why a health dimension has its colour, in words (by its reason code and values)."""
    code, values = signal.reason_code, signal.values
    if code == "on_or_before_target":
        days = int(values.get("days_early", 0))
        return t("reason.on_or_before_target", days=days) if days else t("reason.on_target")
    if code in ("late_within_tolerance", "late_by_days"):
        return t(
            f"reason.{code}",
            days=int(values["days"]),
            tolerance=fmt_number(values.get("tolerance_days"), decimals=0),
        )
    if code == "say_do_mean":
        few = values["sprints"] < DEFAULT_THRESHOLDS.delivery_window_sprints
        return t(
            "reason.say_do_mean.few" if few else "reason.say_do_mean",
            ratio=fmt_ratio(values["mean"]),
            sprints=int(values["sprints"]),
            green=fmt_number(DEFAULT_THRESHOLDS.delivery_green_min, decimals=2),
        )
    if code == "oldest_sync_age":
        return t("reason.oldest_sync_age", age=fmt_age(values["hours"]))
    if code == "never_synced":
        return t(
            "reason.never_synced", never=int(values["never_synced"]), sources=int(values["sources"])
        )
    return t(f"reason.{code}")


def signal_line(signal: DimensionHealth) -> str:
    """One signal in words, e.g. "Lieferung: Say/Do Ø 0,65 …"."""
    return t(
        "reason.line", dimension=t(f"dimension.{signal.dimension}"), reason=reason_text(signal)
    )


def health_reason(health: ProjectHealth, *, freshness_shown: bool = False) -> str:
    """Why the project has its overall level: the lines of the signals that set it.

    With ``freshness_shown`` (a table with its own freshness column), the
    freshness line is left out unless it alone sets the level.
    """
    drivers = [d for d in health.dimensions if d.dimension in health.overall_from]
    if not drivers:
        drivers = list(health.dimensions)
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
