"""The result model of discovery: what :func:`~multiregion_tap.discovery.discover` returns.

Frozen dataclasses, one per kind of resource found (:class:`StackInfo`, :class:`VpcInfo`,
...), grouped per region in :class:`RegionTopology`; :class:`StackKind`; and
:class:`AppNotFoundError`. The whole app, :class:`~multiregion_tap.discovery.Topology`, lives
in :mod:`multiregion_tap.discovery.topology` next to the rendering it uses. Pure Python: no
boto3, no aws-cdk-lib.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import ClassVar

from ..outputs import OutputNames, TagKeys


class AppNotFoundError(LookupError):
    """No stack of the app exists in any of the regions searched."""


class RegionUnreachableError(ConnectionError):
    """An AWS endpoint of a region did not answer (unknown region, no network, a connect or
    read timeout): discovery cannot tell what the region holds.

    Raised from the botocore error (its ``__cause__``) after botocore's own retries.
    """

    def __init__(self, *, region: str, service: str, endpoint_url: str | None, reason: str) -> None:
        where = f" at {endpoint_url}" if endpoint_url else ""
        super().__init__(
            f"cannot reach {service} in region {region}{where} ({reason}): check the region "
            "name, the network, and AWS_ENDPOINT_URL"
        )
        #: The region whose endpoint did not answer.
        self.region = region
        #: The AWS service asked, e.g. ``cloudformation``.
        self.service = service
        #: The endpoint URL asked, when botocore reported it.
        self.endpoint_url = endpoint_url


class StackKind:
    """The kind of a :class:`StackInfo`, from the app's stack names (``StackNames`` of
    ``multiregion_tap.outputs``, the same rules :class:`~multiregion_tap.MultiRegionApp`
    names its stacks by)."""

    #: ``<app_name>-<region>``: one per region.
    REGIONAL = "regional"
    #: ``<app_name>-dns``: health checks and failover records.
    DNS = "dns"
    #: ``<app_name>-peering``: peering connections and the primary's routes.
    PEERING = "peering"
    #: ``<app_name>-peering-routes-<region>``: a secondary region's routes to the peering.
    PEERING_ROUTES = "peering-routes"
    #: Any other stack whose ``MultiRegionTapAppName`` output or app tag names the app.
    HELPER = "helper"


def frozen_map(values: Mapping[str, str] | Iterable[tuple[str, str]] | None) -> Mapping[str, str]:
    """A read-only copy of ``values`` (the outputs and tags of a :class:`StackInfo`)."""
    return MappingProxyType(dict(values or {}))


def arn_region(arn: str | None) -> str | None:
    """The region field of an ARN (``None`` for a global resource or a non-ARN)."""
    if not arn or not arn.startswith("arn:"):
        return None
    parts = arn.split(":", 5)
    return parts[3] or None if len(parts) == 6 else None


# ---------------------------------------------------------------------- result types


@dataclass(frozen=True, kw_only=True)
class StackInfo:
    """A CloudFormation stack of the app."""

    _json_properties: ClassVar[tuple[str, ...]] = ("role",)

    #: Stack name, e.g. ``shop-us-east-1``.
    name: str
    #: The stack's region (from its stack id ARN, else the region of the client that found it).
    region: str
    #: One of :class:`StackKind`.
    kind: str
    #: Stack id (an ARN).
    stack_id: str
    #: Stack status, e.g. ``CREATE_COMPLETE``.
    status: str
    #: Outputs by output key.
    outputs: Mapping[str, str] = field(default_factory=lambda: frozen_map(None), hash=False)
    #: Stack tags.
    tags: Mapping[str, str] = field(default_factory=lambda: frozen_map(None), hash=False)

    @property
    def role(self) -> str | None:
        """``primary``, ``secondary`` or ``global`` (from the role output, else the role tag)."""
        return self.outputs.get(OutputNames.REGION_ROLE) or self.tags.get(TagKeys.REGION_ROLE)


@dataclass(frozen=True, kw_only=True)
class SubnetInfo:
    """A subnet of an app's VPC."""

    subnet_id: str
    region: str
    availability_zone: str
    cidr_block: str
    #: ``Public``, ``Private`` or ``Isolated`` from CDK's ``aws-cdk:subnet-type`` tag, if any.
    subnet_type: str | None = None
    availability_zone_id: str | None = None
    map_public_ip_on_launch: bool = False
    arn: str | None = None


@dataclass(frozen=True, kw_only=True)
class VpcInfo:
    """The VPC of a region, with its subnets."""

    _json_properties: ClassVar[tuple[str, ...]] = ("availability_zones",)

    vpc_id: str
    region: str
    cidr_block: str
    state: str | None = None
    subnets: tuple[SubnetInfo, ...] = ()

    @property
    def availability_zones(self) -> tuple[str, ...]:
        """The distinct availability zones of the subnets, sorted."""
        return tuple(sorted({s.availability_zone for s in self.subnets}))


