"""ReplicatedDatabase options of one region each: the storage KMS key and extra security groups
per region (``PerRegion``), and the engine log groups with a retention (``log_retention``), on
the primary, the replicas and the instances made after a failover."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from constructs import Construct

from multiregion_tap import (
    MultiRegionApp,
    PerRegion,
    ReplicatedDatabase,
    ReplicatedDatabaseProps,
    ValidationError,
)
from tests.support.lint import cfn_lint_findings
from tests.support.nag import NaggedSynth, app_with_nag, synth_with_nag
from tests.support.templates import of_type, raw_templates

ACCOUNT = "123456789012"
PRIMARY, SECONDARY = "us-east-1", "us-east-2"
STACKS = {PRIMARY: "shop-us-east-1", SECONDARY: "shop-us-east-2"}
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"


def _db(template: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    ((logical_id, instance),) = of_type(template, "AWS::RDS::DBInstance").items()
    return logical_id, instance


def _shop(**props: Any) -> MultiRegionApp:
    return MultiRegionApp(
        cdk.App(),
        "Shop",
        app_name="shop",
        account=ACCOUNT,
        peering=False,
        monitoring=False,
        database=ReplicatedDatabaseProps(**props),
    )


def _refused(message: str, **props: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        _shop(**props)
    assert caught.value.message == message


def _own_key(scope: Construct, region: str) -> kms.IKey:
    return kms.Key(scope, "DatabaseKey", enable_key_rotation=True, description=f"db {region}")


def _ops_group(scope: Construct, region: str) -> list[ec2.ISecurityGroup]:
    group_id = {PRIMARY: "sg-0123456789abcdef0", SECONDARY: "sg-0fedcba9876543210"}[region]
    return [ec2.SecurityGroup.from_security_group_id(scope, "Ops", group_id, mutable=False)]


@pytest.fixture(scope="module")
def everything() -> NaggedSynth:
    """Own keys and security groups in every region, log groups with a retention."""
    app = app_with_nag()
    MultiRegionApp(
        app,
        "Shop",
        app_name="shop",
        account=ACCOUNT,
        peering=False,
        database=ReplicatedDatabaseProps(
            storage_encryption_key=PerRegion(_own_key),
            security_groups=PerRegion(_ops_group),
            log_retention=logs.RetentionDays.ONE_YEAR,
            performance_insights=True,
        ),
    )
    return synth_with_nag(app)


# ------------------------------------------------------------------ storage key
def test_every_instance_is_encrypted_with_its_regions_own_key(everything: NaggedSynth) -> None:
    for stack in STACKS.values():
        raw = everything.raw[stack]
        (key_id,) = (k for k in of_type(raw, "AWS::KMS::Key") if k.startswith("PerRegion"))
        assert key_id.startswith("PerRegionstorageencryptionkeyDatabaseKey")
        # The library makes no key of its own for the database there.
        assert not [k for k in of_type(raw, "AWS::KMS::Key") if "EncryptionKey" in k]
        _, db = _db(raw)
        assert db["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
        assert db["Properties"]["PerformanceInsightsKMSKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
        assert raw["Resources"][key_id]["DeletionPolicy"] == "Retain"
    # The primary's credentials secret uses the key too.
    raw = everything.raw[STACKS[PRIMARY]]
    (secret,) = of_type(raw, "AWS::SecretsManager::Secret").values()
    assert secret["Properties"]["KmsKeyId"]["Fn::GetAtt"][0].startswith("PerRegion")


def test_a_region_given_none_keeps_the_librarys_key() -> None:
    shop = _shop(
        storage_encryption_key={
            PRIMARY: None,
            SECONDARY: kms.Key.from_key_arn(
                cdk.Stack(cdk.App(), "Elsewhere", env=cdk.Environment(region=SECONDARY)),
                "Key",
                f"arn:aws:kms:{SECONDARY}:{ACCOUNT}:key/{KEY_ID}",
            ),
        }
    )
    templates = raw_templates(shop)
    _, primary = _db(templates[STACKS[PRIMARY]])
    assert primary["Properties"]["KmsKeyId"]["Fn::GetAtt"][0].startswith("DatabaseEncryptionKey")
    _, replica = _db(templates[STACKS[SECONDARY]])
    assert replica["Properties"]["KmsKeyId"] == f"arn:aws:kms:{SECONDARY}:{ACCOUNT}:key/{KEY_ID}"
    assert not [k for k in of_type(templates[STACKS[SECONDARY]], "AWS::KMS::Key") if "Replica" in k]


def test_the_defaults_are_unchanged() -> None:
    templates = raw_templates(_shop())
    for stack in STACKS.values():
        raw = templates[stack]
        assert not [k for k in raw["Resources"] if k.startswith("PerRegion")]
        _, db = _db(raw)
        assert len(db["Properties"]["VPCSecurityGroups"]) == 1
        assert "DependsOn" not in db or not any("LogGroup" in d for d in db["DependsOn"])
        assert "/aws/rds/" not in json.dumps(raw)


def _imported(region: str) -> Callable[[Construct, str], kms.IKey]:
    def key(scope: Construct, _: str) -> kms.IKey:
        return kms.Key.from_key_arn(scope, "Key", f"arn:aws:kms:{region}:{ACCOUNT}:key/{KEY_ID}")

    return key


def test_a_key_of_another_region_is_refused() -> None:
    _refused(
        "storage_encryption_key['us-east-2'] must be in the stack's region 'us-east-2', not "
        "'us-east-1': a KMS key is regional (use one created in, or imported for, us-east-2), "
        f"got 'arn:aws:kms:us-east-1:{ACCOUNT}:key/{KEY_ID}'",
        storage_encryption_key=PerRegion(_imported(PRIMARY)),
    )


def test_a_key_created_in_another_regions_stack_is_refused() -> None:
    app = cdk.App()
    other = cdk.Stack(app, "Other", env=cdk.Environment(region=PRIMARY, account=ACCOUNT))
    key = kms.Key(other, "Key")
    with pytest.raises(ValidationError) as caught:
        MultiRegionApp(
            app,
            "Shop",
            app_name="shop",
            account=ACCOUNT,
            database=ReplicatedDatabaseProps(
                storage_encryption_key=PerRegion({PRIMARY: key, SECONDARY: key})
            ),
        )
    assert caught.value.message == (
        "storage_encryption_key['us-east-2'] must be in the stack's region 'us-east-2', not "
        "'us-east-1': a KMS key is regional (use one created in, or imported for, us-east-2), "
        "got 'Other/Key'"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "arn:aws:kms:us-east-1:123456789012:key/x",
            "storage_encryption_key must be a PerRegion (or a mapping of region to value): it "
            "belongs to one region, and the database has an instance in every region of the "
            "app, got 'arn:aws:kms:us-east-1:123456789012:key/x'",
        ),
        (
            PerRegion({PRIMARY: None}),
            "storage_encryption_key must name every region of the app ['us-east-1', "
            "'us-east-2'] (missing ['us-east-2']; give None for a region without one): a "
            "value left out would silently fall back to the default in that region, got "
            "['us-east-1']",
        ),
        (
            PerRegion({PRIMARY: None, SECONDARY: "arn:aws:kms:us-east-2:1:key/x"}),
            "storage_encryption_key['us-east-2'] must be a KMS key (aws_kms.IKey), or None for "
            "the database's own, got 'arn:aws:kms:us-east-2:1:key/x'",
        ),
    ],
)
def test_bad_keys_are_refused(value: Any, message: str) -> None:
    _refused(message, storage_encryption_key=value)


def test_a_key_that_would_be_deleted_with_the_stack_is_refused() -> None:
    def doomed(scope: Construct, region: str) -> kms.IKey:
        return kms.Key(scope, "Key", removal_policy=cdk.RemovalPolicy.DESTROY)

    _refused(
        "storage_encryption_key['us-east-1'] must be retained (removal_policy RETAIN, the "
        "aws_kms.Key default): it encrypts the database, whose data would be unreadable once "
        "the key is deleted, got 'shop-us-east-1/PerRegion-storage_encryption_key/Key'",
        storage_encryption_key=PerRegion(doomed),
    )
    # A throwaway database may go with its keys.
    _shop(storage_encryption_key=PerRegion(doomed), removal_policy=cdk.RemovalPolicy.DESTROY)


def test_a_snapshot_restored_primary_takes_the_snapshots_key() -> None:
    snapshot = f"arn:aws:rds:{PRIMARY}:{ACCOUNT}:snapshot:shop-before-move"
    _refused(
        "storage_encryption_key['us-east-1'] must be None for the primary region with "
        "snapshot_identifier: the restored instance is encrypted with the snapshot's key "
        "(copy the snapshot with your key to use it), got "
        "'shop-us-east-1/PerRegion-storage_encryption_key/DatabaseKey'",
        snapshot_identifier=snapshot,
        storage_encryption_key=PerRegion(_own_key),
    )

    def replicas_only(scope: Construct, region: str) -> kms.IKey | None:
        return None if region == PRIMARY else _own_key(scope, region)

    templates = raw_templates(
        _shop(snapshot_identifier=snapshot, storage_encryption_key=PerRegion(replicas_only))
    )
    _, replica = _db(templates[STACKS[SECONDARY]])
    assert replica["Properties"]["KmsKeyId"]["Fn::GetAtt"][0].startswith("PerRegion")


def test_a_standalone_mapping_must_name_the_replicas_region() -> None:
    app = cdk.App()
    one = cdk.Stack(app, "One", env=cdk.Environment(region=PRIMARY, account=ACCOUNT))
    two = cdk.Stack(app, "Two", env=cdk.Environment(region=SECONDARY, account=ACCOUNT))
    db = ReplicatedDatabase(
        one,
        "Db",
        vpc=ec2.Vpc(one, "Vpc"),
        subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS,
        storage_encryption_key={PRIMARY: kms.Key(one, "Key")},
    )
    with pytest.raises(ValidationError) as caught:
        db.add_replica(two, "Replica", vpc=ec2.Vpc(two, "Vpc"))
    assert caught.value.message == (
        "storage_encryption_key must name the region 'us-east-2' of this instance (None for "
        "the library's default there): a region left out would silently get the default, "
        "got ['us-east-1']"
    )


# ------------------------------------------------------------------ security groups
def test_own_security_groups_are_added_beside_the_librarys(everything: NaggedSynth) -> None:
    for region, stack in STACKS.items():
        raw = everything.raw[stack]
        _, db = _db(raw)
        groups = db["Properties"]["VPCSecurityGroups"]
        own = _ops_group(Construct(cdk.App(), "x"), region)[0].security_group_id
        assert groups[1] == own and len(groups) == 2
        library = groups[0]["Fn::GetAtt"][0]
        assert library.startswith("Database")
        # The service is admitted in the library's group only: the team's group is unchanged.
        ingress = of_type(raw, "AWS::EC2::SecurityGroupIngress").values()
        to_db = [r["Properties"] for r in ingress if r["Properties"].get("FromPort") == 5432]
        assert to_db and all(r["GroupId"]["Fn::GetAtt"][0] == library for r in to_db)
        assert own not in json.dumps(of_type(raw, "AWS::EC2::SecurityGroupEgress"))


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        (
            lambda scope, region: ec2.SecurityGroup.from_security_group_id(
                scope, "G", "sg-0123456789abcdef0"
            ),
            "security_groups['us-east-1'] must be a list of security groups "
            "(aws_ec2.ISecurityGroup), got <",
        ),
        (
            lambda scope, region: ["sg-0123456789abcdef0"],
            "security_groups['us-east-1'][0] must be a security group (aws_ec2.ISecurityGroup), "
            "got 'sg-0123456789abcdef0'",
        ),
        (
            lambda scope, region: [
                ec2.SecurityGroup.from_security_group_id(scope, "G", "sg-123"),
            ],
            "security_groups['us-east-1'][0] must be a security group id such as "
            "'sg-0123456789abcdef0', got 'sg-123'",
        ),
        (
            lambda scope, region: [
                ec2.SecurityGroup.from_security_group_id(scope, "G1", "sg-0123456789abcdef0"),
                ec2.SecurityGroup.from_security_group_id(scope, "G2", "sg-0123456789abcdef0"),
            ],
            "security_groups['us-east-1'][1] must be named once, got 'sg-0123456789abcdef0'",
        ),
        (
            lambda scope, region: [
                ec2.SecurityGroup.from_security_group_id(scope, f"G{i}", f"sg-{i:017x}")
                for i in range(16)
            ],
            "security_groups['us-east-1'] must name at most 15 security groups: with the "
            "database's own, a network interface takes 16 at most (5 unless the quota was "
            "raised), got 16",
        ),
    ],
)
def test_bad_security_groups_are_refused(
    groups: Callable[[Construct, str], Any], message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        _shop(security_groups=PerRegion(groups))
    assert caught.value.message.startswith(message)


def test_a_security_group_of_another_regions_stack_is_refused() -> None:
    app = cdk.App()
    other = cdk.Stack(app, "Other", env=cdk.Environment(region=PRIMARY, account=ACCOUNT))
    group = ec2.SecurityGroup.from_security_group_id(other, "Ops", "sg-0123456789abcdef0")
    with pytest.raises(ValidationError) as caught:
        MultiRegionApp(
            app,
            "Shop",
            app_name="shop",
            account=ACCOUNT,
            database=ReplicatedDatabaseProps(
                security_groups={PRIMARY: [group], SECONDARY: [group]}
            ),
        )
    assert caught.value.message == (
        "security_groups['us-east-2'][0] must be in the stack's region 'us-east-2', not "
        "'us-east-1': a security group belongs to one VPC (use one created in, or imported "
        "for, us-east-2), got 'Other/Ops'"
    )


def test_instance_props_security_groups_names_the_prop() -> None:
    _refused(
        "instance_props['security_groups'] must not be given: the library sets it (use "
        "security_groups (added to the database's own group, which admits allow_from and "
        "allowed_cidrs)), got []",
        instance_props={"security_groups": []},
    )


# ------------------------------------------------------------------ log groups
def _log_groups(raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        k: v
        for k, v in of_type(raw, "AWS::Logs::LogGroup").items()
        if v["Properties"].get("LogGroupName", "").startswith("/aws/rds/instance/")
    }


def test_log_groups_with_retention_exist_before_the_instances(everything: NaggedSynth) -> None:
    for region, stack in STACKS.items():
        raw = everything.raw[stack]
        groups = _log_groups(raw)
        code = {PRIMARY: "use1", SECONDARY: "use2"}[region]
        assert sorted(g["Properties"]["LogGroupName"] for g in groups.values()) == [
            f"/aws/rds/instance/shop-{code}-database/postgresql",
            f"/aws/rds/instance/shop-{code}-database/upgrade",
        ]
        for group in groups.values():
            assert group["Properties"]["RetentionInDays"] == 365
            assert group["DeletionPolicy"] == "RetainExceptOnCreate"
            assert group["UpdateReplacePolicy"] == "Retain"
        _, db = _db(raw)
        assert set(groups) <= set(db["DependsOn"])
        assert sorted(db["Properties"]["EnableCloudwatchLogsExports"]) == ["postgresql", "upgrade"]
    # No Lambda-backed LogRetention custom resource anywhere.
    for raw in everything.raw.values():
        assert not of_type(raw, "Custom::LogRetention")
        assert not of_type(raw, "AWS::Lambda::Function")


def test_a_throwaway_database_deletes_its_log_groups_and_mysql_gets_its_four() -> None:
    templates = raw_templates(
        _shop(
            engine=rds.DatabaseInstanceEngine.mysql(version=rds.MysqlEngineVersion.VER_8_4_5),
            log_retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
    )
    groups = _log_groups(templates[STACKS[SECONDARY]])
    assert sorted(g["Properties"]["LogGroupName"].rsplit("/", 1)[1] for g in groups.values()) == [
        "audit",
        "error",
        "general",
        "slowquery",
    ]
    for group in groups.values():
        assert group["DeletionPolicy"] == "Delete"
        assert group["Properties"]["RetentionInDays"] == 30


@pytest.mark.parametrize(
    ("history", "names"),
    [
        # The promoted replica keeps its identifier (and its groups).
        (["promote:us-east-2"], {PRIMARY: "shop-use1-database", SECONDARY: "shop-use2-database"}),
        # The rebuilt primary is a new instance: a new identifier, new groups.
        (
            ["promote:us-east-2", "rebuild:us-east-1"],
            {PRIMARY: "shop-use1-database-from-use2", SECONDARY: "shop-use2-database"},
        ),
    ],
)
def test_instances_made_after_a_failover_get_their_own_groups(
    history: list[str], names: dict[str, str]
) -> None:
    templates = raw_templates(_shop(log_retention=logs.RetentionDays.ONE_YEAR, history=history))
    for region, stack in STACKS.items():
        raw = templates[stack]
        _, db = _db(raw)
        identifier = db["Properties"]["DBInstanceIdentifier"]
        assert identifier == names[region]
        groups = _log_groups(raw)
        assert {g["Properties"]["LogGroupName"] for g in groups.values()} == {
            f"/aws/rds/instance/{identifier}/postgresql",
            f"/aws/rds/instance/{identifier}/upgrade",
        }
        assert set(groups) <= set(db["DependsOn"])


def test_log_retention_must_be_retention_days() -> None:
    _refused(
        "log_retention must be an aws_logs.RetentionDays, got 30",
        log_retention=30,
    )
    _refused(
        "instance_props['cloudwatch_logs_retention'] must not be given: the library sets it "
        "(it creates a Lambda-backed custom resource per stack; use log_retention (log groups "
        "of the library's, no Lambda)), got <RetentionDays.ONE_MONTH: 'ONE_MONTH'>",
        instance_props={"cloudwatch_logs_retention": logs.RetentionDays.ONE_MONTH},
    )


# ------------------------------------------------------------------ scanners
def test_nag_and_cfn_lint_clean(everything: NaggedSynth) -> None:
    assert everything.findings_under("shop-us-east-1/Database", "shop-us-east-2/Database") == {}
    assert (
        everything.findings_under(
            "shop-us-east-1/PerRegion-storage_encryption_key",
            "shop-us-east-2/PerRegion-storage_encryption_key",
        )
        == {}
    )
    assert cfn_lint_findings(everything.template_paths[s] for s in STACKS.values()) == ""


# ------------------------------------------------------------------ the guide
def test_the_guides_database_per_region_snippet_synthesizes_as_shown() -> None:
    guide = Path(__file__).resolve().parents[2] / "docs" / "guides" / "customizing.md"
    (snippet,) = re.findall(
        r"^```\{code-block\} python\n:caption: database per region\n\n(.*?)^```",
        guide.read_text(),
        re.S | re.M,
    )
    namespace: dict[str, Any] = {}
    exec(compile(snippet, "customizing.md[database per region]", "exec"), namespace)
    templates = raw_templates(namespace["shop"])
    for region, stack in STACKS.items():
        _, db = _db(templates[stack])
        assert db["Properties"]["KmsKeyId"]["Fn::GetAtt"][0].startswith("PerRegion")
        assert len(db["Properties"]["VPCSecurityGroups"]) == (2 if region == SECONDARY else 1)
        assert len(_log_groups(templates[stack])) == 2
