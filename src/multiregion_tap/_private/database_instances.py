"""The primary region's DB instance of a ReplicatedDatabase: the first one, or a rebuilt
replica after a fail-back (private).

Both are created under the construct id ``Instance`` of the
:class:`~multiregion_tap.ReplicatedDatabase`, so a ``rebuild:<primary region>`` entry of its
history replaces the first instance in place (the same logical id; the old one is retained).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_rds as rds

from .checkov import skip_checkov
from .database_plan import RegionDatabase

if TYPE_CHECKING:
    from ..replicated_database import ReplicatedDatabase

__all__ = ["first_instance", "instance_settings", "rebuilt_instance"]


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
    common: dict[str, Any] = dict(
        engine=db._engine,
        instance_type=ec2.InstanceType(instance_class),
        instance_identifier=db._identifier(db.region),
        vpc=vpc,
        subnet_group=db._subnet_group,
        security_groups=[db._security_group, *db._own_security_groups],
        port=db._port,
        allocated_storage=storage,
        max_allocated_storage=max_storage,
        multi_az=db._multi_az,
        backup_retention=cdk.Duration.days(db._backup_retention_days),
        parameter_group=db._parameter_group,
        **instance_settings(db, db._encryption_key),
    )
    common.update(options.instance_props)
    if options.snapshot_identifier is not None:
        restored = rds.DatabaseInstanceFromSnapshot(
            db,
            "Instance",
            snapshot_identifier=options.snapshot_identifier,
            credentials=rds.SnapshotCredentials.from_secret(db._database_secret),
            **common,
        )
        _acknowledge_snapshot_encryption(restored)
        return restored
    return rds.DatabaseInstance(
        db,
        "Instance",
        credentials=rds.Credentials.from_secret(db._database_secret),
        database_name=database_name,
        storage_encrypted=True,
        storage_encryption_key=db._encryption_key,
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
    # The L2 needs a source instance: an import by the writer's identifier, read only for its
    # engine; the source ARN itself is set from the history (or removed once promoted).
    source = rds.DatabaseInstance.from_database_instance_attributes(
        db,
        "RebuildSource",
        instance_identifier=db._current_identifier(state.source_region or db.region),
        instance_endpoint_address="unused.invalid",
        port=db._port,
        security_groups=[],
        engine=db._engine,
    )
    return rds.DatabaseInstanceReadReplica(
        db,
        "Instance",
        source_database_instance=source,
        instance_type=ec2.InstanceType(instance_class),
        instance_identifier=db._identifier(db.region, state.identifier_suffix),
        vpc=vpc,
        subnet_group=db._subnet_group,
        security_groups=[db._security_group, *db._own_security_groups],
        port=db._port,
        storage_encryption_key=db._encryption_key,
        multi_az=db._multi_az,
        parameter_group=db._parameter_group,
        **instance_settings(db, db._encryption_key),
    )
