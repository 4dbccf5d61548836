#!/usr/bin/env python3
"""(b) The example's two-region topology written by hand with aws-cdk-lib L2 constructs.

The peer of ``examples/shop/app.py``: what a user would write without multiregion-tap. Per
region a VPC (public, private and isolated subnets in 2 AZs, 2 NAT gateways, flow log), an ECR
repository, an ECS cluster with a Fargate service behind an ALB (2 target groups, a production
listener rule, native ECS blue/green rolling back on 2 alarms, CPU autoscaling), an encrypted
PostgreSQL primary (us-east-1) or cross-region read replica (us-east-2) with KMS keys and a
replicated secret, an SNS topic (KMS) with alarms and a dashboard; VPC peering with routes on
both sides, Route 53 health checks and failover alias records, and an overview dashboard.
The same resource kinds and similar counts, less hardening (no acknowledgments, no
validation of input, no well-known outputs beyond a few).

L1 is used only where aws-cdk-lib has no L2 (VPC peering, its routes, ECR replication).
"""

from __future__ import annotations

import jsii
from aws_cdk import (
    App,
    CfnOutput,
    Duration,
    Environment,
    RemovalPolicy,
    Stack,
)
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as targets
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns

ACCOUNT = "123456789012"
PRIMARY, SECONDARY = "us-east-1", "us-east-2"
CIDRS = {PRIMARY: "10.0.0.0/16", SECONDARY: "10.1.0.0/16"}
MINUTE = Duration.minutes(1)
ENGINE = rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_17)


