"""cross_region_peering.py on small stacks: imported VPCs (literal ids, subnets and route
tables) in us-east-1, us-east-2 and us-west-2, peered once as a full mesh with the default
subnet types and synthesized once: each connection with its stack, VPCs, tag and output, each
route with its table, destination and connection (a route table shared by two subnets routed
once, public subnets never), the lookups and the security group rules; then two regions with
one subnet type, and every refusal with its exact message. Kills the mutants of
``tools/mutate.py`` in a few seconds each (docs/guides/testing.md)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2

from multiregion_tap import MultiRegionApp, ValidationError
from multiregion_tap import cross_region_peering as module
from multiregion_tap.cross_region_peering import (
    CrossRegionPeering,
    CrossRegionPeeringProps,
    PeeredVpc,
    allow_peer_cidr,
)
from tests.support.templates import raw_templates

E1, E2, W2 = "us-east-1", "us-east-2", "us-west-2"
# The smallest and the largest VPC blocks EC2 accepts (/16, /28), and one of another range.
CIDRS = {E1: "10.0.0.0/16", E2: "10.1.0.0/28", W2: "172.16.0.0/20"}
VPC_IDS = {E1: "vpc-0e1000000000000a1", E2: "vpc-0e2000000000000a2", W2: "vpc-0w2000000000000a3"}


def _vpc(stack: cdk.Stack, region: str, *, private: bool, isolated: bool) -> ec2.IVpc:
    """Two AZs; public subnets with one route table; private (with egress) subnets with a table
    each; isolated subnets sharing ONE route table."""
    code = region.replace("-", "")
    props: dict[str, Any] = {
        "vpc_id": VPC_IDS[region],
        "availability_zones": [f"{region}a", f"{region}b"],
        "public_subnet_ids": [f"subnet-{code}pub{i}" for i in (0, 1)],
        "public_subnet_route_table_ids": [f"rtb-{code}pub"] * 2,
    }
    if private:
        props["private_subnet_ids"] = [f"subnet-{code}priv{i}" for i in (0, 1)]
        props["private_subnet_route_table_ids"] = [f"rtb-{code}priv{i}" for i in (0, 1)]
    if isolated:
        props["isolated_subnet_ids"] = [f"subnet-{code}iso{i}" for i in (0, 1)]
        props["isolated_subnet_route_table_ids"] = [f"rtb-{code}iso"] * 2
    return ec2.Vpc.from_vpc_attributes(stack, "Vpc", **props)


def _app(secondaries: tuple[str, ...]) -> MultiRegionApp:
    return MultiRegionApp(
        cdk.App(),
        "Shop",
        app_name="shop",
        service=False,
        peering=False,
        monitoring=False,
        secondary_regions=secondaries,
    )


@dataclass
class Built:
    shop: MultiRegionApp
    peering: CrossRegionPeering
    vpcs: dict[str, ec2.IVpc]
    groups: dict[str, ec2.SecurityGroup]
    raw: dict[str, dict[str, Any]]


def _three_regions(
    **options: Any,
) -> tuple[MultiRegionApp, dict[str, ec2.IVpc], CrossRegionPeering, dict[str, ec2.SecurityGroup]]:
    """us-east-1 with private and isolated subnets, us-east-2 isolated only, us-west-2
    private only, peered with the default subnet types (and ``options``); a group in each
    region."""
    shop = _app((E2, W2))
    layout = {E1: (True, True), E2: (False, True), W2: (True, False)}
    vpcs = {r: _vpc(shop.stack_for(r), r, private=p, isolated=i) for r, (p, i) in layout.items()}
    peering = CrossRegionPeering(
        shop,
        "Peering",
        vpcs={r: PeeredVpc(vpc=v, cidr=CIDRS[r]) for r, v in vpcs.items()},
        **options,
    )
    groups = {
        region: ec2.SecurityGroup(shop.stack_for(region), "Group", vpc=vpc, description="app")
        for region, vpc in vpcs.items()
    }
    return shop, vpcs, peering, groups


@pytest.fixture(scope="module")
def mesh() -> Built:
    """The three regions as a full mesh; each group admits the peers."""
    shop, vpcs, peering, groups = _three_regions()
    peering.allow_from_peers(groups[E1], ec2.Port.tcp(5432))
    peering.allow_from_peers(groups[E2], ec2.Port.tcp(5432))
    # The region given wins over the target's stack's.
    peering.allow_from_peers(groups[W2], ec2.Port.tcp(5432), region=E2)
    return Built(shop, peering, vpcs, groups, raw_templates(shop))


def _resources(built: Built, stack: str, kind: str) -> dict[str, dict[str, Any]]:
    return {
        k: v["Properties"] for k, v in built.raw[stack]["Resources"].items() if v["Type"] == kind
    }


def _via(value: dict[str, Any]) -> Any:
    """A connection id: its logical id in the same stack, or the (stack, region) it is read from."""
    if "Ref" in value:
        return value["Ref"]
    ref = value["Fn::GetStackOutput"]
    return ref["StackName"], ref["Region"]


def _routes(built: Built, stack: str) -> list[tuple[str, str, Any]]:
    return sorted(
        (p["RouteTableId"], p["DestinationCidrBlock"], _via(p["VpcPeeringConnectionId"]))
        for p in _resources(built, stack, "AWS::EC2::Route").values()
    )


def _logical(built: Built, connection: ec2.CfnVPCPeeringConnection) -> str:
    return cdk.Stack.of(connection).get_logical_id(connection)


# ------------------------------------------------------------------------- names and props
def test_the_public_names() -> None:
    assert module.__all__ == [
        "CrossRegionPeering",
        "CrossRegionPeeringProps",
        "PeeredVpc",
        "allow_peer_cidr",
    ]


def test_the_props_are_frozen_and_keyword_only(mesh: Built) -> None:
    peered = PeeredVpc(vpc=mesh.vpcs[E1], cidr="10.0.0.0/16")
    with pytest.raises(dataclasses.FrozenInstanceError):
        peered.cidr = "10.9.0.0/16"  # type: ignore[misc]
    with pytest.raises(TypeError):
        PeeredVpc(mesh.vpcs[E1], "10.0.0.0/16")  # type: ignore[misc]
    props = CrossRegionPeeringProps()
    assert props.subnet_types is None
    assert props.mesh is True
    with pytest.raises(dataclasses.FrozenInstanceError):
        props.subnet_types = []  # type: ignore[misc]
    with pytest.raises(TypeError):
        CrossRegionPeeringProps([ec2.SubnetType.PRIVATE_ISOLATED])  # type: ignore[misc]


# ------------------------------------------------------------------------- the mesh
def test_the_stacks(mesh: Built) -> None:
    peering = mesh.peering
    assert (peering.stack.stack_name, peering.stack.region) == ("shop-peering", E1)
    assert {r: (s.stack_name, s.region) for r, s in peering.route_stacks.items()} == {
        E2: ("shop-peering-routes-us-east-2", E2),
        W2: ("shop-peering-routes-us-west-2", W2),
    }
    assert {r: (s.stack_name, s.region) for r, s in peering.mesh_stacks.items()} == {
        E2: ("shop-peering-us-east-2", E2),
        W2: ("shop-peering-us-west-2", W2),
    }


def test_one_connection_per_pair(mesh: Built) -> None:
    peering = mesh.peering
    pairs = peering.connections_by_pair
    assert list(pairs) == [(E1, E2), (E1, W2), (E2, W2)]
    assert peering.connections == {E2: pairs[(E1, E2)], W2: pairs[(E1, W2)]}
    homes = {(E1, E2): "shop-peering", (E1, W2): "shop-peering", (E2, W2): "shop-peering-us-east-2"}
    for (region, peer), connection in pairs.items():
        home = homes[(region, peer)]
        role = "primary" if home == "shop-peering" else "secondary"
        assert cdk.Stack.of(connection).stack_name == home
        logical = _logical(mesh, connection)
        assert logical.startswith(f"PeeringConnection{peer.replace('-', '')}")
        assert _resources(mesh, home, "AWS::EC2::VPCPeeringConnection")[logical] == {
            "VpcId": VPC_IDS[region],
            "PeerVpcId": VPC_IDS[peer],
            "PeerRegion": peer,
            "Tags": [
                {"Key": "multiregion-tap:app", "Value": "shop"},
                {"Key": "multiregion-tap:region-role", "Value": role},
                {"Key": "Name", "Value": f"shop-{region}-{peer}"},
            ],
        }
        suffix = {E2: "Use2", W2: "Usw2"}[peer]
        assert mesh.raw[home]["Outputs"][f"PeeringConnectionId{suffix}"] == {
            "Description": f"VPC peering connection {region} <-> {peer}",
            "Value": {"Ref": logical},
        }
    assert len(_resources(mesh, "shop-peering", "AWS::EC2::VPCPeeringConnection")) == 2
    assert len(_resources(mesh, "shop-peering-us-east-2", "AWS::EC2::VPCPeeringConnection")) == 1
    assert _resources(mesh, "shop-peering-us-west-2", "AWS::EC2::VPCPeeringConnection") == {}


def test_the_routes_both_ways(mesh: Built) -> None:
    pairs = mesh.peering.connections_by_pair
    to_e2, to_w2, between = (_logical(mesh, pairs[p]) for p in ((E1, E2), (E1, W2), (E2, W2)))
    # us-east-1: both private tables and the isolated one (shared by two subnets: one
    # route), never the public one; to each secondary over its connection.
    tables = ["rtb-useast1iso", "rtb-useast1priv0", "rtb-useast1priv1"]
    assert _routes(mesh, "shop-peering") == sorted(
        [(t, CIDRS[E2], to_e2) for t in tables] + [(t, CIDRS[W2], to_w2) for t in tables]
    )
    assert _routes(mesh, "shop-peering-routes-us-east-2") == [
        ("rtb-useast2iso", CIDRS[E1], ("shop-peering", E1))
    ]
    assert _routes(mesh, "shop-peering-routes-us-west-2") == [
        ("rtb-uswest2priv0", CIDRS[E1], ("shop-peering", E1)),
        ("rtb-uswest2priv1", CIDRS[E1], ("shop-peering", E1)),
    ]
    assert _routes(mesh, "shop-peering-us-east-2") == [("rtb-useast2iso", CIDRS[W2], between)]
    assert _routes(mesh, "shop-peering-us-west-2") == [
        ("rtb-uswest2priv0", CIDRS[E2], ("shop-peering-us-east-2", E2)),
        ("rtb-uswest2priv1", CIDRS[E2], ("shop-peering-us-east-2", E2)),
    ]
    routes = mesh.peering.routes
    assert {r: len(found) for r, found in routes.items()} == {E1: 6, E2: 2, W2: 4}
    assert sorted(r.destination_cidr_block for r in routes[W2]) == sorted(
        [CIDRS[E1]] * 2 + [CIDRS[E2]] * 2
    )


def test_the_connection_ids(mesh: Built) -> None:
    peering = mesh.peering
    pairs = peering.connections_by_pair
    assert peering.peering_connection_id(E2) == pairs[(E1, E2)].ref
    assert peering.peering_connection_id(W2) == pairs[(E1, W2)].ref
    assert peering.peering_connection_id(E1, W2) == pairs[(E1, W2)].ref
    assert peering.peering_connection_id(W2, E1) == pairs[(E1, W2)].ref
    assert peering.peering_connection_id(E2, W2) == pairs[(E2, W2)].ref
    assert peering.peering_connection_id(W2, E2) == pairs[(E2, W2)].ref
    with pytest.raises(ValidationError) as caught:
        peering.peering_connection_id("eu-west-1", E2)
    assert caught.value.message == (
        "region must be a region peered with 'us-east-2' ['us-east-1', 'us-west-2'], "
        "got 'eu-west-1'"
    )
    with pytest.raises(ValidationError) as caught:
        peering.peering_connection_id(E1)
    assert caught.value.message == (
        "region must be a region peered with 'us-east-1' ['us-east-2', 'us-west-2'], "
        "got 'us-east-1'"
    )


def test_the_peer_cidrs_and_the_rules(mesh: Built) -> None:
    peering = mesh.peering
    assert peering.peer_cidrs(E1) == (CIDRS[E2], CIDRS[W2])
    assert peering.peer_cidrs(E2) == (CIDRS[E1], CIDRS[W2])
    assert peering.peer_cidrs(W2) == (CIDRS[E1], CIDRS[E2])
    with pytest.raises(ValidationError) as caught:
        peering.peer_cidrs("eu-west-1")
    assert caught.value.message == (
        "region must be a peered region ['us-east-1', 'us-east-2', 'us-west-2'], got 'eu-west-1'"
    )
    admitted = {}
    for region in (E1, E2, W2):
        (group,) = [
            p
            for p in _resources(mesh, f"shop-{region}", "AWS::EC2::SecurityGroup").values()
            if p["GroupDescription"] == "app"
        ]
        admitted[region] = sorted(
            (rule["CidrIp"], rule["Description"], rule["FromPort"], rule["ToPort"])
            for rule in group["SecurityGroupIngress"]
        )

    def rules(*cidrs: str) -> list[tuple[str, str, int, int]]:
        return sorted((c, f"Peered VPC {c}", 5432, 5432) for c in cidrs)

    assert admitted == {
        E1: rules(CIDRS[E2], CIDRS[W2]),
        E2: rules(CIDRS[E1], CIDRS[W2]),
        W2: rules(CIDRS[E1], CIDRS[W2]),  # as us-east-2's (region=us-east-2 given)
    }


def test_allow_peer_cidr(mesh: Built) -> None:
    group = ec2.SecurityGroup(mesh.shop.stack_for(E1), "Other", vpc=mesh.vpcs[E1])
    allow_peer_cidr(group, "10.0.0.0/8", ec2.Port.tcp(443))  # the widest private block
    allow_peer_cidr(group, "192.168.1.1/32", ec2.Port.tcp(443))  # one address
    rules = cdk.Stack.of(group).resolve(group.node.default_child.security_group_ingress)  # type: ignore[union-attr]
    assert [(r["cidrIp"], r["description"]) for r in rules] == [
        ("10.0.0.0/8", "Peered VPC 10.0.0.0/8"),
        ("192.168.1.1/32", "Peered VPC 192.168.1.1/32"),
    ]
    for bad, reason in (
        ("bad", "be an IPv4 CIDR block such as '10.0.0.0/16' (Expected 4 octets in 'bad')"),
        ("8.8.8.0/24", "be inside an RFC 1918 private range (10/8, 172.16/12, 192.168/16)"),
    ):
        with pytest.raises(ValidationError) as caught:
            allow_peer_cidr(group, bad, ec2.Port.tcp(443))
        assert caught.value.message == f"cidr must {reason}, got {bad!r}"


# ------------------------------------------------------------------------- two regions
def test_two_regions_with_one_subnet_type() -> None:
    """Only the private (with egress) tables, and no mesh stack with one secondary."""
    shop = _app((E2,))
    vpcs = {r: _vpc(shop.stack_for(r), r, private=True, isolated=True) for r in (E1, E2)}
    peering = CrossRegionPeering(
        shop,
        "Peering",
        vpcs={r: PeeredVpc(vpc=v, cidr=CIDRS[r]) for r, v in vpcs.items()},
        subnet_types=[ec2.SubnetType.PRIVATE_WITH_EGRESS],
    )
    assert peering.mesh_stacks == {}
    assert list(peering.connections_by_pair) == [(E1, E2)]
    routes = peering.routes
    stacks = {E1: peering.stack, E2: peering.route_stacks[E2]}
    found = {
        region: sorted(stacks[region].resolve(r.route_table_id) for r in routes[region])
        for region in (E1, E2)
    }
    assert found == {
        E1: ["rtb-useast1priv0", "rtb-useast1priv1"],
        E2: ["rtb-useast2priv0", "rtb-useast2priv1"],
    }
    isolated = _app((E2,))
    vpcs = {r: _vpc(isolated.stack_for(r), r, private=True, isolated=True) for r in (E1, E2)}
    peering = CrossRegionPeering(
        isolated,
        "Peering",
        vpcs={r: PeeredVpc(vpc=v, cidr=CIDRS[r]) for r, v in vpcs.items()},
        subnet_types=(ec2.SubnetType.PRIVATE_ISOLATED,),
    )
    assert [peering.stack.resolve(r.route_table_id) for r in peering.routes[E1]] == [
        "rtb-useast1iso"
    ]


# ------------------------------------------------------------------------- hub and spoke
@pytest.fixture(scope="module")
def hub() -> Built:
    """The three regions with ``mesh=False``: each secondary region peered with the primary
    only; each group admits its peers."""
    shop, vpcs, peering, groups = _three_regions(mesh=False)
    for group in groups.values():
        peering.allow_from_peers(group, ec2.Port.tcp(5432))
    return Built(shop, peering, vpcs, groups, raw_templates(shop))


def test_without_the_mesh_each_secondary_is_peered_with_the_primary_only(hub: Built) -> None:
    peering = hub.peering
    assert peering.mesh_stacks == {}
    assert sorted(hub.raw) == [
        "shop-peering",
        "shop-peering-routes-us-east-2",
        "shop-peering-routes-us-west-2",
        "shop-us-east-1",
        "shop-us-east-2",
        "shop-us-west-2",
    ]
    assert list(peering.connections_by_pair) == [(E1, E2), (E1, W2)]
    assert len(_resources(hub, "shop-peering", "AWS::EC2::VPCPeeringConnection")) == 2
    assert peering.peer_cidrs(E1) == (CIDRS[E2], CIDRS[W2])
    assert peering.peer_cidrs(E2) == (CIDRS[E1],)
    assert peering.peer_cidrs(W2) == (CIDRS[E1],)
    # The secondaries route to the primary only; the primary to both.
    assert {d for _, d, _ in _routes(hub, "shop-peering-routes-us-east-2")} == {CIDRS[E1]}
    assert {d for _, d, _ in _routes(hub, "shop-peering-routes-us-west-2")} == {CIDRS[E1]}
    assert {d for _, d, _ in _routes(hub, "shop-peering")} == {CIDRS[E2], CIDRS[W2]}
    # And admit the primary's block only.
    for region, stack in ((E2, "shop-us-east-2"), (W2, "shop-us-west-2")):
        rules = [
            p["CidrIp"]
            for p in _resources(hub, stack, "AWS::EC2::SecurityGroupIngress").values()
            if "CidrIp" in p
        ]
        group = hub.raw[stack]["Resources"]
        inline = [
            rule["CidrIp"]
            for v in group.values()
            if v["Type"] == "AWS::EC2::SecurityGroup"
            for rule in v["Properties"].get("SecurityGroupIngress", [])
        ]
        assert sorted(rules + inline) == [CIDRS[E1]], region
    assert peering.peering_connection_id(W2) == peering.connections_by_pair[(E1, W2)].ref
    with pytest.raises(ValidationError) as caught:
        peering.peering_connection_id(E2, W2)
    assert caught.value.message == (
        "region must be a region peered with 'us-west-2' ['us-east-1'], got 'us-east-2'"
    )


def test_the_app_passes_mesh_through() -> None:
    shop = MultiRegionApp(
        cdk.App(),
        "Shop",
        app_name="shop",
        secondary_regions=(E2, W2, "eu-west-1"),
        account="123456789012",
        monitoring=False,
        peering=CrossRegionPeeringProps(mesh=False),
    )
    assert shop.peering is not None
    assert shop.peering.mesh_stacks == {}
    assert sorted(shop.helper_stacks) == [
        "peering",
        "peering-routes-eu-west-1",
        "peering-routes-us-east-2",
        "peering-routes-us-west-2",
    ]
    # No wave per region beyond the third: regional stacks, peering, routes.
    assert len(shop.deploy_waves()) == 3


# ------------------------------------------------------------------------- refusals
@dataclass
class Parts:
    shop: MultiRegionApp
    vpcs: dict[str, ec2.IVpc]


@pytest.fixture(scope="module")
def parts() -> Parts:
    """A two-region app with a VPC in each region (isolated subnets only), never synthesized."""
    shop = _app((E2,))
    return Parts(
        shop, {r: _vpc(shop.stack_for(r), r, private=False, isolated=True) for r in (E1, E2)}
    )


def _refused(parts: Parts, scope: Any = None, **overrides: Any) -> str:
    props: dict[str, Any] = {
        "vpcs": {r: PeeredVpc(vpc=v, cidr=CIDRS[r]) for r, v in parts.vpcs.items()}
    }
    props.update(overrides)
    with pytest.raises(ValidationError) as caught:
        CrossRegionPeering(scope or parts.shop, "Peering", **props)
    return caught.value.message


def test_the_scope_and_the_regions_refused(parts: Parts) -> None:
    other = cdk.Stack(cdk.App(), "Other")
    assert _refused(parts, other) == (
        "scope must be a MultiRegionApp (peering creates its stacks), got 'Other'"
    )
    p1, p2 = (PeeredVpc(vpc=parts.vpcs[r], cidr=CIDRS[r]) for r in (E1, E2))
    assert _refused(parts, vpcs={E1: p1, E2: p2, "eu-west-1": p2}) == (
        "vpcs must only name the app's regions ['us-east-1', 'us-east-2'], got 'eu-west-1'"
    )
    assert _refused(parts, vpcs={E2: p2}) == (
        "vpcs must include the primary region 'us-east-1', got ['us-east-2']"
    )
    assert _refused(parts, vpcs={E1: p1}) == (
        "vpcs must include at least one secondary region, got ['us-east-1']"
    )
    assert _refused(parts, vpcs={E1: p1, E2: PeeredVpc(vpc=parts.vpcs[E1], cidr=CIDRS[E2])}) == (
        "vpcs['us-east-2'].vpc must be in a stack of us-east-2, got 'shop-us-east-1/Vpc'"
    )


def test_the_cidrs_refused(parts: Parts) -> None:
    def vpcs(cidr: str) -> dict[str, PeeredVpc]:
        return {
            E1: PeeredVpc(vpc=parts.vpcs[E1], cidr=CIDRS[E1]),
            E2: PeeredVpc(vpc=parts.vpcs[E2], cidr=cidr),
        }

    for cidr in ("10.0.0.0/15", "10.1.0.0/29"):
        assert _refused(parts, vpcs=vpcs(cidr)) == (
            f"vpcs['us-east-2'].cidr must have a prefix length between /16 and /28, got {cidr!r}"
        )
    token = cdk.Token.as_string(cdk.Aws.ACCOUNT_ID)
    assert _refused(parts, vpcs=vpcs(token)) == (
        f"vpcs['us-east-2'].cidr must be a literal CIDR, not a token, got {token!r}"
    )
    assert _refused(parts, vpcs=vpcs("10.0.128.0/17")) == (
        "vpcs CIDR blocks must not overlap: us-east-1 has '10.0.0.0/16' and us-east-2 has "
        "'10.0.128.0/17'"
    )


def test_mesh_refused(parts: Parts) -> None:
    assert _refused(parts, mesh="no") == "mesh must be True or False, got 'no'"


def test_the_subnet_types_refused(parts: Parts) -> None:
    assert _refused(parts, subnet_types=[]) == (
        "subnet_types must name at least one subnet type, got []"
    )
    assert _refused(
        parts, subnet_types=[ec2.SubnetType.PRIVATE_ISOLATED, ec2.SubnetType.PUBLIC]
    ) == (
        "subnet_types must name only PRIVATE_WITH_EGRESS and PRIVATE_ISOLATED (public subnets "
        "are not routed to the peer), got 'SubnetType.PUBLIC'"
    )
    assert _refused(parts, subnet_types=[ec2.SubnetType.PRIVATE_WITH_EGRESS]) == (
        "vpcs['us-east-1'].vpc must have subnets of subnet_types "
        "['SubnetType.PRIVATE_WITH_EGRESS'] to route to the peer, got none in 'shop-us-east-1/Vpc'"
    )
