"""AWS responses into discovery's result model: one parser per describe call's item.

Each parser takes one raw item of a boto3 response and the region of the client that
returned it; the region of the result is the one in the item's ARN, else that region.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..outputs import OutputNames
from .model import (
    AlarmInfo,
    DatabaseInfo,
    FailoverRecordInfo,
    HealthCheckInfo,
    ServiceInfo,
    ServiceLoadBalancer,
    StackInfo,
    arn_region,
)


def arn_tail(arn: str) -> str:
    """The last ``/`` or ``:`` segment of an ARN's resource part (e.g. a topic's name)."""
    return arn.rsplit(":", 1)[-1].rsplit("/", 1)[-1]


def tag_map(items: Iterable[Mapping[str, Any]] | None) -> dict[str, str]:
    return {str(t["Key"]): str(t.get("Value", "")) for t in items or () if "Key" in t}


def dns_key(name: str | None) -> str:
    """A DNS name compared case-insensitively, without a trailing dot or ``dualstack.``."""
    key = (name or "").lower().rstrip(".")
    return key.removeprefix("dualstack.")


def service_info(raw: Mapping[str, Any], region: str) -> ServiceInfo:
    arn = str(raw["serviceArn"])
    config = raw.get("deploymentConfiguration") or {}
    breaker = config.get("deploymentCircuitBreaker")
    alarms = config.get("alarms") or {}
    return ServiceInfo(
        name=str(raw.get("serviceName", arn_tail(arn))),
        arn=arn,
        region=arn_region(arn) or region,
        cluster_arn=raw.get("clusterArn"),
        status=raw.get("status"),
        launch_type=raw.get("launchType") or None,
        capacity_providers=tuple(
            str(item["capacityProvider"])
            for item in raw.get("capacityProviderStrategy", [])
            if "capacityProvider" in item
        ),
        deployment_controller=(raw.get("deploymentController") or {}).get("type"),
        deployment_strategy=config.get("strategy"),
        bake_time_minutes=config.get("bakeTimeInMinutes"),
        circuit_breaker_rollback=bool(breaker.get("rollback")) if breaker else None,
        deployment_alarms=tuple(alarms.get("alarmNames", [])) if alarms.get("enable") else (),
        deployment_alarms_rollback=bool(alarms.get("rollback")) if alarms else None,
        load_balancers=tuple(
            ServiceLoadBalancer(
                target_group_arn=lb.get("targetGroupArn"),
                container_name=lb.get("containerName"),
                container_port=lb.get("containerPort"),
                alternate_target_group_arn=(lb.get("advancedConfiguration") or {}).get(
                    "alternateTargetGroupArn"
                ),
                production_listener_rule=(lb.get("advancedConfiguration") or {}).get(
                    "productionListenerRule"
                ),
                test_listener_rule=(lb.get("advancedConfiguration") or {}).get("testListenerRule"),
            )
            for lb in raw.get("loadBalancers", [])
        ),
        desired_count=int(raw.get("desiredCount", 0)),
        running_count=int(raw.get("runningCount", 0)),
        pending_count=int(raw.get("pendingCount", 0)),
        task_definition=raw.get("taskDefinition"),
    )


def database_info(raw: Mapping[str, Any], region: str) -> DatabaseInfo:
    arn = str(raw.get("DBInstanceArn", ""))
    endpoint = raw.get("Endpoint") or {}
    return DatabaseInfo(
        identifier=str(raw["DBInstanceIdentifier"]),
        arn=arn,
        region=arn_region(arn) or region,
        engine=raw.get("Engine"),
        engine_version=raw.get("EngineVersion"),
        instance_class=raw.get("DBInstanceClass"),
        status=raw.get("DBInstanceStatus"),
        endpoint_address=endpoint.get("Address"),
        port=endpoint.get("Port"),
        multi_az=raw.get("MultiAZ"),
        storage_encrypted=raw.get("StorageEncrypted"),
        kms_key_id=raw.get("KmsKeyId"),
        backup_retention_period=raw.get("BackupRetentionPeriod"),
        deletion_protection=raw.get("DeletionProtection"),
        source_arn=raw.get("ReadReplicaSourceDBInstanceIdentifier") or None,
        replica_arns=tuple(raw.get("ReadReplicaDBInstanceIdentifiers", [])),
    )


def alarm_info(raw: Mapping[str, Any], kind: str, region: str) -> AlarmInfo:
    arn = str(raw.get("AlarmArn", ""))
    return AlarmInfo(
        name=str(raw["AlarmName"]),
        arn=arn,
        region=arn_region(arn) or region,
        alarm_type=kind,
        state=raw.get("StateValue"),
        namespace=raw.get("Namespace"),
        metric_name=raw.get("MetricName"),
        actions_enabled=raw.get("ActionsEnabled"),
        alarm_actions=tuple(raw.get("AlarmActions", [])),
        ok_actions=tuple(raw.get("OKActions", [])),
        insufficient_data_actions=tuple(raw.get("InsufficientDataActions", [])),
    )


def record_info(raw: Mapping[str, Any], lb_regions: Mapping[str, str]) -> FailoverRecordInfo:
    alias = raw.get("AliasTarget") or {}
    alias_dns = alias.get("DNSName")
    ttl = raw.get("TTL")
    return FailoverRecordInfo(
        name=str(raw["Name"]),
        type=str(raw["Type"]),
        failover=str(raw["Failover"]),
        set_identifier=raw.get("SetIdentifier"),
        health_check_id=raw.get("HealthCheckId"),
        alias_dns_name=alias_dns,
        alias_hosted_zone_id=alias.get("HostedZoneId"),
        evaluate_target_health=alias.get("EvaluateTargetHealth") if alias else None,
        ttl=int(ttl) if ttl is not None else None,
        values=tuple(str(v["Value"]) for v in raw.get("ResourceRecords", []) if "Value" in v),
        target_region=lb_regions.get(dns_key(alias_dns)) if alias_dns else None,
    )


def health_check_info(raw: Mapping[str, Any], lb_regions: Mapping[str, str]) -> HealthCheckInfo:
    config = raw.get("HealthCheckConfig") or {}
    fqdn = config.get("FullyQualifiedDomainName")
    return HealthCheckInfo(
        health_check_id=str(raw.get("Id", "")),
        type=config.get("Type"),
        fqdn=fqdn,
        ip_address=config.get("IPAddress"),
        port=config.get("Port"),
        resource_path=config.get("ResourcePath"),
        request_interval=config.get("RequestInterval"),
        failure_threshold=config.get("FailureThreshold"),
        target_region=lb_regions.get(dns_key(fqdn)) if fqdn else None,
    )


# ---------------------------------------------------------------------- stack outputs
_OUTPUT_NAMES = OutputNames.all()


def outputs_named(stack: StackInfo, name: str) -> list[str]:
    """Values of the output ``name`` and its suffixed variants (``name`` exactly first)."""
    longer = [n for n in _OUTPUT_NAMES if n != name and n.startswith(name)]
    keys = [
        key
        for key in stack.outputs
        if key.startswith(name) and not any(key.startswith(n) for n in longer)
    ]
    keys.sort(key=lambda k: (k != name, k))
    return [stack.outputs[k] for k in keys if stack.outputs[k]]


def output_value(stack: StackInfo | None, name: str) -> str | None:
    """The output ``name`` (or its only suffixed variant)."""
    if stack is None:
        return None
    exact = stack.outputs.get(name)
    if exact:
        return exact
    values = outputs_named(stack, name)
    return values[0] if len(values) == 1 else None
