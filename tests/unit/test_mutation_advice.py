"""discovery/advice.py: every branch of :func:`next_step`, compared with the runbook's literal
command lines and messages. Pure Python (no AWS, no aws-cdk-lib): kills the mutants of
``tools/mutate.py`` in about a second each (see docs/guides/testing.md)."""

from __future__ import annotations

import pytest

from multiregion_tap.discovery.advice import RegionState, next_step

E1, E2, W2 = "us-east-1", "us-east-2", "us-west-2"
NO_ADVICE = "next: no automatic advice; see the failover runbook"


def state(
    region: str,
    role: str | None,
    *,
    up: bool = True,
    writer: bool = False,
    down: bool = False,
    history: str = "",
) -> RegionState:
    return RegionState(
        region=region,
        reachable=up,
        role=role,
        writer=writer,
        stood_down=down,
        database_history=history,
    )


def deploy(stack: str, history: str = "") -> str:
    line = f"cdk deploy shop-{stack} --exclusively"
    return f"{line} -c database_history={history}" if history else line


def test_star_import_and_defaults() -> None:
    namespace: dict[str, object] = {}
    exec("from multiregion_tap.discovery.advice import *", namespace)
    assert {k for k in namespace if not k.startswith("__")} == {
        "NOTHING_TO_DO",
        "NO_ADVICE",
        "RegionState",
        "next_step",
    }
    s = RegionState(region=E1, reachable=True)
    assert (s.role, s.writer, s.stood_down, s.database_history) == (None, False, False, "")


def test_the_primary_holds_the_only_writer() -> None:
    states = [state(E1, "primary", writer=True), state(E2, "secondary"), state(W2, None, up=False)]
    assert next_step("shop", states) == ["next: nothing to do"]


def test_first_failover_to_the_first_reachable_replica_then_dns_then_the_others() -> None:
    states = [
        state(E1, "primary", up=False, writer=True),
        state(E2, "secondary"),
        state(W2, "secondary"),
    ]
    wanted = "promote:us-east-2"
    assert next_step("shop", states) == [
        deploy(E2, wanted),
        deploy("dns", wanted),
        deploy(W2, wanted),
    ]


def test_second_failover_appends_to_the_longest_history_of_a_reachable_region() -> None:
    states = [
        state(E1, "primary", history="promote:us-east-2,rebuild:us-east-1"),
        state(E2, "secondary", up=False, writer=True, history="x,y,z,w"),
        state(W2, "secondary", history="promote:us-east-2"),
    ]
    wanted = "promote:us-east-2,rebuild:us-east-1,promote:us-east-1"
    assert next_step("shop", states) == [
        deploy(E1, wanted),
        deploy("dns", wanted),
        deploy(W2, wanted),
    ]


def test_writer_unreachable_and_a_writer_elsewhere() -> None:
    one = [state(E1, "primary", up=False), state(E2, "secondary", writer=True)]
    assert next_step("shop", one) == [
        NO_ADVICE,
        "the writer's region us-east-1 is unreachable and us-east-2 has a writer: the failover "
        "has happened or is under way; fail back once us-east-1 answers again",
    ]
    two = [*one, state(W2, "secondary", writer=True)]
    assert next_step("shop", two)[1].startswith(
        "the writer's region us-east-1 is unreachable and us-east-2, us-west-2 have a writer: "
    )


def test_writer_unreachable_and_no_replica_to_fail_over_to() -> None:
    states = [state(E1, "primary", up=False), state(E2, "secondary", writer=True, down=True)]
    assert next_step("shop", states) == [
        NO_ADVICE,
        "the writer's region us-east-1 is unreachable and no reachable region has a read "
        "replica to fail over to",
    ]


def test_the_history_is_ahead_of_the_writer_s_deploy() -> None:
    states = [
        state(E1, "primary", history="promote:us-east-2"),
        state(E2, "secondary", history=",promote:us-east-2,"),
    ]
    assert next_step("shop", states) == [
        deploy(E2, "promote:us-east-2"),
        deploy("dns", "promote:us-east-2"),
    ]


def test_no_writer_and_no_history() -> None:
    states = [state(E1, "primary"), state(E2, "secondary")]
    assert next_step("shop", states) == [NO_ADVICE, "no reachable region has a writer database"]


