"""Route 53: the app's failover records and health checks, for discovery and for ``status``.

Route 53 is global: its API answers in every partition from one endpoint and is signed for the
partition's first region (``us-east-1`` in ``aws``), so its client is always created for
:func:`route53_region` whatever region the DNS stack lives in. A failover record and a health
check are placed in a region by the load balancer they point at: the alias target's or the
FQDN's DNS name (case-insensitive, without ``dualstack.`` and the trailing dot) matched against
each regional stack's ``LoadBalancerDnsName`` output and each load balancer discovered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ..outputs import OutputNames
from .aws import Clients, call, paginate
from .model import DnsInfo, FailoverRecordInfo, LoadBalancerInfo, StackInfo, StackKind
from .parse import dns_key, health_check_info, output_value, record_info

#: The region Route 53's API is signed for, by partition (the region name's prefix).
_ROUTE53_REGIONS = (("cn-", "cn-northwest-1"), ("us-gov-", "us-gov-west-1"))


def route53_region(region: str) -> str:
    """The region to create a Route 53 client for, in the partition of ``region``."""
    return next(
        (home for prefix, home in _ROUTE53_REGIONS if region.startswith(prefix)), "us-east-1"
    )


def dns_stack(stacks: Iterable[StackInfo]) -> StackInfo | None:
    """The app's DNS stack (``<app_name>-dns``), else any stack with a hosted zone output."""
    found = list(stacks)
    return next((s for s in found if s.kind == StackKind.DNS), None) or next(
        (s for s in found if output_value(s, OutputNames.HOSTED_ZONE_ID)), None
    )


def load_balancer_regions(
    stacks: Iterable[StackInfo], load_balancers: Iterable[LoadBalancerInfo] = ()
) -> dict[str, str]:
    """:func:`~multiregion_tap.discovery.parse.dns_key` of each regional load balancer's DNS
    name -> its region (from the regional stacks' ``LoadBalancerDnsName`` outputs, then from
    the load balancers discovered)."""
    regions = {
        dns_key(name): stack.region
        for stack in stacks
        if stack.kind == StackKind.REGIONAL
        and (name := output_value(stack, OutputNames.LOAD_BALANCER_DNS_NAME))
    }
    for lb in load_balancers:
        regions.setdefault(dns_key(lb.dns_name), lb.region)
    return regions


def record_name_of(stack: StackInfo) -> str | None:
    """The stack's failover record name, with the trailing dot Route 53 spells names with."""
    name = output_value(stack, OutputNames.RECORD_NAME)
    return name if not name or name.endswith(".") else f"{name}."


def failover_records(
    route53: Any, zone_id: str, lb_regions: Mapping[str, str], names: Callable[[str], bool]
) -> list[FailoverRecordInfo]:
    """The zone's failover records whose name ``names`` accepts."""
    return [
        record_info(raw, lb_regions)
        for raw in paginate(
            route53, "list_resource_record_sets", "ResourceRecordSets", HostedZoneId=zone_id
        )
        if "Failover" in raw and names(str(raw.get("Name", "")))
    ]


def in_chain(record_name: str) -> Callable[[str], bool]:
    """Accepts ``record_name`` and the hidden names of its failover chain
    (``_failover-<n>.<record_name>``, see :class:`~multiregion_tap.FailoverDns`)."""
    key = dns_key(record_name)

    def accepts(name: str) -> bool:
        other = dns_key(name)
        return other == key or (other.startswith("_failover-") and other.endswith(f".{key}"))

    return accepts


def failover_order(
    records: Sequence[FailoverRecordInfo], record_name: str, record_type: str = "A"
) -> tuple[str | None, list[str]]:
    """``(PRIMARY region, SECONDARY regions in failover order)`` of ``record_name``'s
    ``record_type`` records, following the chain of hidden failover pairs; a target that
    matches no region is spelled ``unknown (<DNS name>)``."""
    pairs: dict[str, dict[str, FailoverRecordInfo]] = {}
    for record in records:
        if record.type == record_type:
            pairs.setdefault(dns_key(record.name), {})[record.failover] = record

    def where(record: FailoverRecordInfo) -> str:
        return (
            record.target_region or f"unknown ({record.alias_dns_name or ', '.join(record.values)})"
        )

    top = pairs.get(dns_key(record_name), {})
    primary = where(top["PRIMARY"]) if "PRIMARY" in top else None
    order: list[str] = []
    seen = {dns_key(record_name)}
    secondary = top.get("SECONDARY")
    while secondary is not None:
        target = dns_key(secondary.alias_dns_name)
        if secondary.target_region or target not in pairs or target in seen:
            order.append(where(secondary))
            break
        seen.add(target)
        pair = pairs[target]
        if "PRIMARY" in pair:
            order.append(where(pair["PRIMARY"]))
        secondary = pair.get("SECONDARY")
    return primary, order


def health_check_status(route53: Any, check_id: str) -> str:
    """``healthy`` or ``unhealthy``, with how many Route 53 checkers report success (and the
    first failure's report)."""
    found = call(route53, "get_health_check_status", HealthCheckId=check_id) or {}
    reports = [
        str((o.get("StatusReport") or {}).get("Status", ""))
        for o in found.get("HealthCheckObservations", [])
    ]
    if not reports:
        return "no checker has reported yet"
    ok = [r for r in reports if r.startswith("Success")]
    failed = [r for r in reports if not r.startswith("Success")]
    verdict = "healthy" if ok else "unhealthy"
    detail = f"; {' '.join(failed[0].split())}" if failed else ""
    return f"{verdict} ({len(ok)}/{len(reports)} checkers report success{detail})"


def find_dns(
    clients: Clients,
    stacks: list[StackInfo],
    load_balancers: list[LoadBalancerInfo],
    stack_resources: Callable[[StackInfo, str], list[str]],
) -> DnsInfo | None:
    """The app's DNS failover: the zone, the failover records of the record name, and their
    health checks (``None`` without a DNS stack)."""
    stack = dns_stack(stacks)
    if stack is None:
        return None
    route53 = clients("route53", route53_region(stack.region))
    zone_id = output_value(stack, OutputNames.HOSTED_ZONE_ID) or next(
        iter(stack_resources(stack, "AWS::Route53::HostedZone")), None
    )
    record_name = record_name_of(stack)
    zone_name: str | None = None
    records: list[FailoverRecordInfo] = []
    lb_regions = load_balancer_regions(stacks, load_balancers)
    if zone_id:
        zone_id = zone_id.removeprefix("/hostedzone/")
        zone = call(route53, "get_hosted_zone", Id=zone_id)
        if zone is None:
            zone_id = None
        else:
            zone_name = zone.get("HostedZone", {}).get("Name")
            wanted = dns_key(record_name)
            records = failover_records(
                route53, zone_id, lb_regions, lambda name: not wanted or dns_key(name) == wanted
            )
    check_ids = [r.health_check_id for r in records if r.health_check_id]
    check_ids.extend(stack_resources(stack, "AWS::Route53::HealthCheck"))
    health_checks = []
    for check_id in dict.fromkeys(check_ids):
        found = call(route53, "get_health_check", HealthCheckId=check_id)
        if found is not None:
            health_checks.append(health_check_info(found.get("HealthCheck", {}), lb_regions))
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
