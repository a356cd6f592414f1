"""Widgets shared by the pages: the project picker that follows ``?projekt=KEY`` in the URL."""

from collections.abc import Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from dashboard.i18n import t
from sprintfolio.services import ProjectEntry

#: The query parameter that carries the project between pages and in shared links.
PROJECT_PARAM = "projekt"


def project_picker(projects: Sequence[ProjectEntry], *, where: DeltaGenerator | None = None) -> str:
    """A project select box that starts at ``?projekt=KEY`` and writes the choice back.

    Args:
        projects: The projects to offer (at least one).
        where: The container to draw in (default: the page).

    Returns:
        The chosen project's key.
    """
    names = {p.key: p.name for p in projects}
    keys = list(names)
    wanted = st.query_params.get(PROJECT_PARAM)
    chosen = (where or st).selectbox(
        t("project.picker"),
        keys,
        index=keys.index(wanted) if wanted in names else 0,
        format_func=lambda key: t("project.option", name=names[key], key=key),
        key="project_picker",
    )
    key = chosen if chosen is not None else keys[0]
    if st.query_params.get(PROJECT_PARAM) != key:
        st.query_params[PROJECT_PARAM] = key
    return key
