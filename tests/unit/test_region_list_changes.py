"""Defaults that are stable per region: adding a region in front or at the end, removing one or
reordering the list never changes what a kept region has deployed.

A changed VPC CIDR replaces the VPC and everything in it (load balancer, service, database
replica); a changed logical id or physical name of a stateful resource replaces it too.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest

from multiregion_tap import MultiRegionApp, ValidationError, default_vpc_cidr
from tests.support.templates import raw_templates

#: Resource types that hold data or that everything else hangs off, with the property that
#: names them.
STATEFUL = {
    "AWS::EC2::VPC": "CidrBlock",
    "AWS::RDS::DBInstance": "DBInstanceIdentifier",
    "AWS::KMS::Key": "Description",
    "AWS::ECR::Repository": "RepositoryName",
    "AWS::S3::Bucket": None,
    "AWS::Logs::LogGroup": None,
    "AWS::SecretsManager::Secret": None,
}

LISTS = {
    "before": ["us-east-2", "us-west-2"],
    "added in front": ["eu-west-1", "us-east-2", "us-west-2"],
    "added at the end": ["us-east-2", "us-west-2", "eu-west-1"],
    "reordered": ["us-west-2", "us-east-2"],
    "first removed": ["us-west-2"],
}


def _stateful(template: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    return {
        logical_id: (
            resource["Type"],
            resource["Properties"].get(STATEFUL[resource["Type"]])
            if STATEFUL[resource["Type"]]
            else None,
        )
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] in STATEFUL
    }


@pytest.fixture(scope="module")
def apps() -> dict[str, dict[str, dict[str, Any]]]:
    built = {}
    for name, secondaries in LISTS.items():
        app = MultiRegionApp(
            cdk.App(),
            "Shop",
            app_name="shop",
            account="123456789012",
            secondary_regions=secondaries,
            database=True,
            monitoring=False,
        )
        built[name] = raw_templates(app)
    return built


@pytest.mark.parametrize("change", [name for name in LISTS if name != "before"])
def test_a_kept_region_keeps_its_vpc_and_stateful_resources(
    apps: dict[str, dict[str, dict[str, Any]]], change: str
) -> None:
    before, after = apps["before"], apps[change]
    kept = [r for r in LISTS["before"] if r in LISTS[change]] + ["us-east-1"]
    assert kept
    for region in kept:
        stack = f"shop-{region}"
        assert _stateful(after[stack]) == _stateful(before[stack]), (change, region)


def test_the_default_blocks_are_literal_and_fixed_per_region() -> None:
    assert default_vpc_cidr("us-east-1") == "10.0.0.0/16"
    assert default_vpc_cidr("us-east-2") == "10.1.0.0/16"
    assert default_vpc_cidr("us-west-1") == "10.2.0.0/16"
    assert default_vpc_cidr("us-west-2") == "10.3.0.0/16"
    assert default_vpc_cidr("eu-west-1") == "10.8.0.0/16"
    # A region the table does not know: a block from 10.128 up, always the same one.
    unknown = default_vpc_cidr("xx-north-9")
    assert unknown == default_vpc_cidr("xx-north-9")
    assert 128 <= int(unknown.split(".")[1]) <= 255
    # The index form (to pin what an app was deployed with) is unchanged.
    assert default_vpc_cidr(2) == "10.2.0.0/16"
    with pytest.raises(ValidationError, match=r"region_or_index must be an AWS region name"):
        default_vpc_cidr("us-east")


def test_every_known_region_has_its_own_block() -> None:
    from multiregion_tap._private.service_checks import REGION_OCTETS

    assert len(set(REGION_OCTETS.values())) == len(REGION_OCTETS)
    assert max(REGION_OCTETS.values()) < 128  # below the hashed range
    blocks = {default_vpc_cidr(region) for region in REGION_OCTETS}
    assert len(blocks) == len(REGION_OCTETS)
