"""Props of :class:`~multiregion_tap.RegionalService`: validated and resolved (private).

The ``service_*`` modules of this package build a ``RegionalService`` one concern at a time;
this one runs first. :func:`resolve_service_props` checks every constructor argument, in the
order the constructor always has, before the construct exists (so nothing is half built) and
returns :class:`ServiceSettings`, the props with every ``None`` default resolved, which the
builders (``service_network``, ``service_registry``, ``service_compute``,
``service_load_balancer``, ``service_deployment``, ``service_compliance``, ``service_outputs``)
read. :func:`require_replication_regions` holds the checks that need the construct's stack.

``DeploymentMode`` is public and lives in :mod:`multiregion_tap.regional_service`, which
imports this module: the constructor passes the enum type in and the settings carry the
mode's name, so no private module imports the public one (no import cycle).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

if TYPE_CHECKING:  # annotations only; imported where a construct creates one
    from aws_cdk import aws_certificatemanager as acm
    from aws_cdk import aws_codedeploy as codedeploy

from .app_context import app_of
from .arns import require_regional_arn, require_regional_resource
from .service_checks import (
    VPC_MAX_PREFIX,
    VPC_MIN_PREFIX,
    require_fargate_size,
    require_health_check,
    require_seconds,
    require_seconds_float,
    vpc_cidr_block,
)
from .service_options import (
    ServiceOptions,
    resolve_health_check_matcher,
    resolve_service_options,
)
from .validation import (
    fail,
    is_token,
    require_cidr,
    require_distinct,
    require_exclusive,
    require_int_range,
    require_output_suffix,
    require_pattern,
    require_region,
)

__all__ = ["ServiceSettings", "require_replication_regions", "resolve_service_props"]

_REPOSITORY_NAME_RE = re.compile(r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*")
_DEFAULT_IMAGE_TAG = "v1"


@dataclass(frozen=True, kw_only=True)
class ServiceSettings:
    """The constructor's props after validation, with the defaults resolved."""

    # network
    existing_vpc: ec2.IVpc | None
    cidr: str  # of the created VPC (unused with existing_vpc)
    max_azs: int
    nat_count: int
    # registry
    existing_repository: ecr.IRepository | None
    repo_name: str | None
    replication: tuple[str, ...]
    max_image_count: int
    untagged_image_expiry_days: int
    # task and service
    image: ecs.ContainerImage | None
    tag: str
    container_port: int
    cpu: int
    memory_limit_mib: int
    environment: Mapping[str, str] | None
    secrets: Mapping[str, ecs.Secret] | None
    desired_count: int
    min_tasks: int
    max_tasks: int
    cpu_target_utilization: int
    requests_per_target: int | None
    grace: cdk.Duration
    # load balancer
    health_check_path: str
    interval: cdk.Duration
    timeout: cdk.Duration
    healthy_threshold: int
    unhealthy_threshold: int
    healthy_http_codes: str
    healthy_grpc_codes: str | None  # a gRPC target group's matcher (then no HTTP codes)
    certificate: acm.ICertificate | None
    listener_port: int
    test_listener_port: int | None
    internet_facing: bool
    web_acl_arn: str | None
    # deployment
    mode: str  # the DeploymentMode's name
    native: bool  # ECS-native blue/green, canary or linear (not CODE_DEPLOY)
    bake: cdk.Duration
    shift_percent: float
    shift_interval: cdk.Duration
    code_deploy_config: codedeploy.IEcsDeploymentConfig | None
    target_5xx_threshold: int
    latency_threshold: cdk.Duration | None
    # logs, removal, outputs
    retention: logs.RetentionDays
    log_encryption_key: kms.IKey | None
    removal: cdk.RemovalPolicy
    suffix: str
    # options and overrides (service_options)
    options: ServiceOptions


