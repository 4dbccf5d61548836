"""Options of :class:`~multiregion_tap.RegionalService` beyond the basics (private).

:func:`resolve_service_options` checks the first-class options (CPU architecture, Fargate
Spot and capacity provider strategies, ECS Exec, ephemeral storage, the container's command,
entry point and health check, the load balancer's idle timeout, TLS policy and dual stack)
and the
``*_props``
overrides, merged by the builders over the library's own keyword arguments in the manner of
AWS Solutions Constructs. It runs inside :func:`.service_props.resolve_service_props`, before
anything is created; the builders read the result as ``settings.options``.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2

from .service_checks import require_seconds
from .validation import fail, is_token, require_exclusive, require_int_range

__all__ = [
    "ALB_GRPC_HEALTH_CHECK_PATH",
    "OWNED_KEYS",
    "SPOT_STRATEGIES",
    "ServiceOptions",
    "merged",
    "resolve_health_check_matcher",
    "resolve_service_options",
]

#: Fargate capacity providers a Fargate service may use.
FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")
#: ``spot=True``: the first task on Fargate (on demand), every further task on Fargate Spot.
SPOT_STRATEGIES: tuple[tuple[str, int, int], ...] = (("FARGATE", 1, 0), ("FARGATE_SPOT", 0, 1))
# ALB idle timeout (ELBv2 API reference, load balancer attributes).
IDLE_TIMEOUT_SECONDS = (1, 4000)
# Fargate ephemeral storage, GiB (20 is the default without a setting).
EPHEMERAL_STORAGE_GIB = (21, 200)
# Container health check ranges (ECS API reference, HealthCheck).
CONTAINER_CHECK_INTERVAL = (5, 300)
CONTAINER_CHECK_TIMEOUT = (2, 120)
CONTAINER_CHECK_RETRIES = (1, 10)
CONTAINER_CHECK_START_PERIOD = (0, 300)
# gRPC health checks (ELBv2 API reference, Matcher.GrpcCode): status codes 0 to 99, as a
# value, a list or a range; the method is "/package.service/method". ALB's own default check
# calls /AWS.ALB/healthcheck, which a gRPC server answers with 12 (UNIMPLEMENTED): up.
GRPC_CODES_RE = re.compile(r"\d{1,2}(?:-\d{1,2})?(?:,\d{1,2}(?:-\d{1,2})?)*")
_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"
GRPC_METHOD_RE = re.compile(rf"/{_IDENTIFIER}(?:\.{_IDENTIFIER})*/{_IDENTIFIER}")
ALB_GRPC_HEALTH_CHECK_PATH = "/AWS.ALB/healthcheck"
DEFAULT_HEALTHY_HTTP_CODES = "200-399"

#: Per ``*_props`` override: the CDK class whose keyword arguments it may hold, and the keys
#: the library sets itself, each with the prop (or reason) that decides it instead.
OWNED_KEYS: Mapping[str, tuple[Callable[..., Any], Mapping[str, str]]] = {
    "task_definition_props": (
        ecs.FargateTaskDefinition,
        {
            "cpu": "use cpu",
            "memory_limit_mib": "use memory_limit_mib",
            "runtime_platform": "use cpu_architecture",
            "ephemeral_storage_gib": "use ephemeral_storage_gib",
        },
    ),
    "container_props": (
        ecs.ContainerDefinition,
        {
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
    ),
    "fargate_service_props": (
        ecs.FargateService,
        {
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
    ),
    "load_balancer_props": (
        elbv2.ApplicationLoadBalancer,
        {
            "vpc": "the load balancer is in the service's VPC",
            "internet_facing": "use internet_facing",
            "vpc_subnets": "use internet_facing (public or private subnets)",
            "security_group": "the load balancer uses load_balancer_security_group",
            "deletion_protection": "use removal_policy (RETAIN turns it on)",
            "idle_timeout": "use idle_timeout",
            "ip_address_type": "use dual_stack",
        },
    ),
    "target_group_props": (
        elbv2.ApplicationTargetGroup,
        {
            "vpc": "the target groups are in the service's VPC",
            "port": "ECS registers each task with container_port",
            "protocol": "the targets are reached over HTTP",
            "target_type": "Fargate tasks are IP targets",
            "targets": "ECS registers the tasks",
            "health_check": "use the health_check_* props",
            "target_group_name": "blue and green cannot share a name",
        },
    ),
}


@dataclass(frozen=True, kw_only=True)
class ServiceOptions:
    """The resolved options; ``None`` and empty values leave the library's defaults."""

    cpu_architecture: ecs.CpuArchitecture | None = None
    ephemeral_storage_gib: int | None = None
    command: tuple[str, ...] | None = None
    entry_point: tuple[str, ...] | None = None
    container_health_check: ecs.HealthCheck | None = None
    capacity_provider_strategies: tuple[ecs.CapacityProviderStrategy, ...] = ()
    enable_execute_command: bool = False
    idle_timeout: cdk.Duration | None = None
    ssl_policy: elbv2.SslPolicy | None = None
    dual_stack: bool = False
    overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def override(self, prop: str) -> dict[str, Any]:
        """The ``prop`` override (``"task_definition_props"``, ...), as a fresh dict."""
        return dict(self.overrides.get(prop, {}))


