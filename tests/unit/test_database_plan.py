"""The database's history replayed (``_private/database_plan``), without a synth: the writer,
each region's role, source and identifier suffix after every entry, and the refusals."""

from __future__ import annotations

import pytest

from multiregion_tap import ValidationError
from multiregion_tap._private.database_plan import (
    DatabasePlan,
    RegionDatabase,
    format_history,
    parse_history,
)

E1, E2, W2 = "us-east-1", "us-east-2", "us-west-2"


def plan(history: str) -> DatabasePlan:
    return DatabasePlan("history", E1, parse_history("history", history))


def state(history: str, region: str) -> tuple[str, str | None, bool, bool, tuple[str, ...]]:
    found = plan(history).region(region)
    return (
        found.role,
        found.source_region,
        found.replica,
        found.promoted,
        found.identifier_suffix,
    )


# ---------------------------------------------------------------------- parsing
def test_parse_accepts_a_sequence_or_a_comma_separated_string() -> None:
    expected = (("promote", E2), ("rebuild", E1))
    assert parse_history("h", ["promote:us-east-2", "rebuild:us-east-1"]) == expected
    assert parse_history("h", "promote:us-east-2,rebuild:us-east-1") == expected
    assert parse_history("h", " promote:us-east-2 , rebuild:us-east-1 ,") == expected
    assert parse_history("h", None) == ()
    assert parse_history("h", "") == ()
    assert format_history(expected) == "promote:us-east-2,rebuild:us-east-1"
    assert format_history(()) == ""


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["move:us-east-2"], r"^h\[0\] must be 'promote:<region>' or 'rebuild:<region>', got"),
        (["promote"], r"^h\[0\] must be 'promote:<region>' or 'rebuild:<region>', got 'promote'"),
        (["promote:us-east-2", "rebuild:nowhere"], r"^h\[1\] must be an AWS region name"),
        ([3], r"^h\[0\] must be a literal 'promote:<region>' or 'rebuild:<region>', got 3"),
        (42, r"^h must be a sequence of 'promote:<region>' or 'rebuild:<region>', got 42"),
    ],
)
def test_parse_refuses_what_is_not_an_entry(value: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_history("h", value)  # type: ignore[arg-type]


# ---------------------------------------------------------------------- replay
def test_the_first_deploy() -> None:
    first = plan("")
    assert (first.writer, first.changed, first.named_regions) == (E1, False, frozenset())
    assert state("", E1) == ("writer", None, False, False, ())
    assert state("", E2) == ("reader", E1, True, False, ())
    assert first.region(E2).read_only and first.region(E2).serving
    assert not first.region(E1).read_only


def test_the_failover() -> None:
    history = "promote:us-east-2"
    assert plan(history).writer == E2 and plan(history).changed
    assert plan(history).named_regions == frozenset({E2})
    assert state(history, E1) == ("superseded", None, False, False, ())
    assert state(history, E2) == ("writer", None, True, True, ())
    assert state(history, W2) == ("reader", E2, True, False, ("from", "use2"))
    superseded = plan(history).region(E1)
    assert superseded.read_only and not superseded.serving
    assert plan(history).superseded([E1, E2, W2]) == [E1]


def test_the_whole_fail_back() -> None:
    h2 = "promote:us-east-2,rebuild:us-east-1"
    assert state(h2, E1) == ("reader", E2, True, False, ("from", "use2"))
    assert plan(h2).superseded([E1, E2, W2]) == []
    h3 = f"{h2},promote:us-east-1"
    assert plan(h3).writer == E1
    assert state(h3, E1) == ("writer", None, True, True, ("from", "use2"))
    assert state(h3, E2) == ("superseded", None, True, True, ())
    assert state(h3, W2) == ("reader", E1, True, False, ("from", "use1"))
    h4 = f"{h3},rebuild:us-east-2"
    assert state(h4, E2) == ("reader", E1, True, False, ("from", "use1"))
    assert plan(h4).writer == E1 and plan(h4).superseded([E1, E2, W2]) == []


def test_a_rebuilt_region_that_is_not_promoted_follows_the_next_writer() -> None:
    # us-east-1 rebuilt from us-east-2, then us-west-2 promoted: us-east-1 follows it.
    history = "promote:us-east-2,rebuild:us-east-1,promote:us-west-2"
    assert state(history, E1) == ("reader", W2, True, False, ("from", "usw2"))
    assert state(history, E2) == ("superseded", None, True, True, ())


def test_a_second_cycle_numbers_the_identifiers() -> None:
    history = (
        "promote:us-east-2,rebuild:us-east-1,promote:us-east-1,rebuild:us-east-2,"
        "promote:us-east-2,rebuild:us-east-1"
    )
    assert state(history, E1) == ("reader", E2, True, False, ("from", "use2", "2"))
    assert state(history, W2) == ("reader", E2, True, False, ("from", "use2", "2"))
    third = f"{history},promote:us-east-1,rebuild:us-east-2,promote:us-east-2,rebuild:us-east-1"
    assert state(third, E1)[4] == ("from", "use2", "3")


def test_regions_are_independent_records() -> None:
    """A region's state is a value: replaying does not change an earlier answer."""
    before = plan("promote:us-east-2").region(W2)
    assert isinstance(before, RegionDatabase)
    plan("promote:us-east-2,rebuild:us-east-1,promote:us-east-1")
    assert before == plan("promote:us-east-2").region(W2)


@pytest.mark.parametrize(
    ("history", "message"),
    [
        ("promote:us-east-1", r"^history\[0\] must name a region with a read replica: "),
        ("promote:us-east-2,promote:us-east-2", r"^history\[1\] .*us-east-2 has the writer"),
        ("promote:us-east-2,promote:us-east-1", r"^history\[1\] .*add 'rebuild:us-east-1' first"),
        (
            "rebuild:us-east-2",
            r"^history\[0\] .*us-east-2's is the reader, got 'rebuild:us-east-2'",
        ),
        (
            "promote:us-east-2,rebuild:us-east-1,rebuild:us-east-1",
            r"^history\[2\] .*us-east-1's is the reader",
        ),
        ("promote:us-east-2,rebuild:us-east-2", r"^history\[1\] .*us-east-2's is the writer"),
    ],
)
def test_a_history_that_cannot_be_made_safe(history: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        plan(history)


def test_a_second_failover_leaves_the_first_superseded_region_as_it_was() -> None:
    # us-east-1 superseded by the first promotion; the second promotion re-sources the
    # readers only: us-east-1's diverged instance keeps no source and its identifier.
    history = "promote:us-east-2,promote:us-west-2"
    assert state(history, E1) == ("superseded", None, False, False, ())
    assert state(history, E2) == ("superseded", None, True, True, ())
    assert state(history, W2) == ("writer", None, True, True, ("from", "use2"))


def test_region_records_are_immutable_and_the_module_exports_its_api() -> None:
    import dataclasses

    from multiregion_tap._private import database_plan

    record = plan("").region(E2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.role = "writer"  # type: ignore[misc]
    assert sorted(database_plan.__all__) == [
        "DatabasePlan",
        "PROMOTE",
        "REBUILD",
        "RegionDatabase",
        "Role",
        "format_history",
        "parse_history",
    ]
    assert (database_plan.PROMOTE, database_plan.REBUILD) == ("promote", "rebuild")
