"""Helpers to synthesize once and to normalize templates for snapshots."""

from __future__ import annotations

import copy
import re
from typing import Any

import aws_cdk as cdk
from aws_cdk import assertions, cx_api

from multiregion_tap import MultiRegionApp

_ASSET_HASH = re.compile(r"[0-9a-f]{64}")


def stack_artifacts(app: MultiRegionApp | cdk.Stage) -> list[cx_api.CloudFormationStackArtifact]:
    """The synthesized stacks of ``app`` (a MultiRegionApp: only its own stacks; a Stage or
    App: every stack in it). The enclosing App or Stage is synthesized once (CDK caches it)."""
    if isinstance(app, MultiRegionApp):
        stage = cdk.Stage.of(app.primary_stack)
        assert stage is not None
        ours = {stack.stack_name for stack in app.all_stacks}
        return [s for s in stage.synth().stacks if s.stack_name in ours]
    return list(app.synth().stacks)


def templates(app: MultiRegionApp | cdk.Stage) -> dict[str, assertions.Template]:
    """Synthesize ``app`` once and wrap every stack's template, keyed by stack name.

    ``Template.from_json`` skips a second synthesis, so a module-scoped fixture can build the
    app once and every test can read it.
    """
    return {
        stack.stack_name: assertions.Template.from_json(stack.template)
        for stack in stack_artifacts(app)
    }


def raw_templates(app: MultiRegionApp | cdk.Stage) -> dict[str, dict[str, Any]]:
    """Every stack's template as a dict, keyed by stack name."""
    return {stack.stack_name: stack.template for stack in stack_artifacts(app)}


def of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    """The resources of ``kind`` (``"AWS::RDS::DBInstance"``) in a raw template, by logical id
    (none in a template without resources, such as a stack beside an existing database)."""
    return {k: v for k, v in template.get("Resources", {}).items() if v["Type"] == kind}


def only_resource(template: dict[str, Any], kind: str) -> tuple[str, dict[str, Any]]:
    """The one resource of ``kind`` in a raw template and its logical id (fails on none or
    more than one)."""
    ((logical_id, resource),) = of_type(template, kind).items()
    return logical_id, resource


def normalize(template: dict[str, Any]) -> dict[str, Any]:
    """Drop what changes without our code changing: asset hashes, bootstrap checks, metadata."""
    result = copy.deepcopy(template)
    result.get("Parameters", {}).pop("BootstrapVersion", None)
    if not result.get("Parameters"):
        result.pop("Parameters", None)
    result.get("Rules", {}).pop("CheckBootstrapVersion", None)
    if not result.get("Rules"):
        result.pop("Rules", None)
    result.get("Resources", {}).pop("CDKMetadata", None)
    result.get("Conditions", {}).pop("CDKMetadataAvailable", None)
    if "Conditions" in result and not result["Conditions"]:
        result.pop("Conditions")
    return _scrub(result)


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, str):
        return _ASSET_HASH.sub("<asset-hash>", value)
    return value
