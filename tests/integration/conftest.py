"""One deploy of examples/shop to the local emulator for the whole test session.

The session fixture starts the emulator (moto server + tools/emulator/compat on 127.0.0.1),
bootstraps us-east-1 and us-east-2 with the real CDK CLI, deploys every stack of the app's
Stage with an outputs file, and discovers the deployed topology once; the emulator is always
stopped at the end of the session, also after a failed step (each step has a timeout).
"""

from __future__ import annotations

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
PRIMARY = "us-east-1"
SECONDARY = "us-east-2"
REGIONS = (PRIMARY, SECONDARY)


@dataclass(frozen=True)
class Deployment:
    """The deployed example: the emulator, the CDK CLI's outputs, the discovered topology."""

    server: EmulatorServer
    result: DeployResult
    topology: Topology

    def client(self, service: str, region: str) -> Any:
        """A boto3 client for ``service`` in ``region``, bound to the emulator."""
        return self.server.boto3_client(service, region)


@pytest.fixture(scope="session")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
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
