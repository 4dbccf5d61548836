"""RegionalService options beyond the basics: ARM64, Fargate Spot and capacity provider
strategies, ECS Exec (with its permissions), ALB idle timeout, ephemeral storage, the
container's command, entry point and health check, and the ``*_props`` overrides merged over
the library's defaults (keys the library owns refused). Exact values, AWS literal strings."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk.assertions import Match, Template

from multiregion_tap import ValidationError
from multiregion_tap._private.service_options import OWNED_KEYS
from multiregion_tap.regional_service import RegionalService, RegionalServiceProps
from tests.support.lint import cfn_lint_findings
from tests.support.nag import app_with_nag, synth_with_nag

ACCOUNT = "123456789012"
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guides" / "customizing.md"
HEALTH_COMMAND = ["CMD-SHELL", "curl -f http://localhost:8080/healthz || exit 1"]
SSM_MESSAGES = [
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
]

_counter = iter(range(100_000))


def _stack() -> cdk.Stack:
    return cdk.Stack(
        cdk.App(),
        f"S{next(_counter)}",
        env=cdk.Environment(region="us-east-2", account=ACCOUNT),
    )


def _resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def _one(template: dict[str, Any], kind: str) -> tuple[str, dict[str, Any]]:
    found = _resources(template, kind)
    assert len(found) == 1, (kind, list(found))
    return next(iter(found.items()))


@pytest.fixture(scope="module")
def everything() -> dict[str, Any]:
    """One service with every option and override on (synthesized once)."""
    stack = _stack()
    service = RegionalService(
        stack,
        "Service",
        container_port=8080,
        cpu_architecture=ecs.CpuArchitecture.ARM64,
        ephemeral_storage_gib=50,
        command=["gunicorn", "--bind", "0.0.0.0:8080", "app:app"],
        entry_point=["/usr/bin/tini", "--"],
        container_health_check=ecs.HealthCheck(
            command=HEALTH_COMMAND,
            interval=cdk.Duration.seconds(15),
            timeout=cdk.Duration.seconds(3),
            retries=4,
            start_period=cdk.Duration.seconds(20),
        ),
        spot=True,
        enable_execute_command=True,
        idle_timeout=cdk.Duration.seconds(120),
        task_definition_props={"family": "shop-web"},
        container_props={"user": "1000", "readonly_root_filesystem": True},
        fargate_service_props={
            "availability_zone_rebalancing": ecs.AvailabilityZoneRebalancing.ENABLED
        },
        load_balancer_props={"http2_enabled": False},
        target_group_props={"slow_start": cdk.Duration.seconds(60)},
    )
    template = Template.from_stack(stack)
    return {"stack": stack, "service": service, "template": template, "raw": template.to_json()}


# ------------------------------------------------------------------ task definition, container
def test_arm64_runtime_platform_and_ephemeral_storage(everything: dict[str, Any]) -> None:
    _, task = _one(everything["raw"], "AWS::ECS::TaskDefinition")
    props = task["Properties"]
    assert props["RuntimePlatform"] == {
        "CpuArchitecture": "ARM64",
        "OperatingSystemFamily": "LINUX",
    }
    assert props["EphemeralStorage"] == {"SizeInGiB": 50}
    assert props["Family"] == "shop-web"  # task_definition_props
    assert (props["Cpu"], props["Memory"]) == ("256", "512")  # the library's own keys stay


def test_container_command_entry_point_health_check_and_overrides(
    everything: dict[str, Any],
) -> None:
    _, task = _one(everything["raw"], "AWS::ECS::TaskDefinition")
    (container,) = task["Properties"]["ContainerDefinitions"]
    assert container["Name"] == "app"
    assert container["Command"] == ["gunicorn", "--bind", "0.0.0.0:8080", "app:app"]
    assert container["EntryPoint"] == ["/usr/bin/tini", "--"]
    assert container["HealthCheck"] == {
        "Command": HEALTH_COMMAND,
        "Interval": 15,
        "Timeout": 3,
        "Retries": 4,
        "StartPeriod": 20,
    }
    assert container["User"] == "1000"
    assert container["ReadonlyRootFilesystem"] is True
    assert container["PortMappings"] == [{"ContainerPort": 8080, "Protocol": "tcp"}]
    assert container["LogConfiguration"]["LogDriver"] == "awslogs"


# ------------------------------------------------------------------ Fargate Spot
def test_spot_uses_fargate_spot_beyond_one_on_demand_task(everything: dict[str, Any]) -> None:
    raw = everything["raw"]
    _, association = _one(raw, "AWS::ECS::ClusterCapacityProviderAssociations")
    cluster_id, _ = _one(raw, "AWS::ECS::Cluster")
    assert association["Properties"] == {
        "CapacityProviders": ["FARGATE", "FARGATE_SPOT"],
        "Cluster": {"Ref": cluster_id},
        "DefaultCapacityProviderStrategy": [],
    }
    _, service = _one(raw, "AWS::ECS::Service")
    props = service["Properties"]
    assert props["CapacityProviderStrategy"] == [
        {"CapacityProvider": "FARGATE", "Base": 1, "Weight": 0},
        {"CapacityProvider": "FARGATE_SPOT", "Base": 0, "Weight": 1},
    ]
    assert "LaunchType" not in props  # a strategy replaces the launch type
    assert props["AvailabilityZoneRebalancing"] == "ENABLED"  # fargate_service_props
    assert props["DeploymentConfiguration"]["Strategy"] == "BLUE_GREEN"  # still the library's


def test_capacity_provider_strategies_of_your_own() -> None:
    stack = _stack()
    RegionalService(
        stack,
        "Service",
        capacity_provider_strategies=[
            ecs.CapacityProviderStrategy(capacity_provider="FARGATE", base=2, weight=1),
            ecs.CapacityProviderStrategy(capacity_provider="FARGATE_SPOT", weight=3),
        ],
    )
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::ECS::Service",
        {
            "CapacityProviderStrategy": [
                {"CapacityProvider": "FARGATE", "Base": 2, "Weight": 1},
                {"CapacityProvider": "FARGATE_SPOT", "Weight": 3},
            ],
            "LaunchType": Match.absent(),
        },
    )
    template.has_resource_properties(
        "AWS::ECS::ClusterCapacityProviderAssociations",
        {"CapacityProviders": ["FARGATE", "FARGATE_SPOT"]},
    )


# ------------------------------------------------------------------ ECS Exec
def test_execute_command_brings_the_ssmmessages_permissions(everything: dict[str, Any]) -> None:
    raw = everything["raw"]
    _, service = _one(raw, "AWS::ECS::Service")
    assert service["Properties"]["EnableExecuteCommand"] is True
    _, task = _one(raw, "AWS::ECS::TaskDefinition")
    task_role = task["Properties"]["TaskRoleArn"]["Fn::GetAtt"][0]
    policies = [
        p
        for p in _resources(raw, "AWS::IAM::Policy").values()
        if p["Properties"]["Roles"] == [{"Ref": task_role}]
    ]
    assert len(policies) == 1, policies
    statements = policies[0]["Properties"]["PolicyDocument"]["Statement"]
    assert {"Action": SSM_MESSAGES, "Effect": "Allow", "Resource": "*"} in statements
    # The service waits for the policy: a task started before it could not open a session.
    assert any(
        d.startswith("ServiceTaskDefinitionTaskRoleDefaultPolicy") for d in service["DependsOn"]
    )
    # The execution role is unchanged: ECS Exec runs in the task, under the task role.
    exec_role = task["Properties"]["ExecutionRoleArn"]["Fn::GetAtt"][0]
    for policy in _resources(raw, "AWS::IAM::Policy").values():
        if policy["Properties"]["Roles"] == [{"Ref": exec_role}]:
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
                assert "ssmmessages" not in str(statement["Action"])


# ------------------------------------------------------------------ load balancer, target groups
def test_idle_timeout_and_load_balancer_override(everything: dict[str, Any]) -> None:
    _, lb = _one(everything["raw"], "AWS::ElasticLoadBalancingV2::LoadBalancer")
    attributes = {a["Key"]: a["Value"] for a in lb["Properties"]["LoadBalancerAttributes"]}
    assert attributes["idle_timeout.timeout_seconds"] == "120"
    assert attributes["routing.http2.enabled"] == "false"
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    assert attributes["deletion_protection.enabled"] == "true"
    assert lb["Properties"]["Scheme"] == "internet-facing"


def test_target_group_override_applies_to_blue_and_green(everything: dict[str, Any]) -> None:
    groups = _resources(everything["raw"], "AWS::ElasticLoadBalancingV2::TargetGroup")
    assert len(groups) == 2
    for group in groups.values():
        props = group["Properties"]
        attributes = {a["Key"]: a["Value"] for a in props["TargetGroupAttributes"]}
        assert attributes["slow_start.duration_seconds"] == "60"
        assert attributes["deregistration_delay.timeout_seconds"] == "30"
        assert (props["Port"], props["Protocol"], props["TargetType"]) == (80, "HTTP", "ip")


def test_the_defaults_leave_the_template_as_before() -> None:
    """No option given: no capacity providers, no ECS Exec, x86_64, no extra attributes."""
    stack = _stack()
    RegionalService(stack, "Service")
    raw = Template.from_stack(stack).to_json()
    assert not _resources(raw, "AWS::ECS::ClusterCapacityProviderAssociations")
    _, service = _one(raw, "AWS::ECS::Service")
    assert service["Properties"]["LaunchType"] == "FARGATE"
    assert "EnableExecuteCommand" not in service["Properties"]
    assert "CapacityProviderStrategy" not in service["Properties"]
    _, task = _one(raw, "AWS::ECS::TaskDefinition")
    assert task["Properties"]["RuntimePlatform"]["CpuArchitecture"] == "X86_64"
    assert "EphemeralStorage" not in task["Properties"]
    (container,) = task["Properties"]["ContainerDefinitions"]
    assert not {"Command", "EntryPoint", "HealthCheck"} & set(container)
    _, lb = _one(raw, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    keys = {a["Key"] for a in lb["Properties"]["LoadBalancerAttributes"]}
    assert "idle_timeout.timeout_seconds" not in keys


def test_props_dataclass_carries_the_options_to_every_region() -> None:
    props = RegionalServiceProps(
        cpu_architecture=ecs.CpuArchitecture.ARM64, spot=True, enable_execute_command=True
    )
    stack = _stack()
    kwargs = {f.name: getattr(props, f.name) for f in dataclasses.fields(props)}
    RegionalService(stack, "Service", **kwargs)
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::ECS::TaskDefinition", {"RuntimePlatform": {"CpuArchitecture": "ARM64"}}
    )
    template.has_resource_properties("AWS::ECS::Service", {"EnableExecuteCommand": True})


# ------------------------------------------------------------------ bad input
def _check(**values: Any) -> ecs.HealthCheck:
    return ecs.HealthCheck(command=values.pop("command", HEALTH_COMMAND), **values)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"cpu_architecture": "ARM64"},
            "cpu_architecture must be an aws_ecs.CpuArchitecture (CpuArchitecture.ARM64 or "
            "CpuArchitecture.X86_64), got 'ARM64'",
        ),
        ({"ephemeral_storage_gib": 20}, "ephemeral_storage_gib must be between 21 and 200, got 20"),
        (
            {"ephemeral_storage_gib": 201},
            "ephemeral_storage_gib must be between 21 and 200, got 201",
        ),
        (
            {"ephemeral_storage_gib": 30.5},
            "ephemeral_storage_gib must be a whole number of GiB, got 30.5",
        ),
        (
            {"command": "gunicorn app:app"},
            "command must be a list of strings, such as ['gunicorn', 'app:app'], "
            "got 'gunicorn app:app'",
        ),
        ({"entry_point": []}, "entry_point must be a non-empty list of non-empty strings, got []"),
        (
            {"command": ["run", ""]},
            "command must be a non-empty list of non-empty strings, got ['run', '']",
        ),
        (
            {"container_health_check": {"command": HEALTH_COMMAND}},
            "container_health_check must be an aws_ecs.HealthCheck, got "
            f"{{'command': {HEALTH_COMMAND!r}}}",
        ),
        (
            {"container_health_check": _check(interval=cdk.Duration.seconds(301))},
            "container_health_check.interval must be a whole number of seconds between 5 and "
            "300, got '301 seconds'",
        ),
        (
            {"container_health_check": _check(timeout=cdk.Duration.seconds(1))},
            "container_health_check.timeout must be a whole number of seconds between 2 and "
            "120, got '1 seconds'",
        ),
        (
            {"container_health_check": _check(retries=11)},
            "container_health_check.retries must be between 1 and 10, got 11",
        ),
        (
            {"container_health_check": _check(start_period=cdk.Duration.seconds(301))},
            "container_health_check.start_period must be a whole number of seconds between 0 "
            "and 300, got '301 seconds'",
        ),
        (
            {
                "container_health_check": _check(
                    interval=cdk.Duration.seconds(10), timeout=cdk.Duration.seconds(10)
                )
            },
            "container_health_check.timeout must be shorter than the interval (10 seconds), "
            "got '10 seconds'",
        ),
        ({"spot": "yes"}, "spot must be True or False, got 'yes'"),
        ({"enable_execute_command": 1}, "enable_execute_command must be True or False, got 1"),
        (
            {
                "spot": True,
                "capacity_provider_strategies": [
                    ecs.CapacityProviderStrategy(capacity_provider="FARGATE", weight=1)
                ],
            },
            "spot and capacity_provider_strategies are mutually exclusive",
        ),
        (
            {"capacity_provider_strategies": []},
            "capacity_provider_strategies must be a non-empty list of "
            "aws_ecs.CapacityProviderStrategy, got []",
        ),
        (
            {
                "capacity_provider_strategies": [
                    ecs.CapacityProviderStrategy(capacity_provider="EC2", weight=1)
                ]
            },
            "capacity_provider_strategies[0].capacity_provider must be 'FARGATE' or "
            "'FARGATE_SPOT', got 'EC2'",
        ),
        (
            {
                "capacity_provider_strategies": [
                    ecs.CapacityProviderStrategy(capacity_provider="FARGATE", weight=1),
                    ecs.CapacityProviderStrategy(capacity_provider="FARGATE", weight=2),
                ]
            },
            "capacity_provider_strategies[1].capacity_provider must be named once, got 'FARGATE'",
        ),
        (
            {
                "capacity_provider_strategies": [
                    ecs.CapacityProviderStrategy(capacity_provider="FARGATE_SPOT", weight=1001)
                ]
            },
            "capacity_provider_strategies[0].weight must be between 0 and 1000, got 1001",
        ),
        (
            {
                "capacity_provider_strategies": [
                    ecs.CapacityProviderStrategy(capacity_provider="FARGATE", weight=0)
                ]
            },
            "capacity_provider_strategies must give one provider a weight above 0, got ['FARGATE']",
        ),
        (
            {
                "capacity_provider_strategies": [
                    ecs.CapacityProviderStrategy(capacity_provider="FARGATE", base=1, weight=1),
                    ecs.CapacityProviderStrategy(
                        capacity_provider="FARGATE_SPOT", base=1, weight=1
                    ),
                ]
            },
            "capacity_provider_strategies must give a base to one capacity provider at most, "
            "got ['FARGATE', 'FARGATE_SPOT']",
        ),
        (
            {"idle_timeout": cdk.Duration.seconds(4001)},
            "idle_timeout must be a whole number of seconds between 1 and 4000, got '4001 seconds'",
        ),
        ({"idle_timeout": 60}, "idle_timeout must be an aws_cdk.Duration, got 60"),
        # Scaling: the error names a prop the user gave.
        (
            {"min_capacity": 5},
            "min_capacity must not exceed desired_count (2, its default), got 5",
        ),
        (
            {"desired_count": 12, "min_capacity": 2},
            "desired_count must be at most max_capacity (4, by default twice min_capacity), got 12",
        ),
        (
            {"desired_count": 12, "min_capacity": 2, "max_capacity": 10},
            "desired_count must be at most max_capacity (10), got 12",
        ),
        (
            # The default maximum (twice the minimum) stops at 1000 instead of naming it.
            {"desired_count": 600},
            None,
        ),
    ],
)
def test_bad_options_name_the_prop_and_value(kwargs: dict[str, Any], message: str | None) -> None:
    stack = _stack()
    if message is None:
        RegionalService(stack, "Service", **kwargs)
        Template.from_stack(stack).has_resource_properties(
            "AWS::ApplicationAutoScaling::ScalableTarget", {"MinCapacity": 600, "MaxCapacity": 1000}
        )
        return
    with pytest.raises(ValidationError) as caught:
        RegionalService(stack, "Service", **kwargs)
    assert caught.value.message.startswith(message), caught.value.message
    assert caught.value.construct_path == f"{stack.stack_name}/Service"
    if "mutually exclusive" not in message:
        assert caught.value.message == message
    # Nothing was created: every prop is checked first.
    assert stack.node.try_find_child("Service") is None


# ------------------------------------------------------------------ overrides
@pytest.mark.parametrize(
    ("prop", "key", "value", "reason"),
    [
        ("task_definition_props", "cpu", 1024, "use cpu"),
        ("task_definition_props", "runtime_platform", "x", "use cpu_architecture"),
        ("container_props", "image", "nginx", "use image or image_tag"),
        (
            "container_props",
            "logging",
            "x",
            "the container logs to the service's log group (log_group)",
        ),
        ("fargate_service_props", "desired_count", 3, "use desired_count"),
        ("fargate_service_props", "deployment_controller", "x", "use deployment_mode"),
        (
            "fargate_service_props",
            "assign_public_ip",
            True,
            "the tasks run in private subnets without public IPs",
        ),
        ("load_balancer_props", "internet_facing", False, "use internet_facing"),
        (
            "load_balancer_props",
            "deletion_protection",
            False,
            "use removal_policy (RETAIN turns it on)",
        ),
        ("target_group_props", "health_check", "x", "use the health_check_* props"),
        (
            "target_group_props",
            "target_group_name",
            "shop",
            "blue and green cannot share a name",
        ),
    ],
)
def test_an_override_of_a_key_the_library_owns_is_refused(
    prop: str, key: str, value: Any, reason: str
) -> None:
    stack = _stack()
    with pytest.raises(ValidationError) as caught:
        RegionalService(stack, "Service", **{prop: {key: value}})
    assert caught.value.message == (
        f"{prop}[{key!r}] must not be given: the library sets it ({reason}), got {value!r}"
    )


@pytest.mark.parametrize(
    ("prop", "cls"),
    [
        ("task_definition_props", "aws_ecs.FargateTaskDefinition"),
        ("container_props", "aws_ecs.ContainerDefinition"),
        ("fargate_service_props", "aws_ecs.FargateService"),
        ("load_balancer_props", "aws_elasticloadbalancingv2.ApplicationLoadBalancer"),
        ("target_group_props", "aws_elasticloadbalancingv2.ApplicationTargetGroup"),
    ],
)
def test_an_unknown_override_key_is_refused(prop: str, cls: str) -> None:
    stack = _stack()
    with pytest.raises(ValidationError) as caught:
        RegionalService(stack, "Service", **{prop: {"famly": "x"}})
    assert caught.value.message == (
        f"{prop}['famly'] must be a keyword argument of {cls} (unknown key 'famly'), got 'x'"
    )
    with pytest.raises(ValidationError) as caught:
        RegionalService(stack, "Service2", **{prop: [("family", "x")]})
    assert caught.value.message == (
        f"{prop} must be a mapping of keyword arguments (a dict), got [('family', 'x')]"
    )


def test_every_owned_key_is_a_real_keyword_argument() -> None:
    """A key listed as owned that the CDK class does not take would hide a typo."""
    import inspect

    for prop, (cls, owned) in OWNED_KEYS.items():
        params = set(inspect.signature(cls.__init__).parameters)
        assert set(owned) <= params, (prop, set(owned) - params)


def test_an_override_may_replace_a_library_default() -> None:
    """Keys the library merely defaults (not owns) are the user's to change."""
    stack = _stack()
    RegionalService(
        stack,
        "Service",
        load_balancer_props={"drop_invalid_header_fields": False},
        target_group_props={"deregistration_delay": cdk.Duration.seconds(120)},
        fargate_service_props={"propagate_tags": ecs.PropagatedTagSource.TASK_DEFINITION},
    )
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        {
            "LoadBalancerAttributes": Match.array_with(
                [{"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "false"}]
            )
        },
    )
    template.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        {
            "TargetGroupAttributes": Match.array_with(
                [{"Key": "deregistration_delay.timeout_seconds", "Value": "120"}]
            )
        },
    )
    template.has_resource_properties("AWS::ECS::Service", {"PropagateTags": "TASK_DEFINITION"})


