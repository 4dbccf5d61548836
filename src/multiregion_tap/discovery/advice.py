"""The next runbook step of ``multiregion-tap status``: state in, command lines out.

:func:`next_step` is a pure function of each region's :class:`RegionState` (reachable, role,
writer, stood down, the database history its stack was deployed with). Its command lines are
the failover runbook's, with ``<app>`` the app name and ``H`` the longest history any reachable
regional stack reports (``DatabaseHistory`` output; every command repeats it, so a deploy
never drops an entry), ``H+e`` that history with the entry ``e`` appended, and ``W`` the
region ``H`` gives the writer (its last ``promote:``, else the primary region):

* ``W`` reachable, its database the only writer, every other reachable region a read replica
  (or a secondary region unreachable): ``next: nothing to do`` when ``W`` is the primary
  region; with the writer elsewhere and the primary region's database rebuilt as a replica,
  the fail-back's switch (deploy ``W`` first: its service stands down before the new writer
  exists, so there is never a second writer)::

      cdk deploy <app>-W --exclusively -c database_history=H+promote:P
      cdk deploy <app>-P --exclusively -c database_history=H+promote:P
      cdk deploy <app>-dns --exclusively -c database_history=H+promote:P
      cdk deploy <app>-T --exclusively -c database_history=H+promote:P   (each other replica T)

* ``W`` unreachable and no writer among the reachable regions: the failover to the first
  reachable region ``S`` with a read replica (in the order of the regions given)::

      cdk deploy <app>-S --exclusively -c database_history=H+promote:S
      cdk deploy <app>-dns --exclusively -c database_history=H+promote:S
      cdk deploy <app>-T --exclusively -c database_history=H+promote:S   (each other replica T)

* a region ``X`` other than ``W`` reachable with a writer and its service still running (the
  old writer came back): ``cdk deploy <app>-X --exclusively -c database_history=H`` (it
  stands the service down: zero tasks, read-only);
* ``W`` a writer and a region ``X`` whose standalone database is stood down (superseded):
  rebuild it as a replica of the writer, the first step of the fail-back::

      cdk deploy <app>-X --exclusively -c database_history=H+rebuild:X
      cdk deploy <app>-dns --exclusively -c database_history=H+rebuild:X

* ``W`` reachable but still a read replica (``H`` is ahead of its deploy): its stack and the
  DNS stack with ``H``;
* any other state: ``next: no automatic advice; see the failover runbook`` and the reason.

The primary region is the reachable region whose role output is ``primary``; when no reachable
region says so, the first region given if it is unreachable (``--regions`` lists the primary
first).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..outputs import RegionRole, StackNames

__all__ = ["NOTHING_TO_DO", "NO_ADVICE", "RegionState", "next_step"]

NOTHING_TO_DO = "next: nothing to do"
NO_ADVICE = "next: no automatic advice; see the failover runbook"


@dataclass(frozen=True, kw_only=True)
class RegionState:
    """What :func:`next_step` needs to know of one region."""

    region: str
    #: Whether the region's AWS endpoints answered.
    reachable: bool
    #: The regional stack's ``MultiRegionTapRegionRole`` output (``None``: unknown or no stack).
    role: str | None = None
    #: Whether the region's database is a writer (not a read replica).
    writer: bool = False
    #: Whether the region's service is stood down (desired count 0): after a failover, the
    #: superseded writer's database is standalone but nothing writes to it.
    stood_down: bool = False
    #: The regional stack's ``DatabaseHistory`` output, ``""`` before any failover.
    database_history: str = ""


def _entries(history: str) -> list[str]:
    return [entry for entry in history.split(",") if entry]


def _deploy(app_name: str, suffix: str, history: Sequence[str]) -> str:
    stack = StackNames.helper(app_name, suffix)
    line = f"cdk deploy {stack} --exclusively"
    return f"{line} -c database_history={','.join(history)}" if history else line


def _names(states: Sequence[RegionState]) -> str:
    return ", ".join(s.region for s in states)


def next_step(app_name: str, states: Sequence[RegionState]) -> list[str]:
    """The lines of the next runbook step for regions in ``states`` (in the order given, the
    primary first by convention); see the module's documentation for the rules."""
    reachable = [s for s in states if s.reachable]
    primary = next((s for s in reachable if s.role == RegionRole.PRIMARY), None)
    if primary is None and states and not states[0].reachable:
        primary = states[0]
    if primary is None:
        return [NO_ADVICE, "no region's role output says primary, and the first region answered"]
    history = max((_entries(s.database_history) for s in reachable), key=len, default=[])
    promotions = [e.partition(":")[2] for e in history if e.startswith("promote:")]
    writer_region = promotions[-1] if promotions else primary.region
    writer = next((s for s in states if s.region == writer_region), None)
    live = [s for s in reachable if s.writer and not s.stood_down]
    superseded = [s for s in reachable if s.writer and s.stood_down]
    replicas = [s for s in reachable if not s.writer]

    def deploy(suffix: str, entries: Sequence[str]) -> str:
        return _deploy(app_name, suffix, entries)

    if writer is None:
        return [NO_ADVICE, f"the history names {writer_region}, which is not a region given"]
    if not writer.reachable:
        if live:
            return [
                NO_ADVICE,
                f"the writer's region {writer.region} is unreachable and {_names(live)} "
                f"{'has' if len(live) == 1 else 'have'} a writer: the failover has happened "
                f"or is under way; fail back once {writer.region} answers again",
            ]
        if not replicas:
            return [
                NO_ADVICE,
                f"the writer's region {writer.region} is unreachable and no reachable region "
                "has a read replica to fail over to",
            ]
        target = replicas[0].region
        wanted = [*history, f"promote:{target}"]
        return [
            deploy(target, wanted),
            deploy(StackNames.DNS, wanted),
            *(deploy(s.region, wanted) for s in replicas[1:]),
        ]
    if not writer.writer:
        if history:
            # The history is ahead of the writer's deploy (for example, a switch half done).
            return [deploy(writer.region, history), deploy(StackNames.DNS, history)]
        if not live:
            return [NO_ADVICE, "no reachable region has a writer database"]
        return [
            NO_ADVICE,
            f"{_names(live)} {'has' if len(live) == 1 else 'have'} a writer, not the primary "
            f"region {writer.region}, and no regional stack reports a database history",
        ]
    stale = [s for s in live if s is not writer]
    if stale:
        return [deploy(s.region, history) for s in stale]
    if writer.stood_down:
        return [NO_ADVICE, f"the writer's region {writer.region} is stood down"]
    if superseded:
        wanted = [*history, f"rebuild:{superseded[0].region}"]
        return [deploy(superseded[0].region, wanted), deploy(StackNames.DNS, wanted)]
    if writer is primary:
        return [NOTHING_TO_DO]
    if primary.reachable and not primary.writer:
        wanted = [*history, f"promote:{primary.region}"]
        others = [s for s in replicas if s is not primary]
        return [
            deploy(writer.region, wanted),
            deploy(primary.region, wanted),
            deploy(StackNames.DNS, wanted),
            *(deploy(s.region, wanted) for s in others),
        ]
    if not primary.reachable:
        return [
            NO_ADVICE,
            f"the primary region {primary.region} is unreachable and {writer.region} has the "
            f"writer: the failover has happened or is under way; fail back once "
            f"{primary.region} answers again",
        ]
    return [
        NO_ADVICE,
        f"the writer is in {writer.region} and the primary region {primary.region} has no "
        "read replica to fail back to",
    ]
