"""Options of :class:`~multiregion_tap.ReplicatedDatabase` beyond the secure defaults
(private): Performance Insights, backup and maintenance windows, engine parameters, storage
type and performance, the CA certificate, a snapshot to start from, the per-region storage
key and security groups, the retention of the engine log groups, and the
``instance_props`` override of the primary's ``rds.DatabaseInstance``; and the props refused
beside an ``existing_primary`` (:data:`EXISTING_PRIMARY_REFUSED`).

:func:`resolve_database_options` checks them before anything is built; the instance builders
(``database_instances``) and :class:`~multiregion_tap.DatabaseReplica` read the result.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds

from ..per_region import PerRegion
from .arns import require_regional_resource
from .validation import fail, is_token, require_int_range, require_pattern

__all__ = [
    "EXISTING_PRIMARY_REFUSED",
    "INSTANCE_OWNED_KEYS",
    "DatabaseOptions",
    "refuse_with_existing_primary",
    "resolve_database_options",
]

# RDS API reference, CreateDBInstance: PreferredBackupWindow "hh24:mi-hh24:mi" (UTC),
# PreferredMaintenanceWindow "ddd:hh24:mi-ddd:hh24:mi".
_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]"
_DAY = r"(?:mon|tue|wed|thu|fri|sat|sun)"
BACKUP_WINDOW_RE = re.compile(rf"{_TIME}-{_TIME}")
MAINTENANCE_WINDOW_RE = re.compile(rf"{_DAY}:{_TIME}-{_DAY}:{_TIME}")
# RDS User Guide, "Amazon RDS DB instance storage": provisioned IOPS ranges per storage type
# (io1/io2 1,000 to 256,000; gp3 3,000 to 64,000) and gp3 throughput 125 to 4,000 MiB/s.
IOPS_RANGE = {rds.StorageType.IO1: (1000, 256000), rds.StorageType.IO2: (1000, 256000)}
GP3_IOPS_RANGE = (3000, 64000)
GP3_THROUGHPUT_RANGE = (125, 4000)
# RDS DB snapshot identifiers: 1 to 255 letters, digits and hyphens, starting with a letter; a
# shared or copied snapshot is named by its ARN.
SNAPSHOT_RE = re.compile(
    r"[A-Za-z][A-Za-z0-9-]{0,254}|arn:[a-z-]+:rds:[a-z0-9-]+:\d{12}:snapshot:[A-Za-z0-9:-]+"
)
SECURITY_GROUP_ID_RE = re.compile(r"sg-(?:[0-9a-f]{8}|[0-9a-f]{17})")
#: A network interface takes 5 security groups by default, 16 at most (VPC quotas); the
#: library's own group is one of them.
MAX_OWN_SECURITY_GROUPS = 15

#: The keyword arguments of the primary's ``rds.DatabaseInstance`` that ``instance_props``
#: must not set, each with the prop (or reason) that decides it.
INSTANCE_OWNED_KEYS: Mapping[str, str] = {
    "engine": "use engine",
    "instance_type": "use instance_type",
    "instance_identifier": "the identifier is derived from the app name and region (naming)",
    "vpc": "the database is in the region's VPC",
    "vpc_subnets": "use subnet_type",
    "subnet_group": "the database has its own subnet group",
    "security_groups": "use security_groups (added to the database's own group, which "
    "admits allow_from and allowed_cidrs)",
    "credentials": "the credentials are the replicated secret",
    "manage_master_user_password": "the credentials are the library's secret, replicated to "
    "every region for a failover; an RDS-managed secret is not",
    "port": "use port",
    "database_name": "use database_name",
    "storage_encrypted": "storage is always encrypted",
    "storage_encryption_key": "use storage_encryption_key (a key per region)",
    "allocated_storage": "use allocated_storage_gib",
    "max_allocated_storage": "use max_allocated_storage_gib",
    "storage_type": "use storage_type",
    "iops": "use iops",
    "storage_throughput": "use storage_throughput",
    "multi_az": "use multi_az",
    "backup_retention": "use backup_retention_days",
    "delete_automated_backups": "automated backups are kept when the instance is deleted",
    "deletion_protection": "use deletion_protection",
    "removal_policy": "use removal_policy",
    "parameter_group": "use parameters (the group forces TLS)",
    "parameters": "use parameters (the group forces TLS)",
    "iam_authentication": "use iam_authentication",
    "cloudwatch_logs_exports": "every engine log is exported",
    "cloudwatch_logs_retention": "it creates a Lambda-backed custom resource per stack; use "
    "log_retention (log groups of the library's, no Lambda)",
    "cloudwatch_logs_retention_role": "use log_retention (no Lambda, no role)",
    "monitoring_interval": "use monitoring_interval",
    "enable_performance_insights": "use performance_insights",
    "performance_insight_retention": "use performance_insights_retention",
    "performance_insight_encryption_key": "Performance Insights uses the database's key",
    "preferred_backup_window": "use backup_window",
    "preferred_maintenance_window": "use maintenance_window",
    "ca_certificate": "use ca_certificate",
    "publicly_accessible": "the database is never publicly accessible",
}


#: The props that only shape a primary instance the library creates, refused beside
#: ``existing_primary`` (each with why): the existing instance is not the library's, and every
#: instance the library makes later is a read replica, which takes these from its source.
EXISTING_PRIMARY_REFUSED: Mapping[str, str] = {
    "snapshot_identifier": "the primary exists already; a snapshot is restored into a primary "
    "the library creates",
    "instance_props": "they are options of the primary's rds.DatabaseInstance, which the "
    "library does not create",
    "database_name": "the existing instance holds its databases",
    "master_username": "the credentials are existing_secret's",
    "allocated_storage_gib": "the existing instance's storage is its own, and a read replica "
    "takes its source's",
    "max_allocated_storage_gib": "the existing instance's storage is its own, and a read "
    "replica takes its source's",
    "rotation_schedule": "existing_secret is not the library's: rotate it where it is owned, "
    "and the replicas in the other regions follow",
}


def refuse_with_existing_primary(given: Mapping[str, Any]) -> None:
    """Refuse each prop of :data:`EXISTING_PRIMARY_REFUSED` that ``given`` sets (a value
    other than ``None``: pass ``None`` for a prop left at its default).

    :raises ValidationError: naming the first such prop and its value.
    """
    for prop, reason in EXISTING_PRIMARY_REFUSED.items():
        value = given.get(prop)
        if value is not None:
            raise fail(prop, value, f"be left unset with existing_primary ({reason})")


@dataclass(frozen=True, kw_only=True)
class DatabaseOptions:
    """The resolved options (``None``: the library's default)."""

    performance_insights: bool = False
    performance_insights_retention: rds.PerformanceInsightRetention | None = None
    backup_window: str | None = None
    maintenance_window: str | None = None
    parameters: Mapping[str, str] = field(default_factory=dict)
    storage_type: rds.StorageType = rds.StorageType.GP3
    iops: int | None = None
    storage_throughput: int | None = None
    ca_certificate: rds.CaCertificate | None = None
    snapshot_identifier: str | None = None
    instance_props: Mapping[str, Any] = field(default_factory=dict)
    storage_encryption_key: PerRegion[kms.IKey] | None = None
    security_groups: PerRegion[Sequence[ec2.ISecurityGroup]] | None = None
    log_retention: logs.RetentionDays | None = None

    def regional_key(self, stack: cdk.Stack, *, destroy: bool) -> kms.IKey | None:
        """The user's storage key of ``stack``'s region, checked; ``None``: the library's.

        :param destroy: The database's removal policy is DESTROY (then the key may be too).
        :raises ValidationError: for a value that is no key, a key of another region, or a
            key of the app's that CloudFormation would delete with the stack.
        """
        prop = "storage_encryption_key"
        key: kms.IKey | None = _regional(prop, self.storage_encryption_key, stack)
        if key is None:
            return None
        at = f"{prop}[{stack.region!r}]"
        if not hasattr(key, "key_arn"):
            raise fail(at, key, "be a KMS key (aws_kms.IKey), or None for the database's own")
        require_regional_resource(
            at, key, key.key_arn, stack, service="kms", what="a KMS key", same_account=False
        )
        cfn = key.node.default_child
        if (
            not destroy
            and isinstance(cfn, cdk.CfnResource)
            and cfn.cfn_options.deletion_policy == cdk.CfnDeletionPolicy.DELETE
        ):
            raise fail(
                at,
                key.node.path,
                "be retained (removal_policy RETAIN, the aws_kms.Key default): it encrypts "
                "the database, whose data would be unreadable once the key is deleted",
            )
        return key

    def regional_security_groups(self, stack: cdk.Stack) -> tuple[ec2.ISecurityGroup, ...]:
        """The user's security groups of ``stack``'s region, checked (empty: none).

        :raises ValidationError: for a value that is not a list of security groups, a group
            of another region, a malformed id, a group named twice, or too many.
        """
        prop = "security_groups"
        groups = _regional(prop, self.security_groups, stack)
        if groups is None:
            return ()
        at = f"{prop}[{stack.region!r}]"
        if isinstance(groups, (str, bytes)) or not isinstance(groups, Sequence):
            raise fail(at, groups, "be a list of security groups (aws_ec2.ISecurityGroup)")
        if len(groups) > MAX_OWN_SECURITY_GROUPS:
            raise fail(
                at,
                len(groups),
                f"name at most {MAX_OWN_SECURITY_GROUPS} security groups: with the database's "
                "own, a network interface takes 16 at most (5 unless the quota was raised)",
            )
        seen: set[str] = set()
        region = stack.region
        for index, group in enumerate(groups):
            item = f"{at}[{index}]"
            group_id = getattr(group, "security_group_id", None)
            if group_id is None:
                raise fail(item, group, "be a security group (aws_ec2.ISecurityGroup)")
            home = cdk.Stack.of(group).region
            if not is_token(region) and not is_token(home) and home != region:
                raise fail(
                    item,
                    group.node.path,
                    f"be in the stack's region {region!r}, not {home!r}: a security group "
                    f"belongs to one VPC (use one created in, or imported for, {region})",
                )
            if not is_token(group_id):
                if not SECURITY_GROUP_ID_RE.fullmatch(group_id):
                    raise fail(
                        item, group_id, "be a security group id such as 'sg-0123456789abcdef0'"
                    )
                if group_id in seen:
                    raise fail(item, group_id, "be named once")
                seen.add(group_id)
        return tuple(groups)

    def instance_kwargs(self, key: kms.IKey) -> dict[str, Any]:
        """The keyword arguments every instance of the database takes (primary, replicas,
        rebuilt ones): Performance Insights (encrypted with ``key``), windows, storage and CA
        certificate; ``None`` values are left out (the CDK defaults)."""
        kwargs: dict[str, Any] = {
            "storage_type": self.storage_type,
            "iops": self.iops,
            "storage_throughput": self.storage_throughput,
            "preferred_backup_window": self.backup_window,
            "preferred_maintenance_window": self.maintenance_window,
            "ca_certificate": self.ca_certificate,
        }
        if self.performance_insights:
            kwargs["enable_performance_insights"] = True
            kwargs["performance_insight_encryption_key"] = key
            kwargs["performance_insight_retention"] = self.performance_insights_retention
        return {name: value for name, value in kwargs.items() if value is not None}


def resolve_database_options(
    *,
    performance_insights: bool,
    performance_insights_retention: rds.PerformanceInsightRetention | None,
    backup_window: str | None,
    maintenance_window: str | None,
    parameters: Mapping[str, str] | None,
    tls_parameters: Mapping[str, str],
    storage_type: rds.StorageType | None,
    iops: int | None,
    storage_throughput: int | None,
    ca_certificate: rds.CaCertificate | None,
    snapshot_identifier: str | None,
    database_name: str | None,
    instance_props: Mapping[str, Any] | None,
    storage_encryption_key: Any = None,
    security_groups: Any = None,
    log_retention: logs.RetentionDays | None = None,
) -> DatabaseOptions:
    """The options, checked.

    :raises ValidationError: naming the prop (and the key) and the value.
    """
    if not isinstance(performance_insights, bool):
        raise fail("performance_insights", performance_insights, "be True or False")
    if performance_insights_retention is not None and not performance_insights:
        raise fail(
            "performance_insights_retention",
            performance_insights_retention,
            "be left unset unless performance_insights is True",
        )
    require_pattern("backup_window", backup_window, BACKUP_WINDOW_RE, "be 'hh24:mi-hh24:mi' in UTC")
    require_pattern(
        "maintenance_window",
        maintenance_window,
        MAINTENANCE_WINDOW_RE,
        "be 'ddd:hh24:mi-ddd:hh24:mi' in UTC, e.g. 'sun:05:00-sun:06:00'",
    )
    params = dict(parameters or {})
    for name, value in params.items():
        if name in tls_parameters:
            raise fail(
                f"parameters[{name!r}]",
                value,
                "not be given: the parameter group forces TLS with it",
            )
        if not isinstance(value, str):
            raise fail(f"parameters[{name!r}]", value, "be a string")
    kind = storage_type or rds.StorageType.GP3
    if kind not in (rds.StorageType.GP3, rds.StorageType.IO1, rds.StorageType.IO2):
        raise fail("storage_type", kind, "be GP3, IO1 or IO2")
    if kind in IOPS_RANGE:
        if iops is None:
            raise fail("iops", None, f"be given with storage_type {kind.name}")
        require_int_range("iops", iops, *IOPS_RANGE[kind])
        if storage_throughput is not None:
            raise fail("storage_throughput", storage_throughput, "be given with GP3 storage only")
    else:
        if iops is not None:
            require_int_range("iops", iops, *GP3_IOPS_RANGE)
        if storage_throughput is not None:
            require_int_range("storage_throughput", storage_throughput, *GP3_THROUGHPUT_RANGE)
    if snapshot_identifier is not None:
        if is_token(snapshot_identifier):
            raise fail(
                "snapshot_identifier", snapshot_identifier, "be a literal snapshot name or ARN"
            )
        require_pattern(
            "snapshot_identifier",
            snapshot_identifier,
            SNAPSHOT_RE,
            "be a DB snapshot identifier (letters, digits, hyphens) or a snapshot ARN",
        )
        if database_name is not None:
            raise fail(
                "database_name",
                database_name,
                "be left unset with snapshot_identifier (the snapshot holds the databases)",
            )
    overrides = dict(instance_props or {})
    if instance_props is not None and not isinstance(instance_props, Mapping):
        raise fail("instance_props", instance_props, "be a mapping of keyword arguments")
    accepted = {
        name
        for name, p in inspect.signature(rds.DatabaseInstance.__init__).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    }
    for key, value in overrides.items():
        if key in INSTANCE_OWNED_KEYS:
            raise fail(
                f"instance_props[{key!r}]",
                value,
                f"not be given: the library sets it ({INSTANCE_OWNED_KEYS[key]})",
            )
        if key not in accepted:
            raise fail(
                f"instance_props[{key!r}]",
                value,
                f"be a keyword argument of rds.DatabaseInstance (unknown key {key!r})",
            )
    if log_retention is not None and not isinstance(log_retention, logs.RetentionDays):
        raise fail("log_retention", log_retention, "be an aws_logs.RetentionDays")
    return DatabaseOptions(
        storage_encryption_key=_per_region("storage_encryption_key", storage_encryption_key),
        security_groups=_per_region("security_groups", security_groups),
        log_retention=log_retention,
        performance_insights=performance_insights,
        performance_insights_retention=performance_insights_retention,
        backup_window=backup_window,
        maintenance_window=maintenance_window,
        parameters=params,
        storage_type=kind,
        iops=iops,
        storage_throughput=storage_throughput,
        ca_certificate=ca_certificate,
        snapshot_identifier=snapshot_identifier,
        instance_props=overrides,
    )


def _per_region(prop: str, value: Any) -> PerRegion[Any] | None:
    """A region-scoped option as a PerRegion (a mapping becomes one); one value for every
    region is refused: it belongs to one region, and the database has an instance in each."""
    if value is None or isinstance(value, PerRegion):
        return value
    if isinstance(value, Mapping):
        for region in value:
            if not isinstance(region, str) or is_token(region):
                raise fail(prop, region, "name regions literally, not by a token")
        return PerRegion(value)
    raise fail(
        prop,
        value,
        "be a PerRegion (or a mapping of region to value): it belongs to one region, and the "
        "database has an instance in every region of the app",
    )


def _regional(prop: str, value: PerRegion[Any] | None, stack: cdk.Stack) -> Any:
    """``stack``'s region's value of ``prop``; a mapping must name that region."""
    if value is None:
        return None
    region = stack.region
    if value.regions is not None and region not in value.regions:
        raise fail(
            prop,
            sorted(value.regions),
            f"name the region {region!r} of this instance (None for the library's default "
            "there): a region left out would silently get the default",
        )
    return value.resolve(prop, stack, region)
