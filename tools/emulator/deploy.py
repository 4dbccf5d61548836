"""Deploy a CDK app to the local emulator with the real CDK CLI (npm ``aws-cdk``).

Steps, each bounded in time: start the emulator (unless one is given), ``cdk bootstrap`` the
regions of the fake account, ``cdk synth`` the app once, ``cdk deploy`` that cloud assembly with
an outputs file, read the outputs; then, in
:func:`teardown` or on leaving :func:`deployed_app`, stop the server (resetting it is the
teardown: moto's stack deletion is partial, see docs).

The default selector is ``--all``, as users type it: a ``MultiRegionApp`` puts its stacks at
the root of the ``cdk.App`` under their stack names. (Stacks inside a user's ``cdk.Stage`` are
in a nested assembly that ``--all`` does not see: pass ``stacks=["Stage/*"]`` for those.)
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .server import ACCOUNT, ROOT, EmulatorServer

CDK_CLI_DIR = ROOT / "tools" / "cdk-cli"
CDK_ENTRY = CDK_CLI_DIR / "node_modules" / "aws-cdk" / "bin" / "cdk"
VENV_BIN = ROOT / ".venv" / "bin"

#: Default step timeouts in seconds.
TIMEOUTS = {"start": 60.0, "bootstrap": 300.0, "synth": 300.0, "deploy": 600.0}


class DeployError(RuntimeError):
    """A CDK CLI step failed or timed out."""


@dataclass
class DeployResult:
    """What a deploy returns: stack outputs by stack name, and seconds per step."""

    outputs: dict[str, dict[str, str]]
    timings: dict[str, float] = field(default_factory=dict)
    outputs_file: Path | None = None


def cdk_command(*args: str) -> list[str]:
    """The pinned CDK CLI, run by the venv's Node (tools/cdk-cli, installed by dev.py setup)."""
    if not CDK_ENTRY.exists():
        raise DeployError(
            f"the CDK CLI is not installed at {CDK_ENTRY}; run: python3 tools/dev.py setup"
        )
    return [str(VENV_BIN / "node"), str(CDK_ENTRY), *args]


def cdk_env(server: EmulatorServer, app_dir: Path) -> dict[str, str]:
    env = server.client_env()
    env["PATH"] = os.pathsep.join([str(VENV_BIN), env.get("PATH", "")])
    env["VIRTUAL_ENV"] = str(ROOT / ".venv")
    env["CDK_DISABLE_VERSION_CHECK"] = "true"
    env["CDK_DISABLE_CLI_TELEMETRY"] = "true"
    env["JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    env.setdefault("CDK_VALIDATION", "false")
    return env


def run_cdk(
    args: Sequence[str],
    *,
    server: EmulatorServer,
    app_dir: Path,
    timeout: float,
    log: Path | None = None,
    output: Path | None = None,
    cwd: Path | None = None,
) -> str:
    """Run one CDK CLI command against the emulator; raise :class:`DeployError` on failure.

    :param cwd: where to run the CLI. Default: - ``app_dir`` (its cdk.json names the app).
    """
    extra = ["--output", str(output)] if output is not None else []
    command = cdk_command(*args, *extra, "--no-notices", "--no-version-reporting", "--ci")
    try:
        result = subprocess.run(
            command,
            cwd=cwd or app_dir,
            env=cdk_env(server, app_dir),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as error:
        raise DeployError(f"`cdk {' '.join(args)}` did not finish in {timeout:.0f}s") from error
    if log is not None:
        with log.open("a") as handle:
            handle.write(f"$ cdk {' '.join(args)}\n{result.stdout}\n{result.stderr}\n")
    if result.returncode != 0:
        raise DeployError(
            f"`cdk {' '.join(args)}` failed ({result.returncode}):\n"
            f"{result.stdout[-4000:]}\n{result.stderr[-6000:]}"
        )
    return result.stdout + result.stderr


def bootstrap(
    server: EmulatorServer,
    app_dir: Path,
    regions: Sequence[str],
    *,
    timeout: float = TIMEOUTS["bootstrap"],
    log: Path | None = None,
    output: Path | None = None,
) -> None:
    """``cdk bootstrap`` the fake account in ``regions``.

    The CLI runs outside ``app_dir``: with the environments named, it needs no app, and in a
    directory with a cdk.json it would synthesize the whole app first (~10 s for nothing).
    """
    environments = [f"aws://{ACCOUNT}/{region}" for region in regions]
    where = (output.parent if output is not None else app_dir.parent) / "bootstrap"
    where.mkdir(parents=True, exist_ok=True)
    run_cdk(
        ["bootstrap", *environments],
        server=server,
        app_dir=app_dir,
        timeout=timeout,
        log=log,
        cwd=where,
    )


def synth(
    server: EmulatorServer,
    app_dir: Path,
    *,
    output: Path,
    timeout: float = TIMEOUTS["synth"],
    log: Path | None = None,
) -> Path:
    """``cdk synth`` the app in ``app_dir`` into the cloud assembly ``output`` (returned)."""
    run_cdk(
        ["synth", "--quiet"],
        server=server,
        app_dir=app_dir,
        timeout=timeout,
        log=log,
        output=output,
    )
    return output


def deploy(
    server: EmulatorServer,
    app_dir: Path,
    *,
    stacks: Sequence[str] | None = None,
    outputs_file: Path,
    timeout: float = TIMEOUTS["deploy"],
    concurrency: int = 2,
    log: Path | None = None,
    output: Path | None = None,
    assembly: Path | None = None,
) -> dict[str, dict[str, str]]:
    """``cdk deploy`` the selected stacks (default: ``--all``, every top-level stack).

    :param assembly: a cloud assembly made by :func:`synth` to deploy as it is. Default: - the
        CLI synthesizes the app in ``app_dir`` first (into ``output``).
    """
    selectors = list(stacks) if stacks else ["--all"]
    app = ["--app", str(assembly)] if assembly is not None else []
    run_cdk(
        [
            "deploy",
            *app,
            *selectors,
            "--require-approval",
            "never",
            "--outputs-file",
            str(outputs_file),
            "--concurrency",
            str(concurrency),
            "--method",
            "change-set",
            "--progress",
            "events",
        ],
        server=server,
        app_dir=app_dir,
        timeout=timeout,
        log=log,
        output=None if assembly is not None else output,
    )
    data: dict[str, dict[str, str]] = json.loads(outputs_file.read_text())
    return data


def read_outputs(
    server: EmulatorServer, stack_names: Sequence[str], regions: Sequence[str]
) -> dict[str, Any]:
    """Stack outputs as CloudFormation reports them (for stacks the CLI did not name)."""
    found: dict[str, Any] = {}
    for region in regions:
        cfn: Any = server.boto3_client("cloudformation", region)
        for stack in cfn.describe_stacks()["Stacks"]:
            if stack["StackName"] in stack_names:
                found[stack["StackName"]] = {
                    o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])
                }
    return found


