"""CrossRegionPeering: peering connections, routes on both sides, acyclic stacks, CIDR rules;
with three regions a full mesh that a failover does not touch."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2

from multiregion_tap import FailoverDnsProps, MultiRegionApp, OutputNames, ValidationError
from multiregion_tap.cross_region_peering import (
    CrossRegionPeering,
    CrossRegionPeeringProps,
    PeeredVpc,
    allow_peer_cidr,
)
from multiregion_tap.replicated_database import ReplicatedDatabaseProps
from tests.support.lint import cfn_lint_findings
from tests.support.nag import NaggedSynth, app_with_nag, synth_with_nag
from tests.support.templates import normalize, raw_templates

CIDRS = {"us-east-1": "10.0.0.0/16", "us-east-2": "10.1.0.0/16", "us-west-2": "10.2.0.0/16"}
ROUTE = "AWS::EC2::Route"
CONNECTION = "AWS::EC2::VPCPeeringConnection"
THREE = ("us-east-1", "us-east-2", "us-west-2")


def _vpc(stack: cdk.Stack, cidr: str, *, with_egress: bool) -> ec2.Vpc:
    subnets = [ec2.SubnetConfiguration(name="db", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)]
    if with_egress:
        subnets = [
            ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC),
            ec2.SubnetConfiguration(name="app", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            *subnets,
        ]
    return ec2.Vpc(
        stack,
        "Vpc",
        ip_addresses=ec2.IpAddresses.cidr(cidr),
        max_azs=2,
        nat_gateways=1 if with_egress else 0,
        subnet_configuration=subnets,
    )


def _build(
    app: cdk.App, secondaries: tuple[str, ...], *, with_egress: bool
) -> tuple[MultiRegionApp, CrossRegionPeering, dict[str, ec2.SecurityGroup]]:
    shop = MultiRegionApp(
        app, "Shop", app_name="shop", service=False, secondary_regions=secondaries
    )
    vpcs = {r: _vpc(shop.stack_for(r), CIDRS[r], with_egress=with_egress) for r in shop.regions}
    peering = CrossRegionPeering(
        shop, "Peering", vpcs={r: PeeredVpc(vpc=v, cidr=CIDRS[r]) for r, v in vpcs.items()}
    )
    groups = {}
    for region, vpc in vpcs.items():
        group = ec2.SecurityGroup(
            shop.stack_for(region), "AppSecurityGroup", vpc=vpc, description="app"
        )
        peering.allow_from_peers(group, ec2.Port.tcp(8080))
        groups[region] = group
    return shop, peering, groups


@pytest.fixture(scope="module")
def one() -> tuple[MultiRegionApp, CrossRegionPeering, NaggedSynth]:
    """us-east-1 + us-east-2, VPCs with public, private (NAT) and isolated subnets."""
    app = app_with_nag()
    shop, peering, _ = _build(app, ("us-east-2",), with_egress=True)
    return shop, peering, synth_with_nag(app)


@pytest.fixture(scope="module")
def two() -> tuple[MultiRegionApp, CrossRegionPeering, NaggedSynth]:
    """us-east-1 + us-east-2 + us-west-2, isolated-only VPCs."""
    app = app_with_nag()
    shop, peering, _ = _build(app, ("us-east-2", "us-west-2"), with_egress=False)
    return shop, peering, synth_with_nag(app)


def _routes(synth: NaggedSynth, stack: str) -> list[dict[str, Any]]:
    return [r["Properties"] for r in synth.templates[stack].find_resources(ROUTE).values()]


def test_stacks_and_regions(one) -> None:  # type: ignore[no-untyped-def]
    _, peering, _ = one
    assert peering.stack.stack_name == "shop-peering"
    assert peering.stack.region == "us-east-1"
    routes = peering.route_stacks["us-east-2"]
    assert (routes.stack_name, routes.region) == ("shop-peering-routes-us-east-2", "us-east-2")


def test_deploy_order_is_acyclic(one) -> None:  # type: ignore[no-untyped-def]
    shop, _, _ = one
    assert shop.deploy_waves() == [
        ("shop-us-east-1", "shop-us-east-2"),
        ("shop-peering",),
        ("shop-peering-routes-us-east-2",),
    ]


def test_peering_connection_to_the_secondary(one) -> None:  # type: ignore[no-untyped-def]
    _, _, synth = one
    template = synth.templates["shop-peering"]
    template.resource_count_is("AWS::EC2::VPCPeeringConnection", 1)
    (connection,) = template.find_resources("AWS::EC2::VPCPeeringConnection").values()
    props = connection["Properties"]
    assert props["PeerRegion"] == "us-east-2"
    assert "PeerRoleArn" not in props  # same account: accepted without a role
    assert props["PeerVpcId"]["Fn::GetStackOutput"]["StackName"] == "shop-us-east-2"
    assert props["PeerVpcId"]["Fn::GetStackOutput"]["Region"] == "us-east-2"
    assert props["VpcId"]["Fn::GetStackOutput"]["StackName"] == "shop-us-east-1"
    outputs = synth.raw["shop-peering"]["Outputs"]
    assert f"{OutputNames.PEERING_CONNECTION_ID}Use2" in outputs


def test_primary_routes_cover_private_and_isolated_tables_only(one) -> None:  # type: ignore[no-untyped-def]
    _, _, synth = one
    routes = _routes(synth, "shop-peering")
    assert len(routes) == 4  # 2 AZs x (private with egress, isolated)
    for route in routes:
        assert route["DestinationCidrBlock"] == CIDRS["us-east-2"]
        assert route["VpcPeeringConnectionId"]["Ref"].startswith("PeeringConnectionuseast2")
    tables = {r["RouteTableId"]["Fn::GetStackOutput"]["OutputName"] for r in routes}
    assert len(tables) == 4
    assert all(
        r["RouteTableId"]["Fn::GetStackOutput"]["StackName"] == "shop-us-east-1" for r in routes
    )
    assert not any("public" in name.lower() for name in tables)


def test_secondary_routes_are_in_the_secondary_region(one) -> None:  # type: ignore[no-untyped-def]
    _, _, synth = one
    routes = _routes(synth, "shop-peering-routes-us-east-2")
    assert len(routes) == 4
    for route in routes:
        assert route["DestinationCidrBlock"] == CIDRS["us-east-1"]
        ref = route["VpcPeeringConnectionId"]["Fn::GetStackOutput"]
        assert (ref["StackName"], ref["Region"]) == ("shop-peering", "us-east-1")
        table = route["RouteTableId"]["Fn::GetStackOutput"]
        assert (table["StackName"], table["Region"]) == ("shop-us-east-2", "us-east-2")
    assert not any("public" in str(r["RouteTableId"]).lower() for r in routes)


def test_security_group_rules_name_the_peer_cidr(one) -> None:  # type: ignore[no-untyped-def]
    _, peering, synth = one
    assert peering.peer_cidrs("us-east-1") == (CIDRS["us-east-2"],)
    assert peering.peer_cidrs("us-east-2") == (CIDRS["us-east-1"],)
    for region, peer in (("us-east-1", "us-east-2"), ("us-east-2", "us-east-1")):
        synth.templates[f"shop-{region}"].has_resource_properties(
            "AWS::EC2::SecurityGroup",
            {
                "SecurityGroupIngress": [
                    {"CidrIp": CIDRS[peer], "FromPort": 8080, "ToPort": 8080, "IpProtocol": "tcp",
                     "Description": f"Peered VPC {CIDRS[peer]}"}
                ]
            },
        )  # fmt: skip


def test_nag_and_cfn_lint_clean(one) -> None:  # type: ignore[no-untyped-def]
    _, _, synth = one
    assert synth.findings_under("shop-peering", "shop-peering-routes-us-east-2") == {}
    paths = [str(p) for name, p in synth.template_paths.items() if "peering" in name]
    assert len(paths) == 2
    assert cfn_lint_findings(paths) == ""


def test_snapshot(one, snapshot_json) -> None:  # type: ignore[no-untyped-def]
    _, _, synth = one
    names = ("shop-peering", "shop-peering-routes-us-east-2")
    assert {n: normalize(synth.raw[n]) for n in names} == snapshot_json


# ---------------------------------------------------------------------- two secondaries
def test_two_secondaries(two) -> None:  # type: ignore[no-untyped-def]
    shop, peering, synth = two
    # Still three waves: the secondaries' mesh stacks deploy beside the primary's.
    assert shop.deploy_waves() == [
        ("shop-us-east-1", "shop-us-east-2", "shop-us-west-2"),
        ("shop-peering", "shop-peering-us-east-2"),
        (
            "shop-peering-routes-us-east-2",
            "shop-peering-routes-us-west-2",
            "shop-peering-us-west-2",
        ),
    ]
    template = synth.templates["shop-peering"]
    template.resource_count_is("AWS::EC2::VPCPeeringConnection", 2)
    regions = sorted(
        c["Properties"]["PeerRegion"]
        for c in template.find_resources("AWS::EC2::VPCPeeringConnection").values()
    )
    assert regions == ["us-east-2", "us-west-2"]
    primary_routes = _routes(synth, "shop-peering")
    assert sorted(r["DestinationCidrBlock"] for r in primary_routes) == [
        CIDRS["us-east-2"], CIDRS["us-east-2"], CIDRS["us-west-2"], CIDRS["us-west-2"]
    ]  # fmt: skip
    for region in ("us-east-2", "us-west-2"):
        stack = f"shop-peering-routes-{region}"
        assert synth.raw[stack]["Resources"]  # has routes
        routes = _routes(synth, stack)
        assert len(routes) == 2  # isolated subnets only, 2 AZs
        assert {r["DestinationCidrBlock"] for r in routes} == {CIDRS["us-east-1"]}
        assert peering.route_stacks[region].region == region
    outputs = synth.raw["shop-peering"]["Outputs"]
    assert {"PeeringConnectionIdUse2", "PeeringConnectionIdUsw2"} <= set(outputs)
    assert peering.peer_cidrs("us-east-1") == (CIDRS["us-east-2"], CIDRS["us-west-2"])
    assert peering.peer_cidrs("us-west-2") == (CIDRS["us-east-1"], CIDRS["us-east-2"])
    assert synth.findings_under("shop-peering") == {}


# ---------------------------------------------------------------------- full mesh
def _stack_outputs_read(node: Any) -> Iterator[dict[str, str]]:
    """Every ``Fn::GetStackOutput`` argument (StackName, Region, OutputName) in a template
    (or any part of one)."""
    if isinstance(node, dict):
        ref = node.get("Fn::GetStackOutput")
        if isinstance(ref, dict):
            yield ref
        for value in node.values():
            yield from _stack_outputs_read(value)
    elif isinstance(node, list):
        for value in node:
            yield from _stack_outputs_read(value)


def _regions_read(template: dict[str, Any]) -> set[str]:
    return {ref["Region"] for ref in _stack_outputs_read(template)}


def _private_route_tables(regional: dict[str, Any]) -> set[str]:
    """Logical ids of the route tables of a regional stack's private and isolated subnets."""
    resources = regional["Resources"]
    kinds = {
        logical: tag["Value"]
        for logical, res in resources.items()
        if res["Type"] == "AWS::EC2::Subnet"
        for tag in res["Properties"].get("Tags", [])
        if tag["Key"] == "aws-cdk:subnet-type"
    }
    return {
        res["Properties"]["RouteTableId"]["Ref"]
        for res in resources.values()
        if res["Type"] == "AWS::EC2::SubnetRouteTableAssociation"
        and kinds[res["Properties"]["SubnetId"]["Ref"]] in {"Private", "Isolated"}
    }


