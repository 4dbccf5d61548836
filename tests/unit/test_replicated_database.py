"""ReplicatedDatabase: encrypted primary, cross-region encrypted replicas, promotion."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_rds as rds
from aws_cdk.assertions import Match, Template

from multiregion_tap import MultiRegionApp, OutputNames, ValidationError
from multiregion_tap.replicated_database import (
    ReplicatedDatabase,
)
from tests.support.lint import cfn_lint_findings
from tests.support.nag import NaggedSynth, app_with_nag, synth_with_nag
from tests.support.templates import normalize, stack_artifacts

PRIMARY = "shop-us-east-1"
SECONDARY = "shop-us-east-2"
DB = "AWS::RDS::DBInstance"


def _vpc(stack: cdk.Stack, cidr: str) -> ec2.Vpc:
    return ec2.Vpc(
        stack,
        "Vpc",
        ip_addresses=ec2.IpAddresses.cidr(cidr),
        max_azs=2,
        nat_gateways=0,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="db", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        ],
    )


def _service_sg(stack: cdk.Stack, vpc: ec2.IVpc) -> ec2.SecurityGroup:
    return ec2.SecurityGroup(stack, "ServiceSecurityGroup", vpc=vpc, description="service tasks")


def _build(
    app: cdk.App, secondaries: tuple[str, ...], **db_props: Any
) -> tuple[MultiRegionApp, ReplicatedDatabase]:
    shop = MultiRegionApp(
        app, "Shop", app_name="shop", service=False, secondary_regions=secondaries
    )
    cidrs = {"us-east-1": "10.0.0.0/16", "us-east-2": "10.1.0.0/16", "us-west-2": "10.2.0.0/16"}
    vpc1 = _vpc(shop.primary_stack, cidrs["us-east-1"])
    db = ReplicatedDatabase(
        shop.primary_stack,
        "Database",
        vpc=vpc1,
        allow_from=[_service_sg(shop.primary_stack, vpc1)],
        **db_props,
    )
    for region in secondaries:
        stack = shop.stack_for(region)
        vpc = _vpc(stack, cidrs[region])
        db.add_replica(stack, "DatabaseReplica", vpc=vpc, allow_from=[_service_sg(stack, vpc)])
    return shop, db


@pytest.fixture(scope="module")
def default() -> tuple[MultiRegionApp, ReplicatedDatabase, NaggedSynth]:
    """us-east-1 primary, us-east-2 replica, every default; synthesized once with cdk-nag."""
    app = app_with_nag()
    shop, db = _build(app, ("us-east-2",))
    return shop, db, synth_with_nag(app)


@pytest.fixture(scope="module")
def promoted() -> tuple[MultiRegionApp, ReplicatedDatabase, NaggedSynth]:
    """Two secondary regions; the us-east-2 replica is promoted; rotation on."""
    app = app_with_nag()
    shop, db = _build(
        app,
        ("us-east-2", "us-west-2"),
        promote_replica_in="us-east-2",
        rotation_schedule=cdk.Duration.days(30),
    )
    return shop, db, synth_with_nag(app)


def _t(synth: NaggedSynth, stack: str) -> Template:
    return synth.templates[stack]


def _only(template: Template, type_: str) -> tuple[str, dict[str, Any]]:
    found = template.find_resources(type_)
    assert len(found) == 1, found
    return next(iter(found.items()))


# ---------------------------------------------------------------------- primary
def test_primary_is_encrypted_multi_az_gp3_with_backups_and_protection(default) -> None:  # type: ignore[no-untyped-def]
    _, _, synth = default
    _t(synth, PRIMARY).has_resource(
        DB,
        {
            "Properties": Match.object_like(
                {
                    "Engine": "postgres",
                    "EngineVersion": "17.6",
                    "StorageEncrypted": True,
                    "KmsKeyId": {
                        "Fn::GetAtt": [Match.string_like_regexp("^DatabaseEncryptionKey"), "Arn"]
                    },
                    "MultiAZ": True,
                    "StorageType": "gp3",
                    "AllocatedStorage": "20",
                    "BackupRetentionPeriod": 7,
                    "DeletionProtection": True,
                    "EnableIAMDatabaseAuthentication": True,
                    "EnableCloudwatchLogsExports": ["postgresql", "upgrade"],
                    "MonitoringInterval": 60,
                    "PubliclyAccessible": False,
                    "DBInstanceClass": "db.t4g.medium",
                    "DBInstanceIdentifier": "shop-use1-database",
                    "Port": "5432",
                }
            ),
            "DeletionPolicy": "Snapshot",
            "UpdateReplacePolicy": "Snapshot",
        },
    )


def test_primary_key_rotates_and_is_retained(default) -> None:  # type: ignore[no-untyped-def]
    _, _, synth = default
    for stack in (PRIMARY, SECONDARY):
        _t(synth, stack).has_resource(
            "AWS::KMS::Key",
            {"Properties": {"EnableKeyRotation": True, "KeyPolicy": Match.any_value(),
                            "Description": Match.any_value()},
             "DeletionPolicy": "Retain"},
        )  # fmt: skip


def test_parameter_groups_force_tls_in_both_regions(default) -> None:  # type: ignore[no-untyped-def]
    _, _, synth = default
    for stack in (PRIMARY, SECONDARY):
        template = _t(synth, stack)
        template.has_resource_properties(
            "AWS::RDS::DBParameterGroup",
            {"Family": "postgres17", "Parameters": {"rds.force_ssl": "1"}},
        )
        _, instance = _only(template, DB)
        assert "DBParameterGroupName" in instance["Properties"]


def test_secret_is_generated_encrypted_replicated_and_retained(default) -> None:  # type: ignore[no-untyped-def]
    _, _, synth = default
    template = _t(synth, PRIMARY)
    template.has_resource(
        "AWS::SecretsManager::Secret",
        {
            "Properties": Match.object_like(
                {
                    "GenerateSecretString": Match.object_like(
                        {"SecretStringTemplate": '{"username":"dbadmin"}'}
                    ),
                    "KmsKeyId": {
                        "Fn::GetAtt": [Match.string_like_regexp("^DatabaseEncryptionKey"), "Arn"]
                    },
                    "ReplicaRegions": [{"Region": "us-east-2"}],
                }
            ),
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
        },
    )


def test_primary_admits_only_its_service(default) -> None:  # type: ignore[no-untyped-def]
    _, _, synth = default
    for stack in (PRIMARY, SECONDARY):
        template = _t(synth, stack)
        rules = template.find_resources("AWS::EC2::SecurityGroupIngress")
        assert len(rules) == 1, rules
        rule = next(iter(rules.values()))["Properties"]
        assert rule["FromPort"] == rule["ToPort"] == 5432
        assert rule["SourceSecurityGroupId"]["Fn::GetAtt"][0].startswith("ServiceSecurityGroup")
        # no ingress written inline on the database security groups
        for sg in template.find_resources("AWS::EC2::SecurityGroup").values():
            assert "SecurityGroupIngress" not in sg["Properties"]


# ---------------------------------------------------------------------- replica
def test_replica_source_is_the_primary_arn_in_the_primary_region(default) -> None:  # type: ignore[no-untyped-def]
    _, _, synth = default
    _, replica = _only(_t(synth, SECONDARY), DB)
    source = replica["Properties"]["SourceDBInstanceIdentifier"]
    parts = source["Fn::Join"][1]
    assert ":rds:us-east-1:" in parts
    assert any(
        isinstance(p, dict) and p.get("Fn::GetStackOutput", {}).get("Region") == "us-east-1"
        and p["Fn::GetStackOutput"]["StackName"] == PRIMARY
        for p in parts
    )  # fmt: skip


def test_replica_is_encrypted_with_a_key_of_its_own_region(default) -> None:  # type: ignore[no-untyped-def]
    _, _, synth = default
    _, replica = _only(_t(synth, SECONDARY), DB)
    props = replica["Properties"]
    assert props["KmsKeyId"]["Fn::GetAtt"][0].startswith("DatabaseReplicaEncryptionKey")
    assert "Fn::GetStackOutput" not in str(props["KmsKeyId"])
    # cfn-lint E3020: no StorageEncrypted beside SourceDBInstanceIdentifier
    assert "StorageEncrypted" not in props
    assert props["DBInstanceIdentifier"] == "shop-use2-database"
    assert props["DBInstanceClass"] == "db.t4g.medium"
    assert props["MultiAZ"] is True
    assert props["DeletionProtection"] is True
    assert props["StorageType"] == "gp3"
    assert props["DBSubnetGroupName"]["Ref"].startswith("DatabaseReplicaSubnetGroup")
    assert props["VPCSecurityGroups"][0]["Fn::GetAtt"][0].startswith("DatabaseReplicaSecurityGroup")
    assert replica["DeletionPolicy"] == "Snapshot"


@pytest.mark.parametrize(("stack", "role"), [(PRIMARY, "primary"), (SECONDARY, "secondary")])
def test_enhanced_monitoring_backups_kept_and_tag_keys_in_each_region(  # type: ignore[no-untyped-def]
    default, stack: str, role: str
) -> None:
    """Targeted, not only by snapshot: enhanced monitoring on the replica too (with its own
    role), automated backups kept when an instance is deleted (the point-in-time backups are
    what a restore after a bad delete needs), and the tag keys as the literal AWS strings
    (not ``TagKeys``: a misspelled constant would pass a test that compares with it)."""
    _, _, synth = default
    logical_id, db = _only(_t(synth, stack), DB)
    props = db["Properties"]
    assert props["MonitoringInterval"] == 60
    role_ref = props["MonitoringRoleArn"]["Fn::GetAtt"]
    assert role_ref[1] == "Arn" and role_ref[0].startswith(logical_id.rsplit("Instance", 1)[0])
    assert props["DeleteAutomatedBackups"] is False
    tags = {t["Key"]: t["Value"] for t in props["Tags"]}
    assert tags["multiregion-tap:app"] == "shop"
    assert tags["multiregion-tap:region-role"] == role


def test_identifiers_fit_and_never_collide() -> None:
    """Long app names are hash-truncated to RDS's 63 characters, per app and per region."""
    seen: set[str] = set()
    for app_name in ("a" * 64, "a" * 63 + "b", "shop"):
        shop = MultiRegionApp(cdk.App(), "Shop", app_name=app_name, service=False)
        db = ReplicatedDatabase(
            shop.primary_stack, "Database", vpc=_vpc(shop.primary_stack, "10.0.0.0/16")
        )
        for region in ("us-east-1", "us-east-2"):
            ident = db._identifier(region)
            assert len(ident) <= 63 and "--" not in ident and ident[0].isalpha(), ident
            assert not ident.endswith("-") and ident == ident.lower()
            seen.add(ident)
    assert len(seen) == 6


