"""Consumers that follow their producers (``_private/producers.py``, no emulator): the digest
changes exactly when CloudFormation would replace a producer (or what its create-only
properties refer to), and every reader of another stack carries it where an update is
certain (a tag, a record's ``Comment``, else ``Metadata``)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_rds as rds
from aws_cdk.assertions import Template

from multiregion_tap import FailoverDns
from multiregion_tap._private.producers import (
    CREATE_ONLY,
    NAMES,
    _digest,
    follow,
    followed,
    producer_key,
)

ENV = {"account": "123456789012"}
#: AWS's literal tag key, not the library's constant.
FOLLOWS = "multiregion-tap:follows"


def _stacks(*regions: str) -> list[cdk.Stack]:
    app = cdk.App(context={"@aws-cdk/core:defaultCrossStackReferences": "weak"})
    return [
        cdk.Stack(app, f"s{i}", env=cdk.Environment(region=r, **ENV), cross_region_references=True)
        for i, r in enumerate(regions)
    ]


def _load_balancer(stack: cdk.Stack, construct_id: str = "Lb", **props: Any) -> Any:
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
    return elbv2.ApplicationLoadBalancer(stack, construct_id, vpc=vpc, **props)


def _cfn(construct: Any) -> cdk.CfnResource:
    child = construct.node.default_child
    assert isinstance(child, cdk.CfnResource)
    return child


def _lb_key(construct_id: str = "Lb", **props: Any) -> str:
    (stack,) = _stacks("us-east-1")
    return producer_key(_load_balancer(stack, construct_id, **props))


def test_the_create_only_table_is_cloudformations() -> None:
    """``CREATE_ONLY`` equals ``createOnlyProperties`` of AWS's resource provider schemas (as
    cfn-lint ships them) for every type it lists."""
    spec = importlib.util.find_spec("cfnlint")
    assert spec is not None and spec.origin is not None
    data = Path(spec.origin).parent / "data" / "schemas"
    index = json.loads((data / "providers" / "us-east-1.json").read_text())
    for kind, names in CREATE_ONLY.items():
        schema = json.loads((data / "resources" / f"{index[kind]}.json").read_text())
        wanted = {p.removeprefix("/properties/") for p in schema["createOnlyProperties"]}
        assert set(names) == wanted, kind


def test_the_key_changes_with_what_replaces_the_load_balancer() -> None:
    base = _lb_key()
    assert len(base) == 16 and int(base, 16) >= 0
    assert _lb_key() == base, "deterministic"
    assert _lb_key(load_balancer_name="shop-green") != base  # Name
    assert _lb_key(internet_facing=True) != base  # Scheme
    assert _lb_key("Other") != base  # a new logical id: a new load balancer


def test_the_key_ignores_what_updates_the_load_balancer_in_place() -> None:
    base = _lb_key(internet_facing=False)
    assert _lb_key(internet_facing=False, idle_timeout=cdk.Duration.seconds(120)) == base
    assert _lb_key(internet_facing=False, ip_address_type=elbv2.IpAddressType.DUAL_STACK) == base


def test_stating_cloudformations_default_is_no_replacement() -> None:
    (one,) = _stacks("us-east-1")
    (two,) = _stacks("us-east-1")
    vpc_one = ec2.Vpc(one, "Vpc", max_azs=2, nat_gateways=0)
    vpc_two = ec2.Vpc(two, "Vpc", max_azs=2, nat_gateways=0)
    left = elbv2.CfnLoadBalancer(one, "Lb", subnets=vpc_one.select_subnets().subnet_ids)
    right = elbv2.CfnLoadBalancer(
        two,
        "Lb",
        subnets=vpc_two.select_subnets().subnet_ids,
        scheme="internet-facing",
        type="application",
    )
    assert producer_key(left) == producer_key(right)


def test_the_key_follows_what_create_only_properties_refer_to() -> None:
    """A route table is replaced with its VPC: its key changes with the VPC's block."""

    def route_table_key(cidr: str) -> str:
        (stack,) = _stacks("us-east-1")
        vpc = ec2.CfnVPC(stack, "Vpc", cidr_block=cidr)
        return producer_key(ec2.CfnRouteTable(stack, "Table", vpc_id=vpc.ref))

    assert route_table_key("10.0.0.0/16") == route_table_key("10.0.0.0/16")
    assert route_table_key("10.0.0.0/16") != route_table_key("10.9.0.0/16")


