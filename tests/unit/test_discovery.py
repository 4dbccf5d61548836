"""multiregion_tap.discovery against moto's in-process AWS (no CDK synth, no network).

One module-scoped world holds the app ``shop`` deployed to us-east-1 (primary) and us-east-2
(secondary): regional stacks with the well-known outputs and tags, the helper stacks
``shop-dns``, ``shop-peering`` and ``shop-peering-routes-us-east-2``, and the resources the
outputs point at, created with boto3. Physical names in us-east-2 deliberately contain
"us-east-1" (like the hand-built app's ``...useast1...`` cluster names), so a discovery that
parsed regions out of names would put them in the wrong region.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from unittest import mock

import boto3
import pytest
from moto import mock_aws

from multiregion_tap import OutputNames, TagKeys, ValidationError
from multiregion_tap.discovery import (
    AppNotFoundError,
    StackKind,
    Topology,
    discover,
)
from multiregion_tap.discovery.parse import service_info
from tests.support.discovery_apps import app_stack

EAST1 = "us-east-1"
EAST2 = "us-east-2"
REGIONS = [EAST1, EAST2]
ACCOUNT = "123456789012"
RECORD = "app.shop.example.com."
ELB_ARN = "arn:aws:elasticloadbalancing"
CIDRS = {EAST1: "10.0.0.0/16", EAST2: "10.1.0.0/16"}


def _session() -> Any:
    return boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=EAST1
    )


@dataclass
class World:
    """What the fixture created, to compare discovery's answers with."""

    session: Any
    vpc: dict[str, str]
    subnets: dict[str, set[str]]
    cluster_arn: dict[str, str]
    service_arn: dict[str, str]
    lb: dict[str, dict[str, Any]]
    blue: dict[str, str]
    green: dict[str, str]
    db_arn: dict[str, str]
    topic: dict[str, str]
    alarms: dict[str, str]
    zone_id: str
    health_checks: dict[str, str]
    pcx_id: str
    route_tables: dict[str, str]


