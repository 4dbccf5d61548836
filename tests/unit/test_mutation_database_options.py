"""_private/database_options.py called directly: each refusal of resolve_database_options with
its exact message and bounds, the windows, snapshot and security-group id formats, the
instance_props keys the library owns (each with its reason) and those refused beside an
existing primary, the keyword arguments every instance takes, and the per-region storage key
and security groups checked in a small stack. Kills the mutants of ``tools/mutate.py`` in a
couple of seconds each (docs/guides/testing.md)."""

from __future__ import annotations

import re
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds

from multiregion_tap import PerRegion
from multiregion_tap._private import database_options as module
from multiregion_tap._private.database_options import (
    EXISTING_PRIMARY_REFUSED,
    INSTANCE_OWNED_KEYS,
    DatabaseOptions,
    refuse_with_existing_primary,
    resolve_database_options,
)
from multiregion_tap.errors import ValidationError

TLS = {"rds.force_ssl": "1"}
ACCOUNT = "123456789012"


def _resolve(**overrides: Any) -> DatabaseOptions:
    kwargs: dict[str, Any] = {
        "performance_insights": False,
        "performance_insights_retention": None,
        "backup_window": None,
        "maintenance_window": None,
        "parameters": None,
        "tls_parameters": TLS,
        "storage_type": None,
        "iops": None,
        "storage_throughput": None,
        "ca_certificate": None,
        "snapshot_identifier": None,
        "database_name": None,
        "instance_props": None,
    }
    kwargs.update(overrides)
    return resolve_database_options(**kwargs)


