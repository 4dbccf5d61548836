"""What a construct may know about the app that composes it, without importing it.

The constructs (``RegionalService``, ``ReplicatedDatabase``, monitoring, peering) are usable
alone and inside a :class:`~multiregion_tap.MultiRegionApp`. Inside one they adapt (names
prefixed with the app name, the region's role in descriptions, helper stacks). They learn
about the app through the small interface :class:`AppStacks`, which ``MultiRegionApp``
implements, and through :func:`app_of`, which answers for any construct inside a stack the
app created: ``MultiRegionApp`` registers every stack it makes here. The constructs never
import ``multi_region_app`` (a test keeps the package's import graph free of cycles).
"""

from __future__ import annotations

import weakref
from typing import Protocol, runtime_checkable

import aws_cdk as cdk
from constructs import Construct

__all__ = ["AppStacks", "app_of", "register_stack"]


@runtime_checkable
class AppStacks(Protocol):
    """The part of :class:`~multiregion_tap.MultiRegionApp` that constructs rely on."""

    @property
    def app_name(self) -> str: ...

    @property
    def primary_region(self) -> str: ...

    @property
    def secondary_regions(self) -> tuple[str, ...]: ...

    @property
    def regions(self) -> tuple[str, ...]: ...

    def region_role(self, region: str) -> str: ...

    def stack_for(self, region: str) -> cdk.Stack: ...

    def add_helper_stack(
        self, suffix: str, *, region: str | None = None, description: str | None = None
    ) -> cdk.Stack: ...


# The app of every stack a MultiRegionApp created (keyed by the stack's Python object: jsii
# hands back the same object for the same stack).
_APPS: weakref.WeakKeyDictionary[cdk.Stack, AppStacks] = weakref.WeakKeyDictionary()


def register_stack(stack: cdk.Stack, app: AppStacks) -> None:
    """Record that ``app`` created ``stack`` (called by the composer for each of its stacks)."""
    _APPS[stack] = app


def app_of(scope: Construct) -> AppStacks | None:
    """The app whose stack contains ``scope``, or ``None`` for a construct used standalone."""
    stack = scope if isinstance(scope, cdk.Stack) else cdk.Stack.of(scope)
    return _APPS.get(stack)
