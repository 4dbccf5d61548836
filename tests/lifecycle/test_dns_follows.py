"""The digest that makes the DNS stack follow a replaced load balancer (no emulator): it
changes exactly when CloudFormation would replace the load balancer, and FailoverDns puts it
into every health check and record that reads a load balancer of another stack."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk.assertions import Template

from multiregion_tap import FailoverDns
from multiregion_tap._private.dns_producers import TARGET_TAG, replacement_key

ENV = {"account": "123456789012"}


def _load_balancer(stack: cdk.Stack, **props: Any) -> elbv2.ApplicationLoadBalancer:
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
    return elbv2.ApplicationLoadBalancer(stack, "Lb", vpc=vpc, internet_facing=True, **props)


def _key(construct_id: str = "Lb", **props: Any) -> str | None:
    app = cdk.App()
    stack = cdk.Stack(app, "producer", env=cdk.Environment(region="us-east-1", **ENV))
    consumer = cdk.Stack(app, "consumer", env=cdk.Environment(region="us-east-1", **ENV))
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
    lb = elbv2.ApplicationLoadBalancer(stack, construct_id, vpc=vpc, internet_facing=True, **props)
    return replacement_key(lb, consumer)


def test_the_key_changes_with_what_replaces_the_load_balancer() -> None:
    base = _key()
    assert base is not None and len(base) == 16
    assert _key() == base, "deterministic"
    assert _key(load_balancer_name="shop-green") != base  # Name
    assert _key("Other") != base  # a new logical id: a new load balancer


def test_the_key_ignores_what_updates_the_load_balancer_in_place() -> None:
    base = _key()
    assert _key(idle_timeout=cdk.Duration.seconds(120)) == base
    assert _key(ip_address_type=elbv2.IpAddressType.DUAL_STACK) == base


def test_no_key_for_a_load_balancer_of_the_same_stack_or_an_imported_one() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "one", env=cdk.Environment(region="us-east-1", **ENV))
    lb = _load_balancer(stack)
    assert replacement_key(lb, stack) is None
    imported = elbv2.ApplicationLoadBalancer.from_application_load_balancer_attributes(
        stack,
        "Imported",
        load_balancer_arn="arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/1",
        security_group_id="sg-12345678",
        load_balancer_dns_name="x-1.us-east-1.elb.amazonaws.com",
        load_balancer_canonical_hosted_zone_id="Z35SXDOTRQ7X7K",
    )
    other = cdk.Stack(app, "two", env=cdk.Environment(region="us-east-1", **ENV))
    assert replacement_key(imported, other) is None


def test_failover_dns_carries_the_key_of_each_regions_load_balancer() -> None:
    app = cdk.App(context={"@aws-cdk/core:defaultCrossStackReferences": "weak"})
    stacks = {
        region: cdk.Stack(
            app, region, env=cdk.Environment(region=region, **ENV), cross_region_references=True
        )
        for region in ("us-east-1", "us-east-2")
    }
    lbs = {region: _load_balancer(stack) for region, stack in stacks.items()}
    for lb in lbs.values():
        lb.add_listener("Http", port=80, default_action=elbv2.ListenerAction.fixed_response(200))
    dns_stack = cdk.Stack(
        app, "dns", env=cdk.Environment(region="us-east-2", **ENV), cross_region_references=True
    )
    FailoverDns(
        dns_stack,
        "Dns",
        primary_load_balancer=lbs["us-east-1"],
        secondary_load_balancers=[lbs["us-east-2"]],
        zone_name="shop.mycompany.com",
        record_name="www.shop.mycompany.com",
    )
    template = Template.from_stack(dns_stack).to_json()
    keys = {r: replacement_key(lb, dns_stack) for r, lb in lbs.items()}
    checks = [r for r in template["Resources"].values() if r["Type"] == "AWS::Route53::HealthCheck"]
    tagged = sorted(
        t["Value"]
        for c in checks
        for t in c["Properties"]["HealthCheckTags"]
        if t["Key"] == TARGET_TAG
    )
    assert tagged == sorted(str(k) for k in keys.values())
    records = [
        r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Route53::RecordSet"
    ]
    comments = sorted(r.get("Comment", "") for r in records)
    assert comments == sorted(f"load balancer {k}" for k in keys.values())