def _refused(message: str, **overrides: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        _resolve(**overrides)
    assert str(caught.value) == message


def test_the_public_names() -> None:
    assert module.__all__ == [
        "EXISTING_PRIMARY_REFUSED",
        "INSTANCE_OWNED_KEYS",
        "DatabaseOptions",
        "refuse_with_existing_primary",
        "resolve_database_options",
    ]
    for name in module.__all__:
        assert hasattr(module, name)


def test_the_defaults() -> None:
    options = _resolve()
    assert options == DatabaseOptions()
    assert options.performance_insights is False
    assert options.storage_type == rds.StorageType.GP3
    assert options.parameters == {}
    assert options.instance_props == {}
    assert options.storage_encryption_key is None
    assert options.security_groups is None
    assert options.log_retention is None
    assert DatabaseOptions().instance_kwargs(None) == {"storage_type": rds.StorageType.GP3}  # type: ignore[arg-type]


def test_options_are_frozen_and_keyword_only() -> None:
    options = DatabaseOptions()
    with pytest.raises(AttributeError):
        options.iops = 3000  # type: ignore[misc]
    with pytest.raises(TypeError):
        DatabaseOptions(True)  # type: ignore[misc]


def test_every_option_is_kept() -> None:
    ca = rds.CaCertificate.RDS_CA_RSA2048_G1
    options = _resolve(
        performance_insights=True,
        performance_insights_retention=rds.PerformanceInsightRetention.MONTHS_1,
        backup_window="03:00-03:30",
        maintenance_window="sun:05:00-sun:06:00",
        parameters={"work_mem": "64MB"},
        storage_type=rds.StorageType.IO2,
        iops=1000,
        ca_certificate=ca,
        snapshot_identifier="snap-1",
        instance_props={"auto_minor_version_upgrade": False},
        log_retention=logs.RetentionDays.ONE_WEEK,
        storage_encryption_key={"eu-west-1": None},
        security_groups=PerRegion({"eu-west-1": None}),
    )
    assert options.parameters == {"work_mem": "64MB"}
    assert options.instance_props == {"auto_minor_version_upgrade": False}
    assert options.log_retention == logs.RetentionDays.ONE_WEEK
    assert options.snapshot_identifier == "snap-1"
    assert isinstance(options.storage_encryption_key, PerRegion)
    assert options.storage_encryption_key.regions == ("eu-west-1",)
    assert isinstance(options.security_groups, PerRegion)
    key = object()
    assert options.instance_kwargs(key) == {  # type: ignore[arg-type]
        "storage_type": rds.StorageType.IO2,
        "iops": 1000,
        "preferred_backup_window": "03:00-03:30",
        "preferred_maintenance_window": "sun:05:00-sun:06:00",
        "ca_certificate": ca,
        "enable_performance_insights": True,
        "performance_insight_encryption_key": key,
        "performance_insight_retention": rds.PerformanceInsightRetention.MONTHS_1,
    }
    gp3 = _resolve(iops=3000, storage_throughput=125, performance_insights=True)
    assert gp3.instance_kwargs(key) == {  # type: ignore[arg-type]
        "storage_type": rds.StorageType.GP3,
        "iops": 3000,
        "storage_throughput": 125,
        "enable_performance_insights": True,
        "performance_insight_encryption_key": key,
    }


def test_performance_insights_refusals() -> None:
    _refused("performance_insights must be True or False, got 1", performance_insights=1)
    retention = rds.PerformanceInsightRetention.DEFAULT
    _refused(
        "performance_insights_retention must be left unset unless performance_insights is "
        f"True, got {retention!r}",
        performance_insights_retention=retention,
    )
    assert _resolve(performance_insights=True).performance_insights_retention is None


@pytest.mark.parametrize("window", ["00:00-23:59", "19:30-20:00", "09:05-10:15"])
def test_backup_windows_accepted(window: str) -> None:
    assert _resolve(backup_window=window).backup_window == window


@pytest.mark.parametrize("window", ["24:00-01:00", "03:60-04:00", "3:00-04:00", "03:00"])
def test_backup_windows_refused(window: str) -> None:
    _refused(
        f"backup_window must be 'hh24:mi-hh24:mi' in UTC, got {window!r}", backup_window=window
    )


@pytest.mark.parametrize("day", ["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
def test_maintenance_window_days(day: str) -> None:
    window = f"{day}:23:00-{day}:23:30"
    assert _resolve(maintenance_window=window).maintenance_window == window


@pytest.mark.parametrize(
    "window", ["sun:05:00-06:00", "son:05:00-sun:06:00", "Sun:05:00-sun:06:00"]
)
def test_maintenance_windows_refused(window: str) -> None:
    _refused(
        f"maintenance_window must be 'ddd:hh24:mi-ddd:hh24:mi' in UTC, e.g. "
        f"'sun:05:00-sun:06:00', got {window!r}",
        maintenance_window=window,
    )


def test_parameter_refusals() -> None:
    _refused(
        "parameters['rds.force_ssl'] must not be given: the parameter group forces TLS with "
        "it, got '0'",
        parameters={"rds.force_ssl": "0"},
    )
    _refused("parameters['work_mem'] must be a string, got 64", parameters={"work_mem": 64})


def test_storage_type_refused() -> None:
    kind = rds.StorageType.GP2
    _refused(f"storage_type must be GP3, IO1 or IO2, got {kind!r}", storage_type=kind)


@pytest.mark.parametrize("kind", [rds.StorageType.IO1, rds.StorageType.IO2])
def test_provisioned_iops_bounds(kind: rds.StorageType) -> None:
    _refused(f"iops must be given with storage_type {kind.name}, got None", storage_type=kind)
    for iops in (1000, 256000):
        assert _resolve(storage_type=kind, iops=iops).iops == iops
    for iops in (999, 256001):
        _refused(f"iops must be between 1000 and 256000, got {iops}", storage_type=kind, iops=iops)
    _refused(
        "storage_throughput must be given with GP3 storage only, got 500",
        storage_type=kind,
        iops=1000,
        storage_throughput=500,
    )


def test_gp3_bounds() -> None:
    for iops in (3000, 64000):
        assert _resolve(iops=iops).iops == iops
    for iops in (2999, 64001):
        _refused(f"iops must be between 3000 and 64000, got {iops}", iops=iops)
    for throughput in (125, 4000):
        assert _resolve(storage_throughput=throughput).storage_throughput == throughput
    for throughput in (124, 4001):
        _refused(
            f"storage_throughput must be between 125 and 4000, got {throughput}",
            storage_throughput=throughput,
        )
    assert _resolve(storage_type=rds.StorageType.GP3).storage_type == rds.StorageType.GP3


@pytest.mark.parametrize(
    "snapshot",
    [
        "a",
        "a" * 255,
        "my-snapshot-1",
        "arn:aws:rds:eu-west-1:123456789012:snapshot:rds:my-db-2026-11-30",
        "arn:aws-cn:rds:cn-north-1:123456789012:snapshot:copy-1",
    ],
)
def test_snapshots_accepted(snapshot: str) -> None:
    assert _resolve(snapshot_identifier=snapshot).snapshot_identifier == snapshot


@pytest.mark.parametrize(
    "snapshot",
    ["1snap", "a" * 256, "snap_1", "-snap", "arn:aws:rds:eu-west-1:12345:snapshot:x"],
)
def test_snapshots_refused(snapshot: str) -> None:
    _refused(
        "snapshot_identifier must be a DB snapshot identifier (letters, digits, hyphens) or a "
        f"snapshot ARN, got {snapshot!r}",
        snapshot_identifier=snapshot,
    )


def test_snapshot_refusals() -> None:
    token = cdk.Token.as_string(cdk.Fn.ref("Snapshot"))
    _refused(
        f"snapshot_identifier must be a literal snapshot name or ARN, got {token!r}",
        snapshot_identifier=token,
    )
    _refused(
        "database_name must be left unset with snapshot_identifier (the snapshot holds the "
        "databases), got 'app'",
        snapshot_identifier="snap",
        database_name="app",
    )
    assert _resolve(database_name="app").snapshot_identifier is None


#: Every keyword argument of rds.DatabaseInstance the library sets, with the reason given.
OWNED = {
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


def test_the_owned_keys_with_their_reasons() -> None:
    assert dict(INSTANCE_OWNED_KEYS) == OWNED
    for key, reason in OWNED.items():
        _refused(
            f"instance_props[{key!r}] must not be given: the library sets it ({reason}), got 7",
            instance_props={key: 7},
        )


def test_instance_props_refusals() -> None:
    _refused(
        "instance_props['colour'] must be a keyword argument of rds.DatabaseInstance (unknown "
        "key 'colour'), got 'blue'",
        instance_props={"colour": "blue"},
    )
    _refused(
        "instance_props must be a mapping of keyword arguments, got [('port', 1)]",
        instance_props=[("port", 1)],
    )
    # A keyword-only argument the library leaves alone is accepted.
    props = {"auto_minor_version_upgrade": False, "copy_tags_to_snapshot": True}
    assert _resolve(instance_props=props).instance_props == props


def test_log_retention_refused() -> None:
    _refused("log_retention must be an aws_logs.RetentionDays, got 7", log_retention=7)
    assert _resolve(log_retention=None).log_retention is None


REFUSED_BESIDE_EXISTING = {
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


def test_refused_beside_an_existing_primary() -> None:
    assert dict(EXISTING_PRIMARY_REFUSED) == REFUSED_BESIDE_EXISTING
    refuse_with_existing_primary({name: None for name in REFUSED_BESIDE_EXISTING})
    for name, reason in REFUSED_BESIDE_EXISTING.items():
        with pytest.raises(ValidationError) as caught:
            refuse_with_existing_primary({name: 0})
        assert str(caught.value) == (
            f"{name} must be left unset with existing_primary ({reason}), got 0"
        )


@pytest.mark.parametrize("prop", ["storage_encryption_key", "security_groups"])
def test_region_scoped_options_are_per_region(prop: str) -> None:
    _refused(
        f"{prop} must be a PerRegion (or a mapping of region to value): it belongs to one "
        "region, and the database has an instance in every region of the app, got 'x'",
        **{prop: "x"},
    )
    _refused(f"{prop} must name regions literally, not by a token, got 1", **{prop: {1: None}})
    token = cdk.Aws.REGION
    _refused(
        f"{prop} must name regions literally, not by a token, got {token!r}",
        **{prop: {token: None}},
    )
    per_region = PerRegion({"eu-west-1": None})
    assert getattr(_resolve(**{prop: per_region}), prop) is per_region


# --- the regional key and security groups, in a small stack -------------------------------


def _stack(region: str = "eu-west-1", name: str = "Db") -> cdk.Stack:
    return cdk.Stack(cdk.App(), name, env=cdk.Environment(account=ACCOUNT, region=region))


def _key_arn(region: str) -> str:
    return f"arn:aws:kms:{region}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def test_regional_key() -> None:
    stack = _stack()
    assert DatabaseOptions().regional_key(stack, destroy=False) is None
    key = kms.Key.from_key_arn(stack, "Key", _key_arn("eu-west-1"))
    options = DatabaseOptions(storage_encryption_key=PerRegion({"eu-west-1": key}))
    assert options.regional_key(stack, destroy=False) is key
    none_here = DatabaseOptions(storage_encryption_key=PerRegion({"eu-west-1": None}))
    assert none_here.regional_key(stack, destroy=False) is None
    # Another account's key is fine (same_account=False).
    other = kms.Key.from_key_arn(stack, "Other", _key_arn("eu-west-1").replace(ACCOUNT, "2" * 12))
    shared = DatabaseOptions(storage_encryption_key=PerRegion({"eu-west-1": other}))
    assert shared.regional_key(stack, destroy=False) is other
    # A function per region is called once in the stack.
    made = DatabaseOptions(storage_encryption_key=PerRegion(lambda scope, region: key))
    assert made.regional_key(stack, destroy=False) is key


def test_regional_key_refusals() -> None:
    stack = _stack()

    def refused(value: Any, destroy: bool = False) -> str:
        options = DatabaseOptions(storage_encryption_key=PerRegion({"eu-west-1": value}))
        with pytest.raises(ValidationError) as caught:
            options.regional_key(stack, destroy=destroy)
        return str(caught.value)

    assert refused("alias/x") == (
        "storage_encryption_key['eu-west-1'] must be a KMS key (aws_kms.IKey), or None for the "
        "database's own, got 'alias/x'"
    )
    elsewhere = kms.Key.from_key_arn(stack, "Elsewhere", _key_arn("us-east-1"))
    message = refused(elsewhere)
    assert message.startswith(
        "storage_encryption_key['eu-west-1'] must be in the stack's region 'eu-west-1', not "
        "'us-east-1': a KMS key is regional"
    ), message
    not_kms = kms.Key.from_key_arn(
        stack, "NotKms", _key_arn("eu-west-1").replace(":kms:", ":secretsmanager:")
    )
    assert "a KMS key" in refused(not_kms)
    doomed = kms.Key(stack, "Doomed", removal_policy=cdk.RemovalPolicy.DESTROY)
    assert refused(doomed) == (
        "storage_encryption_key['eu-west-1'] must be retained (removal_policy RETAIN, the "
        "aws_kms.Key default): it encrypts the database, whose data would be unreadable once "
        "the key is deleted, got 'Db/Doomed'"
    )
    options = DatabaseOptions(storage_encryption_key=PerRegion({"eu-west-1": doomed}))
    assert options.regional_key(stack, destroy=True) is doomed
    kept = kms.Key(stack, "Kept")
    options = DatabaseOptions(storage_encryption_key=PerRegion({"eu-west-1": kept}))
    assert options.regional_key(stack, destroy=False) is kept
    other_stack = _stack("us-east-1", "Other")
    foreign = kms.Key(other_stack, "Foreign")
    assert refused(foreign).startswith(
        "storage_encryption_key['eu-west-1'] must be in the stack's region 'eu-west-1', not "
        "'us-east-1'"
    )


@pytest.mark.parametrize("prop", ["storage_encryption_key", "security_groups"])
def test_a_mapping_must_name_the_stacks_region(prop: str) -> None:
    stack = _stack()
    options = DatabaseOptions(**{prop: PerRegion({"us-east-1": None, "ap-south-1": None})})
    with pytest.raises(ValidationError) as caught:
        if prop == "security_groups":
            options.regional_security_groups(stack)
        else:
            options.regional_key(stack, destroy=False)
    assert str(caught.value) == (
        f"{prop} must name the region 'eu-west-1' of this instance (None for the library's "
        "default there): a region left out would silently get the default, got "
        "['ap-south-1', 'us-east-1']"
    )


def _groups_of(stack: cdk.Stack, *ids: str) -> list[ec2.ISecurityGroup]:
    return [
        ec2.SecurityGroup.from_security_group_id(stack, f"Sg{index}", group_id)
        for index, group_id in enumerate(ids)
    ]


def _sg_refused(stack: cdk.Stack, groups: Any) -> str:
    options = DatabaseOptions(security_groups=PerRegion({stack.region: groups}))
    with pytest.raises(ValidationError) as caught:
        options.regional_security_groups(stack)
    return str(caught.value)


def test_regional_security_groups() -> None:
    stack = _stack()
    assert DatabaseOptions().regional_security_groups(stack) == ()
    none_here = DatabaseOptions(security_groups=PerRegion({"eu-west-1": None}))
    assert none_here.regional_security_groups(stack) == ()
    ids = [f"sg-{index:017x}" for index in range(14)] + ["sg-0123abcd"]
    groups = _groups_of(stack, *ids)
    options = DatabaseOptions(security_groups=PerRegion({"eu-west-1": groups}))
    assert options.regional_security_groups(stack) == tuple(groups)
    vpc = ec2.Vpc(stack, "Vpc", nat_gateways=0, max_azs=1)
    created = [ec2.SecurityGroup(stack, "A", vpc=vpc), ec2.SecurityGroup(stack, "B", vpc=vpc)]
    options = DatabaseOptions(security_groups=PerRegion({"eu-west-1": created}))
    assert options.regional_security_groups(stack) == tuple(created)


def test_regional_security_group_refusals() -> None:
    stack = _stack()
    at = "security_groups['eu-west-1']"
    assert _sg_refused(stack, "sg-0123abcd") == (
        f"{at} must be a list of security groups (aws_ec2.ISecurityGroup), got 'sg-0123abcd'"
    )
    assert _sg_refused(stack, 5) == (
        f"{at} must be a list of security groups (aws_ec2.ISecurityGroup), got 5"
    )
    sixteen = _groups_of(stack, *[f"sg-{index:017x}" for index in range(16)])
    assert _sg_refused(stack, sixteen) == (
        f"{at} must name at most 15 security groups: with the database's own, a network "
        "interface takes 16 at most (5 unless the quota was raised), got 16"
    )
    assert _sg_refused(stack, ["sg-0123abcd"]) == (
        f"{at}[0] must be a security group (aws_ec2.ISecurityGroup), got 'sg-0123abcd'"
    )
    for bad in ("sg-0123ABCD", "sg-0123abc", "sg-0123456789abcdef", "0123abcd", "xsg-0123abcd"):
        stack = _stack()
        assert _sg_refused(stack, _groups_of(stack, "sg-0123abcd", bad)) == (
            f"{at}[1] must be a security group id such as 'sg-0123456789abcdef0', got {bad!r}"
        )
    stack = _stack()
    twice = _groups_of(stack, "sg-0123abcd", "sg-0123abcd")
    assert _sg_refused(stack, twice) == f"{at}[1] must be named once, got 'sg-0123abcd'"
    other = _stack("us-east-1", "Other")
    foreign = ec2.SecurityGroup.from_security_group_id(other, "Foreign", "sg-0123abcd")
    assert _sg_refused(stack, [foreign]) == (
        f"{at}[0] must be in the stack's region 'eu-west-1', not 'us-east-1': a security group "
        "belongs to one VPC (use one created in, or imported for, eu-west-1), got 'Other/Foreign'"
    )


def test_security_groups_with_tokens() -> None:
    # An environment-agnostic stack: its region is a token, so a group's region is not compared.
    agnostic = cdk.Stack(cdk.App(), "Agnostic")
    other = _stack("us-east-1", "Other")
    foreign = ec2.SecurityGroup.from_security_group_id(other, "Foreign", "sg-0123abcd")
    options = DatabaseOptions(security_groups=PerRegion(lambda scope, region: [foreign]))
    assert options.regional_security_groups(agnostic) == (foreign,)
    # A group in an environment-agnostic stack, used from a regional stack: not compared either.
    stack = _stack()
    loose = ec2.SecurityGroup.from_security_group_id(agnostic, "Loose", "sg-0123abcd")
    options = DatabaseOptions(security_groups=PerRegion({"eu-west-1": [loose]}))
    assert options.regional_security_groups(stack) == (loose,)
    # Ids known at deploy time only are neither checked for their format nor compared.
    vpc = ec2.Vpc(stack, "Vpc", nat_gateways=0, max_azs=1)
    group = ec2.SecurityGroup(stack, "Made", vpc=vpc)
    twice = [group, group]
    options = DatabaseOptions(security_groups=PerRegion({"eu-west-1": twice}))
    assert options.regional_security_groups(stack) == (group, group)
    token_id = ec2.SecurityGroup.from_security_group_id(
        stack, "FromParam", cdk.Fn.import_value("SgId")
    )
    options = DatabaseOptions(security_groups=PerRegion({"eu-west-1": [token_id]}))
    assert options.regional_security_groups(stack) == (token_id,)


def test_sg_id_pattern_is_anchored() -> None:
    assert module.SECURITY_GROUP_ID_RE.fullmatch("sg-0123456789abcdef0")
    assert module.SNAPSHOT_RE.pattern.startswith("[A-Za-z]")
    assert re.fullmatch(module.MAINTENANCE_WINDOW_RE, "sat:00:00-sun:23:59")