def test_replica_reads_the_regional_replica_of_the_secret(default) -> None:  # type: ignore[no-untyped-def]
    shop, db, synth = default
    replica = db.replica_in("us-east-2")
    assert replica.read_only is True and db.read_only is False
    outputs = _t(synth, SECONDARY).find_outputs(OutputNames.DATABASE_SECRET_ARN)
    value = outputs[OutputNames.DATABASE_SECRET_ARN]["Value"]["Fn::Join"][1]
    assert ":secretsmanager:us-east-2:" in value
    name_ref = [p for p in value if isinstance(p, dict) and "Fn::GetStackOutput" in p]
    assert len(name_ref) == 1
    output_name = name_ref[0]["Fn::GetStackOutput"]["OutputName"]
    assert name_ref[0]["Fn::GetStackOutput"]["StackName"] == PRIMARY
    assert output_name in synth.raw[PRIMARY]["Outputs"]
    assert shop.stack_dependencies()[SECONDARY] == (PRIMARY,)


@pytest.mark.parametrize("stack", [PRIMARY, SECONDARY])
def test_well_known_outputs_in_each_region(default, stack: str) -> None:  # type: ignore[no-untyped-def]
    _, _, synth = default
    outputs = synth.raw[stack]["Outputs"]
    for name in (
        OutputNames.DATABASE_IDENTIFIER,
        OutputNames.DATABASE_ARN,
        OutputNames.DATABASE_ENDPOINT,
        OutputNames.DATABASE_PORT,
        OutputNames.DATABASE_SECRET_ARN,
    ):
        assert name in outputs, name
    assert outputs[OutputNames.DATABASE_PORT]["Value"] == "5432"
    assert outputs[OutputNames.DATABASE_ENDPOINT]["Value"]["Fn::GetAtt"][1] == "Endpoint.Address"


