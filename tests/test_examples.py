"""The example apps, synthesized in a fresh process as `cdk synth` would.

This is where aws-cdk-lib's built-in template validation stays on, with its findings turned
into errors (``@aws-cdk/core:validateAgainstDefaultRules``): a template CloudFormation would
reject fails here, not minutes into a deploy.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from multiregion_tap import OutputNames, TagKeys
from tests.conftest import Scan
from tools.synth import Assembly, synth_app

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="session")
def shop_assembly(shop_scan: Scan) -> Assembly:
    """The example, synthesized once per session (validation as errors, cdk-nag attached)."""
    return shop_scan.assembly


@pytest.mark.slow
def test_shop_stacks_and_regions(shop_assembly: Assembly) -> None:
    regions = {s.stack_name: s.region for s in shop_assembly.stacks}
    assert regions["shop-us-east-1"] == "us-east-1"
    assert regions["shop-us-east-2"] == "us-east-2"
    for stack in shop_assembly.stacks:
        assert stack.account == "123456789012"
        assert stack.template["Outputs"][OutputNames.APP_NAME]["Value"] == "shop"


@pytest.mark.slow
def test_shop_has_no_lambda_backed_cross_region_references(shop_assembly: Assembly) -> None:
    for stack in shop_assembly.stacks:
        text = json.dumps(stack.template)
        assert "Custom::CrossRegion" not in text, stack.stack_name
        assert "/cdk/exports/" not in text, stack.stack_name


@pytest.mark.slow
def test_shop_resources_are_tagged(shop_assembly: Assembly) -> None:
    for stack in shop_assembly.stacks:
        for logical_id, resource in stack.resources.items():
            tags = resource.get("Properties", {}).get("Tags")
            if isinstance(tags, list) and all(isinstance(t, dict) for t in tags):
                keys = {t.get("Key") for t in tags}
                assert TagKeys.APP in keys, (stack.stack_name, logical_id)


@pytest.mark.slow
def test_shop_can_build_its_image_as_an_asset(tmp_path: Path) -> None:
    """``-c image=asset`` (first deploy): CDK builds service/ and pushes it per region."""
    assembly = synth_app(
        EXAMPLES / "shop", tmp_path / "out", validation=False, extra_context={"image": "asset"}
    )
    for region in ("us-east-1", "us-east-2"):
        template = assembly.by_name(f"shop-{region}").template
        (task,) = (
            r for r in template["Resources"].values() if r["Type"] == "AWS::ECS::TaskDefinition"
        )
        image = json.dumps(task["Properties"]["ContainerDefinitions"][0]["Image"])
        assert f"cdk-hnb659fds-container-assets-123456789012-{region}" in image


@pytest.mark.slow
def test_shop_deploys_an_ecr_tag_by_default(shop_assembly: Assembly) -> None:
    for region in ("us-east-1", "us-east-2"):
        template = shop_assembly.by_name(f"shop-{region}").template
        (task,) = (
            r for r in template["Resources"].values() if r["Type"] == "AWS::ECS::TaskDefinition"
        )
        parts = task["Properties"]["ContainerDefinitions"][0]["Image"]["Fn::Join"][1]
        # <account>.dkr.ecr.<region>.<suffix>/<the region's own repository>:v1
        assert parts[-1] == ":v1"
        assert parts[-2]["Ref"].startswith("ServiceRepository")
        assert "container-assets" not in json.dumps(parts)


@pytest.mark.slow
def test_shop_throwaway_and_other_regions(tmp_path: Path) -> None:
    """The contexts the deploy workflow passes: regions, and a throwaway environment."""
    assembly = synth_app(
        EXAMPLES / "shop",
        tmp_path / "out",
        validation=False,
        extra_context={
            "primary_region": "eu-west-1",
            "secondary_regions": "eu-central-1 eu-north-1",
            "throwaway": "true",
        },
        # cdk.context.json only caches the placeholder account's us-east-1/2 zones.
        env={**os.environ, "CDK_DEFAULT_ACCOUNT": "111111111111"},
    )
    regions = {s.stack_name: s.region for s in assembly.stacks}
    assert regions["shop-eu-west-1"] == "eu-west-1"
    assert regions["shop-eu-north-1"] == "eu-north-1"
    kept = {
        (stack.stack_name, logical_id)
        for stack in assembly.stacks
        for logical_id, resource in stack.resources.items()
        if resource.get("DeletionPolicy") in {"Retain", "Snapshot", "RetainExceptOnCreate"}
    }
    assert kept == set(), kept
    for stack in assembly.stacks:
        for resource in stack.resources.values():
            if resource["Type"] == "AWS::RDS::DBInstance":
                assert resource["Properties"].get("DeletionProtection") in (None, False)
            if resource["Type"] == "AWS::ECR::Repository":
                assert resource["Properties"]["EmptyOnDelete"] is True


@pytest.mark.slow
def test_shop_synthesizes_without_warnings(shop_assembly: Assembly) -> None:
    """No construct leaves a CDK warning or error annotation unacknowledged."""
    found = []
    for metadata in shop_assembly.directory.rglob("*.metadata.json"):
        for path, entries in json.loads(metadata.read_text()).items():
            for entry in entries:
                if entry.get("type") in {"aws:cdk:warning", "aws:cdk:error"}:
                    found.append((path, entry.get("data")))
    assert found == []
