"""_private/service_network.py's ``build_network`` called directly with the settings it reads:
the VPC of the given CIDR with its public, private and isolated subnets at their masks, no
public address on launch, no custom resource for the default security group, the flow log of
all traffic into its log group under the construct ids the logical ids depend on, the
dual-stack layout, and nothing at all with an existing VPC. Kills the mutants of
``tools/mutate.py`` in a couple of seconds each (docs/guides/testing.md)."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_logs as logs
from aws_cdk.assertions import Template

from multiregion_tap._private import service_network as module
from multiregion_tap._private.service_network import Network, build_network
from multiregion_tap._private.service_options import ServiceOptions


def _settings(**changes: Any) -> Any:
    """What build_network reads of ServiceSettings."""
    values: dict[str, Any] = {
        "existing_vpc": None,
        "cidr": "10.20.0.0/16",
        "max_azs": 2,
        "nat_count": 1,
        "retention": logs.RetentionDays.ONE_MONTH,
        "log_encryption_key": None,
        "removal": cdk.RemovalPolicy.RETAIN,
        "options": ServiceOptions(),
    }
    return SimpleNamespace(**{**values, **changes})


def _built(**changes: Any) -> tuple[cdk.Stack, Network, dict[str, Any]]:
    stack = cdk.Stack(cdk.App(), "Shop")
    network = build_network(stack, _settings(**changes))
    return stack, network, Template.from_stack(stack).to_json()["Resources"]


@pytest.fixture(scope="module")
def ipv4() -> tuple[cdk.Stack, Network, dict[str, Any]]:
    return _built()


@pytest.fixture(scope="module")
def dual() -> tuple[cdk.Stack, Network, dict[str, Any]]:
    return _built(options=ServiceOptions(dual_stack=True), cidr="10.30.0.0/20")


def _of(resources: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r for r in resources.values() if r["Type"] == kind]


def _subnets(resources: dict[str, Any]) -> list[tuple[str, int, Any]]:
    """Each subnet's name (CDK's aws-cdk:subnet-name tag), mask and MapPublicIpOnLaunch."""
    found = []
    for subnet in _of(resources, "AWS::EC2::Subnet"):
        props = subnet["Properties"]
        (name,) = [t["Value"] for t in props["Tags"] if t["Key"] == "aws-cdk:subnet-name"]
        mask = int(props["CidrBlock"].split("/")[1]) if isinstance(props["CidrBlock"], str) else 0
        found.append((name, mask, props.get("MapPublicIpOnLaunch")))
    return sorted(found)


def test_the_vpc_and_its_subnets_at_their_masks(
    ipv4: tuple[cdk.Stack, Network, dict[str, Any]],
) -> None:
    _stack, network, resources = ipv4
    (vpc,) = _of(resources, "AWS::EC2::VPC")
    assert vpc["Properties"]["CidrBlock"] == "10.20.0.0/16"
    assert network.vpc_cidr == "10.20.0.0/16"
    # /16: public /21, private (with egress) /19, isolated /21, two AZs
    assert _subnets(resources) == [
        ("Isolated", 21, False),
        ("Isolated", 21, False),
        ("Private", 19, False),
        ("Private", 19, False),
        ("Public", 21, False),
        ("Public", 21, False),
    ]
    assert len(_of(resources, "AWS::EC2::NatGateway")) == 1
    assert not _of(resources, "AWS::EC2::VPCCidrBlock")  # IPv4 only
    # restrict_default_security_group=False: no Lambda-backed custom resource
    assert not _of(resources, "Custom::VpcRestrictDefaultSG")
    assert not _of(resources, "AWS::Lambda::Function")


def test_the_flow_log_of_all_traffic_into_its_group(
    ipv4: tuple[cdk.Stack, Network, dict[str, Any]],
) -> None:
    stack, network, resources = ipv4
    assert network.vpc.node.path == "Shop/Vpc"
    assert network.flow_log_group is not None and network.flow_log is not None
    assert network.flow_log_group.node.path == "Shop/FlowLogGroup"
    assert network.flow_log.node.path == "Shop/Vpc/FlowLog"
    (flow_log,) = _of(resources, "AWS::EC2::FlowLog")
    assert flow_log["Properties"]["TrafficType"] == "ALL"
    group_id = stack.get_logical_id(network.flow_log_group.node.default_child)  # type: ignore[arg-type]
    assert flow_log["Properties"]["LogGroupName"] == {"Ref": group_id}
    assert resources[group_id]["Properties"]["RetentionInDays"] == 30


def test_dual_stack_subnets_assign_no_ipv6_address_unasked(
    dual: tuple[cdk.Stack, Network, dict[str, Any]],
) -> None:
    _stack, _network, resources = dual
    (block,) = _of(resources, "AWS::EC2::VPCCidrBlock")
    assert block["Properties"]["AmazonProvidedIpv6CidrBlock"] is True
    subnets = _of(resources, "AWS::EC2::Subnet")
    assert len(subnets) == 6
    assert {s["Properties"]["AssignIpv6AddressOnCreation"] for s in subnets} == {False}
    assert len(_of(resources, "AWS::EC2::EgressOnlyInternetGateway")) == 1
    # /20: public /25, private /23, isolated /25
    assert [(n, m) for n, m, _ in _subnets(resources)] == [
        ("Isolated", 25),
        ("Isolated", 25),
        ("Private", 23),
        ("Private", 23),
        ("Public", 25),
        ("Public", 25),
    ]


def test_an_existing_vpc_creates_nothing() -> None:
    stack = cdk.Stack(cdk.App(), "Shop")
    vpc = ec2.Vpc.from_vpc_attributes(
        stack,
        "Given",
        vpc_id="vpc-12345678",
        availability_zones=["a"],
        vpc_cidr_block="10.9.0.0/16",
    )
    network = build_network(stack, _settings(existing_vpc=vpc))
    assert network == Network(vpc, "10.9.0.0/16")
    assert network.flow_log is None and network.flow_log_group is None
    assert Template.from_stack(stack).to_json().get("Resources", {}) == {}


def test_network_is_frozen_and_the_public_names() -> None:
    stack = cdk.Stack(cdk.App(), "Shop")
    vpc = ec2.Vpc.from_vpc_attributes(
        stack,
        "Given",
        vpc_id="vpc-12345678",
        availability_zones=["a"],
        vpc_cidr_block="10.9.0.0/16",
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        Network(vpc, "10.9.0.0/16").vpc_cidr = "x"  # type: ignore[misc]
    namespace: dict[str, object] = {}
    exec("from multiregion_tap._private.service_network import *", namespace)
    assert {k: v for k, v in namespace.items() if not k.startswith("__")} == {
        "Network": module.Network,
        "build_network": module.build_network,
    }
