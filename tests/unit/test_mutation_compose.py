"""_private/compose.py: what MultiRegionApp builds from its props, read from the construct
tree without synthesizing (each value resolved in its stack): one app with every part on
(database with peer access, peering, monitoring, dns) and one after two failovers built once,
small apps for one prop each, the refusals with their exact messages (they come before any
service is built), and the private helpers called directly with stand-in apps and VPCs. Kills
the mutants of ``tools/mutate.py`` in a few seconds each (docs/guides/testing.md)."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_route53 as route53
from constructs import Construct

from multiregion_tap import (
    CrossRegionPeeringProps,
    FailoverDnsProps,
    MultiRegionApp,
    PerRegion,
    RegionalMonitoringProps,
    RegionalServiceProps,
    ReplicatedDatabaseProps,
    ValidationError,
)
from multiregion_tap._private import compose as module

E1, E2, W2 = "us-east-1", "us-east-2", "us-west-2"
ACCOUNT = "123456789012"
DNS = FailoverDnsProps(zone_name="mycompany.com", record_name="shop.mycompany.com")
CERT = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/0123abcd-0123-0123-0123-0123456789ab"


def _app(**kwargs: Any) -> MultiRegionApp:
    kwargs.setdefault("monitoring", False)
    kwargs.setdefault("peering", False)
    return MultiRegionApp(cdk.App(), "Shop", app_name="shop", account=ACCOUNT, **kwargs)


def _refused(message: str, **kwargs: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        _app(**kwargs)
    assert str(caught.value) == f"{message} (at Shop)"


def _resolve(construct: Any, value: Any) -> Any:
    return cdk.Stack.of(construct).resolve(value)


def _container(shop: MultiRegionApp, region: str) -> dict[str, Any]:
    task = shop.service_for(region).task_definition.node.default_child
    assert isinstance(task, ecs.CfnTaskDefinition)
    (container,) = _resolve(task, task.container_definitions)
    return container  # type: ignore[no-any-return]


def _env(shop: MultiRegionApp, region: str) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in _container(shop, region).get("environment", [])}


def _secrets(shop: MultiRegionApp, region: str) -> dict[str, str]:
    return {
        s["name"]: json.dumps(s["valueFrom"]) for s in _container(shop, region).get("secrets", [])
    }


def _desired(shop: MultiRegionApp, region: str) -> Any:
    cfn = shop.service_for(region).service.node.default_child
    assert isinstance(cfn, ecs.CfnService)
    return _resolve(cfn, cfn.desired_count)


def _ingress(shop: MultiRegionApp, region: str) -> set[tuple[str, str]]:
    database = shop.database_for(region)
    assert database is not None and database.security_group is not None
    cfn = database.security_group.node.default_child
    assert isinstance(cfn, ec2.CfnSecurityGroup)
    rules = _resolve(cfn, cfn.security_group_ingress) or []
    return {(r["cidrIp"], r.get("description")) for r in rules if "cidrIp" in r}


def _cycle_error(stack: cdk.Stack, on: cdk.Stack) -> str:
    """CDK's error for a dependency that closes a cycle names every dependency's reason."""
    with pytest.raises(RuntimeError) as caught:
        stack.add_stack_dependency(on)
    return str(caught.value)


@pytest.fixture(scope="module")
def shop() -> MultiRegionApp:
    """Every part on: database with peer access, peering, monitoring, dns."""
    return _app(
        service=RegionalServiceProps(health_check_path="/health", environment={"APP_MODE": "web"}),
        vpc_cidrs={E2: "10.20.0.0/16"},
        database=True,
        database_peer_access=True,
        peering=True,
        monitoring=True,
        dns=DNS,
    )


@pytest.fixture(scope="module")
def moved() -> MultiRegionApp:
    """After two failovers: us-east-2 writes, us-east-1 reads (rebuilt), us-west-2 is
    superseded."""
    return _app(
        secondary_regions=[E2, W2],
        database=ReplicatedDatabaseProps(
            history=["promote:us-west-2", "rebuild:us-east-1", "promote:us-east-2"]
        ),
        dns=DNS,
    )


# ---------------------------------------------------------------- the app with every part
def test_the_constructs_and_where_they_are(shop: MultiRegionApp) -> None:
    assert shop.database is not None and shop.peering is not None and shop.dns is not None
    assert shop.health_check_alarms is not None and shop.overview_dashboard is not None
    assert {
        shop.service_for(E1).node.path,
        shop.service_for(E2).node.path,
        shop.database.node.path,
        shop.database_for(E2).node.path,  # type: ignore[union-attr]
        shop.peering.node.path,
        shop.dns.node.path,
        shop.monitoring[E1].node.path,
        shop.monitoring[E2].node.path,
        shop.health_check_alarms.node.path,
        shop.overview_dashboard.node.path,
    } == {
        "shop-us-east-1/Service",
        "shop-us-east-2/Service",
        "shop-us-east-1/Database",
        "shop-us-east-2/DatabaseReplica",
        "shop-peering/Peering",
        "shop-dns/FailoverDns",
        "shop-us-east-1/Monitoring",
        "shop-us-east-2/Monitoring",
        "shop-dns-alarms/HealthCheckAlarms",
        "shop-monitoring/Overview",
    }
    assert shop.database_for(E1) is shop.database
    # The DNS records live in the first secondary region, the health-check alarms in
    # us-east-1 (where Route 53 publishes its metrics).
    stacks = {s.stack_name: s.region for s in shop.all_stacks}
    assert (stacks["shop-dns"], stacks["shop-dns-alarms"]) == (E2, E1)


def test_the_vpcs_cidr_blocks(shop: MultiRegionApp) -> None:
    assert shop.service_for(E1).vpc_cidr == "10.0.0.0/16"
    assert shop.service_for(E2).vpc_cidr == "10.20.0.0/16"
    cfn = shop.service_for(E2).vpc.node.default_child
    assert isinstance(cfn, ec2.CfnVPC)
    assert cfn.cidr_block == "10.20.0.0/16"


def test_the_images_replicate_from_the_primary_only(shop: MultiRegionApp) -> None:
    config = shop.service_for(E1).replication_configuration
    assert config is not None
    rules = _resolve(config, config.replication_configuration)["rules"]
    assert [d["region"] for d in rules[0]["destinations"]] == [E2]
    assert shop.service_for(E2).replication_configuration is None


def test_each_service_gets_its_regions_database(shop: MultiRegionApp) -> None:
    for region, read_only in ((E1, "false"), (E2, "true")):
        env = _env(shop, region)
        assert list(env) == [
            "APP_MODE",
            "DATABASE_HOST",
            "DATABASE_PORT",
            "DATABASE_READ_ONLY",
        ]
        assert env["APP_MODE"] == "web"
        assert env["DATABASE_PORT"] == "5432"
        assert env["DATABASE_READ_ONLY"] == read_only
        database = shop.database_for(region)
        assert database is not None
        assert env["DATABASE_HOST"] == _resolve(database, database.endpoint)
        secrets = _secrets(shop, region)
        assert list(secrets) == ["DATABASE_USERNAME", "DATABASE_PASSWORD"]
        assert secrets["DATABASE_USERNAME"].endswith('":username::"]]}')
        assert secrets["DATABASE_PASSWORD"].endswith('":password::"]]}')
        assert _desired(shop, region) == 2


def test_the_databases_admit_the_peered_vpcs(shop: MultiRegionApp) -> None:
    assert _ingress(shop, E1) == {
        ("10.20.0.0/16", "Database clients in the peered VPC 10.20.0.0/16")
    }
    assert _ingress(shop, E2) == {("10.0.0.0/16", "Database clients in the peered VPC 10.0.0.0/16")}


def test_the_dns_health_checks_request_the_services_path(shop: MultiRegionApp) -> None:
    assert shop.dns is not None
    assert shop.dns.regions == (E1, E2)
    for region, check in shop.dns.health_checks.items():
        cfn = check.node.default_child
        assert isinstance(cfn, route53.CfnHealthCheck)
        assert _resolve(cfn, cfn.health_check_config)["resourcePath"] == "/health", region


def test_the_monitoring_knows_which_database_is_a_replica(shop: MultiRegionApp) -> None:
    database_alarms = {"DatabaseConnections", "DatabaseCpu", "DatabaseFreeStorage"}
    assert database_alarms <= set(shop.monitoring[E1].alarms)
    assert "ReplicaLag" not in shop.monitoring[E1].alarms
    assert database_alarms | {"ReplicaLag"} <= set(shop.monitoring[E2].alarms)


def test_the_overview_shows_the_health_checks(shop: MultiRegionApp) -> None:
    assert shop.overview_dashboard is not None
    dashboard = shop.overview_dashboard.dashboard.node.default_child
    assert "HealthCheckStatus" in json.dumps(_resolve(dashboard, dashboard.dashboard_body))  # type: ignore[union-attr]
    assert shop.health_check_alarms is not None
    assert len(shop.health_check_alarms.alarms) == 2


def test_the_credentials_stack(shop: MultiRegionApp) -> None:
    link = shop.helper_stacks["credentials-us-east-2"]
    assert link.region == E2
    parameter = link.node.find_child("DatabaseSecretName")
    assert link.get_logical_id(parameter.node.default_child).startswith("DatabaseSecretName")  # type: ignore[arg-type]
    output = link.node.find_child("DatabaseSecretNameOutput")
    assert isinstance(output, cdk.CfnOutput)
    assert output.description == (
        "Name of the database credentials secret (its replica in this region)"
    )
    assert link.resolve(output.value) == {
        "Fn::GetStackOutput": {
            "StackName": "shop-us-east-1",
            "Region": "us-east-1",
            "OutputName": link.resolve(output.value)["Fn::GetStackOutput"]["OutputName"],
        }
    }
    assert (
        "'shop-credentials-us-east-2' depends on 'shop-us-east-1' "
        "(reads the database secret's name)" in _cycle_error(shop.primary_stack, link)
    )
    # Before a failover the regions read no credentials stack, and no history is output.
    assert shop.primary_stack.node.try_find_child("DatabaseHistoryOutput") is None


# ---------------------------------------------------------------- after two failovers
def test_after_two_failovers(moved: MultiRegionApp) -> None:
    assert moved.dns is not None
    # The writer's records first, the superseded region left out.
    assert moved.dns.regions == (E2, E1)
    assert [_env(moved, r)["DATABASE_READ_ONLY"] for r in (E1, E2, W2)] == [
        "true",
        "false",
        "true",
    ]
    # The superseded writer's service runs no task.
    assert [_desired(moved, r) for r in (E1, E2, W2)] == [2, 2, 0]
    for region in moved.regions:
        output = moved.stack_for(region).node.find_child("DatabaseHistoryOutput")
        assert isinstance(output, cdk.CfnOutput)
        assert output.value == "promote:us-west-2,rebuild:us-east-1,promote:us-east-2"
        assert output.description == "The database's history (ReplicatedDatabaseProps.history)"
    for region in (E2, W2):
        link = moved.helper_stacks[f"credentials-{region}"]
        assert (
            f"'shop-{region}' depends on 'shop-credentials-{region}' "
            "(reads the database secret's name)" in _cycle_error(link, moved.stack_for(region))
        )
        assert (
            f'"StackName": "shop-credentials-{region}"'
            in _secrets(moved, region)["DATABASE_USERNAME"]
        )


# ---------------------------------------------------------------- one prop at a time
def test_without_database_peering_or_dns() -> None:
    shop = _app(monitoring=True, replicate_images=False)
    assert shop.service_for(E1).replication_configuration is None
    assert shop.database is None and shop.peering is None and shop.dns is None
    assert shop.health_check_alarms is None
    assert "DatabaseCpu" not in shop.monitoring[E1].alarms
    assert _env(shop, E1) == {}
    assert shop.overview_dashboard is not None
    dashboard = shop.overview_dashboard.dashboard.node.default_child
    assert "HealthCheckStatus" not in json.dumps(_resolve(dashboard, dashboard.dashboard_body))  # type: ignore[union-attr]


def test_dns_elsewhere_with_its_own_path_and_no_monitoring() -> None:
    shop = _app(
        service=RegionalServiceProps(health_check_path="/health", internet_facing=True),
        dns=FailoverDnsProps(
            zone_name="mycompany.com", record_name="shop.mycompany.com", health_check_path="/ping"
        ),
        dns_region=W2,
    )
    assert shop.dns is not None and shop.health_check_alarms is None
    assert shop.helper_stacks["dns"].region == W2
    assert "dns-alarms" not in shop.helper_stacks
    for check in shop.dns.health_checks.values():
        cfn = check.node.default_child
        assert isinstance(cfn, route53.CfnHealthCheck)
        assert _resolve(cfn, cfn.health_check_config)["resourcePath"] == "/ping"


def test_an_internal_service_without_dns() -> None:
    shop = _app(service=RegionalServiceProps(internet_facing=False))
    cfn = shop.service_for(E1).load_balancer.node.default_child
    assert isinstance(cfn, elbv2.CfnLoadBalancer)
    assert cfn.scheme == "internal"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"repositories": {E2: None, E1: None}},
        {"repositories": {}},
    ],
)
def test_repositories_of_none_keep_the_replication(kwargs: dict[str, Any]) -> None:
    assert _app(**kwargs).service_for(E1).replication_configuration is not None


@pytest.mark.parametrize(
    "kwargs",
    [
        {
            "repositories": PerRegion(
                lambda scope, region: (
                    ecr.Repository.from_repository_name(scope, "Repo", "team/web")
                    if region == E2
                    else None
                )
            )
        },
        {"service": RegionalServiceProps(image=ecs.ContainerImage.from_registry("nginx"))},
    ],
)
def test_an_own_repository_or_image_means_no_replication(kwargs: dict[str, Any]) -> None:
    shop = _app(**kwargs)
    assert [shop.service_for(r).replication_configuration for r in shop.regions] == [None, None]


def test_partial_mappings_of_vpcs_and_repositories() -> None:
    shop = _app(vpcs={E2: None}, repositories={E1: None}, vpc_cidrs={E2: "10.9.0.0/16"})
    assert shop.service_for(E2).vpc_cidr == "10.9.0.0/16"


def test_certificates_by_mapping() -> None:
    app = cdk.App()
    scope = cdk.Stack(app, "Certificates", env=cdk.Environment(account=ACCOUNT, region=E1))
    certificate = acm.Certificate.from_certificate_arn(scope, "Certificate", CERT)
    shop = MultiRegionApp(
        app,
        "Shop",
        app_name="shop",
        account=ACCOUNT,
        monitoring=False,
        peering=False,
        certificates={E1: certificate, E2: None},
    )
    assert shop.service_for(E1).service_url.startswith("https://")
    assert shop.service_for(E2).service_url.startswith("http://")


def _existing_vpc(scope: Construct, region: str) -> ec2.IVpc:
    return ec2.Vpc.from_vpc_attributes(
        scope,
        "Vpc",
        vpc_id="vpc-0123456789abcdef0",
        vpc_cidr_block="10.60.0.0/16",
        availability_zones=[f"{region}a", f"{region}b"],
        public_subnet_ids=["subnet-pub1", "subnet-pub2"],
        private_subnet_ids=["subnet-prv1", "subnet-prv2"],
        private_subnet_route_table_ids=["rtb-prv1", "rtb-prv2"],
        isolated_subnet_ids=["subnet-iso1", "subnet-iso2"],
        isolated_subnet_route_table_ids=["rtb-iso1", "rtb-iso2"],
    )


def test_an_existing_vpc() -> None:
    shop = _app(vpcs=PerRegion(lambda scope, r: _existing_vpc(scope, r) if r == E2 else None))
    assert shop.service_for(E2).vpc.vpc_id == "vpc-0123456789abcdef0"
    assert shop.service_for(E2).vpc_cidr == "10.60.0.0/16"
    assert shop.service_for(E1).vpc_cidr == "10.0.0.0/16"


def test_bare_stacks_with_monitoring_and_peering_left_at_their_defaults() -> None:
    """``monitoring`` and ``peering`` default to True: with ``service=False`` that is no
    request for them (only props given are refused)."""
    shop = MultiRegionApp(cdk.App(), "Shop", app_name="shop", service=False)
    assert shop.services == {} and shop.monitoring == {}
    assert shop.peering is None and shop.overview_dashboard is None
    assert [s.stack_name for s in shop.all_stacks] == ["shop-us-east-1", "shop-us-east-2"]


# ---------------------------------------------------------------- refusals
_SERVICE_OFF = "be left unset when service=False (it needs the services)"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"replicate_images": "no"}, "replicate_images must be True or False, got 'no'"),
        ({"database_peer_access": 1}, "database_peer_access must be True or False, got 1"),
        ({"service": "yes"}, "service must be True, False or a RegionalServiceProps, got 'yes'"),
        (
            {"database": "yes"},
            "database must be True, False or a ReplicatedDatabaseProps, got 'yes'",
        ),
        ({"peering": "yes"}, "peering must be True, False or a CrossRegionPeeringProps, got 'yes'"),
        (
            {"monitoring": "yes"},
            "monitoring must be True, False or a RegionalMonitoringProps, got 'yes'",
        ),
        (
            {"dns": "shop.example.com"},
            "dns must be a FailoverDnsProps or None, got 'shop.example.com'",
        ),
        (
            {"certificates": "arn"},
            "certificates must be a mapping of region to value, or a PerRegion, got 'arn'",
        ),
        (
            {"vpcs": "vpc-1"},
            "vpcs must be a mapping of region to value, or a PerRegion, got 'vpc-1'",
        ),
        (
            {"repositories": "team/web"},
            "repositories must be a mapping of region to value, or a PerRegion, got 'team/web'",
        ),
        (
            {"certificates": {E1: None}},
            "certificates must name every region of the app ['us-east-1', 'us-east-2'] (missing "
            "['us-east-2']; give None for a region without one): a value left out would silently "
            "fall back to the default in that region, got ['us-east-1']",
        ),
        (
            {"vpcs": {"eu-west-1": None}},
            "vpcs must only name the app's regions ['us-east-1', 'us-east-2'], got 'eu-west-1'",
        ),
        (
            {"service": False, "database": True},
            f"database must {_SERVICE_OFF}, got ReplicatedDatabaseProps(",
        ),
        ({"service": False, "dns": DNS}, f"dns must {_SERVICE_OFF}, got FailoverDnsProps("),
        (
            {"service": False, "monitoring": RegionalMonitoringProps()},
            f"monitoring must {_SERVICE_OFF}, got RegionalMonitoringProps(",
        ),
        (
            {"service": False, "peering": CrossRegionPeeringProps()},
            f"peering must {_SERVICE_OFF}, got CrossRegionPeeringProps(",
        ),
        (
            {"service": False, "vpc_cidrs": {E2: "10.9.0.0/16"}},
            "service must be enabled when vpc_cidrs is given, got False",
        ),
        (
            {"service": False, "certificates": {E1: None, E2: None}},
            "service must be enabled when certificates is given, got False",
        ),
        (
            {"service": False, "vpcs": {E2: None}},
            "service must be enabled when vpcs is given, got False",
        ),
        (
            {"service": False, "repositories": {E2: None}},
            "service must be enabled when repositories is given, got False",
        ),
        (
            {"service": RegionalServiceProps(internet_facing=False), "dns": DNS},
            "dns must be left unset while service.internet_facing is False: Route 53's health "
            "checkers are on the internet and the service's load balancer is internal, got "
            "FailoverDnsProps(",
        ),
        (
            {"certificates": {E1: CERT, E2: None}},
            "certificates['us-east-1'] must be an ACM certificate (a CDK object), or None for the "
            f"default, got {CERT!r}",
        ),
        (
            {"vpcs": {E2: "vpc-0123456789abcdef0"}},
            "vpcs['us-east-2'] must be a VPC (a CDK object), or None for the default, got "
            "'vpc-0123456789abcdef0'",
        ),
        (
            {"repositories": {E1: "team/web"}},
            "repositories['us-east-1'] must be an ECR repository (a CDK object), or None for the "
            "default, got 'team/web'",
        ),
        (
            {"database": True, "service": RegionalServiceProps(environment={"DATABASE_HOST": "x"})},
            "service.environment must not set DATABASE_HOST, DATABASE_PORT, DATABASE_READ_ONLY, "
            "DATABASE_USERNAME, DATABASE_PASSWORD: with database the app sets them to the "
            "region's own database, got 'DATABASE_HOST'",
        ),
        (
            {
                "database": True,
                "service": RegionalServiceProps(secrets={"DATABASE_PASSWORD": "stand-in"}),  # type: ignore[dict-item]
            },
            "service.secrets must not set DATABASE_HOST, DATABASE_PORT, DATABASE_READ_ONLY, "
            "DATABASE_USERNAME, DATABASE_PASSWORD: with database the app sets them to the "
            "region's own database, got 'DATABASE_PASSWORD'",
        ),
        (
            {"database_peer_access": True, "peering": True},
            "database_peer_access must be used with database and peering turned on (it admits "
            "the peered VPCs), got True",
        ),
        (
            {"database_peer_access": True, "database": True},
            "database_peer_access must be used with database and peering turned on (it admits "
            "the peered VPCs), got True",
        ),
    ],
)
def test_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _app(**kwargs)
    text = str(caught.value)
    if message.endswith("("):
        assert text.startswith(message) and text.endswith(" (at Shop)"), text
    else:
        assert text == f"{message} (at Shop)"


def test_the_database_variables_are_the_users_without_a_database() -> None:
    shop = _app(service=RegionalServiceProps(environment={"DATABASE_HOST": "db.example.com"}))
    assert _env(shop, E1) == {"DATABASE_HOST": "db.example.com"}


# ---------------------------------------------------------------- compose, called directly
class _ReachedError(Exception):
    """Raised by the stand-in app when compose asks for a region's stack: the checks passed."""


