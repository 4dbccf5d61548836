"""End to end: the real CDK CLI bootstraps two regions and deploys a MultiRegionApp to the
emulator; the resources are then read back through the service APIs in both regions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tools.emulator import EmulatorServer
from tools.emulator.deploy import deployed_app

pytestmark = [pytest.mark.emulator, pytest.mark.slow]

APP = Path(__file__).parent / "app"


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Any:
    work = tmp_path_factory.mktemp("emu-deploy")
    with deployed_app(APP, workdir=work) as (server, result):
        yield server, result
    print("emulator deploy timings (s):", {k: round(v, 1) for k, v in result.timings.items()})


def test_both_regional_stacks_deploy_with_cdk_deploy_all(deployment: Any) -> None:
    """`cdk deploy --all` (the default selector) finds both stacks at the App's root."""
    _, result = deployment
    assert set(result.outputs) == {"emu-us-east-1", "emu-us-east-2"}, result.outputs


def test_weak_reference_resolves_across_regions(deployment: Any) -> None:
    server, result = deployment
    secondary = result.outputs["emu-us-east-2"]
    topic_arn = secondary["PrimaryTopicArn"]
    assert topic_arn.startswith("arn:aws:sns:us-east-1:123456789012:")
    topics = server.boto3_client("sns", "us-east-1").list_topics()["Topics"]
    assert topic_arn in [t["TopicArn"] for t in topics]
    param = server.boto3_client("ssm", "us-east-2").get_parameter(Name="/emu/alerts-topic-arn")
    assert param["Parameter"]["Value"] == topic_arn


def test_vpc_in_the_secondary_region_spans_two_azs(deployment: Any) -> None:
    server, result = deployment
    vpc_id = result.outputs["emu-us-east-2"]["VpcId"]
    ec2: Any = server.boto3_client("ec2", "us-east-2")
    assert ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]["CidrBlock"] == "10.1.0.0/16"
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    assert len(subnets) == 4
    assert {s["AvailabilityZone"] for s in subnets} == {"us-east-2a", "us-east-2b"}
    gateways = ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])[
        "NatGateways"
    ]
    assert len(gateways) == 1
    tags = {
        t["Key"]: t["Value"] for t in ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0].get("Tags", [])
    }
    assert tags.get("multiregion-tap:app") == "emu"


def test_a_failing_step_still_stops_the_emulator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tools.emulator import deploy as deploy_module
    from tools.emulator.deploy import DeployError

    started: list[EmulatorServer] = []

    class Recording(EmulatorServer):
        def start(self, *, timeout: float = 60.0) -> EmulatorServer:
            started.append(self)
            return super().start(timeout=timeout)

    def failing_bootstrap(*args: Any, **kwargs: Any) -> None:
        raise DeployError("bootstrap failed")

    monkeypatch.setattr(deploy_module, "EmulatorServer", Recording)
    monkeypatch.setattr(deploy_module, "bootstrap", failing_bootstrap)
    with pytest.raises(DeployError, match="bootstrap failed"), deployed_app(APP, workdir=tmp_path):
        pass  # pragma: no cover - never reached
    (server,) = started
    assert not server.running