# ------------------------------------------------------------------ scanners
def test_every_option_on_is_cdk_nag_and_cfn_lint_clean() -> None:
    """ARM64 on Fargate Spot with ECS Exec, a container health check and overrides adds no
    unacknowledged cdk-nag finding (AwsSolutions, NIST 800-53 rev5) and no cfn-lint finding."""
    app = app_with_nag()
    stack = cdk.Stack(app, "Options", env=cdk.Environment(region="us-east-2", account=ACCOUNT))
    RegionalService(
        stack,
        "Service",
        cpu_architecture=ecs.CpuArchitecture.ARM64,
        spot=True,
        enable_execute_command=True,
        idle_timeout=cdk.Duration.seconds(120),
        ephemeral_storage_gib=30,
        command=["serve"],
        container_health_check=ecs.HealthCheck(command=HEALTH_COMMAND),
        container_props={"readonly_root_filesystem": True},
        target_group_props={"slow_start": cdk.Duration.seconds(30)},
    )
    nagged = synth_with_nag(app)
    assert nagged.findings == {}
    assert cfn_lint_findings(nagged.template_paths.values()) == ""


# ------------------------------------------------------------------ the guide
def _guide_snippets() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", GUIDE.read_text(), re.S | re.M)


def test_the_guide_shows_snippets() -> None:
    assert len(_guide_snippets()) == 7


