"""cfn-lint, run the same way by every test that lints templates."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

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
