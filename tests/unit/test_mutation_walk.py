"""discovery/walk.py against a fake AWS (no moto, no network): which stacks are the app's and of
what kind, and how each resource is found from the outputs, the stack's resource list or the
links AWS keeps, with the request parameters and response fields the AWS APIs use. Kills the
mutants of ``tools/mutate.py`` in about a second each (docs/guides/testing.md)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from multiregion_tap import ValidationError
from multiregion_tap.discovery import model
from multiregion_tap.discovery.model import AppNotFoundError, RegionUnreachableError
from multiregion_tap.discovery.walk import discover

E1, E2, W2 = "us-east-1", "us-east-2", "us-west-2"
Handler = Callable[..., dict[str, Any]]


def not_found(operation: str) -> ClientError:
    return ClientError({"Error": {"Code": "NotFound", "Message": "x"}}, operation)


class FakeAws:
    """Clients whose operations answer from ``handlers[(service, operation)](region, **kw)``;
    every call is recorded. A region in ``down`` does not connect."""

    def __init__(self, handlers: dict[tuple[str, str], Handler], down: set[str] = frozenset()):
        self.handlers, self.down = handlers, set(down)
        self.calls: list[tuple[str, str, str, dict[str, Any]]] = []

    def __call__(self, service: str, region: str) -> Any:
        aws = self

        class Client:
            meta = SimpleNamespace(
                region_name=region,
                service_model=SimpleNamespace(service_name=service),
                endpoint_url=f"https://{service}.{region}.amazonaws.com",
            )

            def can_paginate(self, operation: str) -> bool:
                return False  # one page per call: pages() calls the operation itself

            def __getattr__(self, operation: str) -> Any:
                def run(**kw: Any) -> dict[str, Any]:
                    aws.calls.append((service, region, operation, kw))
                    if region in aws.down:
                        raise EndpointConnectionError(endpoint_url=self.meta.endpoint_url)
                    handler = aws.handlers.get((service, operation))
                    return handler(region, **kw) if handler else {}

                return run

        return Client()

    def asked(self, service: str, operation: str) -> list[tuple[str, dict[str, Any]]]:
        return [(r, kw) for s, r, o, kw in self.calls if (s, o) == (service, operation)]


def stack(
    name: str,
    region: str,
    outputs: dict[str, str] | None = None,
    tags: dict[str, str] | None = None,
    status: str = "CREATE_COMPLETE",
) -> dict[str, Any]:
    return {
        "StackName": name,
        "StackId": f"arn:aws:cloudformation:{region}:1:stack/{name}/id",
        "StackStatus": status,
        "Outputs": [{"OutputKey": k, "OutputValue": v} for k, v in (outputs or {}).items()],
        "Tags": [{"Key": k, "Value": v} for k, v in (tags or {}).items()],
    }


LB1 = "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/shop/1"
TG_BLUE = "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/blue/1"
TG_GREEN = "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/green/1"
TOPIC = "arn:aws:sns:us-east-1:1:shop-alarms"
DB2_ARN = "arn:aws:rds:us-east-2:1:db:shop-db-r"
SERVICE2 = "arn:aws:ecs:us-east-2:1:service/shop2/web2"


def world() -> FakeAws:
    """us-east-1: everything named by outputs; us-east-2: found through the stack's resources
    and AWS's links; us-west-2 (a helper region): the DNS alarms stack."""
    stacks = {
        E1: [
            stack(
                "shop-us-east-1",
                E1,
                {
                    "MultiRegionTapAppName": "shop",
                    "MultiRegionTapRegionRole": "primary",
                    "VpcId": "vpc-1",
                    "ClusterName": "shop",
                    "ServiceName": "web",
                    "LoadBalancerArn": LB1,
                    "BlueTargetGroupArn": TG_BLUE,
                    "GreenTargetGroupArn": TG_GREEN,
                    "DatabaseIdentifier": "shop-db",
                    "AlarmTopicArn": TOPIC,
                    "DashboardName": "shop-us-east-1",
                },
            ),
            stack("shop-dns", E1, {"MultiRegionTapAppName": "shop"}),
            stack("shop-peering", E1, {"PeeringConnectionIdUse2": "pcx-1"}, {"x": "y"}),
            stack(
                "shop-monitoring",
                E1,
                {"DashboardName": "shop-overview"},
                {"multiregion-tap:app": "shop"},
            ),
            stack("shop-gone", E1, {"MultiRegionTapAppName": "shop"}, status="DELETE_COMPLETE"),
            stack("other-us-east-1", E1, {"MultiRegionTapAppName": "other"}),
            stack("shop-tagged-other", E1, tags={"multiregion-tap:app": "other"}),
            stack("unrelated", E1),
            # named like the app's regional stack of a region not given: not regional
            stack("shop-eu-west-1", E1, tags={"multiregion-tap:app": "shop"}),
        ],
        E2: [
            stack(
                "shop-us-east-2",
                E2,
                {"MultiRegionTapRegionRole": "secondary", "DatabaseArn": DB2_ARN},
                {"multiregion-tap:app": "shop"},
            ),
            stack("shop-peering-routes-us-east-2", E2),
        ],
        W2: [stack("shop-dns-alarms", W2, {"MultiRegionTapAppName": "shop"})],
    }
    resources = {
        "shop-us-east-2": [
            ("AWS::EC2::VPC", "vpc-2", "CREATE_COMPLETE"),
            ("AWS::ECS::Service", SERVICE2, "CREATE_COMPLETE"),
            ("AWS::CloudWatch::Alarm", "gone-alarm", "DELETE_COMPLETE"),
            ("AWS::CloudWatch::Alarm", "cpu-2", "CREATE_COMPLETE"),
            ("AWS::CloudWatch::CompositeAlarm", "any-2", "UPDATE_COMPLETE"),
            ("AWS::CloudWatch::Dashboard", "shop-us-east-2", "CREATE_COMPLETE"),
            ("AWS::SNS::Topic", None, "CREATE_COMPLETE"),
        ],
        "shop-monitoring": [("AWS::CloudWatch::Dashboard", "shop-us-east-1", "CREATE_COMPLETE")],
    }

    def describe_stacks(region: str, **kw: Any) -> dict[str, Any]:
        return {"Stacks": stacks.get(region, [])}

    def list_stack_resources(region: str, **kw: Any) -> dict[str, Any]:
        stack_name = kw["StackName"]
        name = stack_name.split("/")[1] if stack_name.startswith("arn:") else stack_name
        return {
            "StackResourceSummaries": [
                {"ResourceType": t, "PhysicalResourceId": p, "ResourceStatus": s}
                for t, p, s in resources.get(name, [])
            ]
        }

    def describe_vpcs(region: str, **kw: Any) -> dict[str, Any]:
        cidr = {"vpc-1": "10.0.0.0/16", "vpc-2": "10.1.0.0/16"}
        return {
            "Vpcs": [{"VpcId": v, "CidrBlock": cidr[v], "State": "available"} for v in kw["VpcIds"]]
        }

    def describe_subnets(region: str, **kw: Any) -> dict[str, Any]:
        (vpc,) = kw["Filters"][0]["Values"]
        assert kw["Filters"][0]["Name"] == "vpc-id"
        return {
            "Subnets": [
                {
                    "SubnetId": f"{vpc}-a",
                    "VpcId": vpc,
                    "AvailabilityZone": f"{region}a",
                    "AvailabilityZoneId": "use1-az1",
                    "CidrBlock": "10.0.0.0/24",
                    "MapPublicIpOnLaunch": True,
                    "SubnetArn": f"arn:aws:ec2:{region}:1:subnet/{vpc}-a",
                    "Tags": [{"Key": "aws-cdk:subnet-type", "Value": "Public"}],
                },
                {"SubnetId": "stray", "VpcId": "vpc-other", "AvailabilityZone": "x"},
                {
                    "SubnetId": f"{vpc}-b",
                    "AvailabilityZone": f"{region}b",
                    "CidrBlock": "10.0.1.0/24",
                },
            ]
        }

    def describe_clusters(region: str, clusters: list[str]) -> dict[str, Any]:
        return {
            "clusters": [
                {"clusterArn": "arn:old", "clusterName": clusters[0], "status": "INACTIVE"},
                {
                    "clusterArn": f"arn:aws:ecs:{region}:1:cluster/{clusters[0]}",
                    "clusterName": clusters[0],
                    "status": "ACTIVE",
                    "activeServicesCount": 1,
                    "runningTasksCount": 2,
                },
            ]
        }

    def describe_services(region: str, cluster: str, services: list[str]) -> dict[str, Any]:
        (wanted,) = services
        arn = (
            wanted
            if wanted.startswith("arn:")
            else f"arn:aws:ecs:{region}:1:service/{cluster}/{wanted}"
        )
        return {
            "services": [
                {"serviceArn": arn, "status": "INACTIVE"},
                {
                    "serviceArn": arn,
                    "serviceName": arn.rsplit("/", 1)[1],
                    "clusterArn": cluster,
                    "status": "ACTIVE",
                    "desiredCount": 2,
                    "loadBalancers": [{"targetGroupArn": TG_BLUE}],
                },
            ]
        }

    def describe_load_balancers(region: str, **kw: Any) -> dict[str, Any]:
        return {
            "LoadBalancers": [
                {
                    "LoadBalancerArn": kw["LoadBalancerArns"][0],
                    "LoadBalancerName": "shop",
                    "DNSName": "shop-1.us-east-1.elb.amazonaws.com",
                    "Type": "application",
                    "Scheme": "internet-facing",
                    "State": {"Code": "active"},
                    "VpcId": "vpc-1",
                    "AvailabilityZones": [{"ZoneName": "us-east-1a"}, {"SubnetId": "s"}],
                }
            ]
        }

    def describe_target_groups(region: str, **kw: Any) -> dict[str, Any]:
        return {
            "TargetGroups": [
                {
                    "TargetGroupArn": arn,
                    "TargetGroupName": arn.split("/")[1],
                    "Protocol": "HTTP",
                    "Port": 8080,
                    "TargetType": "ip",
                    "HealthCheckPath": "/health",
                    "VpcId": "vpc-1",
                    "LoadBalancerArns": [LB1, LB1],
                }
                for arn in reversed(kw["TargetGroupArns"])
            ]
        }

    def describe_db_instances(region: str, **kw: Any) -> dict[str, Any]:
        if "DBInstanceIdentifier" in kw:
            return {
                "DBInstances": [
                    {
                        "DBInstanceIdentifier": kw["DBInstanceIdentifier"],
                        "DBInstanceArn": f"arn:aws:rds:{region}:1:db:{kw['DBInstanceIdentifier']}",
                    }
                ]
            }
        assert kw["Filters"] == [{"Name": "db-instance-id", "Values": [DB2_ARN]}]
        return {
            "DBInstances": [
                {
                    "DBInstanceIdentifier": "decoy",
                    "DBInstanceArn": "arn:aws:rds:us-east-2:1:db:decoy",
                },
                {
                    "DBInstanceIdentifier": "shop-db-r",
                    "DBInstanceArn": DB2_ARN,
                    "ReadReplicaSourceDBInstanceIdentifier": "arn:aws:rds:us-east-1:1:db:shop-db",
                },
            ]
        }

    def get_topic_attributes(region: str, **kw: Any) -> dict[str, Any]:
        return {"Attributes": {"DisplayName": "", "SubscriptionsConfirmed": "2"}}

    def describe_alarms(region: str, **kw: Any) -> dict[str, Any]:
        assert kw["AlarmTypes"] == ["MetricAlarm", "CompositeAlarm"]
        if "ActionPrefix" in kw:
            return {
                "MetricAlarms": [
                    {"AlarmName": "b-notifies", "AlarmActions": [TOPIC]},
                    {"AlarmName": "c-prefix-only", "AlarmActions": [TOPIC + "-other"]},
                ],
                "CompositeAlarms": [{"AlarmName": "a-composite", "OKActions": [TOPIC]}],
            }
        return {
            "MetricAlarms": [{"AlarmName": n} for n in kw["AlarmNames"] if n.startswith("cpu")],
            "CompositeAlarms": [{"AlarmName": n} for n in kw["AlarmNames"] if n.startswith("any")],
        }

    def get_dashboard(region: str, **kw: Any) -> dict[str, Any]:
        name = kw["DashboardName"]
        if name == "shop-overview":
            raise not_found("GetDashboard")
        return {
            "DashboardName": name,
            "DashboardArn": f"arn:aws:cloudwatch::1:dashboard/{name}",
            "DashboardBody": "{}",
        }

    def describe_vpc_peering_connections(region: str, **kw: Any) -> dict[str, Any]:
        pcx1 = {
            "VpcPeeringConnectionId": "pcx-1",
            "Status": {"Code": "active"},
            "RequesterVpcInfo": {"VpcId": "vpc-1", "Region": E1, "CidrBlock": "10.0.0.0/16"},
            "AccepterVpcInfo": {"VpcId": "vpc-2", "Region": E2, "CidrBlock": "10.1.0.0/16"},
        }
        if "VpcPeeringConnectionIds" in kw:
            return {"VpcPeeringConnections": [{"VpcPeeringConnectionId": "pcx-0"}, pcx1]}
        (vpc,) = kw["Filters"][0]["Values"]
        assert kw["Filters"][0]["Name"] == "requester-vpc-info.vpc-id"

        def pcx(pcx_id: str, code: str, accepter: str = "vpc-1") -> dict[str, Any]:
            return {
                "VpcPeeringConnectionId": pcx_id,
                "Status": {"Code": code},
                "RequesterVpcInfo": {"VpcId": vpc, "Region": region},
                "AccepterVpcInfo": {"VpcId": accepter, "Region": E1},
            }

        if vpc != "vpc-2":
            return {"VpcPeeringConnections": [pcx1]}
        return {
            "VpcPeeringConnections": [
                pcx("pcx-2", "pending-acceptance"),
                pcx("pcx-3", "deleted"),
                pcx("pcx-4", "rejected"),
                pcx("pcx-5", "failed"),
                pcx("pcx-6", "expired"),
                pcx("pcx-7", "active", accepter="vpc-outside"),
                {**pcx("pcx-8", "active"), "RequesterVpcInfo": {"VpcId": "vpc-9"}},
                {"Status": {"Code": "active"}},
            ]
        }

    def describe_route_tables(region: str, **kw: Any) -> dict[str, Any]:
        assert kw["Filters"][0]["Name"] == "route.vpc-peering-connection-id"
        (pcx_id,) = kw["Filters"][0]["Values"]
        return {
            "RouteTables": [
                {
                    "RouteTableId": f"rtb-{region}",
                    "VpcId": "vpc-x",
                    "Routes": [
                        {
                            "DestinationCidrBlock": "10.9.0.0/16",
                            "VpcPeeringConnectionId": pcx_id,
                            "State": "active",
                        },
                        {"DestinationIpv6CidrBlock": "fd00::/8", "VpcPeeringConnectionId": pcx_id},
                        {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw"},
                    ],
                }
            ]
        }

    handlers: dict[tuple[str, str], Handler] = {
        ("cloudformation", "describe_stacks"): describe_stacks,
        ("cloudformation", "list_stack_resources"): list_stack_resources,
        ("ec2", "describe_vpcs"): describe_vpcs,
        ("ec2", "describe_subnets"): describe_subnets,
        ("ecs", "describe_clusters"): describe_clusters,
        ("ecs", "describe_services"): describe_services,
        ("elbv2", "describe_load_balancers"): describe_load_balancers,
        ("elbv2", "describe_target_groups"): describe_target_groups,
        ("rds", "describe_db_instances"): describe_db_instances,
        ("sns", "get_topic_attributes"): get_topic_attributes,
        ("cloudwatch", "describe_alarms"): describe_alarms,
        ("cloudwatch", "get_dashboard"): get_dashboard,
        ("ec2", "describe_vpc_peering_connections"): describe_vpc_peering_connections,
        ("ec2", "describe_route_tables"): describe_route_tables,
    }
    return FakeAws(handlers)


@pytest.fixture(scope="module")
def found() -> tuple[FakeAws, Any]:
    aws = world()
    return aws, discover("shop", [E1, E2, E1], client_factory=aws, helper_regions=[W2, E2])


def test_the_app_s_stacks_and_their_kinds_in_order(found: tuple[FakeAws, Any]) -> None:
    _, topology = found
    assert [(s.name, s.region, s.kind) for s in topology.stacks] == [
        ("shop-us-east-1", E1, "regional"),
        ("shop-us-east-2", E2, "regional"),
        ("shop-dns", E1, "dns"),
        ("shop-eu-west-1", E1, "helper"),
        ("shop-monitoring", E1, "helper"),
        ("shop-peering", E1, "peering"),
        ("shop-peering-routes-us-east-2", E2, "peering-routes"),
        ("shop-dns-alarms", W2, "helper"),
    ]
    assert (topology.regions, topology.helper_regions) == ((E1, E2), (W2,))
    east1 = topology.stacks[0]
    assert east1.stack_id == "arn:aws:cloudformation:us-east-1:1:stack/shop-us-east-1/id"
    assert (east1.status, east1.role, east1.outputs["VpcId"]) == (
        "CREATE_COMPLETE",
        "primary",
        "vpc-1",
    )
    assert topology.stacks[1].tags == {"multiregion-tap:app": "shop"}


def test_resources_named_by_outputs(found: tuple[FakeAws, Any]) -> None:
    aws, topology = found
    east1 = topology.region(E1)
    assert east1.vpc == model.VpcInfo(
        vpc_id="vpc-1",
        region=E1,
        cidr_block="10.0.0.0/16",
        state="available",
        subnets=(
            model.SubnetInfo(
                subnet_id="vpc-1-a",
                region=E1,
                availability_zone="us-east-1a",
                availability_zone_id="use1-az1",
                cidr_block="10.0.0.0/24",
                subnet_type="Public",
                map_public_ip_on_launch=True,
                arn="arn:aws:ec2:us-east-1:1:subnet/vpc-1-a",
            ),
            model.SubnetInfo(
                subnet_id="vpc-1-b",
                region=E1,
                availability_zone="us-east-1b",
                cidr_block="10.0.1.0/24",
            ),
        ),
    )
    assert east1.cluster == model.ClusterInfo(
        name="shop",
        arn="arn:aws:ecs:us-east-1:1:cluster/shop",
        region=E1,
        status="ACTIVE",
        active_services_count=1,
        running_tasks_count=2,
    )
    assert east1.service is not None
    assert (east1.service.name, east1.service.status) == ("web", "ACTIVE")
    assert aws.asked("ecs", "describe_services")[0] == (
        E1,
        {"cluster": "arn:aws:ecs:us-east-1:1:cluster/shop", "services": ["web"]},
    )
    assert east1.load_balancer == model.LoadBalancerInfo(
        arn=LB1,
        name="shop",
        region=E1,
        dns_name="shop-1.us-east-1.elb.amazonaws.com",
        type="application",
        scheme="internet-facing",
        state="active",
        vpc_id="vpc-1",
        availability_zones=("us-east-1a",),
    )
    assert [(t.name, t.role, t.port, t.load_balancer_arns) for t in east1.target_groups] == [
        ("blue", "blue", 8080, (LB1,)),
        ("green", "green", 8080, (LB1,)),
    ]
    assert east1.target_groups[0] == model.TargetGroupInfo(
        arn=TG_BLUE,
        name="blue",
        region=E1,
        role="blue",
        protocol="HTTP",
        port=8080,
        target_type="ip",
        health_check_path="/health",
        vpc_id="vpc-1",
        load_balancer_arns=(LB1,),
    )
    assert east1.database is not None
    assert (east1.database.identifier, east1.database.region) == ("shop-db", E1)
    assert east1.alarm_topic == model.TopicInfo(
        arn=TOPIC, name="shop-alarms", region=E1, display_name=None, subscriptions_confirmed=2
    )
    # the alarms that notify the topic (not a topic whose ARN only starts the same), by name
    assert [(a.name, a.alarm_type) for a in east1.alarms] == [
        ("a-composite", "composite"),
        ("b-notifies", "metric"),
    ]
    assert aws.asked("cloudwatch", "describe_alarms")[0] == (
        E1,
        {"ActionPrefix": TOPIC, "AlarmTypes": ["MetricAlarm", "CompositeAlarm"]},
    )
    # the regional dashboard once (also the monitoring stack's), the overview is gone
    assert east1.dashboards == (
        model.DashboardInfo(
            name="shop-us-east-1",
            arn="arn:aws:cloudwatch::1:dashboard/shop-us-east-1",
            region=E1,
            size=2,
        ),
    )


def test_resources_found_through_the_stack_and_aws_s_links(found: tuple[FakeAws, Any]) -> None:
    aws, topology = found
    east2 = topology.region(E2)
    assert east2.role == "secondary"
    assert east2.vpc is not None and east2.vpc.vpc_id == "vpc-2"
    assert east2.cluster is None
    assert east2.service is not None and east2.service.arn == SERVICE2
    # a long-format service ARN names its cluster
    assert (E2, {"cluster": "shop2", "services": [SERVICE2]}) in aws.asked(
        "ecs", "describe_services"
    )
    # no target group output: the service's own, as blue
    assert [(t.arn, t.role) for t in east2.target_groups] == [(TG_BLUE, "blue")]
    assert east2.load_balancer is None
    assert east2.database is not None
    assert (east2.database.identifier, east2.database.source_region) == ("shop-db-r", E1)
    assert east2.alarm_topic is None
    assert [(a.name, a.alarm_type) for a in east2.alarms] == [
        ("any-2", "composite"),
        ("cpu-2", "metric"),
    ]
    assert (
        E2,
        {"AlarmNames": ["cpu-2", "any-2"], "AlarmTypes": ["MetricAlarm", "CompositeAlarm"]},
    ) in (aws.asked("cloudwatch", "describe_alarms"))
    assert [d.name for d in east2.dashboards] == ["shop-us-east-2"]
    # each stack's resources listed once, by stack id
    listed = [kw["StackName"] for _, kw in aws.asked("cloudformation", "list_stack_resources")]
    assert len(listed) == len(set(listed))
    assert "arn:aws:cloudformation:us-east-2:1:stack/shop-us-east-2/id" in listed


def test_peering_connections_named_by_outputs_and_linked_by_vpc(found: tuple[FakeAws, Any]) -> None:
    aws, topology = found
    assert [p.peering_connection_id for p in topology.peering] == ["pcx-1", "pcx-2"]
    pcx1 = topology.peering[0]
    assert (pcx1.status, pcx1.requester_vpc_id, pcx1.requester_region) == ("active", "vpc-1", E1)
    assert (pcx1.requester_cidr_block, pcx1.accepter_vpc_id) == ("10.0.0.0/16", "vpc-2")
    assert (pcx1.accepter_region, pcx1.accepter_cidr_block) == (E2, "10.1.0.0/16")
    assert pcx1.routes == (
        model.PeeringRouteInfo(
            region=E1,
            route_table_id="rtb-us-east-1",
            destination_cidr_block="10.9.0.0/16",
            vpc_id="vpc-x",
            state="active",
        ),
        model.PeeringRouteInfo(
            region=E1,
            route_table_id="rtb-us-east-1",
            destination_cidr_block="fd00::/8",
            vpc_id="vpc-x",
        ),
        model.PeeringRouteInfo(
            region=E2,
            route_table_id="rtb-us-east-2",
            destination_cidr_block="10.9.0.0/16",
            vpc_id="vpc-x",
            state="active",
        ),
        model.PeeringRouteInfo(
            region=E2,
            route_table_id="rtb-us-east-2",
            destination_cidr_block="fd00::/8",
            vpc_id="vpc-x",
        ),
    )
    assert (E1, {"VpcPeeringConnectionIds": ["pcx-1"]}) in aws.asked(
        "ec2", "describe_vpc_peering_connections"
    )


def test_the_dns_stack_is_read(found: tuple[FakeAws, Any]) -> None:
    _, topology = found
    assert topology.dns is not None and topology.dns.stack_name == "shop-dns"
    assert topology.dns_error is None


def test_no_stack_anywhere() -> None:
    aws = FakeAws({})
    with pytest.raises(AppNotFoundError) as caught:
        discover("shop", [E1, E2], client_factory=aws, helper_regions=[W2])
    assert str(caught.value) == (
        "no stack of app 'shop' found in regions ['us-east-1', 'us-east-2', 'us-west-2']: "
        "expected 'shop-us-east-1', 'shop-us-east-2' (is it deployed, and are the credentials "
        "for the right account?)"
    )


def test_a_region_without_its_stack() -> None:
    aws = world()
    topology = discover("shop", [E1, W2], client_factory=aws)
    assert topology.region(W2) == model.RegionTopology(region=W2, role=None)


def test_an_unreachable_region_raises_unless_tolerated() -> None:
    aws = world()
    aws.down = {E2}
    with pytest.raises(RegionUnreachableError):
        discover("shop", [E1, E2], client_factory=aws)
    topology = discover(
        "shop",
        [E1, E2],
        client_factory=aws,
        helper_regions=[W2],
        tolerate_unreachable=True,
        probe_timeout=1,
    )
    east2 = topology.region(E2)
    assert (east2.reachable, east2.role, east2.stack) == (False, None, None)
    assert east2.error is not None and east2.error.startswith(
        "cannot reach cloudformation in region us-east-2"
    )
    assert topology.region(E1).reachable
    assert topology.unreachable_regions == (E2,)
    assert dict(topology.unreachable_helper_regions) == {}
    # the peering's routes in the unreachable region are left out
    assert {r.region for p in topology.peering for r in p.routes} == {E1}


def test_an_unreachable_helper_region_is_reported_as_such() -> None:
    aws = world()
    aws.down = {W2}
    topology = discover(
        "shop",
        [E1, E2],
        client_factory=aws,
        helper_regions=[W2],
        tolerate_unreachable=True,
        probe_timeout=1,
    )
    assert list(topology.unreachable_helper_regions) == [W2]
    assert topology.unreachable_regions == ()
    assert "shop-dns-alarms" not in [s.name for s in topology.stacks]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"app_name": ""}, "app_name must be a non-empty string such as 'shop', got ''"),
        ({"app_name": 3}, "app_name must be a non-empty string such as 'shop', got 3"),
        ({"app_name": "a" * 65}, "app_name must be at most 64 lowercase letters"),
        ({"app_name": "Shop"}, "app_name must be at most 64 lowercase letters"),
        (
            {"regions": "us-east-1"},
            "regions must be a list of region names such as ['us-east-1'], "
            "not a single string, got 'us-east-1'",
        ),
        ({"regions": []}, "regions must name at least one region, got []"),
        ({"regions": [E1, ""]}, "regions[1] must be a region name, got ''"),
        ({"regions": [E1, None]}, "regions[1] must be a region name, got None"),
        ({"helper_regions": "us-west-2"}, "helper_regions must be a list of region names"),
        (
            {"session": object()},
            "session and client_factory are mutually exclusive: give at most one",
        ),
    ],
)
def test_arguments_are_checked_before_asking_aws(kwargs: dict[str, Any], message: str) -> None:
    aws = FakeAws({})
    args: dict[str, Any] = {"app_name": "shop", "regions": [E1], "client_factory": aws}
    args.update(kwargs)
    with pytest.raises(ValidationError) as caught:
        discover(**args)
    assert str(caught.value).startswith(message)
    assert aws.calls == []


