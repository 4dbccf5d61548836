"""What no scanner sees, asserted over the example app (and the HTTPS configuration).

* Each KMS key's policy lets the services that use it actually use it.
* Security groups admit only internet -> load balancer, load balancer -> tasks,
  tasks -> database; only the load balancer is public; the database never is.
* TLS is enforced wherever a client connects: the database (rds.force_ssl), the buckets and
  topics (deny without aws:SecureTransport), and the listener when a certificate is given.
* IAM: no wildcard action, and a wildcard resource only for actions that support nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import Scan

pytestmark = pytest.mark.slow

REGIONAL = ("shop-us-east-1", "shop-us-east-2")
DB_PORT = 5432
APP_PORT = 8080
ANYWHERE = {"0.0.0.0/0", "::/0"}


def _resources(scan: Scan, kind: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for stack in scan.assembly.stacks:
        for logical_id, resource in stack.resources.items():
            if resource["Type"] == kind:
                yield stack.stack_name, logical_id, resource.get("Properties", {})


def _ref(value: Any) -> str | None:
    """The logical id a Ref/GetAtt points at (None for anything else)."""
    if isinstance(value, dict):
        if "Ref" in value:
            return str(value["Ref"])
        if "Fn::GetAtt" in value:
            return str(value["Fn::GetAtt"][0])
    return None


def _statements(policy: dict[str, Any]) -> list[dict[str, Any]]:
    statements = policy["Statement"]
    return statements if isinstance(statements, list) else [statements]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _allows(key_policy: dict[str, Any], principal: dict[str, str], actions: set[str]) -> bool:
    """Whether one Allow statement grants ``actions`` to ``principal`` (service or AWS)."""
    granted: set[str] = set()
    for st in _statements(key_policy):
        if st["Effect"] != "Allow":
            continue
        p = st.get("Principal", {})
        if any(v in _as_list(p.get(k)) for k, v in principal.items()):
            for action in _as_list(st["Action"]):
                granted |= {
                    a
                    for a in actions
                    if action in {a, "kms:*"}
                    or (action.endswith("*") and a.startswith(action[:-1]))
                }
    return actions <= granted


def _account_root_admin(key_policy: dict[str, Any]) -> bool:
    """The default statement that lets IAM in the account (and services acting for its
    principals through grants, such as RDS and Secrets Manager) use the key."""
    for st in _statements(key_policy):
        p = st.get("Principal", {}).get("AWS")
        if st["Effect"] == "Allow" and st["Action"] == "kms:*" and ":root" in str(p):
            return "Condition" not in st
    return False


# ------------------------------------------------------------------------------- KMS keys
def test_every_customer_key_rotates_and_admits_the_account(shop_scan: Scan) -> None:
    keys = list(_resources(shop_scan, "AWS::KMS::Key"))
    assert len(keys) == 5
    for stack, logical_id, props in keys:
        assert props["EnableKeyRotation"] is True, (stack, logical_id)
        assert _account_root_admin(props["KeyPolicy"]), (stack, logical_id)


def test_key_policies_let_each_using_service_use_the_key(shop_scan: Scan) -> None:
    """For every resource encrypted with a key of the app, the key admits that service."""
    keys = {(s, lid): p["KeyPolicy"] for s, lid, p in _resources(shop_scan, "AWS::KMS::Key")}
    users = {
        # type: (key property, principal the key policy must admit, actions)
        "AWS::SNS::Topic": (
            "KmsMasterKeyId",
            {"Service": "cloudwatch.amazonaws.com"},  # alarms publish to the topic
            {"kms:Decrypt", "kms:GenerateDataKey"},
        ),
        "AWS::Logs::LogGroup": (
            "KmsKeyId",
            {"Service": "logs.{region}.amazonaws.com"},
            {"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"},
        ),
        # RDS and Secrets Manager use the key through grants of the account's principals.
        "AWS::RDS::DBInstance": ("KmsKeyId", None, set()),
        "AWS::SecretsManager::Secret": ("KmsKeyId", None, set()),
    }
    checked: dict[str, int] = {}
    for stack in shop_scan.assembly.stacks:
        for logical_id, resource in stack.resources.items():
            if resource["Type"] not in users:
                continue
            prop, principal, actions = users[resource["Type"]]
            key_id = _ref(resource["Properties"].get(prop))
            if resource["Type"] == "AWS::RDS::DBInstance":
                assert key_id, f"{stack.stack_name}/{logical_id} is not encrypted with a CMK"
            if key_id is None:
                continue
            policy = keys[(stack.stack_name, key_id)]
            assert _account_root_admin(policy), (stack.stack_name, key_id)
            if principal:
                wanted = {k: v.format(region=stack.region) for k, v in principal.items()}
                assert _allows(policy, wanted, actions), (
                    f"{stack.stack_name}/{logical_id} is encrypted with {key_id}, whose policy "
                    f"does not let {wanted} {sorted(actions)}"
                )
            checked[resource["Type"]] = checked.get(resource["Type"], 0) + 1
    # Topics: a regional alarm topic per region and the health-check alarm topic.
    assert checked == {
        "AWS::SNS::Topic": 3,
        "AWS::RDS::DBInstance": 2,
        "AWS::SecretsManager::Secret": 1,
    }, checked


def test_secret_key_admits_the_task_execution_role_through_secrets_manager(
    shop_scan: Scan,
) -> None:
    """ECS resolves DATABASE_SECRET with the execution role: it needs kms:Decrypt on the
    secret's key, through Secrets Manager only."""
    (stack, _secret_id, secret) = next(_resources(shop_scan, "AWS::SecretsManager::Secret"))
    key_id = _ref(secret["KmsKeyId"])
    template = shop_scan.assembly.by_name(stack).template["Resources"]
    (task,) = [r for r in template.values() if r["Type"] == "AWS::ECS::TaskDefinition"]
    execution_role = _ref(task["Properties"]["ExecutionRoleArn"])
    assert execution_role
    grants = [
        st
        for st in _statements(template[key_id]["Properties"]["KeyPolicy"])
        if _ref(st.get("Principal", {}).get("AWS")) == execution_role
    ]
    assert grants and all(
        st["Condition"]["StringEquals"]["kms:ViaService"]
        == "secretsmanager.us-east-1.amazonaws.com"
        for st in grants
    ), grants
    assert "kms:Decrypt" in {a for st in grants for a in _as_list(st["Action"])}


