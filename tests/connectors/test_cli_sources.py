"""`sprintfolio source add|list` and `sprintfolio sync`: end to end against the fake Jira.

Done means (issue S4): ``source add`` + ``sync`` against a Jira-shaped server
give the sprint figures computed by hand (see test_sync_scenario.py; here
without the "Won't Do" override, so Sprint 2 completes 13 + 2 = 15 points and
the velocity is (12 + 15) / 2 = 13.5).
"""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from models import Source
from sprintfolio import cli, cli_sources
from sprintfolio.config import get_settings
from tests.connectors.conftest import TOKEN, TOKEN_ENV
from tests.connectors.fake_jira import FakeJira

pytestmark = pytest.mark.db

runner = CliRunner()


@pytest.fixture(autouse=True)
def _store(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.delenv("SPRINTFOLIO_TODAY", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _add(jira: FakeJira, *extra: str) -> list[str]:
    kind = "jira-cloud" if jira.flavor == "cloud" else "jira-dc"
    args = [
        "source",
        "add",
        kind,
        "--name",
        "jira-mainz",
        "--url",
        jira.url + "/",
        "--token-env",
        TOKEN_ENV,
        "--board",
        "5",
        *extra,
    ]
    if jira.flavor == "cloud":
        args += ["--email", jira.email]
    return args


def _one_line_error(result: object, *fragments: str) -> None:
    output = result.output  # type: ignore[attr-defined]
    assert result.exit_code == 1, output  # type: ignore[attr-defined]
    assert "Traceback" not in output
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), output
    for fragment in fragments:
        assert fragment in lines[0]
    assert TOKEN not in output


def test_add_sync_and_report_give_the_hand_computed_velocity(jira: FakeJira) -> None:
    added = runner.invoke(cli.app, _add(jira))
    assert added.exit_code == 0, added.output
    kind = "jira-cloud" if jira.flavor == "cloud" else "jira-dc"
    assert f"Added source 'jira-mainz' ({kind}, {jira.url})" in added.output
    assert f"token from ${TOKEN_ENV}" in added.output

    synced = runner.invoke(cli.app, ["sync", "jira-mainz"])
    assert synced.exit_code == 0, synced.output
    line = synced.output.strip().splitlines()[-1]
    assert line.startswith("jira-mainz: full sync ok — 1 pages, 13 items, 63 events, ")
    assert "requests, 0 retries in " in line

    report = runner.invoke(cli.app, ["report", "velocity", "--project", "Bürgerportal Mainz"])
    assert report.exit_code == 0, report.output
    document = json.loads(report.output)
    assert [(s["name"], s["committed"], s["completed"]) for s in document["sprints"]] == [
        ("MZ Sprint 1", 18, 12),
        ("MZ Sprint 2", 20, 15),
    ]
    assert document["velocity"] == 13.5


def test_add_stores_the_variable_name_and_settings(engine: Engine, jira: FakeJira) -> None:
    result = runner.invoke(cli.app, _add(jira, "--board", "6", "--project", "Digitale Verwaltung"))
    assert result.exit_code == 0, result.output
    assert "project 'Digitale Verwaltung' will be created on the first sync" in result.output
    with Session(engine) as session:
        source = session.exec(select(Source)).one()
    assert source.token_env == TOKEN_ENV and source.base_url == jira.url
    assert source.settings["boards"] == [5, 6]
    assert source.settings["project"] == "Digitale Verwaltung"
    assert TOKEN not in repr(source)


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (["--token-env", "ATATT3xFfGF0-secret=4711"], "NAME of an environment variable"),
        (["--url", "mainz.atlassian.net"], "is not an http(s) URL"),
        (["--name", " "], "--name must be 1 to 100 characters"),
    ],
)
def test_add_refuses_bad_input_in_one_line(
    jira: FakeJira, change: list[str], fragment: str
) -> None:
    args = _add(jira)
    position = args.index(change[0])
    args[position + 1] = change[1]
    _one_line_error(runner.invoke(cli.app, args), fragment)


def test_cloud_needs_an_email(jira: FakeJira) -> None:
    args = [
        "source",
        "add",
        "jira-cloud",
        "--name",
        "x",
        "--url",
        jira.url,
        "--token-env",
        TOKEN_ENV,
    ]
    _one_line_error(runner.invoke(cli.app, args), "jira-cloud needs --email")


def test_duplicate_name(jira: FakeJira) -> None:
    assert runner.invoke(cli.app, _add(jira)).exit_code == 0
    _one_line_error(runner.invoke(cli.app, _add(jira)), "exists already")


def test_list_shows_sources_without_tokens(jira: FakeJira, monkeypatch: pytest.MonkeyPatch) -> None:
    assert runner.invoke(cli.app, ["source", "list"]).output.startswith("No sources yet")
    runner.invoke(cli.app, _add(jira))
    listed = runner.invoke(cli.app, ["source", "list"])
    assert listed.exit_code == 0
    assert f"jira-mainz\t{'jira-cloud' if jira.flavor == 'cloud' else 'jira-dc'}" in listed.output
    assert f"${TOKEN_ENV} (set)" in listed.output and "never" in listed.output
    assert TOKEN not in listed.output
    monkeypatch.delenv(TOKEN_ENV)
    assert f"${TOKEN_ENV} (not set)" in runner.invoke(cli.app, ["source", "list"]).output


def test_sync_errors_are_one_line(jira: FakeJira, monkeypatch: pytest.MonkeyPatch) -> None:
    _one_line_error(runner.invoke(cli.app, ["sync"]), "no source to sync")
    runner.invoke(cli.app, _add(jira))
    _one_line_error(runner.invoke(cli.app, ["sync", "jira-x"]), "no such source; known: jira-mainz")
    monkeypatch.setenv(TOKEN_ENV, "wrong")
    result = runner.invoke(cli.app, ["sync"])
    _one_line_error(result, "source 'jira-mainz': 401 Unauthorized", TOKEN_ENV)
    listed = runner.invoke(cli.app, ["source", "list"]).output
    assert "401 Unauthorized" in listed  # the last error, for the admin


def test_sync_every_repeats_until_interrupted(
    jira: FakeJira, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner.invoke(cli.app, _add(jira))
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(cli_sources, "sleep", sleep)
    result = runner.invoke(cli.app, ["sync", "--every", "15m", "--full"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert waits == [900, 900] and lines[-1] == "Stopped."
    assert [line.split(" sync")[0] for line in lines[:-1]] == [
        "jira-mainz: full",
        "jira-mainz: incremental",
    ]


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("15m", 900), ("2h", 7200)])
def test_parse_interval(text: str, seconds: int) -> None:
    assert cli_sources.parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["0m", "15", "1d", "soon"])
def test_parse_interval_refuses(text: str) -> None:
    with pytest.raises(typer.BadParameter):
        cli_sources.parse_interval(text)


def test_progress_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    with cli_sources._progress("jira-mainz") as hook:
        assert hook is None  # captured output is no terminal
    monkeypatch.setattr(cli_sources.sys.stdout, "isatty", lambda: True, raising=False)
    with cli_sources._progress("jira-mainz") as hook:
        assert hook is not None
        hook("items", pages=1, items=4, events=20)