def _mesh_routes(
    raw: dict[str, dict[str, Any]], regions: dict[str, str]
) -> dict[tuple[str, str], list[tuple[str, str, Any]]]:
    """Routes into each regional stack's route tables, by (region of the table, destination
    region): (stack holding the route, route table logical id, VpcPeeringConnectionId)."""
    by_cidr = {cidr: region for region, cidr in CIDRS.items()}
    found: dict[tuple[str, str], list[tuple[str, str, Any]]] = {}
    for stack, template in raw.items():
        for res in template.get("Resources", {}).values():
            if res["Type"] != ROUTE or "VpcPeeringConnectionId" not in res["Properties"]:
                continue
            props = res["Properties"]
            table = props["RouteTableId"]["Fn::GetStackOutput"]
            owner = raw[table["StackName"]]
            logical = owner["Outputs"][table["OutputName"]]["Value"]["Ref"]
            region = regions[table["StackName"]]
            key = (region, by_cidr[props["DestinationCidrBlock"]])
            found.setdefault(key, []).append((stack, logical, props["VpcPeeringConnectionId"]))
    return found


def _connections(raw: dict[str, dict[str, Any]]) -> dict[frozenset[str], tuple[str, str]]:
    """Each peering connection by its pair of regions: (stack, logical id)."""
    pairs: dict[frozenset[str], tuple[str, str]] = {}
    for stack, template in raw.items():
        for logical, res in template.get("Resources", {}).items():
            if res["Type"] != CONNECTION:
                continue
            props = res["Properties"]
            pair = frozenset((props["VpcId"]["Fn::GetStackOutput"]["Region"], props["PeerRegion"]))
            assert props["PeerVpcId"]["Fn::GetStackOutput"]["Region"] == props["PeerRegion"]
            assert pair not in pairs, f"two connections for {sorted(pair)}"
            pairs[pair] = (stack, logical)
    return pairs


