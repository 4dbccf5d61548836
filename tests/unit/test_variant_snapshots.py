"""Snapshots of the configurations users run besides the default: three regions, a promoted
database, CodeDeploy blue/green behind HTTPS. Each app is synthesized once per module;
``normalize`` hides only asset hashes, the bootstrap check and CDK metadata.

Beside each snapshot, a targeted test for what the variant is about, so a change is caught
by an assertion and not only by a snapshot diff.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_certificatemanager as acm

from multiregion_tap import FailoverDnsProps, MultiRegionApp
from multiregion_tap.regional_service import DeploymentMode, RegionalServiceProps
from multiregion_tap.replicated_database import ReplicatedDatabaseProps
from tests.support.templates import normalize, of_type, raw_templates

ACCOUNT = "123456789012"
ALARM = "AWS::CloudWatch::Alarm"
REGIONS = ("us-east-1", "us-east-2")


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


@pytest.fixture(scope="module")
def failed_back() -> dict[str, dict[str, Any]]:
    """After the failover to us-east-2 and the whole fail-back (the runbook's history)."""
    shop = MultiRegionApp(
        cdk.App(),
        "Shop",
        app_name="shop",
        account=ACCOUNT,
        database=ReplicatedDatabaseProps(
            history="promote:us-east-2,rebuild:us-east-1,promote:us-east-1,rebuild:us-east-2"
        ),
    )
    return raw_templates(shop)


@pytest.fixture(scope="module")
def code_deploy_https() -> dict[str, dict[str, Any]]:
    app = cdk.App()
    # Imported certificates are plain ARNs (no cross-stack reference): a holder stack gives
    # them a scope before the app's regional stacks exist.
    holder = cdk.Stack(app, "CertificateImports")
    shop = MultiRegionApp(
        app,
        "Shop",
        app_name="shop",
        account=ACCOUNT,
        service=RegionalServiceProps(deployment_mode=DeploymentMode.CODE_DEPLOY),
        certificates={
            region: acm.Certificate.from_certificate_arn(
                holder,
                f"Certificate-{region}",
                f"arn:aws:acm:{region}:{ACCOUNT}:certificate/0000-test",
            )
            for region in REGIONS
        },
        dns=FailoverDnsProps(zone_name="mycompany.org", record_name="www.mycompany.org"),
    )
    return raw_templates(shop)


@pytest.mark.parametrize(
    "variant", ["three_regions", "promoted", "failed_back", "code_deploy_https"]
)
def test_variant_snapshot(variant: str, request: pytest.FixtureRequest, snapshot_json: Any) -> None:
    raw = request.getfixturevalue(variant)
    assert {name: normalize(t) for name, t in sorted(raw.items())} == snapshot_json


def test_replica_lag_alarm_only_in_the_replica_regions(
    three_regions: dict[str, dict[str, Any]],
) -> None:
    def lag_alarms(stack: str) -> list[str]:
        return [
            k
            for k, v in of_type(three_regions[stack], ALARM).items()
            if v["Properties"].get("MetricName") == "ReplicaLag"
        ]

    assert lag_alarms("shop-us-east-1") == []
    assert len(lag_alarms("shop-us-east-2")) == 1
    assert len(lag_alarms("shop-us-west-2")) == 1


def test_promoted_region_has_no_source_and_the_other_stays_a_replica(
    promoted: dict[str, dict[str, Any]],
) -> None:
    (db,) = of_type(promoted["shop-us-east-2"], "AWS::RDS::DBInstance").values()
    assert "SourceDBInstanceIdentifier" not in db["Properties"]


def test_failed_back_has_the_first_layout_under_new_identifiers_and_no_old_reference(
    failed_back: dict[str, dict[str, Any]],
) -> None:
    (writer,) = of_type(failed_back["shop-us-east-1"], "AWS::RDS::DBInstance").items()
    (replica,) = of_type(failed_back["shop-us-east-2"], "AWS::RDS::DBInstance").items()
    # The first deploy's logical ids, new identifiers; the writer is a promoted replica.
    assert writer[0].startswith("DatabaseInstance") and replica[0].startswith(
        "DatabaseReplicaInstance"
    )
    assert writer[1]["Properties"]["DBInstanceIdentifier"] == "shop-use1-database-from-use2"
    assert "SourceDBInstanceIdentifier" not in writer[1]["Properties"]
    assert writer[1]["Properties"]["BackupRetentionPeriod"] == 7
    assert "MasterUsername" not in writer[1]["Properties"]
    assert replica[1]["Properties"]["DBInstanceIdentifier"] == "shop-use2-database-from-use1"
    assert replica[1]["Properties"]["SourceDBInstanceIdentifier"] == {
        "Fn::Sub": "arn:${AWS::Partition}:rds:us-east-1:${AWS::AccountId}:db:"
        "shop-use1-database-from-use2"
    }
    for _, db in (writer, replica):
        assert (db["DeletionPolicy"], db["UpdateReplacePolicy"]) == ("Snapshot", "Snapshot")
    for stack in ("shop-us-east-1", "shop-us-east-2"):
        assert failed_back[stack]["Outputs"]["DatabaseHistory"]["Value"] == (
            "promote:us-east-2,rebuild:us-east-1,promote:us-east-1,rebuild:us-east-2"
        )
        (service,) = of_type(failed_back[stack], "AWS::ECS::Service").values()
        assert service["Properties"]["DesiredCount"] == 2


def test_code_deploy_https_group_listeners_and_health_checks(
    code_deploy_https: dict[str, dict[str, Any]],
) -> None:
    """CodeDeploy blue/green behind HTTPS, as MultiRegionApp users run it: in each region a
    deployment group that rolls back on failure, stop and alarm, over the HTTPS production
    listener (port 80 only redirects), the green target group on that listener through a rule
    no request matches (no test listener); Route 53 checks every region over HTTPS."""
    for region in REGIONS:
        template = code_deploy_https[f"shop-{region}"]
        (service,) = of_type(template, "AWS::ECS::Service").values()
        assert service["Properties"]["DeploymentController"] == {"Type": "CODE_DEPLOY"}
        (group,) = of_type(template, "AWS::CodeDeploy::DeploymentGroup").values()
        props = group["Properties"]
        assert props["DeploymentStyle"] == {
            "DeploymentOption": "WITH_TRAFFIC_CONTROL",
            "DeploymentType": "BLUE_GREEN",
        }
        assert props["AutoRollbackConfiguration"] == {
            "Enabled": True,
            "Events": [
                "DEPLOYMENT_FAILURE",
                "DEPLOYMENT_STOP_ON_REQUEST",
                "DEPLOYMENT_STOP_ON_ALARM",
            ],
        }
        assert props["AlarmConfiguration"]["Enabled"] is True
        assert len(props["AlarmConfiguration"]["Alarms"]) == 2

        listeners = {
            p["Port"]: (k, p)
            for k, v in of_type(template, "AWS::ElasticLoadBalancingV2::Listener").items()
            for p in [v["Properties"]]
        }
        assert sorted(listeners) == [80, 443]
        production_id, production = listeners[443]
        assert production["Protocol"] == "HTTPS"
        assert production["Certificates"] == [
            {"CertificateArn": f"arn:aws:acm:{region}:{ACCOUNT}:certificate/0000-test"}
        ]
        assert listeners[80][1]["Protocol"] == "HTTP"
        assert listeners[80][1]["DefaultActions"] == [
            {
                "Type": "redirect",
                "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"},
            }
        ]
        (pair,) = props["LoadBalancerInfo"]["TargetGroupPairInfoList"]
        assert pair["ProdTrafficRoute"] == {"ListenerArns": [{"Ref": production_id}]}
        assert "TestTrafficRoute" not in pair
        green = pair["TargetGroups"][1]["Name"]["Fn::GetAtt"][0]
        (rule,) = of_type(template, "AWS::ElasticLoadBalancingV2::ListenerRule").values()
        assert rule["Properties"]["ListenerArn"] == {"Ref": production_id}
        assert rule["Properties"]["Actions"] == [
            {"Type": "forward", "TargetGroupArn": {"Ref": green}}
        ]
        assert rule["Properties"]["Conditions"] == [
            {"Field": "source-ip", "SourceIpConfig": {"Values": ["255.255.255.255/32"]}}
        ]

    checks = [
        v["Properties"]["HealthCheckConfig"]
        for v in of_type(code_deploy_https["shop-dns"], "AWS::Route53::HealthCheck").values()
    ]
    assert len(checks) == len(REGIONS)
    assert {(c["Type"], c["Port"]) for c in checks} == {("HTTPS", 443)}
