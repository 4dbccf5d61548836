"""Each gap the compat layer fills in moto 5.2.5's CloudFormation, deployed and read back.

Every test deploys a tiny hand-written template with boto3 to the emulator (moto server +
tools/emulator/compat) and checks the resource through the service's own API: stock moto
reports CREATE_COMPLETE for several of these with nothing created, so stack status proves
nothing on its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from tools.emulator.compat._guard import PINNED_MOTO_VERSION, MotoVersionError, require_pinned_moto

from .conftest import ROOT, Deployer

pytestmark = pytest.mark.emulator


def _network(cidr: str = "10.0.0.0/16", region: str = "us-east-1") -> dict[str, Any]:
    """VPC, two subnets in two AZs, a security group (no egress rules of its own)."""
    prefix = cidr.split(".")[0] + "." + cidr.split(".")[1]
    return {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": cidr}},
        "SubnetA": {
            "Type": "AWS::EC2::Subnet",
            "Properties": {
                "VpcId": {"Ref": "Vpc"},
                "CidrBlock": f"{prefix}.0.0/24",
                "AvailabilityZone": f"{region}a",
            },
        },
        "SubnetB": {
            "Type": "AWS::EC2::Subnet",
            "Properties": {
                "VpcId": {"Ref": "Vpc"},
                "CidrBlock": f"{prefix}.1.0/24",
                "AvailabilityZone": f"{region}b",
            },
        },
        "Sg": {
            "Type": "AWS::EC2::SecurityGroup",
            "Properties": {"GroupDescription": "test", "VpcId": {"Ref": "Vpc"}},
        },
    }


def _template(resources: dict[str, Any], outputs: dict[str, Any] | None = None) -> dict[str, Any]:
    template: dict[str, Any] = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}
    if outputs:
        template["Outputs"] = {k: {"Value": v} for k, v in outputs.items()}
    return template


def _create_fails(
    cfn: Deployer,
    name: str,
    template: dict[str, Any],
    *,
    region: str = "us-east-1",
    change_set: bool = False,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Create ``name`` (directly or through a CREATE change set, as the CDK CLI does); it must
    end ROLLBACK_COMPLETE, as CloudFormation leaves a stack whose resource failed to create.
    Returns the stack and its CREATE_FAILED resource events."""
    client = cfn.client("cloudformation", region)
    body = json.dumps(template)
    if change_set:
        client.create_change_set(
            StackName=name, ChangeSetName="cs", ChangeSetType="CREATE", TemplateBody=body
        )
        client.execute_change_set(StackName=name, ChangeSetName="cs")
    else:
        client.create_stack(StackName=name, TemplateBody=body)
    stack = client.describe_stacks(StackName=name)["Stacks"][0]
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE", stack
    assert "Outputs" not in stack
    failed = [
        e
        for e in client.describe_stack_events(StackName=name)["StackEvents"]
        if e["ResourceStatus"] == "CREATE_FAILED"
    ]
    return stack, failed


# --------------------------------------------------------------------------- version guard
def test_version_guard_accepts_the_pinned_version() -> None:
    assert require_pinned_moto() == PINNED_MOTO_VERSION == "5.2.5"


def test_version_guard_raises_for_another_moto_version(monkeypatch: pytest.MonkeyPatch) -> None:
    import moto

    monkeypatch.setattr(moto, "__version__", "5.2.6")
    with pytest.raises(MotoVersionError, match=r"patches moto 5\.2\.5 internals, but moto 5\.2\.6"):
        require_pinned_moto()


def test_importing_the_layer_fails_loudly_on_another_moto_version() -> None:
    code = "import moto; moto.__version__ = '5.3.0'; import tools.emulator.compat"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "MotoVersionError" in result.stderr and "5.3.0" in result.stderr


# --------------------------------------------------------------------------- intrinsics
def test_get_stack_output_reads_another_regions_stack(cfn: Deployer) -> None:
    producer = _template(
        {"Topic": {"Type": "AWS::SNS::Topic"}}, outputs={"TopicArn": {"Ref": "Topic"}}
    )
    topic_arn = cfn.deploy("producer", producer, region="us-east-1")["TopicArn"]
    consumer = _template(
        {
            "Param": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {
                    "Type": "String",
                    "Name": "/test/topic-arn",
                    "Value": {
                        "Fn::GetStackOutput": {
                            "StackName": "producer",
                            "Region": "us-east-1",
                            "OutputName": "TopicArn",
                        }
                    },
                },
            }
        },
        outputs={
            "Seen": {
                "Fn::GetStackOutput": {
                    "StackName": "producer",
                    "Region": "us-east-1",
                    "OutputName": "TopicArn",
                }
            }
        },
    )
    outputs = cfn.deploy("consumer", consumer, region="us-east-2")
    assert ":sns:us-east-1:" in topic_arn
    assert outputs["Seen"] == topic_arn
    param = cfn.client("ssm", "us-east-2").get_parameter(Name="/test/topic-arn")["Parameter"]
    assert param["Value"] == topic_arn


def test_outputs_of_a_stack_created_through_a_change_set(cfn: Deployer) -> None:
    """The CDK CLI creates stacks through change sets; moto kept the pre-change-set outputs."""
    template = _template(
        {"Topic": {"Type": "AWS::SNS::Topic"}},
        outputs={"TopicArn": {"Ref": "Topic"}},
    )
    template["Description"] = "made by a change set"
    outputs = cfn.deploy("via-change-set", template, change_set=True)
    assert outputs["TopicArn"].startswith("arn:aws:sns:us-east-1:")
    stack = cfn.client("cloudformation").describe_stacks(StackName="via-change-set")["Stacks"][0]
    assert stack["Description"] == "made by a change set"
    consumer = _template(
        {
            "P": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {
                    "Type": "String",
                    "Name": "/cs",
                    "Value": {
                        "Fn::GetStackOutput": {
                            "StackName": "via-change-set",
                            "Region": "us-east-1",
                            "OutputName": "TopicArn",
                        }
                    },
                },
            }
        }
    )
    cfn.deploy("consumer", consumer, region="us-east-2", change_set=True)
    assert (
        cfn.client("ssm", "us-east-2").get_parameter(Name="/cs")["Parameter"]["Value"]
        == outputs["TopicArn"]
    )


def test_get_stack_output_of_a_missing_stack_fails_the_deploy(cfn: Deployer) -> None:
    consumer = _template(
        {
            "Param": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {
                    "Type": "String",
                    "Value": {
                        "Fn::GetStackOutput": {
                            "StackName": "nope",
                            "Region": "us-east-1",
                            "OutputName": "X",
                        }
                    },
                },
            }
        }
    )
    stack, failed = _create_fails(cfn, "consumer", consumer, region="us-east-2")
    assert stack["StackStatusReason"].startswith(
        "The following resource(s) failed to create: [Param]."
    )
    assert [(e["LogicalResourceId"], e["ResourceType"]) for e in failed] == [
        ("Param", "AWS::SSM::Parameter")
    ]
    assert "stack nope does not exist in us-east-1" in failed[0]["ResourceStatusReason"]


def test_getatt_health_check_id(cfn: Deployer) -> None:
    template = _template(
        {
            "Check": {
                "Type": "AWS::Route53::HealthCheck",
                "Properties": {
                    "HealthCheckConfig": {
                        "Type": "HTTP",
                        "FullyQualifiedDomainName": "example.com",
                        "ResourcePath": "/health",
                        "RequestInterval": 10,
                        "FailureThreshold": 3,
                    }
                },
            }
        },
        outputs={"Id": {"Fn::GetAtt": ["Check", "HealthCheckId"]}},
    )
    check_id = cfn.deploy("checks", template)["Id"]
    check = cfn.client("route53").get_health_check(HealthCheckId=check_id)["HealthCheck"]
    assert check["HealthCheckConfig"]["ResourcePath"] == "/health"
    assert check["HealthCheckConfig"]["RequestInterval"] == 10


def _alb(*, security_group: bool = False, **extra: Any) -> dict[str, Any]:
    """An application load balancer in the two subnets of :func:`_network`."""
    props: dict[str, Any] = {"Subnets": [{"Ref": "SubnetA"}, {"Ref": "SubnetB"}]}
    if security_group:
        props["SecurityGroups"] = [{"Fn::GetAtt": ["Sg", "GroupId"]}]
    return {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {**props, **extra}}


def _target_group(*, target_type: str | None = None, **extra: Any) -> dict[str, Any]:
    """An HTTP:80 target group in the VPC of :func:`_network`."""
    props: dict[str, Any] = {"Port": 80, "Protocol": "HTTP", "VpcId": {"Ref": "Vpc"}}
    if target_type is not None:
        props["TargetType"] = target_type
    return {"Type": "AWS::ElasticLoadBalancingV2::TargetGroup", "Properties": {**props, **extra}}


