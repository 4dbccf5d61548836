"""Find a deployed multiregion-tap app in every region, from stack outputs and tags.

:func:`discover` takes an app name, its regions and AWS credentials (a ``boto3.Session`` or a
factory of boto3 clients, so tests and local emulators can point clients at their own
endpoints) and returns a :class:`Topology`: for every region, the app's stack and the VPC,
subnets, ECS cluster and service, load balancer, target groups, database, alarm topic, alarms
and dashboards it holds; across regions, the Route 53 failover records and health checks and
the VPC peering connections with their routes.

How resources are found, in this order:

1. The stacks, by their deterministic names: ``<app_name>-<region>`` for the regional stacks and
   ``<app_name>-dns``, ``<app_name>-peering``, ``<app_name>-peering-routes-<region>`` for the
   helper stacks (any other stack whose ``MultiRegionTapAppName`` output or
   ``multiregion-tap:app`` tag names the app is kept as a helper stack). A stack whose
   ``MultiRegionTapAppName`` output names another app is never taken.
2. Each resource, from the stack's well-known outputs (:class:`~multiregion_tap.OutputNames`,
   the contract), then from the stack's own resource list (by CloudFormation resource type),
   then, where AWS links them, from resources already found (the service's target groups, the
   VPCs' peering connections, the alarms that notify the alarm topic).

The region of every resource is the region in its ARN or the region of the client that
returned it (the stack's region): it is never parsed out of a logical id or a physical name.
A piece that is not deployed is reported as absent (``None`` or an empty tuple); only an app
without a single stack in any of the regions raises :class:`AppNotFoundError`.

boto3 is imported only when :func:`discover` needs to create clients itself; install it with
the ``discovery`` extra (``pip install "multiregion-tap[discovery]"``).

Example::

    from multiregion_tap.discovery import discover

    topology = discover("shop", ["us-east-1", "us-east-2"])
    print(topology.format_table())
    topology.region("us-east-2").database.source_arn   # the primary's ARN in us-east-1
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from types import MappingProxyType
from typing import Any, Protocol

from .errors import ValidationError
from .outputs import OutputNames, TagKeys

__all__ = [
    "AlarmInfo",
    "AppNotFoundError",
    "ClientFactory",
    "ClusterInfo",
    "DashboardInfo",
    "DatabaseInfo",
    "DnsInfo",
    "FailoverRecordInfo",
    "HealthCheckInfo",
    "LoadBalancerInfo",
    "PeeringConnectionInfo",
    "PeeringRouteInfo",
    "RegionTopology",
    "ServiceInfo",
    "ServiceLoadBalancer",
    "SessionLike",
    "StackInfo",
    "StackKind",
    "SubnetInfo",
    "TableRow",
    "TargetGroupInfo",
    "TopicInfo",
    "Topology",
    "VpcInfo",
    "discover",
]

#: ``(service_name, region_name) -> boto3 client``, e.g.
#: ``lambda service, region: session.client(service, region_name=region, endpoint_url=url)``.
ClientFactory = Callable[[str, str], Any]


class SessionLike(Protocol):
    """What :func:`discover` needs of a ``boto3.Session``."""

    def client(self, service_name: str, region_name: str | None = None, **kwargs: Any) -> Any:
        """Create a low-level client."""
        ...


class AppNotFoundError(LookupError):
    """No stack of the app exists in any of the regions searched."""


class StackKind:
    """The kind of a :class:`StackInfo`, from the app's stack naming convention."""

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


_GONE_STACK_STATUSES = frozenset({"DELETE_COMPLETE"})
_PRIMARY = "primary"


# ---------------------------------------------------------------------- result types
def _frozen_map(values: Mapping[str, str] | Iterable[tuple[str, str]] | None) -> Mapping[str, str]:
    return MappingProxyType(dict(values or {}))


@dataclass(frozen=True, kw_only=True)
class StackInfo:
    """A CloudFormation stack of the app."""

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
    outputs: Mapping[str, str] = field(default_factory=lambda: _frozen_map(None), hash=False)
    #: Stack tags.
    tags: Mapping[str, str] = field(default_factory=lambda: _frozen_map(None), hash=False)

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
        return _arn_region(self.source_arn) if self.source_arn else None


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


@dataclass(frozen=True)
class TableRow:
    """One row of :meth:`Topology.to_table`."""

    region: str
    role: str
    kind: str
    name: str
    details: str


_TABLE_HEADER = TableRow("REGION", "ROLE", "KIND", "NAME / ID", "DETAILS")
_ABSENT = "-"


