"""MultiRegionApp: one top-level stack per region, each selectable by its name in the CDK CLI."""

from __future__ import annotations

import json
import re
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aws_cdk as cdk
from constructs import Construct

from ._private import naming
from ._private.app_context import app_of, register_stack
from ._private.compose import compose
from ._private.outputs import add_well_known_output
from ._private.validation import (
    fail,
    is_token,
    names_construct_path,
    partition_of,
    require_distinct,
    require_pattern,
    require_region,
)
from .errors import ValidationError
from .outputs import (
    APP_NAME_MAX_LENGTH,
    APP_NAME_PATTERN,
    OutputNames,
    RegionRole,
    StackNames,
    TagKeys,
)

if TYPE_CHECKING:
    from aws_cdk import aws_certificatemanager as acm
    from aws_cdk import aws_ec2 as ec2
    from aws_cdk import aws_ecr as ecr

    from .cross_region_peering import CrossRegionPeering, CrossRegionPeeringProps
    from .failover_dns import FailoverDns, FailoverDnsProps
    from .monitoring import (
        HealthCheckAlarms,
        OverviewDashboard,
        RegionalMonitoring,
        RegionalMonitoringProps,
    )
    from .per_region import PerRegion
    from .regional_service import RegionalService, RegionalServiceProps
    from .replicated_database import RegionalDatabase, ReplicatedDatabase, ReplicatedDatabaseProps

__all__ = ["MultiRegionApp", "RegionRole"]

#: Helper-stack suffixes follow the app-name rule (they end a stack name the same way).
_HELPER_SUFFIX_RE = APP_NAME_PATTERN
# AWS tag keys and values: letters, digits, spaces and _ . : / = + - @ (any script).
_TAG_RE = re.compile(r"[\w\s.:/=+\-@]*")

#: Context key that makes every cross-stack reference inside the app a weak reference
#: (``Fn::GetStackOutput``): no Lambda-backed custom resource, no SSM export, no export lock.
WEAK_REFERENCES_CONTEXT = "@aws-cdk/core:defaultCrossStackReferences"

# Stack names already taken, per CDK app and account, to catch two MultiRegionApps that
# would deploy over each other's stacks.
_TAKEN: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], str]] = weakref.WeakKeyDictionary()


