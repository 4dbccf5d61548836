"""_private/monitoring_shared.py called directly, without synthesizing an app: the alarm topic
given or created (and the refusal of both), one alarm action per topic, Route 53's health-check
metric as CloudWatch names it, the region's role in a dashboard's text, and the six graphs of
a region (titles, axes, ``None`` where the region has none of the kind's metrics). Kills the
mutants of ``tools/mutate.py`` in a couple of seconds each (docs/guides/testing.md)."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_sns as sns

from multiregion_tap import AlarmTopic, ValidationError
from multiregion_tap._private import monitoring_shared as shared
from multiregion_tap._private.app_context import register_stack
from multiregion_tap.regional_monitoring import RegionalMetrics


def _stack(name: str = "Shop", region: str = "us-east-2") -> cdk.Stack:
    return cdk.Stack(cdk.App(), name, env=cdk.Environment(account="123456789012", region=region))


def test_the_public_names() -> None:
    namespace: dict[str, object] = {}
    exec("from multiregion_tap._private.monitoring_shared import *", namespace)
    assert {k: v for k, v in namespace.items() if not k.startswith("__")} == {
        "FIVE_MINUTES": shared.FIVE_MINUTES,
        "MINUTE": shared.MINUTE,
        "health_check_metric": shared.health_check_metric,
        "notify": shared.notify,
        "region_graphs": shared.region_graphs,
        "role_of": shared.role_of,
        "topic_for": shared.topic_for,
    }


def test_the_periods() -> None:
    assert shared.MINUTE.to_seconds() == 60
    assert shared.FIVE_MINUTES.to_seconds() == 300


# ----------------------------------------------------------------------------- topic_for
def test_a_given_topic_is_used_as_it_is() -> None:
    stack = _stack()
    topic = sns.Topic(stack, "Given")
    assert shared.topic_for(stack, topic, (), ()) == (topic, None)


@pytest.mark.parametrize(
    ("emails", "urls", "named"),
    [
        (["ops@example.com"], [], "existing_topic and email_addresses"),
        ([], ["https://hooks.example.com/x"], "existing_topic and https_endpoints"),
        (
            ["ops@example.com"],
            ["https://hooks.example.com/x"],
            "existing_topic and email_addresses and https_endpoints",
        ),
    ],
)
def test_a_given_topic_and_subscribers_are_refused(
    emails: list[str], urls: list[str], named: str
) -> None:
    stack = _stack()
    topic = sns.Topic(stack, "Given")
    with pytest.raises(ValidationError, match=f"^{named} are mutually exclusive: give at most"):
        shared.topic_for(stack, topic, emails, urls)


def test_without_a_topic_an_alarm_topic_is_created() -> None:
    stack = _stack()
    topic, created = shared.topic_for(stack, None, ["ops@example.com"], ())
    assert isinstance(created, AlarmTopic)
    assert created.node.path == "Shop/AlarmTopic"
    assert topic is created.topic


# ----------------------------------------------------------------------------- notify
def _alarm(stack: cdk.Stack, construct_id: str) -> cloudwatch.Alarm:
    metric = cloudwatch.Metric(namespace="Test", metric_name="Errors")
    return cloudwatch.Alarm(stack, construct_id, metric=metric, threshold=1, evaluation_periods=1)


def _actions(stack: cdk.Stack, alarm: cloudwatch.Alarm) -> dict[str, Any]:
    cfn = alarm.node.default_child
    assert isinstance(cfn, cloudwatch.CfnAlarm)
    return {
        "AlarmActions": stack.resolve(cfn.alarm_actions),
        "OKActions": stack.resolve(cfn.ok_actions),
    }


def test_notify_adds_the_topic_to_the_alarm_and_on_ok_to_its_ok_actions() -> None:
    stack = _stack()
    topic = sns.Topic(stack, "Topic")
    loud, quiet = _alarm(stack, "Loud"), _alarm(stack, "Quiet")
    shared.notify(loud, topic, True)
    shared.notify(quiet, topic, False)
    ref = [{"Ref": stack.get_logical_id(topic.node.default_child)}]  # type: ignore[arg-type]
    assert _actions(stack, loud) == {"AlarmActions": ref, "OKActions": ref}
    assert _actions(stack, quiet) == {"AlarmActions": ref, "OKActions": None}
    assert shared._ACTIONS.get(topic) is not None  # one action, shared by the topic's alarms


# ----------------------------------------------------------------------------- metrics
def test_the_health_check_metric_is_route53s_status() -> None:
    stack = _stack()
    check = route53.HealthCheck(
        stack, "Check", type=route53.HealthCheckType.HTTPS, fqdn="www.example.com"
    )
    metric = shared.health_check_metric(check, "us-east-1")
    assert (metric.namespace, metric.metric_name, metric.statistic) == (
        "AWS/Route53",
        "HealthCheckStatus",
        "Minimum",
    )
    assert metric.period.to_seconds() == 60
    assert metric.region == "us-east-1"
    assert stack.resolve(metric.dimensions) == {
        "HealthCheckId": {"Ref": stack.get_logical_id(check.node.default_child)}  # type: ignore[arg-type]
    }
    assert shared.health_check_metric(check, None).region is None


# ----------------------------------------------------------------------------- role_of
class _App:
    def region_role(self, region: str) -> str:
        return {"us-east-1": "primary"}.get(region, "secondary")


def test_the_role_is_the_apps_and_nothing_outside_an_app() -> None:
    inside, outside = _stack("In", "us-east-1"), _stack("Out", "us-east-1")
    register_stack(inside, _App())  # type: ignore[arg-type]
    assert shared.role_of(cdk.Stack(inside.node.scope, "Other")) == ""  # type: ignore[arg-type]
    assert shared.role_of(inside) == " (primary)"
    assert shared.role_of(outside) == ""


# ----------------------------------------------------------------------------- graphs
def _metric(name: str) -> cloudwatch.Metric:
    return cloudwatch.Metric(namespace="Test", metric_name=name, region="eu-west-1")


def _shown(widget: cloudwatch.GraphWidget | None) -> Any:
    """A graph's title, width, region, and its metrics' names by axis."""
    if widget is None:
        return None
    (body,) = cdk.Stack().resolve(widget.to_json())
    props = body["properties"]
    axes: dict[str, list[str]] = {"left": [], "right": []}
    for metric in props["metrics"]:
        options = metric[-1] if isinstance(metric[-1], dict) else {}
        axes[options.get("yAxis", "left")].append(metric[1])
    return (props["title"], body["width"], props["region"], axes["left"], axes["right"])


_ALL = [
    "requests",
    "elb_5xx",
    "target_5xx",
    "latency_p95",
    "latency_p99",
    "cpu",
    "memory",
    "running_tasks",
    "desired_tasks",
    "database_cpu",
    "database_connections",
    "database_free_storage",
    "replica_lag",
]


def test_a_region_with_every_metric_has_six_graphs() -> None:
    metrics = RegionalMetrics(region="eu-west-1", **{n: _metric(n) for n in _ALL})
    graphs = shared.region_graphs(metrics, width=8, prefix="eu-west-1: ")
    r = "eu-west-1"
    assert [_shown(g) for g in graphs] == [
        (
            "eu-west-1: Requests (left) and 5xx (right), per 5 min",
            8,
            r,
            ["requests"],
            ["elb_5xx", "target_5xx"],
        ),
        ("eu-west-1: Target response time p95 / p99 (s)", 8, r, ["latency_p95", "latency_p99"], []),
        ("eu-west-1: ECS CPU / memory utilization (%)", 8, r, ["cpu", "memory"], []),
        ("eu-west-1: ECS tasks running / desired", 8, r, ["running_tasks", "desired_tasks"], []),
        (
            "eu-west-1: Database CPU % (left), connections (right)",
            8,
            r,
            ["database_cpu"],
            ["database_connections"],
        ),
        (
            "eu-west-1: Database free storage bytes (left), replica lag s (right)",
            8,
            r,
            ["database_free_storage"],
            ["replica_lag"],
        ),
    ]


def test_a_kind_without_metrics_has_no_graph_and_a_missing_metric_no_line() -> None:
    metrics = RegionalMetrics(
        region="eu-west-1",
        latency_p99=_metric("latency_p99"),
        database_connections=_metric("database_connections"),
        database_free_storage=_metric("database_free_storage"),
    )
    graphs = shared.region_graphs(metrics, width=12)
    assert [_shown(g) for g in graphs] == [
        None,
        ("Target response time p95 / p99 (s)", 12, "eu-west-1", ["latency_p99"], []),
        None,
        None,
        (
            "Database CPU % (left), connections (right)",
            12,
            "eu-west-1",
            [],
            ["database_connections"],
        ),
        (
            "Database free storage bytes (left), replica lag s (right)",
            12,
            "eu-west-1",
            ["database_free_storage"],
            [],
        ),
    ]
    assert shared.region_graphs(RegionalMetrics(region="eu-west-1"), width=12) == [None] * 6
