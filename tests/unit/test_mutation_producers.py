"""_private/producers.py on bare L1 resources, no app: the digest takes every create-only
property of CloudFormation's schemas (each one, by AWS's name, changes it), a producer with a
name of its own is that name alone, CloudFormation's defaults stated change nothing, the digest
is the documented identity's SHA-256 (so it stays the same from one release to the next), and
each kind of reader carries it where AWS has a place for it (``Tags``, ``HealthCheckTags``, a
record's ``Comment``, else ``Metadata``) under the literal key ``multiregion-tap:follows``.
Kills the mutants of ``tools/mutate.py`` in a few seconds each (docs/guides/testing.md)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_rds as rds
from aws_cdk import aws_route53 as route53
from aws_cdk.assertions import Template
from constructs import Construct

from multiregion_tap._private import producers
from multiregion_tap._private.producers import follow, followed, producer_key

#: AWS's literal tag key (and metadata key, and Comment prefix), not the library's constant.
FOLLOWS = "multiregion-tap:follows"

_HC = route53.CfnHealthCheck.HealthCheckConfigProperty


def _sha(value: Any) -> str:
    """The documented digest: SHA-256 of the sorted-key JSON, its first 16 hex digits."""
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]


def _stack(name: str = "s", region: str = "us-east-1") -> cdk.Stack:
    return cdk.Stack(cdk.App(), name, env=cdk.Environment(account="123456789012", region=region))


def _key(cls: type, construct_id: str = "R", **props: Any) -> str:
    """The key of a fresh ``cls`` L1 (stack ``s`` in us-east-1, logical id ``R``)."""
    return producer_key(cls(_stack(), construct_id, **props))


#: (CloudFormation type, L1 class, the props every case has, AWS's create-only property name,
#: the L1's keyword for it, two values): the key differs between the two values. The named
#: types' cases other than the name are built without a name (a name alone is the key).
_CREATE_ONLY_CASES: list[tuple[str, type, dict[str, Any], str, str, Any, Any]] = [
    ("AWS::EC2::RouteTable", ec2.CfnRouteTable, {}, "VpcId", "vpc_id", "vpc-1", "vpc-2"),
    ("AWS::EC2::VPC", ec2.CfnVPC, {}, "CidrBlock", "cidr_block", "10.0.0.0/16", "10.1.0.0/16"),
    ("AWS::EC2::VPC", ec2.CfnVPC, {}, "Ipv4IpamPoolId", "ipv4_ipam_pool_id", "ipam-1", "ipam-2"),
    ("AWS::EC2::VPC", ec2.CfnVPC, {}, "Ipv4NetmaskLength", "ipv4_netmask_length", 16, 20),
    (
        "AWS::EC2::VPC",
        ec2.CfnVPC,
        {},
        "VpcEncryptionControl",
        "vpc_encryption_control",
        {"mode": "monitor"},
        {"mode": "enforce"},
    ),
    *[
        (
            "AWS::EC2::VPCPeeringConnection",
            ec2.CfnVPCPeeringConnection,
            {"vpc_id": "vpc-1", "peer_vpc_id": "vpc-2"},
            name,
            keyword,
            one,
            two,
        )
        for name, keyword, one, two in [
            ("PeerOwnerId", "peer_owner_id", "111111111111", "222222222222"),
            ("PeerRegion", "peer_region", "us-east-2", "us-west-2"),
            ("PeerVpcId", "peer_vpc_id", "vpc-3", "vpc-4"),
            ("VpcId", "vpc_id", "vpc-3", "vpc-4"),
        ]
    ],
    ("AWS::ECS::Cluster", ecs.CfnCluster, {}, "ClusterName", "cluster_name", "blue", "green"),
    *[
        ("AWS::ECS::Service", ecs.CfnService, {}, name, keyword, one, two)
        for name, keyword, one, two in [
            ("Cluster", "cluster", "blue", "green"),
            ("Role", "role", "role-1", "role-2"),
            ("SchedulingStrategy", "scheduling_strategy", "REPLICA", "DAEMON"),
            ("ServiceName", "service_name", "web", "api"),
        ]
    ],
    *[
        ("AWS::ElasticLoadBalancingV2::LoadBalancer", elbv2.CfnLoadBalancer, {}, n, k, a, b)
        for n, k, a, b in [
            ("Name", "name", "shop-blue", "shop-green"),
            ("Scheme", "scheme", "internal", "internet-facing"),
            ("Type", "type", "network", "application"),
        ]
    ],
    *[
        ("AWS::ElasticLoadBalancingV2::TargetGroup", elbv2.CfnTargetGroup, {}, n, k, a, b)
        for n, k, a, b in [
            ("IpAddressType", "ip_address_type", "ipv4", "ipv6"),
            ("Name", "name", "web-blue", "web-green"),
            ("Port", "port", 80, 8080),
            ("Protocol", "protocol", "HTTP", "HTTPS"),
            ("ProtocolVersion", "protocol_version", "HTTP1", "HTTP2"),
            ("TargetType", "target_type", "ip", "instance"),
            ("VpcId", "vpc_id", "vpc-1", "vpc-2"),
        ]
    ],
    *[
        ("AWS::RDS::DBInstance", rds.CfnDBInstance, {}, n, k, a, b)
        for n, k, a, b in [
            ("BackupTarget", "backup_target", "region", "outposts"),
            ("CharacterSetName", "character_set_name", "AL32UTF8", "WE8ISO8859P1"),
            ("CustomIAMInstanceProfile", "custom_iam_instance_profile", "p-1", "p-2"),
            ("DBClusterIdentifier", "db_cluster_identifier", "c-1", "c-2"),
            ("DBInstanceIdentifier", "db_instance_identifier", "shop-use1", "shop-use2"),
            ("DBName", "db_name", "shop", "orders"),
            ("DBSubnetGroupName", "db_subnet_group_name", "g-1", "g-2"),
            ("DBSystemId", "db_system_id", "SYS1", "SYS2"),
            ("KmsKeyId", "kms_key_id", "key-1", "key-2"),
            ("MasterUsername", "master_username", "admin", "root"),
            ("NcharCharacterSetName", "nchar_character_set_name", "AL16UTF16", "UTF8"),
            ("SourceRegion", "source_region", "us-east-1", "us-east-2"),
            ("StorageEncrypted", "storage_encrypted", True, False),
            ("Timezone", "timezone", "UTC", "Europe/Paris"),
        ]
    ],
    *[
        (
            "AWS::Route53::HealthCheck",
            route53.CfnHealthCheck,
            {},
            f"HealthCheckConfig/{n}",
            "health_check_config",
            _HC(**{"type": "HTTP", **a}),
            _HC(**{"type": "HTTP", **b}),
        )
        for n, a, b in [
            ("MeasureLatency", {"measure_latency": True}, {"measure_latency": False}),
            ("RequestInterval", {"request_interval": 10}, {"request_interval": 30}),
            ("Type", {}, {"type": "HTTPS"}),
        ]
    ],
]


@pytest.mark.parametrize(
    ("kind", "cls", "base", "name", "keyword", "one", "two"),
    _CREATE_ONLY_CASES,
    ids=[f"{c[0]}.{c[3]}" for c in _CREATE_ONLY_CASES],
)
def test_each_create_only_property_changes_the_key(
    kind: str, cls: type, base: dict[str, Any], name: str, keyword: str, one: Any, two: Any
) -> None:
    assert kind == cls.CFN_RESOURCE_TYPE_NAME  # type: ignore[attr-defined]
    assert _key(cls, **{**base, keyword: one}) != _key(cls, **{**base, keyword: two}), name


def test_every_create_only_property_has_a_case() -> None:
    """The cases above are AWS's createOnlyProperties, type by type (test_follow_producers
    compares the library's table with cfn-lint's schemas)."""
    cases: dict[str, set[str]] = {}
    for kind, *_, name, _keyword, _one, _two in _CREATE_ONLY_CASES:
        cases.setdefault(kind, set()).add(name)
    assert cases == {kind: set(names) for kind, names in producers.CREATE_ONLY.items()}


def test_an_update_in_place_keeps_the_key() -> None:
    """Properties outside createOnlyProperties (and unset ones) change nothing."""
    assert _key(ec2.CfnVPC, cidr_block="10.0.0.0/16") == _key(
        ec2.CfnVPC, cidr_block="10.0.0.0/16", enable_dns_hostnames=True
    )
    assert _key(elbv2.CfnTargetGroup, port=80) == _key(
        elbv2.CfnTargetGroup, port=80, health_check_path="/health"
    )


@pytest.mark.parametrize(
    ("cls", "name", "other"),
    [
        (ecs.CfnService, {"service_name": "web"}, {"cluster": "blue"}),
        (elbv2.CfnLoadBalancer, {"name": "shop"}, {"scheme": "internal"}),
        (elbv2.CfnTargetGroup, {"name": "web"}, {"port": 8080}),
        (rds.CfnDBInstance, {"db_instance_identifier": "shop"}, {"db_name": "orders"}),
    ],
)
def test_a_named_producer_is_its_name_alone(
    cls: type, name: dict[str, Any], other: dict[str, Any]
) -> None:
    """ServiceName, Name, DBInstanceIdentifier: CloudFormation replaces a custom-named resource
    only under a new name, so the other create-only properties do not count."""
    assert _key(cls, **name) == _key(cls, **name, **other)
    assert _key(cls, **other) != _key(cls)  # without the name they do


def test_a_name_that_is_a_token_is_not_a_name() -> None:
    """A name read from elsewhere may change under the same token: the other create-only
    properties count, and so does what the token refers to."""

    def key(parameter: str, **props: Any) -> str:
        stack = _stack()
        names = {p: cdk.CfnParameter(stack, p).value_as_string for p in ("P1", "P2")}
        lb = elbv2.CfnLoadBalancer(stack, "R", name=names[parameter], **props)
        return producer_key(lb)

    assert key("P1") == key("P1")
    assert key("P1") != key("P2")
    assert key("P1", scheme="internal") != key("P1")

    def cluster_key(parameter: str) -> str:
        stack = _stack()
        names = {p: cdk.CfnParameter(stack, p).value_as_string for p in ("P1", "P2")}
        return producer_key(ecs.CfnCluster(stack, "R", cluster_name=names[parameter]))

    assert cluster_key("P1") != cluster_key("P2")
    assert _key(ecs.CfnCluster, cluster_name="blue") != _key(ecs.CfnCluster)


def test_cloudformations_defaults_stated_are_the_defaults_left_out() -> None:
    """A load balancer's Scheme internet-facing and Type application: stating them replaces
    nothing, stating anything else does."""
    bare = _key(elbv2.CfnLoadBalancer)
    assert _key(elbv2.CfnLoadBalancer, scheme="internet-facing") == bare
    assert _key(elbv2.CfnLoadBalancer, type="application") == bare
    assert _key(elbv2.CfnLoadBalancer, scheme="internet-facing", type="application") == bare
    assert _key(elbv2.CfnLoadBalancer, scheme="internal") != bare
    assert _key(elbv2.CfnLoadBalancer, type="network") != bare


def test_the_key_is_the_identitys_digest() -> None:
    """Stack, region, logical id, type, the create-only values set (resolved) and the keys of
    what they refer to, as sorted-key JSON: a release that changed this would update every
    reader of every app once."""
    stack = _stack("Shop-use1", "us-east-1")
    vpc = ec2.CfnVPC(stack, "Vpc", cidr_block="10.0.0.0/16")
    table = ec2.CfnRouteTable(stack, "Table", vpc_id=vpc.ref)
    vpc_key = _sha(
        {
            "stack": "Shop-use1",
            "region": "us-east-1",
            "logicalId": "Vpc",
            "type": "AWS::EC2::VPC",
            "createOnly": {"CidrBlock": "10.0.0.0/16"},
            "refersTo": [],
        }
    )
    table_key = _sha(
        {
            "stack": "Shop-use1",
            "region": "us-east-1",
            "logicalId": "Table",
            "type": "AWS::EC2::RouteTable",
            "createOnly": {"VpcId": {"Ref": "Vpc"}},
            "refersTo": [vpc_key],
        }
    )
    assert producer_key(vpc) == vpc_key
    assert producer_key(table) == table_key
    assert producer_key(table) == table_key  # asked again: the same

    lb = elbv2.CfnLoadBalancer(stack, "Lb", name="shop-blue", scheme="internal")
    assert producer_key(lb) == _sha(
        {
            "stack": "Shop-use1",
            "region": "us-east-1",
            "logicalId": "Lb",
            "type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
            "createOnly": {"Name": "shop-blue"},
            "refersTo": [],
        }
    )
    bare = elbv2.CfnLoadBalancer(stack, "Bare")
    assert producer_key(bare) == _sha(
        {
            "stack": "Shop-use1",
            "region": "us-east-1",
            "logicalId": "Bare",
            "type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
            "createOnly": {"Scheme": "internet-facing", "Type": "application"},
            "refersTo": [],
        }
    )


def test_a_construct_without_a_resource_is_its_path() -> None:
    stack = _stack("Shop")
    group = Construct(stack, "Group")
    assert producer_key(group) == _sha({"path": "Shop/Group"})


def test_the_key_has_the_stack_and_the_region() -> None:
    def key(name: str, region: str) -> str:
        return producer_key(ec2.CfnVPC(_stack(name, region), "Vpc", cidr_block="10.0.0.0/16"))

    base = key("Shop", "us-east-1")
    assert key("Shop", "us-east-1") == base
    assert key("Other", "us-east-1") != base
    assert key("Shop", "us-east-2") != base


@pytest.fixture(scope="module")
def readers() -> dict[str, Any]:
    """A VPC and a route table in us-east-1, and each kind of reader in us-east-2."""
    app = cdk.App(context={"@aws-cdk/core:defaultCrossStackReferences": "weak"})
    env = {"account": "123456789012"}
    one, two = (
        cdk.Stack(app, f"S{i}", env=cdk.Environment(region=r, **env), cross_region_references=True)
        for i, r in enumerate(("us-east-1", "us-east-2"))
    )
    vpc = ec2.CfnVPC(one, "Vpc", cidr_block="10.0.0.0/16")
    table = ec2.CfnRouteTable(one, "Table", vpc_id=vpc.ref)
    connection = ec2.CfnVPCPeeringConnection(
        two, "Connection", vpc_id="vpc-12345678", peer_vpc_id=vpc.ref
    )
    wrapper = Construct(two, "Wrapper")  # a construct whose default child is the route
    ec2.CfnRoute(
        wrapper,
        "Resource",
        route_table_id=table.ref,
        destination_cidr_block="10.1.0.0/16",
        vpc_peering_connection_id=connection.ref,
    )
    alarm = cloudwatch.CfnAlarm(
        two,
        "Alarm",
        comparison_operator="LessThanThreshold",
        evaluation_periods=1,
        threshold=1,
        metric_name="VpcCidr",
        namespace="Test",
        dimensions=[cloudwatch.CfnAlarm.DimensionProperty(name="Vpc", value=vpc.ref)],
    )
    check = route53.CfnHealthCheck(
        two, "Check", health_check_config=_HC(type="HTTP", fully_qualified_domain_name="x.com")
    )
    record = route53.CfnRecordSet(
        two, "Record", name="www.shop.com", type="CNAME", hosted_zone_id="Z1", ttl="60"
    )
    empty = Construct(two, "Empty")  # no resource at all
    keys = {
        "Connection": follow(connection, [vpc, None, "vpc-12345678"]),
        "Wrapper": follow(wrapper, [table.ref, connection]),  # the connection: its own stack
        "Alarm": follow(alarm, [vpc.attr_vpc_id]),
        "Check": follow(check, [vpc]),
        "Record": follow(record, [table, vpc]),
        "Empty": follow(empty, [vpc]),
        "Nothing": follow(alarm, [connection, Construct(one, "Plain"), None]),
    }
    resources = Template.from_stack(two).to_json()["Resources"]
    return {
        "keys": keys,
        "resources": resources,
        "vpc": producer_key(vpc),
        "table": producer_key(table),
        "followed": {
            "Connection": [p.node.path for p in followed(connection)],
            "Wrapper": [p.node.path for p in followed(wrapper)],
            "Record": sorted(p.node.path for p in followed(record)),
            "Empty": followed(empty),
        },
    }


def test_the_key_is_the_digest_of_the_producers_keys(readers: dict[str, Any]) -> None:
    keys, vpc, table = readers["keys"], readers["vpc"], readers["table"]
    assert keys["Connection"] == _sha([vpc])
    assert keys["Alarm"] == keys["Check"] == _sha([vpc])  # a value read names its producer
    assert keys["Wrapper"] == _sha([table])
    assert keys["Record"] == _sha(sorted([vpc, table]))
    assert keys["Empty"] is None  # no resource to carry it
    assert keys["Nothing"] is None  # own stack, a construct without a resource, None


def test_followed_names_the_producers_of_other_stacks(readers: dict[str, Any]) -> None:
    assert readers["followed"] == {
        "Connection": ["S0/Vpc"],
        "Wrapper": ["S0/Table"],
        "Record": ["S0/Table", "S0/Vpc"],
        "Empty": [],
    }


def _tag(resource: dict[str, Any], prop: str = "Tags") -> list[dict[str, str]]:
    return [t for t in resource["Properties"].get(prop, []) if t["Key"] == FOLLOWS]


def test_each_reader_carries_the_key_where_aws_has_a_place_for_it(
    readers: dict[str, Any],
) -> None:
    resources, keys = readers["resources"], readers["keys"]
    # Tags (a TagManager: ITaggable)
    assert _tag(resources["Connection"]) == [{"Key": FOLLOWS, "Value": keys["Connection"]}]
    # Tags (cdk_tag_manager: ITaggableV2); the later follow of nothing left it alone
    assert _tag(resources["Alarm"]) == [{"Key": FOLLOWS, "Value": keys["Alarm"]}]
    assert _tag(resources["Check"], "HealthCheckTags") == [{"Key": FOLLOWS, "Value": keys["Check"]}]
    # A record has no tags: its Comment
    assert resources["Record"]["Properties"]["Comment"] == f"{FOLLOWS} {keys['Record']}"
    assert "Metadata" not in resources["Record"]
    # A route has neither: its Metadata
    (route,) = [k for k, r in resources.items() if r["Type"] == "AWS::EC2::Route"]
    assert resources[route]["Metadata"] == {FOLLOWS: keys["Wrapper"]}
    for name in ("Connection", "Alarm", "Check"):
        assert "Metadata" not in resources[name], name


def test_the_public_names() -> None:
    namespace: dict[str, object] = {}
    exec("from multiregion_tap._private.producers import *", namespace)
    assert {k: v for k, v in namespace.items() if not k.startswith("__")} == {
        "CREATE_ONLY": producers.CREATE_ONLY,
        "FOLLOWS_KEY": FOLLOWS,
        "NAMES": producers.NAMES,
        "follow": follow,
        "followed": followed,
        "object_id": producers.object_id,
        "producer_key": producer_key,
    }