def test_a_64_character_app_name_is_accepted() -> None:
    with pytest.raises(AppNotFoundError):
        discover("a" * 64, [E1], client_factory=FakeAws({}))


# ------------------------------------------------------------------ one region at a time
def one_region(
    outputs: dict[str, str],
    resources: Sequence[tuple[str, str]] = (),
    handlers: dict[tuple[str, str], Handler] | None = None,
    raw_stack: dict[str, Any] | None = None,
) -> tuple[FakeAws, Any]:
    """The app's regional stack of us-east-1 (``raw_stack``, else one with ``outputs``) and its
    ``resources`` (type, physical id), in the world above with ``handlers`` replacing its own;
    discovered in us-east-1 alone: (the fake, us-east-1's topology)."""
    aws = world()
    found = raw_stack or stack("shop-us-east-1", E1, {"MultiRegionTapAppName": "shop", **outputs})

    def describe_stacks(region: str, **kw: Any) -> dict[str, Any]:
        return {"Stacks": [found] if region == E1 else []}

    def list_stack_resources(region: str, **kw: Any) -> dict[str, Any]:
        return {
            "StackResourceSummaries": [
                {"ResourceType": t, "PhysicalResourceId": p, "ResourceStatus": "CREATE_COMPLETE"}
                for t, p in resources
            ]
        }

    aws.handlers[("cloudformation", "describe_stacks")] = describe_stacks
    aws.handlers[("cloudformation", "list_stack_resources")] = list_stack_resources
    aws.handlers.update(handlers or {})
    return aws, discover("shop", [E1], client_factory=aws).region(E1)


