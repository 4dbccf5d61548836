"""Sphinx configuration for the multiregion-tap documentation site."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
# Importing the package starts the jsii kernel; keep template validation off while documenting.
os.environ.setdefault("CDK_VALIDATION", "false")
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")

project = "multiregion-tap"
author = "multiregion-tap developers"
copyright = "2026, multiregion-tap developers"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.intersphinx",
    "sphinx.ext.viewcode",
    "myst_parser",
    "mrt_docs",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
html_theme = "furo"
html_title = "multiregion-tap"

autodoc_default_options = {
    "members": True,
    "undoc-members": False,
    "show-inheritance": True,
    "member-order": "bysource",
}
autodoc_typehints = "description"
autodoc_inherit_docstrings = False
autodoc_class_signature = "separated"
# jsii classes have no Python-side docs of their own in intersphinx; do not fail on them.
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(aws_cdk|constructs|jsii)(\..*)?"),
    (r"py:.*", r"(typing|collections\.abc|enum|dataclasses|datetime|argparse|boto3|botocore)\..*"),
    # aws_cdk modules under the aliases the source imports them as (``from aws_cdk import
    # aws_ec2 as ec2``): the CDK's own reference documents them.
    (
        r"py:.*",
        r"(cdk|acm|cloudwatch|cw_actions|codedeploy|ec2|ecr|ecs|elbv2|iam|kms|logs|rds|"
        r"route53|route53_targets|s3|secretsmanager|sns|wafv2)\..*",
    ),
    (r"py:class", r"(Construct|IConstruct|Stack|Stage)"),
    # Not public (see the API page): types of multiregion_tap._private appear in signatures
    # (the AppStacks interface constructs take their app through) but are not documented.
    (r"py:.*", r"multiregion_tap\._private\..*"),
    # ... and under their bare names where a public signature names one (DatabaseReplica's
    # internal ``state``); PerRegion's type variable.
    (r"py:class", r"RegionDatabase"),
    (r"py:.*", r"multiregion_tap\.per_region\.T"),
]
intersphinx_mapping: dict[str, tuple[str, str | None]] = {}
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]
