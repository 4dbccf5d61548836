"""Deployment builder of :class:`~multiregion_tap.RegionalService` (private).

A ``service_*`` builder (see :mod:`.service_network`) for how new task definitions roll out:
:func:`build_deployment_alarms` (the alarms with fixed names that roll a deployment back),
:func:`deployment_options` (the Fargate service's settings for the mode),
:func:`attach_deployment` (ECS-native blue/green wiring, or the CodeDeploy deployment group)
and :func:`code_deploy_appspec`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from constructs import Construct

if TYPE_CHECKING:  # annotations only; imported where a construct creates one
    from aws_cdk import aws_codedeploy as codedeploy

from . import naming
from .service_dependencies import drop_depends_on
from .service_load_balancer import LoadBalancing
from .service_props import ServiceSettings

__all__ = [
    "DeploymentAlarms",
    "Rollout",
    "attach_deployment",
    "build_deployment_alarms",
    "code_deploy_appspec",
    "deployment_options",
]

_STRATEGIES = {
    "BLUE_GREEN": ecs.DeploymentStrategy.BLUE_GREEN,
    "CANARY": ecs.DeploymentStrategy.CANARY,
    "LINEAR": ecs.DeploymentStrategy.LINEAR,
}


@dataclass(frozen=True)
class DeploymentAlarms:
    """The deployment alarms; ``latency`` only with ``latency_threshold``."""

    target_5xx: cloudwatch.Alarm
    unhealthy_hosts: cloudwatch.Alarm
    latency: cloudwatch.Alarm | None

    @property
    def all(self) -> tuple[cloudwatch.Alarm, ...]:
        alarms = [self.target_5xx, self.unhealthy_hosts]
        if self.latency is not None:
            alarms.append(self.latency)
        return tuple(alarms)

    @property
    def names(self) -> tuple[str, ...]:
        names = []
        for alarm in self.all:
            name = alarm.node.default_child
            assert isinstance(name, cloudwatch.CfnAlarm) and isinstance(name.alarm_name, str)
            names.append(name.alarm_name)
        return tuple(names)


@dataclass(frozen=True)
class Rollout:
    """ECS-native modes: the role ECS moves traffic with; ``CODE_DEPLOY``: the group."""

    blue_green_role: iam.Role | None
    deployment_group: codedeploy.EcsDeploymentGroup | None


def build_deployment_alarms(
    scope: Construct, settings: ServiceSettings, lb: LoadBalancing
) -> DeploymentAlarms:
    """``Target5xxAlarm``, ``UnhealthyHostsAlarm`` and, with a threshold, ``LatencyAlarm``,
    each over both target groups. A target group's metrics carry its load balancer, so both
    groups must be on a listener (``CODE_DEPLOY`` without a test listener: ``GreenRule``)."""
    blue, green = lb.blue, lb.green
    minute = cdk.Duration.minutes(1)
    threshold = settings.target_5xx_threshold
    target_5xx = _alarm(
        scope,
        "Target5xxAlarm",
        "target-5xx",
        cloudwatch.MathExpression(
            expression="FILL(blue, 0) + FILL(green, 0)",
            using_metrics={
                "blue": blue.metrics.http_code_target(
                    elbv2.HttpCodeTarget.TARGET_5XX_COUNT, period=minute
                ),
                "green": green.metrics.http_code_target(
                    elbv2.HttpCodeTarget.TARGET_5XX_COUNT, period=minute
                ),
            },
            label="Target 5xx responses (blue + green)",
            period=minute,
        ),
        threshold=threshold,
        evaluation_periods=2,
        description=(
            f"Targets answered {threshold} or more 5xx per minute, 2 minutes in a "
            "row. Rolls back an ECS/CodeDeploy blue/green deployment."
        ),
    )
    unhealthy_hosts = _alarm(
        scope,
        "UnhealthyHostsAlarm",
        "unhealthy-hosts",
        cloudwatch.MathExpression(
            expression="MAX([FILL(blue, 0), FILL(green, 0)])",
            using_metrics={
                "blue": blue.metrics.unhealthy_host_count(period=minute),
                "green": green.metrics.unhealthy_host_count(period=minute),
            },
            label="Unhealthy targets (either target group)",
            period=minute,
        ),
        threshold=1,
        evaluation_periods=2,
        description=(
            "A target group has unhealthy targets 2 minutes in a row. Rolls back an "
            "ECS/CodeDeploy blue/green deployment."
        ),
    )
    latency: cloudwatch.Alarm | None = None
    if settings.latency_threshold is not None:
        latency_s = settings.latency_threshold.to_seconds(integral=False)
        latency = _alarm(
            scope,
            "LatencyAlarm",
            "latency",
            cloudwatch.MathExpression(
                expression="MAX([FILL(blue, 0), FILL(green, 0)])",
                using_metrics={
                    "blue": blue.metrics.target_response_time(period=minute, statistic="p95"),
                    "green": green.metrics.target_response_time(period=minute, statistic="p95"),
                },
                label="p95 target response time (slower target group)",
                period=minute,
            ),
            threshold=latency_s,
            evaluation_periods=3,
            description=(
                f"p95 target response time above {latency_s:g} s, 3 minutes in a row. "
                "Rolls back an ECS/CodeDeploy blue/green deployment."
            ),
        )
    return DeploymentAlarms(target_5xx, unhealthy_hosts, latency)


def _alarm(
    scope: Construct,
    construct_id: str,
    name: str,
    metric: cloudwatch.IMetric,
    *,
    threshold: float,
    evaluation_periods: int,
    description: str,
) -> cloudwatch.Alarm:
    stack = cdk.Stack.of(scope)
    path = scope.node.path
    relative = path[len(stack.node.path) + 1 :] if stack.node.path else path
    return cloudwatch.Alarm(
        scope,
        construct_id,
        # A fixed name: the service lists its deployment alarms by name, and a name that
        # referenced the alarm (or the service's metrics) would make a dependency cycle.
        alarm_name=naming.physical_name(naming.ALARM_NAME, stack.stack_name, relative, name),
        alarm_description=description,
        metric=metric,
        threshold=threshold,
        evaluation_periods=evaluation_periods,
        datapoints_to_alarm=evaluation_periods,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
    )


def deployment_options(settings: ServiceSettings, alarm_names: tuple[str, ...]) -> dict[str, Any]:
    """Keyword arguments of ``ecs.FargateService`` for the deployment mode."""
    options: dict[str, Any] = {}
    if not settings.native:
        options["deployment_controller"] = ecs.DeploymentController(
            type=ecs.DeploymentControllerType.CODE_DEPLOY
        )
        return options
    options.update(
        deployment_strategy=_STRATEGIES[settings.mode],
        bake_time=settings.bake,
        deployment_alarms=ecs.DeploymentAlarmConfig(
            alarm_names=list(alarm_names),
            behavior=ecs.AlarmBehavior.ROLLBACK_ON_ALARM,
        ),
    )
    shift = ecs.TrafficShiftConfig(
        step_percent=settings.shift_percent, step_bake_time=settings.shift_interval
    )
    if settings.mode == "CANARY":
        options["canary_configuration"] = shift
    elif settings.mode == "LINEAR":
        options["linear_configuration"] = shift
    return options


def attach_deployment(
    scope: Construct,
    settings: ServiceSettings,
    service: ecs.FargateService,
    lb: LoadBalancing,
    alarms: DeploymentAlarms,
    *,
    container_name: str,
) -> Rollout:
    """Register the service with the blue target group and set up the rollout: in the
    ECS-native modes ``BlueGreenRole`` and the alternate (green) target; in ``CODE_DEPLOY``
    mode the deployment group ``DeploymentGroup``."""
    port = ec2.Port.tcp(settings.container_port)
    if not settings.native:
        service.load_balancer_target(
            container_name=container_name, container_port=settings.container_port
        ).attach_to_application_target_group(lb.blue)
        service.connections.allow_from(lb.lb_security_group, port, "Load balancer to tasks")
        # Imported here: only CodeDeploy mode needs the module (an app with native
        # blue/green deployments does not load it).
        from aws_cdk import aws_codedeploy as codedeploy

        group = codedeploy.EcsDeploymentGroup(
            scope,
            "DeploymentGroup",
            service=service,
            blue_green_deployment_config=codedeploy.EcsBlueGreenDeploymentConfig(
                blue_target_group=lb.blue,
                green_target_group=lb.green,
                listener=lb.production_listener,
                test_listener=lb.test_listener,
                termination_wait_time=settings.bake,
            ),
            deployment_config=settings.code_deploy_config
            or codedeploy.EcsDeploymentConfig.CANARY_10_PERCENT_5_MINUTES,
            alarms=list(alarms.all),
            auto_rollback=codedeploy.AutoRollbackConfig(
                failed_deployment=True, stopped_deployment=True, deployment_in_alarm=True
            ),
        )
        return Rollout(None, group)
    assert lb.production_rule is not None
    role = iam.Role(
        scope,
        "BlueGreenRole",
        assumed_by=iam.ServicePrincipal("ecs.amazonaws.com"),
        description="Lets ECS move traffic between the blue and green target groups",
        managed_policies=[
            iam.ManagedPolicy.from_aws_managed_policy_name(
                "AmazonECSInfrastructureRolePolicyForLoadBalancers"
            )
        ],
    )
    rule_config = ecs.ListenerRuleConfiguration.application_listener_rule
    target = service.load_balancer_target(
        container_name=container_name,
        container_port=settings.container_port,
        protocol=ecs.Protocol.TCP,
        alternate_target=ecs.AlternateTarget(
            "AlternateTarget",
            alternate_target_group=lb.green,
            production_listener=rule_config(lb.production_rule),
            test_listener=rule_config(lb.test_rule) if lb.test_rule is not None else None,
            role=role,
        ),
    )
    target.attach_to_application_target_group(lb.blue)
    # The service Refs the listener rules (AdvancedConfiguration); CDK also lists them in
    # DependsOn, which cfn-lint reports as redundant (W3005).
    rules = [r for r in (lb.production_rule, lb.test_rule) if r is not None]
    resource = service.node.default_child
    assert isinstance(resource, cdk.CfnResource)
    drop_depends_on(resource, [r.node.default_child for r in rules])
    # ECS registers green tasks itself; the load balancer must reach them too.
    service.connections.allow_from(lb.lb_security_group, port, "Load balancer to tasks")
    return Rollout(role, None)


def code_deploy_appspec(
    task_definition_arn: str, *, container_name: str, container_port: int
) -> dict[str, Any]:
    """The CodeDeploy AppSpec that deploys ``task_definition_arn`` to the service."""
    return {
        "version": 0.0,
        "Resources": [
            {
                "TargetService": {
                    "Type": "AWS::ECS::Service",
                    "Properties": {
                        "TaskDefinition": task_definition_arn,
                        "LoadBalancerInfo": {
                            "ContainerName": container_name,
                            "ContainerPort": container_port,
                        },
                    },
                }
            }
        ],
    }