def _build_region(session: Any, region: str, role: str) -> dict[str, Any]:
    ec2 = session.client("ec2", region_name=region)
    vpc_id = ec2.create_vpc(CidrBlock=CIDRS[region])["Vpc"]["VpcId"]
    base = CIDRS[region].split(".")[1]
    subnet_ids = []
    for index, (zone, kind) in enumerate(
        [("a", "Public"), ("b", "Public"), ("a", "Private"), ("b", "Private")]
    ):
        subnet = ec2.create_subnet(
            VpcId=vpc_id,
            CidrBlock=f"10.{base}.{index}.0/24",
            AvailabilityZone=f"{region}{zone}",
            TagSpecifications=[
                {"ResourceType": "subnet", "Tags": [{"Key": "aws-cdk:subnet-type", "Value": kind}]}
            ],
        )["Subnet"]
        subnet_ids.append(subnet["SubnetId"])
    route_table = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    group = ec2.create_security_group(GroupName="alb", Description="alb", VpcId=vpc_id)["GroupId"]

    # Misleading physical names: the us-east-2 resources mention us-east-1.
    mislead = "Shopuseast1" if region == EAST2 else "Shopuseast2"
    elbv2 = session.client("elbv2", region_name=region)
    lb = elbv2.create_load_balancer(
        Name=f"{mislead}Alb", Subnets=subnet_ids[:2], SecurityGroups=[group], Type="application"
    )["LoadBalancers"][0]
    groups = {}
    for color in ("Blue", "Green"):
        groups[color] = elbv2.create_target_group(
            Name=f"{mislead}{color}",
            Protocol="HTTP",
            Port=80,
            VpcId=vpc_id,
            TargetType="ip",
            HealthCheckPath="/health",
        )["TargetGroups"][0]["TargetGroupArn"]
    elbv2.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": groups["Blue"]}],
    )
    # An unrelated target group on nobody's load balancer: never reported.
    elbv2.create_target_group(Name="unrelated", Protocol="HTTP", Port=8080, VpcId=vpc_id)

    ecs = session.client("ecs", region_name=region)
    cluster = ecs.create_cluster(clusterName=f"{mislead}Cluster4C1BA579")["cluster"]
    ecs.register_task_definition(
        family="web",
        containerDefinitions=[{"name": "web", "image": "nginx", "memory": 512}],
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
    )
    service = ecs.create_service(
        cluster=cluster["clusterArn"],
        serviceName=f"{mislead}Service",
        taskDefinition="web",
        desiredCount=2,
        launchType="FARGATE",
        deploymentController={"type": "ECS"},
        loadBalancers=[
            {
                "targetGroupArn": groups["Blue"],
                "containerName": "web",
                "containerPort": 80,
                "advancedConfiguration": {
                    "alternateTargetGroupArn": groups["Green"],
                    "productionListenerRule": f"{ELB_ARN}:{region}:{ACCOUNT}:listener-rule/app/x/1",
                    "roleArn": f"arn:aws:iam::{ACCOUNT}:role/ecs-blue-green",
                },
            }
        ],
    )["service"]

    sns = session.client("sns", region_name=region)
    topic = sns.create_topic(Name=f"{mislead}AlarmTopic")["TopicArn"]
    cloudwatch = session.client("cloudwatch", region_name=region)
    alarm_name = f"{mislead}-5xx"
    cloudwatch.put_metric_alarm(
        AlarmName=alarm_name,
        Namespace="AWS/ApplicationELB",
        MetricName="HTTPCode_Target_5XX_Count",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=5,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[topic],
        OKActions=[topic],
    )
    # An alarm of someone else, with no action to the app's topic: never reported.
    cloudwatch.put_metric_alarm(
        AlarmName=f"other-team-{region}",
        Namespace="AWS/EC2",
        MetricName="CPUUtilization",
        Statistic="Average",
        Period=60,
        EvaluationPeriods=1,
        Threshold=90,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[f"arn:aws:sns:{region}:{ACCOUNT}:{mislead}AlarmTopic2"],
    )
    return {
        "vpc": vpc_id,
        "subnets": set(subnet_ids),
        "route_table": route_table,
        "lb": lb,
        "blue": groups["Blue"],
        "green": groups["Green"],
        "cluster": cluster,
        "service": service,
        "topic": topic,
        "alarm": alarm_name,
    }


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": EAST1,
    }
    with mock.patch.dict(os.environ, env), mock_aws():
        os.environ.pop("AWS_ENDPOINT_URL", None)
        session = _session()
        built = {
            EAST1: _build_region(session, EAST1, "primary"),
            EAST2: _build_region(session, EAST2, "secondary"),
        }

        rds1 = session.client("rds", region_name=EAST1)
        primary = rds1.create_db_instance(
            DBInstanceIdentifier="tap-rds-1a2b3c4d-instance",
            Engine="postgres",
            DBInstanceClass="db.t3.micro",
            MasterUsername="app",
            MasterUserPassword="not-a-real-password",
            AllocatedStorage=20,
            BackupRetentionPeriod=1,
            MultiAZ=True,
            StorageEncrypted=True,
        )["DBInstance"]
        replica = session.client("rds", region_name=EAST2).create_db_instance_read_replica(
            DBInstanceIdentifier="tap-rds-useast1-replica",
            SourceDBInstanceIdentifier=primary["DBInstanceArn"],
            DBInstanceClass="db.t3.micro",
        )["DBInstance"]
        dbs = {EAST1: primary, EAST2: replica}

        session.client("cloudwatch", region_name=EAST1).put_dashboard(
            DashboardName="shop-overview-us-east-2", DashboardBody=json.dumps({"widgets": []})
        )
        for region, role in ((EAST1, "primary"), (EAST2, "secondary")):
            b = built[region]
            outputs = {
                OutputNames.VPC_ID: b["vpc"],
                OutputNames.VPC_CIDR: CIDRS[region],
                OutputNames.CLUSTER_NAME: b["cluster"]["clusterName"],
                OutputNames.SERVICE_NAME: b["service"]["serviceName"],
                OutputNames.SERVICE_ARN: b["service"]["serviceArn"],
                OutputNames.LOAD_BALANCER_ARN: b["lb"]["LoadBalancerArn"],
                OutputNames.LOAD_BALANCER_DNS_NAME: b["lb"]["DNSName"],
                OutputNames.BLUE_TARGET_GROUP_ARN: b["blue"],
                OutputNames.GREEN_TARGET_GROUP_ARN: b["green"],
                OutputNames.DATABASE_IDENTIFIER: dbs[region]["DBInstanceIdentifier"],
                OutputNames.DATABASE_ARN: dbs[region]["DBInstanceArn"],
                OutputNames.ALARM_TOPIC_ARN: b["topic"],
            }
            resources = None
            if region == EAST1:
                # A dashboard named by an output (created outside the stack).
                outputs[OutputNames.DASHBOARD_NAME] = "shop-overview-us-east-2"
            else:
                # A dashboard found only in the stack's resources (no output).
                resources = {
                    "Dashboard": {
                        "Type": "AWS::CloudWatch::Dashboard",
                        "Properties": {
                            "DashboardName": "shop-us-east-1-dashboard",
                            "DashboardBody": json.dumps({"widgets": []}),
                        },
                    }
                }
            app_stack(session, region, f"shop-{region}", outputs, role=role, resources=resources)

        # DNS: one zone, two health checks, PRIMARY/SECONDARY records of one name.
        route53 = session.client("route53", region_name=EAST1)
        zone_id = route53.create_hosted_zone(Name="shop.example.com", CallerReference="zone")[
            "HostedZone"
        ]["Id"].split("/")[-1]
        checks = {}
        for region in REGIONS:
            checks[region] = route53.create_health_check(
                CallerReference=f"hc-{region}",
                HealthCheckConfig={
                    "Type": "HTTP",
                    "FullyQualifiedDomainName": built[region]["lb"]["DNSName"],
                    "Port": 80,
                    "ResourcePath": "/health",
                    "RequestInterval": 10,
                    "FailureThreshold": 3,
                },
            )["HealthCheck"]["Id"]
        changes = []
        for region, failover in ((EAST1, "PRIMARY"), (EAST2, "SECONDARY")):
            lb = built[region]["lb"]
            changes.append(
                {
                    "Action": "CREATE",
                    "ResourceRecordSet": {
                        "Name": RECORD,
                        "Type": "A",
                        "SetIdentifier": failover.lower(),
                        "Failover": failover,
                        "HealthCheckId": checks[region],
                        "AliasTarget": {
                            "HostedZoneId": lb["CanonicalHostedZoneId"],
                            "DNSName": f"dualstack.{lb['DNSName']}.",
                            "EvaluateTargetHealth": True,
                        },
                    },
                }
            )
        changes.append(
            {
                "Action": "CREATE",
                "ResourceRecordSet": {
                    "Name": "www.shop.example.com.",
                    "Type": "CNAME",
                    "TTL": 300,
                    "ResourceRecords": [{"Value": RECORD}],
                },
            }
        )
        route53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": changes})
        app_stack(
            session,
            EAST1,
            "shop-dns",
            {OutputNames.HOSTED_ZONE_ID: zone_id, OutputNames.RECORD_NAME: RECORD},
        )

        # Peering: requested from the primary, accepted in the secondary, routes on both sides.
        ec2_1 = session.client("ec2", region_name=EAST1)
        ec2_2 = session.client("ec2", region_name=EAST2)
        pcx_id = ec2_1.create_vpc_peering_connection(
            VpcId=built[EAST1]["vpc"], PeerVpcId=built[EAST2]["vpc"], PeerRegion=EAST2
        )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
        ec2_2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx_id)
        ec2_1.create_route(
            RouteTableId=built[EAST1]["route_table"],
            DestinationCidrBlock=CIDRS[EAST2],
            VpcPeeringConnectionId=pcx_id,
        )
        ec2_2.create_route(
            RouteTableId=built[EAST2]["route_table"],
            DestinationCidrBlock=CIDRS[EAST1],
            VpcPeeringConnectionId=pcx_id,
        )
        app_stack(
            session, EAST1, "shop-peering", {f"{OutputNames.PEERING_CONNECTION_ID}UsEast2": pcx_id}
        )
        app_stack(session, EAST2, "shop-peering-routes-us-east-2", {}, role="secondary")
        # A helper stack with another name, recognized by its app output and tag.
        app_stack(session, EAST2, "shop-extras", {}, role="secondary")
        # Stacks of other apps whose names start with "shop-": never taken.
        app_stack(
            session,
            EAST1,
            "shop-dev-us-east-1",
            {OutputNames.VPC_ID: built[EAST1]["vpc"]},
            app="shop-dev",
        )
        app_stack(
            session,
            EAST2,
            "shop-peering-routes-us-east-2-old",
            {},
            app="shop-peering-routes-us-east-2-old",
        )

        yield World(
            session=session,
            vpc={r: built[r]["vpc"] for r in REGIONS},
            subnets={r: built[r]["subnets"] for r in REGIONS},
            cluster_arn={r: built[r]["cluster"]["clusterArn"] for r in REGIONS},
            service_arn={r: built[r]["service"]["serviceArn"] for r in REGIONS},
            lb={r: built[r]["lb"] for r in REGIONS},
            blue={r: built[r]["blue"] for r in REGIONS},
            green={r: built[r]["green"] for r in REGIONS},
            db_arn={r: dbs[r]["DBInstanceArn"] for r in REGIONS},
            topic={r: built[r]["topic"] for r in REGIONS},
            alarms={r: built[r]["alarm"] for r in REGIONS},
            zone_id=zone_id,
            health_checks=checks,
            pcx_id=pcx_id,
            route_tables={r: built[r]["route_table"] for r in REGIONS},
        )


