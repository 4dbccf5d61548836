"""Monitoring: alarm topics, alarms and dashboards per region, and an overview of every region.

Three constructs, one per place they must live:

* :class:`RegionalMonitoring` in every regional stack: an encrypted, SSL-only SNS topic
  (:class:`AlarmTopic`), alarms on the load balancer, the ECS service and the database that all
  notify the topic, the service's own blue/green rollback alarms reused (the topic is added to
  them), and a dashboard of the region.
* :class:`HealthCheckAlarms` in a ``us-east-1`` stack (usually ``<app_name>-dns``): Route 53
  publishes health-check metrics only in ``us-east-1``, and an alarm can only watch metrics and
  notify a topic of its own region.
* :class:`OverviewDashboard` in a helper stack of the primary region (``<app_name>-monitoring``):
  every region side by side. It reads the other regions' resources through weak references,
  so it must not sit in a regional stack (the secondary stacks already depend on the primary
  one; the reverse dependency would be a cycle).
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_rds as rds
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from ._private.app_context import app_of
from ._private.monitoring_checks import (
    require_dashboard_name,
    require_duration_range,
    require_emails,
    require_https_urls,
)
from ._private.outputs import add_well_known_output
from ._private.validation import (
    fail,
    names_construct_path,
    require_exclusive,
    require_int_range,
    require_output_suffix,
    route53_metrics_region,
)
from .outputs import OutputNames

__all__ = [
    "AlarmTopic",
    "HealthCheckAlarms",
    "HealthCheckAlarmsProps",
    "OverviewDashboard",
    "RegionalMetrics",
    "RegionalMonitoring",
    "RegionalMonitoringProps",
]

#: Lowest replica-lag threshold accepted: an idle PostgreSQL primary switches WAL segments only
#: every few minutes, so its replicas report up to ~5 minutes of ReplicaLag while all is well.
MIN_REPLICA_LAG_SECONDS = 300
_GIB = 1024**3
_MINUTE = cdk.Duration.minutes(1)
_FIVE_MINUTES = cdk.Duration.minutes(5)


# ============================================================================ AlarmTopic
class AlarmTopic(Construct):
    """An SNS topic for alarms: SSL-only, KMS-encrypted, publishable by CloudWatch alarms.

    The topic policy denies every request not made over TLS (``enforce_ssl``) and allows the
    CloudWatch service to publish for alarms of this account. The topic is encrypted with a
    customer-managed KMS key (rotation on, retained) whose key policy lets
    ``cloudwatch.amazonaws.com`` use it (``kms:Decrypt``, ``kms:GenerateDataKey*``): an alarm
    cannot publish to a topic encrypted with the AWS-managed SNS key.

    :param scope: The parent construct.
    :param id: The construct id.
    :param email_addresses: E-mail addresses to subscribe (each must confirm the subscription).
        Default: - none.
    :param https_endpoints: ``https://`` URLs to subscribe (the endpoint must confirm).
        Default: - none.
    :param encryption_key: A KMS key for the topic. The CloudWatch statement is added to its
        key policy when the key is defined in this app; for an imported key, add it yourself.
        Default: - a new key with rotation enabled.
    :param key_removal_policy: Removal policy of a key this construct creates.
        Default: - ``RemovalPolicy.RETAIN``
    """

    @names_construct_path
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        email_addresses: Sequence[str] = (),
        https_endpoints: Sequence[str] = (),
        encryption_key: kms.IKey | None = None,
        key_removal_policy: cdk.RemovalPolicy | None = None,
    ) -> None:
        emails = require_emails("email_addresses", email_addresses)
        urls = require_https_urls("https_endpoints", https_endpoints)
        super().__init__(scope, id)
        stack = cdk.Stack.of(self)
        if encryption_key is None:
            key: kms.IKey = kms.Key(
                self,
                "Key",
                description=f"Encrypts the alarm topic {self.node.path}",
                enable_key_rotation=True,
                removal_policy=key_removal_policy or cdk.RemovalPolicy.RETAIN,
            )
        else:
            key = encryption_key
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchAlarmsToUseTheKey",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
            )
        )
        self._key = key
        self._topic = sns.Topic(self, "Topic", master_key=key, enforce_ssl=True)
        self._topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchAlarmsToPublish",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[self._topic.topic_arn],
                conditions={
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    "ArnLike": {
                        "aws:SourceArn": stack.format_arn(
                            service="cloudwatch",
                            resource="alarm",
                            resource_name="*",
                            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                        )
                    },
                },
            )
        )
        for email in emails:
            self._topic.add_subscription(subscriptions.EmailSubscription(email))
        for url in urls:
            self._topic.add_subscription(
                subscriptions.UrlSubscription(url, protocol=sns.SubscriptionProtocol.HTTPS)
            )

    @property
    def topic(self) -> sns.Topic:
        """The SNS topic."""
        return self._topic

    @property
    def key(self) -> kms.IKey:
        """The KMS key that encrypts the topic (given or created)."""
        return self._key


def _topic_for(
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


# ============================================================================ RegionalMonitoring
@dataclass(frozen=True)
class RegionalMetrics:
    """The key metrics of one region, for dashboards (``None`` where the resource is absent).

    Every metric carries the region of its resource, so a dashboard in another region can
    show it.
    """

    region: str
    requests: cloudwatch.IMetric | None = None
    elb_5xx: cloudwatch.IMetric | None = None
    target_5xx: cloudwatch.IMetric | None = None
    latency_p95: cloudwatch.IMetric | None = None
    latency_p99: cloudwatch.IMetric | None = None
    cpu: cloudwatch.IMetric | None = None
    memory: cloudwatch.IMetric | None = None
    running_tasks: cloudwatch.IMetric | None = None
    desired_tasks: cloudwatch.IMetric | None = None
    database_cpu: cloudwatch.IMetric | None = None
    database_connections: cloudwatch.IMetric | None = None
    database_free_storage: cloudwatch.IMetric | None = None
    replica_lag: cloudwatch.IMetric | None = None


#: Constructor parameters of :class:`RegionalMonitoring` that :class:`MultiRegionApp` supplies
#: per region (they are not fields of :class:`RegionalMonitoringProps`).
REGIONAL_MONITORING_APP_SUPPLIED = (
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


@dataclass(frozen=True, kw_only=True)
class RegionalMonitoringProps:
    """The props of :class:`RegionalMonitoring` that :class:`~multiregion_tap.MultiRegionApp`
    passes through to every region (it supplies the monitored resources itself). See
    :class:`RegionalMonitoring` for each field."""

    email_addresses: Sequence[str] = ()
    https_endpoints: Sequence[str] = ()
    http_5xx_threshold: int = 10
    latency_p95_threshold: cdk.Duration | None = None
    latency_p99_threshold: cdk.Duration | None = None
    cpu_threshold_percent: float = 80
    memory_threshold_percent: float = 80
    database_cpu_threshold_percent: float = 80
    database_free_storage_threshold_gib: float = 5
    database_connections_threshold: int = 100
    replica_lag_threshold: cdk.Duration | None = None
    notify_on_ok: bool = True
    key_removal_policy: cdk.RemovalPolicy | None = None


class RegionalMonitoring(Construct):
    """Alarms, an alarm topic and a dashboard for one region's service and database.

    Every alarm sends to the topic when it fires (and, with ``notify_on_ok``, when it
    recovers). Alarm names are left to CloudFormation. Created alarms (construct id in
    brackets; construct ids are API):

    * load balancer: ELB 5xx count (``Elb5xx``) and target 5xx count (``Target5xx``), sum
      over 5 minutes above ``http_5xx_threshold``; p95 and p99 target response time over 5
      minutes (``LatencyP95``, ``LatencyP99``);
    * each target group: unhealthy hosts, at least one for 3 consecutive minutes
      (``UnhealthyHosts<target group id>``);
    * ECS service: CPU and memory utilization, 5-minute average above the thresholds for 15
      minutes (``ServiceCpu``, ``ServiceMemory``); running tasks below desired for 5
      consecutive minutes (``RunningTasksBelowDesired``). The task counts are Container
      Insights metrics (``ECS/ContainerInsights``): enable Container Insights on the cluster,
      or that alarm stays without data;
    * database: CPU (``DatabaseCpu``), free storage (``DatabaseFreeStorage``), connections
      (``DatabaseConnections``), and on a read replica ``ReplicaLag`` (``ReplicaLag``). The lag
      alarm uses the *minimum* lag of 5-minute periods, and fires when it stays above
      ``replica_lag_threshold`` (at least 5 minutes) for 15 minutes: an idle PostgreSQL
      primary makes its replicas report a saw-tooth of up to ~5 minutes of lag that drops
      back to zero at each WAL switch, which the minimum ignores.

    ``existing_alarms`` (for example the blue/green deployment alarms the service already
    rolls back on) are not duplicated: the topic is added to their actions and they appear on
    the dashboard.

    Outputs: ``AlarmTopicArn`` and ``DashboardName`` (with ``output_suffix``).

    :param scope: The parent construct, in the regional stack of the monitored resources.
    :param id: The construct id.
    :param load_balancer: The region's Application Load Balancer. Default: - no load balancer
        alarms.
    :param target_groups: Target groups behind it (blue and green). Default: - none.
    :param service: The ECS service. Default: - no service alarms.
    :param database: The region's DB instance (the primary or its read replica).
        Default: - no database alarms.
    :param database_is_replica: ``database`` is a read replica: add the ``ReplicaLag`` alarm.
        Default: ``False``
    :param existing_alarms: Alarms defined elsewhere in this region to notify the topic too.
        Each must be an ``Alarm`` or ``CompositeAlarm`` defined in this app (an imported alarm
        cannot get actions). Default: - none.
    :param existing_topic: An SNS topic in this region to notify instead of creating one;
        exclusive with ``email_addresses`` and ``https_endpoints``. Default: - an
        :class:`AlarmTopic` (construct id ``AlarmTopic``).
    :param email_addresses: E-mail addresses to subscribe to the created topic. Default: - none.
    :param https_endpoints: ``https://`` URLs to subscribe to the created topic. Default: - none.
    :param http_5xx_threshold: 5xx responses in 5 minutes that raise an alarm (load balancer
        and targets separately), 1 to 1,000,000. Default: 10
    :param latency_p95_threshold: p95 target response time that raises an alarm.
        Default: 1 second
    :param latency_p99_threshold: p99 target response time that raises an alarm.
        Default: 3 seconds
    :param cpu_threshold_percent: ECS service CPU utilization, 1 to 100. Default: 80
    :param memory_threshold_percent: ECS service memory utilization, 1 to 100. Default: 80
    :param database_cpu_threshold_percent: DB CPU utilization, 1 to 100. Default: 80
    :param database_free_storage_threshold_gib: Alarm when free storage drops below this many
        GiB. Default: 5
    :param database_connections_threshold: Alarm above this many connections (tune to the
        instance class's ``max_connections``). Default: 100
    :param replica_lag_threshold: ReplicaLag, 5 minutes to 1 day. Default: 10 minutes
    :param notify_on_ok: Also notify the topic when an alarm returns to OK. Default: ``True``
    :param key_removal_policy: What happens to the alarm topic's KMS key (when this construct
        creates the topic) on stack deletion. Default: - ``RETAIN``
    :param dashboard_name: Name of the region's dashboard (dashboard names are global in an
        account). Default: - generated by CloudFormation.
    :param output_suffix: Suffix of the well-known outputs. Default: ``""``
    """

    @names_construct_path
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        load_balancer: elbv2.IApplicationLoadBalancer | None = None,
        target_groups: Sequence[elbv2.IApplicationTargetGroup] = (),
        service: ecs.BaseService | None = None,
        database: rds.IDatabaseInstance | None = None,
        database_is_replica: bool = False,
        existing_alarms: Sequence[cloudwatch.AlarmBase] = (),
        existing_topic: sns.ITopic | None = None,
        email_addresses: Sequence[str] = (),
        https_endpoints: Sequence[str] = (),
        http_5xx_threshold: int = 10,
        latency_p95_threshold: cdk.Duration | None = None,
        latency_p99_threshold: cdk.Duration | None = None,
        cpu_threshold_percent: float = 80,
        memory_threshold_percent: float = 80,
        database_cpu_threshold_percent: float = 80,
        database_free_storage_threshold_gib: float = 5,
        database_connections_threshold: int = 100,
        replica_lag_threshold: cdk.Duration | None = None,
        notify_on_ok: bool = True,
        key_removal_policy: cdk.RemovalPolicy | None = None,
        dashboard_name: str | None = None,
        output_suffix: str = "",
    ) -> None:
        # ---------------------------------------------------------------- validation
        emails = require_emails("email_addresses", email_addresses)
        urls = require_https_urls("https_endpoints", https_endpoints)
        require_int_range("http_5xx_threshold", http_5xx_threshold, 1, 1_000_000)
        p95 = latency_p95_threshold or cdk.Duration.seconds(1)
        p99 = latency_p99_threshold or cdk.Duration.seconds(3)
        p95_s = require_duration_range("latency_p95_threshold", p95, 0.001, 3600)
        p99_s = require_duration_range("latency_p99_threshold", p99, 0.001, 3600)
        require_int_range("cpu_threshold_percent", cpu_threshold_percent, 1, 100)
        require_int_range("memory_threshold_percent", memory_threshold_percent, 1, 100)
        require_int_range("database_cpu_threshold_percent", database_cpu_threshold_percent, 1, 100)
        require_int_range(
            "database_free_storage_threshold_gib", database_free_storage_threshold_gib, 0.1, 65536
        )
        require_int_range(
            "database_connections_threshold", database_connections_threshold, 1, 100_000
        )
        lag = replica_lag_threshold or cdk.Duration.minutes(10)
        lag_s = require_duration_range(
            "replica_lag_threshold", lag, MIN_REPLICA_LAG_SECONDS, 86_400
        )
        require_dashboard_name("dashboard_name", dashboard_name)
        require_output_suffix(output_suffix)
        if database_is_replica and database is None:
            raise fail(
                "database_is_replica", database_is_replica, "be False when no database is given"
            )
        if isinstance(target_groups, str) or isinstance(existing_alarms, str):
            raise fail("target_groups/existing_alarms", "a string", "be lists")
        reused = list(existing_alarms)
        for index, alarm in enumerate(reused):
            if not isinstance(alarm, (cloudwatch.Alarm, cloudwatch.CompositeAlarm)):
                raise fail(
                    f"existing_alarms[{index}]",
                    alarm,
                    "be an Alarm or CompositeAlarm defined in this app (an imported alarm "
                    "cannot get actions)",
                )

        super().__init__(scope, id)
        stack = cdk.Stack.of(self)
        self._region = stack.region
        for index, alarm in enumerate(reused):
            alarm_region = cdk.Stack.of(alarm).region
            if alarm_region != stack.region:
                raise fail(
                    f"existing_alarms[{index}]",
                    alarm.node.path,
                    f"be in this construct's region {stack.region!r} (an alarm can only notify "
                    f"a topic of its own region), not {alarm_region!r}",
                )

        self._topic, self._alarm_topic = _topic_for(
            self, existing_topic, emails, urls, key_removal_policy
        )
        self._notify_on_ok = notify_on_ok
        self._alarms: dict[str, cloudwatch.Alarm] = {}
        where = f"{stack.stack_name} ({stack.region})"

        # ---------------------------------------------------------------- load balancer
        requests = elb_5xx = target_5xx = latency_p95 = latency_p99 = None
        if load_balancer is not None:
            metrics = load_balancer.metrics
            requests = metrics.request_count(period=_FIVE_MINUTES)
            elb_5xx = metrics.http_code_elb(elbv2.HttpCodeElb.ELB_5XX_COUNT, period=_FIVE_MINUTES)
            target_5xx = metrics.http_code_target(
                elbv2.HttpCodeTarget.TARGET_5XX_COUNT, period=_FIVE_MINUTES
            )
            latency_p95 = metrics.target_response_time(statistic="p95", period=_FIVE_MINUTES)
            latency_p99 = metrics.target_response_time(statistic="p99", period=_FIVE_MINUTES)
            self._alarm(
                "Elb5xx",
                elb_5xx,
                http_5xx_threshold,
                1,
                f"{where}: the load balancer returned more than {http_5xx_threshold} 5xx "
                "responses in 5 minutes (no healthy target, or the load balancer failed)",
            )
            self._alarm(
                "Target5xx",
                target_5xx,
                http_5xx_threshold,
                1,
                f"{where}: the service's tasks returned more than {http_5xx_threshold} 5xx "
                "responses in 5 minutes",
            )
            self._alarm(
                "LatencyP95",
                latency_p95,
                p95_s,
                3,
                f"{where}: p95 response time above {p95_s:g} s for 15 minutes",
            )
            self._alarm(
                "LatencyP99",
                latency_p99,
                p99_s,
                3,
                f"{where}: p99 response time above {p99_s:g} s for 15 minutes",
            )
        for target_group in target_groups:
            unhealthy = target_group.metrics.unhealthy_host_count(
                statistic="Maximum", period=_MINUTE
            )
            self._alarm(
                f"UnhealthyHosts{target_group.node.id}",
                unhealthy,
                1,
                3,
                f"{where}: target group {target_group.node.id} has had unhealthy targets for "
                "3 minutes",
                comparison=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            )

        # ---------------------------------------------------------------- ECS service
        cpu = memory = running = desired = None
        if service is not None:
            cpu = service.metric_cpu_utilization(period=_FIVE_MINUTES)
            memory = service.metric_memory_utilization(period=_FIVE_MINUTES)
            self._alarm(
                "ServiceCpu",
                cpu,
                cpu_threshold_percent,
                3,
                f"{where}: ECS service CPU above {cpu_threshold_percent}% for 15 minutes",
            )
            self._alarm(
                "ServiceMemory",
                memory,
                memory_threshold_percent,
                3,
                f"{where}: ECS service memory above {memory_threshold_percent}% for 15 minutes",
            )
            dimensions = {
                "ClusterName": service.cluster.cluster_name,
                "ServiceName": service.service_name,
            }
            running = cloudwatch.Metric(
                namespace="ECS/ContainerInsights",
                metric_name="RunningTaskCount",
                dimensions_map=dimensions,
                statistic="Average",
                period=_MINUTE,
                region=stack.region,
            )
            desired = cloudwatch.Metric(
                namespace="ECS/ContainerInsights",
                metric_name="DesiredTaskCount",
                dimensions_map=dimensions,
                statistic="Average",
                period=_MINUTE,
                region=stack.region,
            )
            missing = cloudwatch.MathExpression(
                expression="desired - running",
                using_metrics={"desired": desired, "running": running},
                label="Tasks missing (desired - running)",
                period=_MINUTE,
            )
            self._alarm(
                "RunningTasksBelowDesired",
                missing,
                1,
                5,
                f"{where}: fewer ECS tasks running than desired for 5 minutes (tasks failing "
                "to start or crashing). Needs Container Insights on the cluster.",
                comparison=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            )

        # ---------------------------------------------------------------- database
        db_cpu = db_connections = db_storage = replica_lag = None
        if database is not None:
            db_cpu = database.metric_cpu_utilization(period=_FIVE_MINUTES)
            db_connections = database.metric_database_connections(
                statistic="Maximum", period=_FIVE_MINUTES
            )
            db_storage = database.metric_free_storage_space(
                statistic="Minimum", period=_FIVE_MINUTES
            )
            self._alarm(
                "DatabaseCpu",
                db_cpu,
                database_cpu_threshold_percent,
                3,
                f"{where}: database CPU above {database_cpu_threshold_percent}% for 15 minutes",
            )
            self._alarm(
                "DatabaseFreeStorage",
                db_storage,
                database_free_storage_threshold_gib * _GIB,
                1,
                f"{where}: database free storage below {database_free_storage_threshold_gib:g} GiB",
                comparison=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
                missing=cloudwatch.TreatMissingData.MISSING,
            )
            self._alarm(
                "DatabaseConnections",
                db_connections,
                database_connections_threshold,
                2,
                f"{where}: more than {database_connections_threshold} database connections for "
                "10 minutes",
            )
            if database_is_replica:
                replica_lag = database.metric(
                    "ReplicaLag", statistic="Minimum", period=_FIVE_MINUTES
                )
                self._alarm(
                    "ReplicaLag",
                    replica_lag,
                    lag_s,
                    3,
                    f"{where}: the read replica has lagged more than {lag_s:g} s behind the "
                    "primary for 15 minutes (minimum of each 5-minute period, so the ~5-minute "
                    "saw-tooth of an idle PostgreSQL primary does not fire it)",
                    missing=cloudwatch.TreatMissingData.MISSING,
                )

        # ---------------------------------------------------------------- reused alarms
        action = cloudwatch_actions.SnsAction(self._topic)
        for alarm in reused:
            alarm.add_alarm_action(action)
            if notify_on_ok and isinstance(alarm, cloudwatch.Alarm):
                alarm.add_ok_action(action)
        self._reused = tuple(reused)

        self._metrics = RegionalMetrics(
            region=stack.region,
            requests=requests,
            elb_5xx=elb_5xx,
            target_5xx=target_5xx,
            latency_p95=latency_p95,
            latency_p99=latency_p99,
            cpu=cpu,
            memory=memory,
            running_tasks=running,
            desired_tasks=desired,
            database_cpu=db_cpu,
            database_connections=db_connections,
            database_free_storage=db_storage,
            replica_lag=replica_lag,
        )

        # ---------------------------------------------------------------- dashboard
        self._dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name=dashboard_name)
        role = _role_of(self)
        self._dashboard.add_widgets(
            cloudwatch.TextWidget(
                markdown=f"# {stack.stack_name}\nRegion **{stack.region}**{role}",
                width=24,
                height=2,
            )
        )
        every_alarm: list[cloudwatch.IAlarm] = [*self._alarms.values(), *self._reused]
        if every_alarm:
            self._dashboard.add_widgets(
                cloudwatch.AlarmStatusWidget(alarms=every_alarm, title="Alarms", width=24)
            )
        graphs = [g for g in _graphs(self._metrics, width=12) if g is not None]
        for index in range(0, len(graphs), 2):
            self._dashboard.add_widgets(*graphs[index : index + 2])

        add_well_known_output(
            self,
            OutputNames.ALARM_TOPIC_ARN,
            self._topic.topic_arn,
            description="SNS topic the region's alarms notify",
            suffix=output_suffix,
        )
        add_well_known_output(
            self,
            OutputNames.DASHBOARD_NAME,
            self._dashboard.dashboard_name,
            description="CloudWatch dashboard of the region",
            suffix=output_suffix,
        )

    def _alarm(
        self,
        construct_id: str,
        metric: cloudwatch.IMetric,
        threshold: float,
        periods: int,
        description: str,
        *,
        comparison: cloudwatch.ComparisonOperator | None = None,
        missing: cloudwatch.TreatMissingData | None = None,
    ) -> cloudwatch.Alarm:
        """An alarm that notifies the topic. Defaults: ``>`` threshold, missing data not
        breaching (counts and utilizations are absent when idle)."""
        alarm = cloudwatch.Alarm(
            self,
            construct_id,
            metric=metric,
            threshold=threshold,
            evaluation_periods=periods,
            datapoints_to_alarm=periods,
            comparison_operator=comparison or cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            treat_missing_data=missing or cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=description,
        )
        _notify(alarm, self._topic, self._notify_on_ok)
        self._alarms[construct_id] = alarm
        return alarm

    # ------------------------------------------------------------------ attributes
    @property
    def region(self) -> str:
        """The region of the monitored resources."""
        return self._region

    @property
    def topic(self) -> sns.ITopic:
        """The SNS topic every alarm notifies (given or created)."""
        return self._topic

    @property
    def alarm_topic(self) -> AlarmTopic | None:
        """The :class:`AlarmTopic` this construct created, or ``None`` with ``existing_topic``."""
        return self._alarm_topic

    @property
    def alarms(self) -> Mapping[str, cloudwatch.Alarm]:
        """The alarms this construct created, by construct id (a read-only view)."""
        return dict(self._alarms)

    @property
    def reused_alarms(self) -> tuple[cloudwatch.AlarmBase, ...]:
        """The ``existing_alarms`` that now notify the topic too."""
        return self._reused

    @property
    def dashboard(self) -> cloudwatch.Dashboard:
        """The region's dashboard."""
        return self._dashboard

    @property
    def metrics(self) -> RegionalMetrics:
        """The key metrics of the region, for :class:`OverviewDashboard`."""
        return self._metrics


