"""Well-known CloudFormation outputs (see :mod:`multiregion_tap.outputs`)."""

from __future__ import annotations

import weakref

import aws_cdk as cdk
from constructs import Construct

from ..outputs import OutputNames

_KNOWN = frozenset(OutputNames.all())
#: Construct ids of the well-known outputs added to each stack.
_ADDED: weakref.WeakKeyDictionary[cdk.Stack, set[str]] = weakref.WeakKeyDictionary()


def add_well_known_output(
    scope: Construct, name: str, value: str, *, description: str, suffix: str = ""
) -> cdk.CfnOutput:
    """Add the output ``name`` (+ ``suffix``) to the stack of ``scope``.

    The output's logical id is exactly the well-known name, so discovery can read it by name.
    The construct is created directly in the stack (construct id ``Output<name><suffix>``),
    which keeps the logical id stable wherever the calling construct lives. Adding the same
    output twice to one stack is a programming error and raises.
    """
    if name not in _KNOWN:
        raise ValueError(f"{name!r} is not one of OutputNames")
    stack = stack_of(scope)
    output_name = f"{name}{suffix}"
    construct_id = f"Output{output_name}"
    # Remembered in Python (no jsii round trips per output); a construct of the same id
    # added by other means still fails in CDK itself.
    taken = _ADDED.setdefault(stack, set())
    if construct_id in taken:
        raise ValueError(
            f"stack {stack.stack_name!r} already has the output {output_name!r}: "
            "two constructs of the same kind in one stack need distinct output suffixes"
        )
    # ``key`` is the output's logical id (one jsii call, not two with override_logical_id).
    output = cdk.CfnOutput(
        stack, construct_id, value=value, description=description, key=output_name
    )
    taken.add(construct_id)
    return output


#: ``cdk.Stack.of`` per construct, remembered in Python: a construct never changes stack, and
#: each call is a jsii round trip (a service adds some 15 outputs).
_STACKS: weakref.WeakKeyDictionary[Construct, cdk.Stack] = weakref.WeakKeyDictionary()


def stack_of(scope: Construct) -> cdk.Stack:
    """The stack of ``scope`` (``scope`` itself when it is one)."""
    if isinstance(scope, cdk.Stack):
        return scope
    stack = _STACKS.get(scope)
    if stack is None:
        stack = _STACKS[scope] = cdk.Stack.of(scope)
    return stack
