"""The region-outage drill, step by step (tools/drill.py): the failover runbook's commands, read
from docs/guides/failover-runbook.md and run verbatim on examples/shop deployed once to the
emulator (us-east-1 primary, us-east-2 secondary), with the emulator's region switches.

The tests run in this order on one deployment: each step leaves the state the next one needs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tools.drill import NOTHING_TO_DO, PRIMARY, SECONDARY, Drill, deployed_drill

pytestmark = [pytest.mark.drill, pytest.mark.slow]

FAILOVER = [
    "cdk deploy shop-us-east-2 --exclusively -c database_history=promote:us-east-2",
    "cdk deploy shop-dns --exclusively -c database_history=promote:us-east-2",
]
RECOVER = ["cdk deploy shop-us-east-1 --exclusively -c database_history=promote:us-east-2"]
H2 = "promote:us-east-2,rebuild:us-east-1"
H3 = f"{H2},promote:us-east-1"
H4 = f"{H3},rebuild:us-east-2"
REBUILD = [
    f"cdk deploy shop-{s} --exclusively -c database_history={H2}" for s in ("us-east-1", "dns")
]
SWITCH = [
    f"cdk deploy shop-{s} --exclusively -c database_history={H3}"
    for s in ("us-east-2", "us-east-1", "dns")
]
REBUILD_OTHER = [
    f"cdk deploy shop-{s} --exclusively -c database_history={H4}" for s in ("us-east-2", "dns")
]


@pytest.fixture(scope="module")
def drill(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Drill]:
    with deployed_drill(tmp_path_factory.mktemp("drill")) as deployed:
        yield deployed


def test_the_drill_runs_the_runbooks_commands(drill: Drill) -> None:
    assert drill.runbook["failover"] == tuple(FAILOVER)
    assert drill.runbook["recover"] == tuple(RECOVER)
    assert drill.runbook["rebuild"] == tuple(REBUILD)
    assert drill.runbook["switch"] == tuple(SWITCH)
    assert drill.runbook["rebuild other"] == tuple(REBUILD_OTHER)


def test_a_secondary_region_down_needs_nothing(drill: Drill) -> None:
    look = drill.secondary_down()
    assert look.unreachable(SECONDARY) and not look.unreachable(PRIMARY)
    assert look.writers == [PRIMARY]
    assert look.next == [NOTHING_TO_DO]
    assert drill.server.faults()["regions_down"] == []


def test_the_primary_region_down_status_names_the_runbooks_failover(drill: Drill) -> None:
    look = drill.primary_down_look()
    assert look.unreachable(PRIMARY)
    assert look.writers == []  # the replica is still a replica
    assert look.next == FAILOVER


def test_the_failover_calls_nothing_signed_for_the_failed_region(drill: Drill) -> None:
    calls = drill.failover()
    assert [key for key in calls if key[0] == PRIMARY] == []
    assert calls[(SECONDARY, "cloudformation")]["calls"] > 0
    # The CDK CLI calls no Route 53 API: the DNS stack's CloudFormation (us-east-2) does.
    assert ("us-east-1", "route53") not in calls
    assert all(count["refused"] == 0 for count in calls.values())


def test_after_the_failover_one_writer_and_both_records_on_the_promoted_region(
    drill: Drill,
) -> None:
    result: dict[str, Any] = drill.failover_result()
    assert "ReadReplicaSourceDBInstanceIdentifier" not in result["database"]
    assert set(result["records"]) == {"PRIMARY", "SECONDARY"}
    (check,) = result["health_checks"]
    assert SECONDARY in check["HealthCheckConfig"]["FullyQualifiedDomainName"]


def test_the_old_primary_back_two_writers_and_the_recover_command(drill: Drill) -> None:
    look = drill.primary_back_look()
    assert sorted(look.writers) == [PRIMARY, SECONDARY]
    assert look.exit_code == 4 and len(look.warnings) == 1
    assert look.next == RECOVER


def test_recover_stands_the_old_primary_down(drill: Drill) -> None:
    services = drill.recover()
    assert [s["desiredCount"] for s in services] == [0] * len(services)


def test_after_recovery_one_writer_and_dns_on_the_promoted_region(drill: Drill) -> None:
    look = drill.recovered_look()
    assert look.writers == [SECONDARY]
    assert look.dns_primary == SECONDARY
    assert look.next == REBUILD
    assert any("superseded" in line for line in look.lines if line.startswith("  database"))


def test_fail_back_rebuild_makes_the_old_primary_a_replica_of_the_writer(drill: Drill) -> None:
    result = drill.rebuild()
    assert result["rebuilt"]["DBInstanceIdentifier"] == "shop-use1-database-from-use2"
    assert result["records"] == {"PRIMARY": SECONDARY, "SECONDARY": PRIMARY}


def test_fail_back_switch_moves_the_writer_and_dns_back(drill: Drill) -> None:
    result = drill.switch()
    assert result["writer"]["DBInstanceIdentifier"] == "shop-use1-database-from-use2"
    assert "ReadReplicaSourceDBInstanceIdentifier" not in result["writer"]
    assert result["records"] == {"PRIMARY": PRIMARY, "SECONDARY": PRIMARY}


def test_fail_back_ends_in_the_first_deploys_layout(drill: Drill) -> None:
    result = drill.rebuild_other()
    assert result["replica"]["DBInstanceIdentifier"] == "shop-use2-database-from-use1"
    assert result["records"] == {"PRIMARY": PRIMARY, "SECONDARY": SECONDARY}
    assert result["look"].next == [NOTHING_TO_DO]
