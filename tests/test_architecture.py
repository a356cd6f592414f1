"""The dependency rules of ARCHITECTURE.md and STYLE.md section 1, checked on the source.

The purity of metrics/ is checked in tests/metrics/test_purity.py.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_there_is_something_to_check() -> None:
    assert _python_files("metrics") and _python_files("dashboard") and _python_files("models")


@pytest.mark.parametrize("path", _python_files("connectors"), ids=lambda p: p.name)
def test_connectors_never_import_the_dashboard(path: Path) -> None:
    assert not _imported_roots(path) & {"dashboard", "streamlit"}


@pytest.mark.parametrize(
    "path", sorted((ROOT / "dashboard" / "views").rglob("*.py")), ids=lambda p: p.name
)
def test_pages_call_services_not_sql_or_connectors(path: Path) -> None:
    forbidden = {"sqlalchemy", "sqlmodel", "models", "connectors", "psycopg", "sqlite3"}
    assert not _imported_roots(path) & forbidden, f"{path.name}: use sprintfolio.services"


@pytest.mark.parametrize("path", _python_files("models"), ids=lambda p: p.name)
def test_models_do_not_reach_up(path: Path) -> None:
    roots = _imported_roots(path)
    if "migrations" in path.parts:
        roots -= {"sprintfolio"}  # env.py reads DATABASE_URL through the settings when run by hand
    assert not roots & {"dashboard", "connectors", "seed", "sprintfolio", "streamlit"}
