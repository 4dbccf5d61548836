"""regional_monitoring.py on three small synthesized stacks (shared by the module): every alarm
as CloudWatch reads it (namespace, metric, statistic, period, threshold, periods, comparison,
missing data, description, actions) with the defaults and with thresholds of one's own, the
reused alarms, the dashboard's widgets and layout, the outputs, what is watched, the props'
defaults and each refusal with its exact bounds. Kills the mutants of ``tools/mutate.py`` in a
few seconds each (docs/guides/testing.md)."""

from __future__ import annotations

import dataclasses
import inspect
import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_rds as rds
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Template

from multiregion_tap import AlarmTopic, ValidationError
from multiregion_tap import regional_monitoring as module
from multiregion_tap._private.app_context import register_stack
from multiregion_tap.regional_monitoring import (
    RegionalMetrics,
    RegionalMonitoring,
    RegionalMonitoringProps,
)

ACCOUNT = "123456789012"
GIB = 1024 * 1024 * 1024
LB_ARN = "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/shop/0123abcd"


def _env(region: str) -> cdk.Environment:
    return cdk.Environment(account=ACCOUNT, region=region)


class _App:
    """The part of MultiRegionApp that role_of asks."""

    def region_role(self, region: str) -> str:
        return "secondary"


def _imported_db(stack: cdk.Stack) -> rds.IDatabaseInstance:
    return rds.DatabaseInstance.from_database_instance_attributes(
        stack,
        "Db",
        instance_identifier="shop-db",
        instance_endpoint_address="shop-db.example.com",
        port=5432,
        security_groups=[],
    )


def _main() -> dict[str, Any]:
    """us-east-2, every resource, every default, two reused alarms, inside an 'app'."""
    stack = cdk.Stack(cdk.App(), "Shop", env=_env("us-east-2"))
    register_stack(stack, _App())  # type: ignore[arg-type]
    vpc = ec2.Vpc(
        stack,
        "Vpc",
        max_azs=2,
        nat_gateways=0,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC)
        ],
    )
    lb = elbv2.ApplicationLoadBalancer(stack, "Lb", vpc=vpc, internet_facing=True)
    blue, green = (
        elbv2.ApplicationTargetGroup(stack, name, vpc=vpc, port=80, target_type=elbv2.TargetType.IP)
        for name in ("Blue", "Green")
    )
    lb.add_listener("Http", port=80, default_target_groups=[blue])
    lb.add_listener("Test", port=8080, default_target_groups=[green])
    cluster = ecs.Cluster(stack, "Cluster", vpc=vpc)
    task = ecs.FargateTaskDefinition(stack, "Task")
    task.add_container("web", image=ecs.ContainerImage.from_registry("nginx"))
    service = ecs.FargateService(
        stack, "Service", cluster=cluster, task_definition=task, assign_public_ip=True
    )
    db = _imported_db(stack)
    deploy = cloudwatch.Alarm(
        stack,
        "Deploy",
        metric=cloudwatch.Metric(namespace="Test", metric_name="Errors"),
        threshold=1,
        evaluation_periods=1,
    )
    any_deploy = cloudwatch.CompositeAlarm(
        stack, "AnyDeploy", alarm_rule=cloudwatch.AlarmRule.any_of(deploy)
    )
    monitoring = RegionalMonitoring(
        stack,
        "Monitoring",
        load_balancer=lb,
        target_groups=[blue, green],
        service=service,
        database=db,
        existing_alarms=[deploy, any_deploy],
    )
    return {
        "stack": stack,
        "monitoring": monitoring,
        "template": Template.from_stack(stack).to_json(),
        "watched": (lb, blue, green, service, db, service.cluster),
        "reused": (deploy, any_deploy),
    }


