"""Protokoll: who changed what and when (edits, refused attempts, sync runs), with filters."""

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.i18n import fmt_datetime, t
from sprintfolio.services.audit import AuditRow

ANY = ""


def changes_text(row: AuditRow) -> str:
    """The recorded fields as "field: old → new" (values as shown, e.g. names)."""
    parts = [
        t("audit.change", field=c.field, old=c.old_label, new=c.new_label)
        if c.is_change
        else t("audit.value", field=c.field, new=c.new_label)
        for c in row.changes
    ]
    return "; ".join(parts)


st.title(t("audit.title"))
st.caption(t("audit.intro"))
facets = data.or_stop(data.audit_facets)
columns = st.columns(4)


def any_label(value: str) -> str:
    return value or t("items.filter.all")


actor = columns[0].selectbox(
    t("audit.actor"), [ANY, *facets.actors], key="audit_actor", format_func=any_label
)
action = columns[1].selectbox(
    t("audit.action"), [ANY, *facets.actions], key="audit_action", format_func=any_label
)
outcome = columns[2].selectbox(
    t("audit.outcome"), [ANY, *facets.outcomes], key="audit_outcome", format_func=any_label
)
limit = columns[3].number_input(t("audit.limit"), 10, 1000, 200, step=50, key="audit_limit")
rows = data.or_stop(
    lambda: data.audit(
        actor=actor or None, action=action or None, outcome=outcome or None, limit=int(limit)
    )
)
if not rows:
    st.info(t("audit.none"))
    st.stop()
tz = data.zone()
st.dataframe(
    pd.DataFrame(
        {
            t("audit.col.at"): [fmt_datetime(r.at, tz=tz) for r in rows],
            t("audit.actor"): [r.actor for r in rows],
            t("audit.action"): [r.action for r in rows],
            t("audit.col.entity"): [
                r.entity_label or f"{r.entity} {r.entity_id or ''}" for r in rows
            ],
            t("audit.outcome"): [r.outcome for r in rows],
            t("audit.col.changes"): [changes_text(r) for r in rows],
            t("audit.col.note"): [r.note or "" for r in rows],
        }
    ),
    hide_index=True,
    key="audit_table",
)