@pytest.fixture(scope="module")
def topology(world: World) -> Topology:
    return discover("shop", REGIONS, session=world.session)


@pytest.fixture(scope="module")
def solo(world: World) -> Topology:
    """The app "solo": a bare regional stack in us-east-1 (base outputs only), none in us-west-2."""
    app_stack(world.session, EAST1, "solo-us-east-1", {}, app="solo")
    return discover("solo", [EAST1, "us-west-2"], session=world.session)


# ---------------------------------------------------------------------- stacks
def test_finds_every_stack_of_the_app_in_its_region(topology: Topology) -> None:
    found = {(s.name, s.region, s.kind) for s in topology.stacks}
    assert found == {
        ("shop-us-east-1", EAST1, StackKind.REGIONAL),
        ("shop-us-east-2", EAST2, StackKind.REGIONAL),
        ("shop-dns", EAST1, StackKind.DNS),
        ("shop-peering", EAST1, StackKind.PEERING),
        ("shop-peering-routes-us-east-2", EAST2, StackKind.PEERING_ROUTES),
        ("shop-extras", EAST2, StackKind.HELPER),
    }
    # Regional stacks come first, in the order of the regions given.
    assert [s.name for s in topology.stacks[:2]] == ["shop-us-east-1", "shop-us-east-2"]


