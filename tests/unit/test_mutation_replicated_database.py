"""replicated_database.py on small stacks: ReplicatedDatabase in us-east-1 (imported VPCs, so
the subnet groups name literal subnets) with a replica in us-east-2, standalone and inside a
MultiRegionApp without services: each default in the template (instance class, storage,
backups, user name, Multi-AZ, IAM authentication, monitoring, removal), every refusal of the
constructor and of ``add_replica`` with its exact message (most before anything is made, or
proven accepted by the refusal of a later prop), the user's key beside ``snapshot_identifier``,
the replica classes, the secret and its name output, the identifiers with and without an app,
the sources after a failover and of an existing primary, the rotation and its
acknowledgments, and the synth-time check of ``promote_replica_in`` and ``history``. Kills the
mutants of ``tools/mutate.py`` in a couple of seconds each (docs/guides/testing.md)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager

from multiregion_tap import (
    DatabaseReplica,
    MultiRegionApp,
    PerRegion,
    RegionalDatabase,
    ReplicatedDatabase,
    ReplicatedDatabaseProps,
    ValidationError,
)
from multiregion_tap import replicated_database as module
from tests.support.nag import acknowledged
from tests.support.templates import of_type, only_resource

ACCOUNT = "123456789012"
E1, E2, W2 = "us-east-1", "us-east-2", "us-west-2"
GROUP = "sg-0123456789abcdef0"
USER_KEY = f"arn:aws:kms:{E1}:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
SECRET_ARN = f"arn:aws:secretsmanager:{E1}:{ACCOUNT}:secret:legacy/db-AbCdEf"
AT = " (at One/Database)"
NO_ROTATION = (
    "Rotation of the master password is opt-in (rotation_schedule): it needs a rotation "
    "Lambda with a network path to Secrets Manager and clients that re-read the secret. "
    "The password is generated, never leaves Secrets Manager, is encrypted with a "
    "customer-managed KMS key, and IAM database authentication is available for clients."
)
SMG4 = "AwsSolutions::AwsSolutions-SMG4"
ROTATION_ENABLED = "NIST.800.53.R5::NIST.800.53.R5-SecretsManagerRotationEnabled"
IAM4 = (
    "AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
    "service-role/AmazonRDSEnhancedMonitoringRole]"
)


def _vpc(scope: cdk.Stack, region: str, id: str = "Vpc") -> ec2.IVpc:
    return ec2.Vpc.from_vpc_attributes(
        scope,
        id,
        vpc_id="vpc-0123456789abcdef0",
        availability_zones=[f"{region}a", f"{region}b"],
        isolated_subnet_ids=["subnet-isolated1", "subnet-isolated2"],
        private_subnet_ids=["subnet-private1", "subnet-private2"],
    )


def _stacks() -> tuple[cdk.App, cdk.Stack, cdk.Stack]:
    app = cdk.App()
    one = cdk.Stack(app, "One", env=cdk.Environment(account=ACCOUNT, region=E1))
    two = cdk.Stack(app, "Two", env=cdk.Environment(account=ACCOUNT, region=E2))
    return app, one, two


def _existing(one: cdk.Stack) -> dict[str, Any]:
    """A MySQL primary on port 3307, not the default engine nor port."""
    return dict(
        existing_primary=rds.DatabaseInstance.from_database_instance_attributes(
            one,
            "Legacy",
            instance_identifier="legacy-db",
            instance_endpoint_address="legacy-db.abcdefghijkl.us-east-1.rds.amazonaws.com",
            port=3307,
            engine=rds.DatabaseInstanceEngine.mysql(version=rds.MysqlEngineVersion.VER_8_0_40),
            security_groups=[ec2.SecurityGroup.from_security_group_id(one, "G", GROUP)],
        ),
        existing_secret=secretsmanager.Secret.from_secret_complete_arn(
            one, "LegacySecret", SECRET_ARN
        ),
    )


@dataclass
class Built:
    primary: ReplicatedDatabase
    replica: DatabaseReplica
    one_stack: cdk.Stack
    two_stack: cdk.Stack
    one: dict[str, Any]
    two: dict[str, Any]


def _build(
    replica_props: dict[str, Any] | None = None, *, existing: bool = False, **props: Any
) -> Built:
    app, one, two = _stacks()
    if existing:
        props.update(_existing(one))
    primary = ReplicatedDatabase(one, "Database", vpc=_vpc(one, E1), **props)
    replica = primary.add_replica(two, "Replica", vpc=_vpc(two, E2), **(replica_props or {}))
    assembly = app.synth()
    return Built(
        primary,
        replica,
        one,
        two,
        assembly.get_stack_by_name("One").template,
        assembly.get_stack_by_name("Two").template,
    )


def _refused(**props: Any) -> str:
    """The message of the constructor's refusal (nothing is made before it)."""
    _, one, _ = _stacks()
    with pytest.raises(ValidationError) as caught:
        ReplicatedDatabase(one, "Database", vpc=_vpc(one, E1), **props)
    return str(caught.value)


