"""FailoverDns: one record name, PRIMARY and SECONDARY, health checks, chained secondaries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_route53 as route53
from aws_cdk.assertions import Match, Template

from multiregion_tap import MultiRegionApp, OutputNames, ValidationError
from multiregion_tap._private.dns_names import normalize_name, require_inside_zone
from multiregion_tap.failover_dns import ALIAS_TTL_SECONDS, FailoverDns
from tests.support import failover_app
from tests.support.failover_app import Built, three_regions, two_regions
from tests.support.lint import cfn_lint_findings
from tests.support.templates import normalize, templates

DNS = "shop-dns"
RECORD = "AWS::Route53::RecordSet"
CHECK = "AWS::Route53::HealthCheck"


@pytest.fixture(scope="module")
def two() -> Built:
    return two_regions()


@pytest.fixture(scope="module")
def three() -> Built:
    return three_regions()


def _stack_output(stack_name: str, region: str) -> dict[str, Any]:
    return {
        "Fn::GetStackOutput": {
            "StackName": stack_name,
            "Region": region,
            "OutputName": Match.string_like_regexp("DNSName"),
        }
    }


def _records(template: Template, record_type: str | None = None) -> dict[str, dict[str, Any]]:
    props = {"Type": record_type} if record_type else {}
    found = template.find_resources(RECORD, {"Properties": props})
    return {k: v["Properties"] for k, v in found.items()}


def _check_id(template: Template, region: str) -> str:
    checks = template.find_resources(
        CHECK,
        {
            "Properties": {
                "HealthCheckTags": Match.array_with(
                    [{"Key": "Name", "Value": Match.string_like_regexp(region)}]
                )
            }
        },
    )
    assert len(checks) == 1, checks
    return next(iter(checks))


# ----------------------------------------------------------------------------- the pair
def test_primary_and_secondary_share_name_and_type(two: Built) -> None:
    template = two.templates[DNS]
    for record_type in ("A", "AAAA"):
        records = _records(template, record_type)
        assert len(records) == 2, records
        assert {r["Name"] for r in records.values()} == {"shop.mycompany.com."}
        assert sorted(r["Failover"] for r in records.values()) == ["PRIMARY", "SECONDARY"]
        # The set identifiers name the position, so a failover moves a region into a
        # position by updating the record in place (a new set identifier replaces it).
        assert {r["SetIdentifier"] for r in records.values()} == {"primary", "secondary"}


@pytest.mark.parametrize(
    ("failover", "stack_name", "region"),
    [("PRIMARY", "shop-us-east-1", "us-east-1"), ("SECONDARY", "shop-us-east-2", "us-east-2")],
)
def test_each_record_points_at_its_regions_alb_with_its_health_check(
    two: Built, failover: str, stack_name: str, region: str
) -> None:
    template = two.templates[DNS]
    for record_type in ("A", "AAAA"):
        template.has_resource_properties(
            RECORD,
            {
                "Type": record_type,
                "Name": "shop.mycompany.com.",
                "Failover": failover,
                "SetIdentifier": failover.lower(),
                "HealthCheckId": {"Ref": _check_id(template, region)},
                "AliasTarget": {
                    "DNSName": {
                        "Fn::Join": ["", ["dualstack.", _stack_output(stack_name, region)]]
                    },
                    "HostedZoneId": {
                        "Fn::GetStackOutput": Match.object_like(
                            {"StackName": stack_name, "Region": region}
                        )
                    },
                    # The record's health check decides; an empty blue/green target group
                    # must not (Route 53 counts a target group without targets unhealthy).
                    "EvaluateTargetHealth": False,
                },
            },
        )


def test_health_checks_https_when_the_alb_has_a_certificate_else_http(two: Built) -> None:
    template = two.templates[DNS]
    template.resource_count_is(CHECK, 2)
    expected = {
        "us-east-1": ("HTTPS", 443, "shop-us-east-1"),
        "us-east-2": ("HTTP", 80, "shop-us-east-2"),
    }
    for region, (kind, port, stack_name) in expected.items():
        template.has_resource_properties(
            CHECK,
            {
                "HealthCheckConfig": {
                    "Type": kind,
                    "Port": port,
                    "ResourcePath": "/healthz",
                    "RequestInterval": 10,
                    "FailureThreshold": 2,
                    "FullyQualifiedDomainName": _stack_output(stack_name, region),
                },
                "HealthCheckTags": Match.array_with(
                    [{"Key": "Name", "Value": f"shop.mycompany.com {region}"}]
                ),
            },
        )


def test_expected_failover_time_is_interval_times_threshold_plus_alias_ttl(
    two: Built, three: Built
) -> None:
    assert ALIAS_TTL_SECONDS == 60
    assert two.dns.expected_failover_seconds == 10 * 2 + 60
    assert two.dns.expected_failover_time.to_seconds() == 80
    # Defaults: 30 s x 3 + 60 s.
    assert three.dns.health_check_interval_seconds == 30
    assert three.dns.failure_threshold == 3
    assert three.dns.expected_failover_seconds == 150


def test_created_zone_is_retained_and_outputs_are_filled(two: Built) -> None:
    template = two.templates[DNS]
    template.has_resource(
        "AWS::Route53::HostedZone",
        {
            "Properties": {"Name": "mycompany.com."},
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
        },
    )
    zone_id = next(iter(template.find_resources("AWS::Route53::HostedZone")))
    outputs = template.to_json()["Outputs"]
    assert outputs[OutputNames.HOSTED_ZONE_ID]["Value"] == {"Ref": zone_id}
    assert outputs[OutputNames.RECORD_NAME]["Value"] == "shop.mycompany.com"
    for record in _records(template).values():
        assert record["HostedZoneId"] == {"Ref": zone_id}
    assert two.dns.created_zone is not None
    assert two.dns.record_name == "shop.mycompany.com"
    assert two.dns.regions == ("us-east-1", "us-east-2")
    assert set(two.dns.health_checks) == {"us-east-1", "us-east-2"}


def test_dns_stack_deploys_after_the_regional_stacks(two: Built) -> None:
    waves = two.app.deploy_waves()
    dns_wave = next(i for i, wave in enumerate(waves) if DNS in wave)
    for regional in ("shop-us-east-1", "shop-us-east-2"):
        assert next(i for i, wave in enumerate(waves) if regional in wave) < dns_wave
    assert two.app.helper_stacks["dns"].region == "us-east-1"


def test_dns_template_snapshot(two: Built, snapshot_json) -> None:  # type: ignore[no-untyped-def]
    assert normalize(two.templates[DNS].to_json()) == snapshot_json


# ----------------------------------------------------------------------------- chained
def test_more_than_one_secondary_chains_the_failover(three: Built) -> None:
    """primary -> us-east-2 -> us-west-2: the SECONDARY of the public name aliases a hidden
    failover pair whose PRIMARY is the first secondary and SECONDARY the second."""
    template = three.templates[DNS]
    records = _records(template)
    assert {r["Type"] for r in records.values()} == {"A"}  # IPv4-only ALBs: no AAAA
    by_name: dict[str, dict[str, dict[str, Any]]] = {}
    for logical_id, record in records.items():
        by_name.setdefault(record["Name"], {})[record["Failover"]] = {"id": logical_id, **record}
    top = by_name["www.shop.mycompany.com."]
    hidden = by_name["_failover-1.www.shop.mycompany.com."]
    assert len(by_name) == 2 and set(top) == set(hidden) == {"PRIMARY", "SECONDARY"}

    assert top["PRIMARY"]["SetIdentifier"] == "primary"
    assert top["PRIMARY"]["AliasTarget"]["EvaluateTargetHealth"] is False
    assert top["PRIMARY"]["HealthCheckId"] == {"Ref": _check_id(template, "us-east-1")}
    # The public SECONDARY aliases the hidden pair (no health check of its own; it is healthy
    # when either region of the hidden pair is). Ref of a record set is its name, and makes
    # CloudFormation create the hidden pair first.
    assert top["SECONDARY"]["SetIdentifier"] == "secondary"
    assert "HealthCheckId" not in top["SECONDARY"]
    assert top["SECONDARY"]["AliasTarget"] == {
        "DNSName": {"Ref": hidden["PRIMARY"]["id"]},
        "HostedZoneId": "Z0123456789ABCDEFGHIJ",
        "EvaluateTargetHealth": True,
    }
    assert hidden["PRIMARY"]["SetIdentifier"] == "primary-chain1"
    assert hidden["PRIMARY"]["AliasTarget"]["EvaluateTargetHealth"] is False
    assert hidden["PRIMARY"]["HealthCheckId"] == {"Ref": _check_id(template, "us-east-2")}
    assert hidden["SECONDARY"]["SetIdentifier"] == "secondary-chain1"
    assert hidden["SECONDARY"]["AliasTarget"]["EvaluateTargetHealth"] is False
    assert hidden["SECONDARY"]["HealthCheckId"] == {"Ref": _check_id(template, "us-west-2")}
    dns_name = hidden["SECONDARY"]["AliasTarget"]["DNSName"]["Fn::Join"][1]
    assert dns_name[0] == "dualstack."
    assert dns_name[1]["Fn::GetStackOutput"]["StackName"] == "shop-us-west-2"
    assert dns_name[1]["Fn::GetStackOutput"]["Region"] == "us-west-2"
    assert three.dns.records["A"][0].node.id == "APrimary"
    assert len(three.dns.records["A"]) == 4


def test_chained_dns_template_is_cfn_lint_clean(three: Built, tmp_path: Path) -> None:
    path = tmp_path / "shop-dns.json"
    path.write_text(json.dumps(three.templates[DNS].to_json()))
    assert cfn_lint_findings([path]) == ""


def test_imported_zone_by_id_is_used_and_not_created(three: Built) -> None:
    template = three.templates[DNS]
    template.resource_count_is("AWS::Route53::HostedZone", 0)
    for record in _records(template).values():
        assert record["HostedZoneId"] == "Z0123456789ABCDEFGHIJ"
    assert (
        template.to_json()["Outputs"][OutputNames.HOSTED_ZONE_ID]["Value"]
        == "Z0123456789ABCDEFGHIJ"
    )
    assert three.dns.created_zone is None
    assert three.dns.zone_name == "shop.mycompany.com"
    assert three.dns.record_name == "www.shop.mycompany.com"


# ----------------------------------------------------------------------------- bad input
@pytest.fixture(scope="module")
def albs() -> tuple[MultiRegionApp, dict[str, elbv2.ApplicationLoadBalancer], cdk.Stack]:
    """Load balancers to build FailoverDns from (never synthesized)."""
    shop = MultiRegionApp(cdk.App(), "Shop", app_name="shop", service=False)
    albs: dict[str, elbv2.ApplicationLoadBalancer] = {}
    for region in shop.regions:
        stack = shop.stack_for(region)
        vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
        albs[region] = elbv2.ApplicationLoadBalancer(stack, "Alb", vpc=vpc, internet_facing=True)
    return shop, albs, shop.add_helper_stack("dns", region="us-east-1")


_counter = iter(range(10_000))


def _dns(albs: Any, **overrides: Any) -> FailoverDns:
    _shop, lbs, stack = albs
    props: dict[str, Any] = {
        "primary_load_balancer": lbs["us-east-1"],
        "secondary_load_balancers": [lbs["us-east-2"]],
        "record_name": "shop.mycompany.com",
        "zone_name": "mycompany.com",
    }
    props.update(overrides)
    return FailoverDns(stack, f"Dns{next(_counter)}", **props)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"health_check_interval": cdk.Duration.seconds(15)},
            r"health_check_interval must be 10 or 30 seconds .*got '15 seconds'",
        ),
        ({"failure_threshold": 0}, r"failure_threshold must be between 1 and 10, got 0"),
        ({"failure_threshold": 11}, r"failure_threshold must be between 1 and 10, got 11"),
        (
            {"record_name": "shop.mycompany.org"},
            r"record_name must be inside the hosted zone 'mycompany.com'.*got 'shop.mycompany.org'",
        ),
        (
            {"record_name": "badmycompany.com"},
            r"record_name must be inside the hosted zone 'mycompany.com'.*got 'badmycompany.com'",
        ),
        (
            {"record_name": "shop..mycompany.com"},
            r"record_name must be a DNS name .*got 'shop..mycompany.com'",
        ),
        ({"health_check_path": "health"}, r"health_check_path must start with '/'.*got 'health'"),
        (
            {"health_check_protocol": "TCP"},
            r"health_check_protocol must be one of 'HTTP', 'HTTPS', got 'TCP'",
        ),
        ({"health_check_port": 0}, r"health_check_port must be between 1 and 65535, got 0"),
        (
            {"ipv6": True},
            r"ipv6 must be False or None while the load balancers of \['us-east-1', 'us-east-2'\]",
        ),
        (
            {"zone_name": None},
            r"zone_name must be given with existing_zone_id or to create a hosted zone",
        ),
        (
            {"existing_zone_id": "Z1", "existing_zone": "placeholder"},
            r"existing_zone and existing_zone_id are mutually exclusive",
        ),
        (
            {"output_suffix": "a-b"},
            r"output_suffix must be up to 32 ASCII letters and digits \(or empty\), got 'a-b'",
        ),
    ],
)
def test_bad_input_names_the_prop_and_value(
    albs: Any, overrides: dict[str, Any], message: str
) -> None:
    if overrides.get("existing_zone") == "placeholder":
        _shop, _lbs, stack = albs
        overrides["existing_zone"] = route53.HostedZone.from_hosted_zone_attributes(
            stack, f"Zone{next(_counter)}", hosted_zone_id="Z2", zone_name="mycompany.com"
        )
    with pytest.raises(ValidationError, match=message):
        _dns(albs, **overrides)


# The longest DNS name in text form (RFC 1035's 255 octets on the wire, less the length bytes
# and the root): 253 characters without the trailing dot; labels of at most 63 characters.
_NAME_253 = ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 61])


def test_dns_name_checks_without_synth() -> None:
    """The name checks themselves: lengths, labels, messages, the zone apex and tokens."""
    assert len(_NAME_253) == 253
    assert normalize_name("record_name", _NAME_253 + ".") == _NAME_253
    assert normalize_name("record_name", "API.MyCompany.COM.") == "api.mycompany.com"
    assert normalize_name("record_name", "_acme-challenge.mycompany.com") == (
        "_acme-challenge.mycompany.com"
    )
    too_long = _NAME_253 + "d"
    with pytest.raises(ValidationError) as caught:
        normalize_name("record_name", too_long)
    assert str(caught.value) == f"record_name must be at most 253 characters, got {too_long!r}"
    for empty in ("", None, 5):
        with pytest.raises(ValidationError) as caught:
            normalize_name("record_name", empty)
        assert str(caught.value) == (
            "record_name must be a fully qualified DNS name such as 'app.example.com', "
            f"got {empty!r}"
        )
    for bad in ("-shop.mycompany.com", "shop-.mycompany.com", "x" * 64 + ".mycompany.com"):
        with pytest.raises(ValidationError) as caught:
            normalize_name("record_name", bad)
        assert str(caught.value) == (
            "record_name must be a DNS name of dot-separated labels (letters, digits, '-', '_'; "
            f"1 to 63 characters each, no '-' at either end), got {bad!r}"
        )
    token = cdk.Token.as_string(cdk.Aws.STACK_NAME)
    assert normalize_name("record_name", token) == token

    # The zone apex and names below the zone pass; a sibling sharing a suffix does not.
    require_inside_zone("record_name", "MyCompany.com", "mycompany.com", "MyCompany.COM.")
    require_inside_zone("record_name", "a.b.mycompany.com", "a.b.mycompany.com", "mycompany.com.")
    with pytest.raises(ValidationError) as caught:
        require_inside_zone("record_name", "badmycompany.com", "badmycompany.com", "mycompany.com.")
    assert str(caught.value) == (
        "record_name must be inside the hosted zone 'mycompany.com': the zone name itself or a "
        "name ending in '.mycompany.com' (give the fully qualified name, e.g. "
        "'app.mycompany.com'), got 'badmycompany.com'"
    )
    # Either side a token: nothing to compare at synth time.
    require_inside_zone("record_name", token, token, "mycompany.com")
    require_inside_zone("record_name", "shop.mycompany.org", "shop.mycompany.org", token)


@pytest.mark.parametrize(
    ("prop", "zone", "record", "reserved"),
    [
        ("zone_name", "example.com", "shop.example.com", "example.com"),
        ("zone_name", "Example.NET.", "www.example.net", "example.net"),
        ("zone_name", "shop.example.org", "www.shop.example.org", "example.org"),
        ("existing_zone.zone_name", "example.com", "example.com", "example.com"),
    ],
)
def test_zone_names_route53_reserves_are_refused(
    albs: Any, prop: str, zone: str, record: str, reserved: str
) -> None:
    """Route 53 answers CreateHostedZone for these with InvalidDomainName; no imported zone
    can have such a name either."""
    _shop, _lbs, stack = albs
    overrides: dict[str, Any] = {"record_name": record, "zone_name": zone}
    if prop == "existing_zone.zone_name":
        overrides["existing_zone"] = route53.HostedZone.from_hosted_zone_attributes(
            stack, f"Reserved{next(_counter)}", hosted_zone_id="Z6", zone_name=zone
        )
        overrides["zone_name"] = None
    with pytest.raises(ValidationError) as caught:
        _dns(albs, **overrides)
    assert caught.value.message == (
        f"{prop} must not be {reserved!r} or a name below it: Route 53 reserves example.com, "
        "example.net, example.org and refuses their hosted zones (InvalidDomainName); use a "
        f"domain you own, got {zone!r}"
    )


def test_a_top_level_domain_is_refused_and_lookalikes_pass(albs: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        _dns(albs, zone_name="dev", record_name="shop.dev")
    assert caught.value.message == (
        "zone_name must be a domain below a top-level domain, such as 'mycompany.com' (Route 53 "
        "cannot host a zone for a top-level domain), got 'dev'"
    )
    # Only the reserved names and the names below them: a name that merely contains one is fine.
    for index, zone in enumerate(("myexample.com", "example.com.au", "example.community")):
        dns = _dns(
            albs, zone_name=zone, record_name=f"shop.{zone}", output_suffix=f"Lookalike{index}"
        )
        assert dns.zone_name == zone


def test_an_internal_load_balancer_is_refused(albs: Any) -> None:
    """Route 53 health checkers probe over the internet: an internal load balancer's check
    would never pass."""
    _shop, lbs, _stack = albs
    stack = lbs["us-east-2"].stack
    internal = elbv2.ApplicationLoadBalancer(
        stack, "InternalAlb", vpc=lbs["us-east-2"].vpc, internet_facing=False
    )
    with pytest.raises(ValidationError) as caught:
        _dns(albs, secondary_load_balancers=[internal])
    assert caught.value.message == (
        "secondary_load_balancers[0] must be internet-facing: Route 53 health checkers reach "
        "the load balancer over the internet and cannot reach an internal one, "
        f"got '{stack.node.path}/InternalAlb'"
    )
    with pytest.raises(ValidationError, match=r"^primary_load_balancer must be internet-facing"):
        _dns(albs, primary_load_balancer=internal, secondary_load_balancers=[lbs["us-east-1"]])


def test_same_region_twice_is_rejected(albs: Any) -> None:
    _shop, lbs, _stack = albs
    with pytest.raises(
        ValidationError, match=r"regions of the load balancers must not name 'us-east-1' twice"
    ):
        _dns(albs, secondary_load_balancers=[lbs["us-east-1"]])


def test_existing_zone_must_know_its_name(albs: Any) -> None:
    _shop, _lbs, stack = albs
    zone = route53.HostedZone.from_hosted_zone_id(stack, "ZoneById", "Z3")
    with pytest.raises(ValidationError, match=r"existing_zone must know its zone name"):
        _dns(albs, existing_zone=zone, zone_name=None)


def test_existing_zone_name_must_match_zone_name(albs: Any) -> None:
    _shop, _lbs, stack = albs
    zone = route53.HostedZone.from_hosted_zone_attributes(
        stack, "ZoneByAttributes", hosted_zone_id="Z4", zone_name="mycompany.net"
    )
    with pytest.raises(
        ValidationError,
        match=r"zone_name must match existing_zone's name 'mycompany.net', got 'mycompany.com'",
    ):
        _dns(albs, existing_zone=zone)
    # With the zone's own name (or none), the record must be inside that zone.
    with pytest.raises(
        ValidationError, match=r"record_name must be inside the hosted zone 'mycompany.net'"
    ):
        _dns(albs, existing_zone=zone, zone_name=None)


def test_existing_zone_by_interface_is_accepted(albs: Any) -> None:
    _shop, _lbs, stack = albs
    zone = route53.HostedZone.from_hosted_zone_attributes(
        stack, "ZoneOk", hosted_zone_id="Z5", zone_name="MyCompany.COM."
    )
    dns = _dns(
        albs,
        existing_zone=zone,
        zone_name=None,
        record_name="API.mycompany.com.",
        output_suffix="Api",
    )
    assert dns.zone is zone
    assert dns.record_name == "api.mycompany.com"
    assert dns.zone_name == "mycompany.com"


# ------------------------------------------------ listener-less and mixed-stack load balancers
@pytest.fixture(scope="module")
def mixed() -> dict[str, Template]:
    """us-east-1 dualstack, us-east-2 IPv4 only, neither load balancer has a listener yet;
    one FailoverDns per health-check protocol. Small (no service, no database): synthesizes
    in about a second."""
    shop = MultiRegionApp(cdk.App(), "Shop", app_name="shop", service=False)
    lbs: dict[str, elbv2.ApplicationLoadBalancer] = {}
    for region, dualstack in (("us-east-1", True), ("us-east-2", False)):
        stack = shop.stack_for(region)
        vpc = ec2.Vpc(
            stack,
            "Vpc",
            max_azs=2,
            nat_gateways=0,
            ip_protocol=ec2.IpProtocol.DUAL_STACK if dualstack else ec2.IpProtocol.IPV4_ONLY,
        )
        lbs[region] = elbv2.ApplicationLoadBalancer(
            stack,
            "Alb",
            vpc=vpc,
            internet_facing=True,
            ip_address_type=(
                elbv2.IpAddressType.DUAL_STACK if dualstack else elbv2.IpAddressType.IPV4
            ),
        )
    stack = shop.add_helper_stack("dns", region="us-east-1")
    for protocol in ("HTTPS", "HTTP"):
        FailoverDns(
            stack,
            protocol,
            primary_load_balancer=lbs["us-east-1"],
            secondary_load_balancers=[lbs["us-east-2"]],
            record_name=f"{protocol.lower()}.mycompany.com",
            zone_name="mycompany.com",
            health_check_protocol=protocol,
            output_suffix=protocol,
        )
    return templates(shop)


@pytest.mark.parametrize(("protocol", "port"), [("HTTPS", 443), ("HTTP", 80)])
def test_health_check_port_without_listener_is_the_protocols_default(
    mixed: dict[str, Template], protocol: str, port: int
) -> None:
    checks = mixed[DNS].find_resources(
        CHECK,
        {
            "Properties": {
                "HealthCheckTags": Match.array_with(
                    [{"Key": "Name", "Value": Match.string_like_regexp(f"^{protocol.lower()}\\.")}]
                )
            }
        },
    )
    assert len(checks) == 2, checks
    assert {
        (c["Properties"]["HealthCheckConfig"]["Type"], c["Properties"]["HealthCheckConfig"]["Port"])
        for c in checks.values()
    } == {(protocol, port)}


def test_aaaa_records_only_when_every_load_balancer_is_dualstack(
    mixed: dict[str, Template],
) -> None:
    records = _records(mixed[DNS])
    assert len(records) == 4, records  # a PRIMARY/SECONDARY pair per FailoverDns
    assert {r["Type"] for r in records.values()} == {"A"}


@pytest.mark.parametrize(
    ("protocol", "port", "expected"),
    [
        (None, None, ("HTTP", 80)),
        ("HTTPS", None, ("HTTPS", 443)),
        ("HTTP", None, ("HTTP", 80)),
        ("HTTPS", 8443, ("HTTPS", 8443)),
    ],
)
def test_imported_load_balancer_health_check_uses_the_protocols_default_port(
    protocol: str | None, port: int | None, expected: tuple[str, int]
) -> None:
    """CDK refuses ``.listeners`` of an imported load balancer: FailoverDns does not read
    them and checks HTTP (or the given protocol) on that protocol's port (or the given one)."""
    shop = MultiRegionApp(cdk.App(), "Shop", app_name="shop", service=False)
    lbs = {
        region: elbv2.ApplicationLoadBalancer.from_application_load_balancer_attributes(
            shop.stack_for(region),
            "Alb",
            load_balancer_arn=(
                f"arn:aws:elasticloadbalancing:{region}:123456789012:"
                "loadbalancer/app/shop/0123456789abcdef"
            ),
            security_group_id="sg-12345678",
            load_balancer_dns_name=f"shop-1.{region}.elb.amazonaws.com",
            load_balancer_canonical_hosted_zone_id="Z35SXDOTRQ7X7K",
        )
        for region in ("us-east-1", "us-east-2")
    }
    dns = FailoverDns(
        shop.add_helper_stack("dns", region="us-east-1"),
        "Dns",
        primary_load_balancer=lbs["us-east-1"],
        secondary_load_balancers=[lbs["us-east-2"]],
        record_name="shop.mycompany.com",
        zone_name="mycompany.com",
        health_check_protocol=protocol,
        health_check_port=port,
    )
    checks = templates(shop)[DNS].find_resources(CHECK)
    assert len(checks) == 2
    assert {
        (
            c["Properties"]["HealthCheckConfig"]["Type"],
            c["Properties"]["HealthCheckConfig"]["Port"],
            c["Properties"]["HealthCheckConfig"]["FullyQualifiedDomainName"],
        )
        for c in checks.values()
    } == {(*expected, f"shop-1.{r}.elb.amazonaws.com") for r in ("us-east-1", "us-east-2")}
    assert set(dns.records) == {"A"}


