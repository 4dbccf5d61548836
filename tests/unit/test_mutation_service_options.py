"""_private/service_options.py called directly (no RegionalService, no synth): the options
and overrides it accepts, the exact message of each it refuses, the documented ranges at their
ends, and the gRPC health check matcher. Kills the mutants of ``tools/mutate.py`` in about two
seconds each (docs/guides/testing.md)."""

from __future__ import annotations

import dataclasses
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2

from multiregion_tap import ValidationError
from multiregion_tap._private import service_options as so
from multiregion_tap._private.service_options import (
    OWNED_KEYS,
    ServiceOptions,
    merged,
    resolve_health_check_matcher,
    resolve_service_options,
)

COMMAND = ["CMD-SHELL", "curl -f http://localhost:8080/healthz || exit 1"]
S = cdk.Duration.seconds


def resolve(**kwargs: Any) -> ServiceOptions:
    args: dict[str, Any] = {
        "cpu_architecture": None,
        "ephemeral_storage_gib": None,
        "command": None,
        "entry_point": None,
        "container_health_check": None,
        "spot": False,
        "capacity_provider_strategies": None,
        "enable_execute_command": False,
        "idle_timeout": None,
        "ssl_policy": None,
        "https": False,
        "dual_stack": False,
        "task_definition_props": None,
        "container_props": None,
        "fargate_service_props": None,
        "load_balancer_props": None,
        "target_group_props": None,
    }
    args.update(kwargs)
    return resolve_service_options(**args)


