"""overview_dashboard.py on small apps of imported load balancers and databases (shared by the
module): the title row with each region's role, a column per region with a spacer where a
region lacks a graph, the column width for one, two and five regions, Route 53's health-check
row read from the partition's Route 53 region, the producers the dashboard follows, the
output, and each refusal. Kills the mutants of ``tools/mutate.py`` in a few seconds each
(docs/guides/testing.md)."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_rds as rds
from aws_cdk import aws_route53 as route53
from aws_cdk.assertions import Template

from multiregion_tap import ValidationError
from multiregion_tap._private.app_context import register_stack
from multiregion_tap._private.producers import followed
from multiregion_tap.overview_dashboard import OverviewDashboard
from multiregion_tap.regional_monitoring import RegionalMonitoring

ACCOUNT = "123456789012"
HEALTH = "Route 53 health check status (1 healthy, 0 unhealthy)"


class _App:
    """The part of MultiRegionApp that role_of asks."""

    def region_role(self, region: str) -> str:
        return "primary" if region == "us-east-1" else "secondary"


def _region(
    app: cdk.App, region: str, *, lb: bool = False, db: bool = True, replica: bool = False
) -> RegionalMonitoring:
    """A region's monitoring of an imported load balancer and database (no VPC)."""
    stack = cdk.Stack(app, f"Shop-{region}", env=cdk.Environment(account=ACCOUNT, region=region))
    load_balancer = (
        elbv2.ApplicationLoadBalancer.from_application_load_balancer_attributes(
            stack,
            "Lb",
            load_balancer_arn=f"arn:aws:elasticloadbalancing:{region}:{ACCOUNT}:"
            "loadbalancer/app/shop/0123abcd",
            security_group_id="sg-12345678",
        )
        if lb
        else None
    )
    database = (
        rds.DatabaseInstance.from_database_instance_attributes(
            stack,
            "Db",
            instance_identifier=f"shop-{region}",
            instance_endpoint_address="db.example.com",
            port=5432,
            security_groups=[],
        )
        if db
        else None
    )
    return RegionalMonitoring(
        stack,
        "Monitoring",
        load_balancer=load_balancer,
        database=database,
        database_is_replica=replica,
    )


def _checks(stack: cdk.Stack, *regions: str) -> dict[str, route53.IHealthCheck]:
    return {
        r: route53.HealthCheck(
            stack, f"Check-{r}", type=route53.HealthCheckType.HTTPS, fqdn=f"{r}.example.com"
        )
        for r in regions
    }


def _widgets(template: dict[str, Any]) -> list[dict[str, Any]]:
    """The dashboard's widgets, each token shown as TOKEN."""
    (dashboard,) = [
        r for r in template["Resources"].values() if r["Type"] == "AWS::CloudWatch::Dashboard"
    ]
    body = dashboard["Properties"]["DashboardBody"]
    if isinstance(body, dict):
        body = "".join(p if isinstance(p, str) else "TOKEN" for p in body["Fn::Join"][1])
    widgets: list[dict[str, Any]] = json.loads(body)["widgets"]
    return widgets


def _layout(template: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (
            w["type"],
            w["x"],
            w["y"],
            w["width"],
            w["height"],
            w["properties"].get("title") or w["properties"].get("markdown"),
        )
        for w in _widgets(template)
    ]


@pytest.fixture(scope="module")
def two() -> dict[str, Any]:
    """us-east-1 (a load balancer and the primary) and us-east-2 (a replica alone), in an
    'app'; the health checks in a DNS stack; the dashboard in a helper stack of us-east-1."""
    app = cdk.App()
    east1 = _region(app, "us-east-1", lb=True)
    east2 = _region(app, "us-east-2", replica=True)
    env = cdk.Environment(account=ACCOUNT, region="us-east-1")
    dns = cdk.Stack(app, "Dns", env=env)
    overview_stack = cdk.Stack(app, "Monitoring", env=env)
    for stack in (cdk.Stack.of(east1), cdk.Stack.of(east2), overview_stack):
        register_stack(stack, _App())  # type: ignore[arg-type]
    checks = _checks(dns, "us-east-1", "us-east-2")
    overview = OverviewDashboard(
        overview_stack, "Overview", regions=[east1, east2], health_checks=checks
    )
    return {
        "overview": overview,
        "checks": checks,
        "template": Template.from_stack(overview_stack).to_json(),
    }


def test_a_column_per_region_and_a_spacer_where_a_region_lacks_a_graph(
    two: dict[str, Any],
) -> None:
    e1, e2 = "us-east-1: ", "us-east-2: "
    assert _layout(two["template"]) == [
        (
            "text",
            0,
            0,
            24,
            2,
            "# Every region\n**us-east-1** (primary) | **us-east-2** (secondary)",
        ),
        ("metric", 0, 2, 12, 6, f"{e1}Requests (left) and 5xx (right), per 5 min"),
        # us-east-2 has no load balancer: a spacer at x=12
        ("metric", 0, 8, 12, 6, f"{e1}Target response time p95 / p99 (s)"),
        # neither has a service: no ECS rows
        ("metric", 0, 14, 12, 6, f"{e1}Database CPU % (left), connections (right)"),
        ("metric", 12, 14, 12, 6, f"{e2}Database CPU % (left), connections (right)"),
        ("metric", 0, 20, 12, 6, f"{e1}Database free storage bytes (left), replica lag s (right)"),
        ("metric", 12, 20, 12, 6, f"{e2}Database free storage bytes (left), replica lag s (right)"),
        ("metric", 0, 26, 24, 6, HEALTH),
    ]
    regions = [w["properties"]["region"] for w in _widgets(two["template"])[1:-1]]
    assert regions == ["us-east-1", "us-east-1", "us-east-1", "us-east-2", "us-east-1", "us-east-2"]