def test_stack_status_outputs_tags_and_role(topology: Topology) -> None:
    primary = topology.region(EAST1).stack
    secondary = topology.region(EAST2).stack
    assert primary is not None and secondary is not None
    assert primary.status == "CREATE_COMPLETE"
    assert primary.stack_id.startswith(f"arn:aws:cloudformation:{EAST1}:")
    assert primary.outputs[OutputNames.APP_NAME] == "shop"
    assert primary.tags[TagKeys.APP] == "shop"
    assert (primary.role, secondary.role) == ("primary", "secondary")
    assert (topology.region(EAST1).role, topology.region(EAST2).role) == ("primary", "secondary")
    assert topology.primary_region == EAST1


def test_stacks_of_other_apps_with_the_same_prefix_are_ignored(topology: Topology) -> None:
    assert topology.stack("shop-dev-us-east-1") is None
    assert topology.stack("shop-peering-routes-us-east-2-old") is None


# ---------------------------------------------------------------------- network
def test_vpc_and_multi_az_subnets_in_each_region(topology: Topology, world: World) -> None:
    for region in REGIONS:
        vpc = topology.region(region).vpc
        assert vpc is not None
        assert (vpc.vpc_id, vpc.region, vpc.cidr_block) == (
            world.vpc[region],
            region,
            CIDRS[region],
        )
        assert {s.subnet_id for s in vpc.subnets} == world.subnets[region]
        assert vpc.availability_zones == (f"{region}a", f"{region}b")
        assert {s.region for s in vpc.subnets} == {region}
        assert sorted(s.subnet_type or "" for s in vpc.subnets) == ["Private"] * 2 + ["Public"] * 2


# ---------------------------------------------------------------------- ECS + ALB
def test_cluster_and_service_in_the_region_that_holds_them(
    topology: Topology, world: World
) -> None:
    for region in REGIONS:
        reg = topology.region(region)
        assert reg.cluster is not None and reg.service is not None
        # The names mention the other region; the region comes from the ARN and the client.
        assert (reg.cluster.arn, reg.cluster.region) == (world.cluster_arn[region], region)
        service = reg.service
        assert (service.arn, service.region) == (world.service_arn[region], region)
        assert service.cluster_arn == world.cluster_arn[region]
        assert service.launch_type == "FARGATE"
        assert service.deployment_controller == "ECS"
        assert service.desired_count == 2
        assert service.target_group_arns == (world.blue[region], world.green[region])
        (attachment,) = service.load_balancers
        assert (attachment.container_name, attachment.container_port) == ("web", 80)
        assert attachment.alternate_target_group_arn == world.green[region]


def test_load_balancer_and_blue_green_target_groups(topology: Topology, world: World) -> None:
    for region in REGIONS:
        reg = topology.region(region)
        assert reg.load_balancer is not None
        assert reg.load_balancer.arn == world.lb[region]["LoadBalancerArn"]
        assert reg.load_balancer.region == region
        assert reg.load_balancer.dns_name == world.lb[region]["DNSName"]
        assert reg.load_balancer.type == "application"
        assert [(t.role, t.arn) for t in reg.target_groups] == [
            ("blue", world.blue[region]),
            ("green", world.green[region]),
        ]
        assert reg.blue_target_group is not None and reg.green_target_group is not None
        assert reg.blue_target_group.health_check_path == "/health"
        assert {t.region for t in reg.target_groups} == {region}


