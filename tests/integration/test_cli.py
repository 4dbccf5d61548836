"""The CDK CLI selects the app's stacks as users type them, and every CDK CLI command the README
and the guides show selects what it says (extracted from the pages, run with the real CLI).

Runs against the session's emulator deployment of examples/shop (deployed with
``cdk deploy --all``) and its cloud assembly; a small app inside a user's ``cdk.Stage`` covers
the commands the guides show for that case.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.doc_commands import CdkCommand, commands
from tools.emulator.deploy import run_cdk
from tools.synth import synth_app

from .conftest import APP_NAME, ON_AWS, Deployment

pytestmark = [
    pytest.mark.integration,
    pytest.mark.emulator,
    pytest.mark.slow,
    pytest.mark.skipif(ON_AWS, reason="runs the CDK CLI against the emulator's deployment"),
]

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "shop"
#: The example's stacks as `cdk ls` prints them: their stack names, nothing else.
STACKS = {
    "shop-us-east-1",
    "shop-us-east-2",
    "shop-peering",
    "shop-peering-routes-us-east-2",
    "shop-dns",
    "shop-dns-alarms",
    "shop-monitoring",
    "shop-credentials-us-east-2",
}
STAGE_APP = """
import aws_cdk as cdk
from multiregion_tap import MultiRegionApp

app = cdk.App()
MultiRegionApp(cdk.Stage(app, "Prod"), "Shop", app_name="shop", service=False)
app.synth()
"""


@pytest.fixture(scope="module")
def assembly(deployment: Deployment) -> Path:
    assert deployment.result is not None and deployment.result.outputs_file is not None
    return deployment.result.outputs_file.parent / "cdk.out"


def _cdk(deployment: Deployment, *args: str, timeout: float = 120) -> str:
    assert deployment.server is not None
    return run_cdk(list(args), server=deployment.server, app_dir=EXAMPLE, timeout=timeout)


def _lines(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if line.strip()]


def test_cdk_ls_lists_the_stacks_by_name(deployment: Deployment, assembly: Path) -> None:
    assert set(_lines(_cdk(deployment, "ls", "--app", str(assembly)))) == STACKS


def test_cdk_synth_without_a_stack_names_every_stack(
    deployment: Deployment, assembly: Path
) -> None:
    output = _cdk(deployment, "synth", "--app", str(assembly))
    (line,) = [x for x in _lines(output) if x.startswith("Supply a stack id")]
    listed = line.removeprefix("Supply a stack id (").split(")")[0].split(", ")
    assert set(listed) == STACKS


def test_cdk_synth_one_stack_by_name(deployment: Deployment, assembly: Path) -> None:
    template = _cdk(deployment, "synth", "shop-us-east-2", "--app", str(assembly))
    assert "Fn::GetStackOutput" in template  # the replica's source, read from the primary
    assert "MultiRegionTapRegion" in template


def test_cdk_diff_one_stack_by_name(deployment: Deployment, assembly: Path) -> None:
    """As the README shows it; the CLI includes the stacks it depends on, and nothing
    differs from what `cdk deploy --all` deployed."""
    output = _cdk(deployment, "diff", "shop-us-east-2", "--app", str(assembly))
    assert "Stack shop-us-east-2 (aws://123456789012/us-east-2)" in output
    assert "Number of stacks with differences: 0" in output
    exclusive = _cdk(deployment, "diff", "shop-us-east-2", "--exclusively", "--app", str(assembly))
    assert "Stack shop-us-east-2" in exclusive
    assert "Stack shop-us-east-1" not in exclusive


def test_cdk_deploy_one_stack_by_name_exclusively(deployment: Deployment, assembly: Path) -> None:
    output = _cdk(
        deployment,
        "deploy",
        "shop-us-east-2",
        "--exclusively",
        "--app",
        str(assembly),
        "--require-approval",
        "never",
        timeout=300,
    )
    assert "shop-us-east-2" in output
    assert "shop-us-east-1:" not in output  # no dependency stack pulled in
    assert "no changes" in output


def test_cdk_deploy_all_deployed_every_stack(deployment: Deployment) -> None:
    """The session deployed the example with `cdk deploy --all` (the fixture's default)."""
    assert deployment.result is not None
    assert set(deployment.result.outputs) == STACKS
    assert {o["MultiRegionTapAppName"] for o in deployment.result.outputs.values()} == {APP_NAME}


# ------------------------------------------------------------------ the pages' commands
DOCUMENTED = [c for c in commands() if c.subcommand in {"deploy", "diff", "synth", "destroy", "ls"}]


def _is_stage_command(command: CdkCommand) -> bool:
    return any("/" in selector for selector in command.selectors)


def _is_three_region_command(command: CdkCommand) -> bool:
    return any("us-west-2" in selector for selector in command.selectors)


@pytest.fixture(scope="module")
def three_region_assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example with a third region, as the runbook's three-region commands assume."""
    out = tmp_path_factory.mktemp("three-regions")
    synth_app(
        EXAMPLE,
        out,
        validation=False,
        extra_context={"secondary_regions": "us-east-2 us-west-2"},
    )
    return out


@pytest.fixture(scope="module")
def stage_assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("stage-app")
    (work / "app.py").write_text(STAGE_APP)
    out = work / "cdk.out"
    result = subprocess.run(
        [sys.executable, "app.py"],
        cwd=work,
        env={**os.environ, "CDK_OUTDIR": str(out), "CDK_VALIDATION": "false"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return out


def test_the_pages_show_the_everyday_commands() -> None:
    shown = {(c.subcommand, c.selectors, c.flags) for c in DOCUMENTED}
    assert ("deploy", (), ("--all",)) in shown
    assert ("deploy", ("shop-us-east-2",), ("--exclusively",)) in shown
    assert ("synth", ("shop-us-east-2",), ()) in shown
    assert ("ls", (), ()) in shown


#: What ``cdk ls`` listed, by assembly and selectors: the same question asked once.
_LISTED: dict[tuple[str, tuple[str, ...]], frozenset[str]] = {}


@pytest.mark.parametrize(
    "command", [c for c in DOCUMENTED if c.selectors or c.selects_all], ids=lambda c: c.text
)
def test_every_documented_command_selects_stacks(
    command: CdkCommand,
    deployment: Deployment,
    assembly: Path,
    stage_assembly: Path,
    request: pytest.FixtureRequest,
) -> None:
    """What the command selects, asked of the CLI itself: ``cdk ls`` with the same selectors
    over the same kind of assembly lists stacks (a selector that matches nothing fails)."""
    app = stage_assembly if _is_stage_command(command) else assembly
    expected = STACKS
    if _is_three_region_command(command):
        app = request.getfixturevalue("three_region_assembly")
        expected = {
            *STACKS,
            "shop-us-west-2",
            "shop-peering-routes-us-west-2",
            "shop-credentials-us-west-2",
        }
    # `cdk ls` lists every top-level stack by itself (it has no --all): that is what --all
    # selects; the session's own deploy ran `cdk deploy --all`.
    selection = tuple(command.selectors)
    key = (str(app), selection)
    if key not in _LISTED:  # the pages repeat commands (`cdk deploy --all` a dozen times)
        _LISTED[key] = frozenset(_lines(_cdk(deployment, "ls", "--app", str(app), *selection)))
    listed = set(_LISTED[key])
    if _is_stage_command(command):
        assert listed and all(name.startswith("Prod/shop-") for name in listed), listed
    else:
        assert listed and listed <= expected, (command.page, command.text, listed)
    if command.selects_all:
        assert listed == STACKS
