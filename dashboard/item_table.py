"""The editable item table of the Einträge page: build it, and turn edited rows into ItemEdits.

Pure functions (no Streamlit calls), so they are tested directly.
"""

import math

import pandas as pd

from dashboard import ui
from dashboard.i18n import t
from sprintfolio.services.edits import UNSET, EditableItem, ItemEdit

KEY, TITLE, TYPE, STATUS, POINTS, ASSIGNEE, SPRINT, PENDING = (
    "col.item", "col.title", "col.type", "col.status_name", "col.points", "col.assignee",
    "col.sprint_name", "items.col.pending",
)  # fmt: skip


def _points(value: object) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)  # type: ignore[arg-type]


def items_frame(
    items: list[EditableItem], people: dict[int, str], sprints: dict[int, str]
) -> pd.DataFrame:
    """The editable table: one row per item, indexed by item id."""
    backlog = t("items.backlog")
    return pd.DataFrame(
        {
            t(KEY): [i.key for i in items],
            t(TITLE): [i.title for i in items],
            t(TYPE): [ui.item_type_label(i.type) for i in items],
            t(STATUS): [i.status for i in items],
            t(POINTS): [i.points for i in items],
            t(ASSIGNEE): [people.get(i.assignee_id or 0, t("value.none")) for i in items],
            t(SPRINT): [sprints.get(i.sprint_id or 0, backlog) for i in items],
            t(PENDING): [i.pending_write_back for i in items],
        },
        index=[i.id for i in items],
    )


def changed_edits(
    items: list[EditableItem],
    before: pd.DataFrame,
    after: pd.DataFrame,
    people: dict[str, int],
    sprints: dict[str, int],
) -> list[ItemEdit]:
    """One ItemEdit per row whose values differ, carrying the version and the values seen."""
    by_id = {i.id: i for i in items}
    edits = []
    for item_id, row in after.iterrows():
        old = before.loc[item_id]
        if row.equals(old):
            continue
        item = by_id[int(item_id)]  # type: ignore[arg-type]
        new_points = _points(row[t(POINTS)])
        edits.append(
            item.edit(
                title=row[t(TITLE)] if row[t(TITLE)] != old[t(TITLE)] else None,
                status=row[t(STATUS)] if row[t(STATUS)] != old[t(STATUS)] else None,
                points=new_points if new_points != _points(old[t(POINTS)]) else UNSET,
                assignee_id=(
                    people.get(row[t(ASSIGNEE)]) if row[t(ASSIGNEE)] != old[t(ASSIGNEE)] else UNSET
                ),
                sprint_id=(
                    sprints.get(row[t(SPRINT)]) if row[t(SPRINT)] != old[t(SPRINT)] else UNSET
                ),
            )
        )
    return edits