@dataclass(frozen=True, kw_only=True)
class Topology:
    """A deployed app across its regions (the result of :func:`discover`)."""

    app_name: str
    #: The regions searched for the regional stacks, in the order given.
    regions: tuple[str, ...]
    #: Every stack of the app found, regional stacks first.
    stacks: tuple[StackInfo, ...]
    #: One entry per region of ``regions``, in that order.
    regional: tuple[RegionTopology, ...]
    dns: DnsInfo | None = None
    peering: tuple[PeeringConnectionInfo, ...] = ()

    def region(self, name: str) -> RegionTopology:
        """The topology of region ``name``.

        :raises KeyError: when ``name`` is not one of :attr:`regions`.
        """
        for item in self.regional:
            if item.region == name:
                return item
        raise KeyError(f"region {name!r} is not one of the regions searched {list(self.regions)!r}")

    @property
    def primary_region(self) -> str | None:
        """The region whose regional stack has the role ``primary``."""
        return next((r.region for r in self.regional if r.role == _PRIMARY), None)

    @property
    def primary_database(self) -> DatabaseInfo | None:
        """The database that is not a replica, preferring the primary region's."""
        candidates = [r for r in self.regional if r.database and not r.database.is_replica]
        candidates.sort(key=lambda r: r.role != _PRIMARY)
        return candidates[0].database if candidates else None

    @property
    def replicas(self) -> tuple[DatabaseInfo, ...]:
        """The read replicas, in region order."""
        return tuple(r.database for r in self.regional if r.database and r.database.is_replica)

    def stack(self, name: str) -> StackInfo | None:
        """The stack called ``name``, if found."""
        return next((s for s in self.stacks if s.name == name), None)

    # ------------------------------------------------------------------ rendering
    def to_table(self) -> tuple[TableRow, ...]:
        """One row per resource (and per missing piece), ready to print or to assert on."""
        rows: list[TableRow] = []
        for reg in self.regional:
            rows.extend(_region_rows(reg))
        rows.extend(_global_rows(self))
        return tuple(rows)

    def format_table(self) -> str:
        """A readable fixed-width text table of :meth:`to_table`, with a title line."""
        rows = [_TABLE_HEADER, *self.to_table()]
        widths = [max(len(getattr(row, col)) for row in rows) for col in _TABLE_COLUMNS[:-1]]
        found = sum(1 for r in self.regional if r.found)
        title = (
            f"multiregion-tap app {self.app_name!r}: {len(self.stacks)} stack(s), "
            f"{found}/{len(self.regional)} region(s) deployed"
            + (f", primary {self.primary_region}" if self.primary_region else "")
        )
        lines = [title, ""]
        for index, row in enumerate(rows):
            cells = [
                getattr(row, col).ljust(width)
                for col, width in zip(_TABLE_COLUMNS[:-1], widths, strict=True)
            ]
            lines.append("  ".join([*cells, row.details]).rstrip())
            if index == 0:
                lines.append("  ".join("-" * w for w in [*widths, len(row.details)]))
        return "\n".join(lines) + "\n"

    def __str__(self) -> str:
        return self.format_table()

    def as_dict(self) -> dict[str, Any]:
        """A JSON-serializable dict of everything found (properties included)."""
        result = _jsonable(self)
        assert isinstance(result, dict)
        return result

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`as_dict` as a JSON string."""
        return json.dumps(self.as_dict(), indent=indent, sort_keys=False)


_TABLE_COLUMNS = ("region", "role", "kind", "name", "details")

# Properties worth having in as_dict() next to the fields.
_EXTRA_KEYS: Mapping[type, tuple[str, ...]] = {
    StackInfo: ("role",),
    VpcInfo: ("availability_zones",),
    ServiceInfo: ("target_group_arns",),
    DatabaseInfo: ("is_replica", "source_region"),
    Topology: ("primary_region",),
}


def _jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        out = {f.name: _jsonable(getattr(value, f.name)) for f in fields(value)}
        for key in _EXTRA_KEYS.get(type(value), ()):
            out[key] = _jsonable(getattr(value, key))
        return out
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _absent_row(reg: RegionTopology, role: str, kind: str) -> TableRow:
    return TableRow(reg.region, role, kind, _ABSENT, "not found")


def _region_rows(reg: RegionTopology) -> list[TableRow]:
    role = reg.role or _ABSENT
    rows: list[TableRow] = []

    def add(kind: str, name: str, details: str) -> None:
        rows.append(TableRow(reg.region, role, kind, name, details))

    if reg.stack is None:
        return [TableRow(reg.region, role, "stack", _ABSENT, "no regional stack: nothing deployed")]
    add("stack", reg.stack.name, f"{reg.stack.status}, {len(reg.stack.outputs)} outputs")
    if reg.vpc:
        vpc = reg.vpc
        add(
            "vpc",
            vpc.vpc_id,
            f"{vpc.cidr_block}, {len(vpc.subnets)} subnets in {len(vpc.availability_zones)} AZs",
        )
        for subnet in sorted(vpc.subnets, key=lambda s: (s.availability_zone, s.cidr_block)):
            kind = f"subnet ({subnet.subnet_type.lower()})" if subnet.subnet_type else "subnet"
            add(kind, subnet.subnet_id, f"{subnet.availability_zone} {subnet.cidr_block}")
    else:
        rows.append(_absent_row(reg, role, "vpc"))
    if reg.cluster:
        add("ecs cluster", reg.cluster.name, reg.cluster.status or "")
    else:
        rows.append(_absent_row(reg, role, "ecs cluster"))
    if reg.service:
        svc = reg.service
        strategy = svc.deployment_strategy or "strategy not reported"
        add(
            "ecs service",
            svc.name,
            f"{svc.launch_type or '/'.join(svc.capacity_providers) or '?'}, "
            f"controller {svc.deployment_controller or '?'}, {strategy}, "
            f"running {svc.running_count}/{svc.desired_count}, "
            f"{len(svc.target_group_arns)} target group(s)",
        )
    else:
        rows.append(_absent_row(reg, role, "ecs service"))
    if reg.load_balancer:
        lb = reg.load_balancer
        add("load balancer", lb.name, " ".join(p for p in (lb.type, lb.scheme, lb.dns_name) if p))
    else:
        rows.append(_absent_row(reg, role, "load balancer"))
    if reg.target_groups:
        for tg in reg.target_groups:
            label = f"target group ({tg.role})" if tg.role else "target group"
            detail = f"{tg.protocol or '?'}:{tg.port if tg.port is not None else '?'}"
            if tg.health_check_path:
                detail += f", health check {tg.health_check_path}"
            add(label, tg.name, detail)
    else:
        rows.append(_absent_row(reg, role, "target group"))
    if reg.database:
        db = reg.database
        engine = f"{db.engine or '?'} {db.engine_version or ''}".strip()
        if db.is_replica:
            add(
                "database (replica)",
                db.identifier,
                f"{engine}, {db.status}, source {db.source_arn}",
            )
        else:
            extra = f", {len(db.replica_arns)} replica(s)" if db.replica_arns else ""
            multi_az = ", Multi-AZ" if db.multi_az else ""
            add("database (primary)", db.identifier, f"{engine}, {db.status}{multi_az}{extra}")
    else:
        rows.append(_absent_row(reg, role, "database"))
    if reg.alarm_topic:
        add("alarm topic", reg.alarm_topic.name, reg.alarm_topic.arn)
    else:
        rows.append(_absent_row(reg, role, "alarm topic"))
    if reg.alarms:
        for alarm in reg.alarms:
            actions = len(alarm.alarm_actions) + len(alarm.ok_actions)
            to_topic = (
                ", notifies the alarm topic"
                if reg.alarm_topic and alarm.notifies(reg.alarm_topic.arn)
                else ""
            )
            metric = (
                f"{alarm.namespace}/{alarm.metric_name}" if alarm.metric_name else alarm.alarm_type
            )
            add("alarm", alarm.name, f"{alarm.state}, {metric}, {actions} action(s){to_topic}")
    else:
        rows.append(_absent_row(reg, role, "alarm"))
    if reg.dashboards:
        for dashboard in reg.dashboards:
            add("dashboard", dashboard.name, dashboard.arn)
    else:
        rows.append(_absent_row(reg, role, "dashboard"))
    return rows


def _global_rows(topology: Topology) -> list[TableRow]:
    rows: list[TableRow] = []
    regional_names = {r.stack.name for r in topology.regional if r.stack}
    for stack in topology.stacks:
        if stack.name not in regional_names:
            rows.append(
                TableRow(
                    stack.region,
                    stack.role or _ABSENT,
                    f"stack ({stack.kind})",
                    stack.name,
                    f"{stack.status}, {len(stack.outputs)} outputs",
                )
            )
    dns = topology.dns
    if dns is None:
        rows.append(TableRow("global", _ABSENT, "dns", _ABSENT, "not found"))
    else:
        zone = dns.hosted_zone_name or dns.hosted_zone_id or "?"
        rows.append(TableRow("global", _ABSENT, "hosted zone", zone, dns.hosted_zone_id or ""))
        if not dns.records:
            rows.append(TableRow("global", _ABSENT, "failover record", _ABSENT, "not found"))
        for record in dns.records:
            target = record.alias_dns_name or ", ".join(record.values) or "?"
            where = f" ({record.target_region})" if record.target_region else ""
            check = f", health check {record.health_check_id}" if record.health_check_id else ""
            rows.append(
                TableRow(
                    "global",
                    _ABSENT,
                    f"record ({record.failover})",
                    f"{record.name} {record.type}",
                    f"-> {target}{where}{check}",
                )
            )
        if not dns.health_checks:
            rows.append(TableRow("global", _ABSENT, "health check", _ABSENT, "not found"))
        for hc in dns.health_checks:
            where = f" ({hc.target_region})" if hc.target_region else ""
            target = f"{hc.type or '?'} {hc.fqdn or hc.ip_address or '?'}:{hc.port or '?'}"
            rows.append(
                TableRow(
                    "global",
                    _ABSENT,
                    "health check",
                    hc.health_check_id,
                    f"{target}{hc.resource_path or ''}{where}",
                )
            )
    if not topology.peering:
        rows.append(TableRow("global", _ABSENT, "peering", _ABSENT, "not found"))
    for pcx in topology.peering:
        rows.append(
            TableRow(
                pcx.requester_region or "?",
                _ABSENT,
                "peering",
                pcx.peering_connection_id,
                f"{pcx.status}: {pcx.requester_vpc_id} ({pcx.requester_region}, "
                f"{pcx.requester_cidr_block}) <-> {pcx.accepter_vpc_id} ({pcx.accepter_region}, "
                f"{pcx.accepter_cidr_block})",
            )
        )
        for route in pcx.routes:
            rows.append(
                TableRow(
                    route.region,
                    _ABSENT,
                    "peering route",
                    route.route_table_id,
                    f"{route.destination_cidr_block} -> {pcx.peering_connection_id}",
                )
            )
    return rows


# ---------------------------------------------------------------------- discovery
def discover(
    app_name: str,
    regions: Sequence[str],
    *,
    session: SessionLike | None = None,
    client_factory: ClientFactory | None = None,
    helper_regions: Sequence[str] = (),
) -> Topology:
    """Find the deployed resources of the app ``app_name`` in every region.

    :param app_name: The ``app_name`` given to :class:`~multiregion_tap.MultiRegionApp`.
    :param regions: The app's regions (primary first, by convention). Each gets a
        :class:`RegionTopology`, absent pieces included.
    :param session: A ``boto3.Session`` to create clients from. Default: - a new
        ``boto3.Session()`` (the usual credential chain and ``AWS_ENDPOINT_URL``).
    :param client_factory: ``(service_name, region) -> client``, instead of ``session``: for
        emulators and tests that need their own endpoints. Default: - ``session.client``.
    :param helper_regions: More regions to search for the app's helper stacks (DNS, peering,
        ...) when they live outside ``regions``. Default: - only ``regions``.
    :raises AppNotFoundError: when no stack of the app exists in any region searched.
    :raises ValidationError: for a bad ``app_name`` or region list, or both ``session`` and
        ``client_factory``.
    """
    if not isinstance(app_name, str) or not app_name:
        raise ValidationError(
            f"app_name must be a non-empty string such as 'shop', got {app_name!r}"
        )
    region_list = _region_list("regions", regions)
    if not region_list:
        raise ValidationError(f"regions must name at least one region, got {list(regions)!r}")
    extra = [r for r in _region_list("helper_regions", helper_regions) if r not in region_list]
    if session is not None and client_factory is not None:
        raise ValidationError(
            "session and client_factory are mutually exclusive: give at most one, got "
            f"session={session!r}, client_factory={client_factory!r}"
        )
    factory = client_factory or _session_factory(session)
    return _Discovery(app_name, region_list, extra, _Clients(factory)).run()


def _region_list(prop: str, regions: Sequence[str]) -> list[str]:
    if isinstance(regions, str):
        raise ValidationError(
            f"{prop} must be a list of region names such as ['us-east-1'], not a single "
            f"string, got {regions!r}"
        )
    out: list[str] = []
    for index, region in enumerate(regions):
        if not isinstance(region, str) or not region:
            raise ValidationError(f"{prop}[{index}] must be a region name, got {region!r}")
        if region not in out:
            out.append(region)
    return out


def _session_factory(session: SessionLike | None) -> ClientFactory:
    if session is None:
        try:
            boto3 = importlib.import_module("boto3")
        except ImportError as error:  # pragma: no cover - depends on the installation
            raise ImportError(
                "multiregion_tap.discovery needs boto3: pip install 'multiregion-tap[discovery]'"
            ) from error
        session = boto3.Session()
    chosen = session

    def factory(service: str, region: str) -> Any:
        return chosen.client(service, region_name=region)

    return factory


class _Clients:
    """One client per (service, region), created on first use."""

    def __init__(self, factory: ClientFactory) -> None:
        self._factory = factory
        self._cache: dict[tuple[str, str], Any] = {}

    def __call__(self, service: str, region: str) -> Any:
        key = (service, region)
        if key not in self._cache:
            self._cache[key] = self._factory(service, region)
        return self._cache[key]


# ---------------------------------------------------------------------- AWS helpers
def _client_error_types() -> tuple[type[BaseException], ...]:
    try:
        exceptions = importlib.import_module("botocore.exceptions")
    except ImportError:  # pragma: no cover - a fake client factory without botocore
        return ()
    return (exceptions.ClientError,)


def _is_not_found(error: BaseException) -> bool:
    response = getattr(error, "response", None) or {}
    err = response.get("Error", {}) if isinstance(response, dict) else {}
    code = str(err.get("Code", ""))
    message = str(err.get("Message", ""))
    return (
        "NotFound" in code
        or code.startswith("NoSuch")
        or code == "ResourceNotFound"
        or (code == "ValidationError" and "does not exist" in message)
    )


def _call(client: Any, operation: str, **kwargs: Any) -> dict[str, Any] | None:
    """Call ``operation``; ``None`` when AWS says the resource does not exist."""
    try:
        result: dict[str, Any] = getattr(client, operation)(**kwargs)
    except _client_error_types() as error:
        if _is_not_found(error):
            return None
        raise
    return result


def _pages(client: Any, operation: str, **kwargs: Any) -> list[dict[str, Any]]:
    """Every page of ``operation`` (``[]`` when AWS says the resource does not exist)."""
    pages: list[dict[str, Any]] = []
    try:
        if hasattr(client, "can_paginate") and client.can_paginate(operation):
            pages.extend(client.get_paginator(operation).paginate(**kwargs))
        else:
            pages.append(getattr(client, operation)(**kwargs))
    except _client_error_types() as error:
        if _is_not_found(error):
            return []
        raise
    return pages


def _paginate(client: Any, operation: str, key: str, **kwargs: Any) -> list[Any]:
    """Every item under ``key`` across all pages of ``operation``."""
    return [item for page in _pages(client, operation, **kwargs) for item in page.get(key, [])]


def _arn_region(arn: str | None) -> str | None:
    """The region field of an ARN (``None`` for a global resource or a non-ARN)."""
    if not arn or not arn.startswith("arn:"):
        return None
    parts = arn.split(":", 5)
    return parts[3] or None if len(parts) == 6 else None


def _arn_tail(arn: str) -> str:
    """The last ``/`` or ``:`` segment of an ARN's resource part (e.g. a topic's name)."""
    return arn.rsplit(":", 1)[-1].rsplit("/", 1)[-1]


def _tags(items: Iterable[Mapping[str, Any]] | None) -> dict[str, str]:
    return {str(t["Key"]): str(t.get("Value", "")) for t in items or () if "Key" in t}


def _dns_key(name: str | None) -> str:
    """A DNS name compared case-insensitively, without a trailing dot or ``dualstack.``."""
    key = (name or "").lower().rstrip(".")
    return key.removeprefix("dualstack.")


# ---------------------------------------------------------------------- the walk
_OUTPUT_NAMES = OutputNames.all()


def _outputs_named(stack: StackInfo, name: str) -> list[str]:
    """Values of the output ``name`` and its suffixed variants (``name`` exactly first)."""
    longer = [n for n in _OUTPUT_NAMES if n != name and n.startswith(name)]
    keys = [
        key
        for key in stack.outputs
        if key.startswith(name) and not any(key.startswith(n) for n in longer)
    ]
    keys.sort(key=lambda k: (k != name, k))
    return [stack.outputs[k] for k in keys if stack.outputs[k]]


def _output(stack: StackInfo | None, name: str) -> str | None:
    """The output ``name`` (or its only suffixed variant)."""
    if stack is None:
        return None
    exact = stack.outputs.get(name)
    if exact:
        return exact
    values = _outputs_named(stack, name)
    return values[0] if len(values) == 1 else None


class _Discovery:
    def __init__(
        self, app_name: str, regions: list[str], extra: list[str], clients: _Clients
    ) -> None:
        self.app = app_name
        self.regions = regions
        self.extra = extra
        self.clients = clients
        self._resources: dict[str, dict[str, list[str]]] = {}

    # -------------------------------------------------------------- stacks
    def run(self) -> Topology:
        stacks = self._find_stacks()
        if not stacks:
            searched = [*self.regions, *self.extra]
            raise AppNotFoundError(
                f"no stack of app {self.app!r} found in regions {searched!r}: expected "
                f"{', '.join(repr(f'{self.app}-{r}') for r in self.regions)} (is it deployed, "
                "and are the credentials for the right account?)"
            )
        regional = tuple(self._region(region, stacks) for region in self.regions)
        load_balancers = [r.load_balancer for r in regional if r.load_balancer]
        dns = self._dns(stacks, load_balancers)
        peering = self._peering(stacks, regional)
        kind_order = {StackKind.REGIONAL: 0}
        ordered = sorted(
            stacks,
            key=lambda s: (
                kind_order.get(s.kind, 1),
                self.regions.index(s.region) if s.region in self.regions else len(self.regions),
                s.name,
            ),
        )
        return Topology(
            app_name=self.app,
            regions=tuple(self.regions),
            stacks=tuple(ordered),
            regional=regional,
            dns=dns,
            peering=peering,
        )

    def _find_stacks(self) -> list[StackInfo]:
        found: list[StackInfo] = []
        for region in [*self.regions, *self.extra]:
            cfn = self.clients("cloudformation", region)
            for raw in _paginate(cfn, "describe_stacks", "Stacks"):
                status = str(raw.get("StackStatus", ""))
                if status in _GONE_STACK_STATUSES:
                    continue
                name = str(raw["StackName"])
                outputs = {
                    str(o["OutputKey"]): str(o.get("OutputValue", ""))
                    for o in raw.get("Outputs", [])
                }
                tags = _tags(raw.get("Tags"))
                stack_id = str(raw.get("StackId", ""))
                stack_region = _arn_region(stack_id) or region
                kind = self._stack_kind(name, stack_region, outputs, tags)
                if kind is None:
                    continue
                found.append(
                    StackInfo(
                        name=name,
                        region=stack_region,
                        kind=kind,
                        stack_id=stack_id,
                        status=status,
                        outputs=_frozen_map(outputs),
                        tags=_frozen_map(tags),
                    )
                )
        return found

    def _stack_kind(
        self, name: str, region: str, outputs: Mapping[str, str], tags: Mapping[str, str]
    ) -> str | None:
        declared = outputs.get(OutputNames.APP_NAME)
        if declared is not None and declared != self.app:
            return None
        tagged = tags.get(TagKeys.APP)
        if declared is None and tagged is not None and tagged != self.app:
            return None
        prefix = f"{self.app}-"
        if name == f"{prefix}{region}" and region in self.regions:
            return StackKind.REGIONAL
        if name == f"{prefix}dns":
            return StackKind.DNS
        if name == f"{prefix}peering":
            return StackKind.PEERING
        if name.startswith(f"{prefix}peering-routes-"):
            return StackKind.PEERING_ROUTES
        if declared == self.app or tagged == self.app:
            return StackKind.HELPER
        return None

    def _stack_resources(self, stack: StackInfo, resource_type: str) -> list[str]:
        """Physical ids of the stack's resources of one CloudFormation type."""
        if stack.stack_id not in self._resources:
            by_type: dict[str, list[str]] = {}
            cfn = self.clients("cloudformation", stack.region)
            for item in _paginate(
                cfn,
                "list_stack_resources",
                "StackResourceSummaries",
                StackName=stack.stack_id or stack.name,
            ):
                physical = item.get("PhysicalResourceId")
                if physical and not str(item.get("ResourceStatus", "")).startswith("DELETE"):
                    by_type.setdefault(str(item["ResourceType"]), []).append(str(physical))
            self._resources[stack.stack_id] = by_type
        return list(self._resources[stack.stack_id].get(resource_type, []))

    def _first(self, stack: StackInfo, output: str, resource_type: str) -> str | None:
        return _output(stack, output) or next(
            iter(self._stack_resources(stack, resource_type)), None
        )

    # -------------------------------------------------------------- one region
    def _region(self, region: str, stacks: list[StackInfo]) -> RegionTopology:
        stack = next(
            (s for s in stacks if s.kind == StackKind.REGIONAL and s.region == region), None
        )
        if stack is None:
            return RegionTopology(region=region, role=None)
        vpc = self._vpc(stack)
        cluster = self._cluster(stack)
        service = self._service(stack, cluster)
        load_balancer = self._load_balancer(stack)
        target_groups = self._target_groups(stack, service, load_balancer)
        topic = self._topic(stack)
        return RegionTopology(
            region=region,
            role=stack.role,
            stack=stack,
            vpc=vpc,
            cluster=cluster,
            service=service,
            load_balancer=load_balancer,
            target_groups=target_groups,
            database=self._database(stack),
            alarm_topic=topic,
            alarms=self._alarms(stack, topic),
            dashboards=self._dashboards(
                stack,
                *(s for s in stacks if s.kind == StackKind.HELPER and s.region == region),
            ),
        )

    def _vpc(self, stack: StackInfo) -> VpcInfo | None:
        vpc_id = self._first(stack, OutputNames.VPC_ID, "AWS::EC2::VPC")
        if not vpc_id:
            return None
        ec2 = self.clients("ec2", stack.region)
        found = _call(ec2, "describe_vpcs", VpcIds=[vpc_id])
        raw = next(iter((found or {}).get("Vpcs", [])), None)
        if raw is None:
            return None
        subnets = _paginate(
            ec2, "describe_subnets", "Subnets", Filters=[{"Name": "vpc-id", "Values": [vpc_id]}]
        )
        return VpcInfo(
            vpc_id=vpc_id,
            region=stack.region,
            cidr_block=str(raw.get("CidrBlock", "")),
            state=raw.get("State"),
            subnets=tuple(
                SubnetInfo(
                    subnet_id=str(s["SubnetId"]),
                    region=_arn_region(s.get("SubnetArn")) or stack.region,
                    availability_zone=str(s.get("AvailabilityZone", "")),
                    availability_zone_id=s.get("AvailabilityZoneId"),
                    cidr_block=str(s.get("CidrBlock", "")),
                    subnet_type=_tags(s.get("Tags")).get("aws-cdk:subnet-type"),
                    map_public_ip_on_launch=bool(s.get("MapPublicIpOnLaunch", False)),
                    arn=s.get("SubnetArn"),
                )
                for s in subnets
                if s.get("VpcId", vpc_id) == vpc_id
            ),
        )

    def _cluster(self, stack: StackInfo) -> ClusterInfo | None:
        name = self._first(stack, OutputNames.CLUSTER_NAME, "AWS::ECS::Cluster")
        if not name:
            return None
        found = _call(self.clients("ecs", stack.region), "describe_clusters", clusters=[name])
        raw = next(
            (c for c in (found or {}).get("clusters", []) if c.get("status") != "INACTIVE"), None
        )
        if raw is None:
            return None
        arn = str(raw["clusterArn"])
        return ClusterInfo(
            name=str(raw.get("clusterName", name)),
            arn=arn,
            region=_arn_region(arn) or stack.region,
            status=raw.get("status"),
            active_services_count=int(raw.get("activeServicesCount", 0)),
            running_tasks_count=int(raw.get("runningTasksCount", 0)),
        )

    def _service(self, stack: StackInfo, cluster: ClusterInfo | None) -> ServiceInfo | None:
        ecs = self.clients("ecs", stack.region)
        wanted = (
            _output(stack, OutputNames.SERVICE_ARN)
            or _output(stack, OutputNames.SERVICE_NAME)
            or next(iter(self._stack_resources(stack, "AWS::ECS::Service")), None)
        )
        cluster_ref = cluster.arn if cluster else None
        if wanted is None and cluster_ref is not None:
            arns = _paginate(ecs, "list_services", "serviceArns", cluster=cluster_ref)
            wanted = str(arns[0]) if len(arns) == 1 else None
        if wanted is None:
            return None
        if cluster_ref is None:
            # A long-format service ARN names its cluster: service/<cluster>/<service>.
            resource = wanted.split(":", 5)[-1] if wanted.startswith("arn:") else ""
            parts = resource.split("/")
            if len(parts) != 3:
                return None
            cluster_ref = parts[1]
        found = _call(ecs, "describe_services", cluster=cluster_ref, services=[wanted])
        raw = next(
            (s for s in (found or {}).get("services", []) if s.get("status") != "INACTIVE"), None
        )
        return _service_info(raw, stack.region) if raw else None

    def _load_balancer(self, stack: StackInfo) -> LoadBalancerInfo | None:
        arn = self._first(
            stack, OutputNames.LOAD_BALANCER_ARN, "AWS::ElasticLoadBalancingV2::LoadBalancer"
        )
        if not arn:
            return None
        found = _call(
            self.clients("elbv2", stack.region), "describe_load_balancers", LoadBalancerArns=[arn]
        )
        raw = next(iter((found or {}).get("LoadBalancers", [])), None)
        if raw is None:
            return None
        lb_arn = str(raw["LoadBalancerArn"])
        return LoadBalancerInfo(
            arn=lb_arn,
            name=str(raw.get("LoadBalancerName", "")),
            region=_arn_region(lb_arn) or stack.region,
            dns_name=str(raw.get("DNSName", "")),
            type=raw.get("Type"),
            scheme=raw.get("Scheme"),
            state=(raw.get("State") or {}).get("Code"),
            vpc_id=raw.get("VpcId"),
            availability_zones=tuple(
                str(z["ZoneName"]) for z in raw.get("AvailabilityZones", []) if "ZoneName" in z
            ),
        )

    def _target_groups(
        self,
        stack: StackInfo,
        service: ServiceInfo | None,
        load_balancer: LoadBalancerInfo | None,
    ) -> tuple[TargetGroupInfo, ...]:
        roles: dict[str, str | None] = {}
        blue = _output(stack, OutputNames.BLUE_TARGET_GROUP_ARN)
        green = _output(stack, OutputNames.GREEN_TARGET_GROUP_ARN)
        if blue:
            roles[blue] = "blue"
        if green:
            roles[green] = "green"
        if service:
            for attachment in service.load_balancers:
                if attachment.target_group_arn:
                    roles.setdefault(attachment.target_group_arn, "blue")
                if attachment.alternate_target_group_arn:
                    roles.setdefault(attachment.alternate_target_group_arn, "green")
        elbv2 = self.clients("elbv2", stack.region)
        raws: list[dict[str, Any]] = []
        if roles:
            found = _call(elbv2, "describe_target_groups", TargetGroupArns=list(roles))
            if found is None:  # one of them is gone: ask one by one
                for arn in roles:
                    one = _call(elbv2, "describe_target_groups", TargetGroupArns=[arn])
                    raws.extend((one or {}).get("TargetGroups", []))
            else:
                raws.extend(found.get("TargetGroups", []))
        elif load_balancer is not None:
            raws = _paginate(
                elbv2, "describe_target_groups", "TargetGroups", LoadBalancerArn=load_balancer.arn
            )
        groups = []
        for raw in raws:
            arn = str(raw["TargetGroupArn"])
            groups.append(
                TargetGroupInfo(
                    arn=arn,
                    name=str(raw.get("TargetGroupName", "")),
                    region=_arn_region(arn) or stack.region,
                    role=roles.get(arn),
                    protocol=raw.get("Protocol"),
                    port=raw.get("Port"),
                    target_type=raw.get("TargetType"),
                    health_check_path=raw.get("HealthCheckPath"),
                    vpc_id=raw.get("VpcId"),
                    # Each load balancer once (moto lists one per listener or rule using it).
                    load_balancer_arns=tuple(dict.fromkeys(raw.get("LoadBalancerArns", []))),
                )
            )
        order = {"blue": 0, "green": 1}
        groups.sort(key=lambda g: (order.get(g.role or "", 2), g.name))
        return tuple(groups)

    def _database(self, stack: StackInfo) -> DatabaseInfo | None:
        rds = self.clients("rds", stack.region)
        identifier = _output(stack, OutputNames.DATABASE_IDENTIFIER)
        arn = _output(stack, OutputNames.DATABASE_ARN)
        raws: list[dict[str, Any]] = []
        if identifier:
            raws = _paginate(
                rds, "describe_db_instances", "DBInstances", DBInstanceIdentifier=identifier
            )
        if not raws and arn:
            raws = [
                r
                for r in _paginate(
                    rds,
                    "describe_db_instances",
                    "DBInstances",
                    Filters=[{"Name": "db-instance-id", "Values": [arn]}],
                )
                if r.get("DBInstanceArn") == arn
            ]
        if not raws and not identifier and not arn:
            fallback = next(iter(self._stack_resources(stack, "AWS::RDS::DBInstance")), None)
            if fallback:
                raws = _paginate(
                    rds, "describe_db_instances", "DBInstances", DBInstanceIdentifier=fallback
                )
        raw = next(iter(raws), None)
        return _database_info(raw, stack.region) if raw else None

    def _topic(self, stack: StackInfo) -> TopicInfo | None:
        arn = self._first(stack, OutputNames.ALARM_TOPIC_ARN, "AWS::SNS::Topic")
        if not arn:
            return None
        found = _call(self.clients("sns", stack.region), "get_topic_attributes", TopicArn=arn)
        if found is None:
            return None
        attributes = found.get("Attributes", {})
        confirmed = attributes.get("SubscriptionsConfirmed")
        return TopicInfo(
            arn=arn,
            name=_arn_tail(arn),
            region=_arn_region(arn) or stack.region,
            display_name=attributes.get("DisplayName") or None,
            subscriptions_confirmed=int(confirmed) if confirmed is not None else None,
        )

    def _alarms(self, stack: StackInfo, topic: TopicInfo | None) -> tuple[AlarmInfo, ...]:
        cloudwatch = self.clients("cloudwatch", stack.region)
        raws: dict[str, tuple[str, dict[str, Any]]] = {}
        names = [
            *self._stack_resources(stack, "AWS::CloudWatch::Alarm"),
            *self._stack_resources(stack, "AWS::CloudWatch::CompositeAlarm"),
        ]
        for start in range(0, len(names), 100):
            found = (
                _call(
                    cloudwatch,
                    "describe_alarms",
                    AlarmNames=names[start : start + 100],
                    AlarmTypes=["MetricAlarm", "CompositeAlarm"],
                )
                or {}
            )
            for kind, key in (("metric", "MetricAlarms"), ("composite", "CompositeAlarms")):
                for raw in found.get(key, []):
                    raws[str(raw["AlarmName"])] = (kind, raw)
        if topic is not None:
            pages = _pages(
                cloudwatch,
                "describe_alarms",
                ActionPrefix=topic.arn,
                AlarmTypes=["MetricAlarm", "CompositeAlarm"],
            )
            for page in pages:
                for kind, key in (("metric", "MetricAlarms"), ("composite", "CompositeAlarms")):
                    for raw in page.get(key, []):
                        if _alarm_info(raw, kind, stack.region).notifies(topic.arn):
                            raws[str(raw["AlarmName"])] = (kind, raw)
        alarms = [_alarm_info(raw, kind, stack.region) for kind, raw in raws.values()]
        return tuple(sorted(alarms, key=lambda a: a.name))

    def _dashboards(self, stack: StackInfo, *helpers: StackInfo) -> tuple[DashboardInfo, ...]:
        """The regional stack's dashboards, then those of the app's helper stacks in the same
        region (such as an overview dashboard of every region)."""
        dashboards: dict[str, DashboardInfo] = {}
        for owner in (stack, *helpers):
            names = [
                *_outputs_named(owner, OutputNames.DASHBOARD_NAME),
                *self._stack_resources(owner, "AWS::CloudWatch::Dashboard"),
            ]
            cloudwatch = self.clients("cloudwatch", owner.region)
            for name in dict.fromkeys(names):
                if name in dashboards:
                    continue
                found = _call(cloudwatch, "get_dashboard", DashboardName=name)
                if found is None:
                    continue
                body = found.get("DashboardBody")
                dashboards[name] = DashboardInfo(
                    name=str(found.get("DashboardName", name)),
                    arn=str(found.get("DashboardArn", "")),
                    region=owner.region,
                    size=len(body) if isinstance(body, str) else None,
                )
        return tuple(dashboards.values())

    # -------------------------------------------------------------- DNS
    def _dns(
        self, stacks: list[StackInfo], load_balancers: list[LoadBalancerInfo]
    ) -> DnsInfo | None:
        stack = next((s for s in stacks if s.kind == StackKind.DNS), None)
        if stack is None:
            stack = next((s for s in stacks if _output(s, OutputNames.HOSTED_ZONE_ID)), None)
        if stack is None:
            return None
        route53 = self.clients("route53", stack.region)
        zone_id = self._first(stack, OutputNames.HOSTED_ZONE_ID, "AWS::Route53::HostedZone")
        record_name = _output(stack, OutputNames.RECORD_NAME)
        if record_name and not record_name.endswith("."):
            record_name += "."  # as Route 53 spells the records' names
        zone_name: str | None = None
        records: list[FailoverRecordInfo] = []
        lb_regions = {_dns_key(lb.dns_name): lb.region for lb in load_balancers}
        if zone_id:
            zone_id = zone_id.removeprefix("/hostedzone/")
            zone = _call(route53, "get_hosted_zone", Id=zone_id)
            if zone is None:
                zone_id = None
            else:
                zone_name = zone.get("HostedZone", {}).get("Name")
                for raw in _paginate(
                    route53, "list_resource_record_sets", "ResourceRecordSets", HostedZoneId=zone_id
                ):
                    if "Failover" not in raw:
                        continue
                    if record_name and _dns_key(raw.get("Name")) != _dns_key(record_name):
                        continue
                    records.append(_record_info(raw, lb_regions))
        check_ids = [r.health_check_id for r in records if r.health_check_id]
        check_ids.extend(self._stack_resources(stack, "AWS::Route53::HealthCheck"))
        health_checks = []
        for check_id in dict.fromkeys(check_ids):
            found = _call(route53, "get_health_check", HealthCheckId=check_id)
            if found is not None:
                health_checks.append(_health_check_info(found.get("HealthCheck", {}), lb_regions))
        order = {"PRIMARY": 0, "SECONDARY": 1}
        records.sort(key=lambda r: (order.get(r.failover, 2), r.name, r.set_identifier or ""))
        return DnsInfo(
            stack_name=stack.name,
            region=stack.region,
            hosted_zone_id=zone_id,
            hosted_zone_name=zone_name,
            record_name=record_name,
            records=tuple(records),
            health_checks=tuple(health_checks),
        )

    # -------------------------------------------------------------- peering
    def _peering(
        self, stacks: list[StackInfo], regional: tuple[RegionTopology, ...]
    ) -> tuple[PeeringConnectionInfo, ...]:
        wanted: dict[str, str] = {}  # peering connection id -> region to ask
        for stack in stacks:
            ids = [
                *_outputs_named(stack, OutputNames.PEERING_CONNECTION_ID),
                *(
                    self._stack_resources(stack, "AWS::EC2::VPCPeeringConnection")
                    if stack.kind == StackKind.PEERING
                    else []
                ),
            ]
            for pcx_id in ids:
                wanted.setdefault(pcx_id, stack.region)
        raws: dict[str, dict[str, Any]] = {}
        for pcx_id, region in wanted.items():
            found = _call(
                self.clients("ec2", region),
                "describe_vpc_peering_connections",
                VpcPeeringConnectionIds=[pcx_id],
            )
            for raw in (found or {}).get("VpcPeeringConnections", []):
                if raw.get("VpcPeeringConnectionId") == pcx_id:
                    raws[pcx_id] = raw
        # Connections between the app's VPCs that no output names (AWS links them by VPC id).
        vpc_ids = {r.vpc.vpc_id for r in regional if r.vpc}
        for reg in regional:
            if reg.vpc is None:
                continue
            for raw in _paginate(
                self.clients("ec2", reg.region),
                "describe_vpc_peering_connections",
                "VpcPeeringConnections",
                Filters=[{"Name": "requester-vpc-info.vpc-id", "Values": [reg.vpc.vpc_id]}],
            ):
                pcx_id = str(raw.get("VpcPeeringConnectionId", ""))
                requester = (raw.get("RequesterVpcInfo") or {}).get("VpcId")
                accepter = (raw.get("AccepterVpcInfo") or {}).get("VpcId")
                status = (raw.get("Status") or {}).get("Code")
                if (
                    pcx_id
                    and pcx_id not in raws
                    and requester == reg.vpc.vpc_id
                    and accepter in vpc_ids
                    and status not in {"deleted", "rejected", "failed", "expired"}
                ):
                    raws[pcx_id] = raw
        return tuple(self._peering_info(raw) for _, raw in sorted(raws.items()))

    def _peering_info(self, raw: dict[str, Any]) -> PeeringConnectionInfo:
        pcx_id = str(raw["VpcPeeringConnectionId"])
        requester = raw.get("RequesterVpcInfo") or {}
        accepter = raw.get("AccepterVpcInfo") or {}
        routes: list[PeeringRouteInfo] = []
        sides = [requester.get("Region"), accepter.get("Region")]
        for region in dict.fromkeys(r for r in sides if r):
            for table in _paginate(
                self.clients("ec2", region),
                "describe_route_tables",
                "RouteTables",
                Filters=[{"Name": "route.vpc-peering-connection-id", "Values": [pcx_id]}],
            ):
                for route in table.get("Routes", []):
                    if route.get("VpcPeeringConnectionId") != pcx_id:
                        continue
                    routes.append(
                        PeeringRouteInfo(
                            region=region,
                            route_table_id=str(table["RouteTableId"]),
                            destination_cidr_block=route.get("DestinationCidrBlock")
                            or route.get("DestinationIpv6CidrBlock"),
                            vpc_id=table.get("VpcId"),
                            state=route.get("State"),
                        )
                    )
        return PeeringConnectionInfo(
            peering_connection_id=pcx_id,
            status=(raw.get("Status") or {}).get("Code"),
            requester_vpc_id=requester.get("VpcId"),
            requester_region=requester.get("Region"),
            requester_cidr_block=requester.get("CidrBlock"),
            accepter_vpc_id=accepter.get("VpcId"),
            accepter_region=accepter.get("Region"),
            accepter_cidr_block=accepter.get("CidrBlock"),
            routes=tuple(routes),
        )


