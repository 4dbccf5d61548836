"""The walk: from an app name and its regions to a :class:`Topology`.

:func:`discover` validates its arguments and runs :class:`_Discovery`, which finds the app's
stacks by their names (``StackNames`` of :mod:`multiregion_tap.outputs`) and by the app's
output and tag, then each resource from the stack's well-known outputs, its resource list, and
the links AWS keeps between resources (see the package docstring for the order).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any, TypeVar

from ..errors import ValidationError
from ..outputs import APP_NAME_MAX_LENGTH, APP_NAME_PATTERN, OutputNames, StackNames, TagKeys
from .aws import ClientFactory, Clients, SessionLike, call, pages, paginate, session_factory
from .dns import find_dns
from .model import (
    AlarmInfo,
    AppNotFoundError,
    ClusterInfo,
    DashboardInfo,
    DatabaseInfo,
    LoadBalancerInfo,
    PeeringConnectionInfo,
    PeeringRouteInfo,
    RegionTopology,
    RegionUnreachableError,
    ServiceInfo,
    StackInfo,
    StackKind,
    SubnetInfo,
    TargetGroupInfo,
    TopicInfo,
    VpcInfo,
    arn_region,
    frozen_map,
)
from .parse import (
    alarm_info,
    arn_tail,
    database_info,
    output_value,
    outputs_named,
    service_info,
    tag_map,
)
from .reach import DEFAULT_PROBE_TIMEOUT, one_line, probe_regions
from .topology import Topology

_T = TypeVar("_T")

#: Stacks that no longer exist (``describe_stacks`` still lists them for a while).
_GONE_STACK_STATUSES = frozenset({"DELETE_COMPLETE"})


def discover(
    app_name: str,
    regions: Sequence[str],
    *,
    session: SessionLike | None = None,
    client_factory: ClientFactory | None = None,
    helper_regions: Sequence[str] = (),
    tolerate_unreachable: bool = False,
    probe_timeout: float = DEFAULT_PROBE_TIMEOUT,
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
    :param tolerate_unreachable: Return a partial topology instead of raising
        :class:`RegionUnreachableError`: each region is first probed with one call bounded by
        ``probe_timeout`` (all regions at once, see ``multiregion_tap.discovery.reach``);
        a region that does not answer, then or later, becomes a :class:`RegionTopology` with
        ``reachable=False`` and the ``error``, and the others are discovered as usual.
        Default: - ``False``, an unreachable region raises.
    :param probe_timeout: Seconds a region's probe may take to connect, then to answer. Default: 5.
    :raises AppNotFoundError: when no stack of the app exists in any region searched (with
        ``tolerate_unreachable``: in any region, and every region answered).
    :raises RegionUnreachableError: when a region does not answer (not if tolerated).
    :raises ValidationError: for a bad ``app_name`` or region list, or both ``session`` and
        ``client_factory``.
    """
    _check_app_name(app_name)
    region_list = _region_list("regions", regions)
    if not region_list:
        raise ValidationError(f"regions must name at least one region, got {list(regions)!r}")
    extra = [r for r in _region_list("helper_regions", helper_regions) if r not in region_list]
    if session is not None and client_factory is not None:
        raise ValidationError(
            "session and client_factory are mutually exclusive: give at most one, got "
            f"session={session!r}, client_factory={client_factory!r}"
        )
    factory = client_factory or session_factory(session)
    unreachable: dict[str, str] | None = None
    if tolerate_unreachable:
        unreachable = probe_regions(factory, app_name, [*region_list, *extra], probe_timeout)
    return _Discovery(app_name, region_list, extra, Clients(factory), unreachable).run()


def _check_app_name(app_name: Any) -> None:
    """The rules :class:`~multiregion_tap.MultiRegionApp` checks ``app_name`` by: no stack of
    another name can be the app's."""
    if not isinstance(app_name, str) or not app_name:
        raise ValidationError(
            f"app_name must be a non-empty string such as 'shop', got {app_name!r}"
        )
    if len(app_name) > APP_NAME_MAX_LENGTH or not APP_NAME_PATTERN.fullmatch(app_name):
        raise ValidationError(
            f"app_name must be at most {APP_NAME_MAX_LENGTH} lowercase letters, digits and "
            "single hyphens, start with a letter and not end with a hyphen (the app_name of "
            f"a MultiRegionApp), got {app_name!r}"
        )


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