def _no_region(arn: str) -> str:
    """The ARN with an empty region field (as some emulators give)."""
    parts = arn.split(":")
    parts[3] = ""
    return ":".join(parts)


def test_resources_found_through_the_stack_s_resource_list_alone() -> None:
    cluster_arn = "arn:aws:ecs::1:cluster/shop-c"
    service_arn = "arn:aws:ecs:us-east-1:1:service/shop-c/web"

    def describe_clusters(region: str, clusters: list[str]) -> dict[str, Any]:
        assert clusters == ["shop-c"]
        return {"clusters": [{"clusterArn": cluster_arn, "status": "ACTIVE"}]}  # no counts

    def list_services(region: str, **kw: Any) -> dict[str, Any]:
        assert kw == {"cluster": cluster_arn}
        return {"serviceArns": [service_arn]}

    def describe_services(region: str, cluster: str, services: list[str]) -> dict[str, Any]:
        assert (cluster, services) == (cluster_arn, [service_arn])
        return {"services": [{"serviceArn": service_arn, "status": "ACTIVE"}]}

    def describe_load_balancers(region: str, **kw: Any) -> dict[str, Any]:
        return {"LoadBalancers": [{"LoadBalancerArn": _no_region(LB1)}]}

    def describe_target_groups(region: str, **kw: Any) -> dict[str, Any]:
        assert kw == {"LoadBalancerArn": _no_region(LB1)}
        return {
            "TargetGroups": [
                {"TargetGroupArn": _no_region(TG_GREEN), "TargetGroupName": "b"},
                {"TargetGroupArn": TG_BLUE, "TargetGroupName": "a"},
            ]
        }

    aws, east1 = one_region(
        {},
        [
            ("AWS::ECS::Cluster", "shop-c"),
            ("AWS::ElasticLoadBalancingV2::LoadBalancer", _no_region(LB1)),
            ("AWS::SNS::Topic", _no_region(TOPIC)),
            ("AWS::RDS::DBInstance", "shop-db-f"),
        ],
        {
            ("ecs", "describe_clusters"): describe_clusters,
            ("ecs", "list_services"): list_services,
            ("ecs", "describe_services"): describe_services,
            ("elbv2", "describe_load_balancers"): describe_load_balancers,
            ("elbv2", "describe_target_groups"): describe_target_groups,
        },
    )
    # an ARN without a region: the stack's region
    assert east1.cluster is not None
    assert (east1.cluster.name, east1.cluster.region) == ("shop-c", E1)
    assert (east1.cluster.active_services_count, east1.cluster.running_tasks_count) == (0, 0)
    assert east1.service is not None and east1.service.arn == service_arn
    assert east1.load_balancer is not None
    assert (east1.load_balancer.arn, east1.load_balancer.region) == (_no_region(LB1), E1)
    # no blue or green: the load balancer's target groups, by name, without a role
    assert [(t.name, t.role, t.region) for t in east1.target_groups] == [
        ("a", None, E1),
        ("b", None, E1),
    ]
    assert east1.alarm_topic is not None
    assert (east1.alarm_topic.arn, east1.alarm_topic.region) == (_no_region(TOPIC), E1)
    assert east1.database is not None and east1.database.identifier == "shop-db-f"
    assert aws.asked("rds", "describe_db_instances") == [
        (E1, {"DBInstanceIdentifier": "shop-db-f"})
    ]