def test_getatt_target_group_and_load_balancer_attributes(cfn: Deployer) -> None:
    resources = _network()
    resources.update(
        {
            "Alb": _alb(security_group=True),
            "Tg": _target_group(target_type="ip"),
        }
    )
    outputs = cfn.deploy(
        "alb",
        _template(
            resources,
            outputs={
                "TgName": {"Fn::GetAtt": ["Tg", "TargetGroupName"]},
                "TgFullName": {"Fn::GetAtt": ["Tg", "TargetGroupFullName"]},
                "LbFullName": {"Fn::GetAtt": ["Alb", "LoadBalancerFullName"]},
                "LbZone": {"Fn::GetAtt": ["Alb", "CanonicalHostedZoneID"]},
                "TgArn": {"Ref": "Tg"},
            },
        ),
    )
    groups = cfn.client("elbv2").describe_target_groups(TargetGroupArns=[outputs["TgArn"]])[
        "TargetGroups"
    ]
    assert groups[0]["TargetGroupName"] == outputs["TgName"]
    assert outputs["TgFullName"].startswith(f"targetgroup/{outputs['TgName']}/")
    assert outputs["LbFullName"].startswith("app/")
    # AWS's value, not the layer's table: see test_canonical_hosted_zone_id_is_awss_value.
    assert outputs["LbZone"] == "Z35SXDOTRQ7X7K"


#: "Elastic Load Balancing endpoints and quotas", Service endpoints table, column "Route 53
#: Hosted Zone ID (Application Load Balancers, Classic Load Balancers)" and "(Network Load
#: Balancers)": https://docs.aws.amazon.com/general/latest/gr/elb.html. Literal values copied
#: from that page, deliberately not imported from tools/emulator/compat/intrinsics.py.
_AWS_ELB_HOSTED_ZONES = [
    ("application", "us-east-1", "Z35SXDOTRQ7X7K"),
    ("application", "us-east-2", "Z3AADJGX6KTTL2"),
    ("application", "us-west-1", "Z368ELLRRE2KJ0"),
    ("application", "us-west-2", "Z1H1FL5HABSF5"),
    ("network", "us-east-1", "Z26RNL4JYFTOTI"),
    ("network", "us-east-2", "ZLMOA37VPKANP"),
]


@pytest.mark.parametrize(("lb_type", "region", "zone"), _AWS_ELB_HOSTED_ZONES)
def test_canonical_hosted_zone_id_is_awss_value(
    cfn: Deployer, lb_type: str, region: str, zone: str
) -> None:
    resources = _network(region=region)
    resources["Lb"] = _alb(Type=lb_type)
    outputs = cfn.deploy(
        "zone",
        _template(resources, outputs={"Zone": {"Fn::GetAtt": ["Lb", "CanonicalHostedZoneID"]}}),
        region=region,
    )
    assert outputs["Zone"] == zone


def test_canonical_hosted_zone_id_of_a_region_without_a_known_value_fails(cfn: Deployer) -> None:
    """No guess: eu-west-1 has no row in the layer's table, so the stack fails naming it."""
    resources = _network(region="eu-west-1")
    resources["Lb"] = _alb()
    resources["Param"] = {
        "Type": "AWS::SSM::Parameter",
        "Properties": {
            "Type": "String",
            "Name": "/zone",
            "Value": {"Fn::GetAtt": ["Lb", "CanonicalHostedZoneID"]},
        },
    }
    _, failed = _create_fails(cfn, "zone", _template(resources), region="eu-west-1")
    assert [e["LogicalResourceId"] for e in failed] == ["Param"]
    reason = failed[0]["ResourceStatusReason"]
    assert "CanonicalHostedZoneID" in reason and "application" in reason
    assert "eu-west-1" in reason


# --------------------------------------------------------------------------- unknown GetAtt
#: CloudFormation's template error for an attribute a resource type does not have (the
#: wording CloudFormation and moto use; Fn::GetAtt reference:
#: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-getatt.html).
_NO_SUCH_ATTRIBUTE = "Template error: resource {} does not support attribute type {} in Fn::GetAtt"


def _param(value: Any, name: str = "/p") -> dict[str, Any]:
    return {
        "Type": "AWS::SSM::Parameter",
        "Properties": {"Type": "String", "Name": name, "Value": value},
    }


@pytest.mark.parametrize(
    "where",
    ["property", "output", "sub", "change-set"],
)
def test_unknown_getatt_attribute_is_a_template_error(cfn: Deployer, where: str) -> None:
    """An attribute the resource type does not support fails CreateStack/CreateChangeSet with
    CloudFormation's template error naming the resource and the attribute."""
    getatt = {"Fn::GetAtt": ["Topic", "Bogus"]}
    resources: dict[str, Any] = {"Topic": {"Type": "AWS::SNS::Topic"}}
    outputs = None
    if where == "output":
        outputs = {"X": getatt}
    elif where == "sub":
        resources["Param"] = _param({"Fn::Sub": "arn-${Topic.Bogus}"})
    else:
        resources["Param"] = _param(getatt)
    client = cfn.client("cloudformation")
    body = json.dumps(_template(resources, outputs))
    expected = _NO_SUCH_ATTRIBUTE.format("Topic", "Bogus")
    with pytest.raises(client.exceptions.ClientError) as error:
        if where == "change-set":
            client.create_change_set(
                StackName="getatt", ChangeSetName="cs", ChangeSetType="CREATE", TemplateBody=body
            )
        else:
            client.create_stack(StackName="getatt", TemplateBody=body)
    assert error.value.response["Error"]["Code"] == "ValidationError"
    assert error.value.response["Error"]["Message"] == expected
    assert not cfn.client("ssm").describe_parameters()["Parameters"]


def test_getatt_the_model_cannot_answer_fails_the_resource_instead_of_guessing(
    cfn: Deployer,
) -> None:
    """moto's SSM Parameter model claims every attribute (``has_cfn_attr``) but answers none:
    the layer used to guess ``BogusName`` from the model's ``name``; now the reading resource
    fails with the template error."""
    template = _template(
        {
            "Source": _param("v", "/source"),
            "Reader": _param({"Fn::GetAtt": ["Source", "BogusName"]}, "/reader"),
        }
    )
    _, failed = _create_fails(cfn, "guess", template)
    assert [e["LogicalResourceId"] for e in failed] == ["Reader"]
    assert failed[0]["ResourceStatusReason"] == _NO_SUCH_ATTRIBUTE.format("Source", "BogusName")
    names = [p["Name"] for p in cfn.client("ssm").describe_parameters()["Parameters"]]
    assert "/reader" not in names


# --------------------------------------------------------------------------- Route 53
def test_record_set_addressed_by_hosted_zone_name(cfn: Deployer) -> None:
    template = _template(
        {
            "Zone": {
                "Type": "AWS::Route53::HostedZone",
                "Properties": {"Name": "shop.example.com"},
            },
            "Record": {
                "Type": "AWS::Route53::RecordSet",
                "DependsOn": "Zone",
                "Properties": {
                    "HostedZoneName": "shop.example.com.",
                    "Name": "www.shop.example.com.",
                    "Type": "CNAME",
                    "TTL": "60",
                    "ResourceRecords": ["origin.example.com"],
                },
            },
        },
        outputs={"ZoneId": {"Ref": "Zone"}},
    )
    zone_id = cfn.deploy("dns", template)["ZoneId"]
    records = cfn.client("route53").list_resource_record_sets(HostedZoneId=zone_id)[
        "ResourceRecordSets"
    ]
    www = [r for r in records if r["Name"].startswith("www.")]
    assert www and www[0]["Type"] == "CNAME"
    assert www[0]["ResourceRecords"] == [{"Value": "origin.example.com"}]


def test_failover_records_with_health_checks(cfn: Deployer) -> None:
    def check(fqdn: str) -> dict[str, Any]:
        return {
            "Type": "AWS::Route53::HealthCheck",
            "Properties": {"HealthCheckConfig": {"Type": "HTTP", "FullyQualifiedDomainName": fqdn}},
        }

    def record(role: str, check_id: str, target: str) -> dict[str, Any]:
        return {
            "Type": "AWS::Route53::RecordSet",
            "Properties": {
                "HostedZoneId": {"Ref": "Zone"},
                "Name": "app.shop.example.com.",
                "Type": "CNAME",
                "TTL": "60",
                "SetIdentifier": role.lower(),
                "Failover": role,
                "HealthCheckId": {"Fn::GetAtt": [check_id, "HealthCheckId"]},
                "ResourceRecords": [target],
            },
        }

    template = _template(
        {
            "Zone": {
                "Type": "AWS::Route53::HostedZone",
                "Properties": {"Name": "shop.example.com"},
            },
            "CheckA": check("a.example.com"),
            "CheckB": check("b.example.com"),
            "Primary": record("PRIMARY", "CheckA", "a.example.com"),
            "Secondary": record("SECONDARY", "CheckB", "b.example.com"),
        },
        outputs={"ZoneId": {"Ref": "Zone"}},
    )
    zone_id = cfn.deploy("failover", template)["ZoneId"]
    records = cfn.client("route53").list_resource_record_sets(HostedZoneId=zone_id)[
        "ResourceRecordSets"
    ]
    app = {r["Failover"]: r for r in records if r["Name"].startswith("app.")}
    assert set(app) == {"PRIMARY", "SECONDARY"}
    assert all(r.get("HealthCheckId") for r in app.values())