def refused(message: str, **kwargs: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        resolve(**kwargs)
    assert caught.value.message == message


def strategy(name: str, weight: int | None = None, base: int | None = None) -> Any:
    return ecs.CapacityProviderStrategy(capacity_provider=name, weight=weight, base=base)


def check(**kwargs: Any) -> ecs.HealthCheck:
    return ecs.HealthCheck(command=kwargs.pop("command", COMMAND), **kwargs)


def test_star_import_gives_the_public_names() -> None:
    namespace: dict[str, object] = {}
    exec("from multiregion_tap._private.service_options import *", namespace)
    assert {k for k in namespace if not k.startswith("__")} == {
        "ALB_GRPC_HEALTH_CHECK_PATH",
        "OWNED_KEYS",
        "SPOT_STRATEGIES",
        "ServiceOptions",
        "merged",
        "resolve_health_check_matcher",
        "resolve_service_options",
    }


def test_nothing_given_leaves_every_default() -> None:
    options = resolve()
    assert options == ServiceOptions()
    assert (options.enable_execute_command, options.dual_stack) == (False, False)
    assert (options.capacity_provider_strategies, dict(options.overrides)) == ((), {})
    assert (options.command, options.entry_point, options.container_health_check) == (
        None,
        None,
        None,
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.dual_stack = True  # type: ignore[misc]
    with pytest.raises(TypeError):
        ServiceOptions(None)  # type: ignore[misc]  # keyword-only


def test_every_option_given_is_kept() -> None:
    health = check(interval=S(10), timeout=S(2))
    arm64 = ecs.CpuArchitecture.ARM64
    options = resolve(
        cpu_architecture=arm64,
        ephemeral_storage_gib=21,
        command=["gunicorn", "app:app"],
        entry_point=("sh", "-c"),
        container_health_check=health,
        enable_execute_command=True,
        idle_timeout=S(1),
        ssl_policy=elbv2.SslPolicy.RECOMMENDED_TLS,
        https=True,
        dual_stack=True,
        task_definition_props={"family": "shop"},
        container_props={"stop_timeout": S(10)},
        fargate_service_props={"service_name": "web"},
        load_balancer_props={"http2_enabled": True},
        target_group_props={"deregistration_delay": S(5)},
    )
    assert options.cpu_architecture is arm64
    assert (options.ephemeral_storage_gib, options.command, options.entry_point) == (
        21,
        ("gunicorn", "app:app"),
        ("sh", "-c"),
    )
    assert options.container_health_check is health
    assert (options.enable_execute_command, options.dual_stack) == (True, True)
    assert options.idle_timeout is not None and options.idle_timeout.to_seconds() == 1
    assert options.ssl_policy is elbv2.SslPolicy.RECOMMENDED_TLS
    assert sorted(options.overrides) == [
        "container_props",
        "fargate_service_props",
        "load_balancer_props",
        "target_group_props",
        "task_definition_props",
    ]
    assert options.override("task_definition_props") == {"family": "shop"}
    fresh = options.override("fargate_service_props")
    fresh["x"] = 1
    assert options.override("fargate_service_props") == {"service_name": "web"}
    assert options.override("nothing") == {}


def test_merged_puts_the_override_on_top() -> None:
    assert merged({"a": 1, "b": 2}, {"b": 3, "c": 4}) == {"a": 1, "b": 3, "c": 4}


def test_spot_puts_the_first_task_on_fargate_and_the_others_on_spot() -> None:
    strategies = resolve(spot=True).capacity_provider_strategies
    assert [(s.capacity_provider, s.base, s.weight) for s in strategies] == [
        ("FARGATE", 1, 0),
        ("FARGATE_SPOT", 0, 1),
    ]
    assert so.SPOT_STRATEGIES == (("FARGATE", 1, 0), ("FARGATE_SPOT", 0, 1))


def test_capacity_provider_strategies_of_your_own() -> None:
    mine = [
        strategy("FARGATE_SPOT", weight=1000, base=100_000),
        strategy("FARGATE", weight=0, base=0),
    ]
    assert resolve(capacity_provider_strategies=mine).capacity_provider_strategies == tuple(mine)
    one_base = [strategy("FARGATE", weight=1, base=2), strategy("FARGATE_SPOT", weight=3)]
    assert len(resolve(capacity_provider_strategies=one_base).capacity_provider_strategies) == 2


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "FARGATE",
            "capacity_provider_strategies must be a non-empty list of "
            "aws_ecs.CapacityProviderStrategy, got 'FARGATE'",
        ),
        (
            [],
            "capacity_provider_strategies must be a non-empty list of "
            "aws_ecs.CapacityProviderStrategy, got []",
        ),
        (
            5,
            "capacity_provider_strategies must be a non-empty list of "
            "aws_ecs.CapacityProviderStrategy, got 5",
        ),
        (
            ["FARGATE"],
            "capacity_provider_strategies[0] must be an aws_ecs.CapacityProviderStrategy, "
            "got 'FARGATE'",
        ),
        (
            [strategy("EC2", weight=1)],
            "capacity_provider_strategies[0].capacity_provider must be 'FARGATE' or "
            "'FARGATE_SPOT', got 'EC2'",
        ),
        (
            [strategy("FARGATE", weight=1), strategy("FARGATE", weight=1)],
            "capacity_provider_strategies[1].capacity_provider must be named once, got 'FARGATE'",
        ),
        (
            [strategy("FARGATE", weight=1001)],
            "capacity_provider_strategies[0].weight must be between 0 and 1000, got 1001",
        ),
        (
            [strategy("FARGATE", weight=1, base=100_001)],
            "capacity_provider_strategies[0].base must be between 0 and 100000, got 100001",
        ),
        (
            [strategy("FARGATE", weight=0), strategy("FARGATE_SPOT", weight=0)],
            "capacity_provider_strategies must give one provider a weight above 0, "
            "got ['FARGATE', 'FARGATE_SPOT']",
        ),
        (
            [strategy("FARGATE", weight=1, base=1), strategy("FARGATE_SPOT", weight=1, base=1)],
            "capacity_provider_strategies must give a base to one capacity provider at most, "
            "got ['FARGATE', 'FARGATE_SPOT']",
        ),
    ],
)
def test_bad_capacity_provider_strategies(value: Any, message: str) -> None:
    refused(message, capacity_provider_strategies=value)