# -------------------------------------------------------------------- network exposure
def _security_groups(scan: Scan, stack_name: str) -> dict[str, str]:
    """Security group logical id -> tier (alb, tasks, database)."""
    tiers = {}
    for logical_id, r in scan.assembly.by_name(stack_name).resources.items():
        if r["Type"] == "AWS::EC2::SecurityGroup":
            if "LoadBalancer" in logical_id:
                tiers[logical_id] = "alb"
            elif "ServiceSecurityGroup" in logical_id:
                tiers[logical_id] = "tasks"
            elif logical_id.startswith("Database"):
                tiers[logical_id] = "database"
            else:
                tiers[logical_id] = logical_id
    return tiers


def _ingress(scan: Scan, stack_name: str) -> set[tuple[str, str, int, int]]:
    """Every ingress rule as (source, destination tier, from port, to port)."""
    tiers = _security_groups(scan, stack_name)
    rules: set[tuple[str, str, int, int]] = set()
    for logical_id, r in scan.assembly.by_name(stack_name).resources.items():
        props = r.get("Properties", {})
        if r["Type"] == "AWS::EC2::SecurityGroup":
            for rule in props.get("SecurityGroupIngress", []):
                source = (
                    rule.get("CidrIp")
                    or rule.get("CidrIpv6")
                    or tiers.get(_ref(rule.get("SourceSecurityGroupId")) or "", "?")
                )
                rules.add((source, tiers[logical_id], rule["FromPort"], rule["ToPort"]))
        elif r["Type"] == "AWS::EC2::SecurityGroupIngress":
            source = (
                props.get("CidrIp")
                or props.get("CidrIpv6")
                or tiers.get(_ref(props.get("SourceSecurityGroupId")) or "", "?")
            )
            rules.add(
                (
                    source,
                    tiers.get(_ref(props["GroupId"]) or "", "?"),
                    props["FromPort"],
                    props["ToPort"],
                )
            )
    return rules