def _replica() -> dict[str, Any]:
    """us-west-2, an imported load balancer, a replica, a given topic, thresholds of one's own,
    no OK notifications, a dashboard name and an output suffix; no app."""
    stack = cdk.Stack(cdk.App(), "Replica", env=_env("us-west-2"))
    lb = elbv2.ApplicationLoadBalancer.from_application_load_balancer_attributes(
        stack, "Lb", load_balancer_arn=LB_ARN, security_group_id="sg-12345678"
    )
    topic = sns.Topic(stack, "Given")
    deploy = cloudwatch.Alarm(
        stack,
        "Deploy",
        metric=cloudwatch.Metric(namespace="Test", metric_name="Errors"),
        threshold=1,
        evaluation_periods=1,
    )
    monitoring = RegionalMonitoring(
        stack,
        "Monitoring",
        load_balancer=lb,
        database=_imported_db(stack),
        database_is_replica=True,
        existing_alarms=[deploy],
        existing_topic=topic,
        http_5xx_threshold=5,
        latency_p95_threshold=cdk.Duration.seconds(2),
        latency_p99_threshold=cdk.Duration.millis(4500),
        database_cpu_threshold_percent=50,
        database_free_storage_threshold_gib=2.5,
        database_connections_threshold=300,
        replica_lag_threshold=cdk.Duration.minutes(20),
        notify_on_ok=False,
        dashboard_name="shop-replica",
        output_suffix="Replica",
    )
    return {
        "stack": stack,
        "monitoring": monitoring,
        "template": Template.from_stack(stack).to_json(),
        "topic": topic,
        "reused": (deploy,),
    }


def _bare() -> dict[str, Any]:
    stack = cdk.Stack(cdk.App(), "Bare", env=_env("us-east-1"))
    monitoring = RegionalMonitoring(stack, "Monitoring")
    return {
        "stack": stack,
        "monitoring": monitoring,
        "template": Template.from_stack(stack).to_json(),
    }


@pytest.fixture(scope="module")
def main() -> dict[str, Any]:
    return _main()


@pytest.fixture(scope="module")
def replica() -> dict[str, Any]:
    return _replica()


@pytest.fixture(scope="module")
def bare() -> dict[str, Any]:
    return _bare()


def _id(stack: cdk.Stack, construct: Any) -> str:
    return stack.get_logical_id(construct.node.default_child)


def _alarm(built: dict[str, Any], name: str) -> dict[str, Any]:
    stack, monitoring = built["stack"], built["monitoring"]
    props: dict[str, Any] = built["template"]["Resources"][_id(stack, monitoring.alarms[name])][
        "Properties"
    ]
    return props


def _expect(
    namespace: str,
    metric: str,
    statistic: str,
    period: int,
    threshold: float,
    periods: int,
    description: str,
    comparison: str = "GreaterThanThreshold",
    missing: str = "notBreaching",
) -> dict[str, Any]:
    stat = "ExtendedStatistic" if statistic.startswith("p") else "Statistic"
    return {
        "Namespace": namespace,
        "MetricName": metric,
        stat: statistic,
        "Period": period,
        "Threshold": threshold,
        "EvaluationPeriods": periods,
        "DatapointsToAlarm": periods,
        "ComparisonOperator": comparison,
        "TreatMissingData": missing,
        "AlarmDescription": description,
    }


def _shown(props: dict[str, Any]) -> dict[str, Any]:
    """An alarm's properties but its dimensions and actions."""
    return {
        k: v
        for k, v in props.items()
        if k not in ("Dimensions", "AlarmActions", "OKActions", "Metrics")
    }


ELB = "AWS/ApplicationELB"
SHOP = "Shop (us-east-2)"
REPLICA = "Replica (us-west-2)"


