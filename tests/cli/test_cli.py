"""The command line: help texts, one-line errors, `up` preparing the store, `seed --reset`."""

import socket
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from typer.main import get_command
from typer.testing import CliRunner

from models.maintenance import content_digest
from sprintfolio import cli
from sprintfolio.config import get_settings
from tests.conftest import DEMO_TODAY

runner = CliRunner()


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SPRINTFOLIO_TODAY", DEMO_TODAY.isoformat())
    get_settings.cache_clear()


def _all_command_paths() -> list[list[str]]:
    root = get_command(cli.app)
    paths: list[list[str]] = []

    def walk(group: object, prefix: list[str]) -> None:
        for name, command in getattr(group, "commands", {}).items():
            paths.append([*prefix, name])
            walk(command, [*prefix, name])

    walk(root, [])
    return paths


def test_every_command_has_help_text() -> None:
    paths = _all_command_paths()
    assert ["up"] in paths and ["seed"] in paths and ["db", "upgrade"] in paths
    for path in paths:
        result = runner.invoke(cli.app, [*path, "--help"])
        assert result.exit_code == 0, path
        command = get_command(cli.app)
        for name in path:
            command = command.commands[name]  # type: ignore[attr-defined]
        assert command.help, f"`sprintfolio {' '.join(path)}` has no help text"


def test_bad_database_url_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://nobody@localhost/x")
    result = runner.invoke(cli.app, ["db", "upgrade"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "mysql" in lines[0] and "sqlite" in lines[0]


def test_garbage_database_url_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "not a url")
    result = runner.invoke(cli.app, ["seed"])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "is not a database URL" in result.output


def test_unreachable_postgres_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody:s3cret@127.0.0.1:1/none")
    result = runner.invoke(cli.app, ["db", "upgrade"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot open the store (PostgreSQL at 127.0.0.1:1")
    assert "s3cret" not in result.output
    assert result.output.count("\n") == 1


def test_port_in_use_is_one_line() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(cli.app, ["up", "--port", str(port)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: port {port} on 127.0.0.1 is already in use; stop the other program "
        "or choose another port with --port\n"
    )


def test_up_migrates_seeds_once_and_starts_headless(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    started: list[list[str]] = []
    monkeypatch.setattr(cli, "start_process", started.append)
    first = runner.invoke(cli.app, ["up", "--port", "0"])
    assert first.exit_code == 0, first.output
    assert "Seeded the Mainz demo portfolio" in first.output
    assert (tmp_path / "data" / "sprintfolio.db").exists()
    second = runner.invoke(cli.app, ["up", "--port", "0"])
    assert second.exit_code == 0, second.output
    assert "Seeded" not in second.output
    command = started[-1]
    assert command[command.index("--server.headless") + 1] == "true"
    assert command[command.index("--browser.gatherUsageStats") + 1] == "false"
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
    assert Path(command[4]).name == "app.py" and Path(command[4]).exists()


def test_seed_without_reset_refuses_a_filled_store() -> None:
    assert runner.invoke(cli.app, ["seed"]).exit_code == 0
    again = runner.invoke(cli.app, ["seed"])
    assert again.exit_code == 1
    assert "--reset" in again.output and "Traceback" not in again.output


@pytest.mark.db
def test_seed_reset_twice_gives_identical_content(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    digests = []
    for _ in range(2):
        result = runner.invoke(cli.app, ["seed", "--reset"])
        assert result.exit_code == 0, result.output
        digests.append(content_digest(engine))
    assert digests[0] == digests[1]
