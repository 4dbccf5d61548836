"""Where the writer is, and what each region's database instance is, after a history of
failovers and fail-backs (private; pure Python).

A :class:`~multiregion_tap.ReplicatedDatabase` starts with the writer in the primary region and
a read replica of it in every secondary region. Its ``history`` lists what happened since, in
order, each entry ``promote:<region>`` or ``rebuild:<region>``:

``promote:R``
    R's read replica becomes the writer, in place (CloudFormation removes its
    ``SourceDBInstanceIdentifier``; same logical id, identifier and endpoint). The region
    that held the writer is *superseded*: its database has diverged from the new writer, its
    service is stood down and it leaves the DNS records, and its instance is kept
    (``DeletionPolicy``/``UpdateReplacePolicy: Retain``). Every other replica follows the new
    writer: a replica cannot change its source, so it is a new replica under a new
    identifier (the same logical id: CloudFormation replaces it).
``rebuild:R``
    R (superseded) gets a fresh read replica of the writer under a new identifier, in place of
    its diverged instance (the same logical id; the retained old instance stays in the account,
    outside the stack, until its owner deletes it). R serves reads again.

A fail-back is ``rebuild:<primary>`` then ``promote:<primary>`` then ``rebuild:<the region
promoted before>``: the layout of the first deploy, with new identifiers. Appending an entry
never changes what an earlier entry made, so each deploy changes only what its entry says.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from . import naming
from .validation import fail, is_token, require_region

__all__ = [
    "PROMOTE",
    "REBUILD",
    "DatabasePlan",
    "RegionDatabase",
    "Role",
    "format_history",
    "parse_history",
]

PROMOTE = "promote"
REBUILD = "rebuild"
_ACTIONS = (PROMOTE, REBUILD)
#: The key of the identifiers used by the regions the history never named.
_FOLLOWERS = ""


class Role:
    """What a region's database is at the end of the history."""

    WRITER = "writer"
    READER = "reader"
    SUPERSEDED = "superseded"


@dataclass(frozen=True)
class RegionDatabase:
    """One region's database instance at the end of the history."""

    region: str
    role: str
    #: The region of the instance this one replicates from (``None``: not a replica now).
    source_region: str | None
    #: Whether the instance was created as a read replica (every instance but the primary
    #: region's first one); a promoted replica keeps this ``True``.
    replica: bool
    #: Whether the instance is a replica that was promoted to a standalone writer.
    promoted: bool
    #: The identifier's suffix after the region's base identifier (``()``: the first one),
    #: e.g. ``("from", "use2")``.
    identifier_suffix: tuple[str, ...]

    @property
    def read_only(self) -> bool:
        """Whether the region's service must not write (everything but the writer)."""
        return self.role != Role.WRITER

    @property
    def serving(self) -> bool:
        """Whether the region's service runs and is in the DNS records."""
        return self.role != Role.SUPERSEDED


def parse_history(prop: str, history: Sequence[str] | str | None) -> tuple[tuple[str, str], ...]:
    """``history`` as ``(action, region)`` pairs; a string is split on commas.

    :raises ValidationError: naming ``prop`` and the entry, for an entry that is not
        ``promote:<region>`` or ``rebuild:<region>``.
    """
    if history is None:
        return ()
    if isinstance(history, str):
        entries: Iterable[object] = [e for e in history.split(",") if e.strip()]
    elif isinstance(history, Sequence):
        entries = history
    else:
        raise fail(prop, history, "be a sequence of 'promote:<region>' or 'rebuild:<region>'")
    pairs: list[tuple[str, str]] = []
    for index, entry in enumerate(entries):
        name = f"{prop}[{index}]"
        if not isinstance(entry, str) or is_token(entry):
            raise fail(name, entry, "be a literal 'promote:<region>' or 'rebuild:<region>'")
        action, sep, region = entry.strip().partition(":")
        if not sep or action not in _ACTIONS:
            raise fail(name, entry, "be 'promote:<region>' or 'rebuild:<region>'")
        require_region(name, region)
        pairs.append((action, region))
    return tuple(pairs)


def format_history(pairs: Iterable[tuple[str, str]]) -> str:
    """The history as the comma-separated string the CLI context takes."""
    return ",".join(f"{action}:{region}" for action, region in pairs)