def test_metrics_for_alarms(default) -> None:  # type: ignore[no-untyped-def]
    _, db, _ = default
    replica = db.replica_in("us-east-2")
    assert db.metric_cpu_utilization().metric_name == "CPUUtilization"
    assert db.metric_free_storage_space().metric_name == "FreeStorageSpace"
    assert db.metric_database_connections().metric_name == "DatabaseConnections"
    lag = replica.metric_replica_lag()
    assert (lag.metric_name, lag.namespace, lag.statistic) == ("ReplicaLag", "AWS/RDS", "Maximum")
    assert replica.metric_cpu_utilization().metric_name == "CPUUtilization"


def test_nag_clean_for_the_database(default) -> None:  # type: ignore[no-untyped-def]
    _, _, synth = default
    assert synth.findings_under("shop-us-east-1/Database", "shop-us-east-2/DatabaseReplica") == {}


def test_cfn_lint_clean(default) -> None:  # type: ignore[no-untyped-def]
    _, _, synth = default
    paths = [str(synth.template_paths[s]) for s in (PRIMARY, SECONDARY)]
    assert cfn_lint_findings(paths) == ""


def test_snapshot(default, snapshot_json) -> None:  # type: ignore[no-untyped-def]
    _, _, synth = default
    assert {s: normalize(synth.raw[s]) for s in (PRIMARY, SECONDARY)} == snapshot_json


