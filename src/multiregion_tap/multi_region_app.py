"""MultiRegionApp: one top-level stack per region, composed as a CDK Stage."""

from __future__ import annotations

import re
import weakref
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import aws_cdk as cdk
from constructs import Construct

from ._private import naming
from ._private.outputs import add_well_known_output
from ._private.validation import (
    fail,
    is_token,
    partition_of,
    require_distinct,
    require_pattern,
    require_region,
)
from .errors import ValidationError
from .outputs import OutputNames, TagKeys

if TYPE_CHECKING:
    from aws_cdk import aws_certificatemanager as acm

    from .cross_region_peering import CrossRegionPeering, CrossRegionPeeringProps
    from .failover_dns import FailoverDns, FailoverDnsProps
    from .monitoring import (
        HealthCheckAlarms,
        OverviewDashboard,
        RegionalMonitoring,
        RegionalMonitoringProps,
    )
    from .regional_service import RegionalService, RegionalServiceProps
    from .replicated_database import RegionalDatabase, ReplicatedDatabase, ReplicatedDatabaseProps

__all__ = ["MultiRegionApp", "RegionRole"]

#: Longest app_name accepted. It prefixes every stack name (``<app_name>-peering-routes-<region>``
#: must stay under CloudFormation's 128 characters) and every hash-truncated physical name.
APP_NAME_MAX_LENGTH = 64
_APP_NAME_RE = re.compile(r"[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*")
_HELPER_SUFFIX_RE = re.compile(r"[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*")
# AWS tag keys and values: letters, digits, spaces and _ . : / = + - @ (any script).
_TAG_RE = re.compile(r"[\w\s.:/=+\-@]*")

#: Context key that makes every cross-stack reference inside the app a weak reference
#: (``Fn::GetStackOutput``): no Lambda-backed custom resource, no SSM export, no export lock.
WEAK_REFERENCES_CONTEXT = "@aws-cdk/core:defaultCrossStackReferences"

# Stack names already taken, per CDK app and account, to catch two MultiRegionApps that
# would deploy over each other's stacks.
_TAKEN: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], str]] = weakref.WeakKeyDictionary()


class RegionRole:
    """The role of a region in a :class:`MultiRegionApp` (the value of the region-role tag)."""

    PRIMARY = "primary"
    SECONDARY = "secondary"
    #: A helper stack in a region the app does not serve from (for example Route 53
    #: health-check alarms, whose metrics exist only in us-east-1).
    GLOBAL = "global"