class MultiRegionApp(Construct):
    """One web service deployed to a primary region and one or more secondary regions.

    It creates one top-level :class:`aws_cdk.Stack` per region (never nested stacks, which
    always deploy in their parent's region), named ``<app_name>-<region>`` with ``env`` set to
    that region and, when given, the account. The stacks are created at the root of the
    enclosing :class:`aws_cdk.App` or :class:`aws_cdk.Stage` with their stack name as construct
    id, so the CDK CLI lists and selects them as users type them: ``cdk ls``, ``cdk deploy
    --all``, ``cdk deploy shop-us-east-2``. Put it inside your own ``Stage`` to add it to a
    CDK Pipelines wave (the CLI then names the stacks ``<stage>/<stack name>``). It can exist
    more than once in one CDK app (for example ``shop-dev`` and ``shop-prod``: two instances
    need distinct ``app_name`` values, since stack names are unique per account and region).

    By default each region gets a :class:`~multiregion_tap.RegionalService` with its
    monitoring, and the regions' VPCs are peered; ``database`` and ``dns`` add the replicated
    database and the Route 53 failover records. ``service=False`` leaves bare stacks to fill.

    Cross-region values (a replica's source database, the load balancers the DNS stack points
    at) flow through weak references: CloudFormation's ``Fn::GetStackOutput`` intrinsic. The
    library therefore creates no Lambda-backed ``Custom::CrossRegion*`` resources and no SSM
    exports, and a producer stack is never locked by its consumers.

    Every taggable resource carries the tags ``multiregion-tap:app`` (the app name) and
    ``multiregion-tap:region-role`` (``primary``, ``secondary``, or ``global`` for a helper
    stack outside the app's regions) plus the user's ``tags``,
    and every stack carries the outputs named in :class:`~multiregion_tap.OutputNames`, so a
    deployed app can be found by stack name and output name in every region.

    Example::

        app = cdk.App()
        shop = MultiRegionApp(app, "Shop", app_name="shop")
        shop.primary_stack    # the stack "shop-us-east-1"
        app.synth()

    :param scope: The parent construct: the :class:`aws_cdk.App`, a :class:`aws_cdk.Stage`,
        or a construct inside one (not inside a stack). The stacks are created at the root of
        the enclosing App or Stage.
    :param id: The construct id of this (resource-less) construct. The stacks' construct ids
        are their stack names, so changing ``id`` changes no stack and no logical id.
    :param app_name: Short name of the service. Lowercase letters, digits and single hyphens,
        starting with a letter, 1 to 64 characters. Prefixes every stack name and is the value
        of the ``multiregion-tap:app`` tag.
    :param primary_region: Region of the primary (writer) deployment. Default: ``"us-east-1"``
    :param secondary_regions: Regions of the standby deployments, in failover order; at least
        one, each distinct from the primary and from each other, all in the primary's
        partition. Default: ``("us-east-2",)``
    :param account: AWS account id for every stack. Default: - the stacks are
        account-agnostic; CDK resolves the account at deploy time.
    :param tags: Extra tags for every taggable resource. Keys may not start with ``aws:`` or
        ``multiregion-tap:``. Default: - only the library's own tags.
    :param service: The web service of every region (:class:`~multiregion_tap.RegionalService`,
        construct id ``Service`` in each regional stack): ``True`` for the defaults, a
        :class:`~multiregion_tap.RegionalServiceProps` to configure it, ``False`` for bare
        stacks you fill yourself (then database, peering, dns and monitoring must be off).
        Default: ``True``
    :param vpc_cidrs: VPC CIDR block per region (RFC 1918, /16 to /20, no overlap between
        regions). Default: - a block fixed per region
        (:func:`~multiregion_tap.default_vpc_cidr`: us-east-1 ``10.0.0.0/16``, us-east-2
        ``10.1.0.0/16``, us-west-2 ``10.3.0.0/16``, ...), the same whatever the region list,
        so adding, removing or reordering regions never replaces a kept region's VPC.
    :param certificates: ACM certificate per region (certificates are regional): a mapping
        that names every region of the app (``None`` for a region served over HTTP, said
        explicitly), or a :class:`~multiregion_tap.PerRegion`. A region with one serves HTTPS
        (HTTP redirects to it), and its Route 53 health check uses HTTPS. A literal ARN of
        another region is refused. Default: - HTTP only.
    :param vpcs: An existing VPC per region (a mapping, regions left out get a created VPC, or
        a :class:`~multiregion_tap.PerRegion` whose function imports it in the region's
        stack, e.g. ``ec2.Vpc.from_lookup``). Its CIDR block must be literal and not overlap
        the other regions' (peering routes and security group rules name it); ``vpc_cidrs``
        must not name that region. Default: - a VPC created in every region.
    :param repositories: An existing ECR repository per region to pull the service's image
        from (a mapping, or a :class:`~multiregion_tap.PerRegion`). With any, the app creates
        no repository in those regions and no ``AWS::ECR::ReplicationConfiguration``: you
        push to (or replicate into) each region yourself. Default: - a repository per region,
        replicated from the primary's.
    :param database: An encrypted RDS primary in the primary region (construct id
        ``Database``) and an encrypted read replica in every secondary region (construct id
        ``DatabaseReplica``): ``True`` for the defaults, a
        :class:`~multiregion_tap.ReplicatedDatabaseProps` to configure it. Each region's
        service gets its own region's database as ``DATABASE_HOST`` and ``DATABASE_PORT``,
        ``DATABASE_READ_ONLY`` (``false`` only in the writer's region) and the secrets
        ``DATABASE_USERNAME`` and ``DATABASE_PASSWORD``, and only that service may connect.
        Each secondary region also gets the stack ``<app_name>-credentials-<region>``, which
        keeps the secret's name there for a failover. The database's ``history`` (or
        ``promote_replica_in``) is the failover and the fail-back: the region a
        ``promote:`` entry names gets the only writer and the only writable service, the
        other replicas follow it, a superseded writer's service is scaled to zero
        (:meth:`~multiregion_tap.RegionalService.stand_down`) and leaves the DNS records
        until a ``rebuild:`` entry makes its database a replica again, the DNS PRIMARY record
        is the writer's, and none of the stacks the failover deploys reads the failed region
        (see the failover runbook). Default: ``False`` (no database)
    :param peering: VPC peering between every two regions, in the helper stacks
        ``<app_name>-peering`` and ``<app_name>-peering-routes-<region>`` and, from three
        regions on, ``<app_name>-peering-<region>`` (the connections between secondary
        regions): ``True``, ``False`` or a :class:`~multiregion_tap.CrossRegionPeeringProps`
        (``mesh=False`` peers each secondary region with the primary only; see
        :class:`~multiregion_tap.CrossRegionPeering`). Default: ``True``
    :param dns: Route 53 failover between the regions' load balancers, in the helper stack
        ``<app_name>-dns`` (in ``dns_region``); with ``monitoring`` the health-check alarms go
        to ``<app_name>-dns-alarms`` in us-east-1, where Route 53 publishes health-check
        metrics. Needs internet-facing load balancers (Route 53's health checkers are on the
        internet). Default: - no DNS records.
    :param dns_region: The region of the ``<app_name>-dns`` stack. Route 53 is global; the
        stack's region decides which region's CloudFormation must answer to change the
        records, so it should not be the region you fail over from. Default: - the first
        secondary region (the first failover target), which adding a region at the end of
        ``secondary_regions`` does not move; pin it before prepending a region or removing
        the first one.
    :param monitoring: Alarms to an SNS topic and a dashboard per region, Route 53 health-check
        alarms with ``dns``, and an overview dashboard of every region in the helper stack
        ``<app_name>-monitoring``: ``True``, ``False`` or a
        :class:`~multiregion_tap.RegionalMonitoringProps`. Default: ``True``
    :param replicate_images: Push once: the primary region's ECR registry replicates the
        service's repository to every secondary region, so each region pulls its images
        locally. ECR keeps ONE replication configuration per account and region, and the
        primary stack's ``AWS::ECR::ReplicationConfiguration`` replaces it: turn this off when
        the account already replicates other repositories (then add a rule for
        ``<app_name>/service`` to your configuration, or push to every region).
        Default: ``True``
    :param database_peer_access: Also let each region's database accept connections from the
        VPCs peered with its region (the primary from every secondary, a secondary from the
        primary), for example a batch job in a secondary region that writes to the primary.
        Needs ``database`` and ``peering``. Default: ``False`` (only the region's own service)
    :param termination_protection: CloudFormation termination protection on every stack of
        the app, helper stacks included: ``cdk destroy`` (or any DeleteStack) of one of them
        fails before it deletes anything, instead of deleting the service, the DNS records and
        the peering and then stopping at the load balancer's and database's deletion
        protection. The deploying guide's decommission steps turn it off first. Turn it off
        for throwaway environments. Default: ``True``
    """

    @names_construct_path
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        app_name: str,
        primary_region: str = "us-east-1",
        secondary_regions: Sequence[str] = ("us-east-2",),
        account: str | None = None,
        tags: Mapping[str, str] | None = None,
        service: RegionalServiceProps | bool = True,
        vpc_cidrs: Mapping[str, str] | None = None,
        certificates: Mapping[str, acm.ICertificate | None]
        | PerRegion[acm.ICertificate]
        | None = None,
        database: ReplicatedDatabaseProps | bool = False,
        peering: CrossRegionPeeringProps | bool = True,
        dns: FailoverDnsProps | None = None,
        monitoring: RegionalMonitoringProps | bool = True,
        replicate_images: bool = True,
        database_peer_access: bool = False,
        dns_region: str | None = None,
        vpcs: Mapping[str, ec2.IVpc | None] | PerRegion[ec2.IVpc] | None = None,
        repositories: Mapping[str, ecr.IRepository | None]
        | PerRegion[ecr.IRepository]
        | None = None,
        termination_protection: bool = True,
    ) -> None:
        _validate_app_name(app_name)
        if not isinstance(termination_protection, bool):
            raise fail("termination_protection", termination_protection, "be True or False")
        primary = require_region("primary_region", primary_region)
        if isinstance(secondary_regions, str):
            raise fail(
                "secondary_regions",
                secondary_regions,
                "be a list of region names such as ['us-east-2'], not a single string",
            )
        secondaries = tuple(secondary_regions)
        if not secondaries:
            raise fail("secondary_regions", list(secondaries), "name at least one region")
        for index, region in enumerate(secondaries):
            require_region(f"secondary_regions[{index}]", region)
        require_distinct("secondary_regions", secondaries)
        if primary in secondaries:
            raise ValidationError(
                f"secondary_regions must not contain the primary_region {primary!r}, "
                f"got {list(secondaries)!r}"
            )
        for index, region in enumerate(secondaries):
            if partition_of(region) != partition_of(primary):
                raise fail(
                    f"secondary_regions[{index}]",
                    region,
                    f"be in the primary region's partition {partition_of(primary)!r}",
                )
        if account is not None and not is_token(account):
            require_pattern(
                "account", account, re.compile(r"[0-9]{12}"), "be a 12-digit AWS account id"
            )
        user_tags = dict(tags or {})
        _validate_tags(user_tags)

        root = _stack_root(scope)
        super().__init__(scope, id)
        self._root = root
        # Read once (each read is a jsii round trip): _claim needs them for every stack.
        self._app_root = self.node.root
        self._path = self.node.path

        self._app_name = app_name
        self._primary_region = primary
        self._secondary_regions = secondaries
        self._account = account
        self._user_tags = user_tags
        self._termination_protection = termination_protection
        self._regional_stacks: dict[str, cdk.Stack] = {}
        self._helper_stacks: dict[str, cdk.Stack] = {}

        for region in self.regions:
            self._regional_stacks[region] = self._new_stack(
                StackNames.regional(app_name, region),
                region=region,
                description=(
                    f"multiregion-tap app '{app_name}': {self.region_role(region)} region {region}"
                ),
            )

        self._composition = compose(
            self,
            service=service,
            vpc_cidrs=vpc_cidrs,
            certificates=certificates,
            database=database,
            peering=peering,
            dns=dns,
            monitoring=monitoring,
            replicate_images=replicate_images,
            database_peer_access=database_peer_access,
            dns_region=self._dns_region(dns_region),
            vpcs=vpcs,
            repositories=repositories,
        )

    # ------------------------------------------------------------------ accessors
    @property
    def app_name(self) -> str:
        """The app name every stack name starts with."""
        return self._app_name

    @property
    def primary_region(self) -> str:
        """The primary region."""
        return self._primary_region

    @property
    def secondary_regions(self) -> tuple[str, ...]:
        """The secondary regions, in failover order."""
        return self._secondary_regions

    @property
    def regions(self) -> tuple[str, ...]:
        """Every region, the primary first."""
        return (self._primary_region, *self._secondary_regions)

    @property
    def account(self) -> str | None:
        """The account the stacks are bound to, or ``None`` when account-agnostic."""
        return self._account

    @property
    def primary_stack(self) -> cdk.Stack:
        """The stack ``<app_name>-<primary_region>``."""
        return self._regional_stacks[self._primary_region]

    @property
    def secondary_stacks(self) -> tuple[cdk.Stack, ...]:
        """The secondary regions' stacks, in the order of ``secondary_regions``."""
        return tuple(self._regional_stacks[r] for r in self._secondary_regions)

    @property
    def regional_stacks(self) -> Mapping[str, cdk.Stack]:
        """Every regional stack by region, the primary first (a read-only view)."""
        return dict(self._regional_stacks)

    @property
    def helper_stacks(self) -> Mapping[str, cdk.Stack]:
        """Helper stacks (DNS, peering, ...) by name suffix (a read-only view)."""
        return dict(self._helper_stacks)

    @property
    def all_stacks(self) -> tuple[cdk.Stack, ...]:
        """Regional stacks (primary first), then helper stacks in creation order."""
        return (*self._regional_stacks.values(), *self._helper_stacks.values())

    def stack_for(self, region: str) -> cdk.Stack:
        """The regional stack of ``region``.

        :raises ValidationError: when ``region`` is not one of the app's regions.
        """
        try:
            return self._regional_stacks[region]
        except KeyError:
            raise fail(
                "region", region, f"be one of the app's regions {list(self.regions)!r}"
            ) from None

    def region_role(self, region: str) -> str:
        """``"primary"``, ``"secondary"``, or ``"global"`` for any other region."""
        if region == self._primary_region:
            return RegionRole.PRIMARY
        if region in self._secondary_regions:
            return RegionRole.SECONDARY
        return RegionRole.GLOBAL

    @classmethod
    def find(cls, scope: Construct) -> MultiRegionApp | None:
        """The MultiRegionApp whose stack contains ``scope``, or ``None`` for a construct in
        any other stack (or outside stacks)."""
        app = app_of(scope) if _in_stack(scope) else None
        return app if isinstance(app, MultiRegionApp) else None

    # ------------------------------------------------------------------ composed constructs
    @property
    def services(self) -> Mapping[str, RegionalService]:
        """The service of every region (empty with ``service=False``)."""
        return dict(self._composition.services)

    def service_for(self, region: str) -> RegionalService:
        """The service of ``region``.

        :raises ValidationError: for a region without a service.
        """
        try:
            return self._composition.services[region]
        except KeyError:
            raise fail(
                "region",
                region,
                f"be a region with a service: {list(self._composition.services)!r}",
            ) from None

    @property
    def database(self) -> ReplicatedDatabase | None:
        """The primary database, or ``None`` without ``database``."""
        return self._composition.database

    def database_for(self, region: str) -> RegionalDatabase | None:
        """The database a region's service uses (primary or replica), or ``None``."""
        self.stack_for(region)
        return self._composition.databases.get(region)

    @property
    def peering(self) -> CrossRegionPeering | None:
        """The VPC peering, or ``None`` when off."""
        return self._composition.peering

    @property
    def dns(self) -> FailoverDns | None:
        """The Route 53 failover records and health checks, or ``None`` without ``dns``."""
        return self._composition.dns

    @property
    def health_check_alarms(self) -> HealthCheckAlarms | None:
        """Alarms on the Route 53 health checks (with ``dns`` and ``monitoring``)."""
        return self._composition.health_check_alarms

    @property
    def monitoring(self) -> Mapping[str, RegionalMonitoring]:
        """The monitoring of every region (empty when off)."""
        return dict(self._composition.monitoring)

    @property
    def overview_dashboard(self) -> OverviewDashboard | None:
        """The dashboard of every region side by side, or ``None`` when monitoring is off."""
        return self._composition.overview

    # ------------------------------------------------------------------ helper stacks
    def add_helper_stack(
        self, suffix: str, *, region: str | None = None, description: str | None = None
    ) -> cdk.Stack:
        """Add a helper stack named ``<app_name>-<suffix>`` (for DNS, peering, ...).

        The stack is created at the root of the enclosing App or Stage with its stack name as
        construct id. Helper stacks get the same tags, base outputs and weak cross-region
        references as the regional stacks.

        :param suffix: Lowercase letters, digits and single hyphens, e.g. ``"dns"`` or
            ``"peering-routes-us-east-2"``.
        :param region: The stack's region: one of the app's regions, or another region of the
            same partition (its resources are then tagged region-role ``global``).
            Default: - the primary region.
        :param description: Stack description. Default: - names the app and the suffix.
        :raises ValidationError: for a bad or already used suffix or a foreign region.
        """
        require_pattern(
            "suffix",
            suffix,
            _HELPER_SUFFIX_RE,
            "be lowercase letters, digits and single hyphens, starting with a letter",
        )
        if suffix in self._helper_stacks or suffix in self._regional_stacks:
            raise fail("suffix", suffix, "not name a stack that already exists in this app")
        where = self._primary_region if region is None else require_region("region", region)
        if partition_of(where) != partition_of(self._primary_region):
            raise fail(
                "region", where, f"be in the partition {partition_of(self._primary_region)!r}"
            )
        stack = self._new_stack(
            StackNames.helper(self._app_name, suffix),
            region=where,
            description=description or f"multiregion-tap app '{self._app_name}': {suffix}",
        )
        self._helper_stacks[suffix] = stack
        return stack

    # ------------------------------------------------------------------ dependency graph
    def stack_dependencies(self) -> dict[str, tuple[str, ...]]:
        """Each stack of the app mapped to the app's stacks it directly depends on, all named
        as the CDK CLI selects them (:meth:`cli_selector`).

        Cross-stack references become dependencies only when the app is prepared, so this
        synthesizes the enclosing App or Stage (CDK caches the result: call it once the app
        is complete).
        """
        ours = {stack.artifact_id for stack in self.all_stacks}
        graph = {
            artifact_id: entry
            for artifact_id, entry in self._stack_graph().items()
            if artifact_id in ours
        }
        return {
            selector: tuple(sorted(graph[dep][0] for dep in deps if dep in graph))
            for selector, deps in graph.values()
        }

    def _stack_graph(self) -> dict[str, tuple[str, tuple[str, ...]]]:
        """Every stack artifact of the enclosing App's or Stage's assembly: its id mapped to
        (CLI selector, ids of the artifacts it depends on).

        Findings of policy-validation plugins (cdk-nag) do not stop it: CDK writes the
        assembly before it validates, so the graph is then read from the manifest there; the
        app's own ``synth()`` still reports the findings.
        """
        try:
            assembly = self._root.synth()
        except RuntimeError as error:
            # "ValidationFailed: ..." is a plugin's findings, written after the assembly;
            # "ValidationFailedWithErrors: ..." is a construct's own error: no assembly.
            if not str(error).startswith("ValidationFailed:"):
                raise
            manifest = json.loads((Path(self._root.outdir) / "manifest.json").read_text())
            return {
                artifact_id: (
                    artifact.get("displayName", artifact_id),
                    tuple(artifact.get("dependencies", ())),
                )
                for artifact_id, artifact in manifest.get("artifacts", {}).items()
                if artifact.get("type") == "aws:cloudformation:stack"
            }
        return {
            artifact.id: (artifact.hierarchical_id, tuple(dep.id for dep in artifact.dependencies))
            for artifact in assembly.stacks
        }

    def cli_selector(self, stack: cdk.Stack) -> str:
        """What selects ``stack`` in ``cdk deploy``/``cdk diff``: its stack name when the app
        sits in the :class:`aws_cdk.App` itself, else ``<stage path>/<stack name>`` (the
        CDK CLI names stacks in a nested Stage by their path).
        """
        return stack.node.path

    def deploy_waves(self) -> list[tuple[str, ...]]:
        """The app's stacks grouped into waves that deploy in parallel, in deploy order, named
        as the CDK CLI selects them (``cdk deploy shop-us-east-1 shop-us-east-2``).

        :raises ValidationError: when the stacks depend on each other in a cycle.
        """
        remaining = {name: set(deps) for name, deps in self.stack_dependencies().items()}
        waves: list[tuple[str, ...]] = []
        while remaining:
            ready = sorted(name for name, deps in remaining.items() if not deps)
            if not ready:
                raise ValidationError(
                    f"the stacks of app {self._app_name!r} depend on each other in a cycle: "
                    f"{ {k: sorted(v) for k, v in remaining.items()} }"
                )
            waves.append(tuple(ready))
            for name in ready:
                del remaining[name]
            for deps in remaining.values():
                deps.difference_update(ready)
        return waves

    # ------------------------------------------------------------------ internals
    def _dns_region(self, region: str | None) -> str | None:
        if region is None:
            return None
        require_region("dns_region", region)
        if partition_of(region) != partition_of(self._primary_region):
            raise fail(
                "dns_region", region, f"be in the partition {partition_of(self._primary_region)!r}"
            )
        return region

    def _new_stack(self, stack_name: str, *, region: str, description: str) -> cdk.Stack:
        if len(stack_name) > naming.STACK_NAME.max_length:
            raise fail(
                "app_name",
                self._app_name,
                f"be short enough for the stack name {stack_name!r} to fit in 128 characters",
            )
        self._claim(stack_name, region)
        # The stack's construct id is its name, at the root of the App or Stage: the CDK CLI
        # selects stacks by that path (``cdk deploy shop-us-east-2``).
        stack = cdk.Stack(
            self._root,
            stack_name,
            stack_name=stack_name,
            env=cdk.Environment(account=self._account, region=region),
            cross_region_references=True,
            description=description,
            termination_protection=self._termination_protection,
        )
        # Every reference between the app's stacks is weak (Fn::GetStackOutput): no
        # Lambda-backed custom resources, no export locks.
        stack.node.set_context(WEAK_REFERENCES_CONTEXT, "weak")
        register_stack(stack, self)
        role = self.region_role(region)
        tags = cdk.Tags.of(stack)
        tags.add(TagKeys.APP, self._app_name)
        tags.add(TagKeys.REGION_ROLE, role)
        for key, value in self._user_tags.items():
            tags.add(key, value)
        add_well_known_output(stack, OutputNames.APP_NAME, self._app_name, description="App name")
        add_well_known_output(stack, OutputNames.REGION, region, description="Region of this stack")
        add_well_known_output(
            stack, OutputNames.REGION_ROLE, role, description="primary, secondary or global"
        )
        return stack

    def _claim(self, stack_name: str, region: str) -> None:
        taken = _TAKEN.setdefault(self._app_root, {})
        key = (self._account or "(any account)", f"{region}/{stack_name}")
        owner = taken.get(key)
        if owner is not None and owner != self._path:
            raise fail(
                "app_name",
                self._app_name,
                f"be unique per account in one CDK app: MultiRegionApp {owner!r} already "
                f"creates the stack {stack_name!r} in {region}",
            )
        existing = self._root.node.try_find_child(stack_name)
        if existing is not None:
            where = self._root.node.path or "the App"
            raise fail(
                "app_name",
                self._app_name,
                f"name stacks that do not exist yet in {where!r}: {existing.node.path!r} is "
                "there already. Two apps of one app_name (one per account, say) each need "
                "their own cdk.Stage: MultiRegionApp(cdk.Stage(app, 'Prod', ...), ...)",
            )
        taken[key] = self._path