@pytest.mark.parametrize(
    "missing", ["load_balancer_dns_name", "load_balancer_canonical_hosted_zone_id"]
)
def test_imported_load_balancer_without_dns_name_or_zone_id_is_refused(missing: str) -> None:
    """CDK would fail later with a jsii error; the message says what to import it with."""
    shop = MultiRegionApp(cdk.App(), "Shop", app_name="shop", service=False)
    attributes = {
        "load_balancer_dns_name": "shop-1.us-east-2.elb.amazonaws.com",
        "load_balancer_canonical_hosted_zone_id": "Z3AADJGX6KTTL2",
    }
    del attributes[missing]
    imported = elbv2.ApplicationLoadBalancer.from_application_load_balancer_attributes(
        shop.stack_for("us-east-2"),
        "Alb",
        load_balancer_arn=(
            "arn:aws:elasticloadbalancing:us-east-2:123456789012:"
            "loadbalancer/app/shop/0123456789abcdef"
        ),
        security_group_id="sg-12345678",
        **attributes,
    )
    with pytest.raises(ValidationError) as caught:
        FailoverDns(
            shop.add_helper_stack("dns", region="us-west-2"),
            "Dns",
            primary_load_balancer=imported,
            secondary_load_balancers=[],
            record_name="shop.mycompany.com",
            zone_name="mycompany.com",
        )
    assert caught.value.message == (
        "primary_load_balancer must know its DNS name and canonical hosted zone id: import it "
        "with ApplicationLoadBalancer.from_application_load_balancer_attributes("
        "load_balancer_dns_name=..., load_balancer_canonical_hosted_zone_id=...), "
        "got 'shop-us-east-2/Alb'"
    )


