"""Rendering of discovery's results: the topology table and JSON-ready dicts.

:class:`~multiregion_tap.discovery.Topology` renders itself through these functions
(:meth:`~multiregion_tap.discovery.Topology.format_table`,
:meth:`~multiregion_tap.discovery.Topology.to_json`); the ``multiregion-tap discover`` command
prints what they return. Pure Python: no boto3, no aws-cdk-lib.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from typing import Any

from .model import DnsInfo, PeeringConnectionInfo, RegionTopology, StackInfo


@dataclass(frozen=True)
class TableRow:
    """One row of :meth:`Topology.to_table <multiregion_tap.discovery.Topology.to_table>`."""

    region: str
    role: str
    kind: str
    name: str
    details: str


_TABLE_HEADER = TableRow("REGION", "ROLE", "KIND", "NAME / ID", "DETAILS")
_ABSENT = "-"
#: The REGION cell of Route 53 resources, which belong to no region.
_GLOBAL = "global"


_TABLE_COLUMNS = ("region", "role", "kind", "name", "details")


def jsonable(value: Any) -> Any:
    """``value`` as JSON-serializable dicts, lists and scalars.

    A dataclass becomes a dict of its fields, plus the properties its class lists in
    ``_json_properties`` (such as ``DatabaseInfo.is_replica``).
    """
    if is_dataclass(value) and not isinstance(value, type):
        out = {f.name: jsonable(getattr(value, f.name)) for f in fields(value)}
        for key in getattr(type(value), "_json_properties", ()):
            out[key] = jsonable(getattr(value, key))
        return out
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def format_table(title: str, rows: Sequence[TableRow]) -> str:
    """``title``, a blank line, then ``rows`` under a header as fixed-width text columns."""
    table = [_TABLE_HEADER, *rows]
    widths = [max(len(getattr(row, col)) for row in table) for col in _TABLE_COLUMNS[:-1]]
    lines = [title, ""]
    for index, row in enumerate(table):
        cells = [
            getattr(row, col).ljust(width)
            for col, width in zip(_TABLE_COLUMNS[:-1], widths, strict=True)
        ]
        lines.append("  ".join([*cells, row.details]).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in [*widths, len(row.details)]))
    return "\n".join(lines) + "\n"


def _absent_row(reg: RegionTopology, role: str, kind: str) -> TableRow:
    return TableRow(reg.region, role, kind, _ABSENT, "not found")


def region_rows(reg: RegionTopology) -> list[TableRow]:
    """The rows of one region: its stack and each piece found in it, or ``not found``."""
    role = reg.role or _ABSENT
    rows: list[TableRow] = []

    def add(kind: str, name: str, details: str) -> None:
        rows.append(TableRow(reg.region, role, kind, name, details))

    if not reg.reachable:
        rows.append(TableRow(reg.region, role, "region", _ABSENT, f"UNREACHABLE: {reg.error}"))
        if reg.stack is None:
            return rows
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


def global_rows(
    stacks: Sequence[StackInfo],
    regional: Sequence[RegionTopology],
    dns: DnsInfo | None,
    peering: Sequence[PeeringConnectionInfo],
    *,
    unreachable: Mapping[str, str] | None = None,
    dns_error: str | None = None,
) -> list[TableRow]:
    """The rows of the unreachable helper regions, the helper stacks, the DNS failover and the
    peering connections."""
    rows: list[TableRow] = [
        TableRow(region, _ABSENT, "helper region", _ABSENT, f"UNREACHABLE: {error}")
        for region, error in (unreachable or {}).items()
    ]
    regional_names = {r.stack.name for r in regional if r.stack}
    for stack in stacks:
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
    if dns_error is not None:
        rows.append(TableRow(_GLOBAL, _ABSENT, "dns", _ABSENT, f"UNREACHABLE: {dns_error}"))
    elif dns is None:
        rows.append(TableRow(_GLOBAL, _ABSENT, "dns", _ABSENT, "not found"))
    else:
        zone = dns.hosted_zone_name or dns.hosted_zone_id or "?"
        rows.append(TableRow(_GLOBAL, _ABSENT, "hosted zone", zone, dns.hosted_zone_id or ""))
        if not dns.records:
            rows.append(TableRow(_GLOBAL, _ABSENT, "failover record", _ABSENT, "not found"))
        for record in dns.records:
            target = record.alias_dns_name or ", ".join(record.values) or "?"
            where = f" ({record.target_region})" if record.target_region else ""
            check = f", health check {record.health_check_id}" if record.health_check_id else ""
            rows.append(
                TableRow(
                    _GLOBAL,
                    _ABSENT,
                    f"record ({record.failover})",
                    f"{record.name} {record.type}",
                    f"-> {target}{where}{check}",
                )
            )
        if not dns.health_checks:
            rows.append(TableRow(_GLOBAL, _ABSENT, "health check", _ABSENT, "not found"))
        for hc in dns.health_checks:
            where = f" ({hc.target_region})" if hc.target_region else ""
            target = f"{hc.type or '?'} {hc.fqdn or hc.ip_address or '?'}:{hc.port or '?'}"
            rows.append(
                TableRow(
                    _GLOBAL,
                    _ABSENT,
                    "health check",
                    hc.health_check_id,
                    f"{target}{hc.resource_path or ''}{where}",
                )
            )
    if not peering:
        rows.append(TableRow(_GLOBAL, _ABSENT, "peering", _ABSENT, "not found"))
    for pcx in peering:
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