def test_the_alarms_with_the_defaults(main: dict[str, Any]) -> None:
    expected = {
        "Elb5xx": _expect(
            ELB,
            "HTTPCode_ELB_5XX_Count",
            "Sum",
            300,
            10,
            1,
            f"{SHOP}: the load balancer returned more than 10 5xx responses in 5 minutes "
            "(no healthy target, or the load balancer failed)",
        ),
        "Target5xx": _expect(
            ELB,
            "HTTPCode_Target_5XX_Count",
            "Sum",
            300,
            10,
            1,
            f"{SHOP}: the service's tasks returned more than 10 5xx responses in 5 minutes",
        ),
        "LatencyP95": _expect(
            ELB,
            "TargetResponseTime",
            "p95",
            300,
            1,
            3,
            f"{SHOP}: p95 response time above 1 s for 15 minutes",
        ),
        "LatencyP99": _expect(
            ELB,
            "TargetResponseTime",
            "p99",
            300,
            3,
            3,
            f"{SHOP}: p99 response time above 3 s for 15 minutes",
        ),
        **{
            f"UnhealthyHosts{tg}": _expect(
                ELB,
                "UnHealthyHostCount",
                "Maximum",
                60,
                1,
                3,
                f"{SHOP}: target group {tg} has had unhealthy targets for 3 minutes",
                comparison="GreaterThanOrEqualToThreshold",
            )
            for tg in ("Blue", "Green")
        },
        "ServiceCpu": _expect(
            "AWS/ECS",
            "CPUUtilization",
            "Average",
            300,
            80,
            3,
            f"{SHOP}: ECS service CPU above 80% for 15 minutes",
        ),
        "ServiceMemory": _expect(
            "AWS/ECS",
            "MemoryUtilization",
            "Average",
            300,
            80,
            3,
            f"{SHOP}: ECS service memory above 80% for 15 minutes",
        ),
        "DatabaseCpu": _expect(
            "AWS/RDS",
            "CPUUtilization",
            "Average",
            300,
            80,
            3,
            f"{SHOP}: database CPU above 80% for 15 minutes",
        ),
        "DatabaseFreeStorage": _expect(
            "AWS/RDS",
            "FreeStorageSpace",
            "Minimum",
            300,
            5 * GIB,
            1,
            f"{SHOP}: database free storage below 5 GiB",
            comparison="LessThanThreshold",
            missing="missing",
        ),
        "DatabaseConnections": _expect(
            "AWS/RDS",
            "DatabaseConnections",
            "Maximum",
            300,
            100,
            2,
            f"{SHOP}: more than 100 database connections for 10 minutes",
        ),
    }
    monitoring = main["monitoring"]
    assert sorted(monitoring.alarms) == sorted([*expected, "RunningTasksBelowDesired"])
    for name, props in expected.items():
        assert _shown(_alarm(main, name)) == props, name


def test_running_tasks_below_desired_is_container_insights_math(main: dict[str, Any]) -> None:
    stack, cluster, service = main["stack"], main["watched"][5], main["watched"][3]
    props = _alarm(main, "RunningTasksBelowDesired")
    assert _shown(props) == {
        "Threshold": 1,
        "EvaluationPeriods": 5,
        "DatapointsToAlarm": 5,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "TreatMissingData": "notBreaching",
        "AlarmDescription": f"{SHOP}: fewer ECS tasks running than desired for 5 minutes "
        "(tasks failing to start or crashing). Needs Container Insights on the cluster.",
    }
    dimensions = [
        {"Name": "ClusterName", "Value": {"Ref": _id(stack, cluster)}},
        {"Name": "ServiceName", "Value": {"Fn::GetAtt": [_id(stack, service), "Name"]}},
    ]

    def stat(name: str) -> dict[str, Any]:
        return {
            "Metric": {
                "Dimensions": dimensions,
                "MetricName": name,
                "Namespace": "ECS/ContainerInsights",
            },
            "Period": 60,
            "Stat": "Average",
        }

    (expression,) = [m for m in props["Metrics"] if "Expression" in m]
    assert expression["Expression"] == "desired - running"
    assert expression["Label"] == "Tasks missing (desired - running)"
    assert {m["Id"]: m["MetricStat"] for m in props["Metrics"] if "MetricStat" in m} == {
        "desired": stat("DesiredTaskCount"),
        "running": stat("RunningTaskCount"),
    }