# ---------------------------------------------------------------------- parsers
def _service_info(raw: Mapping[str, Any], region: str) -> ServiceInfo:
    arn = str(raw["serviceArn"])
    config = raw.get("deploymentConfiguration") or {}
    breaker = config.get("deploymentCircuitBreaker")
    alarms = config.get("alarms") or {}
    return ServiceInfo(
        name=str(raw.get("serviceName", _arn_tail(arn))),
        arn=arn,
        region=_arn_region(arn) or region,
        cluster_arn=raw.get("clusterArn"),
        status=raw.get("status"),
        launch_type=raw.get("launchType") or None,
        capacity_providers=tuple(
            str(item["capacityProvider"])
            for item in raw.get("capacityProviderStrategy", [])
            if "capacityProvider" in item
        ),
        deployment_controller=(raw.get("deploymentController") or {}).get("type"),
        deployment_strategy=config.get("strategy"),
        bake_time_minutes=config.get("bakeTimeInMinutes"),
        circuit_breaker_rollback=bool(breaker.get("rollback")) if breaker else None,
        deployment_alarms=tuple(alarms.get("alarmNames", [])) if alarms.get("enable") else (),
        deployment_alarms_rollback=bool(alarms.get("rollback")) if alarms else None,
        load_balancers=tuple(
            ServiceLoadBalancer(
                target_group_arn=lb.get("targetGroupArn"),
                container_name=lb.get("containerName"),
                container_port=lb.get("containerPort"),
                alternate_target_group_arn=(lb.get("advancedConfiguration") or {}).get(
                    "alternateTargetGroupArn"
                ),
                production_listener_rule=(lb.get("advancedConfiguration") or {}).get(
                    "productionListenerRule"
                ),
                test_listener_rule=(lb.get("advancedConfiguration") or {}).get("testListenerRule"),
            )
            for lb in raw.get("loadBalancers", [])
        ),
        desired_count=int(raw.get("desiredCount", 0)),
        running_count=int(raw.get("runningCount", 0)),
        pending_count=int(raw.get("pendingCount", 0)),
        task_definition=raw.get("taskDefinition"),
    )


