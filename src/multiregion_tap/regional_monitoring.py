"""RegionalMonitoring: alarms, an alarm topic and a dashboard for one region.

Part of the monitoring constructs (see :mod:`multiregion_tap.monitoring`): it lives in every
regional stack, beside the service and the database it watches.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_rds as rds
from aws_cdk import aws_sns as sns
from constructs import Construct, IConstruct

from ._private.monitoring_checks import (
    require_dashboard_name,
    require_duration_range,
    require_emails,
    require_https_urls,
)
from ._private.monitoring_shared import (
    FIVE_MINUTES,
    MINUTE,
    notify,
    region_graphs,
    role_of,
    topic_for,
)
from ._private.outputs import add_well_known_output
from ._private.validation import (
    fail,
    names_construct_path,
    require_int_range,
    require_output_suffix,
)
from .alarm_topic import AlarmTopic
from .outputs import OutputNames

__all__ = [
    "REGIONAL_MONITORING_APP_SUPPLIED",
    "RegionalMetrics",
    "RegionalMonitoring",
    "RegionalMonitoringProps",
]

#: Lowest replica-lag threshold accepted: an idle PostgreSQL primary switches WAL segments only
#: every few minutes, so its replicas report up to ~5 minutes of ReplicaLag while all is well.
MIN_REPLICA_LAG_SECONDS = 300
_GIB = 1024**3


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

        self._topic, self._alarm_topic = topic_for(
            self, existing_topic, emails, urls, key_removal_policy
        )
        self._notify_on_ok = notify_on_ok
        self._alarms: dict[str, cloudwatch.Alarm] = {}
        watched: list[IConstruct | None] = [load_balancer, *target_groups, service, database]
        if service is not None:
            watched.append(service.cluster)
        self._watched = tuple(c for c in watched if c is not None)
        where = f"{stack.stack_name} ({stack.region})"

        # ---------------------------------------------------------------- load balancer
        requests = elb_5xx = target_5xx = latency_p95 = latency_p99 = None
        if load_balancer is not None:
            metrics = load_balancer.metrics
            requests = metrics.request_count(period=FIVE_MINUTES)
            elb_5xx = metrics.http_code_elb(elbv2.HttpCodeElb.ELB_5XX_COUNT, period=FIVE_MINUTES)
            target_5xx = metrics.http_code_target(
                elbv2.HttpCodeTarget.TARGET_5XX_COUNT, period=FIVE_MINUTES
            )
            latency_p95 = metrics.target_response_time(statistic="p95", period=FIVE_MINUTES)
            latency_p99 = metrics.target_response_time(statistic="p99", period=FIVE_MINUTES)
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
                statistic="Maximum", period=MINUTE
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
            cpu = service.metric_cpu_utilization(period=FIVE_MINUTES)
            memory = service.metric_memory_utilization(period=FIVE_MINUTES)
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
                period=MINUTE,
                region=stack.region,
            )
            desired = cloudwatch.Metric(
                namespace="ECS/ContainerInsights",
                metric_name="DesiredTaskCount",
                dimensions_map=dimensions,
                statistic="Average",
                period=MINUTE,
                region=stack.region,
            )
            missing = cloudwatch.MathExpression(
                expression="desired - running",
                using_metrics={"desired": desired, "running": running},
                label="Tasks missing (desired - running)",
                period=MINUTE,
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
            db_cpu = database.metric_cpu_utilization(period=FIVE_MINUTES)
            db_connections = database.metric_database_connections(
                statistic="Maximum", period=FIVE_MINUTES
            )
            db_storage = database.metric_free_storage_space(
                statistic="Minimum", period=FIVE_MINUTES
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
                    "ReplicaLag", statistic="Minimum", period=FIVE_MINUTES
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
        role = role_of(self)
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
        graphs = [g for g in region_graphs(self._metrics, width=12) if g is not None]
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
        notify(alarm, self._topic, self._notify_on_ok)
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

    @property
    def watched(self) -> tuple[IConstruct, ...]:
        """What the metrics read: the load balancer, target groups, service, its cluster and the
        database that were given. A reader of :attr:`metrics` in another stack (the overview
        dashboard) follows their replacement through them."""
        return self._watched
