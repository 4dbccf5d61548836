"""cfn-lint and checkov, run the same way by every test that scans templates."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / ".cfnlintrc.yaml"


def cfn_lint_findings(paths: Iterable[str | Path]) -> str:
    """cfn-lint's findings (errors and warnings, one per line) for ``paths``: '' when clean.

    Uses the repository's ``.cfnlintrc.yaml`` (each rule it turns off says why).
    """
    files = [str(p) for p in paths]
    assert files, "no template to lint"
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "cfn-lint"),
            "--config-file",
            str(CONFIG),
            "--format",
            "parseable",
            "--",
            *files,
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    findings = (result.stdout + result.stderr).strip()
    if result.returncode != 0 and not findings:
        findings = f"cfn-lint exited {result.returncode} without output"
    return findings


def checkov_report(
    directory: Path,
) -> tuple[dict[str, Any], list[str], subprocess.CompletedProcess[str]]:
    """checkov (its own environment, ``tools/dev.py ensure_checkov``) over the templates in
    ``directory`` with the repository's ``.checkov.yaml``: its CloudFormation report, the
    failed checks as lines (``<check> <resource> (<file>): <name>``) and the process."""
    from tools.dev import ensure_checkov

    result = subprocess.run(
        [
            str(ensure_checkov()),
            "--config-file",
            str(ROOT / ".checkov.yaml"),
            "--directory",
            str(directory),
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    reports = json.loads(result.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    (report,) = [r for r in reports if r.get("check_type") == "cloudformation"]
    failed = [
        f"{c['check_id']} {c['resource']} ({Path(c['file_path']).name}): {c['check_name']}"
        for c in report["results"]["failed_checks"]
    ]
    return report, failed, result
