"""Compliance of :class:`~multiregion_tap.RegionalService`: accepted findings (private).

A ``service_*`` builder (see :mod:`.service_network`) that runs after the others: it
acknowledges, on the construct, the cdk-nag 3 findings (AwsSolutions, NIST 800-53 rev5) the
construct fails by design (:func:`acknowledge_findings`, list in :func:`acknowledgments`), and
skips the checkov checks its resources fail by design (:func:`skip_checkov_checks`), each with
the reason. Two acknowledgments sit with the resource they concern instead: the redirect
listener's (``service_load_balancer``) and the service's circuit-breaker warning
(``service_compute``).
"""

from __future__ import annotations

import aws_cdk as cdk
from constructs import Construct

from .checkov import skip_checkov
from .service_compute import Tasks
from .service_load_balancer import LoadBalancing
from .service_network import Network
from .service_props import ServiceSettings
from .service_registry import Registry
from .validation import is_token

__all__ = ["acknowledge_findings", "acknowledgments", "skip_checkov_checks"]


def acknowledge_findings(scope: Construct, settings: ServiceSettings, network: Network) -> None:
    """Acknowledge :func:`acknowledgments` on ``scope`` (the whole construct)."""
    internet_facing = settings.internet_facing
    found = acknowledgments(
        native=settings.native,
        https=settings.certificate is not None,
        internet_facing=internet_facing,
        created_vpc=network.flow_log is not None,
        log_key=settings.log_encryption_key is not None,
        web_acl=settings.web_acl_arn is not None,
        deletion_protection=settings.removal == cdk.RemovalPolicy.RETAIN,
        token_cidr_ingress=is_token(network.vpc_cidr)
        and (not internet_facing or settings.test_listener_port is not None),
        execute_command=settings.options.enable_execute_command,
    )
    # One call for all of them (each call is a jsii round trip).
    cdk.Validations.of(scope).acknowledge(
        *(cdk.Acknowledgment(id=rule, reason=reason) for rule, reason in found)
    )


def skip_checkov_checks(
    settings: ServiceSettings,
    network: Network,
    registry: Registry,
    tasks: Tasks,
    lb: LoadBalancing,
) -> None:
    """checkov checks these resources fail by design, skipped on them with the reason."""
    if registry.created is not None:
        skip_checkov(
            registry.created,
            "CKV_AWS_136",
            "ECR encrypts every image at rest with AES-256; a KMS key per region would add key "
            "management to every replication destination without keeping out any principal "
            "that IAM does not already keep out.",
        )
    skip_checkov(
        lb.access_logs_bucket,
        "CKV_AWS_18",
        "This bucket receives the load balancer's access logs; logging it would need "
        "another bucket, recursively (same as the acknowledged AwsSolutions-S1).",
    )
    if settings.options.enable_execute_command:
        # CDK adds the ECS Exec statements to the task role's default policy.
        policy = tasks.task_definition.task_role.node.try_find_child("DefaultPolicy")
        if policy is not None:
            skip_checkov(
                policy,
                "CKV_AWS_111",
                "ECS Exec (enable_execute_command): the ssmmessages channel actions support no "
                "resource-level permissions (AWS documents Resource '*'); the session log "
                "actions CDK adds name the service's log group.",
            )
    if settings.log_encryption_key is None:
        groups = [g for g in (tasks.log_group, network.flow_log_group) if g is not None]
        for group in groups:
            skip_checkov(
                group,
                "CKV_AWS_158",
                "CloudWatch Logs encrypts every log group at rest with service keys; a "
                "customer key is opt-in (log_encryption_key).",
            )
    if settings.internet_facing:
        skip_checkov(
            lb.lb_security_group,
            "CKV_AWS_260",
            "The internet-facing load balancer's own group: it must accept its listener "
            "ports from anywhere (same as the acknowledged AwsSolutions-EC23); the tasks "
            "accept traffic from the load balancer only.",
        )
    if settings.certificate is None:
        for check in ("CKV_AWS_2", "CKV_AWS_103"):
            skip_checkov(
                lb.production_listener,
                check,
                "No ACM certificate was given, so the listener serves HTTP; with a "
                "certificate it is HTTPS with a TLS 1.2+ policy and port 80 redirects.",
            )


