"""The operator's view of a deployed app, ``multiregion-tap status``: what each region answers,
which database is the writer, the DNS failover, and the next runbook step.

:func:`app_status` runs ``discover(..., tolerate_unreachable=True)`` (a region that does not
answer is marked, never an error), then reads what an outage needs on top of it: each replica's
lag (CloudWatch ``ReplicaLag``, the maximum over the last 5 minutes), and Route 53 (the DNS
stack ``<app_name>-dns`` found in any region searched: the record the ``PRIMARY`` failover
alias points at, the ``SECONDARY`` order along the failover chain, each health check's
configuration and status). A database is a writer when it is not a read replica (no
``ReadReplicaSourceDBInstanceIdentifier``: a primary, or a promoted replica), unless the
region's service is stood down (desired count 0): the superseded primary after a failover,
which nothing writes to. The next step is
:func:`~multiregion_tap.discovery.advice.next_step` of the regions' states.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any, ClassVar

from ..outputs import OutputNames, StackNames
from .advice import RegionState, next_step
from .aws import ClientFactory, Clients, SessionLike, call, describe_aws_error, session_factory
from .dns import (
    dns_stack,
    failover_order,
    failover_records,
    health_check_status,
    in_chain,
    load_balancer_regions,
    record_name_of,
    route53_region,
)
from .model import RegionTopology, frozen_map
from .parse import health_check_info, output_value
from .reach import DEFAULT_PROBE_TIMEOUT, one_line
from .render import jsonable
from .topology import Topology
from .walk import discover

__all__ = ["AppStatus", "DnsStatus", "HealthCheckStatus", "RegionStatus", "app_status"]

#: The window of the replica lag: its maximum over the last five minutes.
LAG_WINDOW = timedelta(minutes=5)


@dataclass(frozen=True, kw_only=True)
class RegionStatus:
    """One region of :class:`AppStatus`."""

    region: str
    #: Whether the region's AWS endpoints answered.
    reachable: bool
    #: Why not, in one line.
    error: str | None = None
    #: The regional stack ``<app_name>-<region>`` and its status, when found.
    stack_name: str | None = None
    stack_status: str | None = None
    #: The regional stack's ``MultiRegionTapRegionRole`` output.
    role: str | None = None
    #: The region's DB instance identifier, when found.
    database: str | None = None
    #: True when the database is a writer (not a read replica).
    writer: bool = False
    #: True when the region's service is stood down (desired count 0): after a failover the
    #: superseded primary's standalone database, which nothing writes to (not counted as a
    #: writer in :attr:`AppStatus.writers`).
    stood_down: bool = False
    #: The source of a read replica (its ARN for a cross-region replica).
    replica_source: str | None = None
    #: A replica's ``ReplicaLag``, the maximum over the last 5 minutes, in seconds.
    replica_lag_seconds: float | None = None
    #: Why the replica lag is not known (``n/a``), in one line.
    replica_lag_note: str | None = None
    #: The regional stack's ``DatabaseHistory`` output (the failovers and fail-backs its
    #: last deploy had), ``""`` when it has none.
    database_history: str = ""


@dataclass(frozen=True, kw_only=True)
class HealthCheckStatus:
    """A Route 53 health check of the failover records: its configuration and status."""

    health_check_id: str
    #: ``HTTP``, ``HTTPS``, ``TCP``, ...
    protocol: str | None = None
    fqdn: str | None = None
    port: int | None = None
    path: str | None = None
    interval_seconds: int | None = None
    failure_threshold: int | None = None
    #: The region whose load balancer the check probes, when its FQDN matches one.
    target_region: str | None = None
    #: ``healthy (...)``/``unhealthy (...)`` from the checkers, or ``n/a (<why>)``.
    status: str = "n/a"


@dataclass(frozen=True, kw_only=True)
class DnsStatus:
    """The DNS failover of :class:`AppStatus`."""

    #: The DNS stack and its region (``None``: not found in any region searched).
    stack_name: str | None = None
    stack_region: str | None = None
    record_name: str | None = None
    hosted_zone_id: str | None = None
    hosted_zone_name: str | None = None
    #: The region whose load balancer the ``PRIMARY`` record points at (or ``unknown (...)``).
    primary_region: str | None = None
    #: The regions the ``SECONDARY`` record fails over to, in order.
    secondary_order: tuple[str, ...] = ()
    health_checks: tuple[HealthCheckStatus, ...] = ()
    #: Why the DNS failover could not be read (no DNS stack found, Route 53 did not answer).
    error: str | None = None


@dataclass(frozen=True, kw_only=True)
class AppStatus:
    """What :func:`app_status` returns: per region, the DNS, warnings and the next step."""

    _json_properties: ClassVar[tuple[str, ...]] = ("writers",)

    app_name: str
    regions: tuple[str, ...]
    regional: tuple[RegionStatus, ...]
    dns: DnsStatus
    #: Helper regions that did not answer, each with the reason.
    unreachable_helper_regions: Mapping[str, str] = field(
        default_factory=lambda: frozen_map(None), hash=False
    )
    #: Loud warnings (more than one writer).
    warnings: tuple[str, ...] = ()
    #: The next runbook step (:func:`~multiregion_tap.discovery.advice.next_step`).
    next: tuple[str, ...] = ()

    @property
    def writers(self) -> tuple[str, ...]:
        """The reachable regions whose database is a writer, but for a stood-down region's."""
        return tuple(
            r.region for r in self.regional if r.reachable and r.writer and not r.stood_down
        )

    def as_dict(self) -> dict[str, Any]:
        """A JSON-serializable dict of everything (``next`` included)."""
        result = jsonable(self)
        assert isinstance(result, dict)
        return result

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`as_dict` as a JSON string."""
        return json.dumps(self.as_dict(), indent=indent)

    def format_text(self) -> str:
        """The status as text: one line per region (and its database), the DNS, the
        warnings, then the lines of the next step."""
        reachable = sum(1 for r in self.regional if r.reachable)
        lines = [
            f"multiregion-tap status of app {self.app_name!r}: {reachable}/{len(self.regional)} "
            "region(s) reachable",
            "",
        ]
        for reg in self.regional:
            lines.extend(_region_lines(reg))
        for region, error in self.unreachable_helper_regions.items():
            lines.append(f"helper region {region}: UNREACHABLE: {error}")
        lines.append("")
        lines.extend(_dns_lines(self.dns))
        if self.warnings:
            lines.append("")
            lines.extend(self.warnings)
        lines.append("")
        lines.extend(self.next)
        return "\n".join(lines) + "\n"

    def __str__(self) -> str:
        return self.format_text()


def _region_lines(reg: RegionStatus) -> list[str]:
    if not reg.reachable:
        return [f"{reg.region}: UNREACHABLE: {reg.error}"]
    if reg.stack_name is None:
        return [f"{reg.region}: reachable, no regional stack"]
    lines = [
        f"{reg.region}: reachable, stack {reg.stack_name} {reg.stack_status}, "
        f"role {reg.role or 'unknown'}"
    ]
    if reg.database is None:
        lines.append("  database: not found")
    elif reg.writer and reg.stood_down:
        lines.append(
            f"  database {reg.database}: standalone, superseded (service stood down: 0 tasks)"
        )
    elif reg.writer:
        lines.append(f"  database {reg.database}: WRITER")
    else:
        lag = (
            f"{reg.replica_lag_seconds:g} s (maximum over the last 5 minutes)"
            if reg.replica_lag_seconds is not None
            else f"n/a ({reg.replica_lag_note})"
        )
        lines.append(
            f"  database {reg.database}: replica of {reg.replica_source}, replica lag {lag}"
        )
    return lines


def _dns_lines(dns: DnsStatus) -> list[str]:
    if dns.stack_name is None:
        return [f"dns: {dns.error}"]
    zone = f"{dns.hosted_zone_name or '?'} ({dns.hosted_zone_id or '?'})"
    lines = [
        f"dns: stack {dns.stack_name} in {dns.stack_region}, record {dns.record_name or '?'} "
        f"in zone {zone}"
    ]
    if dns.error is not None:
        return [*lines, f"  {dns.error}"]
    lines.append(f"  PRIMARY -> {dns.primary_region or 'no PRIMARY record'}")
    lines.append(f"  SECONDARY order: {', '.join(dns.secondary_order) or 'no SECONDARY record'}")
    for hc in dns.health_checks:
        where = f" ({hc.target_region})" if hc.target_region else ""
        lines.append(
            f"  health check {hc.health_check_id}: {hc.protocol or '?'} {hc.fqdn or '?'}:"
            f"{hc.port or '?'}{hc.path or ''}, every {hc.interval_seconds or '?'} s, failure "
            f"threshold {hc.failure_threshold or '?'}{where}: {hc.status}"
        )
    return lines


# ---------------------------------------------------------------------- reading
def _aws_failure(error: Exception) -> str | None:
    described = describe_aws_error(error)
    return one_line(described) if described is not None else None


def _replica_lag(clients: Clients, reg: RegionTopology) -> tuple[float | None, str | None]:
    database = reg.database
    assert database is not None
    now = datetime.now(timezone.utc)
    try:
        found = call(
            clients("cloudwatch", reg.region),
            "get_metric_statistics",
            Namespace="AWS/RDS",
            MetricName="ReplicaLag",
            Dimensions=[{"Name": "DBInstanceIdentifier", "Value": database.identifier}],
            StartTime=now - LAG_WINDOW,
            EndTime=now,
            Period=60,
            Statistics=["Maximum"],
        )
    except Exception as error:
        failure = _aws_failure(error)
        if failure is None:
            raise
        return None, f"CloudWatch: {failure}"
    values = [float(p["Maximum"]) for p in (found or {}).get("Datapoints", []) if "Maximum" in p]
    if not values:
        return None, "no ReplicaLag datapoint in the last 5 minutes"
    return max(values), None


def _region_status(clients: Clients, reg: RegionTopology) -> RegionStatus:
    if not reg.reachable:
        return RegionStatus(region=reg.region, reachable=False, error=reg.error, role=reg.role)
    db = reg.database
    lag: tuple[float | None, str | None] = (None, None)
    if db is not None and db.is_replica:
        lag = _replica_lag(clients, reg)
    return RegionStatus(
        region=reg.region,
        reachable=True,
        stack_name=reg.stack.name if reg.stack else None,
        stack_status=reg.stack.status if reg.stack else None,
        role=reg.role,
        database=db.identifier if db else None,
        writer=db is not None and not db.is_replica,
        stood_down=reg.service is not None and reg.service.desired_count == 0,
        replica_source=db.source_arn if db else None,
        replica_lag_seconds=lag[0],
        replica_lag_note=lag[1],
        database_history=(
            reg.stack.outputs.get(OutputNames.DATABASE_HISTORY, "") if reg.stack else ""
        ),
    )


def _dns_status(clients: Clients, topology: Topology) -> DnsStatus:
    stack = dns_stack(topology.stacks)
    if stack is None:
        answered = [
            r
            for r in dict.fromkeys([*topology.regions, *topology.helper_regions])
            if r not in topology.unreachable_regions
            and r not in topology.unreachable_helper_regions
        ]
        unreachable = [*topology.unreachable_regions, *topology.unreachable_helper_regions]
        return DnsStatus(
            error=f"stack {StackNames.dns(topology.app_name)} not found in "
            f"{', '.join(answered) or 'any region'}"
            + (f" (unreachable: {', '.join(unreachable)})" if unreachable else "")
        )
    zone_id = output_value(stack, "HostedZoneId")
    record_name = record_name_of(stack)
    base = DnsStatus(
        stack_name=stack.name,
        stack_region=stack.region,
        record_name=record_name,
        hosted_zone_id=zone_id.removeprefix("/hostedzone/") if zone_id else None,
    )
    if topology.dns_error is not None:
        return replace(base, error=f"Route 53 did not answer: {topology.dns_error}")
    if base.hosted_zone_id is None or record_name is None:
        return replace(base, error="the DNS stack has no HostedZoneId or FailoverRecordName output")
    route53 = clients("route53", route53_region(stack.region))
    lb_regions = load_balancer_regions(
        topology.stacks, [r.load_balancer for r in topology.regional if r.load_balancer]
    )
    try:
        zone = call(route53, "get_hosted_zone", Id=base.hosted_zone_id)
        if zone is None:
            return replace(base, error=f"hosted zone {base.hosted_zone_id} not found")
        records = failover_records(route53, base.hosted_zone_id, lb_regions, in_chain(record_name))
        primary, order = failover_order(records, record_name)
        checks = []
        for check_id in dict.fromkeys(r.health_check_id for r in records if r.health_check_id):
            checks.append(_health_check(route53, check_id, lb_regions))
    except Exception as error:
        failure = _aws_failure(error)
        if failure is None:
            raise
        return replace(base, error=f"Route 53 did not answer: {failure}")
    return replace(
        base,
        hosted_zone_name=(zone.get("HostedZone") or {}).get("Name"),
        primary_region=primary,
        secondary_order=tuple(order),
        health_checks=tuple(checks),
    )


def _health_check(route53: Any, check_id: str, lb_regions: Mapping[str, str]) -> HealthCheckStatus:
    found = call(route53, "get_health_check", HealthCheckId=check_id)
    info = health_check_info((found or {}).get("HealthCheck", {"Id": check_id}), lb_regions)
    try:
        status = health_check_status(route53, check_id) if found else "n/a (not found)"
    except Exception as error:
        failure = _aws_failure(error)
        if failure is None:
            raise
        status = f"n/a ({failure})"
    return HealthCheckStatus(
        health_check_id=check_id,
        protocol=info.type,
        fqdn=info.fqdn or info.ip_address,
        port=info.port,
        path=info.resource_path,
        interval_seconds=info.request_interval,
        failure_threshold=info.failure_threshold,
        target_region=info.target_region,
        status=status,
    )


def app_status(
    app_name: str,
    regions: Sequence[str],
    *,
    session: SessionLike | None = None,
    client_factory: ClientFactory | None = None,
    helper_regions: Sequence[str] = (),
    timeout: float = DEFAULT_PROBE_TIMEOUT,
) -> AppStatus:
    """The status of the deployed app ``app_name``, tolerating unreachable regions.

    The parameters are :func:`~multiregion_tap.discovery.discover`'s; ``timeout`` bounds each
    region's probe (a region that does not answer it is marked and left out).

    :raises AppNotFoundError: when no stack of the app exists in any region and every region
        answered.
    :raises ValidationError: for both ``session`` and ``client_factory`` (as ``discover``).
    """
    topology = discover(
        app_name,
        regions,
        session=session,
        client_factory=client_factory,
        helper_regions=helper_regions,
        tolerate_unreachable=True,
        probe_timeout=timeout,
    )
    clients = Clients(client_factory or session_factory(session))
    regional = tuple(_region_status(clients, reg) for reg in topology.regional)
    dns = _dns_status(clients, topology)
    writers = [r for r in regional if r.reachable and r.writer and not r.stood_down]
    warnings: tuple[str, ...] = ()
    if len(writers) > 1:
        warnings = (
            f"WARNING: {len(writers)} regions have a writer database: "
            + ", ".join(f"{r.region} ({r.database})" for r in writers)
            + ": both take writes and diverge; stop the writes of all but one (failover runbook)",
        )
    states = [
        RegionState(
            region=r.region,
            reachable=r.reachable,
            role=r.role,
            writer=r.writer,
            stood_down=r.stood_down,
            database_history=r.database_history,
        )
        for r in regional
    ]
    return AppStatus(
        app_name=topology.app_name,
        regions=topology.regions,
        regional=regional,
        dns=dns,
        unreachable_helper_regions=topology.unreachable_helper_regions,
        warnings=warnings,
        next=tuple(next_step(topology.app_name, states)),
    )