@pytest.mark.parametrize(
    ("index", "builds"),
    [(0, True), (1, True), (2, False), (3, True), (4, True), (5, True), (6, True)],
)
def test_guide_snippet_runs_and_synthesizes(index: int, builds: bool) -> None:
    """Each snippet of docs/guides/customizing.md runs as shown (its asserts included) and
    its stack synthesizes; the refused override creates nothing."""
    namespace: dict[str, Any] = {}
    exec(compile(_guide_snippets()[index], f"customizing.md[{index}]", "exec"), namespace)
    resources = Template.from_stack(namespace["stack"]).to_json().get("Resources", {})
    assert bool(resources) is builds
    if builds:
        assert any(r["Type"] == "AWS::ECS::Service" for r in resources.values())


# ------------------------------------------------------------------ bring your own repository
def test_existing_repository_creates_no_repository_and_no_replication() -> None:
    stack = _stack()
    existing = ecr.Repository.from_repository_name(stack, "ShopRepo", "shop/web")
    service = RegionalService(stack, "Service", existing_repository=existing, image_tag="v42")
    raw = Template.from_stack(stack).to_json()
    assert not _resources(raw, "AWS::ECR::Repository")
    assert not _resources(raw, "AWS::ECR::ReplicationConfiguration")
    assert service.repository is existing
    assert service.replication_configuration is None
    _, task = _one(raw, "AWS::ECS::TaskDefinition")
    (container,) = task["Properties"]["ContainerDefinitions"]
    image = json.dumps(container["Image"])
    assert f"{ACCOUNT}.dkr.ecr.us-east-2." in image and "/shop/web:v42" in image
    # The execution role may pull from that repository only.
    exec_role = task["Properties"]["ExecutionRoleArn"]["Fn::GetAtt"][0]
    (policy,) = (
        p
        for p in _resources(raw, "AWS::IAM::Policy").values()
        if p["Properties"]["Roles"] == [{"Ref": exec_role}]
    )
    pull = policy["Properties"]["PolicyDocument"]["Statement"][0]
    assert pull["Action"] == [
        "ecr:BatchCheckLayerAvailability",
        "ecr:GetDownloadUrlForLayer",
        "ecr:BatchGetImage",
    ]
    assert ":repository/shop/web" in json.dumps(pull["Resource"])
    assert "RepositoryUri" in raw["Outputs"]  # the well-known output names this repository


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"repository_name": "shop/other"},
            "existing_repository and repository_name are mutually exclusive",
        ),
        (
            {"image_replication_regions": ["us-west-2"]},
            "existing_repository and image_replication_regions are mutually exclusive",
        ),
        (
            {"image": "nginx"},
            "image and existing_repository are mutually exclusive",
        ),
    ],
)
def test_existing_repository_excludes_what_would_create_or_replace_it(
    kwargs: dict[str, Any], message: str
) -> None:
    stack = _stack()
    existing = ecr.Repository.from_repository_name(stack, "ShopRepo", "shop/web")
    if kwargs.get("image") == "nginx":
        kwargs["image"] = ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:stable")
    with pytest.raises(ValidationError) as caught:
        RegionalService(stack, "Service", existing_repository=existing, **kwargs)
    assert caught.value.message.startswith(message + ": give at most one")