def test_a_reader_of_its_own_stack_or_of_literals_carries_nothing() -> None:
    one, two = _stacks("us-east-1", "us-east-2")
    vpc = ec2.CfnVPC(one, "Vpc", cidr_block="10.0.0.0/16")
    same = ec2.CfnRouteTable(one, "Table", vpc_id=vpc.ref)
    literal = ec2.CfnRouteTable(two, "Literal", vpc_id="vpc-12345678")
    other = ec2.CfnRouteTable(two, "Other", vpc_id=vpc.ref)
    assert follow(same, [vpc]) is None and followed(same) == []
    assert follow(literal, ["vpc-12345678", None]) is None
    key = follow(other, [vpc.ref])  # a value read from the producer names it too
    assert key is not None and key == follow(other, [vpc, vpc.attr_vpc_id])
    assert [p.node.path for p in followed(other)] == ["s0/Vpc"]


def test_a_named_producer_is_its_name() -> None:
    """CloudFormation replaces a custom-named resource only under a new name: the name alone
    (with the logical id) is the key, whatever else changes."""

    def key(identifier: str, **props: Any) -> str:
        (stack,) = _stacks("us-east-1")
        db = rds.CfnDBInstance(
            stack,
            "Db",
            db_instance_identifier=identifier,
            db_instance_class="db.t4g.micro",
            engine="postgres",
            **props,
        )
        return producer_key(db)

    assert key("shop-use1") == key("shop-use1", storage_encrypted=True, db_name="other")
    assert key("shop-use1") != key("shop-use1-from-use2")
    assert set(NAMES) <= set(CREATE_ONLY)
    assert all(NAMES[kind] in CREATE_ONLY[kind] for kind in NAMES)


def _follows(resource: dict[str, Any]) -> list[str]:
    """Where a resource carries the digest: its tags, its ``Comment``, its ``Metadata``."""
    props = resource.get("Properties", {})
    found = []
    for key in ("Tags", "HealthCheckTags"):
        found += [t["Value"] for t in props.get(key, []) if t["Key"] == FOLLOWS]
    comment = props.get("Comment", "")
    if comment.startswith(FOLLOWS + " "):
        found.append(comment.removeprefix(FOLLOWS + " "))
    if FOLLOWS in resource.get("Metadata", {}):
        found.append(resource["Metadata"][FOLLOWS])
    return found


def test_each_kind_of_reader_carries_the_key_where_an_update_is_certain() -> None:
    one, two = _stacks("us-east-1", "us-east-2")
    vpc = ec2.CfnVPC(one, "Vpc", cidr_block="10.0.0.0/16")
    table = ec2.CfnRouteTable(one, "Table", vpc_id=vpc.ref)
    connection = ec2.CfnVPCPeeringConnection(
        two, "Connection", vpc_id="vpc-12345678", peer_vpc_id=vpc.ref
    )
    route = ec2.CfnRoute(
        two,
        "Route",
        route_table_id=table.ref,
        destination_cidr_block="10.1.0.0/16",
        vpc_peering_connection_id=connection.ref,
    )
    alarm = cloudwatch.CfnAlarm(
        two,
        "Alarm",
        comparison_operator="LessThanThreshold",
        evaluation_periods=1,
        threshold=1,
        metric_name="VpcCidr",
        namespace="Test",
        dimensions=[cloudwatch.CfnAlarm.DimensionProperty(name="Vpc", value=vpc.ref)],
    )
    keys = {
        connection: follow(connection, [vpc]),
        route: follow(route, [table.ref, connection]),  # the connection: its own stack
        alarm: follow(alarm, [vpc]),
    }
    resources = Template.from_stack(two).to_json()["Resources"]
    carried = {r: _follows(resources[two.resolve(r.logical_id)]) for r in keys}
    assert carried == {r: [k] for r, k in keys.items()}
    assert keys[connection] == keys[alarm] != keys[route]
    assert "Tags" in resources[two.resolve(connection.logical_id)]["Properties"]
    assert "Metadata" in resources[two.resolve(route.logical_id)]  # a route has no tags
    assert "Tags" in resources[two.resolve(alarm.logical_id)]["Properties"]  # tags v2


