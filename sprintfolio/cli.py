"""The ``sprintfolio`` command line (thin: it calls models, seed and services)."""

import json
import os
import socket
import sys
import tomllib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from models import DatabaseUrlError, create_db_engine
from models.maintenance import store_is_empty, wipe_store
from models.migrate import upgrade_to_head
from sprintfolio.config import Settings, get_settings, local_today, now_utc
from sprintfolio.services.errors import ServiceError

app = typer.Typer(
    help="Sprintfolio: agile portfolio dashboard for public-sector digitalisation programmes.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Manage the store's schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
report_app = typer.Typer(
    help="Print metrics of a project as JSON (a stable contract, see README) or as tables.",
    no_args_is_help=True,
)
app.add_typer(report_app, name="report")


class ReportFormat(StrEnum):
    JSON = "json"
    TABLE = "table"


ProjectOption = Annotated[str, typer.Option("--project", help="Project key or name.")]
FormatOption = Annotated[
    ReportFormat, typer.Option("--format", help="json (machine-readable) or table.")
]

APP_SCRIPT = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"


class CliError(Exception):
    """A problem the user can fix; printed as one line, without a traceback."""


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn known failures into one-line messages and exit code 1."""
    try:
        yield
    except CliError as exc:
        typer.secho(f"Error: {exc}", err=True, fg=typer.colors.RED)
        raise typer.Exit(1) from None
    except DatabaseUrlError as exc:
        typer.secho(f"Error: {exc}", err=True, fg=typer.colors.RED)
        raise typer.Exit(1) from None
    except ServiceError as exc:
        typer.secho(f"Error: {exc}", err=True, fg=typer.colors.RED)
        raise typer.Exit(1) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        typer.secho(f"Error: setting {where}: {first['msg']}", err=True, fg=typer.colors.RED)
        raise typer.Exit(1) from None


def _settings() -> Settings:
    get_settings.cache_clear()
    return get_settings()


def _describe(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite file {parsed.database}"
    return f"PostgreSQL at {parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database}"


def _open_store(settings: Settings) -> Engine:
    """An engine on the configured store, checked by connecting once."""
    url = settings.database_url
    engine = create_db_engine(url)
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise CliError(f"cannot open the store ({_describe(url)}): {reason}") from None
    return engine


def _seed(engine: Engine, settings: Settings) -> str:
    from sprintfolio.services.demo import install_demo

    today = local_today(settings)
    with Session(engine) as session:
        return install_demo(session, today=today, seed=settings.demo_seed).describe(today)


def _check_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno in (98, 48):  # EADDRINUSE on Linux, macOS
                raise CliError(
                    f"port {port} on {host} is already in use; stop the other program "
                    "or choose another port with --port"
                ) from None
            raise CliError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


STREAMLIT_CONFIG = APP_SCRIPT.parent / "streamlit.toml"


def streamlit_command(host: str, port: int) -> list[str]:
    """The command line that serves the dashboard with the settings of dashboard/streamlit.toml.

    Server address and port come from the arguments; headless mode and "no usage
    statistics" are forced, whatever the file says.
    """
    with STREAMLIT_CONFIG.open("rb") as handle:
        config = tomllib.load(handle)
    config.setdefault("server", {}).update(address=host, port=port, headless=True)
    config.setdefault("browser", {})["gatherUsageStats"] = False
    config.setdefault("global", {})["developmentMode"] = False
    flags: list[str] = []
    for section, values in config.items():
        for key, value in values.items():
            text = str(value).lower() if isinstance(value, bool) else str(value)
            flags += [f"--{section}.{key}", text]
    return [sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT), *flags]


def _exec(command: list[str]) -> None:  # pragma: no cover - replaces the process
    os.execv(command[0], command)


#: Replaced in tests so that ``up`` does not start a server.
start_process: Callable[[list[str]], None] = _exec


@app.command()
def up(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8501,
) -> None:
    """Create or upgrade the store, seed the demo portfolio once if empty, start the dashboard."""
    with _user_errors():
        settings = _settings()
        _check_port_free(host, port)
        engine = _open_store(settings)
        upgrade_to_head(engine)
        with Session(engine) as session:
            empty = store_is_empty(session)
        if empty:
            typer.echo(_seed(engine, settings))
        engine.dispose()
        typer.echo(f"Sprintfolio on {_describe(settings.database_url)}: http://{host}:{port}")
    start_process(streamlit_command(host, port))


@app.command()
def seed(
    reset: Annotated[
        bool, typer.Option("--reset", help="Delete everything in the store first.")
    ] = False,
) -> None:
    """Fill the store with the deterministic Mainz demo portfolio."""
    from seed import StoreNotEmpty

    with _user_errors():
        settings = _settings()
        engine = _open_store(settings)
        upgrade_to_head(engine)
        if reset:
            wipe_store(engine)
        try:
            typer.echo(_seed(engine, settings))
        except StoreNotEmpty as exc:
            raise CliError(str(exc)) from None
        finally:
            engine.dispose()


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create the schema or apply the migrations it lacks."""
    from models.migrate import current_revision

    with _user_errors():
        settings = _settings()
        engine = _open_store(settings)
        upgrade_to_head(engine)
        typer.echo(f"{_describe(settings.database_url)} is at revision {current_revision(engine)}.")
        engine.dispose()


def _print_report(
    kind: str, build: Callable[[Session, datetime], Mapping[str, Any]], output: ReportFormat
) -> None:
    from rich.console import Console

    from sprintfolio.report_tables import render_report

    with _user_errors():
        settings = _settings()
        engine = _open_store(settings)
        try:
            with Session(engine) as session:
                document = build(session, now_utc(settings))
        finally:
            engine.dispose()
    if output is ReportFormat.JSON:
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        render_report(kind, document, Console())


@report_app.command("sprint")
def report_sprint(
    project: ProjectOption,
    sprint: Annotated[str, typer.Option("--sprint", help="Sprint name, e.g. 'GIS Sprint 12'.")],
    output: FormatOption = ReportFormat.JSON,
) -> None:
    """Sprint figures (points and items) and the remaining work per day."""
    from sprintfolio.services.reports import sprint_report_json

    _print_report(
        "sprint",
        lambda s, now: sprint_report_json(s, project=project, sprint=sprint, now=now),
        output,
    )


@report_app.command("velocity")
def report_velocity(project: ProjectOption, output: FormatOption = ReportFormat.JSON) -> None:
    """Committed and completed points of the closed sprints, and the velocity."""
    from sprintfolio.services.reports import velocity_report_json

    _print_report("velocity", lambda s, _now: velocity_report_json(s, project=project), output)


@report_app.command("flow")
def report_flow(project: ProjectOption, output: FormatOption = ReportFormat.JSON) -> None:
    """Cycle and lead time per item, throughput per ISO week and the cumulative flow."""
    from sprintfolio.services.reports import flow_report_json

    _print_report("flow", lambda s, now: flow_report_json(s, project=project, now=now), output)


@report_app.command("forecast")
def report_forecast(
    project: ProjectOption,
    items: Annotated[
        int | None, typer.Option("--items", min=0, help="When will N items be done?")
    ] = None,
    until: Annotated[
        datetime | None,
        typer.Option("--date", formats=["%Y-%m-%d"], help="How many items by this date?"),
    ] = None,
    output: FormatOption = ReportFormat.JSON,
) -> None:
    """Monte Carlo forecast: dates for N items (default: the open items) or counts by a date."""
    from sprintfolio.services.reports import forecast_report_json

    if items is not None and until is not None:
        typer.secho("Error: give --items or --date, not both", err=True, fg=typer.colors.RED)
        raise typer.Exit(2)
    day: date | None = until.date() if until is not None else None
    _print_report(
        "forecast",
        lambda s, now: forecast_report_json(s, project=project, now=now, items=items, until=day),
        output,
    )


from sprintfolio.cli_sources import register as _register_sources  # noqa: E402

_register_sources(app)
