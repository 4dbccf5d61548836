"""Project configuration: .projenrc.py is the single source of the files it generates."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_generated_files_match_projenrc(tmp_path: Path) -> None:
    """Re-running .projenrc.py in a copy changes nothing: nobody hand-edited a generated file."""
    generated = json.loads((ROOT / ".projen" / "files.json").read_text())["files"]
    shutil.copy(ROOT / ".projenrc.py", tmp_path / ".projenrc.py")
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    env = dict(os.environ, PROJEN_DISABLE_POST="true")
    result = subprocess.run(
        [sys.executable, ".projenrc.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for name in [*generated, ".projen/files.json"]:
        assert (tmp_path / name).read_text() == (ROOT / name).read_text(), (
            f"{name} differs from what .projenrc.py generates: run `python3 tools/dev.py projen`"
        )


def test_lockfile_matches_pyproject() -> None:
    """uv.lock was produced from the current pyproject.toml (its dependency list)."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    (own,) = (p for p in lock["package"] if p["name"] == "multiregion-tap")
    locked = sorted(r["name"] for r in own.get("dependencies", []))
    declared = sorted(
        d.split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip()
        for d in pyproject["project"]["dependencies"]
    )
    assert locked == declared


def test_runtime_dependencies_are_only_cdk() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    names = {d.split(">")[0].split("=")[0] for d in pyproject["project"]["dependencies"]}
    assert names == {"aws-cdk-lib", "constructs"}


def test_setup_compiles_the_environments_bytecode() -> None:
    """``tools/dev.py setup`` compiles .venv's modules (``uv sync --compile-bytecode``): the
    tests start hundreds of Python processes (every synth, CLI and emulator), and with
    PYTHONDONTWRITEBYTECODE set each would compile aws-cdk-lib's modules again (4 s per synth
    of the example). A module nothing imports has bytecode only if setup compiled it."""
    import importlib.util

    spec = importlib.util.find_spec("aws_cdk.aws_quicksight")
    assert spec is not None and spec.origin is not None
    source = Path(spec.origin)
    cached = source.parent / "__pycache__" / f"{source.stem}.{sys.implementation.cache_tag}.pyc"
    assert cached.is_file(), f"{cached} missing: run `python3 tools/dev.py setup`"
    assert cached.stat().st_mtime >= source.stat().st_mtime
