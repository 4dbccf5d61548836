"""FailoverDns: one DNS name that moves from the primary region to a healthy secondary."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_route53 as route53
from constructs import Construct

from ._private.dns_names import normalize_name, require_hostable_zone, require_inside_zone
from ._private.dns_targets import load_balancer_target, record_target
from ._private.outputs import add_well_known_output
from ._private.producers import follow
from ._private.validation import (
    fail,
    is_token,
    names_construct_path,
    require_distinct,
    require_exclusive,
    require_int_range,
    require_one_of,
    require_output_suffix,
    require_pattern,
    require_region,
)
from .outputs import OutputNames

__all__ = ["ALIAS_TTL_SECONDS", "FailoverDns", "FailoverDnsProps"]

#: Time to live of an alias record that points at a load balancer. Route 53 fixes it at 60 s;
#: resolvers may keep the old answer this long after the switch.
ALIAS_TTL_SECONDS = 60
_PATH_RE = re.compile(r"/[\x21-\x7e]{0,254}")
_ALLOWED_INTERVALS = (10, 30)


@dataclass(frozen=True, kw_only=True)
class FailoverDnsProps:
    """The props of :class:`FailoverDns` that :class:`~multiregion_tap.MultiRegionApp` passes
    through (it supplies the load balancers itself). See :class:`FailoverDns` for each field."""

    record_name: str
    existing_zone: route53.IHostedZone | None = None
    existing_zone_id: str | None = None
    zone_name: str | None = None
    health_check_path: str = "/"
    health_check_protocol: str | None = None
    health_check_port: int | None = None
    health_check_interval: cdk.Duration | None = None
    failure_threshold: int = 3
    ipv6: bool | None = None
    zone_removal_policy: cdk.RemovalPolicy | None = None
    output_suffix: str = ""


class FailoverDns(Construct):
    """Route 53 failover records of ONE name that send traffic to the healthy region.

    For each region a Route 53 health check probes that region's Application Load Balancer
    (by its DNS name). The record ``record_name`` exists twice with the SAME name and type:
    a ``PRIMARY`` failover alias to the primary region's load balancer with the primary's
    health check, and a ``SECONDARY`` failover alias with the next region's health check. The
    set identifiers name the position (``primary``, ``secondary``), so moving another region
    into a position updates a record in place. When every load balancer is dualstack, an
    ``AAAA`` pair sits beside the ``A`` pair.

    **Health.** A record to a load balancer follows its Route 53 health check, which
    requests ``health_check_path`` through the load balancer; it does not evaluate the load
    balancer's target health (``EvaluateTargetHealth: false``): Route 53 counts a target group
    without registered targets as unhealthy, and blue/green leaves one target group empty
    between deployments. The hidden chain records below evaluate the health of the records
    they alias.

    **No secondary load balancer** (``secondary_load_balancers=[]``, the state after a
    failover left one serving region): both records of the pair point at the primary's load
    balancer, so the name keeps one PRIMARY and one SECONDARY record.

    **More than one secondary region: chained failover.** A Route 53 failover pair has exactly
    one ``PRIMARY`` and one ``SECONDARY``. With secondary regions ``[s1, s2, ..., sn]`` the
    ``SECONDARY`` record of ``record_name`` is an alias to the hidden name
    ``_failover-1.<record_name>``, itself a failover pair: ``PRIMARY`` = ``s1`` (with its
    health check), ``SECONDARY`` = ``_failover-2.<record_name>``, and so on; the last pair's
    ``SECONDARY`` is ``sn``'s load balancer with its health check. Traffic therefore goes to
    the first healthy region in the order primary, ``s1``, ``s2``, ... ``sn``. (When every
    region is unhealthy, Route 53 answers with the primary, as it does for any failover pair.)
    With one secondary region there is no hidden name.

    **Expected failover time.** Route 53 marks an endpoint unhealthy after
    ``failure_threshold`` failed checks ``health_check_interval`` apart, and resolvers may
    keep the old alias answer for its fixed 60 s TTL, so the detection and switch time is
    about ``interval x threshold + 60 s`` (defaults: 30 s x 3 + 60 s = 150 s). It is
    available before deploying as :attr:`expected_failover_time`. Every health check and
    region switch in a chain happens concurrently, so the figure also holds for reaching a
    later secondary.

    **Where it lives.** Route 53 is global, so the construct can go in any stack; the
    load balancers in the regional stacks are read through weak cross-region references
    (``Fn::GetStackOutput``), so that stack depends on the regional stacks and must not be one
    of them (the regional stacks must not depend on it). With
    :class:`~multiregion_tap.MultiRegionApp` it goes in the helper stack ``<app_name>-dns``,
    outside the primary region (by default in the first secondary region), so that moving the
    records after losing the primary region needs nothing from that region; the health-check
    alarms (:class:`~multiregion_tap.HealthCheckAlarms`) go to a ``us-east-1`` stack, where
    Route 53 publishes the health checks' metrics::

        dns_stack = app.add_helper_stack("dns", region="us-east-2")
        dns = FailoverDns(dns_stack, "FailoverDns",
                          primary_load_balancer=primary_alb,
                          secondary_load_balancers=[secondary_alb],
                          record_name="shop.mycompany.com", zone_name="mycompany.com")

    :param scope: The parent construct (a construct in the DNS stack).
    :param id: The construct id. Changing it replaces the records and health checks.
    :param primary_load_balancer: The primary region's load balancer, internet-facing (Route
        53's health checkers cannot reach an internal one: refused). Its stack's region must
        be a literal region. An imported load balancer
        (``ApplicationLoadBalancer.from_application_load_balancer_attributes``, with its DNS
        name and canonical hosted zone id, refused without them) works: give
        ``health_check_protocol`` and
        ``health_check_port`` when it does not serve HTTP on port 80.
    :param secondary_load_balancers: The secondary regions' load balancers, in failover order,
        each in a distinct region other than the primary's, internet-facing like the
        primary's; may be empty (see above).
    :param record_name: The fully qualified name users resolve, e.g. ``"shop.mycompany.com"``
        (a trailing dot is accepted). Must be the zone name or a name inside the zone.
    :param existing_zone: A hosted zone to add the records to. Its ``zone_name`` must be
        known (import it with ``HostedZone.from_hosted_zone_attributes``, not
        ``from_hosted_zone_id``). Exclusive with ``existing_zone_id``.
        Default: - use ``existing_zone_id`` or create a zone.
    :param existing_zone_id: Id of an existing hosted zone (with ``zone_name``).
        Default: - use ``existing_zone`` or create a zone.
    :param zone_name: The zone's name: required with ``existing_zone_id`` and when creating a
        public hosted zone (when neither existing prop is given); with ``existing_zone`` it
        must match that zone's name. Route 53 hosts no zone for a top-level domain and
        reserves ``example.com``, ``example.net``, ``example.org`` and the names below them:
        those are refused (as the name of ``existing_zone``).
        Default: - the name of ``existing_zone``.
    :param health_check_path: Path the health checks request; starts with ``/``, at most 255
        characters. Default: ``"/"``
    :param health_check_protocol: ``"HTTP"`` or ``"HTTPS"`` for every region. HTTPS checks do
        not validate the certificate. Default: - per region, HTTPS on the port of the load
        balancer's HTTPS listener when it has one (the service has a certificate), else HTTP
        on its HTTP listener's port; HTTP on port 80 for an imported load balancer, whose
        listeners CDK cannot read (give ``"HTTPS"`` for one that serves HTTPS).
    :param health_check_port: Port the health checks connect to. Default: - the port of the
        listener chosen above, else 443 for HTTPS and 80 for HTTP.
    :param health_check_interval: Seconds between two checks of one Route 53 checker: 10 or
        30 seconds (Route 53 accepts nothing else and cannot change it after creation).
        Default: 30 seconds
    :param failure_threshold: Consecutive failed (or passed) checks before Route 53 changes
        a region's status, 1 to 10. Default: 3
    :param ipv6: Also create ``AAAA`` failover records. Default: - when every load balancer
        is dualstack (``ip_address_type`` ``DUAL_STACK`` or
        ``DUAL_STACK_WITHOUT_PUBLIC_IPV4``); with mixed types only ``A`` records, which
        dualstack load balancers answer too. ``True`` with an IPv4-only load balancer fails.
    :param zone_removal_policy: What happens to a hosted zone this construct creates when it
        leaves the stack. Default: - ``RemovalPolicy.RETAIN`` (the zone's name servers are
        delegated to; a new zone gets new ones).
    :param output_suffix: Suffix of the well-known outputs ``HostedZoneId`` and
        ``FailoverRecordName``, for a second FailoverDns in the same stack. Default: ``""``
    :raises ValidationError: for a bad prop; the message names the prop and the value.
    """

    @names_construct_path
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        primary_load_balancer: elbv2.IApplicationLoadBalancer,
        secondary_load_balancers: Sequence[elbv2.IApplicationLoadBalancer],
        record_name: str,
        existing_zone: route53.IHostedZone | None = None,
        existing_zone_id: str | None = None,
        zone_name: str | None = None,
        health_check_path: str = "/",
        health_check_protocol: str | None = None,
        health_check_port: int | None = None,
        health_check_interval: cdk.Duration | None = None,
        failure_threshold: int = 3,
        ipv6: bool | None = None,
        zone_removal_policy: cdk.RemovalPolicy | None = None,
        output_suffix: str = "",
    ) -> None:
        # ---------------------------------------------------------------- validation
        secondaries = _as_list("secondary_load_balancers", secondary_load_balancers)
        load_balancers = [primary_load_balancer, *secondaries]
        regions = [
            _region_of("primary_load_balancer", primary_load_balancer),
            *(_region_of(f"secondary_load_balancers[{i}]", lb) for i, lb in enumerate(secondaries)),
        ]
        require_distinct("regions of the load balancers", regions)
        _require_reachable("primary_load_balancer", primary_load_balancer)
        for index, secondary in enumerate(secondaries):
            _require_reachable(f"secondary_load_balancers[{index}]", secondary)

        require_exclusive(existing_zone=existing_zone, existing_zone_id=existing_zone_id)
        if existing_zone is None and zone_name is None:
            raise fail(
                "zone_name",
                zone_name,
                "be given with existing_zone_id or to create a hosted zone (or pass existing_zone)",
            )
        given_zone_name = None if zone_name is None else normalize_name("zone_name", zone_name)
        if existing_zone is not None:
            known = _zone_name_of(existing_zone)
            if given_zone_name is not None and not is_token(known) and given_zone_name != known:
                raise fail("zone_name", zone_name, f"match existing_zone's name {known!r}")
            require_hostable_zone("existing_zone.zone_name", known, known)
            resolved_zone_name = known
        else:
            assert given_zone_name is not None
            require_hostable_zone("zone_name", zone_name, given_zone_name)
            resolved_zone_name = given_zone_name
        name = normalize_name("record_name", record_name)
        require_inside_zone("record_name", record_name, name, resolved_zone_name)

        require_pattern(
            "health_check_path",
            health_check_path,
            _PATH_RE,
            "start with '/' and be at most 255 printable characters without spaces",
        )
        require_one_of("health_check_protocol", health_check_protocol, ("HTTP", "HTTPS"))
        require_int_range("health_check_port", health_check_port, 1, 65535)
        interval = (
            cdk.Duration.seconds(30) if health_check_interval is None else health_check_interval
        )
        interval_seconds = _interval_seconds(interval)
        require_int_range("failure_threshold", failure_threshold, 1, 10)
        require_output_suffix(output_suffix)

        dualstack = [_is_dualstack(lb) for lb in load_balancers]
        if ipv6 is True and not all(dualstack):
            ipv4_only = [r for r, d in zip(regions, dualstack, strict=True) if not d]
            raise fail(
                "ipv6",
                ipv6,
                f"be False or None while the load balancers of {ipv4_only!r} are not dualstack",
            )
        with_ipv6 = all(dualstack) if ipv6 is None else ipv6

        super().__init__(scope, id)

        # ---------------------------------------------------------------- hosted zone
        self._zone_created: route53.PublicHostedZone | None = None
        if existing_zone is not None:
            zone = existing_zone
        elif existing_zone_id is not None:
            zone = route53.HostedZone.from_hosted_zone_attributes(
                self, "ImportedZone", hosted_zone_id=existing_zone_id, zone_name=resolved_zone_name
            )
        else:
            created = route53.PublicHostedZone(self, "Zone", zone_name=resolved_zone_name)
            created.apply_removal_policy(zone_removal_policy or cdk.RemovalPolicy.RETAIN)
            self._zone_created = created
            zone = created
        self._zone = zone
        self._zone_name = resolved_zone_name
        self._record_name = name
        self._regions = tuple(regions)
        self._interval_seconds = interval_seconds
        self._failure_threshold = failure_threshold

        # ---------------------------------------------------------------- health checks
        self._health_checks: dict[str, route53.HealthCheck] = {}
        for region, lb in zip(regions, load_balancers, strict=True):
            check_type, port = _health_check_endpoint(lb, health_check_protocol, health_check_port)
            check = route53.HealthCheck(
                self,
                f"HealthCheck-{region}",
                type=check_type,
                fqdn=lb.load_balancer_dns_name,
                port=port,
                resource_path=health_check_path,
                request_interval=interval,
                failure_threshold=failure_threshold,
            )
            cdk.Tags.of(check).add("Name", f"{name} {region}")
            # The load balancer of another stack: replacing it updates the check and the
            # records that alias it (see _private/producers).
            follow(check, [lb])
            self._health_checks[region] = check

        # ---------------------------------------------------------------- records
        record_types = [route53.RecordType.A]
        if with_ipv6:
            record_types.append(route53.RecordType.AAAA)
        self._records: dict[str, list[route53.RecordSet]] = {}
        for record_type in record_types:
            self._records[record_type.value] = self._failover_chain(
                record_type, name, regions, load_balancers
            )

        # ---------------------------------------------------------------- outputs
        add_well_known_output(
            self,
            OutputNames.HOSTED_ZONE_ID,
            zone.hosted_zone_id,
            description="Hosted zone of the failover record",
            suffix=output_suffix,
        )
        add_well_known_output(
            self,
            OutputNames.RECORD_NAME,
            name,
            description="Failover record name (PRIMARY and SECONDARY share it)",
            suffix=output_suffix,
        )

    # ------------------------------------------------------------------ internals
    def _failover_chain(
        self,
        record_type: route53.RecordType,
        name: str,
        regions: list[str],
        load_balancers: list[elbv2.IApplicationLoadBalancer],
    ) -> list[route53.RecordSet]:
        """Build the failover pair of ``name`` and, with several secondaries, the hidden
        pairs it chains to (built from the last one backwards)."""
        kind = record_type.value
        # One region left (after a failover): the pair stays a pair, both records on it.
        if len(regions) == 1:
            regions = regions * 2
            load_balancers = load_balancers * 2
        levels = len(regions) - 1  # number of failover pairs
        records: list[route53.RecordSet] = []
        next_record: route53.RecordSet | None = None
        for level in reversed(range(levels)):
            level_name = name if level == 0 else f"_failover-{level}.{name}"
            primary_region, primary_lb = regions[level], load_balancers[level]
            suffix = "" if level == 0 else f"-Chain{level}"
            # Set identifiers name the position, not the region: moving a region into a
            # position (a failover) updates the record in place instead of replacing it.
            position = "" if level == 0 else f"-chain{level}"
            primary = route53.RecordSet(
                self,
                f"{kind}Primary{suffix}",
                zone=self._zone,
                record_type=record_type,
                record_name=f"{level_name}.",
                target=load_balancer_target(primary_lb),
                failover=route53.Failover.PRIMARY,
                health_check=self._health_checks[primary_region],
                set_identifier=f"primary{position}",
            )
            _health_check_decides(primary)
            follow(primary, [primary_lb])
            secondary_check: route53.IHealthCheck | None = None
            secondary_lb: elbv2.IApplicationLoadBalancer | None
            if next_record is None:
                secondary_region, secondary_lb = regions[level + 1], load_balancers[level + 1]
                secondary_target = load_balancer_target(secondary_lb)
                secondary_check = self._health_checks[secondary_region]
            else:
                secondary_lb = None
                secondary_target = record_target(next_record, self._zone)
            secondary = route53.RecordSet(
                self,
                f"{kind}Secondary{suffix}",
                zone=self._zone,
                record_type=record_type,
                record_name=f"{level_name}.",
                target=secondary_target,
                failover=route53.Failover.SECONDARY,
                health_check=secondary_check,
                set_identifier=f"secondary{position}",
            )
            if secondary_check is not None:
                _health_check_decides(secondary)
            follow(secondary, [secondary_lb])
            records[:0] = [primary, secondary]
            next_record = primary
        return records

    # ------------------------------------------------------------------ attributes
    @property
    def zone(self) -> route53.IHostedZone:
        """The hosted zone that holds the records (given or created)."""
        return self._zone

    @property
    def created_zone(self) -> route53.PublicHostedZone | None:
        """The hosted zone this construct created, or ``None`` when one was given."""
        return self._zone_created

    @property
    def zone_name(self) -> str:
        """The hosted zone's name, without a trailing dot."""
        return self._zone_name

    @property
    def record_name(self) -> str:
        """The failover record's fully qualified name, lowercase, without a trailing dot."""
        return self._record_name

    @property
    def regions(self) -> tuple[str, ...]:
        """Every region in failover order, the primary first."""
        return self._regions

    @property
    def health_checks(self) -> Mapping[str, route53.HealthCheck]:
        """The Route 53 health check of each region, by region (a read-only view)."""
        return dict(self._health_checks)

    @property
    def records(self) -> Mapping[str, tuple[route53.RecordSet, ...]]:
        """Every record by type (``"A"``, ``"AAAA"``): the PRIMARY and SECONDARY of
        ``record_name`` first, then the hidden chain pairs in order."""
        return {k: tuple(v) for k, v in self._records.items()}

    @property
    def primary_record(self) -> route53.RecordSet:
        """The ``A`` record with failover ``PRIMARY`` of ``record_name``."""
        return self._records["A"][0]

    @property
    def secondary_record(self) -> route53.RecordSet:
        """The ``A`` record with failover ``SECONDARY`` of ``record_name``."""
        return self._records["A"][1]

    @property
    def health_check_interval_seconds(self) -> int:
        """Seconds between two checks of one Route 53 checker (10 or 30)."""
        return self._interval_seconds

    @property
    def failure_threshold(self) -> int:
        """Consecutive failed checks before a region is unhealthy."""
        return self._failure_threshold

    @property
    def expected_failover_seconds(self) -> int:
        """Seconds from a region failing to clients reaching the next healthy region:
        ``interval x failure_threshold + 60`` (the alias TTL). An estimate: Route 53 adds a
        few seconds of aggregation, and resolvers that ignore TTLs take longer."""
        return self._interval_seconds * self._failure_threshold + ALIAS_TTL_SECONDS

    @property
    def expected_failover_time(self) -> cdk.Duration:
        """:attr:`expected_failover_seconds` as a :class:`aws_cdk.Duration`."""
        return cdk.Duration.seconds(self.expected_failover_seconds)