def test_a_cluster_of_several_services_and_no_service_output_has_no_service() -> None:
    def list_services(region: str, **kw: Any) -> dict[str, Any]:
        return {"serviceArns": ["arn:aws:ecs:us-east-1:1:service/shop/a", "arn:b"]}

    aws, east1 = one_region({"ClusterName": "shop"}, [], {("ecs", "list_services"): list_services})
    assert east1.cluster is not None
    assert east1.service is None
    assert aws.asked("ecs", "describe_services") == []


def test_a_target_group_that_is_gone_is_left_out() -> None:
    def describe_target_groups(region: str, **kw: Any) -> dict[str, Any]:
        if TG_GREEN in kw["TargetGroupArns"]:
            raise ClientError(
                {"Error": {"Code": "TargetGroupNotFound", "Message": "x"}}, "DescribeTargetGroups"
            )
        return {"TargetGroups": [{"TargetGroupArn": arn} for arn in kw["TargetGroupArns"]]}

    aws, east1 = one_region(
        {"BlueTargetGroupArn": TG_BLUE, "GreenTargetGroupArn": TG_GREEN},
        [],
        {("elbv2", "describe_target_groups"): describe_target_groups},
    )
    assert [(t.arn, t.role) for t in east1.target_groups] == [(TG_BLUE, "blue")]
    assert [kw for _, kw in aws.asked("elbv2", "describe_target_groups")] == [
        {"TargetGroupArns": [TG_BLUE, TG_GREEN]},
        {"TargetGroupArns": [TG_BLUE]},
        {"TargetGroupArns": [TG_GREEN]},
    ]


