"""How MultiRegionApp composes the constructs into its stacks (the one-statement app).

It works on the app through the :class:`~multiregion_tap._private.app_context.AppStacks`
interface, so neither this module nor the constructs import ``multi_region_app``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_ssm as ssm

if TYPE_CHECKING:  # annotations only
    from aws_cdk import aws_certificatemanager as acm

from ..cross_region_peering import CrossRegionPeering, CrossRegionPeeringProps, PeeredVpc
from ..failover_dns import FailoverDns, FailoverDnsProps
from ..monitoring import (
    HealthCheckAlarms,
    OverviewDashboard,
    RegionalMonitoring,
    RegionalMonitoringProps,
)
from ..outputs import OutputNames, StackNames
from ..per_region import PerRegion
from ..regional_service import RegionalService, RegionalServiceProps, default_vpc_cidr
from ..replicated_database import (
    DatabaseReplica,
    RegionalDatabase,
    ReplicatedDatabase,
    ReplicatedDatabaseProps,
)
from .app_context import AppStacks
from .database_plan import Role as DatabaseRole
from .service_checks import VPC_MAX_PREFIX, VPC_MIN_PREFIX
from .validation import (
    fail,
    is_token,
    require_cidr,
    require_no_overlap,
    route53_metrics_region,
)

#: Environment variables every service gets when the app has a database.
DATABASE_HOST_ENV = "DATABASE_HOST"
DATABASE_PORT_ENV = "DATABASE_PORT"
DATABASE_READ_ONLY_ENV = "DATABASE_READ_ONLY"
DATABASE_USERNAME_ENV = "DATABASE_USERNAME"
DATABASE_PASSWORD_ENV = "DATABASE_PASSWORD"
#: Read replicas RDS allows per source instance (RDS User Guide, "Working with DB instance
#: read replicas": up to 15 for PostgreSQL and MySQL).
MAX_READ_REPLICAS = 15
#: Every variable the app sets on each service with ``database``.
DATABASE_ENV = (
    DATABASE_HOST_ENV,
    DATABASE_PORT_ENV,
    DATABASE_READ_ONLY_ENV,
    DATABASE_USERNAME_ENV,
    DATABASE_PASSWORD_ENV,
)


def props_kwargs(props: Any) -> dict[str, Any]:
    """A props dataclass as keyword arguments (no deep copy: jsii proxies stay intact)."""
    return {f.name: getattr(props, f.name) for f in fields(props)}


@dataclass
class Composition:
    """What the app built, by region."""

    services: dict[str, RegionalService] = field(default_factory=dict)
    database: ReplicatedDatabase | None = None
    databases: dict[str, RegionalDatabase] = field(default_factory=dict)
    peering: CrossRegionPeering | None = None
    dns: FailoverDns | None = None
    health_check_alarms: HealthCheckAlarms | None = None
    monitoring: dict[str, RegionalMonitoring] = field(default_factory=dict)
    overview: OverviewDashboard | None = None


def compose(
    app: AppStacks,
    *,
    service: RegionalServiceProps | bool,
    vpc_cidrs: Mapping[str, str] | None,
    certificates: Mapping[str, acm.ICertificate | None] | PerRegion[acm.ICertificate] | None,
    database: ReplicatedDatabaseProps | bool,
    peering: CrossRegionPeeringProps | bool,
    dns: FailoverDnsProps | None,
    monitoring: RegionalMonitoringProps | bool,
    replicate_images: bool,
    database_peer_access: bool = False,
    dns_region: str | None = None,
    vpcs: Mapping[str, ec2.IVpc | None] | PerRegion[ec2.IVpc] | None = None,
    repositories: Mapping[str, ecr.IRepository | None] | PerRegion[ecr.IRepository] | None = None,
) -> Composition:
    result = Composition()
    for prop, flag in (
        ("replicate_images", replicate_images),
        ("database_peer_access", database_peer_access),
    ):
        if not isinstance(flag, bool):
            raise fail(prop, flag, "be True or False")
    service_props = _props("service", service, RegionalServiceProps)
    database_props = _props("database", database, ReplicatedDatabaseProps)
    peering_props = _props("peering", peering, CrossRegionPeeringProps)
    monitoring_props = _props("monitoring", monitoring, RegionalMonitoringProps)
    if dns is not None and not isinstance(dns, FailoverDnsProps):
        raise fail("dns", dns, "be a FailoverDnsProps or None")

    # Region-scoped values: a PerRegion, or a mapping (every region for certificates, which
    # must not leave one region on HTTP behind the same name; any for VPCs and repositories).
    certs = _per_region("certificates", certificates, app.regions, every_region=True)
    existing_vpcs = _per_region("vpcs", vpcs, app.regions, every_region=False)
    existing_repos = _per_region("repositories", repositories, app.regions, every_region=False)

    if service_props is None:
        for prop, given in (
            ("database", database_props),
            ("dns", dns),
            ("monitoring", monitoring_props if monitoring is not True else None),
            ("peering", peering_props if peering is not True else None),
        ):
            if given is not None:
                raise fail(prop, given, "be left unset when service=False (it needs the services)")
        for prop, given in (
            ("vpc_cidrs", vpc_cidrs),
            ("certificates", certificates),
            ("vpcs", vpcs),
            ("repositories", repositories),
        ):
            if given:
                raise fail("service", False, f"be enabled when {prop} is given")
        return result

    if dns is not None and service_props.internet_facing is False:
        # Route 53 health checkers probe from the internet: an internal load balancer never
        # answers them, so every region would be unhealthy and failover meaningless.
        raise fail(
            "dns",
            dns,
            "be left unset while service.internet_facing is False: Route 53's health checkers "
            "are on the internet and the service's load balancer is internal",
        )

    if database_props is not None and len(app.secondary_regions) > MAX_READ_REPLICAS:
        raise fail(
            "secondary_regions",
            list(app.secondary_regions),
            f"name at most {MAX_READ_REPLICAS} regions with database: RDS allows "
            f"{MAX_READ_REPLICAS} read replicas per source instance",
        )

    # ---------------------------------------------------------------- services
    service_kwargs = props_kwargs(service_props)
    for name, value in service_kwargs.items():
        if isinstance(value, PerRegion):
            value.check(f"service.{name}", app.regions)
    regional: dict[str, dict[str, Any]] = {}
    for region in app.regions:
        stack = app.stack_for(region)
        regional[region] = {
            "certificate": _resolve(
                certs, "certificates", stack, region, "certificate_arn", "an ACM certificate"
            ),
            "existing_vpc": _resolve(existing_vpcs, "vpcs", stack, region, "vpc_id", "a VPC"),
            "existing_repository": _resolve(
                existing_repos, "repositories", stack, region, "repository_uri", "an ECR repository"
            ),
            **{
                name: value.resolve(f"service.{name}", stack, region)
                if isinstance(value, PerRegion)
                else value
                for name, value in service_kwargs.items()
            },
        }
    if database_props is not None:
        for kwargs in regional.values():
            for prop in ("environment", "secrets"):
                for key in kwargs[prop] or {}:
                    if key in DATABASE_ENV:
                        raise fail(
                            f"service.{prop}",
                            key,
                            f"not set {', '.join(DATABASE_ENV)}: with database the app sets "
                            "them to the region's own database",
                        )
    cidrs = _vpc_cidrs(app, vpc_cidrs, {r: kw["existing_vpc"] for r, kw in regional.items()})
    # The primary replicates its repository to the secondary regions, unless a region brings
    # its own repository or an image (then the app has no repository to replicate).
    replicate = replicate_images and not any(
        kw["existing_repository"] is not None or kw["image"] is not None for kw in regional.values()
    )
    for region in app.regions:
        is_primary = region == app.primary_region
        result.services[region] = RegionalService(
            app.stack_for(region),
            "Service",
            vpc_cidr=None if regional[region]["existing_vpc"] is not None else cidrs[region],
            image_replication_regions=app.secondary_regions if is_primary and replicate else None,
            **regional[region],
        )

    # ---------------------------------------------------------------- database
    # The writer: the primary, or after a failover the region its history says; superseded
    # writers are stood down and leave DNS.
    writer = app.primary_region
    moved = False
    if database_props is not None:
        primary = app.primary_region
        db = ReplicatedDatabase(
            app.stack_for(app.primary_region),
            "Database",
            vpc=result.services[primary].vpc,
            allow_from=[result.services[primary].service],
            **props_kwargs(database_props),
        )
        result.database = db
        result.databases[primary] = db
        writer, moved = db.writer_region, bool(db.history)
        links = {region: _credentials_link(app, db, region) for region in app.secondary_regions}
        for region in app.secondary_regions:
            # After a failover nothing may read the primary region: the secret's name comes
            # from this region's credentials stack, and the other replicas follow the writer.
            stack = app.stack_for(region)
            if moved:
                stack.add_stack_dependency(links[region], reason="reads the database secret's name")
            replica: DatabaseReplica = db.add_replica(
                stack,
                "DatabaseReplica",
                vpc=result.services[region].vpc,
                allow_from=[result.services[region].service],
                secret_name=_secret_name_of(links[region]) if moved else None,
            )
            result.databases[region] = replica
        for region, regional_db in result.databases.items():
            _wire_database(result.services[region], regional_db, read_only=region != writer)
            if db.role_in(region) == DatabaseRole.SUPERSEDED:
                # A superseded writer must never write again: when its region comes back and
                # its stack is deployed, its service runs no task (and DNS leaves it out).
                result.services[region].stand_down()
        if moved:
            for region in app.regions:
                # Where status finds the history, to print the next runbook step's commands.
                history = cdk.CfnOutput(
                    app.stack_for(region),
                    "DatabaseHistoryOutput",
                    value=",".join(db.history),
                    description="The database's history (ReplicatedDatabaseProps.history)",
                )
                history.override_logical_id(OutputNames.DATABASE_HISTORY)

    # ---------------------------------------------------------------- peering
    if peering_props is not None:
        result.peering = CrossRegionPeering(
            app,
            "Peering",
            vpcs={
                region: PeeredVpc(vpc=svc.vpc, cidr=cidrs[region])
                for region, svc in result.services.items()
            },
            **props_kwargs(peering_props),
        )

    if database_peer_access:
        if result.database is None or result.peering is None:
            raise fail(
                "database_peer_access",
                True,
                "be used with database and peering turned on (it admits the peered VPCs)",
            )
        for region, regional_db in result.databases.items():
            for cidr in result.peering.peer_cidrs(region):
                regional_db.allow_from_cidr(cidr, f"Database clients in the peered VPC {cidr}")

    # ---------------------------------------------------------------- monitoring
    if monitoring_props is not None:
        for region, svc in result.services.items():
            monitored_db = result.databases.get(region)
            result.monitoring[region] = RegionalMonitoring(
                app.stack_for(region),
                "Monitoring",
                load_balancer=svc.load_balancer,
                target_groups=list(svc.target_groups),
                service=svc.service,
                database=monitored_db.instance if monitored_db is not None else None,
                database_is_replica=result.database is not None
                and result.database.role_in(region) == DatabaseRole.READER,
                existing_alarms=list(svc.deployment_alarms),
                **props_kwargs(monitoring_props),
            )

    # ---------------------------------------------------------------- DNS
    if dns is not None:
        _require_http1_targets(result.services)
        dns_kwargs = props_kwargs(dns)
        # The DNS health checks request the service's health path unless given another one.
        if dns.health_check_path == "/":
            dns_kwargs["health_check_path"] = service_props.health_check_path
        # The DNS stack lives outside the primary region (by default in the first secondary
        # region), so moving the records after losing the primary region deploys nothing
        # there. After a failover the superseded primary is out of the records.
        dns_stack = app.add_helper_stack(
            StackNames.DNS, region=dns_region or app.secondary_regions[0]
        )
        serving = [writer, *(r for r in app.regions if r != writer)]
        if result.database is not None:
            serving = [r for r in serving if result.database.role_in(r) != DatabaseRole.SUPERSEDED]
        result.dns = FailoverDns(
            dns_stack,
            "FailoverDns",
            primary_load_balancer=result.services[serving[0]].load_balancer,
            secondary_load_balancers=[result.services[r].load_balancer for r in serving[1:]],
            **dns_kwargs,
        )
        if monitoring_props is not None:
            # Route 53 publishes health-check metrics in one region only (us-east-1): the
            # alarms live there, apart from the records.
            alarms_stack = app.add_helper_stack(StackNames.DNS_ALARMS, region=_route53_region(app))
            result.health_check_alarms = HealthCheckAlarms(
                alarms_stack,
                "HealthCheckAlarms",
                health_checks=result.dns.health_checks,
                email_addresses=monitoring_props.email_addresses,
                https_endpoints=monitoring_props.https_endpoints,
                notify_on_ok=monitoring_props.notify_on_ok,
                key_removal_policy=monitoring_props.key_removal_policy,
            )

    # ------------------------------------------------- overview (its own stack: no cycle)
    if monitoring_props is not None:
        overview_stack = app.add_helper_stack(StackNames.MONITORING)
        result.overview = OverviewDashboard(
            overview_stack,
            "Overview",
            regions=[result.monitoring[r] for r in app.regions],
            health_checks=result.dns.health_checks if result.dns is not None else None,
        )
    return result


def _props(prop: str, value: Any, kind: type) -> Any:
    """``True`` -> default props, ``False`` -> ``None``, props -> props; anything else fails."""
    if value is True:
        return kind()
    if value is False:
        return None
    if isinstance(value, kind):
        return value
    raise fail(prop, value, f"be True, False or a {kind.__name__}")


def _per_region(
    prop: str, value: Any, regions: tuple[str, ...], *, every_region: bool
) -> PerRegion[Any] | None:
    """``value`` (a PerRegion, a mapping or None) as a checked PerRegion, or None."""
    if value is None:
        return None
    if isinstance(value, PerRegion):
        value.check(prop, regions)
        return value
    if not isinstance(value, Mapping):
        raise fail(prop, value, "be a mapping of region to value, or a PerRegion")
    for region in value:
        if region not in regions:
            raise fail(prop, region, f"only name the app's regions {list(regions)!r}")
    if not every_region:
        value = {region: value.get(region) for region in regions}
    per_region: PerRegion[Any] = PerRegion(value)
    per_region.check(prop, regions)
    return per_region


def _resolve(
    value: PerRegion[Any] | None,
    prop: str,
    stack: cdk.Stack,
    region: str,
    attribute: str,
    kind: str,
) -> Any:
    """``region``'s value of ``prop``, which must be ``None`` or have ``attribute`` (a CDK
    object of the expected kind, not, say, a plain id string)."""
    found = None if value is None else value.resolve(prop, stack, region)
    if found is not None and not hasattr(found, attribute):
        raise fail(
            f"{prop}[{region!r}]", found, f"be {kind} (a CDK object), or None for the default"
        )
    return found


def _vpc_cidrs(
    app: AppStacks, given: Mapping[str, str] | None, existing: Mapping[str, ec2.IVpc | None]
) -> dict[str, str]:
    # Per region, not per position: a region keeps its VPC whatever the region list becomes.
    cidrs = {region: default_vpc_cidr(region) for region in app.regions}
    for region, vpc in existing.items():
        if vpc is None:
            continue
        if region in (given or {}):
            raise fail(
                f"vpc_cidrs[{region!r}]",
                (given or {})[region],
                f"be left unset for a region with an existing VPC (vpcs[{region!r}])",
            )
        cidr = vpc.vpc_cidr_block
        if is_token(cidr):
            raise fail(
                f"vpcs[{region!r}]",
                vpc.node.path,
                "have a literal CIDR block (ec2.Vpc.from_lookup, or from_vpc_attributes with "
                "vpc_cidr_block): peering and the security group rules need it",
            )
        cidrs[region] = cidr
    for region, cidr in (given or {}).items():
        if region not in app.regions:
            raise fail("vpc_cidrs", region, f"only name the app's regions {list(app.regions)!r}")
        if is_token(cidr):
            raise fail(f"vpc_cidrs[{region!r}]", cidr, "be a literal CIDR block, not a token")
        require_cidr(
            f"vpc_cidrs[{region!r}]", cidr, min_prefix=VPC_MIN_PREFIX, max_prefix=VPC_MAX_PREFIX
        )
        cidrs[region] = cidr
    require_no_overlap("vpc_cidrs", cidrs)
    return cidrs


def _require_http1_targets(services: Mapping[str, RegionalService]) -> None:
    """Route 53's health checkers speak HTTP/1.1, which a load balancer answers with 464 for a
    target group of protocol version HTTP2 or GRPC: failover DNS would see every region down."""
    for region, svc in services.items():
        cfn = svc.blue_target_group.node.default_child
        assert isinstance(cfn, elbv2.CfnTargetGroup)
        version = cfn.protocol_version
        if version in ("HTTP2", "GRPC"):
            raise fail(
                "dns",
                f"service.target_group_props['protocol_version']={version!r} in {region}",
                "be left out with an HTTP2 or gRPC service: Route 53 health checks use "
                "HTTP/1.1, which the load balancer refuses for such a target group (HTTP 464), "
                "so every region would look down. Put FailoverDns in front of an HTTP1 "
                "service, or leave dns out",
            )


def _route53_region(app: AppStacks) -> str:
    """Route 53 is global; its health-check metrics live in the partition's Route 53 region
    (us-east-1 in the commercial partition), else the DNS stack goes to the primary region."""
    return route53_metrics_region(app.primary_region) or app.primary_region


def _credentials_link(app: AppStacks, db: ReplicatedDatabase, region: str) -> cdk.Stack:
    """The stack ``<app>-credentials-<region>``: the name of the credentials secret (whose
    replica in ``region`` has the same name), kept in ``region`` while the primary region
    answers, for a promotion that must not read the primary region."""
    stack = app.add_helper_stack(
        StackNames.credentials_suffix(region),
        region=region,
        description=(
            f"multiregion-tap app '{app.app_name}': the database secret's name, kept in "
            f"{region} for a failover"
        ),
    )
    primary_stack = cdk.Stack.of(db)
    name = cdk.Fn.get_stack_output(
        primary_stack.stack_name, db._secret_name_output(), primary_stack.region
    )
    # A stack needs a resource: the name also sits in an SSM parameter of the region, where
    # an operator finds it without CloudFormation.
    ssm.StringParameter(
        stack,
        "DatabaseSecretName",
        string_value=name,
        description=f"Name of the {app.app_name} database credentials secret (replicated here)",
    )
    output = cdk.CfnOutput(
        stack,
        "DatabaseSecretNameOutput",
        value=name,
        description="Name of the database credentials secret (its replica in this region)",
    )
    output.override_logical_id(OutputNames.DATABASE_SECRET_NAME)
    stack.add_stack_dependency(primary_stack, reason="reads the database secret's name")
    return stack


def _secret_name_of(link: cdk.Stack) -> str:
    return cdk.Fn.get_stack_output(link.stack_name, OutputNames.DATABASE_SECRET_NAME, link.region)


def _wire_database(
    service: RegionalService, database: RegionalDatabase, *, read_only: bool
) -> None:
    """The region's own database, and whether this region may write. The credentials are
    passed as two fields, not the secret's JSON: in a secondary region that JSON (the primary's,
    replicated) names the primary's host, which the region must not connect to."""
    container = service.container
    container.add_environment(DATABASE_HOST_ENV, database.endpoint)
    container.add_environment(DATABASE_PORT_ENV, str(database.port))
    container.add_environment(DATABASE_READ_ONLY_ENV, "true" if read_only else "false")
    for name, field_name in (
        (DATABASE_USERNAME_ENV, "username"),
        (DATABASE_PASSWORD_ENV, "password"),
    ):
        container.add_secret(name, ecs.Secret.from_secrets_manager(database.secret, field_name))