class Region:
    """Everything of one region, in that region's stack."""

    def __init__(self, stack: Stack, region: str, *, primary_db: rds.DatabaseInstance | None):
        self.stack = stack
        retain = RemovalPolicy.RETAIN
        # ------------------------------------------------------------ network
        self.vpc = ec2.Vpc(
            stack,
            "Vpc",
            ip_addresses=ec2.IpAddresses.cidr(CIDRS[region]),
            max_azs=2,
            nat_gateways=2,
            subnet_configuration=[
                ec2.SubnetConfiguration(name="Public", subnet_type=ec2.SubnetType.PUBLIC),
                ec2.SubnetConfiguration(
                    name="Private", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS
                ),
                ec2.SubnetConfiguration(
                    name="Isolated", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED
                ),
            ],
        )
        flow_logs = logs.LogGroup(stack, "FlowLogs", retention=logs.RetentionDays.ONE_YEAR)
        self.vpc.add_flow_log(
            "FlowLog", destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_logs)
        )

        # ------------------------------------------------------------ image, cluster, task
        repository = ecr.Repository(
            stack,
            "Repository",
            repository_name="shop/service",
            image_scan_on_push=True,
            image_tag_mutability=ecr.TagMutability.IMMUTABLE,
            removal_policy=retain,
            lifecycle_rules=[ecr.LifecycleRule(max_image_count=50)],
        )
        if primary_db is None:
            ecr.CfnReplicationConfiguration(
                stack,
                "Replication",
                replication_configuration=ecr.CfnReplicationConfiguration.ReplicationConfigurationProperty(
                    rules=[
                        ecr.CfnReplicationConfiguration.ReplicationRuleProperty(
                            destinations=[
                                ecr.CfnReplicationConfiguration.ReplicationDestinationProperty(
                                    region=SECONDARY, registry_id=ACCOUNT
                                )
                            ]
                        )
                    ]
                ),
            )
        cluster = ecs.Cluster(
            stack, "Cluster", vpc=self.vpc, container_insights_v2=ecs.ContainerInsights.ENABLED
        )
        task = ecs.FargateTaskDefinition(stack, "Task", cpu=512, memory_limit_mib=1024)
        self.container = task.add_container(
            "Container",
            container_name="app",
            image=ecs.ContainerImage.from_ecr_repository(repository, "v1"),
            port_mappings=[ecs.PortMapping(container_port=8080)],
            logging=ecs.LogDrivers.aws_logs(
                stream_prefix="app",
                log_group=logs.LogGroup(stack, "AppLogs", retention=logs.RetentionDays.ONE_YEAR),
            ),
        )

        # ------------------------------------------------------------ load balancer
        lb_sg = ec2.SecurityGroup(stack, "LbSg", vpc=self.vpc, allow_all_outbound=False)
        self.service_sg = ec2.SecurityGroup(
            stack, "ServiceSg", vpc=self.vpc, allow_all_outbound=False
        )
        self.service_sg.add_egress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443))
        logs_bucket = s3.Bucket(
            stack,
            "AccessLogs",
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            versioned=True,
            removal_policy=retain,
        )
        self.alb = elbv2.ApplicationLoadBalancer(
            stack, "Alb", vpc=self.vpc, internet_facing=True, security_group=lb_sg
        )
        self.alb.log_access_logs(logs_bucket, "alb")
        health = elbv2.HealthCheck(path="/health", interval=Duration.seconds(15))
        blue, green = (
            elbv2.ApplicationTargetGroup(
                stack,
                name,
                vpc=self.vpc,
                port=8080,
                protocol=elbv2.ApplicationProtocol.HTTP,
                target_type=elbv2.TargetType.IP,
                health_check=health,
            )
            for name in ("Blue", "Green")
        )
        self.target_groups = (blue, green)
        weighted = elbv2.ListenerAction.weighted_forward(
            [
                elbv2.WeightedTargetGroup(target_group=blue, weight=100),
                elbv2.WeightedTargetGroup(target_group=green, weight=0),
            ]
        )
        listener = self.alb.add_listener("Http", port=80, open=True, default_action=weighted)
        rule = elbv2.ApplicationListenerRule(
            stack,
            "Rule",
            listener=listener,
            priority=1,
            conditions=[elbv2.ListenerCondition.path_patterns(["/*"])],
            action=weighted,
        )

        # ------------------------------------------------------------ blue/green service
        def both(metric: str, statistic: str) -> cw.MathExpression:
            return cw.MathExpression(
                expression="FILL(b, 0) + FILL(g, 0)",
                using_metrics={
                    "b": blue.metrics.custom(metric, statistic=statistic, period=MINUTE),
                    "g": green.metrics.custom(metric, statistic=statistic, period=MINUTE),
                },
                period=MINUTE,
            )

        rollback_alarms = [
            cw.Alarm(
                stack,
                f"{name}Alarm",
                alarm_name=f"shop-{region}-{name.lower()}",
                metric=both(metric, statistic),
                threshold=threshold,
                evaluation_periods=2,
                treat_missing_data=cw.TreatMissingData.NOT_BREACHING,
            )
            for name, metric, statistic, threshold in (
                ("Target5xx", "HTTPCode_Target_5XX_Count", "Sum", 10),
                ("Unhealthy", "UnHealthyHostCount", "Maximum", 1),
            )
        ]
        self.service = ecs.FargateService(
            stack,
            "Service",
            cluster=cluster,
            task_definition=task,
            desired_count=2,
            security_groups=[self.service_sg],
            deployment_strategy=ecs.DeploymentStrategy.BLUE_GREEN,
            bake_time=Duration.minutes(5),
            deployment_alarms=ecs.DeploymentAlarmConfig(
                alarm_names=[a.alarm_name for a in rollback_alarms],
                behavior=ecs.AlarmBehavior.ROLLBACK_ON_ALARM,
            ),
            health_check_grace_period=MINUTE,
        )
        for alarm in rollback_alarms:
            self.service.node.add_dependency(alarm)
        role = iam.Role(
            stack,
            "BlueGreenRole",
            assumed_by=iam.ServicePrincipal("ecs.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name(
                    "AmazonECSInfrastructureRolePolicyForLoadBalancers"
                )
            ],
        )
        self.service.load_balancer_target(
            container_name="app",
            container_port=8080,
            alternate_target=ecs.AlternateTarget(
                "Alternate",
                alternate_target_group=green,
                production_listener=ecs.ListenerRuleConfiguration.application_listener_rule(rule),
                role=role,
            ),
        ).attach_to_application_target_group(blue)
        self.service.connections.allow_from(lb_sg, ec2.Port.tcp(8080))
        scaling = self.service.auto_scale_task_count(min_capacity=2, max_capacity=10)
        scaling.scale_on_cpu_utilization("Cpu", target_utilization_percent=60)

        # ------------------------------------------------------------ database
        db_key = kms.Key(stack, "DbKey", enable_key_rotation=True, removal_policy=retain)
        db_sg = ec2.SecurityGroup(stack, "DbSg", vpc=self.vpc, allow_all_outbound=False)
        db_sg.connections.allow_from(self.service_sg, ec2.Port.tcp(5432))
        params = rds.ParameterGroup(
            stack, "DbParams", engine=ENGINE, parameters={"rds.force_ssl": "1"}
        )
        common = dict(
            instance_type=ec2.InstanceType("t4g.medium"),
            vpc=self.vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
            security_groups=[db_sg],
            storage_encryption_key=db_key,
            storage_type=rds.StorageType.GP3,
            multi_az=True,
            deletion_protection=True,
            removal_policy=RemovalPolicy.SNAPSHOT,
            parameter_group=params,
            cloudwatch_logs_exports=["postgresql"],
            monitoring_interval=MINUTE,
            publicly_accessible=False,
        )
        self.db: rds.DatabaseInstanceBase
        if primary_db is None:
            secret = rds.DatabaseSecret(
                stack,
                "DbSecret",
                username="postgres",
                encryption_key=db_key,
                replica_regions=[{"region": SECONDARY}],
            )
            self.db = rds.DatabaseInstance(
                stack,
                "Db",
                engine=ENGINE,
                credentials=rds.Credentials.from_secret(secret),
                database_name="shop",
                allocated_storage=20,
                max_allocated_storage=100,
                backup_retention=Duration.days(7),
                **common,
            )
            self.secret_arn = secret.secret_arn
        else:
            self.db = rds.DatabaseInstanceReadReplica(
                stack, "Db", source_database_instance=primary_db, **common
            )
        self.container.add_environment("DATABASE_HOST", self.db.db_instance_endpoint_address)
        self.container.add_environment("DATABASE_PORT", "5432")
        self.container.add_environment("DATABASE_READ_ONLY", str(primary_db is not None).lower())

        # ------------------------------------------------------------ monitoring
        topic_key = kms.Key(stack, "TopicKey", enable_key_rotation=True)
        topic_key.grant(
            iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*"
        )
        self.topic = sns.Topic(stack, "Alarms", master_key=topic_key, enforce_ssl=True)
        self.topic.grant_publish(iam.ServicePrincipal("cloudwatch.amazonaws.com"))
        action = cw_actions.SnsAction(self.topic)
        lb = self.alb.metrics
        metrics: dict[str, tuple[cw.IMetric, float]] = {
            "Elb5xx": (lb.http_code_elb(elbv2.HttpCodeElb.ELB_5XX_COUNT, period=MINUTE), 10),
            "Target5xx": (both("HTTPCode_Target_5XX_Count", "Sum"), 10),
            "LatencyP95": (lb.target_response_time(statistic="p95", period=MINUTE), 1),
            "LatencyP99": (lb.target_response_time(statistic="p99", period=MINUTE), 2),
            "UnhealthyBlue": (blue.metrics.unhealthy_host_count(period=MINUTE), 1),
            "UnhealthyGreen": (green.metrics.unhealthy_host_count(period=MINUTE), 1),
            "ServiceCpu": (self.service.metric_cpu_utilization(period=MINUTE), 85),
            "ServiceMemory": (self.service.metric_memory_utilization(period=MINUTE), 85),
            "DbCpu": (self.db.metric_cpu_utilization(period=MINUTE), 80),
            "DbFreeStorage": (self.db.metric_free_storage_space(period=MINUTE), 2e9),
            "DbConnections": (self.db.metric_database_connections(period=MINUTE), 80),
        }
        if primary_db is not None:
            metrics["ReplicaLag"] = (
                self.db.metric("ReplicaLag", statistic="Maximum", period=MINUTE),
                900,
            )
        running = cw.MathExpression(
            expression="desired - running",
            using_metrics={
                "running": cw.Metric(
                    namespace="ECS/ContainerInsights",
                    metric_name="RunningTaskCount",
                    dimensions_map={
                        "ClusterName": cluster.cluster_name,
                        "ServiceName": self.service.service_name,
                    },
                    period=MINUTE,
                ),
                "desired": cw.Metric(
                    namespace="ECS/ContainerInsights",
                    metric_name="DesiredTaskCount",
                    dimensions_map={
                        "ClusterName": cluster.cluster_name,
                        "ServiceName": self.service.service_name,
                    },
                    period=MINUTE,
                ),
            },
            period=MINUTE,
        )
        metrics["RunningBelowDesired"] = (running, 1)
        self.metrics = metrics
        dashboard = cw.Dashboard(stack, "Dashboard")
        for name, (metric, threshold) in metrics.items():
            alarm = cw.Alarm(
                stack,
                f"Alarm{name}",
                metric=metric,
                threshold=threshold,
                evaluation_periods=3,
                treat_missing_data=cw.TreatMissingData.NOT_BREACHING,
            )
            alarm.add_alarm_action(action)
            alarm.add_ok_action(action)
            dashboard.add_widgets(cw.AlarmWidget(title=name, alarm=alarm, width=8))
        for alarm in rollback_alarms:
            alarm.add_alarm_action(action)
        CfnOutput(stack, "ServiceUrl", value=f"http://{self.alb.load_balancer_dns_name}")
        CfnOutput(stack, "DatabaseEndpoint", value=self.db.db_instance_endpoint_address)


