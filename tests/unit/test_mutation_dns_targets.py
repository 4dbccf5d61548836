"""_private/dns_targets.py on a bare stack (an imported load balancer, no VPC, no
FailoverDns): both alias targets set Route 53's ``EvaluateTargetHealth`` to true, which a
failover alias record needs. Kills the mutants of ``tools/mutate.py`` in about two seconds each
(docs/guides/testing.md)."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_route53 as route53
from aws_cdk.assertions import Template

from multiregion_tap._private.dns_targets import load_balancer_target, record_target


@pytest.fixture(scope="module")
def records() -> dict[str, Any]:
    stack = cdk.Stack(cdk.App(), "Dns", env=cdk.Environment(region="us-east-1"))
    zone = route53.HostedZone(stack, "Zone", zone_name="example.com")
    alb = elbv2.ApplicationLoadBalancer.from_application_load_balancer_attributes(
        stack,
        "Alb",
        load_balancer_arn="arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/shop/1",
        security_group_id="sg-1",
        load_balancer_dns_name="shop-1.us-east-1.elb.amazonaws.com",
        load_balancer_canonical_hosted_zone_id="Z35SXDOTRQ7X7K",
    )
    regional = route53.ARecord(
        stack,
        "Regional",
        zone=zone,
        record_name="us-east-1.shop",
        target=load_balancer_target(alb),
    )
    route53.ARecord(
        stack, "Shop", zone=zone, record_name="shop", target=record_target(regional, zone)
    )
    resources = Template.from_stack(stack).to_json()["Resources"]
    return {
        r["Properties"]["Name"]: r["Properties"]
        for r in resources.values()
        if r["Type"] == "AWS::Route53::RecordSet"
    }


def test_the_load_balancer_alias_evaluates_target_health(records: dict[str, Any]) -> None:
    alias = records["us-east-1.shop.example.com."]["AliasTarget"]
    assert alias == {
        "DNSName": "dualstack.shop-1.us-east-1.elb.amazonaws.com",
        "EvaluateTargetHealth": True,
        "HostedZoneId": "Z35SXDOTRQ7X7K",
    }


def test_the_record_alias_evaluates_target_health(records: dict[str, Any]) -> None:
    alias = records["shop.example.com."]["AliasTarget"]
    assert alias["EvaluateTargetHealth"] is True
    assert alias["HostedZoneId"] == {"Ref": "ZoneA5DE4B68"}
