"""RegionalService: network, ECR, ECS Fargate, ALB, blue/green with rollback, scaling, outputs."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_codedeploy as codedeploy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk.assertions import Match, Template

from multiregion_tap import OutputNames, ValidationError
from multiregion_tap.regional_service import (
    CONTAINER_NAME,
    DeploymentMode,
    RegionalService,
    RegionalServiceProps,
    default_vpc_cidr,
)
from tests.support.lint import cfn_lint_findings
from tests.support.service_apps import build_default, build_variants
from tests.support.templates import normalize, raw_templates

ROOT = Path(__file__).resolve().parents[2]
REGIONS = ("us-east-1", "us-east-2")


# ---------------------------------------------------------------------------- fixtures
def _synthesized(build: Any) -> dict[str, Any]:
    """Build one of the shared apps, synthesize it once, and keep what the tests read."""
    app, services = build(cdk.App())
    raw = raw_templates(app)
    return {
        "app": app,
        "services": services,
        "raw": raw,
        "templates": {name: Template.from_json(t) for name, t in raw.items()},
    }


@pytest.fixture(scope="module")
def default() -> dict[str, Any]:
    return _synthesized(build_default)


@pytest.fixture(scope="module")
def variants() -> dict[str, Any]:
    return _synthesized(build_variants)


def tpl(fixture: dict[str, Any], region: str) -> Template:
    return fixture["templates"][f"{fixture['app'].app_name}-{region}"]


def raw(fixture: dict[str, Any], region: str) -> dict[str, Any]:
    return fixture["raw"][f"{fixture['app'].app_name}-{region}"]


def of_type(template: dict[str, Any], kind: str) -> dict[str, Any]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def one(template: dict[str, Any], kind: str) -> tuple[str, dict[str, Any]]:
    found = of_type(template, kind)
    assert len(found) == 1, (kind, list(found))
    return next(iter(found.items()))


# ---------------------------------------------------------------------------- props
def test_props_unpack_into_constructor() -> None:
    props = RegionalServiceProps(desired_count=3, deployment_mode=DeploymentMode.LINEAR)
    app = cdk.App()
    stack = cdk.Stack(app, "S", env=cdk.Environment(region="us-east-1"))
    kwargs = {f.name: getattr(props, f.name) for f in dataclasses.fields(props)}
    service = RegionalService(stack, "Service", **kwargs)
    assert service.deployment_mode is DeploymentMode.LINEAR


def test_default_vpc_cidr_distinct_per_index() -> None:
    assert default_vpc_cidr(0) == "10.0.0.0/16"
    assert default_vpc_cidr(1) == "10.1.0.0/16"
    assert len({default_vpc_cidr(i) for i in range(10)}) == 10
    with pytest.raises(ValidationError, match=r"index must be between 0 and 255, got 256"):
        default_vpc_cidr(256)


# ---------------------------------------------------------------------------- network
@pytest.mark.parametrize(
    ("region", "cidr"), [("us-east-1", "10.0.0.0/16"), ("us-east-2", "10.1.0.0/16")]
)
def test_vpc_per_region_with_distinct_cidr(default: dict[str, Any], region: str, cidr: str) -> None:
    template = tpl(default, region)
    template.resource_count_is("AWS::EC2::VPC", 1)
    template.has_resource_properties("AWS::EC2::VPC", {"CidrBlock": cidr})
    assert default["services"][region].vpc_cidr == cidr
    assert default["app"].stack_for(region).region == region


def test_vpc_two_azs_three_tiers_nat_per_az_and_flow_logs(default: dict[str, Any]) -> None:
    for region in REGIONS:
        template = tpl(default, region)
        subnets = of_type(raw(default, region), "AWS::EC2::Subnet")
        assert len(subnets) == 6  # public, private, isolated x 2 AZs
        names = sorted(
            next(t["Value"] for t in s["Properties"]["Tags"] if t["Key"] == "aws-cdk:subnet-name")
            for s in subnets.values()
        )
        assert names == ["Isolated"] * 2 + ["Private"] * 2 + ["Public"] * 2
        masks = {s["Properties"]["CidrBlock"].split("/")[1] for s in subnets.values()}
        assert masks == {"19", "21"}
        template.resource_count_is("AWS::EC2::NatGateway", 2)
        template.has_resource_properties(
            "AWS::EC2::FlowLog",
            {"ResourceType": "VPC", "TrafficType": "ALL", "LogDestinationType": "cloud-watch-logs"},
        )


def test_tasks_run_in_private_subnets_without_public_ip(default: dict[str, Any]) -> None:
    template = raw(default, "us-east-2")
    _, service = one(template, "AWS::ECS::Service")
    config = service["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]
    assert config["AssignPublicIp"] == "DISABLED"
    assert all("PrivateSubnet" in s["Ref"] for s in config["Subnets"])


# ---------------------------------------------------------------------------- ECR
def test_repository_scanned_immutable_lifecycle_retained(default: dict[str, Any]) -> None:
    for region in REGIONS:
        template = tpl(default, region)
        template.has_resource(
            "AWS::ECR::Repository",
            {
                "Properties": {
                    "RepositoryName": "shop/service",
                    "ImageScanningConfiguration": {"ScanOnPush": True},
                    "ImageTagMutability": "IMMUTABLE",
                },
                "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain",
            },
        )
        _, repo = one(raw(default, region), "AWS::ECR::Repository")
        rules = json.loads(repo["Properties"]["LifecyclePolicy"]["LifecyclePolicyText"])["rules"]
        assert rules[0]["selection"] == {
            "tagStatus": "untagged",
            "countType": "sinceImagePushed",
            "countNumber": 7,
            "countUnit": "days",
        }
        assert rules[1]["selection"] == {
            "tagStatus": "any",
            "countType": "imageCountMoreThan",
            "countNumber": 30,
        }


def test_ecr_replication_only_from_primary_filtered_to_repository(default: dict[str, Any]) -> None:
    tpl(default, "us-east-1").has_resource_properties(
        "AWS::ECR::ReplicationConfiguration",
        {
            "ReplicationConfiguration": {
                "Rules": [
                    {
                        "Destinations": [
                            {"Region": "us-east-2", "RegistryId": {"Ref": "AWS::AccountId"}}
                        ],
                        "RepositoryFilters": [
                            {"Filter": "shop/service", "FilterType": "PREFIX_MATCH"}
                        ],
                    }
                ]
            }
        },
    )
    tpl(default, "us-east-2").resource_count_is("AWS::ECR::ReplicationConfiguration", 0)


def test_task_pulls_image_from_own_region_repository(default: dict[str, Any]) -> None:
    template = raw(default, "us-east-2")
    _, task = one(template, "AWS::ECS::TaskDefinition")
    image = json.dumps(task["Properties"]["ContainerDefinitions"][0]["Image"])
    repo_id, _ = one(template, "AWS::ECR::Repository")
    assert repo_id in image and ":v1" in image


# ---------------------------------------------------------------------------- ECS
def test_cluster_container_insights(default: dict[str, Any]) -> None:
    tpl(default, "us-east-1").has_resource_properties(
        "AWS::ECS::Cluster",
        {"ClusterSettings": [{"Name": "containerInsights", "Value": "enabled"}]},
    )


def test_task_definition_fargate_container_and_logs(default: dict[str, Any]) -> None:
    template = tpl(default, "us-east-1")
    template.has_resource_properties(
        "AWS::ECS::TaskDefinition",
        {
            "Cpu": "256",
            "Memory": "512",
            "NetworkMode": "awsvpc",
            "RequiresCompatibilities": ["FARGATE"],
            "ContainerDefinitions": [
                Match.object_like(
                    {
                        "Name": CONTAINER_NAME,
                        "Essential": True,
                        "PortMappings": [{"ContainerPort": 80, "Protocol": "tcp"}],
                        "LogConfiguration": Match.object_like({"LogDriver": "awslogs"}),
                    }
                )
            ],
        },
    )
    template.has_resource(
        "AWS::Logs::LogGroup",
        {"Properties": {"RetentionInDays": 365}, "DeletionPolicy": "Retain"},
    )


def test_execution_role_least_privilege_and_empty_task_role(default: dict[str, Any]) -> None:
    template = raw(default, "us-east-1")
    policies = of_type(template, "AWS::IAM::Policy")
    execution = next(p for k, p in policies.items() if "ExecutionRole" in k)
    statements = execution["Properties"]["PolicyDocument"]["Statement"]
    repo_id, _ = one(template, "AWS::ECR::Repository")
    by_action = {json.dumps(s["Action"]): s["Resource"] for s in statements}
    assert by_action == {
        json.dumps(
            ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]
        ): {"Fn::GetAtt": [repo_id, "Arn"]},
        json.dumps("ecr:GetAuthorizationToken"): "*",
        json.dumps(["logs:CreateLogStream", "logs:PutLogEvents"]): {
            "Fn::GetAtt": [
                next(k for k in of_type(template, "AWS::Logs::LogGroup") if "ServiceLogGroup" in k),
                "Arn",
            ]
        },
    }
    assert not any("TaskRole" in k for k in policies)


def test_service_security_group_only_from_load_balancer_and_https_out(
    default: dict[str, Any],
) -> None:
    template = raw(default, "us-east-1")
    service = default["services"]["us-east-1"]
    sg_id = cdk.Stack.of(service).resolve(service.service_security_group.security_group_id)
    lb_sg_id = cdk.Stack.of(service).resolve(service.load_balancer_security_group.security_group_id)
    # Copies without the description: the fixture's template is shared by every test.
    ingress = [
        {k: v for k, v in r["Properties"].items() if k != "Description"}
        for r in of_type(template, "AWS::EC2::SecurityGroupIngress").values()
        if r["Properties"]["GroupId"] == sg_id
    ]
    assert ingress == [
        {
            "IpProtocol": "tcp",
            "FromPort": 80,
            "ToPort": 80,
            "GroupId": sg_id,
            "SourceSecurityGroupId": lb_sg_id,
        }
    ]
    sg = template["Resources"][sg_id["Fn::GetAtt"][0]]["Properties"]
    egress = [{k: v for k, v in r.items() if k != "Description"} for r in sg["SecurityGroupEgress"]]
    assert egress == [{"CidrIp": "0.0.0.0/0", "FromPort": 443, "IpProtocol": "tcp", "ToPort": 443}]
    assert "SecurityGroupIngress" not in sg


# ---------------------------------------------------------------------------- ALB
def test_load_balancer_secure_defaults(default: dict[str, Any]) -> None:
    template = tpl(default, "us-east-2")
    template.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        {
            "Scheme": "internet-facing",
            "LoadBalancerAttributes": Match.array_with(
                [
                    {"Key": "deletion_protection.enabled", "Value": "true"},
                    {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
                    {"Key": "access_logs.s3.enabled", "Value": "true"},
                    {"Key": "access_logs.s3.prefix", "Value": "alb"},
                ]
            ),
        },
    )
    template.has_resource(
        "AWS::S3::Bucket",
        {
            "Properties": Match.object_like(
                {
                    "BucketEncryption": {
                        "ServerSideEncryptionConfiguration": [
                            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                        ]
                    },
                    "PublicAccessBlockConfiguration": {
                        "BlockPublicAcls": True,
                        "BlockPublicPolicy": True,
                        "IgnorePublicAcls": True,
                        "RestrictPublicBuckets": True,
                    },
                    "VersioningConfiguration": {"Status": "Enabled"},
                }
            ),
            "DeletionPolicy": "Retain",
        },
    )
    template.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Effect": "Deny",
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            }
                        )
                    ]
                )
            }
        },
    )


def test_http_listener_without_certificate(default: dict[str, Any]) -> None:
    template = tpl(default, "us-east-1")
    template.resource_count_is("AWS::ElasticLoadBalancingV2::Listener", 1)
    template.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener", {"Port": 80, "Protocol": "HTTP"}
    )
    assert default["services"]["us-east-1"].redirect_listener is None


def test_https_listener_and_redirect_with_certificate(variants: dict[str, Any]) -> None:
    template = tpl(variants, "us-east-1")
    template.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener",
        {
            "Port": 443,
            "Protocol": "HTTPS",
            "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
            "Certificates": [
                {"CertificateArn": Match.string_like_regexp(r"^arn:aws:acm:us-east-1:")}
            ],
        },
    )
    template.has_resource(
        "AWS::ElasticLoadBalancingV2::Listener",
        {
            "Properties": Match.object_like(
                {
                    "Port": 80,
                    "DefaultActions": [
                        {
                            "Type": "redirect",
                            "RedirectConfig": {
                                "Port": "443",
                                "Protocol": "HTTPS",
                                "StatusCode": "HTTP_301",
                            },
                        }
                    ],
                }
            ),
            # Created after the production listener left port 80 (HTTP -> HTTPS switch).
            "DependsOn": [Match.string_like_regexp("ProductionListener")],
        },
    )


def test_health_check_configured_on_both_target_groups(
    variants: dict[str, Any], default: dict[str, Any]
) -> None:
    tgs = of_type(raw(default, "us-east-1"), "AWS::ElasticLoadBalancingV2::TargetGroup")
    assert len(tgs) == 2
    expected = {
        "HealthCheckEnabled": True,
        "HealthCheckPath": "/",
        "HealthCheckIntervalSeconds": 30,
        "HealthCheckTimeoutSeconds": 5,
        "HealthyThresholdCount": 2,
        "UnhealthyThresholdCount": 3,
        "Matcher": {"HttpCode": "200-399"},
        "TargetType": "ip",
        "Port": 80,
        "Protocol": "HTTP",
    }
    for tg in tgs.values():
        assert {k: tg["Properties"].get(k) for k in expected} == expected
    for tg in of_type(
        raw(variants, "us-east-1"), "AWS::ElasticLoadBalancingV2::TargetGroup"
    ).values():
        assert tg["Properties"]["HealthCheckPath"] == "/health"
        # The target port stays 80 when container_port changes: no target group replacement.
        assert tg["Properties"]["Port"] == 80


# ---------------------------------------------------------------------------- blue/green
def test_native_blue_green_service(default: dict[str, Any]) -> None:
    service = default["services"]["us-east-2"]
    stack = cdk.Stack.of(service)
    template = tpl(default, "us-east-2")
    template.has_resource_properties(
        "AWS::ECS::Service",
        {
            "DeploymentConfiguration": {
                "Strategy": "BLUE_GREEN",
                "BakeTimeInMinutes": 5,
                "MaximumPercent": 200,
                "MinimumHealthyPercent": 100,
                "Alarms": {
                    "AlarmNames": [
                        "shop-us-east-2-Service-target-5xx",
                        "shop-us-east-2-Service-unhealthy-hosts",
                    ],
                    "Enable": True,
                    "Rollback": True,
                },
            },
            "LoadBalancers": [
                {
                    "ContainerName": CONTAINER_NAME,
                    "ContainerPort": 80,
                    "TargetGroupArn": stack.resolve(service.blue_target_group.target_group_arn),
                    "AdvancedConfiguration": {
                        "AlternateTargetGroupArn": stack.resolve(
                            service.green_target_group.target_group_arn
                        ),
                        "ProductionListenerRule": stack.resolve(
                            service.production_rule.listener_rule_arn
                        ),
                        "RoleArn": stack.resolve(service.blue_green_role.role_arn),
                    },
                }
            ],
        },
    )
    # The circuit breaker only works with ROLLING deployments: not set.
    _, resource = one(raw(default, "us-east-2"), "AWS::ECS::Service")
    assert "DeploymentCircuitBreaker" not in resource["Properties"]["DeploymentConfiguration"]
    assert "DeploymentController" not in resource["Properties"]


def test_production_rule_forwards_to_both_target_groups(default: dict[str, Any]) -> None:
    service = default["services"]["us-east-1"]
    stack = cdk.Stack.of(service)
    blue = stack.resolve(service.blue_target_group.target_group_arn)
    green = stack.resolve(service.green_target_group.target_group_arn)
    forward = {
        "Type": "forward",
        "ForwardConfig": {
            "TargetGroups": [
                {"TargetGroupArn": blue, "Weight": 100},
                {"TargetGroupArn": green, "Weight": 0},
            ]
        },
    }
    template = tpl(default, "us-east-1")
    template.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::ListenerRule",
        {
            "Priority": 1,
            "Conditions": [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/*"]}}],
            "Actions": [forward],
            "ListenerArn": stack.resolve(service.production_listener.listener_arn),
        },
    )
    # ECS blue/green needs forward-only actions on the production listener.
    template.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener", {"DefaultActions": [forward]}
    )


def test_blue_green_role_for_ecs(default: dict[str, Any]) -> None:
    tpl(default, "us-east-1").has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": Match.object_like(
                {"Statement": [Match.object_like({"Principal": {"Service": "ecs.amazonaws.com"}})]}
            ),
            "ManagedPolicyArns": [
                {
                    "Fn::Join": [
                        "",
                        [
                            "arn:",
                            {"Ref": "AWS::Partition"},
                            ":iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers",
                        ],
                    ]
                }
            ],
        },
    )


def test_deployment_alarms_have_fixed_names_and_no_cycle(default: dict[str, Any]) -> None:
    service = default["services"]["us-east-1"]
    assert service.deployment_alarm_names == (
        "shop-us-east-1-Service-target-5xx",
        "shop-us-east-1-Service-unhealthy-hosts",
    )
    template = raw(default, "us-east-1")
    alarms = of_type(template, "AWS::CloudWatch::Alarm")
    assert sorted(a["Properties"]["AlarmName"] for a in alarms.values()) == sorted(
        service.deployment_alarm_names
    )
    _, svc = one(template, "AWS::ECS::Service")
    # The service waits for its alarms; the alarms reference only load balancer metrics.
    assert set(alarms) <= set(svc["DependsOn"])
    service_id = next(iter(of_type(template, "AWS::ECS::Service")))
    assert service_id not in json.dumps(alarms)


def test_target_5xx_alarm_sums_both_target_groups(default: dict[str, Any]) -> None:
    tpl(default, "us-east-1").has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "AlarmName": "shop-us-east-1-Service-target-5xx",
            "Threshold": 10,
            "EvaluationPeriods": 2,
            "DatapointsToAlarm": 2,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
            "Metrics": Match.array_with(
                [
                    Match.object_like({"Expression": "FILL(blue, 0) + FILL(green, 0)"}),
                    Match.object_like(
                        {
                            "Id": "blue",
                            "MetricStat": Match.object_like(
                                {
                                    "Metric": Match.object_like(
                                        {"MetricName": "HTTPCode_Target_5XX_Count"}
                                    )
                                }
                            ),
                        }
                    ),
                ]
            ),
        },
    )
    tpl(default, "us-east-1").has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {"AlarmName": "shop-us-east-1-Service-unhealthy-hosts", "Threshold": 1},
    )


def test_no_cross_region_or_custom_resources(default: dict[str, Any]) -> None:
    for region in REGIONS:
        template = raw(default, region)
        kinds = {r["Type"] for r in template["Resources"].values()}
        assert not any(k.startswith("Custom::") or k == "AWS::Lambda::Function" for k in kinds), (
            kinds
        )


def test_canary_with_test_listener_and_latency_alarm(variants: dict[str, Any]) -> None:
    service = variants["services"]["us-east-1"]
    stack = cdk.Stack.of(service)
    template = tpl(variants, "us-east-1")
    template.has_resource_properties(
        "AWS::ECS::Service",
        {
            "DeploymentConfiguration": Match.object_like(
                {
                    "Strategy": "CANARY",
                    "BakeTimeInMinutes": 10,
                    "CanaryConfiguration": {"CanaryPercent": 20, "CanaryBakeTimeInMinutes": 3},
                    "Alarms": Match.object_like(
                        {"AlarmNames": list(service.deployment_alarm_names)}
                    ),
                }
            ),
            "LoadBalancers": [
                Match.object_like(
                    {
                        "ContainerPort": 8080,
                        "AdvancedConfiguration": Match.object_like(
                            {"TestListenerRule": stack.resolve(service.test_rule.listener_rule_arn)}
                        ),
                    }
                )
            ],
        },
    )
    assert len(service.deployment_alarm_names) == 3
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "AlarmName": "variants-us-east-1-Service-latency",
            "Threshold": 1.5,
            "EvaluationPeriods": 3,
        },
    )
    # The test listener is reachable from inside the VPC only.
    template.has_resource_properties(
        "AWS::EC2::SecurityGroup",
        {
            "SecurityGroupIngress": Match.array_with(
                [Match.object_like({"CidrIp": "10.0.0.0/16", "FromPort": 8443, "ToPort": 8443})]
            )
        },
    )


def test_production_rule_unchanged_by_routine_changes(
    default: dict[str, Any], variants: dict[str, Any]
) -> None:
    """aws-cdk#36649: CloudFormation rewrites the rule only when its properties change.

    us-east-1 of ``variants`` changes image tag, cpu/memory, container port, health check,
    environment, scaling, deployment strategy and alarms, and switches to HTTPS: the
    production rule (and the target groups it references) keep their logical ids and
    properties, so a routine deploy never resets the weights ECS manages.
    """

    def rule_and_groups(template: dict[str, Any]) -> dict[str, Any]:
        rules = of_type(template, "AWS::ElasticLoadBalancingV2::ListenerRule")
        prod = {k: v for k, v in rules.items() if k.startswith("ServiceProductionRule")}
        tgs = of_type(template, "AWS::ElasticLoadBalancingV2::TargetGroup")
        strip = lambda p: {k: v for k, v in p.items() if k != "Tags"}  # noqa: E731
        return {
            "rule": {k: strip(v["Properties"]) for k, v in prod.items()},
            "groups": sorted(tgs),
            "listener_ids": sorted(
                k
                for k in of_type(template, "AWS::ElasticLoadBalancingV2::Listener")
                if "Production" in k
            ),
        }

    before = rule_and_groups(raw(default, "us-east-1"))
    after = rule_and_groups(raw(variants, "us-east-1"))
    assert before["rule"] and before == after


def test_codedeploy_mode(variants: dict[str, Any]) -> None:
    service = variants["services"]["us-east-2"]
    stack = cdk.Stack.of(service)
    template = tpl(variants, "us-east-2")
    template.has_resource_properties(
        "AWS::ECS::Service",
        {"DeploymentController": {"Type": "CODE_DEPLOY"}},
    )
    _, svc = one(raw(variants, "us-east-2"), "AWS::ECS::Service")
    assert "Alarms" not in svc["Properties"]["DeploymentConfiguration"]
    assert "Strategy" not in svc["Properties"]["DeploymentConfiguration"]
    template.resource_count_is("AWS::ElasticLoadBalancingV2::ListenerRule", 0)
    template.has_resource_properties(
        "AWS::CodeDeploy::DeploymentGroup",
        {
            "DeploymentStyle": {
                "DeploymentOption": "WITH_TRAFFIC_CONTROL",
                "DeploymentType": "BLUE_GREEN",
            },
            "DeploymentConfigName": "CodeDeployDefault.ECSCanary10Percent5Minutes",
            "AutoRollbackConfiguration": {
                "Enabled": True,
                "Events": Match.array_with(
                    ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_REQUEST", "DEPLOYMENT_STOP_ON_ALARM"]
                ),
            },
            "AlarmConfiguration": {
                "Enabled": True,
                "Alarms": [
                    {"Name": stack.resolve(a.alarm_name)} for a in service.deployment_alarms
                ],
            },
            "BlueGreenDeploymentConfiguration": Match.object_like(
                {
                    "TerminateBlueInstancesOnDeploymentSuccess": {
                        "Action": "TERMINATE",
                        "TerminationWaitTimeInMinutes": 30,
                    }
                }
            ),
            "LoadBalancerInfo": {
                "TargetGroupPairInfoList": [
                    {
                        "ProdTrafficRoute": {
                            "ListenerArns": [
                                stack.resolve(service.production_listener.listener_arn)
                            ]
                        },
                        "TestTrafficRoute": {
                            "ListenerArns": [stack.resolve(service.test_listener.listener_arn)]
                        },
                        "TargetGroups": [
                            {"Name": stack.resolve(service.blue_target_group.target_group_name)},
                            {"Name": stack.resolve(service.green_target_group.target_group_name)},
                        ],
                    }
                ]
            },
        },
    )
    spec = service.appspec("arn:aws:ecs:us-east-2:123456789012:task-definition/app:7")
    target = spec["Resources"][0]["TargetService"]["Properties"]
    assert target["LoadBalancerInfo"] == {"ContainerName": CONTAINER_NAME, "ContainerPort": 80}


def test_codedeploy_mode_with_defaults_synthesizes() -> None:
    """``CODE_DEPLOY`` without a test listener: the green target group used to be attached to
    no listener, so reading its metrics for the deployment alarms failed
    (``TargetGroupNeedsAttachedLoad``). It is now registered with the production listener by
    a rule no request can match, and the alarms read both groups on the load balancer."""
    app = cdk.App()
    stack = cdk.Stack(
        app, "CodeDeployDefaults", env=cdk.Environment(account="123456789012", region="us-east-1")
    )
    service = RegionalService(stack, "Service", deployment_mode=DeploymentMode.CODE_DEPLOY)
    template = Template.from_stack(stack)
    resolved = raw_templates(app)["CodeDeployDefaults"]

    assert service.test_listener is None
    blue = stack.resolve(service.blue_target_group.target_group_arn)
    green = stack.resolve(service.green_target_group.target_group_arn)
    production = stack.resolve(service.production_listener.listener_arn)
    # Production traffic: the listener's default action, to blue only (CodeDeploy rewrites it).
    template.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener",
        {"DefaultActions": [{"Type": "forward", "TargetGroupArn": blue}]},
    )
    # Green: one rule on the production listener, last priority, for a source no TCP client
    # can have (the limited broadcast address).
    (rule,) = of_type(resolved, "AWS::ElasticLoadBalancingV2::ListenerRule").values()
    assert rule["Properties"] == {
        "ListenerArn": production,
        "Priority": 50000,
        "Conditions": [
            {"Field": "source-ip", "SourceIpConfig": {"Values": ["255.255.255.255/32"]}}
        ],
        "Actions": [{"Type": "forward", "TargetGroupArn": green}],
    }
    # The alarms read both target groups, each with the load balancer's dimension.
    alarms = [
        a
        for a in of_type(resolved, "AWS::CloudWatch::Alarm").values()
        if "Metrics" in a["Properties"]
    ]
    assert len(alarms) == 2
    for alarm in alarms:
        dims = [
            {d["Name"] for d in m["MetricStat"]["Metric"]["Dimensions"]}
            for m in alarm["Properties"]["Metrics"]
            if "MetricStat" in m
        ]
        assert dims == [{"LoadBalancer", "TargetGroup"}] * 2, alarm
    template.has_resource_properties(
        "AWS::CodeDeploy::DeploymentGroup",
        {
            "LoadBalancerInfo": {
                "TargetGroupPairInfoList": [
                    {
                        "ProdTrafficRoute": {"ListenerArns": [production]},
                        "TargetGroups": [
                            {"Name": stack.resolve(service.blue_target_group.target_group_name)},
                            {"Name": stack.resolve(service.green_target_group.target_group_name)},
                        ],
                    }
                ]
            },
            "AlarmConfiguration": {
                "Enabled": True,
                "Alarms": [
                    {"Name": stack.resolve(a.alarm_name)} for a in service.deployment_alarms
                ],
            },
        },
    )


def test_appspec_only_in_codedeploy_mode(default: dict[str, Any]) -> None:
    with pytest.raises(
        ValidationError, match=r"deployment_mode must be DeploymentMode.CODE_DEPLOY.*BLUE_GREEN"
    ):
        default["services"]["us-east-1"].appspec("arn")


def _load_balancer_ingress(template: dict[str, Any]) -> set[tuple[Any, ...]]:
    """Every ingress rule of the load balancer's security group(s): the inline rules and the
    standalone ``AWS::EC2::SecurityGroupIngress`` resources, as (source, protocol, from, to)."""
    _lb_id, lb = one(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    groups = {ref["Fn::GetAtt"][0] for ref in lb["Properties"]["SecurityGroups"]}
    assert groups, lb

    def key(rule: dict[str, Any]) -> tuple[Any, ...]:
        source = (
            rule.get("CidrIp")
            or rule.get("CidrIpv6")
            or rule.get("SourceSecurityGroupId")
            or rule.get("SourcePrefixListId")
        )
        assert source is not None, rule
        return (json.dumps(source), rule["IpProtocol"], rule.get("FromPort"), rule.get("ToPort"))

    rules = set()
    for group in groups:
        sg = template["Resources"][group]["Properties"]
        rules |= {key(r) for r in sg.get("SecurityGroupIngress", [])}
    for standalone in of_type(template, "AWS::EC2::SecurityGroupIngress").values():
        target = standalone["Properties"]["GroupId"]
        if isinstance(target, dict) and target.get("Fn::GetAtt", [None])[0] in groups:
            rules.add(key(standalone["Properties"]))
    return rules


def test_load_balancer_ingress_is_exactly_production_ports_and_vpc_only_test_listener(
    variants: dict[str, Any],
) -> None:
    """Exposure is the point: the exact rule set, so an extra rule (the test listener opened
    to the internet next to its VPC-only rule) fails, which ``Match.array_with`` accepts."""
    assert _load_balancer_ingress(raw(variants, "us-east-1")) == {
        ('"0.0.0.0/0"', "tcp", 443, 443),
        ('"0.0.0.0/0"', "tcp", 80, 80),
        ('"10.0.0.0/16"', "tcp", 8443, 8443),
    }


def test_existing_vpc_linear_internal(variants: dict[str, Any]) -> None:
    service = variants["services"]["us-west-2"]
    template = tpl(variants, "us-west-2")
    template.resource_count_is("AWS::EC2::VPC", 1)  # the user's SharedVpc only
    assert service.flow_log is None
    assert all(not k.startswith("ServiceVpc") for k in raw(variants, "us-west-2")["Resources"])
    template.has_resource_properties(
        "AWS::ECS::Service",
        {
            "DeploymentConfiguration": Match.object_like(
                {
                    "Strategy": "LINEAR",
                    "LinearConfiguration": {"StepPercent": 10, "StepBakeTimeInMinutes": 5},
                }
            )
        },
    )
    template.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        {
            "Scheme": "internal",
            "LoadBalancerAttributes": Match.array_with(
                [{"Key": "deletion_protection.enabled", "Value": "false"}]
            ),
        },
    )
    template.has_resource_properties(
        "AWS::EC2::SecurityGroup",
        {
            "SecurityGroupIngress": [
                Match.object_like(
                    {
                        "FromPort": 80,
                        "CidrIp": {
                            "Fn::GetAtt": [Match.string_like_regexp("SharedVpc"), "CidrBlock"]
                        },
                    }
                )
            ]
        },
    )
    # An image of its own: no repository, no replication configuration, no repository output.
    template.resource_count_is("AWS::ECR::Repository", 0)
    template.resource_count_is("AWS::ECR::ReplicationConfiguration", 0)
    assert service.repository is None and service.replication_configuration is None
    assert "RepositoryUri" not in raw(variants, "us-west-2")["Outputs"]
    template.has_resource_properties(
        "AWS::ECS::TaskDefinition",
        {
            "ContainerDefinitions": [
                Match.object_like({"Image": "public.ecr.aws/nginx/nginx:stable"})
            ]
        },
    )


# ---------------------------------------------------------------------------- scaling
def test_autoscaling_defaults(default: dict[str, Any]) -> None:
    template = tpl(default, "us-east-1")
    template.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalableTarget", {"MinCapacity": 2, "MaxCapacity": 4}
    )
    template.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        {
            "PolicyType": "TargetTrackingScaling",
            "TargetTrackingScalingPolicyConfiguration": Match.object_like(
                {
                    "TargetValue": 60,
                    "PredefinedMetricSpecification": {
                        "PredefinedMetricType": "ECSServiceAverageCPUUtilization"
                    },
                }
            ),
        },
    )
    template.resource_count_is("AWS::ApplicationAutoScaling::ScalingPolicy", 1)


def test_request_count_scaling(variants: dict[str, Any]) -> None:
    template = tpl(variants, "us-east-1")
    template.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalableTarget", {"MinCapacity": 3, "MaxCapacity": 9}
    )
    template.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        {
            "TargetTrackingScalingPolicyConfiguration": Match.object_like(
                {
                    "TargetValue": 500,
                    "PredefinedMetricSpecification": Match.object_like(
                        {"PredefinedMetricType": "ALBRequestCountPerTarget"}
                    ),
                }
            )
        },
    )


# ---------------------------------------------------------------------------- outputs
def test_well_known_outputs_in_every_region(default: dict[str, Any]) -> None:
    names = {
        OutputNames.VPC_ID,
        OutputNames.VPC_CIDR,
        OutputNames.REPOSITORY_URI,
        OutputNames.CLUSTER_NAME,
        OutputNames.SERVICE_NAME,
        OutputNames.SERVICE_ARN,
        OutputNames.LOAD_BALANCER_ARN,
        OutputNames.LOAD_BALANCER_DNS_NAME,
        OutputNames.BLUE_TARGET_GROUP_ARN,
        OutputNames.GREEN_TARGET_GROUP_ARN,
        OutputNames.SERVICE_URL,
    }
    for index, region in enumerate(REGIONS):
        outputs = raw(default, region)["Outputs"]
        assert names <= set(outputs)
        assert outputs[OutputNames.VPC_CIDR]["Value"] == f"10.{index}.0.0/16"
        assert outputs[OutputNames.SERVICE_URL]["Value"]["Fn::Join"][1][0] == "http://"


def test_https_service_url(variants: dict[str, Any]) -> None:
    outputs = raw(variants, "us-east-1")["Outputs"]
    assert outputs[OutputNames.SERVICE_URL]["Value"]["Fn::Join"][1][0] == "https://"


def test_output_suffix() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "S", env=cdk.Environment(region="us-east-1"))
    RegionalService(stack, "Api", output_suffix="Api")
    assert f"{OutputNames.SERVICE_URL}Api" in Template.from_stack(stack).to_json()["Outputs"]


def test_attributes_exposed(default: dict[str, Any]) -> None:
    service = default["services"]["us-east-1"]
    assert isinstance(service.vpc, ec2.Vpc)
    assert isinstance(service.container, ecs.ContainerDefinition)
    stack = cdk.Stack.of(service)
    assert [stack.resolve(g.security_group_id) for g in service.connections.security_groups] == [
        stack.resolve(service.service_security_group.security_group_id)
    ]
    assert service.target_groups == (service.blue_target_group, service.green_target_group)
    assert service.deployment_alarms == (service.target_5xx_alarm, service.unhealthy_hosts_alarm)
    assert service.latency_alarm is None and service.deployment_group is None
    assert service.replication_configuration is not None
    assert default["services"]["us-east-2"].replication_configuration is None
    # Each attribute is the construct behind the matching resource of the synthesized stack.
    resources = raw(default, "us-east-1")["Resources"]
    for construct, cfn_type in [
        (service.cluster, "AWS::ECS::Cluster"),
        (service.log_group, "AWS::Logs::LogGroup"),
        (service.task_definition, "AWS::ECS::TaskDefinition"),
        (service.repository, "AWS::ECR::Repository"),
        (service.access_logs_bucket, "AWS::S3::Bucket"),
        (service.load_balancer, "AWS::ElasticLoadBalancingV2::LoadBalancer"),
    ]:
        logical_id = stack.get_logical_id(construct.node.default_child)  # type: ignore[arg-type]
        assert resources[logical_id]["Type"] == cfn_type, construct.node.path
    assert isinstance(service.scaling, ecs.ScalableTaskCount)
    assert service.scaling.node.scope is service.service
    assert service.flow_log is not None and service.flow_log_group is not None
    assert (
        service.container_port == 80 and service.test_listener is None and service.test_rule is None
    )
    assert service.web_acl_association is None


# ---------------------------------------------------------------------------- snapshot
def test_snapshot_default(default: dict[str, Any], snapshot_json: Any) -> None:
    assert {name: normalize(t) for name, t in default["raw"].items()} == snapshot_json


# ---------------------------------------------------------------------------- bad input
@pytest.fixture(scope="module")
def scratch() -> cdk.Stack:
    return cdk.Stack(cdk.App(), "Scratch", env=cdk.Environment(region="us-east-1"))


_counter = iter(range(10_000))


def build(stack: cdk.Stack, **kwargs: Any) -> RegionalService:
    return RegionalService(stack, f"S{next(_counter)}", **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"cpu": 256, "memory_limit_mib": 4096},
            r"memory_limit_mib must be a Fargate memory size for cpu=256.*got 4096",
        ),
        ({"cpu": 300}, r"cpu must be one of the Fargate cpu sizes .*got 300"),
        ({"desired_count": 0}, r"desired_count must be between 1 and 1000, got 0"),
        (
            {"min_capacity": 5, "max_capacity": 3},
            r"min_capacity must not exceed max_capacity \(3\), got 5",
        ),
        (
            # min_capacity defaults to desired_count: the error names the prop that was set.
            {"desired_count": 12, "max_capacity": 10},
            r"^desired_count must be at most max_capacity \(10\), got 12 \(at Scratch/S\d+\)$",
        ),
        (
            {"desired_count": 12, "min_capacity": 11, "max_capacity": 10},
            r"^min_capacity must not exceed max_capacity \(10\), got 11 \(at Scratch/S\d+\)$",
        ),
        (
            {"desired_count": 1, "min_capacity": 2, "max_capacity": 4},
            r"^min_capacity must not exceed desired_count \(1\), got 2 \(at Scratch/S\d+\)$",
        ),
        ({"health_check_path": "health"}, r"health_check_path must start with '/'.*got 'health'"),
        (
            {"health_check_interval": cdk.Duration.seconds(400)},
            r"health_check_interval must be .*between 5 and 300, got '400 seconds'",
        ),
        (
            {"health_check_timeout": cdk.Duration.seconds(1)},
            r"health_check_timeout must be .*between 2 and 120, got '1 seconds'",
        ),
        (
            {
                "health_check_interval": cdk.Duration.seconds(10),
                "health_check_timeout": cdk.Duration.seconds(10),
            },
            r"health_check_timeout must be shorter than health_check_interval \(10 seconds\), "
            r"got '10 seconds'",
        ),
        (
            {"health_check_healthy_threshold": 1},
            r"health_check_healthy_threshold must be between 2 and 10, got 1",
        ),
        (
            {"health_check_unhealthy_threshold": 11},
            r"health_check_unhealthy_threshold must be between 2 and 10, got 11",
        ),
        (
            {"health_check_healthy_http_codes": "600"},
            r"health_check_healthy_http_codes must be HTTP codes .*got '600'",
        ),
        ({"container_port": 0}, r"container_port must be between 1 and 65535, got 0"),
        ({"container_port": 70000}, r"container_port must be between 1 and 65535, got 70000"),
        (
            {"vpc_cidr": "8.8.0.0/16"},
            r"vpc_cidr must be inside an RFC 1918 private range.*got '8.8.0.0/16'",
        ),
        (
            {"vpc_cidr": "10.0.0.0/24"},
            r"vpc_cidr must have a prefix length between /16 and /20, got '10.0.0.0/24'",
        ),
        ({"vpc_cidr": "10.0.0.1/16"}, r"vpc_cidr must be an IPv4 CIDR block.*got '10.0.0.1/16'"),
        ({"max_azs": 4}, r"max_azs must be between 2 and 3, got 4"),
        ({"nat_gateways": 3}, r"nat_gateways must be between 1 and 2, got 3"),
        ({"image_tag": "-bad"}, r"image_tag must be a Docker tag.*got '-bad'"),
        (
            {"bake_time": cdk.Duration.days(2)},
            r"bake_time must be .*between 0 and 86400, got '172800 seconds'",
        ),
        (
            {"traffic_shift_percent": 10},
            r"traffic_shift_percent must be given only with DeploymentMode.CANARY or LINEAR, "
            r"got 10",
        ),
        (
            {"deployment_mode": DeploymentMode.LINEAR, "traffic_shift_percent": 1},
            r"traffic_shift_percent must be between 3.0 and 100, got 1",
        ),
        (
            {"code_deploy_config": codedeploy.EcsDeploymentConfig.ALL_AT_ONCE},
            r"code_deploy_config must be given only with "
            r"deployment_mode=DeploymentMode.CODE_DEPLOY",
        ),
        (
            {"deployment_mode": "BLUE_GREEN"},
            r"deployment_mode must be a DeploymentMode .*got 'BLUE_GREEN'",
        ),
        (
            {"test_listener_port": 443},
            r"test_listener_port must not be 80 or 443 \(production ports\), got 443",
        ),
        ({"repository_name": "Bad Name"}, r"repository_name must be .*got 'Bad Name'"),
        (
            {"image_replication_regions": ["us-east-2"]},
            r"repository_name must be a literal name when image_replication_regions",
        ),
        (
            {"repository_name": "shop/x", "image_replication_regions": ["us-east-1"]},
            r"image_replication_regions must not contain the stack's own region 'us-east-1'",
        ),
        (
            {"repository_name": "shop/x", "image_replication_regions": ["mars-1"]},
            r"image_replication_regions\[0\] must be an AWS region name.*got 'mars-1'",
        ),
        ({"max_image_count": 0}, r"max_image_count must be between 1 and 1000, got 0"),
        (
            {"latency_threshold": cdk.Duration.seconds(0)},
            r"latency_threshold must be more than 0.*got '0 seconds'",
        ),
        (
            {"output_suffix": "a-b"},
            r"output_suffix must be up to 32 ASCII letters and digits \(or empty\), got 'a-b'",
        ),
        (
            {"image_tag": "v2", "image": ecs.ContainerImage.from_registry("nginx")},
            r"image and image_tag are mutually exclusive",
        ),
    ],
)
def test_bad_input(scratch: cdk.Stack, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        build(scratch, **kwargs)


def test_existing_vpc_and_vpc_props_exclusive(scratch: cdk.Stack) -> None:
    vpc = ec2.Vpc(scratch, "Existing", restrict_default_security_group=False)
    with pytest.raises(
        ValidationError, match=r"existing_vpc and vpc_cidr are mutually exclusive.*10.9.0.0/16"
    ):
        build(scratch, existing_vpc=vpc, vpc_cidr="10.9.0.0/16")
    with pytest.raises(
        ValidationError,
        match=r"existing_vpc and nat_gateways are mutually exclusive.*nat_gateways=1",
    ):
        build(scratch, existing_vpc=vpc, nat_gateways=1)
    with pytest.raises(
        ValidationError, match=r"existing_vpc and max_azs are mutually exclusive.*max_azs=3"
    ):
        build(scratch, existing_vpc=vpc, max_azs=3)


# ---------------------------------------------------------------------------- nag + lint
NAG_SCRIPT = textwrap.dedent(
    """
    import json, os, pathlib, sys
    import aws_cdk as cdk, cdk_nag
    from tests.support.service_apps import build_default, build_variants
    out = pathlib.Path(sys.argv[1])
    app = cdk.App(outdir=str(out))
    cdk.Validations.of(app).add_plugins(
        cdk_nag.AwsSolutionsChecks(app), cdk_nag.NIST80053R5Checks(app)
    )
    build_default(app)
    build_variants(app)
    try:
        app.synth()
    finally:
        report = json.loads((out / "validation-report.json").read_text())
        print(json.dumps([
            {"plugin": r["pluginName"], "rule": v["ruleName"],
             "paths": [c["constructPath"] for c in v["violatingConstructs"]]}
            for r in report["pluginReports"] for v in r.get("violations", [])
        ]))
    """
)


@pytest.mark.slow
def test_cdk_nag_and_cfn_lint_clean(tmp_path: Path) -> None:
    """cdk-nag AwsSolutions + NIST 800-53 rev5 and aws-cdk-lib's validation find nothing
    unacknowledged in any configuration, and cfn-lint reports no error or warning."""
    env = {k: v for k, v in os.environ.items() if k != "CDK_VALIDATION"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    result = subprocess.run(
        [sys.executable, "-c", NAG_SCRIPT, str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    violations = json.loads(result.stdout.strip().splitlines()[-1])
    assert violations == []
    templates = sorted(str(p) for p in tmp_path.rglob("*.template.json"))
    assert len(templates) == 5
    assert cfn_lint_findings(templates) == ""


def test_an_image_of_its_own_names_and_replicates_no_repository(scratch: cdk.Stack) -> None:
    image = ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:stable")
    with pytest.raises(
        ValidationError,
        match=r"^image and repository_name are mutually exclusive.*repository_name='team/web'",
    ):
        build(scratch, image=image, repository_name="team/web")
    with pytest.raises(
        ValidationError,
        match=r"^image and image_replication_regions are mutually exclusive",
    ):
        build(scratch, image=image, image_replication_regions=["us-east-2"])
