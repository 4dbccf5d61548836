"""examples/custom: every escape hatch in one app (per-region certificates, keys, web ACLs and
secrets, an existing VPC in one region, ARM64 on Fargate Spot, a sidecar, ECS Exec, a route of
its own, a snapshot-restored database with Performance Insights, the DNS stack outside
us-east-1), synthesized as ``cdk synth`` would with aws-cdk-lib's validation and cdk-nag, and
scanned with cfn-lint and checkov like the shop example."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Scan
from tests.support.lint import cfn_lint_findings, checkov_report
from tests.support.templates import of_type
from tools.synth import read_validation_report, synth_app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "custom"
PRIMARY, SECONDARY = "eu-west-1", "eu-central-1"
REGIONS = (PRIMARY, SECONDARY)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def custom(tmp_path_factory: pytest.TempPathFactory) -> Scan:
    outdir = tmp_path_factory.mktemp("custom-cdk-out")
    assembly = synth_app(EXAMPLE, outdir, validation=True, nag=True)
    return Scan(assembly=assembly, report=read_validation_report(outdir))


def _one(template: dict[str, Any], kind: str) -> dict[str, Any]:
    (resource,) = of_type(template, kind).values()
    return dict(resource["Properties"])


def test_the_stacks_and_their_regions(custom: Scan) -> None:
    regions = {s.stack_name: s.region for s in custom.assembly.stacks}
    assert regions == {
        "custom-eu-west-1": PRIMARY,
        "custom-eu-central-1": SECONDARY,
        "custom-credentials-eu-central-1": SECONDARY,
        "custom-peering": PRIMARY,
        "custom-peering-routes-eu-central-1": SECONDARY,
        "custom-dns": SECONDARY,
        # Route 53 publishes health-check metrics in us-east-1 only: the alarms live there.
        "custom-dns-alarms": "us-east-1",
        "custom-monitoring": PRIMARY,
    }


def test_nag_clean(custom: Scan) -> None:
    assert custom.report.violations == (), custom.report.violations


def test_cfn_lint_clean(custom: Scan) -> None:
    assert cfn_lint_findings(custom.template_paths) == ""


def test_checkov_clean(custom: Scan) -> None:
    report, failed, _ = checkov_report(custom.template_paths[0].parent)
    assert failed == [], "\n".join(failed)
    assert report["summary"]["resource_count"] >= 100, report["summary"]


def test_every_arn_literal_names_its_stacks_region(custom: Scan) -> None:
    """Keys, web ACLs, certificates, secrets and snapshots belong to one region: every ARN
    written into a stack names that stack's region, or none (global services)."""
    arn = re.compile(r"arn:aws:([a-z0-9-]+):([a-z0-9-]*):")
    found = 0
    for stack in custom.assembly.stacks:
        for service, region in arn.findall(json.dumps(stack.template)):
            found += 1
            assert region in ("", stack.region), (stack.stack_name, service, region)
    assert found >= 7  # certificates, web ACLs, the snapshot, the log keys' conditions


def test_each_escape_hatch_is_in_the_templates(custom: Scan) -> None:
    templates = custom.templates()
    for region in REGIONS:
        template = templates[f"custom-{region}"]
        task = _one(template, "AWS::ECS::TaskDefinition")
        assert task["RuntimePlatform"]["CpuArchitecture"] == "ARM64"
        names = [c["Name"] for c in task["ContainerDefinitions"]]
        assert len(names) == 2 and "Collector" in names  # the sidecar
        (app_container,) = [c for c in task["ContainerDefinitions"] if c["Name"] != "Collector"]
        assert [s["Name"] for s in app_container["Secrets"]] == [
            "API_KEY",
            "DATABASE_USERNAME",
            "DATABASE_PASSWORD",
        ]
        service = _one(template, "AWS::ECS::Service")
        assert service["EnableExecuteCommand"] is True
        providers = {s["CapacityProvider"] for s in service["CapacityProviderStrategy"]}
        assert providers == {"FARGATE", "FARGATE_SPOT"}
        association = _one(template, "AWS::WAFv2::WebACLAssociation")
        assert f":{region}:" in association["WebACLArn"]
        rules = of_type(template, "AWS::ElasticLoadBalancingV2::ListenerRule").values()
        ping = [r for r in rules if r["Properties"]["Priority"] == 10]
        assert len(ping) == 1
        assert ping[0]["Properties"]["Actions"][0]["Type"] == "fixed-response"
        listeners = of_type(template, "AWS::ElasticLoadBalancingV2::Listener").values()
        certificates = [
            c["CertificateArn"]
            for listener in listeners
            for c in listener["Properties"].get("Certificates", [])
        ]
        assert certificates and all(f":acm:{region}:" in c for c in certificates)
        db = _one(template, "AWS::RDS::DBInstance")
        assert db["EnablePerformanceInsights"] is True
    primary_db = _one(templates["custom-eu-west-1"], "AWS::RDS::DBInstance")
    assert primary_db["DBSnapshotIdentifier"].endswith(":snapshot:custom-before-move")
    # The database's key, security groups and log groups of each region.
    replica = of_type(templates["custom-eu-central-1"], "AWS::RDS::DBInstance")
    ((_, replica_resource),) = replica.items()
    key_id = replica_resource["Properties"]["KmsKeyId"]["Fn::GetAtt"][0]
    assert key_id.startswith("PerRegionstorageencryptionkeyDatabaseKey")
    assert replica_resource["Properties"]["VPCSecurityGroups"][1] == "sg-0d1b2c3d4e5f60718"
    assert len(primary_db["VPCSecurityGroups"]) == 1
    for region, code in ((PRIMARY, "euw1"), (SECONDARY, "euc1")):
        template = templates[f"custom-{region}"]
        groups = {
            g["Properties"]["LogGroupName"]: g["Properties"]["RetentionInDays"]
            for g in of_type(template, "AWS::Logs::LogGroup").values()
            if g["Properties"].get("LogGroupName", "").startswith("/aws/rds/")
        }
        assert groups == {
            f"/aws/rds/instance/custom-{code}-database/postgresql": 365,
            f"/aws/rds/instance/custom-{code}-database/upgrade": 365,
        }
    # The existing VPC in eu-central-1: no VPC created there, one in eu-west-1.
    assert len(of_type(templates["custom-eu-west-1"], "AWS::EC2::VPC")) == 1
    assert of_type(templates["custom-eu-central-1"], "AWS::EC2::VPC") == {}