class MultiRegionApp(cdk.Stage):
    """One web service deployed to a primary region and one or more secondary regions.

    ``MultiRegionApp`` is a :class:`aws_cdk.Stage`. It creates one top-level
    :class:`aws_cdk.Stack` per region (never nested stacks, which always deploy in their
    parent's region), named ``<app_name>-<region>`` with ``env`` set to that region and, when
    given, the account. Being a Stage, it can be added to a CDK Pipelines wave and can exist
    more than once in one CDK app (for example ``shop-dev`` and ``shop-prod``: two instances
    bound to the same account need distinct ``app_name`` values, since stack names are
    unique per account and region).

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

    :param scope: The parent construct, usually the :class:`aws_cdk.App`.
    :param id: The construct id. Part of every logical path: changing it renames the
        Stage's artifacts (the stack names stay ``<app_name>-<region>``).
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
    :param outdir: Where the Stage writes its cloud assembly. Default: - chosen by CDK.
    :param service: The web service of every region (:class:`~multiregion_tap.RegionalService`,
        construct id ``Service`` in each regional stack): ``True`` for the defaults, a
        :class:`~multiregion_tap.RegionalServiceProps` to configure it, ``False`` for bare
        stacks you fill yourself (then database, peering, dns and monitoring must be off).
        Default: ``True``
    :param vpc_cidrs: VPC CIDR block per region (RFC 1918, /16 to /20, no overlap between
        regions). Default: - ``10.<index>.0.0/16``: ``10.0.0.0/16`` for the primary,
        ``10.1.0.0/16`` for the first secondary, and so on.
    :param certificates: ACM certificate per region (certificates are regional). A region with
        one serves HTTPS (HTTP redirects to it), and its Route 53 health check uses HTTPS.
        Default: - HTTP only.
    :param database: An encrypted RDS primary in the primary region (construct id
        ``Database``) and an encrypted read replica in every secondary region (construct id
        ``DatabaseReplica``): ``True`` for the defaults, a
        :class:`~multiregion_tap.ReplicatedDatabaseProps` to configure it. Each region's
        service gets ``DATABASE_HOST``, ``DATABASE_PORT``, ``DATABASE_READ_ONLY`` (``true`` on
        replicas) and the secret ``DATABASE_SECRET`` (the credentials JSON), and only that
        service may connect. Default: ``False`` (no database)
    :param peering: VPC peering from the primary to every secondary region, in the helper
        stacks ``<app_name>-peering`` and ``<app_name>-peering-routes-<region>``: ``True``,
        ``False`` or a :class:`~multiregion_tap.CrossRegionPeeringProps`. Default: ``True``
    :param dns: Route 53 failover between the regions' load balancers, in the helper stack
        ``<app_name>-dns`` (in us-east-1, where Route 53 health-check metrics live).
        Default: - no DNS records.
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
    """

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
        outdir: str | None = None,
        service: RegionalServiceProps | bool = True,
        vpc_cidrs: Mapping[str, str] | None = None,
        certificates: Mapping[str, acm.ICertificate] | None = None,
        database: ReplicatedDatabaseProps | bool = False,
        peering: CrossRegionPeeringProps | bool = True,
        dns: FailoverDnsProps | None = None,
        monitoring: RegionalMonitoringProps | bool = True,
        replicate_images: bool = True,
        database_peer_access: bool = False,
    ) -> None:
        _validate_app_name(app_name)
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

        super().__init__(scope, id, outdir=outdir)
        self.node.set_context(WEAK_REFERENCES_CONTEXT, "weak")

        self._app_name = app_name
        self._primary_region = primary
        self._secondary_regions = secondaries
        self._account = account
        self._user_tags = user_tags
        self._regional_stacks: dict[str, cdk.Stack] = {}
        self._helper_stacks: dict[str, cdk.Stack] = {}

        for region in self.regions:
            self._regional_stacks[region] = self._new_stack(
                region,
                stack_name=f"{app_name}-{region}",
                region=region,
                description=(
                    f"multiregion-tap app '{app_name}': {self.region_role(region)} region {region}"
                ),
            )

        from ._private.compose import compose

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
        """The MultiRegionApp that contains ``scope``, or ``None`` when used standalone."""
        stage = cdk.Stage.of(scope)
        while stage is not None:
            if isinstance(stage, MultiRegionApp):
                return stage
            parent = stage.node.scope
            stage = cdk.Stage.of(parent) if parent is not None else None
        return None

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

        The construct id is ``suffix``; it is API (changing it renames the stack's
        resources' paths). Helper stacks get the same tags and base outputs as the regional
        stacks.

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
            suffix,
            stack_name=f"{self._app_name}-{suffix}",
            region=where,
            description=description or f"multiregion-tap app '{self._app_name}': {suffix}",
        )
        self._helper_stacks[suffix] = stack
        return stack

    # ------------------------------------------------------------------ dependency graph
    def stack_dependencies(self) -> dict[str, tuple[str, ...]]:
        """Each stack name mapped to the names of the app's stacks it directly depends on.

        Cross-stack references become dependencies only when the app is prepared, so this
        synthesizes the Stage (CDK caches the result; call it once the app is complete).
        """
        assembly = self.synth()
        names = {artifact.id: artifact.stack_name for artifact in assembly.stacks}
        return {
            artifact.stack_name: tuple(
                sorted(names[dep.id] for dep in artifact.dependencies if dep.id in names)
            )
            for artifact in assembly.stacks
        }

    def deploy_waves(self) -> list[tuple[str, ...]]:
        """Stack names grouped into waves that deploy in parallel, in deploy order.

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
    def _new_stack(
        self, construct_id: str, *, stack_name: str, region: str, description: str
    ) -> cdk.Stack:
        if len(stack_name) > naming.STACK_NAME.max_length:
            raise fail(
                "app_name",
                self._app_name,
                f"be short enough for the stack name {stack_name!r} to fit in 128 characters",
            )
        self._claim(stack_name, region)
        stack = cdk.Stack(
            self,
            construct_id,
            stack_name=stack_name,
            env=cdk.Environment(account=self._account, region=region),
            cross_region_references=True,
            description=description,
        )
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
        root = self.node.root
        taken = _TAKEN.setdefault(root, {})
        key = (self._account or "(any account)", f"{region}/{stack_name}")
        owner = taken.get(key)
        if owner is not None and owner != self.node.path:
            raise fail(
                "app_name",
                self._app_name,
                f"be unique per account in one CDK app: MultiRegionApp {owner!r} already "
                f"creates the stack {stack_name!r} in {region}",
            )
        taken[key] = self.node.path


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
        _APP_NAME_RE,
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