# ---------------------------------------------------------------------- helpers
def _health_check_decides(record: route53.RecordSet) -> None:
    """A record to a load balancer follows its Route 53 health check alone.

    ``EvaluateTargetHealth`` on an Application Load Balancer would add the health of its
    target groups, and the Route 53 API reference (``AliasTarget``) says "A target group that
    has no registered targets is considered unhealthy": between blue/green deployments the
    idle target group is empty, so the alias could declare a healthy region unhealthy. The
    record's health check requests the service's health path through the load balancer,
    which is the health that matters. CDK insists on ``true`` for failover alias records (a
    rule of its own, not Route 53's), hence the override of the synthesized property.
    """
    cfn = record.node.default_child
    assert isinstance(cfn, route53.CfnRecordSet)
    cfn.add_property_override("AliasTarget.EvaluateTargetHealth", False)


def _as_list(prop: str, value: Any) -> list[Any]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise fail(prop, value, "be a list of load balancers")
    return list(value)


def _region_of(prop: str, load_balancer: elbv2.IApplicationLoadBalancer) -> str:
    region = cdk.Stack.of(load_balancer).region
    if cdk.Token.is_unresolved(region):
        raise fail(
            prop,
            load_balancer.node.path,
            "be in a stack with a literal region (env=Environment(region=...))",
        )
    return require_region(f"region of {prop}", region)


