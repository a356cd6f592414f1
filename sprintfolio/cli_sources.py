"""The ``sprintfolio source`` and ``sprintfolio sync`` commands (thin: they call connectors).

Registered in ``sprintfolio.cli`` with ``register(app)``. This module does not
import ``sprintfolio.cli`` at import time (that module imports this one).
"""

import logging
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, Any

import typer
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models import Project, Source
from models.enums import SourceKind
from sprintfolio.services.source_status import sync_refusal

source_app = typer.Typer(help="Manage tracker connections (Jira Cloud, Jira Data Center).")

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")
_INTERVAL = re.compile(r"(\d+)\s*(s|m|h)")

#: How ``sync --every`` waits between rounds (replaced in tests).
sleep: Callable[[float], None] = time.sleep


class TrackerKind(StrEnum):
    JIRA_CLOUD = SourceKind.JIRA_CLOUD.value
    JIRA_DC = SourceKind.JIRA_DC.value


def register(app: typer.Typer) -> None:
    """Add ``source ...`` and ``sync`` to the main command line."""
    app.add_typer(source_app, name="source")
    app.command("sync")(sync)


@contextmanager
def _errors() -> Iterator[None]:
    """``sprintfolio.cli._user_errors`` plus connector errors: one line, exit code 1."""
    from connectors.errors import ConnectorError
    from sprintfolio.cli import _user_errors

    with _user_errors():
        try:
            yield
        except ConnectorError as exc:
            typer.secho(f"Error: {exc}", err=True, fg=typer.colors.RED)
            raise typer.Exit(1) from None


def _store() -> Engine:
    from models.migrate import upgrade_to_head
    from sprintfolio.cli import _open_store, _settings

    engine = _open_store(_settings())
    upgrade_to_head(engine)
    return engine


def _fail(message: str) -> None:
    from sprintfolio.cli import CliError

    raise CliError(message)


@source_app.command("add")
def source_add(
    kind: Annotated[TrackerKind, typer.Argument(help="jira-cloud or jira-dc.")],
    name: Annotated[str, typer.Option("--name", help="A short unique name, e.g. jira-mainz.")],
    url: Annotated[str, typer.Option("--url", help="Base URL, e.g. https://mainz.atlassian.net.")],
    token_env: Annotated[
        str,
        typer.Option(
            "--token-env",
            help="Name of the environment variable that holds the token (never the token).",
        ),
    ],
    email: Annotated[
        str | None, typer.Option("--email", help="Jira Cloud: the e-mail of the token's account.")
    ] = None,
    board: Annotated[
        list[int] | None,
        typer.Option("--board", help="A board id to sync (repeatable; default: all scrum boards)."),
    ] = None,
    project: Annotated[
        str | None,
        typer.Option(
            "--project",
            help="The Sprintfolio project that gets the data (default: one per Jira project).",
        ),
    ] = None,
) -> None:
    """Add a Jira connection; the token stays in the environment variable you name."""
    with _errors():
        name = name.strip()
        if not name or len(name) > 100:
            _fail("--name must be 1 to 100 characters")
        url = url.strip().rstrip("/")
        if not re.match(r"https?://[^\s/]+", url):
            _fail(f"--url {url!r} is not an http(s) URL; e.g. https://mainz.atlassian.net")
        if not _ENV_NAME.fullmatch(token_env):
            _fail(
                "--token-env takes the NAME of an environment variable (letters, digits, "
                "underscores), e.g. SPRINTFOLIO_JIRA_TOKEN — never the token itself"
            )
        if kind is TrackerKind.JIRA_CLOUD and not email:
            _fail("jira-cloud needs --email: the e-mail of the account that owns the API token")
        settings: dict[str, Any] = {}
        if email:
            settings["email"] = email.strip()
        if board:
            settings["boards"] = sorted(set(board))
        engine = _store()
        try:
            with Session(engine) as session:
                if session.exec(select(Source.id).where(col(Source.name) == name)).first():
                    _fail(f"a source named {name!r} exists already; see `sprintfolio source list`")
                note = ""
                if project:
                    settings["project"] = project.strip()
                    found = session.exec(
                        select(Project.name).where(
                            (col(Project.name) == settings["project"])
                            | (col(Project.key) == settings["project"])
                        )
                    ).first()
                    note = (
                        f"; data goes to project {found!r}"
                        if found
                        else f"; project {settings['project']!r} will be created on the first sync"
                    )
                session.add(
                    Source(
                        name=name,
                        kind=kind.value,
                        base_url=url,
                        token_env=token_env,
                        settings=settings,
                    )
                )
                session.commit()
        finally:
            engine.dispose()
    typer.echo(f"Added source {name!r} ({kind.value}, {url}); token from ${token_env}{note}.")
    if not os.environ.get(token_env):
        typer.secho(
            f"Note: {token_env} is not set in this shell; set it where `sprintfolio sync` runs.",
            err=True,
            fg=typer.colors.YELLOW,
        )


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value is not None else "never"