def _instance(template: dict[str, Any]) -> dict[str, Any]:
    return only_resource(template, "AWS::RDS::DBInstance")[1]


@pytest.fixture(scope="module")
def default() -> Built:
    return _build(
        dict(allowed_cidrs=["10.0.0.0/8"]), allowed_cidrs=["172.16.0.0/12", "192.168.0.0/32"]
    )


@pytest.fixture(scope="module")
def destroyed() -> Built:
    """DESTROY, the subnets with egress, no standby, monitoring off, rotation, no IAM
    authentication, Performance Insights, another class per replica, and a key of the user's
    in us-east-1 (none in us-east-2)."""
    return _build(
        dict(instance_type="db.r7g.large", multi_az=True),
        removal_policy=cdk.RemovalPolicy.DESTROY,
        subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS,
        multi_az=False,
        monitoring_interval=cdk.Duration.seconds(0),
        rotation_schedule=cdk.Duration.days(30),
        iam_authentication=False,
        performance_insights=True,
        instance_type="m6g.large",
        replica_instance_type="r6g.large",
        allocated_storage_gib=30,
        max_allocated_storage_gib=30,
        backup_retention_days=35,
        storage_encryption_key=PerRegion(
            lambda scope, region: (
                kms.Key.from_key_arn(scope, "UserKey", USER_KEY) if region == E1 else None
            )
        ),
    )


@pytest.fixture(scope="module")
def rebuilt() -> Built:
    """After a failover to us-east-2 and the rebuild of us-east-1 as its replica."""
    return _build(history=["promote:us-east-2", "rebuild:us-east-1"])


@pytest.fixture(scope="module")
def existing() -> Built:
    return _build(existing=True)


# ---------------------------------------------------------------------- names and props
def test_the_public_names() -> None:
    assert module.__all__ == [
        "DatabaseReplica",
        "RegionalDatabase",
        "ReplicatedDatabase",
        "ReplicatedDatabaseProps",
    ]
    assert module.DatabaseReplica is DatabaseReplica
    assert module.RegionalDatabase is RegionalDatabase


def test_the_props_defaults_frozen_and_keyword_only() -> None:
    props = ReplicatedDatabaseProps()
    assert props.multi_az is True
    assert props.iam_authentication is True
    assert props.performance_insights is False
    assert props.backup_retention_days == 7
    assert props.master_username == "dbadmin"
    assert props.output_suffix == ""
    with pytest.raises(dataclasses.FrozenInstanceError):
        props.multi_az = False  # type: ignore[misc]
    with pytest.raises(TypeError):
        ReplicatedDatabaseProps(None)  # type: ignore[misc]


# ---------------------------------------------------------------------- refusals
def test_an_engine_other_than_postgresql_or_mysql() -> None:
    engine = rds.DatabaseInstanceEngine.maria_db(version=rds.MariaDbEngineVersion.VER_10_11)
    assert _refused(engine=engine) == (
        "engine must be a PostgreSQL or MySQL engine (postgres, mysql), got 'mariadb'" + AT
    )


def test_instance_classes() -> None:
    assert _refused(instance_type="m5") == (
        "instance_type must be a DB instance class such as 't4g.medium' or 'db.r7g.large', "
        "got 'm5'" + AT
    )
    assert _refused(replica_instance_type="m5") == (
        "replica_instance_type must be a DB instance class such as 't4g.medium' or "
        "'db.r7g.large', got 'm5'" + AT
    )
    token = cdk.Token.as_string(cdk.Aws.REGION)
    assert _refused(instance_type=token) == (
        "instance_type must be a literal instance class such as 't4g.medium', not a token, "
        f"got {token!r}" + AT
    )