class _Regions:
    """A stand-in app whose regions are all compose reads before it builds the services."""

    app_name = "shop"
    primary_region = E1

    def __init__(self, *secondary_regions: str) -> None:
        self.secondary_regions = secondary_regions
        self.regions = (E1, *secondary_regions)

    def stack_for(self, region: str) -> cdk.Stack:
        raise _ReachedError(region)


class _Stacks(_Regions):
    """A stand-in app with real stacks (not a MultiRegionApp: nothing is composed yet)."""

    def __init__(self, *secondary_regions: str) -> None:
        super().__init__(*secondary_regions)
        self.app = cdk.App()
        self.stacks = {r: self._stack(f"shop-{r}", r) for r in self.regions}

    def _stack(self, name: str, region: str) -> cdk.Stack:
        return cdk.Stack(self.app, name, env=cdk.Environment(account=ACCOUNT, region=region))

    def stack_for(self, region: str) -> cdk.Stack:
        return self.stacks[region]

    def add_helper_stack(
        self, suffix: str, *, region: str | None = None, description: str | None = None
    ) -> cdk.Stack:
        return self._stack(f"shop-{suffix}", region or E1)


_OFF: dict[str, Any] = dict(
    service=True,
    vpc_cidrs=None,
    certificates=None,
    database=False,
    peering=False,
    dns=None,
    monitoring=False,
    replicate_images=False,
)