def test_service_deployment_strategy_and_alarms_are_read_when_reported() -> None:
    # moto does not echo deploymentConfiguration; real ECS does (native blue/green).
    raw = {
        "serviceArn": f"arn:aws:ecs:{EAST2}:{ACCOUNT}:service/c/web",
        "serviceName": "web",
        "capacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1}],
        "deploymentController": {"type": "ECS"},
        "deploymentConfiguration": {
            "strategy": "BLUE_GREEN",
            "bakeTimeInMinutes": 5,
            "alarms": {"alarmNames": ["web-5xx"], "enable": True, "rollback": True},
        },
    }
    info = service_info(raw, EAST1)
    assert info.region == EAST2  # the ARN wins over the client's region
    assert (info.deployment_strategy, info.bake_time_minutes) == ("BLUE_GREEN", 5)
    assert (info.deployment_alarms, info.deployment_alarms_rollback) == (("web-5xx",), True)
    assert (info.launch_type, info.capacity_providers) == (None, ("FARGATE",))


# ---------------------------------------------------------------------- RDS
def test_primary_database_and_replica_with_its_source_arn(topology: Topology, world: World) -> None:
    primary = topology.region(EAST1).database
    replica = topology.region(EAST2).database
    assert primary is not None and replica is not None
    assert (primary.arn, primary.region, primary.is_replica) == (world.db_arn[EAST1], EAST1, False)
    assert primary.multi_az is True
    assert (replica.arn, replica.region, replica.is_replica) == (world.db_arn[EAST2], EAST2, True)
    assert replica.source_arn == world.db_arn[EAST1]
    assert replica.source_region == EAST1
    assert world.db_arn[EAST2] in primary.replica_arns
    assert topology.primary_database == primary
    assert topology.replicas == (replica,)


# ---------------------------------------------------------------------- monitoring
def test_alarms_with_actions_to_the_regions_topic(topology: Topology, world: World) -> None:
    for region in REGIONS:
        reg = topology.region(region)
        assert reg.alarm_topic is not None
        assert (reg.alarm_topic.arn, reg.alarm_topic.region) == (world.topic[region], region)
        assert [a.name for a in reg.alarms] == [world.alarms[region]]
        (alarm,) = reg.alarms
        assert alarm.region == region
        assert alarm.alarm_actions == (world.topic[region],)
        assert alarm.notifies(world.topic[region])
        assert alarm.metric_name == "HTTPCode_Target_5XX_Count"


def test_dashboards_from_outputs_and_from_stack_resources(topology: Topology) -> None:
    east1 = topology.region(EAST1).dashboards
    east2 = topology.region(EAST2).dashboards
    assert [(d.name, d.region) for d in east1] == [("shop-overview-us-east-2", EAST1)]
    assert [(d.name, d.region) for d in east2] == [("shop-us-east-1-dashboard", EAST2)]
    assert east1[0].arn.endswith(":dashboard/shop-overview-us-east-2")


def test_helper_stack_dashboards_join_their_regions_dashboards(world: World) -> None:
    """An overview dashboard in a helper stack (``<app>-monitoring``) is reported with the
    dashboards of the region the helper stack is in, after the regional stack's own."""
    cloudwatch = world.session.client("cloudwatch", region_name=EAST1)
    for name in ("mon-regional", "mon-overview"):
        cloudwatch.put_dashboard(DashboardName=name, DashboardBody=json.dumps({"widgets": []}))
    app_stack(
        world.session,
        EAST1,
        "mon-us-east-1",
        {OutputNames.DASHBOARD_NAME: "mon-regional"},
        app="mon",
    )
    app_stack(
        world.session,
        EAST1,
        "mon-monitoring",
        {f"{OutputNames.DASHBOARD_NAME}Overview": "mon-overview"},
        app="mon",
    )
    found = discover("mon", [EAST1], session=world.session)
    assert [(d.name, d.region) for d in found.region(EAST1).dashboards] == [
        ("mon-regional", EAST1),
        ("mon-overview", EAST1),
    ]


