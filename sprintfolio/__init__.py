"""Sprintfolio core: settings, the command line and the services that pages and reports call."""

__version__ = "0.1.0"
