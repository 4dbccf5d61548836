"""database_replica.py on small stacks: a standalone ReplicatedDatabase in us-east-1 with a
replica in us-east-2 (the defaults, DESTROY with log retention and a key of the user's, and
after a failover): the replica's parameter group, key, instance, source and followed
producer, the region's secret by the primary's output or by the name given, the stack
dependency, the acknowledgments and the ReplicaLag metric. Kills the mutants of
``tools/mutate.py`` in a couple of seconds each (docs/guides/testing.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager

from multiregion_tap import DatabaseReplica, PerRegion, ReplicatedDatabase, ValidationError
from multiregion_tap import database_replica as module
from multiregion_tap._private.producers import followed
from tests.support.templates import of_type, only_resource

ACCOUNT = "123456789012"
E1, E2 = "us-east-1", "us-east-2"
SECRET_ARN = f"arn:aws:secretsmanager:{E1}:{ACCOUNT}:secret:legacy/db-AbCdEf"
GROUP = "sg-0123456789abcdef0"


@dataclass
class Built:
    primary: ReplicatedDatabase
    replica: DatabaseReplica
    primary_stack: cdk.Stack
    replica_stack: cdk.Stack
    template: dict[str, Any]


def _build(
    db_props: dict[str, Any] | None = None,
    replica_props: dict[str, Any] | None = None,
    existing: bool = False,
) -> Built:
    app = cdk.App()
    one = cdk.Stack(app, "One", env=cdk.Environment(account=ACCOUNT, region=E1))
    two = cdk.Stack(app, "Two", env=cdk.Environment(account=ACCOUNT, region=E2))
    props = dict(db_props or {})
    if existing:
        props["existing_primary"] = rds.DatabaseInstance.from_database_instance_attributes(
            one,
            "Legacy",
            instance_identifier="legacy-db",
            instance_endpoint_address="legacy-db.abcdefghijkl.us-east-1.rds.amazonaws.com",
            port=5432,
            engine=rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_17_6),
            security_groups=[ec2.SecurityGroup.from_security_group_id(one, "G", GROUP)],
        )
        props["existing_secret"] = secretsmanager.Secret.from_secret_complete_arn(
            one, "LegacySecret", SECRET_ARN
        )
    primary = ReplicatedDatabase(
        one, "Database", vpc=ec2.Vpc(one, "Vpc", max_azs=2, nat_gateways=0), **props
    )
    replica = primary.add_replica(
        two,
        "Replica",
        vpc=ec2.Vpc(two, "Vpc", max_azs=2, nat_gateways=0),
        **(replica_props or {}),
    )
    template = app.synth().get_stack_by_name("Two").template
    return Built(primary, replica, one, two, template)


@pytest.fixture(scope="module")
def default() -> Built:
    return _build()


@pytest.fixture(scope="module")
def destroyed() -> Built:
    """DESTROY, log retention, monitoring off, another port, a key and a group of the user's,
    and the secret's name given."""

    def key(scope: Any, region: str) -> Any:
        return kms.Key(scope, "UserKey", removal_policy=cdk.RemovalPolicy.DESTROY)

    return _build(
        dict(
            removal_policy=cdk.RemovalPolicy.DESTROY,
            log_retention=logs.RetentionDays.ONE_WEEK,
            monitoring_interval=cdk.Duration.seconds(0),
            port=5433,
            storage_encryption_key=PerRegion(key),
            security_groups=PerRegion(
                lambda scope, region: (
                    [ec2.SecurityGroup.from_security_group_id(scope, "Extra", GROUP)]
                    if region == E2
                    else None
                )
            ),
            parameters={"work_mem": "64MB"},
        ),
        dict(secret_name="shop/db-AbCdEf"),
    )


@pytest.fixture(scope="module")
def failed_over() -> Built:
    return _build(dict(history="promote:us-east-2"))


@pytest.fixture(scope="module")
def existing() -> Built:
    return _build(existing=True)


def test_the_public_names() -> None:
    assert module.__all__ == ["DatabaseReplica"]


