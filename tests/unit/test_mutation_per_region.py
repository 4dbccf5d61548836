"""per_region.py called directly (a bare stack, no synth): what a PerRegion mapping or function
gives each region, and which mappings ``check`` refuses, with the exact messages. Kills the
mutants of ``tools/mutate.py`` in about a second each (docs/guides/testing.md)."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from constructs import Construct

from multiregion_tap import PerRegion, ValidationError

E1, E2, W2 = "us-east-1", "us-east-2", "us-west-2"


def test_star_import_gives_per_region() -> None:
    namespace: dict[str, object] = {}
    exec("from multiregion_tap.per_region import *", namespace)
    assert {k for k in namespace if not k.startswith("__")} == {"PerRegion"}


def test_a_mapping_gives_each_region_its_value() -> None:
    values = PerRegion({E1: "a", E2: None})
    assert values.regions == (E1, E2)
    values.check("web_acl_arn", [E1, E2])
    stack = cdk.Stack(cdk.App(), "S")
    assert values.resolve("web_acl_arn", stack, E1) == "a"
    assert values.resolve("web_acl_arn", stack, E2) is None
    assert repr(values) == "PerRegion({'us-east-1': 'a', 'us-east-2': None})"
    assert stack.node.try_find_child("PerRegion-web_acl_arn") is None


def test_a_function_is_called_with_one_scope_per_prop_in_the_stack() -> None:
    calls: list[tuple[str, str]] = []

    def make(scope: Construct, region: str) -> str:
        calls.append((scope.node.path, region))
        return f"value-{region}"

    values: PerRegion[str] = PerRegion(make)
    assert values.regions is None
    values.check("image", [E1])  # a function names no region: nothing to check
    stack = cdk.Stack(cdk.App(), "Shop")
    assert values.resolve("image", stack, E1) == "value-us-east-1"
    assert values.resolve("image", stack, E2) == "value-us-east-2"
    assert calls == [("Shop/PerRegion-image", E1), ("Shop/PerRegion-image", E2)]
    assert repr(values) == f"PerRegion({make!r})"


def test_neither_a_mapping_nor_a_function_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        PerRegion("us-east-1")  # type: ignore[arg-type]
    assert caught.value.message == (
        "PerRegion must be a mapping of region to value, or a function, got 'us-east-1'"
    )


def test_check_refuses_another_region_a_missing_one_and_a_token() -> None:
    with pytest.raises(ValidationError) as caught:
        PerRegion({E1: "a", W2: "b"}).check("web_acl_arn", [E1, E2])
    assert caught.value.message == (
        "web_acl_arn must only name the app's regions ['us-east-1', 'us-east-2'], got 'us-west-2'"
    )
    with pytest.raises(ValidationError) as caught:
        PerRegion({E2: "b"}).check("web_acl_arn", [E1, E2])
    assert caught.value.message.startswith(
        "web_acl_arn must name every region of the app ['us-east-1', 'us-east-2'] "
        "(missing ['us-east-1']; give None for a region without one)"
    )
    token = cdk.Token.as_string(cdk.Fn.import_value("region"))
    with pytest.raises(ValidationError) as caught:
        PerRegion({token: "a"}).check("web_acl_arn", [E1])
    assert caught.value.message == (
        f"web_acl_arn must name regions literally, not by a token, got {token!r}"
    )