@pytest.fixture(scope="module")
def mesh() -> tuple[MultiRegionApp, CrossRegionPeering, NaggedSynth]:
    """us-east-1 + us-east-2 + us-west-2, VPCs with public, private (NAT) and isolated subnets."""
    app = app_with_nag()
    shop, peering, _ = _build(app, ("us-east-2", "us-west-2"), with_egress=True)
    return shop, peering, synth_with_nag(app)


def test_three_regions_one_connection_per_pair(mesh) -> None:  # type: ignore[no-untyped-def]
    shop, peering, synth = mesh
    pairs = _connections(synth.raw)
    assert set(pairs) == {
        frozenset(("us-east-1", "us-east-2")),
        frozenset(("us-east-1", "us-west-2")),
        frozenset(("us-east-2", "us-west-2")),
    }
    assert pairs[frozenset(("us-east-2", "us-west-2"))][0] == "shop-peering-us-east-2"
    assert list(peering.connections_by_pair) == [
        ("us-east-1", "us-east-2"), ("us-east-1", "us-west-2"), ("us-east-2", "us-west-2")
    ]  # fmt: skip
    assert list(peering.connections) == ["us-east-2", "us-west-2"]  # the primary's
    between = peering.connections_by_pair[("us-east-2", "us-west-2")]
    assert peering.peering_connection_id("us-west-2", "us-east-2") == between.ref
    assert peering.peering_connection_id("us-east-2", "us-west-2") == between.ref
    assert peering.peering_connection_id("us-west-2") == peering.connections["us-west-2"].ref
    assert {r: s.region for r, s in peering.mesh_stacks.items()} == {
        "us-east-2": "us-east-2",
        "us-west-2": "us-west-2",
    }
    # The tag and the well-known output of the connection between the secondaries.
    (connection,) = synth.templates["shop-peering-us-east-2"].find_resources(CONNECTION).values()
    tags = {t["Key"]: t["Value"] for t in connection["Properties"]["Tags"]}
    assert tags["Name"] == "shop-us-east-2-us-west-2"
    assert "PeeringConnectionIdUsw2" in synth.raw["shop-peering-us-east-2"]["Outputs"]
    with pytest.raises(
        ValidationError,
        match=r"region must be a region peered with 'us-east-2' \['us-east-1', 'us-west-2'\], "
        r"got 'eu-west-1'",
    ):
        peering.peering_connection_id("eu-west-1", "us-east-2")
    assert shop.deploy_waves() == [
        ("shop-us-east-1", "shop-us-east-2", "shop-us-west-2"),
        ("shop-peering", "shop-peering-us-east-2"),
        (
            "shop-peering-routes-us-east-2",
            "shop-peering-routes-us-west-2",
            "shop-peering-us-west-2",
        ),
    ]