def test_storage_backups_and_port() -> None:
    assert _refused(allocated_storage_gib=19) == (
        "allocated_storage_gib must be between 20 and 65536, got 19" + AT
    )
    assert _refused(allocated_storage_gib=40, max_allocated_storage_gib=39) == (
        "max_allocated_storage_gib must be between 40 and 65536, got 39" + AT
    )
    assert _refused(backup_retention_days=0) == (
        "backup_retention_days must be between 1 and 35, got 0" + AT
    )
    assert _refused(port=1149) == "port must be between 1150 and 65535, got 1149" + AT


def test_user_and_database_names() -> None:
    assert _refused(master_username="1admin") == (
        "master_username must start with a letter and be at most 16 letters, digits and "
        "underscores, got '1admin'" + AT
    )
    assert _refused(master_username="Postgres") == (
        "master_username must not be reserved by postgres, got 'Postgres'" + AT
    )
    assert _refused(database_name="1shop") == (
        "database_name must start with a letter and be at most 63 letters, digits and "
        "underscores, got '1shop'" + AT
    )


@pytest.mark.parametrize("seconds", [0, 1, 5, 10, 15, 30, 60])
def test_each_monitoring_interval_is_accepted(seconds: int) -> None:
    # Accepted: the refusal is the next check's (the CIDRs).
    assert _refused(
        monitoring_interval=cdk.Duration.seconds(seconds), allowed_cidrs=["8.8.8.0/24"]
    ).startswith("allowed_cidrs[0] must be inside an RFC 1918 private range")


@pytest.mark.parametrize("seconds", [2, 61])
def test_other_monitoring_intervals_are_refused(seconds: int) -> None:
    assert _refused(monitoring_interval=cdk.Duration.seconds(seconds)) == (
        "monitoring_interval must be 0 (off), 1, 5, 10, 15, 30 or 60 seconds, "
        f"got '{seconds} seconds'" + AT
    )


def test_the_cidr_bounds() -> None:
    assert _refused(allowed_cidrs=["10.0.0.0/16", "10.0.0.0/7"]) == (
        "allowed_cidrs[1] must be inside an RFC 1918 private range (10/8, 172.16/12, "
        "192.168/16), got '10.0.0.0/7'" + AT
    )
    # /8 and /32 accepted: the refusal is the next check's (the output suffix).
    assert _refused(allowed_cidrs=["10.0.0.0/8", "10.1.2.3/32"], output_suffix="a-b") == (
        "output_suffix must be up to 32 ASCII letters and digits (or empty), got 'a-b'" + AT
    )


def test_promote_replica_in() -> None:
    assert _refused(promote_replica_in="nowhere") == (
        "promote_replica_in must be an AWS region name such as 'us-east-1', got 'nowhere'" + AT
    )
    assert _refused(promote_replica_in=E1) == (
        "promote_replica_in must name a secondary region with a replica, not the primary's own "
        "region, got 'us-east-1'" + AT
    )
    assert _refused(promote_replica_in=E2, history=["promote:us-east-2"]) == (
        "promote_replica_in must be left unset with history (add 'promote:us-east-2' to it), "
        "got 'us-east-2'" + AT
    )


def test_history() -> None:
    assert _refused(history=["demote:us-east-2"]) == (
        "history[0] must be 'promote:<region>' or 'rebuild:<region>', got 'demote:us-east-2'" + AT
    )
    assert _refused(history=["promote:us-east-1"]) == (
        "history[0] must name a region with a read replica: us-east-1 has the writer, "
        "got 'promote:us-east-1'" + AT
    )


