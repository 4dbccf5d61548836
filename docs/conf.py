"""Sphinx configuration for the multiregion-tap documentation site."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
# Importing the package starts the jsii kernel; keep template validation off while documenting.
os.environ.setdefault("CDK_VALIDATION", "false")

project = "multiregion-tap"
author = "multiregion-tap developers"
copyright = "2026, multiregion-tap developers"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
    "sphinx.ext.viewcode",
    "myst_parser",
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
    (r"py:.*", r"(typing|collections\.abc)\..*"),
    (r"py:class", r"(Construct|IConstruct|Stack|Stage)"),
]
intersphinx_mapping: dict[str, tuple[str, str | None]] = {}
myst_heading_anchors = 3
suppress_warnings = ["myst.xref_missing"]
