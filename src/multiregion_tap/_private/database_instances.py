"""The primary region's DB instance of a ReplicatedDatabase: the first one, an existing one
(``existing_primary``), or a rebuilt replica after a fail-back (private).

The first and the rebuilt one are created under the construct id ``Instance`` of the
:class:`~multiregion_tap.ReplicatedDatabase`, so a ``rebuild:<primary region>`` entry of its
history replaces the first instance in place (the same logical id; the old one is retained).
An existing primary is only imported: the library never changes it, and a rebuild puts an
instance of the library's beside it (the fail-back moves the writer onto that one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from ..per_region import PerRegion
from .arns import require_regional_arn
from .checkov import skip_checkov
from .database_plan import RegionDatabase
from .validation import fail, is_token

if TYPE_CHECKING:
    from ..replicated_database import ReplicatedDatabase

__all__ = [
    "ExistingPrimary",
    "first_instance",
    "instance_settings",
    "own_instance",
    "rebuilt_instance",
    "resolve_existing_primary",
    "writer_import",
]

#: A DB instance identifier: 1 to 63 letters, digits and hyphens, starting with a letter, no
#: two hyphens in a row, no hyphen at the end.
_IDENTIFIER_RE = re.compile(r"[A-Za-z](?:-?[A-Za-z0-9])*")
_MAX_IDENTIFIER = 63


@dataclass(frozen=True)
class ExistingPrimary:
    """An existing, running primary the library reads from and never changes."""

    instance: rds.DatabaseInstanceBase
    #: Its literal DB instance identifier (its replicas' source ARN is built from it).
    identifier: str
    port: int
    engine: rds.IInstanceEngine
    secret: secretsmanager.ISecret
    #: The last part of the secret's complete ARN (``<name>-<6 characters>``): the secret's
    #: replica in another region has the same.
    secret_name: str


def resolve_existing_primary(
    stack: cdk.Stack,
    instance: Any,
    secret: Any,
    *,
    engine: rds.IInstanceEngine | None,
    port: int | None,
) -> ExistingPrimary | None:
    """``existing_primary`` and ``existing_secret`` (each the value, or a
    :class:`~multiregion_tap.PerRegion` resolved for ``stack``'s region), checked; ``None``
    when neither is given.

    :raises ValidationError: naming the prop and the value: one given without the other, an
        instance not imported in ``stack`` or without a literal identifier, a port or
        security groups; an engine or port other than the ``engine`` or ``port`` given; a
        secret not imported by a literal complete ARN of ``stack``'s region and account.
    """
    if isinstance(instance, PerRegion):
        instance = instance.resolve("existing_primary", stack, stack.region)
    if isinstance(secret, PerRegion):
        secret = secret.resolve("existing_secret", stack, stack.region)
    if instance is None and secret is None:
        return None
    if secret is None:
        raise fail(
            "existing_secret",
            None,
            "be given with existing_primary: its credentials (JSON with username and "
            "password), which the services read",
        )
    if instance is None:
        raise fail("existing_primary", None, "be given with existing_secret")
    if not isinstance(instance, rds.DatabaseInstanceBase):
        raise fail(
            "existing_primary",
            instance,
            "be an RDS DB instance (rds.DatabaseInstance.from_database_instance_attributes)",
        )
    where = instance.node.path
    if instance.node.default_child is not None:
        raise fail(
            "existing_primary",
            where,
            "be an existing instance imported with "
            "rds.DatabaseInstance.from_database_instance_attributes, not one of the app",
        )
    if cdk.Stack.of(instance) is not stack:
        raise fail(
            "existing_primary",
            where,
            f"be imported in the database's stack {stack.node.path!r} (with a scope there; "
            "in MultiRegionApp, a PerRegion function): the library admits the clients on "
            "its security groups from that stack",
        )
    identifier = instance.instance_identifier
    if is_token(identifier):
        raise fail(
            "existing_primary",
            where,
            "be imported with a literal instance_identifier: its replicas' source ARN is "
            "built from it",
        )
    if len(identifier) > _MAX_IDENTIFIER or not _IDENTIFIER_RE.fullmatch(identifier):
        raise fail(
            "existing_primary.instance_identifier",
            identifier,
            "be a DB instance identifier (1 to 63 letters, digits and hyphens, starting with "
            "a letter, no '--', no hyphen at the end)",
        )
    own_port = instance.db_instance_endpoint_port
    if is_token(own_port) or not own_port.isdigit():
        raise fail("existing_primary.port", own_port, "be a literal port number")
    if port is not None and port != int(own_port):
        raise fail("port", port, f"be left unset or be existing_primary's port {own_port}")
    own_engine = instance.engine
    if own_engine is None and engine is None:
        raise fail(
            "existing_primary",
            where,
            "be imported with its engine (engine=rds.DatabaseInstanceEngine.postgres(...) "
            "with its version), or engine be given: the replicas' parameter groups follow "
            "its engine and version",
        )
    if (
        own_engine is not None
        and engine is not None
        and _engine_of(engine) != _engine_of(own_engine)
    ):
        raise fail(
            "engine",
            _engine_of(engine),
            f"be left unset or be existing_primary's engine {_engine_of(own_engine)!r}",
        )
    if not instance.connections.security_groups:
        raise fail(
            "existing_primary",
            where,
            "be imported with its security groups (security_groups=[...]): the region's "
            "clients are admitted on them (import them with mutable=False to admit the "
            "clients yourself)",
        )
    the_engine = engine if engine is not None else own_engine
    assert the_engine is not None
    return ExistingPrimary(
        instance=instance,
        identifier=identifier,
        port=int(own_port),
        engine=the_engine,
        secret=secret,
        secret_name=_secret_name(stack, secret),
    )


def _engine_of(engine: rds.IInstanceEngine) -> str:
    version = engine.engine_version
    full = version.full_version if version is not None else None
    return f"{engine.engine_type} {full}" if full and not is_token(full) else engine.engine_type


def _secret_name(stack: cdk.Stack, secret: Any) -> str:
    """The last part of the secret's complete ARN, checked to be of ``stack``'s region."""
    if not hasattr(secret, "secret_arn"):
        raise fail(
            "existing_secret", secret, "be a Secrets Manager secret (secretsmanager.ISecret)"
        )
    arn = secret.secret_full_arn
    if arn is None or is_token(arn):
        raise fail(
            "existing_secret",
            secret.node.path,
            "be imported by its literal complete ARN (secretsmanager.Secret."
            "from_secret_complete_arn, ending in '-' and 6 characters): the library names "
            "its replica in each other region by it",
        )
    require_regional_arn(
        "existing_secret",
        arn,
        stack,
        service="secretsmanager",
        what="a Secrets Manager secret",
        same_account=True,
        resource_prefix="secret:",
        resource_requirement="be the ARN of a secret (...:secret:<name>-<6 characters>)",
    )
    name: str = arn.split(":", 6)[-1]
    if not re.fullmatch(r".+-[A-Za-z0-9]{6}", name):
        raise fail(
            "existing_secret",
            arn,
            "be the secret's complete ARN, its name ending in '-' and 6 characters",
        )
    return name


def writer_import(db: ReplicatedDatabase, scope: Construct, id: str, region: str) -> Any:
    """The instance of ``region`` (after the history) imported in ``scope``, for the L2 read
    replica that needs a source instance: read only for its engine, the source ARN itself
    is set from the history (an import in another region's stack would name that region)."""
    return rds.DatabaseInstance.from_database_instance_attributes(
        scope,
        id,
        instance_identifier=db._current_identifier(region),
        instance_endpoint_address="unused.invalid",
        port=db._port,
        security_groups=[],
        engine=db._engine,
    )


def instance_settings(db: ReplicatedDatabase, key: kms.IKey) -> dict[str, Any]:
    """The settings every instance of ``db`` shares, in every region (``key``: the region's
    database key, for Performance Insights): protection and removal, IAM authentication,
    every engine log exported, enhanced monitoring, minor upgrades, tags copied to
    snapshots, never public, automated backups kept on delete, and the options."""
    return dict(
        deletion_protection=db._protect,
        removal_policy=db._instance_removal,
        iam_authentication=db._iam_authentication,
        cloudwatch_logs_exports=list(db._facts.log_exports),
        monitoring_interval=db._monitoring,
        auto_minor_version_upgrade=True,
        copy_tags_to_snapshot=True,
        publicly_accessible=False,
        delete_automated_backups=False,
        **db._options.instance_kwargs(key),
    )


def own_instance(
    db: ReplicatedDatabase,
    vpc: ec2.IVpc,
    instance_class: str,
    storage: int,
    max_storage: int | None,
    database_name: str | None,
) -> tuple[rds.DatabaseInstanceBase, secretsmanager.ISecret]:
    """The primary region's instance of the library's (the first one, or a rebuilt replica
    after a failover) and the region's credentials secret."""
    state, generated = db._state, db._database_secret
    if state.replica:
        rebuilt = rebuilt_instance(db, vpc, instance_class, state)
        if db._existing is not None:
            return rebuilt, db._existing.secret
        assert generated is not None
        return rebuilt, generated.attach(rebuilt)
    assert generated is not None  # no first instance beside an existing primary
    first = first_instance(db, vpc, instance_class, storage, max_storage, database_name)
    return first, first.secret or generated


def first_instance(
    db: ReplicatedDatabase,
    vpc: ec2.IVpc,
    instance_class: str,
    storage: int,
    max_storage: int | None,
    database_name: str | None,
) -> rds.DatabaseInstance | rds.DatabaseInstanceFromSnapshot:
    """The primary region's first instance: the writer until a promotion; restored from
    ``snapshot_identifier`` when given (its encryption and databases come from the snapshot,
    the password from the library's secret)."""
    options = db._options
    key, placement = _placement(db)
    secret = db._database_secret
    assert secret is not None
    common: dict[str, Any] = dict(
        engine=db._engine,
        instance_type=ec2.InstanceType(instance_class),
        instance_identifier=db._identifier(db.region),
        vpc=vpc,
        port=db._port,
        allocated_storage=storage,
        max_allocated_storage=max_storage,
        multi_az=db._multi_az,
        backup_retention=cdk.Duration.days(db._backup_retention_days),
        **placement,
        **instance_settings(db, key),
    )
    common.update(options.instance_props)
    if options.snapshot_identifier is not None:
        restored = rds.DatabaseInstanceFromSnapshot(
            db,
            "Instance",
            snapshot_identifier=options.snapshot_identifier,
            credentials=rds.SnapshotCredentials.from_secret(secret),
            **common,
        )
        _acknowledge_snapshot_encryption(restored)
        return restored
    return rds.DatabaseInstance(
        db,
        "Instance",
        credentials=rds.Credentials.from_secret(secret),
        database_name=database_name,
        storage_encrypted=True,
        storage_encryption_key=key,
        **common,
    )


def _acknowledge_snapshot_encryption(instance: rds.DatabaseInstanceFromSnapshot) -> None:
    """A restored instance takes its encryption from the snapshot: CloudFormation refuses
    StorageEncrypted and KmsKeyId beside DBSnapshotIdentifier, so no scanner can see it."""
    reason = (
        "Restored from snapshot_identifier: the instance inherits the snapshot's encryption "
        "and KMS key (CloudFormation refuses StorageEncrypted beside DBSnapshotIdentifier). "
        "The docs require an encrypted snapshot (copy an unencrypted one with a KMS key "
        "first); the replicas are encrypted with their region's key."
    )
    cdk.Validations.of(instance).acknowledge(
        cdk.Acknowledgment(id="AwsSolutions::AwsSolutions-RDS2", reason=reason),
        cdk.Acknowledgment(id="NIST.800.53.R5::NIST.800.53.R5-RDSStorageEncrypted", reason=reason),
    )
    cfn = instance.node.default_child
    assert isinstance(cfn, rds.CfnDBInstance)
    skip_checkov(cfn, "CKV_AWS_16", reason)


def rebuilt_instance(
    db: ReplicatedDatabase, vpc: ec2.IVpc, instance_class: str, state: RegionDatabase
) -> rds.DatabaseInstanceReadReplica:
    """The primary region's instance after ``rebuild:<primary region>``: a read replica of the
    writer (promoted again by a later ``promote:<primary region>``)."""
    # The source ARN is set from the history (or removed once promoted).
    source = writer_import(db, db, "RebuildSource", state.source_region or db.region)
    key, placement = _placement(db)
    return rds.DatabaseInstanceReadReplica(
        db,
        "Instance",
        source_database_instance=source,
        instance_type=ec2.InstanceType(instance_class),
        instance_identifier=db._identifier(db.region, state.identifier_suffix),
        vpc=vpc,
        port=db._port,
        storage_encryption_key=key,
        multi_az=db._multi_az,
        **placement,
        **instance_settings(db, key),
    )


def _placement(db: ReplicatedDatabase) -> tuple[kms.IKey, dict[str, Any]]:
    """The primary region's database key, and the subnet group, security groups and
    parameter group of an instance of the library's there (made before it)."""
    key, group = db._encryption_key, db._security_group
    subnets, parameters = db._subnet_group, db._parameter_group
    assert key is not None and group is not None
    assert subnets is not None and parameters is not None
    return key, dict(
        subnet_group=subnets,
        security_groups=[group, *db._own_security_groups],
        parameter_group=parameters,
    )
