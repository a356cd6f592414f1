"""Einträge (team members): the project's board and backlog; edit items singly or in bulk.

Every change goes through the edit service (validation, optimistic locking,
audit, write-back outbox); this page only collects what changed.
"""

import streamlit as st

from dashboard import data
from dashboard.i18n import t
from dashboard.item_table import (
    ASSIGNEE,
    KEY,
    PENDING,
    POINTS,
    SPRINT,
    STATUS,
    TITLE,
    TYPE,
    changed_edits,
    items_frame,
)
from dashboard.widgets import project_picker
from sprintfolio.services.edits import BulkResult


def show_outcome(result: BulkResult, keys: dict[int, str]) -> None:
    """Saved, conflicting and rejected edits in words; conflicts show both values."""
    saved = result.count("ok")
    if saved:
        st.success(t("items.saved", n=saved))
    for entry in result.items:
        key = keys.get(entry.item_id, str(entry.item_id))
        if entry.conflict is not None:
            lines = [
                t("items.conflict.field", field=f.field, wanted=f.wanted, stored=f.stored)
                for f in entry.conflict.fields
            ]
            st.warning(t("items.conflict", key=key) + "\n\n" + "\n".join(f"- {x}" for x in lines))
        if entry.rejection is not None:
            reasons = [
                t("items.rejected.field", field=p.field, reason=t(f"edit.reject.{p.code}"))
                for p in entry.rejection.problems
            ]
            st.error(t("items.rejected", key=key) + " " + "; ".join(reasons))
        if entry.forbidden is not None:
            st.error(t("items.forbidden", key=key))


st.title(t("items.title"))
st.caption(t("items.intro"))
everyone = data.or_stop(data.people)
if not everyone:
    st.info(t("empty.store"))
    st.stop()
actor = st.selectbox(
    t("items.actor"), [p.actor for p in everyone], key="actor", help=t("items.actor.help")
)
projects = data.or_stop(data.projects)
project_key = project_picker(projects)
items = data.or_stop(lambda: data.items(project_key))
values = data.or_stop(lambda: data.editable(project_key))
people = {p.id: p.display_name for p in values.people}
open_sprints = {s.id: s.name for src in values.sources for s in src.sprints}
active = [s.id for src in values.sources for s in src.sprints if s.state == "active"]
statuses = sorted({s.name for src in values.sources for s in src.statuses})
scale = sorted({p for src in values.sources for p in src.points_scale})

filters = st.columns([2, 2, 3])
sprint_filter = filters[0].selectbox(
    t("items.filter.sprint"),
    ["all", "backlog", *open_sprints],
    format_func=lambda v: (
        t("items.filter.all")
        if v == "all"
        else t("items.backlog")
        if v == "backlog"
        else open_sprints[v]
    ),
    index=2 + list(open_sprints).index(active[0]) if active else 0,
    key=f"items_sprint_{project_key}",
)
status_filter = filters[1].multiselect(
    t("items.filter.status"),
    statuses,
    key="items_status",
    placeholder=t("items.filter.status.all"),
)
search = filters[2].text_input(t("items.filter.search"), key="items_search")
shown = [
    i
    for i in items
    if (
        sprint_filter == "all"
        or (sprint_filter == "backlog" and i.sprint_id is None)
        or i.sprint_id == sprint_filter
    )
    and (not status_filter or i.status in status_filter)
    and (not search or search.lower() in f"{i.key} {i.title}".lower())
]
st.caption(t("items.count", shown=len(shown), total=len(items)))
before = items_frame(shown, people, open_sprints)
after = st.data_editor(
    before,
    key=f"items_editor_{project_key}_{sprint_filter}",
    hide_index=True,
    disabled=[t(KEY), t(TYPE), t(PENDING)],
    column_config={
        t(TITLE): st.column_config.TextColumn(width="large", max_chars=1000, required=True),
        t(STATUS): st.column_config.SelectboxColumn(options=statuses, required=True),
        t(POINTS): st.column_config.SelectboxColumn(options=scale),
        t(ASSIGNEE): st.column_config.SelectboxColumn(
            options=[t("value.none"), *sorted(set(people.values()))]
        ),
        t(SPRINT): st.column_config.SelectboxColumn(
            options=[t("items.backlog"), *open_sprints.values()]
        ),
        t(PENDING): st.column_config.CheckboxColumn(help=t("items.col.pending.help")),
    },
)
edits = changed_edits(
    shown,
    before,
    after,
    {name: pid for pid, name in people.items()},
    {name: sid for sid, name in open_sprints.items()},
)
if st.button(t("items.save", n=len(edits)), disabled=not edits, type="primary", key="items_save"):
    result = data.save_edits(actor, edits)
    show_outcome(result, {i.id: i.key for i in items})
    st.button(t("items.reload"), key="items_reload")