def test_spot_and_strategies_are_exclusive() -> None:
    with pytest.raises(ValidationError) as caught:
        resolve(spot=True, capacity_provider_strategies=[strategy("FARGATE", weight=1)])
    assert caught.value.message.startswith(
        "spot and capacity_provider_strategies are mutually exclusive: give at most one, "
        "got spot=True, capacity_provider_strategies="
    )


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
            {"ephemeral_storage_gib": 21.5},
            "ephemeral_storage_gib must be a whole number of GiB, got 21.5",
        ),
        (
            {"command": "gunicorn"},
            "command must be a list of strings, such as ['gunicorn', 'app:app'], got 'gunicorn'",
        ),
        (
            {"command": b"gunicorn"},
            "command must be a list of strings, such as ['gunicorn', 'app:app'], got b'gunicorn'",
        ),
        (
            {"command": 5},
            "command must be a list of strings, such as ['gunicorn', 'app:app'], got 5",
        ),
        ({"command": []}, "command must be a non-empty list of non-empty strings, got []"),
        (
            {"command": ("a", "")},
            "command must be a non-empty list of non-empty strings, got ['a', '']",
        ),
        ({"command": [1]}, "command must be a non-empty list of non-empty strings, got [1]"),
        (
            {"entry_point": "sh"},
            "entry_point must be a list of strings, such as ['gunicorn', 'app:app'], got 'sh'",
        ),
        ({"spot": "yes"}, "spot must be True or False, got 'yes'"),
        ({"enable_execute_command": 1}, "enable_execute_command must be True or False, got 1"),
        ({"dual_stack": None}, "dual_stack must be True or False, got None"),
        ({"idle_timeout": 60}, "idle_timeout must be an aws_cdk.Duration, got 60"),
        (
            {"idle_timeout": S(4001)},
            "idle_timeout must be a whole number of seconds between 1 and 4000, got '4001 seconds'",
        ),
        (
            {"ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06", "https": True},
            "ssl_policy must be an aws_elasticloadbalancingv2.SslPolicy, "
            "got 'ELBSecurityPolicy-TLS13-1-2-2021-06'",
        ),
        (
            {"ssl_policy": elbv2.SslPolicy.RECOMMENDED_TLS},
            "ssl_policy must be given only with a certificate (it applies to the HTTPS "
            "listeners), got 'RECOMMENDED_TLS'",
        ),
    ],
)
def test_bad_options_name_the_prop_and_value(kwargs: dict[str, Any], message: str) -> None:
    refused(message, **kwargs)


def test_the_ends_of_the_ranges_are_accepted() -> None:
    assert resolve(ephemeral_storage_gib=200).ephemeral_storage_gib == 200
    assert resolve(idle_timeout=S(4000)).idle_timeout is not None
    token = cdk.Token.as_number(cdk.Fn.import_value("gib"))
    assert resolve(ephemeral_storage_gib=token).ephemeral_storage_gib == token
    resolve(container_health_check=check(interval=S(5), timeout=S(2), retries=1))
    resolve(
        container_health_check=check(interval=S(300), timeout=S(120), start_period=S(0), retries=10)
    )
    resolve(container_health_check=check(start_period=S(300)))


HC = "container_health_check"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("CMD", f"{HC} must be an aws_ecs.HealthCheck, got 'CMD'"),
        (
            check(command=[]),
            f"{HC}.command must be a non-empty list of non-empty strings, got []",
        ),
        (
            check(command=["CMD", ""]),
            f"{HC}.command must be a non-empty list of non-empty strings, got ['CMD', '']",
        ),
        (
            check(interval=S(301)),
            f"{HC}.interval must be a whole number of seconds between 5 and 300, got '301 seconds'",
        ),
        (
            check(interval=S(4), timeout=S(2)),
            f"{HC}.interval must be a whole number of seconds between 5 and 300, got '4 seconds'",
        ),
        (
            check(timeout=S(121), interval=S(300)),
            f"{HC}.timeout must be a whole number of seconds between 2 and 120, got '121 seconds'",
        ),
        (
            check(start_period=S(301)),
            f"{HC}.start_period must be a whole number of seconds between 0 and 300, "
            "got '301 seconds'",
        ),
        (check(retries=11), f"{HC}.retries must be between 1 and 10, got 11"),
        (
            check(interval=S(10), timeout=S(10)),
            f"{HC}.timeout must be shorter than the interval (10 seconds), got '10 seconds'",
        ),
        # the defaults: a 30-second interval, a 5-second timeout
        (
            check(timeout=S(30)),
            f"{HC}.timeout must be shorter than the interval (30 seconds), got '30 seconds'",
        ),
        (
            check(interval=S(5)),
            f"{HC}.timeout must be shorter than the interval (5 seconds), got '5 seconds'",
        ),
    ],
)
def test_bad_container_health_checks(value: Any, message: str) -> None:
    refused(message, container_health_check=value)


def test_a_token_interval_is_not_compared() -> None:
    token = cdk.Duration.seconds(cdk.Token.as_number(cdk.Fn.import_value("interval")))
    resolve(container_health_check=check(interval=token, timeout=S(60)))


