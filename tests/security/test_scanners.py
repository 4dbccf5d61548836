"""The scanners AWS users trust, over the example app and the per-construct defaults.

* cdk-nag 3 (AwsSolutions + NIST 800-53 rev5, as ``Validations`` plugins): zero
  unacknowledged findings; every acknowledgment uses the finding's exact id, has a reason, and
  is made by the library construct that causes the finding (never by the app or a stack).
* cfn-lint over every template of the example: zero errors, zero warnings (``.cfnlintrc.yaml``
  turns off one rule, with its reason).
* checkov, in its own environment (``tools/dev.py ensure_checkov``), over the example's
  templates: zero failed checks; every skip in ``.checkov.yaml`` carries its reason.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.support.lint import cfn_lint_findings, checkov_report
from tools.synth import Finding

from .conftest import ROOT, Scan

NAG_PACKS = {"AwsSolutions", "NIST.800.53.R5"}
#: Acknowledgments aws-cdk-lib makes itself in its own template validation ("CloudFormation
#: Validate"): not the library's, and not suppressible by it. Rule -> why it is acceptable.
CDK_OWN_ACKNOWLEDGMENTS = {
    "W3010": "literal availability zones from the CDK context of an environment-specific stack",
}
MIN_REASON = 60


def _describe(findings: tuple[Finding, ...]) -> str:
    return "\n".join(f"{f.plugin} {f.rule}: {', '.join(f.paths)}" for f in findings)


def _check_acknowledgments(scan: Scan) -> None:
    library = [a for a in scan.report.acknowledged if a.plugin in NAG_PACKS]
    assert library, "expected the library's documented acknowledgments in the report"
    for ack in library:
        where = f"{ack.rule} at {ack.acknowledged_at}"
        # The exact id: <pack>::<rule>[<detail>], never a prefix or a wildcard.
        assert ack.acknowledged_id == f"{ack.plugin}::{ack.rule}", where
        assert ack.reason and len(ack.reason) >= MIN_REASON, f"{where}: reason too short"
        # Made inside a library construct (stack/construct...), covering only its own
        # resources: not on the app or a whole stack.
        at = ack.acknowledged_at or ""
        assert at.count("/") >= 1, f"{where}: acknowledged above the construct that causes it"
        for path in ack.paths:
            assert path == at or path.startswith(at + "/"), (where, path)
    for ack in scan.report.acknowledged:
        if ack.plugin not in NAG_PACKS:
            assert ack.rule in CDK_OWN_ACKNOWLEDGMENTS, (ack.plugin, ack.rule, ack.reason)


@pytest.mark.slow
def test_example_has_no_unacknowledged_nag_finding(shop_scan: Scan) -> None:
    assert set(shop_scan.report.plugins) >= NAG_PACKS, shop_scan.report.plugins
    # aws-cdk-lib's own validation ran too (as errors) in the same synth.
    assert "CloudFormation Validate" in shop_scan.report.plugins
    assert shop_scan.report.violations == (), _describe(shop_scan.report.violations)


@pytest.mark.slow
def test_example_acknowledgments_exact_reasoned_and_local(shop_scan: Scan) -> None:
    _check_acknowledgments(shop_scan)


@pytest.mark.slow
def test_construct_defaults_have_no_unacknowledged_nag_finding(defaults_scan: Scan) -> None:
    assert set(defaults_scan.report.plugins) >= NAG_PACKS, defaults_scan.report.plugins
    names = {s.stack_name for s in defaults_scan.assembly.stacks}
    assert {"shop-us-east-1", "shop-dns", "shop-peering", "tls-us-east-1", "tls-dns"} <= names
    assert defaults_scan.report.violations == (), _describe(defaults_scan.report.violations)
    _check_acknowledgments(defaults_scan)


@pytest.mark.slow
def test_cfn_lint_example_no_error_no_warning(shop_scan: Scan) -> None:
    paths = shop_scan.template_paths
    assert len(paths) == 8, paths
    assert cfn_lint_findings(paths) == ""


def test_cfnlintrc_turns_off_rules_only_with_a_reason() -> None:
    lines = (ROOT / ".cfnlintrc.yaml").read_text().splitlines()
    for index, line in enumerate(lines):
        match = re.fullmatch(r"\s*-\s*([EWI]\d{4})\s*", line)
        if match:
            above = lines[index - 1].strip()
            assert above.startswith("#"), f"{match.group(1)} is turned off without a reason"


def _checkov_skips() -> dict[str, str]:
    """``.checkov.yaml``'s skipped checks, each with the comment line above it."""
    skips: dict[str, str] = {}
    lines = (ROOT / ".checkov.yaml").read_text().splitlines()
    in_skips = False
    for index, line in enumerate(lines):
        if line.startswith("skip-check:"):
            in_skips = True
            continue
        if in_skips and re.match(r"\S", line):
            in_skips = False
        match = re.fullmatch(r"\s*-\s*(CKV\w+)\s*", line) if in_skips else None
        if match:
            above = lines[index - 1].strip()
            skips[match.group(1)] = above.lstrip("# ").strip() if above.startswith("#") else ""
    return skips


