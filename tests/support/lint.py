"""cfn-lint and checkov, run the same way by every test that scans templates."""

from __future__ import annotations

import json
import logging
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / ".cfnlintrc.yaml"


def cfn_lint_findings(paths: Iterable[str | Path]) -> str:
    """cfn-lint's findings (errors and warnings, one per line) for ``paths``: '' when clean.

    Uses the repository's ``.cfnlintrc.yaml`` (each rule it turns off says why). Runs
    cfn-lint in this process with the arguments its command line takes (``--config-file
    .cfnlintrc.yaml --format parseable``), as its ``main`` does, so that a test worker loads
    cfn-lint and the resource schemas once instead of once per call (about 2.5 s of CPU time
    per call, with 27 calls in the suite). What cfn-lint logs at WARNING or above counts as a
    finding, as its stderr did.
    """
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner.cli import Runner, get_formatter

    files = [str(p) for p in paths]
    assert files, "no template to lint"
    logged: list[str] = []
    handler = _Collect(logged)
    logger = logging.getLogger("cfnlint")
    logger.addHandler(handler)
    try:
        config = ConfigMixIn(["--config-file", str(CONFIG), "--format", "parseable", "--", *files])
        runner = Runner(config)
        matches = sorted(runner.run(), key=lambda m: (m.filename, m.linenumber, m.rule.id))
        output = get_formatter(config).print_matches(matches, runner.rules, config=config)
    finally:
        logger.removeHandler(handler)
    return "\n".join([*logged, (output or "").strip()]).strip()


class _Collect(logging.Handler):
    def __init__(self, into: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(self.format(record))


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
