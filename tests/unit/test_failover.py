"""Losing the primary region: ``promote_replica_in`` is a complete, safe failover.

One documented change makes, in the synthesized app: the promoted region's database the only
writer and its service the only writable one; the superseded primary's service scaled to
zero and out of the DNS records; every other replica following the promoted database; and
none of the stacks the failover deploys reading the failed region or living in it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest

from multiregion_tap import (
    FailoverDnsProps,
    MultiRegionApp,
    RegionalService,
    RegionalServiceProps,
    ReplicatedDatabaseProps,
    ValidationError,
)
from tests.support.templates import of_type, raw_templates
from tools.synth import Assembly, synth_app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "shop"

#: What the runbook deploys for a failover to us-east-2 (the drill runs the same commands).
FAILOVER_STACKS = ("shop-us-east-2", "shop-dns")


def _stack_outputs_read(template: dict[str, Any]) -> set[tuple[str, str]]:
    """Every (StackName, Region) the template reads with Fn::GetStackOutput."""
    found: set[tuple[str, str]] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            ref = value.get("Fn::GetStackOutput")
            if isinstance(ref, dict):
                found.add((ref["StackName"], ref["Region"]))
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(template)
    return found


def _env(template: dict[str, Any]) -> dict[str, str]:
    (task,) = of_type(template, "AWS::ECS::TaskDefinition").values()
    (container,) = task["Properties"]["ContainerDefinitions"]
    return {e["Name"]: e["Value"] for e in container.get("Environment", [])}


def _db(template: dict[str, Any]) -> dict[str, Any]:
    (instance,) = of_type(template, "AWS::RDS::DBInstance").values()
    return dict(instance["Properties"])


# ------------------------------------------------------------------ the example, promoted
@pytest.fixture(scope="module")
def promoted(tmp_path_factory: pytest.TempPathFactory) -> Assembly:
    """examples/shop synthesized with the runbook's context: ``-c database_history=promote:...``."""
    return synth_app(
        EXAMPLE,
        tmp_path_factory.mktemp("promoted"),
        validation=False,
        extra_context={"database_history": "promote:us-east-2"},
    )


@pytest.mark.slow
def test_exactly_one_writer(promoted: Assembly) -> None:
    read_only = {
        region: _env(promoted.by_name(f"shop-{region}").template)["DATABASE_READ_ONLY"]
        for region in ("us-east-1", "us-east-2")
    }
    assert read_only == {"us-east-1": "true", "us-east-2": "false"}
    replica = _db(promoted.by_name("shop-us-east-2").template)
    assert "SourceDBInstanceIdentifier" not in replica  # promoted in place
    assert replica["DBInstanceIdentifier"] == "shop-use2-database"  # same instance
    assert replica["BackupRetentionPeriod"] == 7


@pytest.mark.slow
def test_the_superseded_primary_serves_nothing(promoted: Assembly) -> None:
    template = promoted.by_name("shop-us-east-1").template
    (service,) = of_type(template, "AWS::ECS::Service").values()
    assert service["Properties"]["DesiredCount"] == 0
    (target,) = of_type(template, "AWS::ApplicationAutoScaling::ScalableTarget").values()
    assert (target["Properties"]["MinCapacity"], target["Properties"]["MaxCapacity"]) == (0, 0)
    # The promoted region keeps serving.
    (other,) = of_type(promoted.by_name("shop-us-east-2").template, "AWS::ECS::Service").values()
    assert other["Properties"]["DesiredCount"] == 2


@pytest.mark.slow
def test_dns_sends_the_name_to_the_promoted_region_only(promoted: Assembly) -> None:
    dns = promoted.by_name("shop-dns")
    assert dns.region == "us-east-2"
    records = of_type(dns.template, "AWS::Route53::RecordSet")
    checks = of_type(dns.template, "AWS::Route53::HealthCheck")
    assert len(checks) == 1
    (check_id,) = checks
    assert "us-east-1" not in json.dumps(checks)
    by_failover = {r["Properties"]["Failover"]: r["Properties"] for r in records.values()}
    assert set(by_failover) == {"PRIMARY", "SECONDARY"}
    for record in by_failover.values():
        target = record["AliasTarget"]["DNSName"]["Fn::Join"][1][1]["Fn::GetStackOutput"]
        assert (target["StackName"], target["Region"]) == ("shop-us-east-2", "us-east-2")
        assert record["HealthCheckId"] == {"Ref": check_id}


@pytest.mark.slow
def test_the_failover_reads_nothing_from_the_failed_region(promoted: Assembly) -> None:
    for name in FAILOVER_STACKS:
        stack = promoted.by_name(name)
        assert stack.region != "us-east-1", name
        read = _stack_outputs_read(stack.template)
        assert read, name
        assert {region for _, region in read} == {"us-east-2"}, (name, read)
        assert "shop-us-east-1" not in {stack_name for stack_name, _ in read}, name
    # The promoted region learns the secret's name from its own region.
    assert _stack_outputs_read(promoted.by_name("shop-us-east-2").template) == {
        ("shop-credentials-us-east-2", "us-east-2")
    }


