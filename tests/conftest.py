"""Shared test configuration.

aws-cdk-lib's built-in template validation takes several seconds per synth. It is skipped in
this process (``CDK_VALIDATION=false`` must be set before the jsii kernel starts, hence here)
and kept on, with findings as errors, in the subprocess synths of tests/test_examples.py.
"""

from __future__ import annotations

import os

os.environ["CDK_VALIDATION"] = "false"
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")

import pytest
from syrupy.extensions.json import JSONSnapshotExtension


@pytest.fixture
def snapshot_json(snapshot):  # type: ignore[no-untyped-def]
    """A syrupy snapshot stored as a .json file (use with support.templates.normalize)."""
    return snapshot.use_extension(JSONSnapshotExtension)
