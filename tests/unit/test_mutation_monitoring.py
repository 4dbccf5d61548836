"""monitoring.py, the public home of the monitoring constructs: its star import gives each of
them, and the names it re-exports are the modules' own. Kills the mutants of
``tools/mutate.py`` (``__all__``'s entries) in about a second each (docs/guides/testing.md)."""

from __future__ import annotations

from multiregion_tap import alarm_topic, health_check_alarms, overview_dashboard
from multiregion_tap import regional_monitoring as regional


def test_star_import_gives_the_monitoring_constructs() -> None:
    namespace: dict[str, object] = {}
    exec("from multiregion_tap.monitoring import *", namespace)
    assert {k: v for k, v in namespace.items() if not k.startswith("__")} == {
        "AlarmTopic": alarm_topic.AlarmTopic,
        "HealthCheckAlarms": health_check_alarms.HealthCheckAlarms,
        "HealthCheckAlarmsProps": health_check_alarms.HealthCheckAlarmsProps,
        "OverviewDashboard": overview_dashboard.OverviewDashboard,
        "RegionalMetrics": regional.RegionalMetrics,
        "RegionalMonitoring": regional.RegionalMonitoring,
        "RegionalMonitoringProps": regional.RegionalMonitoringProps,
    }
