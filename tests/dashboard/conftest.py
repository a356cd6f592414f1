"""Fixtures shared by the dashboard tests."""

from tests.dashboard.test_pages import app, use_store  # noqa: F401  (fixtures)