def test_what_an_existing_primary_refuses_and_accepts() -> None:
    _, one, _ = _stacks()
    with pytest.raises(ValidationError) as caught:
        ReplicatedDatabase(
            one, "Database", vpc=_vpc(one, E1), snapshot_identifier="snap", **_existing(one)
        )
    assert str(caught.value).startswith("snapshot_identifier must be left unset")
    # The default user name is not a user name given.
    _, one, _ = _stacks()
    db = ReplicatedDatabase(
        one, "Database", vpc=_vpc(one, E1), master_username="dbadmin", **_existing(one)
    )
    assert db.port == 3307
    assert db.engine.engine_type == "mysql"
    assert db.database_secret is None
    # Without an existing primary, the same props are the database's own.
    _, one, _ = _stacks()
    db = ReplicatedDatabase(one, "Database", vpc=_vpc(one, E1), snapshot_identifier="snap")
    assert db.engine.engine_type == "postgres"
    assert db.port == 5432


def test_the_users_key_with_a_snapshot() -> None:
    _, one, _ = _stacks()
    key = kms.Key(one, "UserKey")
    with pytest.raises(ValidationError) as caught:
        ReplicatedDatabase(
            one,
            "Database",
            vpc=_vpc(one, E1),
            snapshot_identifier="snap",
            storage_encryption_key={E1: key, E2: None},
        )
    assert str(caught.value) == (
        "storage_encryption_key['us-east-1'] must be None for the primary region with "
        "snapshot_identifier: the restored instance is encrypted with the snapshot's key "
        "(copy the snapshot with your key to use it), got 'One/UserKey'" + AT
    )
    # A rebuilt instance is a replica, not a restore: the user's key is its own.
    _, one, _ = _stacks()
    key = kms.Key(one, "UserKey")
    db = ReplicatedDatabase(
        one,
        "Database",
        vpc=_vpc(one, E1),
        snapshot_identifier="snap",
        storage_encryption_key={E1: key, E2: None},
        history=["promote:us-east-2", "rebuild:us-east-1"],
    )
    assert db.encryption_key is key
    # No snapshot: the library's key.
    _, one, _ = _stacks()
    db = ReplicatedDatabase(
        one,
        "Database",
        vpc=_vpc(one, E1),
        snapshot_identifier="snap",
        storage_encryption_key={E1: None, E2: None},
    )
    assert db.encryption_key is not None
    assert db.encryption_key.node.path == "One/Database/EncryptionKey"


# ---------------------------------------------------------------------- inside an app
def _app() -> tuple[MultiRegionApp, cdk.Stack]:
    app = MultiRegionApp(
        cdk.App(),
        "Shop",
        app_name="shop",
        secondary_regions=[E2, W2],
        service=False,
        peering=False,
        monitoring=False,
    )
    return app, app.primary_stack


def _refused_in_app(**props: Any) -> str:
    _, stack = _app()
    with pytest.raises(ValidationError) as caught:
        ReplicatedDatabase(stack, "Database", vpc=_vpc(stack, E1), **props)
    return str(caught.value)


def test_in_an_app() -> None:
    at = " (at shop-us-east-1/Database)"
    assert _refused_in_app(promote_replica_in="us-west-1") == (
        "promote_replica_in must name a region that has a replica: one of the secondary "
        "regions ['us-east-2', 'us-west-2'], got 'us-west-1'" + at
    )
    assert _refused_in_app(history="promote:us-west-1") == (
        "history[0] must name one of the app's regions ['us-east-1', 'us-east-2', "
        "'us-west-2'], got 'promote:us-west-1'" + at
    )
    for prop in ("storage_encryption_key", "security_groups"):
        assert _refused_in_app(**{prop: {E1: None}}) == (
            f"{prop} must name every region of the app ['us-east-1', 'us-east-2', "
            "'us-west-2'] (missing ['us-east-2', 'us-west-2']; give None for a region "
            "without one): a value left out would silently fall back to the default in that "
            "region, got ['us-east-1']" + at
        )
    app, stack = _app()
    db = ReplicatedDatabase(stack, "Database", vpc=_vpc(stack, E1), promote_replica_in=W2)
    assert db._identifier(E1) == "shop-use1-database"
    assert db.history == ("promote:us-west-2",)
    assert db.writer_region == W2
    replica = db.add_replica(app.stack_for(W2), "Replica", vpc=_vpc(app.stack_for(W2), W2))
    cfn = replica.instance.node.default_child
    assert isinstance(cfn, rds.CfnDBInstance)
    assert cfn.db_instance_identifier == "shop-usw2-database"


