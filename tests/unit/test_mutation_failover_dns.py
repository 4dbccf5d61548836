"""failover_dns.py on small stacks: load balancers without services (an imported VPC each) in
us-east-1, us-east-2 and us-west-2, and five FailoverDns in one DNS stack, synthesized once:
a chain of three regions on a created zone with every default, a pair on a zone imported by
id with the other interval and the threshold's top, one region left on a given zone with
IPv6 forced, a created zone deleted with its stack on port 1, and a dualstack and an IPv4-only
load balancer together. Each health check's protocol and port from the load balancer's
listeners, each record's name, position, health check and alias, the outputs, and every
refusal with its exact message. Kills the mutants of ``tools/mutate.py`` in a few seconds
each (docs/guides/testing.md)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_route53 as route53

from multiregion_tap import MultiRegionApp, ValidationError
from multiregion_tap import failover_dns as module
from multiregion_tap.failover_dns import FailoverDns, FailoverDnsProps
from tests.support.templates import raw_templates

E1, E2, W2 = "us-east-1", "us-east-2", "us-west-2"
ZONE_ID = "Z0123456789ABCDEFGHIJ"
CERTIFICATE_ARN = (
    "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
)
LONGEST_PATH = "/" + "a" * 254
DUAL = elbv2.IpAddressType.DUAL_STACK


def _alb(
    stack: cdk.Stack,
    name: str = "Alb",
    *,
    ip: elbv2.IpAddressType = DUAL,
    internet_facing: bool = True,
) -> elbv2.ApplicationLoadBalancer:
    vpc = ec2.Vpc.from_vpc_attributes(
        stack,
        f"{name}Vpc",
        vpc_id="vpc-0123456789abcdef0",
        availability_zones=["az-a", "az-b"],
        public_subnet_ids=["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
    )
    return elbv2.ApplicationLoadBalancer(
        stack, name, vpc=vpc, internet_facing=internet_facing, ip_address_type=ip
    )


def _listen(alb: elbv2.ApplicationLoadBalancer, port: int, https: bool) -> None:
    alb.add_listener(
        f"Listener{port}",
        port=port,
        protocol=elbv2.ApplicationProtocol.HTTPS if https else elbv2.ApplicationProtocol.HTTP,
        certificates=[elbv2.ListenerCertificate.from_arn(CERTIFICATE_ARN)] if https else None,
        default_action=elbv2.ListenerAction.fixed_response(200),
    )


@dataclass
class Built:
    dns: dict[str, FailoverDns]
    stack: cdk.Stack
    template: dict[str, Any]


@pytest.fixture(scope="module")
def built() -> Built:
    shop = MultiRegionApp(
        cdk.App(),
        "Shop",
        app_name="shop",
        service=False,
        peering=False,
        monitoring=False,
        secondary_regions=[E2, W2],
    )
    e1, e2, w2 = (_alb(shop.stack_for(r)) for r in (E1, E2, W2))
    _listen(e1, 8443, https=True)  # HTTPS and HTTP: HTTPS is checked, on its port
    _listen(e1, 8080, https=False)
    _listen(e2, 8081, https=False)  # HTTP only; w2 has no listener
    ipv4 = _alb(shop.stack_for(E2), "Ipv4Alb", ip=elbv2.IpAddressType.IPV4)
    stack = shop.add_helper_stack("dns", region=E2)
    given_zone = route53.HostedZone.from_hosted_zone_attributes(
        stack, "GivenZone", hosted_zone_id="Z0GIVEN0000000000000", zone_name="MyCompany.COM."
    )
    dns = {
        "Chain": FailoverDns(
            stack,
            "Chain",
            primary_load_balancer=e1,
            secondary_load_balancers=[e2, w2],
            record_name="Shop.MyCompany.com.",
            zone_name="mycompany.com",
        ),
        "Pair": FailoverDns(
            stack,
            "Pair",
            primary_load_balancer=e1,
            secondary_load_balancers=(e2,),
            record_name="api.mycompany.com",
            existing_zone_id=ZONE_ID,
            zone_name="mycompany.com",
            health_check_protocol="HTTPS",
            health_check_interval=cdk.Duration.seconds(10),
            health_check_path=LONGEST_PATH,
            failure_threshold=10,
            ipv6=False,
            output_suffix="Pair",
        ),
        "Single": FailoverDns(
            stack,
            "Single",
            primary_load_balancer=w2,
            secondary_load_balancers=[],
            record_name="mycompany.com",
            existing_zone=given_zone,
            zone_name="mycompany.com.",
            health_check_protocol="HTTP",
            health_check_port=65535,
            failure_threshold=1,
            ipv6=True,
            output_suffix="Single",
        ),
        "Destroyed": FailoverDns(
            stack,
            "Destroyed",
            primary_load_balancer=e2,
            secondary_load_balancers=[e1],
            record_name="www.mycompany.net",
            zone_name="mycompany.net",
            zone_removal_policy=cdk.RemovalPolicy.DESTROY,
            health_check_port=1,
            output_suffix="Destroyed",
        ),
        "Mixed": FailoverDns(
            stack,
            "Mixed",
            primary_load_balancer=e1,
            secondary_load_balancers=[ipv4],
            record_name="shop.mycompany.org",
            existing_zone_id=ZONE_ID,
            zone_name="mycompany.org",
            output_suffix="Mixed",
        ),
    }
    return Built(dns, stack, raw_templates(shop)["shop-dns"])


def _resource(built: Built, construct: Any) -> dict[str, Any]:
    logical_id = built.stack.get_logical_id(construct.node.default_child)
    resource: dict[str, Any] = built.template["Resources"][logical_id]
    return resource


def _ref(built: Built, construct: Any) -> dict[str, str]:
    return {"Ref": built.stack.get_logical_id(construct.node.default_child)}


def _read(value: dict[str, Any]) -> tuple[str, str]:
    """(StackName, Region) of a ``Fn::GetStackOutput``."""
    ref = value["Fn::GetStackOutput"]
    return ref["StackName"], ref["Region"]


def _check(built: Built, name: str, region: str) -> dict[str, Any]:
    """The health check's config, its FQDN replaced by the (stack, region) it reads."""
    props = _resource(built, built.dns[name].health_checks[region])["Properties"]
    tags = {t["Key"]: t["Value"] for t in props["HealthCheckTags"]}
    config = dict(props["HealthCheckConfig"])
    config["FullyQualifiedDomainName"] = _read(config["FullyQualifiedDomainName"])
    config["Name"] = tags["Name"]
    return config