@dataclass(frozen=True, kw_only=True)
class ClusterInfo:
    """An ECS cluster."""

    name: str
    arn: str
    region: str
    status: str | None = None
    active_services_count: int = 0
    running_tasks_count: int = 0


@dataclass(frozen=True, kw_only=True)
class ServiceLoadBalancer:
    """One load balancer attachment of an ECS service."""

    #: The production (blue) target group.
    target_group_arn: str | None
    container_name: str | None = None
    container_port: int | None = None
    #: The alternate (green) target group of an ECS native blue/green deployment.
    alternate_target_group_arn: str | None = None
    production_listener_rule: str | None = None
    test_listener_rule: str | None = None


@dataclass(frozen=True, kw_only=True)
class ServiceInfo:
    """An ECS service."""

    _json_properties: ClassVar[tuple[str, ...]] = ("target_group_arns",)

    name: str
    arn: str
    region: str
    cluster_arn: str | None = None
    status: str | None = None
    #: ``FARGATE``, ``EC2``, ... (``None`` when the service uses a capacity provider strategy).
    launch_type: str | None = None
    capacity_providers: tuple[str, ...] = ()
    #: ``ECS``, ``CODE_DEPLOY`` or ``EXTERNAL``.
    deployment_controller: str | None = None
    #: ``ROLLING``, ``BLUE_GREEN``, ``LINEAR`` or ``CANARY`` (ECS controller), when reported.
    deployment_strategy: str | None = None
    bake_time_minutes: int | None = None
    circuit_breaker_rollback: bool | None = None
    #: Names of the CloudWatch alarms that stop (and may roll back) a deployment.
    deployment_alarms: tuple[str, ...] = ()
    deployment_alarms_rollback: bool | None = None
    load_balancers: tuple[ServiceLoadBalancer, ...] = ()
    desired_count: int = 0
    running_count: int = 0
    pending_count: int = 0
    task_definition: str | None = None

    @property
    def target_group_arns(self) -> tuple[str, ...]:
        """Every target group the service is wired to (production ones, then alternates)."""
        production = [lb.target_group_arn for lb in self.load_balancers if lb.target_group_arn]
        alternate = [
            lb.alternate_target_group_arn
            for lb in self.load_balancers
            if lb.alternate_target_group_arn
        ]
        return tuple(dict.fromkeys([*production, *alternate]))


@dataclass(frozen=True, kw_only=True)
class LoadBalancerInfo:
    """An Elastic Load Balancing v2 load balancer."""

    arn: str
    name: str
    region: str
    dns_name: str
    #: ``application``, ``network`` or ``gateway``.
    type: str | None = None
    scheme: str | None = None
    state: str | None = None
    vpc_id: str | None = None
    availability_zones: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class TargetGroupInfo:
    """A target group; ``role`` is ``blue`` (production) or ``green`` (alternate) when known."""

    arn: str
    name: str
    region: str
    role: str | None = None
    protocol: str | None = None
    port: int | None = None
    target_type: str | None = None
    health_check_path: str | None = None
    vpc_id: str | None = None
    load_balancer_arns: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class DatabaseInfo:
    """An RDS DB instance: a primary, or a read replica with its source's ARN."""

    _json_properties: ClassVar[tuple[str, ...]] = ("is_replica", "source_region")

    identifier: str
    arn: str
    region: str
    engine: str | None = None
    engine_version: str | None = None
    instance_class: str | None = None
    status: str | None = None
    endpoint_address: str | None = None
    port: int | None = None
    multi_az: bool | None = None
    storage_encrypted: bool | None = None
    kms_key_id: str | None = None
    backup_retention_period: int | None = None
    deletion_protection: bool | None = None
    #: The source DB instance of a read replica (its ARN for a cross-region replica).
    source_arn: str | None = None
    #: The read replicas of this instance (ARNs for cross-region replicas).
    replica_arns: tuple[str, ...] = ()

    @property
    def is_replica(self) -> bool:
        """True for a read replica."""
        return self.source_arn is not None

    @property
    def source_region(self) -> str | None:
        """The region of the replica's source, from its ARN (``None`` for a primary)."""
        return arn_region(self.source_arn) if self.source_arn else None


@dataclass(frozen=True, kw_only=True)
class TopicInfo:
    """An SNS topic."""

    arn: str
    name: str
    region: str
    display_name: str | None = None
    subscriptions_confirmed: int | None = None


@dataclass(frozen=True, kw_only=True)
class AlarmInfo:
    """A CloudWatch (metric or composite) alarm."""

    name: str
    arn: str
    region: str
    #: ``metric`` or ``composite``.
    alarm_type: str = "metric"
    state: str | None = None
    namespace: str | None = None
    metric_name: str | None = None
    actions_enabled: bool | None = None
    alarm_actions: tuple[str, ...] = ()
    ok_actions: tuple[str, ...] = ()
    insufficient_data_actions: tuple[str, ...] = ()

    def notifies(self, target_arn: str) -> bool:
        """True when any of the alarm's actions is ``target_arn``."""
        return target_arn in (
            *self.alarm_actions,
            *self.ok_actions,
            *self.insufficient_data_actions,
        )


