"""Monitoring: alarm topics, alarms and dashboards per region, and an overview of every region.

Three constructs, one per place they must live:

* :class:`RegionalMonitoring` in every regional stack: an encrypted, SSL-only SNS topic
  (:class:`AlarmTopic`), alarms on the load balancer, the ECS service and the database that all
  notify the topic, the service's own blue/green rollback alarms reused (the topic is added to
  them), and a dashboard of the region.
* :class:`HealthCheckAlarms` in a ``us-east-1`` stack (``<app_name>-dns-alarms``): Route 53
  publishes health-check metrics only in ``us-east-1``, and an alarm can only watch metrics and
  notify a topic of its own region.
* :class:`OverviewDashboard` in a helper stack of the primary region (``<app_name>-monitoring``):
  every region side by side. It reads the other regions' resources through weak references,
  so it must not sit in a regional stack (the secondary stacks already depend on the primary
  one; the reverse dependency would be a cycle).
"""

from __future__ import annotations

# One module per construct; this module is their public home (``from
# multiregion_tap.monitoring import RegionalMonitoring``) and keeps the overview above.
from .alarm_topic import AlarmTopic
from .health_check_alarms import (
    HEALTH_CHECK_ALARMS_APP_SUPPLIED as HEALTH_CHECK_ALARMS_APP_SUPPLIED,
)
from .health_check_alarms import HealthCheckAlarms, HealthCheckAlarmsProps
from .overview_dashboard import OverviewDashboard
from .regional_monitoring import MIN_REPLICA_LAG_SECONDS as MIN_REPLICA_LAG_SECONDS
from .regional_monitoring import (
    REGIONAL_MONITORING_APP_SUPPLIED as REGIONAL_MONITORING_APP_SUPPLIED,
)
from .regional_monitoring import RegionalMetrics, RegionalMonitoring, RegionalMonitoringProps

__all__ = [
    "AlarmTopic",
    "HealthCheckAlarms",
    "HealthCheckAlarmsProps",
    "OverviewDashboard",
    "RegionalMetrics",
    "RegionalMonitoring",
    "RegionalMonitoringProps",
]
