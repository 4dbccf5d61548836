"""CrossRegionPeering: the app's VPCs peered with each other (a full mesh by default), routes
both ways.

Stack layout (acyclic; a route can only be created by a stack in its own region)::

    shop-us-east-1 ─┐
                    ├─ shop-peering (us-east-1) ─── shop-peering-routes-us-east-2 (us-east-2)
    shop-us-east-2 ─┘   peering connection(s)         routes to the primary's CIDR
                        routes to each secondary CIDR

With two or more secondary regions, each secondary also gets ``shop-peering-<region>`` (in its
region) for the connections between secondaries: a connection is created by the earlier
region's stack (``secondary_regions`` order) with that region's routes over it, and the later
region's stack holds its routes back::

    shop-us-east-2 ─┐
                    ├─ shop-peering-us-east-2 (us-east-2) ─── shop-peering-us-west-2 (us-west-2)
    shop-us-west-2 ─┘   connection us-east-2 <-> us-west-2     routes to us-east-2's CIDR
                        routes to us-west-2's CIDR

These stacks read nothing from the primary region (the ``peering-routes`` stacks could not
hold these routes: they read the primary's connection from it), so a failover to a secondary
changes no peering and needs nothing from the failed primary: the promoted region is already
peered with every other region. With three regions the mesh stacks deploy beside the peering
stack and the routes stacks (no extra wave); each further secondary region adds one wave, as
its mesh stack waits for the connections of the regions before it. ``mesh=False`` leaves the
secondaries unpeered with each other (hub and spoke: one connection per secondary region, no
mesh stacks, no extra waves), at the price of that failover property.

Every value crosses stacks as a weak reference (``Fn::GetStackOutput``). Same-account
cross-region peering connections are accepted by CloudFormation without a peering role.
Security groups cannot reference a security group of a VPC in another region: allow the
peer's CIDR block instead (:meth:`CrossRegionPeering.allow_from_peers`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from ._private import naming
from ._private.app_context import AppStacks
from ._private.outputs import add_well_known_output
from ._private.producers import follow
from ._private.validation import (
    fail,
    is_token,
    names_construct_path,
    require_cidr,
    require_no_overlap,
)
from .errors import ValidationError
from .outputs import OutputNames, StackNames

__all__ = ["CrossRegionPeering", "CrossRegionPeeringProps", "PeeredVpc", "allow_peer_cidr"]

#: VPC CIDR blocks: /16 to /28 (what EC2 accepts for a VPC's primary block).
_VPC_PREFIX = (16, 28)
_DEFAULT_SUBNET_TYPES = (ec2.SubnetType.PRIVATE_WITH_EGRESS, ec2.SubnetType.PRIVATE_ISOLATED)


@dataclass(frozen=True, kw_only=True)
class PeeredVpc:
    """A region's VPC and its literal IPv4 CIDR block.

    :param vpc: The VPC, created in that region's stack.
    :param cidr: The VPC's primary IPv4 CIDR block as a literal string such as
        ``"10.1.0.0/16"`` (needed to check overlaps and to write routes and security group
        rules at synth time; a token is refused).
    """

    vpc: ec2.IVpc
    cidr: str


@dataclass(frozen=True, kw_only=True)
class CrossRegionPeeringProps:
    """The props of :class:`CrossRegionPeering` that :class:`~multiregion_tap.MultiRegionApp`
    passes through (everything but ``vpcs``, which the app supplies).
    """

    subnet_types: Sequence[ec2.SubnetType] | None = None
    mesh: bool = True


class CrossRegionPeering(Construct):
    """Peer every region's VPC with every other region's VPC (or, with ``mesh=False``, each
    secondary region's with the primary's only), with routes both ways.

    The construct itself lives in a new stack ``<app_name>-peering`` in the primary region,
    which holds the primary's peering connections (one per secondary region) and the primary
    side's routes. Each secondary region gets a stack ``<app_name>-peering-routes-<region>``
    with its routes back to the primary. With two or more secondary regions the VPCs form a
    full mesh: each secondary region also gets a stack ``<app_name>-peering-<region>`` that
    creates its connections to the secondary regions after it (``secondary_regions`` order)
    with its routes over them, and holds its routes over the connections of the regions
    before it. Those stacks read nothing from the primary region: after a failover to a
    secondary (``ReplicatedDatabaseProps.history``) the promoted region is already peered with every
    other region and no peering stack changes. Routes go to the peer's CIDR from every route
    table of the selected subnets (private with egress and isolated by default; public
    subnets get none).

    Example::

        peering = CrossRegionPeering(shop, "Peering", vpcs={
            "us-east-1": PeeredVpc(vpc=vpc1, cidr="10.0.0.0/16"),
            "us-east-2": PeeredVpc(vpc=vpc2, cidr="10.1.0.0/16"),
        })
        peering.allow_from_peers(db2.security_group, ec2.Port.tcp(5432))

    :param scope: The :class:`~multiregion_tap.MultiRegionApp`.
    :param id: The construct id (API: part of every logical id).
    :param vpcs: Each of the app's regions mapped to its VPC and literal CIDR block. The
        primary and at least one secondary region; CIDR blocks must not overlap.
    :param subnet_types: Subnet types whose route tables get routes to the peer.
        Default: - ``PRIVATE_WITH_EGRESS`` and ``PRIVATE_ISOLATED``.
    :param mesh: Also peer the secondary regions with each other (the ``peering-<region>``
        stacks). ``False`` peers each secondary region with the primary only (hub and spoke):
        ``n - 1`` connections instead of ``n (n - 1) / 2`` for ``n`` regions, and no deploy
        wave per region beyond the third. But after a failover the promoted region is peered
        only with the failed primary: the other secondaries' VPCs cannot reach it (its
        database, with ``database_peer_access``) until the primary region is back. Turning it
        off on a deployed app leaves the ``peering-<region>`` stacks deployed: destroy them as
        the deploying guide destroys a removed region's stacks. Default: ``True``
    :raises ValidationError: for overlapping or malformed CIDR blocks, unknown regions, a
        missing primary VPC, a VPC in the wrong region's stack or a ``mesh`` that is not a
        bool.
    """

    @names_construct_path
    def __init__(
        self,
        scope: AppStacks,
        id: str,
        *,
        vpcs: Mapping[str, PeeredVpc],
        subnet_types: Sequence[ec2.SubnetType] | None = None,
        mesh: bool = True,
    ) -> None:
        if not isinstance(scope, AppStacks):
            shown = scope.node.path if isinstance(scope, Construct) else scope
            raise fail("scope", shown, "be a MultiRegionApp (peering creates its stacks)")
        app = scope
        given = dict(vpcs)
        for region in given:
            if region not in app.regions:
                raise fail("vpcs", region, f"only name the app's regions {list(app.regions)!r}")
        if app.primary_region not in given:
            raise fail("vpcs", sorted(given), f"include the primary region {app.primary_region!r}")
        secondaries = tuple(r for r in app.secondary_regions if r in given)
        if not secondaries:
            raise fail("vpcs", sorted(given), "include at least one secondary region")
        for region, peered in given.items():
            if is_token(peered.cidr):
                raise fail(f"vpcs[{region!r}].cidr", peered.cidr, "be a literal CIDR, not a token")
            require_cidr(f"vpcs[{region!r}].cidr", peered.cidr, min_prefix=_VPC_PREFIX[0],
                         max_prefix=_VPC_PREFIX[1])  # fmt: skip
            vpc_region = cdk.Stack.of(peered.vpc).region
            if vpc_region != region:
                raise fail(
                    f"vpcs[{region!r}].vpc", peered.vpc.node.path, f"be in a stack of {region}"
                )
        require_no_overlap("vpcs CIDR blocks", {r: p.cidr for r, p in given.items()})
        if not isinstance(mesh, bool):
            raise fail("mesh", mesh, "be True or False")
        types = tuple(subnet_types) if subnet_types is not None else _DEFAULT_SUBNET_TYPES
        if not types:
            raise fail("subnet_types", list(types), "name at least one subnet type")
        for subnet_type in types:
            if subnet_type not in _DEFAULT_SUBNET_TYPES:
                raise fail(
                    "subnet_types",
                    str(subnet_type),
                    "name only PRIVATE_WITH_EGRESS and PRIVATE_ISOLATED (public subnets are "
                    "not routed to the peer)",
                )

        for region, peered in given.items():
            if not _subnets(peered.vpc, types):
                raise ValidationError(
                    f"vpcs[{region!r}].vpc must have subnets of subnet_types "
                    f"{[str(t) for t in types]!r} to route to the peer, got none in "
                    f"{peered.vpc.node.path!r}"
                )

        stack = app.add_helper_stack(
            StackNames.PEERING,
            region=app.primary_region,
            description=f"multiregion-tap app '{app.app_name}': VPC peering and primary routes",
        )
        super().__init__(stack, id)
        self._app = app
        self._vpcs = given
        self._secondaries = secondaries
        self._subnet_types = types
        self._mesh = mesh
        self._connections: dict[str, ec2.CfnVPCPeeringConnection] = {}
        self._pairs: dict[tuple[str, str], ec2.CfnVPCPeeringConnection] = {}
        self._route_stacks: dict[str, cdk.Stack] = {}
        self._mesh_stacks: dict[str, cdk.Stack] = {}
        self._routes: dict[str, list[ec2.CfnRoute]] = {r: [] for r in given}
        self._tables: dict[str, list[tuple[str, str]]] = {}

        primary = given[app.primary_region]
        for region in secondaries:
            peer = given[region]
            connection = self._connect(self, app.primary_region, region)
            self._connections[region] = connection
            # Primary side, in this stack (primary region).
            self._add_routes(self, app.primary_region, primary.vpc, region, peer.cidr, connection)
            # Secondary side, in a stack of the secondary region.
            routes_stack = app.add_helper_stack(
                StackNames.peering_routes_suffix(region),
                region=region,
                description=(
                    f"multiregion-tap app '{app.app_name}': routes from {region} to the "
                    f"primary region's VPC"
                ),
            )
            self._route_stacks[region] = routes_stack
            holder = Construct(routes_stack, id)
            self._add_routes(holder, region, peer.vpc, app.primary_region, primary.cidr, connection)

        # Between secondaries (a full mesh with three or more regions): in stacks of their own
        # regions that read nothing from the primary region's stacks. The earlier region's
        # stack creates the connection and its routes; the later region's stack its routes.
        if mesh and len(secondaries) > 1:
            holders: dict[str, Construct] = {}
            for region in secondaries:
                mesh_stack = app.add_helper_stack(
                    StackNames.peering_mesh_suffix(region),
                    region=region,
                    description=(
                        f"multiregion-tap app '{app.app_name}': VPC peering of {region} with "
                        f"the other secondary regions and its routes to them"
                    ),
                )
                self._mesh_stacks[region] = mesh_stack
                holders[region] = Construct(mesh_stack, id)
            for index, region in enumerate(secondaries):
                for later in secondaries[index + 1 :]:
                    connection = self._connect(holders[region], region, later)
                    for side, other in ((region, later), (later, region)):
                        self._add_routes(
                            holders[side],
                            side,
                            given[side].vpc,
                            other,
                            given[other].cidr,
                            connection,
                        )

    # ------------------------------------------------------------------ attributes
    @property
    def stack(self) -> cdk.Stack:
        """The stack ``<app_name>-peering`` (primary region)."""
        return cdk.Stack.of(self)

    @property
    def route_stacks(self) -> dict[str, cdk.Stack]:
        """The stacks ``<app_name>-peering-routes-<region>`` by secondary region (a copy)."""
        return dict(self._route_stacks)

    @property
    def mesh_stacks(self) -> dict[str, cdk.Stack]:
        """The stacks ``<app_name>-peering-<region>`` by secondary region (a copy): the
        connections between secondary regions and their routes. Empty with one secondary."""
        return dict(self._mesh_stacks)

    @property
    def connections(self) -> dict[str, ec2.CfnVPCPeeringConnection]:
        """The primary region's peering connections by secondary region (a copy). Every
        connection, by region pair: :attr:`connections_by_pair`."""
        return dict(self._connections)

    @property
    def connections_by_pair(self) -> dict[tuple[str, str], ec2.CfnVPCPeeringConnection]:
        """Every peering connection keyed by ``(requester, accepter)`` region pair (a copy).

        One per pair of peered regions, in the app's region order: the primary first, then
        ``secondary_regions`` in order (``("us-east-1", "us-east-2")``,
        ``("us-east-2", "us-west-2")``, ...). The requester region's stack creates it.
        """
        return dict(self._pairs)

    @property
    def routes(self) -> dict[str, list[ec2.CfnRoute]]:
        """The routes created in each region's route tables (a copy)."""
        return {region: list(routes) for region, routes in self._routes.items()}

    def peering_connection_id(self, region: str, peer: str | None = None) -> str:
        """The id of the peering connection between ``region`` and ``peer`` (in either order).

        :param peer: The other region. Default: - the primary region.
        """
        other = self._app.primary_region if peer is None else peer
        found = self._pairs.get((region, other)) or self._pairs.get((other, region))
        if found is None:
            peered = (self._app.primary_region, *self._secondaries)
            peers = list(self._peers_of(other)) if other in peered else list(peered)
            raise fail("region", region, f"be a region peered with {other!r} {peers!r}")
        return found.ref

    def peer_cidrs(self, region: str) -> tuple[str, ...]:
        """CIDR blocks reachable from ``region`` through peering, in the app's region order
        (the primary first): every other peered region's, or with ``mesh=False`` a secondary
        region's only peer, the primary's."""
        peered = (self._app.primary_region, *self._secondaries)
        if region not in peered:
            raise fail("region", region, f"be a peered region {list(peered)!r}")
        return tuple(self._vpcs[r].cidr for r in self._peers_of(region))

    def allow_from_peers(
        self, target: ec2.IConnectable, port: ec2.Port, *, region: str | None = None
    ) -> None:
        """Allow the peer regions' CIDR blocks to reach ``target`` on ``port``.

        Security groups cannot reference a security group across regions, so the rule names
        the peer VPC's CIDR block. The rule is created with ``target``'s security group.

        :param target: A security group or anything with connections (a database, a service).
        :param port: The port (range) to open, for example ``ec2.Port.tcp(5432)``.
        :param region: The region of ``target``. Default: - the region of ``target``'s stack.
        """
        where = region or cdk.Stack.of(target).region  # type: ignore[arg-type]
        for cidr in self.peer_cidrs(where):
            allow_peer_cidr(target, cidr, port)

    # ------------------------------------------------------------------ internals
    def _peers_of(self, region: str) -> tuple[str, ...]:
        """The regions ``region`` is peered with, in the app's region order."""
        primary = self._app.primary_region
        if self._mesh or region == primary:
            return tuple(r for r in (primary, *self._secondaries) if r != region)
        return (primary,)

    def _connect(
        self, scope: Construct, region: str, peer_region: str
    ) -> ec2.CfnVPCPeeringConnection:
        """A connection requested by ``region``'s VPC (``scope`` is in a stack of ``region``)
        to ``peer_region``'s VPC, and its well-known output in that stack."""
        app_name = self._app.app_name
        connection = ec2.CfnVPCPeeringConnection(
            scope,
            f"Connection-{peer_region}",
            vpc_id=self._vpcs[region].vpc.vpc_id,
            peer_vpc_id=self._vpcs[peer_region].vpc.vpc_id,
            peer_region=peer_region,
            tags=[cdk.CfnTag(key="Name", value=f"{app_name}-{region}-{peer_region}")],
        )
        # The VPCs are read from the regional stacks: replacing one updates the connection.
        follow(connection, [self._vpcs[region].vpc, self._vpcs[peer_region].vpc])
        self._pairs[(region, peer_region)] = connection
        add_well_known_output(
            scope,
            OutputNames.PEERING_CONNECTION_ID,
            connection.ref,
            description=f"VPC peering connection {region} <-> {peer_region}",
            suffix=naming.region_code(peer_region).capitalize(),
        )
        return connection

    def _add_routes(
        self,
        scope: Construct,
        region: str,
        vpc: ec2.IVpc,
        peer_region: str,
        peer_cidr: str,
        connection: ec2.CfnVPCPeeringConnection,
    ) -> None:
        connection_id = connection.ref
        stack = cdk.Stack.of(scope)
        for subnet_id, table_id in self._route_tables(region, vpc):
            route = ec2.CfnRoute(
                scope,
                f"RouteTo-{peer_region}-{subnet_id}",
                route_table_id=table_id,
                destination_cidr_block=peer_cidr,
                vpc_peering_connection_id=connection_id,
            )
            # The route table (a regional stack's) and the connection (maybe another
            # stack's): replacing either updates the route (see _private/producers).
            follow(route, [table_id, connection], stack=stack)
            self._routes[region].append(route)

    def _route_tables(self, region: str, vpc: ec2.IVpc) -> list[tuple[str, str]]:
        """The route tables of ``region``'s selected subnets, each once: (the first subnet's
        construct id, the table's id). Read once per region, not once per peer (a full mesh
        would ask every VPC for them once per other region)."""
        found = self._tables.get(region)
        if found is None:
            found = self._tables[region] = []
            seen: set[str] = set()
            for subnet in _subnets(vpc, self._subnet_types):
                table_id = subnet.route_table.route_table_id
                if table_id not in seen:
                    seen.add(table_id)
                    found.append((subnet.node.id, table_id))
        return found


def _subnets(vpc: ec2.IVpc, types: Sequence[ec2.SubnetType]) -> list[ec2.ISubnet]:
    result: list[ec2.ISubnet] = []
    for subnet_type in types:
        if subnet_type == ec2.SubnetType.PRIVATE_ISOLATED:
            result.extend(vpc.isolated_subnets)
        else:
            result.extend(vpc.private_subnets)
    return result


def allow_peer_cidr(target: ec2.IConnectable, cidr: str, port: ec2.Port) -> None:
    """Allow a peer VPC's CIDR block on ``port`` of ``target``'s security group(s).

    :raises ValidationError: when ``cidr`` is not a private IPv4 CIDR block.
    """
    require_cidr("cidr", cidr, min_prefix=8, max_prefix=32)
    target.connections.allow_from(ec2.Peer.ipv4(cidr), port, f"Peered VPC {cidr}")