# ---------------------------------------------------------------------- promotion
def test_promotion_keeps_logical_id_and_identifier(default, promoted) -> None:  # type: ignore[no-untyped-def]
    _, _, before = default
    _, db, after = promoted
    old_id, old = _only(_t(before, SECONDARY), DB)
    new_id, new = _only(_t(after, SECONDARY), DB)
    assert new_id == old_id
    assert new["Properties"]["DBInstanceIdentifier"] == old["Properties"]["DBInstanceIdentifier"]
    assert "SourceDBInstanceIdentifier" in old["Properties"]
    assert "SourceDBInstanceIdentifier" not in new["Properties"]
    assert "StorageEncrypted" not in new["Properties"]  # adding it would replace the instance
    assert new["Properties"]["BackupRetentionPeriod"] == 7
    # Nothing else that requires replacement changes.
    for key in ("KmsKeyId", "DBSubnetGroupName", "DBInstanceClass", "Port"):
        assert new["Properties"].get(key) == old["Properties"].get(key), key
    assert db.replica_in("us-east-2").read_only is False
    assert db.replica_in("us-east-2").promoted is True


def test_other_replica_follows_the_promoted_one(promoted) -> None:  # type: ignore[no-untyped-def]
    shop, db, synth = promoted
    _, replica = _only(_t(synth, "shop-us-west-2"), DB)
    assert replica["Properties"]["SourceDBInstanceIdentifier"] == {
        "Fn::Sub": "arn:${AWS::Partition}:rds:us-east-2:${AWS::AccountId}:db:shop-use2-database"
    }
    assert replica["Properties"]["DBInstanceIdentifier"] == "shop-usw2-database-from-use2"
    assert db.replica_in("us-west-2").read_only is True
    assert db.replica_in("us-west-2").source_region == "us-east-2"
    assert (db.writer_region, db.history) == ("us-east-2", ("promote:us-east-2",))
    _t(synth, PRIMARY).has_resource_properties(
        "AWS::SecretsManager::Secret",
        {"ReplicaRegions": [{"Region": "us-east-2"}, {"Region": "us-west-2"}]},
    )
    assert shop.deploy_waves() == [(PRIMARY,), ("shop-us-east-2", "shop-us-west-2")]


def test_rotation_is_scheduled_when_asked(promoted, default) -> None:  # type: ignore[no-untyped-def]
    _, _, synth = promoted
    _t(synth, PRIMARY).has_resource_properties(
        "AWS::SecretsManager::RotationSchedule",
        {"RotationRules": {"ScheduleExpression": "rate(30 days)"}},
    )
    _t(default[2], PRIMARY).resource_count_is("AWS::SecretsManager::RotationSchedule", 0)
    assert synth.findings_under("shop-us-east-1/Database", "shop-us-east-2/DatabaseReplica",
                                "shop-us-west-2/DatabaseReplica") == {}  # fmt: skip


# ---------------------------------------------------------------------- API
def test_allow_from_cidr_and_mysql_defaults() -> None:
    app = cdk.App()
    shop = MultiRegionApp(app, "Shop", app_name="shop", service=False)
    vpc = _vpc(shop.primary_stack, "10.0.0.0/16")
    db = ReplicatedDatabase(
        shop.primary_stack,
        "Database",
        vpc=vpc,
        engine=rds.DatabaseInstanceEngine.mysql(version=rds.MysqlEngineVersion.VER_8_4_7),
        allowed_cidrs=["10.1.0.0/16"],
    )
    assert db.port == 3306
    with pytest.raises(ValidationError, match=r"cidr must be an IPv4 CIDR block.*'not-a-cidr'"):
        db.allow_from_cidr("not-a-cidr")


