"""discovery/model.py: the result types are frozen, keyword-only and hashable, their derived
properties read AWS's literal spellings (output and tag keys, ``PRIMARY``, ARN fields). Pure
Python: kills the mutants of ``tools/mutate.py`` in about a second each (docs/guides/testing.md)."""

from __future__ import annotations

import dataclasses

import pytest

from multiregion_tap.discovery import model
from multiregion_tap.discovery.render import jsonable
from multiregion_tap.discovery.topology import Topology

RESULT_TYPES = [
    model.StackInfo,
    model.SubnetInfo,
    model.VpcInfo,
    model.ClusterInfo,
    model.ServiceLoadBalancer,
    model.ServiceInfo,
    model.LoadBalancerInfo,
    model.TargetGroupInfo,
    model.DatabaseInfo,
    model.TopicInfo,
    model.AlarmInfo,
    model.DashboardInfo,
    model.HealthCheckInfo,
    model.FailoverRecordInfo,
    model.DnsInfo,
    model.PeeringRouteInfo,
    model.PeeringConnectionInfo,
    model.RegionTopology,
    Topology,
]


def _required(cls: type) -> dict[str, object]:
    return {
        f.name: "x"
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }


@pytest.mark.parametrize("cls", RESULT_TYPES, ids=lambda c: c.__name__)
def test_result_types_are_keyword_only_frozen_and_hashable(cls: type) -> None:
    required = _required(cls)
    instance = cls(**required)
    with pytest.raises(TypeError):
        cls(*required.values())
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(instance, next(iter(required)), "y")
    # hashable although StackInfo and Topology hold read-only mappings (not hashed)
    assert hash(instance) == hash(cls(**required))


def test_stack_info_mappings_do_not_take_part_in_the_hash_but_in_equality() -> None:
    a = model.StackInfo(
        name="shop-us-east-1",
        region="us-east-1",
        kind="regional",
        stack_id="arn",
        status="CREATE_COMPLETE",
        outputs=model.frozen_map({"A": "1"}),
        tags=model.frozen_map({"t": "v"}),
    )
    assert hash(a) == hash(dataclasses.replace(a, outputs=model.frozen_map({"A": "2"})))
    assert hash(a) == hash(dataclasses.replace(a, tags=model.frozen_map(None)))
    assert a != dataclasses.replace(a, outputs=model.frozen_map({"A": "2"}))


def test_defaults() -> None:
    subnet = model.SubnetInfo(subnet_id="s", region="r", availability_zone="a", cidr_block="c")
    assert subnet.map_public_ip_on_launch is False
    cluster = model.ClusterInfo(name="c", arn="a", region="r")
    assert (cluster.active_services_count, cluster.running_tasks_count) == (0, 0)
    service = model.ServiceInfo(name="s", arn="a", region="r")
    assert (service.desired_count, service.running_count, service.pending_count) == (0, 0, 0)
    assert model.AlarmInfo(name="a", arn="b", region="r").alarm_type == "metric"
    region = model.RegionTopology(region="r", role=None)
    assert (region.reachable, region.found) == (True, False)


def test_stack_kinds_are_the_stack_name_suffixes() -> None:
    assert (
        model.StackKind.REGIONAL,
        model.StackKind.DNS,
        model.StackKind.PEERING,
        model.StackKind.PEERING_ROUTES,
        model.StackKind.HELPER,
    ) == ("regional", "dns", "peering", "peering-routes", "helper")


def test_region_unreachable_error_message_and_fields() -> None:
    error = model.RegionUnreachableError(
        region="us-east-2",
        service="cloudformation",
        endpoint_url="https://cloudformation.us-east-2.amazonaws.com",
        reason="connect timeout",
    )
    assert str(error) == (
        "cannot reach cloudformation in region us-east-2 at "
        "https://cloudformation.us-east-2.amazonaws.com (connect timeout): check the region "
        "name, the network, and AWS_ENDPOINT_URL"
    )
    assert (error.region, error.service) == ("us-east-2", "cloudformation")
    assert error.endpoint_url == "https://cloudformation.us-east-2.amazonaws.com"
    bare = model.RegionUnreachableError(
        region="xx-east-1", service="ec2", endpoint_url=None, reason="no such host"
    )
    assert str(bare).startswith("cannot reach ec2 in region xx-east-1 (no such host): ")


def test_frozen_map_is_a_read_only_copy() -> None:
    source = {"a": "1"}
    copy = model.frozen_map(source)
    source["a"] = "2"
    assert dict(copy) == {"a": "1"}
    with pytest.raises(TypeError):
        copy["a"] = "3"  # type: ignore[index]
    assert dict(model.frozen_map(None)) == {}
    assert dict(model.frozen_map([("k", "v")])) == {"k": "v"}


@pytest.mark.parametrize(
    ("arn", "region"),
    [
        ("arn:aws:rds:us-east-1:123456789012:db:shop", "us-east-1"),
        ("arn:aws:rds:us-east-2:123456789012:db:a:b:c", "us-east-2"),
        ("arn:aws:s3:::bucket", None),
        ("arn:aws:rds:us-east-1", None),
        ("aws:rds:us-east-1:1:db:x:y", None),
        ("", None),
        (None, None),
    ],
)
def test_arn_region(arn: str | None, region: str | None) -> None:
    assert model.arn_region(arn) == region