def test_thresholds_of_ones_own_and_the_replica_lag(replica: dict[str, Any]) -> None:
    expected = {
        "Elb5xx": (5, f"{REPLICA}: the load balancer returned more than 5 5xx responses"),
        "Target5xx": (5, f"{REPLICA}: the service's tasks returned more than 5 5xx responses"),
        "LatencyP95": (2, f"{REPLICA}: p95 response time above 2 s for 15 minutes"),
        "LatencyP99": (4.5, f"{REPLICA}: p99 response time above 4.5 s for 15 minutes"),
        "DatabaseCpu": (50, f"{REPLICA}: database CPU above 50% for 15 minutes"),
        "DatabaseFreeStorage": (2.5 * GIB, f"{REPLICA}: database free storage below 2.5 GiB"),
        "DatabaseConnections": (
            300,
            f"{REPLICA}: more than 300 database connections for 10 minutes",
        ),
    }
    monitoring = replica["monitoring"]
    assert sorted(monitoring.alarms) == sorted([*expected, "ReplicaLag"])
    for name, (threshold, description) in expected.items():
        props = _alarm(replica, name)
        assert props["Threshold"] == threshold, name
        assert props["AlarmDescription"].startswith(description), name
    assert _shown(_alarm(replica, "ReplicaLag")) == _expect(
        "AWS/RDS",
        "ReplicaLag",
        "Minimum",
        300,
        1200,
        3,
        f"{REPLICA}: the read replica has lagged more than 1200 s behind the primary for 15 "
        "minutes (minimum of each 5-minute period, so the ~5-minute saw-tooth of an idle "
        "PostgreSQL primary does not fire it)",
        missing="missing",
    )


def test_every_alarm_notifies_the_topic_and_on_ok_by_default(main: dict[str, Any]) -> None:
    stack, monitoring, resources = main["stack"], main["monitoring"], main["template"]["Resources"]
    topic = [{"Ref": _id(stack, monitoring.alarm_topic.topic)}]
    for name, alarm in monitoring.alarms.items():
        props = resources[_id(stack, alarm)]["Properties"]
        assert (props["AlarmActions"], props["OKActions"]) == (topic, topic), name
    deploy, any_deploy = (resources[_id(stack, a)]["Properties"] for a in main["reused"])
    assert (deploy["AlarmActions"], deploy["OKActions"]) == (topic, topic)
    assert any_deploy["AlarmActions"] == topic and "OKActions" not in any_deploy
    assert monitoring.reused_alarms == main["reused"]


def test_without_on_ok_only_alarms_notify_the_given_topic(replica: dict[str, Any]) -> None:
    stack, monitoring, resources = (
        replica["stack"],
        replica["monitoring"],
        replica["template"]["Resources"],
    )
    topic = [{"Ref": _id(stack, replica["topic"])}]
    assert monitoring.topic is replica["topic"] and monitoring.alarm_topic is None
    for alarm in [*monitoring.alarms.values(), *replica["reused"]]:
        props = resources[_id(stack, alarm)]["Properties"]
        assert props["AlarmActions"] == topic and "OKActions" not in props
    assert [r for r in resources.values() if r["Type"] == "AWS::SNS::Topic"] != []
    assert not [r for r in resources.values() if r["Type"] == "AWS::KMS::Key"]


def test_the_created_topic_is_an_alarm_topic(main: dict[str, Any], bare: dict[str, Any]) -> None:
    for built, path in ((main, "Shop/Monitoring/AlarmTopic"), (bare, "Bare/Monitoring/AlarmTopic")):
        created = built["monitoring"].alarm_topic
        assert isinstance(created, AlarmTopic) and created.node.path == path
        assert built["monitoring"].topic is created.topic


def _widgets(built: dict[str, Any]) -> list[dict[str, Any]]:
    """The dashboard's widgets, each token shown as the logical id it names."""
    stack, monitoring = built["stack"], built["monitoring"]
    body = built["template"]["Resources"][_id(stack, monitoring.dashboard)]["Properties"][
        "DashboardBody"
    ]
    if isinstance(body, dict):
        parts = body["Fn::Join"][1]
        body = "".join(
            p if isinstance(p, str) else (p.get("Ref") or p["Fn::GetAtt"][0]) for p in parts
        )
    widgets: list[dict[str, Any]] = json.loads(body)["widgets"]
    return widgets


def _layout(built: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (
            w["type"],
            w["x"],
            w["y"],
            w["width"],
            w["height"],
            w["properties"].get("title") or w["properties"].get("markdown"),
        )
        for w in _widgets(built)
    ]


