"""Apps shared by tests/unit/test_failover_dns.py and tests/unit/test_monitoring.py.

Each configuration is built and synthesized once per test session (``functools.cache``):
a small load balancer, Fargate service and database in each regional stack of a real
``MultiRegionApp`` stand in for RegionalService and ReplicatedDatabase.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import assertions
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_rds as rds

from multiregion_tap.failover_dns import FailoverDns
from multiregion_tap.monitoring import HealthCheckAlarms, OverviewDashboard, RegionalMonitoring
from multiregion_tap.multi_region_app import MultiRegionApp

from .nag import NaggedSynth, app_with_nag, synth_with_nag
from .templates import templates

CERTIFICATE_ARN = (
    "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
)
ENGINE = rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_17_6)


@dataclass
class Region:
    """What the stand-in RegionalService/ReplicatedDatabase made in one region."""

    stack: cdk.Stack
    load_balancer: elbv2.ApplicationLoadBalancer
    blue: elbv2.ApplicationTargetGroup
    green: elbv2.ApplicationTargetGroup
    service: ecs.FargateService | None
    database: rds.DatabaseInstanceBase | None
    rollback_alarm: cloudwatch.Alarm | None


@dataclass
class Built:
    app: MultiRegionApp
    regions: dict[str, Region]
    dns: FailoverDns
    templates: dict[str, assertions.Template]
    monitoring: dict[str, RegionalMonitoring]
    health_check_alarms: HealthCheckAlarms | None = None
    overview: OverviewDashboard | None = None
    nag: NaggedSynth | None = None


def _region(
    stack: cdk.Stack,
    *,
    https: bool,
    dualstack: bool,
    full: bool,
    source: rds.IDatabaseInstance | None = None,
) -> Region:
    vpc = ec2.Vpc(
        stack,
        "Vpc",
        max_azs=2,
        nat_gateways=0,
        ip_protocol=ec2.IpProtocol.DUAL_STACK if dualstack else ec2.IpProtocol.IPV4_ONLY,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC),
            ec2.SubnetConfiguration(name="app", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
        ],
    )
    load_balancer = elbv2.ApplicationLoadBalancer(
        stack,
        "Alb",
        vpc=vpc,
        internet_facing=True,
        ip_address_type=elbv2.IpAddressType.DUAL_STACK if dualstack else elbv2.IpAddressType.IPV4,
    )
    blue = elbv2.ApplicationTargetGroup(
        stack,
        "Blue",
        vpc=vpc,
        port=8080,
        protocol=elbv2.ApplicationProtocol.HTTP,
        target_type=elbv2.TargetType.IP,
    )
    green = elbv2.ApplicationTargetGroup(
        stack,
        "Green",
        vpc=vpc,
        port=8080,
        protocol=elbv2.ApplicationProtocol.HTTP,
        target_type=elbv2.TargetType.IP,
    )
    if https:
        listener = load_balancer.add_listener(
            "Https",
            port=443,
            certificates=[elbv2.ListenerCertificate.from_arn(CERTIFICATE_ARN)],
            default_target_groups=[blue],
        )
        load_balancer.add_redirect()
    else:
        listener = load_balancer.add_listener("Http", port=80, default_target_groups=[blue])
    # The alternate (green) target group behind a test rule, as blue/green needs it attached.
    listener.add_target_groups(
        "Green",
        priority=10,
        conditions=[elbv2.ListenerCondition.http_header("x-green", ["1"])],
        target_groups=[green],
    )
    service = database = alarm = None
    if full:
        cluster = ecs.Cluster(stack, "Cluster", vpc=vpc)
        task = ecs.FargateTaskDefinition(stack, "Task")
        task.add_container(
            "web",
            image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:stable"),
            port_mappings=[ecs.PortMapping(container_port=8080)],
        )
        service = ecs.FargateService(
            stack,
            "Service",
            cluster=cluster,
            task_definition=task,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
        )
        blue.add_target(service)
        # A blue/green rollback alarm as RegionalService makes it (fixed name).
        alarm = cloudwatch.Alarm(
            stack,
            "RollbackAlarm",
            alarm_name=f"{stack.stack_name}-rollback",
            metric=green.metrics.http_code_target(elbv2.HttpCodeTarget.TARGET_5XX_COUNT),
            threshold=1,
            evaluation_periods=1,
        )
        subnets = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        if source is None:
            database = rds.DatabaseInstance(
                stack,
                "Database",
                engine=ENGINE,
                vpc=vpc,
                vpc_subnets=subnets,
                storage_encrypted=True,
                backup_retention=cdk.Duration.days(7),
            )
        else:
            database = rds.DatabaseInstanceReadReplica(
                stack,
                "Replica",
                source_database_instance=source,
                instance_type=ec2.InstanceType("t4g.micro"),
                vpc=vpc,
                vpc_subnets=subnets,
            )
    return Region(stack, load_balancer, blue, green, service, database, alarm)


@functools.cache
def two_regions() -> Built:
    """us-east-1 (HTTPS, dualstack) and us-east-2 (HTTP, dualstack), with monitoring;
    synthesized once, with cdk-nag (AwsSolutions + NIST 800-53 rev5) attached."""
    app = app_with_nag()
    shop = MultiRegionApp(app, "Shop", app_name="shop", service=False)
    primary = _region(shop.stack_for("us-east-1"), https=True, dualstack=True, full=True)
    secondary = _region(
        shop.stack_for("us-east-2"),
        https=False,
        dualstack=True,
        full=True,
        source=primary.database,
    )
    regions = {"us-east-1": primary, "us-east-2": secondary}
    dns_stack = shop.add_helper_stack("dns", region="us-east-1")
    dns = FailoverDns(
        dns_stack,
        "FailoverDns",
        primary_load_balancer=primary.load_balancer,
        secondary_load_balancers=[secondary.load_balancer],
        record_name="shop.mycompany.com",
        zone_name="mycompany.com",
        health_check_path="/healthz",
        health_check_interval=cdk.Duration.seconds(10),
        failure_threshold=2,
    )
    monitoring = {
        name: RegionalMonitoring(
            region.stack,
            "Monitoring",
            load_balancer=region.load_balancer,
            target_groups=[region.blue, region.green],
            service=region.service,
            database=region.database,
            database_is_replica=name != "us-east-1",
            existing_alarms=[region.rollback_alarm] if region.rollback_alarm else [],
            email_addresses=["ops@example.com"],
            https_endpoints=["https://hooks.example.com/alarms"],
        )
        for name, region in regions.items()
    }
    health_check_alarms = HealthCheckAlarms(
        dns_stack,
        "HealthCheckAlarms",
        health_checks=dns.health_checks,
        email_addresses=["ops@example.com"],
    )
    overview = OverviewDashboard(
        shop.add_helper_stack("monitoring"),
        "Overview",
        regions=list(monitoring.values()),
        health_checks=dns.health_checks,
    )
    nag = synth_with_nag(app)
    return Built(shop, regions, dns, nag.templates, monitoring, health_check_alarms, overview, nag)


@functools.cache
def three_regions() -> Built:
    """Primary us-east-1 and two secondaries (chained failover), IPv4-only, imported zone."""
    app = cdk.App()
    shop = MultiRegionApp(
        app, "Shop", app_name="shop", service=False, secondary_regions=["us-east-2", "us-west-2"]
    )
    regions = {
        name: _region(shop.stack_for(name), https=False, dualstack=False, full=False)
        for name in shop.regions
    }
    dns = FailoverDns(
        shop.add_helper_stack("dns", region="us-east-1"),
        "FailoverDns",
        primary_load_balancer=regions["us-east-1"].load_balancer,
        secondary_load_balancers=[
            regions["us-east-2"].load_balancer,
            regions["us-west-2"].load_balancer,
        ],
        record_name="www.shop.mycompany.com.",
        existing_zone_id="Z0123456789ABCDEFGHIJ",
        zone_name="shop.mycompany.com",
    )
    return Built(shop, regions, dns, templates(shop), {})