# ----------------------------------------------------------------------------- one region left
def test_without_secondaries_both_records_point_at_the_primary() -> None:
    """After a failover with two regions only the promoted one serves: the name keeps one
    PRIMARY and one SECONDARY record, both on its load balancer and its health check."""
    shop = MultiRegionApp(cdk.App(), "Shop", app_name="shop", service=False)
    region = failover_app._region(
        shop.stack_for("us-east-2"), https=False, dualstack=False, full=False
    )
    dns = FailoverDns(
        shop.add_helper_stack("dns", region="us-east-2"),
        "FailoverDns",
        primary_load_balancer=region.load_balancer,
        secondary_load_balancers=[],
        record_name="shop.mycompany.com",
        zone_name="mycompany.com",
    )
    template = templates(shop)["shop-dns"]
    template.resource_count_is(CHECK, 1)
    records = _records(template, "A")
    assert sorted((r["Failover"], r["SetIdentifier"]) for r in records.values()) == [
        ("PRIMARY", "primary"),
        ("SECONDARY", "secondary"),
    ]
    check = {"Ref": _check_id(template, "us-east-2")}
    for record in records.values():
        assert record["HealthCheckId"] == check
        target = record["AliasTarget"]["DNSName"]["Fn::Join"][1][1]["Fn::GetStackOutput"]
        assert (target["StackName"], target["Region"]) == ("shop-us-east-2", "us-east-2")
        assert record["AliasTarget"]["EvaluateTargetHealth"] is False
    assert dns.regions == ("us-east-2",)
