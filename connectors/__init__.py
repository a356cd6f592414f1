"""Tracker connectors, the shared HTTP layer and the sync engine (issues S4-S6).

Connectors depend on ``models`` only; they never import the dashboard.
"""
