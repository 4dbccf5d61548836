"""ReplicatedDatabase: an encrypted RDS primary and an encrypted read replica per secondary region.

Layout (a construct cannot span stacks, so the database is two kinds of constructs)::

    shop-us-east-1                       shop-us-east-2
    ReplicatedDatabase "Database"        DatabaseReplica "DatabaseReplica"
      EncryptionKey (KMS, rotation)        EncryptionKey (KMS in us-east-2)
      Secret (replicated to us-east-2) ─┐  Secret (the us-east-2 replica of the secret, read-only)
      ParameterGroup (TLS forced)       │  ParameterGroup (TLS forced)
      SecurityGroup, SubnetGroup        │  SecurityGroup, SubnetGroup
      Instance (Multi-AZ, gp3) ◄────────┴─ Instance: SourceDBInstanceIdentifier =
                                           arn:<partition>:rds:us-east-1:<account>:db:<primary>

``ReplicatedDatabase(primary_stack, "Database", vpc=...)`` creates the primary;
:meth:`ReplicatedDatabase.add_replica` creates a :class:`DatabaseReplica` in a secondary
region's stack. The replica's source is the primary's ARN in the primary region, passed by a
weak cross-region reference (``Fn::GetStackOutput``).

Failover and fail-back (the full runbook, which the outage drill runs, is the docs' failover
runbook). ``history`` lists what happened to the writer since the first deploy, one entry per
step, only ever appended (``_private/database_plan.py`` replays it):

1. Check ``ReplicaLag`` of the replica (:meth:`DatabaseReplica.metric_replica_lag`): it is the
   data you lose (RPO) if the primary is gone. PostgreSQL reports up to ~5 minutes on an idle
   source, so read it together with write activity.
2. Fail over: append ``"promote:<secondary region>"`` (or set ``promote_replica_in``, the same
   as that one entry) and deploy that region's stack alone (``cdk deploy shop-us-east-2
   --exclusively``). CloudFormation removes ``SourceDBInstanceIdentifier`` from the replica and
   RDS promotes it in place: same logical id, same identifier, same endpoint. Automated backups
   are turned on in the same update. Inside :class:`~multiregion_tap.MultiRegionApp` that stack
   reads nothing from the primary region: the secret's name comes from
   ``<app_name>-credentials-<region>`` in its own region (standalone, pass ``secret_name`` to
   :meth:`ReplicatedDatabase.add_replica`). Other replicas follow the promoted one, under new
   identifiers. The old primary is *superseded*: its instance is retained and nothing may
   write to it (:attr:`RegionalDatabase.role`).
3. :attr:`RegionalDatabase.read_only` of the promoted replica becomes ``False``, so
   services built from it get a writable database. The credentials stay valid: the
   promoted instance keeps the primary's master password, which the region's replica of the
   secret holds.
4. Fail back (planned, once the primary region is healthy again), three more entries, each
   its own deploy: ``"rebuild:<primary region>"`` replaces the diverged instance (retained in
   the account) by a fresh read replica of the writer under the same logical id;
   ``"promote:<primary region>"`` promotes it; ``"rebuild:<the other region>"`` makes the
   superseded one a replica again. Never move the writer by changing ``primary_region``: that
   creates a new primary (construct id ``Database``) in the other region's stack instead of
   keeping the promoted instance, and with deletion protection on the update fails rather
   than replacing anything.

Why this module is long: its docstrings are the API reference of some 30 database props and
of the failover runbook above; the logic lives in ``_private/database_plan`` (the history),
``_private/database_instances`` (the primary region's instance) and
``_private/database_options`` (the options and overrides).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct, IValidation

from ._private import naming
from ._private.app_context import app_of
from ._private.database_engine import (
    BACKUP_RETENTION_RANGE,
    DB_NAME_RE,
    DB_USERNAME_RE,
    INSTANCE_CLASS_RE,
    MAX_STORAGE_GIB,
    PORT_RANGE,
    SUPPORTED_ENGINES,
    default_engine,
    facts_for,
    normalize_instance_class,
)
from ._private.database_instances import own_instance, resolve_existing_primary
from ._private.database_options import refuse_with_existing_primary, resolve_database_options
from ._private.database_plan import PROMOTE, DatabasePlan, RegionDatabase, parse_history
from ._private.validation import (
    fail,
    is_token,
    names_construct_path,
    require_cidr,
    require_int_range,
    require_output_suffix,
    require_pattern,
    require_region,
)
from .database_replica import DatabaseReplica
from .errors import ValidationError
from .per_region import PerRegion
from .regional_database import RegionalDatabase

# One module per construct: DatabaseReplica and RegionalDatabase are defined in their own
# modules and exported from here too, where they have always been importable.
__all__ = [
    "DatabaseReplica",
    "RegionalDatabase",
    "ReplicatedDatabase",
    "ReplicatedDatabaseProps",
]

_DEFAULT_INSTANCE_CLASS = "t4g.medium"
_DEFAULT_STORAGE_GIB = 20
_DEFAULT_BACKUP_DAYS = 7
_DEFAULT_USERNAME = "dbadmin"


@dataclass(frozen=True, kw_only=True)
class ReplicatedDatabaseProps:
    """The props of :class:`ReplicatedDatabase` that :class:`~multiregion_tap.MultiRegionApp`
    passes through (everything but ``vpc`` and ``allow_from``, which the app supplies).

    Every field has the meaning and default of the constructor parameter of the same name.
    """

    engine: rds.IInstanceEngine | None = None
    instance_type: str | None = None
    replica_instance_type: str | None = None
    allocated_storage_gib: int | None = None
    max_allocated_storage_gib: int | None = None
    multi_az: bool = True
    backup_retention_days: int = _DEFAULT_BACKUP_DAYS
    port: int | None = None
    master_username: str = _DEFAULT_USERNAME
    database_name: str | None = None
    iam_authentication: bool = True
    monitoring_interval: cdk.Duration | None = None
    rotation_schedule: cdk.Duration | None = None
    deletion_protection: bool | None = None
    removal_policy: cdk.RemovalPolicy | None = None
    subnet_type: ec2.SubnetType | None = None
    allowed_cidrs: Sequence[str] | None = None
    performance_insights: bool = False
    performance_insights_retention: rds.PerformanceInsightRetention | None = None
    backup_window: str | None = None
    maintenance_window: str | None = None
    parameters: Mapping[str, str] | None = None
    storage_type: rds.StorageType | None = None
    iops: int | None = None
    storage_throughput: int | None = None
    ca_certificate: rds.CaCertificate | None = None
    snapshot_identifier: str | None = None
    existing_primary: rds.IDatabaseInstance | PerRegion[rds.IDatabaseInstance] | None = None
    existing_secret: secretsmanager.ISecret | PerRegion[secretsmanager.ISecret] | None = None
    instance_props: Mapping[str, Any] | None = None
    storage_encryption_key: PerRegion[kms.IKey] | Mapping[str, kms.IKey | None] | None = None
    security_groups: (
        PerRegion[Sequence[ec2.ISecurityGroup]]
        | Mapping[str, Sequence[ec2.ISecurityGroup] | None]
        | None
    ) = None
    log_retention: logs.RetentionDays | None = None
    promote_replica_in: str | None = None
    history: Sequence[str] | str | None = None
    output_suffix: str = ""


class ReplicatedDatabase(RegionalDatabase):
    """An encrypted RDS primary in the primary region, with read replicas added per region.

    Created in the primary region's stack. Secure by default: customer-managed KMS key with
    rotation, Multi-AZ, gp3 storage, 7 days of automated backups, deletion protection, a final
    snapshot on deletion, a parameter group that forces TLS, IAM database authentication,
    every engine log exported to CloudWatch Logs, enhanced monitoring every 60 s, private
    (isolated) subnets, and a security group with no ingress until :meth:`allow_from`.

    The master credentials are generated in Secrets Manager (encrypted with the same KMS key,
    retained on deletion) and replicated to each region :meth:`add_replica` is called for.
    The replica of the secret in a secondary region is encrypted with that region's
    AWS-managed Secrets Manager key (``aws/secretsmanager``): a customer-managed key there
    would have to come from the secondary stack, which already depends on the primary's.
    Rotation is off unless ``rotation_schedule`` is set: rotating the master password needs a
    rotation Lambda that reaches Secrets Manager from the VPC (a NAT gateway or an interface
    endpoint), and services must re-read the secret on authentication failure.

    Example::

        db = ReplicatedDatabase(shop.primary_stack, "Database", vpc=vpc1, allow_from=[service1])
        replica = db.add_replica(shop.stack_for("us-east-2"), "DatabaseReplica", vpc=vpc2,
                                 allow_from=[service2])

    :param scope: A construct in the primary region's stack.
    :param id: The construct id. API: it is part of every logical id and of the DB identifier.
    :param vpc: The VPC of the primary.
    :param allow_from: Clients allowed to connect on the database port (the region's ECS
        service). Default: - nobody; call :meth:`allow_from` later.
    :param engine: PostgreSQL or MySQL engine with a pinned version. Default: - PostgreSQL
        17.6; with ``existing_primary``, the engine it was imported with.
    :param instance_type: DB instance class such as ``"t4g.medium"`` or ``"db.r7g.large"``.
        Default: ``"t4g.medium"``
    :param replica_instance_type: Instance class of the read replicas.
        Default: - the primary's instance class.
    :param allocated_storage_gib: gp3 storage in GiB, at least 20, at most 65536.
        Default: 20
    :param max_allocated_storage_gib: Upper limit for storage autoscaling, at least
        ``allocated_storage_gib``. Default: - no storage autoscaling.
    :param multi_az: Run a synchronous standby in a second AZ (primary and replicas).
        Default: ``True``
    :param backup_retention_days: Days of automated backups, 1 to 35 (replicas need backups
        on their source). Default: 7
    :param port: Database port, 1150 to 65535. Default: - the engine's port (5432 or 3306);
        with ``existing_primary``, its port.
    :param master_username: Master user name (letters, digits, underscore; at most 16).
        Default: ``"dbadmin"``
    :param database_name: Name of a database to create. Default: - only the engine's own.
    :param iam_authentication: Allow IAM database authentication (:meth:`grant_connect`).
        Default: ``True``
    :param monitoring_interval: Enhanced monitoring interval (1, 5, 10, 15, 30 or 60 s), or
        ``cdk.Duration.seconds(0)`` to turn it off. Default: 60 seconds.
    :param rotation_schedule: Rotate the master password this often with the single-user
        rotation Lambda, placed in the database's subnets (``subnet_type``): they need a route
        to Secrets Manager (an interface endpoint, or a NAT gateway). Default: - no rotation.
    :param deletion_protection: Refuse deletion of the instances. Default: - ``True``, unless
        ``removal_policy`` is DESTROY.
    :param removal_policy: What happens to the instances, keys and secret on deletion.
        DESTROY is for throwaway environments only. Default: - SNAPSHOT for the instances,
        RETAIN for the keys, the secret and the subnet groups.
    :param subnet_type: The subnets of the instances, in every region.
        Default: ``ec2.SubnetType.PRIVATE_ISOLATED``
    :param allowed_cidrs: Private IPv4 CIDR blocks allowed on the database port of the primary
        (for example the secondary regions' VPCs when they are peered). Default: - none.
    :param performance_insights: Turn on Performance Insights for every instance, encrypted
        with the database's key of its region. Default: ``False``
    :param performance_insights_retention: How long Performance Insights keeps data (only with
        ``performance_insights``). Default: - 7 days (the free tier).
    :param backup_window: Daily automated backup window, ``"hh24:mi-hh24:mi"`` in UTC.
        Default: - a 30-minute window RDS picks per region.
    :param maintenance_window: Weekly maintenance window, ``"ddd:hh24:mi-ddd:hh24:mi"`` in
        UTC (e.g. ``"sun:05:00-sun:06:00"``). Default: - a window RDS picks per region.
    :param parameters: Engine parameters for the parameter groups of every instance (merged
        with the one that forces TLS, which cannot be overridden). Default: - none.
    :param storage_type: ``GP3``, ``IO1`` or ``IO2`` (these two with ``iops``).
        Default: ``rds.StorageType.GP3``
    :param iops: Provisioned IOPS (IO1/IO2: 1,000 to 256,000; GP3: 3,000 to 64,000, where RDS
        allows it for the allocated storage). Default: - the storage type's baseline.
    :param storage_throughput: GP3 throughput in MiB/s, 125 to 4,000. Default: - the baseline.
    :param ca_certificate: The CA of the instances' server certificates (clients verify TLS
        with it). Default: - RDS's default CA of the region.
    :param snapshot_identifier: Restore the primary from this DB snapshot (name, or ARN of a
        shared or copied snapshot) on its first deploy; the replicas copy it from there. Keep
        it set for the life of the database: CloudFormation replaces an instance whose
        ``DBSnapshotIdentifier`` changes or is removed. ``master_username`` must be the
        snapshot's (the library sets a new generated password from its secret); encryption
        follows the snapshot (restore encrypted snapshots only); ``database_name`` must be
        left unset. Default: - a new, empty database.
    :param existing_primary: An existing, running DB instance of the primary region to
        replicate instead of creating one, imported in the database's stack with
        ``rds.DatabaseInstance.from_database_instance_attributes`` (a literal identifier,
        its endpoint, port, engine with its version, and security groups, on which the
        clients are admitted) or a :class:`~multiregion_tap.PerRegion` function that does so
        (called for the primary region only). The library creates nothing for it (no
        instance, key, secret, parameter or subnet group), never changes it and gives it no
        policies; it needs automated backups. The replicas and ``history`` work as with a
        library-made primary; the fail-back entries (``rebuild:<primary region>``,
        ``promote:<primary region>``) move the writer onto an instance of the library's.
        Needs ``existing_secret``; refused with ``snapshot_identifier``,
        ``instance_props``, ``database_name``, ``master_username``, the storage sizes and
        ``rotation_schedule``. Default: - the library creates the primary.
    :param existing_secret: The credentials of ``existing_primary`` (a secret whose JSON has
        ``username`` and ``password``), imported by its literal complete ARN in the primary
        region (``secretsmanager.Secret.from_secret_complete_arn``), or a
        :class:`~multiregion_tap.PerRegion` function that does so. Replicate it yourself to
        every secondary region (encrypted there with ``aws/secretsmanager``): the library
        reads its replica in each region under the same name, and cannot replicate a secret
        it does not own. Default: - the library's generated secret.
    :param instance_props: Keyword arguments of the primary's ``rds.DatabaseInstance``
        merged over the library's, for any option without a prop here (for example
        ``option_group``, ``timezone``, ``availability_zone``); keys the library sets itself
        are refused, naming the prop to use instead. Default: - none.
    :param storage_encryption_key: A KMS key per region (:class:`~multiregion_tap.PerRegion`,
        or a mapping naming every region of the database, ``None`` for the library's key
        there) that encrypts that region's instance, its Performance Insights and, in the
        primary region, the credentials secret, instead of a key the library creates. A
        cross-region replica needs a key of its own region: a key of another region (a
        literal ARN, or a key made in another region's stack) is refused, and so is a key
        of the app that CloudFormation would delete (unless ``removal_policy`` is DESTROY).
        Give it when the database is created: the key of an instance cannot change (a new
        key needs a new instance, which CloudFormation refuses to make under the fixed
        identifier, so the update fails instead of replacing data). With
        ``snapshot_identifier`` the primary region's must be ``None`` (the snapshot's key
        encrypts it). The key policy must let RDS and Secrets Manager use it (an
        ``aws_kms.Key`` of the app does). Default: - a key per region the library creates
        (rotation on, retained).
    :param security_groups: Security groups per region (:class:`~multiregion_tap.PerRegion`
        of lists, or a mapping) added to each instance beside the library's own group, for
        example an operations group of that region's VPC; the library's group keeps
        admitting the service (``allow_from``, ``allowed_cidrs``), and the given groups are
        never changed by the library. A group of another region, a malformed id, a group
        named twice or more than 15 groups are refused. Default: - the library's group only.
    :param log_retention: Create the log group of each exported engine log,
        ``/aws/rds/instance/<identifier>/<log type>``, before each instance (RDS writes into
        the group of that name) with this retention: no Lambda-backed custom resource. An
        instance made after a failover (a new identifier) gets groups of its own. The groups
        are retained on delete (``RetainExceptOnCreate``) unless ``removal_policy`` is
        DESTROY; a database deployed before (whose groups RDS already created, without
        retention) or a stack deployed again after a delete finds them in place: deploy
        with ``cdk deploy --import-existing-resources`` to adopt them. Default: - no log
        groups of the library's: RDS creates them on the first export, never expiring.
    :param promote_replica_in: Promote the read replica of this secondary region to a
        standalone writable instance in the next deployment (see the module's runbook). The
        replica keeps its logical id and identifier, so CloudFormation promotes it in place.
        The same as ``history=["promote:<region>"]``. Default: - no promotion.
    :param history: What happened to the writer since the first deploy, in order: entries
        ``"promote:<region>"`` (that region's read replica becomes the writer; the region
        that held it is superseded: kept, stood down, out of DNS) and ``"rebuild:<region>"``
        (a superseded region gets a fresh read replica of the writer), as a sequence or one
        comma-separated string. A fail-back after ``promote:us-east-2`` is
        ``rebuild:us-east-1``, ``promote:us-east-1``, ``rebuild:us-east-2``, each its own
        deploy. Only ever append: an entry never changes what the earlier ones made.
        Default: - the first deploy's layout (the primary region has the writer).
    :param output_suffix: Suffix for the well-known stack outputs, when one stack holds more
        than one database. Default: ``""``
    :raises ValidationError: for out-of-range or malformed props.
    """

    @names_construct_path
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc: ec2.IVpc,
        allow_from: Sequence[ec2.IConnectable] | None = None,
        engine: rds.IInstanceEngine | None = None,
        instance_type: str | None = None,
        replica_instance_type: str | None = None,
        allocated_storage_gib: int | None = None,
        max_allocated_storage_gib: int | None = None,
        multi_az: bool = True,
        backup_retention_days: int = _DEFAULT_BACKUP_DAYS,
        port: int | None = None,
        master_username: str = _DEFAULT_USERNAME,
        database_name: str | None = None,
        iam_authentication: bool = True,
        monitoring_interval: cdk.Duration | None = None,
        rotation_schedule: cdk.Duration | None = None,
        deletion_protection: bool | None = None,
        removal_policy: cdk.RemovalPolicy | None = None,
        subnet_type: ec2.SubnetType | None = None,
        allowed_cidrs: Sequence[str] | None = None,
        performance_insights: bool = False,
        performance_insights_retention: rds.PerformanceInsightRetention | None = None,
        backup_window: str | None = None,
        maintenance_window: str | None = None,
        parameters: Mapping[str, str] | None = None,
        storage_type: rds.StorageType | None = None,
        iops: int | None = None,
        storage_throughput: int | None = None,
        ca_certificate: rds.CaCertificate | None = None,
        snapshot_identifier: str | None = None,
        existing_primary: rds.IDatabaseInstance | PerRegion[rds.IDatabaseInstance] | None = None,
        existing_secret: secretsmanager.ISecret | PerRegion[secretsmanager.ISecret] | None = None,
        instance_props: Mapping[str, Any] | None = None,
        storage_encryption_key: PerRegion[kms.IKey] | Mapping[str, kms.IKey | None] | None = None,
        security_groups: PerRegion[Sequence[ec2.ISecurityGroup]]
        | Mapping[str, Sequence[ec2.ISecurityGroup] | None]
        | None = None,
        log_retention: logs.RetentionDays | None = None,
        promote_replica_in: str | None = None,
        history: Sequence[str] | str | None = None,
        output_suffix: str = "",
    ) -> None:
        stack = cdk.Stack.of(scope)
        existing = resolve_existing_primary(
            stack, existing_primary, existing_secret, engine=engine, port=port
        )
        if existing is not None:
            refuse_with_existing_primary(
                dict(
                    snapshot_identifier=snapshot_identifier,
                    instance_props=instance_props,
                    database_name=database_name,
                    master_username=None
                    if master_username == _DEFAULT_USERNAME
                    else master_username,
                    allocated_storage_gib=allocated_storage_gib,
                    max_allocated_storage_gib=max_allocated_storage_gib,
                    rotation_schedule=rotation_schedule,
                )
            )
            engine, port = existing.engine, existing.port
        the_engine = engine if engine is not None else default_engine()
        facts = facts_for(the_engine.engine_type)
        if facts is None:
            raise fail(
                "engine",
                the_engine.engine_type,
                "be a PostgreSQL or MySQL engine (" + ", ".join(SUPPORTED_ENGINES) + ")",
            )
        instance_class = _instance_class("instance_type", instance_type or _DEFAULT_INSTANCE_CLASS)
        replica_class = (
            _instance_class("replica_instance_type", replica_instance_type)
            if replica_instance_type is not None
            else instance_class
        )
        storage = _DEFAULT_STORAGE_GIB if allocated_storage_gib is None else allocated_storage_gib
        require_int_range("allocated_storage_gib", storage, facts.min_storage_gib, MAX_STORAGE_GIB)
        if max_allocated_storage_gib is not None:
            require_int_range(
                "max_allocated_storage_gib", max_allocated_storage_gib, storage, MAX_STORAGE_GIB
            )
        require_int_range("backup_retention_days", backup_retention_days, *BACKUP_RETENTION_RANGE)
        the_port = facts.default_port if port is None else port
        require_int_range("port", the_port, *PORT_RANGE)
        require_pattern(
            "master_username",
            master_username,
            DB_USERNAME_RE,
            "start with a letter and be at most 16 letters, digits and underscores",
        )
        if master_username.lower() in facts.reserved_usernames:
            raise fail("master_username", master_username, f"not be reserved by {facts.family}")
        require_pattern(
            "database_name",
            database_name,
            DB_NAME_RE,
            "start with a letter and be at most 63 letters, digits and underscores",
        )
        options = resolve_database_options(
            performance_insights=performance_insights,
            performance_insights_retention=performance_insights_retention,
            backup_window=backup_window,
            maintenance_window=maintenance_window,
            parameters=parameters,
            tls_parameters=dict(facts.tls_parameters),
            storage_type=storage_type,
            iops=iops,
            storage_throughput=storage_throughput,
            ca_certificate=ca_certificate,
            snapshot_identifier=snapshot_identifier,
            database_name=database_name,
            instance_props=instance_props,
            storage_encryption_key=storage_encryption_key,
            security_groups=security_groups,
            log_retention=log_retention,
        )
        monitoring = (
            cdk.Duration.seconds(60) if monitoring_interval is None else monitoring_interval
        )
        monitoring_seconds = monitoring.to_seconds()
        if monitoring_seconds not in (0, 1, 5, 10, 15, 30, 60):
            raise fail(
                "monitoring_interval",
                f"{monitoring_seconds} seconds",
                "be 0 (off), 1, 5, 10, 15, 30 or 60 seconds",
            )
        for index, cidr in enumerate(allowed_cidrs or ()):
            require_cidr(f"allowed_cidrs[{index}]", cidr, min_prefix=8, max_prefix=32)
        require_output_suffix(output_suffix)

        app = app_of(scope)
        if promote_replica_in is not None:
            require_region("promote_replica_in", promote_replica_in)
            if promote_replica_in == stack.region:
                raise fail(
                    "promote_replica_in",
                    promote_replica_in,
                    "name a secondary region with a replica, not the primary's own region",
                )
            if app is not None and promote_replica_in not in app.secondary_regions:
                raise fail(
                    "promote_replica_in",
                    promote_replica_in,
                    "name a region that has a replica: one of the secondary regions "
                    f"{list(app.secondary_regions)!r}",
                )
        if app is not None:
            # The database has an instance in every region of the app.
            for prop, per_region in (
                ("storage_encryption_key", options.storage_encryption_key),
                ("security_groups", options.security_groups),
            ):
                if per_region is not None:
                    per_region.check(prop, app.regions)
        steps = parse_history("history", history)
        if promote_replica_in is not None:
            if steps:
                raise fail(
                    "promote_replica_in",
                    promote_replica_in,
                    f"be left unset with history (add 'promote:{promote_replica_in}' to it)",
                )
            steps = ((PROMOTE, promote_replica_in),)
        if app is not None:
            for index, (action, region) in enumerate(steps):
                if region not in app.regions:
                    raise fail(
                        f"history[{index}]",
                        f"{action}:{region}",
                        f"name one of the app's regions {list(app.regions)!r}",
                    )
        plan = DatabasePlan("history", stack.region, steps)

        super().__init__(scope, id)
        destroy = removal_policy == cdk.RemovalPolicy.DESTROY
        instance_removal = removal_policy or cdk.RemovalPolicy.SNAPSHOT
        kept = cdk.RemovalPolicy.DESTROY if destroy else cdk.RemovalPolicy.RETAIN
        protect = (not destroy) if deletion_protection is None else deletion_protection

        self._facts = facts
        self._engine = the_engine
        self._port = the_port
        self._replica_class = replica_class
        self._multi_az = multi_az
        self._iam_authentication = iam_authentication
        self._backup_retention_days = backup_retention_days
        self._monitoring = monitoring if monitoring_seconds else None
        self._instance_removal = instance_removal
        self._kept = kept
        self._protect = protect
        self._subnet_type = subnet_type or ec2.SubnetType.PRIVATE_ISOLATED
        self._promote_replica_in = promote_replica_in
        self._plan = plan
        self._options = options
        self._output_suffix = output_suffix
        self._name_prefix = app.app_name if app is not None else stack.stack_name
        self._replicas: dict[str, DatabaseReplica] = {}
        self._existing = existing
        own = plan.region(stack.region)
        self._state = own
        # The library makes this region's instance, unless it is the existing primary (the
        # writer, or superseded by a promotion); a rebuild makes a replica of the library's.
        managed = existing is None or own.replica

        own_key = options.regional_key(stack, destroy=destroy) if managed else None
        restored = options.snapshot_identifier is not None and not own.replica
        if own_key is not None and restored:
            raise fail(
                f"storage_encryption_key[{stack.region!r}]",
                own_key.node.path,
                "be None for the primary region with snapshot_identifier: the restored "
                "instance is encrypted with the snapshot's key (copy the snapshot with your "
                "key to use it)",
            )
        if managed:
            self._encryption_key = own_key or self._new_key(
                f"Encrypts the {id} database and its credentials in {stack.region}", kept
            )
        self._own_security_groups = options.regional_security_groups(stack) if managed else ()
        self._log_removal = (
            cdk.RemovalPolicy.DESTROY if destroy else cdk.RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE
        )
        self._database_secret: rds.DatabaseSecret | None = None
        if existing is None:
            self._database_secret = rds.DatabaseSecret(
                self,
                "Secret",
                username=master_username,
                encryption_key=self._encryption_key,
            )
            self._database_secret.apply_removal_policy(kept)
        if managed:
            self._security_group, self._subnet_group = self._network(
                vpc, self._subnet_type, f"{id} database (primary)", kept
            )
            self._parameter_group = rds.ParameterGroup(
                self,
                "ParameterGroup",
                engine=the_engine,
                description=f"{id} database: TLS required",
                parameters={**options.parameters, **dict(facts.tls_parameters)},
                removal_policy=kept,
            )
            # The first instance, or a replica rebuilt after a failover (under the first
            # one's construct id: CloudFormation replaces it in place).
            self._instance, self._secret = own_instance(
                self, vpc, instance_class, storage, max_allocated_storage_gib, database_name
            )
            cfn = self._instance.node.default_child
            assert isinstance(cfn, rds.CfnDBInstance)
            self._follow_plan(cfn, own, self._source_arn(own), backup_retention_days)
            self._add_log_groups(
                options.log_retention,
                self._identifier(stack.region, own.identifier_suffix),
                facts.log_exports,
                self._log_removal,
            )
        else:
            assert existing is not None
            # Only imported: no policy, no override, no log group is ever put on it.
            self._instance, self._secret = existing.instance, existing.secret
        if rotation_schedule is not None:
            # Like instance.add_rotation_single_user(), but the rotation Lambda's ingress rule
            # names the literal port (cdk-nag's port rules cannot read the endpoint token).
            assert self._security_group is not None
            secretsmanager.SecretRotation(
                self,
                "Rotation",
                application=the_engine.single_user_rotation_application,
                secret=self._secret,
                target=ec2.Connections(
                    security_groups=[self._security_group], default_port=ec2.Port.tcp(the_port)
                ),
                vpc=vpc,
                vpc_subnets=ec2.SubnetSelection(subnet_type=self._subnet_type),
                automatically_after=rotation_schedule,
            )
        self.allow_from(*(allow_from or ()))
        for cidr in allowed_cidrs or ():
            self.allow_from_cidr(cidr)

        self._fill_outputs(output_suffix, (self._database_secret or self._secret).secret_arn)
        self._acknowledge_common(facts, self._monitoring is not None)
        if rotation_schedule is None and self._database_secret is not None:
            _acknowledge_no_rotation(self._database_secret)
        self.node.add_validation(_PromotionTargetExists(self))

    # ------------------------------------------------------------------ attributes
    @property
    def engine(self) -> rds.IInstanceEngine:
        """The engine (and version) of the primary and its replicas."""
        return self._engine

    @property
    def database_secret(self) -> rds.DatabaseSecret | None:
        """The generated credentials secret (replicated to each replica's region); ``None``
        with ``existing_secret`` (see :attr:`secret`)."""
        return self._database_secret

    @property
    def replicas(self) -> dict[str, DatabaseReplica]:
        """The replicas added so far, by region (a copy)."""
        return dict(self._replicas)

    @property
    def promote_replica_in(self) -> str | None:
        """The region whose replica is promoted, or ``None``."""
        return self._promote_replica_in

    @property
    def history(self) -> tuple[str, ...]:
        """The ``history`` entries (with ``promote_replica_in`` as its one entry)."""
        return tuple(f"{action}:{region}" for action, region in self._plan.history)

    @property
    def writer_region(self) -> str:
        """The region of the writer after ``history``: the primary's unless it moved."""
        return self._plan.writer

    def role_in(self, region: str) -> str:
        """``"writer"``, ``"reader"`` (a read replica of the writer) or ``"superseded"`` (a
        writer replaced by a promotion: kept, diverged, nothing may write to it): the
        database of ``region`` after ``history``."""
        return self._plan.region(region).role

    def replica_in(self, region: str) -> DatabaseReplica:
        """The replica of ``region``.

        :raises ValidationError: when ``region`` has no replica.
        """
        try:
            return self._replicas[region]
        except KeyError:
            raise fail(
                "region", region, f"be a region with a replica: {sorted(self._replicas)!r}"
            ) from None

    # ------------------------------------------------------------------ replicas
    def add_replica(
        self,
        scope: Construct,
        id: str,
        *,
        vpc: ec2.IVpc,
        allow_from: Sequence[ec2.IConnectable] | None = None,
        allowed_cidrs: Sequence[str] | None = None,
        instance_type: str | None = None,
        multi_az: bool | None = None,
        secret_name: str | None = None,
    ) -> DatabaseReplica:
        """Add an encrypted read replica in the region of ``scope``'s stack.

        The replica gets its own KMS key, parameter group (TLS forced), subnet group and
        security group in ``vpc``, and reads the region's replica of the credentials secret.
        Its ``SourceDBInstanceIdentifier`` is the primary's ARN in the primary region; after
        a failover (``history``), the writer's, and a replica that has to change its source
        is a new replica under a new identifier (CloudFormation replaces it).

        :param scope: A construct in a secondary region's stack (another region than the
            primary's, in the same partition and account).
        :param id: The construct id (API: renaming it replaces the replica).
        :param vpc: The VPC of that region.
        :param allow_from: Clients allowed on the database port. Default: - nobody.
        :param allowed_cidrs: Private IPv4 CIDR blocks allowed on the database port.
            Default: - none.
        :param instance_type: DB instance class. Default: - ``replica_instance_type``.
        :param multi_az: Multi-AZ replica. Default: - as the primary.
        :param secret_name: The name of the credentials secret (the region's replica of the
            secret has the primary's name), for a replica whose stack must not read the
            primary's stack: after a failover the primary region may not answer.
            Default: - read from the primary's stack (``Fn::GetStackOutput``).
        :raises ValidationError: for a region that already has a replica or is the primary's.
        """
        region = cdk.Stack.of(scope).region
        if is_token(region):
            raise fail(
                "scope",
                scope.node.path,
                "be in a stack with a literal region (a cross-region replica needs one)",
            )
        if region == self.region:
            raise fail(
                "scope",
                scope.node.path,
                f"be in another region than the primary's ({region}): a replica is cross-region",
            )
        if region in self._replicas:
            raise fail(
                "scope", scope.node.path, f"be in a region without a replica; {region} has one"
            )
        replica_class = (
            _instance_class("instance_type", instance_type)
            if instance_type is not None
            else self._replica_class
        )
        for index, cidr in enumerate(allowed_cidrs or ()):
            require_cidr(f"allowed_cidrs[{index}]", cidr, min_prefix=8, max_prefix=32)
        if self._database_secret is not None:
            self._database_secret.add_replica_region(region)
        replica = DatabaseReplica(
            scope,
            id,
            source=self,
            vpc=vpc,
            instance_class=replica_class,
            multi_az=self._multi_az if multi_az is None else multi_az,
            state=self._plan.region(region),
            secret_name=secret_name,
        )
        replica.allow_from(*(allow_from or ()))
        for cidr in allowed_cidrs or ():
            replica.allow_from_cidr(cidr)
        self._replicas[region] = replica
        return replica

    # ------------------------------------------------------------------ internals
    def _secret_name_output(self) -> str:
        """Logical id of an output holding the secret's name (created on first use): the
        last part of its ARN, ``<name>-<6 characters>``, the same in every region."""
        output = self.node.try_find_child("SecretNameOutput")
        if output is None:
            name: str | None = self._existing.secret_name if self._existing else None
            if name is None:
                assert self._database_secret is not None
                name = cdk.Arn.split(
                    self._database_secret.secret_arn, cdk.ArnFormat.COLON_RESOURCE_NAME
                ).resource_name
            assert name is not None
            output = cdk.CfnOutput(
                self,
                "SecretNameOutput",
                value=name,
                description="Name of the DB credentials secret (read by the replicas' stacks)",
            )
        assert isinstance(output, cdk.CfnOutput)
        return cdk.Stack.of(self).get_logical_id(output)

    def _identifier(self, region: str, suffix: Sequence[str] = ()) -> str:
        """The DB instance identifier in ``region``; each instance made after a failover has
        a ``suffix`` (``from-<source region code>``): a replica cannot change its source."""
        parts = [self._name_prefix]
        if not is_token(region):
            parts.append(naming.region_code(region))
        parts.append(self.node.id.lower())
        parts += suffix
        return naming.physical_name(naming.RDS_IDENTIFIER, *parts)

    def _current_identifier(self, region: str) -> str:
        """The identifier of ``region``'s instance after ``history`` (the existing primary's
        until a rebuild replaces it)."""
        state = self._plan.region(region)
        if self._existing is not None and region == self.region and not state.replica:
            return self._existing.identifier
        return self._identifier(region, state.identifier_suffix)

    def _source_arn(self, state: RegionDatabase) -> str | None:
        """The ARN of the instance ``state`` replicates from after a failover, built from its
        deterministic identifier (no reference into another stack); ``None`` when not a
        replica or before any failover (then the replica references the primary, unless it
        is an existing one: its stack cannot be referenced)."""
        if state.source_region is None or not (self._plan.changed or self._existing):
            return None
        return cdk.Fn.sub(
            f"arn:${{AWS::Partition}}:rds:{state.source_region}:${{AWS::AccountId}}:db:"
            + self._current_identifier(state.source_region)
        )


# ---------------------------------------------------------------------- helpers
def _instance_class(prop: str, value: str) -> str:
    if is_token(value):
        raise fail(prop, value, "be a literal instance class such as 't4g.medium', not a token")
    require_pattern(
        prop,
        value,
        INSTANCE_CLASS_RE,
        "be a DB instance class such as 't4g.medium' or 'db.r7g.large'",
    )
    return normalize_instance_class(value)


def _acknowledge_no_rotation(secret: Construct) -> None:
    reason = (
        "Rotation of the master password is opt-in (rotation_schedule): it needs a rotation "
        "Lambda with a network path to Secrets Manager and clients that re-read the secret. "
        "The password is generated, never leaves Secrets Manager, is encrypted with a "
        "customer-managed KMS key, and IAM database authentication is available for clients."
    )
    cdk.Validations.of(secret).acknowledge(
        cdk.Acknowledgment(id="AwsSolutions::AwsSolutions-SMG4", reason=reason),
        cdk.Acknowledgment(
            id="NIST.800.53.R5::NIST.800.53.R5-SecretsManagerRotationEnabled", reason=reason
        ),
    )


@jsii.implements(IValidation)
class _PromotionTargetExists:
    """At synth: ``promote_replica_in`` and every ``history`` entry must name a region with
    a database (the primary's, or one that got a replica)."""

    def __init__(self, database: ReplicatedDatabase) -> None:
        self._database = database

    def validate(self) -> list[str]:
        db = self._database
        have = {db.region, *db.replicas}
        errors: list[str] = []
        if db.promote_replica_in is not None:
            if db.promote_replica_in not in have:
                errors.append(
                    f"promote_replica_in must name a region that has a replica "
                    f"{sorted(db.replicas)!r}, got {db.promote_replica_in!r}"
                )
        else:
            for index, entry in enumerate(db.history):
                if entry.partition(":")[2] not in have:
                    errors.append(
                        f"history[{index}] must name a region with a database "
                        f"{sorted(have)!r}, got {entry!r}"
                    )
        return [str(ValidationError(error)) for error in errors]