def test_existing_repository_of_another_region_is_refused() -> None:
    stack = _stack()
    arn = f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/shop/web"
    existing = ecr.Repository.from_repository_arn(stack, "ShopRepo", arn)
    with pytest.raises(ValidationError) as caught:
        RegionalService(stack, "Service", existing_repository=existing)
    assert caught.value.message == (
        "existing_repository must be in the stack's region 'us-east-2', not 'us-east-1': an ECR "
        "repository the tasks pull from is regional (use one created in, or imported for, "
        f"us-east-2), got {arn!r}"
    )


# ------------------------------------------------------------------ TLS policy
def test_ssl_policy_applies_to_every_https_listener() -> None:
    stack = _stack()
    certificate = acm.Certificate.from_certificate_arn(
        stack, "Cert", f"arn:aws:acm:us-east-2:{ACCOUNT}:certificate/abcd"
    )
    RegionalService(
        stack,
        "Service",
        certificate=certificate,
        ssl_policy=elbv2.SslPolicy.TLS13_RES,
        test_listener_port=8443,
    )
    listeners = _resources(
        Template.from_stack(stack).to_json(), "AWS::ElasticLoadBalancingV2::Listener"
    )
    policies = sorted(
        (lst["Properties"]["Port"], lst["Properties"].get("SslPolicy"))
        for lst in listeners.values()
    )
    # Production 443 and test 8443 use the policy; the port 80 redirect has none.
    assert policies == [
        (80, None),
        (443, "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"),
        (
            8443,
            "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
        ),
    ]