def test_target_group_lists_each_load_balancer_once(world: World) -> None:
    """A target group used by a listener and by one of its rules: moto lists the load balancer
    once per use; AWS (and discovery) once."""
    session = world.session
    ec2 = session.client("ec2", region_name=EAST1)
    vpc_id = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.9.{i}.0/24", AvailabilityZone=f"{EAST1}{z}")[
            "Subnet"
        ]["SubnetId"]
        for i, z in enumerate("ab")
    ]
    elbv2 = session.client("elbv2", region_name=EAST1)
    lb_arn = elbv2.create_load_balancer(Name="dup-alb", Subnets=subnets)["LoadBalancers"][0][
        "LoadBalancerArn"
    ]
    tg_arn = elbv2.create_target_group(Name="dup-blue", Protocol="HTTP", Port=80, VpcId=vpc_id)[
        "TargetGroups"
    ][0]["TargetGroupArn"]
    forward = [{"Type": "forward", "TargetGroupArn": tg_arn}]
    listener = elbv2.create_listener(
        LoadBalancerArn=lb_arn, Protocol="HTTP", Port=80, DefaultActions=forward
    )["Listeners"][0]["ListenerArn"]
    elbv2.create_rule(
        ListenerArn=listener,
        Priority=1,
        Conditions=[{"Field": "path-pattern", "Values": ["/*"]}],
        Actions=forward,
    )
    raw = elbv2.describe_target_groups(TargetGroupArns=[tg_arn])["TargetGroups"][0]
    app_stack(
        session,
        EAST1,
        "dup-us-east-1",
        {OutputNames.LOAD_BALANCER_ARN: lb_arn, OutputNames.BLUE_TARGET_GROUP_ARN: tg_arn},
        app="dup",
    )
    (group,) = discover("dup", [EAST1], session=session).region(EAST1).target_groups
    assert raw["LoadBalancerArns"] == [lb_arn, lb_arn]  # what moto 5.2.5 reports
    assert group.load_balancer_arns == (lb_arn,)


# ---------------------------------------------------------------------- DNS
def test_record_name_output_without_trailing_dot_is_spelled_like_route53(world: World) -> None:
    """FailoverDns outputs ``www.example.com``; Route 53 names records ``www.example.com.``:
    discovery reports one spelling, so ``dns.record_name == dns.primary_record.name``."""
    app_stack(
        world.session,
        EAST1,
        "dot-dns",
        {OutputNames.HOSTED_ZONE_ID: world.zone_id, OutputNames.RECORD_NAME: RECORD.rstrip(".")},
        app="dot",
    )
    dns = discover("dot", [EAST1], session=world.session).dns
    assert dns is not None and dns.primary_record is not None
    assert dns.record_name == RECORD == dns.primary_record.name
    assert [r.failover for r in dns.records] == ["PRIMARY", "SECONDARY"]


def test_failover_records_of_one_name_with_health_checks(topology: Topology, world: World) -> None:
    dns = topology.dns
    assert dns is not None
    assert (dns.stack_name, dns.hosted_zone_id, dns.record_name) == (
        "shop-dns",
        world.zone_id,
        RECORD,
    )
    assert dns.hosted_zone_name == "shop.example.com."
    assert [(r.failover, r.name, r.type) for r in dns.records] == [
        ("PRIMARY", RECORD, "A"),
        ("SECONDARY", RECORD, "A"),
    ]
    assert dns.primary_record is not None and dns.secondary_record is not None
    assert dns.primary_record.health_check_id == world.health_checks[EAST1]
    assert dns.secondary_record.health_check_id == world.health_checks[EAST2]
    assert dns.primary_record.evaluate_target_health is True
    # Which region a record serves is matched on the discovered load balancers' DNS names.
    assert (dns.primary_record.target_region, dns.secondary_record.target_region) == (EAST1, EAST2)
    checks = {h.health_check_id: h for h in dns.health_checks}
    assert set(checks) == set(world.health_checks.values())
    for region in REGIONS:
        check = checks[world.health_checks[region]]
        assert (check.target_region, check.resource_path, check.request_interval) == (
            region,
            "/health",
            10,
        )


# ---------------------------------------------------------------------- peering
def test_peering_connection_and_its_routes_in_both_regions(
    topology: Topology, world: World
) -> None:
    (pcx,) = topology.peering
    assert pcx.peering_connection_id == world.pcx_id
    assert pcx.status == "active"
    assert (pcx.requester_vpc_id, pcx.requester_region) == (world.vpc[EAST1], EAST1)
    assert (pcx.accepter_vpc_id, pcx.accepter_region) == (world.vpc[EAST2], EAST2)
    assert [(r.route_table_id, r.destination_cidr_block) for r in pcx.routes_in(EAST1)] == [
        (world.route_tables[EAST1], CIDRS[EAST2])
    ]
    assert [(r.route_table_id, r.destination_cidr_block) for r in pcx.routes_in(EAST2)] == [
        (world.route_tables[EAST2], CIDRS[EAST1])
    ]


def test_peering_found_from_the_vpcs_when_no_output_names_it(world: World) -> None:
    # The app "vpconly" has only its regional stacks, with VPC outputs: the connection
    # between its VPCs is found through AWS's own link (requester/accepter VPC ids).
    for region in REGIONS:
        app_stack(
            world.session,
            region,
            f"vpconly-{region}",
            {OutputNames.VPC_ID: world.vpc[region]},
            app="vpconly",
        )
    found = discover("vpconly", REGIONS, session=world.session)
    assert [p.peering_connection_id for p in found.peering] == [world.pcx_id]
    assert len(found.peering[0].routes) == 2