def resolve_service_props(
    scope: Construct,
    id: str,
    mode_type: type[enum.Enum],
    *,
    existing_vpc: ec2.IVpc | None,
    vpc_cidr: str | None,
    max_azs: int,
    nat_gateways: int | None,
    image: ecs.ContainerImage | None,
    image_tag: str | None,
    container_port: int,
    cpu: int,
    memory_limit_mib: int,
    environment: Mapping[str, str] | None,
    secrets: Mapping[str, ecs.Secret] | None,
    desired_count: int,
    min_capacity: int | None,
    max_capacity: int | None,
    cpu_target_utilization: int,
    requests_per_target: int | None,
    health_check_path: str,
    health_check_interval: cdk.Duration | None,
    health_check_timeout: cdk.Duration | None,
    health_check_healthy_threshold: int,
    health_check_unhealthy_threshold: int,
    health_check_healthy_http_codes: str,
    health_check_grace_period: cdk.Duration | None,
    certificate: acm.ICertificate | None,
    internet_facing: bool,
    web_acl_arn: str | None,
    deployment_mode: enum.Enum,
    bake_time: cdk.Duration | None,
    traffic_shift_percent: float | None,
    traffic_shift_interval: cdk.Duration | None,
    test_listener_port: int | None,
    code_deploy_config: codedeploy.IEcsDeploymentConfig | None,
    target_5xx_threshold: int,
    latency_threshold: cdk.Duration | None,
    repository_name: str | None,
    image_replication_regions: Sequence[str] | None,
    max_image_count: int,
    untagged_image_expiry_days: int,
    log_retention: logs.RetentionDays | None,
    log_encryption_key: kms.IKey | None,
    removal_policy: cdk.RemovalPolicy | None,
    output_suffix: str | None,
    cpu_architecture: ecs.CpuArchitecture | None = None,
    ephemeral_storage_gib: int | None = None,
    command: Sequence[str] | None = None,
    entry_point: Sequence[str] | None = None,
    container_health_check: ecs.HealthCheck | None = None,
    spot: bool = False,
    capacity_provider_strategies: Sequence[ecs.CapacityProviderStrategy] | None = None,
    enable_execute_command: bool = False,
    idle_timeout: cdk.Duration | None = None,
    task_definition_props: Mapping[str, Any] | None = None,
    container_props: Mapping[str, Any] | None = None,
    fargate_service_props: Mapping[str, Any] | None = None,
    load_balancer_props: Mapping[str, Any] | None = None,
    target_group_props: Mapping[str, Any] | None = None,
    existing_repository: ecr.IRepository | None = None,
    ssl_policy: elbv2.SslPolicy | None = None,
    dual_stack: bool = False,
    health_check_grpc_codes: str | None = None,
) -> ServiceSettings:
    """Check the props of a ``RegionalService`` ``id`` under ``scope`` and resolve defaults.

    Takes exactly the constructor's keyword arguments, plus ``mode_type``, the
    ``DeploymentMode`` enum that ``deployment_mode`` must be a member of.

    :raises ValidationError: naming the first prop that is out of range.
    """
    require_exclusive(existing_vpc=existing_vpc, vpc_cidr=vpc_cidr)
    if existing_vpc is not None:
        if max_azs != 2:
            require_exclusive(existing_vpc=existing_vpc, max_azs=max_azs)
        require_exclusive(existing_vpc=existing_vpc, nat_gateways=nat_gateways)
    require_exclusive(image=image, image_tag=image_tag)
    require_exclusive(image=image, existing_repository=existing_repository)
    if image is not None:
        # With an image of its own the service pulls nothing from a repository of the app's:
        # none is created, so none is named or replicated.
        require_exclusive(image=image, repository_name=repository_name)
        require_exclusive(image=image, image_replication_regions=image_replication_regions or None)
    if existing_repository is not None:
        require_exclusive(existing_repository=existing_repository, repository_name=repository_name)
        require_exclusive(
            existing_repository=existing_repository,
            image_replication_regions=image_replication_regions or None,
        )
    cidr = vpc_cidr_block(0) if vpc_cidr is None else vpc_cidr
    if existing_vpc is None:
        require_cidr("vpc_cidr", cidr, min_prefix=VPC_MIN_PREFIX, max_prefix=VPC_MAX_PREFIX)
        if is_token(cidr):
            raise fail("vpc_cidr", cidr, "be a literal CIDR block, not a token")
    require_int_range("max_azs", max_azs, 2, 3)
    nat_count = max_azs if nat_gateways is None else nat_gateways
    if existing_vpc is None:
        require_int_range("nat_gateways", nat_count, 1, max_azs)
    tag = _DEFAULT_IMAGE_TAG if image_tag is None else image_tag
    require_pattern(
        "image_tag",
        tag,
        re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"),
        "be a Docker tag: up to 128 letters, digits, '_', '.', '-', not starting with '.' or '-'",
    )
    require_int_range("container_port", container_port, 1, 65535)
    require_fargate_size(cpu, memory_limit_mib)
    require_int_range("desired_count", desired_count, 1, 1000)
    min_tasks = desired_count if min_capacity is None else min_capacity
    require_int_range("min_capacity", min_tasks, 1, 1000)
    # The default maximum stays within the range, so an error names a prop the user gave.
    max_tasks = min(max(2 * min_tasks, 1), 1000) if max_capacity is None else max_capacity
    require_int_range("max_capacity", max_tasks, 1, 1000)
    if min_tasks > max_tasks:
        if min_capacity is None:
            # The minimum defaults to desired_count: name the prop the user set.
            raise fail("desired_count", desired_count, f"be at most max_capacity ({max_tasks})")
        raise fail("min_capacity", min_tasks, f"not exceed max_capacity ({max_tasks})")
    if desired_count < min_tasks:
        # min_capacity was given (it defaults to desired_count): name it.
        default = ", its default" if desired_count == 2 else ""
        raise fail(
            "min_capacity", min_tasks, f"not exceed desired_count ({desired_count}{default})"
        )
    if desired_count > max_tasks:
        bound = (
            f"max_capacity ({max_tasks})"
            if max_capacity is not None
            else f"max_capacity ({max_tasks}, by default twice min_capacity)"
        )
        raise fail("desired_count", desired_count, f"be at most {bound}")
    require_int_range("cpu_target_utilization", cpu_target_utilization, 10, 90)
    require_int_range("requests_per_target", requests_per_target, 1, 1_000_000)
    interval = health_check_interval or cdk.Duration.seconds(30)
    timeout = health_check_timeout or cdk.Duration.seconds(5)
    require_health_check(
        path=health_check_path,
        interval=interval,
        timeout=timeout,
        healthy_threshold=health_check_healthy_threshold,
        unhealthy_threshold=health_check_unhealthy_threshold,
        healthy_http_codes=health_check_healthy_http_codes,
    )
    grace = health_check_grace_period or cdk.Duration.seconds(60)
    require_seconds("health_check_grace_period", grace, 0, 2_147_483_647)
    if not isinstance(deployment_mode, mode_type):
        raise fail(
            "deployment_mode",
            deployment_mode,
            f"be a {mode_type.__name__} (" + ", ".join(m.name for m in mode_type) + ")",
        )
    mode = deployment_mode.name
    native = mode != "CODE_DEPLOY"
    bake = bake_time if bake_time is not None else cdk.Duration.minutes(5)
    require_seconds("bake_time", bake, 0, (1440 if native else 2880) * 60)
    shifting = mode in ("CANARY", "LINEAR")
    if not shifting:
        for prop, value in (
            ("traffic_shift_percent", traffic_shift_percent),
            ("traffic_shift_interval", traffic_shift_interval),
        ):
            if value is not None:
                raise fail(prop, value, "be given only with DeploymentMode.CANARY or LINEAR")
    shift_percent = 10.0 if traffic_shift_percent is None else traffic_shift_percent
    if shifting:
        low = 0.1 if mode == "CANARY" else 3.0
        require_int_range("traffic_shift_percent", shift_percent, low, 100)
    shift_interval = traffic_shift_interval or cdk.Duration.minutes(5)
    require_seconds("traffic_shift_interval", shift_interval, 0, 1440 * 60)
    if code_deploy_config is not None and native:
        raise fail(
            "code_deploy_config",
            code_deploy_config,
            "be given only with deployment_mode=DeploymentMode.CODE_DEPLOY",
        )
    listener_port = 443 if certificate is not None else 80
    if test_listener_port is not None:
        require_int_range("test_listener_port", test_listener_port, 1, 65535)
        if test_listener_port in (80, 443):
            raise fail(
                "test_listener_port", test_listener_port, "not be 80 or 443 (production ports)"
            )
    _require_region_scoped(
        cdk.Stack.of(scope),
        certificate=certificate,
        web_acl_arn=web_acl_arn,
        log_encryption_key=log_encryption_key,
        existing_repository=existing_repository,
    )
    require_int_range("target_5xx_threshold", target_5xx_threshold, 1, 1_000_000)
    if latency_threshold is not None:
        require_seconds_float("latency_threshold", latency_threshold)
    app = app_of(scope)
    repo_name = repository_name
    if repo_name is None and app is not None:
        repo_name = (
            f"{app.app_name}/{re.sub(r'[^a-z0-9]+', '-', id.lower()).strip('-') or 'service'}"
        )
    if repository_name is not None:
        require_pattern(
            "repository_name",
            repository_name,
            _REPOSITORY_NAME_RE,
            "be 2 to 256 lowercase letters, digits and . _ - / (an ECR repository name)",
        )
        if not is_token(repository_name) and not 2 <= len(repository_name) <= 256:
            raise fail("repository_name", repository_name, "be 2 to 256 characters long")
    replication = tuple(image_replication_regions or ())
    if isinstance(image_replication_regions, str):
        raise fail(
            "image_replication_regions", image_replication_regions, "be a list of region names"
        )
    for index, region in enumerate(replication):
        require_region(f"image_replication_regions[{index}]", region)
    require_distinct("image_replication_regions", replication)
    if replication and (repo_name is None or is_token(repo_name)):
        raise fail(
            "repository_name",
            repository_name,
            "be a literal name when image_replication_regions is given (the replication "
            "rule filters on it)",
        )
    require_int_range("max_image_count", max_image_count, 1, 1000)
    require_int_range("untagged_image_expiry_days", untagged_image_expiry_days, 1, 365)
    suffix = output_suffix or ""
    require_output_suffix(suffix)
    options = resolve_service_options(
        cpu_architecture=cpu_architecture,
        ephemeral_storage_gib=ephemeral_storage_gib,
        command=command,
        entry_point=entry_point,
        container_health_check=container_health_check,
        spot=spot,
        capacity_provider_strategies=capacity_provider_strategies,
        enable_execute_command=enable_execute_command,
        idle_timeout=idle_timeout,
        ssl_policy=ssl_policy,
        https=certificate is not None,
        dual_stack=dual_stack,
        task_definition_props=task_definition_props,
        container_props=container_props,
        fargate_service_props=fargate_service_props,
        load_balancer_props=load_balancer_props,
        target_group_props=target_group_props,
    )
    grpc_codes = resolve_health_check_matcher(
        options,
        https=certificate is not None,
        health_check_path=health_check_path,
        healthy_http_codes=health_check_healthy_http_codes,
        grpc_codes=health_check_grpc_codes,
    )
    return ServiceSettings(
        existing_vpc=existing_vpc,
        existing_repository=existing_repository,
        cidr=cidr,
        max_azs=max_azs,
        nat_count=nat_count,
        repo_name=repo_name,
        replication=replication,
        max_image_count=max_image_count,
        untagged_image_expiry_days=untagged_image_expiry_days,
        image=image,
        tag=tag,
        container_port=container_port,
        cpu=cpu,
        memory_limit_mib=memory_limit_mib,
        environment=environment,
        secrets=secrets,
        desired_count=desired_count,
        min_tasks=min_tasks,
        max_tasks=max_tasks,
        cpu_target_utilization=cpu_target_utilization,
        requests_per_target=requests_per_target,
        grace=grace,
        health_check_path=health_check_path,
        interval=interval,
        timeout=timeout,
        healthy_threshold=health_check_healthy_threshold,
        unhealthy_threshold=health_check_unhealthy_threshold,
        healthy_http_codes=health_check_healthy_http_codes,
        healthy_grpc_codes=grpc_codes,
        certificate=certificate,
        listener_port=listener_port,
        test_listener_port=test_listener_port,
        internet_facing=internet_facing,
        web_acl_arn=web_acl_arn,
        mode=mode,
        native=native,
        bake=bake,
        shift_percent=shift_percent,
        shift_interval=shift_interval,
        code_deploy_config=code_deploy_config,
        target_5xx_threshold=target_5xx_threshold,
        latency_threshold=latency_threshold,
        retention=log_retention or logs.RetentionDays.ONE_YEAR,
        log_encryption_key=log_encryption_key,
        removal=removal_policy or cdk.RemovalPolicy.RETAIN,
        suffix=suffix,
        options=options,
    )


