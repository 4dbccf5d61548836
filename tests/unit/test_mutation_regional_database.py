"""regional_database.py on small stacks: a standalone ReplicatedDatabase in us-east-1 with a
replica in us-east-2, before and after a failover and a rebuild: the security group without
egress, the subnet group and key, who is admitted and with which description, the CIDR
bounds, what ``history`` makes of each instance (source removed, backups on, source followed,
superseded writer retained), the engine log groups, the outputs' descriptions by role, and
the acknowledged findings with their reasons. Kills the mutants of ``tools/mutate.py`` in a
couple of seconds each (docs/guides/testing.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager

from multiregion_tap import DatabaseReplica, ReplicatedDatabase, ValidationError
from multiregion_tap import regional_database as module
from tests.support.nag import acknowledged
from tests.support.templates import of_type, only_resource

ACCOUNT = "123456789012"
E1, E2 = "us-east-1", "us-east-2"
GROUP = "sg-0123456789abcdef0"
PEER = "sg-0fedcba9876543210"
SECRET_ARN = f"arn:aws:secretsmanager:{E1}:{ACCOUNT}:secret:legacy/db-AbCdEf"
REPLICA_SKIP = (
    "Encrypted with this region's customer-managed key (KmsKeyId); checkov reads only "
    "StorageEncrypted, which CloudFormation refuses beside SourceDBInstanceIdentifier."
)
LOG_SKIP = (
    "RDS exports the engine log here; CloudWatch Logs encrypts it at rest with service keys, "
    "as it does the groups RDS creates itself."
)
RDS11 = (
    "The engine's default port is kept so standard clients work; a non-default port is "
    "obscurity, not a control. Access is limited by a security group that admits only the "
    "listed clients (no ingress by default), the instance is in private subnets and not "
    "publicly accessible, and TLS is forced by the parameter group. Set `port` to change it."
)
BACKUP_PLAN = (
    "Backups are RDS automated backups (point-in-time recovery, retention "
    "backup_retention_days, 7 days by default, 1 minimum), a final snapshot on deletion "
    "(removal policy SNAPSHOT) and a live copy in every secondary region. AWS Backup plans are "
    "an account-level control outside this construct; add the instance to one by tag if your "
    "policy requires it."
)
MONITORING_ROLE = (
    "The enhanced monitoring role uses the AWS-managed policy AmazonRDSEnhancedMonitoringRole, "
    "which only allows writing the RDSOSMetrics log group; AWS maintains it for new metrics."
)
IAM4 = (
    "AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
    "service-role/AmazonRDSEnhancedMonitoringRole]"
)
LOG_GROUPS = (
    "The engine log groups (log_retention) are encrypted at rest by CloudWatch Logs with "
    "service keys, as the groups RDS creates itself are."
)


@dataclass
class Built:
    primary: ReplicatedDatabase
    replica: DatabaseReplica
    one: dict[str, Any]
    two: dict[str, Any]


def _build(existing: bool = False, **props: Any) -> Built:
    app = cdk.App()
    one = cdk.Stack(app, "One", env=cdk.Environment(account=ACCOUNT, region=E1))
    two = cdk.Stack(app, "Two", env=cdk.Environment(account=ACCOUNT, region=E2))
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
    primary.allow_from(ec2.SecurityGroup.from_security_group_id(one, "Peer", PEER))
    primary.allow_from_cidr("10.1.0.0/16")
    replica = primary.add_replica(
        two, "Replica", vpc=ec2.Vpc(two, "Vpc", max_azs=2, nat_gateways=0)
    )
    replica.allow_from_cidr("10.2.0.0/16", "The peered VPC")
    assembly = app.synth()
    return Built(
        primary,
        replica,
        assembly.get_stack_by_name("One").template,
        assembly.get_stack_by_name("Two").template,
    )


@pytest.fixture(scope="module")
def default() -> Built:
    return _build()


@pytest.fixture(scope="module")
def failed_over() -> Built:
    """After the failover: us-east-2 writes, us-east-1 is superseded."""
    return _build(history="promote:us-east-2")


@pytest.fixture(scope="module")
def rebuilt() -> Built:
    """After the rebuild: us-east-1 is a replica of us-east-2's writer again."""
    return _build(history="promote:us-east-2,rebuild:us-east-1")


@pytest.fixture(scope="module")
def logged() -> Built:
    return _build(
        log_retention=logs.RetentionDays.ONE_MONTH,
        monitoring_interval=cdk.Duration.seconds(0),
        port=5433,
        removal_policy=cdk.RemovalPolicy.DESTROY,
    )


def test_the_public_names() -> None:
    assert module.__all__ == ["RegionalDatabase"]


