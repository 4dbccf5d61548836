"""The whole deployed app, :class:`Topology`: what :func:`discover` returns.

It holds the per-region results of :mod:`multiregion_tap.discovery.model` and renders
itself through :mod:`multiregion_tap.discovery.render`. Pure Python: no boto3, no aws-cdk-lib.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..outputs import RegionRole
from .model import (
    DatabaseInfo,
    DnsInfo,
    PeeringConnectionInfo,
    RegionTopology,
    StackInfo,
    frozen_map,
)
from .render import TableRow, format_table, global_rows, jsonable, region_rows

__all__ = ["Topology"]


@dataclass(frozen=True, kw_only=True)
class Topology:
    """A deployed app across its regions (the result of :func:`discover`)."""

    _json_properties: ClassVar[tuple[str, ...]] = ("primary_region", "unreachable_regions")

    app_name: str
    #: The regions searched for the regional stacks, in the order given.
    regions: tuple[str, ...]
    #: Every stack of the app found, regional stacks first.
    stacks: tuple[StackInfo, ...]
    #: One entry per region of ``regions``, in that order.
    regional: tuple[RegionTopology, ...]
    dns: DnsInfo | None = None
    peering: tuple[PeeringConnectionInfo, ...] = ()
    #: The helper regions searched too (outside :attr:`regions`), in the order given.
    helper_regions: tuple[str, ...] = ()
    #: Helper regions that did not answer, each with the reason in one line (only with
    #: ``discover(..., tolerate_unreachable=True)``; the unreachable ones of :attr:`regions`
    #: are marked in :attr:`regional`).
    unreachable_helper_regions: Mapping[str, str] = field(
        default_factory=lambda: frozen_map(None), hash=False
    )
    #: Why the DNS failover could not be read (Route 53 did not answer), in one line.
    dns_error: str | None = None

    def region(self, name: str) -> RegionTopology:
        """The topology of region ``name``.

        :raises KeyError: when ``name`` is not one of :attr:`regions`.
        """
        for item in self.regional:
            if item.region == name:
                return item
        raise KeyError(f"region {name!r} is not one of the regions searched {list(self.regions)!r}")

    @property
    def unreachable_regions(self) -> tuple[str, ...]:
        """The regions of :attr:`regions` whose AWS endpoints did not answer."""
        return tuple(r.region for r in self.regional if not r.reachable)

    @property
    def primary_region(self) -> str | None:
        """The region whose regional stack has the role ``primary``."""
        return next((r.region for r in self.regional if r.role == RegionRole.PRIMARY), None)

    @property
    def primary_database(self) -> DatabaseInfo | None:
        """The database that is not a replica, preferring the primary region's."""
        candidates = [r for r in self.regional if r.database and not r.database.is_replica]
        candidates.sort(key=lambda r: r.role != RegionRole.PRIMARY)
        return candidates[0].database if candidates else None

    @property
    def replicas(self) -> tuple[DatabaseInfo, ...]:
        """The read replicas, in region order."""
        return tuple(r.database for r in self.regional if r.database and r.database.is_replica)

    def stack(self, name: str) -> StackInfo | None:
        """The stack called ``name``, if found."""
        return next((s for s in self.stacks if s.name == name), None)

    # ------------------------------------------------------------------ rendering
    def to_table(self) -> tuple[TableRow, ...]:
        """One row per resource (and per missing piece), ready to print or to assert on."""
        rows: list[TableRow] = []
        for reg in self.regional:
            rows.extend(region_rows(reg))
        rows.extend(
            global_rows(
                self.stacks,
                self.regional,
                self.dns,
                self.peering,
                unreachable=self.unreachable_helper_regions,
                dns_error=self.dns_error,
            )
        )
        return tuple(rows)

    def format_table(self) -> str:
        """A readable fixed-width text table of :meth:`to_table`, with a title line."""
        found = sum(1 for r in self.regional if r.found)
        title = (
            f"multiregion-tap app {self.app_name!r}: {len(self.stacks)} stack(s), "
            f"{found}/{len(self.regional)} region(s) deployed"
            + (f", primary {self.primary_region}" if self.primary_region else "")
            + (
                f", unreachable {', '.join(self.unreachable_regions)}"
                if self.unreachable_regions
                else ""
            )
        )
        return format_table(title, self.to_table())

    def __str__(self) -> str:
        return self.format_table()

    def as_dict(self) -> dict[str, Any]:
        """A JSON-serializable dict of everything found (properties included)."""
        result = jsonable(self)
        assert isinstance(result, dict)
        return result

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`as_dict` as a JSON string."""
        return json.dumps(self.as_dict(), indent=indent, sort_keys=False)