def _database_info(raw: Mapping[str, Any], region: str) -> DatabaseInfo:
    arn = str(raw.get("DBInstanceArn", ""))
    endpoint = raw.get("Endpoint") or {}
    return DatabaseInfo(
        identifier=str(raw["DBInstanceIdentifier"]),
        arn=arn,
        region=_arn_region(arn) or region,
        engine=raw.get("Engine"),
        engine_version=raw.get("EngineVersion"),
        instance_class=raw.get("DBInstanceClass"),
        status=raw.get("DBInstanceStatus"),
        endpoint_address=endpoint.get("Address"),
        port=endpoint.get("Port"),
        multi_az=raw.get("MultiAZ"),
        storage_encrypted=raw.get("StorageEncrypted"),
        kms_key_id=raw.get("KmsKeyId"),
        backup_retention_period=raw.get("BackupRetentionPeriod"),
        deletion_protection=raw.get("DeletionProtection"),
        source_arn=raw.get("ReadReplicaSourceDBInstanceIdentifier") or None,
        replica_arns=tuple(raw.get("ReadReplicaDBInstanceIdentifiers", [])),
    )


def _alarm_info(raw: Mapping[str, Any], kind: str, region: str) -> AlarmInfo:
    arn = str(raw.get("AlarmArn", ""))
    return AlarmInfo(
        name=str(raw["AlarmName"]),
        arn=arn,
        region=_arn_region(arn) or region,
        alarm_type=kind,
        state=raw.get("StateValue"),
        namespace=raw.get("Namespace"),
        metric_name=raw.get("MetricName"),
        actions_enabled=raw.get("ActionsEnabled"),
        alarm_actions=tuple(raw.get("AlarmActions", [])),
        ok_actions=tuple(raw.get("OKActions", [])),
        insufficient_data_actions=tuple(raw.get("InsufficientDataActions", [])),
    )


