"""Snapshots of the configurations users run besides the default: three regions, a promoted
database. Each app is synthesized once per module; ``normalize`` hides only asset hashes, the
bootstrap check and CDK metadata.

Beside each snapshot, a targeted test for what the variant is about, so a change is caught
by an assertion and not only by a snapshot diff.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest

from multiregion_tap import MultiRegionApp
from multiregion_tap.replicated_database import ReplicatedDatabaseProps
from tests.support.templates import normalize, raw_templates

ACCOUNT = "123456789012"
ALARM = "AWS::CloudWatch::Alarm"


def _of_type(template: dict[str, Any], kind: str) -> dict[str, Any]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


@pytest.fixture(scope="module")
def three_regions() -> dict[str, dict[str, Any]]:
    shop = MultiRegionApp(
        cdk.App(),
        "Shop",
        app_name="shop",
        account=ACCOUNT,
        secondary_regions=("us-east-2", "us-west-2"),
        database=True,
    )
    return raw_templates(shop)


@pytest.fixture(scope="module")
def promoted() -> dict[str, dict[str, Any]]:
    shop = MultiRegionApp(
        cdk.App(),
        "Shop",
        app_name="shop",
        account=ACCOUNT,
        database=ReplicatedDatabaseProps(promote_replica_in="us-east-2"),
    )
    return raw_templates(shop)


@pytest.mark.parametrize("variant", ["three_regions", "promoted"])
def test_variant_snapshot(variant: str, request: pytest.FixtureRequest, snapshot_json: Any) -> None:
    raw = request.getfixturevalue(variant)
    assert {name: normalize(t) for name, t in sorted(raw.items())} == snapshot_json


def test_replica_lag_alarm_only_in_the_replica_regions(
    three_regions: dict[str, dict[str, Any]],
) -> None:
    def lag_alarms(stack: str) -> list[str]:
        return [
            k
            for k, v in _of_type(three_regions[stack], ALARM).items()
            if v["Properties"].get("MetricName") == "ReplicaLag"
        ]

    assert lag_alarms("shop-us-east-1") == []
    assert len(lag_alarms("shop-us-east-2")) == 1
    assert len(lag_alarms("shop-us-west-2")) == 1


def test_promoted_region_has_no_source_and_the_other_stays_a_replica(
    promoted: dict[str, dict[str, Any]],
) -> None:
    (db,) = _of_type(promoted["shop-us-east-2"], "AWS::RDS::DBInstance").values()
    assert "SourceDBInstanceIdentifier" not in db["Properties"]