# ---------------------------------------------------------------------- the template
def test_the_defaults(default: Built) -> None:
    props = _instance(default.one)["Properties"]
    assert props["DBInstanceClass"] == "db.t4g.medium"
    assert props["AllocatedStorage"] == "20"
    assert "MaxAllocatedStorage" not in props
    assert props["BackupRetentionPeriod"] == 7
    assert props["MultiAZ"] is True
    assert props["EnableIAMDatabaseAuthentication"] is True
    assert props.get("EnablePerformanceInsights", False) is False
    assert props["MonitoringInterval"] == 60
    assert props["DeletionProtection"] is True
    assert props["Engine"] == "postgres"
    assert props["EngineVersion"] == "17.6"
    assert props["Port"] == "5432"
    assert props["DBInstanceIdentifier"].startswith("one-use1-database-")
    assert "SourceDBInstanceIdentifier" not in props
    assert _instance(default.one)["DeletionPolicy"] == "Snapshot"
    key_id, key = only_resource(default.one, "AWS::KMS::Key")
    assert key_id.startswith("DatabaseEncryptionKey")
    assert key["Properties"]["Description"] == (
        "Encrypts the Database database and its credentials in us-east-1"
    )
    assert key["DeletionPolicy"] == "Retain"
    assert props["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    _, subnets = only_resource(default.one, "AWS::RDS::DBSubnetGroup")
    assert subnets["Properties"]["SubnetIds"] == ["subnet-isolated1", "subnet-isolated2"]
    pg_id, group = only_resource(default.one, "AWS::RDS::DBParameterGroup")
    assert pg_id.startswith("DatabaseParameterGroup")
    assert group["Properties"]["Description"] == "Database database: TLS required"
    assert group["DeletionPolicy"] == "Retain"
    assert not of_type(default.one, "AWS::SecretsManager::RotationSchedule")


def test_the_secret_and_its_name(default: Built) -> None:
    secret_id, secret = only_resource(default.one, "AWS::SecretsManager::Secret")
    assert secret_id.startswith("DatabaseSecret")
    assert default.primary.database_secret is not None
    assert default.primary.database_secret.node.path == "One/Database/Secret"
    assert secret["Properties"]["GenerateSecretString"]["SecretStringTemplate"] == (
        '{"username":"dbadmin"}'
    )
    assert secret["Properties"]["ReplicaRegions"] == [{"Region": "us-east-2"}]
    assert secret["DeletionPolicy"] == "Retain"
    outputs = default.one["Outputs"]
    assert outputs["DatabaseSecretArn"]["Value"] == {"Ref": secret_id}
    output_id = default.primary._secret_name_output()
    assert default.primary._secret_name_output() == output_id
    assert output_id.startswith("DatabaseSecretNameOutput")
    assert outputs[output_id] == {
        "Description": "Name of the DB credentials secret (read by the replicas' stacks)",
        "Value": {"Fn::Select": [6, {"Fn::Split": [":", {"Ref": secret_id}]}]},
    }
    assert acknowledged(default.primary.database_secret) == {
        SMG4: NO_ROTATION,
        ROTATION_ENABLED: NO_ROTATION,
    }
    assert IAM4 in acknowledged(default.primary)


def test_the_replica(default: Built) -> None:
    primary, replica = default.primary, default.replica
    assert primary.replicas == {E2: replica}
    assert primary.replica_in(E2) is replica
    with pytest.raises(ValidationError) as caught:
        primary.replica_in(W2)
    assert str(caught.value) == (
        "region must be a region with a replica: ['us-east-2'], got 'us-west-2'"
    )
    primary_identifier = _instance(default.one)["Properties"]["DBInstanceIdentifier"]
    props = _instance(default.two)["Properties"]
    assert props["DBInstanceClass"] == "db.t4g.medium"
    assert props["MultiAZ"] is True
    # The primary's ARN, by reference: no ARN built from an identifier.
    assert props["SourceDBInstanceIdentifier"] == {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                f":rds:{E1}:{ACCOUNT}:db:{primary_identifier}",
            ],
        ]
    }
    _, group = only_resource(default.two, "AWS::EC2::SecurityGroup")
    assert [r["CidrIp"] for r in group["Properties"]["SecurityGroupIngress"]] == ["10.0.0.0/8"]
    _, group = only_resource(default.one, "AWS::EC2::SecurityGroup")
    assert [r["CidrIp"] for r in group["Properties"]["SecurityGroupIngress"]] == [
        "172.16.0.0/12",
        "192.168.0.0/32",
    ]