def _record_info(raw: Mapping[str, Any], lb_regions: Mapping[str, str]) -> FailoverRecordInfo:
    alias = raw.get("AliasTarget") or {}
    alias_dns = alias.get("DNSName")
    ttl = raw.get("TTL")
    return FailoverRecordInfo(
        name=str(raw["Name"]),
        type=str(raw["Type"]),
        failover=str(raw["Failover"]),
        set_identifier=raw.get("SetIdentifier"),
        health_check_id=raw.get("HealthCheckId"),
        alias_dns_name=alias_dns,
        alias_hosted_zone_id=alias.get("HostedZoneId"),
        evaluate_target_health=alias.get("EvaluateTargetHealth") if alias else None,
        ttl=int(ttl) if ttl is not None else None,
        values=tuple(str(v["Value"]) for v in raw.get("ResourceRecords", []) if "Value" in v),
        target_region=lb_regions.get(_dns_key(alias_dns)) if alias_dns else None,
    )


def _health_check_info(raw: Mapping[str, Any], lb_regions: Mapping[str, str]) -> HealthCheckInfo:
    config = raw.get("HealthCheckConfig") or {}
    fqdn = config.get("FullyQualifiedDomainName")
    return HealthCheckInfo(
        health_check_id=str(raw.get("Id", "")),
        type=config.get("Type"),
        fqdn=fqdn,
        ip_address=config.get("IPAddress"),
        port=config.get("Port"),
        resource_path=config.get("ResourcePath"),
        request_interval=config.get("RequestInterval"),
        failure_threshold=config.get("FailureThreshold"),
        target_region=lb_regions.get(_dns_key(fqdn)) if fqdn else None,
    )
