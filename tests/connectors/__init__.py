"""Tests of the connectors: HTTP layer, Jira mapping, sync engine, write-back, CLI."""
