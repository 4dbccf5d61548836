"""OverviewDashboard: one CloudWatch dashboard with every region side by side.

Part of the monitoring constructs (see :mod:`multiregion_tap.monitoring`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import cast

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_route53 as route53
from constructs import Construct

from ._private.monitoring_checks import require_dashboard_name
from ._private.monitoring_shared import health_check_metric, region_graphs, role_of
from ._private.outputs import add_well_known_output
from ._private.producers import follow
from ._private.validation import (
    fail,
    names_construct_path,
    require_output_suffix,
    route53_metrics_region,
)
from .outputs import OutputNames
from .regional_monitoring import RegionalMonitoring

__all__ = ["OverviewDashboard"]


class OverviewDashboard(Construct):
    """One dashboard with every region side by side (a column per region, a row per metric).

    Each graph shows one region's metrics, read from that region (CloudWatch dashboards are
    cross-region). Route 53 health-check status, when given, comes from ``us-east-1`` (in a
    partition without a Route 53 metrics region known to the library, from the dashboard's own
    region).

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
                + " | ".join(f"**{m.region}**{role_of(m)}" for m in regions),
                width=24,
                height=2,
            )
        )
        per_region = [
            region_graphs(m.metrics, width=width, prefix=f"{m.region}: ") for m in regions
        ]
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
            # The partition's Route 53 metrics region; in a partition the library does not know
            # it for, the dashboard's own region (the composed app puts the health-check alarms
            # in its primary region then, and this dashboard lives there too).
            here = cdk.Stack.of(self).region
            home = route53_metrics_region(here) or here
            self._dashboard.add_widgets(
                cloudwatch.GraphWidget(
                    title="Route 53 health check status (1 healthy, 0 unhealthy)",
                    left=[
                        health_check_metric(check, home).with_(label=region)
                        for region, check in health_checks.items()
                    ],
                    left_y_axis=cloudwatch.YAxisProps(min=0, max=1),
                    region=home,
                    width=24,
                )
            )
        # The dashboard reads every region's load balancer, service, database and health check:
        # it carries their digest, so replacing one updates the dashboard (_private/producers).
        follow(
            self._dashboard,
            [*(c for m in regions for c in m.watched), *(health_checks or {}).values()],
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