@dataclass(frozen=True, kw_only=True)
class DashboardInfo:
    """A CloudWatch dashboard.

    Dashboards are global to the account: ``region`` is the region of the stack that owns it.
    """

    name: str
    arn: str
    region: str
    size: int | None = None


@dataclass(frozen=True, kw_only=True)
class HealthCheckInfo:
    """A Route 53 health check."""

    health_check_id: str
    #: ``HTTP``, ``HTTPS``, ``TCP``, ...
    type: str | None = None
    fqdn: str | None = None
    ip_address: str | None = None
    port: int | None = None
    resource_path: str | None = None
    request_interval: int | None = None
    failure_threshold: int | None = None
    #: Region of the discovered load balancer whose DNS name the health check probes.
    target_region: str | None = None


@dataclass(frozen=True, kw_only=True)
class FailoverRecordInfo:
    """A Route 53 failover record (``PRIMARY`` or ``SECONDARY``)."""

    name: str
    type: str
    failover: str
    set_identifier: str | None = None
    health_check_id: str | None = None
    alias_dns_name: str | None = None
    alias_hosted_zone_id: str | None = None
    evaluate_target_health: bool | None = None
    ttl: int | None = None
    values: tuple[str, ...] = ()
    #: Region of the discovered load balancer the record points at.
    target_region: str | None = None


@dataclass(frozen=True, kw_only=True)
class DnsInfo:
    """The app's DNS failover: hosted zone, failover records of one name, health checks."""

    stack_name: str | None
    region: str
    hosted_zone_id: str | None = None
    hosted_zone_name: str | None = None
    #: The failover record name, fully qualified with the trailing dot, as Route 53 spells
    #: the records' names (the stack output may omit the dot).
    record_name: str | None = None
    records: tuple[FailoverRecordInfo, ...] = ()
    health_checks: tuple[HealthCheckInfo, ...] = ()

    @property
    def primary_record(self) -> FailoverRecordInfo | None:
        """The ``PRIMARY`` record, if any."""
        return next((r for r in self.records if r.failover == "PRIMARY"), None)

    @property
    def secondary_record(self) -> FailoverRecordInfo | None:
        """The ``SECONDARY`` record, if any."""
        return next((r for r in self.records if r.failover == "SECONDARY"), None)


@dataclass(frozen=True, kw_only=True)
class PeeringRouteInfo:
    """A route that sends a CIDR through a peering connection."""

    region: str
    route_table_id: str
    destination_cidr_block: str | None
    vpc_id: str | None = None
    state: str | None = None


@dataclass(frozen=True, kw_only=True)
class PeeringConnectionInfo:
    """A VPC peering connection and the routes that use it, in both regions."""

    peering_connection_id: str
    status: str | None
    requester_vpc_id: str | None
    requester_region: str | None
    requester_cidr_block: str | None
    accepter_vpc_id: str | None
    accepter_region: str | None
    accepter_cidr_block: str | None
    routes: tuple[PeeringRouteInfo, ...] = ()

    def routes_in(self, region: str) -> tuple[PeeringRouteInfo, ...]:
        """The routes to this connection in ``region``."""
        return tuple(r for r in self.routes if r.region == region)


@dataclass(frozen=True, kw_only=True)
class RegionTopology:
    """What the app has deployed in one region."""

    region: str
    #: ``primary`` or ``secondary`` (from the regional stack), ``None`` when it has none.
    role: str | None
    #: ``False`` when the region's AWS endpoints did not answer (only with
    #: ``discover(..., tolerate_unreachable=True)``): what it holds is unknown.
    reachable: bool = True
    #: Why the region is unreachable, in one line (``None`` when it is reachable).
    error: str | None = None
    #: The regional stack ``<app_name>-<region>``.
    stack: StackInfo | None = None
    vpc: VpcInfo | None = None
    cluster: ClusterInfo | None = None
    service: ServiceInfo | None = None
    load_balancer: LoadBalancerInfo | None = None
    target_groups: tuple[TargetGroupInfo, ...] = ()
    database: DatabaseInfo | None = None
    alarm_topic: TopicInfo | None = None
    alarms: tuple[AlarmInfo, ...] = ()
    #: The regional stack's dashboards, then those of the app's helper stacks in this region
    #: (e.g. the overview dashboard of ``<app_name>-monitoring``).
    dashboards: tuple[DashboardInfo, ...] = ()

    @property
    def found(self) -> bool:
        """True when the region's stack exists."""
        return self.stack is not None

    @property
    def blue_target_group(self) -> TargetGroupInfo | None:
        """The production (blue) target group."""
        return next((t for t in self.target_groups if t.role == "blue"), None)

    @property
    def green_target_group(self) -> TargetGroupInfo | None:
        """The alternate (green) target group."""
        return next((t for t in self.target_groups if t.role == "green"), None)
