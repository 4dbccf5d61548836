"""Load balancer builder of :class:`~multiregion_tap.RegionalService` (private).

A ``service_*`` builder (see :mod:`.service_network`): :func:`build_load_balancer` creates the
security groups on both sides of the load balancer, the access log bucket, the ALB, the blue
and green target groups, the listeners and (ECS-native modes) the listener rules ECS rewrites
(``CODE_DEPLOY`` without a test listener: the rule that registers the green target group);
:func:`associate_web_acl` runs last (the association is the template's last resource).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_s3 as s3
from constructs import Construct

if TYPE_CHECKING:  # annotations only; imported where a construct creates one
    from aws_cdk import aws_wafv2 as wafv2

from .service_network import Network
from .service_options import merged
from .service_props import ServiceSettings

__all__ = ["LoadBalancing", "associate_web_acl", "build_load_balancer"]

#: Priority of the production (and test) listener rule. Constant on purpose: see
#: "Blue/green and aws-cdk#36649" in ``RegionalService``.
RULE_PRIORITY = 1

#: ``CODE_DEPLOY`` without a test listener: the green target group is registered with the load
#: balancer through a production listener rule that no request matches. The last priority
#: leaves every other one free; the limited broadcast address is no TCP client's source.
GREEN_RULE_PRIORITY = 50000
NO_CLIENT_SOURCE = "255.255.255.255/32"


@dataclass(frozen=True)
class LoadBalancing:
    """The load balancer and everything around it."""

    lb_security_group: ec2.SecurityGroup
    service_security_group: ec2.SecurityGroup
    access_logs_bucket: s3.Bucket
    load_balancer: elbv2.ApplicationLoadBalancer
    blue: elbv2.ApplicationTargetGroup
    green: elbv2.ApplicationTargetGroup
    production_listener: elbv2.ApplicationListener
    redirect_listener: elbv2.ApplicationListener | None
    test_listener: elbv2.ApplicationListener | None
    production_rule: elbv2.ApplicationListenerRule | None
    test_rule: elbv2.ApplicationListenerRule | None
    green_rule: elbv2.ApplicationListenerRule | None = None


def build_load_balancer(
    scope: Construct, settings: ServiceSettings, network: Network
) -> LoadBalancing:
    """``LoadBalancerSecurityGroup``, ``ServiceSecurityGroup``, ``AccessLogsBucket``,
    ``LoadBalancer`` (with ``ProductionListener``, ``RedirectListener``, ``TestListener``),
    ``BlueTargetGroup``, ``GreenTargetGroup``, ``ProductionRule`` and ``TestRule`` (ECS-native
    modes) or ``GreenRule`` (``CODE_DEPLOY`` without a test listener)."""
    vpc, vpc_cidr = network.vpc, network.vpc_cidr
    certificate = settings.certificate
    internet_facing = settings.internet_facing
    native = settings.native
    lb_security_group = ec2.SecurityGroup(
        scope,
        "LoadBalancerSecurityGroup",
        vpc=vpc,
        allow_all_outbound=False,
        description="Load balancer of the regional service: listeners in, targets out",
    )
    service_security_group = ec2.SecurityGroup(
        scope,
        "ServiceSecurityGroup",
        vpc=vpc,
        allow_all_outbound=False,
        description="Fargate tasks of the regional service: load balancer in, HTTPS out",
    )
    service_security_group.add_egress_rule(
        ec2.Peer.any_ipv4(),
        ec2.Port.tcp(443),
        "HTTPS to AWS APIs (ECR, CloudWatch Logs, Secrets Manager) through the NAT gateways",
    )
    access_logs_bucket = s3.Bucket(
        scope,
        "AccessLogsBucket",
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        versioned=True,
        removal_policy=settings.removal,
        lifecycle_rules=[
            s3.LifecycleRule(
                id="ExpireAccessLogs",
                expiration=cdk.Duration.days(365),
                noncurrent_version_expiration=cdk.Duration.days(30),
                abort_incomplete_multipart_upload_after=cdk.Duration.days(7),
            )
        ],
    )
    options = settings.options
    lb_options: dict[str, Any] = {}
    if options.idle_timeout is not None:
        lb_options["idle_timeout"] = options.idle_timeout
    if options.dual_stack:
        lb_options["ip_address_type"] = elbv2.IpAddressType.DUAL_STACK
    load_balancer = elbv2.ApplicationLoadBalancer(
        scope,
        "LoadBalancer",
        **merged(
            {
                "vpc": vpc,
                "internet_facing": internet_facing,
                "security_group": lb_security_group,
                "drop_invalid_header_fields": True,
                "deletion_protection": settings.removal == cdk.RemovalPolicy.RETAIN,
                "vpc_subnets": ec2.SubnetSelection(
                    subnet_type=ec2.SubnetType.PUBLIC
                    if internet_facing
                    else ec2.SubnetType.PRIVATE_WITH_EGRESS
                ),
                **lb_options,
            },
            options.override("load_balancer_props"),
        ),
    )
    load_balancer.log_access_logs(access_logs_bucket, "alb")

    # A gRPC target group (target_group_props' protocol_version) matches gRPC status codes.
    matcher: dict[str, str] = (
        {"healthy_grpc_codes": settings.healthy_grpc_codes}
        if settings.healthy_grpc_codes is not None
        else {"healthy_http_codes": settings.healthy_http_codes}
    )
    health_check = elbv2.HealthCheck(
        enabled=True,
        path=settings.health_check_path,
        interval=settings.interval,
        timeout=settings.timeout,
        healthy_threshold_count=settings.healthy_threshold,
        unhealthy_threshold_count=settings.unhealthy_threshold,
        protocol=elbv2.Protocol.HTTP,
        **matcher,
    )
    group_props = options.override("target_group_props")
    blue = _target_group(scope, "BlueTargetGroup", vpc, health_check, group_props)
    green = _target_group(scope, "GreenTargetGroup", vpc, health_check, group_props)

    def both(blue_weight: int) -> elbv2.ListenerAction:
        return elbv2.ListenerAction.weighted_forward(
            [
                elbv2.WeightedTargetGroup(target_group=blue, weight=blue_weight),
                elbv2.WeightedTargetGroup(target_group=green, weight=100 - blue_weight),
            ]
        )

    listener_port = settings.listener_port
    tls_policy = options.ssl_policy or elbv2.SslPolicy.RECOMMENDED_TLS
    default_action = both(100) if native else elbv2.ListenerAction.forward([blue])
    production_listener = load_balancer.add_listener(
        "ProductionListener",
        port=listener_port,
        protocol=elbv2.ApplicationProtocol.HTTPS if certificate else elbv2.ApplicationProtocol.HTTP,
        certificates=[elbv2.ListenerCertificate.from_certificate_manager(certificate)]
        if certificate
        else None,
        ssl_policy=tls_policy if certificate else None,
        open=internet_facing,
        default_action=default_action,
    )
    redirect_listener: elbv2.ApplicationListener | None = None
    if certificate is not None:
        redirect_listener = load_balancer.add_listener(
            "RedirectListener",
            port=80,
            protocol=elbv2.ApplicationProtocol.HTTP,
            open=internet_facing,
            default_action=elbv2.ListenerAction.redirect(
                protocol="HTTPS", port="443", permanent=True
            ),
        )
        # Switching an HTTP service to HTTPS moves ProductionListener from port 80 to 443
        # in place; the redirect listener may only take port 80 after that.
        redirect_listener.node.add_dependency(production_listener)
        cdk.Validations.of(redirect_listener).acknowledge(
            cdk.Acknowledgment(
                id="NIST.800.53.R5::NIST.800.53.R5-ELBv2ACMCertificateRequired",
                reason="This port 80 listener serves no content: it only answers a permanent "
                "redirect to the HTTPS listener, which uses the ACM certificate.",
            )
        )

    if not internet_facing:
        for port in (listener_port, 80) if certificate is not None else (listener_port,):
            lb_security_group.add_ingress_rule(
                ec2.Peer.ipv4(vpc_cidr),
                ec2.Port.tcp(port),
                "Internal load balancer: from the VPC",
            )

    test_listener: elbv2.ApplicationListener | None = None
    test_listener_port = settings.test_listener_port
    if test_listener_port is not None:
        test_listener = load_balancer.add_listener(
            "TestListener",
            port=test_listener_port,
            protocol=elbv2.ApplicationProtocol.HTTPS
            if certificate
            else elbv2.ApplicationProtocol.HTTP,
            certificates=[elbv2.ListenerCertificate.from_certificate_manager(certificate)]
            if certificate
            else None,
            ssl_policy=tls_policy if certificate else None,
            open=False,
            default_action=both(100) if native else elbv2.ListenerAction.forward([green]),
        )
        lb_security_group.add_ingress_rule(
            ec2.Peer.ipv4(vpc_cidr),
            ec2.Port.tcp(test_listener_port),
            "Test listener: green tasks during a deployment, from inside the VPC only",
        )

    production_rule: elbv2.ApplicationListenerRule | None = None
    test_rule: elbv2.ApplicationListenerRule | None = None
    if native:
        production_rule = elbv2.ApplicationListenerRule(
            scope,
            "ProductionRule",
            listener=production_listener,
            priority=RULE_PRIORITY,
            conditions=[elbv2.ListenerCondition.path_patterns(["/*"])],
            action=both(100),
        )
        if test_listener is not None:
            test_rule = elbv2.ApplicationListenerRule(
                scope,
                "TestRule",
                listener=test_listener,
                priority=RULE_PRIORITY,
                conditions=[elbv2.ListenerCondition.path_patterns(["/*"])],
                action=both(100),
            )
    green_rule: elbv2.ApplicationListenerRule | None = None
    if not native and test_listener is None:
        # CodeDeploy puts the green task set in the green target group; with no test
        # listener forwarding to it, the group would belong to no listener: ECS could refuse
        # it ("does not have an associated load balancer"), the load balancer would not
        # health-check green tasks before traffic moves, and its metrics (read by the
        # deployment alarms) would have no load balancer. This rule only registers it: it
        # matches no request, and CodeDeploy moves traffic with the listener's default action.
        green_rule = elbv2.ApplicationListenerRule(
            scope,
            "GreenRule",
            listener=production_listener,
            priority=GREEN_RULE_PRIORITY,
            conditions=[elbv2.ListenerCondition.source_ips([NO_CLIENT_SOURCE])],
            action=elbv2.ListenerAction.forward([green]),
        )
    return LoadBalancing(
        lb_security_group=lb_security_group,
        service_security_group=service_security_group,
        access_logs_bucket=access_logs_bucket,
        load_balancer=load_balancer,
        blue=blue,
        green=green,
        production_listener=production_listener,
        redirect_listener=redirect_listener,
        test_listener=test_listener,
        production_rule=production_rule,
        test_rule=test_rule,
        green_rule=green_rule,
    )


def _target_group(
    scope: Construct,
    construct_id: str,
    vpc: ec2.IVpc,
    health_check: elbv2.HealthCheck,
    overrides: dict[str, Any],
) -> elbv2.ApplicationTargetGroup:
    # Port 80 is only the group's default; ECS registers each task with container_port.
    # Keeping it constant means a container_port change never replaces the groups.
    defaults: dict[str, Any] = {
        "vpc": vpc,
        "port": 80,
        "protocol": elbv2.ApplicationProtocol.HTTP,
        "target_type": elbv2.TargetType.IP,
        "health_check": health_check,
        "deregistration_delay": cdk.Duration.seconds(30),
    }
    return elbv2.ApplicationTargetGroup(scope, construct_id, **merged(defaults, overrides))


def associate_web_acl(
    scope: Construct, settings: ServiceSettings, load_balancer: elbv2.ApplicationLoadBalancer
) -> wafv2.CfnWebACLAssociation | None:
    """``WebAclAssociation`` of the load balancer with ``web_acl_arn``, when given."""
    if settings.web_acl_arn is None:
        return None
    # Imported here: only a service with a web ACL needs the module.
    from aws_cdk import aws_wafv2 as wafv2

    return wafv2.CfnWebACLAssociation(
        scope,
        "WebAclAssociation",
        resource_arn=load_balancer.load_balancer_arn,
        web_acl_arn=settings.web_acl_arn,
    )