def test_checkov_skips_carry_reasons() -> None:
    """A global skip in .checkov.yaml needs the reason on the line above it."""
    for check, reason in _checkov_skips().items():
        assert len(reason) >= MIN_REASON, f"{check} is skipped without a reason"


def _resource_skips(scan: Scan) -> dict[tuple[str, str], list[dict[str, str]]]:
    """Every resource's ``Metadata.checkov.skip`` entries, by (stack, logical id)."""
    return {
        (name, logical_id): resource["Metadata"]["checkov"]["skip"]
        for name, template in scan.templates().items()
        for logical_id, resource in template.get("Resources", {}).items()
        if "checkov" in resource.get("Metadata", {})
    }


def test_checkov_resource_skips_are_scoped_and_explained(shop_scan: Scan) -> None:
    skips = _resource_skips(shop_scan)
    skipped = {(stack, entry["id"]) for (stack, _), entries in skips.items() for entry in entries}
    for region in ("us-east-1", "us-east-2"):
        stack = f"shop-{region}"
        assert {(stack, c) for c in ("CKV_AWS_136", "CKV_AWS_18", "CKV_AWS_158")} <= skipped
        assert {(stack, c) for c in ("CKV_AWS_260", "CKV_AWS_2", "CKV_AWS_103")} <= skipped
    assert ("shop-us-east-2", "CKV_AWS_16") in skipped  # the replica only
    assert ("shop-us-east-1", "CKV_AWS_16") not in skipped  # the primary sets StorageEncrypted
    for (stack, logical_id), entries in skips.items():
        for entry in entries:
            assert len(entry.get("comment", "")) >= MIN_REASON, (stack, logical_id, entry)


def test_https_listener_gets_no_http_skips(defaults_scan: Scan) -> None:
    """With a certificate the listener is HTTPS: CKV_AWS_2/103 stay on for it."""
    skips = _resource_skips(defaults_scan)
    tls = [(stack, {e["id"] for e in entries}) for (stack, _), entries in skips.items()]
    assert any(stack.startswith("tls-") for stack, _ in tls)
    for stack, ids in tls:
        if stack.startswith("tls-"):
            assert not {"CKV_AWS_2", "CKV_AWS_103"} & ids, stack


@pytest.mark.slow
def test_checkov_example_no_failed_check(shop_scan: Scan) -> None:
    report, failed, result = checkov_report(shop_scan.template_paths[0].parent)
    assert failed == [], "\n".join(failed)
    assert report["summary"]["parsing_errors"] == 0
    # Every stack's resources were scanned, not an empty directory.
    assert report["summary"]["resource_count"] >= 150, report["summary"]
    assert result.returncode == 0, result.stderr[-3000:]


def test_cfn_lint_helper_reports_a_broken_template(tmp_path: Path) -> None:
    """The shared helper fails on what cfn-lint rejects (so a clean result means something)."""
    broken = tmp_path / "broken.json"
    broken.write_text(
        json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {"X": 1}}}})
    )
    (finding,) = cfn_lint_findings([broken]).splitlines()
    # cfn-lint's parseable format: file:line:column:end line:end column:rule:message.
    assert finding.startswith(f"{broken}:1:"), finding
    assert ":E3002:Additional properties are not allowed ('X' was unexpected)" in finding
    # The repository's .cfnlintrc.yaml is read: W3010 (a literal availability zone) is off.
    zone = tmp_path / "zone.json"
    zone.write_text(
        json.dumps(
            {
                "Resources": {
                    "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
                    "Subnet": {
                        "Type": "AWS::EC2::Subnet",
                        "Properties": {
                            "VpcId": {"Ref": "Vpc"},
                            "CidrBlock": "10.0.0.0/24",
                            "AvailabilityZone": "us-east-1a",
                        },
                    },
                }
            }
        )
    )
    assert cfn_lint_findings([zone]) == ""
