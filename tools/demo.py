"""The README's main job: deploy the example app to a local AWS emulator in two regions.

``python3 tools/dev.py demo`` sets the project up, then runs this script, which:

1. starts the emulator (moto server + tools/emulator/compat) on 127.0.0.1,
2. bootstraps us-east-1 and us-east-2 of the placeholder account with the pinned CDK CLI,
3. synthesizes examples/shop and deploys every stack of it to both regions,
4. discovers the deployed app with ``multiregion_tap.discovery`` and prints the topology,
5. tears everything down (the emulator is stopped, also after a failure),

and prints the seconds each step took. No AWS account, no Docker, no network beyond localhost.
It exits non-zero when a step fails or discovery misses a piece of the app.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.emulator import EmulatorError  # noqa: E402
from tools.emulator.deploy import DeployError, deployed_app  # noqa: E402

EXAMPLE = ROOT / "examples" / "shop"
APP_NAME = "shop"
REGIONS = ("us-east-1", "us-east-2")
#: The issue's budget for the whole run after install, in seconds.
BUDGET = 120.0

STEP_TITLES = {
    "start": "start the emulator on 127.0.0.1",
    "bootstrap": f"cdk bootstrap {' and '.join(REGIONS)}",
    "synth": f"cdk synth {EXAMPLE.relative_to(ROOT)}",
    "deploy": "cdk deploy every stack to both regions",
    "discover": "discover the deployed topology",
    "teardown": "tear down (stop the emulator)",
}

PROVES = """\
What this proves: the example synthesizes, every stack deploys in dependency order to both
regions, and cross-stack and cross-region references resolve: each resource above exists with
the wiring discovery read back through the service APIs. What it does not prove: nothing runs.
No container starts, no database replicates, no health check fails over, no alarm fires, and
the emulator accepts some things real CloudFormation rejects (cfn-lint, cdk-nag and the unit
tests cover those). Deploying to a real account is the only end-to-end proof."""


def _progress(step: str, seconds: float | None) -> None:
    title = STEP_TITLES.get(step, step)
    if seconds is None:
        print(f"-> {title} ...", flush=True)
    else:
        print(f"   done in {seconds:.1f}s", flush=True)


def _timing_table(timings: dict[str, float], total: float) -> str:
    width = max(len(t) for t in STEP_TITLES.values())
    lines = ["step".ljust(width) + "  seconds", "-" * width + "  -------"]
    for step, title in STEP_TITLES.items():
        if step in timings:
            lines.append(f"{title.ljust(width)}  {timings[step]:7.1f}")
    lines.append(f"{'total'.ljust(width)}  {total:7.1f}")
    return "\n".join(lines)


def run(workdir: Path, *, keep: bool) -> int:
    from multiregion_tap.discovery import discover

    started = time.monotonic()
    timings: dict[str, float] = {}
    missing: list[tuple[str, str]] = []
    table = ""
    try:
        with deployed_app(EXAMPLE, regions=REGIONS, workdir=workdir, progress=_progress) as (
            server,
            result,
        ):
            timings = result.timings
            _progress("discover", None)
            began = time.monotonic()
            topology = discover(
                APP_NAME, list(REGIONS), client_factory=lambda s, r: server.boto3_client(s, r)
            )
            timings["discover"] = time.monotonic() - began
            _progress("discover", timings["discover"])
            table = topology.format_table()
            missing = [(r.region, r.kind) for r in topology.to_table() if r.details == "not found"]
    except (DeployError, EmulatorError) as error:
        print(f"\nFAILED: {error}", file=sys.stderr)
        hint = f"logs in {workdir}" if keep else "rerun with --workdir DIR to keep the logs"
        print(f"({hint})", file=sys.stderr)
        return 1
    total = time.monotonic() - started
    print()
    print(table)
    print(PROVES)
    print()
    print(_timing_table(timings, total))
    if missing:
        print(f"\nFAILED: discovery did not find {missing}", file=sys.stderr)
        return 1
    if total > BUDGET:
        print(f"\nnote: slower than the {BUDGET:.0f}s budget on this machine", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="keep the cloud assembly, outputs file and logs here (default: a temporary dir)",
    )
    args = parser.parse_args(argv)
    print(
        f"Deploying {EXAMPLE.relative_to(ROOT)} ('{APP_NAME}') to a local AWS emulator in "
        f"{' and '.join(REGIONS)} (no AWS account needed)\n",
        flush=True,
    )
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        return run(args.workdir.resolve(), keep=True)
    with tempfile.TemporaryDirectory(prefix="multiregion-tap-demo-") as work:
        return run(Path(work), keep=False)


if __name__ == "__main__":
    sys.exit(main())
