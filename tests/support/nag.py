"""Synthesize a CDK app once with cdk-nag 3 (AwsSolutions + NIST 800-53 rev5) attached."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import cdk_nag
from aws_cdk import assertions

from tools.synth import read_assembly


@dataclass(frozen=True)
class NaggedSynth:
    """Templates by stack name, template files, and the cdk-nag findings by construct path."""

    templates: dict[str, assertions.Template]
    raw: dict[str, dict[str, Any]]
    template_paths: dict[str, Path]
    findings: dict[str, list[str]]  # rule name -> construct paths

    def findings_under(self, *prefixes: str) -> dict[str, list[str]]:
        """The findings whose construct path starts with one of ``prefixes``."""
        result: dict[str, list[str]] = {}
        for rule, paths in self.findings.items():
            hits = [p for p in paths if p.startswith(prefixes)]
            if hits:
                result[rule] = hits
        return result


def app_with_nag() -> cdk.App:
    """A CDK app writing to a fresh directory, with both nag packs as validation plugins."""
    app = cdk.App(outdir=tempfile.mkdtemp(prefix="mrtap-nag-"))
    cdk.Validations.of(app).add_plugins(
        cdk_nag.AwsSolutionsChecks(app), cdk_nag.NIST80053R5Checks(app)
    )
    return app


def synth_with_nag(app: cdk.App) -> NaggedSynth:
    """Synthesize ``app`` once; nag findings do not stop the templates from being read."""
    outdir = Path(app.outdir)
    try:
        app.synth()
    except RuntimeError as exc:
        if "ValidationFailed" not in str(exc):
            raise
    findings: dict[str, list[str]] = {}
    report = outdir / "validation-report.json"
    if report.exists():
        for plugin in json.loads(report.read_text()).get("pluginReports", []):
            for violation in plugin.get("violations", []):
                paths = [c["constructPath"] for c in violation.get("violatingConstructs", [])]
                findings.setdefault(violation["ruleName"], []).extend(paths)
    assembly = read_assembly(outdir)
    return NaggedSynth(
        templates={
            s.stack_name: assertions.Template.from_json(s.template) for s in assembly.stacks
        },
        raw={s.stack_name: s.template for s in assembly.stacks},
        template_paths={
            s.stack_name: s.template_path for s in assembly.stacks if s.template_path is not None
        },
        findings=findings,
    )


def acknowledged(construct: Any) -> dict[str, str]:
    """The validation acknowledgments recorded on ``construct`` (rule -> reason), as
    ``Validations.of(...).acknowledge`` and cdk-nag's suppressions read them: its node's
    ``aws:cdk:acknowledged-rules`` metadata entries, merged in order."""
    found: dict[str, str] = {}
    for m in construct.node.metadata:
        if m.type == "aws:cdk:acknowledged-rules":
            found.update(m.data)
    return found
