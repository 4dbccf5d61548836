"""Which regions answer: one bounded call per region, every region at the same time.

``discover(..., tolerate_unreachable=True)`` (and ``multiregion-tap status``) asks each region
once, before the walk, for the app's regional stack (CloudFormation ``DescribeStacks`` of
``<app_name>-<region>``). A region whose endpoint does not connect or answer within the timeout
is reported with the reason in one line, and the walk leaves it out; every other region is
walked as usual. The probes run in threads, so N dead regions cost about one timeout, not N.

Clients created from a session (:class:`~multiregion_tap.discovery.aws.SessionClients`) get a
botocore config for the probe: ``connect_timeout`` and ``read_timeout`` of the timeout and one
attempt (no retry). Clients of any other factory are used as they are, and a wall-clock
deadline (:func:`probe_deadline`) still bounds the wait for them.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from ..errors import ValidationError
from ..outputs import StackNames
from .aws import ClientFactory, call, client_config, is_client_error
from .model import RegionUnreachableError

__all__ = ["DEFAULT_PROBE_TIMEOUT", "one_line", "probe_deadline", "probe_regions"]

#: Seconds a region has to connect and answer its probe, by default.
DEFAULT_PROBE_TIMEOUT = 5.0


def one_line(text: object) -> str:
    """``text`` on one line, its runs of whitespace as single spaces."""
    return " ".join(str(text).split())


def probe_deadline(timeout: float) -> float:
    """Seconds to wait for every probe at most: the timeout plus room to create the clients
    on a busy machine (a probe whose client has its own, longer timeouts is given up)."""
    return timeout * 1.5 + 1.0


def _probe(client: Any, app_name: str, region: str) -> None:
    try:
        call(client, "describe_stacks", StackName=StackNames.regional(app_name, region))
    except Exception as error:
        if not is_client_error(error):  # an AWS error is an answer: the region is reachable
            raise


def probe_regions(
    factory: ClientFactory, app_name: str, regions: Sequence[str], timeout: float
) -> dict[str, str]:
    """The regions of ``regions`` that did not answer, each with the reason in one line (in
    the order of ``regions``; ``{}`` when every region answered).

    :raises ValidationError: for a ``timeout`` that is not a number of seconds in (0, 300].
    :raises Exception: what a probe raised other than a connection error or an AWS error
        (missing credentials, a bad region name), for the first such region.
    """
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= 300:
        raise ValidationError(
            f"probe_timeout must be a number of seconds above 0 and at most 300, got {timeout!r}"
        )
    if not regions:
        return {}
    with_config = getattr(factory, "with_config", None)
    if callable(with_config):
        factory = with_config(client_config(timeout=timeout, max_attempts=1))
    # Clients are created here, one after the other (boto3 sessions are not thread-safe).
    clients = {region: factory("cloudformation", region) for region in regions}
    futures_module = importlib.import_module("concurrent.futures")
    executor = futures_module.ThreadPoolExecutor(
        max_workers=len(regions), thread_name_prefix="multiregion-tap-probe"
    )
    futures = {
        region: executor.submit(_probe, clients[region], app_name, region) for region in regions
    }
    deadline = probe_deadline(timeout)
    futures_module.wait(list(futures.values()), timeout=deadline)
    executor.shutdown(wait=False, cancel_futures=True)
    unreachable: dict[str, str] = {}
    for region, future in futures.items():
        if not future.done():
            unreachable[region] = (
                f"cannot reach cloudformation in region {region}: no answer within {deadline:g} s"
            )
            continue
        error = future.exception()
        if isinstance(error, RegionUnreachableError):
            unreachable[region] = one_line(error)
        elif error is not None:
            raise error
    return unreachable