def test_add_replica_refusals(default: Built) -> None:
    primary = default.primary
    app = cdk.App()
    anywhere = cdk.Stack(app, "Anywhere")
    with pytest.raises(ValidationError) as caught:
        primary.add_replica(anywhere, "Replica", vpc=_vpc(anywhere, E2))
    assert str(caught.value) == (
        "scope must be in a stack with a literal region (a cross-region replica needs one), "
        "got 'Anywhere'"
    )
    same = cdk.Stack(app, "Same", env=cdk.Environment(account=ACCOUNT, region=E1))
    with pytest.raises(ValidationError) as caught:
        primary.add_replica(same, "Replica", vpc=_vpc(same, E1))
    assert str(caught.value) == (
        "scope must be in another region than the primary's (us-east-1): a replica is "
        "cross-region, got 'Same'"
    )
    again = cdk.Stack(app, "Again", env=cdk.Environment(account=ACCOUNT, region=E2))
    with pytest.raises(ValidationError) as caught:
        primary.add_replica(again, "Replica", vpc=_vpc(again, E2))
    assert str(caught.value) == (
        "scope must be in a region without a replica; us-east-2 has one, got 'Again'"
    )
    west = cdk.Stack(app, "West", env=cdk.Environment(account=ACCOUNT, region=W2))
    with pytest.raises(ValidationError) as caught:
        primary.add_replica(west, "Replica", vpc=_vpc(west, W2), instance_type="m5")
    assert str(caught.value) == (
        "instance_type must be a DB instance class such as 't4g.medium' or 'db.r7g.large', got 'm5'"
    )
    with pytest.raises(ValidationError) as caught:
        primary.add_replica(west, "Replica", vpc=_vpc(west, W2, "V2"), allowed_cidrs=["10.0.0.0/7"])
    assert str(caught.value) == (
        "allowed_cidrs[0] must be inside an RFC 1918 private range (10/8, 172.16/12, "
        "192.168/16), got '10.0.0.0/7'"
    )
    assert primary.replicas == {E2: default.replica}


def test_destroyed_with_the_users_key(destroyed: Built) -> None:
    primary = destroyed.primary
    resource = _instance(destroyed.one)
    props = resource["Properties"]
    assert resource["DeletionPolicy"] == "Delete"
    assert props["DeletionProtection"] is False
    assert props["DBInstanceClass"] == "db.m6g.large"
    assert props["AllocatedStorage"] == "30"
    assert props["MaxAllocatedStorage"] == 30
    assert props["BackupRetentionPeriod"] == 35
    assert props["MultiAZ"] is False
    assert props["EnableIAMDatabaseAuthentication"] is False
    assert props["EnablePerformanceInsights"] is True
    assert "MonitoringInterval" not in props
    assert props["KmsKeyId"] == USER_KEY
    assert not of_type(destroyed.one, "AWS::KMS::Key")
    _, subnets = only_resource(destroyed.one, "AWS::RDS::DBSubnetGroup")
    assert subnets["Properties"]["SubnetIds"] == ["subnet-private1", "subnet-private2"]
    assert subnets["DeletionPolicy"] == "Delete"
    _, secret = only_resource(destroyed.one, "AWS::SecretsManager::Secret")
    assert secret["DeletionPolicy"] == "Delete"
    # The replica: the class given to add_replica, Multi-AZ as asked there.
    replica = _instance(destroyed.two)["Properties"]
    assert replica["DBInstanceClass"] == "db.r7g.large"
    assert replica["MultiAZ"] is True
    assert IAM4 not in acknowledged(primary)


def test_the_rotation(destroyed: Built) -> None:
    primary = destroyed.primary
    rotation = primary.node.try_find_child("Rotation")
    assert isinstance(rotation, cdk.aws_secretsmanager.SecretRotation)
    (schedule,) = of_type(destroyed.one, "AWS::SecretsManager::RotationSchedule").values()
    assert schedule["Properties"]["RotationRules"] == {"ScheduleExpression": "rate(30 days)"}
    assert primary.database_secret is not None
    assert acknowledged(primary.database_secret) == {}


