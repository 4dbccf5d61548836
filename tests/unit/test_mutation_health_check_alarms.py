"""health_check_alarms.py on one small synthesized us-east-1 stack (shared by the module): each
alarm's literal metric, threshold and actions as CloudWatch reads them, the output, the props'
defaults and the refusals. Kills the mutants of ``tools/mutate.py`` in a few seconds each (see
docs/guides/testing.md)."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Template

from multiregion_tap import HealthCheckAlarms, HealthCheckAlarmsProps, ValidationError
from multiregion_tap import health_check_alarms as module

EAST1 = cdk.Environment(account="123456789012", region="us-east-1")


def _checks(stack: cdk.Stack, *regions: str) -> dict[str, route53.IHealthCheck]:
    return {
        region: route53.HealthCheck(
            stack,
            f"Check-{region}",
            type=route53.HealthCheckType.HTTPS,
            fqdn=f"{region}.example.com",
        )
        for region in regions
    }


@pytest.fixture(scope="module")
def built() -> dict[str, Any]:
    app = cdk.App()
    created = cdk.Stack(app, "Created", env=EAST1)
    alarms = HealthCheckAlarms(
        created,
        "Alarms",
        health_checks=_checks(created, "us-east-1", "us-east-2"),
        email_addresses=["ops@example.com"],
        output_suffix="Dns",
    )
    quiet_stack = cdk.Stack(app, "Quiet", env=EAST1)
    topic = sns.Topic(quiet_stack, "Given")
    quiet = HealthCheckAlarms(
        quiet_stack,
        "Alarms",
        health_checks=_checks(quiet_stack, "eu-west-1"),
        existing_topic=topic,
        notify_on_ok=False,
    )
    return {
        "alarms": alarms,
        "quiet": quiet,
        "topic": topic,
        "created": Template.from_stack(created),
        "quiet_template": Template.from_stack(quiet_stack),
    }


def _alarm(template: Template, region: str) -> dict[str, Any]:
    found = {
        k: v
        for k, v in template.find_resources("AWS::CloudWatch::Alarm").items()
        if k.startswith(f"AlarmsHealthCheck{region.replace('-', '')}")
    }
    assert len(found) == 1, list(template.find_resources("AWS::CloudWatch::Alarm"))
    props: dict[str, Any] = next(iter(found.values()))["Properties"]
    return props


def _ref(template: Template, kind: str, prefix: str) -> dict[str, str]:
    (logical_id,) = [k for k in template.find_resources(kind) if k.startswith(prefix)]
    return {"Ref": logical_id}


@pytest.mark.parametrize("region", ["us-east-1", "us-east-2"])
def test_an_alarm_per_region_on_route53_s_health_check_status(
    built: dict[str, Any], region: str
) -> None:
    template: Template = built["created"]
    topic = _ref(template, "AWS::SNS::Topic", "AlarmsAlarmTopic")
    check = _ref(template, "AWS::Route53::HealthCheck", f"Check{region.replace('-', '')}")
    assert _alarm(template, region) == {
        "Namespace": "AWS/Route53",
        "MetricName": "HealthCheckStatus",
        "Dimensions": [{"Name": "HealthCheckId", "Value": check}],
        "Statistic": "Minimum",
        "Period": 60,
        "Threshold": 1,
        "EvaluationPeriods": 1,
        "ComparisonOperator": "LessThanThreshold",
        "TreatMissingData": "notBreaching",
        "AlarmDescription": f"Route 53 health check of {region} is failing: DNS fails over "
        f"away from {region}",
        "AlarmActions": [topic],
        "OKActions": [topic],
    }


def test_the_topic_output_and_the_accessors(built: dict[str, Any]) -> None:
    template: Template = built["created"]
    outputs = template.find_outputs("AlarmTopicArnDns")
    assert outputs == {
        "AlarmTopicArnDns": {
            "Description": "SNS topic the Route 53 health-check alarms notify",
            "Value": _ref(template, "AWS::SNS::Topic", "AlarmsAlarmTopic"),
        }
    }
    alarms: HealthCheckAlarms = built["alarms"]
    assert sorted(alarms.alarms) == ["us-east-1", "us-east-2"]
    assert alarms.alarm_topic is not None and alarms.topic is alarms.alarm_topic.topic
    subs = template.find_resources("AWS::SNS::Subscription")
    assert [s["Properties"]["Endpoint"] for s in subs.values()] == ["ops@example.com"]


def test_an_existing_topic_and_no_ok_notification(built: dict[str, Any]) -> None:
    template: Template = built["quiet_template"]
    props = _alarm(template, "eu-west-1")
    assert props["AlarmActions"] == [_ref(template, "AWS::SNS::Topic", "Given")]
    assert "OKActions" not in props
    quiet: HealthCheckAlarms = built["quiet"]
    assert (quiet.alarm_topic, quiet.topic) == (None, built["topic"])
    assert template.find_resources("AWS::KMS::Key") == {}
    assert list(template.find_outputs("*")) == ["AlarmTopicArn"]


def test_props_defaults_and_the_app_supplied_props() -> None:
    props = HealthCheckAlarmsProps()
    assert (props.email_addresses, props.https_endpoints) == ((), ())
    assert (props.notify_on_ok, props.key_removal_policy) == (True, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        props.notify_on_ok = False  # type: ignore[misc]
    with pytest.raises(TypeError):
        HealthCheckAlarmsProps(("a@b.co",))  # type: ignore[misc]
    assert module.HEALTH_CHECK_ALARMS_APP_SUPPLIED == (
        "health_checks",
        "existing_topic",
        "output_suffix",
    )
    namespace: dict[str, object] = {}
    exec("from multiregion_tap.health_check_alarms import *", namespace)
    assert {k for k in namespace if not k.startswith("__")} == {
        "HEALTH_CHECK_ALARMS_APP_SUPPLIED",
        "HealthCheckAlarms",
        "HealthCheckAlarmsProps",
    }


def _raises(message: str) -> pytest.RaisesContext[ValidationError]:
    return pytest.raises(ValidationError, match="^" + re.escape(message))


def test_refusals() -> None:
    app = cdk.App()
    east1 = cdk.Stack(app, "E1", env=EAST1)
    checks = _checks(east1, "us-east-1")
    with _raises("health_checks must map at least one region to its health check, got {}"):
        HealthCheckAlarms(east1, "A", health_checks={})
    with _raises("health_checks must map at least one region to its health check, got ["):
        HealthCheckAlarms(east1, "B", health_checks=list(checks.values()))  # type: ignore[arg-type]
    west = cdk.Stack(app, "W2", env=cdk.Environment(region="us-west-2"))
    with _raises(
        "scope must be in a stack in us-east-1: Route 53 publishes health-check metrics only "
        "there, and an alarm can only watch metrics of its own region, got 'W2 in us-west-2'"
    ):
        HealthCheckAlarms(west, "C", health_checks=checks)
    agnostic = cdk.Stack(app, "Anywhere")
    with _raises(
        "scope must be in a stack with a literal region (us-east-1), where Route 53 publishes "
        "health-check metrics, got 'Anywhere'"
    ):
        HealthCheckAlarms(agnostic, "D", health_checks=checks)
    with _raises("output_suffix must be up to 32 ASCII letters and digits"):
        HealthCheckAlarms(east1, "E", health_checks=checks, output_suffix="-")
    with _raises("email_addresses[0] must be an e-mail address"):
        HealthCheckAlarms(east1, "F", health_checks=checks, email_addresses=["x"])
    with _raises("https_endpoints[0] must be an https:// URL"):
        HealthCheckAlarms(east1, "G", health_checks=checks, https_endpoints=["x"])
    with _raises("existing_topic and email_addresses are mutually exclusive"):
        HealthCheckAlarms(
            east1,
            "H",
            health_checks=checks,
            existing_topic=sns.Topic(east1, "T"),
            email_addresses=["ops@example.com"],
        )
    with _raises("existing_topic and https_endpoints are mutually exclusive"):
        HealthCheckAlarms(
            east1,
            "I",
            health_checks=checks,
            existing_topic=sns.Topic(east1, "T2"),
            https_endpoints=["https://x.example.com"],
        )


def test_another_partition_s_region_is_not_refused() -> None:
    china = cdk.Stack(cdk.App(), "Cn", env=cdk.Environment(region="cn-north-1"))
    alarms = HealthCheckAlarms(china, "A", health_checks=_checks(china, "cn-north-1"))
    assert list(alarms.alarms) == ["cn-north-1"]