def test_the_network_and_key(default: Built) -> None:
    for template, prefix in ((default.one, "Database"), (default.two, "Replica")):
        sg_id, group = only_resource(template, "AWS::EC2::SecurityGroup")
        assert sg_id.startswith(f"{prefix}SecurityGroup")
        # No egress: CDK writes its disallow-all rule.
        assert group["Properties"]["SecurityGroupEgress"] == [
            {
                "CidrIp": "255.255.255.255/32",
                "Description": "Disallow all traffic",
                "FromPort": 252,
                "IpProtocol": "icmp",
                "ToPort": 86,
            }
        ]
        subnet_id, _ = only_resource(template, "AWS::RDS::DBSubnetGroup")
        assert subnet_id.startswith(f"{prefix}SubnetGroup")
        key_id, key = only_resource(template, "AWS::KMS::Key")
        assert key_id.startswith(f"{prefix}EncryptionKey")
        assert key["Properties"]["EnableKeyRotation"] is True
    assert default.replica.security_group is not None
    assert default.replica.subnet_group is not None


def _ingress(group: dict[str, Any]) -> list[dict[str, Any]]:
    return list(group["Properties"].get("SecurityGroupIngress", []))


def test_who_is_admitted(default: Built) -> None:
    _, group = only_resource(default.one, "AWS::EC2::SecurityGroup")
    assert _ingress(group) == [
        {
            "CidrIp": "10.1.0.0/16",
            "Description": "Database clients in 10.1.0.0/16",
            "FromPort": 5432,
            "IpProtocol": "tcp",
            "ToPort": 5432,
        }
    ]
    (rule,) = of_type(default.one, "AWS::EC2::SecurityGroupIngress").values()
    assert rule["Properties"]["SourceSecurityGroupId"] == PEER
    assert rule["Properties"]["Description"] == "Database clients in this region"
    assert rule["Properties"]["FromPort"] == 5432
    _, group = only_resource(default.two, "AWS::EC2::SecurityGroup")
    assert _ingress(group) == [
        {
            "CidrIp": "10.2.0.0/16",
            "Description": "The peered VPC",
            "FromPort": 5432,
            "IpProtocol": "tcp",
            "ToPort": 5432,
        }
    ]


def test_an_existing_primary_admits_on_its_own_groups() -> None:
    built = _build(existing=True)
    assert of_type(built.one, "AWS::EC2::SecurityGroup") == {}
    rules = [r["Properties"] for r in of_type(built.one, "AWS::EC2::SecurityGroupIngress").values()]
    assert {r["GroupId"] for r in rules} == {GROUP}
    assert sorted(r["Description"] for r in rules) == [
        "Database clients in 10.1.0.0/16",
        "Database clients in this region",
    ]


def test_cidr_bounds(default: Built) -> None:
    default.replica.allow_from_cidr("10.0.0.0/8")
    default.replica.allow_from_cidr("10.9.9.9/32")
    with pytest.raises(ValidationError) as caught:
        default.replica.allow_from_cidr("8.8.8.0/24")
    assert str(caught.value) == (
        "cidr must be inside an RFC 1918 private range (10/8, 172.16/12, 192.168/16), got "
        "'8.8.8.0/24'"
    )


def test_a_reader_and_a_writer(default: Built) -> None:
    _, writer = only_resource(default.one, "AWS::RDS::DBInstance")
    assert writer["Properties"]["StorageEncrypted"] is True
    assert "SourceDBInstanceIdentifier" not in writer["Properties"]
    assert "checkov" not in writer.get("Metadata", {})
    assert writer["DeletionPolicy"] == "Snapshot"
    _, reader = only_resource(default.two, "AWS::RDS::DBInstance")
    assert "StorageEncrypted" not in reader["Properties"]
    assert "BackupRetentionPeriod" not in reader["Properties"]
    assert reader["Metadata"]["checkov"] == {
        "skip": [{"id": "CKV_AWS_16", "comment": REPLICA_SKIP}]
    }
    assert reader["DeletionPolicy"] == "Snapshot"


def test_after_the_failover(failed_over: Built) -> None:
    _, superseded = only_resource(failed_over.one, "AWS::RDS::DBInstance")
    assert superseded["DeletionPolicy"] == "Retain"
    assert superseded["UpdateReplacePolicy"] == "Retain"
    assert failed_over.primary.role == "superseded"
    _, writer = only_resource(failed_over.two, "AWS::RDS::DBInstance")
    props = writer["Properties"]
    assert "SourceDBInstanceIdentifier" not in props
    assert "StorageEncrypted" not in props
    assert props["BackupRetentionPeriod"] == 7
    assert writer["Metadata"]["checkov"] == {
        "skip": [{"id": "CKV_AWS_16", "comment": REPLICA_SKIP}]
    }
    assert writer["DeletionPolicy"] == "Snapshot"
    outputs = failed_over.one["Outputs"]
    assert (
        outputs["DatabaseIdentifier"]["Description"] == "DB instance identifier (superseded writer)"
    )
    assert outputs["DatabaseArn"]["Description"] == "DB instance ARN (superseded writer)"
    assert outputs["DatabaseEndpoint"]["Description"] == "DB endpoint address (superseded writer)"
    two = failed_over.two["Outputs"]
    assert two["DatabaseIdentifier"]["Description"] == "DB instance identifier (primary)"