def test_the_replica_of_the_primary(default: Built) -> None:
    replica, template = default.replica, default.template
    assert replica.source is default.primary
    assert replica.source_region == E1
    assert replica.promoted is False
    assert replica.role == "reader" and replica.read_only is True
    logical_id, instance = only_resource(template, "AWS::RDS::DBInstance")
    assert logical_id.startswith("ReplicaInstance")
    props = instance["Properties"]
    assert props["SourceDBInstanceIdentifier"] == {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                f":rds:{E1}:{ACCOUNT}:db:{default.primary._identifier(E1, '')}",
            ],
        ]
    }
    # The primary instance, in its own stack, is followed (a new one updates the replica).
    assert [r.node.path for r in followed(replica.instance)] == ["One/Database/Instance/Resource"]
    assert props["PubliclyAccessible"] is False
    assert props["AutoMinorVersionUpgrade"] is True
    assert props["DBInstanceIdentifier"] == default.primary._identifier(E2, "")
    (group_id,) = [g["Fn::GetAtt"][0] for g in props["VPCSecurityGroups"]]
    assert group_id.startswith("ReplicaSecurityGroup")
    pg_id, group = only_resource(template, "AWS::RDS::DBParameterGroup")
    assert pg_id.startswith("ReplicaParameterGroup")
    assert group["Properties"]["Description"] == "Database database replica: TLS required"
    assert group["Properties"]["Parameters"] == {"rds.force_ssl": "1"}
    assert group["DeletionPolicy"] == "Retain"
    assert props["DBParameterGroupName"] == {"Ref": pg_id}
    key_id, key = only_resource(template, "AWS::KMS::Key")
    assert key_id.startswith("ReplicaEncryptionKey")
    assert key["Properties"]["Description"] == "Encrypts the read replica of Database in us-east-2"
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == "Retain"
    assert props["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}


def test_the_secret_by_the_primarys_output(default: Built) -> None:
    arn = default.replica_stack.resolve(default.replica.secret.secret_arn)
    output = default.primary._secret_name_output()
    assert arn == {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                f":secretsmanager:{E2}:{ACCOUNT}:secret:",
                {"Fn::GetStackOutput": {"StackName": "One", "Region": E1, "OutputName": output}},
            ],
        ]
    }
    assert default.template["Outputs"]["DatabaseSecretArn"]["Value"] == arn
    assert default.replica.secret.node.path == "Two/Replica/Secret"
    assert default.primary_stack in default.replica_stack.dependencies


def test_the_secret_by_the_name_given(destroyed: Built) -> None:
    arn = destroyed.replica_stack.resolve(destroyed.replica.secret.secret_arn)
    assert arn == {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                f":secretsmanager:{E2}:{ACCOUNT}:secret:shop/db-AbCdEf",
            ],
        ]
    }
    assert destroyed.primary_stack not in destroyed.replica_stack.dependencies


