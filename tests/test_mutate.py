"""tools/mutate.py (``python3 tools/dev.py mutate``): mutants are real edits, and the command
runs."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tools import mutate

ROOT = Path(__file__).resolve().parent.parent


def test_every_mapped_module_and_test_file_exists() -> None:
    for module, tests in mutate.TESTS.items():
        assert (mutate.PACKAGE / module).is_file(), module
        assert tests and all((ROOT / t).is_file() for t in tests), (module, tests)


def test_every_module_is_mapped_unless_nothing_in_it_can_be_mutated() -> None:
    unmapped = []
    for path in sorted(mutate.PACKAGE.rglob("*.py")):
        module = path.relative_to(mutate.PACKAGE).as_posix()
        if module not in mutate.TESTS:
            unmapped.append(module)
            assert mutate.mutants(path.read_text(encoding="utf-8")) == [], module
    assert unmapped == ["_private/__init__.py"]  # its docstring only


def test_each_mutant_changes_the_module_and_still_parses() -> None:
    source = (mutate.PACKAGE / "_private" / "naming.py").read_text(encoding="utf-8")
    original = ast.dump(ast.parse(source))
    found = mutate.mutants(source)
    assert len(found) > 20
    for m in found:
        assert ast.dump(ast.parse(mutate.mutated_source(source, m.index))) != original, m


def test_operators_comparisons_booleans_and_constants_are_mutated_not_docstrings() -> None:
    source = (
        '"""doc"""\ndef f(a: "int", b):\n    """doc"""\n    return a + 1 < b and not a == "x"\n'
    )
    described = {m.description for m in mutate.mutants(source)}
    assert described == {
        "operator Add -> Sub",
        "comparison Lt -> LtE",
        "comparison Eq -> NotEq",
        "boolean And -> Or",
        "drop 'not'",
        "constant 1 -> 2",
        "string 'x' -> 'XX' + it",
    }
    by_description = {m.description: m.index for m in mutate.mutants(source)}
    assert "a - 1 < b" in mutate.mutated_source(source, by_description["operator Add -> Sub"])


def test_module_names_resolve() -> None:
    assert mutate.resolve_module("naming") == "_private/naming.py"
    assert mutate.resolve_module("src/multiregion_tap/failover_dns.py") == "failover_dns.py"
    with pytest.raises(SystemExit, match="unknown module"):
        mutate.resolve_module("nope")


@pytest.mark.slow
def test_mutate_command_runs_on_a_small_module() -> None:
    result = subprocess.run(
        [sys.executable, "tools/dev.py", "mutate", "_private/naming.py", "--max", "3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 mutants" in result.stdout
    assert len([line for line in result.stdout.splitlines() if line.startswith("[")]) == 3
    assert "score: " in result.stdout


def test_every_equivalent_entry_names_a_mutant_of_the_module_as_it_is() -> None:
    """An entry whose line was edited no longer matches: it must go, or the mutant is back."""
    for module, entries in mutate.EQUIVALENT.items():
        source = (mutate.PACKAGE / module).read_text(encoding="utf-8")
        current = {(mutate._source_line(source, m), m.description) for m in mutate.mutants(source)}
        for key, reason in entries.items():
            assert key in current, (module, key)
            assert reason.strip(), (module, key)


def test_equivalent_mutants_are_found_by_their_line_not_its_number() -> None:
    source = "def f(a):\n    assert a > 0 and a < 9\n    return a\n"
    (m,) = [m for m in mutate.mutants(source) if m.description == "boolean And -> Or"]
    key = ("assert a > 0 and a < 9", "boolean And -> Or")
    mutate.EQUIVALENT["_test_only.py"] = {key: "an invariant"}
    try:
        assert mutate.equivalent_reason("_test_only.py", source, m) == "an invariant"
        moved = "\n" + source
        (m2,) = [m for m in mutate.mutants(moved) if m.description == "boolean And -> Or"]
        assert m2.line == m.line + 1
        assert mutate.equivalent_reason("_test_only.py", moved, m2) == "an invariant"
        assert mutate.equivalent_reason("other.py", source, m) is None
    finally:
        del mutate.EQUIVALENT["_test_only.py"]


def test_a_mutant_run_exits_with_the_sessions_status_without_waiting_for_threads(
    tmp_path: Path,
) -> None:
    """The ``-p tools.mutate`` plugin: a failing test still fails the run, a passing one
    passes, and a thread left blocked does not hold the exit."""
    test_file = tmp_path / "test_x.py"
    test_file.write_text(
        "import os, threading, time\n"
        "threading.Thread(target=time.sleep, args=(60,)).start()\n"
        "def test_x():\n"
        "    assert os.environ.get('MUTATE_PLUGIN_CASE') != 'fail'\n",
        encoding="utf-8",
    )
    for case, passed in (("pass", True), ("fail", False)):
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("MUTATE_PLUGIN_CASE", case)
            ok, seconds = mutate._run_tests(mutate.PACKAGE.parent, [str(test_file)], timeout=50)
        assert (ok, seconds < 40) == (passed, True), case