@jsii.implements(targets.IAliasRecordTargetProps)
class EvaluateTargetHealth:
    """Failover alias records must evaluate target health (a dict is rejected by jsii)."""

    @property
    def evaluate_target_health(self) -> bool | None:
        return True

    @property
    def hosted_zone_id(self) -> str | None:
        return None


def main() -> None:
    app = App()

    def stack(name: str, region: str) -> Stack:
        return Stack(
            app,
            name,
            stack_name=f"hand-{name}",
            env=Environment(account=ACCOUNT, region=region),
            cross_region_references=True,
        )

    primary = Region(stack(PRIMARY, PRIMARY), PRIMARY, primary_db=None)
    assert isinstance(primary.db, rds.DatabaseInstance)
    secondary = Region(stack(SECONDARY, SECONDARY), SECONDARY, primary_db=primary.db)
    regions = {PRIMARY: primary, SECONDARY: secondary}

    # ---------------------------------------------------------------- peering
    peering = stack("peering", PRIMARY)
    connection = ec2.CfnVPCPeeringConnection(
        peering,
        "Connection",
        vpc_id=primary.vpc.vpc_id,
        peer_vpc_id=secondary.vpc.vpc_id,
        peer_region=SECONDARY,
    )
    routes = stack("peering-routes", SECONDARY)
    for scope, here, there in ((peering, primary, SECONDARY), (routes, secondary, PRIMARY)):
        for i, subnet in enumerate([*here.vpc.private_subnets, *here.vpc.isolated_subnets]):
            ec2.CfnRoute(
                scope,
                f"Route{i}",
                route_table_id=subnet.route_table.route_table_id,
                destination_cidr_block=CIDRS[there],
                vpc_peering_connection_id=connection.ref,
            )
        here.db.connections.allow_from(ec2.Peer.ipv4(CIDRS[there]), ec2.Port.tcp(5432))

    # ---------------------------------------------------------------- DNS
    dns = stack("dns", PRIMARY)
    zone = route53.PublicHostedZone(dns, "Zone", zone_name="shop.mycompany.com")
    dns_key = kms.Key(dns, "TopicKey", enable_key_rotation=True)
    dns_topic = sns.Topic(dns, "Alarms", master_key=dns_key, enforce_ssl=True)
    checks = {}
    for failover, (region, r) in zip(
        (route53.Failover.PRIMARY, route53.Failover.SECONDARY), regions.items(), strict=True
    ):
        check = route53.HealthCheck(
            dns,
            f"Check-{region}",
            type=route53.HealthCheckType.HTTP,
            fqdn=r.alb.load_balancer_dns_name,
            port=80,
            resource_path="/health",
            request_interval=Duration.seconds(10),
            failure_threshold=3,
        )
        checks[region] = check
        route53.ARecord(
            dns,
            f"Record-{region}",
            zone=zone,
            record_name="www.shop.mycompany.com.",
            target=route53.RecordTarget.from_alias(
                targets.LoadBalancerTarget(r.alb, EvaluateTargetHealth())
            ),
            failover=failover,
            health_check=check,
            set_identifier=f"{failover.value.lower()}-{region}",
        )
        cw.Alarm(
            dns,
            f"CheckAlarm-{region}",
            metric=cw.Metric(
                namespace="AWS/Route53",
                metric_name="HealthCheckStatus",
                dimensions_map={"HealthCheckId": check.health_check_id},
                statistic="Minimum",
                period=MINUTE,
            ),
            threshold=1,
            comparison_operator=cw.ComparisonOperator.LESS_THAN_THRESHOLD,
            evaluation_periods=2,
        ).add_alarm_action(cw_actions.SnsAction(dns_topic))

    # ---------------------------------------------------------------- overview dashboard
    overview = stack("monitoring", PRIMARY)
    board = cw.Dashboard(overview, "Overview")
    for region, r in regions.items():
        board.add_widgets(
            *(
                cw.GraphWidget(title=f"{region} {name}", left=[metric], region=region, width=6)
                for name, (metric, _) in r.metrics.items()
            )
        )
    board.add_widgets(
        *(
            cw.GraphWidget(
                title=f"health check {region}",
                left=[
                    cw.Metric(
                        namespace="AWS/Route53",
                        metric_name="HealthCheckStatus",
                        dimensions_map={"HealthCheckId": check.health_check_id},
                        region=PRIMARY,
                    )
                ],
            )
            for region, check in checks.items()
        )
    )
    app.synth()


if __name__ == "__main__":
    main()