# ---------------------------------------------------------------------- bad input
def _fresh() -> tuple[MultiRegionApp, ec2.Vpc]:
    shop = MultiRegionApp(
        cdk.App(), "Shop", app_name="shop", secondary_regions=["us-east-2", "us-west-2"]
    )
    return shop, _vpc(shop.primary_stack, "10.0.0.0/16")


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"backup_retention_days": 0}, r"backup_retention_days must be between 1 and 35, got 0"),
        ({"backup_retention_days": 36}, r"backup_retention_days must be between 1 and 35, got 36"),
        ({"allocated_storage_gib": 10}, r"allocated_storage_gib must be between 20 and 65536, got 10"),  # noqa: E501
        ({"allocated_storage_gib": 100, "max_allocated_storage_gib": 50},
         r"max_allocated_storage_gib must be between 100 and 65536, got 50"),
        ({"instance_type": "huge"}, r"instance_type must be a DB instance class .*, got 'huge'"),
        ({"instance_type": "t4g"}, r"instance_type must be a DB instance class .*, got 't4g'"),
        ({"replica_instance_type": "r7g.big"}, r"replica_instance_type must .*, got 'r7g.big'"),
        ({"port": 80}, r"port must be between 1150 and 65535, got 80"),
        ({"port": 70000}, r"port must be between 1150 and 65535, got 70000"),
        ({"master_username": "postgres"}, r"master_username must not be reserved .*, got 'postgres'"),  # noqa: E501
        ({"master_username": "1admin"}, r"master_username must start with a letter.*, got '1admin'"),  # noqa: E501
        ({"database_name": "my-db"}, r"database_name must start with a letter.*, got 'my-db'"),
        ({"monitoring_interval": cdk.Duration.seconds(7)}, r"monitoring_interval must be .*, got '7.0 seconds'|got '7 seconds'"),  # noqa: E501
        ({"allowed_cidrs": ["8.8.8.0/24"]}, r"allowed_cidrs\[0\] must be inside an RFC 1918.*'8.8.8.0/24'"),  # noqa: E501
        ({"promote_replica_in": "eu-west-1"},
         r"promote_replica_in must name a region that has a replica.*got 'eu-west-1'"),
        ({"promote_replica_in": "us-east-1"}, r"promote_replica_in must name a secondary region.*got 'us-east-1'"),  # noqa: E501
        ({"promote_replica_in": "mars-1"}, r"promote_replica_in must be an AWS region name.*got 'mars-1'"),  # noqa: E501
        ({"output_suffix": "a-b"}, r"output_suffix must be up to 32 ASCII letters and digits \(or empty\), got 'a-b'"),  # noqa: E501
    ],
)  # fmt: skip
def test_bad_input(props: dict[str, Any], message: str) -> None:
    shop, vpc = _fresh()
    with pytest.raises(ValidationError, match=message):
        ReplicatedDatabase(shop.primary_stack, "Database", vpc=vpc, **props)


def test_bad_replica_placement() -> None:
    shop, vpc = _fresh()
    db = ReplicatedDatabase(shop.primary_stack, "Database", vpc=vpc)
    with pytest.raises(
        ValidationError,
        match=r"scope must be in another region than the primary's.*got 'shop-us-east-1'",
    ):
        db.add_replica(shop.primary_stack, "Replica", vpc=vpc)
    stack = shop.stack_for("us-east-2")
    vpc2 = _vpc(stack, "10.1.0.0/16")
    db.add_replica(stack, "DatabaseReplica", vpc=vpc2)
    with pytest.raises(
        ValidationError,
        match=r"scope must be in a region without a replica; us-east-2 has one, got 'shop-us-east-2'",  # noqa: E501
    ):
        db.add_replica(stack, "DatabaseReplica2", vpc=vpc2)
    with pytest.raises(
        ValidationError, match=r"instance_type must be a DB instance class.*got 'big'"
    ):
        db.add_replica(
            shop.stack_for("us-west-2"), "DatabaseReplica", vpc=vpc2, instance_type="big"
        )
    with pytest.raises(
        ValidationError, match=r"region must be a region with a replica.*got 'us-west-2'"
    ):
        db.replica_in("us-west-2")


def test_promotion_of_a_region_without_replica_fails_at_synth() -> None:
    """The app has us-west-2, but no replica was added there."""
    shop, vpc = _fresh()
    db = ReplicatedDatabase(shop.primary_stack, "Database", vpc=vpc, promote_replica_in="us-west-2")
    db.add_replica(
        shop.stack_for("us-east-2"),
        "DatabaseReplica",
        vpc=_vpc(shop.stack_for("us-east-2"), "10.1.0.0/16"),
    )
    with pytest.raises(
        Exception,
        match=r"promote_replica_in must name a region that has a replica \['us-east-2'\], got 'us-west-2'",  # noqa: E501
    ):
        stack_artifacts(shop)
