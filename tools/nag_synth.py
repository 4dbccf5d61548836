#!/usr/bin/env python3
"""Run a CDK app script with cdk-nag 3 (AwsSolutions + NIST 800-53 rev5) attached.

    python tools/nag_synth.py app.py [args...]      (run from the app's directory)

Every ``aws_cdk.App`` the script creates gets both nag packs as ``Validations`` plugins, so
the unmodified example app is checked exactly as written. cdk-nag's findings are written to
``validation-report.json`` in the cloud assembly directory; a synth that fails only because of
findings still writes the templates, and this runner then exits 0 so the caller can read
both. Any other failure exits non-zero. Used by :func:`tools.synth.synth_app` with
``nag=True``, always in a fresh process (see FACTS.md: examples synthesize in a subprocess).
"""

from __future__ import annotations

import runpy
import sys
from typing import Any

import aws_cdk as cdk
import cdk_nag

_OriginalApp = cdk.App


class _NaggedApp(_OriginalApp):  # type: ignore[misc, valid-type]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cdk.Validations.of(self).add_plugins(
            cdk_nag.AwsSolutionsChecks(self), cdk_nag.NIST80053R5Checks(self)
        )


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    script = argv[0]
    cdk.App = _NaggedApp  # type: ignore[misc]
    sys.argv = list(argv)
    try:
        runpy.run_path(script, run_name="__main__")
    except RuntimeError as exc:
        if "ValidationFailed" not in str(exc) and "Validation failed" not in str(exc):
            raise
        print(f"nag_synth: validation findings reported: {exc}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
