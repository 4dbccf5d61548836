"""The RegionalService apps the tests synthesize (shared by in-process and subprocess tests).

Two apps cover every configuration the tests need, to keep synth counts low:

* ``build_default``: ``shop`` in us-east-1 (primary) and us-east-2, every prop at its default
  except the per-region ones MultiRegionApp would pass (distinct CIDRs, ECR replication from
  the primary to the secondary).
* ``build_variants``: ``variants`` with a different configuration in each region:
  us-east-1 HTTPS + CANARY + test listener + latency alarm + changed "routine" props,
  us-east-2 CODE_DEPLOY + HTTPS + test listener, us-west-2 an existing VPC + LINEAR + an
  internal load balancer.
"""

from __future__ import annotations

import inspect
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs

from multiregion_tap import MultiRegionApp
from multiregion_tap.regional_service import DeploymentMode, RegionalService, default_vpc_cidr

ACCOUNT = "123456789012"


def bare_app(scope: cdk.App, id: str, **kwargs: Any) -> MultiRegionApp:
    """A MultiRegionApp whose regional stacks are empty, for the tests to fill.

    Where MultiRegionApp composes constructs itself (``service=``, ``peering=``, ...), those
    are turned off so the test owns the RegionalService of each stack.
    """
    params = inspect.signature(MultiRegionApp.__init__).parameters
    for flag in ("service", "database", "peering", "monitoring"):
        if flag in params:
            kwargs.setdefault(flag, False)
    return MultiRegionApp(scope, id, **kwargs)


def certificate(stack: cdk.Stack) -> acm.ICertificate:
    return acm.Certificate.from_certificate_arn(
        stack, "Certificate", f"arn:aws:acm:{stack.region}:{ACCOUNT}:certificate/0000-test"
    )


def build_default(scope: cdk.App) -> tuple[MultiRegionApp, dict[str, RegionalService]]:
    shop = bare_app(scope, "Shop", app_name="shop")
    services = {}
    for index, region in enumerate(shop.regions):
        services[region] = RegionalService(
            shop.stack_for(region),
            "Service",
            vpc_cidr=default_vpc_cidr(index),
            image_replication_regions=list(shop.secondary_regions)
            if region == shop.primary_region
            else None,
        )
    return shop, services


def build_variants(scope: cdk.App) -> tuple[MultiRegionApp, dict[str, RegionalService]]:
    app = bare_app(
        scope,
        "Variants",
        app_name="variants",
        secondary_regions=["us-east-2", "us-west-2"],
    )
    east1 = app.stack_for("us-east-1")
    east2 = app.stack_for("us-east-2")
    west2 = app.stack_for("us-west-2")
    services: dict[str, Any] = {}
    services["us-east-1"] = RegionalService(
        east1,
        "Service",
        certificate=certificate(east1),
        deployment_mode=DeploymentMode.CANARY,
        traffic_shift_percent=20,
        traffic_shift_interval=cdk.Duration.minutes(3),
        bake_time=cdk.Duration.minutes(10),
        test_listener_port=8443,
        latency_threshold=cdk.Duration.millis(1500),
        # "Routine" changes that must not touch the production listener rule:
        image_tag="abc123",
        cpu=512,
        memory_limit_mib=1024,
        container_port=8080,
        health_check_path="/health",
        environment={"LOG_LEVEL": "info"},
        desired_count=3,
        max_capacity=9,
        requests_per_target=500,
    )
    services["us-east-2"] = RegionalService(
        east2,
        "Service",
        vpc_cidr=default_vpc_cidr(1),
        certificate=certificate(east2),
        deployment_mode=DeploymentMode.CODE_DEPLOY,
        test_listener_port=8443,
        bake_time=cdk.Duration.minutes(30),
    )
    shared = ec2.Vpc(
        west2,
        "SharedVpc",
        ip_addresses=ec2.IpAddresses.cidr("10.2.0.0/16"),
        max_azs=2,
        nat_gateways=1,
        restrict_default_security_group=False,
        flow_logs={"All": ec2.FlowLogOptions()},
    )
    services["us-west-2"] = RegionalService(
        west2,
        "Service",
        existing_vpc=shared,
        deployment_mode=DeploymentMode.LINEAR,
        internet_facing=False,
        image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:stable"),
        removal_policy=cdk.RemovalPolicy.DESTROY,
    )
    # The shared VPC is the user's: acknowledge its findings where it is created.
    for rule, reason in (
        ("NIST.800.53.R5::NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW", "test VPC"),
        ("NIST.800.53.R5::NIST.800.53.R5-VPCSubnetAutoAssignPublicIpDisabled", "test VPC"),
        ("NIST.800.53.R5::NIST.800.53.R5-VPCDefaultSecurityGroupClosed", "test VPC"),
        ("NIST.800.53.R5::NIST.800.53.R5-IAMNoInlinePolicy", "test VPC flow log role"),
        ("NIST.800.53.R5::NIST.800.53.R5-CloudWatchLogGroupEncrypted", "test VPC flow logs"),
        ("NIST.800.53.R5::NIST.800.53.R5-CloudWatchLogGroupRetentionPeriod", "test VPC"),
    ):
        cdk.Validations.of(shared).acknowledge(cdk.Acknowledgment(id=rule, reason=reason))
    return app, services
