"""regional_service.py on one small stack: a RegionalService with every prop at its default
(the template's values of each default: AZs, port, task size, count, capacity, scaling,
health check, scheme, IP addresses, 5xx alarm, image lifecycle), its container name, standing
down, the CodeDeploy AppSpec (refused outside CODE_DEPLOY with its exact message), and
``default_vpc_cidr``, ``DeploymentMode``, ``RegionalServiceProps`` and the public names called
directly. Kills the mutants of ``tools/mutate.py`` in a few seconds each
(docs/guides/testing.md)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import aws_cdk as cdk
import pytest

from multiregion_tap import ValidationError
from multiregion_tap import regional_service as module
from multiregion_tap.regional_service import (
    CONTAINER_NAME,
    PER_REGION_PARAMETERS,
    DeploymentMode,
    RegionalService,
    RegionalServiceProps,
    default_vpc_cidr,
)
from tests.support.templates import of_type

ENV = cdk.Environment(account="123456789012", region="us-east-1")


def _props(template: dict[str, Any], kind: str) -> dict[str, Any]:
    ((resource),) = of_type(template, kind).values()
    return dict(resource["Properties"])


@pytest.fixture(scope="module")
def built() -> tuple[RegionalService, RegionalService, dict[str, Any]]:
    """The default service (stood down after the template is read) and a CODE_DEPLOY one."""
    app = cdk.App()
    stack = cdk.Stack(app, "One", env=ENV)
    service = RegionalService(stack, "Service")
    codedeploy = RegionalService(
        cdk.Stack(app, "Two", env=ENV), "Service", deployment_mode=DeploymentMode.CODE_DEPLOY
    )
    return service, codedeploy, app.synth().get_stack_by_name("One").template


# ---------------------------------------------------------------------- pure Python
def test_the_public_names() -> None:
    assert module.__all__ == [
        "CONTAINER_NAME",
        "DeploymentMode",
        "RegionalService",
        "RegionalServiceProps",
        "default_vpc_cidr",
    ]
    assert CONTAINER_NAME == "app"
    assert {
        "existing_vpc",
        "vpc_cidr",
        "certificate",
        "existing_repository",
        "image_replication_regions",
        "output_suffix",
    } == PER_REGION_PARAMETERS


def test_the_deployment_modes() -> None:
    assert {mode.name: mode.value for mode in DeploymentMode} == {
        "BLUE_GREEN": "BLUE_GREEN",
        "CANARY": "CANARY",
        "LINEAR": "LINEAR",
        "CODE_DEPLOY": "CODE_DEPLOY",
    }


def test_default_vpc_cidr() -> None:
    assert default_vpc_cidr("us-east-1") == "10.0.0.0/16"
    assert default_vpc_cidr("us-west-2") == "10.3.0.0/16"
    assert default_vpc_cidr(0) == "10.0.0.0/16"
    assert default_vpc_cidr(3) == "10.3.0.0/16"
    assert default_vpc_cidr(255) == "10.255.0.0/16"
    for bad in (-1, 256):
        with pytest.raises(ValidationError) as caught:
            default_vpc_cidr(bad)
        assert str(caught.value) == f"index must be between 0 and 255, got {bad}"
    for bad_value in (True, 1.0, None):
        with pytest.raises(ValidationError) as caught:
            default_vpc_cidr(bad_value)  # type: ignore[arg-type]
        assert str(caught.value) == (
            f"index must be an integer between 0 and 255 or a region name, got {bad_value!r}"
        )
    with pytest.raises(ValidationError) as caught:
        default_vpc_cidr("us-east")
    assert str(caught.value) == (
        "region_or_index must be an AWS region name such as 'us-east-1', got 'us-east'"
    )


def test_the_props_defaults_frozen_and_keyword_only() -> None:
    props = RegionalServiceProps()
    assert (
        props.max_azs,
        props.container_port,
        props.cpu,
        props.memory_limit_mib,
        props.desired_count,
        props.spot,
        props.enable_execute_command,
        props.cpu_target_utilization,
        props.health_check_path,
        props.health_check_healthy_threshold,
        props.health_check_unhealthy_threshold,
        props.health_check_healthy_http_codes,
        props.internet_facing,
        props.dual_stack,
        props.target_5xx_threshold,
        props.max_image_count,
        props.untagged_image_expiry_days,
        props.deployment_mode,
    ) == (
        2,
        80,
        256,
        512,
        2,
        False,
        False,
        60,
        "/",
        2,
        3,
        "200-399",
        True,
        False,
        10,
        30,
        7,
        DeploymentMode.BLUE_GREEN,
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        props.cpu = 512  # type: ignore[misc]
    with pytest.raises(TypeError):
        RegionalServiceProps(2)  # type: ignore[misc]


# ---------------------------------------------------------------------- the default service
def test_the_network_defaults(
    built: tuple[RegionalService, RegionalService, dict[str, Any]],
) -> None:
    _, _, template = built
    # Two AZs: a public, a private and an isolated subnet in each.
    assert len(of_type(template, "AWS::EC2::Subnet")) == 6
    lb = _props(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert lb["Scheme"] == "internet-facing"
    assert lb.get("IpAddressType", "ipv4") == "ipv4"


def test_the_task_and_service_defaults(
    built: tuple[RegionalService, RegionalService, dict[str, Any]],
) -> None:
    service, _, template = built
    task = _props(template, "AWS::ECS::TaskDefinition")
    assert task["Cpu"] == "256"
    assert task["Memory"] == "512"
    (container,) = task["ContainerDefinitions"]
    assert container["Name"] == "app"
    assert container["PortMappings"] == [{"ContainerPort": 80, "Protocol": "tcp"}]
    ecs_service = _props(template, "AWS::ECS::Service")
    assert ecs_service["DesiredCount"] == 2
    assert ecs_service["LaunchType"] == "FARGATE"
    assert "CapacityProviderStrategy" not in ecs_service
    assert "EnableExecuteCommand" not in ecs_service
    (balancer,) = ecs_service["LoadBalancers"]
    assert (balancer["ContainerName"], balancer["ContainerPort"]) == ("app", 80)
    assert service.container_port == 80
    scaling = _props(template, "AWS::ApplicationAutoScaling::ScalingPolicy")
    assert scaling["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] == 60
    target = _props(template, "AWS::ApplicationAutoScaling::ScalableTarget")
    assert (target["MinCapacity"], target["MaxCapacity"]) == (2, 4)


def test_the_health_check_and_alarm_defaults(
    built: tuple[RegionalService, RegionalService, dict[str, Any]],
) -> None:
    _, _, template = built
    groups = of_type(template, "AWS::ElasticLoadBalancingV2::TargetGroup").values()
    assert len(groups) == 2
    for group in groups:
        props = group["Properties"]
        assert props["HealthCheckPath"] == "/"
        assert props["HealthyThresholdCount"] == 2
        assert props["UnhealthyThresholdCount"] == 3
        assert props["Matcher"] == {"HttpCode": "200-399"}
    (alarm,) = [
        a["Properties"]
        for a in of_type(template, "AWS::CloudWatch::Alarm").values()
        if a["Properties"]["AlarmName"] == "One-Service-target-5xx"
    ]
    assert alarm["Threshold"] == 10
    assert alarm["AlarmDescription"].startswith("Targets answered 10 or more 5xx per minute")


def test_the_image_lifecycle_defaults(
    built: tuple[RegionalService, RegionalService, dict[str, Any]],
) -> None:
    _, _, template = built
    repository = _props(template, "AWS::ECR::Repository")
    rules = json.loads(repository["LifecyclePolicy"]["LifecyclePolicyText"])["rules"]
    assert [(r["selection"]["tagStatus"], r["selection"]["countNumber"]) for r in rules] == [
        ("untagged", 7),
        ("any", 30),
    ]


def test_the_appspec_and_standing_down(
    built: tuple[RegionalService, RegionalService, dict[str, Any]],
) -> None:
    service, codedeploy, _ = built
    with pytest.raises(ValidationError) as caught:
        service.appspec("arn:aws:ecs:us-east-1:123456789012:task-definition/shop:2")
    assert str(caught.value) == (
        "deployment_mode must be DeploymentMode.CODE_DEPLOY to deploy through CodeDeploy "
        "(ECS-native modes deploy with `cdk deploy`), got <DeploymentMode.BLUE_GREEN: "
        "'BLUE_GREEN'>"
    )
    arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/shop:2"
    assert codedeploy.deployment_mode is DeploymentMode.CODE_DEPLOY
    assert codedeploy.appspec(arn) == {
        "version": 0.0,
        "Resources": [
            {
                "TargetService": {
                    "Type": "AWS::ECS::Service",
                    "Properties": {
                        "TaskDefinition": arn,
                        "LoadBalancerInfo": {"ContainerName": "app", "ContainerPort": 80},
                    },
                }
            }
        ],
    }
    # Last: it changes the shared service (its template was read before).
    assert service.stood_down is False
    service.stand_down()
    assert service.stood_down is True
