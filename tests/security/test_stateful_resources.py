"""The logical-id guard: nothing stateful of the example app is replaced or deleted by a refactor.

CloudFormation identifies a resource by its stack and logical id. A refactor that renames a
construct id, moves a construct to another parent, or moves it to another stack changes that
identity: on the next deploy CloudFormation creates a NEW resource and deletes the old one. For
a database, a secret, a KMS key (and everything encrypted with it), an ECR repository, a hosted
zone (and its delegation), a bucket or a log group that means lost data or an outage.

This test pins, for every stateful resource of the example app, its stack, logical id and
type, and requires a DeletionPolicy and UpdateReplacePolicy that keep the data (Retain, or
Snapshot for databases). If it fails after a change, do not update the list to make it pass:
keep the construct ids and tree as they were. Only a deliberate, documented breaking change
(with migration notes in the CHANGELOG) may edit ``PINNED``.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Scan

#: Resource types whose replacement or deletion loses data or breaks clients.
STATEFUL_TYPES = frozenset(
    {
        "AWS::RDS::DBInstance",
        "AWS::RDS::DBCluster",
        "AWS::SecretsManager::Secret",
        "AWS::KMS::Key",
        "AWS::ECR::Repository",
        "AWS::Route53::HostedZone",
        "AWS::S3::Bucket",
        "AWS::Logs::LogGroup",
        "AWS::DynamoDB::Table",
        "AWS::DynamoDB::GlobalTable",
        "AWS::EFS::FileSystem",
        "AWS::ElastiCache::ReplicationGroup",
    }
)
KEEPS_DATA = {"Retain", "RetainExceptOnCreate", "Snapshot"}

#: (stack name, logical id) -> (type, deletion policy). Do not edit to make the test pass.
PINNED: dict[tuple[str, str], tuple[str, str]] = {
    # us-east-1 (primary)
    ("shop-us-east-1", "ServiceRepositoryB5DB2931"): ("AWS::ECR::Repository", "Retain"),
    ("shop-us-east-1", "ServiceLogGroupB910EE76"): ("AWS::Logs::LogGroup", "Retain"),
    ("shop-us-east-1", "ServiceFlowLogGroup3826F289"): ("AWS::Logs::LogGroup", "Retain"),
    ("shop-us-east-1", "ServiceAccessLogsBucket62005DA8"): ("AWS::S3::Bucket", "Retain"),
    ("shop-us-east-1", "DatabaseEncryptionKey68C4EDF2"): ("AWS::KMS::Key", "Retain"),
    ("shop-us-east-1", "DatabaseSecret3B817195"): ("AWS::SecretsManager::Secret", "Retain"),
    ("shop-us-east-1", "DatabaseInstanceAA8A5FDE"): ("AWS::RDS::DBInstance", "Snapshot"),
    ("shop-us-east-1", "MonitoringAlarmTopicKey22E4A359"): ("AWS::KMS::Key", "Retain"),
    # us-east-2 (secondary)
    ("shop-us-east-2", "ServiceRepositoryB5DB2931"): ("AWS::ECR::Repository", "Retain"),
    ("shop-us-east-2", "ServiceLogGroupB910EE76"): ("AWS::Logs::LogGroup", "Retain"),
    ("shop-us-east-2", "ServiceFlowLogGroup3826F289"): ("AWS::Logs::LogGroup", "Retain"),
    ("shop-us-east-2", "ServiceAccessLogsBucket62005DA8"): ("AWS::S3::Bucket", "Retain"),
    ("shop-us-east-2", "DatabaseReplicaEncryptionKey03603E51"): ("AWS::KMS::Key", "Retain"),
    ("shop-us-east-2", "DatabaseReplicaInstance9B17AE41"): ("AWS::RDS::DBInstance", "Snapshot"),
    ("shop-us-east-2", "MonitoringAlarmTopicKey22E4A359"): ("AWS::KMS::Key", "Retain"),
    # DNS helper stack (a secondary region since 0.2: a documented breaking change,
    # see CHANGELOG "the <app_name>-dns stack moves")
    ("shop-dns", "FailoverDnsZoneCAFB7B81"): ("AWS::Route53::HostedZone", "Retain"),
    # Health-check alarms (us-east-1, where Route 53 publishes the metrics): moved out of the
    # DNS stack with it, the same documented change.
    ("shop-dns-alarms", "HealthCheckAlarmsAlarmTopicKeyD238C284"): ("AWS::KMS::Key", "Retain"),
}

WHY = (
    "CloudFormation identifies a resource by stack + logical id: a different id means the "
    "next deploy creates a new resource and DELETES the old one (data loss for databases, "
    "secrets, keys, repositories, zones, buckets, log groups). Keep the construct ids and "
    "tree unchanged; edit PINNED only for a documented breaking change."
)


def _stateful(scan: Scan) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (stack.stack_name, logical_id): resource
        for stack in scan.assembly.stacks
        for logical_id, resource in stack.resources.items()
        if resource["Type"] in STATEFUL_TYPES
    }


@pytest.mark.slow
def test_stateful_logical_ids_are_pinned(shop_scan: Scan) -> None:
    actual = _stateful(shop_scan)
    missing = sorted(set(PINNED) - set(actual))
    assert not missing, (
        f"stateful resources would be REPLACED or DELETED on the next deploy: {missing} are "
        f"gone from the example app (now: {sorted(set(actual) - set(PINNED))}). {WHY}"
    )
    new = sorted(set(actual) - set(PINNED))
    assert not new, (
        f"new stateful resources {new}: pin them in PINNED (after checking their "
        f"DeletionPolicy), so later refactors cannot replace them silently"
    )
    for key, (kind, _) in PINNED.items():
        assert actual[key]["Type"] == kind, (key, actual[key]["Type"], WHY)


@pytest.mark.slow
def test_stateful_resources_keep_their_data(shop_scan: Scan) -> None:
    for key, resource in _stateful(shop_scan).items():
        deletion = resource.get("DeletionPolicy")
        replace = resource.get("UpdateReplacePolicy")
        expected = PINNED.get(key, (None, None))[1]
        assert deletion in KEEPS_DATA and replace in KEEPS_DATA, (
            f"{key} ({resource['Type']}) has DeletionPolicy={deletion}, "
            f"UpdateReplacePolicy={replace}: deleting the stack or replacing the resource "
            f"would destroy its data; stateful resources must be Retain or Snapshot by default"
        )
        assert deletion == expected and replace == expected, (key, deletion, replace, expected)


@pytest.mark.slow
def test_databases_protected_and_backed_up(shop_scan: Scan) -> None:
    databases = {
        key: r["Properties"]
        for key, r in _stateful(shop_scan).items()
        if r["Type"] == "AWS::RDS::DBInstance"
    }
    assert len(databases) == 2
    for key, props in databases.items():
        assert props["DeletionProtection"] is True, key
        assert props.get("DeleteAutomatedBackups") is False, key
        if "SourceDBInstanceIdentifier" not in props:  # the primary: replicas inherit
            assert props["BackupRetentionPeriod"] >= 7, key
            assert props["StorageEncrypted"] is True, key


@pytest.mark.slow
def test_load_balancers_deletion_protected(shop_scan: Scan) -> None:
    count = 0
    for stack in shop_scan.assembly.stacks:
        for logical_id, r in stack.resources.items():
            if r["Type"] == "AWS::ElasticLoadBalancingV2::LoadBalancer":
                attrs = {a["Key"]: a["Value"] for a in r["Properties"]["LoadBalancerAttributes"]}
                assert attrs.get("deletion_protection.enabled") == "true", logical_id
                count += 1
    assert count == 2