def test_the_replicas_classes_and_standby() -> None:
    built = _build(replica_instance_type="r6g.large", multi_az=False)
    props = _instance(built.two)["Properties"]
    assert props["DBInstanceClass"] == "db.r6g.large"
    assert props["MultiAZ"] is False


def test_after_a_failover_and_a_rebuild(rebuilt: Built) -> None:
    primary = rebuilt.primary
    props = _instance(rebuilt.one)["Properties"]
    assert props["DBInstanceIdentifier"].startswith("one-use1-database-from-use2-")
    writer = _instance(rebuilt.two)["Properties"]["DBInstanceIdentifier"]
    assert writer.startswith("one-use2-database-")
    assert props["SourceDBInstanceIdentifier"] == {
        "Fn::Sub": f"arn:${{AWS::Partition}}:rds:us-east-2:${{AWS::AccountId}}:db:{writer}"
    }
    assert "SourceDBInstanceIdentifier" not in _instance(rebuilt.two)["Properties"]
    assert primary.history == ("promote:us-east-2", "rebuild:us-east-1")
    assert primary.writer_region == E2
    assert primary.role_in(E1) == "reader"
    assert primary.promote_replica_in is None


def test_after_the_fail_back() -> None:
    """us-east-1 writes again (its rebuilt instance promoted); us-east-2's rebuilt replica
    follows it by the ARN of that instance, not the first primary's."""
    built = _build(
        history=["promote:us-east-2", "rebuild:us-east-1", "promote:us-east-1", "rebuild:us-east-2"]
    )
    writer = _instance(built.one)["Properties"]
    assert writer["DBInstanceIdentifier"].startswith("one-use1-database-from-use2-")
    assert "SourceDBInstanceIdentifier" not in writer
    props = _instance(built.two)["Properties"]
    assert props["DBInstanceIdentifier"].startswith("one-use2-database-from-use1-")
    assert props["SourceDBInstanceIdentifier"] == {
        "Fn::Sub": "arn:${AWS::Partition}:rds:us-east-1:${AWS::AccountId}:db:"
        + writer["DBInstanceIdentifier"]
    }
    assert built.primary.writer_region == E1


def test_the_replica_of_an_existing_primary(existing: Built) -> None:
    primary = existing.primary
    props = _instance(existing.two)["Properties"]
    assert props["SourceDBInstanceIdentifier"] == {
        "Fn::Sub": "arn:${AWS::Partition}:rds:us-east-1:${AWS::AccountId}:db:legacy-db"
    }
    assert props["Port"] == "3307"
    assert props["EnableCloudwatchLogsExports"] == ["audit", "error", "general", "slowquery"]
    assert not of_type(existing.one, "AWS::RDS::DBInstance")
    assert not of_type(existing.one, "AWS::SecretsManager::Secret")
    output_id = primary._secret_name_output()
    assert existing.one["Outputs"][output_id]["Value"] == "legacy/db-AbCdEf"
    assert existing.one["Outputs"]["DatabaseSecretArn"]["Value"] == SECRET_ARN
    assert primary.database_secret is None
    assert primary.encryption_key is None


def test_a_promotion_by_promote_replica_in() -> None:
    _, one, two = _stacks()
    db = ReplicatedDatabase(one, "Database", vpc=_vpc(one, E1), promote_replica_in=E2)
    assert db.promote_replica_in == E2
    assert db.history == ("promote:us-east-2",)
    assert db.node.validate() == [
        "promote_replica_in must name a region that has a replica [], got 'us-east-2'"
    ]
    db.add_replica(two, "Replica", vpc=_vpc(two, E2))
    assert db.node.validate() == []


def test_history_names_a_region_with_a_database_at_synth() -> None:
    _, one, two = _stacks()
    db = ReplicatedDatabase(
        one, "Database", vpc=_vpc(one, E1), history=["promote:us-east-2", "rebuild:us-east-1"]
    )
    assert db.node.validate() == [
        "history[0] must name a region with a database ['us-east-1'], got 'promote:us-east-2'"
    ]
    db.add_replica(two, "Replica", vpc=_vpc(two, E2))
    assert db.node.validate() == []
