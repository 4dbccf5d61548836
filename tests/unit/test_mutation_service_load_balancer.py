"""_private/service_load_balancer.py's builders called directly with the settings they read: the
security groups on both sides of the load balancer with their rules and descriptions, the
access log bucket and its lifecycle, the ALB's attributes, the blue and green target groups and
their health check, the listeners (HTTP, HTTPS with its redirect and TLS policy, the test
listener) with their weighted actions, the rules ECS rewrites or the rule that only registers
green for CodeDeploy, the overrides, and the web ACL association. Kills the mutants of
``tools/mutate.py`` in a couple of seconds each (docs/guides/testing.md)."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk.assertions import Template

from multiregion_tap._private import service_load_balancer as module
from multiregion_tap._private.service_load_balancer import (
    LoadBalancing,
    associate_web_acl,
    build_load_balancer,
)
from multiregion_tap._private.service_network import Network
from multiregion_tap._private.service_options import ServiceOptions

ENV = cdk.Environment(account="111111111111", region="us-east-1")
CIDR = "10.40.0.0/16"
CERT = "arn:aws:acm:us-east-1:111111111111:certificate/abc"
ACL = "arn:aws:wafv2:us-east-1:111111111111:regional/webacl/shop/1234"


def _settings(**changes: Any) -> Any:
    """What the load balancer builders read of ServiceSettings."""
    values: dict[str, Any] = {
        "certificate": None,
        "internet_facing": True,
        "native": True,
        "removal": cdk.RemovalPolicy.RETAIN,
        "options": ServiceOptions(),
        "healthy_grpc_codes": None,
        "healthy_http_codes": "200-299",
        "health_check_path": "/health",
        "interval": cdk.Duration.seconds(20),
        "timeout": cdk.Duration.seconds(4),
        "healthy_threshold": 3,
        "unhealthy_threshold": 4,
        "listener_port": 80,
        "test_listener_port": None,
        "web_acl_arn": None,
    }
    return SimpleNamespace(**{**values, **changes})


def _built(**changes: Any) -> dict[str, Any]:
    stack = cdk.Stack(cdk.App(), "Shop", env=ENV)
    vpc = ec2.Vpc.from_vpc_attributes(
        stack,
        "Vpc",
        vpc_id="vpc-12345678",
        availability_zones=["us-east-1a", "us-east-1b"],
        public_subnet_ids=["subnet-a1", "subnet-a2"],
        private_subnet_ids=["subnet-p1", "subnet-p2"],
    )
    if changes.pop("https", False):
        changes["certificate"] = acm.Certificate.from_certificate_arn(stack, "Cert", CERT)
        changes.setdefault("listener_port", 443)
    settings = _settings(**changes)
    built = build_load_balancer(stack, settings, Network(vpc, CIDR))
    association = associate_web_acl(stack, settings, built.load_balancer)
    return {
        "stack": stack,
        "built": built,
        "association": association,
        "resources": Template.from_stack(stack).to_json()["Resources"],
    }


@pytest.fixture(scope="module")
def http() -> dict[str, Any]:
    """ECS-native, internet-facing, HTTP, no test listener, retained."""
    return _built()


@pytest.fixture(scope="module")
def https() -> dict[str, Any]:
    """ECS-native, internal, HTTPS with a TLS policy of one's own, a test listener, gRPC
    health checks, idle timeout, dual stack, overrides, a web ACL, destroyed."""
    options = ServiceOptions(
        idle_timeout=cdk.Duration.seconds(120),
        ssl_policy=elbv2.SslPolicy.TLS13_13,
        dual_stack=True,
        overrides={
            "load_balancer_props": {"load_balancer_name": "shop-alb"},
            "target_group_props": {"slow_start": cdk.Duration.seconds(60)},
        },
    )
    return _built(
        https=True,
        internet_facing=False,
        test_listener_port=8443,
        options=options,
        healthy_grpc_codes="0-99",
        removal=cdk.RemovalPolicy.DESTROY,
        web_acl_arn=ACL,
    )


@pytest.fixture(scope="module")
def codedeploy() -> dict[str, Any]:
    """CODE_DEPLOY without a test listener: the green rule."""
    return _built(native=False)


@pytest.fixture(scope="module")
def codedeploy_test() -> dict[str, Any]:
    """CODE_DEPLOY over HTTPS with the library's TLS policy and a test listener."""
    return _built(native=False, https=True, test_listener_port=9000)


