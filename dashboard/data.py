"""The dashboard's access to the services: one cached engine, cached query results.

Pages call these functions, never the store. Results are frozen dataclasses
cached for 60 s per (database, moment, arguments); "now" is rounded to the
minute so that the cache is shared within a minute.
"""

from collections.abc import Callable
from datetime import datetime
from typing import NoReturn, TypeVar
from zoneinfo import ZoneInfo

import streamlit as st
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from dashboard.i18n import t
from metrics.errors import MetricsError
from models import DatabaseUrlError, create_db_engine
from sprintfolio.config import get_settings, now_utc
from sprintfolio.services import (
    ProjectEntry,
    ProjectSummary,
    ProjectVelocity,
    ServiceError,
    SprintEntry,
    SprintReport,
    list_projects,
    list_sprints,
    portfolio_overview,
    project_velocity,
    sprint_report,
)
from sprintfolio.services.audit import AuditFacets, AuditRow, list_audit
from sprintfolio.services.audit import audit_facets as load_audit_facets
from sprintfolio.services.edits import (
    BulkResult,
    EditableItem,
    EditableValues,
    ItemEdit,
    bulk_edit,
    editable_values,
)
from sprintfolio.services.flow import ProjectFlow, ProjectForecast, project_flow, project_forecast
from sprintfolio.services.items import list_items
from sprintfolio.services.people import PersonEntry, list_people
from sprintfolio.services.source_status import (
    SourceStatus,
    SyncNowResult,
    list_sources,
    run_sync_now,
)

CACHE_TTL_S = 60

#: Failures a page shows with ``st.error`` (domain errors and an unreachable store).
DATA_ERRORS = (ServiceError, MetricsError, DatabaseUrlError, SQLAlchemyError)

T = TypeVar("T")


def fail(exc: Exception) -> NoReturn:
    """Show a data error in words (no traceback) and end the page run."""
    if isinstance(exc, SQLAlchemyError | DatabaseUrlError):
        st.error(t("error.store", detail=str(exc).splitlines()[0]))
    else:
        st.error(t("error.service", detail=exc))
    st.stop()


def or_stop(load: Callable[[], T]) -> T:
    """``load()``, or an error message and the end of the page run if it fails."""
    try:
        return load()
    except DATA_ERRORS as exc:
        fail(exc)


@st.cache_resource(show_spinner=False)
def engine_for(url: str) -> Engine:
    """One engine (and connection pool) per database URL for the whole server."""
    return create_db_engine(url)


def database_url() -> str:
    return get_settings().database_url


def zone() -> ZoneInfo:
    """The zone in which the programme counts its days (Europe/Berlin)."""
    return ZoneInfo(get_settings().timezone)


def current_moment() -> datetime:
    """Now (or SPRINTFOLIO_TODAY at noon), to the minute."""
    return now_utc().replace(second=0, microsecond=0)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def _projects(url: str) -> list[ProjectEntry]:
    with Session(engine_for(url)) as session:
        return list_projects(session)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def _overview(url: str, now: datetime, tz: str) -> list[ProjectSummary]:
    with Session(engine_for(url)) as session:
        return portfolio_overview(session, now=now, tz=ZoneInfo(tz))


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def _velocity(url: str, project_key: str) -> ProjectVelocity:
    with Session(engine_for(url)) as session:
        return project_velocity(session, project_key=project_key)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def _sprints(url: str, project_key: str) -> list[SprintEntry]:
    with Session(engine_for(url)) as session:
        return list_sprints(session, project_key=project_key)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def _report(url: str, sprint_id: int, now: datetime, tz: str) -> SprintReport:
    with Session(engine_for(url)) as session:
        return sprint_report(session, sprint_id=sprint_id, now=now, tz=ZoneInfo(tz))


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def _flow(url: str, project_key: str, now: datetime) -> ProjectFlow:
    with Session(engine_for(url)) as session:
        return project_flow(session, project_key=project_key, now=now)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def _forecast(url: str, project_key: str, now: datetime) -> ProjectForecast:
    with Session(engine_for(url)) as session:
        return project_forecast(session, project_key=project_key, now=now)


def flow(project_key: str) -> ProjectFlow:
    """Cycle and lead times, throughput, CFD, WIP and burnup of a project (cached)."""
    return _flow(database_url(), project_key, current_moment())


def forecast(project_key: str) -> ProjectForecast:
    """The Monte Carlo forecasts of a project (cached)."""
    return _forecast(database_url(), project_key, current_moment())


def projects() -> list[ProjectEntry]:
    return _projects(database_url())


def overview() -> list[ProjectSummary]:
    return _overview(database_url(), current_moment(), get_settings().timezone)


def velocity(project_key: str) -> ProjectVelocity:
    return _velocity(database_url(), project_key)


def sprints(project_key: str) -> list[SprintEntry]:
    return _sprints(database_url(), project_key)


def report(sprint_id: int) -> SprintReport:
    return _report(database_url(), sprint_id, current_moment(), get_settings().timezone)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def _sources(url: str, now: datetime) -> list[SourceStatus]:
    with Session(engine_for(url)) as session:
        return list_sources(session, now=now)


def sources() -> list[SourceStatus]:
    """Every source with freshness, last error, recent runs and write-back queue (cached)."""
    return _sources(database_url(), current_moment())


def sync_now(source_name: str) -> SyncNowResult:
    """Sync one source now and drop the cached pages, which may all change."""
    result = run_sync_now(engine_for(database_url()), source_name=source_name)
    st.cache_data.clear()
    return result


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def _items(url: str, project_key: str) -> list[EditableItem]:
    with Session(engine_for(url)) as session:
        return list_items(session, project_key=project_key)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def _editable(url: str, project_key: str) -> EditableValues:
    with Session(engine_for(url)) as session:
        return editable_values(session, project_key=project_key)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def _people(url: str) -> list[PersonEntry]:
    with Session(engine_for(url)) as session:
        return list_people(session)


def items(project_key: str) -> list[EditableItem]:
    """The project's items with their versions (cached until the next edit)."""
    return _items(database_url(), project_key)


def editable(project_key: str) -> EditableValues:
    """Statuses, points scale, open sprints and people a form may offer."""
    return _editable(database_url(), project_key)


def people() -> list[PersonEntry]:
    """Everybody who can sign in (the picker until issue S7 brings real sign-in)."""
    return _people(database_url())


def save_edits(actor: str, edits: list[ItemEdit]) -> BulkResult:
    """Apply edits through the edit service, then drop every cached page (figures change)."""
    with Session(engine_for(database_url())) as session:
        result = bulk_edit(session, actor=actor, edits=edits, now=now_utc())
    st.cache_data.clear()
    return result


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def _audit(
    url: str, actor: str | None, action: str | None, outcome: str | None, limit: int
) -> list[AuditRow]:
    with Session(engine_for(url)) as session:
        return list_audit(session, actor=actor, action=action, outcome=outcome, limit=limit)


def audit(
    *,
    actor: str | None = None,
    action: str | None = None,
    outcome: str | None = None,
    limit: int = 200,
) -> list[AuditRow]:
    """Audit entries, newest first, filtered (cached until the next edit)."""
    return _audit(database_url(), actor, action, outcome, limit)


@st.cache_data(ttl=CACHE_TTL_S, show_spinner=False)
def _audit_facets(url: str) -> AuditFacets:
    with Session(engine_for(url)) as session:
        return load_audit_facets(session)


def audit_facets() -> AuditFacets:
    """The actors, actions and outcomes the audit trail holds, for the filters."""
    return _audit_facets(database_url())