@pytest.mark.parametrize("stack_name", REGIONAL)
def test_ingress_only_internet_to_alb_to_tasks_to_database(
    shop_scan: Scan, stack_name: str
) -> None:
    assert _ingress(shop_scan, stack_name) == {
        ("0.0.0.0/0", "alb", 80, 80),
        ("alb", "tasks", APP_PORT, APP_PORT),
        ("tasks", "database", DB_PORT, DB_PORT),
    }


@pytest.mark.parametrize("stack_name", REGIONAL)
def test_egress_is_scoped(shop_scan: Scan, stack_name: str) -> None:
    tiers = _security_groups(shop_scan, stack_name)
    resources = shop_scan.assembly.by_name(stack_name).resources
    for logical_id, tier in tiers.items():
        egress = resources[logical_id]["Properties"].get("SecurityGroupEgress", [])
        for rule in egress:
            if rule.get("CidrIp") in ANYWHERE:
                # Tasks reach AWS APIs over HTTPS through the NAT gateways; nothing else.
                assert (tier, rule["FromPort"], rule["ToPort"]) == ("tasks", 443, 443), rule
        if tier == "database":  # CDK's "disallow all" placeholder: no egress at all
            assert egress == [
                {
                    "CidrIp": "255.255.255.255/32",
                    "Description": "Disallow all traffic",
                    "FromPort": 252,
                    "IpProtocol": "icmp",
                    "ToPort": 86,
                }
            ]