def test_a_writer_outside_the_primary_without_a_history() -> None:
    one = [state(E1, "primary"), state(E2, "secondary", writer=True)]
    assert next_step("shop", one) == [
        NO_ADVICE,
        "us-east-2 has a writer, not the primary region us-east-1, and no regional stack "
        "reports a database history",
    ]
    two = [*one, state(W2, "secondary", writer=True)]
    assert next_step("shop", two)[1].startswith("us-east-2, us-west-2 have a writer, not the")


def test_the_old_writer_back_with_its_service_running_is_stood_down() -> None:
    states = [
        state(E1, "primary", writer=True),
        state(E2, "secondary", writer=True, history="promote:us-east-2"),
        state(W2, "secondary", writer=True),
    ]
    assert next_step("shop", states) == [
        deploy(E1, "promote:us-east-2"),
        deploy(W2, "promote:us-east-2"),
    ]


def test_the_writer_stood_down() -> None:
    states = [state(E1, "primary", writer=True, down=True), state(E2, "secondary")]
    assert next_step("shop", states) == [NO_ADVICE, "the writer's region us-east-1 is stood down"]


def test_a_superseded_writer_is_rebuilt_as_a_replica() -> None:
    states = [
        state(E1, "primary", writer=True, down=True),
        state(E2, "secondary", writer=True, history="promote:us-east-2"),
    ]
    wanted = "promote:us-east-2,rebuild:us-east-1"
    assert next_step("shop", states) == [deploy(E1, wanted), deploy("dns", wanted)]


def test_the_switch_back_to_the_rebuilt_primary() -> None:
    states = [
        state(E1, "primary", history="promote:us-east-2,rebuild:us-east-1"),
        state(E2, "secondary", writer=True, history="promote:us-east-2,rebuild:us-east-1"),
        state(W2, "secondary"),
    ]
    wanted = "promote:us-east-2,rebuild:us-east-1,promote:us-east-1"
    assert next_step("shop", states) == [
        deploy(E2, wanted),
        deploy(E1, wanted),
        deploy("dns", wanted),
        deploy(W2, wanted),
    ]


def test_failed_over_and_the_primary_still_unreachable() -> None:
    states = [
        state(E1, "primary", up=False),
        state(E2, "secondary", writer=True, history="promote:us-east-2"),
    ]
    assert next_step("shop", states) == [
        NO_ADVICE,
        "the primary region us-east-1 is unreachable and us-east-2 has the writer: the failover "
        "has happened or is under way; fail back once us-east-1 answers again",
    ]


def test_a_history_naming_a_region_not_given() -> None:
    states = [state(E1, "primary", writer=True, history="promote:eu-west-1")]
    assert next_step("shop", states) == [
        NO_ADVICE,
        "the history names eu-west-1, which is not a region given",
    ]


def test_only_promotions_move_the_writer() -> None:
    states = [
        state(E1, "primary", writer=True, history="rebuild:us-east-2,xpromote:us-east-2"),
        state(E2, "secondary"),
    ]
    assert next_step("shop", states) == ["next: nothing to do"]


@pytest.mark.parametrize(
    "states",
    [
        [state(E1, "secondary"), state(E2, "primary", up=False)],
        [],
    ],
)
def test_no_primary_and_the_first_region_answered(states: list[RegionState]) -> None:
    assert next_step("shop", states) == [
        NO_ADVICE,
        "no region's role output says primary, and the first region answered",
    ]


def test_the_first_region_unreachable_is_the_primary_when_no_role_says_so() -> None:
    states = [state(E1, None, up=False), state(E2, "secondary")]
    assert next_step("shop", states) == [
        deploy(E2, "promote:us-east-2"),
        deploy("dns", "promote:us-east-2"),
    ]


def test_region_state_is_keyword_only_frozen_and_hashable() -> None:
    import dataclasses

    s = RegionState(region=E1, reachable=True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.writer = True  # type: ignore[misc]
    with pytest.raises(TypeError):
        RegionState(E1, True)  # type: ignore[misc]
    assert len({s, RegionState(region=E1, reachable=True)}) == 1