class DatabasePlan:
    """The replay of a history from the first deploy's layout (writer in ``primary``)."""

    def __init__(self, prop: str, primary: str, history: Sequence[tuple[str, str]]) -> None:
        self.primary = primary
        self.history = tuple(history)
        self._writer = primary
        #: Regions named so far whose state differs from "replica of the first writer".
        self._states: dict[str, RegionDatabase] = {
            primary: RegionDatabase(primary, Role.WRITER, None, False, False, ())
        }
        #: Regions each promotion re-sourced: every region but the ones named in _states
        #: follows the writer under an identifier made at the latest promotion.
        self._followers_suffix: tuple[str, ...] = ()
        self._used: dict[str, set[tuple[str, ...]]] = {}
        for index, (action, region) in enumerate(self.history):
            name = f"{prop}[{index}]"
            if action == PROMOTE:
                self._promote(name, region)
            else:
                self._rebuild(name, region)

    # ------------------------------------------------------------------ queries
    @property
    def writer(self) -> str:
        """The region of the writer."""
        return self._writer

    @property
    def named_regions(self) -> frozenset[str]:
        """The regions the history names (each must have a database in the app)."""
        return frozenset(region for _, region in self.history)

    @property
    def changed(self) -> bool:
        """Whether the history is not empty."""
        return bool(self.history)

    def region(self, region: str) -> RegionDatabase:
        """The database of ``region`` (a replica of the writer unless the history says else)."""
        state = self._states.get(region)
        if state is not None:
            return state
        source = None if self._writer == region else self._writer
        return RegionDatabase(region, Role.READER, source, True, False, self._followers_suffix)

    def superseded(self, regions: Iterable[str]) -> list[str]:
        """The ones of ``regions`` whose database is superseded."""
        return [r for r in regions if self.region(r).role == Role.SUPERSEDED]

    # ------------------------------------------------------------------ replay
    def _new_suffix(self, region: str, source: str) -> tuple[str, ...]:
        """``from-<source code>``, numbered from the second time in ``region`` (or among the
        regions the history never named, ``_FOLLOWERS``): an identifier is never reused (a
        retained old instance may still hold it)."""
        used = self._used.setdefault(region, {()})
        base: tuple[str, ...] = ("from", naming.region_code(source))
        suffix, number = base, 1
        while suffix in used:
            number += 1
            suffix = (*base, str(number))
        used.add(suffix)
        return suffix

    def _named(self, region: str) -> RegionDatabase:
        """``region``'s state, kept from now on (with the identifiers it used as a follower)."""
        if region not in self._states:
            self._states[region] = self.region(region)
            self._used[region] = set(self._used.setdefault(_FOLLOWERS, {()}))
        return self._states[region]

    def _promote(self, name: str, region: str) -> None:
        current = self._named(region)
        entry = f"{PROMOTE}:{region}"
        if current.role == Role.WRITER:
            raise fail(name, entry, f"name a region with a read replica: {region} has the writer")
        if current.role == Role.SUPERSEDED:
            raise fail(
                name,
                entry,
                f"name a region with a read replica: {region}'s database was superseded and "
                f"has diverged; add 'rebuild:{region}' first, deploy it and wait for the replica "
                "to catch up",
            )
        old = self._writer
        # Every follower (named or not) gets a new replica of the new writer.
        for other, state in list(self._states.items()):
            if other not in (old, region) and state.role == Role.READER:
                self._states[other] = replace(
                    state,
                    source_region=region,
                    promoted=False,
                    identifier_suffix=self._new_suffix(other, region),
                )
        self._followers_suffix = self._new_suffix(_FOLLOWERS, region)
        self._states[region] = replace(current, role=Role.WRITER, source_region=None, promoted=True)
        self._states[old] = replace(self._states[old], role=Role.SUPERSEDED)
        self._writer = region

    def _rebuild(self, name: str, region: str) -> None:
        current = self._named(region)
        entry = f"{REBUILD}:{region}"
        if current.role != Role.SUPERSEDED:
            raise fail(
                name,
                entry,
                f"name a region whose database was superseded by a promotion: {region}'s is "
                f"the {current.role}",
            )
        self._states[region] = RegionDatabase(
            region,
            Role.READER,
            self._writer,
            True,
            False,
            self._new_suffix(region, self._writer),
        )
