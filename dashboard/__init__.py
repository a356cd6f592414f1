"""The Streamlit dashboard: ``app.py`` (navigation), ``views/`` (the pages), charts, data, i18n.

Pages read their data only through ``dashboard.data``, which calls
``sprintfolio.services``; every user-visible text comes from ``dashboard.i18n``.

The pages live in ``views/``, not ``pages/``: Streamlit treats a ``pages/``
folder next to the entry script as a legacy multipage app, and a first request
to a page URL after a server start would then run that page alone (no
``st.navigation``, no page setup) until someone opens the root URL.
"""