def test_blue_before_green_whatever_their_names() -> None:
    def describe_target_groups(region: str, **kw: Any) -> dict[str, Any]:
        names = {TG_BLUE: "z-blue", TG_GREEN: "a-green"}
        return {
            "TargetGroups": [
                {"TargetGroupArn": a, "TargetGroupName": names[a]} for a in kw["TargetGroupArns"]
            ]
        }

    _, east1 = one_region(
        {"BlueTargetGroupArn": TG_BLUE, "GreenTargetGroupArn": TG_GREEN},
        [],
        {("elbv2", "describe_target_groups"): describe_target_groups},
    )
    assert [(t.name, t.role) for t in east1.target_groups] == [
        ("z-blue", "blue"),
        ("a-green", "green"),
    ]


def test_the_database_is_asked_once_by_identifier_when_it_is_found() -> None:
    aws, east1 = one_region(
        {"DatabaseIdentifier": "shop-db", "DatabaseArn": "arn:aws:rds:us-east-1:1:db:shop-db"},
        [("AWS::RDS::DBInstance", "shop-db")],
    )
    assert east1.database is not None and east1.database.identifier == "shop-db"
    assert aws.asked("rds", "describe_db_instances") == [(E1, {"DBInstanceIdentifier": "shop-db"})]
    aws, east1 = one_region(
        {"DatabaseIdentifier": "shop-db"}, [("AWS::RDS::DBInstance", "shop-db-other")]
    )
    assert east1.database is not None and east1.database.identifier == "shop-db"
    assert aws.asked("rds", "describe_db_instances") == [(E1, {"DBInstanceIdentifier": "shop-db"})]


