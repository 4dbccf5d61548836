"""Which resources of other stacks a resource reads, found from its properties (slow: a jsii
callback per token), to check the producers each reader names (``_private/producers.py``)."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from constructs import IConstruct


class _Recorder(cdk.DefaultTokenResolver):
    """Resolves like CDK and notes the target of every reference it meets."""

    def __init__(self) -> None:
        super().__init__(cdk.StringConcat())
        self.targets: list[IConstruct] = []

    def resolve_token(
        self, t: cdk.IResolvable, context: cdk.IResolveContext, post_processor: cdk.IPostProcessor
    ) -> Any:
        if isinstance(t, cdk.Reference):
            self.targets.append(t.target)
        return super().resolve_token(t, context, post_processor)


def read_from_other_stacks(resource: cdk.CfnResource) -> set[str]:
    """The paths of the resources of other stacks that ``resource``'s properties refer to."""
    recorder = _Recorder()
    cdk.Tokenization.resolve(resource._cfn_properties, scope=resource, resolver=recorder)
    own = cdk.Stack.of(resource).node.path
    return {t.node.path for t in recorder.targets if cdk.Stack.of(t).node.path != own}


def resources_by_logical_id(stack: cdk.Stack) -> dict[str, cdk.CfnResource]:
    """Every L1 resource of ``stack`` by its logical id."""
    found = [c for c in stack.node.find_all() if isinstance(c, cdk.CfnResource)]
    ids = stack.resolve([c.logical_id for c in found])
    return dict(zip(ids, found, strict=True))