def test_ssl_policy_needs_a_certificate() -> None:
    stack = _stack()
    with pytest.raises(ValidationError) as caught:
        RegionalService(stack, "Service", ssl_policy=elbv2.SslPolicy.TLS13_RES)
    assert caught.value.message == (
        "ssl_policy must be given only with a certificate (it applies to the HTTPS listeners), "
        "got 'TLS13_RES'"
    )
    with pytest.raises(ValidationError) as caught:
        RegionalService(stack, "Service", ssl_policy="TLS13_RES")
    assert caught.value.message == (
        "ssl_policy must be an aws_elasticloadbalancingv2.SslPolicy, got 'TLS13_RES'"
    )


def test_your_own_execution_role_gets_the_pull_and_log_permissions() -> None:
    """The guide's sidecar snippet: the user's execution role, the sidecar beside ``app``."""
    namespace: dict[str, Any] = {}
    exec(compile(_guide_snippets()[3], "customizing.md[3]", "exec"), namespace)
    raw = Template.from_stack(namespace["stack"]).to_json()
    _, task = _one(raw, "AWS::ECS::TaskDefinition")
    role = task["Properties"]["ExecutionRoleArn"]["Fn::GetAtt"][0]
    assert role.startswith("ExecutionRole")  # the user's role, not one the library made
    assert [c["Name"] for c in task["Properties"]["ContainerDefinitions"]] == [
        "app",
        "Collector",
    ]
    statements = [
        statement
        for policy in _resources(raw, "AWS::IAM::Policy").values()
        if policy["Properties"]["Roles"] == [{"Ref": role}]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]
    actions = {
        a
        for s in statements
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    }
    assert {
        "ecr:BatchGetImage",
        "ecr:GetAuthorizationToken",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    } <= actions


