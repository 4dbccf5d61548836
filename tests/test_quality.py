"""Lint, format and type checks run as part of the test suite, so CI holds them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PYTHON_TREES = ["src", "tests", "tools", "examples", "docs", "bench", ".projenrc.py"]


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_lint() -> None:
    result = _run(str(BIN / "ruff"), "check", *PYTHON_TREES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = _run(str(BIN / "ruff"), "format", "--check", *PYTHON_TREES)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_strict_on_src(tmp_path: Path) -> None:
    # pyproject.toml's [tool.mypy] sets strict = true and files = src/multiregion_tap.
    result = _run(str(BIN / "mypy"), "--any-exprs-report", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success" in result.stdout
    # mypy skips the aws-cdk-lib modules nothing of ours reads (.projenrc.py,
    # MYPY_CDK_MODULES): no expression of ours may get its type from one of them.
    header, *rows = (tmp_path / "types-of-anys.txt").read_text().splitlines()
    column = header.split().index("Unimported")
    unimported = {
        row.split()[0]: int(row.split()[column])
        for row in rows
        if row.split() and row.split()[0].startswith("multiregion_tap")
    }
    assert len(unimported) > 40, rows  # every module of the package is in the report
    assert {m: n for m, n in unimported.items() if n} == {}, (
        "types from aws-cdk-lib modules mypy skips: add them to .projenrc.py MYPY_CDK_MODULES"
    )
