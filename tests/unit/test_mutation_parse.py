"""discovery/parse.py: AWS response items, spelled as the ECS, RDS, CloudWatch and Route 53 APIs
spell them, into the result model, field by field; and the stack-output lookup with suffixed
variants. Pure Python: kills the mutants of ``tools/mutate.py`` in about a second each
(docs/guides/testing.md)."""

from __future__ import annotations

from multiregion_tap.discovery import model, parse

SERVICE_ARN = "arn:aws:ecs:us-east-2:123456789012:service/shop/web"


def test_arn_tail_tag_map_and_dns_key() -> None:
    assert parse.arn_tail("arn:aws:sns:us-east-1:1:shop-alarms") == "shop-alarms"
    assert parse.arn_tail(SERVICE_ARN) == "web"
    assert parse.arn_tail("plain") == "plain"
    assert parse.tag_map([{"Key": "a", "Value": "1"}, {"Key": "b"}, {"Value": "orphan"}]) == {
        "a": "1",
        "b": "",
    }
    assert parse.tag_map(None) == {}
    assert (
        parse.dns_key("DualStack.LB.us-east-1.ELB.amazonaws.com.")
        == "lb.us-east-1.elb.amazonaws.com"
    )
    assert parse.dns_key("x.dualstack.com") == "x.dualstack.com"
    assert parse.dns_key(None) == ""


def test_service_info_every_field() -> None:
    raw = {
        "serviceArn": SERVICE_ARN,
        "serviceName": "web",
        "clusterArn": "arn:cluster",
        "status": "ACTIVE",
        "launchType": "FARGATE",
        "capacityProviderStrategy": [{"capacityProvider": "FARGATE_SPOT"}, {"weight": 1}],
        "deploymentController": {"type": "ECS"},
        "deploymentConfiguration": {
            "strategy": "BLUE_GREEN",
            "bakeTimeInMinutes": 5,
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            "alarms": {"alarmNames": ["a1", "a2"], "enable": True, "rollback": False},
        },
        "loadBalancers": [
            {
                "targetGroupArn": "tg-blue",
                "containerName": "web",
                "containerPort": 8080,
                "advancedConfiguration": {
                    "alternateTargetGroupArn": "tg-green",
                    "productionListenerRule": "rule-prod",
                    "testListenerRule": "rule-test",
                },
            }
        ],
        "desiredCount": 3,
        "runningCount": 2,
        "pendingCount": 1,
        "taskDefinition": "arn:td",
    }
    assert parse.service_info(raw, "us-west-2") == model.ServiceInfo(
        name="web",
        arn=SERVICE_ARN,
        region="us-east-2",
        cluster_arn="arn:cluster",
        status="ACTIVE",
        launch_type="FARGATE",
        capacity_providers=("FARGATE_SPOT",),
        deployment_controller="ECS",
        deployment_strategy="BLUE_GREEN",
        bake_time_minutes=5,
        circuit_breaker_rollback=True,
        deployment_alarms=("a1", "a2"),
        deployment_alarms_rollback=False,
        load_balancers=(
            model.ServiceLoadBalancer(
                target_group_arn="tg-blue",
                container_name="web",
                container_port=8080,
                alternate_target_group_arn="tg-green",
                production_listener_rule="rule-prod",
                test_listener_rule="rule-test",
            ),
        ),
        desired_count=3,
        running_count=2,
        pending_count=1,
        task_definition="arn:td",
    )


def test_service_info_sparse() -> None:
    raw = {
        "serviceArn": "svc/web2",
        "launchType": "",
        "deploymentConfiguration": {
            "deploymentCircuitBreaker": {"enable": False},
            "alarms": {"alarmNames": ["a1"], "enable": False, "rollback": True},
        },
        "loadBalancers": [{"targetGroupArn": "tg"}],
    }
    assert parse.service_info(raw, "us-west-2") == model.ServiceInfo(
        name="web2",
        arn="svc/web2",
        region="us-west-2",
        circuit_breaker_rollback=False,
        deployment_alarms=(),
        deployment_alarms_rollback=True,
        load_balancers=(model.ServiceLoadBalancer(target_group_arn="tg"),),
    )
    bare = parse.service_info({"serviceArn": "svc/x"}, "r")
    assert (bare.circuit_breaker_rollback, bare.deployment_alarms_rollback) == (None, None)
    assert (bare.desired_count, bare.running_count, bare.pending_count) == (0, 0, 0)


def test_database_info_every_field() -> None:
    raw = {
        "DBInstanceIdentifier": "shop-db",
        "DBInstanceArn": "arn:aws:rds:us-east-2:1:db:shop-db",
        "Engine": "postgres",
        "EngineVersion": "16.4",
        "DBInstanceClass": "db.t4g.micro",
        "DBInstanceStatus": "available",
        "Endpoint": {"Address": "shop-db.x.rds.amazonaws.com", "Port": 5432},
        "MultiAZ": True,
        "StorageEncrypted": True,
        "KmsKeyId": "key",
        "BackupRetentionPeriod": 7,
        "DeletionProtection": False,
        "ReadReplicaSourceDBInstanceIdentifier": "arn:aws:rds:us-east-1:1:db:shop-db",
        "ReadReplicaDBInstanceIdentifiers": ["r1"],
    }
    assert parse.database_info(raw, "us-west-2") == model.DatabaseInfo(
        identifier="shop-db",
        arn="arn:aws:rds:us-east-2:1:db:shop-db",
        region="us-east-2",
        engine="postgres",
        engine_version="16.4",
        instance_class="db.t4g.micro",
        status="available",
        endpoint_address="shop-db.x.rds.amazonaws.com",
        port=5432,
        multi_az=True,
        storage_encrypted=True,
        kms_key_id="key",
        backup_retention_period=7,
        deletion_protection=False,
        source_arn="arn:aws:rds:us-east-1:1:db:shop-db",
        replica_arns=("r1",),
    )
    bare = parse.database_info(
        {"DBInstanceIdentifier": "d", "ReadReplicaSourceDBInstanceIdentifier": ""}, "us-west-2"
    )
    assert bare == model.DatabaseInfo(identifier="d", arn="", region="us-west-2")