def _require_reachable(prop: str, load_balancer: elbv2.IApplicationLoadBalancer) -> None:
    """Refuse an internal load balancer built in this app: Route 53's health checkers reach
    endpoints over the internet, so its health check would always fail (an imported load
    balancer's scheme is unknown: it passes). An imported one must know its DNS name and
    canonical hosted zone id, which the health check and the alias records use."""
    if not isinstance(load_balancer, elbv2.ApplicationLoadBalancer):
        try:
            load_balancer.load_balancer_dns_name  # noqa: B018 - CDK raises when unknown
            load_balancer.load_balancer_canonical_hosted_zone_id  # noqa: B018
        except (RuntimeError, jsii.errors.JSIIError):
            raise fail(
                prop,
                load_balancer.node.path,
                "know its DNS name and canonical hosted zone id: import it with "
                "ApplicationLoadBalancer.from_application_load_balancer_attributes("
                "load_balancer_dns_name=..., load_balancer_canonical_hosted_zone_id=...)",
            ) from None
        return
    cfn = load_balancer.node.default_child
    if isinstance(cfn, elbv2.CfnLoadBalancer) and cfn.scheme == "internal":
        raise fail(
            prop,
            load_balancer.node.path,
            "be internet-facing: Route 53 health checkers reach the load balancer over the "
            "internet and cannot reach an internal one",
        )


