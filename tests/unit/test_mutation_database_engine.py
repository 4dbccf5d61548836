"""_private/database_engine.py against the RDS documentation's literal values (parameter names,
log types, ports, storage and retention limits, instance class and name formats). No synth:
kills the mutants of ``tools/mutate.py`` in a few seconds each (docs/guides/testing.md)."""

from __future__ import annotations

import pytest

from multiregion_tap._private import database_engine as de


def test_postgres_facts() -> None:
    assert de.facts_for("postgres") == de.EngineFacts(
        family="postgres",
        default_port=5432,
        min_storage_gib=20,
        tls_parameters=(("rds.force_ssl", "1"),),
        log_exports=("postgresql", "upgrade"),
        reserved_usernames=frozenset({"postgres", "rdsadmin", "rds_superuser", "admin"}),
    )


def test_mysql_facts() -> None:
    assert de.facts_for("mysql") == de.EngineFacts(
        family="mysql",
        default_port=3306,
        min_storage_gib=20,
        tls_parameters=(("require_secure_transport", "ON"),),
        log_exports=("audit", "error", "general", "slowquery"),
        reserved_usernames=frozenset({"rdsadmin", "root", "mysql.sys"}),
    )


def test_supported_engines_and_unknown_ones() -> None:
    assert de.SUPPORTED_ENGINES == ("postgres", "mysql")
    assert de.facts_for("aurora-postgresql") is None


def test_rds_limits() -> None:
    # RDS: ports 1150-65535; gp3 up to 64 TiB; automated backups kept 1 to 35 days
    assert de.PORT_RANGE == (1150, 65535)
    assert de.MAX_STORAGE_GIB == 64 * 1024
    assert de.BACKUP_RETENTION_RANGE == (1, 35)


@pytest.mark.parametrize(
    "value",
    [
        "t4g.medium",
        "db.r7g.2xlarge",
        "m7i-flex.large",
        "x2iedn.metal-24xl",
        "t3.micro",
        "db.t3.nano",
        "m5.small",
        "r6i.metal",
        "r6i.xlarge",
        "r6i.12xlarge",
    ],
)
def test_instance_classes_rds_names(value: str) -> None:
    assert de.INSTANCE_CLASS_RE.fullmatch(value)


@pytest.mark.parametrize(
    "value", ["t4g", "medium", "db.t4g", "t4g.huge", "4g.large", "rds.t4g.large", "T4G.large"]
)
def test_instance_classes_rds_does_not_name(value: str) -> None:
    assert not de.INSTANCE_CLASS_RE.fullmatch(value)


def test_master_username_and_database_name_formats() -> None:
    # a letter, then letters, digits and underscores: 16 characters for a user, 63 for a name
    assert de.DB_USERNAME_RE.fullmatch("a" + "b_9" * 5)
    assert not de.DB_USERNAME_RE.fullmatch("a" * 17)
    assert not de.DB_USERNAME_RE.fullmatch("1user")
    assert not de.DB_USERNAME_RE.fullmatch("us-er")
    assert de.DB_NAME_RE.fullmatch("Shop_" + "x" * 58)
    assert not de.DB_NAME_RE.fullmatch("s" * 64)
    assert not de.DB_NAME_RE.fullmatch("_shop")


def test_normalize_instance_class() -> None:
    assert de.normalize_instance_class("db.t4g.medium") == "t4g.medium"
    assert de.normalize_instance_class("t4g.medium") == "t4g.medium"


def test_default_engine_is_postgres_17_6() -> None:
    engine = de.default_engine()
    assert engine.engine_type == "postgres"
    assert engine.engine_version is not None
    assert engine.engine_version.full_version == "17.6"


def test_engine_facts_are_frozen_and_hashable() -> None:
    import dataclasses

    facts = de.facts_for("postgres")
    assert facts is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        facts.default_port = 1  # type: ignore[misc]
    assert hash(facts) == hash(de.facts_for("postgres"))
