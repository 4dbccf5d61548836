"""examples/shop deployed to the local emulator in us-east-1 and us-east-2, checked in BOTH
regions through ``multiregion_tap.discovery`` and, independently, through boto3.

What this proves and what it does not: every resource of both regions exists with the wiring
these tests read back through the service APIs (references resolved across stacks and
regions). No container runs, no database replicates, no health check fails over, no alarm
fires: the emulator stores what CloudFormation was asked to create.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from multiregion_tap import OutputNames, TagKeys
from multiregion_tap.discovery import RegionTopology, Topology

from .conftest import APP_NAME, PRIMARY, REGIONS, SECONDARY, Deployment

pytestmark = [pytest.mark.integration, pytest.mark.emulator, pytest.mark.slow]

STACKS = {
    f"{APP_NAME}-{PRIMARY}": PRIMARY,
    f"{APP_NAME}-{SECONDARY}": SECONDARY,
    f"{APP_NAME}-peering": PRIMARY,
    f"{APP_NAME}-peering-routes-{SECONDARY}": SECONDARY,
    # Outside the primary region: a failover changes the records from a healthy region.
    f"{APP_NAME}-dns": SECONDARY,
    f"{APP_NAME}-dns-alarms": "us-east-1",  # Route 53's health-check metrics live there
    f"{APP_NAME}-monitoring": PRIMARY,
    f"{APP_NAME}-credentials-{SECONDARY}": SECONDARY,
}
CIDRS = {PRIMARY: "10.0.0.0/16", SECONDARY: "10.1.0.0/16"}
OTHER = {PRIMARY: SECONDARY, SECONDARY: PRIMARY}
ROLES = {PRIMARY: "primary", SECONDARY: "secondary"}

by_region = pytest.mark.parametrize("region", REGIONS)


def _region(topology: Topology, region: str) -> RegionTopology:
    reg = topology.region(region)
    assert reg.found, f"no regional stack in {region}"
    return reg


# ---------------------------------------------------------------------- stacks
def test_every_stack_of_the_app_deployed_in_its_region(deployment: Deployment) -> None:
    # The CDK CLI wrote the outputs file for every stack of the app (by artifact id).
    if deployment.result is not None:  # deployed by this session (the emulator)
        outputs = deployment.result.outputs
        assert len(outputs) == len(STACKS)
        assert {o[OutputNames.APP_NAME] for o in outputs.values()} == {APP_NAME}
        assert sorted(o[OutputNames.REGION] for o in outputs.values()) == sorted(STACKS.values())
    found = {s.name: s.region for s in deployment.topology.stacks}
    assert found == STACKS
    for stack in deployment.topology.stacks:
        assert stack.stack_id.startswith(f"arn:aws:cloudformation:{stack.region}:")
        assert stack.outputs[OutputNames.APP_NAME] == APP_NAME
        assert stack.outputs[OutputNames.REGION] == stack.region
        raw = deployment.client("cloudformation", stack.region).describe_stacks(
            StackName=stack.name
        )["Stacks"][0]
        assert raw["StackStatus"] == "CREATE_COMPLETE"


def test_discovery_finds_every_piece_in_both_regions(topology: Topology) -> None:
    missing = [(row.region, row.kind) for row in topology.to_table() if row.details == "not found"]
    assert missing == []
    assert topology.primary_region == PRIMARY
    assert [r.role for r in topology.regional] == ["primary", "secondary"]
    table = topology.format_table()
    for region in REGIONS:
        assert f"{region}  {ROLES[region]}" in table


@by_region
def test_region_of_every_resource_comes_from_its_arn(topology: Topology, region: str) -> None:
    reg = _region(topology, region)
    assert reg.service is not None and reg.load_balancer is not None
    assert reg.database is not None and reg.alarm_topic is not None
    arns = [
        reg.service.arn,
        reg.load_balancer.arn,
        reg.database.arn,
        reg.alarm_topic.arn,
        *(t.arn for t in reg.target_groups),
        *(a.arn for a in reg.alarms),
    ]
    assert all(f":{region}:" in arn for arn in arns), arns
    other = OTHER[region]
    assert not [arn for arn in arns if f":{other}:" in arn]


# ---------------------------------------------------------------------- network
@by_region
def test_vpc_subnets_span_two_availability_zones(
    deployment: Deployment, topology: Topology, region: str
) -> None:
    vpc = _region(topology, region).vpc
    assert vpc is not None
    assert (vpc.region, vpc.cidr_block) == (region, CIDRS[region])
    ec2 = deployment.client("ec2", region)
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc.vpc_id]}])["Subnets"]
    assert {s["SubnetId"] for s in subnets} == {s.subnet_id for s in vpc.subnets}
    by_type: dict[str, set[str]] = {}
    for subnet in subnets:
        tags = {t["Key"]: t["Value"] for t in subnet.get("Tags", [])}
        by_type.setdefault(tags["aws-cdk:subnet-type"], set()).add(subnet["AvailabilityZone"])
    assert set(by_type) == {"Public", "Private", "Isolated"}
    for zones in by_type.values():
        assert len(zones) >= 2, by_type
        assert all(zone.startswith(region) for zone in zones)
    assert len(vpc.availability_zones) >= 2


# ---------------------------------------------------------------------- service
@by_region
def test_fargate_service_behind_its_load_balancer_with_blue_green(
    deployment: Deployment, topology: Topology, region: str
) -> None:
    reg = _region(topology, region)
    service, lb = reg.service, reg.load_balancer
    blue, green = reg.blue_target_group, reg.green_target_group
    assert service is not None and lb is not None and reg.cluster is not None
    assert blue is not None and green is not None
    # Discovery's view.
    assert service.launch_type == "FARGATE"
    assert (service.deployment_controller, service.deployment_strategy) == ("ECS", "BLUE_GREEN")
    assert service.target_group_arns == (blue.arn, green.arn)
    assert service.deployment_alarms and service.deployment_alarms_rollback is True

    # The service API's view.
    ecs = deployment.client("ecs", region)
    raw = ecs.describe_services(cluster=reg.cluster.arn, services=[service.arn])["services"][0]
    assert raw["launchType"] == "FARGATE"
    assert raw["deploymentController"] == {"type": "ECS"}
    config = raw["deploymentConfiguration"]
    assert config["strategy"] == "BLUE_GREEN"
    assert config["bakeTimeInMinutes"] > 0
    assert config["alarms"]["enable"] is True and config["alarms"]["rollback"] is True
    (attachment,) = raw["loadBalancers"]
    assert attachment["targetGroupArn"] == blue.arn
    advanced = attachment["advancedConfiguration"]
    assert advanced["alternateTargetGroupArn"] == green.arn
    assert advanced["roleArn"].startswith("arn:aws:iam::")

    # The production listener rule is a rule of this load balancer's listener, forwarding to
    # blue (100) and green (0).
    elbv2 = deployment.client("elbv2", region)
    (listener,) = elbv2.describe_listeners(LoadBalancerArn=lb.arn)["Listeners"]
    rules = {
        r["RuleArn"]: r for r in elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]
    }
    rule = rules[advanced["productionListenerRule"]]
    assert rule["IsDefault"] is False
    (action,) = rule["Actions"]
    weights = {g["TargetGroupArn"]: g["Weight"] for g in action["ForwardConfig"]["TargetGroups"]}
    assert weights == {blue.arn: 100, green.arn: 0}

    # The deployment alarms exist in the service's region.
    alarms = deployment.client("cloudwatch", region).describe_alarms(
        AlarmNames=list(config["alarms"]["alarmNames"])
    )["MetricAlarms"]
    assert sorted(a["AlarmName"] for a in alarms) == sorted(config["alarms"]["alarmNames"])

    # Tasks run in the region's private subnets.
    network = raw["networkConfiguration"]["awsvpcConfiguration"]
    assert reg.vpc is not None
    private = {s.subnet_id for s in reg.vpc.subnets if s.subnet_type == "Private"}
    assert set(network["subnets"]) == private
    assert network["assignPublicIp"] == "DISABLED"


@by_region
def test_both_target_groups_in_the_regions_vpc(
    deployment: Deployment, topology: Topology, region: str
) -> None:
    reg = _region(topology, region)
    assert reg.vpc is not None and reg.load_balancer is not None
    assert [t.role for t in reg.target_groups] == ["blue", "green"]
    stack = reg.stack
    assert stack is not None
    assert reg.blue_target_group is not None and reg.green_target_group is not None
    assert reg.blue_target_group.arn == stack.outputs[OutputNames.BLUE_TARGET_GROUP_ARN]
    assert reg.green_target_group.arn == stack.outputs[OutputNames.GREEN_TARGET_GROUP_ARN]
    raw = deployment.client("elbv2", region).describe_target_groups(
        TargetGroupArns=[t.arn for t in reg.target_groups]
    )["TargetGroups"]
    assert len(raw) == 2
    for group in raw:
        assert group["VpcId"] == reg.vpc.vpc_id
        assert group["TargetType"] == "ip"
        assert group["HealthCheckPath"] == "/health"
        assert reg.load_balancer.arn in group["LoadBalancerArns"]
    for group in reg.target_groups:
        assert group.load_balancer_arns == (reg.load_balancer.arn,)


# ---------------------------------------------------------------------- database
def test_primary_database_and_cross_region_replica(
    deployment: Deployment, topology: Topology
) -> None:
    primary = _region(topology, PRIMARY).database
    replica = _region(topology, SECONDARY).database
    assert primary is not None and replica is not None
    assert (primary.region, primary.is_replica) == (PRIMARY, False)
    assert (replica.region, replica.is_replica) == (SECONDARY, True)
    assert replica.source_arn == primary.arn
    assert f":rds:{PRIMARY}:" in (replica.source_arn or "")
    assert topology.primary_database == primary and topology.replicas == (replica,)

    rds1 = deployment.client("rds", PRIMARY)
    rds2 = deployment.client("rds", SECONDARY)
    raw1 = rds1.describe_db_instances(DBInstanceIdentifier=primary.identifier)["DBInstances"][0]
    raw2 = rds2.describe_db_instances(DBInstanceIdentifier=replica.identifier)["DBInstances"][0]
    assert raw2["ReadReplicaSourceDBInstanceIdentifier"] == raw1["DBInstanceArn"]
    assert raw2["ReadReplicaSourceDBInstanceIdentifier"].startswith(f"arn:aws:rds:{PRIMARY}:")
    assert raw2["DBInstanceArn"] in raw1["ReadReplicaDBInstanceIdentifiers"]
    assert raw1["StorageEncrypted"] is True and raw1["MultiAZ"] is True
    assert raw1["BackupRetentionPeriod"] >= 1
    # Each region encrypts with its own key.
    assert raw1["KmsKeyId"].startswith(f"arn:aws:kms:{PRIMARY}:")
    assert raw2["KmsKeyId"].startswith(f"arn:aws:kms:{SECONDARY}:")
    # Each instance sits in its own region's VPC.
    for raw, region in ((raw1, PRIMARY), (raw2, SECONDARY)):
        vpc = _region(topology, region).vpc
        assert vpc is not None and raw["DBSubnetGroup"]["VpcId"] == vpc.vpc_id


# ---------------------------------------------------------------------- DNS
def test_primary_and_secondary_records_of_one_name_with_health_checks(
    deployment: Deployment, topology: Topology
) -> None:
    dns = topology.dns
    assert dns is not None and dns.hosted_zone_id
    primary, secondary = dns.primary_record, dns.secondary_record
    assert primary is not None and secondary is not None
    assert len(dns.records) == 2
    assert (primary.name, primary.type) == (secondary.name, secondary.type)
    assert primary.name == dns.record_name
    assert (primary.target_region, secondary.target_region) == (PRIMARY, SECONDARY)
    assert primary.health_check_id and secondary.health_check_id
    assert primary.health_check_id != secondary.health_check_id
    assert {h.health_check_id for h in dns.health_checks} == {
        primary.health_check_id,
        secondary.health_check_id,
    }

    route53 = deployment.client("route53", PRIMARY)
    records = route53.list_resource_record_sets(HostedZoneId=dns.hosted_zone_id)[
        "ResourceRecordSets"
    ]
    failover = {r["Failover"]: r for r in records if "Failover" in r}
    assert set(failover) == {"PRIMARY", "SECONDARY"}
    assert len({(r["Name"], r["Type"]) for r in failover.values()}) == 1
    for role, region in (("PRIMARY", PRIMARY), ("SECONDARY", SECONDARY)):
        record = failover[role]
        lb = _region(topology, region).load_balancer
        assert lb is not None
        alias = record["AliasTarget"]["DNSName"].rstrip(".").lower()  # DNS ignores case
        assert alias in {lb.dns_name.lower(), f"dualstack.{lb.dns_name.lower()}"}
        # The record's health check decides, not the target groups' health (an idle
        # blue/green target group without targets would count as unhealthy).
        assert record["AliasTarget"]["EvaluateTargetHealth"] is False
        check = route53.get_health_check(HealthCheckId=record["HealthCheckId"])["HealthCheck"]
        config = check["HealthCheckConfig"]
        assert config["FullyQualifiedDomainName"] == lb.dns_name
        assert config["ResourcePath"] == "/health"


# ---------------------------------------------------------------------- monitoring
@by_region
def test_alarms_notify_the_regions_topic(
    deployment: Deployment, topology: Topology, region: str
) -> None:
    reg = _region(topology, region)
    topic = reg.alarm_topic
    assert topic is not None and topic.region == region
    assert len(reg.alarms) >= 5
    assert all(alarm.notifies(topic.arn) for alarm in reg.alarms)
    deployment.client("sns", region).get_topic_attributes(TopicArn=topic.arn)
    raw = deployment.client("cloudwatch", region).describe_alarms(
        AlarmNames=[a.name for a in reg.alarms]
    )["MetricAlarms"]
    assert len(raw) == len(reg.alarms)
    for alarm in raw:
        assert topic.arn in alarm["AlarmActions"], alarm["AlarmName"]
    if region == SECONDARY:
        assert any(a.metric_name == "ReplicaLag" for a in reg.alarms)


@by_region
def test_dashboards(deployment: Deployment, topology: Topology, region: str) -> None:
    reg = _region(topology, region)
    assert reg.stack is not None
    names = [d.name for d in reg.dashboards]
    assert reg.stack.outputs[OutputNames.DASHBOARD_NAME] in names
    if region == PRIMARY:  # the overview dashboard of the monitoring stack, in the primary region
        overview = topology.stack(f"{APP_NAME}-monitoring")
        assert overview is not None
        assert overview.outputs[f"{OutputNames.DASHBOARD_NAME}Overview"] in names
    cloudwatch = deployment.client("cloudwatch", region)
    for name in names:
        body = json.loads(cloudwatch.get_dashboard(DashboardName=name)["DashboardBody"])
        assert body["widgets"], name


# ---------------------------------------------------------------------- peering
def test_peering_connection_and_routes_on_both_sides(
    deployment: Deployment, topology: Topology
) -> None:
    (pcx,) = topology.peering
    vpc1, vpc2 = _region(topology, PRIMARY).vpc, _region(topology, SECONDARY).vpc
    assert vpc1 is not None and vpc2 is not None
    assert pcx.status == "active"
    assert (pcx.requester_region, pcx.requester_vpc_id) == (PRIMARY, vpc1.vpc_id)
    assert (pcx.accepter_region, pcx.accepter_vpc_id) == (SECONDARY, vpc2.vpc_id)
    peering_stack = topology.stack(f"{APP_NAME}-peering")
    assert peering_stack is not None
    assert pcx.peering_connection_id in peering_stack.outputs.values()
    for region, vpc in ((PRIMARY, vpc1), (SECONDARY, vpc2)):
        routes = pcx.routes_in(region)
        assert len(routes) >= 2, (region, routes)
        assert {r.destination_cidr_block for r in routes} == {CIDRS[OTHER[region]]}
        assert {r.vpc_id for r in routes} == {vpc.vpc_id}
        # The service API agrees: the private and isolated route tables of both AZs.
        tables = deployment.client("ec2", region).describe_route_tables(
            Filters=[{"Name": "vpc-id", "Values": [vpc.vpc_id]}]
        )["RouteTables"]
        via_pcx = {
            t["RouteTableId"]
            for t in tables
            for route in t["Routes"]
            if route.get("VpcPeeringConnectionId") == pcx.peering_connection_id
            and route.get("DestinationCidrBlock") == CIDRS[OTHER[region]]
        }
        assert via_pcx == {r.route_table_id for r in routes}
        assert len(via_pcx) == 4


# ---------------------------------------------------------------------- ECR and tags
@by_region
def test_ecr_repository(deployment: Deployment, topology: Topology, region: str) -> None:
    stack = _region(topology, region).stack
    assert stack is not None
    uri = stack.outputs[OutputNames.REPOSITORY_URI]
    registry, _, name = uri.partition("/")
    assert registry == f"123456789012.dkr.ecr.{region}.amazonaws.com"
    ecr = deployment.client("ecr", region)
    (repo,) = ecr.describe_repositories(repositoryNames=[name])["repositories"]
    assert repo["repositoryUri"] == uri
    assert repo["imageScanningConfiguration"]["scanOnPush"] is True
    if region == PRIMARY:  # the primary's registry replicates to the secondary region
        rules = ecr.describe_registry()["replicationConfiguration"]["rules"]
        destinations = {d["region"] for rule in rules for d in rule["destinations"]}
        assert SECONDARY in destinations


def _tags(items: Any, key: str = "Key", value: str = "Value") -> dict[str, str]:
    return {t[key]: t[value] for t in items or []}


@by_region
def test_resources_carry_the_app_tag(
    deployment: Deployment, topology: Topology, region: str
) -> None:
    reg = _region(topology, region)
    assert reg.stack is not None and reg.vpc is not None and reg.cluster is not None
    assert reg.service is not None and reg.load_balancer is not None
    assert reg.database is not None and reg.alarm_topic is not None
    client = deployment.client
    found: dict[str, dict[str, str]] = {"stack": dict(reg.stack.tags)}
    ec2 = client("ec2", region)
    found["vpc"] = _tags(ec2.describe_vpcs(VpcIds=[reg.vpc.vpc_id])["Vpcs"][0].get("Tags"))
    for subnet in ec2.describe_subnets(SubnetIds=[s.subnet_id for s in reg.vpc.subnets])["Subnets"]:
        found[subnet["SubnetId"]] = _tags(subnet.get("Tags"))
    ecs = client("ecs", region)
    for name, arn in (("cluster", reg.cluster.arn), ("service", reg.service.arn)):
        found[name] = _tags(ecs.list_tags_for_resource(resourceArn=arn)["tags"], "key", "value")
    arns = [reg.load_balancer.arn, *(t.arn for t in reg.target_groups)]
    for item in client("elbv2", region).describe_tags(ResourceArns=arns)["TagDescriptions"]:
        found[item["ResourceArn"]] = _tags(item["Tags"])
    rds = client("rds", region)
    found["database"] = _tags(rds.list_tags_for_resource(ResourceName=reg.database.arn)["TagList"])
    sns = client("sns", region)
    found["topic"] = _tags(sns.list_tags_for_resource(ResourceArn=reg.alarm_topic.arn)["Tags"])
    cloudwatch = client("cloudwatch", region)
    for alarm in reg.alarms:
        found[alarm.name] = _tags(cloudwatch.list_tags_for_resource(ResourceARN=alarm.arn)["Tags"])
    ecr = client("ecr", region)
    repo_name = reg.stack.outputs[OutputNames.REPOSITORY_URI].partition("/")[2]
    repo_arn = ecr.describe_repositories(repositoryNames=[repo_name])["repositories"][0][
        "repositoryArn"
    ]
    found["repository"] = _tags(ecr.list_tags_for_resource(resourceArn=repo_arn)["tags"])

    untagged = sorted(k for k, tags in found.items() if tags.get(TagKeys.APP) != APP_NAME)
    assert untagged == []
    wrong_role = sorted(
        k for k, tags in found.items() if tags.get(TagKeys.REGION_ROLE) != ROLES[region]
    )
    assert wrong_role == []


def test_dns_resources_carry_the_app_tag(deployment: Deployment, topology: Topology) -> None:
    dns = topology.dns
    assert dns is not None and dns.hosted_zone_id
    route53 = deployment.client("route53", PRIMARY)
    zone = route53.list_tags_for_resource(ResourceType="hostedzone", ResourceId=dns.hosted_zone_id)
    assert _tags(zone["ResourceTagSet"]["Tags"]).get(TagKeys.APP) == APP_NAME
    checks = route53.list_tags_for_resources(
        ResourceType="healthcheck", ResourceIds=[h.health_check_id for h in dns.health_checks]
    )["ResourceTagSets"]
    assert len(checks) == 2
    assert all(_tags(c["Tags"]).get(TagKeys.APP) == APP_NAME for c in checks)
