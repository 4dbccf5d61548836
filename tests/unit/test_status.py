"""``multiregion-tap status`` and ``discover(..., tolerate_unreachable=True)`` against moto's
in-process AWS, with a region's endpoints dead (a closed or a silent port on 127.0.0.1, through
the client factory :class:`~tests.support.discovery_apps.Outage`), and the next runbook step
(:func:`multiregion_tap.discovery.next_step`) table by table.
"""

from __future__ import annotations

import json
import re
import socket
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from moto import mock_aws

from multiregion_tap import ValidationError
from multiregion_tap.discovery import (
    RegionState,
    RegionUnreachableError,
    app_status,
    cli,
    discover,
    next_step,
)
from multiregion_tap.discovery.cli import EXIT_AWS_ERROR, EXIT_FOUND, EXIT_TWO_WRITERS, main
from tests.support.discovery_apps import (
    EAST1,
    EAST2,
    RECORD,
    WEST2,
    Outage,
    deploy_app,
    deploy_bare_app,
    point_dns,
    promote,
)

AWS_ENV = ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL")
ARN1 = "arn:aws:rds:us-east-1:123456789012:db:shop-db-us-east-1"
UNREACHABLE = (
    "cannot reach cloudformation in region us-east-1 at {url}/ (describe_stacks: Could not "
    'connect to the endpoint URL: "{url}/"): check the region name, the network, and '
    "AWS_ENDPOINT_URL"
)
FAILOVER_2 = [
    "cdk deploy shop-us-east-2 --exclusively -c database_history=promote:us-east-2",
    "cdk deploy shop-dns --exclusively -c database_history=promote:us-east-2",
]


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Any]:
    """moto's in-process AWS with fake credentials; yields a boto3 session on it."""
    for name in AWS_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with mock_aws():
        yield boto3.Session(region_name=EAST1)


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # closed again: connections are refused