def test_a_destroyed_replica_with_the_users_key_and_groups(destroyed: Built) -> None:
    template = destroyed.template
    # The user's key (deleted with the stack, as the database is): no key of the library's.
    key_id, key = only_resource(template, "AWS::KMS::Key")
    assert key_id.startswith("PerRegionstorageencryptionkeyUserKey")
    assert key["DeletionPolicy"] == "Delete"
    _, instance = only_resource(template, "AWS::RDS::DBInstance")
    props = instance["Properties"]
    assert props["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert props["Port"] == "5433"
    assert GROUP in str(props["VPCSecurityGroups"])
    assert len(props["VPCSecurityGroups"]) == 2
    assert destroyed.replica.encryption_key is not None
    assert destroyed.replica.encryption_key.node.path == (
        "Two/PerRegion-storage_encryption_key/UserKey"
    )
    _, group = only_resource(template, "AWS::RDS::DBParameterGroup")
    assert group["Properties"]["Parameters"] == {"work_mem": "64MB", "rds.force_ssl": "1"}
    assert group.get("DeletionPolicy", "Delete") == "Delete"
    logs_ = of_type(template, "AWS::Logs::LogGroup")
    assert logs_
    names = sorted(g["Properties"]["LogGroupName"] for g in logs_.values())
    identifier = destroyed.primary._identifier(E2, "")
    assert names == [
        f"/aws/rds/instance/{identifier}/postgresql",
        f"/aws/rds/instance/{identifier}/upgrade",
    ]
    assert set(destroyed.replica.log_groups) == {"postgresql", "upgrade"}


def test_a_retained_database_refuses_a_key_deleted_with_the_stack() -> None:
    with pytest.raises(ValidationError) as caught:
        _build(
            dict(
                storage_encryption_key=PerRegion(
                    lambda scope, region: (
                        kms.Key(scope, "UserKey", removal_policy=cdk.RemovalPolicy.DESTROY)
                        if region == E2
                        else None
                    )
                )
            )
        )
    assert str(caught.value).startswith(
        "storage_encryption_key['us-east-2'] must be retained (removal_policy RETAIN"
    )


def test_the_dependency_on_the_primarys_stack_says_why(default: Built) -> None:
    # CDK names the reasons of the dependencies in the error of a cycle.
    with pytest.raises(RuntimeError) as caught:
        default.primary_stack.add_stack_dependency(default.replica_stack)
    assert "'Two' depends on 'One' (reads the primary database secret name)." in str(caught.value)


def test_a_replica_after_a_failover(failed_over: Built) -> None:
    replica, template = failed_over.replica, failed_over.template
    assert replica.promoted is True
    assert replica.source_region is None
    assert replica.role == "writer"
    _, instance = only_resource(template, "AWS::RDS::DBInstance")
    props = instance["Properties"]
    assert "SourceDBInstanceIdentifier" not in props
    assert "Fn::ImportValue" not in str(props)
    # The writer follows no other stack's instance (its source is gone).
    assert followed(replica.instance) == []


def test_a_replica_of_an_existing_primary(existing: Built) -> None:
    _, instance = only_resource(existing.template, "AWS::RDS::DBInstance")
    source = instance["Properties"]["SourceDBInstanceIdentifier"]
    assert "legacy-db" in str(source)
    assert "Fn::ImportValue" not in str(source)
    assert existing.replica.node.try_find_child("Source") is not None
    source_import = existing.replica.node.find_child("Source")
    assert source_import.instance_identifier == "legacy-db"  # type: ignore[attr-defined]


def _acknowledged(construct: Any) -> list[str]:
    return [
        rule
        for m in construct.node.metadata
        if m.type == "aws:cdk:acknowledged-rules"
        for rule in m.data
    ]


def test_the_acknowledgments(default: Built, destroyed: Built) -> None:
    monitored = _acknowledged(default.replica)
    assert "AwsSolutions::AwsSolutions-RDS11" in monitored
    assert any(rule.startswith("AwsSolutions::AwsSolutions-IAM4[") for rule in monitored)
    quiet = _acknowledged(destroyed.replica)
    assert "AwsSolutions::AwsSolutions-RDS11" not in quiet
    assert not any(rule.startswith("AwsSolutions::AwsSolutions-IAM4[") for rule in quiet)


def test_the_replica_lag_metric(default: Built) -> None:
    metric = default.replica.metric_replica_lag()
    assert metric.metric_name == "ReplicaLag"
    assert metric.namespace == "AWS/RDS"
    assert metric.statistic == "Maximum"
    assert metric.period.to_seconds() == 60
    other = default.replica.metric_replica_lag(statistic="Average", period=cdk.Duration.minutes(5))
    assert (other.statistic, other.period.to_seconds()) == ("Average", 300)


def test_a_promoted_replica_of_an_existing_primary() -> None:
    built = _build(dict(history="promote:us-east-2"), existing=True)
    assert built.replica.promoted is True and built.replica.source_region is None
    _, instance = only_resource(built.template, "AWS::RDS::DBInstance")
    assert "SourceDBInstanceIdentifier" not in instance["Properties"]
    # The source is imported as the primary region's instance, the existing one.
    source = built.replica.node.find_child("Source")
    assert source.instance_identifier == "legacy-db"  # type: ignore[attr-defined]
