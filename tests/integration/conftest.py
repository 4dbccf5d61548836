"""One deploy of examples/shop for the whole test session: the local emulator, or real AWS.

By default (``MULTIREGION_TAP_INTEGRATION_TARGET`` unset or ``emulator``) the session
fixture starts the emulator (moto server + tools/emulator/compat on 127.0.0.1), bootstraps
us-east-1 and us-east-2 with the real CDK CLI, deploys every stack of the app (``--all``) with an
outputs file, and discovers the deployed topology once; the emulator is always stopped at the
end of the session, also after a failed step (each step has a timeout).

With ``MULTIREGION_TAP_INTEGRATION_TARGET=aws`` (the deploy workflow) nothing is deployed
here: the app was deployed with ``cdk deploy`` before, and the tests discover it with the
default boto3 credentials in ``PRIMARY_REGION`` and the first of ``SECONDARY_REGIONS``
(space-separated).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from multiregion_tap.discovery import Topology, discover
from tools.emulator import EmulatorServer
from tools.emulator.deploy import DeployResult, deployed_app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "shop"
APP_NAME = "shop"
TARGET = os.environ.get("MULTIREGION_TAP_INTEGRATION_TARGET", "emulator")
if TARGET not in {"emulator", "aws"}:
    raise pytest.UsageError(
        f"MULTIREGION_TAP_INTEGRATION_TARGET must be 'emulator' or 'aws', got {TARGET!r}"
    )
ON_AWS = TARGET == "aws"
PRIMARY = os.environ.get("PRIMARY_REGION", "us-east-1") if ON_AWS else "us-east-1"
SECONDARY = (
    (os.environ.get("SECONDARY_REGIONS", "us-east-2").split() or ["us-east-2"])[0]
    if ON_AWS
    else "us-east-2"
)
REGIONS = (PRIMARY, SECONDARY)


@dataclass(frozen=True)
class Deployment:
    """The deployed example: the emulator and the CDK CLI's outputs (both ``None`` on real
    AWS, where the app was deployed before the tests), and the discovered topology."""

    server: EmulatorServer | None
    result: DeployResult | None
    topology: Topology

    def client(self, service: str, region: str) -> Any:
        """A boto3 client for ``service`` in ``region`` (the emulator's, or real AWS)."""
        if self.server is None:
            import boto3

            return boto3.client(service, region_name=region)
        return self.server.boto3_client(service, region)


@pytest.fixture(scope="session")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    if ON_AWS:
        helper_regions = [] if "us-east-1" in REGIONS else ["us-east-1"]  # the DNS stack
        topology = discover(APP_NAME, list(REGIONS), helper_regions=helper_regions)
        yield Deployment(server=None, result=None, topology=topology)
        return
    work = tmp_path_factory.mktemp("shop-emulator")
    with deployed_app(EXAMPLE, regions=REGIONS, workdir=work) as (server, result):
        started = time.monotonic()
        topology = discover(
            APP_NAME, list(REGIONS), client_factory=lambda s, r: server.boto3_client(s, r)
        )
        result.timings["discover"] = time.monotonic() - started
        yield Deployment(server=server, result=result, topology=topology)
    print(
        "\nexamples/shop emulator deploy, seconds per step:",
        {k: round(v, 1) for k, v in result.timings.items()},
    )


@pytest.fixture(scope="session")
def topology(deployment: Deployment) -> Topology:
    return deployment.topology