def _of(resources: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: r for k, r in resources.items() if r["Type"] == kind}


def _id(built: dict[str, Any], construct: Any) -> str:
    return str(built["stack"].get_logical_id(construct.node.default_child))


def _props(built: dict[str, Any], construct: Any) -> dict[str, Any]:
    return dict(built["resources"][_id(built, construct)]["Properties"])


def _listeners(built: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {
        r["Properties"]["Port"]: r["Properties"]
        for r in _of(built["resources"], "AWS::ElasticLoadBalancingV2::Listener").values()
    }


def _weights(built: dict[str, Any], action: dict[str, Any]) -> list[tuple[str, int]]:
    """The forward action's (target group logical id, weight) pairs."""
    lb: LoadBalancing = built["built"]
    names = {_id(built, lb.blue): "blue", _id(built, lb.green): "green"}
    assert action["Type"] == "forward"
    return [
        (names[g["TargetGroupArn"]["Ref"]], g["Weight"])
        for g in action["ForwardConfig"]["TargetGroups"]
    ]


def _ingress(built: dict[str, Any], group: Any) -> list[tuple[str, int, str]]:
    rules = _props(built, group).get("SecurityGroupIngress", [])
    found = [(r.get("CidrIp") or r.get("CidrIpv6"), r["FromPort"], r["Description"]) for r in rules]
    for r in _of(built["resources"], "AWS::EC2::SecurityGroupIngress").values():
        p = r["Properties"]
        if p["GroupId"] == {"Fn::GetAtt": [_id(built, group), "GroupId"]} and "CidrIp" in p:
            found.append((p["CidrIp"], p["FromPort"], p["Description"]))
    return sorted(found)


def _lb_attributes(built: dict[str, Any]) -> dict[str, str]:
    props = _props(built, built["built"].load_balancer)
    return {a["Key"]: a["Value"] for a in props["LoadBalancerAttributes"]}


def test_the_constructs_under_the_ids_the_logical_ids_depend_on(
    https: dict[str, Any], codedeploy: dict[str, Any]
) -> None:
    lb: LoadBalancing = https["built"]
    paths = {
        name: getattr(lb, name).node.path
        for name in (
            "lb_security_group",
            "service_security_group",
            "access_logs_bucket",
            "load_balancer",
            "blue",
            "green",
            "production_listener",
            "redirect_listener",
            "test_listener",
            "production_rule",
            "test_rule",
        )
    }
    assert paths == {
        "lb_security_group": "Shop/LoadBalancerSecurityGroup",
        "service_security_group": "Shop/ServiceSecurityGroup",
        "access_logs_bucket": "Shop/AccessLogsBucket",
        "load_balancer": "Shop/LoadBalancer",
        "blue": "Shop/BlueTargetGroup",
        "green": "Shop/GreenTargetGroup",
        "production_listener": "Shop/LoadBalancer/ProductionListener",
        "redirect_listener": "Shop/LoadBalancer/RedirectListener",
        "test_listener": "Shop/LoadBalancer/TestListener",
        "production_rule": "Shop/ProductionRule",
        "test_rule": "Shop/TestRule",
    }
    assert lb.green_rule is None
    assert https["association"].node.path == "Shop/WebAclAssociation"
    green_rule = codedeploy["built"].green_rule
    assert green_rule is not None and green_rule.node.path == "Shop/GreenRule"


def test_the_security_groups(http: dict[str, Any]) -> None:
    lb: LoadBalancing = http["built"]
    load_balancer = _props(http, lb.lb_security_group)
    assert load_balancer["GroupDescription"] == (
        "Load balancer of the regional service: listeners in, targets out"
    )
    # allow_all_outbound=False: CDK's placeholder that matches no traffic
    assert load_balancer["SecurityGroupEgress"] == [
        {
            "CidrIp": "255.255.255.255/32",
            "Description": "Disallow all traffic",
            "FromPort": 252,
            "IpProtocol": "icmp",
            "ToPort": 86,
        }
    ]
    service = _props(http, lb.service_security_group)
    assert service["GroupDescription"] == (
        "Fargate tasks of the regional service: load balancer in, HTTPS out"
    )
    assert service["SecurityGroupEgress"] == [
        {
            "CidrIp": "0.0.0.0/0",
            "Description": "HTTPS to AWS APIs (ECR, CloudWatch Logs, Secrets Manager) "
            "through the NAT gateways",
            "FromPort": 443,
            "IpProtocol": "tcp",
            "ToPort": 443,
        }
    ]
    # internet-facing: the listener is open to the world, nothing from the VPC
    assert _ingress(http, lb.lb_security_group) == [
        ("0.0.0.0/0", 80, "Allow from anyone on port 80")
    ]


def test_the_access_log_bucket(http: dict[str, Any]) -> None:
    lb: LoadBalancing = http["built"]
    bucket = _props(http, lb.access_logs_bucket)
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert bucket["BucketEncryption"] == {
        "ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
        ]
    }
    assert bucket["LifecycleConfiguration"] == {
        "Rules": [
            {
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
                "ExpirationInDays": 365,
                "Id": "ExpireAccessLogs",
                "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
                "Status": "Enabled",
            }
        ]
    }
    (policy,) = _of(http["resources"], "AWS::S3::BucketPolicy").values()
    denials = [
        s
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if s["Effect"] == "Deny"
        and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
    ]
    assert len(denials) == 1  # enforce_ssl