# ---------------------------------------------------------------------- absent pieces
def test_missing_region_and_missing_pieces_are_absent_not_errors(solo: Topology) -> None:
    found = solo
    west = found.region("us-west-2")
    assert (west.found, west.stack, west.role, west.vpc, west.database) == (
        False,
        None,
        None,
        None,
        None,
    )
    east = found.region(EAST1)
    assert east.found and east.role == "primary"
    assert (east.vpc, east.cluster, east.service, east.load_balancer) == (None, None, None, None)
    assert (east.database, east.alarm_topic) == (None, None)
    assert (east.target_groups, east.alarms, east.dashboards) == ((), (), ())
    assert (found.dns, found.peering, found.replicas, found.primary_database) == (
        None,
        (),
        (),
        None,
    )


def test_output_pointing_at_a_deleted_resource_is_absent(world: World) -> None:
    app_stack(
        world.session,
        EAST1,
        "stale-us-east-1",
        {
            OutputNames.VPC_ID: "vpc-0123456789abcdef0",
            OutputNames.CLUSTER_NAME: "gone",
            OutputNames.LOAD_BALANCER_ARN: f"{ELB_ARN}:{EAST1}:{ACCOUNT}:loadbalancer/app/gone/1",
            OutputNames.DATABASE_IDENTIFIER: "gone",
            OutputNames.ALARM_TOPIC_ARN: f"arn:aws:sns:{EAST1}:{ACCOUNT}:gone",
            OutputNames.DASHBOARD_NAME: "gone",
        },
        app="stale",
    )
    reg = discover("stale", [EAST1], session=world.session).region(EAST1)
    assert (reg.vpc, reg.cluster, reg.load_balancer, reg.database, reg.alarm_topic) == (None,) * 5
    assert reg.dashboards == ()


def test_resources_found_from_the_stack_when_outputs_are_missing(world: World) -> None:
    resources = {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.9.0.0/16"}},
        "SubnetA": {
            "Type": "AWS::EC2::Subnet",
            "Properties": {
                "VpcId": {"Ref": "Vpc"},
                "CidrBlock": "10.9.0.0/24",
                "AvailabilityZone": "us-east-1a",
            },
        },
        "SubnetB": {
            "Type": "AWS::EC2::Subnet",
            "Properties": {
                "VpcId": {"Ref": "Vpc"},
                "CidrBlock": "10.9.1.0/24",
                "AvailabilityZone": "us-east-1b",
            },
        },
        "Topic": {"Type": "AWS::SNS::Topic"},
    }
    app_stack(world.session, EAST1, "plain-us-east-1", {}, app="plain", resources=resources)
    reg = discover("plain", [EAST1], session=world.session).region(EAST1)
    assert reg.vpc is not None and reg.vpc.cidr_block == "10.9.0.0/16"
    assert reg.vpc.availability_zones == ("us-east-1a", "us-east-1b")
    assert reg.alarm_topic is not None and reg.alarm_topic.region == EAST1


def test_no_stack_in_any_region_is_a_clear_error(world: World) -> None:
    with pytest.raises(
        AppNotFoundError,
        match=r"no stack of app 'ghost' found in regions \['us-east-1', 'us-east-2'\]",
    ):
        discover("ghost", REGIONS, session=world.session)


def test_helper_regions_are_searched_for_helper_stacks(world: World) -> None:
    app_stack(world.session, EAST1, "helped-us-east-1", {}, app="helped")
    app_stack(world.session, "eu-west-1", "helped-dns", {}, app="helped", role="global")
    without = discover("helped", [EAST1], session=world.session)
    with_helper = discover("helped", [EAST1], session=world.session, helper_regions=["eu-west-1"])
    assert without.stack("helped-dns") is None
    dns_stack = with_helper.stack("helped-dns")
    assert dns_stack is not None and (dns_stack.region, dns_stack.kind) == (
        "eu-west-1",
        StackKind.DNS,
    )