def _zone_name_of(zone: route53.IHostedZone) -> str:
    try:
        zone_name = zone.zone_name
    except (RuntimeError, jsii.errors.JSIIError):
        raise fail(
            "existing_zone",
            zone.node.path,
            "know its zone name: import it with HostedZone.from_hosted_zone_attributes "
            "(or pass existing_zone_id and zone_name)",
        ) from None
    return normalize_name("existing_zone.zone_name", zone_name)


def _interval_seconds(interval: cdk.Duration) -> int:
    if not isinstance(interval, cdk.Duration):
        raise fail("health_check_interval", interval, "be an aws_cdk.Duration of 10 or 30 seconds")
    millis = interval.to_milliseconds()
    if is_token(millis):
        raise fail(
            "health_check_interval",
            interval.to_human_string(),
            "be a literal duration of 10 or 30 seconds",
        )
    if millis not in tuple(s * 1000 for s in _ALLOWED_INTERVALS):
        raise fail(
            "health_check_interval",
            interval.to_human_string(),
            "be 10 or 30 seconds (the only request intervals Route 53 accepts)",
        )
    return int(millis // 1000)


def _is_dualstack(load_balancer: elbv2.IApplicationLoadBalancer) -> bool:
    ip_type = load_balancer.ip_address_type
    return ip_type in (
        elbv2.IpAddressType.DUAL_STACK,
        elbv2.IpAddressType.DUAL_STACK_WITHOUT_PUBLIC_IPV4,
    )


def _health_check_endpoint(
    load_balancer: elbv2.IApplicationLoadBalancer, protocol: str | None, port: int | None
) -> tuple[route53.HealthCheckType, int]:
    """Protocol and port of a region's health check (HTTPS when the ALB has a certificate).

    Only a load balancer built in this app knows its listeners: CDK refuses ``.listeners``
    of an imported one (``from_application_load_balancer_attributes``, ``from_lookup``),
    which therefore gets ``protocol`` (default HTTP) on ``port`` (default the protocol's).
    """
    owned = isinstance(load_balancer, elbv2.ApplicationLoadBalancer)
    listeners = list(load_balancer.listeners) if owned else []
    https = [lst for lst in listeners if lst.protocol == elbv2.ApplicationProtocol.HTTPS]
    http = [lst for lst in listeners if lst.protocol == elbv2.ApplicationProtocol.HTTP]
    if protocol is None:
        protocol = "HTTPS" if https else "HTTP"
    if port is None:
        candidates = https if protocol == "HTTPS" else http
        literal = [lst.port for lst in candidates if not is_token(lst.port)]
        port = int(literal[0]) if literal else (443 if protocol == "HTTPS" else 80)
    check_type = (
        route53.HealthCheckType.HTTPS if protocol == "HTTPS" else route53.HealthCheckType.HTTP
    )
    return check_type, port
