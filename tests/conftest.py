"""Shared test configuration.

aws-cdk-lib's built-in template validation takes several seconds per synth. It is skipped in
this process (``CDK_VALIDATION=false`` must be set before the jsii kernel starts, hence here)
and kept on, with findings as errors, in the subprocess synth of the example (``shop_scan``).
"""

from __future__ import annotations

import os

os.environ["CDK_VALIDATION"] = "false"
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from syrupy.extensions.json import JSONSnapshotExtension

from tools.synth import (
    Assembly,
    ValidationReport,
    read_validation_report,
    synth_app,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "shop"


#: Test files that share an expensive session fixture, each group one unit of
#: ``--dist=loadfile`` (``python3 tools/dev.py test``): a session fixture is built once per
#: worker that asks for it, so files that share one run on the same worker and build it once.
#: ``tests/test_project.py`` checks that every file using these fixtures is in its group.
SHARED_SESSION_FIXTURES: dict[str, tuple[str, ...]] = {
    # The example deployed to the emulator (tests/integration/conftest.py ``deployment``).
    "deployment": ("tests/integration/",),
    # The example synthesized with validation and cdk-nag (``shop_scan`` above), and the
    # default app scanned by cdk-nag (tests/security/conftest.py ``defaults_scan``).
    "shop_scan": ("tests/security/", "tests/test_examples.py"),
}


def _shared_scope(path: str) -> str:
    for group, prefixes in SHARED_SESSION_FIXTURES.items():
        if path.startswith(prefixes):
            return f"<files sharing {group}>"
    return path


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist=loadfile``, with the files of each :data:`SHARED_SESSION_FIXTURES` group as
    one unit; any other mode is left to pytest-xdist."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class SharedFixtureScheduling(LoadFileScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return _shared_scope(super()._split_scope(nodeid))

    return SharedFixtureScheduling(config, log)


@pytest.fixture
def snapshot_json(snapshot):  # type: ignore[no-untyped-def]
    """A syrupy snapshot stored as a .json file (use with support.templates.normalize)."""
    return snapshot.use_extension(JSONSnapshotExtension)


@dataclass(frozen=True)
class Scan:
    """A synthesized assembly and its validation plugins' report."""

    assembly: Assembly
    report: ValidationReport

    @property
    def template_paths(self) -> list[Path]:
        return sorted(s.template_path for s in self.assembly.stacks if s.template_path)

    def templates(self) -> dict[str, dict[str, Any]]:
        return {s.stack_name: s.template for s in self.assembly.stacks}


@pytest.fixture(scope="session")
def shop_scan(tmp_path_factory: pytest.TempPathFactory) -> Scan:
    """The example app synthesized once per session in a fresh process, as ``cdk synth``
    would: aws-cdk-lib's template validation as errors, cdk-nag 3 (AwsSolutions and NIST
    800-53 rev5) attached. The example, scanner, logical-id and exposure tests all read it."""
    outdir = tmp_path_factory.mktemp("shop-nag-cdk-out")
    assembly = synth_app(EXAMPLE, outdir, validation=True, nag=True)
    return Scan(assembly=assembly, report=read_validation_report(outdir))