def test_the_load_balancer_retained(http: dict[str, Any]) -> None:
    attributes = _lb_attributes(http)
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    assert attributes["deletion_protection.enabled"] == "true"
    assert attributes["access_logs.s3.enabled"] == "true"
    assert attributes["access_logs.s3.prefix"] == "alb"
    assert "idle_timeout.timeout_seconds" not in attributes
    props = _props(http, http["built"].load_balancer)
    assert props["Scheme"] == "internet-facing"
    assert props["Subnets"] == ["subnet-a1", "subnet-a2"]
    assert "IpAddressType" not in props or props["IpAddressType"] == "ipv4"
    assert "Name" not in props


def test_the_load_balancer_destroyed_internal_with_options(https: dict[str, Any]) -> None:
    attributes = _lb_attributes(https)
    assert attributes.get("deletion_protection.enabled", "false") == "false"
    assert attributes["idle_timeout.timeout_seconds"] == "120"
    props = _props(https, https["built"].load_balancer)
    assert props["Scheme"] == "internal"
    assert props["Subnets"] == ["subnet-p1", "subnet-p2"]
    assert props["IpAddressType"] == "dualstack"
    assert props["Name"] == "shop-alb"


def test_the_target_groups_and_their_health_check(http: dict[str, Any]) -> None:
    lb: LoadBalancing = http["built"]
    for group in (lb.blue, lb.green):
        props = _props(http, group)
        assert props["Port"] == 80
        assert props["Protocol"] == "HTTP"
        assert props["TargetType"] == "ip"
        assert props["VpcId"] == "vpc-12345678"
        assert props["HealthCheckEnabled"] is True
        assert props["HealthCheckPath"] == "/health"
        assert props["HealthCheckProtocol"] == "HTTP"
        assert props["HealthCheckIntervalSeconds"] == 20
        assert props["HealthCheckTimeoutSeconds"] == 4
        assert props["HealthyThresholdCount"] == 3
        assert props["UnhealthyThresholdCount"] == 4
        assert props["Matcher"] == {"HttpCode": "200-299"}
        assert {a["Key"]: a["Value"] for a in props["TargetGroupAttributes"]} == {
            "deregistration_delay.timeout_seconds": "30",
            "stickiness.enabled": "false",
        }


