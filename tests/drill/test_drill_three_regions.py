"""The drill's three-region run (tools/drill.py): the example in us-east-1, us-east-2 and
us-west-2, us-east-1 down, the runbook's failover block and its us-west-2 command verbatim."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tools.drill import (
    PRIMARY,
    RUNBOOK,
    SECONDARY,
    THIRD,
    Drill,
    deployed_three_region_drill,
    prose_command,
)

pytestmark = [pytest.mark.drill, pytest.mark.slow]


@pytest.fixture(scope="module")
def drill(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Drill]:
    with deployed_three_region_drill(tmp_path_factory.mktemp("drill-three")) as deployed:
        yield deployed


def test_the_third_regions_command_is_the_runbooks() -> None:
    assert prose_command(RUNBOOK.read_text(), "shop-us-west-2") == (
        "cdk deploy shop-us-west-2 --exclusively -c database_history=promote:us-east-2"
    )


def test_three_regions_fail_over_without_the_failed_region(drill: Drill) -> None:
    result = drill.three_region_failover()
    assert [key for key in drill.failover_calls if key[0] == PRIMARY] == []
    assert {key[0] for key in drill.failover_calls} == {SECONDARY, THIRD}
    assert (
        result["third"]["ReadReplicaSourceDBInstanceIdentifier"]
        == (result["promoted"]["DBInstanceArn"])
    )
    assert len(result["checks"]) == 2
    assert not any(PRIMARY in name for name in [*result["aliases"], *result["checks"]])