class _Discovery:
    """One discovery run: the app's stacks, then each region, the DNS and the peering."""

    def __init__(
        self,
        app_name: str,
        regions: list[str],
        extra: list[str],
        clients: Clients,
        unreachable: dict[str, str] | None = None,
    ) -> None:
        self.app = app_name
        self.regions = regions
        self.extra = extra
        self.clients = clients
        #: Region -> why it did not answer; ``None``: not tolerated (an unreachable region
        #: raises).
        self.unreachable = unreachable
        self._resources: dict[str, dict[str, list[str]]] = {}

    def _tolerant(self, default: _T, walk: Callable[[], _T]) -> tuple[_T, str | None]:
        """``(walk(), None)``; with unreachable regions tolerated, ``(default, reason)`` when
        an endpoint ``walk`` asks does not answer."""
        if self.unreachable is None:
            return walk(), None
        try:
            return walk(), None
        except RegionUnreachableError as error:
            return default, one_line(error)

    def _region_or_unreachable(self, region: str, stacks: list[StackInfo]) -> RegionTopology:
        """The region's topology; with unreachable regions tolerated, a region that did not
        answer (its probe, or a call of its walk) is marked ``reachable=False``."""
        if self.unreachable is None:
            return self._region(region, stacks)
        if region not in self.unreachable:
            found, error = self._tolerant(None, lambda: self._region(region, stacks))
            if found is not None:
                return found
            self.unreachable[region] = str(error)
        stack = next(
            (s for s in stacks if s.kind == StackKind.REGIONAL and s.region == region), None
        )
        return RegionTopology(
            region=region,
            role=stack.role if stack else None,
            reachable=False,
            error=self.unreachable[region],
            stack=stack,
        )

    # -------------------------------------------------------------- stacks
    def run(self) -> Topology:
        stacks = self._find_stacks()
        if not stacks and not self.unreachable:
            searched = [*self.regions, *self.extra]
            raise AppNotFoundError(
                f"no stack of app {self.app!r} found in regions {searched!r}: expected "
                f"{', '.join(repr(StackNames.regional(self.app, r)) for r in self.regions)} "
                "(is it deployed, "
                "and are the credentials for the right account?)"
            )
        regional = tuple(self._region_or_unreachable(region, stacks) for region in self.regions)
        load_balancers = [r.load_balancer for r in regional if r.load_balancer]
        dns, dns_error = self._tolerant(
            None, lambda: find_dns(self.clients, stacks, load_balancers, self._stack_resources)
        )
        # The connections and routes of unreachable regions are left out.
        no_peering: tuple[PeeringConnectionInfo, ...] = ()
        peering, _ = self._tolerant(no_peering, lambda: self._peering(stacks, regional))
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
            helper_regions=tuple(self.extra),
            unreachable_helper_regions=frozen_map(
                (r, e) for r, e in (self.unreachable or {}).items() if r in self.extra
            ),
            dns_error=dns_error,
        )

    def _find_stacks(self) -> list[StackInfo]:
        found: list[StackInfo] = []
        for region in [*self.regions, *self.extra]:
            if self.unreachable is not None and region in self.unreachable:
                continue
            cfn = self.clients("cloudformation", region)
            raws, error = self._tolerant(
                list[Any](), partial(paginate, cfn, "describe_stacks", "Stacks")
            )
            if error is not None and self.unreachable is not None:
                self.unreachable[region] = error
            for raw in raws:
                status = str(raw.get("StackStatus", ""))
                if status in _GONE_STACK_STATUSES:
                    continue
                name = str(raw["StackName"])
                outputs = {
                    str(o["OutputKey"]): str(o.get("OutputValue", ""))
                    for o in raw.get("Outputs", [])
                }
                tags = tag_map(raw.get("Tags"))
                stack_id = str(raw.get("StackId", ""))
                stack_region = arn_region(stack_id) or region
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
                        outputs=frozen_map(outputs),
                        tags=frozen_map(tags),
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
        if name == StackNames.regional(self.app, region) and region in self.regions:
            return StackKind.REGIONAL
        if name == StackNames.dns(self.app):
            return StackKind.DNS
        if name == StackNames.peering(self.app):
            return StackKind.PEERING
        if name.startswith(StackNames.helper(self.app, StackNames.PEERING_ROUTES_PREFIX)):
            return StackKind.PEERING_ROUTES
        if declared == self.app or tagged == self.app:
            return StackKind.HELPER
        return None

    def _stack_resources(self, stack: StackInfo, resource_type: str) -> list[str]:
        """Physical ids of the stack's resources of one CloudFormation type."""
        if stack.stack_id not in self._resources:
            by_type: dict[str, list[str]] = {}
            cfn = self.clients("cloudformation", stack.region)
            for item in paginate(
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
        return output_value(stack, output) or next(
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
        found = call(ec2, "describe_vpcs", VpcIds=[vpc_id])
        raw = next(iter((found or {}).get("Vpcs", [])), None)
        if raw is None:
            return None
        subnets = paginate(
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
                    region=arn_region(s.get("SubnetArn")) or stack.region,
                    availability_zone=str(s.get("AvailabilityZone", "")),
                    availability_zone_id=s.get("AvailabilityZoneId"),
                    cidr_block=str(s.get("CidrBlock", "")),
                    subnet_type=tag_map(s.get("Tags")).get("aws-cdk:subnet-type"),
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
        found = call(self.clients("ecs", stack.region), "describe_clusters", clusters=[name])
        raw = next(
            (c for c in (found or {}).get("clusters", []) if c.get("status") != "INACTIVE"), None
        )
        if raw is None:
            return None
        arn = str(raw["clusterArn"])
        return ClusterInfo(
            name=str(raw.get("clusterName", name)),
            arn=arn,
            region=arn_region(arn) or stack.region,
            status=raw.get("status"),
            active_services_count=int(raw.get("activeServicesCount", 0)),
            running_tasks_count=int(raw.get("runningTasksCount", 0)),
        )

    def _service(self, stack: StackInfo, cluster: ClusterInfo | None) -> ServiceInfo | None:
        ecs = self.clients("ecs", stack.region)
        wanted = (
            output_value(stack, OutputNames.SERVICE_ARN)
            or output_value(stack, OutputNames.SERVICE_NAME)
            or next(iter(self._stack_resources(stack, "AWS::ECS::Service")), None)
        )
        cluster_ref = cluster.arn if cluster else None
        if wanted is None and cluster_ref is not None:
            arns = paginate(ecs, "list_services", "serviceArns", cluster=cluster_ref)
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
        found = call(ecs, "describe_services", cluster=cluster_ref, services=[wanted])
        raw = next(
            (s for s in (found or {}).get("services", []) if s.get("status") != "INACTIVE"), None
        )
        return service_info(raw, stack.region) if raw else None

    def _load_balancer(self, stack: StackInfo) -> LoadBalancerInfo | None:
        arn = self._first(
            stack, OutputNames.LOAD_BALANCER_ARN, "AWS::ElasticLoadBalancingV2::LoadBalancer"
        )
        if not arn:
            return None
        found = call(
            self.clients("elbv2", stack.region), "describe_load_balancers", LoadBalancerArns=[arn]
        )
        raw = next(iter((found or {}).get("LoadBalancers", [])), None)
        if raw is None:
            return None
        lb_arn = str(raw["LoadBalancerArn"])
        return LoadBalancerInfo(
            arn=lb_arn,
            name=str(raw.get("LoadBalancerName", "")),
            region=arn_region(lb_arn) or stack.region,
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
        blue = output_value(stack, OutputNames.BLUE_TARGET_GROUP_ARN)
        green = output_value(stack, OutputNames.GREEN_TARGET_GROUP_ARN)
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
            found = call(elbv2, "describe_target_groups", TargetGroupArns=list(roles))
            if found is None:  # one of them is gone: ask one by one
                for arn in roles:
                    one = call(elbv2, "describe_target_groups", TargetGroupArns=[arn])
                    raws.extend((one or {}).get("TargetGroups", []))
            else:
                raws.extend(found.get("TargetGroups", []))
        elif load_balancer is not None:
            raws = paginate(
                elbv2, "describe_target_groups", "TargetGroups", LoadBalancerArn=load_balancer.arn
            )
        groups = []
        for raw in raws:
            arn = str(raw["TargetGroupArn"])
            groups.append(
                TargetGroupInfo(
                    arn=arn,
                    name=str(raw.get("TargetGroupName", "")),
                    region=arn_region(arn) or stack.region,
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
        identifier = output_value(stack, OutputNames.DATABASE_IDENTIFIER)
        arn = output_value(stack, OutputNames.DATABASE_ARN)
        raws: list[dict[str, Any]] = []
        if identifier:
            raws = paginate(
                rds, "describe_db_instances", "DBInstances", DBInstanceIdentifier=identifier
            )
        if not raws and arn:
            raws = [
                r
                for r in paginate(
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
                raws = paginate(
                    rds, "describe_db_instances", "DBInstances", DBInstanceIdentifier=fallback
                )
        raw = next(iter(raws), None)
        return database_info(raw, stack.region) if raw else None

    def _topic(self, stack: StackInfo) -> TopicInfo | None:
        arn = self._first(stack, OutputNames.ALARM_TOPIC_ARN, "AWS::SNS::Topic")
        if not arn:
            return None
        found = call(self.clients("sns", stack.region), "get_topic_attributes", TopicArn=arn)
        if found is None:
            return None
        attributes = found.get("Attributes", {})
        confirmed = attributes.get("SubscriptionsConfirmed")
        return TopicInfo(
            arn=arn,
            name=arn_tail(arn),
            region=arn_region(arn) or stack.region,
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
                call(
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
            alarm_pages = pages(
                cloudwatch,
                "describe_alarms",
                ActionPrefix=topic.arn,
                AlarmTypes=["MetricAlarm", "CompositeAlarm"],
            )
            for page in alarm_pages:
                for kind, key in (("metric", "MetricAlarms"), ("composite", "CompositeAlarms")):
                    for raw in page.get(key, []):
                        if alarm_info(raw, kind, stack.region).notifies(topic.arn):
                            raws[str(raw["AlarmName"])] = (kind, raw)
        alarms = [alarm_info(raw, kind, stack.region) for kind, raw in raws.values()]
        return tuple(sorted(alarms, key=lambda a: a.name))

    def _dashboards(self, stack: StackInfo, *helpers: StackInfo) -> tuple[DashboardInfo, ...]:
        """The regional stack's dashboards, then those of the app's helper stacks in the same
        region (such as an overview dashboard of every region)."""
        dashboards: dict[str, DashboardInfo] = {}
        for owner in (stack, *helpers):
            names = [
                *outputs_named(owner, OutputNames.DASHBOARD_NAME),
                *self._stack_resources(owner, "AWS::CloudWatch::Dashboard"),
            ]
            cloudwatch = self.clients("cloudwatch", owner.region)
            for name in dict.fromkeys(names):
                if name in dashboards:
                    continue
                found = call(cloudwatch, "get_dashboard", DashboardName=name)
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

    # -------------------------------------------------------------- peering
    def _peering(
        self, stacks: list[StackInfo], regional: tuple[RegionTopology, ...]
    ) -> tuple[PeeringConnectionInfo, ...]:
        wanted: dict[str, str] = {}  # peering connection id -> region to ask
        for stack in stacks:
            ids = [
                *outputs_named(stack, OutputNames.PEERING_CONNECTION_ID),
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
            found = call(
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
            for raw in paginate(
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
        for region in dict.fromkeys(r for r in sides if r and r not in (self.unreachable or {})):
            for table in paginate(
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