def test_three_regions_every_vpc_routes_to_both_others_from_its_own_region(mesh) -> None:  # type: ignore[no-untyped-def]
    shop, peering, synth = mesh
    regions = {stack.stack_name: stack.region for stack in shop.all_stacks}
    routes = _mesh_routes(synth.raw, regions)
    pairs = _connections(synth.raw)
    assert set(routes) == {(a, b) for a in THREE for b in THREE if a != b}
    for (region, destination), found in routes.items():
        tables = _private_route_tables(synth.raw[f"shop-{region}"])
        assert len(tables) == 4  # 2 AZs x (private with egress, isolated); no public table
        assert sorted(logical for _, logical, _ in found) == sorted(tables), (region, destination)
        home, connection = pairs[frozenset((region, destination))]
        for stack, _, via in found:
            assert regions[stack] == region, (stack, region)
            if stack == home:
                assert via == {"Ref": connection}
            else:
                assert via["Fn::GetStackOutput"]["StackName"] == home
        assert peering.peer_cidrs(region) == tuple(CIDRS[r] for r in THREE if r != region)
    for region in THREE:
        routed = {r.destination_cidr_block for r in peering.routes[region]}
        assert routed == {CIDRS[r] for r in THREE if r != region}


def test_three_regions_security_groups_admit_both_other_cidrs(mesh) -> None:  # type: ignore[no-untyped-def]
    _, _, synth = mesh
    for region in THREE:
        (group,) = [
            g
            for g in synth.templates[f"shop-{region}"]
            .find_resources("AWS::EC2::SecurityGroup")
            .values()
            if g["Properties"]["GroupDescription"] == "app"
        ]
        admitted = {rule["CidrIp"] for rule in group["Properties"]["SecurityGroupIngress"]}
        assert admitted == {CIDRS[r] for r in THREE if r != region}


