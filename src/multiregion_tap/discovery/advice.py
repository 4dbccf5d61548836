"""The next runbook step of ``multiregion-tap status``: state in, command lines out.

:func:`next_step` is a pure function of each region's :class:`RegionState` (reachable, role,
writer). Its command lines are the failover runbook's, with ``<app>`` the app name:

* the region whose role output is ``primary`` reachable and holding the only writer:
  ``next: nothing to do``, also while a secondary region is unreachable (the runbook's "A
  secondary region fails": the primary keeps serving);
* the primary region unreachable and no writer among the reachable regions: the failover to
  the first reachable secondary region ``S`` (in the order of the regions given)::

      cdk deploy <app>-S --exclusively -c promote_replica_in=S
      cdk deploy <app>-dns --exclusively -c promote_replica_in=S
      cdk deploy <app>-T --exclusively -c promote_replica_in=S   (each other reachable secondary T)

* a writer in a region ``S`` whose role is ``secondary`` (a promotion happened) and the old
  primary region reachable again with its service still running: the runbook's "The old
  primary region comes back", ``cdk deploy <app>-<old primary> --exclusively -c
  promote_replica_in=S`` (it makes the old primary's service read-only and scaled to zero);
* the same with the old primary's service stood down (:attr:`RegionState.stood_down`: its
  standalone database is superseded and counts as no writer): ``next: fail back when ready
  (docs: failover-runbook, "Fail back")``;
* any other state: ``next: no automatic advice; see the failover runbook`` and the reason.

The primary region is the reachable region whose role output is ``primary``; when no reachable
region says so, the first region given if it is unreachable (``--regions`` lists the primary
first).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..outputs import RegionRole, StackNames

__all__ = ["FAIL_BACK", "NOTHING_TO_DO", "NO_ADVICE", "RegionState", "next_step"]

NOTHING_TO_DO = "next: nothing to do"
FAIL_BACK = 'next: fail back when ready (docs: failover-runbook, "Fail back")'
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
    #: superseded primary's database is standalone but nothing writes to it.
    stood_down: bool = False


def _deploy(app_name: str, suffix: str, promoted: str) -> str:
    stack = StackNames.helper(app_name, suffix)
    return f"cdk deploy {stack} --exclusively -c promote_replica_in={promoted}"


def _names(states: Sequence[RegionState]) -> str:
    return ", ".join(s.region for s in states)


def next_step(app_name: str, states: Sequence[RegionState]) -> list[str]:
    """The lines of the next runbook step for regions in ``states`` (in the order given, the
    primary first by convention); see the module's documentation for the rules."""
    reachable = [s for s in states if s.reachable]
    writers = [s for s in reachable if s.writer]
    primary = next((s for s in reachable if s.role == RegionRole.PRIMARY), None)
    if primary is None and states and not states[0].reachable:
        primary = states[0]
    if primary is None:
        return [NO_ADVICE, "no region's role output says primary, and the first region answered"]
    promoted = [s for s in writers if s.role == RegionRole.SECONDARY]
    if primary.reachable and writers == [primary]:
        return [NOTHING_TO_DO]
    if not primary.reachable and not writers:
        secondaries = [s for s in reachable if s.role == RegionRole.SECONDARY]
        if not secondaries:
            return [
                NO_ADVICE,
                f"the primary region {primary.region} is unreachable and no reachable region "
                "is a secondary to fail over to",
            ]
        target = secondaries[0].region
        return [
            _deploy(app_name, target, target),
            _deploy(app_name, StackNames.DNS, target),
            *(_deploy(app_name, s.region, target) for s in secondaries[1:]),
        ]
    if primary.reachable and len(promoted) == 1 and set(writers) <= {primary, promoted[0]}:
        if primary in writers and not primary.stood_down:
            return [_deploy(app_name, primary.region, promoted[0].region)]
        return [FAIL_BACK]
    if len(writers) > 1:
        return [
            NO_ADVICE,
            f"{len(writers)} regions have a writer ({_names(writers)}): only one may take writes",
        ]
    if not primary.reachable:
        return [
            NO_ADVICE,
            f"the primary region {primary.region} is unreachable and {writers[0].region} has "
            f"the writer: the failover has happened or is under way; fail back once "
            f"{primary.region} answers again",
        ]
    if not writers:
        return [NO_ADVICE, "no reachable region has a writer database"]
    return [
        NO_ADVICE,
        f"the writer is in {writers[0].region}, whose role is {writers[0].role or 'unknown'}",
    ]
