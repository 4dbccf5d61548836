#!/usr/bin/env python3
"""The custom example: every escape hatch of multiregion-tap in one app.

A team moves an existing single-region service to two EU regions (primary eu-west-1,
secondary eu-central-1) and keeps what it already has:

- a certificate, a WAF web ACL and an API-key secret per region, and a KMS key for the logs
  created in each region's stack (``PerRegion``: a mapping of every region, or a function
  called in each region's stack);
- its existing VPC in eu-central-1 (``vpcs``; eu-west-1 gets a created VPC);
- ARM64 tasks on Fargate Spot, ECS Exec, an OpenTelemetry collector sidecar;
- a route of its own on the production listener (``/ping`` answered by the load balancer);
- its database restored from a snapshot, with Performance Insights and its own windows, the
  replica encrypted with a key of the team's in eu-central-1 (the restored primary keeps the
  snapshot's), the team's operations security group beside the library's in eu-central-1,
  and a year's retention for the engine logs;
- the DNS stack in eu-central-1, not in us-east-1 (``dns_region``).

It is synthesized by the test suite (``tests/test_example_custom.py``): cdk-nag, cfn-lint and
checkov clean, like the shop example; it is not deployed (the ARNs are placeholders of account
``123456789012``). Synthesize with ``cdk synth``.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from multiregion_tap import (
    FailoverDnsProps,
    MultiRegionApp,
    PerRegion,
    RegionalServiceProps,
    ReplicatedDatabaseProps,
)

ACCOUNT = "123456789012"
PRIMARY, SECONDARY = "eu-west-1", "eu-central-1"
REGIONS = (PRIMARY, SECONDARY)
CERTIFICATES = {
    region: f"arn:aws:acm:{region}:{ACCOUNT}:certificate/{suffix}-2222-3333-4444-555555555555"
    for region, suffix in ((PRIMARY, "11111111"), (SECONDARY, "66666666"))
}
WEB_ACLS = {
    region: f"arn:aws:wafv2:{region}:{ACCOUNT}:regional/webacl/custom/a1b2c3d4"
    for region in REGIONS
}


def certificate(scope: Construct, region: str) -> acm.ICertificate:
    return acm.Certificate.from_certificate_arn(scope, "Certificate", CERTIFICATES[region])


def log_key(scope: Construct, region: str) -> kms.IKey:
    """A key for the service's log groups, in this region, that CloudWatch Logs may use."""
    key = kms.Key(scope, "LogKey", enable_key_rotation=True, description=f"custom logs in {region}")
    key.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal(f"logs.{region}.amazonaws.com")],
            actions=[
                "kms:Encrypt*",
                "kms:Decrypt*",
                "kms:ReEncrypt*",
                "kms:GenerateDataKey*",
                "kms:Describe*",
            ],
            resources=["*"],
            conditions={
                "ArnLike": {
                    "kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{ACCOUNT}:*"
                }
            },
        )
    )
    return key


def api_key(scope: Construct, region: str) -> dict[str, ecs.Secret]:
    """The API key, a secret the team keeps in each region under the same name."""
    secret = secretsmanager.Secret.from_secret_name_v2(scope, "ApiKey", "custom/api-key")
    return {"API_KEY": ecs.Secret.from_secrets_manager(secret)}


def existing_vpc(scope: Construct, region: str) -> ec2.IVpc | None:
    """The team's VPC in eu-central-1 (eu-west-1 gets a created one)."""
    if region != SECONDARY:
        return None
    return ec2.Vpc.from_vpc_attributes(
        scope,
        "TeamVpc",
        vpc_id="vpc-0a1b2c3d4e5f60718",
        vpc_cidr_block="10.60.0.0/16",
        availability_zones=[f"{SECONDARY}a", f"{SECONDARY}b"],
        public_subnet_ids=["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
        private_subnet_ids=["subnet-0b1b2c3d4e5f60001", "subnet-0b1b2c3d4e5f60002"],
        private_subnet_route_table_ids=["rtb-0b1b2c3d4e5f60001", "rtb-0b1b2c3d4e5f60002"],
        isolated_subnet_ids=["subnet-0c1b2c3d4e5f60001", "subnet-0c1b2c3d4e5f60002"],
        isolated_subnet_route_table_ids=["rtb-0c1b2c3d4e5f60001", "rtb-0c1b2c3d4e5f60002"],
    )


def database_key(scope: Construct, region: str) -> kms.IKey | None:
    """The team's key for the database in eu-central-1. The primary is restored from a
    snapshot, which brings its own key: None there."""
    if region != SECONDARY:
        return None
    return kms.Key(
        scope,
        "DatabaseKey",
        enable_key_rotation=True,
        description=f"custom database in {region}",
    )


def operations_groups(scope: Construct, region: str) -> list[ec2.ISecurityGroup] | None:
    """The team's operations group of its VPC in eu-central-1 (eu-west-1 has none)."""
    if region != SECONDARY:
        return None
    return [
        ec2.SecurityGroup.from_security_group_id(
            scope, "Operations", "sg-0d1b2c3d4e5f60718", mutable=False
        )
    ]


app = cdk.App()
custom = MultiRegionApp(
    app,
    "Custom",
    app_name="custom",
    primary_region=PRIMARY,
    secondary_regions=[SECONDARY],
    account=ACCOUNT,
    certificates=PerRegion(certificate),
    vpcs=PerRegion(existing_vpc),
    service=RegionalServiceProps(
        image_tag="v7",
        container_port=8080,
        health_check_path="/health",
        cpu_architecture=ecs.CpuArchitecture.ARM64,
        spot=True,
        enable_execute_command=True,
        web_acl_arn=PerRegion(WEB_ACLS),
        log_encryption_key=PerRegion(log_key),
        secrets=PerRegion(api_key),
    ),
    database=ReplicatedDatabaseProps(
        snapshot_identifier=f"arn:aws:rds:{PRIMARY}:{ACCOUNT}:snapshot:custom-before-move",
        master_username="custom_admin",
        performance_insights=True,
        backup_window="02:00-02:30",
        maintenance_window="sun:03:00-sun:04:00",
        ca_certificate=rds.CaCertificate.RDS_CA_ECC384_G1,
        storage_encryption_key=PerRegion(database_key),
        security_groups=PerRegion(operations_groups),
        log_retention=logs.RetentionDays.ONE_YEAR,
    ),
    dns=FailoverDnsProps(zone_name="custom.mycompany.eu", record_name="www.custom.mycompany.eu"),
    dns_region=SECONDARY,
)

for service in custom.services.values():
    service.task_definition.add_container(
        "Collector",
        image=ecs.ContainerImage.from_registry(
            "public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0"
        ),
        essential=False,
        memory_reservation_mib=64,
        logging=ecs.LogDrivers.aws_logs(stream_prefix="collector", log_group=service.log_group),
    )
    service.add_route(
        "Ping",
        priority=10,
        path_patterns=["/ping"],
        action=elbv2.ListenerAction.fixed_response(
            200, content_type="text/plain", message_body="pong"
        ),
    )

app.synth()