def test_only_the_load_balancer_is_public(shop_scan: Scan) -> None:
    lbs = list(_resources(shop_scan, "AWS::ElasticLoadBalancingV2::LoadBalancer"))
    assert {p["Scheme"] for _, _, p in lbs} == {"internet-facing"} and len(lbs) == 2
    for _, _, props in _resources(shop_scan, "AWS::EC2::Subnet"):
        assert props.get("MapPublicIpOnLaunch") is False, props
    for stack, lid, props in _resources(shop_scan, "AWS::ECS::Service"):
        network = props["NetworkConfiguration"]["AwsvpcConfiguration"]
        assert network["AssignPublicIp"] == "DISABLED", (stack, lid)
        assert all("Private" in _ref(s) for s in network["Subnets"]), network  # type: ignore[operator]
    for kind in ("AWS::EC2::Instance", "AWS::EC2::EIP"):
        for stack, lid, _props in _resources(shop_scan, kind):
            # Elastic IPs exist only for the NAT gateways.
            assert kind == "AWS::EC2::EIP" and "PublicSubnet" in lid, (stack, lid)
    for _, _, props in _resources(shop_scan, "AWS::S3::Bucket"):
        assert props["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }


def test_database_is_never_public(shop_scan: Scan) -> None:
    dbs = list(_resources(shop_scan, "AWS::RDS::DBInstance"))
    assert len(dbs) == 2
    for stack, lid, props in dbs:
        assert props["PubliclyAccessible"] is False, (stack, lid)
        group = shop_scan.assembly.by_name(stack).resources[_ref(props["DBSubnetGroupName"])]
        subnets = group["Properties"]["SubnetIds"]
        assert subnets and all("Isolated" in _ref(s) for s in subnets), subnets  # type: ignore[operator]


# ------------------------------------------------------------------------------------ TLS
def test_database_requires_tls(shop_scan: Scan) -> None:
    for stack, lid, props in _resources(shop_scan, "AWS::RDS::DBInstance"):
        group = shop_scan.assembly.by_name(stack).resources[_ref(props["DBParameterGroupName"])]
        params = group["Properties"]["Parameters"]
        assert params.get("rds.force_ssl") == "1" or params.get("require_secure_transport") in {
            "1",
            "ON",
        }, (stack, lid, params)


def _denies_insecure_transport(policy: dict[str, Any], actions: set[str]) -> bool:
    for st in _statements(policy):
        if (
            st["Effect"] == "Deny"
            and st.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"
            and actions & set(_as_list(st["Action"]))
        ):
            return True
    return False


def test_buckets_and_topics_refuse_plain_http(shop_scan: Scan) -> None:
    buckets = {lid for _, lid, _ in _resources(shop_scan, "AWS::S3::Bucket")}
    covered = set()
    for _, _, props in _resources(shop_scan, "AWS::S3::BucketPolicy"):
        assert _denies_insecure_transport(props["PolicyDocument"], {"s3:*"})
        covered.add(_ref(props["Bucket"]))
    assert buckets and buckets <= covered
    topics = {(s, lid) for s, lid, _ in _resources(shop_scan, "AWS::SNS::Topic")}
    covered_topics = set()
    for stack, _, props in _resources(shop_scan, "AWS::SNS::TopicPolicy"):
        assert _denies_insecure_transport(props["PolicyDocument"], {"sns:Publish"})
        covered_topics |= {(stack, _ref(t)) for t in props["Topics"]}
    assert len(topics) == 3 and topics <= covered_topics


def test_https_when_a_certificate_is_given(defaults_scan: Scan) -> None:
    for stack_name in ("tls-us-east-1", "tls-us-east-2"):
        region = stack_name.removeprefix("tls-")
        listeners = [
            r["Properties"]
            for r in defaults_scan.assembly.by_name(stack_name).resources.values()
            if r["Type"] == "AWS::ElasticLoadBalancingV2::Listener"
        ]
        https = [p for p in listeners if p["Protocol"] == "HTTPS"]
        http = [p for p in listeners if p["Protocol"] == "HTTP"]
        assert len(https) == 1 and https[0]["Port"] == 443, listeners
        assert https[0]["Certificates"] == [
            {"CertificateArn": f"arn:aws:acm:{region}:123456789012:certificate/0000-test"}
        ]
        assert https[0]["SslPolicy"].startswith("ELBSecurityPolicy-TLS13-1-2"), https[0]
        # Plain HTTP only redirects to HTTPS.
        for p in http:
            assert [a["Type"] for a in p["DefaultActions"]] == ["redirect"], p
            assert p["DefaultActions"][0]["RedirectConfig"]["Protocol"] == "HTTPS"
    checks = [
        r["Properties"]["HealthCheckConfig"]
        for r in defaults_scan.assembly.by_name("tls-dns").resources.values()
        if r["Type"] == "AWS::Route53::HealthCheck"
    ]
    assert len(checks) == 2 and {c["Type"] for c in checks} == {"HTTPS"}, checks


# ------------------------------------------------------------------------------------ IAM
#: Actions that support no resource-level permission, so ``Resource: "*"`` is required.
RESOURCE_STAR_ONLY = {"ecr:GetAuthorizationToken"}


def test_iam_least_privilege(shop_scan: Scan) -> None:
    statements = 0
    for stack, lid, props in _resources(shop_scan, "AWS::IAM::Policy"):
        for st in _statements(props["PolicyDocument"]):
            statements += 1
            actions = set(_as_list(st["Action"]))
            assert not any(a == "*" or a.endswith(":*") for a in actions), (stack, lid, st)
            if st["Resource"] == "*" or "*" in _as_list(st["Resource"]):
                assert actions <= RESOURCE_STAR_ONLY, (stack, lid, st)
    assert statements >= 8
    for stack, lid, props in _resources(shop_scan, "AWS::IAM::Role"):
        assert "Policies" not in props, (stack, lid)  # no inline wildcard documents