# ------------------------------------------------------------------ dual stack
def test_dual_stack_load_balancer_and_vpc_are_nag_and_lint_clean() -> None:
    app = app_with_nag()
    stack = cdk.Stack(app, "Dual", env=cdk.Environment(region="us-east-2", account=ACCOUNT))
    service = RegionalService(stack, "Service", dual_stack=True)
    nagged = synth_with_nag(app)
    assert nagged.findings == {}
    assert cfn_lint_findings(nagged.template_paths.values()) == ""
    raw = nagged.raw["Dual"]
    _, block = _one(raw, "AWS::EC2::VPCCidrBlock")
    assert block["Properties"]["AmazonProvidedIpv6CidrBlock"] is True
    subnets = _resources(raw, "AWS::EC2::Subnet")
    assert len(subnets) == 6
    for subnet in subnets.values():
        assert "Ipv6CidrBlock" in subnet["Properties"]
        assert subnet["Properties"]["AssignIpv6AddressOnCreation"] is False
    _one(raw, "AWS::EC2::EgressOnlyInternetGateway")
    _, lb = _one(raw, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert lb["Properties"]["IpAddressType"] == "dualstack"
    assert service.load_balancer.ip_address_type == elbv2.IpAddressType.DUAL_STACK
    group = lb["Properties"]["SecurityGroups"][0]["Fn::GetAtt"][0]
    ingress = raw["Resources"][group]["Properties"]["SecurityGroupIngress"]
    assert sorted((r.get("CidrIp") or r.get("CidrIpv6"), r["FromPort"]) for r in ingress) == [
        ("0.0.0.0/0", 80),
        ("::/0", 80),
    ]
    # The targets stay IPv4 (ECS registers the tasks' IPv4 addresses).
    for group in _resources(raw, "AWS::ElasticLoadBalancingV2::TargetGroup").values():
        assert group["Properties"].get("IpAddressType", "ipv4") == "ipv4"


def test_ip_address_type_is_owned_by_dual_stack() -> None:
    stack = _stack()
    with pytest.raises(ValidationError) as caught:
        RegionalService(
            stack,
            "Service",
            load_balancer_props={"ip_address_type": elbv2.IpAddressType.DUAL_STACK},
        )
    assert caught.value.message == (
        "load_balancer_props['ip_address_type'] must not be given: the library sets it "
        "(use dual_stack), got <IpAddressType.DUAL_STACK: 'DUAL_STACK'>"
    )
    with pytest.raises(ValidationError) as caught:
        RegionalService(stack, "Service", dual_stack="yes")
    assert caught.value.message == "dual_stack must be True or False, got 'yes'"


# ------------------------------------------------------------------ gRPC and HTTP/2 targets
GRPC = {"protocol_version": elbv2.ApplicationProtocolVersion.GRPC}
HTTP2 = {"protocol_version": elbv2.ApplicationProtocolVersion.HTTP2}


def _with_certificate(**kwargs: Any) -> dict[str, Any]:
    stack = _stack()
    certificate = acm.Certificate.from_certificate_arn(
        stack, "Cert", f"arn:aws:acm:us-east-2:{ACCOUNT}:certificate/abcd"
    )
    RegionalService(stack, "Service", certificate=certificate, **kwargs)
    return Template.from_stack(stack).to_json()


def _groups(raw: dict[str, Any]) -> list[dict[str, Any]]:
    groups = _resources(raw, "AWS::ElasticLoadBalancingV2::TargetGroup").values()
    return [g["Properties"] for g in groups]


@pytest.mark.parametrize(
    ("path", "codes", "matcher"),
    [
        ("/grpc.health.v1.Health/Check", None, "0"),
        ("/AWS.ALB/healthcheck", None, "12"),
        ("/shop.v1.Cart/Ping", "0-99", "0-99"),
        ("/Ping/Check", "0,12", "0,12"),
    ],
)
def test_grpc_target_groups_match_grpc_status_codes(
    path: str, codes: str | None, matcher: str
) -> None:
    raw = _with_certificate(
        health_check_path=path, health_check_grpc_codes=codes, target_group_props=GRPC
    )
    groups = _groups(raw)
    assert len(groups) == 2  # blue and green alike
    for group in groups:
        assert group["ProtocolVersion"] == "GRPC"
        assert group["Matcher"] == {"GrpcCode": matcher}
        assert group["HealthCheckPath"] == path


def test_http2_target_groups_keep_http_codes() -> None:
    for group in _groups(_with_certificate(target_group_props=HTTP2)):
        assert group["ProtocolVersion"] == "HTTP2"
        assert group["Matcher"] == {"HttpCode": "200-399"}


def test_grpc_service_is_cdk_nag_and_cfn_lint_clean() -> None:
    app = app_with_nag()
    stack = cdk.Stack(app, "Grpc", env=cdk.Environment(region="us-east-2", account=ACCOUNT))
    certificate = acm.Certificate.from_certificate_arn(
        stack, "Cert", f"arn:aws:acm:us-east-2:{ACCOUNT}:certificate/abcd"
    )
    RegionalService(
        stack,
        "Service",
        certificate=certificate,
        health_check_path="/grpc.health.v1.Health/Check",
        target_group_props=GRPC,
        test_listener_port=8443,
    )
    nagged = synth_with_nag(app)
    assert nagged.findings == {}
    assert cfn_lint_findings(nagged.template_paths.values()) == ""


@pytest.mark.parametrize(
    ("kwargs", "certificate", "message"),
    [
        (
            {"target_group_props": GRPC, "health_check_path": "/a.B/C"},
            False,
            "target_group_props['protocol_version'] must be used with a certificate: an ALB "
            "accepts HTTP/2 and gRPC requests on HTTPS listeners only, and answers HTTP/1.1 "
            "requests to such a target group with 464, got 'GRPC'",
        ),
        (
            {"target_group_props": HTTP2},
            False,
            "target_group_props['protocol_version'] must be used with a certificate: an ALB "
            "accepts HTTP/2 and gRPC requests on HTTPS listeners only, and answers HTTP/1.1 "
            "requests to such a target group with 464, got 'HTTP2'",
        ),
        (
            {"target_group_props": HTTP2, "load_balancer_props": {"http2_enabled": False}},
            True,
            "load_balancer_props['http2_enabled'] must not be False with "
            "target_group_props['protocol_version'] HTTP2: the load balancer would accept no "
            "HTTP/2 request for the targets, got False",
        ),
        (
            {"health_check_grpc_codes": "0"},
            True,
            "health_check_grpc_codes must be given only with "
            "target_group_props['protocol_version'] ApplicationProtocolVersion.GRPC (other "
            "targets answer the health check with HTTP codes: health_check_healthy_http_codes), "
            "got '0'",
        ),
        (
            {"health_check_grpc_codes": "0", "target_group_props": HTTP2},
            True,
            "health_check_grpc_codes must be given only with "
            "target_group_props['protocol_version'] ApplicationProtocolVersion.GRPC (other "
            "targets answer the health check with HTTP codes: health_check_healthy_http_codes), "
            "got '0'",
        ),
        (
            {"target_group_props": GRPC},
            True,
            "health_check_path must be a gRPC method '/package.service/method' with "
            "target_group_props['protocol_version'] GRPC, such as '/AWS.ALB/healthcheck' or "
            "'/grpc.health.v1.Health/Check', got '/'",
        ),
        (
            {
                "target_group_props": GRPC,
                "health_check_path": "/a.B/C",
                "health_check_healthy_http_codes": "200",
            },
            True,
            "health_check_healthy_http_codes must be left at its default with "
            "target_group_props['protocol_version'] GRPC: a gRPC health check matches gRPC "
            "status codes (health_check_grpc_codes), got '200'",
        ),
        (
            {
                "target_group_props": GRPC,
                "health_check_path": "/a.B/C",
                "health_check_grpc_codes": "200",
            },
            True,
            "health_check_grpc_codes must be gRPC status codes from 0 to 99 as a value, list "
            "or range, such as '0', '0,12' or '0-99', got '200'",
        ),
        (
            {
                "target_group_props": GRPC,
                "health_check_path": "/a.B/C",
                "health_check_grpc_codes": "12-3",
            },
            True,
            "health_check_grpc_codes must have ranges low-high, not '12-3', got '12-3'",
        ),
    ],
)
def test_inconsistent_grpc_and_http2_settings_are_refused(
    kwargs: dict[str, Any], certificate: bool, message: str
) -> None:
    stack = _stack()
    if certificate:
        kwargs = {
            **kwargs,
            "certificate": acm.Certificate.from_certificate_arn(
                stack, "Cert", f"arn:aws:acm:us-east-2:{ACCOUNT}:certificate/abcd"
            ),
        }
    with pytest.raises(ValidationError) as caught:
        RegionalService(stack, "Service", **kwargs)
    assert caught.value.message == message
    assert not Template.from_stack(stack).to_json().get("Resources")


def test_the_guides_grpc_snippet_synthesizes_as_shown() -> None:
    (snippet,) = re.findall(
        r"^```\{code-block\} python\n:caption: grpc service\n\n(.*?)^```",
        GUIDE.read_text(),
        re.S | re.M,
    )
    namespace: dict[str, Any] = {}
    exec(compile(snippet, "customizing.md[grpc service]", "exec"), namespace)
    groups = _groups(Template.from_stack(namespace["stack"]).to_json())
    assert [(g["ProtocolVersion"], g["Matcher"]) for g in groups] == [
        ("GRPC", {"GrpcCode": "0"}),
        ("GRPC", {"GrpcCode": "0"}),
    ]
