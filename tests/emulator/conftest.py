"""Fixtures for tests that deploy to the local emulator (moto server + compat layer)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tools.emulator import EmulatorServer

ROOT = Path(__file__).resolve().parents[2]


def pytest_configure(config: pytest.Config) -> None:
    # Until pyproject registers it (the lead's file): --strict-markers needs it known.
    config.addinivalue_line(
        "markers", "emulator: deploys to the local AWS emulator (moto + compat)"
    )


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    """One emulator for the session; always stopped."""
    log = tmp_path_factory.mktemp("emulator") / "server.log"
    server = EmulatorServer(log_path=log)
    try:
        server.start(timeout=60)
        yield server
    finally:
        server.stop()


@pytest.fixture
def fresh_emulator(emulator: EmulatorServer) -> EmulatorServer:
    """The session emulator, reset: no resource of an earlier test is left."""
    emulator.reset()
    return emulator


class Deployer:
    """Deploys hand-written templates with boto3 and waits, bounded in time."""

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server

    def client(self, service: str, region: str = "us-east-1") -> Any:
        return self.server.boto3_client(service, region)

    def deploy(
        self,
        name: str,
        template: dict[str, Any],
        *,
        region: str = "us-east-1",
        timeout: float = 60,
        change_set: bool = False,
    ) -> dict[str, str]:
        """Create the stack (directly, or through a CREATE change set as the CDK CLI does),
        wait for CREATE_COMPLETE, return its outputs."""
        cfn = self.client("cloudformation", region)
        body = json.dumps(template)
        if change_set:
            cfn.create_change_set(
                StackName=name,
                ChangeSetName="cs",
                ChangeSetType="CREATE",
                TemplateBody=body,
                Capabilities=["CAPABILITY_IAM"],
            )
            cfn.execute_change_set(StackName=name, ChangeSetName="cs")
        else:
            cfn.create_stack(StackName=name, TemplateBody=body, Capabilities=["CAPABILITY_IAM"])
        deadline = time.monotonic() + timeout
        while True:
            stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
            status = stack["StackStatus"]
            if status.endswith("_COMPLETE") or status.endswith("_FAILED"):
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"stack {name} still {status} after {timeout}s")
            time.sleep(0.2)
        assert status == "CREATE_COMPLETE", (status, stack.get("StackStatusReason"))
        return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}

    def physical_id(self, stack: str, logical_id: str, *, region: str = "us-east-1") -> str:
        cfn = self.client("cloudformation", region)
        resource = cfn.describe_stack_resource(StackName=stack, LogicalResourceId=logical_id)
        return str(resource["StackResourceDetail"]["PhysicalResourceId"])


@pytest.fixture
def cfn(fresh_emulator: EmulatorServer) -> Deployer:
    return Deployer(fresh_emulator)