def test_after_the_rebuild(rebuilt: Built) -> None:
    _, replica = only_resource(rebuilt.one, "AWS::RDS::DBInstance")
    props = replica["Properties"]
    writer = rebuilt.primary._identifier(E2, "")
    assert props["SourceDBInstanceIdentifier"] == {
        "Fn::Sub": f"arn:${{AWS::Partition}}:rds:{E2}:${{AWS::AccountId}}:db:{writer}"
    }
    assert "StorageEncrypted" not in props
    assert replica["DeletionPolicy"] == "Snapshot"
    assert rebuilt.one["Outputs"]["DatabaseIdentifier"]["Description"] == (
        "DB instance identifier (read replica)"
    )


def test_the_outputs(default: Built) -> None:
    for template, where in ((default.one, "primary"), (default.two, "read replica")):
        described = {name: o["Description"] for name, o in template["Outputs"].items()}
        assert {k: v for k, v in described.items() if k.startswith("Database")} == {
            "DatabaseIdentifier": f"DB instance identifier ({where})",
            "DatabaseArn": f"DB instance ARN ({where})",
            "DatabaseEndpoint": f"DB endpoint address ({where})",
            "DatabasePort": "DB port",
            "DatabaseSecretArn": "ARN of the DB credentials secret in this region",
        } | {k: v for k, v in described.items() if k.startswith("DatabaseSecretName")}


def test_the_acknowledgments(default: Built, logged: Built) -> None:
    for db in (default.primary, default.replica):
        acks = acknowledged(db)
        assert acks["AwsSolutions::AwsSolutions-RDS11"] == RDS11
        assert acks["NIST.800.53.R5::NIST.800.53.R5-RDSInBackupPlan"] == BACKUP_PLAN
        assert acks[IAM4] == MONITORING_ROLE
        assert "NIST.800.53.R5::NIST.800.53.R5-CloudWatchLogGroupEncrypted" not in acks
    for db in (logged.primary, logged.replica):
        acks = acknowledged(db)
        assert "AwsSolutions::AwsSolutions-RDS11" not in acks
        assert IAM4 not in acks
        assert acks["NIST.800.53.R5::NIST.800.53.R5-RDSInBackupPlan"] == BACKUP_PLAN
        assert acks["NIST.800.53.R5::NIST.800.53.R5-CloudWatchLogGroupEncrypted"] == LOG_GROUPS


def test_the_log_groups(default: Built, logged: Built) -> None:
    assert default.replica.log_groups == {}
    assert of_type(default.two, "AWS::Logs::LogGroup") == {}
    for template, db, region in (
        (logged.one, logged.primary, E1),
        (logged.two, logged.replica, E2),
    ):
        identifier = logged.primary._identifier(region, "")
        groups = of_type(template, "AWS::Logs::LogGroup")
        assert sorted(groups) == sorted(
            k
            for k in groups
            if k.startswith(
                (
                    "DatabasePostgresqlLogGroup",
                    "DatabaseUpgradeLogGroup",
                    "ReplicaPostgresqlLogGroup",
                    "ReplicaUpgradeLogGroup",
                )
            )
        )
        for log_id, group in groups.items():
            log_type = group["Properties"]["LogGroupName"].rsplit("/", 1)[-1]
            assert (
                group["Properties"]["LogGroupName"] == f"/aws/rds/instance/{identifier}/{log_type}"
            )
            assert group["Properties"]["RetentionInDays"] == 30
            assert group["DeletionPolicy"] == "Delete"
            assert group["Metadata"]["checkov"] == {
                "skip": [{"id": "CKV_AWS_158", "comment": LOG_SKIP}]
            }
            assert log_id in str(only_resource(template, "AWS::RDS::DBInstance")[1]["DependsOn"])
        assert set(db.log_groups) == {"postgresql", "upgrade"}


def test_log_retention_needs_a_literal_identifier(default: Built) -> None:
    replica = default.replica
    with pytest.raises(ValidationError) as caught:
        replica._add_log_groups(
            logs.RetentionDays.ONE_DAY,
            cdk.Aws.STACK_NAME,
            ("postgresql",),
            cdk.RemovalPolicy.RETAIN,
        )
    assert str(caught.value) == (
        "log_retention must be used with a literal DB instance identifier (the log group names "
        "hold it), got <RetentionDays.ONE_DAY: 'ONE_DAY'>"
    )
