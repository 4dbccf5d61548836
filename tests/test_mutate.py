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
