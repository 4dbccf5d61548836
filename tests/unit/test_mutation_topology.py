"""discovery/topology.py: lookups, the derived regions and databases, the title line and the
JSON form of :class:`Topology`, built by hand (no AWS). Kills the mutants of
``tools/mutate.py`` in about a second each (docs/guides/testing.md)."""

from __future__ import annotations

import dataclasses
import json

import pytest

from multiregion_tap.discovery import model
from multiregion_tap.discovery.topology import Topology

E1, E2, W2 = "us-east-1", "us-east-2", "us-west-2"


def _stack(name: str, region: str, role: str | None = None) -> model.StackInfo:
    outputs = {"MultiRegionTapRegionRole": role} if role else {}
    return model.StackInfo(
        name=name,
        region=region,
        kind="regional",
        stack_id=f"arn:aws:cloudformation:{region}:1:stack/{name}/x",
        status="CREATE_COMPLETE",
        outputs=model.frozen_map(outputs),
    )


def _db(region: str, source: str | None = None) -> model.DatabaseInfo:
    return model.DatabaseInfo(
        identifier=f"db-{region}",
        arn=f"arn:aws:rds:{region}:1:db:db",
        region=region,
        source_arn=source,
    )


def topology() -> Topology:
    """us-east-1 secondary with a standalone database, us-east-2 primary with one too (after a
    promotion: the primary's is preferred), us-west-2 unreachable, plus a helper stack."""
    regional = (
        model.RegionTopology(
            region=E1,
            role="secondary",
            stack=_stack("shop-us-east-1", E1, "secondary"),
            database=_db(E1),
        ),
        model.RegionTopology(
            region=E2,
            role="primary",
            stack=_stack("shop-us-east-2", E2, "primary"),
            database=_db(E2),
        ),
        model.RegionTopology(region=W2, role=None, reachable=False, error="timeout"),
    )
    stacks = (regional[0].stack, regional[1].stack, _stack("shop-dns", E1))
    return Topology(
        app_name="shop",
        regions=(E1, E2, W2),
        stacks=tuple(s for s in stacks if s),
        regional=regional,
    )


def test_star_import_gives_topology() -> None:
    namespace: dict[str, object] = {}
    exec("from multiregion_tap.discovery.topology import *", namespace)
    assert namespace["Topology"] is Topology


def test_region_lookup() -> None:
    topo = topology()
    assert topo.region(E2).role == "primary"
    with pytest.raises(
        KeyError,
        match=r"region 'eu-west-1' is not one of the regions searched "
        r"\['us-east-1', 'us-east-2', 'us-west-2'\]",
    ):
        topo.region("eu-west-1")


def test_stack_lookup() -> None:
    topo = topology()
    assert topo.stack("shop-dns") == _stack("shop-dns", E1)
    assert topo.stack("shop-nope") is None


def test_primary_and_unreachable_regions() -> None:
    topo = topology()
    assert topo.primary_region == E2
    assert topo.unreachable_regions == (W2,)
    none = dataclasses.replace(topo, regional=topo.regional[:1])
    assert (none.primary_region, none.unreachable_regions) == (None, ())


def test_the_primary_database_prefers_the_primary_region_and_is_never_a_replica() -> None:
    topo = topology()
    assert topo.primary_database == _db(E2)
    assert topo.replicas == ()
    # the primary region holds a replica: the other standalone one is the primary database
    replica = _db(E2, source="arn:aws:rds:us-east-1:1:db:db")
    regional = (topo.regional[0], dataclasses.replace(topo.regional[1], database=replica))
    promoted = dataclasses.replace(topo, regional=regional)
    assert promoted.primary_database == _db(E1)
    assert promoted.replicas == (replica,)
    only_replica = dataclasses.replace(topo, regional=regional[1:])
    assert (only_replica.primary_database, only_replica.replicas) == (None, (replica,))
    no_db = dataclasses.replace(topo, regional=(model.RegionTopology(region=E1, role="primary"),))
    assert (no_db.primary_database, no_db.replicas) == (None, ())


def test_the_title_line_counts_stacks_and_deployed_regions() -> None:
    topo = topology()
    text = topo.format_table()
    assert text.splitlines()[0] == (
        "multiregion-tap app 'shop': 3 stack(s), 2/3 region(s) deployed, primary us-east-2, "
        "unreachable us-west-2"
    )
    assert str(topo) == text
    quiet = dataclasses.replace(topo, regional=topo.regional[:1])
    assert quiet.format_table().splitlines()[0] == (
        "multiregion-tap app 'shop': 3 stack(s), 1/1 region(s) deployed"
    )


def test_the_table_rows_are_the_regions_then_the_global_ones() -> None:
    rows = topology().to_table()
    assert [r.region for r in rows[:2]] == [E1, E1]
    assert rows[0].name == "shop-us-east-1"
    assert (rows[-1].region, rows[-1].kind, rows[-1].details) == ("global", "peering", "not found")
    assert ("us-east-1", "stack (regional)", "shop-dns") in [
        (r.region, r.kind, r.name) for r in rows
    ]


def test_json_is_indented_by_two_in_field_order_with_the_properties_last() -> None:
    topo = topology()
    text = topo.to_json()
    assert text.startswith('{\n  "app_name": "shop",\n  "regions": [\n    "us-east-1",')
    keys = list(json.loads(text))
    assert keys[:4] == ["app_name", "regions", "stacks", "regional"]
    assert keys[-2:] == ["primary_region", "unreachable_regions"]
    assert json.loads(text)["primary_region"] == E2
    assert json.loads(text)["unreachable_regions"] == [W2]
    assert topo.to_json(indent=None).startswith('{"app_name": "shop", "regions": ["us-east-1"')
    assert topo.as_dict() == json.loads(text)
