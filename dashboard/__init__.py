"""The Streamlit dashboard: ``app.py`` (navigation), ``pages/``, charts, data access, i18n.

Pages read their data only through ``dashboard.data``, which calls
``sprintfolio.services``; every user-visible text comes from ``dashboard.i18n``.
"""
