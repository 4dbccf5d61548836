"""An existing, running primary (``existing_primary`` with ``existing_secret``): the library
creates nothing for it in the primary region, replicates it to the secondary regions with
replicas of its own (encrypted with each region's key), wires the services to it, and its
``history`` works on top: a failover supersedes it, and the fail-back moves the writer onto an
instance of the library's in the primary region."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from multiregion_tap import (
    MultiRegionApp,
    PerRegion,
    ReplicatedDatabase,
    ReplicatedDatabaseProps,
    ValidationError,
)
from multiregion_tap._private.database_options import EXISTING_PRIMARY_REFUSED
from tests.support.lint import cfn_lint_findings
from tests.support.nag import NaggedSynth, app_with_nag, synth_with_nag
from tests.support.templates import of_type, raw_templates

ACCOUNT = "123456789012"
PRIMARY, SECONDARY = "us-east-1", "us-east-2"
STACKS = {PRIMARY: "shop-us-east-1", SECONDARY: "shop-us-east-2"}
IDENTIFIER = "legacy-db"
ENDPOINT = "legacy-db.abcdefghijkl.us-east-1.rds.amazonaws.com"
GROUP = "sg-0123456789abcdef0"
SECRET_NAME = "legacy/db-AbCdEf"
SECRET_ARN = f"arn:aws:secretsmanager:{PRIMARY}:{ACCOUNT}:secret:{SECRET_NAME}"
EXISTING_ARN = {
    "Fn::Sub": f"arn:${{AWS::Partition}}:rds:{PRIMARY}:${{AWS::AccountId}}:db:{IDENTIFIER}"
}
ENGINE = rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_17_6)


def _db(template: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    ((logical_id, instance),) = of_type(template, "AWS::RDS::DBInstance").items()
    return logical_id, instance


def _container(template: dict[str, Any]) -> dict[str, Any]:
    (task,) = of_type(template, "AWS::ECS::TaskDefinition").values()
    (container,) = task["Properties"]["ContainerDefinitions"]
    return dict(container)


def _env(template: dict[str, Any]) -> dict[str, Any]:
    return {e["Name"]: e["Value"] for e in _container(template).get("Environment", [])}


def _import(scope: Construct, _region: str = PRIMARY, **changes: Any) -> rds.IDatabaseInstance:
    attributes: dict[str, Any] = dict(
        instance_identifier=IDENTIFIER,
        instance_endpoint_address=ENDPOINT,
        port=5432,
        engine=ENGINE,
        security_groups=[ec2.SecurityGroup.from_security_group_id(scope, "LegacyGroup", GROUP)],
    )
    attributes.update(changes)
    return rds.DatabaseInstance.from_database_instance_attributes(scope, "Legacy", **attributes)


def _secret(scope: Construct, _region: str = PRIMARY) -> secretsmanager.ISecret:
    return secretsmanager.Secret.from_secret_complete_arn(scope, "LegacySecret", SECRET_ARN)


def _props(**props: Any) -> ReplicatedDatabaseProps:
    return ReplicatedDatabaseProps(
        existing_primary=PerRegion(_import), existing_secret=PerRegion(_secret), **props
    )


def _shop(app: cdk.App | None = None, **props: Any) -> MultiRegionApp:
    return MultiRegionApp(
        app or cdk.App(),
        "Shop",
        app_name="shop",
        account=ACCOUNT,
        peering=False,
        monitoring=False,
        database=_props(**props),
    )


# ------------------------------------------------------------------ one synth per configuration
@pytest.fixture(scope="module")
def nagged() -> NaggedSynth:
    """The first deploy, monitoring on (its alarms watch the existing instance)."""
    app = app_with_nag()
    MultiRegionApp(app, "Shop", app_name="shop", account=ACCOUNT, peering=False, database=_props())
    return synth_with_nag(app)


@pytest.fixture(scope="module")
def failed_over() -> dict[str, dict[str, Any]]:
    return raw_templates(_shop(history=["promote:us-east-2"]))


@pytest.fixture(scope="module")
def rebuilt() -> dict[str, dict[str, Any]]:
    return raw_templates(_shop(history=["promote:us-east-2", "rebuild:us-east-1"]))


@pytest.fixture(scope="module")
def failed_back() -> dict[str, dict[str, Any]]:
    history = ["promote:us-east-2", "rebuild:us-east-1", "promote:us-east-1"]
    return raw_templates(_shop(history=history))


# ------------------------------------------------------------------ the first deploy
def test_the_primary_region_creates_no_database_of_its_own(nagged: NaggedSynth) -> None:
    raw = nagged.raw[STACKS[PRIMARY]]
    for kind in (
        "AWS::RDS::DBInstance",
        "AWS::RDS::DBParameterGroup",
        "AWS::RDS::DBSubnetGroup",
        "AWS::SecretsManager::Secret",
        "AWS::KMS::Key",
    ):
        assert not [k for k in of_type(raw, kind) if k.startswith("Database")], kind
    assert not [k for k in of_type(raw, "AWS::EC2::SecurityGroup") if k.startswith("Database")]
    outputs = raw["Outputs"]
    assert outputs["DatabaseIdentifier"]["Value"] == IDENTIFIER
    assert outputs["DatabaseEndpoint"]["Value"] == ENDPOINT
    assert outputs["DatabasePort"]["Value"] == "5432"
    assert outputs["DatabaseSecretArn"]["Value"] == SECRET_ARN
    assert f":rds:{PRIMARY}:{ACCOUNT}:db:{IDENTIFIER}" in str(outputs["DatabaseArn"]["Value"])


def test_the_service_is_admitted_on_the_existing_instances_groups(nagged: NaggedSynth) -> None:
    raw = nagged.raw[STACKS[PRIMARY]]
    (rule,) = (
        r["Properties"]
        for r in of_type(raw, "AWS::EC2::SecurityGroupIngress").values()
        if r["Properties"]["GroupId"] == GROUP
    )
    assert (rule["FromPort"], rule["ToPort"]) == (5432, 5432)
    assert rule["SourceSecurityGroupId"]["Fn::GetAtt"][0].startswith("ServiceService")


def test_the_services_connect_to_the_existing_endpoint_with_its_secret(
    nagged: NaggedSynth,
) -> None:
    raw = nagged.raw[STACKS[PRIMARY]]
    assert _env(raw) == {
        "DATABASE_HOST": ENDPOINT,
        "DATABASE_PORT": "5432",
        "DATABASE_READ_ONLY": "false",
    }
    secrets = {s["Name"]: s["ValueFrom"] for s in _container(raw)["Secrets"]}
    assert secrets["DATABASE_PASSWORD"] == f"{SECRET_ARN}:password::"
    # The secondary region reads its replica of the secret, named as the given one.
    replica = _container(nagged.raw[STACKS[SECONDARY]])["Secrets"]
    assert f":secretsmanager:{SECONDARY}:" in str(replica[0]["ValueFrom"])
    output = nagged.raw[STACKS[PRIMARY]]["Outputs"]
    (name,) = (v["Value"] for k, v in output.items() if k.startswith("DatabaseSecretNameOutput"))
    assert name == SECRET_NAME
    assert "DatabaseSecretNameOutput" in str(replica[0]["ValueFrom"])


def test_replicas_replicate_the_existing_arn_with_their_regions_key(nagged: NaggedSynth) -> None:
    raw = nagged.raw[STACKS[SECONDARY]]
    _, replica = _db(raw)
    props = replica["Properties"]
    assert props["SourceDBInstanceIdentifier"] == EXISTING_ARN
    (key_id,) = (k for k in of_type(raw, "AWS::KMS::Key") if k.startswith("DatabaseReplica"))
    assert props["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert "StorageEncrypted" not in props  # cfn-lint E3020: KmsKeyId encrypts a replica
    assert props["DBInstanceIdentifier"] == "shop-use2-database"


def test_monitoring_watches_the_existing_instance(nagged: NaggedSynth) -> None:
    alarms = of_type(nagged.raw[STACKS[PRIMARY]], "AWS::CloudWatch::Alarm").values()
    watched = [
        d["Value"]
        for a in alarms
        for d in a["Properties"].get("Dimensions", [])
        if d["Name"] == "DBInstanceIdentifier"
    ]
    assert watched and set(watched) == {IDENTIFIER}


def test_nag_and_cfn_lint_clean(nagged: NaggedSynth) -> None:
    assert (
        nagged.findings_under(
            "shop-us-east-1/Database",
            "shop-us-east-1/PerRegion-existing",
            "shop-us-east-2/Database",
        )
        == {}
    )
    assert cfn_lint_findings(nagged.template_paths[s] for s in STACKS.values()) == ""


def test_standalone_attributes() -> None:
    stack = cdk.Stack(cdk.App(), "Db", env=cdk.Environment(region=PRIMARY, account=ACCOUNT))
    existing, secret = _import(stack), _secret(stack)
    db = ReplicatedDatabase(
        stack,
        "Database",
        vpc=ec2.Vpc(stack, "Vpc"),
        existing_primary=existing,
        existing_secret=secret,
    )
    assert db.instance is existing and db.secret is secret
    assert db.database_secret is None and db.security_group is None
    assert db.encryption_key is None and db.subnet_group is None and db.parameter_group is None
    assert (db.port, db.engine.engine_type, db.role) == (5432, "postgres", "writer")
    assert db.identifier == IDENTIFIER and db.endpoint == ENDPOINT


# ------------------------------------------------------------------ refusals
def _refused(message: str, **props: Any) -> None:
    stack = cdk.Stack(cdk.App(), "Db", env=cdk.Environment(region=PRIMARY, account=ACCOUNT))
    given = {"existing_primary": PerRegion(_import), "existing_secret": PerRegion(_secret)}
    given.update(props)
    with pytest.raises(ValidationError) as caught:
        ReplicatedDatabase(stack, "Database", vpc=ec2.Vpc(stack, "Vpc"), **given)
    assert caught.value.message == message


REFUSED_VALUES: dict[str, Any] = {
    "snapshot_identifier": "shop-before-move",
    "instance_props": {"timezone": "UTC"},
    "database_name": "shop",
    "master_username": "admin2",
    "allocated_storage_gib": 100,
    "max_allocated_storage_gib": 200,
    "rotation_schedule": cdk.Duration.days(30),
}


@pytest.mark.parametrize("prop", sorted(EXISTING_PRIMARY_REFUSED))
def test_options_of_a_library_made_primary_are_refused(prop: str) -> None:
    stack = cdk.Stack(cdk.App(), "Db", env=cdk.Environment(region=PRIMARY, account=ACCOUNT))
    with pytest.raises(ValidationError) as caught:
        ReplicatedDatabase(
            stack,
            "Database",
            vpc=ec2.Vpc(stack, "Vpc"),
            **vars(_props(**{prop: REFUSED_VALUES[prop]})),
        )
    reason = EXISTING_PRIMARY_REFUSED[prop]
    assert caught.value.message.startswith(
        f"{prop} must be left unset with existing_primary ({reason}), got "
    )


def test_the_refusals_say_why() -> None:
    _refused(
        "snapshot_identifier must be left unset with existing_primary (the primary exists "
        "already; a snapshot is restored into a primary the library creates), got 'snap-1'",
        snapshot_identifier="snap-1",
    )
    _refused(
        "existing_secret must be given with existing_primary: its credentials (JSON with "
        "username and password), which the services read, got None",
        existing_secret=None,
    )
    _refused("existing_primary must be given with existing_secret, got None", existing_primary=None)


def _other_stack_import(scope: Construct, region: str) -> rds.IDatabaseInstance:
    elsewhere = cdk.Stack(cdk.App(), "Elsewhere", env=cdk.Environment(region=PRIMARY))
    return _import(elsewhere)


@pytest.mark.parametrize(
    ("instance", "message"),
    [
        (
            lambda scope, _: _import(scope, instance_identifier=cdk.Aws.STACK_NAME),
            "existing_primary must be imported with a literal instance_identifier: its "
            "replicas' source ARN is built from it, got 'Db/PerRegion-existing_primary/Legacy'",
        ),
        (
            lambda scope, _: _import(scope, instance_identifier="legacy--db"),
            "existing_primary.instance_identifier must be a DB instance identifier (1 to 63 "
            "letters, digits and hyphens, starting with a letter, no '--', no hyphen at the "
            "end), got 'legacy--db'",
        ),
        (
            lambda scope, _: _import(scope, engine=None),
            "existing_primary must be imported with its engine (engine=rds.DatabaseInstance"
            "Engine.postgres(...) with its version), or engine be given: the replicas' "
            "parameter groups follow its engine and version, got "
            "'Db/PerRegion-existing_primary/Legacy'",
        ),
        (
            lambda scope, _: _import(scope, security_groups=[]),
            "existing_primary must be imported with its security groups (security_groups="
            "[...]): the region's clients are admitted on them (import them with "
            "mutable=False to admit the clients yourself), got "
            "'Db/PerRegion-existing_primary/Legacy'",
        ),
        (
            _other_stack_import,
            "existing_primary must be imported in the database's stack 'Db' (with a scope "
            "there; in MultiRegionApp, a PerRegion function): the library admits the clients "
            "on its security groups from that stack, got 'Elsewhere/Legacy'",
        ),
        (
            lambda scope, _: rds.DatabaseInstance(
                scope,
                "Made",
                engine=ENGINE,
                vpc=ec2.Vpc(scope, "Vpc"),
                instance_identifier="made-here",
            ),
            "existing_primary must be an existing instance imported with rds.DatabaseInstance."
            "from_database_instance_attributes, not one of the app, got "
            "'Db/PerRegion-existing_primary/Made'",
        ),
        (
            lambda scope, _: "legacy-db",
            "existing_primary must be an RDS DB instance (rds.DatabaseInstance.from_database_"
            "instance_attributes), got 'legacy-db'",
        ),
    ],
    ids=["token", "identifier", "engine", "groups", "stack", "of-the-app", "not-an-instance"],
)
def test_bad_existing_primaries_are_refused(instance: Any, message: str) -> None:
    _refused(message, existing_primary=PerRegion(instance))


def test_an_engine_or_port_other_than_the_existing_ones_is_refused() -> None:
    mysql = rds.DatabaseInstanceEngine.mysql(version=rds.MysqlEngineVersion.VER_8_4_7)
    _refused(
        "engine must be left unset or be existing_primary's engine 'postgres 17.6', got "
        "'mysql 8.4.7'",
        engine=mysql,
    )
    _refused("port must be left unset or be existing_primary's port 5432, got 5433", port=5433)


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        (
            lambda scope, _: secretsmanager.Secret.from_secret_name_v2(scope, "S", "legacy/db"),
            "existing_secret must be imported by its literal complete ARN (secretsmanager."
            "Secret.from_secret_complete_arn, ending in '-' and 6 characters): the library "
            "names its replica in each other region by it, got 'Db/PerRegion-existing_secret/S'",
        ),
        (
            lambda scope, _: secretsmanager.Secret.from_secret_complete_arn(
                scope, "S", SECRET_ARN.replace(PRIMARY, SECONDARY)
            ),
            f"existing_secret must name the stack's region '{PRIMARY}'",
        ),
        (
            lambda scope, _: "legacy/db",
            "existing_secret must be a Secrets Manager secret (secretsmanager.ISecret), got "
            "'legacy/db'",
        ),
    ],
    ids=["by-name", "other-region", "not-a-secret"],
)
def test_bad_existing_secrets_are_refused(secret: Any, message: str) -> None:
    stack = cdk.Stack(cdk.App(), "Db", env=cdk.Environment(region=PRIMARY, account=ACCOUNT))
    with pytest.raises(ValidationError) as caught:
        ReplicatedDatabase(
            stack,
            "Database",
            vpc=ec2.Vpc(stack, "Vpc"),
            existing_primary=PerRegion(_import),
            existing_secret=PerRegion(secret),
        )
    assert caught.value.message.startswith(message)


# ------------------------------------------------------------------ failover and fail-back
def test_a_failover_supersedes_the_existing_primary(failed_over: dict[str, Any]) -> None:
    primary = failed_over[STACKS[PRIMARY]]
    # Nothing of the library's to retain in the primary region: still no instance there.
    assert not of_type(primary, "AWS::RDS::DBInstance")
    (service,) = of_type(primary, "AWS::ECS::Service").values()
    assert service["Properties"]["DesiredCount"] == 0  # stood down
    assert _env(primary)["DATABASE_READ_ONLY"] == "true"
    _, promoted = _db(failed_over[STACKS[SECONDARY]])
    assert "SourceDBInstanceIdentifier" not in promoted["Properties"]
    assert promoted["Properties"]["BackupRetentionPeriod"] == 7
    assert promoted["DeletionPolicy"] == "Snapshot"
    assert _env(failed_over[STACKS[SECONDARY]])["DATABASE_READ_ONLY"] == "false"


def test_the_rebuild_makes_a_library_replica_in_the_primary_region(
    rebuilt: dict[str, Any],
) -> None:
    primary = rebuilt[STACKS[PRIMARY]]
    logical_id, instance = _db(primary)
    assert logical_id.startswith("DatabaseInstance")
    props = instance["Properties"]
    assert props["DBInstanceIdentifier"] == "shop-use1-database-from-use2"
    assert props["SourceDBInstanceIdentifier"] == {
        "Fn::Sub": "arn:${AWS::Partition}:rds:us-east-2:${AWS::AccountId}:db:shop-use2-database"
    }
    (key_id,) = (k for k in of_type(primary, "AWS::KMS::Key") if k.startswith("Database"))
    assert props["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    # The credentials stay the existing secret's (the replica keeps the master password).
    assert not of_type(primary, "AWS::SecretsManager::Secret")
    secrets = {s["Name"]: s["ValueFrom"] for s in _container(primary)["Secrets"]}
    assert secrets["DATABASE_USERNAME"] == f"{SECRET_ARN}:username::"
    assert _env(primary)["DATABASE_HOST"] == {"Fn::GetAtt": [logical_id, "Endpoint.Address"]}
    # The ingress moved to the library's group: the existing instance's groups are let go.
    groups = [
        r["Properties"]["GroupId"]
        for r in of_type(primary, "AWS::EC2::SecurityGroupIngress").values()
    ]
    assert GROUP not in groups


def test_the_fail_back_makes_the_writer_library_managed(failed_back: dict[str, Any]) -> None:
    primary = failed_back[STACKS[PRIMARY]]
    logical_id, instance = _db(primary)
    assert "SourceDBInstanceIdentifier" not in instance["Properties"]
    assert instance["Properties"]["BackupRetentionPeriod"] == 7
    assert (instance["DeletionPolicy"], instance["Properties"]["DeletionProtection"]) == (
        "Snapshot",
        True,
    )
    assert _env(primary)["DATABASE_READ_ONLY"] == "false"
    assert _env(primary)["DATABASE_HOST"] == {"Fn::GetAtt": [logical_id, "Endpoint.Address"]}
    assert failed_back[STACKS[PRIMARY]]["Outputs"]["DatabaseIdentifier"]["Value"] == {
        "Ref": logical_id
    }
    _, superseded = _db(failed_back[STACKS[SECONDARY]])
    assert superseded["DeletionPolicy"] == "Retain"


# ------------------------------------------------------------------ the guide
def test_the_guides_existing_primary_snippet_synthesizes_as_shown() -> None:
    guide = Path(__file__).resolve().parents[2] / "docs" / "guides" / "customizing.md"
    (snippet,) = re.findall(
        r"^```\{code-block\} python\n:caption: existing primary\n\n(.*?)^```",
        guide.read_text(),
        re.S | re.M,
    )
    namespace: dict[str, Any] = {}
    exec(compile(snippet, "customizing.md[existing primary]", "exec"), namespace)
    templates = raw_templates(namespace["shop"])
    assert not of_type(templates[STACKS[PRIMARY]], "AWS::RDS::DBInstance")
    _, replica = _db(templates[STACKS[SECONDARY]])
    assert f":rds:{PRIMARY}:" in str(replica["Properties"]["SourceDBInstanceIdentifier"])
