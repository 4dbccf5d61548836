"""The package as users get it: a wheel installed into a fresh virtual environment.

The fresh environment gets the *oldest* aws-cdk-lib the package declares it supports (the
floor in pyproject.toml), so this test also proves the floor: the example app synthesizes
against it, with template validation on as errors, from the installed wheel rather than the
source tree.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tools.synth import synth_app

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def _floor(package: str) -> str:
    for requirement in PYPROJECT["project"]["dependencies"]:
        match = re.fullmatch(rf"{re.escape(package)}>=([0-9.]+),<[0-9.]+", requirement)
        if match:
            return match.group(1)
    raise AssertionError(f"no '>=' floor for {package} in {PYPROJECT['project']['dependencies']}")


def _uv() -> str:
    uv = shutil.which("uv")
    assert uv, "uv is on PATH when tests run through tools/dev.py"
    return uv


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [_uv(), "build", "--wheel", "--sdist", "--out-dir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("multiregion_tap-*.whl")
    return built


@pytest.mark.slow
def test_wheel_contents_and_metadata(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (metadata_name,) = (n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = archive.read(metadata_name).decode()
    assert "multiregion_tap/py.typed" in names
    assert "multiregion_tap/__init__.py" in names
    assert not any(n.startswith(("tests/", "tools/", "examples/")) for n in names)
    assert "Name: multiregion-tap" in metadata
    assert "License-Expression: Apache-2.0" in metadata
    assert "Requires-Python: >=3.10" in metadata
    assert f"Requires-Dist: aws-cdk-lib<3,>={_floor('aws-cdk-lib')}" in metadata
    assert "Project-URL: Documentation" in metadata
    assert "Description-Content-Type: text/markdown" in metadata
    assert "# multiregion-tap" in metadata  # the README is the long description


@pytest.mark.slow
def test_example_synthesizes_from_the_wheel_on_the_floor_versions(
    wheel: Path, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    subprocess.run(
        [_uv(), "venv", "--quiet", "--python", sys.executable, str(venv)],
        check=True,
        timeout=120,
    )
    python = venv / "bin" / "python"
    floor = _floor("aws-cdk-lib")
    subprocess.run(
        [
            _uv(),
            "pip",
            "install",
            "--quiet",
            "--python",
            str(python),
            str(wheel),
            f"aws-cdk-lib=={floor}",
            f"constructs=={_floor('constructs')}",
        ],
        check=True,
        timeout=600,
    )
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    located = subprocess.run(
        [str(python), "-c", "import aws_cdk, multiregion_tap; print(multiregion_tap.__file__)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        cwd=tmp_path,
    ).stdout.strip()
    assert located.startswith(str(venv)), located
    assembly = synth_app(
        ROOT / "examples" / "shop", tmp_path / "cdk.out", python=str(python), env=env
    )
    assert {s.stack_name for s in assembly.stacks} >= {"shop-us-east-1", "shop-us-east-2"}
    for stack in assembly.stacks:
        assert "Custom::CrossRegion" not in str(stack.template)