def acknowledgments(
    *,
    native: bool,
    https: bool,
    internet_facing: bool,
    created_vpc: bool,
    log_key: bool,
    web_acl: bool,
    deletion_protection: bool = True,
    token_cidr_ingress: bool = False,
    execute_command: bool = False,
) -> list[tuple[str, str]]:
    """cdk-nag 3 findings (AwsSolutions, NIST 800-53 rev5) accepted by design, with the reason."""
    wildcard = (
        "The task execution role needs ecr:GetAuthorizationToken, which supports no "
        "resource-level permissions; every other statement names this repository and "
        "log group."
    )
    if execute_command:
        wildcard += (
            " ECS Exec (enable_execute_command) gives the task role the ssmmessages channel "
            "actions, which support no resource-level permissions, and the log actions CDK "
            "adds for the session logs."
        )
    result = [
        ("AwsSolutions::AwsSolutions-IAM5[Resource::*]", wildcard),
        (
            "NIST.800.53.R5::NIST.800.53.R5-IAMNoInlinePolicy",
            "Inline policies are generated by CDK grants and scoped to this construct's own "
            "resources (repository, log groups); a managed policy would be shared and broader.",
        ),
        (
            "AwsSolutions::AwsSolutions-S1",
            "The bucket receives the load balancer's access logs; logging the log bucket itself "
            "would need another bucket, recursively. Versioning and SSL-only access protect it.",
        ),
        (
            "NIST.800.53.R5::NIST.800.53.R5-S3BucketLoggingEnabled",
            "The bucket receives the load balancer's access logs; logging the log bucket itself "
            "would need another bucket, recursively.",
        ),
        (
            "NIST.800.53.R5::NIST.800.53.R5-S3DefaultEncryptionKMS",
            "ALB access logs can only be delivered to buckets encrypted with SSE-S3 "
            "(Amazon S3 managed keys); a KMS default key makes log delivery fail.",
        ),
        (
            "NIST.800.53.R5::NIST.800.53.R5-S3BucketReplicationEnabled",
            "Access logs describe this region's load balancer; copying them to another region "
            "adds cost without a recovery use. The bucket is versioned and retained.",
        ),
        (
            "AwsSolutions::AwsSolutions-ECS2",
            "Container environment variables hold only non-secret configuration (such as a "
            "database host name); secrets are passed through `secrets` (Secrets Manager or SSM "
            "references resolved by ECS at task start).",
        ),
        (
            "NIST.800.53.R5::NIST.800.53.R5-CloudWatchAlarmAction",
            "These are ECS/CodeDeploy deployment alarms: their action is the automatic rollback, "
            "which ECS or CodeDeploy take by alarm name. Notifications are added by monitoring.",
        ),
    ]
    if native:
        result.append(
            (
                "AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
                "AmazonECSInfrastructureRolePolicyForLoadBalancers]",
                "AWS's managed policy for the ECS blue/green infrastructure role: ECS needs "
                "exactly these load balancer permissions to move traffic, and AWS keeps it "
                "current.",
            )
        )
    else:
        result.append(
            (
                "AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
                "AWSCodeDeployRoleForECS]",
                "AWS's managed policy for the CodeDeploy ECS service role: CodeDeploy needs these "
                "ECS, load balancer and alarm permissions, and AWS keeps it current.",
            )
        )
    if internet_facing:
        result.append(
            (
                "AwsSolutions::AwsSolutions-EC23",
                "An internet-facing web load balancer must accept its listener ports from any "
                "address; the tasks accept traffic from the load balancer only.",
            )
        )
    if created_vpc:
        result.extend(
            [
                (
                    "NIST.800.53.R5::NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW",
                    "Only the public subnets route to the internet gateway: they hold the "
                    "load balancer and the NAT gateways. Tasks run in private subnets.",
                ),
                (
                    "NIST.800.53.R5::NIST.800.53.R5-VPCDefaultSecurityGroupClosed",
                    "No resource uses the default security group. Closing it needs a "
                    "Lambda-backed custom resource, which this library avoids.",
                ),
            ]
        )
    if not log_key:
        result.append(
            (
                "NIST.800.53.R5::NIST.800.53.R5-CloudWatchLogGroupEncrypted",
                "CloudWatch Logs encrypts every log group at rest with service keys; pass "
                "log_encryption_key to use a customer managed key.",
            )
        )
    if not web_acl:
        result.append(
            (
                "NIST.800.53.R5::NIST.800.53.R5-ALBWAFEnabled",
                "No web ACL was given (web_acl_arn); WAF rules are application specific and "
                "billed per rule, so attaching one is the user's decision.",
            )
        )
    if not deletion_protection:
        result.append(
            (
                "NIST.800.53.R5::NIST.800.53.R5-ELBDeletionProtectionEnabled",
                "removal_policy is not RETAIN: the user declared a throwaway environment, whose "
                "load balancer must be deletable with the stack.",
            )
        )
    if token_cidr_ingress:
        reason = (
            "The only CIDR ingress rules allow the listener ports from the existing VPC's own "
            "CIDR block, which is known only at deploy time, so the checks cannot read it."
        )
        result.extend(
            [
                ("AwsSolutions::AwsSolutions-EC23", reason),
                ("NIST.800.53.R5::NIST.800.53.R5-EC2RestrictedCommonPorts", reason),
                ("NIST.800.53.R5::NIST.800.53.R5-EC2RestrictedSSH", reason),
            ]
        )
    if not https:
        result.extend(
            [
                (
                    "NIST.800.53.R5::NIST.800.53.R5-ALBHttpToHttpsRedirection",
                    "No certificate was given, so the service is served over HTTP only; passing "
                    "`certificate` adds HTTPS and redirects HTTP to it.",
                ),
                (
                    "NIST.800.53.R5::NIST.800.53.R5-ELBv2ACMCertificateRequired",
                    "No certificate was given, so the listeners are HTTP; passing `certificate` "
                    "(ACM) makes them HTTPS.",
                ),
            ]
        )
    return result