def test_secondary_mesh_reads_nothing_from_the_primary_region(mesh) -> None:  # type: ignore[no-untyped-def]
    _, peering, synth = mesh
    for region, stack in peering.mesh_stacks.items():
        assert stack.region == region
        assert _regions_read(synth.raw[stack.stack_name]) == {"us-east-2", "us-west-2"}
    # The later region's stack reads the connection from the earlier one's.
    reads = {r["StackName"] for r in _stack_outputs_read(synth.raw["shop-peering-us-west-2"])}
    assert reads == {"shop-peering-us-east-2", "shop-us-west-2"}


def test_mesh_nag_and_cfn_lint_clean(mesh) -> None:  # type: ignore[no-untyped-def]
    _, _, synth = mesh
    assert synth.findings_under("shop-peering") == {}
    paths = [str(p) for name, p in synth.template_paths.items() if "peering" in name]
    assert len(paths) == 5
    assert cfn_lint_findings(paths) == ""


def test_four_regions_mesh_adds_one_wave_per_further_secondary() -> None:
    cidrs = {**CIDRS, "us-west-1": "10.3.0.0/16"}
    shop = MultiRegionApp(
        cdk.App(),
        "Shop",
        app_name="shop",
        service=False,
        secondary_regions=("us-east-2", "us-west-2", "us-west-1"),
    )
    vpcs = {r: _vpc(shop.stack_for(r), cidrs[r], with_egress=False) for r in shop.regions}
    peering = CrossRegionPeering(
        shop, "Peering", vpcs={r: PeeredVpc(vpc=v, cidr=cidrs[r]) for r, v in vpcs.items()}
    )
    assert len(peering.connections_by_pair) == 6  # one per pair of the four regions
    assert {frozenset(pair) for pair in peering.connections_by_pair} == {
        frozenset((a, b)) for a in shop.regions for b in shop.regions if a != b
    }
    assert shop.deploy_waves() == [
        ("shop-us-east-1", "shop-us-east-2", "shop-us-west-1", "shop-us-west-2"),
        ("shop-peering", "shop-peering-us-east-2"),
        (
            "shop-peering-routes-us-east-2",
            "shop-peering-routes-us-west-1",
            "shop-peering-routes-us-west-2",
            "shop-peering-us-west-2",
        ),
        ("shop-peering-us-west-1",),
    ]


# ---------------------------------------------------------------------- failover (3 regions)
def _three_region_app(
    promote: str | None, **options: Any
) -> tuple[MultiRegionApp, dict[str, dict[str, Any]]]:
    shop = MultiRegionApp(
        cdk.App(),
        "Shop",
        app_name="shop",
        account="123456789012",
        secondary_regions=("us-east-2", "us-west-2"),
        database=ReplicatedDatabaseProps(promote_replica_in=promote),
        database_peer_access=True,
        vpc_cidrs=CIDRS,
        **options,
    )
    return shop, raw_templates(shop)


def test_without_the_mesh_the_app_grows_linearly() -> None:
    """``CrossRegionPeeringProps(mesh=False)`` on the performance guide's scaling app (database
    and DNS; here with ``database_peer_access`` too, whose rules are no resources of their own)
    at three regions: 96 n - 5 resources in 3 n + 2 stacks and 4 deploy waves, as at every size
    (the mesh has 9 resources more per pair of secondary regions and a wave per region beyond
    the third); a secondary's database admits the primary's block only."""
    shop, templates = _three_region_app(
        None,
        dns=FailoverDnsProps(zone_name="shop.mycompany.com", record_name="www.shop.mycompany.com"),
        peering=CrossRegionPeeringProps(mesh=False),
    )
    n = 3
    resources = [
        r
        for t in templates.values()
        for r in t["Resources"].values()
        if r["Type"] != "AWS::CDK::Metadata"
    ]
    assert (len(resources), len(templates)) == (96 * n - 5, 3 * n + 2)
    assert len(shop.deploy_waves()) == 4
    assert sum(r["Type"] == CONNECTION for r in resources) == n - 1
    for stack in ("shop-us-east-2", "shop-us-west-2"):
        (group,) = [
            r
            for k, r in templates[stack]["Resources"].items()
            if r["Type"] == "AWS::EC2::SecurityGroup" and "Database" in k
        ]
        peers = sorted(
            rule["CidrIp"]
            for rule in group["Properties"].get("SecurityGroupIngress", [])
            if rule.get("CidrIp", "").startswith("10.")
        )
        assert peers == [CIDRS["us-east-1"]], stack


