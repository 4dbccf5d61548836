"""MultiRegionApp composing every construct: the one-statement app."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_route53 as route53

from multiregion_tap import (
    FailoverDnsProps,
    MultiRegionApp,
    PerRegion,
    RegionalServiceProps,
    ReplicatedDatabaseProps,
    ValidationError,
)
from multiregion_tap._private.producers import _digest, followed, producer_key
from tests.support.references import read_from_other_stacks, resources_by_logical_id
from tests.support.templates import of_type, raw_templates


@pytest.fixture(scope="module")
def shop() -> MultiRegionApp:
    return MultiRegionApp(
        cdk.App(),
        "Shop",
        app_name="shop",
        account="123456789012",
        service=RegionalServiceProps(container_port=8080, health_check_path="/health"),
        database=True,
        dns=FailoverDnsProps(zone_name="mycompany.com", record_name="shop.mycompany.com"),
    )


@pytest.fixture(scope="module")
def templates(shop: MultiRegionApp) -> dict[str, dict[str, Any]]:
    return raw_templates(shop)


def test_every_stack_and_region(templates: dict[str, dict[str, Any]], shop: MultiRegionApp) -> None:
    assert {s.stack_name: s.region for s in shop.all_stacks} == {
        "shop-us-east-1": "us-east-1",
        "shop-us-east-2": "us-east-2",
        "shop-peering": "us-east-1",
        "shop-peering-routes-us-east-2": "us-east-2",
        # Not in the primary region: a failover away from it changes the records from here.
        "shop-dns": "us-east-2",
        # Route 53 publishes health-check metrics in us-east-1 only.
        "shop-dns-alarms": "us-east-1",
        "shop-monitoring": "us-east-1",
        # The secret's name, kept in the secondary region for a failover.
        "shop-credentials-us-east-2": "us-east-2",
    }
    assert set(templates) == {s.stack_name for s in shop.all_stacks}


def test_a_service_per_region(templates: dict[str, dict[str, Any]], shop: MultiRegionApp) -> None:
    for region in ("us-east-1", "us-east-2"):
        template = assertions.Template.from_json(templates[f"shop-{region}"])
        template.resource_count_is("AWS::ECS::Service", 1)
        template.resource_count_is("AWS::ElasticLoadBalancingV2::LoadBalancer", 1)
        template.resource_count_is("AWS::EC2::VPC", 1)
        assert shop.service_for(region).vpc_cidr == {"us-east-1": "10.0.0.0/16"}.get(
            region, "10.1.0.0/16"
        )
    with pytest.raises(
        ValidationError, match=r"region must be a region with a service.*'eu-west-1'"
    ):
        shop.service_for("eu-west-1")


def test_replica_points_at_the_primary_in_the_primary_region(
    templates: dict[str, dict[str, Any]],
) -> None:
    (primary,) = of_type(templates["shop-us-east-1"], "AWS::RDS::DBInstance").values()
    (replica,) = of_type(templates["shop-us-east-2"], "AWS::RDS::DBInstance").values()
    assert "SourceDBInstanceIdentifier" not in primary["Properties"]
    assert primary["Properties"]["StorageEncrypted"] is True
    source = json.dumps(replica["Properties"]["SourceDBInstanceIdentifier"])
    assert ":rds:us-east-1:" in source
    assert "StorageEncrypted" not in replica["Properties"]


def _database_cidrs(template: dict[str, Any]) -> set[str]:
    """CIDR blocks admitted on the database port, inline or as separate ingress rules."""
    rules = [r["Properties"] for r in of_type(template, "AWS::EC2::SecurityGroupIngress").values()]
    for group in of_type(template, "AWS::EC2::SecurityGroup").values():
        rules.extend(group["Properties"].get("SecurityGroupIngress", []))
    return {r["CidrIp"] for r in rules if r.get("FromPort") == 5432 and "CidrIp" in r}


def _container_env(template: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    (task,) = of_type(template, "AWS::ECS::TaskDefinition").values()
    (container,) = task["Properties"]["ContainerDefinitions"]
    env = {e["Name"]: e["Value"] for e in container.get("Environment", [])}
    secrets = [s["Name"] for s in container.get("Secrets", [])]
    return env, secrets


def test_services_get_their_regions_database(templates: dict[str, dict[str, Any]]) -> None:
    env1, secrets1 = _container_env(templates["shop-us-east-1"])
    env2, secrets2 = _container_env(templates["shop-us-east-2"])
    assert env1["DATABASE_READ_ONLY"] == "false"
    assert env2["DATABASE_READ_ONLY"] == "true"
    # The two fields, not the secret's JSON: the replicated JSON names the primary's host.
    assert secrets1 == secrets2 == ["DATABASE_USERNAME", "DATABASE_PASSWORD"]
    # The us-east-2 service reads its own region's replica, never the primary's endpoint.
    assert "Fn::GetStackOutput" not in json.dumps(env2["DATABASE_HOST"])
    assert env1["DATABASE_PORT"] == env2["DATABASE_PORT"] == "5432"


def test_database_admits_only_the_regions_service(templates: dict[str, dict[str, Any]]) -> None:
    for stack in ("shop-us-east-1", "shop-us-east-2"):
        template = templates[stack]
        rules = of_type(template, "AWS::EC2::SecurityGroupIngress")
        db_rules = [r for r in rules.values() if r["Properties"].get("FromPort") == 5432]
        assert db_rules, stack
        for rule in db_rules:
            assert "SourceSecurityGroupId" in rule["Properties"], rule
            assert "CidrIp" not in rule["Properties"]
        assert _database_cidrs(template) == set()


def test_failover_records_point_at_each_regions_load_balancer(
    templates: dict[str, dict[str, Any]], shop: MultiRegionApp
) -> None:
    records = of_type(templates["shop-dns"], "AWS::Route53::RecordSet")
    failover = {r["Properties"]["Failover"]: r["Properties"] for r in records.values()}
    assert failover["PRIMARY"]["Name"] == failover["SECONDARY"]["Name"] == "shop.mycompany.com."
    assert failover["PRIMARY"]["Type"] == failover["SECONDARY"]["Type"] == "A"
    primary_target = json.dumps(failover["PRIMARY"]["AliasTarget"])
    secondary_target = json.dumps(failover["SECONDARY"]["AliasTarget"])
    assert '"Region": "us-east-1"' in primary_target
    assert '"Region": "us-east-2"' in secondary_target
    checks = of_type(templates["shop-dns"], "AWS::Route53::HealthCheck")
    paths = {c["Properties"]["HealthCheckConfig"]["ResourcePath"] for c in checks.values()}
    assert paths == {"/health"}  # the service's health check path, passed through
    assert shop.dns is not None and shop.dns.expected_failover_seconds == 150


def test_monitoring_reuses_the_rollback_alarms(shop: MultiRegionApp) -> None:
    for region in shop.regions:
        service = shop.service_for(region)
        monitoring = shop.monitoring[region]
        assert set(monitoring.reused_alarms) == set(service.deployment_alarms)
    assert shop.overview_dashboard is not None
    assert shop.health_check_alarms is not None


def test_images_replicate_from_the_primary_registry(
    templates: dict[str, dict[str, Any]],
) -> None:
    (config,) = of_type(templates["shop-us-east-1"], "AWS::ECR::ReplicationConfiguration").values()
    destinations = config["Properties"]["ReplicationConfiguration"]["Rules"][0]["Destinations"]
    assert [d["Region"] for d in destinations] == ["us-east-2"]
    assert not of_type(templates["shop-us-east-2"], "AWS::ECR::ReplicationConfiguration")
    for stack in ("shop-us-east-1", "shop-us-east-2"):
        (repo,) = of_type(templates[stack], "AWS::ECR::Repository").values()
        assert repo["Properties"]["RepositoryName"] == "shop/service"
        assert repo["DeletionPolicy"] == "Retain"


def test_image_replication_can_be_turned_off() -> None:
    app = MultiRegionApp(
        cdk.App(), "Shop", app_name="shop", monitoring=False, peering=False, replicate_images=False
    )
    assert app.service_for("us-east-1").replication_configuration is None


def test_databases_admit_peered_vpcs_only_when_asked() -> None:
    app = MultiRegionApp(
        cdk.App(),
        "Shop",
        app_name="shop",
        monitoring=False,
        database=True,
        database_peer_access=True,
    )
    templates = raw_templates(app)

    assert _database_cidrs(templates["shop-us-east-1"]) == {"10.1.0.0/16"}
    assert _database_cidrs(templates["shop-us-east-2"]) == {"10.0.0.0/16"}
    with pytest.raises(ValidationError, match=r"database_peer_access must be used with database"):
        MultiRegionApp(
            cdk.App(), "Shop", app_name="shop", monitoring=False, database_peer_access=True
        )


def test_promoted_region_gets_a_writable_database(
    templates: dict[str, dict[str, Any]],
) -> None:
    """Runbook step 3: after promotion the region's service is told its database is the writer,
    and the promoted instance keeps its logical id (promotion in place, not a replacement)."""
    app = MultiRegionApp(
        cdk.App(),
        "Shop",
        app_name="shop",
        monitoring=False,
        peering=False,
        database=ReplicatedDatabaseProps(promote_replica_in="us-east-2"),
    )
    promoted_templates = raw_templates(app)
    env, _ = _container_env(promoted_templates["shop-us-east-2"])
    assert env["DATABASE_READ_ONLY"] == "false"
    before = of_type(templates["shop-us-east-2"], "AWS::RDS::DBInstance")
    after = of_type(promoted_templates["shop-us-east-2"], "AWS::RDS::DBInstance")
    assert list(after) == list(before)  # same logical id: promoted in place
    (promoted,) = after.values()
    (replica,) = before.values()
    assert "SourceDBInstanceIdentifier" not in promoted["Properties"]
    assert (
        promoted["Properties"]["DBInstanceIdentifier"]
        == replica["Properties"]["DBInstanceIdentifier"]
    )


def test_no_lambda_and_no_cross_region_custom_resources(
    templates: dict[str, dict[str, Any]],
) -> None:
    for name, template in templates.items():
        types = {r["Type"] for r in template["Resources"].values()}
        assert not any(t.startswith("Custom::") for t in types), (name, types)
        assert "AWS::Lambda::Function" not in types, name


def test_deploy_waves(shop: MultiRegionApp) -> None:
    assert shop.deploy_waves() == [
        ("shop-us-east-1",),
        ("shop-credentials-us-east-2", "shop-us-east-2"),
        ("shop-dns", "shop-peering"),
        ("shop-dns-alarms", "shop-monitoring", "shop-peering-routes-us-east-2"),
    ]


def test_without_a_database_the_regions_deploy_in_parallel() -> None:
    app = MultiRegionApp(cdk.App(), "Shop", app_name="shop", monitoring=False)
    assert app.deploy_waves()[0] == ("shop-us-east-1", "shop-us-east-2")
    assert len(app.deploy_waves()) <= 3
    assert app.database is None and app.database_for("us-east-2") is None
    assert app.dns is None and app.monitoring == {} and app.overview_dashboard is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"vpc_cidrs": {"us-east-1": "10.0.0.0/16", "us-east-2": "10.0.0.0/17"}},
            r"vpc_cidrs must not overlap: us-east-1 has '10.0.0.0/16' and us-east-2 has "
            r"'10.0.0.0/17'",
        ),
        (
            {"vpc_cidrs": {"eu-west-1": "10.5.0.0/16"}},
            r"vpc_cidrs must only name the app's regions.*'eu-west-1'",
        ),
        ({"vpc_cidrs": {"us-east-2": "8.8.0.0/16"}}, r"vpc_cidrs\['us-east-2'\] must be inside"),
        ({"service": False, "database": True}, r"database must be left unset when service=False"),
        ({"service": "yes"}, r"service must be True, False or a RegionalServiceProps, got 'yes'"),
        ({"dns": "shop.example.com"}, r"dns must be a FailoverDnsProps or None"),
        ({"replicate_images": "no"}, r"replicate_images must be True or False, got 'no'"),
        ({"database_peer_access": 1}, r"database_peer_access must be True or False, got 1"),
        (
            {"certificates": {"eu-west-1": None}},
            r"certificates must only name the app's regions.*'eu-west-1'",
        ),
        (
            {
                "service": RegionalServiceProps(internet_facing=False),
                "dns": FailoverDnsProps(
                    zone_name="mycompany.com", record_name="shop.mycompany.com"
                ),
            },
            r"^dns must be left unset while service.internet_facing is False: Route 53's health "
            r"checkers are on the internet and the service's load balancer is internal, "
            r"got FailoverDnsProps\(record_name='shop.mycompany.com'",
        ),
    ],
)
def test_bad_input(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        MultiRegionApp(cdk.App(), "Shop", app_name="shop", monitoring=False, **kwargs)


def test_an_internal_service_without_dns_is_accepted() -> None:
    shop = MultiRegionApp(
        cdk.App(),
        "Shop",
        app_name="shop",
        monitoring=False,
        service=RegionalServiceProps(internet_facing=False),
    )
    assert shop.dns is None
    for service in shop.services.values():
        cfn = service.load_balancer.node.default_child
        assert isinstance(cfn, elbv2.CfnLoadBalancer)
        assert cfn.scheme == "internal"


@pytest.mark.parametrize(
    ("service_path", "dns_path", "expected"),
    [
        ("/health", "/", "/health"),  # the DNS path left at its default follows the service's
        ("/health", "/ping", "/ping"),  # an explicit DNS path wins
        ("/", "/", "/"),
    ],
)
def test_dns_health_check_path_follows_the_services(
    service_path: str, dns_path: str, expected: str
) -> None:
    shop = MultiRegionApp(
        cdk.App(),
        "Shop",
        app_name="shop",
        monitoring=False,
        service=RegionalServiceProps(health_check_path=service_path),
        dns=FailoverDnsProps(
            zone_name="mycompany.com", record_name="shop.mycompany.com", health_check_path=dns_path
        ),
    )
    assert shop.dns is not None
    checks = shop.dns.health_checks
    assert len(checks) == 2
    for check in checks.values():
        cfn = check.node.default_child
        assert isinstance(cfn, route53.CfnHealthCheck)
        config = cdk.Stack.of(check).resolve(cfn.health_check_config)
        assert config["resourcePath"] == expected, config


def test_more_replicas_than_rds_allows_is_refused() -> None:
    regions = [
        "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1", "eu-west-1",
        "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1", "ap-south-1", "ap-northeast-1",
        "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "ap-northeast-3",
    ]  # fmt: skip
    with pytest.raises(
        ValidationError,
        match=r"^secondary_regions must name at most 15 regions with database: RDS allows 15 "
        r"read replicas per source instance, got \['us-east-2', .*'ap-northeast-3'\] \(at Shop\)$",
    ):
        MultiRegionApp(cdk.App(), "Shop", app_name="shop", secondary_regions=regions, database=True)


def _reads_another_stack(resource: dict[str, Any]) -> bool:
    """A reference CDK made (an output ``PublishOutput...`` of the producer's stack), not a
    ``Fn::GetStackOutput`` the library wrote itself for a value that never changes."""
    return '"OutputName": "PublishOutput' in json.dumps(resource.get("Properties", {}))


def _follows(resource: dict[str, Any]) -> list[str]:
    props = resource.get("Properties", {})
    found = []
    for key in ("Tags", "HealthCheckTags"):
        tags = props.get(key, [])
        if isinstance(tags, dict):  # a map of tags (AWS::SSM::Parameter)
            tags = [{"Key": k, "Value": v} for k, v in tags.items()]
        found += [t["Value"] for t in tags if t["Key"] == "multiregion-tap:follows"]
    if str(props.get("Comment", "")).startswith("multiregion-tap:follows "):
        found.append(props["Comment"].split()[-1])
    if "multiregion-tap:follows" in resource.get("Metadata", {}):
        found.append(resource["Metadata"]["multiregion-tap:follows"])
    return found


def test_every_reader_of_another_stack_follows_its_producers(
    templates: dict[str, dict[str, Any]], shop: MultiRegionApp
) -> None:
    """Each resource that reads another stack's resource carries one digest of its producers
    (issue 14: a replaced producer must update every reader), and no other resource does."""
    readers = {
        (name, logical_id, r["Type"]): len(_follows(r))
        for name, template in templates.items()
        for logical_id, r in template["Resources"].items()
        if _reads_another_stack(r) or _follows(r)
    }
    assert {kind for (_, _, kind) in readers} == {
        "AWS::CloudWatch::Alarm",
        "AWS::CloudWatch::Dashboard",
        "AWS::EC2::Route",
        "AWS::EC2::VPCPeeringConnection",
        "AWS::RDS::DBInstance",
        "AWS::Route53::HealthCheck",
        "AWS::Route53::RecordSet",
    }
    assert all(count == 1 for count in readers.values()), readers
    assert all(
        _reads_another_stack(templates[name]["Resources"][logical_id])
        for (name, logical_id, _) in readers
    )


def test_each_reader_names_at_least_what_it_reads(
    templates: dict[str, dict[str, Any]], shop: MultiRegionApp
) -> None:
    """The producers a reader names (``follow``) include every resource of another stack its
    properties refer to (found token by token), and its digest is theirs."""
    stacks = {s.stack_name: s for s in shop.all_stacks}
    checked = 0
    for name, template in templates.items():
        by_id = resources_by_logical_id(stacks[name])
        for logical_id, resource in template["Resources"].items():
            if not _reads_another_stack(resource):
                continue
            cfn = by_id[logical_id]
            named = followed(cfn)
            assert read_from_other_stacks(cfn) <= {p.node.path for p in named}, logical_id
            assert _follows(resource) == [_digest(sorted({producer_key(p) for p in named}))]
            checked += 1
    assert checked == 17  # two regions: 4 DNS, 2 alarms, 1 dashboard, 9 peering, 1 replica


@pytest.mark.parametrize("version", ["GRPC", "HTTP2"])
def test_dns_in_front_of_an_http2_or_grpc_service_is_refused(version: str) -> None:
    """Route 53's HTTP/1.1 health checks get 464 from such a target group: every region would
    look down, so the app refuses the pair, naming ``dns`` and the region."""
    app = cdk.App()
    with pytest.raises(ValidationError) as raised:
        MultiRegionApp(
            app,
            "Shop",
            app_name="shop",
            account="123456789012",
            certificates=PerRegion(
                lambda scope, region: acm.Certificate.from_certificate_arn(
                    scope,
                    "Certificate",
                    f"arn:aws:acm:{region}:123456789012:certificate/0123abcd-0123-0123-0123-01234",
                )
            ),
            service=RegionalServiceProps(
                container_port=50051,
                health_check_path="/grpc.health.v1.Health/Check",
                target_group_props={
                    "protocol_version": getattr(elbv2.ApplicationProtocolVersion, version)
                },
            ),
            dns=FailoverDnsProps(zone_name="mycompany.com", record_name="shop.mycompany.com"),
        )
    message = str(raised.value)
    assert message.startswith("dns must be left out with an HTTP2 or gRPC service")
    assert f"protocol_version']={version!r} in us-east-1" in message