def _expected_check(
    kind: str, port: int, region: str, name: str, *, path: str = "/", interval: int = 30,
    threshold: int = 3, stack: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    sni = {"EnableSNI": True} if kind == "HTTPS" else {}  # CDK's default for HTTPS
    return {
        **sni,
        "Type": kind,
        "Port": port,
        "ResourcePath": path,
        "RequestInterval": interval,
        "FailureThreshold": threshold,
        "Inverted": False,
        "MeasureLatency": False,
        "FullyQualifiedDomainName": (stack or f"shop-{region}", region),
        "Name": f"{name} {region}",
    }


def _record(built: Built, record: route53.RecordSet) -> dict[str, Any]:
    """A record's properties, an alias to a load balancer replaced by the (stack, region) it
    reads (its DNS name with 'dualstack.' and its zone from the same stack)."""
    props = dict(_resource(built, record)["Properties"])
    props.pop("Comment", None)
    alias = dict(props["AliasTarget"])
    dns_name = alias["DNSName"]
    if "Fn::Join" in dns_name:
        prefix, output = dns_name["Fn::Join"][1]
        assert prefix == "dualstack."
        alias["DNSName"] = _read(output)
        assert _read(alias.pop("HostedZoneId")) == alias["DNSName"]
    props["AliasTarget"] = alias
    return props


def _to_alb(stack: str, region: str) -> dict[str, Any]:
    return {"DNSName": (stack, region), "EvaluateTargetHealth": False}


# ------------------------------------------------------------------------- names and props
def test_the_public_names() -> None:
    assert module.__all__ == ["ALIAS_TTL_SECONDS", "FailoverDns", "FailoverDnsProps"]
    assert module.ALIAS_TTL_SECONDS == 60


def test_the_props_defaults_frozen_and_keyword_only() -> None:
    props = FailoverDnsProps(record_name="shop.mycompany.com")
    assert props.health_check_path == "/"
    assert props.failure_threshold == 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        props.failure_threshold = 4  # type: ignore[misc]
    with pytest.raises(TypeError):
        FailoverDnsProps("shop.mycompany.com")  # type: ignore[misc]


# ------------------------------------------------------------------------- the chain
def test_the_chain_checks_each_load_balancer_by_its_listeners(built: Built) -> None:
    dns = built.dns["Chain"]
    assert dns.regions == (E1, E2, W2)
    assert list(dns.health_checks) == [E1, E2, W2]
    name = "shop.mycompany.com"
    # HTTPS on its listener's port when there is one; else HTTP on the HTTP listener's; HTTP
    # on 80 without a listener. The defaults: path '/', every 30 s, 3 failures.
    assert _check(built, "Chain", E1) == _expected_check("HTTPS", 8443, E1, name)
    assert _check(built, "Chain", E2) == _expected_check("HTTP", 8081, E2, name)
    assert _check(built, "Chain", W2) == _expected_check("HTTP", 80, W2, name)
    assert dns.health_check_interval_seconds == 30
    assert dns.failure_threshold == 3
    assert dns.expected_failover_seconds == 30 * 3 + 60
    assert dns.expected_failover_time.to_seconds() == 150


def test_the_chain_records(built: Built) -> None:
    dns = built.dns["Chain"]
    assert dns.record_name == "shop.mycompany.com"
    assert dns.zone_name == "mycompany.com"
    assert list(dns.records) == ["A", "AAAA"]  # every load balancer is dualstack
    zone = _ref(built, dns.created_zone)
    for kind in ("A", "AAAA"):
        records = dns.records[kind]
        assert [r.node.id for r in records] == [
            f"{kind}Primary",
            f"{kind}Secondary",
            f"{kind}Primary-Chain1",
            f"{kind}Secondary-Chain1",
        ]
        top_primary, top_secondary, hidden_primary, hidden_secondary = records
        common = {"HostedZoneId": zone, "Type": kind}
        assert _record(built, top_primary) == {
            **common,
            "Name": "shop.mycompany.com.",
            "Failover": "PRIMARY",
            "SetIdentifier": "primary",
            "HealthCheckId": _ref(built, dns.health_checks[E1]),
            "AliasTarget": _to_alb("shop-us-east-1", E1),
        }
        # The public SECONDARY aliases the hidden pair: no health check of its own, and
        # CDK's EvaluateTargetHealth (true) kept: it is healthy while either region is.
        assert _record(built, top_secondary) == {
            **common,
            "Name": "shop.mycompany.com.",
            "Failover": "SECONDARY",
            "SetIdentifier": "secondary",
            "AliasTarget": {
                "DNSName": _ref(built, hidden_primary),
                "HostedZoneId": _ref(built, dns.created_zone),
                "EvaluateTargetHealth": True,
            },
        }
        assert _record(built, hidden_primary) == {
            **common,
            "Name": "_failover-1.shop.mycompany.com.",
            "Failover": "PRIMARY",
            "SetIdentifier": "primary-chain1",
            "HealthCheckId": _ref(built, dns.health_checks[E2]),
            "AliasTarget": _to_alb("shop-us-east-2", E2),
        }
        assert _record(built, hidden_secondary) == {
            **common,
            "Name": "_failover-1.shop.mycompany.com.",
            "Failover": "SECONDARY",
            "SetIdentifier": "secondary-chain1",
            "HealthCheckId": _ref(built, dns.health_checks[W2]),
            "AliasTarget": _to_alb("shop-us-west-2", W2),
        }
    assert dns.primary_record is dns.records["A"][0]
    assert dns.secondary_record is dns.records["A"][1]
    assert dns.primary_record.node.id == "APrimary"
    assert dns.secondary_record.node.id == "ASecondary"


def test_the_created_zone_is_retained_and_the_outputs(built: Built) -> None:
    dns = built.dns["Chain"]
    zone = dns.created_zone
    assert zone is not None and dns.zone is zone
    assert zone.node.id == "Zone"
    logical_id = built.stack.get_logical_id(zone.node.default_child)
    assert logical_id.startswith("ChainZone")
    resource = built.template["Resources"][logical_id]
    assert resource["Type"] == "AWS::Route53::HostedZone"
    assert resource["Properties"]["Name"] == "mycompany.com."
    assert (resource["DeletionPolicy"], resource["UpdateReplacePolicy"]) == ("Retain", "Retain")
    outputs = built.template["Outputs"]
    assert outputs["HostedZoneId"] == {
        "Description": "Hosted zone of the failover record",
        "Value": {"Ref": logical_id},
    }
    assert outputs["FailoverRecordName"] == {
        "Description": "Failover record name (PRIMARY and SECONDARY share it)",
        "Value": "shop.mycompany.com",
    }


# ------------------------------------------------------------------------- a pair by zone id
def test_a_pair_on_a_zone_imported_by_id(built: Built) -> None:
    dns = built.dns["Pair"]
    assert dns.created_zone is None
    assert dns.zone.node.id == "ImportedZone"
    assert dns.zone.hosted_zone_id == ZONE_ID
    assert built.template["Outputs"]["HostedZoneIdPair"]["Value"] == ZONE_ID
    assert built.template["Outputs"]["FailoverRecordNamePair"]["Value"] == "api.mycompany.com"
    # HTTPS given: the HTTPS listener's port, else 443 (us-east-2 has HTTP only).
    name, path = "api.mycompany.com", LONGEST_PATH
    assert _check(built, "Pair", E1) == _expected_check(
        "HTTPS", 8443, E1, name, path=path, interval=10, threshold=10
    )
    assert _check(built, "Pair", E2) == _expected_check(
        "HTTPS", 443, E2, name, path=path, interval=10, threshold=10
    )
    assert dns.health_check_interval_seconds == 10
    assert dns.failure_threshold == 10
    assert dns.expected_failover_seconds == 10 * 10 + 60
    # ipv6=False beside dualstack load balancers: A records only.
    assert list(dns.records) == ["A"]
    primary, secondary = dns.records["A"]
    common = {"HostedZoneId": ZONE_ID, "Type": "A", "Name": "api.mycompany.com."}
    assert _record(built, primary) == {
        **common,
        "Failover": "PRIMARY",
        "SetIdentifier": "primary",
        "HealthCheckId": _ref(built, dns.health_checks[E1]),
        "AliasTarget": _to_alb("shop-us-east-1", E1),
    }
    assert _record(built, secondary) == {
        **common,
        "Failover": "SECONDARY",
        "SetIdentifier": "secondary",
        "HealthCheckId": _ref(built, dns.health_checks[E2]),
        "AliasTarget": _to_alb("shop-us-east-2", E2),
    }


# ------------------------------------------------------------------------- one region left
def test_one_region_left_keeps_a_pair_on_it(built: Built) -> None:
    dns = built.dns["Single"]
    assert dns.regions == (W2,)
    assert dns.zone.node.id == "GivenZone" and dns.created_zone is None
    assert (dns.zone_name, dns.record_name) == ("mycompany.com", "mycompany.com")
    assert _check(built, "Single", W2) == _expected_check(
        "HTTP", 65535, W2, "mycompany.com", threshold=1
    )
    assert dns.expected_failover_seconds == 30 * 1 + 60
    assert list(dns.records) == ["A", "AAAA"]  # ipv6=True with a dualstack load balancer
    for kind in ("A", "AAAA"):
        assert [r.node.id for r in dns.records[kind]] == [f"{kind}Primary", f"{kind}Secondary"]
        found = [_record(built, r) for r in dns.records[kind]]
        common = {
            "HostedZoneId": "Z0GIVEN0000000000000",
            "Type": kind,
            "Name": "mycompany.com.",
            "HealthCheckId": _ref(built, dns.health_checks[W2]),
            "AliasTarget": _to_alb("shop-us-west-2", W2),
        }
        assert found == [
            {**common, "Failover": "PRIMARY", "SetIdentifier": "primary"},
            {**common, "Failover": "SECONDARY", "SetIdentifier": "secondary"},
        ]


# ------------------------------------------------------------------------- a destroyed zone
def test_a_zone_deleted_with_its_stack_and_port_1(built: Built) -> None:
    dns = built.dns["Destroyed"]
    zone = _resource(built, dns.created_zone)
    assert zone["Properties"]["Name"] == "mycompany.net."
    assert (zone["DeletionPolicy"], zone["UpdateReplacePolicy"]) == ("Delete", "Delete")
    name = "www.mycompany.net"
    assert _check(built, "Destroyed", E2) == _expected_check("HTTP", 1, E2, name)
    assert _check(built, "Destroyed", E1) == _expected_check("HTTPS", 1, E1, name)
    assert [_record(built, r)["AliasTarget"]["DNSName"] for r in dns.records["A"]] == [
        ("shop-us-east-2", E2),
        ("shop-us-east-1", E1),
    ]


def test_a_dualstack_and_an_ipv4_only_load_balancer(built: Built) -> None:
    dns = built.dns["Mixed"]
    assert list(dns.records) == ["A"]
    assert _check(built, "Mixed", E1) == _expected_check("HTTPS", 8443, E1, "shop.mycompany.org")
    assert _check(built, "Mixed", E2) == _expected_check("HTTP", 80, E2, "shop.mycompany.org")
    kinds = {r["Type"] for r in built.template["Resources"].values()}
    assert "AWS::Route53::HostedZone" in kinds
    zones = [r for r in built.template["Resources"].values() if r["Type"].endswith("HostedZone")]
    assert sorted(z["Properties"]["Name"] for z in zones) == ["mycompany.com.", "mycompany.net."]


# ------------------------------------------------------------------------- refusals
@dataclass
class Parts:
    albs: dict[str, elbv2.IApplicationLoadBalancer]
    stack: cdk.Stack


@pytest.fixture(scope="module")
def parts() -> Parts:
    """Load balancers to build FailoverDns from (never synthesized)."""
    app = cdk.App()
    shop = MultiRegionApp(
        app, "Shop", app_name="shop", service=False, peering=False, monitoring=False
    )
    albs: dict[str, elbv2.IApplicationLoadBalancer] = {
        E1: _alb(shop.stack_for(E1)),
        E2: _alb(shop.stack_for(E2)),
        "ipv4": _alb(shop.stack_for(E2), "Ipv4Alb", ip=elbv2.IpAddressType.IPV4),
        "internal": _alb(shop.stack_for(E2), "InternalAlb", internet_facing=False),
        "agnostic": _alb(cdk.Stack(app, "Agnostic"), "Alb"),
        "no-dns-name": elbv2.ApplicationLoadBalancer.from_application_load_balancer_attributes(
            shop.stack_for(E2),
            "Imported",
            load_balancer_arn=(
                "arn:aws:elasticloadbalancing:us-east-2:123456789012:"
                "loadbalancer/app/shop/0123456789abcdef"
            ),
            security_group_id="sg-12345678",
            load_balancer_canonical_hosted_zone_id="Z3AADJGX6KTTL2",
        ),
    }
    return Parts(albs, shop.add_helper_stack("dns", region=E2))


_ids = iter(range(10_000))


def _dns(parts: Parts, **overrides: Any) -> FailoverDns:
    n = next(_ids)
    props: dict[str, Any] = {
        "primary_load_balancer": parts.albs[E1],
        "secondary_load_balancers": [parts.albs[E2]],
        "record_name": "shop.mycompany.com",
        "zone_name": "mycompany.com",
        "output_suffix": f"N{n}",
    }
    props.update(overrides)
    return FailoverDns(parts.stack, f"Dns{n}", **props)


def _refused(parts: Parts, **overrides: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        _dns(parts, **overrides)
    return caught.value.message


def _zone(parts: Parts, zone_name: str) -> route53.IHostedZone:
    return route53.HostedZone.from_hosted_zone_attributes(
        parts.stack, f"Zone{next(_ids)}", hosted_zone_id="Z0OTHER000000000000", zone_name=zone_name
    )


def test_the_load_balancers_refused(parts: Parts) -> None:
    lbs = parts.albs
    assert _refused(parts, secondary_load_balancers="abc") == (
        "secondary_load_balancers must be a list of load balancers, got 'abc'"
    )
    assert _refused(parts, secondary_load_balancers=5) == (
        "secondary_load_balancers must be a list of load balancers, got 5"
    )
    assert _refused(parts, primary_load_balancer=lbs["agnostic"]) == (
        "primary_load_balancer must be in a stack with a literal region "
        "(env=Environment(region=...)), got 'Agnostic/Alb'"
    )
    assert _refused(parts, secondary_load_balancers=[lbs["agnostic"]]) == (
        "secondary_load_balancers[0] must be in a stack with a literal region "
        "(env=Environment(region=...)), got 'Agnostic/Alb'"
    )
    assert _refused(parts, secondary_load_balancers=[lbs[E1]]) == (
        "regions of the load balancers must not name 'us-east-1' twice, "
        "got ['us-east-1', 'us-east-1']"
    )
    internal = (
        "must be internet-facing: Route 53 health checkers reach the load balancer over the "
        "internet and cannot reach an internal one, got 'shop-us-east-2/InternalAlb'"
    )
    assert _refused(parts, primary_load_balancer=lbs["internal"], secondary_load_balancers=[]) == (
        f"primary_load_balancer {internal}"
    )
    assert _refused(parts, secondary_load_balancers=[lbs["internal"]]) == (
        f"secondary_load_balancers[0] {internal}"
    )
    assert _refused(parts, secondary_load_balancers=[lbs["no-dns-name"]]) == (
        "secondary_load_balancers[0] must know its DNS name and canonical hosted zone id: import "
        "it with ApplicationLoadBalancer.from_application_load_balancer_attributes("
        "load_balancer_dns_name=..., load_balancer_canonical_hosted_zone_id=...), "
        "got 'shop-us-east-2/Imported'"
    )


def test_the_zone_refused(parts: Parts) -> None:
    assert _refused(parts, zone_name=None) == (
        "zone_name must be given with existing_zone_id or to create a hosted zone (or pass "
        "existing_zone), got None"
    )
    assert _refused(parts, zone_name=None, existing_zone_id=ZONE_ID) == (
        "zone_name must be given with existing_zone_id or to create a hosted zone (or pass "
        "existing_zone), got None"
    )
    labels = (
        "must be a DNS name of dot-separated labels (letters, digits, '-', '_'; 1 to 63 "
        "characters each, no '-' at either end), got '-bad.com'"
    )
    assert _refused(parts, zone_name="-bad.com") == f"zone_name {labels}"
    assert _refused(parts, zone_name=None, existing_zone=_zone(parts, "-bad.com")) == (
        f"existing_zone.zone_name {labels}"
    )
    assert _refused(parts, existing_zone=_zone(parts, "mycompany.net")) == (
        "zone_name must match existing_zone's name 'mycompany.net', got 'mycompany.com'"
    )
    by_id = route53.HostedZone.from_hosted_zone_id(parts.stack, "ById", "Z0BYID00000000000000")
    assert _refused(parts, zone_name=None, existing_zone=by_id) == (
        "existing_zone must know its zone name: import it with "
        "HostedZone.from_hosted_zone_attributes (or pass existing_zone_id and zone_name), "
        "got 'shop-dns/ById'"
    )
    assert _refused(
        parts, zone_name=None, existing_zone=_zone(parts, "example.com"), record_name="example.com"
    ) == (
        "existing_zone.zone_name must not be 'example.com' or a name below it: Route 53 reserves "
        "example.com, example.net, example.org and refuses their hosted zones "
        "(InvalidDomainName); use a domain you own, got 'example.com'"
    )
    assert _refused(parts, zone_name="dev", record_name="shop.dev") == (
        "zone_name must be a domain below a top-level domain, such as 'mycompany.com' (Route 53 "
        "cannot host a zone for a top-level domain), got 'dev'"
    )


def test_an_existing_zone_alone_or_with_its_own_name(parts: Parts) -> None:
    zone = _zone(parts, "MyCompany.com.")
    alone = _dns(parts, zone_name=None, existing_zone=zone)
    assert (alone.zone, alone.zone_name, alone.created_zone) == (zone, "mycompany.com", None)
    same = _dns(parts, zone_name="mycompany.COM", existing_zone=zone)
    assert same.zone_name == "mycompany.com"


def test_the_record_name_refused(parts: Parts) -> None:
    assert _refused(parts, record_name="-shop.mycompany.com") == (
        "record_name must be a DNS name of dot-separated labels (letters, digits, '-', '_'; 1 to "
        "63 characters each, no '-' at either end), got '-shop.mycompany.com'"
    )
    assert _refused(parts, record_name="shop.mycompany.org") == (
        "record_name must be inside the hosted zone 'mycompany.com': the zone name itself or a "
        "name ending in '.mycompany.com' (give the fully qualified name, e.g. "
        "'app.mycompany.com'), got 'shop.mycompany.org'"
    )


def test_the_health_check_props_refused(parts: Parts) -> None:
    path = "must start with '/' and be at most 255 printable characters without spaces"
    for bad in ("health", "/" + "a" * 255, "/a b"):
        assert _refused(parts, health_check_path=bad) == f"health_check_path {path}, got {bad!r}"
    assert _refused(parts, health_check_protocol="TCP") == (
        "health_check_protocol must be one of 'HTTP', 'HTTPS', got 'TCP'"
    )
    for port in (0, 65536):
        assert _refused(parts, health_check_port=port) == (
            f"health_check_port must be between 1 and 65535, got {port}"
        )
    for threshold in (0, 11):
        assert _refused(parts, failure_threshold=threshold) == (
            f"failure_threshold must be between 1 and 10, got {threshold}"
        )
    assert _refused(parts, health_check_interval=30) == (
        "health_check_interval must be an aws_cdk.Duration of 10 or 30 seconds, got 30"
    )
    token = cdk.Duration.millis(cdk.Token.as_number(cdk.Aws.ACCOUNT_ID))
    assert _refused(parts, health_check_interval=token) == (
        "health_check_interval must be a literal duration of 10 or 30 seconds, got '<token> millis'"
    )
    for seconds in (15, 20, 31):
        assert _refused(parts, health_check_interval=cdk.Duration.seconds(seconds)) == (
            "health_check_interval must be 10 or 30 seconds (the only request intervals "
            f"Route 53 accepts), got '{seconds} seconds'"
        )


def test_the_intervals_accepted(parts: Parts) -> None:
    assert _dns(parts).health_check_interval_seconds == 30
    half = _dns(parts, health_check_interval=cdk.Duration.minutes(0.5))
    assert half.health_check_interval_seconds == 30
    assert _dns(
        parts, health_check_interval=cdk.Duration.millis(10_000)
    ).expected_failover_seconds == (10 * 3 + 60)


def test_ipv6_refused_beside_an_ipv4_only_load_balancer(parts: Parts) -> None:
    assert _refused(parts, secondary_load_balancers=[parts.albs["ipv4"]], ipv6=True) == (
        "ipv6 must be False or None while the load balancers of ['us-east-2'] are not "
        "dualstack, got True"
    )
    # Not asked for: A records only.
    dns = _dns(parts, secondary_load_balancers=[parts.albs["ipv4"]])
    assert list(dns.records) == ["A"]
