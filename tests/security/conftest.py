"""Shared synths of the security tests: each app is synthesized once per session.

* ``shop_scan`` (in tests/conftest.py, shared with tests/test_examples.py): the example app
  ``examples/shop``, synthesized in a fresh process exactly as ``cdk synth`` would, with
  aws-cdk-lib's template validation as errors and cdk-nag 3 (AwsSolutions + NIST 800-53
  rev5) attached (``tools/nag_synth.py``).
* ``defaults_scan``: in-process, one CDK app with two MultiRegionApps: ``shop`` with every
  construct at its defaults (database and DNS turned on), and ``tls`` with an ACM certificate
  per region (the HTTPS branch the example does not take).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import aws_cdk as cdk
import cdk_nag
import pytest
from aws_cdk import aws_certificatemanager as acm

from multiregion_tap import FailoverDnsProps, MultiRegionApp
from tests.conftest import Scan
from tools.synth import read_assembly, read_validation_report

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "shop"
ACCOUNT = "123456789012"


@pytest.fixture(scope="session")
def defaults_scan() -> Scan:
    outdir = Path(tempfile.mkdtemp(prefix="mrtap-defaults-nag-"))
    app = cdk.App(outdir=str(outdir))
    cdk.Validations.of(app).add_plugins(
        cdk_nag.AwsSolutionsChecks(app), cdk_nag.NIST80053R5Checks(app)
    )
    MultiRegionApp(
        app,
        "Shop",
        app_name="shop",
        database=True,
        dns=FailoverDnsProps(zone_name="mycompany.com", record_name="www.mycompany.com"),
    )
    # Imported certificates are plain ARNs (no cross-stack reference): a holder stack gives
    # them a scope before the app's regional stacks exist.
    holder = cdk.Stack(app, "CertificateImports")
    MultiRegionApp(
        app,
        "Tls",
        app_name="tls",
        account=ACCOUNT,
        peering=False,
        monitoring=False,
        certificates={
            region: acm.Certificate.from_certificate_arn(
                holder,
                f"Certificate-{region}",
                f"arn:aws:acm:{region}:{ACCOUNT}:certificate/0000-test",
            )
            for region in ("us-east-1", "us-east-2")
        },
        dns=FailoverDnsProps(zone_name="mycompany.org", record_name="www.mycompany.org"),
    )
    try:
        app.synth()
    except RuntimeError as exc:
        if "ValidationFailed" not in str(exc) and "Validation failed" not in str(exc):
            raise
    return Scan(assembly=read_assembly(outdir), report=read_validation_report(outdir))
