"""PerRegion: one way to say "a different value in each region".

Keys, web ACLs, certificates, secrets, images, repositories and VPCs belong to one region. A
:class:`~multiregion_tap.MultiRegionApp` takes such a value as a :class:`PerRegion`, either a
mapping from every region of the app to its value, or a function the app calls once per
region, with a construct in that region's stack, to create or import the value there (the
regional stacks do not exist before the app does, so a value that needs a scope in one of
them cannot be built beforehand).

Where the app takes it: every field of :class:`~multiregion_tap.RegionalServiceProps` (for
example ``log_encryption_key``, ``web_acl_arn``, ``image``, ``secrets``, ``environment``),
and ``certificates``, ``vpcs`` and ``repositories`` of
:class:`~multiregion_tap.MultiRegionApp`.

Example::

    from aws_cdk import aws_kms as kms
    from multiregion_tap import MultiRegionApp, PerRegion, RegionalServiceProps

    MultiRegionApp(
        app, "Shop", app_name="shop",
        service=RegionalServiceProps(
            # One literal per region: each must name its own region.
            web_acl_arn=PerRegion({
                "us-east-1": "arn:aws:wafv2:us-east-1:111122223333:regional/webacl/shop/1",
                "us-east-2": "arn:aws:wafv2:us-east-2:111122223333:regional/webacl/shop/2",
            }),
            # Created in each region's stack, under the construct PerRegion-log_encryption_key.
            log_encryption_key=PerRegion(
                lambda scope, region: kms.Key(scope, "LogKey", enable_key_rotation=True)
            ),
        ),
    )
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Generic, TypeVar

import aws_cdk as cdk
from constructs import Construct

from ._private.validation import fail, is_token

__all__ = ["PerRegion"]

T = TypeVar("T")


class PerRegion(Generic[T]):
    """A value per region: a mapping of every region of the app to its value (``None`` for
    "none in this region", where the prop allows it), or a function ``(scope, region) ->
    value`` called once per region with a construct in that region's stack (its construct
    id is ``PerRegion-<prop>``, so what the function creates keeps its logical ids).

    :param values: The mapping, or the function.
    :raises ValidationError: (when the app resolves it) for a mapping that misses a region of
        the app, names another region, or has a token as a key.
    """

    def __init__(self, values: Mapping[str, T | None] | Callable[[Construct, str], T | None]):
        if callable(values):
            self._function: Callable[[Construct, str], T | None] | None = values
            self._mapping: dict[str, T | None] | None = None
        elif isinstance(values, Mapping):
            self._function = None
            self._mapping = dict(values)
        else:
            raise fail("PerRegion", values, "be a mapping of region to value, or a function")

    @property
    def regions(self) -> tuple[str, ...] | None:
        """The regions of the mapping (``None`` for a function)."""
        return None if self._mapping is None else tuple(self._mapping)

    def check(self, prop: str, regions: Sequence[str]) -> None:
        """Refuse a mapping that does not name exactly ``regions``.

        :raises ValidationError: naming ``prop`` and the region.
        """
        if self._mapping is None:
            return
        for region in self._mapping:
            if is_token(region):
                raise fail(prop, region, "name regions literally, not by a token")
            if region not in regions:
                raise fail(prop, region, f"only name the app's regions {list(regions)!r}")
        missing = [region for region in regions if region not in self._mapping]
        if missing:
            raise fail(
                prop,
                sorted(self._mapping),
                f"name every region of the app {list(regions)!r} (missing {missing!r}; give "
                "None for a region without one): a value left out would silently fall back "
                "to the default in that region",
            )

    def resolve(self, prop: str, stack: cdk.Stack, region: str) -> T | None:
        """The value of ``region``; a function is called with a construct in ``stack``."""
        if self._mapping is not None:
            return self._mapping.get(region)
        assert self._function is not None
        scope_id = f"PerRegion-{prop}"
        found = stack.node.try_find_child(scope_id)
        scope = found if isinstance(found, Construct) else Construct(stack, scope_id)
        return self._function(scope, region)

    def __repr__(self) -> str:
        if self._mapping is not None:
            return f"PerRegion({self._mapping!r})"
        return f"PerRegion({self._function!r})"