@pytest.fixture(scope="module")
def failed_over() -> tuple[MultiRegionApp, dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """The three-region app before and after the failover to us-east-2."""
    _, before = _three_region_app(None)
    shop, after = _three_region_app("us-east-2")
    return shop, before, after


def test_failover_changes_no_peering(failed_over) -> None:  # type: ignore[no-untyped-def]
    _, before, after = failed_over
    peering = sorted(name for name in after if name.startswith("shop-peering"))
    assert peering == [
        "shop-peering",
        "shop-peering-routes-us-east-2",
        "shop-peering-routes-us-west-2",
        "shop-peering-us-east-2",
        "shop-peering-us-west-2",
    ]
    for name in peering:
        assert normalize(after[name]) == normalize(before[name]), name


def test_promoted_region_peering_needs_nothing_from_the_failed_primary(failed_over) -> None:  # type: ignore[no-untyped-def]
    """us-west-2 replicates from us-east-2 after the failover: the connection between them and
    the routes on both sides live in stacks outside us-east-1 that read nothing from it."""
    shop, _, after = failed_over
    regions = {stack.stack_name: stack.region for stack in shop.all_stacks}
    pair = frozenset(("us-east-2", "us-west-2"))
    home, _ = _connections(after)[pair]
    routes = _mesh_routes(after, regions)
    needed = {home} | {
        stack for key in (("us-east-2", "us-west-2"), ("us-west-2", "us-east-2"))
        for stack, _, _ in routes[key]
    }  # fmt: skip
    assert needed == {"shop-peering-us-east-2", "shop-peering-us-west-2"}
    for name in needed:
        assert regions[name] != "us-east-1", name
        assert not [r for r in _stack_outputs_read(after[name]) if r["Region"] == "us-east-1"]
    # Both VPCs route every private and isolated table to the other's CIDR.
    for region, destination in (("us-east-2", "us-west-2"), ("us-west-2", "us-east-2")):
        tables = _private_route_tables(after[f"shop-{region}"])
        assert sorted(t for _, t, _ in routes[(region, destination)]) == sorted(tables)
    # The databases admit every other VPC: the promoted writer the third region's too.
    for region in THREE:
        admitted = {
            rule["CidrIp"]
            for res in after[f"shop-{region}"]["Resources"].values()
            if res["Type"] == "AWS::EC2::SecurityGroup"
            for rule in res["Properties"].get("SecurityGroupIngress", [])
            if rule.get("Description", "").startswith("Database clients in the peered VPC")
        }
        assert admitted == {CIDRS[r] for r in THREE if r != region}, region


# ---------------------------------------------------------------------- API and bad input
def _fresh(
    secondaries: tuple[str, ...] = ("us-east-2",),
) -> tuple[MultiRegionApp, dict[str, ec2.Vpc]]:
    shop = MultiRegionApp(cdk.App(), "Shop", app_name="shop", secondary_regions=secondaries)
    vpcs = {r: _vpc(shop.stack_for(r), CIDRS[r], with_egress=False) for r in shop.regions}
    return shop, vpcs


def test_overlapping_cidrs_are_rejected() -> None:
    shop, vpcs = _fresh()
    with pytest.raises(
        ValidationError,
        match=r"vpcs CIDR blocks must not overlap: us-east-1 has '10.0.0.0/16' and "
        r"us-east-2 has '10.0.128.0/17'",
    ):
        CrossRegionPeering(
            shop,
            "Peering",
            vpcs={
                "us-east-1": PeeredVpc(vpc=vpcs["us-east-1"], cidr="10.0.0.0/16"),
                "us-east-2": PeeredVpc(vpc=vpcs["us-east-2"], cidr="10.0.128.0/17"),
            },
        )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"us-east-2": "10.1.0.0/29"},
            r"vpcs\['us-east-2'\].cidr must have a prefix length between /16 and /28, "
            r"got '10.1.0.0/29'",
        ),
        (
            {"us-east-2": "not-a-cidr"},
            r"vpcs\['us-east-2'\].cidr must be an IPv4 CIDR block .*got 'not-a-cidr'",
        ),
        (
            {"us-east-2": "100.64.0.0/16"},
            r"vpcs\['us-east-2'\].cidr must be inside an RFC 1918 .*got '100.64.0.0/16'",
        ),
    ],
)
def test_bad_cidrs(change: dict[str, str], message: str) -> None:
    shop, vpcs = _fresh()
    cidrs = {**{r: CIDRS[r] for r in vpcs}, **change}
    with pytest.raises(ValidationError, match=message):
        CrossRegionPeering(
            shop, "Peering", vpcs={r: PeeredVpc(vpc=v, cidr=cidrs[r]) for r, v in vpcs.items()}
        )