@pytest.mark.slow
def test_before_the_failover_the_regions_read_the_primary_as_usual(
    tmp_path: Path,
) -> None:
    normal = synth_app(EXAMPLE, tmp_path, validation=False)
    assert _stack_outputs_read(normal.by_name("shop-us-east-2").template) == {
        ("shop-us-east-1", "us-east-1")
    }
    credentials = normal.by_name("shop-credentials-us-east-2")
    assert credentials.region == "us-east-2"
    assert _stack_outputs_read(credentials.template) == {("shop-us-east-1", "us-east-1")}
    output = credentials.template["Outputs"]["DatabaseSecretName"]["Value"]
    (parameter,) = of_type(credentials.template, "AWS::SSM::Parameter").values()
    assert parameter["Properties"]["Value"] == output
    read_only = _env(normal.by_name("shop-us-east-1").template)["DATABASE_READ_ONLY"]
    assert read_only == "false"
    dns = normal.by_name("shop-dns").template
    primary = next(
        r["Properties"]
        for r in of_type(dns, "AWS::Route53::RecordSet").values()
        if r["Properties"]["Failover"] == "PRIMARY"
    )
    target = primary["AliasTarget"]["DNSName"]["Fn::Join"][1][1]["Fn::GetStackOutput"]
    assert target["StackName"] == "shop-us-east-1"


# ------------------------------------------------------------------ three regions
@pytest.fixture(scope="module")
def three() -> dict[str, dict[str, Any]]:
    app = MultiRegionApp(
        cdk.App(),
        "Shop",
        app_name="shop",
        account="123456789012",
        secondary_regions=["us-east-2", "us-west-2"],
        database=ReplicatedDatabaseProps(promote_replica_in="us-east-2"),
        dns=FailoverDnsProps(zone_name="mycompany.org", record_name="www.mycompany.org"),
    )
    return raw_templates(app)


def test_the_other_replica_follows_the_promoted_database(
    three: dict[str, dict[str, Any]],
) -> None:
    replica = _db(three["shop-us-west-2"])
    assert replica["SourceDBInstanceIdentifier"] == {
        "Fn::Sub": "arn:${AWS::Partition}:rds:us-east-2:${AWS::AccountId}:db:shop-use2-database"
    }
    # A replica cannot change its source: a new one, under a new identifier.
    assert replica["DBInstanceIdentifier"] == "shop-usw2-database-from-use2"
    assert _stack_outputs_read(three["shop-us-west-2"]) == {
        ("shop-credentials-us-west-2", "us-west-2")
    }
    assert _env(three["shop-us-west-2"])["DATABASE_READ_ONLY"] == "true"


def test_three_regions_fail_over_in_order_without_the_old_primary(
    three: dict[str, dict[str, Any]],
) -> None:
    dns = three["shop-dns"]
    read = _stack_outputs_read(dns)
    assert {name for name, _ in read} == {"shop-us-east-2", "shop-us-west-2"}
    records = {
        (r["Properties"]["Name"], r["Properties"]["Failover"]): r["Properties"]
        for r in of_type(dns, "AWS::Route53::RecordSet").values()
    }
    top = records[("www.mycompany.org.", "PRIMARY")]
    target = top["AliasTarget"]["DNSName"]["Fn::Join"][1][1]["Fn::GetStackOutput"]
    assert target["StackName"] == "shop-us-east-2"
    # Two serving regions left: one pair, no hidden chain.
    assert set(records) == {("www.mycompany.org.", "PRIMARY"), ("www.mycompany.org.", "SECONDARY")}
    second = records[("www.mycompany.org.", "SECONDARY")]
    target = second["AliasTarget"]["DNSName"]["Fn::Join"][1][1]["Fn::GetStackOutput"]
    assert target["StackName"] == "shop-us-west-2"
    assert len(of_type(dns, "AWS::Route53::HealthCheck")) == 2


# ------------------------------------------------------------------ stand down
def test_stand_down_scales_a_service_to_zero() -> None:
    stack = cdk.Stack(cdk.App(), "S", env=cdk.Environment(region="us-east-1"))
    service = RegionalService(stack, "Service")
    assert service.stood_down is False
    service.stand_down()
    assert service.stood_down is True
    template = cdk.assertions.Template.from_stack(stack)
    template.has_resource_properties("AWS::ECS::Service", {"DesiredCount": 0})
    template.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalableTarget", {"MinCapacity": 0, "MaxCapacity": 0}
    )


# ------------------------------------------------------------------ bad input
def test_the_apps_database_variables_are_not_overwritten_silently() -> None:
    with pytest.raises(
        ValidationError,
        match=r"service.environment must not set DATABASE_HOST, .*got 'DATABASE_HOST' \(at Shop\)",
    ):
        MultiRegionApp(
            cdk.App(),
            "Shop",
            app_name="shop",
            service=RegionalServiceProps(environment={"DATABASE_HOST": "db.internal"}),
            database=True,
        )


def test_promoting_the_primary_region_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"promote_replica_in must name a secondary region"):
        MultiRegionApp(
            cdk.App(),
            "Shop",
            app_name="shop",
            database=ReplicatedDatabaseProps(promote_replica_in="us-east-1"),
        )


def test_dns_region_must_be_a_region_of_the_partition() -> None:
    with pytest.raises(ValidationError, match=r"dns_region must be in the partition 'aws'"):
        MultiRegionApp(cdk.App(), "Shop", app_name="shop", dns_region="cn-north-1")
    with pytest.raises(ValidationError, match=r"dns_region must be an AWS region name"):
        MultiRegionApp(cdk.App(), "Shop", app_name="shop", dns_region="east")
