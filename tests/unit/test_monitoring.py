"""Monitoring: encrypted SSL-only alarm topics, alarms that all notify them, dashboards."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_route53 as route53
from aws_cdk.assertions import Match, Template

from multiregion_tap import MultiRegionApp, OutputNames, ValidationError
from multiregion_tap.monitoring import (
    HealthCheckAlarms,
    OverviewDashboard,
    RegionalMonitoring,
)
from tests.support.failover_app import Built, two_regions
from tests.support.lint import cfn_lint_findings
from tests.support.templates import normalize

PRIMARY = "shop-us-east-1"
SECONDARY = "shop-us-east-2"
ALARM = "AWS::CloudWatch::Alarm"


@pytest.fixture(scope="module")
def two() -> Built:
    return two_regions()


def _topic_id(template: Template) -> str:
    topics = template.find_resources("AWS::SNS::Topic")
    assert len(topics) == 1, topics
    return next(iter(topics))


def _alarm(template: Template, logical_prefix: str) -> dict[str, Any]:
    found = {
        k: v for k, v in template.find_resources(ALARM).items() if k.startswith(logical_prefix)
    }
    assert len(found) == 1, (logical_prefix, list(found))
    props: dict[str, Any] = next(iter(found.values()))["Properties"]
    return props


def _body(template: Template, logical_prefix: str) -> str:
    """A dashboard body with its tokens as JSON text, to search for references."""
    found = {
        k: v
        for k, v in template.find_resources("AWS::CloudWatch::Dashboard").items()
        if k.startswith(logical_prefix)
    }
    assert len(found) == 1, found
    return json.dumps(next(iter(found.values()))["Properties"]["DashboardBody"])


# ----------------------------------------------------------------------------- topic
@pytest.mark.parametrize("stack_name", [PRIMARY, SECONDARY, "shop-dns"])
def test_topic_is_kms_encrypted_ssl_only_and_publishable_by_cloudwatch(
    two: Built, stack_name: str
) -> None:
    template = two.templates[stack_name]
    topic = _topic_id(template)
    keys = template.find_resources("AWS::KMS::Key")
    assert len(keys) == 1
    key_id, key = next(iter(keys.items()))
    assert key["DeletionPolicy"] == "Retain"
    assert key["Properties"]["EnableKeyRotation"] is True
    template.has_resource_properties(
        "AWS::SNS::Topic", {"KmsMasterKeyId": {"Fn::GetAtt": [key_id, "Arn"]}}
    )
    template.has_resource_properties(
        "AWS::KMS::Key",
        {
            "KeyPolicy": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                            }
                        )
                    ]
                )
            }
        },
    )
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "Topics": [{"Ref": topic}],
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Effect": "Deny",
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                                "Resource": {"Ref": topic},
                            }
                        ),
                        Match.object_like(
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                                "Action": "sns:Publish",
                                "Condition": Match.object_like(
                                    {
                                        "StringEquals": {
                                            "aws:SourceAccount": {"Ref": "AWS::AccountId"}
                                        }
                                    }
                                ),
                            }
                        ),
                    ]
                )
            },
        },
    )
    assert template.to_json()["Outputs"][OutputNames.ALARM_TOPIC_ARN]["Value"] == {"Ref": topic}


def test_subscriptions(two: Built) -> None:
    template = two.templates[PRIMARY]
    topic = _topic_id(template)
    template.has_resource_properties(
        "AWS::SNS::Subscription",
        {"Protocol": "email", "Endpoint": "ops@example.com", "TopicArn": {"Ref": topic}},
    )
    template.has_resource_properties(
        "AWS::SNS::Subscription",
        {
            "Protocol": "https",
            "Endpoint": "https://hooks.example.com/alarms",
            "TopicArn": {"Ref": topic},
        },
    )


# ----------------------------------------------------------------------------- alarms
@pytest.mark.parametrize("stack_name", [PRIMARY, SECONDARY, "shop-dns"])
def test_every_alarm_notifies_the_topic_on_alarm_and_ok(two: Built, stack_name: str) -> None:
    template = two.templates[stack_name]
    topic = _topic_id(template)
    alarms = template.find_resources(ALARM)
    assert alarms
    for logical_id, alarm in alarms.items():
        assert {"Ref": topic} in alarm["Properties"].get("AlarmActions", []), logical_id
        assert {"Ref": topic} in alarm["Properties"].get("OKActions", []), logical_id


def test_alarm_sets_per_region(two: Built) -> None:
    common = {
        "Elb5xx", "Target5xx", "LatencyP95", "LatencyP99", "UnhealthyHostsBlue",
        "UnhealthyHostsGreen", "ServiceCpu", "ServiceMemory", "RunningTasksBelowDesired",
        "DatabaseCpu", "DatabaseFreeStorage", "DatabaseConnections",
    }  # fmt: skip
    assert set(two.monitoring["us-east-1"].alarms) == common
    assert set(two.monitoring["us-east-2"].alarms) == common | {"ReplicaLag"}
    # Created alarms plus the one reused rollback alarm, nothing duplicated.
    two.templates[PRIMARY].resource_count_is(ALARM, len(common) + 1)
    two.templates[SECONDARY].resource_count_is(ALARM, len(common) + 2)


def test_rollback_alarm_is_reused_not_duplicated(two: Built) -> None:
    for stack_name in (PRIMARY, SECONDARY):
        template = two.templates[stack_name]
        rollback = template.find_resources(
            ALARM, {"Properties": {"AlarmName": f"{stack_name}-rollback"}}
        )
        assert len(rollback) == 1
        props = next(iter(rollback.values()))["Properties"]
        assert props["AlarmActions"] == [{"Ref": _topic_id(template)}]
        # The rollback alarm watches green target 5xx; no other alarm watches the same thing.
        green = [
            k
            for k, v in template.find_resources(ALARM).items()
            if v["Properties"].get("MetricName") == "HTTPCode_Target_5XX_Count"
            and "TargetGroup" in json.dumps(v["Properties"].get("Dimensions"))
        ]
        assert green == list(rollback)


def test_load_balancer_and_target_group_alarms(two: Built) -> None:
    template = two.templates[PRIMARY]
    alb = next(iter(template.find_resources("AWS::ElasticLoadBalancingV2::LoadBalancer")))
    lb_dimension = [
        {"Name": "LoadBalancer", "Value": {"Fn::GetAtt": [alb, "LoadBalancerFullName"]}}
    ]
    elb = _alarm(template, "MonitoringElb5xx")
    assert elb["MetricName"] == "HTTPCode_ELB_5XX_Count" and elb["Statistic"] == "Sum"
    assert elb["Dimensions"] == lb_dimension and elb["Threshold"] == 10 and elb["Period"] == 300
    target = _alarm(template, "MonitoringTarget5xx")
    assert (
        target["MetricName"] == "HTTPCode_Target_5XX_Count" and target["Dimensions"] == lb_dimension
    )
    for name, stat, threshold in (
        ("MonitoringLatencyP95", "p95", 1),
        ("MonitoringLatencyP99", "p99", 3),
    ):
        latency = _alarm(template, name)
        assert latency["MetricName"] == "TargetResponseTime"
        assert latency["ExtendedStatistic"] == stat and latency["Threshold"] == threshold
    for group in ("Blue", "Green"):
        unhealthy = _alarm(template, f"MonitoringUnhealthyHosts{group}")
        assert unhealthy["MetricName"] == "UnHealthyHostCount"
        assert unhealthy["Statistic"] == "Maximum"
        assert unhealthy["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert unhealthy["Threshold"] == 1 and unhealthy["EvaluationPeriods"] == 3
        tg_logical = next(
            k
            for k in template.find_resources("AWS::ElasticLoadBalancingV2::TargetGroup")
            if k.startswith(group)
        )
        assert {
            "Name": "TargetGroup",
            "Value": {"Fn::GetAtt": [tg_logical, "TargetGroupFullName"]},
        } in unhealthy["Dimensions"]


def test_service_alarms(two: Built) -> None:
    template = two.templates[PRIMARY]
    service = next(iter(template.find_resources("AWS::ECS::Service")))
    for name, metric in (
        ("MonitoringServiceCpu", "CPUUtilization"),
        ("MonitoringServiceMemory", "MemoryUtilization"),
    ):
        props = _alarm(template, name)
        assert props["Namespace"] == "AWS/ECS" and props["MetricName"] == metric
        assert props["Threshold"] == 80
        assert {"Name": "ServiceName", "Value": {"Fn::GetAtt": [service, "Name"]}} in props[
            "Dimensions"
        ]
    tasks = _alarm(template, "MonitoringRunningTasksBelowDesired")
    assert tasks["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert tasks["Threshold"] == 1 and tasks["EvaluationPeriods"] == 5
    expressions = [m for m in tasks["Metrics"] if "Expression" in m]
    assert [e["Expression"] for e in expressions] == ["desired - running"]
    names = {m["MetricStat"]["Metric"]["MetricName"] for m in tasks["Metrics"] if "MetricStat" in m}
    assert names == {"RunningTaskCount", "DesiredTaskCount"}
    assert {
        m["MetricStat"]["Metric"]["Namespace"] for m in tasks["Metrics"] if "MetricStat" in m
    } == {"ECS/ContainerInsights"}


def test_database_alarms_and_replica_lag_window(two: Built) -> None:
    primary = two.templates[PRIMARY]
    db = next(iter(primary.find_resources("AWS::RDS::DBInstance")))
    dimension = [{"Name": "DBInstanceIdentifier", "Value": {"Ref": db}}]
    cpu = _alarm(primary, "MonitoringDatabaseCpu")
    assert cpu["MetricName"] == "CPUUtilization" and cpu["Dimensions"] == dimension
    storage = _alarm(primary, "MonitoringDatabaseFreeStorage")
    assert storage["MetricName"] == "FreeStorageSpace"
    assert storage["ComparisonOperator"] == "LessThanThreshold"
    assert storage["Threshold"] == 5 * 1024**3
    connections = _alarm(primary, "MonitoringDatabaseConnections")
    assert connections["MetricName"] == "DatabaseConnections" and connections["Threshold"] == 100
    assert not [k for k in primary.find_resources(ALARM) if "ReplicaLag" in k]

    secondary = two.templates[SECONDARY]
    replica = next(iter(secondary.find_resources("AWS::RDS::DBInstance")))
    lag = _alarm(secondary, "MonitoringReplicaLag")
    assert lag["MetricName"] == "ReplicaLag"
    assert lag["Dimensions"] == [{"Name": "DBInstanceIdentifier", "Value": {"Ref": replica}}]
    # Does not flap on an idle PostgreSQL primary (~5 min saw-tooth): the minimum of 5-minute
    # periods must stay above 10 minutes for 15 minutes.
    assert lag["Statistic"] == "Minimum" and lag["Period"] == 300
    assert lag["EvaluationPeriods"] == 3 and lag["DatapointsToAlarm"] == 3
    assert lag["Threshold"] == 600 and lag["Threshold"] > 300


def test_health_check_alarms_live_in_us_east_1_and_watch_each_check(two: Built) -> None:
    assert two.app.helper_stacks["dns"].region == "us-east-1"
    template = two.templates["shop-dns"]
    template.resource_count_is(ALARM, 2)
    checks = template.find_resources("AWS::Route53::HealthCheck")
    for logical_id in checks:
        template.has_resource_properties(
            ALARM,
            {
                "Namespace": "AWS/Route53",
                "MetricName": "HealthCheckStatus",
                "Dimensions": [{"Name": "HealthCheckId", "Value": {"Ref": logical_id}}],
                "Statistic": "Minimum",
                "ComparisonOperator": "LessThanThreshold",
                "Threshold": 1,
            },
        )
    assert set(two.health_check_alarms.alarms) == {"us-east-1", "us-east-2"}  # type: ignore[union-attr]


# ----------------------------------------------------------------------------- dashboards
@pytest.mark.parametrize(
    ("stack_name", "region"), [(PRIMARY, "us-east-1"), (SECONDARY, "us-east-2")]
)
def test_regional_dashboard_shows_its_regions_resources(
    two: Built, stack_name: str, region: str
) -> None:
    template = two.templates[stack_name]
    body = _body(template, "MonitoringDashboard")
    alb = next(iter(template.find_resources("AWS::ElasticLoadBalancingV2::LoadBalancer")))
    db = next(iter(template.find_resources("AWS::RDS::DBInstance")))
    assert json.dumps({"Fn::GetAtt": [alb, "LoadBalancerFullName"]}) in body
    assert json.dumps({"Ref": db}) in body
    assert f'\\"region\\":\\"{region}\\"' in body
    # The alarm status widget lists every alarm of the region, the reused rollback alarm too.
    assert '\\"type\\":\\"alarm\\"' in body
    for alarm in template.find_resources(ALARM):
        assert json.dumps({"Fn::GetAtt": [alarm, "Arn"]}) in body, alarm
    dashboard = next(iter(template.find_resources("AWS::CloudWatch::Dashboard")))
    assert template.to_json()["Outputs"][OutputNames.DASHBOARD_NAME]["Value"] == {"Ref": dashboard}


def test_overview_dashboard_shows_every_region_side_by_side(two: Built) -> None:
    assert two.app.helper_stacks["monitoring"].region == "us-east-1"
    template = two.templates["shop-monitoring"]
    body = _body(template, "OverviewDashboard")
    for stack_name, region in ((PRIMARY, "us-east-1"), (SECONDARY, "us-east-2")):
        assert json.dumps({"StackName": stack_name, "Region": region})[1:-1] in body
        assert f"{region}: Requests" in body and f"{region}: ECS tasks running" in body
    assert "Route 53 health check status" in body and "HealthCheckStatus" in body
    # The first graph row: us-east-1 at x=0, us-east-2 at x=12, same y.
    for x, region in ((0, "us-east-1"), (12, "us-east-2")):
        cell = f'\\"x\\":{x},\\"y\\":2,\\"properties\\":{{\\"view\\":\\"timeSeries\\",'
        assert cell + f'\\"title\\":\\"{region}: Requests' in body
    assert f"{OutputNames.DASHBOARD_NAME}Overview" in template.to_json()["Outputs"]
    # In its own stack, after every regional stack: no cycle with the replica's dependency.
    waves = two.app.deploy_waves()
    assert "shop-monitoring" in waves[-1]
    assert all("shop-monitoring" not in wave for wave in waves[:-1])
    assert {PRIMARY, SECONDARY}.isdisjoint(waves[-1])


def test_monitoring_is_nag_clean(two: Built) -> None:
    assert two.nag is not None
    assert two.nag.findings_under(
        "shop-us-east-1/Monitoring", "shop-us-east-2/Monitoring", "shop-dns/HealthCheckAlarms",
        "shop-dns/FailoverDns", "shop-monitoring/Overview",
    ) == {}  # fmt: skip


def test_cfn_lint_clean(two: Built) -> None:
    """Every stack of the two-region app (regional, dns and overview) passes cfn-lint."""
    assert two.nag is not None
    paths = [str(path) for path in two.nag.template_paths.values()]
    assert len(paths) == 4
    assert cfn_lint_findings(paths) == ""


def test_monitoring_snapshot(two: Built, snapshot_json) -> None:  # type: ignore[no-untyped-def]
    """The monitoring resources of the secondary region (the stand-in service and database
    are left out) and the overview stack."""
    secondary = normalize(two.templates[SECONDARY].to_json())
    secondary["Resources"] = {
        k: v for k, v in secondary["Resources"].items() if k.startswith("Monitoring")
    }
    secondary.pop("Outputs", None)
    overview = normalize(two.templates["shop-monitoring"].to_json())
    assert {"secondary": secondary, "overview": overview} == snapshot_json


# ----------------------------------------------------------------------------- props
# ----------------------------------------------------------------------------- bad input
@pytest.fixture(scope="module")
def scratch() -> dict[str, Any]:
    """Resources to build monitoring constructs from (never synthesized)."""
    shop = MultiRegionApp(cdk.App(), "Shop", app_name="shop", service=False)
    stack = shop.stack_for("us-east-2")
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
    alb = elbv2.ApplicationLoadBalancer(stack, "Alb", vpc=vpc)
    check = route53.HealthCheck(
        stack, "Check", type=route53.HealthCheckType.HTTP, fqdn="example.com"
    )
    alarm_elsewhere = cloudwatch.Alarm(
        shop.primary_stack, "Elsewhere",
        metric=cloudwatch.Metric(namespace="X", metric_name="Y"), threshold=1, evaluation_periods=1,
    )  # fmt: skip
    return {"shop": shop, "stack": stack, "alb": alb, "check": check, "elsewhere": alarm_elsewhere}


_ids = iter(range(10_000))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"email_addresses": ["ops-at-example.com"]},
            r"email_addresses\[0\] must be an e-mail address .*got 'ops-at-example.com'",
        ),
        (
            {"email_addresses": "ops@example.com"},
            r"email_addresses must be a list of strings, got 'ops@example.com'",
        ),
        (
            {"https_endpoints": ["http://hooks.example.com"]},
            r"https_endpoints\[0\] must be an https:// URL.*got 'http://hooks.example.com'",
        ),
        (
            {"replica_lag_threshold": cdk.Duration.seconds(120)},
            r"replica_lag_threshold must be between 300 and 86400 seconds, got '2 minutes'",
        ),
        (
            {"cpu_threshold_percent": 120},
            r"cpu_threshold_percent must be between 1 and 100, got 120",
        ),
        ({"http_5xx_threshold": 0}, r"http_5xx_threshold must be between 1 and 1000000, got 0"),
        (
            {"latency_p99_threshold": cdk.Duration.hours(2)},
            r"latency_p99_threshold must be between 0.001 and 3600 seconds, got '2 hours'",
        ),
        (
            {"database_is_replica": True},
            r"database_is_replica must be False when no database is given, got True",
        ),
        (
            {"dashboard_name": "my dashboard"},
            r"dashboard_name must be 1 to 255 letters, digits, '-' and '_', got 'my dashboard'",
        ),
        (
            {"output_suffix": "x-y"},
            r"output_suffix must be up to 32 ASCII letters and digits \(or empty\), got 'x-y'",
        ),
    ],
)
def test_regional_monitoring_bad_input(
    scratch: dict[str, Any], overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        RegionalMonitoring(
            scratch["stack"], f"M{next(_ids)}", load_balancer=scratch["alb"], **overrides
        )


def test_existing_topic_and_subscriptions_are_exclusive(scratch: dict[str, Any]) -> None:
    from aws_cdk import aws_sns as sns

    topic = sns.Topic.from_topic_arn(
        scratch["stack"], "Imported", "arn:aws:sns:us-east-2:123456789012:alarms"
    )
    with pytest.raises(
        ValidationError, match=r"existing_topic and email_addresses are mutually exclusive"
    ):
        RegionalMonitoring(
            scratch["stack"],
            f"M{next(_ids)}",
            existing_topic=topic,
            email_addresses=["a@example.com"],
        )
    reused = RegionalMonitoring(scratch["stack"], f"M{next(_ids)}", existing_topic=topic)
    assert reused.topic is topic and reused.alarm_topic is None


def test_existing_alarms_must_be_defined_here_and_in_this_region(scratch: dict[str, Any]) -> None:
    imported = cloudwatch.Alarm.from_alarm_arn(
        scratch["stack"], "ImportedAlarm", "arn:aws:cloudwatch:us-east-2:123456789012:alarm:x"
    )
    with pytest.raises(
        ValidationError,
        match=r"existing_alarms\[0\] must be an Alarm or CompositeAlarm defined in this app",
    ):
        RegionalMonitoring(scratch["stack"], f"M{next(_ids)}", existing_alarms=[imported])
    with pytest.raises(
        ValidationError,
        match=r"existing_alarms\[0\] must be in this construct's region 'us-east-2'"
        r".*'shop-us-east-1/Elsewhere'",
    ):
        RegionalMonitoring(
            scratch["stack"], f"M{next(_ids)}", existing_alarms=[scratch["elsewhere"]]
        )


def test_health_check_alarms_outside_us_east_1_are_rejected(scratch: dict[str, Any]) -> None:
    with pytest.raises(
        ValidationError,
        match=r"scope must be in a stack in us-east-1: Route 53 publishes health-check metrics "
        r"only there.*got 'shop-us-east-2 in us-east-2'",
    ):
        HealthCheckAlarms(scratch["stack"], "Checks", health_checks={"us-east-2": scratch["check"]})
    with pytest.raises(
        ValidationError,
        match=r"health_checks must map at least one region to its health check, got \{\}",
    ):
        HealthCheckAlarms(scratch["shop"].primary_stack, "Checks", health_checks={})


def test_overview_needs_regional_monitoring(scratch: dict[str, Any]) -> None:
    with pytest.raises(
        ValidationError, match=r"regions must list at least one RegionalMonitoring, got \[\]"
    ):
        OverviewDashboard(scratch["stack"], "Overview", regions=[])
    with pytest.raises(
        ValidationError, match=r"regions\[0\] must be a RegionalMonitoring, got 'x'"
    ):
        OverviewDashboard(scratch["stack"], "Overview", regions=["x"])  # type: ignore[list-item]
