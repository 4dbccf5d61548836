"""Helpers shared by the monitoring constructs (alarm topic, alarms, dashboards).

Used by :mod:`multiregion_tap.regional_monitoring`, :mod:`multiregion_tap.health_check_alarms`
and :mod:`multiregion_tap.overview_dashboard`.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_sns as sns
from constructs import Construct

from ..alarm_topic import AlarmTopic
from .app_context import app_of
from .validation import require_exclusive

if TYPE_CHECKING:
    from ..regional_monitoring import RegionalMetrics

__all__ = [
    "FIVE_MINUTES",
    "MINUTE",
    "health_check_metric",
    "notify",
    "region_graphs",
    "role_of",
    "topic_for",
]

MINUTE = cdk.Duration.minutes(1)
FIVE_MINUTES = cdk.Duration.minutes(5)


def topic_for(
    scope: Construct,
    existing_topic: sns.ITopic | None,
    emails: Sequence[str],
    urls: Sequence[str],
    key_removal_policy: cdk.RemovalPolicy | None = None,
) -> tuple[sns.ITopic, AlarmTopic | None]:
    if existing_topic is not None:
        if emails or urls:
            require_exclusive(
                existing_topic=existing_topic,
                email_addresses=list(emails) or None,
                https_endpoints=list(urls) or None,
            )
        return existing_topic, None
    created = AlarmTopic(
        scope,
        "AlarmTopic",
        email_addresses=emails,
        https_endpoints=urls,
        key_removal_policy=key_removal_policy,
    )
    return created.topic, created


#: One alarm action per topic, shared by its alarms (binding it creates no construct).
_ACTIONS: weakref.WeakKeyDictionary[sns.ITopic, cloudwatch_actions.SnsAction] = (
    weakref.WeakKeyDictionary()
)


def notify(alarm: cloudwatch.Alarm, topic: sns.ITopic, on_ok: bool) -> None:
    action = _ACTIONS.get(topic)
    if action is None:
        action = _ACTIONS[topic] = cloudwatch_actions.SnsAction(topic)
    alarm.add_alarm_action(action)
    if on_ok:
        alarm.add_ok_action(action)


def health_check_metric(check: route53.IHealthCheck, region: str | None) -> cloudwatch.Metric:
    return cloudwatch.Metric(
        namespace="AWS/Route53",
        metric_name="HealthCheckStatus",
        dimensions_map={"HealthCheckId": check.health_check_id},
        statistic="Minimum",
        period=MINUTE,
        region=region,
    )


def role_of(scope: Construct) -> str:
    app = app_of(scope)
    if app is None:
        return ""
    return f" ({app.region_role(cdk.Stack.of(scope).region)})"


def region_graphs(
    metrics: RegionalMetrics, *, width: int, prefix: str = ""
) -> list[cloudwatch.GraphWidget | None]:
    """The graph widgets of one region, one per kind in a fixed order (``None`` where the
    region has none of the kind's metrics)."""

    def graph(
        title: str,
        left: Sequence[cloudwatch.IMetric | None],
        right: Sequence[cloudwatch.IMetric | None] = (),
    ) -> cloudwatch.GraphWidget | None:
        left_metrics = [m for m in left if m is not None]
        right_metrics = [m for m in right if m is not None]
        if not left_metrics and not right_metrics:
            return None
        return cloudwatch.GraphWidget(
            title=f"{prefix}{title}",
            left=left_metrics,
            right=right_metrics,
            region=metrics.region,
            width=width,
        )

    m = metrics
    return [
        graph(
            "Requests (left) and 5xx (right), per 5 min", [m.requests], [m.elb_5xx, m.target_5xx]
        ),
        graph("Target response time p95 / p99 (s)", [m.latency_p95, m.latency_p99]),
        graph("ECS CPU / memory utilization (%)", [m.cpu, m.memory]),
        graph("ECS tasks running / desired", [m.running_tasks, m.desired_tasks]),
        graph(
            "Database CPU % (left), connections (right)", [m.database_cpu], [m.database_connections]
        ),
        graph(
            "Database free storage bytes (left), replica lag s (right)",
            [m.database_free_storage],
            [m.replica_lag],
        ),
    ]