# ------------------------------------------------------------------ overrides
#: Every key the library sets, with the reason its message gives (AWS's keyword names).
OWNED = {
    "task_definition_props": {
        "cpu": "use cpu",
        "memory_limit_mib": "use memory_limit_mib",
        "runtime_platform": "use cpu_architecture",
        "ephemeral_storage_gib": "use ephemeral_storage_gib",
    },
    "container_props": {
        "task_definition": "the container belongs to the service's task definition",
        "image": "use image or image_tag",
        "container_name": "the container name is CONTAINER_NAME (load balancing and "
        "CodeDeploy refer to it)",
        "port_mappings": "use container_port",
        "environment": "use environment",
        "secrets": "use secrets",
        "logging": "the container logs to the service's log group (log_group)",
        "essential": "the application container is essential",
        "command": "use command",
        "entry_point": "use entry_point",
        "health_check": "use container_health_check",
    },
    "fargate_service_props": {
        "cluster": "the service runs in its own cluster",
        "task_definition": "the service runs its own task definition",
        "task_definition_revision": "the service runs its own task definition",
        "desired_count": "use desired_count",
        "security_groups": "the tasks use service_security_group (add rules to it)",
        "vpc_subnets": "the tasks run in the private subnets",
        "assign_public_ip": "the tasks run in private subnets without public IPs",
        "health_check_grace_period": "use health_check_grace_period",
        "min_healthy_percent": "blue/green deployments set it",
        "max_healthy_percent": "blue/green deployments set it",
        "deployment_controller": "use deployment_mode",
        "deployment_strategy": "use deployment_mode",
        "deployment_alarms": "the deployment alarms are the library's",
        "circuit_breaker": "the circuit breaker works with ROLLING deployments only; "
        "blue/green rolls back on the deployment alarms",
        "bake_time": "use bake_time",
        "canary_configuration": "use traffic_shift_percent and traffic_shift_interval",
        "linear_configuration": "use traffic_shift_percent and traffic_shift_interval",
        "capacity_provider_strategies": "use capacity_provider_strategies or spot",
        "enable_execute_command": "use enable_execute_command",
    },
    "load_balancer_props": {
        "vpc": "the load balancer is in the service's VPC",
        "internet_facing": "use internet_facing",
        "vpc_subnets": "use internet_facing (public or private subnets)",
        "security_group": "the load balancer uses load_balancer_security_group",
        "deletion_protection": "use removal_policy (RETAIN turns it on)",
        "idle_timeout": "use idle_timeout",
        "ip_address_type": "use dual_stack",
    },
    "target_group_props": {
        "vpc": "the target groups are in the service's VPC",
        "port": "ECS registers each task with container_port",
        "protocol": "the targets are reached over HTTP",
        "target_type": "Fargate tasks are IP targets",
        "targets": "ECS registers the tasks",
        "health_check": "use the health_check_* props",
        "target_group_name": "blue and green cannot share a name",
    },
}


def test_the_owned_keys_are_these() -> None:
    assert {prop: dict(owned) for prop, (_, owned) in OWNED_KEYS.items()} == OWNED


