"""The metrics package stays pure: no I/O, no clock, no global random, nothing of ours imported.

STYLE.md §1: metrics imports nothing from models/, sprintfolio/, dashboard/,
connectors/ or seed/, and does no I/O (database, HTTP, Streamlit, files), reads
no clock and uses no global random state (a seeded generator is passed in).
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "metrics"
MODULES = sorted(PACKAGE.glob("*.py"))

FORBIDDEN_IMPORTS = {
    # our other layers
    "models", "sprintfolio", "dashboard", "connectors", "seed",
    # storage, network, UI
    "sqlmodel", "sqlalchemy", "sqlite3", "psycopg", "httpx", "requests", "urllib", "http",
    "socket", "streamlit", "plotly", "pandas",
    # files, processes, environment
    "os", "io", "pathlib", "shutil", "tempfile", "subprocess", "glob",
}  # fmt: skip
CLOCK_CALLS = {"now", "today", "utcnow", "time", "monotonic", "perf_counter", "time_ns"}
GLOBAL_RANDOM = {"random", "randint", "choice", "choices", "shuffle", "sample", "uniform", "seed"}
IO_BUILTINS = {"open", "input", "print"}


def _violations(module: Path) -> list[str]:
    tree = ast.parse(module.read_text(), filename=str(module))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            names = []
        found += [f"imports {name}" for name in names if name.split(".")[0] in FORBIDDEN_IMPORTS]
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in IO_BUILTINS:
                found.append(f"calls {func.id}() on line {node.lineno}")
            if isinstance(func, ast.Attribute):
                owner = func.value
                owner_name = owner.id if isinstance(owner, ast.Name) else ""
                if func.attr in CLOCK_CALLS and owner_name in {"datetime", "date", "time"}:
                    found.append(
                        f"reads the clock ({owner_name}.{func.attr}) on line {node.lineno}"
                    )
                random_module = owner_name == "random" or (
                    isinstance(owner, ast.Attribute) and owner.attr == "random"
                )
                if random_module and func.attr in GLOBAL_RANDOM:
                    found.append(f"uses global random (.{func.attr}) on line {node.lineno}")
    return found


@pytest.mark.parametrize("module", MODULES, ids=[module.name for module in MODULES])
def test_metrics_module_is_pure(module: Path) -> None:
    assert _violations(module) == []


def test_the_check_catches_violations(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import os\nfrom models.tables import Sprint\nimport random\n"
        "from datetime import datetime\nimport numpy as np\n"
        "x = datetime.now()\ny = random.choice([1])\nopen('f')\nnp.random.seed(1)\n"
        "ok = random.Random(3)\nalso_ok = np.random.default_rng(3)\n"
    )
    assert len(_violations(bad)) == 6