#: The 15 read replicas RDS allows per source instance, and one more.
_FIFTEEN = (
    "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1", "eu-west-1",
    "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1", "ap-south-1", "ap-northeast-1",
    "ap-northeast-2", "ap-southeast-1", "ap-southeast-2",
)  # fmt: skip


def test_compose_without_database_peer_access_by_default() -> None:
    result = module.compose(_Stacks(E2), **_OFF)  # type: ignore[arg-type]
    assert sorted(result.services) == [E1, E2]
    assert result.database is None and result.peering is None


def test_fifteen_replicas_and_no_more() -> None:
    with pytest.raises(_ReachedError):
        module.compose(_Regions(*_FIFTEEN), **{**_OFF, "database": True})  # type: ignore[arg-type]
    sixteen = (*_FIFTEEN, "ap-northeast-3")
    with pytest.raises(_ReachedError):
        module.compose(_Regions(*sixteen), **_OFF)  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as caught:
        module.compose(_Regions(*sixteen), **{**_OFF, "database": True})  # type: ignore[arg-type]
    assert str(caught.value) == (
        "secondary_regions must name at most 15 regions with database: RDS allows 15 read "
        f"replicas per source instance, got {list(sixteen)!r}"
    )


def _vpc(cidr: str) -> Any:
    return SimpleNamespace(vpc_cidr_block=cidr, node=SimpleNamespace(path="shop-us-east-2/Vpc"))


