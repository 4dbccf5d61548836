"""Synthesize a CDK app in a subprocess and read its cloud assembly.

Examples are synthesized in a fresh Python process: environment variables such as
``CDK_OUTDIR`` are only read when the jsii kernel starts, and a fresh process also proves the
example runs on the public API alone. Context comes from the app's ``cdk.json`` and
``cdk.context.json`` exactly as the CDK CLI would pass it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Runs an app script with cdk-nag attached to every ``cdk.App`` (``synth_app(nag=True)``).
NAG_RUNNER = Path(__file__).resolve().parent / "nag_synth.py"

#: Context that turns aws-cdk-lib's built-in template validation findings into errors.
VALIDATION_AS_ERRORS = {"@aws-cdk/core:validateAgainstDefaultRules": True}


@dataclass(frozen=True)
class StackArtifact:
    """One synthesized stack."""

    artifact_id: str
    stack_name: str
    account: str
    region: str
    template: dict[str, Any]
    dependencies: tuple[str, ...] = field(default=())  # artifact ids
    template_path: Path | None = None

    @property
    def resources(self) -> dict[str, Any]:
        return dict(self.template.get("Resources", {}))


@dataclass(frozen=True)
class Assembly:
    """Every stack of a cloud assembly, nested (Stage) assemblies included."""

    directory: Path
    stacks: tuple[StackArtifact, ...]

    def by_name(self, stack_name: str) -> StackArtifact:
        for stack in self.stacks:
            if stack.stack_name == stack_name:
                return stack
        raise KeyError(f"no stack named {stack_name!r}; have {[s.stack_name for s in self.stacks]}")

    def dependency_names(self, stack: StackArtifact) -> tuple[str, ...]:
        """Stack names (not asset artifacts) that ``stack`` depends on."""
        ids = {s.artifact_id: s.stack_name for s in self.stacks}
        return tuple(sorted(ids[d] for d in stack.dependencies if d in ids))


def read_assembly(directory: Path) -> Assembly:
    """Read ``manifest.json`` in ``directory`` and every nested assembly it names."""
    return Assembly(directory=directory, stacks=tuple(_walk(directory)))


def _walk(directory: Path) -> Iterator[StackArtifact]:
    manifest = json.loads((directory / "manifest.json").read_text())
    for artifact_id, artifact in manifest.get("artifacts", {}).items():
        kind = artifact.get("type")
        props = artifact.get("properties", {})
        if kind == "cdk:cloud-assembly":
            yield from _walk(directory / props["directoryName"])
        elif kind == "aws:cloudformation:stack":
            env = artifact.get("environment", "aws://unknown-account/unknown-region")
            account, region = env.removeprefix("aws://").split("/", 1)
            path = directory / props["templateFile"]
            yield StackArtifact(
                artifact_id=artifact_id,
                stack_name=props.get("stackName", artifact_id),
                account=account,
                region=region,
                template=json.loads(path.read_text()),
                dependencies=tuple(artifact.get("dependencies", ())),
                template_path=path,
            )


def app_context(app_dir: Path) -> dict[str, Any]:
    """The context the CDK CLI would pass: cdk.json's ``context`` plus cdk.context.json."""
    context: dict[str, Any] = {}
    cdk_json = app_dir / "cdk.json"
    if cdk_json.exists():
        context.update(json.loads(cdk_json.read_text()).get("context", {}))
    cached = app_dir / "cdk.context.json"
    if cached.exists():
        context.update(json.loads(cached.read_text()))
    return context


def synth_app(
    app_dir: Path,
    outdir: Path,
    *,
    validation: bool = True,
    extra_context: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    python: str = sys.executable,
    timeout: float = 300,
    nag: bool = False,
) -> Assembly:
    """Run ``app.py`` of ``app_dir`` in a subprocess and read the assembly it writes.

    :param validation: keep aws-cdk-lib's built-in template validation on, with its findings
        as errors (``@aws-cdk/core:validateAgainstDefaultRules``). Off skips it
        (``CDK_VALIDATION=false``), which is several seconds faster.
    :param nag: attach cdk-nag's AwsSolutions and NIST 800-53 rev5 packs to every
        ``cdk.App`` the script creates (``tools/nag_synth.py``). Findings do not fail the
        synth: read them with :func:`read_validation_report`.
    """
    context = app_context(app_dir)
    if validation:
        context.update(VALIDATION_AS_ERRORS)
    context.update(extra_context or {})
    run_env = dict(os.environ if env is None else env)
    run_env["CDK_OUTDIR"] = str(outdir)
    run_env["CDK_CONTEXT_JSON"] = json.dumps(context)
    if validation:
        run_env.pop("CDK_VALIDATION", None)
    else:
        run_env["CDK_VALIDATION"] = "false"
    outdir.mkdir(parents=True, exist_ok=True)
    command = [python, str(NAG_RUNNER), "app.py"] if nag else [python, "app.py"]
    result = subprocess.run(
        command,
        cwd=app_dir,
        env=run_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"synth of {app_dir} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return read_assembly(outdir)


@dataclass(frozen=True)
class Finding:
    """One rule violation (or acknowledged violation) of a validation plugin's report."""

    plugin: str
    rule: str
    paths: tuple[str, ...]
    acknowledged_id: str | None = None
    acknowledged_at: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class ValidationReport:
    """``validation-report.json``: every plugin's open and acknowledged findings."""

    plugins: tuple[str, ...]
    violations: tuple[Finding, ...]
    acknowledged: tuple[Finding, ...]


def read_validation_report(directory: Path) -> ValidationReport:
    """Read the validation plugins' report of the assembly in ``directory``.

    :raises FileNotFoundError: when no plugin ran (no report was written).
    """
    report = json.loads((directory / "validation-report.json").read_text())
    plugins: list[str] = []
    violations: list[Finding] = []
    acknowledged: list[Finding] = []
    for plugin in report.get("pluginReports", []):
        name = plugin["pluginName"]
        plugins.append(name)
        for key, sink in (("violations", violations), ("suppressedViolations", acknowledged)):
            for v in plugin.get(key, []):
                sink.append(
                    Finding(
                        plugin=name,
                        rule=v["ruleName"],
                        paths=tuple(c["constructPath"] for c in v.get("violatingConstructs", [])),
                        acknowledged_id=v.get("acknowledgedId"),
                        acknowledged_at=v.get("acknowledgedAt"),
                        reason=v.get("reason"),
                    )
                )
    return ValidationReport(
        plugins=tuple(plugins), violations=tuple(violations), acknowledged=tuple(acknowledged)
    )