@pytest.mark.parametrize(
    ("prop", "key", "reason"),
    [(prop, key, reason) for prop, keys in OWNED.items() for key, reason in keys.items()],
)
def test_an_owned_key_is_refused_with_its_reason(prop: str, key: str, reason: str) -> None:
    refused(
        f"{prop}[{key!r}] must not be given: the library sets it ({reason}), got 'x'",
        **{prop: {key: "x"}},
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
def test_an_unknown_key_and_a_non_mapping_are_refused(prop: str, cls: str) -> None:
    refused(
        f"{prop}['famly'] must be a keyword argument of {cls} (unknown key 'famly'), got 'x'",
        **{prop: {"famly": "x"}},
    )
    refused(
        f"{prop} must be a mapping of keyword arguments (a dict), got [('family', 'x')]",
        **{prop: [("family", "x")]},
    )
    # the construct's positional parameters are no keyword arguments
    refused(
        f"{prop}['scope'] must be a keyword argument of {cls} (unknown key 'scope'), got 'x'",
        **{prop: {"scope": "x"}},
    )


# ------------------------------------------------------------------ gRPC health checks
GRPC = elbv2.ApplicationProtocolVersion.GRPC
HTTP2 = elbv2.ApplicationProtocolVersion.HTTP2
AT = "target_group_props['protocol_version']"


def matcher(
    version: Any = None,
    *,
    https: bool = True,
    path: str = "/AWS.ALB/healthcheck",
    http_codes: str = "200-399",
    grpc_codes: str | None = None,
    load_balancer_props: dict[str, Any] | None = None,
) -> str | None:
    options = resolve(
        target_group_props=None if version is None else {"protocol_version": version},
        load_balancer_props=load_balancer_props,
    )
    return resolve_health_check_matcher(
        options,
        https=https,
        health_check_path=path,
        healthy_http_codes=http_codes,
        grpc_codes=grpc_codes,
    )


def matcher_refuses(message: str, version: Any = None, **kwargs: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        matcher(version, **kwargs)
    assert caught.value.message == message


def test_http_targets_have_http_codes() -> None:
    assert matcher(https=False, path="/") is None
    assert matcher(elbv2.ApplicationProtocolVersion.HTTP1, https=False, path="/") is None
    assert matcher(HTTP2, path="/", load_balancer_props={"http2_enabled": True}) is None
    matcher_refuses(
        f"health_check_grpc_codes must be given only with {AT} ApplicationProtocolVersion.GRPC "
        "(other targets answer the health check with HTTP codes: "
        "health_check_healthy_http_codes), got '0'",
        https=False,
        grpc_codes="0",
    )


@pytest.mark.parametrize("version", [GRPC, HTTP2])
def test_http2_and_grpc_need_https_and_http2(version: Any) -> None:
    matcher_refuses(
        f"{AT} must be used with a certificate: an ALB accepts HTTP/2 and gRPC requests on "
        "HTTPS listeners only, and answers HTTP/1.1 requests to such a target group with 464, "
        f"got {version.name!r}",
        version,
        https=False,
    )
    matcher_refuses(
        f"load_balancer_props['http2_enabled'] must not be False with {AT} {version.name}: the "
        "load balancer would accept no HTTP/2 request for the targets, got False",
        version,
        load_balancer_props={"http2_enabled": False},
    )


def test_grpc_codes_by_default_12_for_the_alb_s_own_method_else_0() -> None:
    assert matcher(GRPC) == "12"
    assert matcher(GRPC, load_balancer_props={"http2_enabled": True}) == "12"
    assert matcher(GRPC, path="/grpc.health.v1.Health/Check") == "0"
    token = cdk.Token.as_string(cdk.Fn.import_value("path"))
    assert matcher(GRPC, path=token) == "0"


@pytest.mark.parametrize("codes", ["0", "0,12", "0-99", "5-5", "0,3-5,7"])
def test_grpc_codes_given(codes: str) -> None:
    assert matcher(GRPC, grpc_codes=codes) == codes


def test_a_token_grpc_code_passes() -> None:
    token = cdk.Token.as_string(cdk.Fn.import_value("codes"))
    assert matcher(GRPC, grpc_codes=token) == token


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"http_codes": "200"},
            f"health_check_healthy_http_codes must be left at its default with {AT} GRPC: a "
            "gRPC health check matches gRPC status codes (health_check_grpc_codes), got '200'",
        ),
        (
            {"path": "/"},
            f"health_check_path must be a gRPC method '/package.service/method' with {AT} "
            "GRPC, such as '/AWS.ALB/healthcheck' or '/grpc.health.v1.Health/Check', got '/'",
        ),
        (
            {"grpc_codes": "100"},
            "health_check_grpc_codes must be gRPC status codes from 0 to 99 as a value, list "
            "or range, such as '0', '0,12' or '0-99', got '100'",
        ),
        (
            {"grpc_codes": 0},
            "health_check_grpc_codes must be gRPC status codes from 0 to 99 as a value, list "
            "or range, such as '0', '0,12' or '0-99', got 0",
        ),
        (
            {"grpc_codes": "5-3"},
            "health_check_grpc_codes must have ranges low-high, not '5-3', got '5-3'",
        ),
        (
            {"grpc_codes": "0,5-3"},
            "health_check_grpc_codes must have ranges low-high, not '5-3', got '0,5-3'",
        ),
    ],
)
def test_bad_grpc_health_checks(kwargs: dict[str, Any], message: str) -> None:
    matcher_refuses(message, GRPC, **kwargs)
