"""The fail-back after a failover: ``ReplicatedDatabaseProps.history``, one entry per step.

After ``promote:us-east-2`` (the failover), the runbook's fail-back is ``rebuild:us-east-1``
(a fresh replica of the writer in the old primary region), ``promote:us-east-1`` (the switch)
and ``rebuild:us-east-2``: the first deploy's layout again, under new identifiers and the same
logical ids. At every step exactly one region writes, superseded writers are stood down,
retained and out of DNS, and the DNS PRIMARY record is the writer's.
"""

from __future__ import annotations

import re
from typing import Any

import aws_cdk as cdk
import pytest

from multiregion_tap import (
    FailoverDnsProps,
    MultiRegionApp,
    ReplicatedDatabaseProps,
    ValidationError,
)
from multiregion_tap._private.database_plan import DatabasePlan, parse_history
from tests.support.templates import of_type, raw_templates

ACCOUNT = "123456789012"
E1, E2, W2 = "us-east-1", "us-east-2", "us-west-2"
STEPS = (
    "",
    "promote:us-east-2",
    "promote:us-east-2,rebuild:us-east-1",
    "promote:us-east-2,rebuild:us-east-1,promote:us-east-1",
    "promote:us-east-2,rebuild:us-east-1,promote:us-east-1,rebuild:us-east-2",
)
#: Per step: (writer, superseded regions, DNS regions in failover order).
EXPECTED = {
    STEPS[0]: (E1, set(), [E1, E2, W2]),
    STEPS[1]: (E2, {E1}, [E2, W2]),
    STEPS[2]: (E2, set(), [E2, E1, W2]),
    STEPS[3]: (E1, {E2}, [E1, W2]),
    STEPS[4]: (E1, set(), [E1, E2, W2]),
}


def _app(history: str, regions: tuple[str, ...] = (E2, W2)) -> dict[str, dict[str, Any]]:
    shop = MultiRegionApp(
        cdk.App(),
        "Shop",
        app_name="shop",
        account=ACCOUNT,
        secondary_regions=regions,
        database=ReplicatedDatabaseProps(history=history or None),
        dns=FailoverDnsProps(zone_name="mycompany.com", record_name="www.mycompany.com"),
        monitoring=False,
        peering=False,
    )
    return raw_templates(shop)


@pytest.fixture(scope="module")
def steps() -> dict[str, dict[str, dict[str, Any]]]:
    """The app with two secondary regions at each step of the runbook's history."""
    return {history: _app(history) for history in STEPS}


def _env(template: dict[str, Any]) -> dict[str, Any]:
    (task,) = of_type(template, "AWS::ECS::TaskDefinition").values()
    (container,) = task["Properties"]["ContainerDefinitions"]
    return {e["Name"]: e["Value"] for e in container.get("Environment", [])}


