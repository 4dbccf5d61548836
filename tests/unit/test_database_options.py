"""ReplicatedDatabase options beyond the secure defaults: Performance Insights, windows, engine
parameters, storage type and IOPS, the CA certificate, a snapshot to start from, and the
``instance_props`` override, on the primary and on every replica."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_rds as rds

from multiregion_tap import MultiRegionApp, ReplicatedDatabaseProps, ValidationError
from tests.support.lint import cfn_lint_findings
from tests.support.nag import NaggedSynth, app_with_nag, synth_with_nag
from tests.support.templates import of_type, raw_templates

ACCOUNT = "123456789012"
STACKS = ("shop-us-east-1", "shop-us-east-2")
SNAPSHOT = f"arn:aws:rds:us-east-1:{ACCOUNT}:snapshot:shop-before-move"


def _db(template: dict[str, Any]) -> dict[str, Any]:
    (instance,) = of_type(template, "AWS::RDS::DBInstance").values()
    return dict(instance["Properties"])


@pytest.fixture(scope="module")
def tuned() -> NaggedSynth:
    """Every option on, the primary restored from a snapshot; synthesized with cdk-nag."""
    app = app_with_nag()
    MultiRegionApp(
        app,
        "Shop",
        app_name="shop",
        account=ACCOUNT,
        peering=False,
        database=ReplicatedDatabaseProps(
            performance_insights=True,
            performance_insights_retention=rds.PerformanceInsightRetention.MONTHS_1,
            backup_window="03:00-03:30",
            maintenance_window="sun:05:00-sun:06:00",
            parameters={"log_min_duration_statement": "500"},
            storage_type=rds.StorageType.IO2,
            iops=3000,
            allocated_storage_gib=100,
            ca_certificate=rds.CaCertificate.RDS_CA_ECC384_G1,
            snapshot_identifier=SNAPSHOT,
            instance_props={"allow_major_version_upgrade": True},
        ),
    )
    return synth_with_nag(app)


def test_every_instance_gets_the_options(tuned: NaggedSynth) -> None:
    for stack in STACKS:
        db = _db(tuned.raw[stack])
        key_ids = list(of_type(tuned.raw[stack], "AWS::KMS::Key"))
        assert db["EnablePerformanceInsights"] is True
        assert db["PerformanceInsightsRetentionPeriod"] == 31
        # Encrypted with the database's key of its own region.
        assert db["PerformanceInsightsKMSKeyId"]["Fn::GetAtt"][0] in key_ids
        assert db["PreferredBackupWindow"] == "03:00-03:30"
        assert db["PreferredMaintenanceWindow"] == "sun:05:00-sun:06:00"
        assert (db["StorageType"], db["Iops"]) == ("io2", 3000)
        assert db["CACertificateIdentifier"] == "rds-ca-ecc384-g1"
        (group,) = of_type(tuned.raw[stack], "AWS::RDS::DBParameterGroup").values()
        assert group["Properties"]["Parameters"] == {
            "log_min_duration_statement": "500",
            "rds.force_ssl": "1",
        }


def test_the_primary_is_restored_from_the_snapshot(tuned: NaggedSynth) -> None:
    primary = _db(tuned.raw["shop-us-east-1"])
    assert primary["DBSnapshotIdentifier"] == SNAPSHOT
    # The snapshot decides encryption, user name and databases; the password is the secret's.
    for absent in ("StorageEncrypted", "KmsKeyId", "MasterUsername", "DBName"):
        assert absent not in primary, absent
    assert "secretsmanager" in str(primary["MasterUserPassword"])
    assert primary["AllowMajorVersionUpgrade"] is True
    # The replica is encrypted with its own region's key, as always.
    replica = _db(tuned.raw["shop-us-east-2"])
    assert "KmsKeyId" in replica and "AllowMajorVersionUpgrade" not in replica


def test_nag_and_cfn_lint_clean(tuned: NaggedSynth) -> None:
    assert tuned.findings_under("shop-us-east-1/Database", "shop-us-east-2/DatabaseReplica") == {}
    assert cfn_lint_findings(tuned.template_paths[s] for s in STACKS) == ""


def test_the_defaults_set_none_of_them() -> None:
    templates = raw_templates(
        MultiRegionApp(cdk.App(), "Shop", app_name="shop", account=ACCOUNT, database=True)
    )
    for stack in STACKS:
        db = _db(templates[stack])
        for absent in (
            "EnablePerformanceInsights",
            "PreferredBackupWindow",
            "PreferredMaintenanceWindow",
            "Iops",
            "CACertificateIdentifier",
            "DBSnapshotIdentifier",
        ):
            assert absent not in db, (stack, absent)
        assert db["StorageType"] == "gp3"


@pytest.mark.parametrize(
    ("props", "message"),
    [
        (
            {"backup_window": "3:00-3:30"},
            r"^backup_window must be 'hh24:mi-hh24:mi' in UTC, got '3:00-3:30'",
        ),
        (
            {"maintenance_window": "sunday:05:00-sunday:06:00"},
            r"^maintenance_window must be 'ddd:hh24:mi-ddd:hh24:mi' in UTC",
        ),
        (
            {"parameters": {"rds.force_ssl": "0"}},
            r"^parameters\['rds.force_ssl'\] must not be given: the parameter group forces TLS "
            r"with it, got '0'",
        ),
        ({"storage_type": rds.StorageType.IO1}, r"^iops must be given with storage_type IO1"),
        (
            {"storage_type": rds.StorageType.IO2, "iops": 500},
            r"^iops must be between 1000 and 256000, got 500",
        ),
        (
            {"storage_throughput": 100},
            r"^storage_throughput must be between 125 and 4000, got 100",
        ),
        (
            {"storage_type": rds.StorageType.GP2},
            r"^storage_type must be GP3, IO1 or IO2",
        ),
        (
            {"performance_insights_retention": rds.PerformanceInsightRetention.LONG_TERM},
            r"^performance_insights_retention must be left unset unless performance_insights",
        ),
        (
            {"snapshot_identifier": "shop-snap", "database_name": "shop"},
            r"^database_name must be left unset with snapshot_identifier",
        ),
        (
            {"snapshot_identifier": "9-not-a-name"},
            r"^snapshot_identifier must be a DB snapshot identifier",
        ),
        (
            {"instance_props": {"publicly_accessible": True}},
            r"^instance_props\['publicly_accessible'\] must not be given: the library sets it "
            r"\(the database is never publicly accessible\), got True",
        ),
        (
            {"instance_props": {"manage_master_user_password": True}},
            r"^instance_props\['manage_master_user_password'\] must not be given: .*replicated",
        ),
        (
            {"instance_props": {"no_such_option": 1}},
            r"^instance_props\['no_such_option'\] must be a keyword argument of "
            r"rds.DatabaseInstance \(unknown key 'no_such_option'\)",
        ),
    ],
)
def test_bad_options_are_refused(props: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        MultiRegionApp(
            cdk.App(),
            "Shop",
            app_name="shop",
            account=ACCOUNT,
            database=ReplicatedDatabaseProps(**props),
        )


def test_the_guides_database_snippet_synthesizes_as_shown() -> None:
    guide = Path(__file__).resolve().parents[2] / "docs" / "guides" / "customizing.md"
    (snippet,) = re.findall(
        r"^```\{code-block\} python\n:caption: database options\n\n(.*?)^```",
        guide.read_text(),
        re.S | re.M,
    )
    namespace: dict[str, Any] = {}
    exec(compile(snippet, "customizing.md[database options]", "exec"), namespace)
    primary = _db(raw_templates(namespace["shop"])["shop-us-east-1"])
    assert primary["DBSnapshotIdentifier"].endswith(":snapshot:shop-before-move")
    assert primary["EnablePerformanceInsights"] is True
