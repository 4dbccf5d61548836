"""discovery/status.py without moto: the text of every kind of region and DNS line, the writers,
and the reading of one region, the replica lag and the DNS failover from hand-built topologies
and fake CloudWatch and Route 53 clients (AWS's literal names and parameters). Kills the
mutants of ``tools/mutate.py`` in about a second each (docs/guides/testing.md)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError, NoCredentialsError

from multiregion_tap.discovery import model, status
from multiregion_tap.discovery.aws import Clients
from multiregion_tap.discovery.topology import Topology

E1, E2, W2 = "us-east-1", "us-east-2", "us-west-2"
SOURCE = "arn:aws:rds:us-east-1:123456789012:db:shop-db"


def test_star_import_and_the_lag_window() -> None:
    namespace: dict[str, object] = {}
    exec("from multiregion_tap.discovery.status import *", namespace)
    assert {k for k in namespace if not k.startswith("__")} == {
        "AppStatus",
        "DnsStatus",
        "HealthCheckStatus",
        "RegionStatus",
        "app_status",
    }
    assert timedelta(minutes=5) == status.LAG_WINDOW


def test_defaults() -> None:
    region = status.RegionStatus(region=E1, reachable=True)
    assert (region.writer, region.stood_down, region.database_history) == (False, False, "")
    assert status.HealthCheckStatus(health_check_id="hc").status == "n/a"
    assert status.DnsStatus() == status.DnsStatus(stack_name=None, secondary_order=())


def _app(regional: tuple[status.RegionStatus, ...], dns: status.DnsStatus, **kw: Any) -> Any:
    return status.AppStatus(
        app_name="shop", regions=tuple(r.region for r in regional), regional=regional, dns=dns, **kw
    )


def test_writers_are_reachable_writers_that_are_not_stood_down() -> None:
    regional = (
        status.RegionStatus(region=E1, reachable=True, writer=True),
        status.RegionStatus(region=E2, reachable=True, writer=True, stood_down=True),
        status.RegionStatus(region=W2, reachable=False, writer=True),
        status.RegionStatus(region="eu-west-1", reachable=True, writer=False),
    )
    app = _app(regional, status.DnsStatus(error="x"))
    assert app.writers == (E1,)
    assert json.loads(app.to_json())["writers"] == [E1]
    assert app.to_json().startswith('{\n  "app_name": "shop",\n  "regions": [\n')
    assert app.to_json(indent=None).startswith('{"app_name": "shop", "regions": [')
    assert hash(app) == hash(_app(regional, status.DnsStatus(error="x")))


def test_the_whole_text() -> None:
    regional = (
        status.RegionStatus(
            region=E1,
            reachable=True,
            stack_name="shop-us-east-1",
            stack_status="UPDATE_COMPLETE",
            role="primary",
            database="shop-db",
            writer=True,
        ),
        status.RegionStatus(
            region=E2,
            reachable=True,
            stack_name="shop-us-east-2",
            stack_status="CREATE_COMPLETE",
            role="secondary",
            database="shop-db-r",
            replica_source=SOURCE,
            replica_lag_seconds=2.5,
        ),
        status.RegionStatus(
            region=W2,
            reachable=True,
            stack_name="shop-us-west-2",
            stack_status="CREATE_COMPLETE",
            database="shop-db-w",
            replica_source=SOURCE,
            replica_lag_note="no ReplicaLag datapoint in the last 5 minutes",
        ),
        status.RegionStatus(
            region="eu-west-1",
            reachable=True,
            stack_name="shop-eu-west-1",
            stack_status="CREATE_COMPLETE",
            role="secondary",
        ),
        status.RegionStatus(
            region="eu-west-2",
            reachable=True,
            stack_name="shop-eu-west-2",
            stack_status="CREATE_COMPLETE",
            role="primary",
            database="old",
            writer=True,
            stood_down=True,
        ),
        status.RegionStatus(region="eu-west-3", reachable=True),
        status.RegionStatus(region="ap-south-1", reachable=False, error="timeout"),
    )
    dns = status.DnsStatus(
        stack_name="shop-dns",
        stack_region=E1,
        record_name="app.example.com.",
        hosted_zone_id="Z1",
        hosted_zone_name="example.com.",
        primary_region=E1,
        secondary_order=(E2, W2),
        health_checks=(
            status.HealthCheckStatus(
                health_check_id="hc-1",
                protocol="HTTPS",
                fqdn="lb1.amazonaws.com",
                port=443,
                path="/health",
                interval_seconds=30,
                failure_threshold=3,
                target_region=E1,
                status="healthy (8/8 checkers report success)",
            ),
            status.HealthCheckStatus(health_check_id="hc-2"),
        ),
    )
    app = _app(
        regional,
        dns,
        unreachable_helper_regions=model.frozen_map({"sa-east-1": "refused"}),
        warnings=("WARNING: two writers",),
        next=("next: nothing to do",),
    )
    assert app.format_text() == (
        "multiregion-tap status of app 'shop': 6/7 region(s) reachable\n"
        "\n"
        "us-east-1: reachable, stack shop-us-east-1 UPDATE_COMPLETE, role primary\n"
        "  database shop-db: WRITER\n"
        "us-east-2: reachable, stack shop-us-east-2 CREATE_COMPLETE, role secondary\n"
        f"  database shop-db-r: replica of {SOURCE}, replica lag 2.5 s (maximum over the "
        "last 5 minutes)\n"
        "us-west-2: reachable, stack shop-us-west-2 CREATE_COMPLETE, role unknown\n"
        f"  database shop-db-w: replica of {SOURCE}, replica lag n/a (no ReplicaLag datapoint "
        "in the last 5 minutes)\n"
        "eu-west-1: reachable, stack shop-eu-west-1 CREATE_COMPLETE, role secondary\n"
        "  database: not found\n"
        "eu-west-2: reachable, stack shop-eu-west-2 CREATE_COMPLETE, role primary\n"
        "  database old: standalone, superseded (service stood down: 0 tasks)\n"
        "eu-west-3: reachable, no regional stack\n"
        "ap-south-1: UNREACHABLE: timeout\n"
        "helper region sa-east-1: UNREACHABLE: refused\n"
        "\n"
        "dns: stack shop-dns in us-east-1, record app.example.com. in zone example.com. (Z1)\n"
        "  PRIMARY -> us-east-1\n"
        "  SECONDARY order: us-east-2, us-west-2\n"
        "  health check hc-1: HTTPS lb1.amazonaws.com:443/health, every 30 s, failure "
        "threshold 3 (us-east-1): healthy (8/8 checkers report success)\n"
        "  health check hc-2: ? ?:?, every ? s, failure threshold ?: n/a\n"
        "\n"
        "WARNING: two writers\n"
        "\n"
        "next: nothing to do\n"
    )
    assert str(app) == app.format_text()


def test_dns_lines_without_records_with_an_error_or_without_a_stack() -> None:
    empty = status.DnsStatus(stack_name="shop-dns", stack_region=E1)
    assert status._dns_lines(empty) == [
        "dns: stack shop-dns in us-east-1, record ? in zone ? (?)",
        "  PRIMARY -> no PRIMARY record",
        "  SECONDARY order: no SECONDARY record",
    ]
    failed = status.DnsStatus(stack_name="shop-dns", stack_region=E1, error="Route 53: x")
    assert status._dns_lines(failed) == [
        "dns: stack shop-dns in us-east-1, record ? in zone ? (?)",
        "  Route 53: x",
    ]
    assert status._dns_lines(status.DnsStatus(error="stack shop-dns not found")) == [
        "dns: stack shop-dns not found"
    ]
    app = _app((status.RegionStatus(region=E1, reachable=False, error="t"),), failed)
    assert app.format_text() == (
        "multiregion-tap status of app 'shop': 0/1 region(s) reachable\n\n"
        "us-east-1: UNREACHABLE: t\n\n"
        "dns: stack shop-dns in us-east-1, record ? in zone ? (?)\n  Route 53: x\n\n"
    )


class CloudWatch:
    def __init__(self, datapoints: list[dict[str, Any]] | None, error: Exception | None = None):
        self.datapoints, self.error = datapoints, error
        self.asked: list[dict[str, Any]] = []

    def get_metric_statistics(self, **kw: Any) -> dict[str, Any]:
        self.asked.append(kw)
        if self.error is not None:
            raise self.error
        return {"Datapoints": self.datapoints}


def _region(
    db: model.DatabaseInfo | None = None,
    *,
    desired: int | None = None,
    history: str | None = None,
    stack: bool = True,
) -> model.RegionTopology:
    outputs = {"DatabaseHistory": history} if history is not None else {}
    service = (
        model.ServiceInfo(name="web", arn="a", region=E2, desired_count=desired)
        if desired is not None
        else None
    )
    return model.RegionTopology(
        region=E2,
        role="secondary",
        stack=model.StackInfo(
            name="shop-us-east-2",
            region=E2,
            kind="regional",
            stack_id="id",
            status="UPDATE_COMPLETE",
            outputs=model.frozen_map(outputs),
        )
        if stack
        else None,
        database=db,
        service=service,
    )


REPLICA = model.DatabaseInfo(identifier="shop-db-r", arn="r", region=E2, source_arn=SOURCE)
PRIMARY = model.DatabaseInfo(identifier="shop-db", arn="p", region=E2)


def test_a_replica_s_lag_is_the_maximum_of_cloudwatch_s_replicalag() -> None:
    cloudwatch = CloudWatch([{"Maximum": 1.0}, {"Maximum": 4.5}, {"Average": 9.0}])
    found = status._region_status(Clients(lambda s, r: cloudwatch), _region(REPLICA))
    assert (found.replica_lag_seconds, found.replica_lag_note) == (4.5, None)
    assert (found.database, found.writer, found.replica_source) == ("shop-db-r", False, SOURCE)
    (asked,) = cloudwatch.asked
    assert asked["Namespace"] == "AWS/RDS"
    assert asked["MetricName"] == "ReplicaLag"
    assert asked["Dimensions"] == [{"Name": "DBInstanceIdentifier", "Value": "shop-db-r"}]
    assert asked["EndTime"] - asked["StartTime"] == timedelta(minutes=5)
    assert (asked["Period"], asked["Statistics"]) == (60, ["Maximum"])


def test_no_lag_datapoint_and_cloudwatch_failures() -> None:
    empty = status._region_status(Clients(lambda s, r: CloudWatch([])), _region(REPLICA))
    assert (empty.replica_lag_seconds, empty.replica_lag_note) == (
        None,
        "no ReplicaLag datapoint in the last 5 minutes",
    )
    denied = CloudWatch(None, ClientError({"Error": {"Code": "AccessDenied"}}, "GetMetric"))
    found = status._region_status(Clients(lambda s, r: denied), _region(REPLICA))
    assert found.replica_lag_note is not None
    assert found.replica_lag_note.startswith("CloudWatch: access denied (")
    broken = CloudWatch(None, RuntimeError("bug"))
    with pytest.raises(RuntimeError):
        status._region_status(Clients(lambda s, r: broken), _region(REPLICA))


def test_a_writer_a_stood_down_service_and_the_history() -> None:
    def no_clients(service: str, region: str) -> Any:
        raise AssertionError("a writer's lag is not asked for")

    writer = status._region_status(
        Clients(no_clients), _region(PRIMARY, desired=2, history="promote:us-east-2")
    )
    assert writer == status.RegionStatus(
        region=E2,
        reachable=True,
        stack_name="shop-us-east-2",
        stack_status="UPDATE_COMPLETE",
        role="secondary",
        database="shop-db",
        writer=True,
        stood_down=False,
        database_history="promote:us-east-2",
    )
    stood_down = status._region_status(Clients(no_clients), _region(PRIMARY, desired=0))
    assert (stood_down.stood_down, stood_down.database_history) == (True, "")
    bare = status._region_status(Clients(no_clients), _region(None, stack=False))
    assert (bare.stack_name, bare.stack_status, bare.database, bare.writer) == (
        None,
        None,
        None,
        False,
    )
    assert bare.stood_down is False and bare.database_history == ""
    down = model.RegionTopology(region=W2, role="secondary", reachable=False, error="timeout")
    assert status._region_status(Clients(no_clients), down) == status.RegionStatus(
        region=W2, reachable=False, error="timeout", role="secondary"
    )


class Route53:
    def __init__(
        self,
        sets: list[dict[str, Any]],
        zone: dict[str, Any] | None = None,
        *,
        checks: dict[str, dict[str, Any]] | None = None,
        error: Exception | None = None,
        status_error: Exception | None = None,
    ) -> None:
        self.sets, self.zone, self.checks = sets, zone, checks or {}
        self.error, self.status_error = error, status_error
        self.asked: list[str] = []

    def get_hosted_zone(self, **kw: Any) -> dict[str, Any]:
        self.asked.append(f"zone {kw['Id']}")
        if self.error is not None:
            raise self.error
        if self.zone is None:
            raise ClientError({"Error": {"Code": "NoSuchHostedZone"}}, "GetHostedZone")
        return self.zone

    def list_resource_record_sets(self, **kw: Any) -> dict[str, Any]:
        return {"ResourceRecordSets": self.sets}

    def get_health_check(self, **kw: Any) -> dict[str, Any]:
        check = self.checks.get(kw["HealthCheckId"])
        if check is None:
            raise ClientError({"Error": {"Code": "NoSuchHealthCheck"}}, "GetHealthCheck")
        return {"HealthCheck": check}

    def get_health_check_status(self, **kw: Any) -> dict[str, Any]:
        if self.status_error is not None:
            raise self.status_error
        return {"HealthCheckObservations": [{"StatusReport": {"Status": "Success: 200"}}]}


def _stack(name: str, region: str, kind: str, **outputs: str) -> model.StackInfo:
    return model.StackInfo(
        name=name,
        region=region,
        kind=kind,
        stack_id="id",
        status="CREATE_COMPLETE",
        outputs=model.frozen_map(outputs),
    )


def _topology(stacks: tuple[model.StackInfo, ...], **kw: Any) -> Topology:
    regional = kw.pop(
        "regional",
        (
            model.RegionTopology(region=E1, role="primary"),
            model.RegionTopology(region=E2, role="secondary"),
        ),
    )
    return Topology(
        app_name="shop",
        regions=tuple(r.region for r in regional),
        stacks=stacks,
        regional=regional,
        **kw,
    )


DNS_STACK = _stack(
    "shop-dns",
    "cn-north-1",
    "dns",
    HostedZoneId="/hostedzone/Z1",
    FailoverRecordName="app.example.com",
)
LB_STACKS = (
    _stack("shop-us-east-1", E1, "regional", LoadBalancerDnsName="lb1.amazonaws.com"),
    _stack("shop-us-east-2", E2, "regional", LoadBalancerDnsName="lb2.amazonaws.com"),
)
SETS = [
    {
        "Name": "app.example.com.",
        "Type": "A",
        "Failover": "PRIMARY",
        "AliasTarget": {"DNSName": "lb1.amazonaws.com."},
        "HealthCheckId": "hc-1",
    },
    {
        "Name": "app.example.com.",
        "Type": "A",
        "Failover": "SECONDARY",
        "AliasTarget": {"DNSName": "_failover-1.app.example.com."},
        "HealthCheckId": "hc-1",
    },
    {
        "Name": "_failover-1.app.example.com.",
        "Type": "A",
        "Failover": "PRIMARY",
        "AliasTarget": {"DNSName": "lb2.amazonaws.com."},
        "HealthCheckId": "hc-2",
    },
    {"Name": "other.example.com.", "Type": "A", "Failover": "PRIMARY", "HealthCheckId": "hc-9"},
]
CHECK = {
    "Id": "hc-1",
    "HealthCheckConfig": {
        "Type": "HTTPS",
        "FullyQualifiedDomainName": "lb1.amazonaws.com",
        "Port": 443,
        "ResourcePath": "/health",
        "RequestInterval": 30,
        "FailureThreshold": 3,
    },
}


def test_the_dns_failover_from_route53() -> None:
    route53 = Route53(
        SETS,
        {"HostedZone": {"Name": "example.com."}},
        checks={
            "hc-1": CHECK,
            "hc-2": {"Id": "hc-2", "HealthCheckConfig": {"IPAddress": "1.2.3.4"}},
        },
    )
    made: list[tuple[str, str]] = []

    def factory(service: str, region: str) -> Route53:
        made.append((service, region))
        return route53

    dns = status._dns_status(Clients(factory), _topology((*LB_STACKS, DNS_STACK)))
    assert made == [("route53", "cn-northwest-1")]
    assert route53.asked == ["zone Z1"]
    assert dns == status.DnsStatus(
        stack_name="shop-dns",
        stack_region="cn-north-1",
        record_name="app.example.com.",
        hosted_zone_id="Z1",
        hosted_zone_name="example.com.",
        primary_region=E1,
        secondary_order=(E2,),
        health_checks=(
            status.HealthCheckStatus(
                health_check_id="hc-1",
                protocol="HTTPS",
                fqdn="lb1.amazonaws.com",
                port=443,
                path="/health",
                interval_seconds=30,
                failure_threshold=3,
                target_region=E1,
                status="healthy (1/1 checkers report success)",
            ),
            status.HealthCheckStatus(
                health_check_id="hc-2",
                fqdn="1.2.3.4",
                status="healthy (1/1 checkers report success)",
            ),
        ),
    )


def test_a_health_check_gone_or_whose_status_cannot_be_read() -> None:
    gone = Route53(SETS[:1], {"HostedZone": {}}, checks={})
    dns = status._dns_status(Clients(lambda s, r: gone), _topology((*LB_STACKS, DNS_STACK)))
    assert dns.health_checks == (
        status.HealthCheckStatus(health_check_id="hc-1", status="n/a (not found)"),
    )
    assert dns.hosted_zone_name is None
    denied = Route53(
        SETS[:1],
        {"HostedZone": {"Name": "example.com."}},
        checks={"hc-1": CHECK},
        status_error=NoCredentialsError(),
    )
    dns = status._dns_status(Clients(lambda s, r: denied), _topology((*LB_STACKS, DNS_STACK)))
    assert dns.health_checks[0].status.startswith("n/a (no usable AWS credentials (")
    broken = Route53(
        SETS[:1], {"HostedZone": {}}, checks={"hc-1": CHECK}, status_error=KeyError("x")
    )
    with pytest.raises(KeyError):
        status._dns_status(Clients(lambda s, r: broken), _topology((*LB_STACKS, DNS_STACK)))


def test_dns_errors() -> None:
    clients = Clients(lambda s, r: Route53([], None))
    assert status._dns_status(clients, _topology((*LB_STACKS, DNS_STACK))) == status.DnsStatus(
        stack_name="shop-dns",
        stack_region="cn-north-1",
        record_name="app.example.com.",
        hosted_zone_id="Z1",
        error="hosted zone Z1 not found",
    )
    no_outputs = _stack("shop-dns", E1, "dns", FailoverRecordName="app.example.com")
    assert status._dns_status(clients, _topology((no_outputs,))).error == (
        "the DNS stack has no HostedZoneId or FailoverRecordName output"
    )
    no_record = _stack("shop-dns", E1, "dns", HostedZoneId="Z1")
    assert status._dns_status(clients, _topology((no_record,))).error == (
        "the DNS stack has no HostedZoneId or FailoverRecordName output"
    )
    failed = _topology((DNS_STACK,), dns_error="timeout")
    assert status._dns_status(clients, failed).error == "Route 53 did not answer: timeout"
    denied = Route53([], None, error=NoCredentialsError())
    found = status._dns_status(Clients(lambda s, r: denied), _topology((DNS_STACK,)))
    assert found.error is not None
    assert found.error.startswith("Route 53 did not answer: no usable AWS credentials (")
    with pytest.raises(RuntimeError):
        status._dns_status(
            Clients(lambda s, r: Route53([], None, error=RuntimeError("bug"))),
            _topology((DNS_STACK,)),
        )


def test_no_dns_stack_names_where_it_was_looked_for() -> None:
    clients = Clients(lambda s, r: Route53([], None))
    assert status._dns_status(clients, _topology(LB_STACKS)).error == (
        "stack shop-dns not found in us-east-1, us-east-2"
    )
    regional = (
        model.RegionTopology(region=E1, role="primary"),
        model.RegionTopology(region=E2, role=None, reachable=False, error="t"),
    )
    partial = _topology(
        LB_STACKS,
        regional=regional,
        helper_regions=(W2, "eu-west-1", E1),
        unreachable_helper_regions=model.frozen_map({"eu-west-1": "t"}),
    )
    assert status._dns_status(clients, partial).error == (
        "stack shop-dns not found in us-east-1, us-west-2 (unreachable: us-east-2, eu-west-1)"
    )
    none = _topology((), regional=regional[1:])
    assert status._dns_status(clients, none).error == (
        "stack shop-dns not found in any region (unreachable: us-east-2)"
    )


@pytest.mark.parametrize(
    "cls", [status.RegionStatus, status.HealthCheckStatus, status.DnsStatus, status.AppStatus]
)
def test_status_types_are_keyword_only_frozen_and_hashable(cls: type) -> None:
    import dataclasses

    required = {
        f.name: "x"
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    instance = cls(**required)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(instance, dataclasses.fields(cls)[0].name, "y")
    with pytest.raises(TypeError):
        cls(*required.values(), "x")  # one positional argument too many, or any at all
    assert hash(instance) == hash(cls(**required))


def test_app_status_asks_only_the_given_client_factory(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.unit.test_mutation_walk import world

    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    aws = world()
    found = status.app_status("shop", [E1, E2], client_factory=aws, timeout=1)
    assert [(r.region, r.reachable, r.writer) for r in found.regional] == [
        (E1, True, True),
        (E2, True, False),
    ]
    assert found.regional[1].replica_lag_note == "no ReplicaLag datapoint in the last 5 minutes"
    assert found.dns.error == "the DNS stack has no HostedZoneId or FailoverRecordName output"
    assert (found.writers, found.warnings, found.next) == ((E1,), (), ("next: nothing to do",))
    assert ("cloudwatch", E2, "get_metric_statistics") in [c[:3] for c in aws.calls]


def test_app_status_uses_the_session_it_is_given(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    from tests.unit.test_mutation_walk import world

    # a default boto3 session here would find no credentials and fail at once
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    aws = world()

    class Session:
        def client(self, service_name: str, region_name: str | None = None, **kw: Any) -> Any:
            return aws(service_name, str(region_name))

    found = status.app_status("shop", [E1, E2], session=Session(), timeout=1)
    assert found.next == ("next: nothing to do",)
    assert ("cloudformation", E1, "describe_stacks") in [c[:3] for c in aws.calls]
