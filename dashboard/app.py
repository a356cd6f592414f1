"""Sprintfolio's Streamlit entry: page setup and navigation.

Pages: Portfolio, Projekt, Sprint, Einträge, Protokoll, Quellen.

Run with ``sprintfolio up`` or ``streamlit run dashboard/app.py``; the store is
``DATABASE_URL`` (see ``sprintfolio.config``).
"""

import streamlit as st

from dashboard.i18n import t

st.set_page_config(layout="wide", page_title=t("app.title"), page_icon="📊")

PAGES = [
    st.Page(
        "views/portfolio.py",
        title=t("nav.portfolio"),
        icon=":material/dashboard:",
        default=True,
    ),
    st.Page(
        "views/projekt.py",
        title=t("nav.project"),
        icon=":material/folder_open:",
        url_path="projekt",
    ),
    st.Page("views/sprint.py", title=t("nav.sprint"), icon=":material/sprint:", url_path="sprint"),
    st.Page(
        "views/eintraege.py", title=t("nav.items"), icon=":material/list:", url_path="eintraege"
    ),
    st.Page(
        "views/protokoll.py",
        title=t("nav.audit"),
        icon=":material/history:",
        url_path="protokoll",
    ),
    st.Page("views/quellen.py", title=t("nav.sources"), icon=":material/sync:", url_path="quellen"),
]

# Navigation at the top: the wide tables of the portfolio get the whole window.
st.navigation(PAGES, position="top").run()