def merged(defaults: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """The library's keyword arguments with the user's override on top (checked before)."""
    return {**defaults, **overrides}


def resolve_service_options(
    *,
    cpu_architecture: ecs.CpuArchitecture | None,
    ephemeral_storage_gib: int | None,
    command: Sequence[str] | None,
    entry_point: Sequence[str] | None,
    container_health_check: ecs.HealthCheck | None,
    spot: bool,
    capacity_provider_strategies: Sequence[ecs.CapacityProviderStrategy] | None,
    enable_execute_command: bool,
    idle_timeout: cdk.Duration | None,
    ssl_policy: elbv2.SslPolicy | None,
    https: bool,
    dual_stack: bool,
    task_definition_props: Mapping[str, Any] | None,
    container_props: Mapping[str, Any] | None,
    fargate_service_props: Mapping[str, Any] | None,
    load_balancer_props: Mapping[str, Any] | None,
    target_group_props: Mapping[str, Any] | None,
) -> ServiceOptions:
    """Check the options and overrides.

    :raises ValidationError: naming the prop (and the key of an override) and the value.
    """
    if cpu_architecture is not None and not isinstance(cpu_architecture, ecs.CpuArchitecture):
        raise fail(
            "cpu_architecture",
            cpu_architecture,
            "be an aws_ecs.CpuArchitecture (CpuArchitecture.ARM64 or CpuArchitecture.X86_64)",
        )
    require_int_range("ephemeral_storage_gib", ephemeral_storage_gib, *EPHEMERAL_STORAGE_GIB)
    if isinstance(ephemeral_storage_gib, float) and not is_token(ephemeral_storage_gib):
        raise fail("ephemeral_storage_gib", ephemeral_storage_gib, "be a whole number of GiB")
    command_tuple = _strings("command", command)
    entry_tuple = _strings("entry_point", entry_point)
    if container_health_check is not None:
        _require_container_health_check(container_health_check)
    for prop, flag in (
        ("spot", spot),
        ("enable_execute_command", enable_execute_command),
        ("dual_stack", dual_stack),
    ):
        if not isinstance(flag, bool):
            raise fail(prop, flag, "be True or False")
    require_exclusive(
        spot=True if spot else None, capacity_provider_strategies=capacity_provider_strategies
    )
    strategies: tuple[ecs.CapacityProviderStrategy, ...] = ()
    if spot:
        strategies = tuple(
            ecs.CapacityProviderStrategy(capacity_provider=name, base=base, weight=weight)
            for name, base, weight in SPOT_STRATEGIES
        )
    elif capacity_provider_strategies is not None:
        strategies = _strategies(capacity_provider_strategies)
    if idle_timeout is not None:
        if not isinstance(idle_timeout, cdk.Duration):
            raise fail("idle_timeout", idle_timeout, "be an aws_cdk.Duration")
        require_seconds("idle_timeout", idle_timeout, *IDLE_TIMEOUT_SECONDS)
    if ssl_policy is not None:
        if not isinstance(ssl_policy, elbv2.SslPolicy):
            raise fail("ssl_policy", ssl_policy, "be an aws_elasticloadbalancingv2.SslPolicy")
        if not https:
            raise fail(
                "ssl_policy",
                ssl_policy.value,
                "be given only with a certificate (it applies to the HTTPS listeners)",
            )
    overrides = {
        prop: _override(prop, value)
        for prop, value in (
            ("task_definition_props", task_definition_props),
            ("container_props", container_props),
            ("fargate_service_props", fargate_service_props),
            ("load_balancer_props", load_balancer_props),
            ("target_group_props", target_group_props),
        )
        if value is not None
    }
    return ServiceOptions(
        cpu_architecture=cpu_architecture,
        ephemeral_storage_gib=ephemeral_storage_gib,
        command=command_tuple,
        entry_point=entry_tuple,
        container_health_check=container_health_check,
        capacity_provider_strategies=strategies,
        enable_execute_command=enable_execute_command,
        idle_timeout=idle_timeout,
        ssl_policy=ssl_policy,
        dual_stack=dual_stack,
        overrides=overrides,
    )


def _strings(prop: str, value: Sequence[str] | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise fail(prop, value, "be a list of strings, such as ['gunicorn', 'app:app']")
    if not value or not all(isinstance(v, str) and v for v in value):
        raise fail(prop, list(value), "be a non-empty list of non-empty strings")
    return tuple(value)


def _require_container_health_check(check: ecs.HealthCheck) -> None:
    prop = "container_health_check"
    if not isinstance(check, ecs.HealthCheck):
        raise fail(prop, check, "be an aws_ecs.HealthCheck")
    command = list(check.command)
    if not command or not all(isinstance(c, str) and c for c in command):
        raise fail(f"{prop}.command", command, "be a non-empty list of non-empty strings")
    for name, value, limits in (
        ("interval", check.interval, CONTAINER_CHECK_INTERVAL),
        ("timeout", check.timeout, CONTAINER_CHECK_TIMEOUT),
        ("start_period", check.start_period, CONTAINER_CHECK_START_PERIOD),
    ):
        if value is not None:
            require_seconds(f"{prop}.{name}", value, *limits)
    require_int_range(f"{prop}.retries", check.retries, *CONTAINER_CHECK_RETRIES)
    interval = check.interval or cdk.Duration.seconds(30)
    timeout = check.timeout or cdk.Duration.seconds(5)
    interval_s = interval.to_seconds(integral=False)
    timeout_s = timeout.to_seconds(integral=False)
    if not is_token(interval_s) and not is_token(timeout_s) and timeout_s >= interval_s:
        raise fail(
            f"{prop}.timeout",
            f"{timeout_s:g} seconds",
            f"be shorter than the interval ({interval_s:g} seconds)",
        )


def _strategies(
    value: Sequence[ecs.CapacityProviderStrategy],
) -> tuple[ecs.CapacityProviderStrategy, ...]:
    prop = "capacity_provider_strategies"
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or not value:
        raise fail(prop, value, "be a non-empty list of aws_ecs.CapacityProviderStrategy")
    seen: set[str] = set()
    with_base = []
    for index, strategy in enumerate(value):
        at = f"{prop}[{index}]"
        if not isinstance(strategy, ecs.CapacityProviderStrategy):
            raise fail(at, strategy, "be an aws_ecs.CapacityProviderStrategy")
        name = strategy.capacity_provider
        if name not in FARGATE_PROVIDERS:
            raise fail(f"{at}.capacity_provider", name, "be 'FARGATE' or 'FARGATE_SPOT'")
        if name in seen:
            raise fail(f"{at}.capacity_provider", name, "be named once")
        seen.add(name)
        require_int_range(f"{at}.weight", strategy.weight, 0, 1000)
        require_int_range(f"{at}.base", strategy.base, 0, 100_000)
        if strategy.base:
            with_base.append(name)
    if not any(s.weight for s in value):
        raise fail(prop, [s.capacity_provider for s in value], "give one provider a weight above 0")
    if len(with_base) > 1:
        raise fail(prop, with_base, "give a base to one capacity provider at most")
    return tuple(value)


def _override(prop: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise fail(prop, value, "be a mapping of keyword arguments (a dict)")
    cls, owned = OWNED_KEYS[prop]
    accepted = {
        name
        for name, p in inspect.signature(cls.__init__).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    }
    for key, item in value.items():
        if key in owned:
            raise fail(
                f"{prop}[{key!r}]", item, f"not be given: the library sets it ({owned[key]})"
            )
        if key not in accepted:
            raise fail(
                f"{prop}[{key!r}]",
                item,
                f"be a keyword argument of {cls.__module__.split('.')[-1]}.{cls.__name__} "
                f"(unknown key {key!r})",
            )
    return dict(value)


def resolve_health_check_matcher(
    options: ServiceOptions,
    *,
    https: bool,
    health_check_path: str,
    healthy_http_codes: str,
    grpc_codes: str | None,
) -> str | None:
    """The gRPC status codes of the target groups' health check (``None``: HTTP codes), after
    checking the protocol version of ``target_group_props`` against the other props.

    HTTP/2 and gRPC target groups take only HTTP/2 requests, which an ALB accepts from
    clients on HTTPS listeners only; a gRPC group's health check calls a gRPC method and
    matches gRPC status codes.

    :raises ValidationError: naming the prop (or override key) that does not fit.
    """
    group_version = options.overrides.get("target_group_props", {}).get("protocol_version")
    version = getattr(group_version, "name", None)
    at = "target_group_props['protocol_version']"
    if version in ("GRPC", "HTTP2"):
        if not https:
            raise fail(
                at,
                version,
                "be used with a certificate: an ALB accepts HTTP/2 and gRPC requests on HTTPS "
                "listeners only, and answers HTTP/1.1 requests to such a target group with 464",
            )
        http2 = options.overrides.get("load_balancer_props", {}).get("http2_enabled")
        if http2 is False:
            raise fail(
                "load_balancer_props['http2_enabled']",
                http2,
                f"not be False with {at} {version}: the load balancer would accept no HTTP/2 "
                "request for the targets",
            )
    if version != "GRPC":
        if grpc_codes is not None:
            raise fail(
                "health_check_grpc_codes",
                grpc_codes,
                f"be given only with {at} ApplicationProtocolVersion.GRPC (other targets "
                "answer the health check with HTTP codes: health_check_healthy_http_codes)",
            )
        return None
    if healthy_http_codes != DEFAULT_HEALTHY_HTTP_CODES:
        raise fail(
            "health_check_healthy_http_codes",
            healthy_http_codes,
            f"be left at its default with {at} GRPC: a gRPC health check matches gRPC status "
            "codes (health_check_grpc_codes)",
        )
    if not is_token(health_check_path) and not GRPC_METHOD_RE.fullmatch(health_check_path):
        raise fail(
            "health_check_path",
            health_check_path,
            f"be a gRPC method '/package.service/method' with {at} GRPC, such as "
            f"'{ALB_GRPC_HEALTH_CHECK_PATH}' or '/grpc.health.v1.Health/Check'",
        )
    if grpc_codes is None:
        return "12" if health_check_path == ALB_GRPC_HEALTH_CHECK_PATH else "0"
    if is_token(grpc_codes):
        return grpc_codes
    if not isinstance(grpc_codes, str) or not GRPC_CODES_RE.fullmatch(grpc_codes):
        raise fail(
            "health_check_grpc_codes",
            grpc_codes,
            "be gRPC status codes from 0 to 99 as a value, list or range, such as '0', "
            "'0,12' or '0-99'",
        )
    for part in grpc_codes.split(","):
        low, _, high = part.partition("-")
        if high and int(low) > int(high):
            raise fail("health_check_grpc_codes", grpc_codes, f"have ranges low-high, not {part!r}")
    return grpc_codes
