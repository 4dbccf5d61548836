"""_private/outputs.py and _private/service_outputs.py called directly on bare stacks (plain
strings for the service's pieces, no RegionalService): the well-known outputs discovery reads,
by their exact logical ids and descriptions. Kills the mutants of ``tools/mutate.py`` in about
two seconds each (docs/guides/testing.md)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template
from constructs import Construct

from multiregion_tap._private.outputs import add_well_known_output, stack_of
from multiregion_tap._private.service_outputs import add_service_outputs


def _outputs(stack: cdk.Stack) -> dict[str, Any]:
    return dict(Template.from_stack(stack).to_json().get("Outputs", {}))


def test_an_output_s_logical_id_is_its_well_known_name_plus_the_suffix() -> None:
    stack = cdk.Stack(cdk.App(), "Shop")
    inner = Construct(Construct(stack, "A"), "B")
    add_well_known_output(inner, "VpcId", "vpc-1", description="the VPC")
    add_well_known_output(inner, "VpcId", "vpc-2", description="the other VPC", suffix="Api")
    assert _outputs(stack) == {
        "VpcId": {"Value": "vpc-1", "Description": "the VPC"},
        "VpcIdApi": {"Value": "vpc-2", "Description": "the other VPC"},
    }
    # created in the stack itself, whatever the scope
    assert stack.node.try_find_child("OutputVpcId") is not None


def test_an_unknown_name_and_the_same_output_twice_are_refused() -> None:
    stack = cdk.Stack(cdk.App(), "Shop", stack_name="shop-us-east-1")
    with pytest.raises(ValueError, match=r"^'Vpc' is not one of OutputNames$"):
        add_well_known_output(stack, "Vpc", "vpc-1", description="x")
    add_well_known_output(stack, "VpcId", "vpc-1", description="x")
    with pytest.raises(ValueError) as caught:
        add_well_known_output(Construct(stack, "Other"), "VpcId", "vpc-1", description="x")
    assert str(caught.value) == (
        "stack 'shop-us-east-1' already has the output 'VpcId': two constructs of the same "
        "kind in one stack need distinct output suffixes"
    )
    # another stack may have its own
    add_well_known_output(cdk.Stack(stack.node.root, "Other"), "VpcId", "vpc-1", description="x")


def test_stack_of() -> None:
    stack = cdk.Stack(cdk.App(), "Shop")
    inner = Construct(stack, "A")
    assert stack_of(stack) is stack
    assert stack_of(inner) is stack
    assert stack_of(inner) is stack  # remembered


def _pieces(repository: Any) -> dict[str, Any]:
    return {
        "network": SimpleNamespace(vpc=SimpleNamespace(vpc_id="vpc-1"), vpc_cidr="10.0.0.0/16"),
        "registry": SimpleNamespace(repository=repository),
        "tasks": SimpleNamespace(cluster=SimpleNamespace(cluster_name="shop")),
        "service": SimpleNamespace(service_name="web", service_arn="arn:service"),
        "lb": SimpleNamespace(
            load_balancer=SimpleNamespace(
                load_balancer_arn="arn:alb", load_balancer_dns_name="alb.example"
            ),
            blue=SimpleNamespace(target_group_arn="arn:blue"),
            green=SimpleNamespace(target_group_arn="arn:green"),
        ),
    }


def test_the_service_s_outputs() -> None:
    stack = cdk.Stack(cdk.App(), "Shop")
    repository = SimpleNamespace(repository_uri="1.dkr.ecr.us-east-1.amazonaws.com/shop")
    add_service_outputs(
        stack, **_pieces(repository), service_url="https://shop.example", suffix="X"
    )
    described = {k: (v["Value"], v["Description"]) for k, v in _outputs(stack).items()}
    assert described == {
        "VpcIdX": ("vpc-1", "VPC of the regional service"),
        "VpcCidrX": ("10.0.0.0/16", "IPv4 CIDR block of the VPC"),
        "RepositoryUriX": ("1.dkr.ecr.us-east-1.amazonaws.com/shop", "ECR repository URI"),
        "ClusterNameX": ("shop", "ECS cluster name"),
        "ServiceNameX": ("web", "ECS service name"),
        "ServiceArnX": ("arn:service", "ECS service ARN"),
        "LoadBalancerArnX": ("arn:alb", "ALB ARN"),
        "LoadBalancerDnsNameX": ("alb.example", "ALB DNS name"),
        "BlueTargetGroupArnX": ("arn:blue", "Blue (initially production) target group ARN"),
        "GreenTargetGroupArnX": ("arn:green", "Green (initially alternate) target group ARN"),
        "ServiceUrlX": ("https://shop.example", "URL of the service in this region"),
    }


def test_no_repository_means_no_repository_output() -> None:
    stack = cdk.Stack(cdk.App(), "Shop")
    add_service_outputs(stack, **_pieces(None), service_url="https://shop.example", suffix="")
    outputs = _outputs(stack)
    assert "RepositoryUri" not in outputs
    assert len(outputs) == 10


def test_service_outputs_star_import() -> None:
    namespace: dict[str, object] = {}
    exec("from multiregion_tap._private.service_outputs import *", namespace)
    assert {k for k in namespace if not k.startswith("__")} == {"add_service_outputs"}