def test_the_dashboard_text_alarms_and_graphs_two_by_two(main: dict[str, Any]) -> None:
    assert _layout(main) == [
        ("text", 0, 0, 24, 2, "# Shop\nRegion **us-east-2** (secondary)"),
        ("alarm", 0, 2, 24, 3, "Alarms"),
        ("metric", 0, 5, 12, 6, "Requests (left) and 5xx (right), per 5 min"),
        ("metric", 12, 5, 12, 6, "Target response time p95 / p99 (s)"),
        ("metric", 0, 11, 12, 6, "ECS CPU / memory utilization (%)"),
        ("metric", 12, 11, 12, 6, "ECS tasks running / desired"),
        ("metric", 0, 17, 12, 6, "Database CPU % (left), connections (right)"),
        ("metric", 12, 17, 12, 6, "Database free storage bytes (left), replica lag s (right)"),
    ]
    stack, monitoring = main["stack"], main["monitoring"]
    alarms = [*monitoring.alarms.values(), *main["reused"]]
    assert _widgets(main)[1]["properties"]["alarms"] == [_id(stack, a) for a in alarms]
    assert {w["properties"].get("region") for w in _widgets(main)[2:]} == {"us-east-2"}


def test_a_region_with_fewer_graphs(replica: dict[str, Any]) -> None:
    assert _layout(replica) == [
        ("text", 0, 0, 24, 2, "# Replica\nRegion **us-west-2**"),
        ("alarm", 0, 2, 24, 3, "Alarms"),
        ("metric", 0, 5, 12, 6, "Requests (left) and 5xx (right), per 5 min"),
        ("metric", 12, 5, 12, 6, "Target response time p95 / p99 (s)"),
        ("metric", 0, 11, 12, 6, "Database CPU % (left), connections (right)"),
        ("metric", 12, 11, 12, 6, "Database free storage bytes (left), replica lag s (right)"),
    ]
    lag = _widgets(replica)[5]["properties"]["metrics"][1]
    assert lag[:2] == ["AWS/RDS", "ReplicaLag"] and lag[-1]["yAxis"] == "right"


def test_nothing_watched_is_a_title_alone(bare: dict[str, Any]) -> None:
    assert _layout(bare) == [("text", 0, 0, 24, 2, "# Bare\nRegion **us-east-1**")]
    monitoring = bare["monitoring"]
    assert monitoring.alarms == {} and monitoring.reused_alarms == ()
    assert monitoring.watched == ()
    assert monitoring.metrics == RegionalMetrics(region="us-east-1")
    assert [r["Type"] for r in bare["template"]["Resources"].values()].count(
        "AWS::CloudWatch::Alarm"
    ) == 0


def test_the_outputs(main: dict[str, Any], replica: dict[str, Any]) -> None:
    stack, monitoring = main["stack"], main["monitoring"]
    assert main["template"]["Outputs"] == {
        "AlarmTopicArn": {
            "Description": "SNS topic the region's alarms notify",
            "Value": {"Ref": _id(stack, monitoring.alarm_topic.topic)},
        },
        "DashboardName": {
            "Description": "CloudWatch dashboard of the region",
            "Value": {"Ref": _id(stack, monitoring.dashboard)},
        },
    }
    assert monitoring.dashboard.node.path == "Shop/Monitoring/Dashboard"
    outputs = replica["template"]["Outputs"]
    assert sorted(outputs) == ["AlarmTopicArnReplica", "DashboardNameReplica"]
    dashboard = replica["monitoring"].dashboard
    assert (
        replica["template"]["Resources"][_id(replica["stack"], dashboard)]["Properties"][
            "DashboardName"
        ]
        == "shop-replica"
    )


def test_what_is_watched_and_the_metrics(main: dict[str, Any]) -> None:
    monitoring = main["monitoring"]
    assert monitoring.watched == main["watched"]
    assert monitoring.region == "us-east-2"
    metrics = monitoring.metrics
    assert metrics.region == "us-east-2" and metrics.replica_lag is None
    present = {f.name for f in dataclasses.fields(metrics) if getattr(metrics, f.name) is not None}
    assert present == {f.name for f in dataclasses.fields(RegionalMetrics)} - {"replica_lag"}