def test_the_health_check_row_reads_route53s_region(two: dict[str, Any]) -> None:
    health = _widgets(two["template"])[-1]["properties"]
    assert health["region"] == "us-east-1"
    assert health["yAxis"] == {"left": {"min": 0, "max": 1}}
    assert health["metrics"] == [
        [
            "AWS/Route53",
            "HealthCheckStatus",
            "HealthCheckId",
            "TOKEN",
            {"label": r, "region": "us-east-1", "period": 60, "stat": "Minimum"},
        ]
        for r in ("us-east-1", "us-east-2")
    ]


def test_the_dashboard_follows_the_health_checks_of_another_stack(two: dict[str, Any]) -> None:
    paths = sorted(p.node.path for p in followed(two["overview"].dashboard))
    assert paths == ["Dns/Check-us-east-1/Resource", "Dns/Check-us-east-2/Resource"]


def test_the_output_and_the_dashboard(two: dict[str, Any]) -> None:
    overview = two["overview"]
    assert overview.dashboard.node.path == "Monitoring/Overview/Dashboard"
    outputs = two["template"]["Outputs"]
    assert list(outputs) == ["DashboardNameOverview"]
    assert outputs["DashboardNameOverview"]["Description"] == (
        "CloudWatch dashboard with every region side by side"
    )


def _alone(regions: list[str], overview_region: str = "us-east-1", **props: Any) -> Any:
    app = cdk.App()
    monitored = [_region(app, r) for r in regions]
    stack = cdk.Stack(
        app, "Monitoring", env=cdk.Environment(account=ACCOUNT, region=overview_region)
    )
    overview = OverviewDashboard(stack, "Overview", regions=monitored, **props)
    return overview, stack


@pytest.mark.parametrize(
    ("count", "width"),
    [(1, 24), (2, 12), (5, 6)],
)
def test_the_columns_share_the_width_at_least_six_each(count: int, width: int) -> None:
    regions = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1"][:count]
    _overview, stack = _alone(regions)
    template = Template.from_stack(stack).to_json()
    graphs = _widgets(template)[1:]
    assert {w["width"] for w in graphs} == {width}
    assert len(graphs) == 2 * count  # the database rows, no health checks
    assert _widgets(template)[0]["properties"]["markdown"] == "# Every region\n" + " | ".join(
        f"**{r}**" for r in regions
    )


def test_outside_the_commercial_partition_the_health_checks_are_read_here() -> None:
    """In a partition the library knows no Route 53 metrics region for (GovCloud here), the
    composed app keeps the health-check alarms in its primary region: the dashboard reads the
    checks there too, never us-east-1, which is another partition's."""
    app = cdk.App()
    monitored = [_region(app, "us-gov-west-1")]
    env = cdk.Environment(account=ACCOUNT, region="us-gov-west-1")
    stack = cdk.Stack(app, "Monitoring", env=env)
    OverviewDashboard(stack, "Overview", regions=monitored, health_checks=_checks(stack, "a"))
    health = _widgets(Template.from_stack(stack).to_json())[-1]["properties"]
    assert (health["title"], health["region"]) == (HEALTH, "us-gov-west-1")
    # and in the commercial partition, us-east-1 whatever the dashboard's region
    app = cdk.App()
    monitored = [_region(app, "eu-west-1")]
    env = cdk.Environment(account=ACCOUNT, region="eu-west-1")
    stack = cdk.Stack(app, "Monitoring", env=env)
    OverviewDashboard(stack, "Overview", regions=monitored, health_checks=_checks(stack, "a"))
    health = _widgets(Template.from_stack(stack).to_json())[-1]["properties"]
    assert (health["title"], health["region"]) == (HEALTH, "us-east-1")


@pytest.mark.parametrize(
    ("regions", "message"),
    [
        ("us-east-1", "regions must list at least one RegionalMonitoring, got 'us-east-1'"),
        (5, "regions must list at least one RegionalMonitoring, got 5"),
        ([], "regions must list at least one RegionalMonitoring, got []"),
        (["x"], "regions[0] must be a RegionalMonitoring, got 'x'"),
    ],
)
def test_regions_are_refused_unless_a_list_of_regional_monitoring(
    regions: Any, message: str
) -> None:
    stack = cdk.Stack(cdk.App(), "S")
    with pytest.raises(ValidationError) as raised:
        OverviewDashboard(stack, "Overview", regions=regions)
    assert raised.value.message == message


def test_a_bad_dashboard_name_is_refused_by_its_name() -> None:
    app = cdk.App()
    monitored = [_region(app, "us-east-1")]
    with pytest.raises(ValidationError) as raised:
        OverviewDashboard(
            cdk.Stack(app, "S"), "Overview", regions=monitored, dashboard_name="no spaces"
        )
    assert raised.value.message.startswith("dashboard_name must be 1 to 255 letters")


def test_the_public_names() -> None:
    namespace: dict[str, object] = {}
    exec("from multiregion_tap.overview_dashboard import *", namespace)
    assert {k: v for k, v in namespace.items() if not k.startswith("__")} == {
        "OverviewDashboard": OverviewDashboard
    }