def test_alarm_info_every_field() -> None:
    raw = {
        "AlarmName": "cpu",
        "AlarmArn": "arn:aws:cloudwatch:us-east-2:1:alarm:cpu",
        "StateValue": "OK",
        "Namespace": "AWS/ECS",
        "MetricName": "CPUUtilization",
        "ActionsEnabled": True,
        "AlarmActions": ["t1"],
        "OKActions": ["t2"],
        "InsufficientDataActions": ["t3"],
    }
    assert parse.alarm_info(raw, "composite", "us-west-2") == model.AlarmInfo(
        name="cpu",
        arn="arn:aws:cloudwatch:us-east-2:1:alarm:cpu",
        region="us-east-2",
        alarm_type="composite",
        state="OK",
        namespace="AWS/ECS",
        metric_name="CPUUtilization",
        actions_enabled=True,
        alarm_actions=("t1",),
        ok_actions=("t2",),
        insufficient_data_actions=("t3",),
    )
    assert parse.alarm_info({"AlarmName": "x"}, "metric", "r") == model.AlarmInfo(
        name="x", arn="", region="r"
    )


def test_record_info_alias_and_plain() -> None:
    regions = {"lb1.amazonaws.com": "us-east-1"}
    alias = {
        "Name": "app.example.com.",
        "Type": "A",
        "Failover": "PRIMARY",
        "SetIdentifier": "p",
        "HealthCheckId": "hc",
        "AliasTarget": {
            "DNSName": "dualstack.LB1.amazonaws.com.",
            "HostedZoneId": "Z35",
            "EvaluateTargetHealth": False,
        },
    }
    assert parse.record_info(alias, regions) == model.FailoverRecordInfo(
        name="app.example.com.",
        type="A",
        failover="PRIMARY",
        set_identifier="p",
        health_check_id="hc",
        alias_dns_name="dualstack.LB1.amazonaws.com.",
        alias_hosted_zone_id="Z35",
        evaluate_target_health=False,
        target_region="us-east-1",
    )
    plain = {
        "Name": "app.example.com.",
        "Type": "A",
        "Failover": "SECONDARY",
        "TTL": "60",
        "ResourceRecords": [{"Value": "1.2.3.4"}, {}],
    }
    assert parse.record_info(plain, regions) == model.FailoverRecordInfo(
        name="app.example.com.", type="A", failover="SECONDARY", ttl=60, values=("1.2.3.4",)
    )
    zero = parse.record_info({**plain, "TTL": 0}, regions)
    assert zero.ttl == 0


def test_health_check_info() -> None:
    raw = {
        "Id": "hc-1",
        "HealthCheckConfig": {
            "Type": "HTTPS",
            "FullyQualifiedDomainName": "LB1.amazonaws.com",
            "IPAddress": "1.2.3.4",
            "Port": 443,
            "ResourcePath": "/health",
            "RequestInterval": 10,
            "FailureThreshold": 3,
        },
    }
    assert parse.health_check_info(
        raw, {"lb1.amazonaws.com": "us-east-1"}
    ) == model.HealthCheckInfo(
        health_check_id="hc-1",
        type="HTTPS",
        fqdn="LB1.amazonaws.com",
        ip_address="1.2.3.4",
        port=443,
        resource_path="/health",
        request_interval=10,
        failure_threshold=3,
        target_region="us-east-1",
    )
    assert parse.health_check_info({}, {}) == model.HealthCheckInfo(health_check_id="")


def _stack(**outputs: str) -> model.StackInfo:
    return model.StackInfo(
        name="s",
        region="r",
        kind="regional",
        stack_id="i",
        status="s",
        outputs=model.frozen_map(outputs),
    )


def test_outputs_named_exact_first_then_suffixed_never_a_longer_well_known_name() -> None:
    stack = _stack(
        DatabaseArnBlue="b",
        DatabaseArn="a",
        DatabaseArnAlpha="c",
        DatabaseArnEmpty="",
        Other="o",
    )
    assert parse.outputs_named(stack, "DatabaseArn") == ["a", "c", "b"]
    # "VpcCidr" starts with "Vpc..." but is its own well-known output, not a VpcId variant
    vpc = _stack(VpcIdX="v", VpcCidr="10.0.0.0/16")
    assert parse.outputs_named(vpc, "VpcId") == ["v"]
    assert parse.output_value(vpc, "VpcId") == "v"
    db = _stack(DatabaseIdentifier="", DatabaseIdentifierA="x")
    assert parse.output_value(db, "DatabaseIdentifier") == "x"


def test_output_value_exact_else_the_only_variant() -> None:
    assert parse.output_value(None, "VpcId") is None
    assert parse.output_value(_stack(VpcId="v", VpcIdB="w"), "VpcId") == "v"
    assert parse.output_value(_stack(VpcIdA="v", VpcIdB="w"), "VpcId") is None
    assert parse.output_value(_stack(), "VpcId") is None