def test_failover_dns_carries_the_key_of_each_regions_load_balancer() -> None:
    east1, east2, dns_stack = _stacks("us-east-1", "us-east-2", "us-east-2")
    lbs = {stack.region: _load_balancer(stack, internet_facing=True) for stack in (east1, east2)}
    for lb in lbs.values():
        lb.add_listener("Http", port=80, default_action=elbv2.ListenerAction.fixed_response(200))
    FailoverDns(
        dns_stack,
        "Dns",
        primary_load_balancer=lbs["us-east-1"],
        secondary_load_balancers=[lbs["us-east-2"]],
        zone_name="shop.mycompany.com",
        record_name="www.shop.mycompany.com",
    )
    template = Template.from_stack(dns_stack).to_json()
    # One producer per reader: the health check and the records of a region read its load
    # balancer alone, so they carry the same key.
    keys = sorted(_digest([producer_key(lb)]) for lb in lbs.values())
    checks = [r for r in template["Resources"].values() if r["Type"] == "AWS::Route53::HealthCheck"]
    assert sorted(k for c in checks for k in _follows(c)) == keys
    records = [r for r in template["Resources"].values() if r["Type"] == "AWS::Route53::RecordSet"]
    assert sorted(k for r in records for k in _follows(r)) == keys
    assert all(r["Properties"]["Comment"].startswith(f"{FOLLOWS} ") for r in records)


@pytest.mark.parametrize("replaced", ["name", "logical id"])
def test_replacing_a_load_balancer_changes_its_readers_keys_only(replaced: str) -> None:
    """us-east-2's load balancer is replaced: its health check's key changes, us-east-1's
    does not."""

    def keys(construct_id: str = "Lb", **props: Any) -> dict[str, list[str]]:
        east1, east2, dns_stack = _stacks("us-east-1", "us-east-2", "us-east-2")
        lbs = [
            _load_balancer(east1, internet_facing=True),
            _load_balancer(east2, construct_id, internet_facing=True, **props),
        ]
        for lb in lbs:
            lb.add_listener(
                "Http", port=80, default_action=elbv2.ListenerAction.fixed_response(200)
            )
        dns = FailoverDns(
            dns_stack,
            "Dns",
            primary_load_balancer=lbs[0],
            secondary_load_balancers=[lbs[1]],
            zone_name="shop.mycompany.com",
            record_name="www.shop.mycompany.com",
        )
        resources = Template.from_stack(dns_stack).to_json()["Resources"]
        return {
            region: _follows(resources[dns_stack.resolve(_cfn(check).logical_id)])
            for region, check in dns.health_checks.items()
        }

    base = keys()
    change = {"name": {"load_balancer_name": "shop-blue"}, "logical id": {"construct_id": "Green"}}
    after = keys(**change[replaced])
    assert after["us-east-1"] == base["us-east-1"] and len(base["us-east-1"]) == 1
    assert after["us-east-2"] != base["us-east-2"] and len(after["us-east-2"]) == 1


def test_plain_cfn_resources_of_two_types_keep_their_own_types() -> None:
    """A plain ``CfnResource`` can be of any type: the key of a VPC made that way reads the
    VPC's create-only properties even after a plain resource of another type was seen."""
    (one,) = _stacks("us-east-1")
    topic = cdk.CfnResource(one, "Topic", type="AWS::SNS::Topic")
    producer_key(topic)

    def vpc_key(cidr: str) -> str:
        (stack,) = _stacks("us-east-1")
        return producer_key(
            cdk.CfnResource(stack, "Vpc", type="AWS::EC2::VPC", properties={"CidrBlock": cidr})
        )

    assert vpc_key("10.0.0.0/16") != vpc_key("10.9.0.0/16")