# --------------------------------------------------------------------------- Secrets Manager
def test_secret_with_generated_string_and_replica_region(cfn: Deployer) -> None:
    template = _template(
        {
            "Secret": {
                "Type": "AWS::SecretsManager::Secret",
                "Properties": {
                    "Description": "db credentials",
                    "GenerateSecretString": {
                        "SecretStringTemplate": '{"username":"app"}',
                        "GenerateStringKey": "password",
                        "PasswordLength": 30,
                        "ExcludeCharacters": " %+~`#$&*()|[]{}:;<>?!'/@\"\\",
                    },
                    "ReplicaRegions": [{"Region": "us-east-2"}],
                },
            }
        },
        outputs={"Arn": {"Ref": "Secret"}, "Id": {"Fn::GetAtt": ["Secret", "Id"]}},
    )
    outputs = cfn.deploy("secret", template)
    arn = outputs["Arn"]
    assert (
        arn.startswith("arn:aws:secretsmanager:us-east-1:123456789012:secret:")
        and outputs["Id"] == arn
    )
    value = json.loads(cfn.client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"])
    assert value["username"] == "app" and len(value["password"]) == 30
    assert not set(value["password"]) & set(" %+~`#$&*()|[]{}:;<>?!'/@\"\\")
    described = cfn.client("secretsmanager").describe_secret(SecretId=arn)
    assert [r["Region"] for r in described["ReplicationStatus"]] == ["us-east-2"]
    replica_arn = arn.replace(":us-east-1:", ":us-east-2:")
    replica = cfn.client("secretsmanager", "us-east-2").get_secret_value(SecretId=replica_arn)
    assert json.loads(replica["SecretString"])["password"] == value["password"]


def test_secret_named_in_iam_policy_and_dynamic_reference(cfn: Deployer) -> None:
    """A skipped secret used to break the IAM policy naming it (MalformedPolicyDocument)."""
    template = _template(
        {
            "Secret": {
                "Type": "AWS::SecretsManager::Secret",
                "Properties": {"SecretString": '{"username":"admin","password":"p"}'},
            },
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                                "Action": "sts:AssumeRole",
                            }
                        ],
                    }
                },
            },
            "Policy": {
                "Type": "AWS::IAM::Policy",
                "Properties": {
                    "PolicyName": "read-secret",
                    "Roles": [{"Ref": "Role"}],
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": "secretsmanager:GetSecretValue",
                                "Resource": {"Ref": "Secret"},
                            }
                        ],
                    },
                },
            },
            "User": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {
                    "Name": "/test/user",
                    "Type": "String",
                    "Value": {
                        "Fn::Join": [
                            "",
                            [
                                "{{resolve:secretsmanager:",
                                {"Ref": "Secret"},
                                ":SecretString:username::}}",
                            ],
                        ]
                    },
                },
            },
        }
    )
    cfn.deploy("policy", template)
    assert cfn.client("ssm").get_parameter(Name="/test/user")["Parameter"]["Value"] == "admin"
    role = cfn.physical_id("policy", "Role")
    document = cfn.client("iam").get_role_policy(RoleName=role, PolicyName="read-secret")[
        "PolicyDocument"
    ]
    assert ":secretsmanager:us-east-1:" in json.dumps(document)


# --------------------------------------------------------------------------- RDS
def _primary_db() -> dict[str, Any]:
    """A PostgreSQL instance with automated backups (a replica needs them) in ``SubnetGroup``."""
    return {
        "Type": "AWS::RDS::DBInstance",
        "Properties": {
            "Engine": "postgres",
            "DBInstanceClass": "db.t4g.micro",
            "AllocatedStorage": "20",
            "BackupRetentionPeriod": 7,
            "MasterUsername": "admin",
            "MasterUserPassword": "password123",
            "DBSubnetGroupName": {"Ref": "SubnetGroup"},
        },
    }


def _db_resources(region: str, cidr: str) -> dict[str, Any]:
    resources = _network(cidr, region)
    resources["SubnetGroup"] = {
        "Type": "AWS::RDS::DBSubnetGroup",
        "Properties": {
            "DBSubnetGroupDescription": "db",
            "SubnetIds": [{"Ref": "SubnetA"}, {"Ref": "SubnetB"}],
        },
    }
    return resources


def test_secret_target_attachment_and_db_username_from_secret(cfn: Deployer) -> None:
    resources = _db_resources("us-east-1", "10.0.0.0/16")
    resources.update(
        {
            "Secret": {
                "Type": "AWS::SecretsManager::Secret",
                "Properties": {
                    "GenerateSecretString": {
                        "SecretStringTemplate": '{"username":"shopadmin"}',
                        "GenerateStringKey": "password",
                        "ExcludePunctuation": True,
                    }
                },
            },
            "Db": {
                "Type": "AWS::RDS::DBInstance",
                "Properties": {
                    "Engine": "postgres",
                    "EngineVersion": "16.6",
                    "DBInstanceClass": "db.t4g.micro",
                    "AllocatedStorage": "20",
                    "BackupRetentionPeriod": 7,
                    "StorageEncrypted": True,
                    "DBSubnetGroupName": {"Ref": "SubnetGroup"},
                    "MasterUsername": {
                        "Fn::Join": [
                            "",
                            [
                                "{{resolve:secretsmanager:",
                                {"Ref": "Secret"},
                                ":SecretString:username::}}",
                            ],
                        ]
                    },
                    "MasterUserPassword": {
                        "Fn::Join": [
                            "",
                            [
                                "{{resolve:secretsmanager:",
                                {"Ref": "Secret"},
                                ":SecretString:password::}}",
                            ],
                        ]
                    },
                },
            },
            "Attachment": {
                "Type": "AWS::SecretsManager::SecretTargetAttachment",
                "Properties": {
                    "SecretId": {"Ref": "Secret"},
                    "TargetId": {"Ref": "Db"},
                    "TargetType": "AWS::RDS::DBInstance",
                },
            },
        }
    )
    outputs = cfn.deploy(
        "db",
        _template(
            resources,
            outputs={
                "DbId": {"Ref": "Db"},
                "DbArn": {"Fn::GetAtt": ["Db", "DBInstanceArn"]},
                "AttachedArn": {"Ref": "Attachment"},
            },
        ),
    )
    db = cfn.client("rds").describe_db_instances(DBInstanceIdentifier=outputs["DbId"])[
        "DBInstances"
    ][0]
    assert db["MasterUsername"] == "shopadmin"
    assert db["DBSubnetGroup"]["DBSubnetGroupName"] == cfn.physical_id("db", "SubnetGroup")
    assert outputs["DbArn"] == db["DBInstanceArn"]
    secret = json.loads(
        cfn.client("secretsmanager").get_secret_value(SecretId=outputs["AttachedArn"])[
            "SecretString"
        ]
    )
    assert secret["host"] == db["Endpoint"]["Address"] and secret["engine"] == "postgres"
    assert secret["port"] == db["Endpoint"]["Port"] == 5432


def test_cross_region_read_replica_with_its_own_subnet_group(cfn: Deployer) -> None:
    primary = _db_resources("us-east-1", "10.0.0.0/16")
    primary["Db"] = _primary_db()
    primary_out = cfn.deploy(
        "db-primary",
        _template(
            primary,
            outputs={"DbArn": {"Fn::GetAtt": ["Db", "DBInstanceArn"]}, "DbId": {"Ref": "Db"}},
        ),
        region="us-east-1",
    )
    replica = _db_resources("us-east-2", "10.1.0.0/16")
    replica["Key"] = {
        "Type": "AWS::KMS::Key",
        "Properties": {
            "KeyPolicy": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": "*"},
                        "Action": "kms:*",
                        "Resource": "*",
                    }
                ],
            }
        },
    }
    replica["Replica"] = {
        "Type": "AWS::RDS::DBInstance",
        "Properties": {
            "SourceDBInstanceIdentifier": {
                "Fn::GetStackOutput": {
                    "StackName": "db-primary",
                    "Region": "us-east-1",
                    "OutputName": "DbArn",
                }
            },
            "DBInstanceClass": "db.t4g.micro",
            "KmsKeyId": {"Fn::GetAtt": ["Key", "Arn"]},
            "DBSubnetGroupName": {"Ref": "SubnetGroup"},
        },
    }
    out = cfn.deploy(
        "db-replica", _template(replica, outputs={"Id": {"Ref": "Replica"}}), region="us-east-2"
    )
    rds2 = cfn.client("rds", "us-east-2")
    got = rds2.describe_db_instances(DBInstanceIdentifier=out["Id"])["DBInstances"][0]
    assert got["ReadReplicaSourceDBInstanceIdentifier"] == primary_out["DbArn"]
    assert ":rds:us-east-1:" in got["ReadReplicaSourceDBInstanceIdentifier"]
    assert got["DBSubnetGroup"]["DBSubnetGroupName"] == cfn.physical_id(
        "db-replica", "SubnetGroup", region="us-east-2"
    )
    assert got["DBInstanceArn"].startswith("arn:aws:rds:us-east-2:")
    source = cfn.client("rds").describe_db_instances(DBInstanceIdentifier=primary_out["DbId"])[
        "DBInstances"
    ][0]
    # A cross-region replica is listed on its source by ARN (RDS DescribeDBInstances).
    assert source["ReadReplicaDBInstanceIdentifiers"] == [got["DBInstanceArn"]]