# ----------------------------------------------------------------------------- the API
def test_the_public_names() -> None:
    namespace: dict[str, object] = {}
    exec("from multiregion_tap.regional_monitoring import *", namespace)
    assert {k: v for k, v in namespace.items() if not k.startswith("__")} == {
        "REGIONAL_MONITORING_APP_SUPPLIED": module.REGIONAL_MONITORING_APP_SUPPLIED,
        "RegionalMetrics": RegionalMetrics,
        "RegionalMonitoring": RegionalMonitoring,
        "RegionalMonitoringProps": RegionalMonitoringProps,
    }


def test_the_app_supplies_the_resources_the_props_the_rest() -> None:
    assert module.REGIONAL_MONITORING_APP_SUPPLIED == (
        "load_balancer",
        "target_groups",
        "service",
        "database",
        "database_is_replica",
        "existing_alarms",
        "existing_topic",
        "dashboard_name",
        "output_suffix",
    )
    params = inspect.signature(RegionalMonitoring.__init__).parameters
    keyword = {n for n, p in params.items() if p.kind is inspect.Parameter.KEYWORD_ONLY}
    fields = {f.name for f in dataclasses.fields(RegionalMonitoringProps)}
    assert keyword == fields | set(module.REGIONAL_MONITORING_APP_SUPPLIED)
    assert not fields & set(module.REGIONAL_MONITORING_APP_SUPPLIED)


def test_the_props_defaults_are_the_constructors() -> None:
    assert dataclasses.asdict(RegionalMonitoringProps()) == {
        "email_addresses": (),
        "https_endpoints": (),
        "http_5xx_threshold": 10,
        "latency_p95_threshold": None,
        "latency_p99_threshold": None,
        "cpu_threshold_percent": 80,
        "memory_threshold_percent": 80,
        "database_cpu_threshold_percent": 80,
        "database_free_storage_threshold_gib": 5,
        "database_connections_threshold": 100,
        "replica_lag_threshold": None,
        "notify_on_ok": True,
        "key_removal_policy": None,
    }
    params = inspect.signature(RegionalMonitoring.__init__).parameters
    for field in dataclasses.fields(RegionalMonitoringProps):
        assert params[field.name].default == field.default, field.name
    assert params["database_is_replica"].default is False


def test_the_dataclasses_are_frozen_and_the_props_keyword_only() -> None:
    props = RegionalMonitoringProps()
    with pytest.raises(dataclasses.FrozenInstanceError):
        props.http_5xx_threshold = 5  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        RegionalMetrics(region="us-east-1").region = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        RegionalMonitoringProps(("ops@example.com",))  # type: ignore[misc]


# ----------------------------------------------------------------------------- refusals
def _build(region: str = "us-east-2", **props: Any) -> RegionalMonitoring:
    stack = cdk.Stack(cdk.App(), "S", env=_env(region))
    return RegionalMonitoring(stack, "M", **props)


