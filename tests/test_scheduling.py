"""How ``python3 tools/dev.py test`` spreads the suite over its workers (tests/conftest.py):
``--dist=loadfile``, with the files that share an expensive session fixture as one unit."""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from tests.conftest import SHARED_SESSION_FIXTURES, pytest_xdist_make_scheduler

ROOT = Path(__file__).resolve().parent.parent

#: Each group's session fixtures and the fixtures built on them.
FIXTURES = {
    "deployment": {"deployment", "topology"},
    "shop_scan": {"shop_scan", "shop_assembly", "defaults_scan"},
}


def _config(dist: str) -> Any:
    values = {"dist": dist, "tx": ["2*popen"], "maxschedchunk": None}
    return SimpleNamespace(getvalue=values.__getitem__)


def _asked_for(path: Path) -> set[str]:
    """Every parameter name of every function in ``path`` (tests and fixtures alike), but
    the names of the file's own functions (a fixture of the file's own by that name)."""
    tree = ast.parse(path.read_text())
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    asked = {
        arg.arg
        for node in functions
        for arg in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
    }
    return asked - {node.name for node in functions}


def test_every_file_using_a_shared_fixture_is_in_its_group() -> None:
    assert set(FIXTURES) == set(SHARED_SESSION_FIXTURES)
    users: dict[str, set[str]] = {group: set() for group in FIXTURES}
    for path in sorted((ROOT / "tests").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        for group, names in FIXTURES.items():
            if _asked_for(path) & names:
                users[group].add(relative)
    for group, files in users.items():
        outside = {f for f in files if not f.startswith(SHARED_SESSION_FIXTURES[group])}
        assert not outside, (group, sorted(outside))
    assert "tests/integration/test_cli.py" in users["deployment"]
    assert "tests/integration/test_shop_deployed.py" in users["deployment"]
    assert {"tests/test_examples.py", "tests/security/test_exposure.py"} <= users["shop_scan"]


def test_loadfile_runs_each_group_as_one_unit() -> None:
    scheduler = pytest_xdist_make_scheduler(_config("loadfile"), None)
    scope = scheduler._split_scope
    assert scope("tests/integration/test_cli.py::test_a") == scope(
        "tests/integration/test_shop_deployed.py::test_b"
    )
    assert scope("tests/security/test_exposure.py::test_a") == scope(
        "tests/test_examples.py::test_b"
    )
    assert scope("tests/security/test_exposure.py::test_a") != scope(
        "tests/integration/test_cli.py::test_a"
    )
    # Every other file is its own unit, as with plain --dist=loadfile.
    assert scope("tests/unit/test_cli.py::test_a") == "tests/unit/test_cli.py"
    assert scope("tests/unit/test_cli.py::Cls::test_a") == "tests/unit/test_cli.py"
    assert scope("tests/test_examples_other.py::test_a") == "tests/test_examples_other.py"


def test_other_modes_are_left_to_xdist() -> None:
    assert pytest_xdist_make_scheduler(_config("load"), None) is None
    assert pytest_xdist_make_scheduler(_config("no"), None) is None