def _db(template: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    ((logical_id, instance),) = of_type(template, "AWS::RDS::DBInstance").items()
    return logical_id, instance


def _dns_order(templates: dict[str, dict[str, Any]]) -> list[str]:
    """The regions of the health checks, in the order of their logical ids (position based:
    the first is the PRIMARY's)."""
    checks = of_type(templates["shop-dns"], "AWS::Route53::HealthCheck")
    found = []
    for _, check in sorted(checks.items()):
        fqdn = check["Properties"]["HealthCheckConfig"]["FullyQualifiedDomainName"]
        ((stack, _),) = re.findall(
            r"'StackName': '(shop-[a-z0-9-]+)', 'Region': '([a-z0-9-]+)'", str(fqdn)
        )
        found.append(stack.removeprefix("shop-"))
    return found


@pytest.mark.parametrize("history", STEPS)
def test_one_writer_superseded_stood_down_and_out_of_dns(
    steps: dict[str, dict[str, dict[str, Any]]], history: str
) -> None:
    templates = steps[history]
    writer, superseded, dns = EXPECTED[history]
    read_only = {r: _env(templates[f"shop-{r}"])["DATABASE_READ_ONLY"] for r in (E1, E2, W2)}
    assert read_only == {r: "false" if r == writer else "true" for r in (E1, E2, W2)}
    for region in (E1, E2, W2):
        template = templates[f"shop-{region}"]
        (service,) = of_type(template, "AWS::ECS::Service").values()
        assert service["Properties"]["DesiredCount"] == (0 if region in superseded else 2)
        _, db = _db(template)
        retained = (db["DeletionPolicy"], db["UpdateReplacePolicy"])
        assert retained == (("Retain",) * 2 if region in superseded else ("Snapshot",) * 2)
        is_writer = "SourceDBInstanceIdentifier" not in db["Properties"]
        assert is_writer == (region == writer or region in superseded), region
        outputs = template["Outputs"]
        assert outputs.get("DatabaseHistory", {}).get("Value", "") == history
    assert sorted(_dns_order(templates)) == sorted(dns)
    records = of_type(templates["shop-dns"], "AWS::Route53::RecordSet")
    primary = [r for r in records.values() if r["Properties"].get("Failover") == "PRIMARY"]
    # The top record's PRIMARY (the first one, by its position-based logical id) is the writer.
    top = sorted(
        (k for k, r in records.items() if r["Properties"].get("Failover") == "PRIMARY"),
        key=len,
    )[0]
    alias = str(records[top]["Properties"]["AliasTarget"]["DNSName"])
    assert f"'StackName': 'shop-{writer}'" in alias and primary


def test_rebuild_replaces_the_old_primary_with_a_replica_of_the_writer(
    steps: dict[str, dict[str, dict[str, Any]]],
) -> None:
    first_id, first = _db(steps[""]["shop-us-east-1"])
    logical_id, rebuilt = _db(steps[STEPS[2]]["shop-us-east-1"])
    assert logical_id == first_id  # CloudFormation replaces it in place
    props = rebuilt["Properties"]
    assert props["DBInstanceIdentifier"] == "shop-use1-database-from-use2"
    assert props["SourceDBInstanceIdentifier"] == {
        "Fn::Sub": "arn:${AWS::Partition}:rds:us-east-2:${AWS::AccountId}:db:shop-use2-database"
    }
    # A replica: no credentials, no StorageEncrypted beside the source (KmsKeyId encrypts).
    for absent in ("MasterUsername", "MasterUserPassword", "DBName", "StorageEncrypted"):
        assert absent not in props, absent
    assert props["KmsKeyId"] == first["Properties"]["KmsKeyId"]
    assert props["MultiAZ"] is True and props["DeletionProtection"] is True
    # The secret stays attached to the region's instance (same logical id: an update).
    attachments = of_type(
        steps[STEPS[2]]["shop-us-east-1"], "AWS::SecretsManager::SecretTargetAttachment"
    )
    assert list(attachments) == list(
        of_type(steps[""]["shop-us-east-1"], "AWS::SecretsManager::SecretTargetAttachment")
    )
    (attachment,) = attachments.values()
    assert attachment["Properties"]["TargetId"] == {"Ref": logical_id}


def test_each_region_keeps_its_logical_ids_through_the_whole_cycle(
    steps: dict[str, dict[str, dict[str, Any]]],
) -> None:
    for region in (E1, E2, W2):
        ids = {_db(steps[history][f"shop-{region}"])[0] for history in STEPS}
        assert len(ids) == 1, (region, ids)
    identifiers = {
        region: [
            _db(steps[h][f"shop-{region}"])[1]["Properties"]["DBInstanceIdentifier"] for h in STEPS
        ]
        for region in (E1, E2, W2)
    }
    assert identifiers == {
        E1: ["shop-use1-database"] * 2 + ["shop-use1-database-from-use2"] * 3,
        E2: ["shop-use2-database"] * 4 + ["shop-use2-database-from-use1"],
        W2: ["shop-usw2-database"]
        + ["shop-usw2-database-from-use2"] * 2
        + ["shop-usw2-database-from-use1"] * 2,
    }


def test_the_writer_after_the_switch_is_a_promoted_replica_with_backups(
    steps: dict[str, dict[str, dict[str, Any]]],
) -> None:
    _, writer = _db(steps[STEPS[3]]["shop-us-east-1"])
    assert "SourceDBInstanceIdentifier" not in writer["Properties"]
    assert writer["Properties"]["BackupRetentionPeriod"] == 7
    _, follower = _db(steps[STEPS[3]]["shop-us-west-2"])
    assert follower["Properties"]["SourceDBInstanceIdentifier"] == {
        "Fn::Sub": "arn:${AWS::Partition}:rds:us-east-1:${AWS::AccountId}:db:"
        "shop-use1-database-from-use2"
    }


# ---------------------------------------------------------------------- the plan, pure
def _plan(history: str) -> DatabasePlan:
    return DatabasePlan("history", E1, parse_history("history", history))


def test_a_second_cycle_never_reuses_an_identifier() -> None:
    history = STEPS[4] + ",promote:us-east-2,rebuild:us-east-1,promote:us-east-1"
    plan = _plan(history)
    assert plan.writer == E1
    assert plan.region(E1).identifier_suffix == ("from", "use2", "2")
    assert plan.region(E2).role == "superseded"
    assert plan.region(W2).identifier_suffix == ("from", "use1", "2")
    assert plan.region(W2).source_region == E1


def test_a_region_named_late_keeps_the_identifiers_it_had_as_a_follower() -> None:
    # us-west-2 followed us-east-2 as "from-use2"; promoted, superseded and rebuilt from
    # us-east-2 again, it must not take "from-use2" a second time.
    plan = _plan(
        "promote:us-east-2,promote:us-west-2,rebuild:us-east-2,promote:us-east-2,rebuild:us-west-2"
    )
    assert plan.region(W2).identifier_suffix == ("from", "use2", "2")


# ---------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("history", "message"),
    [
        (
            # The fail-back before a fresh replica exists: the old primary diverged.
            "promote:us-east-2,promote:us-east-1",
            r"^history\[1\] must name a region with a read replica: us-east-1's database was "
            r"superseded and has diverged; add 'rebuild:us-east-1' first, deploy it and wait "
            r"for the replica to catch up, got 'promote:us-east-1'",
        ),
        (
            "promote:us-east-1",
            r"^history\[0\] must name a region with a read replica: us-east-1 has the writer, "
            r"got 'promote:us-east-1'",
        ),
        (
            "promote:us-east-2,rebuild:us-west-2",
            r"^history\[1\] must name a region whose database was superseded by a promotion: "
            r"us-west-2's is the reader, got 'rebuild:us-west-2'",
        ),
        (
            "promote us-east-2",
            r"^history\[0\] must be 'promote:<region>' or 'rebuild:<region>', "
            r"got 'promote us-east-2'",
        ),
        ("promote:mars-1", r"^history\[0\] must be an AWS region name.*got 'mars-1'"),
        (
            "promote:eu-west-1",
            r"^history\[0\] must name one of the app's regions \['us-east-1', 'us-east-2', "
            r"'us-west-2'\], got 'promote:eu-west-1'",
        ),
    ],
)
def test_a_history_that_cannot_be_made_safe_is_refused(history: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _app(history)


def test_promote_replica_in_and_history_together_are_refused() -> None:
    with pytest.raises(
        ValidationError,
        match=r"^promote_replica_in must be left unset with history \(add 'promote:us-east-2' "
        r"to it\), got 'us-east-2'",
    ):
        MultiRegionApp(
            cdk.App(),
            "Shop",
            app_name="shop",
            account=ACCOUNT,
            database=ReplicatedDatabaseProps(
                promote_replica_in="us-east-2", history=["promote:us-east-2"]
            ),
        )
