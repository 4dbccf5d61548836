"""discovery/render.py: every row of the topology table, cell by cell, for a region with every
piece, a region with none, an unreachable one, and the global rows; the fixed-width layout;
the JSON form. Built by hand (no AWS): kills the mutants of ``tools/mutate.py`` in about a
second each (docs/guides/testing.md)."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from multiregion_tap.discovery import model
from multiregion_tap.discovery.render import (
    TableRow,
    format_table,
    global_rows,
    jsonable,
    region_rows,
)

E1, E2 = "us-east-1", "us-east-2"
TOPIC = "arn:aws:sns:us-east-1:1:shop-alarms"


def _stack(name: str, region: str, kind: str = "regional", **outputs: str) -> model.StackInfo:
    return model.StackInfo(
        name=name,
        region=region,
        kind=kind,
        stack_id="id",
        status="CREATE_COMPLETE",
        outputs=model.frozen_map(outputs),
    )


def full_region() -> model.RegionTopology:
    subnets = (
        model.SubnetInfo(
            subnet_id="subnet-b",
            region=E1,
            availability_zone="us-east-1b",
            cidr_block="10.0.1.0/24",
            subnet_type="Private",
        ),
        model.SubnetInfo(
            subnet_id="subnet-a2",
            region=E1,
            availability_zone="us-east-1a",
            cidr_block="10.0.9.0/24",
        ),
        model.SubnetInfo(
            subnet_id="subnet-a1",
            region=E1,
            availability_zone="us-east-1a",
            cidr_block="10.0.0.0/24",
            subnet_type="Public",
        ),
    )
    return model.RegionTopology(
        region=E1,
        role="primary",
        stack=_stack("shop-us-east-1", E1, A="1", B="2"),
        vpc=model.VpcInfo(vpc_id="vpc-1", region=E1, cidr_block="10.0.0.0/16", subnets=subnets),
        cluster=model.ClusterInfo(name="shop", arn="c", region=E1, status="ACTIVE"),
        service=model.ServiceInfo(
            name="web",
            arn="s",
            region=E1,
            launch_type="FARGATE",
            deployment_controller="ECS",
            deployment_strategy="BLUE_GREEN",
            desired_count=2,
            running_count=1,
            load_balancers=(
                model.ServiceLoadBalancer(
                    target_group_arn="tg-b", alternate_target_group_arn="tg-g"
                ),
            ),
        ),
        load_balancer=model.LoadBalancerInfo(
            arn="lb",
            name="shop-lb",
            region=E1,
            dns_name="shop.elb.amazonaws.com",
            type="application",
            scheme="internet-facing",
        ),
        target_groups=(
            model.TargetGroupInfo(
                arn="tg-b",
                name="tg-blue",
                region=E1,
                role="blue",
                protocol="HTTP",
                port=8080,
                health_check_path="/health",
            ),
            model.TargetGroupInfo(arn="tg-x", name="tg-x", region=E1, port=0),
        ),
        database=model.DatabaseInfo(
            identifier="shop-db",
            arn="db",
            region=E1,
            engine="postgres",
            engine_version="16.4",
            status="available",
            multi_az=True,
            replica_arns=("r1", "r2"),
        ),
        alarm_topic=model.TopicInfo(arn=TOPIC, name="shop-alarms", region=E1),
        alarms=(
            model.AlarmInfo(
                name="cpu",
                arn="a1",
                region=E1,
                state="OK",
                namespace="AWS/ECS",
                metric_name="CPUUtilization",
                alarm_actions=(TOPIC,),
                ok_actions=(TOPIC, "x"),
            ),
            model.AlarmInfo(
                name="any",
                arn="a2",
                region=E1,
                alarm_type="composite",
                state="ALARM",
                insufficient_data_actions=("y",),
            ),
        ),
        dashboards=(model.DashboardInfo(name="shop", arn="arn:dash", region=E1),),
    )


def test_every_piece_of_a_region_in_order() -> None:
    rows = [(r.kind, r.name, r.details) for r in region_rows(full_region())]
    assert rows == [
        ("stack", "shop-us-east-1", "CREATE_COMPLETE, 2 outputs"),
        ("vpc", "vpc-1", "10.0.0.0/16, 3 subnets in 2 AZs"),
        ("subnet (public)", "subnet-a1", "us-east-1a 10.0.0.0/24"),
        ("subnet", "subnet-a2", "us-east-1a 10.0.9.0/24"),
        ("subnet (private)", "subnet-b", "us-east-1b 10.0.1.0/24"),
        ("ecs cluster", "shop", "ACTIVE"),
        (
            "ecs service",
            "web",
            "FARGATE, controller ECS, BLUE_GREEN, running 1/2, 2 target group(s)",
        ),
        ("load balancer", "shop-lb", "application internet-facing shop.elb.amazonaws.com"),
        ("target group (blue)", "tg-blue", "HTTP:8080, health check /health"),
        ("target group", "tg-x", "?:0"),
        ("database (primary)", "shop-db", "postgres 16.4, available, Multi-AZ, 2 replica(s)"),
        ("alarm topic", "shop-alarms", TOPIC),
        ("alarm", "cpu", "OK, AWS/ECS/CPUUtilization, 3 action(s), notifies the alarm topic"),
        ("alarm", "any", "ALARM, composite, 0 action(s)"),
        ("dashboard", "shop", "arn:dash"),
    ]
    assert {(r.region, r.role) for r in region_rows(full_region())} == {(E1, "primary")}


def test_sparse_values_fall_back_to_question_marks() -> None:
    region = full_region()
    service = model.ServiceInfo(
        name="web", arn="s", region=E1, capacity_providers=("FARGATE_SPOT", "FARGATE")
    )
    bare_service = model.ServiceInfo(name="w2", arn="s", region=E1)
    replica = model.DatabaseInfo(
        identifier="shop-db", arn="db", region=E1, status="available", source_arn="arn:src"
    )
    single = model.DatabaseInfo(identifier="one", arn="db", region=E1, engine="mysql", status="ok")
    sparse = model.RegionTopology(
        region=E1,
        role=None,
        stack=region.stack,
        cluster=model.ClusterInfo(name="c", arn="c", region=E1),
        service=service,
        database=replica,
        alarms=(
            model.AlarmInfo(name="cpu", arn="a", region=E1, state="OK", alarm_actions=(TOPIC,)),
        ),
    )
    rows = {r.kind: (r.role, r.details) for r in region_rows(sparse)}
    assert rows["ecs cluster"] == ("-", "")
    assert rows["ecs service"][1] == (
        "FARGATE_SPOT/FARGATE, controller ?, strategy not reported, running 0/0, 0 target group(s)"
    )
    assert rows["database (replica)"][1] == "?, available, source arn:src"
    # no alarm topic: an alarm that names the topic's ARN does not "notify the alarm topic"
    assert rows["alarm"][1] == "OK, metric, 1 action(s)"
    other = dataclasses_replace(sparse, service=bare_service, database=single)
    rows = {r.kind: r.details for r in region_rows(other)}
    assert rows["ecs service"].startswith("?, controller ?")
    assert rows["database (primary)"] == "mysql, ok"


def dataclasses_replace(obj: model.RegionTopology, **changes: object) -> model.RegionTopology:
    import dataclasses

    return dataclasses.replace(obj, **changes)


def test_a_region_without_pieces_says_not_found_for_each() -> None:
    region = model.RegionTopology(region=E2, role="secondary", stack=_stack("shop-us-east-2", E2))
    rows = [(r.region, r.role, r.kind, r.name, r.details) for r in region_rows(region)]
    assert rows == [
        (E2, "secondary", "stack", "shop-us-east-2", "CREATE_COMPLETE, 0 outputs"),
        *[
            (E2, "secondary", kind, "-", "not found")
            for kind in (
                "vpc",
                "ecs cluster",
                "ecs service",
                "load balancer",
                "target group",
                "database",
                "alarm topic",
                "alarm",
                "dashboard",
            )
        ],
    ]


def test_no_stack_and_unreachable_regions() -> None:
    empty = model.RegionTopology(region=E2, role=None)
    assert region_rows(empty) == [
        TableRow(E2, "-", "stack", "-", "no regional stack: nothing deployed")
    ]
    down = model.RegionTopology(region=E2, role=None, reachable=False, error="timeout")
    assert region_rows(down) == [TableRow(E2, "-", "region", "-", "UNREACHABLE: timeout")]
    # unreachable now, but its stack was read before: both
    partial = model.RegionTopology(
        region=E2, role="secondary", reachable=False, error="t", stack=_stack("shop-us-east-2", E2)
    )
    rows = region_rows(partial)
    assert rows[0] == TableRow(E2, "secondary", "region", "-", "UNREACHABLE: t")
    assert rows[1] == TableRow(
        E2, "secondary", "stack", "shop-us-east-2", "CREATE_COMPLETE, 0 outputs"
    )


def test_global_rows_helper_stacks_dns_and_peering() -> None:
    regional = [model.RegionTopology(region=E1, role="primary", stack=_stack("shop-us-east-1", E1))]
    stacks = [
        _stack("shop-us-east-1", E1),
        _stack("shop-dns", E1, kind="dns", MultiRegionTapRegionRole="global"),
        _stack("shop-extra", E2, kind="helper"),
    ]
    dns = model.DnsInfo(
        stack_name="shop-dns",
        region=E1,
        hosted_zone_id="Z1",
        hosted_zone_name="example.com.",
        records=(
            model.FailoverRecordInfo(
                name="app.example.com.",
                type="A",
                failover="PRIMARY",
                alias_dns_name="lb1.amazonaws.com.",
                target_region=E1,
                health_check_id="hc-1",
            ),
            model.FailoverRecordInfo(
                name="app.example.com.",
                type="A",
                failover="SECONDARY",
                values=("1.2.3.4", "5.6.7.8"),
            ),
            model.FailoverRecordInfo(name="app.example.com.", type="AAAA", failover="SECONDARY"),
        ),
        health_checks=(
            model.HealthCheckInfo(
                health_check_id="hc-1",
                type="HTTPS",
                fqdn="lb1.amazonaws.com",
                port=443,
                resource_path="/health",
                target_region=E1,
            ),
            model.HealthCheckInfo(health_check_id="hc-2", ip_address="1.2.3.4"),
            model.HealthCheckInfo(health_check_id="hc-3"),
        ),
    )
    pcx = model.PeeringConnectionInfo(
        peering_connection_id="pcx-1",
        status="active",
        requester_vpc_id="vpc-1",
        requester_region=E1,
        requester_cidr_block="10.0.0.0/16",
        accepter_vpc_id="vpc-2",
        accepter_region=E2,
        accepter_cidr_block="10.1.0.0/16",
        routes=(
            model.PeeringRouteInfo(
                region=E2, route_table_id="rtb-2", destination_cidr_block="10.0.0.0/16"
            ),
        ),
    )
    orphan = model.PeeringConnectionInfo(
        peering_connection_id="pcx-2",
        status=None,
        requester_vpc_id=None,
        requester_region=None,
        requester_cidr_block=None,
        accepter_vpc_id=None,
        accepter_region=None,
        accepter_cidr_block=None,
    )
    rows = global_rows(
        stacks, regional, dns, [pcx, orphan], unreachable=MappingProxyType({"eu-west-1": "timeout"})
    )
    assert [(r.region, r.role, r.kind, r.name, r.details) for r in rows] == [
        ("eu-west-1", "-", "helper region", "-", "UNREACHABLE: timeout"),
        (E1, "global", "stack (dns)", "shop-dns", "CREATE_COMPLETE, 1 outputs"),
        (E2, "-", "stack (helper)", "shop-extra", "CREATE_COMPLETE, 0 outputs"),
        ("global", "-", "hosted zone", "example.com.", "Z1"),
        (
            "global",
            "-",
            "record (PRIMARY)",
            "app.example.com. A",
            "-> lb1.amazonaws.com. (us-east-1), health check hc-1",
        ),
        ("global", "-", "record (SECONDARY)", "app.example.com. A", "-> 1.2.3.4, 5.6.7.8"),
        ("global", "-", "record (SECONDARY)", "app.example.com. AAAA", "-> ?"),
        ("global", "-", "health check", "hc-1", "HTTPS lb1.amazonaws.com:443/health (us-east-1)"),
        ("global", "-", "health check", "hc-2", "? 1.2.3.4:?"),
        ("global", "-", "health check", "hc-3", "? ?:?"),
        (
            E1,
            "-",
            "peering",
            "pcx-1",
            "active: vpc-1 (us-east-1, 10.0.0.0/16) <-> vpc-2 (us-east-2, 10.1.0.0/16)",
        ),
        (E2, "-", "peering route", "rtb-2", "10.0.0.0/16 -> pcx-1"),
        ("?", "-", "peering", "pcx-2", "None: None (None, None) <-> None (None, None)"),
    ]


def test_global_rows_without_dns_records_or_peering() -> None:
    bare_dns = model.DnsInfo(stack_name="shop-dns", region=E1, hosted_zone_id="Z9")
    rows = [(r.region, r.kind, r.name, r.details) for r in global_rows([], [], bare_dns, [])]
    assert rows == [
        ("global", "hosted zone", "Z9", "Z9"),
        ("global", "failover record", "-", "not found"),
        ("global", "health check", "-", "not found"),
        ("global", "peering", "-", "not found"),
    ]
    no_zone = model.DnsInfo(stack_name=None, region=E1)
    assert global_rows([], [], no_zone, [])[0] == TableRow("global", "-", "hosted zone", "?", "")
    assert global_rows([], [], None, [])[0] == TableRow("global", "-", "dns", "-", "not found")
    failed = global_rows([], [], bare_dns, [], dns_error="Route 53: timeout")
    assert failed[0] == TableRow("global", "-", "dns", "-", "UNREACHABLE: Route 53: timeout")
    assert len(failed) == 2


def test_format_table_pads_every_column_but_the_last_and_underlines_the_header() -> None:
    rows = [
        TableRow("us-east-1", "primary", "stack", "shop-us-east-1", "ok"),
        TableRow("g", "-", "k", "n", ""),
    ]
    assert format_table("title", rows) == (
        "title\n"
        "\n"
        "REGION     ROLE     KIND   NAME / ID       DETAILS\n"
        "---------  -------  -----  --------------  -------\n"
        "us-east-1  primary  stack  shop-us-east-1  ok\n"
        "g          -        k      n\n"
    )


def test_jsonable() -> None:
    region = model.RegionTopology(region=E1, role="primary", stack=_stack("s", E1, A="1"))
    out = jsonable(region)
    assert out["stack"]["outputs"] == {"A": "1"}
    assert out["stack"]["role"] is None
    assert out["target_groups"] == []
    assert jsonable({1: (2, [3])}) == {"1": [2, [3]]}
    assert jsonable(model.RegionTopology) is model.RegionTopology
    assert "found" not in out


def test_table_rows_are_frozen_and_hashable() -> None:
    import dataclasses

    row = TableRow("us-east-1", "primary", "stack", "shop-us-east-1", "ok")
    assert len({row, TableRow("us-east-1", "primary", "stack", "shop-us-east-1", "ok")}) == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.details = "x"  # type: ignore[misc]
