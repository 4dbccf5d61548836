"""Lifecycle tests: the example app deployed, changed and deployed again through the real CDK
CLI on the local emulator, as docs/guides/deploying.md tells an operator to do it.

Each test module owns one emulator and walks one sequence of deploys; its tests share the
states of that sequence (:class:`Sequence`), so a deploy is never repeated for another test.
The app is ``tests/lifecycle/app`` (the example's code with one more context value, see its
docstring).

The guide's other shell lines (``aws ...``, ``docker build``, ``tools/push_image.sh``) run
verbatim, extracted from the page at test time (:func:`tests.support.doc_commands.shell_block`,
named by the sentence that introduces each block), with bash from the repository root:

- the AWS CLI is the pinned awscli v1 of ``.tools/awscli`` (``tools/dev.py`` setup), pointed at
  the emulator by ``AWS_ENDPOINT_URL`` and the emulator's dummy credentials;
- ``docker`` is the test double ``tests/support/bin/docker`` (no Docker engine here): its push
  ends as a push to ECR does, with ECR's PutImage in the registry's region;
- ``SHA`` is the tag the step wants; the page's ``SHA=$(git rev-parse ...)`` lines and its
  ``cdk ...`` lines are left out (the CDK CLI runs through :meth:`Operator.deploy`/``destroy``);
- the tear-down loop ``for region in ...`` runs over the regions of the app under test.

A block fails its step when bash exits non-zero (it runs under ``set -euo pipefail``) or writes
anything to standard error: a command inside ``$(...)`` of a ``for`` list cannot fail the loop.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from multiregion_tap.discovery import Topology, discover
from tests.support.doc_commands import operator_lines, over, shell_block, shell_env
from tests.support.images import tagged_manifest
from tools.emulator import EmulatorServer
from tools.emulator.deploy import DeployError, bootstrap, run_cdk
from tools.emulator.server import ACCOUNT

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "tests" / "lifecycle" / "app"
APP_NAME = "shop"
REPOSITORY = "shop/service"
ALL_REGIONS = ("us-east-1", "us-east-2", "us-west-2")
GUIDE = ROOT / "docs" / "guides" / "deploying.md"
#: The guide's shell blocks, each named by the sentence that introduces it.
FIRST_DEPLOY = "This one sequence works in an empty account"
LATER_DEPLOY = "Every later deploy is"
DECOMMISSION = "To decommission the app, turn termination protection off"
ADD_REGION = "*Adding a region* is the first deploy"
REMOVE_REGION = "*Removing a region*"


class Operator:
    """What the operator of the deploying guide runs, against one emulator."""

    def __init__(self, server: EmulatorServer, work: Path) -> None:
        self.server = server
        self.work = work
        self.log = work / "cdk.log"
        self.assembly: Path | None = None
        self.timings: dict[str, float] = {}
        self._runs = 0
        self._shell_env: dict[str, str] | None = None

    def client(self, service: str, region: str) -> Any:
        return self.server.boto3_client(service, region)

    def _timed(self, name: str, started: float) -> None:
        self.timings[name] = round(self.timings.get(name, 0.0) + time.monotonic() - started, 1)

    def bootstrap(self, regions: tuple[str, ...] = ALL_REGIONS) -> None:
        started = time.monotonic()
        bootstrap(self.server, APP, regions, log=self.log, output=self.work / "cdk.out")
        self._timed("bootstrap", started)

    def cdk(self, *args: str, timeout: float = 300) -> str:
        """One CDK CLI command in the app's directory (``cdk ...``); DeployError on failure."""
        started = time.monotonic()
        try:
            return run_cdk(
                list(args), server=self.server, app_dir=APP, timeout=timeout, log=self.log
            )
        finally:
            self._timed(args[0], started)

    def deploy(self, *, import_existing: bool = True, again: bool = False, **context: str) -> str:
        """``cdk deploy --all [--import-existing-resources] -c key=value ...``; the cloud
        assembly it synthesized is kept for :meth:`destroy`. ``again``: deploy the app as it
        was last deployed (the same cloud assembly, no new synth)."""
        flags = ["--import-existing-resources"] if import_existing else []
        if again:
            assert self.assembly is not None, "deploy first"
            where = ["--app", str(self.assembly)]
        else:
            self._runs += 1
            self.assembly = self.work / f"cdk.out.{self._runs}"
            where = [*_context_args(context), "--output", str(self.assembly)]
        return self.cdk(
            "deploy",
            "--all",
            *flags,
            *where,
            "--require-approval",
            "never",
            "--concurrency",
            "8",
            "--method",
            "change-set",
        )

    def destroy(self) -> str:
        """``cdk destroy --all --force`` of the app as it was last deployed."""
        assert self.assembly is not None, "deploy first"
        return self.cdk("destroy", "--all", "--force", "--app", str(self.assembly))

    def destroy_fails(self) -> str:
        """:meth:`destroy`, which must fail; the CLI's output."""
        try:
            output = self.destroy()
        except DeployError as error:
            return str(error)
        raise AssertionError(f"cdk destroy succeeded:\n{output[-2000:]}")

    # ------------------------------------------------------------------ the guide's shell lines
    def shell_env(self) -> dict[str, str]:
        """The environment the guide's lines run in (``doc_commands.shell_env``)."""
        if self._shell_env is None:
            self._shell_env = shell_env(self.server.client_env(), self.work / "shell")
        return self._shell_env

    def shell(self, script: str, *, tag: str, timeout: float = 240) -> str:
        """Run ``script`` (lines of the guide) with bash from the repository root, ``SHA`` set
        to ``tag``; its standard output. Fails on a non-zero exit or any standard error."""
        started = time.monotonic()
        process = subprocess.Popen(
            ["bash", "-c", "set -euo pipefail\n" + script],
            cwd=ROOT,
            env=dict(self.shell_env(), SHA=tag),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # a timeout ends bash and the commands it started
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            stdout, stderr = process.communicate()
            stderr += f"\n(killed after {timeout} s)"
        finally:
            self._timed("shell", started)
        with (self.work / "shell.log").open("a") as log:
            log.write(f"$ SHA={tag}\n{script}--- exit {process.returncode}, ")
            log.write(f"{time.monotonic() - started:.1f} s\n{stdout}--- stderr\n{stderr}\n")
        assert process.returncode == 0 and not stderr.strip(), (
            f"the guide's lines failed (exit {process.returncode}):\n{script}\n"
            f"stdout:\n{stdout[-3000:]}\nstderr:\n{stderr[-3000:]}"
        )
        return stdout

    def first_deploy_push(self, tag: str) -> str:
        """Section 2's one sequence without its cdk lines: create the repositories where
        missing, build the image, push it to every region (us-east-1 and us-east-2)."""
        return self.shell(operator_lines(shell_block(GUIDE, FIRST_DEPLOY)), tag=tag)

    def later_deploy_push(self, tag: str) -> str:
        """Section 2's later deploy without its cdk line: build, push to every region."""
        return self.shell(operator_lines(shell_block(GUIDE, LATER_DEPLOY)), tag=tag)

    def add_region_push(self, tag: str) -> str:
        """Section 6, adding us-west-2: its repository, and the current tag pushed to it."""
        return self.shell(operator_lines(shell_block(GUIDE, ADD_REGION)), tag=tag)

    def turn_off_deletion_protection(self, regions: tuple[str, ...]) -> str:
        """Section 5's loop over ``regions``: deletion protection off for the app's load
        balancers (found by their ``multiregion-tap:app`` tag) and databases."""
        script = over(operator_lines(shell_block(GUIDE, DECOMMISSION)), "region", regions)
        return self.shell(script, tag="unused")

    def delete_removed_region_stacks(self) -> str:
        """Section 6, removing us-east-2: its stacks deleted in order, each waited for."""
        return self.shell(operator_lines(shell_block(GUIDE, REMOVE_REGION)), tag="unused")

    # ------------------------------------------------------------------ boto3
    def push(self, tag: str, regions: tuple[str, ...]) -> None:
        """PutImage of ``tag`` into each region's repository (created where missing), as a
        ``docker push`` to that region alone ends. The guide always pushes to every region;
        this stands for a push to the primary region alone, to show replication."""
        for region in regions:
            ecr = self.client("ecr", region)
            if REPOSITORY not in repositories(self, region):
                ecr.create_repository(
                    repositoryName=REPOSITORY,
                    imageTagMutability="IMMUTABLE",
                    imageScanningConfiguration={"scanOnPush": True},
                )
            if tag in image_tags(self, region):
                continue
            ecr.put_image(
                repositoryName=REPOSITORY, imageManifest=tagged_manifest(tag), imageTag=tag
            )

    def discover(self, regions: tuple[str, ...]) -> Topology:
        started = time.monotonic()
        try:
            return discover(
                APP_NAME,
                list(regions),
                helper_regions=[r for r in ALL_REGIONS if r not in regions],
                client_factory=lambda s, r: self.server.boto3_client(s, r),
            )
        finally:
            self._timed("discover", started)


def _context_args(context: dict[str, str]) -> list[str]:
    args: list[str] = []
    for key, value in context.items():
        args += ["-c", f"{key}={value}"]
    return args


def repositories(operator: Operator, region: str) -> set[str]:
    found = operator.client("ecr", region).describe_repositories()["repositories"]
    return {r["repositoryName"] for r in found}


def image_tags(operator: Operator, region: str) -> set[str]:
    if REPOSITORY not in repositories(operator, region):
        return set()
    images = operator.client("ecr", region).describe_images(repositoryName=REPOSITORY)
    return {t for image in images["imageDetails"] for t in image.get("imageTags", [])}


def stack_status(operator: Operator, region: str, name: str) -> str | None:
    """The status of the stack ``name`` as DescribeStacks lists it (None: not listed)."""
    for stack in operator.client("cloudformation", region).describe_stacks()["Stacks"]:
        if stack["StackName"] == name:
            return str(stack["StackStatus"])
    return None


def app_stacks(operator: Operator) -> dict[str, tuple[str, str]]:
    """Every listed stack of the app: name -> (region, status)."""
    found: dict[str, tuple[str, str]] = {}
    for region in ALL_REGIONS:
        for stack in operator.client("cloudformation", region).describe_stacks()["Stacks"]:
            if stack["StackName"].startswith(f"{APP_NAME}-"):
                found[f"{stack['StackName']}@{region}"] = (region, str(stack["StackStatus"]))
    return found


@dataclass(frozen=True)
class Teardown:
    """What ``cdk destroy`` left."""

    output: str
    stacks: dict[str, tuple[str, str]]
    databases: dict[str, list[str]]
    load_balancers: dict[str, list[str]]
    snapshots: dict[str, list[str]]
    images: dict[str, set[str]]
    repositories: dict[str, set[str]] = field(default_factory=dict)
    #: Every stack of the app before the destroy (``app_stacks``), where the step recorded it.
    before: dict[str, tuple[str, str]] = field(default_factory=dict)


def teardown(
    operator: Operator,
    regions: tuple[str, ...],
    output: str,
    before: dict[str, tuple[str, str]] | None = None,
) -> Teardown:
    """What is left in ``regions`` after a ``cdk destroy`` that printed ``output`` (``before``:
    the app's stacks before it)."""
    databases: dict[str, list[str]] = {}
    load_balancers: dict[str, list[str]] = {}
    snapshots: dict[str, list[str]] = {}
    images: dict[str, set[str]] = {}
    found: dict[str, set[str]] = {}
    for region in regions:
        rds = operator.client("rds", region)
        databases[region] = [
            d["DBInstanceIdentifier"] for d in rds.describe_db_instances()["DBInstances"]
        ]
        snapshots[region] = [
            s["DBInstanceIdentifier"]
            for s in rds.describe_db_snapshots(SnapshotType="manual")["DBSnapshots"]
        ]
        elbv2 = operator.client("elbv2", region)
        load_balancers[region] = [
            lb["LoadBalancerArn"] for lb in elbv2.describe_load_balancers()["LoadBalancers"]
        ]
        images[region] = image_tags(operator, region)
        found[region] = repositories(operator, region)
    return Teardown(
        output,
        app_stacks(operator),
        databases,
        load_balancers,
        snapshots,
        images,
        found,
        dict(before or {}),
    )


@dataclass
class Sequence:
    """Steps run once, in order, on first need; each records what the tests read."""

    steps: list[tuple[str, Callable[[], Any]]]
    done: dict[str, Any] = field(default_factory=dict)
    failed: dict[str, BaseException] = field(default_factory=dict)

    def reach(self, name: str) -> Any:
        for step, run in self.steps:
            if step in self.failed:
                pytest.fail(f"step {step!r} failed earlier: {self.failed[step]}")
            if step not in self.done:
                try:
                    self.done[step] = run()
                except (DeployError, AssertionError, Exception) as error:
                    self.failed[step] = error
                    raise
            if step == name:
                return self.done[step]
        raise KeyError(name)


@pytest.fixture(scope="module")
def operator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Operator]:
    """One emulator for the module, bootstrapped in every region the sequences use."""
    work = tmp_path_factory.mktemp("lifecycle")
    server = EmulatorServer(log_path=work / "server.log")
    operator = Operator(server, work)
    started = time.monotonic()
    try:
        server.start(timeout=60)
        operator._timed("start", started)
        operator.bootstrap()
        yield operator
    finally:
        server.stop()
        print("\nlifecycle seconds per command:", operator.timings)


__all__ = [
    "ACCOUNT",
    "ALL_REGIONS",
    "APP",
    "REPOSITORY",
    "Operator",
    "Sequence",
    "Teardown",
    "app_stacks",
    "image_tags",
    "repositories",
    "stack_status",
    "teardown",
]
