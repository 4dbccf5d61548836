"""HealthCheckAlarms: an alarm per Route 53 health check, in ``us-east-1``.

Part of the monitoring constructs (see :mod:`multiregion_tap.monitoring`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_sns as sns
from constructs import Construct

from ._private.monitoring_checks import require_emails, require_https_urls
from ._private.monitoring_shared import health_check_metric, notify, topic_for
from ._private.outputs import add_well_known_output
from ._private.producers import follow
from ._private.validation import (
    fail,
    names_construct_path,
    require_output_suffix,
    route53_metrics_region,
)
from .alarm_topic import AlarmTopic
from .outputs import OutputNames

__all__ = [
    "HEALTH_CHECK_ALARMS_APP_SUPPLIED",
    "HealthCheckAlarms",
    "HealthCheckAlarmsProps",
]

#: Constructor parameters of :class:`HealthCheckAlarms` that MultiRegionApp supplies.
HEALTH_CHECK_ALARMS_APP_SUPPLIED = ("health_checks", "existing_topic", "output_suffix")


@dataclass(frozen=True, kw_only=True)
class HealthCheckAlarmsProps:
    """The props of :class:`HealthCheckAlarms` that MultiRegionApp passes through."""

    email_addresses: Sequence[str] = ()
    https_endpoints: Sequence[str] = ()
    notify_on_ok: bool = True
    key_removal_policy: cdk.RemovalPolicy | None = None


class HealthCheckAlarms(Construct):
    """An alarm per Route 53 health check, notifying an SNS topic in ``us-east-1``.

    Route 53 publishes the ``HealthCheckStatus`` metric (1 healthy, 0 unhealthy) only in
    ``us-east-1``, and an alarm can only watch metrics and notify topics of its own region,
    so this construct must be in a ``us-east-1`` stack (with
    :class:`~multiregion_tap.MultiRegionApp`: ``<app_name>-dns-alarms``)::

        HealthCheckAlarms(dns_stack, "HealthCheckAlarms", health_checks=dns.health_checks,
                          email_addresses=["ops@example.com"])

    An alarm (construct id ``HealthCheck-<region>``) fires when the minimum status of a
    minute is 0: the region has failed ``failure_threshold`` consecutive checks and DNS is
    moving (or has moved) away from it.

    Outputs: ``AlarmTopicArn`` (with ``output_suffix``).

    :param scope: The parent construct, in a ``us-east-1`` stack (other partitions: the
        region where Route 53 publishes its metrics).
    :param id: The construct id.
    :param health_checks: The health check of each region, by region name (for example
        ``FailoverDns.health_checks``); at least one.
    :param existing_topic: A topic in this stack's region to notify; exclusive with the
        subscriptions. Default: - an :class:`AlarmTopic` (construct id ``AlarmTopic``).
    :param email_addresses: E-mail addresses to subscribe to the created topic. Default: - none.
    :param https_endpoints: ``https://`` URLs to subscribe to the created topic. Default: - none.
    :param notify_on_ok: Also notify when a region is healthy again. Default: ``True``
    :param key_removal_policy: What happens to the alarm topic's KMS key (when this construct
        creates the topic) on stack deletion. Default: - ``RETAIN``
    :param output_suffix: Suffix of the ``AlarmTopicArn`` output. Default: ``""``
    """

    @names_construct_path
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        health_checks: Mapping[str, route53.IHealthCheck],
        existing_topic: sns.ITopic | None = None,
        email_addresses: Sequence[str] = (),
        https_endpoints: Sequence[str] = (),
        notify_on_ok: bool = True,
        key_removal_policy: cdk.RemovalPolicy | None = None,
        output_suffix: str = "",
    ) -> None:
        emails = require_emails("email_addresses", email_addresses)
        urls = require_https_urls("https_endpoints", https_endpoints)
        require_output_suffix(output_suffix)
        if not isinstance(health_checks, Mapping) or not health_checks:
            raise fail(
                "health_checks", health_checks, "map at least one region to its health check"
            )
        stack_region = cdk.Stack.of(scope).region
        if cdk.Token.is_unresolved(stack_region):
            raise fail(
                "scope",
                scope.node.path,
                "be in a stack with a literal region (us-east-1), where Route 53 publishes "
                "health-check metrics",
            )
        wanted = route53_metrics_region(stack_region)
        if wanted is not None and stack_region != wanted:
            raise fail(
                "scope",
                f"{scope.node.path} in {stack_region}",
                f"be in a stack in {wanted}: Route 53 publishes health-check metrics only "
                f"there, and an alarm can only watch metrics of its own region",
            )
        super().__init__(scope, id)
        self._topic, self._alarm_topic = topic_for(
            self, existing_topic, emails, urls, key_removal_policy
        )
        self._alarms: dict[str, cloudwatch.Alarm] = {}
        for region, check in health_checks.items():
            metric = health_check_metric(check, None)
            alarm = cloudwatch.Alarm(
                self,
                f"HealthCheck-{region}",
                metric=metric,
                threshold=1,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                alarm_description=(
                    f"Route 53 health check of {region} is failing: DNS fails over away from "
                    f"{region}"
                ),
            )
            notify(alarm, self._topic, notify_on_ok)
            # A health check of another stack: replacing it (a new id) updates the alarm.
            follow(alarm, [check])
            self._alarms[region] = alarm
        add_well_known_output(
            self,
            OutputNames.ALARM_TOPIC_ARN,
            self._topic.topic_arn,
            description="SNS topic the Route 53 health-check alarms notify",
            suffix=output_suffix,
        )

    @property
    def topic(self) -> sns.ITopic:
        """The SNS topic the alarms notify (given or created)."""
        return self._topic

    @property
    def alarm_topic(self) -> AlarmTopic | None:
        """The :class:`AlarmTopic` this construct created, or ``None`` with ``existing_topic``."""
        return self._alarm_topic

    @property
    def alarms(self) -> Mapping[str, cloudwatch.Alarm]:
        """The alarm of each region's health check, by region (a read-only view)."""
        return dict(self._alarms)