def test_a_named_database_that_is_gone_is_not_replaced_by_the_stack_s_resource() -> None:
    def describe_db_instances(region: str, **kw: Any) -> dict[str, Any]:
        if kw.get("DBInstanceIdentifier") == "shop-db":
            raise ClientError(
                {"Error": {"Code": "DBInstanceNotFound", "Message": "x"}}, "DescribeDBInstances"
            )
        return {"DBInstances": [{"DBInstanceIdentifier": "shop-db-other"}]}

    aws, east1 = one_region(
        {"DatabaseIdentifier": "shop-db"},
        [("AWS::RDS::DBInstance", "shop-db-other")],
        {("rds", "describe_db_instances"): describe_db_instances},
    )
    assert east1.database is None
    assert aws.asked("rds", "describe_db_instances") == [(E1, {"DBInstanceIdentifier": "shop-db"})]


def test_alarms_are_asked_by_name_100_at_a_time() -> None:
    names = [f"cpu-{i:03}" for i in range(150)]

    def describe_alarms(region: str, **kw: Any) -> dict[str, Any]:
        assert len(kw["AlarmNames"]) <= 100  # the API's limit
        return {"MetricAlarms": [{"AlarmName": n} for n in kw["AlarmNames"]]}

    aws, east1 = one_region(
        {},
        [("AWS::CloudWatch::Alarm", n) for n in names],
        {("cloudwatch", "describe_alarms"): describe_alarms},
    )
    assert [a.name for a in east1.alarms] == names
    assert [len(kw["AlarmNames"]) for _, kw in aws.asked("cloudwatch", "describe_alarms")] == [
        100,
        50,
    ]


