"""_private/service_dependencies.py on a bare stack of plain CfnResources: ``drop_depends_on``
leaves out exactly the resources it is given, keeps the other dependencies of the same stack,
and leaves no ``DependsOn`` at all when nothing is left. Kills the mutants of
``tools/mutate.py`` in about two seconds each (docs/guides/testing.md)."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from multiregion_tap._private.service_dependencies import drop_depends_on


def _topic(scope: cdk.Stack, construct_id: str) -> cdk.CfnResource:
    return cdk.CfnResource(scope, construct_id, type="AWS::SNS::Topic")


@pytest.fixture(scope="module")
def templates() -> tuple[dict[str, Any], dict[str, Any]]:
    stack = cdk.Stack(cdk.App(), "Shop")
    a, b, c = _topic(stack, "A"), _topic(stack, "B"), _topic(stack, "C")
    keeps_a = _topic(stack, "KeepsA")
    keeps_a.node.add_dependency(a, b, c)
    drop_depends_on(keeps_a, [b, c])
    none_left = _topic(stack, "NoneLeft")
    none_left.node.add_dependency(a)
    drop_depends_on(none_left, [a])
    untouched = _topic(stack, "Untouched")
    untouched.node.add_dependency(a, b)
    # the dependency on the parent stack's resource is the nested stack's, not this resource's
    nested = cdk.NestedStack(stack, "Nested")
    inner = _topic(nested, "Inner")
    inner.node.add_dependency(a)
    drop_depends_on(inner, [])
    return (
        Template.from_stack(stack).to_json()["Resources"],
        Template.from_stack(nested).to_json()["Resources"],
    )


def test_the_given_resources_are_left_out_of_depends_on(
    templates: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    resources, _ = templates
    assert resources["KeepsA"]["DependsOn"] == ["A"]
    assert sorted(resources["Untouched"]["DependsOn"]) == ["A", "B"]


def test_nothing_left_means_no_depends_on(
    templates: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    resources, _ = templates
    assert resources["NoneLeft"] == {"Type": "AWS::SNS::Topic"}
    assert not any("XXDependsOn" in r for r in resources.values())


def test_a_dependency_in_another_stack_is_not_listed(
    templates: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    _, nested = templates
    assert nested["Inner"] == {"Type": "AWS::SNS::Topic"}
