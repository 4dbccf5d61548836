"""The primary region's DB instance of a ReplicatedDatabase: the first one, or a rebuilt
replica after a fail-back (private).

Both are created under the construct id ``Instance`` of the
:class:`~multiregion_tap.ReplicatedDatabase`, so a ``rebuild:<primary region>`` entry of its
history replaces the first instance in place (the same logical id; the old one is retained).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_rds as rds

from .database_plan import RegionDatabase

if TYPE_CHECKING:
    from ..replicated_database import ReplicatedDatabase

__all__ = ["first_instance", "rebuilt_instance"]


def first_instance(
    db: ReplicatedDatabase,
    vpc: ec2.IVpc,
    instance_class: str,
    storage: int,
    max_storage: int | None,
    database_name: str | None,
) -> rds.DatabaseInstance:
    """The primary region's first instance: the writer until a promotion."""
    return rds.DatabaseInstance(
        db,
        "Instance",
        engine=db._engine,
        instance_type=ec2.InstanceType(instance_class),
        instance_identifier=db._identifier(db.region),
        vpc=vpc,
        subnet_group=db._subnet_group,
        security_groups=[db._security_group],
        credentials=rds.Credentials.from_secret(db._database_secret),
        database_name=database_name,
        port=db._port,
        storage_encrypted=True,
        storage_encryption_key=db._encryption_key,
        storage_type=rds.StorageType.GP3,
        allocated_storage=storage,
        max_allocated_storage=max_storage,
        multi_az=db._multi_az,
        backup_retention=cdk.Duration.days(db._backup_retention_days),
        delete_automated_backups=False,
        deletion_protection=db._protect,
        removal_policy=db._instance_removal,
        parameter_group=db._parameter_group,
        iam_authentication=db._iam_authentication,
        cloudwatch_logs_exports=list(db._facts.log_exports),
        monitoring_interval=db._monitoring,
        auto_minor_version_upgrade=True,
        copy_tags_to_snapshot=True,
        publicly_accessible=False,
    )


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
        security_groups=[db._security_group],
        port=db._port,
        storage_encryption_key=db._encryption_key,
        storage_type=rds.StorageType.GP3,
        multi_az=db._multi_az,
        deletion_protection=db._protect,
        removal_policy=db._instance_removal,
        parameter_group=db._parameter_group,
        iam_authentication=db._iam_authentication,
        cloudwatch_logs_exports=list(db._facts.log_exports),
        monitoring_interval=db._monitoring,
        auto_minor_version_upgrade=True,
        copy_tags_to_snapshot=True,
        publicly_accessible=False,
        delete_automated_backups=False,
    )
