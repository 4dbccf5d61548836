"""_private/service_deployment.py's builders called directly, on a load balancer and a Fargate
service built by their own builders: each deployment alarm's name, metrics, expression,
threshold, periods and description, the Fargate service's options for each mode, the ECS-native
wiring (the role, the alternate target with its production and test rules, the ingress from the
load balancer, the rules left out of DependsOn), the CodeDeploy deployment group with its
configuration and rollbacks, and the AppSpec. Kills the mutants of ``tools/mutate.py`` in a
couple of seconds each (docs/guides/testing.md)."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_codedeploy as codedeploy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_logs as logs
from aws_cdk.assertions import Template
from constructs import Construct

from multiregion_tap._private import service_deployment as module
from multiregion_tap._private.service_compute import build_service, build_tasks
from multiregion_tap._private.service_deployment import (
    DeploymentAlarms,
    Rollout,
    attach_deployment,
    build_deployment_alarms,
    code_deploy_appspec,
    deployment_options,
)
from multiregion_tap._private.service_load_balancer import build_load_balancer
from multiregion_tap._private.service_network import Network
from multiregion_tap._private.service_options import ServiceOptions

ENV = cdk.Environment(account="111111111111", region="us-east-1")
CIDR = "10.40.0.0/16"
ROLLS_BACK = "Rolls back an ECS/CodeDeploy blue/green deployment."


def _settings(**changes: Any) -> Any:
    """What the deployment builders (and the builders they need) read of ServiceSettings."""
    values: dict[str, Any] = {
        # load balancer
        "certificate": None,
        "internet_facing": True,
        "removal": cdk.RemovalPolicy.DESTROY,
        "options": ServiceOptions(),
        "healthy_grpc_codes": None,
        "healthy_http_codes": "200",
        "health_check_path": "/",
        "interval": cdk.Duration.seconds(30),
        "timeout": cdk.Duration.seconds(5),
        "healthy_threshold": 2,
        "unhealthy_threshold": 2,
        "listener_port": 80,
        "test_listener_port": None,
        "web_acl_arn": None,
        # compute
        "retention": logs.RetentionDays.ONE_MONTH,
        "log_encryption_key": None,
        "cpu": 256,
        "memory_limit_mib": 512,
        "image": ecs.ContainerImage.from_registry("nginx"),
        "tag": "v1",
        "container_port": 8080,
        "environment": None,
        "secrets": None,
        "desired_count": 2,
        "grace": cdk.Duration.seconds(60),
        # deployment
        "mode": "BLUE_GREEN",
        "native": True,
        "bake": cdk.Duration.minutes(7),
        "shift_percent": 20.0,
        "shift_interval": cdk.Duration.minutes(3),
        "code_deploy_config": None,
        "target_5xx_threshold": 9,
        "latency_threshold": None,
    }
    return SimpleNamespace(**{**values, **changes})


def _built(**changes: Any) -> dict[str, Any]:
    stack = cdk.Stack(cdk.App(), "Shop", env=ENV)
    scope = Construct(stack, "Web")
    vpc = ec2.Vpc.from_vpc_attributes(
        scope,
        "Vpc",
        vpc_id="vpc-12345678",
        availability_zones=["us-east-1a", "us-east-1b"],
        public_subnet_ids=["subnet-a1", "subnet-a2"],
        private_subnet_ids=["subnet-p1", "subnet-p2"],
    )
    settings = _settings(**changes)
    lb = build_load_balancer(scope, settings, Network(vpc, CIDR))
    alarms = build_deployment_alarms(scope, settings, lb)
    tasks = build_tasks(scope, settings, vpc, None, "web")
    service = build_service(
        scope,
        settings,
        tasks,
        security_group=lb.service_security_group,
        deployment_options=deployment_options(settings, alarms.names),
        deployment_alarms=alarms.all,
    )
    rollout = attach_deployment(scope, settings, service, lb, alarms, container_name="web")
    return {
        "stack": stack,
        "lb": lb,
        "alarms": alarms,
        "service": service,
        "rollout": rollout,
        "resources": Template.from_stack(stack).to_json()["Resources"],
    }


@pytest.fixture(scope="module")
def blue_green() -> dict[str, Any]:
    return _built()


@pytest.fixture(scope="module")
def canary() -> dict[str, Any]:
    return _built(
        mode="CANARY",
        test_listener_port=8443,
        latency_threshold=cdk.Duration.millis(1500),
    )


@pytest.fixture(scope="module")
def code_deploy() -> dict[str, Any]:
    return _built(mode="CODE_DEPLOY", native=False)


@pytest.fixture(scope="module")
def code_deploy_test() -> dict[str, Any]:
    return _built(
        mode="CODE_DEPLOY",
        native=False,
        test_listener_port=9000,
        code_deploy_config=codedeploy.EcsDeploymentConfig.LINEAR_10_PERCENT_EVERY_1_MINUTES,
    )


def _of(resources: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: r for k, r in resources.items() if r["Type"] == kind}


def _id(built: dict[str, Any], construct: Any) -> str:
    return str(built["stack"].get_logical_id(construct.node.default_child))


def _props(built: dict[str, Any], construct: Any) -> dict[str, Any]:
    return dict(built["resources"][_id(built, construct)]["Properties"])


def _metrics(built: dict[str, Any], alarm: cloudwatch.Alarm) -> list[tuple[str, Any, Any]]:
    """The alarm's metrics: (id, expression or metric name, stat), each metric's period 60."""
    found = []
    lb = built["lb"]
    groups = {
        _id(built, lb.blue): "blue-group",
        _id(built, lb.green): "green-group",
    }
    for m in _props(built, alarm)["Metrics"]:
        if "Expression" in m:
            found.append((m["Id"], m["Expression"], m["Label"]))
        else:
            stat = m["MetricStat"]
            assert stat["Period"] == 60
            (group,) = [
                d["Value"] for d in stat["Metric"]["Dimensions"] if d["Name"] == "TargetGroup"
            ]
            found.append(
                (
                    m["Id"],
                    (stat["Metric"]["MetricName"], groups[group["Fn::GetAtt"][0]]),
                    stat["Stat"],
                )
            )
    return found


def test_the_alarms_under_the_ids_and_names_the_service_lists(blue_green: dict[str, Any]) -> None:
    alarms: DeploymentAlarms = blue_green["alarms"]
    assert alarms.target_5xx.node.path == "Shop/Web/Target5xxAlarm"
    assert alarms.unhealthy_hosts.node.path == "Shop/Web/UnhealthyHostsAlarm"
    assert alarms.latency is None
    assert alarms.all == (alarms.target_5xx, alarms.unhealthy_hosts)
    # the scope's path below the stack, not the stack's own name twice
    assert alarms.names == ("Shop-Web-target-5xx", "Shop-Web-unhealthy-hosts")


def test_the_target_5xx_alarm(blue_green: dict[str, Any]) -> None:
    alarm = blue_green["alarms"].target_5xx
    props = _props(blue_green, alarm)
    assert props["AlarmName"] == "Shop-Web-target-5xx"
    assert props["AlarmDescription"] == (
        f"Targets answered 9 or more 5xx per minute, 2 minutes in a row. {ROLLS_BACK}"
    )
    assert props["Threshold"] == 9
    assert props["EvaluationPeriods"] == 2 and props["DatapointsToAlarm"] == 2
    assert props["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert props["TreatMissingData"] == "notBreaching"
    assert sorted(_metrics(blue_green, alarm), key=str) == sorted(
        [
            ("expr_1", "FILL(blue, 0) + FILL(green, 0)", "Target 5xx responses (blue + green)"),
            ("blue", ("HTTPCode_Target_5XX_Count", "blue-group"), "Sum"),
            ("green", ("HTTPCode_Target_5XX_Count", "green-group"), "Sum"),
        ],
        key=str,
    )


def test_the_unhealthy_hosts_alarm(blue_green: dict[str, Any]) -> None:
    alarm = blue_green["alarms"].unhealthy_hosts
    props = _props(blue_green, alarm)
    assert props["AlarmName"] == "Shop-Web-unhealthy-hosts"
    assert props["AlarmDescription"] == (
        f"A target group has unhealthy targets 2 minutes in a row. {ROLLS_BACK}"
    )
    assert props["Threshold"] == 1
    assert props["EvaluationPeriods"] == 2 and props["DatapointsToAlarm"] == 2
    assert sorted(_metrics(blue_green, alarm), key=str) == sorted(
        [
            (
                "expr_1",
                "MAX([FILL(blue, 0), FILL(green, 0)])",
                "Unhealthy targets (either target group)",
            ),
            ("blue", ("UnHealthyHostCount", "blue-group"), "Average"),
            ("green", ("UnHealthyHostCount", "green-group"), "Average"),
        ],
        key=str,
    )


def test_the_latency_alarm(canary: dict[str, Any]) -> None:
    alarms: DeploymentAlarms = canary["alarms"]
    assert alarms.latency is not None
    assert alarms.latency.node.path == "Shop/Web/LatencyAlarm"
    assert alarms.all == (alarms.target_5xx, alarms.unhealthy_hosts, alarms.latency)
    assert alarms.names[2] == "Shop-Web-latency"
    props = _props(canary, alarms.latency)
    assert props["AlarmName"] == "Shop-Web-latency"
    assert props["AlarmDescription"] == (
        f"p95 target response time above 1.5 s, 3 minutes in a row. {ROLLS_BACK}"
    )
    assert props["Threshold"] == 1.5
    assert props["EvaluationPeriods"] == 3 and props["DatapointsToAlarm"] == 3
    assert sorted(_metrics(canary, alarms.latency), key=str) == sorted(
        [
            (
                "expr_1",
                "MAX([FILL(blue, 0), FILL(green, 0)])",
                "p95 target response time (slower target group)",
            ),
            ("blue", ("TargetResponseTime", "blue-group"), "p95"),
            ("green", ("TargetResponseTime", "green-group"), "p95"),
        ],
        key=str,
    )


def test_names_refuses_an_alarm_without_a_fixed_name(blue_green: dict[str, Any]) -> None:
    alarms: DeploymentAlarms = blue_green["alarms"]
    unnamed = cloudwatch.Alarm(
        cdk.Stack(),
        "Unnamed",
        metric=cloudwatch.Metric(namespace="N", metric_name="M"),
        threshold=1,
        evaluation_periods=1,
    )
    cfn = unnamed.node.default_child
    assert isinstance(cfn, cloudwatch.CfnAlarm)
    cfn.alarm_name = None  # type: ignore[assignment]
    with pytest.raises(AssertionError):
        _ = DeploymentAlarms(alarms.target_5xx, unnamed, None).names


def test_deployment_options_for_each_mode() -> None:
    names = ("a", "b")
    code_deploy = deployment_options(_settings(mode="CODE_DEPLOY", native=False), names)
    assert list(code_deploy) == ["deployment_controller"]
    assert code_deploy["deployment_controller"].type == ecs.DeploymentControllerType.CODE_DEPLOY
    for mode, strategy, shifted in (
        ("BLUE_GREEN", ecs.DeploymentStrategy.BLUE_GREEN, None),
        ("CANARY", ecs.DeploymentStrategy.CANARY, "canary_configuration"),
        ("LINEAR", ecs.DeploymentStrategy.LINEAR, "linear_configuration"),
    ):
        options = deployment_options(_settings(mode=mode), names)
        expected = {"deployment_strategy", "bake_time", "deployment_alarms"}
        assert set(options) == expected | ({shifted} if shifted else set()), mode
        assert options["deployment_strategy"] == strategy
        assert options["bake_time"].to_minutes() == 7
        alarms = options["deployment_alarms"]
        assert list(alarms.alarm_names) == ["a", "b"]
        assert alarms.behavior == ecs.AlarmBehavior.ROLLBACK_ON_ALARM
        if shifted:
            shift = options[shifted]
            assert shift.step_percent == 20.0
            assert shift.step_bake_time.to_minutes() == 3


def test_blue_green_wiring(blue_green: dict[str, Any]) -> None:
    rollout: Rollout = blue_green["rollout"]
    assert rollout.deployment_group is None and rollout.blue_green_role is not None
    role = rollout.blue_green_role
    assert role.node.path == "Shop/Web/BlueGreenRole"
    props = _props(blue_green, role)
    assert props["Description"] == (
        "Lets ECS move traffic between the blue and green target groups"
    )
    (statement,) = props["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "ecs.amazonaws.com"}
    (policy,) = props["ManagedPolicyArns"]
    assert "AmazonECSInfrastructureRolePolicyForLoadBalancers" in str(policy)
    lb = blue_green["lb"]
    service = blue_green["resources"][_id(blue_green, blue_green["service"])]
    (balancer,) = service["Properties"]["LoadBalancers"]
    assert balancer["ContainerName"] == "web" and balancer["ContainerPort"] == 8080
    assert balancer["TargetGroupArn"] == {"Ref": _id(blue_green, lb.blue)}
    advanced = balancer["AdvancedConfiguration"]
    assert advanced["AlternateTargetGroupArn"] == {"Ref": _id(blue_green, lb.green)}
    assert advanced["ProductionListenerRule"] == {"Ref": _id(blue_green, lb.production_rule)}
    assert "TestListenerRule" not in advanced
    assert advanced["RoleArn"] == {"Fn::GetAtt": [_id(blue_green, role), "Arn"]}
    assert _id(blue_green, lb.production_rule) not in service.get("DependsOn", [])
    # one rule: CDK's own from attaching the blue group, which the builder's repeats
    assert _ingress_from_the_load_balancer(blue_green) == [(8080, "Load balancer to target")]


def test_the_test_rule_of_a_native_service(canary: dict[str, Any]) -> None:
    lb = canary["lb"]
    service = canary["resources"][_id(canary, canary["service"])]
    (balancer,) = service["Properties"]["LoadBalancers"]
    advanced = balancer["AdvancedConfiguration"]
    assert advanced["ProductionListenerRule"] == {"Ref": _id(canary, lb.production_rule)}
    assert advanced["TestListenerRule"] == {"Ref": _id(canary, lb.test_rule)}
    depends_on = service.get("DependsOn", [])
    assert _id(canary, lb.production_rule) not in depends_on
    assert _id(canary, lb.test_rule) not in depends_on
    config = service["Properties"]["DeploymentConfiguration"]
    assert config["Strategy"] == "CANARY"


def _ingress_from_the_load_balancer(built: dict[str, Any]) -> list[tuple[int, str]]:
    lb = built["lb"]
    source = {"Fn::GetAtt": [_id(built, lb.lb_security_group), "GroupId"]}
    return [
        (r["Properties"]["FromPort"], r["Properties"]["Description"])
        for r in _of(built["resources"], "AWS::EC2::SecurityGroupIngress").values()
        if r["Properties"].get("SourceSecurityGroupId") == source
    ]


def test_the_code_deploy_group(code_deploy: dict[str, Any]) -> None:
    rollout: Rollout = code_deploy["rollout"]
    assert rollout.blue_green_role is None and rollout.deployment_group is not None
    assert rollout.deployment_group.node.path == "Shop/Web/DeploymentGroup"
    (group,) = _of(code_deploy["resources"], "AWS::CodeDeploy::DeploymentGroup").values()
    props = group["Properties"]
    assert props["DeploymentConfigName"] == "CodeDeployDefault.ECSCanary10Percent5Minutes"
    assert props["AutoRollbackConfiguration"] == {
        "Enabled": True,
        "Events": [
            "DEPLOYMENT_FAILURE",
            "DEPLOYMENT_STOP_ON_REQUEST",
            "DEPLOYMENT_STOP_ON_ALARM",
        ],
    }
    alarms: DeploymentAlarms = code_deploy["alarms"]
    assert [a["Name"] for a in props["AlarmConfiguration"]["Alarms"]] == [
        {"Ref": _id(code_deploy, alarms.target_5xx)},
        {"Ref": _id(code_deploy, alarms.unhealthy_hosts)},
    ]
    blue_green = props["BlueGreenDeploymentConfiguration"]
    assert blue_green["TerminateBlueInstancesOnDeploymentSuccess"] == {
        "Action": "TERMINATE",
        "TerminationWaitTimeInMinutes": 7,
    }
    lb = code_deploy["lb"]
    info = props["LoadBalancerInfo"]["TargetGroupPairInfoList"][0]
    assert [g["Name"]["Fn::GetAtt"][0] for g in info["TargetGroups"]] == [
        _id(code_deploy, lb.blue),
        _id(code_deploy, lb.green),
    ]
    assert "TestTrafficRoute" not in info
    service = code_deploy["resources"][_id(code_deploy, code_deploy["service"])]
    assert service["Properties"]["DeploymentController"] == {"Type": "CODE_DEPLOY"}
    (balancer,) = service["Properties"]["LoadBalancers"]
    assert balancer == {
        "ContainerName": "web",
        "ContainerPort": 8080,
        "TargetGroupArn": {"Ref": _id(code_deploy, lb.blue)},
    }
    assert _ingress_from_the_load_balancer(code_deploy) == [(8080, "Load balancer to target")]


def test_the_code_deploy_group_with_a_config_and_a_test_listener(
    code_deploy_test: dict[str, Any],
) -> None:
    (group,) = _of(code_deploy_test["resources"], "AWS::CodeDeploy::DeploymentGroup").values()
    props = group["Properties"]
    assert props["DeploymentConfigName"] == "CodeDeployDefault.ECSLinear10PercentEvery1Minutes"
    info = props["LoadBalancerInfo"]["TargetGroupPairInfoList"][0]
    assert info["TestTrafficRoute"] == {
        "ListenerArns": [{"Ref": _id(code_deploy_test, code_deploy_test["lb"].test_listener)}]
    }


def test_the_appspec() -> None:
    assert code_deploy_appspec("arn:task", container_name="web", container_port=8080) == {
        "version": 0.0,
        "Resources": [
            {
                "TargetService": {
                    "Type": "AWS::ECS::Service",
                    "Properties": {
                        "TaskDefinition": "arn:task",
                        "LoadBalancerInfo": {"ContainerName": "web", "ContainerPort": 8080},
                    },
                }
            }
        ],
    }


def test_frozen_and_the_public_names(blue_green: dict[str, Any]) -> None:
    alarms: DeploymentAlarms = blue_green["alarms"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        alarms.latency = None  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        blue_green["rollout"].deployment_group = None
    namespace: dict[str, object] = {}
    exec("from multiregion_tap._private.service_deployment import *", namespace)
    assert {k: v for k, v in namespace.items() if not k.startswith("__")} == {
        "DeploymentAlarms": module.DeploymentAlarms,
        "Rollout": module.Rollout,
        "attach_deployment": module.attach_deployment,
        "build_deployment_alarms": module.build_deployment_alarms,
        "code_deploy_appspec": module.code_deploy_appspec,
        "deployment_options": module.deployment_options,
    }
