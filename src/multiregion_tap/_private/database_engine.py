"""Engine facts used by ReplicatedDatabase (TLS parameter, log types, ports, storage limits)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from aws_cdk import aws_rds as rds

#: RDS accepts ports 1150-65535 for PostgreSQL and MySQL instances.
PORT_RANGE = (1150, 65535)
#: gp3 storage: at least 20 GiB for PostgreSQL and MySQL, at most 64 TiB.
MAX_STORAGE_GIB = 65536
#: Automated backups: 1-35 days (0 would disable them, which read replicas forbid).
BACKUP_RETENTION_RANGE = (1, 35)

# "t4g.medium", "db.r7g.2xlarge", "m7i-flex.large", "x2iedn.metal-24xl"
INSTANCE_CLASS_RE = re.compile(
    r"(?:db\.)?[a-z]+[0-9]+[a-z0-9-]*\."
    r"(?:nano|micro|small|medium|large|[0-9]*xlarge|metal(?:-[0-9]+xl)?)"
)
DB_USERNAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,15}")
DB_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,62}")


@dataclass(frozen=True)
class EngineFacts:
    """What differs between the supported engines."""

    family: str
    default_port: int
    min_storage_gib: int
    tls_parameters: tuple[tuple[str, str], ...]
    log_exports: tuple[str, ...]
    reserved_usernames: frozenset[str]


_FACTS = {
    "postgres": EngineFacts(
        family="postgres",
        default_port=5432,
        min_storage_gib=20,
        tls_parameters=(("rds.force_ssl", "1"),),
        log_exports=("postgresql", "upgrade"),
        reserved_usernames=frozenset({"postgres", "rdsadmin", "rds_superuser", "admin"}),
    ),
    "mysql": EngineFacts(
        family="mysql",
        default_port=3306,
        min_storage_gib=20,
        tls_parameters=(("require_secure_transport", "ON"),),
        log_exports=("audit", "error", "general", "slowquery"),
        reserved_usernames=frozenset({"rdsadmin", "root", "mysql.sys"}),
    ),
}

SUPPORTED_ENGINES = tuple(_FACTS)


def default_engine() -> rds.IInstanceEngine:
    """PostgreSQL 17.6: a current, non-deprecated minor version in aws-cdk-lib 2.275."""
    return rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_17_6)


def facts_for(engine_type: str) -> EngineFacts | None:
    """The facts of ``engine_type`` (``"postgres"`` or ``"mysql"``), or ``None``."""
    return _FACTS.get(engine_type)


def normalize_instance_class(value: str) -> str:
    """``"db.t4g.medium"`` -> ``"t4g.medium"`` (what ``ec2.InstanceType`` expects)."""
    return value.removeprefix("db.")
