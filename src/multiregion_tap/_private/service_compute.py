"""Compute builder of :class:`~multiregion_tap.RegionalService` (private).

A ``service_*`` builder (see :mod:`.service_network`) in three steps, because the load balancer
and the deployment alarms come between them in the template: :func:`build_tasks` (cluster,
container log group, task definition and container), :func:`build_service` (the Fargate
service, configured for its deployment mode by :mod:`.service_deployment`) and
:func:`add_autoscaling`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_logs as logs
from constructs import Construct

from .arns import require_ecr_image_in_region
from .service_options import merged
from .service_props import ServiceSettings

__all__ = ["Tasks", "add_autoscaling", "build_service", "build_tasks", "scale_to_zero"]


@dataclass(frozen=True)
class Tasks:
    """What the service runs: the cluster, the task definition and its container."""

    cluster: ecs.Cluster
    log_group: logs.LogGroup
    task_definition: ecs.FargateTaskDefinition
    container: ecs.ContainerDefinition


def build_tasks(
    scope: Construct,
    settings: ServiceSettings,
    vpc: ec2.IVpc,
    repository: ecr.IRepository | None,
    container_name: str,
) -> Tasks:
    """``Cluster``, ``LogGroup`` and ``TaskDefinition`` with the container ``Container``.

    The options (``settings.options``) add to the library's arguments only when given, and
    the ``task_definition_props`` and ``container_props`` overrides go over them."""
    options = settings.options
    cluster_options: dict[str, Any] = {}
    if options.capacity_provider_strategies:
        # A service can only use the capacity providers its cluster is associated with.
        cluster_options["enable_fargate_capacity_providers"] = True
    cluster = ecs.Cluster(
        scope,
        "Cluster",
        vpc=vpc,
        container_insights_v2=ecs.ContainerInsights.ENABLED,
        **cluster_options,
    )
    log_group = logs.LogGroup(
        scope,
        "LogGroup",
        retention=settings.retention,
        encryption_key=settings.log_encryption_key,
        removal_policy=settings.removal,
    )
    task_options: dict[str, Any] = {}
    if options.ephemeral_storage_gib is not None:
        task_options["ephemeral_storage_gib"] = options.ephemeral_storage_gib
    task_definition = ecs.FargateTaskDefinition(
        scope,
        "TaskDefinition",
        **merged(
            {
                "cpu": settings.cpu,
                "memory_limit_mib": settings.memory_limit_mib,
                "runtime_platform": ecs.RuntimePlatform(
                    cpu_architecture=options.cpu_architecture or ecs.CpuArchitecture.X86_64,
                    operating_system_family=ecs.OperatingSystemFamily.LINUX,
                ),
                **task_options,
            },
            options.override("task_definition_props"),
        ),
    )
    if settings.image is not None:
        image = settings.image
    else:
        assert repository is not None  # without an image there is always a repository
        image = ecs.ContainerImage.from_ecr_repository(repository, settings.tag)
    container_options: dict[str, Any] = {}
    if options.command is not None:
        container_options["command"] = list(options.command)
    if options.entry_point is not None:
        container_options["entry_point"] = list(options.entry_point)
    if options.container_health_check is not None:
        container_options["health_check"] = options.container_health_check
    container = task_definition.add_container(
        "Container",
        **merged(
            {
                "container_name": container_name,
                "image": image,
                "essential": True,
                "port_mappings": [
                    ecs.PortMapping(
                        container_port=settings.container_port, protocol=ecs.Protocol.TCP
                    )
                ],
                "environment": dict(settings.environment) if settings.environment else None,
                "secrets": dict(settings.secrets) if settings.secrets else None,
                "logging": ecs.LogDrivers.aws_logs(
                    stream_prefix=container_name, log_group=log_group
                ),
                **container_options,
            },
            options.override("container_props"),
        ),
    )
    require_ecr_image_in_region("image", container.image_name, cdk.Stack.of(scope))
    return Tasks(cluster, log_group, task_definition, container)


def build_service(
    scope: Construct,
    settings: ServiceSettings,
    tasks: Tasks,
    *,
    security_group: ec2.ISecurityGroup,
    deployment_options: Mapping[str, Any],
    deployment_alarms: Sequence[cloudwatch.Alarm],
) -> ecs.FargateService:
    """``Service``: private subnets, no public IP, ``deployment_options`` for its mode, created
    after the deployment alarms it names; capacity provider strategies and ECS Exec when
    asked, then the ``fargate_service_props`` override."""
    options = settings.options
    service_options: dict[str, Any] = {}
    if options.capacity_provider_strategies:
        service_options["capacity_provider_strategies"] = list(options.capacity_provider_strategies)
    if options.enable_execute_command:
        # CDK then grants the task role the ssmmessages actions ECS Exec needs.
        service_options["enable_execute_command"] = True
    defaults: dict[str, Any] = {
        "cluster": tasks.cluster,
        "task_definition": tasks.task_definition,
        "desired_count": settings.desired_count,
        "min_healthy_percent": 100,
        "max_healthy_percent": 200,
        "assign_public_ip": False,
        "security_groups": [security_group],
        "vpc_subnets": ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
        "health_check_grace_period": settings.grace,
        "enable_ecs_managed_tags": True,
        "propagate_tags": ecs.PropagatedTagSource.SERVICE,
        "platform_version": ecs.FargatePlatformVersion.LATEST,
        **deployment_options,
        **service_options,
    }
    service = ecs.FargateService(
        scope, "Service", **merged(defaults, options.override("fargate_service_props"))
    )
    for alarm in deployment_alarms:
        # Names are fixed, so this adds ordering without a dependency cycle.
        service.node.add_dependency(alarm)
    cdk.Annotations.of(service).acknowledge_warning(
        "@aws-cdk/aws-ecs:shouldUseCircuitBreaker",
        "The deployment circuit breaker applies only to ROLLING deployments; blue/green, "
        "canary and linear deployments roll back on the deployment alarms (target 5xx, "
        "unhealthy hosts), and CODE_DEPLOY on CodeDeploy's own failure detection.",
    )
    return service


def add_autoscaling(
    service: ecs.FargateService,
    settings: ServiceSettings,
    blue: elbv2.ApplicationTargetGroup,
) -> ecs.ScalableTaskCount:
    """Scaling on CPU (``CpuScaling``) and, with ``requests_per_target``, on the requests
    per task of the blue target group (``RequestCountScaling``)."""
    scaling = service.auto_scale_task_count(
        min_capacity=settings.min_tasks, max_capacity=settings.max_tasks
    )
    scaling.scale_on_cpu_utilization(
        "CpuScaling", target_utilization_percent=settings.cpu_target_utilization
    )
    if settings.requests_per_target is not None:
        scaling.scale_on_request_count(
            "RequestCountScaling",
            requests_per_target=settings.requests_per_target,
            target_group=blue,
        )
    return scaling


def scale_to_zero(service: ecs.FargateService, scaling: ecs.ScalableTaskCount) -> None:
    """Desired count 0 and autoscaling between 0 and 0 (``RegionalService.stand_down``)."""
    cfn = service.node.default_child
    assert isinstance(cfn, ecs.CfnService)
    cfn.desired_count = 0
    targets = [c for c in scaling.node.find_all() if isinstance(c, appscaling.CfnScalableTarget)]
    assert len(targets) == 1, targets
    targets[0].min_capacity = 0
    targets[0].max_capacity = 0
