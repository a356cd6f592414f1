"""The services: the one place pages, the CLI and reports get data from.

Module-level functions, keyword-only, taking the database ``Session``
explicitly and returning frozen dataclasses. Queries are set-based: a page
costs a fixed number of queries, whatever the number of items.
"""

from metrics.health import (
    DEFAULT_THRESHOLDS,
    DimensionHealth,
    HealthThresholds,
    ProjectHealth,
)
from metrics.health import Rag as Level
from sprintfolio.services.errors import NotFoundError, ServiceError
from sprintfolio.services.figures import VelocitySummary
from sprintfolio.services.portfolio import (
    ActiveSprintSummary,
    Progress,
    ProjectSummary,
    portfolio_overview,
)
from sprintfolio.services.projects import (
    ProjectEntry,
    ProjectVelocity,
    SprintEntry,
    SprintVelocity,
    list_projects,
    list_sprints,
    project_velocity,
)
from sprintfolio.services.sprints import (
    CarriedOver,
    ItemRow,
    ScopeChange,
    SprintReport,
    sprint_report,
)

__all__ = [
    "DEFAULT_THRESHOLDS",
    "ActiveSprintSummary",
    "CarriedOver",
    "DimensionHealth",
    "HealthThresholds",
    "ItemRow",
    "Level",
    "NotFoundError",
    "Progress",
    "ProjectEntry",
    "ProjectHealth",
    "ProjectSummary",
    "ProjectVelocity",
    "ScopeChange",
    "ServiceError",
    "SprintEntry",
    "SprintReport",
    "SprintVelocity",
    "VelocitySummary",
    "list_projects",
    "list_sprints",
    "portfolio_overview",
    "project_velocity",
    "sprint_report",
]