# --------------------------------------------------------------------------- CloudWatch
def test_alarm_created_with_actions_and_dimensions(cfn: Deployer) -> None:
    template = _template(
        {
            "Topic": {"Type": "AWS::SNS::Topic"},
            "Alarm": {
                "Type": "AWS::CloudWatch::Alarm",
                "Properties": {
                    "AlarmDescription": "5xx",
                    "Namespace": "AWS/ApplicationELB",
                    "MetricName": "HTTPCode_Target_5XX_Count",
                    "Dimensions": [{"Name": "LoadBalancer", "Value": "app/x/123"}],
                    "Statistic": "Sum",
                    "Period": 60,
                    "EvaluationPeriods": 3,
                    "DatapointsToAlarm": 2,
                    "Threshold": 5,
                    "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                    "TreatMissingData": "notBreaching",
                    "AlarmActions": [{"Ref": "Topic"}],
                    "OKActions": [{"Ref": "Topic"}],
                },
            },
            "MathAlarm": {
                "Type": "AWS::CloudWatch::Alarm",
                "Properties": {
                    "AlarmName": "shop-error-rate",
                    "EvaluationPeriods": 1,
                    "Threshold": 1,
                    "ComparisonOperator": "GreaterThanThreshold",
                    "Metrics": [
                        {"Id": "e", "Expression": "m * 100", "ReturnData": True},
                        {
                            "Id": "m",
                            "ReturnData": False,
                            "MetricStat": {
                                "Metric": {"Namespace": "AWS/ECS", "MetricName": "CPUUtilization"},
                                "Period": 60,
                                "Stat": "Average",
                            },
                        },
                    ],
                },
            },
        },
        outputs={
            "Name": {"Ref": "Alarm"},
            "Arn": {"Fn::GetAtt": ["Alarm", "Arn"]},
            "Topic": {"Ref": "Topic"},
        },
    )
    outputs = cfn.deploy("alarms", template)
    alarms = cfn.client("cloudwatch").describe_alarms(
        AlarmNames=[outputs["Name"], "shop-error-rate"]
    )["MetricAlarms"]
    by_name = {a["AlarmName"]: a for a in alarms}
    alarm = by_name[outputs["Name"]]
    assert alarm["AlarmActions"] == [outputs["Topic"]] and alarm["OKActions"] == [outputs["Topic"]]
    assert alarm["Dimensions"] == [{"Name": "LoadBalancer", "Value": "app/x/123"}]
    assert alarm["Threshold"] == 5 and alarm["DatapointsToAlarm"] == 2
    assert alarm["AlarmArn"] == outputs["Arn"]
    assert {m["Id"] for m in by_name["shop-error-rate"]["Metrics"]} == {"e", "m"}