def test_a_stack_without_an_id_is_in_the_region_it_was_listed_in() -> None:
    raw = stack("shop-us-east-1", E1, {"MultiRegionTapAppName": "shop"})
    del raw["StackId"]
    _, east1 = one_region({}, raw_stack=raw)
    assert east1.stack is not None
    assert (east1.stack.region, east1.stack.stack_id) == (E1, "")


def test_the_app_name_output_wins_over_a_tag_of_another_app() -> None:
    raw = stack(
        "shop-us-east-1", E1, {"MultiRegionTapAppName": "shop"}, {"multiregion-tap:app": "x"}
    )
    _, east1 = one_region({}, raw_stack=raw)
    assert east1.stack is not None and east1.stack.kind == "regional"


def test_a_region_that_answers_the_probe_but_not_the_listing_is_unreachable() -> None:
    aws = world()
    listing = aws.handlers[("cloudformation", "describe_stacks")]

    def describe_stacks(region: str, **kw: Any) -> dict[str, Any]:
        if region == E2 and "StackName" not in kw:
            raise EndpointConnectionError(endpoint_url="https://cloudformation.us-east-2")
        return listing(region, **kw)

    aws.handlers[("cloudformation", "describe_stacks")] = describe_stacks
    topology = discover("shop", [E1, E2], client_factory=aws, tolerate_unreachable=True)
    assert topology.unreachable_regions == (E2,)
    east2 = topology.region(E2)
    assert east2.error is not None and east2.error.startswith(
        "cannot reach cloudformation in region us-east-2"
    )
    assert topology.region(E1).reachable