def _validate_app_name(app_name: Any) -> None:
    if not isinstance(app_name, str) or not app_name:
        raise fail("app_name", app_name, "be a non-empty string such as 'shop'")
    if is_token(app_name):
        raise fail("app_name", app_name, "be a literal string, not a token (it names the stacks)")
    if len(app_name) > APP_NAME_MAX_LENGTH:
        raise fail(
            "app_name",
            app_name,
            f"be at most {APP_NAME_MAX_LENGTH} characters (it prefixes every stack name); "
            f"it has {len(app_name)}",
        )
    require_pattern(
        "app_name",
        app_name,
        APP_NAME_PATTERN,
        "be lowercase letters, digits and single hyphens, start with a letter and not end "
        "with a hyphen (it is used in stack names, tags and DNS-style names)",
    )


def _validate_tags(tags: dict[str, str]) -> None:
    for key, value in tags.items():
        if not isinstance(key, str) or not 1 <= len(key) <= 128 or not _TAG_RE.fullmatch(key):
            raise fail(
                "tags",
                key,
                "have keys of 1 to 128 letters, digits, spaces and _ . : / = + - @",
            )
        if key.lower().startswith(("aws:", "multiregion-tap:")):
            raise fail("tags", key, "not use the reserved prefixes 'aws:' or 'multiregion-tap:'")
        if not isinstance(value, str) or len(value) > 256 or not _TAG_RE.fullmatch(value):
            raise fail(
                f"tags[{key!r}]",
                value,
                "be at most 256 letters, digits, spaces and _ . : / = + - @",
            )


def _stack_root(scope: Construct) -> cdk.Stage:
    """The App or Stage whose root gets the app's stacks; refuses a scope inside a stack."""
    if not isinstance(scope, Construct):
        raise fail("scope", scope, "be a construct: the cdk.App, a cdk.Stage or a construct in one")
    if _in_stack(scope):
        raise fail(
            "scope",
            scope.node.path,
            "not be inside a Stack: MultiRegionApp creates top-level stacks; pass the cdk.App "
            "or a cdk.Stage",
        )
    stage = scope if isinstance(scope, cdk.Stage) else cdk.Stage.of(scope)
    if stage is None:
        raise fail("scope", scope.node.path, "be inside a cdk.App or a cdk.Stage")
    return stage


def _in_stack(scope: Construct) -> bool:
    return any(cdk.Stack.is_stack(node) for node in scope.node.scopes)