def _row(source: Source) -> tuple[str, ...]:
    token = "-"
    if source.token_env:
        state = "set" if os.environ.get(source.token_env) else "not set"
        token = f"${source.token_env} ({state})"
    return (
        source.name,
        source.kind,
        source.base_url or "",
        token,
        ",".join(str(b) for b in source.settings.get("boards", [])) or "all",
        str(source.settings.get("project") or "per Jira project"),
        _when(source.last_success_at),
        (source.last_error or "")[:120],
    )


@source_app.command("list")
def source_list() -> None:
    """Show the sources with their last sync and last error."""
    with _errors():
        engine = _store()
        try:
            with Session(engine) as session:
                sources = session.exec(select(Source).order_by(col(Source.name))).all()
                rows = [_row(s) for s in sources]
        finally:
            engine.dispose()
    if not rows:
        typer.echo("No sources yet; add one with `sprintfolio source add jira-cloud ...`.")
        return
    headers = ("name", "kind", "url", "token", "boards", "project", "last sync", "last error")
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        table = Table(*headers)
        for row in rows:
            table.add_row(*row)
        Console().print(table)
    else:
        for row in rows:
            typer.echo("\t".join(row))


def parse_interval(text: str) -> float:
    """``15m`` → 900.0 seconds (units s, m, h).

    Raises:
        typer.BadParameter: for anything else.
    """
    match = _INTERVAL.fullmatch(text.strip().lower())
    if not match or int(match.group(1)) == 0:
        raise typer.BadParameter(f"{text!r} is not an interval; write e.g. 30s, 15m or 1h")
    return int(match.group(1)) * {"s": 1, "m": 60, "h": 3600}[match.group(2)]


@contextmanager
def _progress(name: str) -> Iterator[Any]:
    """A rich progress display on a terminal; nothing otherwise."""
    if not sys.stdout.isatty():
        yield None
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[stats]}"),
        TimeElapsedColumn(),
        transient=True,
    ) as progress:
        task = progress.add_task(name, total=None, stats="starting")

        def hook(stage: str, *, pages: int, items: int, events: int) -> None:
            progress.update(task, stats=f"{stage}: {pages} pages, {items} items, {events} events")

        yield hook


def _sync_once(engine: Engine, names: list[str], full: bool) -> bool:
    """Sync each source; print one line per source. True if all succeeded."""
    from connectors.errors import ConnectorError
    from connectors.sync import sync_source

    ok = True
    for name in names:
        try:
            with _progress(name) as hook:
                summary = sync_source(engine, source=name, full=full, progress=hook)
        except ConnectorError as exc:
            typer.secho(f"Error: {exc}", err=True, fg=typer.colors.RED)
            ok = False
            continue
        typer.echo(summary.line())
    return ok


def sync(
    name: Annotated[
        str | None, typer.Argument(help="The source to sync (default: every Jira source).")
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Re-read everything and detect deleted or moved items.")
    ] = False,
    every: Annotated[
        str | None,
        typer.Option("--every", help="Repeat at this interval (e.g. 15m, 1h) until Ctrl-C."),
    ] = None,
) -> None:
    """Pull sources into the store (and push pending edits first); print a summary per source."""
    interval = parse_interval(every) if every is not None else None
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with _errors():
        engine = _store()
        with Session(engine) as session:
            if name is not None:
                from connectors.sync import load_source

                names = [load_source(session, name).name]
            else:
                # Every syncable source; the demo portfolio's sources point at example hosts.
                names = [
                    source.name
                    for source in session.exec(select(Source).order_by(col(Source.name))).all()
                    if sync_refusal(source) is None
                ]
        if not names:
            _fail(
                "no source to sync (demo and local sources are not synced); "
                "add one with `sprintfolio source add jira-cloud ...`"
            )
    try:
        while True:
            ok = _sync_once(engine, names, full)
            if interval is None:
                if not ok:
                    raise typer.Exit(1)
                return
            full = False
            sleep(interval)
    except KeyboardInterrupt:
        typer.echo("Stopped.")
    finally:
        engine.dispose()


__all__ = ["parse_interval", "register", "source_app", "sync"]