def test_token_cidr_is_rejected() -> None:
    shop, vpcs = _fresh()
    with pytest.raises(ValidationError, match=r"vpcs\['us-east-2'\].cidr must be a literal CIDR"):
        CrossRegionPeering(
            shop,
            "Peering",
            vpcs={
                "us-east-1": PeeredVpc(vpc=vpcs["us-east-1"], cidr=CIDRS["us-east-1"]),
                "us-east-2": PeeredVpc(
                    vpc=vpcs["us-east-2"], cidr=vpcs["us-east-2"].vpc_cidr_block
                ),
            },
        )


def test_bad_layouts() -> None:
    shop, vpcs = _fresh()
    p1 = PeeredVpc(vpc=vpcs["us-east-1"], cidr=CIDRS["us-east-1"])
    p2 = PeeredVpc(vpc=vpcs["us-east-2"], cidr=CIDRS["us-east-2"])
    with pytest.raises(
        ValidationError,
        match=r"vpcs must include the primary region 'us-east-1', got \['us-east-2'\]",
    ):
        CrossRegionPeering(shop, "Peering", vpcs={"us-east-2": p2})
    with pytest.raises(
        ValidationError,
        match=r"vpcs must include at least one secondary region, got \['us-east-1'\]",
    ):
        CrossRegionPeering(shop, "Peering", vpcs={"us-east-1": p1})
    with pytest.raises(
        ValidationError, match=r"vpcs must only name the app's regions .*got 'eu-west-1'"
    ):
        CrossRegionPeering(shop, "Peering", vpcs={"us-east-1": p1, "eu-west-1": p2})
    with pytest.raises(
        ValidationError,
        match=r"vpcs\['us-east-2'\].vpc must be in a stack of us-east-2, got 'shop-us-east-1/Vpc'",
    ):
        CrossRegionPeering(
            shop,
            "Peering",
            vpcs={
                "us-east-1": p1,
                "us-east-2": PeeredVpc(vpc=vpcs["us-east-1"], cidr=CIDRS["us-east-2"]),
            },
        )
    with pytest.raises(
        ValidationError,
        match=r"subnet_types must name only PRIVATE_WITH_EGRESS and PRIVATE_ISOLATED "
        r".*got 'SubnetType.PUBLIC'",
    ):
        CrossRegionPeering(
            shop,
            "Peering",
            vpcs={"us-east-1": p1, "us-east-2": p2},
            subnet_types=[ec2.SubnetType.PUBLIC],
        )
    with pytest.raises(
        ValidationError, match=r"vpcs\['us-east-1'\].vpc must have subnets of subnet_types"
    ):
        CrossRegionPeering(
            shop,
            "Peering",
            vpcs={"us-east-1": p1, "us-east-2": p2},
            subnet_types=[ec2.SubnetType.PRIVATE_WITH_EGRESS],
        )


def test_allow_peer_cidr_rejects_public_cidr() -> None:
    shop, vpcs = _fresh()
    group = ec2.SecurityGroup(shop.primary_stack, "Sg", vpc=vpcs["us-east-1"])
    with pytest.raises(ValidationError, match=r"cidr must be inside an RFC 1918 .*got '0.0.0.0/0'"):
        allow_peer_cidr(group, "0.0.0.0/0", ec2.Port.tcp(443))