# --------------------------------------------------------------------------- ECS
def _ecs_resources() -> dict[str, Any]:
    resources = _network()
    resources.update(
        {
            "Alb": _alb(security_group=True),
            "Blue": _target_group(target_type="ip"),
            "Green": _target_group(target_type="ip"),
            "Listener": {
                "Type": "AWS::ElasticLoadBalancingV2::Listener",
                "Properties": {
                    "LoadBalancerArn": {"Ref": "Alb"},
                    "Port": 80,
                    "Protocol": "HTTP",
                    "DefaultActions": [{"Type": "forward", "TargetGroupArn": {"Ref": "Blue"}}],
                },
            },
            "Rule": {
                "Type": "AWS::ElasticLoadBalancingV2::ListenerRule",
                "Properties": {
                    "ListenerArn": {"Ref": "Listener"},
                    "Priority": 1,
                    "Conditions": [
                        {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/*"]}}
                    ],
                    "Actions": [{"Type": "forward", "TargetGroupArn": {"Ref": "Blue"}}],
                },
            },
            "Cluster": {"Type": "AWS::ECS::Cluster"},
            "TaskDef": {
                "Type": "AWS::ECS::TaskDefinition",
                "Properties": {
                    "Family": "web",
                    "Cpu": "256",
                    "Memory": "512",
                    "NetworkMode": "awsvpc",
                    "RequiresCompatibilities": ["FARGATE"],
                    "ContainerDefinitions": [
                        {
                            "Name": "web",
                            "Image": "public.ecr.aws/nginx/nginx:latest",
                            "PortMappings": [{"ContainerPort": 80}],
                        }
                    ],
                },
            },
        }
    )
    return resources


def test_ecs_service_keeps_load_balancers_launch_type_network_and_blue_green(cfn: Deployer) -> None:
    resources = _ecs_resources()
    resources["Service"] = {
        "Type": "AWS::ECS::Service",
        "DependsOn": ["Rule"],
        "Properties": {
            "Cluster": {"Ref": "Cluster"},
            "TaskDefinition": {"Ref": "TaskDef"},
            "DesiredCount": 2,
            "LaunchType": "FARGATE",
            "HealthCheckGracePeriodSeconds": 60,
            "DeploymentController": {"Type": "ECS"},
            "DeploymentConfiguration": {
                "Strategy": "BLUE_GREEN",
                "BakeTimeInMinutes": 5,
                "MaximumPercent": 200,
                "MinimumHealthyPercent": 100,
                "Alarms": {"AlarmNames": ["shop-5xx"], "Enable": True, "Rollback": True},
            },
            "NetworkConfiguration": {
                "AwsvpcConfiguration": {
                    "AssignPublicIp": "DISABLED",
                    "Subnets": [{"Ref": "SubnetA"}, {"Ref": "SubnetB"}],
                    "SecurityGroups": [{"Fn::GetAtt": ["Sg", "GroupId"]}],
                }
            },
            "LoadBalancers": [
                {
                    "ContainerName": "web",
                    "ContainerPort": 80,
                    "TargetGroupArn": {"Ref": "Blue"},
                    "AdvancedConfiguration": {
                        "AlternateTargetGroupArn": {"Ref": "Green"},
                        "ProductionListenerRule": {"Ref": "Rule"},
                        "RoleArn": "arn:aws:iam::123456789012:role/ecs-blue-green",
                    },
                }
            ],
        },
    }
    outputs = cfn.deploy(
        "ecs",
        _template(
            resources,
            outputs={
                "Cluster": {"Ref": "Cluster"},
                "Service": {"Ref": "Service"},
                "Name": {"Fn::GetAtt": ["Service", "Name"]},
                "Blue": {"Ref": "Blue"},
                "Green": {"Ref": "Green"},
                "Rule": {"Ref": "Rule"},
                "SubnetA": {"Ref": "SubnetA"},
            },
        ),
    )
    service = cfn.client("ecs").describe_services(
        cluster=outputs["Cluster"], services=[outputs["Name"]]
    )["services"][0]
    assert service["serviceArn"] == outputs["Service"]
    assert service["launchType"] == "FARGATE"
    assert service["deploymentController"] == {"type": "ECS"}
    assert service["deploymentConfiguration"]["strategy"] == "BLUE_GREEN"
    assert service["deploymentConfiguration"]["bakeTimeInMinutes"] == 5
    assert service["deploymentConfiguration"]["alarms"] == {
        "alarmNames": ["shop-5xx"],
        "enable": True,
        "rollback": True,
    }
    assert service["healthCheckGracePeriodSeconds"] == 60
    network = service["networkConfiguration"]["awsvpcConfiguration"]
    assert outputs["SubnetA"] in network["subnets"] and network["assignPublicIp"] == "DISABLED"
    (lb,) = service["loadBalancers"]
    assert lb["targetGroupArn"] == outputs["Blue"] and lb["containerPort"] == 80
    assert lb["advancedConfiguration"]["alternateTargetGroupArn"] == outputs["Green"]
    assert lb["advancedConfiguration"]["productionListenerRule"] == outputs["Rule"]


def test_codedeploy_application_and_ecs_deployment_group(cfn: Deployer) -> None:
    resources = _ecs_resources()
    resources["Service"] = {
        "Type": "AWS::ECS::Service",
        "Properties": {
            "Cluster": {"Ref": "Cluster"},
            "TaskDefinition": {"Ref": "TaskDef"},
            "LaunchType": "FARGATE",
            "DeploymentController": {"Type": "CODE_DEPLOY"},
            "NetworkConfiguration": {
                "AwsvpcConfiguration": {
                    "Subnets": [{"Ref": "SubnetA"}],
                    "SecurityGroups": [{"Ref": "Sg"}],
                }
            },
            "LoadBalancers": [
                {"ContainerName": "web", "ContainerPort": 80, "TargetGroupArn": {"Ref": "Blue"}}
            ],
        },
    }
    resources["App"] = {
        "Type": "AWS::CodeDeploy::Application",
        "Properties": {"ComputePlatform": "ECS"},
    }
    resources["Group"] = {
        "Type": "AWS::CodeDeploy::DeploymentGroup",
        "Properties": {
            "ApplicationName": {"Ref": "App"},
            "ServiceRoleArn": "arn:aws:iam::123456789012:role/codedeploy",
            "DeploymentConfigName": "CodeDeployDefault.ECSAllAtOnce",
            "DeploymentStyle": {
                "DeploymentType": "BLUE_GREEN",
                "DeploymentOption": "WITH_TRAFFIC_CONTROL",
            },
            "AutoRollbackConfiguration": {
                "Enabled": True,
                "Events": ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"],
            },
            "AlarmConfiguration": {"Enabled": True, "Alarms": [{"Name": "shop-5xx"}]},
            "ECSServices": [
                {
                    "ClusterName": {"Ref": "Cluster"},
                    "ServiceName": {"Fn::GetAtt": ["Service", "Name"]},
                }
            ],
            "LoadBalancerInfo": {
                "TargetGroupPairInfoList": [
                    {
                        "TargetGroups": [
                            {"Name": {"Fn::GetAtt": ["Blue", "TargetGroupName"]}},
                            {"Name": {"Fn::GetAtt": ["Green", "TargetGroupName"]}},
                        ],
                        "ProdTrafficRoute": {"ListenerArns": [{"Ref": "Listener"}]},
                    }
                ]
            },
        },
    }
    outputs = cfn.deploy(
        "codedeploy",
        _template(resources, outputs={"App": {"Ref": "App"}, "Group": {"Ref": "Group"}}),
    )
    client = cfn.client("codedeploy")
    assert (
        client.get_application(applicationName=outputs["App"])["application"]["computePlatform"]
        == "ECS"
    )
    group = client.get_deployment_group(
        applicationName=outputs["App"], deploymentGroupName=outputs["Group"]
    )["deploymentGroupInfo"]
    assert group["deploymentStyle"]["deploymentType"] == "BLUE_GREEN"
    assert group["autoRollbackConfiguration"]["enabled"] is True
    assert group["alarmConfiguration"]["alarms"] == [{"name": "shop-5xx"}]
    pair = group["loadBalancerInfo"]["targetGroupPairInfoList"][0]
    assert len(pair["targetGroups"]) == 2
    service = cfn.client("ecs").describe_services(
        cluster=group["ecsServices"][0]["clusterName"],
        services=[group["ecsServices"][0]["serviceName"]],
    )["services"][0]
    assert service["deploymentController"]["type"] == "CODE_DEPLOY"


# --------------------------------------------------------------------------- EC2
def test_security_group_egress_is_added_to_the_group(cfn: Deployer) -> None:
    resources = _network()
    resources["Egress"] = {
        "Type": "AWS::EC2::SecurityGroupEgress",
        "Properties": {
            "GroupId": {"Fn::GetAtt": ["Sg", "GroupId"]},
            "IpProtocol": "tcp",
            "FromPort": 5432,
            "ToPort": 5432,
            "CidrIp": "10.1.0.0/16",
            "Description": "to the peer database",
        },
    }
    outputs = cfn.deploy(
        "egress", _template(resources, outputs={"Sg": {"Fn::GetAtt": ["Sg", "GroupId"]}})
    )
    group = cfn.client("ec2").describe_security_groups(GroupIds=[outputs["Sg"]])["SecurityGroups"][
        0
    ]
    rules = [p for p in group["IpPermissionsEgress"] if p.get("FromPort") == 5432]
    assert rules and rules[0]["IpRanges"][0]["CidrIp"] == "10.1.0.0/16"


def test_vpc_peering_across_regions_with_routes_on_both_sides(cfn: Deployer) -> None:
    secondary = _network("10.1.0.0/16", "us-east-2")
    secondary["Routes"] = {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}}
    second = cfn.deploy(
        "net-2",
        _template(secondary, outputs={"VpcId": {"Ref": "Vpc"}, "Routes": {"Ref": "Routes"}}),
        region="us-east-2",
    )
    primary = _network("10.0.0.0/16", "us-east-1")
    primary["Routes"] = {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}}
    primary["Peering"] = {
        "Type": "AWS::EC2::VPCPeeringConnection",
        "Properties": {
            "VpcId": {"Ref": "Vpc"},
            "PeerVpcId": second["VpcId"],
            "PeerRegion": "us-east-2",
        },
    }
    primary["ToPeer"] = {
        "Type": "AWS::EC2::Route",
        "Properties": {
            "RouteTableId": {"Ref": "Routes"},
            "DestinationCidrBlock": "10.1.0.0/16",
            "VpcPeeringConnectionId": {"Ref": "Peering"},
        },
    }
    first = cfn.deploy(
        "peering",
        _template(primary, outputs={"Pcx": {"Ref": "Peering"}, "Routes": {"Ref": "Routes"}}),
    )
    back = _template(
        {
            "Back": {
                "Type": "AWS::EC2::Route",
                "Properties": {
                    "RouteTableId": second["Routes"],
                    "DestinationCidrBlock": "10.0.0.0/16",
                    "VpcPeeringConnectionId": {
                        "Fn::GetStackOutput": {
                            "StackName": "peering",
                            "Region": "us-east-1",
                            "OutputName": "Pcx",
                        }
                    },
                },
            }
        }
    )
    cfn.deploy("peering-routes", back, region="us-east-2")
    pcx = cfn.client("ec2").describe_vpc_peering_connections(
        VpcPeeringConnectionIds=[first["Pcx"]]
    )["VpcPeeringConnections"][0]
    assert pcx["AccepterVpcInfo"]["VpcId"] == second["VpcId"]
    assert pcx["AccepterVpcInfo"]["Region"] == "us-east-2"
    assert pcx["RequesterVpcInfo"]["Region"] == "us-east-1"
    assert pcx["Status"]["Code"] == "active"

    def peer_routes(region: str, table: str) -> list[dict[str, Any]]:
        tables = cfn.client("ec2", region).describe_route_tables(RouteTableIds=[table])[
            "RouteTables"
        ]
        return [r for r in tables[0]["Routes"] if r.get("VpcPeeringConnectionId") == first["Pcx"]]

    assert [r["DestinationCidrBlock"] for r in peer_routes("us-east-1", first["Routes"])] == [
        "10.1.0.0/16"
    ]
    assert [r["DestinationCidrBlock"] for r in peer_routes("us-east-2", second["Routes"])] == [
        "10.0.0.0/16"
    ]


#: The status AWS gives a peering connection it does not accept. Code: the
#: VpcPeeringConnectionStateReason API reference
#: (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpcPeeringConnectionStateReason.html,
#: "failed"); overlapping CIDR blocks: "VPC peering limitations"
#: (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html) and "If they
#: overlap, the status of the VPC peering connection immediately goes to failed"
#: (https://docs.aws.amazon.com/vpc/latest/peering/create-vpc-peering-connection.html).
#: Message: the EC2 API's wording (one for a wrong VPC id, account or overlapping CIDRs).
_PEERING_FAILED = {
    "Code": "failed",
    "Message": "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range",
}


def _peering_stack(
    cfn: Deployer,
    *,
    own_cidr: str,
    peer_cidr: str = "10.0.0.0/16",
    peer_region: str = "us-east-2",
    **overrides: Any,
) -> dict[str, Any]:
    """A VPC in ``peer_region`` (deployed) and, returned, a us-east-1 template peering to it."""
    peer = cfn.deploy(
        "peer",
        _template(_network(peer_cidr, "us-east-2"), outputs={"VpcId": {"Ref": "Vpc"}}),
        region="us-east-2",
    )
    resources = _network(own_cidr, "us-east-1")
    resources["Peering"] = {
        "Type": "AWS::EC2::VPCPeeringConnection",
        "Properties": {
            "VpcId": {"Ref": "Vpc"},
            "PeerVpcId": peer["VpcId"],
            "PeerRegion": peer_region,
            **overrides,
        },
    }
    return _template(resources, outputs={"Pcx": {"Ref": "Peering"}})


def _failed_peering(cfn: Deployer, template: dict[str, Any], *, change_set: bool = False) -> str:
    """Create the peering stack; it fails on Peering; return the failed connection's reason."""
    stack, failed = _create_fails(cfn, "peering", template, change_set=change_set)
    assert stack["StackStatusReason"].startswith(
        "The following resource(s) failed to create: [Peering]."
    )
    assert [(e["LogicalResourceId"], e["ResourceType"]) for e in failed] == [
        ("Peering", "AWS::EC2::VPCPeeringConnection")
    ]
    pcxs = cfn.client("ec2").describe_vpc_peering_connections()["VpcPeeringConnections"]
    assert [p["Status"] for p in pcxs] == [_PEERING_FAILED]
    assert _PEERING_FAILED["Message"] in failed[0]["ResourceStatusReason"]
    return str(failed[0]["ResourceStatusReason"])


@pytest.mark.parametrize(
    ("own_cidr", "peer_cidr"),
    [
        ("10.0.0.0/16", "10.0.0.0/16"),  # matching
        ("10.0.0.0/20", "10.0.0.0/16"),  # inside the peer's block
        ("10.0.0.0/16", "10.0.0.0/20"),  # containing it
    ],
)
def test_vpc_peering_with_overlapping_cidrs_fails(
    cfn: Deployer, own_cidr: str, peer_cidr: str
) -> None:
    reason = _failed_peering(cfn, _peering_stack(cfn, own_cidr=own_cidr, peer_cidr=peer_cidr))
    assert "overlap" in reason


def test_vpc_peering_with_overlapping_cidrs_fails_through_a_change_set(cfn: Deployer) -> None:
    """The CDK CLI creates stacks through change sets: the stack ends ROLLBACK_COMPLETE."""
    _failed_peering(cfn, _peering_stack(cfn, own_cidr="10.0.0.0/16"), change_set=True)
    change_set = cfn.client("cloudformation").describe_change_set(
        StackName="peering", ChangeSetName="cs"
    )
    assert change_set["ExecutionStatus"] == "EXECUTE_FAILED"


def test_vpc_peering_to_a_vpc_missing_in_the_peer_region_fails(cfn: Deployer) -> None:
    """The peer VPC exists, but in us-east-2: peering to it in us-west-2 is a wrong VPC id."""
    template = _peering_stack(cfn, own_cidr="10.1.0.0/16", peer_region="us-west-2")
    assert "does not exist in us-west-2" in _failed_peering(cfn, template)


def test_vpc_peering_to_an_invalid_region_fails(cfn: Deployer) -> None:
    template = _peering_stack(cfn, own_cidr="10.1.0.0/16", peer_region="us-east")
    assert "us-east is not a region" in _failed_peering(cfn, template)


def test_vpc_peering_to_another_account_is_not_accepted(cfn: Deployer) -> None:
    """The emulator has one account: nothing there could accept the request."""
    template = _peering_stack(cfn, own_cidr="10.1.0.0/16", PeerOwnerId="210987654321")
    assert "210987654321" in _failed_peering(cfn, template)


def test_vpc_peering_with_adjacent_cidrs_is_active(cfn: Deployer) -> None:
    """10.0.0.0/16 and 10.1.0.0/16 touch but do not overlap: AWS accepts them."""
    outputs = cfn.deploy("peering", _peering_stack(cfn, own_cidr="10.1.0.0/16"))
    pcx = cfn.client("ec2").describe_vpc_peering_connections(
        VpcPeeringConnectionIds=[outputs["Pcx"]]
    )["VpcPeeringConnections"][0]
    assert pcx["Status"]["Code"] == "active"
    assert pcx["AccepterVpcInfo"]["CidrBlock"] == "10.0.0.0/16"
    assert pcx["RequesterVpcInfo"]["CidrBlock"] == "10.1.0.0/16"


# --------------------------------------------------------------------------- ECR, autoscaling
def test_ecr_replication_configuration(cfn: Deployer) -> None:
    template = _template(
        {
            "Repo": {"Type": "AWS::ECR::Repository"},
            "Replication": {
                "Type": "AWS::ECR::ReplicationConfiguration",
                "Properties": {
                    "ReplicationConfiguration": {
                        "Rules": [
                            {
                                "Destinations": [
                                    {"Region": "us-east-2", "RegistryId": "123456789012"}
                                ]
                            }
                        ]
                    }
                },
            },
        }
    )
    cfn.deploy("ecr", template)
    config = cfn.client("ecr").describe_registry()["replicationConfiguration"]
    assert config["rules"][0]["destinations"] == [
        {"region": "us-east-2", "registryId": "123456789012"}
    ]


def test_service_autoscaling_target_and_policy(cfn: Deployer) -> None:
    resources = _ecs_resources()
    resources["Service"] = {
        "Type": "AWS::ECS::Service",
        "Properties": {
            "Cluster": {"Ref": "Cluster"},
            "TaskDefinition": {"Ref": "TaskDef"},
            "LaunchType": "FARGATE",
            "NetworkConfiguration": {
                "AwsvpcConfiguration": {
                    "Subnets": [{"Ref": "SubnetA"}],
                    "SecurityGroups": [{"Ref": "Sg"}],
                }
            },
        },
    }
    resources["Target"] = {
        "Type": "AWS::ApplicationAutoScaling::ScalableTarget",
        "Properties": {
            "ServiceNamespace": "ecs",
            "ScalableDimension": "ecs:service:DesiredCount",
            "ResourceId": {
                "Fn::Join": [
                    "",
                    ["service/", {"Ref": "Cluster"}, "/", {"Fn::GetAtt": ["Service", "Name"]}],
                ]
            },
            "MinCapacity": 2,
            "MaxCapacity": 6,
            "RoleARN": "arn:aws:iam::123456789012:role/autoscaling",
        },
    }
    resources["Policy"] = {
        "Type": "AWS::ApplicationAutoScaling::ScalingPolicy",
        "Properties": {
            "PolicyName": "cpu",
            "PolicyType": "TargetTrackingScaling",
            "ScalingTargetId": {"Ref": "Target"},
            "TargetTrackingScalingPolicyConfiguration": {
                "TargetValue": 60,
                "PredefinedMetricSpecification": {
                    "PredefinedMetricType": "ECSServiceAverageCPUUtilization"
                },
            },
        },
    }
    cfn.deploy("scaling", _template(resources))
    client = cfn.client("application-autoscaling")
    (target,) = client.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (2, 6)
    (policy,) = client.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"]
    assert policy["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] == 60


# ------------------------------------------------------- gaps found deploying examples/shop
_TAGS = [
    {"Key": "multiregion-tap:app", "Value": "shop"},
    {"Key": "multiregion-tap:region-role", "Value": "primary"},
]


def test_kms_key_with_tags_policy_and_rotation(cfn: Deployer) -> None:
    """moto handed CloudFormation's [{Key, Value}] tags to create_key, which wants
    [{TagKey, TagValue}]: every tagged key (so every CDK key in a tagged app) failed."""
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}
        ],
    }
    template = _template(
        {
            "Key": {
                "Type": "AWS::KMS::Key",
                "Properties": {
                    "Description": "tagged",
                    "EnableKeyRotation": True,
                    "KeyPolicy": policy,
                    "Tags": _TAGS,
                },
            }
        },
        outputs={"KeyArn": {"Fn::GetAtt": ["Key", "Arn"]}, "KeyId": {"Ref": "Key"}},
    )
    outputs = cfn.deploy("kms", template, region="us-east-2")
    assert outputs["KeyArn"].startswith("arn:aws:kms:us-east-2:")
    kms = cfn.client("kms", "us-east-2")
    tags = {
        t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=outputs["KeyId"])["Tags"]
    }
    assert tags["multiregion-tap:app"] == "shop"
    assert kms.get_key_rotation_status(KeyId=outputs["KeyId"])["KeyRotationEnabled"] is True
    stored = json.loads(kms.get_key_policy(KeyId=outputs["KeyId"], PolicyName="default")["Policy"])
    assert stored == policy


def test_db_instance_names_its_parameter_group_by_ref(cfn: Deployer) -> None:
    """moto's DBParameterGroup had no physical id: ``Ref`` gave the model object and the DB
    instance failed ('DBParameterGroup' object has no attribute 'startswith')."""
    resources = _db_resources("us-east-1", "10.0.0.0/16")
    resources["Params"] = {
        "Type": "AWS::RDS::DBParameterGroup",
        "Properties": {
            "Description": "shop",
            "Family": "postgres17",
            "Parameters": {"rds.force_ssl": "1"},
        },
    }
    resources["Db"] = {
        "Type": "AWS::RDS::DBInstance",
        "Properties": {
            "Engine": "postgres",
            "DBInstanceClass": "db.t4g.micro",
            "AllocatedStorage": "20",
            "MasterUsername": "admin",
            "MasterUserPassword": "password123",
            "DBSubnetGroupName": {"Ref": "SubnetGroup"},
            "DBParameterGroupName": {"Ref": "Params"},
        },
    }
    outputs = cfn.deploy(
        "db-params", _template(resources, outputs={"Id": {"Ref": "Db"}, "Group": {"Ref": "Params"}})
    )
    db = cfn.client("rds").describe_db_instances(DBInstanceIdentifier=outputs["Id"])["DBInstances"][
        0
    ]
    assert [g["DBParameterGroupName"] for g in db["DBParameterGroups"]] == [outputs["Group"]]


def test_listener_default_action_with_weighted_forward_config(cfn: Deployer) -> None:
    """ECS blue/green listeners forward to two weighted target groups (ForwardConfig, no
    TargetGroupArn); moto's listener kept only TargetGroupArn (KeyError)."""
    resources = _network()
    resources.update(
        {
            "Alb": _alb(),
            "Blue": _target_group(),
            "Green": _target_group(),
            "Listener": {
                "Type": "AWS::ElasticLoadBalancingV2::Listener",
                "Properties": {
                    "LoadBalancerArn": {"Ref": "Alb"},
                    "Port": 80,
                    "Protocol": "HTTP",
                    "DefaultActions": [
                        {
                            "Type": "forward",
                            "ForwardConfig": {
                                "TargetGroups": [
                                    {"TargetGroupArn": {"Ref": "Blue"}, "Weight": 100},
                                    {"TargetGroupArn": {"Ref": "Green"}, "Weight": 0},
                                ]
                            },
                        }
                    ],
                },
            },
        }
    )
    outputs = cfn.deploy(
        "weighted",
        _template(
            resources,
            outputs={
                "Listener": {"Ref": "Listener"},
                "Blue": {"Ref": "Blue"},
                "Green": {"Ref": "Green"},
            },
        ),
    )
    listener = cfn.client("elbv2").describe_listeners(ListenerArns=[outputs["Listener"]])[
        "Listeners"
    ][0]
    (action,) = listener["DefaultActions"]
    weights = {g["TargetGroupArn"]: g["Weight"] for g in action["ForwardConfig"]["TargetGroups"]}
    assert weights == {outputs["Blue"]: 100, outputs["Green"]: 0}


def test_change_sets_of_one_name_on_two_stacks_of_a_region(cfn: Deployer) -> None:
    """The CDK CLI names every change set ``cdk-deploy-change-set`` and deploys independent
    stacks of a region at the same time; moto looked change sets up by name alone, so one
    stack's describe/delete/execute hit the other's (a stack got another's outputs, or was
    never created)."""
    client = cfn.client("cloudformation")
    name = "cdk-deploy-change-set"
    for stack in ("first", "second"):
        client.create_change_set(
            StackName=stack,
            ChangeSetName=name,
            ChangeSetType="CREATE",
            TemplateBody=json.dumps(
                _template(
                    {"Topic": {"Type": "AWS::SNS::Topic"}},
                    outputs={"Which": stack, "TopicArn": {"Ref": "Topic"}},
                )
            ),
        )
    described = client.describe_change_set(StackName="first", ChangeSetName=name)
    assert described["StackName"] == "first"
    client.execute_change_set(StackName="second", ChangeSetName=name)
    client.delete_change_set(StackName="first", ChangeSetName=name)  # not second's
    with pytest.raises(client.exceptions.ClientError, match="does not exist"):
        client.describe_change_set(StackName="first", ChangeSetName=name)
    assert client.describe_change_set(StackName="second", ChangeSetName=name)["StackName"] == (
        "second"
    )
    second = client.describe_stacks(StackName="second")["Stacks"][0]
    assert second["StackStatus"] == "CREATE_COMPLETE"
    assert {o["OutputKey"]: o["OutputValue"] for o in second["Outputs"]}["Which"] == "second"


def test_tags_reach_load_balancer_target_group_cluster_topic_and_route53(cfn: Deployer) -> None:
    """moto's CloudFormation dropped the Tags of these resources; CloudFormation applies them
    (discovery and cost reports find an app's resources by its tag)."""
    resources = _network()
    resources.update(
        {
            "Alb": _alb(Tags=_TAGS),
            "Tg": _target_group(Tags=_TAGS),
            "Cluster": {"Type": "AWS::ECS::Cluster", "Properties": {"Tags": _TAGS}},
            "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"Tags": _TAGS}},
            "Zone": {
                "Type": "AWS::Route53::HostedZone",
                "Properties": {"Name": "tags.example.com", "HostedZoneTags": _TAGS},
            },
            "Check": {
                "Type": "AWS::Route53::HealthCheck",
                "Properties": {
                    "HealthCheckConfig": {"Type": "HTTP", "FullyQualifiedDomainName": "a.example"},
                    "HealthCheckTags": _TAGS,
                },
            },
        }
    )
    out = cfn.deploy(
        "tagged",
        _template(
            resources,
            outputs={
                "Alb": {"Ref": "Alb"},
                "Tg": {"Ref": "Tg"},
                "Cluster": {"Fn::GetAtt": ["Cluster", "Arn"]},
                "Topic": {"Ref": "Topic"},
                "Zone": {"Ref": "Zone"},
                "Check": {"Fn::GetAtt": ["Check", "HealthCheckId"]},
            },
        ),
    )

    def app(tags: Any, key: str = "Key", value: str = "Value") -> str | None:
        return {t[key]: t[value] for t in tags}.get("multiregion-tap:app")

    described = cfn.client("elbv2").describe_tags(ResourceArns=[out["Alb"], out["Tg"]])
    assert [app(d["Tags"]) for d in described["TagDescriptions"]] == ["shop", "shop"]
    ecs_tags = cfn.client("ecs").list_tags_for_resource(resourceArn=out["Cluster"])["tags"]
    assert app(ecs_tags, "key", "value") == "shop"
    assert app(cfn.client("sns").list_tags_for_resource(ResourceArn=out["Topic"])["Tags"]) == "shop"
    route53 = cfn.client("route53")
    zone = route53.list_tags_for_resource(ResourceType="hostedzone", ResourceId=out["Zone"])
    check = route53.list_tags_for_resource(ResourceType="healthcheck", ResourceId=out["Check"])
    assert app(zone["ResourceTagSet"]["Tags"]) == "shop"
    assert app(check["ResourceTagSet"]["Tags"]) == "shop"


def test_dashboard_without_a_name_gets_a_stack_derived_name(cfn: Deployer) -> None:
    """moto named such a dashboard with a random UUID; CloudFormation derives the name from
    the stack and the logical id."""
    body = json.dumps({"widgets": []})
    out = cfn.deploy(
        "dash",
        _template(
            {
                "Board": {
                    "Type": "AWS::CloudWatch::Dashboard",
                    "Properties": {"DashboardBody": body},
                }
            },
            outputs={"Name": {"Ref": "Board"}},
        ),
        region="us-east-2",
    )
    assert out["Name"].startswith("dash-Board-")
    got = cfn.client("cloudwatch", "us-east-2").get_dashboard(DashboardName=out["Name"])
    assert got["DashboardBody"] == body


def test_ecr_repository_scanning_encryption_and_lifecycle_policy(cfn: Deployer) -> None:
    """moto kept CloudFormation's keys (``ScanOnPush``) so the API reported no scan-on-push,
    and dropped the lifecycle policy."""
    lifecycle = json.dumps(
        {
            "rules": [
                {
                    "rulePriority": 1,
                    "description": "keep 30",
                    "selection": {
                        "tagStatus": "any",
                        "countType": "imageCountMoreThan",
                        "countNumber": 30,
                    },
                    "action": {"type": "expire"},
                }
            ]
        }
    )
    template = _template(
        {
            "Repo": {
                "Type": "AWS::ECR::Repository",
                "Properties": {
                    "RepositoryName": "shop/service",
                    "ImageScanningConfiguration": {"ScanOnPush": True},
                    "EncryptionConfiguration": {"EncryptionType": "AES256"},
                    "ImageTagMutability": "IMMUTABLE",
                    "LifecyclePolicy": {"LifecyclePolicyText": lifecycle},
                    "Tags": _TAGS,
                },
            }
        }
    )
    cfn.deploy("ecr", template, region="us-east-2")
    ecr = cfn.client("ecr", "us-east-2")
    (repo,) = ecr.describe_repositories(repositoryNames=["shop/service"])["repositories"]
    assert repo["imageScanningConfiguration"] == {"scanOnPush": True}
    assert repo["encryptionConfiguration"]["encryptionType"] == "AES256"
    assert repo["imageTagMutability"] == "IMMUTABLE"
    policy = ecr.get_lifecycle_policy(repositoryName="shop/service")["lifecyclePolicyText"]
    assert json.loads(policy) == json.loads(lifecycle)
    tags = ecr.list_tags_for_resource(resourceArn=repo["repositoryArn"])["tags"]
    assert {t["Key"]: t["Value"] for t in tags}["multiregion-tap:app"] == "shop"


def test_ssm_parameter_with_a_tag_map_and_no_name(cfn: Deployer) -> None:
    """AWS::SSM::Parameter's Tags is a key-value map (moto failed on it) and Name is
    optional (CloudFormation generates one)."""
    template = _template(
        {
            "Param": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {"Type": "String", "Value": "v", "Tags": {"team": "shop"}},
            }
        },
        outputs={"Name": {"Ref": "Param"}},
    )
    name = cfn.deploy("tagged", template)["Name"]
    ssm = cfn.client("ssm")
    assert ssm.get_parameter(Name=name)["Parameter"]["Value"] == "v"
    tags = ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId=name)["TagList"]
    assert tags == [{"Key": "team", "Value": "shop"}]


# --------------------------------------------------------------------------- stack updates
def _update(
    cfn: Deployer,
    name: str,
    template: dict[str, Any],
    *,
    region: str = "us-east-1",
    parameters: list[dict[str, Any]] | None = None,
) -> dict[str, str]:
    """Update ``name`` as the CDK CLI does: delete the change set ``cdk-deploy-change-set``
    (whether it exists or not), create it as an UPDATE, execute it; the stack's outputs."""
    client = cfn.client("cloudformation", region)
    change_set = "cdk-deploy-change-set"
    client.delete_change_set(StackName=name, ChangeSetName=change_set)
    client.create_change_set(
        StackName=name,
        ChangeSetName=change_set,
        ChangeSetType="UPDATE",
        TemplateBody=json.dumps(template),
        Parameters=parameters or [],
    )
    client.execute_change_set(StackName=name, ChangeSetName=change_set)
    stack = client.describe_stacks(StackName=name)["Stacks"][0]
    assert stack["StackStatus"] == "UPDATE_COMPLETE", stack
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def test_deleting_a_change_set_that_does_not_exist_is_no_error(cfn: Deployer) -> None:
    """The CDK CLI deletes ``cdk-deploy-change-set`` before every update of a stack and waits
    until DescribeChangeSet answers ``ChangeSetNotFound``; moto refused the delete, so no stack
    could be updated with ``cdk deploy``. DeleteChangeSet's only documented error is
    ``InvalidChangeSetStatus``; DescribeChangeSet's is ``ChangeSetNotFound`` (HTTP 404), whose
    exception AWS documents as "The specified change set name or ID doesn't exit. To view
    valid change sets for a stack, use the ListChangeSets operation." (sic)."""
    cfn.deploy("updated", _template({"Topic": {"Type": "AWS::SNS::Topic"}}))
    client = cfn.client("cloudformation")
    client.delete_change_set(StackName="updated", ChangeSetName="cdk-deploy-change-set")
    with pytest.raises(client.exceptions.ChangeSetNotFoundException) as raised:
        client.describe_change_set(StackName="updated", ChangeSetName="cdk-deploy-change-set")
    error = raised.value.response
    assert error["Error"]["Code"] == "ChangeSetNotFound"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_update_with_the_previous_value_of_an_ssm_parameter(cfn: Deployer) -> None:
    """A CDK stack's ``BootstrapVersion`` parameter is an SSM parameter type, sent with
    ``UsePreviousValue`` on every update: its previous value is the parameter's name, resolved
    again (ParameterValue "The input value associated with the parameter", ResolvedValue "The
    value that corresponds to a Systems Manager parameter key"). moto looked the resolved
    value up as a name and failed the update."""
    cfn.client("ssm").put_parameter(Name="/cdk-bootstrap/test/version", Value="30", Type="String")
    template = _template({"Topic": {"Type": "AWS::SNS::Topic"}}, outputs={"V": {"Ref": "Version"}})
    template["Parameters"] = {
        "Version": {
            "Type": "AWS::SSM::Parameter::Value<String>",
            "Default": "/cdk-bootstrap/test/version",
        }
    }
    assert cfn.deploy("with-ssm", template)["V"] == "30"
    template["Resources"]["Other"] = {"Type": "AWS::SNS::Topic"}
    outputs = _update(
        cfn,
        "with-ssm",
        template,
        parameters=[{"ParameterKey": "Version", "UsePreviousValue": True}],
    )
    assert outputs["V"] == "30"


def test_removing_source_db_instance_identifier_promotes_the_replica(cfn: Deployer) -> None:
    """CloudFormation's RDS provider promotes a read replica whose template drops
    ``SourceDBInstanceIdentifier`` (a conditional create-only property; ``rds:PromoteReadReplica``
    is among its update permissions): same identifier, standalone, no longer listed by its
    source. moto had no update for DB instances and dropped the resource from the stack."""
    primary = _db_resources("us-east-1", "10.0.0.0/16")
    primary["Db"] = _primary_db()
    source = cfn.deploy(
        "db-primary",
        _template(primary, outputs={"Arn": {"Fn::GetAtt": ["Db", "DBInstanceArn"]}}),
    )["Arn"]
    replica = _db_resources("us-east-2", "10.1.0.0/16")
    replica["Replica"] = {
        "Type": "AWS::RDS::DBInstance",
        "Properties": {
            "DBInstanceIdentifier": "replica-db",
            "SourceDBInstanceIdentifier": source,
            "DBInstanceClass": "db.t4g.micro",
            "BackupRetentionPeriod": 7,
            "DBSubnetGroupName": {"Ref": "SubnetGroup"},
        },
    }
    outputs = {"Id": {"Ref": "Replica"}, "Address": {"Fn::GetAtt": ["Replica", "Endpoint.Address"]}}
    before = cfn.deploy("db-replica", _template(replica, outputs=outputs), region="us-east-2")
    rds2 = cfn.client("rds", "us-east-2")
    got = rds2.describe_db_instances(DBInstanceIdentifier="replica-db")["DBInstances"][0]
    assert got["ReadReplicaSourceDBInstanceIdentifier"] == source

    del replica["Replica"]["Properties"]["SourceDBInstanceIdentifier"]
    after = _update(cfn, "db-replica", _template(replica, outputs=outputs), region="us-east-2")
    assert after == before  # promoted in place: same identifier and endpoint
    (got,) = rds2.describe_db_instances(DBInstanceIdentifier="replica-db")["DBInstances"]
    assert "ReadReplicaSourceDBInstanceIdentifier" not in got
    assert got["BackupRetentionPeriod"] == 7
    (db,) = cfn.client("rds").describe_db_instances()["DBInstances"]
    assert db["ReadReplicaDBInstanceIdentifiers"] == []


def test_failover_records_updated_in_place_and_a_health_check_removed(cfn: Deployer) -> None:
    """Both failover records of a name move to one target, and the other target's health
    check leaves the template: each record is updated in place (Route 53 tells them apart by
    ``SetIdentifier``; moto deleted every record of the name, so one vanished) and the
    removed health check is deleted (moto kept it)."""

    def check(fqdn: str) -> dict[str, Any]:
        return {
            "Type": "AWS::Route53::HealthCheck",
            "Properties": {"HealthCheckConfig": {"Type": "HTTP", "FullyQualifiedDomainName": fqdn}},
        }

    def record(role: str, check_id: str, target: str) -> dict[str, Any]:
        return {
            "Type": "AWS::Route53::RecordSet",
            "Properties": {
                "HostedZoneId": {"Ref": "Zone"},
                "Name": "app.shop.example.com.",
                "Type": "A",
                "SetIdentifier": role.lower(),
                "Failover": role,
                "HealthCheckId": {"Fn::GetAtt": [check_id, "HealthCheckId"]},
                "AliasTarget": {
                    "DNSName": target,
                    "HostedZoneId": "Z3AADJGX6KTTL2",
                    "EvaluateTargetHealth": False,
                },
            },
        }

    zone = {"Type": "AWS::Route53::HostedZone", "Properties": {"Name": "shop.example.com"}}
    outputs = {"ZoneId": {"Ref": "Zone"}, "B": {"Fn::GetAtt": ["CheckB", "HealthCheckId"]}}
    before = {
        "Zone": zone,
        "CheckA": check("a.example.com"),
        "CheckB": check("b.example.com"),
        "Primary": record("PRIMARY", "CheckA", "a.example.com"),
        "Secondary": record("SECONDARY", "CheckB", "b.example.com"),
    }
    zone_id = cfn.deploy("failover", _template(before, outputs=outputs))["ZoneId"]
    after = {
        "Zone": zone,
        "CheckB": check("b.example.com"),
        "Primary": record("PRIMARY", "CheckB", "b.example.com"),
        "Secondary": record("SECONDARY", "CheckB", "b.example.com"),
    }
    check_b = _update(cfn, "failover", _template(after, outputs=outputs))["B"]
    route53 = cfn.client("route53")
    records = route53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
    app = {r["Failover"]: r for r in records if r["Name"].startswith("app.")}
    assert set(app) == {"PRIMARY", "SECONDARY"}
    for found in app.values():
        assert found["AliasTarget"]["DNSName"].rstrip(".") == "b.example.com"
        assert found["HealthCheckId"] == check_b
    assert [c["Id"] for c in route53.list_health_checks()["HealthChecks"]] == [check_b]