#: ``progress(step, seconds)``: called with ``None`` when a step starts, with its duration when
#: it ends.
Progress = Callable[[str, "float | None"], None]


@contextlib.contextmanager
def deployed_app(
    app_dir: Path,
    *,
    stacks: Sequence[str] | None = None,
    regions: Sequence[str] = ("us-east-1", "us-east-2"),
    workdir: Path | None = None,
    server: EmulatorServer | None = None,
    progress: Progress | None = None,
) -> Iterator[tuple[EmulatorServer, DeployResult]]:
    """Start an emulator (or reset the given one), bootstrap, synth, deploy; always tear down.

    Teardown resets the server (moto deletes stacks only partly) and stops it when this
    function started it. Seconds per step are in the result's ``timings`` (``teardown`` once
    the ``with`` block is left).

    :param progress: told when each step starts and ends. Default: - silent.
    """
    timings: dict[str, float] = {}
    app_dir = app_dir.resolve()  # the CLI runs in app_dir: relative paths would move
    work = (workdir or (app_dir / "cdk.out.emulator")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    log = work / "cdk.log"
    own = server is None
    emulator = server or EmulatorServer(log_path=work / "server.log")

    @contextlib.contextmanager
    def step(name: str) -> Iterator[None]:
        if progress is not None:
            progress(name, None)
        started = time.monotonic()
        try:
            yield
        finally:
            timings[name] = time.monotonic() - started
        if progress is not None:
            progress(name, timings[name])

    try:
        with step("start"):
            if own:
                emulator.start(timeout=TIMEOUTS["start"])
            else:
                emulator.reset()
        with step("bootstrap"):
            bootstrap(emulator, app_dir, regions, log=log, output=work / "cdk.out")
        with step("synth"):
            assembly = synth(emulator, app_dir, output=work / "cdk.out", log=log)
        with step("deploy"):
            outputs_file = work / "outputs.json"
            outputs = deploy(
                emulator,
                app_dir,
                stacks=stacks,
                outputs_file=outputs_file,
                log=log,
                assembly=assembly,
            )
        yield emulator, DeployResult(outputs=outputs, timings=timings, outputs_file=outputs_file)
    finally:
        with step("teardown"):
            if own:
                emulator.stop()
            elif emulator.running:
                emulator.reset()


def deploy_app(
    app_dir: Path,
    *,
    stacks: Sequence[str] | None = None,
    regions: Sequence[str] = ("us-east-1", "us-east-2"),
    outputs_file: Path | None = None,
) -> DeployResult:
    """Deploy and tear down at once (the CLI ``python -m tools.emulator deploy``)."""
    with deployed_app(app_dir, stacks=stacks, regions=regions) as (_, result):
        if outputs_file is not None and result.outputs_file is not None:
            outputs_file.write_text(result.outputs_file.read_text())
    return result