def test_a_cluster_named_by_its_arn_takes_the_name_aws_gives() -> None:
    arn = "arn:aws:ecs:us-east-1:1:cluster/shop"

    def describe_clusters(region: str, clusters: list[str]) -> dict[str, Any]:
        assert clusters == [arn]  # DescribeClusters takes a name or an ARN
        return {"clusters": [{"clusterArn": arn, "clusterName": "shop"}]}

    _, east1 = one_region(
        {"ClusterName": arn}, handlers={("ecs", "describe_clusters"): describe_clusters}
    )
    assert east1.cluster is not None and east1.cluster.name == "shop"


def test_the_service_s_alternate_target_group_is_green() -> None:
    def describe_services(region: str, cluster: str, services: list[str]) -> dict[str, Any]:
        attachment = {
            "targetGroupArn": TG_BLUE,
            "advancedConfiguration": {"alternateTargetGroupArn": TG_GREEN},
        }
        return {"services": [{"serviceArn": SERVICE2, "loadBalancers": [attachment]}]}

    _, east1 = one_region(
        {"ServiceArn": SERVICE2}, handlers={("ecs", "describe_services"): describe_services}
    )
    assert [(t.arn, t.role) for t in east1.target_groups] == [
        (TG_BLUE, "blue"),
        (TG_GREEN, "green"),
    ]


def test_the_topic_s_display_name() -> None:
    def get_topic_attributes(region: str, **kw: Any) -> dict[str, Any]:
        return {"Attributes": {"DisplayName": "Shop alarms"}}

    _, east1 = one_region(
        {"AlarmTopicArn": TOPIC}, handlers={("sns", "get_topic_attributes"): get_topic_attributes}
    )
    assert east1.alarm_topic is not None
    assert (east1.alarm_topic.display_name, east1.alarm_topic.subscriptions_confirmed) == (
        "Shop alarms",
        None,
    )


def test_a_region_that_stops_answering_during_its_walk_keeps_its_own_stack() -> None:
    aws = world()

    def describe_vpcs(region: str, **kw: Any) -> dict[str, Any]:
        raise EndpointConnectionError(endpoint_url=f"https://ec2.{region}.amazonaws.com")

    aws.handlers[("ec2", "describe_vpcs")] = describe_vpcs
    topology = discover("shop", [E1, E2], client_factory=aws, tolerate_unreachable=True)
    east2 = topology.region(E2)
    assert (east2.reachable, east2.role) == (False, "secondary")
    assert east2.stack is not None and east2.stack.name == "shop-us-east-2"
    assert east2.error is not None and east2.error.startswith(
        "cannot reach ec2 in region us-east-2"
    )


def test_peering_connections_of_the_peering_stack_s_resources() -> None:
    aws = world()
    stacks = {
        E1: [
            stack("shop-us-east-1", E1, {"MultiRegionTapAppName": "shop"}),
            stack("shop-peering", E1),
        ]
    }

    def describe_stacks(region: str, **kw: Any) -> dict[str, Any]:
        return {"Stacks": stacks.get(region, [])}

    def list_stack_resources(region: str, **kw: Any) -> dict[str, Any]:
        # every stack lists a peering connection; only the peering stack's is the app's
        name = kw["StackName"].split("/")[1]
        pcx_id = "pcx-1" if name == "shop-peering" else "pcx-x"
        return {
            "StackResourceSummaries": [
                {"ResourceType": "AWS::EC2::VPCPeeringConnection", "PhysicalResourceId": pcx_id}
            ]
        }

    aws.handlers[("cloudformation", "describe_stacks")] = describe_stacks
    aws.handlers[("cloudformation", "list_stack_resources")] = list_stack_resources
    topology = discover("shop", [E1], client_factory=aws)
    assert [p.peering_connection_id for p in topology.peering] == ["pcx-1"]
    assert aws.asked("ec2", "describe_vpc_peering_connections")[0] == (
        E1,
        {"VpcPeeringConnectionIds": ["pcx-1"]},
    )


def test_a_subnet_s_region_is_the_one_its_arn_names() -> None:
    def describe_subnets(region: str, **kw: Any) -> dict[str, Any]:
        arn = "arn:aws:ec2:us-west-2:1:subnet/subnet-1"
        return {"Subnets": [{"SubnetId": "subnet-1", "SubnetArn": arn}]}

    _, east1 = one_region(
        {"VpcId": "vpc-1"}, handlers={("ec2", "describe_subnets"): describe_subnets}
    )
    assert east1.vpc is not None
    assert [(s.subnet_id, s.region) for s in east1.vpc.subnets] == [("subnet-1", W2)]


def test_the_dashboards_of_the_app_s_helper_stacks_in_the_same_region() -> None:
    aws = world()
    stacks = {
        E1: [
            stack("shop-us-east-1", E1, {"MultiRegionTapAppName": "shop"}),
            stack("shop-monitoring", E1, {"MultiRegionTapAppName": "shop", "DashboardName": "a"}),
        ],
        W2: [stack("shop-more", W2, {"MultiRegionTapAppName": "shop", "DashboardName": "b"})],
    }

    def describe_stacks(region: str, **kw: Any) -> dict[str, Any]:
        return {"Stacks": stacks.get(region, [])}

    aws.handlers[("cloudformation", "describe_stacks")] = describe_stacks
    aws.handlers[("cloudformation", "list_stack_resources")] = lambda region, **kw: {}
    topology = discover("shop", [E1], client_factory=aws, helper_regions=[W2])
    assert [(d.name, d.region) for d in topology.region(E1).dashboards] == [("a", E1)]