def replica_lag(session: Any, region: str, identifier: str, *values: float) -> None:
    """``ReplicaLag`` datapoints of ``identifier``, one a minute, the last a minute ago."""
    now = datetime.now(timezone.utc)
    session.client("cloudwatch", region_name=region).put_metric_data(
        Namespace="AWS/RDS",
        MetricData=[
            {
                "MetricName": "ReplicaLag",
                "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": identifier}],
                "Value": value,
                "Unit": "Seconds",
                "Timestamp": now - timedelta(minutes=len(values) - index),
            }
            for index, value in enumerate(values)
        ],
    )


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    factory: Any,
    *argv: str,
) -> tuple[int, str, str]:
    """``multiregion-tap status ...`` in-process, its clients from ``factory``."""
    monkeypatch.setattr(cli, "_client_factory", lambda timeout: factory)
    code = main(["status", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def checks_lines(ids: dict[str, Any], regions: list[tuple[str, str | None]]) -> list[str]:
    return [
        f"  health check {ids['checks'][region]}: HTTPS "
        f"shop-alb-{region}.{region}.elb.amazonaws.com:443/health, every 30 s, failure "
        f"threshold 3{f' ({where})' if where else ''}: healthy (1/1 checkers report success)"
        for region, where in regions
    ]


# ---------------------------------------------------------------------- healthy
def test_healthy_app(
    aws: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = deploy_app(aws)
    replica_lag(aws, EAST2, "shop-db-us-east-2", 3, 12.5, 7)
    code, out, err = run(
        capsys, monkeypatch, Outage(aws, set(), ""), "shop", "--regions", f"{EAST1},{EAST2}"
    )
    assert (code, err) == (EXIT_FOUND, "")
    assert out.splitlines() == [
        "multiregion-tap status of app 'shop': 2/2 region(s) reachable",
        "",
        "us-east-1: reachable, stack shop-us-east-1 CREATE_COMPLETE, role primary",
        "  database shop-db-us-east-1: WRITER",
        "us-east-2: reachable, stack shop-us-east-2 CREATE_COMPLETE, role secondary",
        f"  database shop-db-us-east-2: replica of {ARN1}, replica lag 12.5 s (maximum over "
        "the last 5 minutes)",
        "",
        f"dns: stack shop-dns in us-east-1, record {RECORD} in zone shop.example.com. "
        f"({ids['zone_id']})",
        "  PRIMARY -> us-east-1",
        "  SECONDARY order: us-east-2",
        *checks_lines(ids, [(EAST1, EAST1), (EAST2, EAST2)]),
        "",
        "next: nothing to do",
    ]


def test_json_holds_everything_and_next(
    aws: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = deploy_app(aws)
    code, out, _ = run(
        capsys,
        monkeypatch,
        Outage(aws, set(), ""),
        "shop",
        "--regions",
        f"{EAST1},{EAST2}",
        "--json",
    )
    data = json.loads(out)
    assert code == EXIT_FOUND
    assert data == app_status("shop", [EAST1, EAST2], session=aws).as_dict()
    assert data["next"] == ["next: nothing to do"]
    assert data["writers"] == [EAST1]
    assert [(r["region"], r["reachable"], r["role"], r["writer"]) for r in data["regional"]] == [
        (EAST1, True, "primary", True),
        (EAST2, True, "secondary", False),
    ]
    assert data["regional"][1]["replica_lag_seconds"] is None
    assert data["regional"][1]["replica_lag_note"] == (
        "no ReplicaLag datapoint in the last 5 minutes"
    )
    assert (data["dns"]["primary_region"], data["dns"]["secondary_order"]) == (EAST1, [EAST2])
    assert data["dns"]["health_checks"][0] == {
        "health_check_id": ids["checks"][EAST1],
        "protocol": "HTTPS",
        "fqdn": "shop-alb-us-east-1.us-east-1.elb.amazonaws.com",
        "port": 443,
        "path": "/health",
        "interval_seconds": 30,
        "failure_threshold": 3,
        "target_region": EAST1,
        "status": "healthy (1/1 checkers report success)",
    }


# ---------------------------------------------------------------------- the primary region down
def test_primary_region_down_partial_topology_and_the_failover_commands(
    aws: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The DNS stack lives outside the app's regions: found in a helper region.
    ids = deploy_app(aws, dns_region=WEST2)
    url = closed_port_url()
    outage = Outage(aws, {EAST1}, url)
    code, out, err = run(
        capsys,
        monkeypatch,
        outage,
        "shop",
        "--regions",
        f"{EAST1},{EAST2}",
        "--helper-regions",
        WEST2,
        "--timeout",
        "2",
    )
    assert (code, err) == (EXIT_FOUND, "")
    assert out.splitlines() == [
        "multiregion-tap status of app 'shop': 1/2 region(s) reachable",
        "",
        f"us-east-1: UNREACHABLE: {UNREACHABLE.format(url=url)}",
        "us-east-2: reachable, stack shop-us-east-2 CREATE_COMPLETE, role secondary",
        f"  database shop-db-us-east-2: replica of {ARN1}, replica lag n/a (no ReplicaLag "
        "datapoint in the last 5 minutes)",
        "",
        f"dns: stack shop-dns in us-west-2, record {RECORD} in zone shop.example.com. "
        f"({ids['zone_id']})",
        # us-east-1's LoadBalancerDnsName output cannot be read: the target is shown as is.
        "  PRIMARY -> unknown (dualstack.SHOP-ALB-US-EAST-1.US-EAST-1.ELB.AMAZONAWS.COM.)",
        "  SECONDARY order: us-east-2",
        *checks_lines(ids, [(EAST1, None), (EAST2, EAST2)]),
        "",
        *FAILOVER_2,
    ]
    # The dead region's endpoints were asked once: the probe (Route 53 is global).
    regional_calls = [asked for asked in outage.asked if asked[0] != "route53"]
    assert [asked for asked in regional_calls if asked[1] == EAST1] == [("cloudformation", EAST1)]


def test_three_regions_primary_down_every_other_secondary_follows(aws: Any) -> None:
    deploy_app(aws, (EAST1, EAST2, WEST2), dns_region=EAST2)
    status = app_status(
        "shop", [EAST1, EAST2, WEST2], client_factory=Outage(aws, {EAST1}, closed_port_url())
    )
    assert list(status.next) == [
        *FAILOVER_2,
        "cdk deploy shop-us-west-2 --exclusively -c database_history=promote:us-east-2",
    ]
    assert (status.dns.primary_region or "").startswith("unknown (")
    assert status.dns.secondary_order == (EAST2, WEST2)


def test_a_silent_region_is_given_up_within_the_timeout(
    aws: Any,
    silent_endpoint: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    deploy_app(aws, dns_region=EAST2)
    timeout = 2.0
    started = time.monotonic()
    code, out, err = run(
        capsys,
        monkeypatch,
        Outage(aws, {EAST1}, silent_endpoint),
        "shop",
        "--regions",
        f"{EAST1},{EAST2}",
        "--timeout",
        f"{timeout:g}",
    )
    elapsed = time.monotonic() - started
    assert (code, err) == (EXIT_FOUND, "")
    assert out.splitlines()[2] == (
        "us-east-1: UNREACHABLE: cannot reach cloudformation in region us-east-1 at "
        f'{silent_endpoint}/ (describe_stacks: Read timeout on endpoint URL: "{silent_endpoint}/"'
        "): check the region name, the network, and AWS_ENDPOINT_URL"
    )
    assert out.splitlines()[-2:] == FAILOVER_2
    # Bounded by the timeout, not by the client's retries or a hang; the slack is for the
    # healthy region's walk on a busy 2-core machine.
    assert elapsed < 3 * timeout + 2, f"status took {elapsed:.1f}s"


def test_clients_without_a_probe_config_are_bounded_by_the_deadline(
    aws: Any, silent_endpoint: str
) -> None:
    """A plain client factory (no ``with_config``) whose clients retry: the probe gives the
    region up at the deadline, 1.5 x timeout + 1 s."""
    deploy_bare_app(aws)
    # Left alone these clients would wait ten times one second for the silent region.
    slow = Config(
        connect_timeout=1, read_timeout=1, retries={"mode": "standard", "max_attempts": 10}
    )

    def factory(service: str, region: str) -> Any:
        url = silent_endpoint if region == EAST1 else None
        return aws.client(service, region_name=region, endpoint_url=url, config=slow)

    started = time.monotonic()
    topology = discover(
        "shop", [EAST1, EAST2], client_factory=factory, tolerate_unreachable=True, probe_timeout=1
    )
    assert time.monotonic() - started < 7
    assert topology.region(EAST1).error == (
        "cannot reach cloudformation in region us-east-1: no answer within 2.5 s"
    )


def test_discover_marks_the_unreachable_region_in_the_table_and_json(aws: Any) -> None:
    deploy_bare_app(aws)
    url = closed_port_url()
    outage = Outage(aws, {EAST1}, url)
    with pytest.raises(RegionUnreachableError):
        discover("shop", [EAST1, EAST2], client_factory=outage)  # the default: strict
    topology = discover("shop", [EAST1, EAST2], client_factory=outage, tolerate_unreachable=True)
    assert topology.unreachable_regions == (EAST1,)
    assert topology.format_table().splitlines()[:5] == [
        "multiregion-tap app 'shop': 1 stack(s), 1/2 region(s) deployed, unreachable us-east-1",
        "",
        *topology.format_table().splitlines()[2:4],
        f"us-east-1  -          region         -               UNREACHABLE: "
        f"{UNREACHABLE.format(url=url)}",
    ]
    data = topology.as_dict()
    assert data["regional"][0] | {"error": None} == {
        **data["regional"][0],
        "reachable": False,
        "role": None,
        "stack": None,
        "error": None,
    }
    assert data["regional"][0]["error"] == UNREACHABLE.format(url=url)
    assert (data["regional"][1]["reachable"], data["regional"][1]["error"]) == (True, None)
    assert data["unreachable_regions"] == [EAST1]


def test_an_unreachable_helper_region_and_every_region_down(
    aws: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    deploy_bare_app(aws)
    url = closed_port_url()
    status = app_status(
        "shop", [EAST1, EAST2], helper_regions=[WEST2], client_factory=Outage(aws, {WEST2}, url)
    )
    assert dict(status.unreachable_helper_regions) == {
        WEST2: UNREACHABLE.format(url=url).replace(EAST1, WEST2)
    }
    assert (
        status.dns.error
        == "stack shop-dns not found in us-east-1, us-east-2 (unreachable: us-west-2)"
    )
    code, out, err = run(
        capsys,
        monkeypatch,
        Outage(aws, {EAST1, EAST2}, url),
        "shop",
        "--regions",
        f"{EAST1},{EAST2}",
    )
    assert code == EXIT_AWS_ERROR
    assert err == "multiregion-tap: error: no region answered: see the status above\n"
    assert out.splitlines()[:4] == [
        "multiregion-tap status of app 'shop': 0/2 region(s) reachable",
        "",
        f"us-east-1: UNREACHABLE: {UNREACHABLE.format(url=url)}",
        f"us-east-2: UNREACHABLE: {UNREACHABLE.format(url=url).replace(EAST1, EAST2)}",
    ]


class Route53Down(Outage):
    def __call__(self, service: str, region: str) -> Any:
        if service == "route53":
            return self.session.client(service, region_name=region, endpoint_url=self.endpoint)
        return super().__call__(service, region)


def test_route53_not_answering_is_one_line(aws: Any) -> None:
    deploy_app(aws)
    url = closed_port_url()
    status = app_status("shop", [EAST1, EAST2], client_factory=Route53Down(aws, set(), url))
    lines = status.format_text().splitlines()
    dns_at = next(i for i, line in enumerate(lines) if line.startswith("dns: "))
    assert lines[dns_at + 1] == (
        "  Route 53 did not answer: cannot reach route53 in region us-east-1 at "
        f"{url}/2013-04-01/hostedzone/{status.dns.hosted_zone_id} (get_hosted_zone: Could not "
        f'connect to the endpoint URL: "{url}/2013-04-01/hostedzone/{status.dns.hosted_zone_id}"'
        "): check the region name, the network, and AWS_ENDPOINT_URL"
    )
    assert lines[-1] == "next: nothing to do"


# ---------------------------------------------------------------------- after a promotion
def test_promoted_one_writer_dns_on_the_promoted_region(
    aws: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = deploy_app(aws, (EAST1, EAST2, WEST2), dns_region=EAST2)
    promote(aws, EAST2, "shop-db-us-east-2")
    point_dns(aws, ids["zone_id"], ids["checks"], (EAST2, WEST2))
    code, out, err = run(
        capsys,
        monkeypatch,
        Outage(aws, {EAST1}, closed_port_url()),
        "shop",
        "--regions",
        f"{EAST1},{EAST2},{WEST2}",
    )
    assert (code, err) == (EXIT_FOUND, "")
    lines = out.splitlines()
    assert "  database shop-db-us-east-2: WRITER" in lines
    assert "  PRIMARY -> us-east-2" in lines
    assert "  SECONDARY order: us-west-2" in lines
    assert not any(line.startswith("WARNING") for line in lines)
    assert lines[-2:] == [
        "next: no automatic advice; see the failover runbook",
        "the primary region us-east-1 is unreachable and us-east-2 has the writer: the failover "
        "has happened or is under way; fail back once us-east-1 answers again",
    ]


def test_two_writers_warn_and_exit_4(
    aws: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """us-east-1 answers again after the failover, its old database still a writer."""
    ids = deploy_app(aws)
    promote(aws, EAST2, "shop-db-us-east-2")
    point_dns(aws, ids["zone_id"], ids["checks"], (EAST2, EAST1))
    code, out, err = run(
        capsys, monkeypatch, Outage(aws, set(), ""), "shop", "--regions", f"{EAST1},{EAST2}"
    )
    assert (code, err) == (EXIT_TWO_WRITERS, "")
    lines = out.splitlines()
    assert "  PRIMARY -> us-east-2" in lines and "  SECONDARY order: us-east-1" in lines
    # Its service still runs (no ECS service here): the next step stands it down.
    assert lines[-3:] == [
        "WARNING: 2 regions have a writer database: us-east-1 (shop-db-us-east-1), us-east-2 "
        "(shop-db-us-east-2): both take writes and diverge; stop the writes of all but one "
        "(failover runbook)",
        "",
        "cdk deploy shop-us-east-1 --exclusively -c database_history=promote:us-east-2",
    ]


# ---------------------------------------------------------------------- the next step, pure
def _states(*specs: str) -> list[RegionState]:
    """``"us-east-1 primary writer"``, ``"us-east-2 secondary"``, ``"us-west-2 down"``,
    ``"us-east-1 primary writer stood-down"`` (its service scaled to zero),
    ``"us-east-2 secondary writer h=promote:us-east-2"`` (its stack's database history)."""
    states = []
    for spec in specs:
        region, *words = spec.split()
        role = next((w for w in words if w in {"primary", "secondary"}), None)
        history = next((w[2:] for w in words if w.startswith("h=")), "")
        states.append(
            RegionState(
                region=region,
                reachable="down" not in words,
                role=role,
                writer="writer" in words,
                stood_down="stood-down" in words,
                database_history=history,
            )
        )
    return states


NO_ADVICE = "next: no automatic advice; see the failover runbook"
H1 = "h=promote:us-east-2"
H2 = "h=promote:us-east-2,rebuild:us-east-1"
H3 = "h=promote:us-east-2,rebuild:us-east-1,promote:us-east-1"
H4 = "h=promote:us-east-2,rebuild:us-east-1,promote:us-east-1,rebuild:us-east-2"
REBUILD = [
    "cdk deploy shop-us-east-1 --exclusively -c database_history=promote:us-east-2,"
    "rebuild:us-east-1",
    "cdk deploy shop-dns --exclusively -c database_history=promote:us-east-2,rebuild:us-east-1",
]
SWITCH = [
    f"cdk deploy shop-{region} --exclusively -c database_history={H3[2:]}"
    for region in ("us-east-2", "us-east-1", "dns")
]
REBUILD_OTHER = [
    f"cdk deploy shop-{stack} --exclusively -c database_history={H4[2:]}"
    for stack in ("us-east-2", "dns")
]


@pytest.mark.parametrize(
    ("specs", "expected"),
    [
        (["us-east-1 primary writer", "us-east-2 secondary"], ["next: nothing to do"]),
        (
            ["us-east-1 primary writer", "us-east-2 secondary", "us-west-2 secondary"],
            ["next: nothing to do"],
        ),
        (["us-east-1 down", "us-east-2 secondary"], FAILOVER_2),
        (
            ["us-east-1 down", "us-east-2 secondary", "us-west-2 secondary"],
            [
                *FAILOVER_2,
                "cdk deploy shop-us-west-2 --exclusively -c database_history=promote:us-east-2",
            ],
        ),
        (
            ["us-east-1 down", "us-east-2 down", "us-west-2 secondary", "eu-west-1 secondary"],
            [
                "cdk deploy shop-us-west-2 --exclusively -c database_history=promote:us-west-2",
                "cdk deploy shop-dns --exclusively -c database_history=promote:us-west-2",
                "cdk deploy shop-eu-west-1 --exclusively -c database_history=promote:us-west-2",
            ],
        ),
        (
            # The role output names the primary, not the order of --regions.
            ["us-east-2 secondary", "us-east-1 primary writer"],
            ["next: nothing to do"],
        ),
        (
            # The old primary is back with its service running: stand it down (runbook step 4).
            ["us-east-1 primary writer", f"us-east-2 secondary writer {H1}"],
            ["cdk deploy shop-us-east-1 --exclusively -c database_history=promote:us-east-2"],
        ),
        (
            ["us-east-1 primary writer", f"us-east-2 secondary writer {H1}", "us-west-2 down"],
            ["cdk deploy shop-us-east-1 --exclusively -c database_history=promote:us-east-2"],
        ),
        (
            # Stood down: its standalone database is superseded: rebuild it (fail-back, 1).
            [f"us-east-1 primary writer stood-down {H1}", f"us-east-2 secondary writer {H1}"],
            REBUILD,
        ),
        (
            # Rebuilt as a replica of the writer: the switch (fail-back, 2).
            [f"us-east-1 primary {H2}", f"us-east-2 secondary writer {H2}"],
            SWITCH,
        ),
        (
            # The switch's first deploy done (us-east-2 stood down): the rest of it.
            [f"us-east-1 primary {H2}", f"us-east-2 secondary writer stood-down {H3}"],
            SWITCH[1:],
        ),
        (
            # Switched: rebuild the region that had the writer (fail-back, 3).
            [f"us-east-1 primary writer {H3}", f"us-east-2 secondary writer stood-down {H3}"],
            REBUILD_OTHER,
        ),
        ([f"us-east-1 primary writer {H4}", f"us-east-2 secondary {H4}"], ["next: nothing to do"]),
        (
            # The history of the longest stack wins: the second failover appends to it.
            [f"us-east-1 down {H4}", f"us-east-2 secondary {H4}"],
            [
                f"cdk deploy shop-{stack} --exclusively -c database_history={H4[2:]},"
                "promote:us-east-2"
                for stack in ("us-east-2", "dns")
            ],
        ),
        (
            # After the failover, while the old primary region is still down.
            ["us-east-1 down", f"us-east-2 secondary writer {H1}"],
            [
                NO_ADVICE,
                "the primary region us-east-1 is unreachable and us-east-2 has the writer: the "
                "failover has happened or is under way; fail back once us-east-1 answers again",
            ],
        ),
        (
            ["us-east-1 down", "us-east-2 secondary writer"],
            [
                NO_ADVICE,
                "the writer's region us-east-1 is unreachable and us-east-2 has a writer: the "
                "failover has happened or is under way; fail back once us-east-1 answers again",
            ],
        ),
        (
            # A secondary region fails: nothing to do (runbook step 2).
            ["us-east-1 primary writer", "us-east-2 down"],
            ["next: nothing to do"],
        ),
        (
            ["us-east-1 primary writer", "us-east-2 down", "us-west-2 secondary"],
            ["next: nothing to do"],
        ),
        (
            ["us-east-1 primary", "us-east-2 secondary"],
            [NO_ADVICE, "no reachable region has a writer database"],
        ),
        (
            ["us-east-1 primary", "us-east-2 secondary writer", "us-west-2 secondary writer"],
            [
                NO_ADVICE,
                "us-east-2, us-west-2 have a writer, not the primary region us-east-1, and no "
                "regional stack reports a database history",
            ],
        ),
        (
            # A history ahead of its deploy: a failover half done (the DNS stack not yet).
            [f"us-east-1 primary writer stood-down {H1}", "us-east-2 secondary"],
            [
                "cdk deploy shop-us-east-2 --exclusively -c database_history=promote:us-east-2",
                "cdk deploy shop-dns --exclusively -c database_history=promote:us-east-2",
            ],
        ),
        (
            ["us-east-1 down", "us-east-2 down"],
            [
                NO_ADVICE,
                "the writer's region us-east-1 is unreachable and no reachable region has a "
                "read replica to fail over to",
            ],
        ),
        (
            ["us-east-1", "us-east-2 down"],
            [NO_ADVICE, "no region's role output says primary, and the first region answered"],
        ),
    ],
)
def test_next_step(specs: list[str], expected: list[str]) -> None:
    assert next_step("shop", _states(*specs)) == expected


@pytest.mark.parametrize("timeout", [0, -1, 301, "5", True])
def test_a_bad_probe_timeout_is_refused(aws: Any, timeout: Any) -> None:
    with pytest.raises(
        ValidationError,
        match=rf"^probe_timeout must be a number of seconds above 0 and at most 300, "
        rf"got {re.escape(repr(timeout))}$",
    ):
        discover("shop", [EAST1], session=aws, tolerate_unreachable=True, probe_timeout=timeout)


def test_session_and_client_factory_together_are_refused(aws: Any) -> None:
    """As discover: one way to reach AWS, never a silent choice between two."""
    with pytest.raises(
        ValidationError, match=r"^session and client_factory are mutually exclusive"
    ):
        app_status(
            "shop",
            [EAST1],
            session=aws,
            client_factory=lambda service, region: aws.client(service, region_name=region),
        )
