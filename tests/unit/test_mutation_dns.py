"""discovery/dns.py with a fake Route 53 client (no network, no moto): the partition's Route 53
region, which stack is the DNS stack, how records and health checks are placed in regions,
the failover order along the chain of hidden pairs, the health-check verdict. Kills the mutants
of ``tools/mutate.py`` in about a second each (docs/guides/testing.md)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from multiregion_tap.discovery import dns, model
from multiregion_tap.discovery.aws import Clients

E1, E2, W2 = "us-east-1", "us-east-2", "us-west-2"


def stack(name: str, region: str, kind: str, **outputs: str) -> model.StackInfo:
    return model.StackInfo(
        name=name,
        region=region,
        kind=kind,
        stack_id="id",
        status="CREATE_COMPLETE",
        outputs=model.frozen_map(outputs),
    )


def rec(
    name: str,
    failover: str,
    *,
    region: str | None = None,
    alias: str | None = None,
    values: tuple[str, ...] = (),
    type: str = "A",
) -> model.FailoverRecordInfo:
    return model.FailoverRecordInfo(
        name=name,
        type=type,
        failover=failover,
        target_region=region,
        alias_dns_name=alias,
        values=values,
    )


@pytest.mark.parametrize(
    ("region", "home"),
    [
        ("us-east-2", "us-east-1"),
        ("eu-west-1", "us-east-1"),
        ("cn-north-1", "cn-northwest-1"),
        ("us-gov-east-1", "us-gov-west-1"),
    ],
)
def test_route53_region_per_partition(region: str, home: str) -> None:
    assert dns.route53_region(region) == home


def test_dns_stack_is_the_dns_kind_else_one_with_a_hosted_zone_output() -> None:
    regional = stack("shop-us-east-1", E1, "regional")
    with_zone = stack("shop-zone", E1, "helper", HostedZoneId="Z1")
    the_dns = stack("shop-dns", E1, "dns")
    assert dns.dns_stack([regional, with_zone, the_dns]) is the_dns
    assert dns.dns_stack(iter([regional, with_zone])) is with_zone
    assert dns.dns_stack([regional]) is None


def test_load_balancer_regions_from_regional_outputs_then_discovered_load_balancers() -> None:
    stacks = [
        stack("shop-us-east-1", E1, "regional", LoadBalancerDnsName="LB1.amazonaws.com."),
        stack("shop-dns", W2, "dns", LoadBalancerDnsName="dns.amazonaws.com"),
        stack("shop-us-east-2", E2, "regional"),
    ]
    lbs = [
        model.LoadBalancerInfo(arn="a", name="n", region=W2, dns_name="lb1.amazonaws.com"),
        model.LoadBalancerInfo(
            arn="b", name="m", region=E2, dns_name="dualstack.lb2.amazonaws.com"
        ),
    ]
    assert dns.load_balancer_regions(stacks, lbs) == {
        "lb1.amazonaws.com": E1,
        "lb2.amazonaws.com": E2,
    }
    assert dns.load_balancer_regions(stacks) == {"lb1.amazonaws.com": E1}


def test_record_name_gets_the_trailing_dot() -> None:
    assert dns.record_name_of(stack("d", E1, "dns", FailoverRecordName="app.example.com")) == (
        "app.example.com."
    )
    assert dns.record_name_of(stack("d", E1, "dns", FailoverRecordName="app.example.com.")) == (
        "app.example.com."
    )
    assert dns.record_name_of(stack("d", E1, "dns")) is None


def test_in_chain_accepts_the_name_and_its_hidden_failover_names_only() -> None:
    accepts = dns.in_chain("App.Example.com.")
    assert accepts("app.example.com")
    assert accepts("_failover-1.app.example.com.")
    assert not accepts("_failover-1.other.example.com.")
    assert not accepts("x.app.example.com.")
    assert not accepts("_failover-1app.example.com.")


def test_failover_order_follows_the_chain_of_hidden_pairs() -> None:
    name = "app.example.com."
    hidden = "_failover-1.app.example.com."
    records = [
        rec(name, "PRIMARY", region=E1),
        rec(name, "SECONDARY", alias=f"{hidden}"),
        rec(hidden, "PRIMARY", region=E2),
        rec(hidden, "SECONDARY", region=W2),
        rec(name, "PRIMARY", region="xx-aaaa-1", type="AAAA"),
    ]
    assert dns.failover_order(records, "APP.example.com") == (E1, [E2, W2])
    assert dns.failover_order(records, name, "AAAA") == ("xx-aaaa-1", [])
    assert dns.failover_order(records, "other.example.com.") == (None, [])


def test_failover_order_names_an_unknown_target_and_stops_on_a_loop() -> None:
    name = "app.example.com."
    hidden = "_failover-1.app.example.com."
    unknown = [
        rec(name, "PRIMARY", alias="lb9.amazonaws.com"),
        rec(name, "SECONDARY", values=("1.2.3.4", "5.6.7.8")),
    ]
    assert dns.failover_order(unknown, name) == (
        "unknown (lb9.amazonaws.com)",
        ["unknown (1.2.3.4, 5.6.7.8)"],
    )
    loop = [
        rec(name, "SECONDARY", alias=hidden),
        rec(hidden, "PRIMARY", region=E2),
        rec(hidden, "SECONDARY", alias=name),
    ]
    assert dns.failover_order(loop, name) == (None, [E2, f"unknown ({name})"])
    no_primary_in_pair = [rec(name, "SECONDARY", alias=hidden), rec(hidden, "SECONDARY", region=W2)]
    assert dns.failover_order(no_primary_in_pair, name) == (None, [W2])


class Route53:
    """A fake Route 53 client: one zone, its record sets, health checks and their status."""

    def __init__(
        self,
        *,
        zone: dict[str, Any] | None,
        sets: list[dict[str, Any]],
        checks: dict[str, dict[str, Any]],
        status: dict[str, list[str]] | None = None,
    ) -> None:
        self.zone, self.sets, self.checks, self.status = zone, sets, checks, status or {}
        self.asked: list[tuple[str, dict[str, Any]]] = []

    def _not_found(self, operation: str) -> ClientError:
        return ClientError({"Error": {"Code": "NoSuchHostedZone", "Message": "x"}}, operation)

    def get_hosted_zone(self, **kw: Any) -> dict[str, Any]:
        self.asked.append(("get_hosted_zone", kw))
        if self.zone is None:
            raise self._not_found("GetHostedZone")
        return self.zone

    def list_resource_record_sets(self, **kw: Any) -> dict[str, Any]:
        self.asked.append(("list_resource_record_sets", kw))
        return {"ResourceRecordSets": self.sets}

    def get_health_check(self, **kw: Any) -> dict[str, Any]:
        self.asked.append(("get_health_check", kw))
        if kw["HealthCheckId"] not in self.checks:
            raise ClientError({"Error": {"Code": "NoSuchHealthCheck"}}, "GetHealthCheck")
        return {"HealthCheck": self.checks[kw["HealthCheckId"]]}

    def get_health_check_status(self, **kw: Any) -> dict[str, Any]:
        reports = self.status.get(kw["HealthCheckId"], [])
        return {"HealthCheckObservations": [{"StatusReport": {"Status": r}} for r in reports]}


def _check(check_id: str, fqdn: str) -> dict[str, Any]:
    return {
        "Id": check_id,
        "HealthCheckConfig": {"Type": "HTTPS", "FullyQualifiedDomainName": fqdn, "Port": 443},
    }


def test_find_dns_reads_the_zone_records_of_the_name_and_their_health_checks() -> None:
    dns_stack = stack(
        "shop-dns",
        E2,
        "dns",
        HostedZoneId="/hostedzone/Z1",
        FailoverRecordName="app.example.com",
    )
    regional = [
        stack("shop-us-east-1", E1, "regional", LoadBalancerDnsName="lb1.amazonaws.com"),
        stack("shop-us-east-2", E2, "regional", LoadBalancerDnsName="lb2.amazonaws.com"),
    ]
    sets = [
        {
            "Name": "app.example.com.",
            "Type": "A",
            "Failover": "SECONDARY",
            "SetIdentifier": "b",
            "AliasTarget": {"DNSName": "dualstack.lb2.amazonaws.com.", "HostedZoneId": "Z2"},
            "HealthCheckId": "hc-2",
        },
        {
            "Name": "app.example.com.",
            "Type": "A",
            "Failover": "PRIMARY",
            "SetIdentifier": "a",
            "AliasTarget": {"DNSName": "lb1.amazonaws.com.", "HostedZoneId": "Z2"},
            "HealthCheckId": "hc-1",
        },
        {"Name": "app.example.com.", "Type": "AAAA", "Failover": "PRIMARY", "SetIdentifier": "c"},
        {"Name": "app.example.com.", "Type": "TXT"},
        {"Name": "other.example.com.", "Type": "A", "Failover": "PRIMARY"},
    ]
    route53 = Route53(
        zone={"HostedZone": {"Name": "example.com."}},
        sets=sets,
        checks={
            "hc-1": _check("hc-1", "lb1.amazonaws.com"),
            "hc-2": _check("hc-2", "LB2.amazonaws.com"),
            "hc-3": _check("hc-3", "x"),
        },
    )
    made: list[tuple[str, str]] = []

    def factory(service: str, region: str) -> Route53:
        made.append((service, region))
        return route53

    resources = {"AWS::Route53::HealthCheck": ["hc-1", "hc-3", "hc-gone"]}
    found = dns.find_dns(
        Clients(factory), [*regional, dns_stack], [], lambda s, t: resources.get(t, [])
    )
    assert made == [("route53", "us-east-1")]
    assert found is not None
    assert (found.stack_name, found.region, found.hosted_zone_id) == ("shop-dns", E2, "Z1")
    assert (found.hosted_zone_name, found.record_name) == ("example.com.", "app.example.com.")
    assert [(r.type, r.failover, r.set_identifier, r.target_region) for r in found.records] == [
        ("A", "PRIMARY", "a", E1),
        ("AAAA", "PRIMARY", "c", None),
        ("A", "SECONDARY", "b", E2),
    ]
    assert [(h.health_check_id, h.target_region) for h in found.health_checks] == [
        ("hc-2", E2),
        ("hc-1", E1),
        ("hc-3", None),
    ]
    assert ("get_hosted_zone", {"Id": "Z1"}) in route53.asked
    assert ("list_resource_record_sets", {"HostedZoneId": "Z1"}) in route53.asked


def test_find_dns_zone_from_the_stack_resources_and_a_zone_gone() -> None:
    dns_stack = stack("shop-dns", "cn-north-1", "dns")
    route53 = Route53(zone=None, sets=[], checks={})
    made: list[tuple[str, str]] = []

    def factory(service: str, region: str) -> Route53:
        made.append((service, region))
        return route53

    resources = {"AWS::Route53::HostedZone": ["Z7"]}
    found = dns.find_dns(Clients(factory), [dns_stack], [], lambda s, t: resources.get(t, []))
    assert made == [("route53", "cn-northwest-1")]
    assert found == model.DnsInfo(stack_name="shop-dns", region="cn-north-1")
    assert route53.asked == [("get_hosted_zone", {"Id": "Z7"})]
    assert (
        dns.find_dns(
            Clients(factory), [stack("shop-us-east-1", E1, "regional")], [], lambda s, t: []
        )
        is None
    )


def test_find_dns_without_a_record_name_takes_every_failover_record() -> None:
    dns_stack = stack("shop-dns", E1, "dns", HostedZoneId="Z1")
    sets = [
        {"Name": "b.example.com.", "Type": "A", "Failover": "SECONDARY"},
        {"Name": "a.example.com.", "Type": "A", "Failover": "SECONDARY", "SetIdentifier": "z"},
        {"Name": "a.example.com.", "Type": "A", "Failover": "SECONDARY", "SetIdentifier": "y"},
        {"Name": "0.example.com.", "Type": "A", "Failover": "OTHER"},
    ]
    route53 = Route53(zone={"HostedZone": {}}, sets=sets, checks={})
    found = dns.find_dns(Clients(lambda s, r: route53), [dns_stack], [], lambda s, t: [])
    assert found is not None
    assert [(r.name, r.set_identifier) for r in found.records] == [
        ("a.example.com.", "y"),
        ("a.example.com.", "z"),
        ("b.example.com.", None),
        ("0.example.com.", None),  # after the SECONDARY ones, whatever its name
    ]
    assert found.hosted_zone_name is None


@pytest.mark.parametrize(
    ("reports", "verdict"),
    [
        ([], "no checker has reported yet"),
        (["Success: HTTP Status Code 200, OK"] * 2, "healthy (2/2 checkers report success)"),
        (
            ["Success: HTTP Status Code 200", "Failure: Connection  timed\nout"],
            "healthy (1/2 checkers report success; Failure: Connection timed out)",
        ),
        (["Failure: a", "Failure: b"], "unhealthy (0/2 checkers report success; Failure: a)"),
    ],
)
def test_health_check_status(reports: list[str], verdict: str) -> None:
    route53 = Route53(zone=None, sets=[], checks={}, status={"hc": reports})
    assert dns.health_check_status(route53, "hc") == verdict
