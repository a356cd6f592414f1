"""Connectors depend on models only (ARCHITECTURE.md): not on the dashboard, services, metrics."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIRST_PARTY = {"models", "connectors", "metrics", "sprintfolio", "dashboard", "seed", "tests"}


def _roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("path", sorted((ROOT / "connectors").glob("*.py")), ids=lambda p: p.name)
def test_connectors_import_only_models_of_ours(path: Path) -> None:
    ours = _roots(path) & FIRST_PARTY
    assert ours <= {"connectors", "models"}, f"{path.name} imports {sorted(ours)}"
    assert "streamlit" not in _roots(path)