def test_grpc_codes_and_the_target_group_override(https: dict[str, Any]) -> None:
    lb: LoadBalancing = https["built"]
    for group in (lb.blue, lb.green):
        props = _props(https, group)
        assert props["Matcher"] == {"GrpcCode": "0-99"}
        attributes = {a["Key"]: a["Value"] for a in props["TargetGroupAttributes"]}
        assert attributes["slow_start.duration_seconds"] == "60"


def test_native_http_listener_and_rule(http: dict[str, Any]) -> None:
    lb: LoadBalancing = http["built"]
    assert lb.redirect_listener is None and lb.test_listener is None
    assert lb.test_rule is None and lb.green_rule is None
    (listener,) = _listeners(http).values()
    assert listener["Port"] == 80 and listener["Protocol"] == "HTTP"
    assert "Certificates" not in listener and "SslPolicy" not in listener
    (action,) = listener["DefaultActions"]
    assert _weights(http, action) == [("blue", 100), ("green", 0)]
    (rule,) = _of(http["resources"], "AWS::ElasticLoadBalancingV2::ListenerRule").values()
    props = rule["Properties"]
    assert props["Priority"] == 1
    assert props["Conditions"] == [
        {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/*"]}}
    ]
    (action,) = props["Actions"]
    assert _weights(http, action) == [("blue", 100), ("green", 0)]
    assert props["ListenerArn"] == {"Ref": _id(http, lb.production_listener)}


def test_native_https_with_redirect_and_test_listener(https: dict[str, Any]) -> None:
    lb: LoadBalancing = https["built"]
    listeners = _listeners(https)
    assert sorted(listeners) == [80, 443, 8443]
    for port in (443, 8443):
        assert listeners[port]["Protocol"] == "HTTPS"
        assert listeners[port]["Certificates"] == [{"CertificateArn": CERT}]
        assert listeners[port]["SslPolicy"] == "ELBSecurityPolicy-TLS13-1-3-2021-06"
        (action,) = listeners[port]["DefaultActions"]
        assert _weights(https, action) == [("blue", 100), ("green", 0)]
    redirect = listeners[80]
    assert redirect["Protocol"] == "HTTP"
    assert redirect["DefaultActions"] == [
        {
            "RedirectConfig": {"Port": "443", "Protocol": "HTTPS", "StatusCode": "HTTP_301"},
            "Type": "redirect",
        }
    ]
    rules = {
        r["Properties"]["ListenerArn"]["Ref"]: r["Properties"]
        for r in _of(https["resources"], "AWS::ElasticLoadBalancingV2::ListenerRule").values()
    }
    assert sorted(rules) == sorted(
        [_id(https, lb.production_listener), _id(https, lb.test_listener)]
    )
    for props in rules.values():
        assert props["Priority"] == 1
        assert props["Conditions"] == [
            {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/*"]}}
        ]
        (action,) = props["Actions"]
        assert _weights(https, action) == [("blue", 100), ("green", 0)]
    # the redirect listener waits for the production listener to leave port 80
    redirect_id = _id(https, lb.redirect_listener)
    assert _id(https, lb.production_listener) in https["resources"][redirect_id]["DependsOn"]
    acknowledged = [
        m.data
        for m in lb.redirect_listener.node.metadata  # type: ignore[union-attr]
        if m.type == "aws:cdk:acknowledged-rules"
    ]
    assert acknowledged == [
        {
            "NIST.800.53.R5::NIST.800.53.R5-ELBv2ACMCertificateRequired": (
                "This port 80 listener serves no content: it only answers a permanent "
                "redirect to the HTTPS listener, which uses the ACM certificate."
            )
        }
    ]


def test_an_internal_load_balancer_is_reached_from_the_vpc_only(https: dict[str, Any]) -> None:
    lb: LoadBalancing = https["built"]
    assert _ingress(https, lb.lb_security_group) == [
        (CIDR, 80, "Internal load balancer: from the VPC"),
        (CIDR, 443, "Internal load balancer: from the VPC"),
        (CIDR, 8443, "Test listener: green tasks during a deployment, from inside the VPC only"),
    ]


def test_codedeploy_registers_green_through_a_rule_no_request_matches(
    codedeploy: dict[str, Any],
) -> None:
    lb: LoadBalancing = codedeploy["built"]
    assert lb.production_rule is None and lb.test_rule is None and lb.test_listener is None
    (listener,) = _listeners(codedeploy).values()
    assert listener["DefaultActions"] == [
        {"TargetGroupArn": {"Ref": _id(codedeploy, lb.blue)}, "Type": "forward"}
    ]
    (rule,) = _of(codedeploy["resources"], "AWS::ElasticLoadBalancingV2::ListenerRule").values()
    assert rule["Properties"] == {
        "Actions": [{"TargetGroupArn": {"Ref": _id(codedeploy, lb.green)}, "Type": "forward"}],
        "Conditions": [
            {"Field": "source-ip", "SourceIpConfig": {"Values": ["255.255.255.255/32"]}}
        ],
        "ListenerArn": {"Ref": _id(codedeploy, lb.production_listener)},
        "Priority": 50000,
    }
    assert codedeploy["association"] is None


def test_codedeploy_test_listener_forwards_to_green(codedeploy_test: dict[str, Any]) -> None:
    lb: LoadBalancing = codedeploy_test["built"]
    assert lb.green_rule is None and lb.production_rule is None and lb.test_rule is None
    assert not _of(codedeploy_test["resources"], "AWS::ElasticLoadBalancingV2::ListenerRule")
    listeners = _listeners(codedeploy_test)
    assert sorted(listeners) == [80, 443, 9000]
    assert listeners[443]["SslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert listeners[9000]["SslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert listeners[9000]["DefaultActions"] == [
        {"TargetGroupArn": {"Ref": _id(codedeploy_test, lb.green)}, "Type": "forward"}
    ]
    # internet-facing: production and redirect open, the test port from the VPC only
    assert _ingress(codedeploy_test, lb.lb_security_group) == [
        ("0.0.0.0/0", 80, "Allow from anyone on port 80"),
        ("0.0.0.0/0", 443, "Allow from anyone on port 443"),
        (CIDR, 9000, "Test listener: green tasks during a deployment, from inside the VPC only"),
    ]


def test_the_web_acl_association(https: dict[str, Any]) -> None:
    (association,) = _of(https["resources"], "AWS::WAFv2::WebACLAssociation").values()
    assert association["Properties"] == {
        "ResourceArn": {"Ref": _id(https, https["built"].load_balancer)},
        "WebACLArn": ACL,
    }


def test_load_balancing_is_frozen_and_the_public_names(http: dict[str, Any]) -> None:
    lb: LoadBalancing = http["built"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        lb.blue = lb.green  # type: ignore[misc]
    assert (module.RULE_PRIORITY, module.GREEN_RULE_PRIORITY) == (1, 50000)
    namespace: dict[str, object] = {}
    exec("from multiregion_tap._private.service_load_balancer import *", namespace)
    assert {k: v for k, v in namespace.items() if not k.startswith("__")} == {
        "LoadBalancing": module.LoadBalancing,
        "associate_web_acl": module.associate_web_acl,
        "build_load_balancer": module.build_load_balancer,
    }
