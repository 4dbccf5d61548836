"""_private/database_instances.py called directly and on small stacks: each refusal of
resolve_existing_primary with its exact message (the identifier's bounds, the engine and port
compared, the secret's complete ARN), what an existing primary resolves to, the settings every
instance takes as CloudFormation writes them, the primary restored from a snapshot with its
acknowledged findings and checkov skip, and the rebuilt primary after a fail-back. Kills the
mutants of ``tools/mutate.py`` in a couple of seconds each (docs/guides/testing.md)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from multiregion_tap import PerRegion, ReplicatedDatabase
from multiregion_tap._private import database_instances as module
from multiregion_tap._private.database_instances import (
    ExistingPrimary,
    instance_settings,
    resolve_existing_primary,
    writer_import,
)
from multiregion_tap.errors import ValidationError

ACCOUNT = "123456789012"
PRIMARY, SECONDARY = "us-east-1", "us-east-2"
IDENTIFIER = "legacy-db"
GROUP = "sg-0123456789abcdef0"
SECRET_NAME = "legacy/db-AbCdEf"
SECRET_ARN = f"arn:aws:secretsmanager:{PRIMARY}:{ACCOUNT}:secret:{SECRET_NAME}"
ENGINE = rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_17_6)
SNAPSHOT = "shop-before-move"


def _stack(name: str = "Db", region: str = PRIMARY) -> cdk.Stack:
    return cdk.Stack(cdk.App(), name, env=cdk.Environment(region=region, account=ACCOUNT))


def _import(scope: Construct, **changes: Any) -> rds.IDatabaseInstance:
    attributes: dict[str, Any] = dict(
        instance_identifier=IDENTIFIER,
        instance_endpoint_address="legacy-db.abcdefghijkl.us-east-1.rds.amazonaws.com",
        port=5432,
        engine=ENGINE,
        security_groups=[ec2.SecurityGroup.from_security_group_id(scope, "LegacyGroup", GROUP)],
    )
    attributes.update(changes)
    return rds.DatabaseInstance.from_database_instance_attributes(scope, "Legacy", **attributes)


def _secret(scope: Construct, arn: str = SECRET_ARN) -> secretsmanager.ISecret:
    return secretsmanager.Secret.from_secret_complete_arn(scope, "LegacySecret", arn)


def _refused(
    message: str,
    *,
    instance: Any = "import",
    secret: Any = "import",
    engine: Any = None,
    port: Any = None,
    stack: cdk.Stack | None = None,
) -> None:
    stack = stack or _stack()
    if instance == "import":
        instance = _import(stack)
    if secret == "import":
        secret = _secret(stack)
    with pytest.raises(ValidationError) as caught:
        resolve_existing_primary(stack, instance, secret, engine=engine, port=port)
    assert str(caught.value) == message


def test_the_public_names() -> None:
    assert module.__all__ == [
        "ExistingPrimary",
        "first_instance",
        "instance_settings",
        "own_instance",
        "rebuilt_instance",
        "resolve_existing_primary",
        "writer_import",
    ]
    for name in module.__all__:
        assert hasattr(module, name)


def test_nothing_given_is_no_existing_primary() -> None:
    stack = _stack()
    assert resolve_existing_primary(stack, None, None, engine=None, port=None) is None
    nothing = PerRegion({PRIMARY: None})
    assert resolve_existing_primary(stack, nothing, nothing, engine=None, port=None) is None


def test_an_existing_primary_resolved() -> None:
    stack = _stack()
    instance, secret = _import(stack), _secret(stack)
    found = resolve_existing_primary(stack, instance, secret, engine=None, port=5432)
    assert isinstance(found, ExistingPrimary)
    assert found.instance is instance and found.secret is secret
    assert (found.identifier, found.port, found.secret_name) == (IDENTIFIER, 5432, SECRET_NAME)
    assert found.engine.engine_type == "postgres"
    assert found.engine.engine_version.full_version == "17.6"  # type: ignore[union-attr]
    with pytest.raises(AttributeError):
        found.port = 1  # type: ignore[misc,union-attr]


def test_an_existing_primary_per_region() -> None:
    stack = _stack()
    found = resolve_existing_primary(
        stack,
        PerRegion(lambda scope, region: _import(scope)),
        PerRegion(lambda scope, region: _secret(scope)),
        engine=None,
        port=None,
    )
    assert found is not None
    assert (found.identifier, found.port, found.secret_name) == (IDENTIFIER, 5432, SECRET_NAME)
    # The scopes the functions were called with are named after the props.
    assert stack.node.try_find_child("PerRegion-existing_primary") is not None
    assert stack.node.try_find_child("PerRegion-existing_secret") is not None


def test_the_engine_given_or_imported() -> None:
    stack = _stack()
    same = rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_17_6)
    found = resolve_existing_primary(stack, _import(stack), _secret(stack), engine=same, port=None)
    assert found is not None and found.engine is same
    stack = _stack()
    found = resolve_existing_primary(
        stack, _import(stack, engine=None), _secret(stack), engine=same, port=None
    )
    assert found is not None and found.engine is same


def test_engines_compared_by_type_and_version() -> None:
    mysql = rds.DatabaseInstanceEngine.mysql(version=rds.MysqlEngineVersion.VER_8_4_7)
    _refused(
        "engine must be left unset or be existing_primary's engine 'postgres 17.6', got "
        "'mysql 8.4.7'",
        engine=mysql,
    )
    older = rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_16_4)
    _refused(
        "engine must be left unset or be existing_primary's engine 'postgres 17.6', got "
        "'postgres 16.4'",
        engine=older,
    )
    # An engine without a version is its type alone.
    stack = _stack()
    unversioned = rds.DatabaseInstanceEngine.POSTGRES
    _refused(
        "engine must be left unset or be existing_primary's engine 'postgres', got 'mysql 8.4.7'",
        instance=_import(stack, engine=unversioned),
        secret=_secret(stack),
        engine=mysql,
        stack=stack,
    )
    # A version that is a token is not compared.
    stack = _stack()
    tokened = rds.DatabaseInstanceEngine.postgres(
        version=rds.PostgresEngineVersion.of(cdk.Fn.import_value("Version"), "17")
    )
    found = resolve_existing_primary(
        stack, _import(stack, engine=tokened), _secret(stack), engine=unversioned, port=None
    )
    assert found is not None and found.engine is unversioned


def test_the_port_compared() -> None:
    _refused("port must be left unset or be existing_primary's port 5432, got 5433", port=5433)
    stack = _stack()
    _refused(
        "existing_primary.port must be a literal port number, got 'x5432'",
        instance=_ported(stack, "x5432"),
        secret=_secret(stack),
        stack=stack,
    )


def _ported(stack: cdk.Stack, port: str) -> Any:
    """The import, its endpoint port read as ``port`` (the attribute is read-only)."""
    instance = _import(stack)
    instance.__class__ = type(
        "Ported", (type(instance),), {"db_instance_endpoint_port": property(lambda self: port)}
    )
    return instance


def test_a_token_port_is_refused() -> None:
    stack = _stack()
    token = cdk.Token.as_string(cdk.Fn.import_value("Port"))
    _refused(
        f"existing_primary.port must be a literal port number, got {token!r}",
        instance=_ported(stack, token),
        secret=_secret(stack),
        stack=stack,
    )


def test_the_pair_is_refused_half_given() -> None:
    stack = _stack()
    _refused(
        "existing_secret must be given with existing_primary: its credentials (JSON with "
        "username and password), which the services read, got None",
        instance=_import(stack),
        secret=None,
        stack=stack,
    )
    stack = _stack()
    _refused(
        "existing_primary must be given with existing_secret, got None",
        instance=None,
        secret=_secret(stack),
        stack=stack,
    )


@pytest.mark.parametrize(
    "identifier", ["a", "a" * 63, "Legacy-DB-1", "a1-b2-c3"], ids=["1", "63", "mixed", "hyphens"]
)
def test_identifiers_accepted(identifier: str) -> None:
    stack = _stack()
    found = resolve_existing_primary(
        stack,
        _import(stack, instance_identifier=identifier),
        _secret(stack),
        engine=None,
        port=None,
    )
    assert found is not None and found.identifier == identifier


@pytest.mark.parametrize("identifier", ["a" * 64, "1db", "legacy--db", "legacy-", "leg_acy", "-a"])
def test_identifiers_refused(identifier: str) -> None:
    stack = _stack()
    _refused(
        "existing_primary.instance_identifier must be a DB instance identifier (1 to 63 "
        "letters, digits and hyphens, starting with a letter, no '--', no hyphen at the end), "
        f"got {identifier!r}",
        instance=_import(stack, instance_identifier=identifier),
        secret=_secret(stack),
        stack=stack,
    )


def test_bad_instances_refused() -> None:
    stack = _stack()
    _refused(
        "existing_primary must be an RDS DB instance (rds.DatabaseInstance.from_database_"
        "instance_attributes), got 'legacy-db'",
        instance="legacy-db",
        stack=stack,
    )
    stack = _stack()
    _refused(
        "existing_primary must be imported with a literal instance_identifier: its replicas' "
        "source ARN is built from it, got 'Db/Legacy'",
        instance=_import(stack, instance_identifier=cdk.Aws.STACK_NAME),
        secret=_secret(stack),
        stack=stack,
    )
    stack = _stack()
    _refused(
        "existing_primary must be imported with its engine (engine=rds.DatabaseInstanceEngine."
        "postgres(...) with its version), or engine be given: the replicas' parameter groups "
        "follow its engine and version, got 'Db/Legacy'",
        instance=_import(stack, engine=None),
        secret=_secret(stack),
        stack=stack,
    )
    stack = _stack()
    _refused(
        "existing_primary must be imported with its security groups (security_groups=[...]): "
        "the region's clients are admitted on them (import them with mutable=False to admit "
        "the clients yourself), got 'Db/Legacy'",
        instance=_import(stack, security_groups=[]),
        secret=_secret(stack),
        stack=stack,
    )
    stack = _stack()
    elsewhere = _stack("Elsewhere")
    _refused(
        "existing_primary must be imported in the database's stack 'Db' (with a scope there; "
        "in MultiRegionApp, a PerRegion function): the library admits the clients on its "
        "security groups from that stack, got 'Elsewhere/Legacy'",
        instance=_import(elsewhere),
        secret=_secret(stack),
        stack=stack,
    )
    stack = _stack()
    made = rds.DatabaseInstance(
        stack,
        "Made",
        engine=ENGINE,
        vpc=ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0),
        vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
        instance_identifier="made-here",
    )
    _refused(
        "existing_primary must be an existing instance imported with rds.DatabaseInstance."
        "from_database_instance_attributes, not one of the app, got 'Db/Made'",
        instance=made,
        secret=_secret(stack),
        stack=stack,
    )


def test_bad_secrets_refused() -> None:
    stack = _stack()
    _refused(
        "existing_secret must be a Secrets Manager secret (secretsmanager.ISecret), got "
        "'legacy/db'",
        instance=_import(stack),
        secret="legacy/db",
        stack=stack,
    )
    stack = _stack()
    _refused(
        "existing_secret must be imported by its literal complete ARN (secretsmanager.Secret."
        "from_secret_complete_arn, ending in '-' and 6 characters): the library names its "
        "replica in each other region by it, got 'Db/S'",
        instance=_import(stack),
        secret=secretsmanager.Secret.from_secret_name_v2(stack, "S", "legacy/db"),
        stack=stack,
    )
    stack = _stack()
    token_arn = cdk.Token.as_string(cdk.Fn.import_value("SecretArn"))
    _refused(
        "existing_secret must be imported by its literal complete ARN (secretsmanager.Secret."
        "from_secret_complete_arn, ending in '-' and 6 characters): the library names its "
        "replica in each other region by it, got 'Db/LegacySecret'",
        instance=_import(stack),
        secret=_secret(stack, token_arn),
        stack=stack,
    )
    other_region = SECRET_ARN.replace(f":{PRIMARY}:", f":{SECONDARY}:")
    other_account = SECRET_ARN.replace(ACCOUNT, "210987654321")
    other_service = SECRET_ARN.replace("secretsmanager", "ssm")
    not_a_secret = SECRET_ARN.replace(":secret:", ":parameter:")
    for arn, message in (
        (
            other_region,
            "existing_secret must name the stack's region 'us-east-1': a Secrets Manager "
            "secret is regional, and Db deploys to us-east-1 (use one created in, or imported "
            f"for, us-east-1), got {other_region!r}",
        ),
        (
            other_account,
            "existing_secret must name the stack's account '123456789012': a Secrets Manager "
            f"secret must be in that account, got {other_account!r}",
        ),
        (
            other_service,
            "existing_secret must be the ARN of a Secrets Manager secret (service "
            f"'secretsmanager'), got {other_service!r}",
        ),
        (
            not_a_secret,
            "existing_secret must be the ARN of a secret (...:secret:<name>-<6 characters>), "
            f"got {not_a_secret!r}",
        ),
    ):
        stack = _stack()
        _refused(message, instance=_import(stack), secret=_secret(stack, arn), stack=stack)


@pytest.mark.parametrize("name", ["legacy/db", "legacy/db-AbCdE", "legacy/db-AbCd-f"])
def test_a_secret_name_without_its_suffix_is_refused(name: str) -> None:
    arn = SECRET_ARN.replace(SECRET_NAME, name)
    stack = _stack()
    _refused(
        "existing_secret must be the secret's complete ARN, its name ending in '-' and 6 "
        f"characters, got {arn!r}",
        instance=_import(stack),
        # CDK's import refuses such an ARN itself: an object with the ARN reaches the check.
        secret=SimpleNamespace(secret_arn=arn, secret_full_arn=arn),
        stack=stack,
    )


def test_a_secret_name_with_colons() -> None:
    arn = SECRET_ARN.replace(SECRET_NAME, "legacy:db-AbCdEf")
    stack = _stack()
    found = resolve_existing_primary(
        stack, _import(stack), _secret(stack, arn), engine=None, port=None
    )
    assert found is not None and found.secret_name == "legacy:db-AbCdEf"


# --- the instances of the library's, on small stacks ---------------------------------------


def _instances(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == "AWS::RDS::DBInstance"}


def _database(**props: Any) -> tuple[ReplicatedDatabase, dict[str, Any]]:
    stack = _stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
    db = ReplicatedDatabase(stack, "Database", vpc=vpc, **props)
    template = cdk.App.of(stack).synth().get_stack_by_name("Db").template  # type: ignore[union-attr]
    return db, template


@pytest.fixture(scope="module")
def first() -> tuple[ReplicatedDatabase, dict[str, Any]]:
    return _database()


@pytest.fixture(scope="module")
def restored() -> tuple[ReplicatedDatabase, dict[str, Any]]:
    return _database(
        snapshot_identifier=SNAPSHOT, instance_props={"allow_major_version_upgrade": True}
    )


def test_the_first_instance(first: tuple[ReplicatedDatabase, dict[str, Any]]) -> None:
    db, template = first
    ((logical_id, instance),) = _instances(template).items()
    assert logical_id.startswith("DatabaseInstance")
    assert db.instance.node.id == "Instance"
    props = instance["Properties"]
    assert props["StorageEncrypted"] is True
    assert "KmsKeyId" in props
    assert props["AutoMinorVersionUpgrade"] is True
    assert props["CopyTagsToSnapshot"] is True
    assert props["PubliclyAccessible"] is False
    assert props["DeleteAutomatedBackups"] is False
    assert "DBSnapshotIdentifier" not in props
    assert "AllowMajorVersionUpgrade" not in props
    assert "checkov" not in instance.get("Metadata", {})
    assert len(props["VPCSecurityGroups"]) == 1
    assert "MasterUserPassword" in props


def test_instance_settings(first: tuple[ReplicatedDatabase, dict[str, Any]]) -> None:
    db, _template = first
    key = db.encryption_key
    settings = instance_settings(db, key)  # type: ignore[arg-type]
    assert settings["auto_minor_version_upgrade"] is True
    assert settings["copy_tags_to_snapshot"] is True
    assert settings["publicly_accessible"] is False
    assert settings["delete_automated_backups"] is False


def test_the_restored_instance(restored: tuple[ReplicatedDatabase, dict[str, Any]]) -> None:
    db, template = restored
    ((logical_id, instance),) = _instances(template).items()
    assert logical_id.startswith("DatabaseInstance")
    props = instance["Properties"]
    assert props["DBSnapshotIdentifier"] == SNAPSHOT
    assert props["AllowMajorVersionUpgrade"] is True
    assert "StorageEncrypted" not in props
    assert props["PubliclyAccessible"] is False
    reason = (
        "Restored from snapshot_identifier: the instance inherits the snapshot's encryption "
        "and KMS key (CloudFormation refuses StorageEncrypted beside DBSnapshotIdentifier). "
        "The docs require an encrypted snapshot (copy an unencrypted one with a KMS key "
        "first); the replicas are encrypted with their region's key."
    )
    assert instance["Metadata"]["checkov"] == {"skip": [{"id": "CKV_AWS_16", "comment": reason}]}
    acknowledged = [
        m.data for m in db.instance.node.metadata if m.type == "aws:cdk:acknowledged-rules"
    ]
    assert acknowledged == [
        {"AwsSolutions::AwsSolutions-RDS2": reason},
        {"NIST.800.53.R5::NIST.800.53.R5-RDSStorageEncrypted": reason},
    ] or {k: v for d in acknowledged for k, v in d.items()} == {
        "AwsSolutions::AwsSolutions-RDS2": reason,
        "NIST.800.53.R5::NIST.800.53.R5-RDSStorageEncrypted": reason,
    }


def test_the_writer_import_names_no_real_endpoint(
    first: tuple[ReplicatedDatabase, dict[str, Any]],
) -> None:
    db, _template = first
    scope = Construct(db, "ImportScope")
    imported = writer_import(db, scope, "Writer", PRIMARY)
    # .invalid is reserved (RFC 2606): nothing can connect through the import.
    assert imported.db_instance_endpoint_address == "unused.invalid"
    assert imported.instance_identifier == db._current_identifier(PRIMARY)


def test_the_secret_is_the_one_attached_to_the_instance(
    first: tuple[ReplicatedDatabase, dict[str, Any]],
    restored: tuple[ReplicatedDatabase, dict[str, Any]],
) -> None:
    # The services read the attachment (host and port added to the secret), not the bare
    # secret: their stack then waits for the attachment.
    for db, _template in (first, restored):
        stack = cdk.Stack.of(db)
        assert db.secret.node.path == "Db/Database/Secret/Attachment"
        (attachment,) = [
            k
            for k, v in _template["Resources"].items()
            if v["Type"] == "AWS::SecretsManager::SecretTargetAttachment"
        ]
        assert stack.resolve(db.secret.secret_arn) == {"Ref": attachment}