def test_vpc_cidrs() -> None:
    app: Any = _Regions(E2, W2)
    default = {E1: "10.0.0.0/16", E2: "10.1.0.0/16", W2: "10.3.0.0/16"}
    assert module._vpc_cidrs(app, None, {E1: None, E2: None, W2: None}) == default
    assert module._vpc_cidrs(app, {W2: "10.30.0.0/16"}, {E1: None, E2: _vpc("10.50.0.0/16")}) == {
        E1: "10.0.0.0/16",
        E2: "10.50.0.0/16",
        W2: "10.30.0.0/16",
    }


@pytest.mark.parametrize(
    ("given", "existing", "message"),
    [
        (
            {E2: "10.9.0.0/16"},
            {E2: _vpc("10.50.0.0/16")},
            "vpc_cidrs['us-east-2'] must be left unset for a region with an existing VPC "
            "(vpcs['us-east-2']), got '10.9.0.0/16'",
        ),
        (
            None,
            {E2: _vpc(cdk.Token.as_string(cdk.Aws.REGION))},
            "vpcs['us-east-2'] must have a literal CIDR block (ec2.Vpc.from_lookup, or "
            "from_vpc_attributes with vpc_cidr_block): peering and the security group rules "
            "need it, got 'shop-us-east-2/Vpc'",
        ),
        (
            {"eu-west-1": "10.9.0.0/16"},
            {},
            "vpc_cidrs must only name the app's regions ['us-east-1', 'us-east-2'], got "
            "'eu-west-1'",
        ),
        (
            {E2: "10.0.0.0/17"},
            {},
            "vpc_cidrs must not overlap: us-east-1 has '10.0.0.0/16' and us-east-2 has "
            "'10.0.0.0/17'",
        ),
        (
            {E1: "10.8.0.0/16"},
            {E2: _vpc("10.8.0.0/16")},
            "vpc_cidrs must not overlap",
        ),
    ],
)
def test_vpc_cidrs_refused(given: Any, existing: Any, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        module._vpc_cidrs(_Regions(E2), given, existing)  # type: ignore[arg-type]
    assert str(caught.value).startswith(message), str(caught.value)


def test_a_token_vpc_cidr_is_refused() -> None:
    token = cdk.Token.as_string(cdk.Aws.REGION)
    with pytest.raises(ValidationError) as caught:
        module._vpc_cidrs(_Regions(E2), {E2: token}, {})  # type: ignore[arg-type]
    assert str(caught.value) == (
        f"vpc_cidrs['us-east-2'] must be a literal CIDR block, not a token, got {token!r}"
    )


def _target_groups(*versions: str | None) -> dict[str, Any]:
    stack = cdk.Stack(cdk.App(), "TargetGroups")
    return {
        region: SimpleNamespace(
            blue_target_group=SimpleNamespace(
                node=SimpleNamespace(
                    default_child=elbv2.CfnTargetGroup(stack, region, protocol_version=version)
                )
            )
        )
        for region, version in zip((E1, E2), versions, strict=False)
    }


@pytest.mark.parametrize("version", ["HTTP2", "GRPC"])
def test_http2_and_grpc_targets_refuse_dns(version: str) -> None:
    with pytest.raises(ValidationError) as caught:
        module._require_http1_targets(_target_groups("HTTP1", version))
    assert str(caught.value) == (
        "dns must be left out with an HTTP2 or gRPC service: Route 53 health checks use "
        "HTTP/1.1, which the load balancer refuses for such a target group (HTTP 464), so "
        "every region would look down. Put FailoverDns in front of an HTTP1 service, or leave "
        f"dns out, got \"service.target_group_props['protocol_version']={version!r} in "
        'us-east-2"'
    )


@pytest.mark.parametrize(
    ("primary", "expected"),
    [(E1, E1), (E2, E1), ("eu-west-1", E1), ("cn-north-1", "cn-north-1")],
)
def test_the_route53_metrics_region(primary: str, expected: str) -> None:
    assert module._route53_region(SimpleNamespace(primary_region=primary)) == expected  # type: ignore[arg-type]