def _stack(outputs: dict[str, str], tags: dict[str, str]) -> model.StackInfo:
    return model.StackInfo(
        name="n",
        region="r",
        kind="regional",
        stack_id="i",
        status="s",
        outputs=model.frozen_map(outputs),
        tags=model.frozen_map(tags),
    )


def test_stack_role_from_the_role_output_else_the_role_tag() -> None:
    assert _stack({"MultiRegionTapRegionRole": "primary"}, {}).role == "primary"
    both = _stack(
        {"MultiRegionTapRegionRole": "secondary"}, {"multiregion-tap:region-role": "primary"}
    )
    assert both.role == "secondary"
    assert _stack({}, {"multiregion-tap:region-role": "global"}).role == "global"
    assert _stack({}, {}).role is None
    assert jsonable(both)["role"] == "secondary"


def test_vpc_availability_zones_are_distinct_and_sorted() -> None:
    subnets = tuple(
        model.SubnetInfo(subnet_id=f"s{i}", region="r", availability_zone=az, cidr_block="c")
        for i, az in enumerate(["us-east-1b", "us-east-1a", "us-east-1b"])
    )
    vpc = model.VpcInfo(vpc_id="v", region="r", cidr_block="c", subnets=subnets)
    assert vpc.availability_zones == ("us-east-1a", "us-east-1b")
    assert jsonable(vpc)["availability_zones"] == ["us-east-1a", "us-east-1b"]


def test_service_target_groups_production_first_then_alternates_each_once() -> None:
    service = model.ServiceInfo(
        name="s",
        arn="a",
        region="r",
        load_balancers=(
            model.ServiceLoadBalancer(target_group_arn="blue", alternate_target_group_arn="green"),
            model.ServiceLoadBalancer(target_group_arn=None, alternate_target_group_arn=None),
            model.ServiceLoadBalancer(target_group_arn="blue2", alternate_target_group_arn="blue"),
        ),
    )
    assert service.target_group_arns == ("blue", "blue2", "green")
    assert jsonable(service)["target_group_arns"] == ["blue", "blue2", "green"]


def test_database_replica_and_its_source_region() -> None:
    primary = model.DatabaseInfo(identifier="db", arn="a", region="us-east-1")
    replica = model.DatabaseInfo(
        identifier="db",
        arn="b",
        region="us-east-2",
        source_arn="arn:aws:rds:us-east-1:123456789012:db:db",
    )
    assert (primary.is_replica, primary.source_region) == (False, None)
    assert (replica.is_replica, replica.source_region) == (True, "us-east-1")
    local = model.DatabaseInfo(identifier="r", arn="c", region="us-east-1", source_arn="db")
    assert (local.is_replica, local.source_region) == (True, None)
    shown = jsonable(replica)
    assert (shown["is_replica"], shown["source_region"]) == (True, "us-east-1")


def test_alarm_notifies_through_any_of_its_actions() -> None:
    def alarm(**actions: tuple[str, ...]) -> model.AlarmInfo:
        return model.AlarmInfo(name="a", arn="b", region="r", **actions)

    assert alarm(alarm_actions=("t",)).notifies("t")
    assert alarm(ok_actions=("t",)).notifies("t")
    assert alarm(insufficient_data_actions=("t",)).notifies("t")
    assert not alarm(alarm_actions=("u",), ok_actions=("v",)).notifies("t")


def test_dns_primary_and_secondary_records_by_route53_failover_value() -> None:
    def record(failover: str) -> model.FailoverRecordInfo:
        return model.FailoverRecordInfo(name="app.example.com.", type="A", failover=failover)

    dns = model.DnsInfo(
        stack_name="shop-dns", region="us-east-1", records=(record("SECONDARY"), record("PRIMARY"))
    )
    assert dns.primary_record == record("PRIMARY")
    assert dns.secondary_record == record("SECONDARY")
    empty = model.DnsInfo(stack_name=None, region="us-east-1")
    assert (empty.primary_record, empty.secondary_record) == (None, None)


def test_peering_routes_in_a_region() -> None:
    east1 = model.PeeringRouteInfo(
        region="us-east-1", route_table_id="rtb-1", destination_cidr_block="c"
    )
    east2 = model.PeeringRouteInfo(
        region="us-east-2", route_table_id="rtb-2", destination_cidr_block="c"
    )
    pcx = model.PeeringConnectionInfo(
        peering_connection_id="pcx",
        status="active",
        requester_vpc_id=None,
        requester_region=None,
        requester_cidr_block=None,
        accepter_vpc_id=None,
        accepter_region=None,
        accepter_cidr_block=None,
        routes=(east1, east2),
    )
    assert pcx.routes_in("us-east-2") == (east2,)
    assert pcx.routes_in("us-west-2") == ()


def test_region_blue_and_green_target_groups() -> None:
    blue = model.TargetGroupInfo(arn="a", name="b", region="r", role="blue")
    green = model.TargetGroupInfo(arn="c", name="g", region="r", role="green")
    region = model.RegionTopology(region="r", role="primary", target_groups=(green, blue))
    assert (region.blue_target_group, region.green_target_group) == (blue, green)
    bare = model.RegionTopology(region="r", role="primary")
    assert (bare.blue_target_group, bare.green_target_group) == (None, None)