# ---------------------------------------------------------------------- clients, pagination
class _OnePerPage:
    """A client whose paginators return one item per page (to prove every page is read)."""

    pages: dict[str, int] = {}

    def __init__(self, client: Any) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def get_paginator(self, operation: str) -> Any:
        real = self._client.get_paginator(operation)
        outer = self

        class Paginator:
            def paginate(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
                for page in real.paginate(**kwargs):
                    lists = {k: v for k, v in page.items() if isinstance(v, list)}
                    for key, items in lists.items():
                        for item in items:
                            outer.pages[operation] = outer.pages.get(operation, 0) + 1
                            yield {key: [item]}

        return Paginator()


def test_every_page_is_read_and_a_client_factory_can_be_injected(
    world: World, topology: Topology
) -> None:
    made: list[tuple[str, str]] = []

    def factory(service: str, region: str) -> Any:
        made.append((service, region))
        return _OnePerPage(world.session.client(service, region_name=region))

    _OnePerPage.pages = {}
    paged = discover("shop", REGIONS, client_factory=factory)
    assert paged == topology
    assert _OnePerPage.pages["describe_stacks"] > 2
    assert _OnePerPage.pages["describe_subnets"] >= 8
    assert len(made) == len(set(made)), "one client per service and region"


# ---------------------------------------------------------------------- bad input
def test_session_and_client_factory_are_exclusive(world: World) -> None:
    with pytest.raises(ValidationError, match="session and client_factory are mutually exclusive"):
        discover("shop", REGIONS, session=world.session, client_factory=lambda s, r: None)


@pytest.mark.parametrize(
    ("regions", "message"),
    [
        ("us-east-1", r"regions must be a list of region names .* got 'us-east-1'"),
        ([], r"regions must name at least one region, got \[\]"),
        ([EAST1, ""], r"regions\[1\] must be a region name, got ''"),
    ],
)
def test_bad_regions(regions: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        discover("shop", regions, client_factory=lambda s, r: None)


def test_bad_app_name() -> None:
    with pytest.raises(ValidationError, match=r"app_name must be a non-empty string .* got ''"):
        discover("", REGIONS, client_factory=lambda s, r: None)


# ---------------------------------------------------------------------- rendering
def test_format_table_shows_each_region_and_what_is_missing(
    world: World, topology: Topology, solo: Topology
) -> None:
    text = topology.format_table()
    lines = text.splitlines()
    assert lines[0] == (
        "multiregion-tap app 'shop': 6 stack(s), 2/2 region(s) deployed, primary us-east-1"
    )
    header = lines[2].split()
    assert header[:4] == ["REGION", "ROLE", "KIND", "NAME"]
    assert set(lines[3]) <= {"-", " "}

    def row(region: str, kind: str) -> str:
        return next(line for line in lines if line.startswith(region) and f"  {kind}  " in line)

    assert "10.1.0.0/16, 4 subnets in 2 AZs" in row(EAST2, "vpc")
    assert f"source {world.db_arn[EAST1]}" in row(EAST2, "database (replica)")
    assert "Multi-AZ, 1 replica(s)" in row(EAST1, "database (primary)")
    assert "controller ECS" in row(EAST2, "ecs service")
    assert "notifies the alarm topic" in row(EAST1, "alarm")
    assert "(us-east-2), health check" in row("global", "record (SECONDARY)")
    assert f"-> {world.pcx_id}" in row(EAST2, "peering route")
    assert str(topology) == text

    absent = solo.format_table()
    assert re.search(r"^us-west-2 +- +stack +- +no regional stack: nothing deployed$", absent, re.M)
    assert "no regional stack: nothing deployed" in absent
    absent_lines = absent.splitlines()
    assert any(
        line.startswith("us-east-1") and "database" in line and line.endswith("not found")
        for line in absent_lines
    )
    # Columns line up under the header: every row has a value where the ROLE column starts.
    role_at = absent_lines[2].index("ROLE")
    for line in absent_lines[4:]:
        assert line[role_at - 2 : role_at] == "  " and line[role_at] != " ", line


def test_to_table_rows_and_as_dict_is_json(topology: Topology, world: World) -> None:
    rows = topology.to_table()
    kinds = {(r.region, r.kind) for r in rows}
    for region in REGIONS:
        for kind in (
            "stack",
            "vpc",
            "ecs cluster",
            "ecs service",
            "load balancer",
            "target group (blue)",
            "target group (green)",
            "alarm topic",
            "alarm",
            "dashboard",
        ):
            assert (region, kind) in kinds
    data = json.loads(topology.to_json())
    assert data == topology.as_dict()
    assert data["app_name"] == "shop"
    assert data["primary_region"] == EAST1
    replica = data["regional"][1]["database"]
    assert (replica["is_replica"], replica["source_arn"]) == (True, world.db_arn[EAST1])
    assert data["regional"][0]["vpc"]["availability_zones"] == ["us-east-1a", "us-east-1b"]
    assert data["peering"][0]["peering_connection_id"] == world.pcx_id
    assert data["stacks"][0]["outputs"][OutputNames.APP_NAME] == "shop"