def test_the_ends_of_every_range_are_accepted() -> None:
    low = _build(
        http_5xx_threshold=1,
        latency_p95_threshold=cdk.Duration.millis(1),
        latency_p99_threshold=cdk.Duration.millis(1),
        cpu_threshold_percent=1,
        memory_threshold_percent=1,
        database_cpu_threshold_percent=1,
        database_free_storage_threshold_gib=0.1,
        database_connections_threshold=1,
        replica_lag_threshold=cdk.Duration.seconds(300),
    )
    high = _build(
        http_5xx_threshold=1_000_000,
        latency_p95_threshold=cdk.Duration.seconds(3600),
        latency_p99_threshold=cdk.Duration.seconds(3600),
        cpu_threshold_percent=100,
        memory_threshold_percent=100,
        database_cpu_threshold_percent=100,
        database_free_storage_threshold_gib=65536,
        database_connections_threshold=100_000,
        replica_lag_threshold=cdk.Duration.seconds(86_400),
    )
    assert low.alarms == high.alarms == {}


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"email_addresses": ["nope"]}, "email_addresses[0] must be an e-mail address"),
        ({"https_endpoints": ["http://x.example.com"]}, "https_endpoints[0] must "),
        ({"http_5xx_threshold": 0}, "http_5xx_threshold must be between 1 and 1000000, got 0"),
        (
            {"http_5xx_threshold": 1_000_001},
            "http_5xx_threshold must be between 1 and 1000000, got 1000001",
        ),
        (
            {"latency_p95_threshold": cdk.Duration.seconds(3601)},
            "latency_p95_threshold must be between 0.001 and 3600 seconds",
        ),
        (
            {"latency_p99_threshold": cdk.Duration.seconds(3601)},
            "latency_p99_threshold must be between 0.001 and 3600 seconds",
        ),
        ({"cpu_threshold_percent": 101}, "cpu_threshold_percent must be between 1 and 100, got"),
        ({"cpu_threshold_percent": 0}, "cpu_threshold_percent must be between 1 and 100, got"),
        (
            {"memory_threshold_percent": 101},
            "memory_threshold_percent must be between 1 and 100, got",
        ),
        (
            {"database_cpu_threshold_percent": 101},
            "database_cpu_threshold_percent must be between 1 and 100, got",
        ),
        (
            {"database_free_storage_threshold_gib": 65537},
            "database_free_storage_threshold_gib must be between 0.1 and 65536, got",
        ),
        (
            {"database_connections_threshold": 100_001},
            "database_connections_threshold must be between 1 and 100000, got",
        ),
        (
            {"replica_lag_threshold": cdk.Duration.seconds(299)},
            "replica_lag_threshold must be between 300 and 86400 seconds",
        ),
        (
            {"replica_lag_threshold": cdk.Duration.seconds(86_401)},
            "replica_lag_threshold must be between 300 and 86400 seconds",
        ),
        ({"dashboard_name": "no spaces"}, "dashboard_name must be 1 to 255 letters"),
        (
            {"database_is_replica": True},
            "database_is_replica must be False when no database is given, got True",
        ),
        ({"target_groups": "Blue"}, "target_groups/existing_alarms must be lists, got 'a string'"),
        ({"existing_alarms": "Deploy"}, "target_groups/existing_alarms must be lists, got"),
    ],
    ids=lambda value: next(iter(value)) if isinstance(value, dict) else "",
)
def test_each_refusal_names_the_prop_and_the_bounds(props: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        _build(**props)
    assert raised.value.message.startswith(message), raised.value.message


def test_an_imported_alarm_or_one_of_another_region_is_refused() -> None:
    stack = cdk.Stack(cdk.App(), "S", env=_env("us-east-2"))
    imported = cloudwatch.Alarm.from_alarm_arn(
        stack, "Imported", "arn:aws:cloudwatch:us-east-2:123456789012:alarm:deploy"
    )
    with pytest.raises(ValidationError) as raised:
        RegionalMonitoring(stack, "M", existing_alarms=[imported])  # type: ignore[list-item]
    assert raised.value.message.startswith(
        "existing_alarms[0] must be an Alarm or CompositeAlarm defined in this app (an imported "
        "alarm cannot get actions), got "
    )
    other = cdk.Stack(stack.node.scope, "Other", env=_env("us-west-2"))  # type: ignore[arg-type]
    far = cloudwatch.Alarm(
        other,
        "Far",
        metric=cloudwatch.Metric(namespace="Test", metric_name="Errors"),
        threshold=1,
        evaluation_periods=1,
    )
    with pytest.raises(ValidationError) as raised:
        RegionalMonitoring(stack, "N", existing_alarms=[far])
    assert raised.value.message == (
        "existing_alarms[0] must be in this construct's region 'us-east-2' (an alarm can only "
        "notify a topic of its own region), not 'us-west-2', got 'Other/Far'"
    )


def test_the_replica_lag_threshold_is_ten_minutes_by_default() -> None:
    stack = cdk.Stack(cdk.App(), "S", env=_env("us-east-2"))
    monitoring = RegionalMonitoring(
        stack, "M", database=_imported_db(stack), database_is_replica=True
    )
    lag = monitoring.alarms["ReplicaLag"].node.default_child
    assert isinstance(lag, cloudwatch.CfnAlarm) and lag.threshold == 600