def _require_region_scoped(
    stack: cdk.Stack,
    *,
    certificate: acm.ICertificate | None,
    web_acl_arn: str | None,
    log_encryption_key: kms.IKey | None,
    existing_repository: ecr.IRepository | None,
) -> None:
    """Keys, web ACLs, certificates and repositories are regional: refuse one of another
    region (and a certificate or web ACL of another account) before anything is created."""
    if certificate is not None:
        require_regional_resource(
            "certificate",
            certificate,
            certificate.certificate_arn,
            stack,
            service="acm",
            what="an ACM certificate",
            same_account=True,
        )
    if web_acl_arn is not None:
        require_regional_arn(
            "web_acl_arn",
            web_acl_arn,
            stack,
            service="wafv2",
            what="a WAF web ACL",
            same_account=True,
            resource_prefix="regional/webacl/",
            resource_requirement="be a web ACL of scope REGIONAL ('regional/webacl/...'): "
            "a CLOUDFRONT web ACL cannot protect a load balancer",
        )
    if existing_repository is not None:
        require_regional_resource(
            "existing_repository",
            existing_repository,
            existing_repository.repository_arn,
            stack,
            service="ecr",
            what="an ECR repository the tasks pull from",
            same_account=False,
        )
    if log_encryption_key is not None:
        require_regional_resource(
            "log_encryption_key",
            log_encryption_key,
            log_encryption_key.key_arn,
            stack,
            service="kms",
            what="a KMS key",
            same_account=False,
        )


def require_replication_regions(stack: cdk.Stack, replication: Sequence[str]) -> None:
    """The checks of ``image_replication_regions`` that need the construct's stack."""
    if replication and (not stack.region or is_token(stack.region)):
        raise fail(
            "image_replication_regions",
            list(replication),
            "be used in a stack with a literal region (env=cdk.Environment(region=...))",
        )
    if stack.region in replication:
        raise fail(
            "image_replication_regions",
            list(replication),
            f"not contain the stack's own region {stack.region!r}",
        )
