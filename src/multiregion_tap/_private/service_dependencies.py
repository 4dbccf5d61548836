"""Dependency clean-up for :mod:`multiregion_tap.regional_service` (private)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aws_cdk as cdk
import jsii

from .producers import object_id


@jsii.implements(cdk.IStableListProducer)
class _DependsOnWithout:
    """Produces a resource's ``DependsOn`` list minus some resources.

    Evaluated at template resolution, after CDK turned construct dependencies into resource
    dependencies, so it sees the final set.
    """

    def __init__(self, resource: cdk.CfnResource, without: Sequence[cdk.CfnResource]) -> None:
        self._resource = resource
        self._without = frozenset(object_id(r) for r in without)

    def produce(self) -> list[str] | None:
        stack = cdk.Stack.of(self._resource)
        ids: set[str] = set()
        for dependency in self._resource.obtain_dependencies():
            if not isinstance(dependency, cdk.CfnResource):
                continue
            if object_id(dependency) in self._without:
                continue
            if object_id(cdk.Stack.of(dependency)) != object_id(stack):
                continue
            ids.add(stack.resolve(stack.get_logical_id(dependency)))
        return sorted(ids) or None


def drop_depends_on(resource: cdk.CfnResource, without: Sequence[Any]) -> None:
    """Keep ``without`` out of ``resource``'s ``DependsOn``.

    For dependencies CDK adds that a ``Ref`` in the resource's properties already enforces:
    cfn-lint reports those as W3005. Only use it for such resources.
    """
    resource.add_override("DependsOn", cdk.Lazy.list(_DependsOnWithout(resource, list(without))))