# ============================================================================ HealthCheckAlarms
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
    so this construct must be in a ``us-east-1`` stack, typically the ``<app_name>-dns``
    stack beside :class:`~multiregion_tap.FailoverDns`::

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
        self._topic, self._alarm_topic = _topic_for(
            self, existing_topic, emails, urls, key_removal_policy
        )
        self._alarms: dict[str, cloudwatch.Alarm] = {}
        for region, check in health_checks.items():
            metric = _health_check_metric(check, None)
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
            _notify(alarm, self._topic, notify_on_ok)
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


# ============================================================================ OverviewDashboard
class OverviewDashboard(Construct):
    """One dashboard with every region side by side (a column per region, a row per metric).

    Each graph shows one region's metrics, read from that region (CloudWatch dashboards are
    cross-region). Route 53 health-check status, when given, comes from ``us-east-1``.

    Put it in a helper stack of the primary region (``app.add_helper_stack("monitoring")``):
    it refers to every region's resources, so in a regional stack it would make that stack
    depend on the others, a cycle with the replica's dependency on the primary.

    Output: ``DashboardName`` with ``output_suffix``.

    :param scope: The parent construct.
    :param id: The construct id.
    :param regions: The :class:`RegionalMonitoring` of every region, primary first; at least one.
    :param health_checks: Route 53 health checks by region (e.g. ``FailoverDns.health_checks``).
        Default: - no health-check row.
    :param dashboard_name: The dashboard's name (global in the account). Default: - generated
        by CloudFormation.
    :param output_suffix: Suffix of the ``DashboardName`` output. Default: ``"Overview"``
    """

    @names_construct_path
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        regions: Sequence[RegionalMonitoring],
        health_checks: Mapping[str, route53.IHealthCheck] | None = None,
        dashboard_name: str | None = None,
        output_suffix: str = "Overview",
    ) -> None:
        if isinstance(regions, str) or not isinstance(regions, Sequence) or not regions:
            raise fail("regions", regions, "list at least one RegionalMonitoring")
        for index, item in enumerate(regions):
            if not isinstance(item, RegionalMonitoring):
                raise fail(f"regions[{index}]", item, "be a RegionalMonitoring")
        require_dashboard_name("dashboard_name", dashboard_name)
        require_output_suffix(output_suffix)
        super().__init__(scope, id)
        width = max(6, 24 // len(regions))
        self._dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name=dashboard_name)
        self._dashboard.add_widgets(
            cloudwatch.TextWidget(
                markdown="# Every region\n"
                + " | ".join(f"**{m.region}**{_role_of(m)}" for m in regions),
                width=24,
                height=2,
            )
        )
        per_region = [_graphs(m.metrics, width=width, prefix=f"{m.region}: ") for m in regions]
        for kind in range(len(per_region[0])):
            cells = [graphs[kind] for graphs in per_region]
            if all(cell is None for cell in cells):
                continue
            # One column per region: a spacer keeps the columns aligned where a region
            # lacks the metric (the primary has no replica lag).
            widgets: list[cloudwatch.IWidget] = []
            for cell in cells:
                if cell is None:
                    # jsii's Spacer implements IWidget, which mypy cannot see.
                    widgets.append(cast(cloudwatch.IWidget, cloudwatch.Spacer(width=width)))
                else:
                    widgets.append(cell)
            self._dashboard.add_widgets(*widgets)
        if health_checks:
            home = route53_metrics_region(cdk.Stack.of(self).region) or "us-east-1"
            self._dashboard.add_widgets(
                cloudwatch.GraphWidget(
                    title="Route 53 health check status (1 healthy, 0 unhealthy)",
                    left=[
                        _health_check_metric(check, home).with_(label=region)
                        for region, check in health_checks.items()
                    ],
                    left_y_axis=cloudwatch.YAxisProps(min=0, max=1),
                    region=home,
                    width=24,
                )
            )
        add_well_known_output(
            self,
            OutputNames.DASHBOARD_NAME,
            self._dashboard.dashboard_name,
            description="CloudWatch dashboard with every region side by side",
            suffix=output_suffix,
        )

    @property
    def dashboard(self) -> cloudwatch.Dashboard:
        """The overview dashboard."""
        return self._dashboard


# ============================================================================ helpers
#: One alarm action per topic, shared by its alarms (binding it creates no construct).
_ACTIONS: weakref.WeakKeyDictionary[sns.ITopic, cloudwatch_actions.SnsAction] = (
    weakref.WeakKeyDictionary()
)


def _notify(alarm: cloudwatch.Alarm, topic: sns.ITopic, on_ok: bool) -> None:
    action = _ACTIONS.get(topic)
    if action is None:
        action = _ACTIONS[topic] = cloudwatch_actions.SnsAction(topic)
    alarm.add_alarm_action(action)
    if on_ok:
        alarm.add_ok_action(action)


def _health_check_metric(check: route53.IHealthCheck, region: str | None) -> cloudwatch.Metric:
    return cloudwatch.Metric(
        namespace="AWS/Route53",
        metric_name="HealthCheckStatus",
        dimensions_map={"HealthCheckId": check.health_check_id},
        statistic="Minimum",
        period=_MINUTE,
        region=region,
    )


def _role_of(scope: Construct) -> str:
    app = app_of(scope)
    if app is None:
        return ""
    return f" ({app.region_role(cdk.Stack.of(scope).region)})"


def _graphs(
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
