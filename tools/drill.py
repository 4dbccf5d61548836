"""The region-outage drill: the failover runbook, run verbatim on the example in the emulator.

``python3 tools/dev.py drill`` sets the project up, then runs this script, which deploys
examples/shop to the local emulator (us-east-1 primary, us-east-2 secondary) and runs the
commands of ``docs/guides/failover-runbook.md`` while the emulator's fault switches take a
region down, checking after each step what AWS would show:

1. a secondary region fails: ``drill: look`` marks us-east-2 unreachable, us-east-1 keeps the
   writer, and says ``next: nothing to do``;
2. the primary region fails: ``drill: look`` prints as its next step exactly the commands of
   ``drill: failover``; those run; then the replica in us-east-2 is a standalone writer, both
   failover records alias the us-east-2 load balancer with its health check, the us-east-1
   health check is gone, and the emulator received no call signed for us-east-1 during the
   failover commands;
3. the old primary comes back: ``drill: look`` warns of two writers and prints the command of
   ``drill: recover``; it runs; then the us-east-1 service runs no task, and ``drill: look``
   shows one writer (us-east-2), the DNS primary in us-east-2, and as its next step the
   commands of ``drill: rebuild``;
4. the fail-back, each block the next step ``drill: look`` prints: ``drill: rebuild`` (us-east-1's
   database a replica of us-east-2's, its service up, DNS us-east-2 then us-east-1),
   ``drill: switch`` (us-east-1's replica promoted, us-east-2 stood down, both records on
   us-east-1) and ``drill: rebuild other`` (us-east-2's database a replica of us-east-1's:
   the first deploy's layout; ``drill: look`` says ``next: nothing to do``);
5. unless ``--two-regions``, at the same time, a second emulator with the example in
   us-east-1, us-east-2 and us-west-2 (``-c secondary_regions="us-east-2 us-west-2"``, the
   app's configuration, given to every ``cdk`` command): us-east-1 down, the failover block and
   the runbook's us-west-2 command (``cdk deploy shop-us-west-2 ...``, from its prose) run
   verbatim with no call to us-east-1; us-west-2's replica follows the promoted database and
   no DNS record or health check points at us-east-1.

The commands come from the page's code blocks captioned ``drill: look``, ``drill: failover``,
``drill: recover``, ``drill: rebuild``, ``drill: switch`` and ``drill: rebuild other``
(:func:`runbook_blocks`), so the page and the drill cannot diverge. Each
line runs through ``/bin/sh`` in examples/shop with the emulator's client environment, where
``cdk`` is the pinned CDK CLI (tools/cdk-cli) that answers its own prompts the way an operator
at a terminal does (``--require-approval never`` for ``deploy``; ``--ci``, no notices) and
writes its cloud assembly into the drill's work directory, not into examples/shop.

Each step prints its seconds; the last line is ``drill: ok, <steps> steps, <seconds> s``. A
failed check or command exits 1 with the step and the reason; the emulator is always stopped.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.emulator import EmulatorError, EmulatorServer  # noqa: E402
from tools.emulator.deploy import (  # noqa: E402
    CDK_ENTRY,
    VENV_BIN,
    DeployError,
    cdk_env,
    deployed_app,
    read_outputs,
)

RUNBOOK = ROOT / "docs" / "guides" / "failover-runbook.md"
EXAMPLE = ROOT / "examples" / "shop"
APP_NAME = "shop"
PRIMARY = "us-east-1"
SECONDARY = "us-east-2"
REGIONS = (PRIMARY, SECONDARY)
THIRD = "us-west-2"
#: The example's configuration for the three-region run.
THREE_REGION_CONTEXT = f"secondary_regions={SECONDARY} {THIRD}"
#: The captions (``drill: <name>``) of the runbook's code blocks the drill runs.
CAPTIONS = ("look", "failover", "recover", "rebuild", "switch", "rebuild other")
#: The issue's budget for the whole drill, in seconds.
BUDGET = 180.0
#: Seconds one runbook line may take (a ``cdk deploy`` synthesizes the app first).
LINE_TIMEOUT = 180.0
NOTHING_TO_DO = "next: nothing to do"


class RunbookError(ValueError):
    """The runbook page lacks a captioned block the drill needs, or has a malformed one."""


class DrillError(RuntimeError):
    """A drill step failed: a command exited non-zero or a check did not hold."""

    def __init__(self, step: str, reason: str) -> None:
        super().__init__(f"{step}: {reason}")
        self.step = step
        self.reason = reason


# ---------------------------------------------------------------------- the runbook's commands
_FENCE = re.compile(r"^(?P<fence>`{3,})\{code-block\}")


def runbook_blocks(text: str, required: Sequence[str] = CAPTIONS) -> dict[str, tuple[str, ...]]:
    """The command lines of every MyST ``{code-block}`` captioned ``drill: <name>`` in
    ``text``, by name: the block's non-empty lines, stripped, without ``#`` comments.

    :raises RunbookError: when a name in ``required`` has no block, a caption appears twice, a
        captioned block is empty or a block is not closed.
    """
    lines = text.splitlines()
    blocks: dict[str, tuple[str, ...]] = {}
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        i += 1
        if opening is None:
            continue
        fence = opening["fence"]
        options: dict[str, str] = {}
        while i < len(lines) and lines[i].startswith(":"):
            key, _, value = lines[i][1:].partition(":")
            options[key.strip()] = value.strip()
            i += 1
        body: list[str] = []
        while i < len(lines) and lines[i].strip() != fence:
            body.append(lines[i])
            i += 1
        if i == len(lines):
            raise RunbookError(f"a {fence}{{code-block}} is not closed")
        i += 1
        caption = options.get("caption", "")
        if not caption.startswith("drill:"):
            continue
        name = caption.removeprefix("drill:").strip()
        if name in blocks:
            raise RunbookError(f"two code blocks are captioned 'drill: {name}'")
        commands = tuple(
            line.strip() for line in body if line.strip() and not line.strip().startswith("#")
        )
        if not commands:
            raise RunbookError(f"the code block captioned 'drill: {name}' has no command")
        blocks[name] = commands
    missing = [name for name in required if name not in blocks]
    if missing:
        raise RunbookError(
            "no code block captioned " + ", ".join(f"'drill: {name}'" for name in missing)
        )
    return blocks


def prose_command(text: str, stack: str) -> str:
    """The one inline ``cdk deploy <stack> ...`` command of the page's prose.

    :raises RunbookError: when the page has none, or more than one.
    """
    found = re.findall(rf"`(cdk deploy {re.escape(stack)} [^`]+)`", text)
    if len(found) != 1:
        raise RunbookError(f"{len(found)} inline commands `cdk deploy {stack} ...`, not 1")
    return str(found[0])


def read_runbook(path: Path = RUNBOOK) -> dict[str, tuple[str, ...]]:
    """:func:`runbook_blocks` of the failover runbook page."""
    try:
        return runbook_blocks(path.read_text())
    except RunbookError as error:
        raise RunbookError(f"{path.relative_to(ROOT)}: {error}") from None


# ---------------------------------------------------------------------- what status printed
@dataclass(frozen=True)
class Look:
    """The output of the runbook's ``drill: look`` command (``multiregion-tap status``)."""

    output: str
    exit_code: int

    @property
    def lines(self) -> list[str]:
        return self.output.splitlines()

    @property
    def next(self) -> list[str]:
        """The next step: the last paragraph of the output."""
        paragraphs = self.output.strip("\n").split("\n\n")
        return paragraphs[-1].splitlines()

    def unreachable(self, region: str) -> bool:
        return any(line.startswith(f"{region}: UNREACHABLE") for line in self.lines)

    @property
    def writers(self) -> list[str]:
        """The regions whose database line says ``WRITER``."""
        found: list[str] = []
        region = None
        for line in self.lines:
            match = re.match(r"^(\S+): reachable", line)
            if match:
                region = match[1]
            elif region and line.startswith("  database ") and line.endswith(": WRITER"):
                found.append(region)
        return found

    @property
    def dns_primary(self) -> str | None:
        for line in self.lines:
            if line.startswith("  PRIMARY -> "):
                return line.removeprefix("  PRIMARY -> ")
        return None

    @property
    def warnings(self) -> list[str]:
        return [line for line in self.lines if line.startswith("WARNING")]


# ---------------------------------------------------------------------- the drill
@dataclass
class Drill:
    """The drill's steps against a deployed example (``server`` with its stacks)."""

    server: EmulatorServer
    workdir: Path
    runbook: dict[str, tuple[str, ...]] = field(default_factory=read_runbook)
    #: Calls per (signed region, service) during the failover commands.
    failover_calls: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)
    #: CDK context every ``cdk`` command gets (the app's configuration), ``key=value``.
    context: tuple[str, ...] = ()

    # ------------------------------------------------------------------ running lines
    def _cdk_shim(self) -> Path:
        """A ``cdk`` on PATH: the pinned CLI, non-interactive, its assembly in the workdir."""
        bin_dir = self.workdir / "bin"
        shim = bin_dir / "cdk"
        if not shim.exists():
            bin_dir.mkdir(parents=True, exist_ok=True)
            out = self.workdir / "cdk.out.drill"
            context = "".join(f" -c '{c}'" for c in self.context)
            shim.write_text(
                "#!/bin/sh\n"
                "# The drill's cdk: the pinned CLI, answering its prompts as an operator at a\n"
                "# terminal does, its cloud assembly outside examples/shop.\n"
                'case "$1" in deploy) set -- "$@" --require-approval never;; esac\n'
                f'exec "{VENV_BIN / "node"}" "{CDK_ENTRY}" "$@" --no-notices '
                f'--no-version-reporting --ci --output "{out}"{context}\n'
            )
            shim.chmod(0o755)
        return bin_dir

    def run_line(self, step: str, line: str, *, ok_codes: Sequence[int] = (0,)) -> tuple[int, str]:
        """Run one runbook line through ``/bin/sh`` in examples/shop with the emulator's
        client environment; its exit code and output. Logged to ``<workdir>/drill.log``."""
        env = cdk_env(self.server, EXAMPLE)
        env["PATH"] = os.pathsep.join([str(self._cdk_shim()), env["PATH"]])
        try:
            result = subprocess.run(
                ["/bin/sh", "-c", line],
                cwd=EXAMPLE,
                env=env,
                capture_output=True,
                text=True,
                timeout=LINE_TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            raise DrillError(step, f"`{line}` did not finish in {LINE_TIMEOUT:.0f} s") from None
        with (self.workdir / "drill.log").open("a") as log:
            log.write(f"$ {line}\n{result.stdout}{result.stderr}\n[exit {result.returncode}]\n")
        if result.returncode not in ok_codes:
            raise DrillError(
                step,
                f"`{line}` exited {result.returncode}:\n{result.stdout[-3000:]}"
                f"{result.stderr[-3000:]}",
            )
        return result.returncode, result.stdout

    def look(self, step: str) -> Look:
        """Run the ``drill: look`` block (exit 4, two writers, is an answer, not a failure)."""
        (line,) = self.runbook["look"]
        code, output = self.run_line(step, line, ok_codes=(0, 4))
        return Look(output=output, exit_code=code)

    def run_block(self, step: str, name: str) -> None:
        for line in self.runbook[name]:
            self.run_line(step, line)

    @staticmethod
    def check(step: str, condition: bool, reason: str) -> None:
        if not condition:
            raise DrillError(step, reason)

    def client(self, service: str, region: str) -> Any:
        return self.server.boto3_client(service, region)

    # ------------------------------------------------------------------ the steps
    def secondary_down(self) -> Look:
        """us-east-2 down: status marks it, the primary keeps the writer, nothing to do."""
        step = "secondary region down: look"
        self.server.region_down(SECONDARY)
        try:
            look = self.look(step)
        finally:
            self.server.region_up(SECONDARY)
        self.check(step, look.unreachable(SECONDARY), f"{SECONDARY} not marked:\n{look.output}")
        self.check(step, not look.unreachable(PRIMARY), f"{PRIMARY} marked:\n{look.output}")
        self.check(step, look.writers == [PRIMARY], f"writers {look.writers}:\n{look.output}")
        self.check(step, look.next == [NOTHING_TO_DO], f"next step {look.next}")
        return look

    def primary_down_look(self) -> Look:
        """us-east-1 down: the next step is exactly the runbook's failover block."""
        step = "primary region down: look"
        self.server.region_down(PRIMARY)
        self.server.reset_calls()
        look = self.look(step)
        self.check(step, look.unreachable(PRIMARY), f"{PRIMARY} not marked:\n{look.output}")
        wanted = list(self.runbook["failover"])
        self.check(step, look.next == wanted, f"next step {look.next}, runbook {wanted}")
        return look

    def failover(self) -> dict[tuple[str, str], dict[str, int]]:
        """The failover block, verbatim; the calls the emulator received meanwhile."""
        step = "primary region down: failover"
        self.server.reset_calls()
        self.run_block(step, "failover")
        self.failover_calls = self.server.calls()
        failed_region = {k: v for k, v in self.failover_calls.items() if k[0] == PRIMARY}
        self.check(
            step,
            not failed_region,
            f"the failover called the failed region {PRIMARY}: {failed_region}",
        )
        return self.failover_calls

    def failover_result(self) -> dict[str, Any]:
        """One writer (the promoted replica), both records on us-east-2, one health check.

        Read after the failover's call counts: Route 53's API is signed for us-east-1 (its
        own fault domain, not switched off by the us-east-1 outage)."""
        step = "primary region down: check the failover"
        outputs = read_outputs(self.server, ["shop-us-east-2", "shop-dns"], [SECONDARY])
        regional, dns = outputs["shop-us-east-2"], outputs["shop-dns"]
        identifier = regional["DatabaseIdentifier"]
        (db,) = self.client("rds", SECONDARY).describe_db_instances(
            DBInstanceIdentifier=identifier
        )["DBInstances"]
        self.check(
            step,
            "ReadReplicaSourceDBInstanceIdentifier" not in db,
            f"{identifier} is still a replica of {db.get('ReadReplicaSourceDBInstanceIdentifier')}",
        )
        route53 = self.client("route53", PRIMARY)
        records = route53.list_resource_record_sets(HostedZoneId=dns["HostedZoneId"])[
            "ResourceRecordSets"
        ]
        failover = {r["Failover"]: r for r in records if "Failover" in r}
        self.check(
            step, set(failover) == {"PRIMARY", "SECONDARY"}, f"failover records {list(failover)}"
        )
        target = regional["LoadBalancerDnsName"].lower()
        for role, record in failover.items():
            alias = record.get("AliasTarget", {}).get("DNSName", "").rstrip(".").lower()
            self.check(
                step,
                alias.removeprefix("dualstack.") == target,
                f"the {role} record aliases {alias}, not the {SECONDARY} load balancer {target}",
            )
        checks = route53.list_health_checks()["HealthChecks"]
        self.check(step, len(checks) == 1, f"{len(checks)} health checks left, not 1")
        fqdn = checks[0]["HealthCheckConfig"].get("FullyQualifiedDomainName", "").lower()
        self.check(step, fqdn == target, f"the health check left probes {fqdn}")
        self.check(
            step,
            {r.get("HealthCheckId") for r in failover.values()} == {checks[0]["Id"]},
            "the records do not use the health check left",
        )
        return {"database": db, "records": failover, "health_checks": checks}

    def primary_back_look(self) -> Look:
        """us-east-1 answers again: two standalone databases, the recover command next."""
        step = "primary region back: look"
        self.server.region_up(PRIMARY)
        look = self.look(step)
        self.check(step, look.exit_code == 4, f"exit {look.exit_code}, not 4 (two writers)")
        self.check(step, bool(look.warnings), f"no warning:\n{look.output}")
        wanted = list(self.runbook["recover"])
        self.check(step, look.next == wanted, f"next step {look.next}, runbook {wanted}")
        return look

    def recover(self) -> list[dict[str, Any]]:
        """The recover block, verbatim: the old primary's service runs no task."""
        step = "primary region back: recover"
        self.run_block(step, "recover")
        ecs = self.client("ecs", PRIMARY)
        services: list[dict[str, Any]] = []
        for cluster in ecs.list_clusters()["clusterArns"]:
            arns = ecs.list_services(cluster=cluster)["serviceArns"]
            if arns:
                services += ecs.describe_services(cluster=cluster, services=arns)["services"]
        self.check(step, bool(services), f"no ECS service in {PRIMARY}")
        counts = {s["serviceName"]: s["desiredCount"] for s in services}
        self.check(step, set(counts.values()) == {0}, f"desired counts in {PRIMARY}: {counts}")
        return services

    def recovered_look(self) -> Look:
        """One writer (us-east-2), the DNS primary in us-east-2, no warning; the next step is
        the fail-back's rebuild."""
        step = "primary region back: look again"
        look = self.look(step)
        self.check(step, look.exit_code == 0, f"exit {look.exit_code}:\n{look.output}")
        self.check(step, look.writers == [SECONDARY], f"writers {look.writers}:\n{look.output}")
        self.check(step, look.dns_primary == SECONDARY, f"DNS primary {look.dns_primary}")
        self.check(step, not look.warnings, f"warnings {look.warnings}")
        wanted = list(self.runbook["rebuild"])
        self.check(step, look.next == wanted, f"next step {look.next}, runbook {wanted}")
        return look

    # ------------------------------------------------------------------ the fail-back
    def _database(self, region: str) -> dict[str, Any]:
        stack = f"{APP_NAME}-{region}"
        identifier = read_outputs(self.server, [stack], [region])[stack]["DatabaseIdentifier"]
        (db,) = self.client("rds", region).describe_db_instances(DBInstanceIdentifier=identifier)[
            "DBInstances"
        ]
        return dict(db)

    def _desired_counts(self, region: str) -> list[int]:
        ecs = self.client("ecs", region)
        counts: list[int] = []
        for cluster in ecs.list_clusters()["clusterArns"]:
            arns = ecs.list_services(cluster=cluster)["serviceArns"]
            if arns:
                found = ecs.describe_services(cluster=cluster, services=arns)["services"]
                counts += [s["desiredCount"] for s in found]
        return counts

    def _records(self) -> dict[str, str]:
        """The failover records' alias targets by role (PRIMARY, SECONDARY), as the region
        whose load balancer each names."""
        dns = read_outputs(self.server, ["shop-dns"], [SECONDARY])["shop-dns"]
        balancers = {
            region: read_outputs(self.server, [f"{APP_NAME}-{region}"], [region])[
                f"{APP_NAME}-{region}"
            ]["LoadBalancerDnsName"].lower()
            for region in REGIONS
        }
        records = self.client("route53", PRIMARY).list_resource_record_sets(
            HostedZoneId=dns["HostedZoneId"]
        )["ResourceRecordSets"]
        found: dict[str, str] = {}
        for record in records:
            if "Failover" in record and record["Type"] == "A":
                alias = record["AliasTarget"]["DNSName"].rstrip(".").lower()
                alias = alias.removeprefix("dualstack.")
                found[record["Failover"]] = next(
                    (r for r, name in balancers.items() if name == alias), alias
                )
        return found

    def _check_records(self, step: str, wanted: dict[str, str]) -> dict[str, str]:
        """The failover records' regions (:meth:`_records`), which must be ``wanted``."""
        records = self._records()
        self.check(step, records == wanted, f"records {records}, not {wanted}")
        return records

    def _fail_back_step(self, step: str, block: str) -> None:
        look = self.look(f"{step}: look")
        wanted = list(self.runbook[block])
        self.check(step, look.next == wanted, f"next step {look.next}, runbook {wanted}")
        self.run_block(step, block)

    def rebuild(self) -> dict[str, Any]:
        """Fail-back 1: us-east-1's database a fresh replica of us-east-2's, its service up
        (read-only), DNS: us-east-2 PRIMARY, us-east-1 SECONDARY."""
        step = "fail back: rebuild us-east-1"
        self.run_block(step, "rebuild")
        writer, rebuilt = self._database(SECONDARY), self._database(PRIMARY)
        source = rebuilt.get("ReadReplicaSourceDBInstanceIdentifier")
        self.check(
            step,
            source == writer["DBInstanceArn"],
            f"{rebuilt['DBInstanceIdentifier']} replicates {source}, not the writer",
        )
        counts = self._desired_counts(PRIMARY)
        self.check(step, bool(counts) and 0 not in counts, f"desired counts {counts}")
        records = self._check_records(step, {"PRIMARY": SECONDARY, "SECONDARY": PRIMARY})
        return {"rebuilt": rebuilt, "records": records}

    def switch(self) -> dict[str, Any]:
        """Fail-back 2: us-east-1's replica promoted, us-east-2 stood down, DNS on us-east-1."""
        step = "fail back: switch to us-east-1"
        self._fail_back_step(step, "switch")
        writer = self._database(PRIMARY)
        self.check(
            step,
            "ReadReplicaSourceDBInstanceIdentifier" not in writer,
            f"{writer['DBInstanceIdentifier']} is still a replica",
        )
        counts = self._desired_counts(SECONDARY)
        self.check(step, set(counts) == {0}, f"desired counts in {SECONDARY}: {counts}")
        records = self._check_records(step, {"PRIMARY": PRIMARY, "SECONDARY": PRIMARY})
        return {"writer": writer, "records": records}

    def rebuild_other(self) -> dict[str, Any]:
        """Fail-back 3: us-east-2 a fresh replica of us-east-1: the first deploy's layout."""
        step = "fail back: rebuild us-east-2"
        self._fail_back_step(step, "rebuild other")
        writer, replica = self._database(PRIMARY), self._database(SECONDARY)
        source = replica.get("ReadReplicaSourceDBInstanceIdentifier")
        self.check(
            step,
            source == writer["DBInstanceArn"],
            f"{replica['DBInstanceIdentifier']} replicates {source}, not the writer",
        )
        records = self._check_records(step, {"PRIMARY": PRIMARY, "SECONDARY": SECONDARY})
        look = self.look(f"{step}: look")
        self.check(step, look.writers == [PRIMARY], f"writers {look.writers}:\n{look.output}")
        self.check(step, look.dns_primary == PRIMARY, f"DNS primary {look.dns_primary}")
        self.check(step, look.next == [NOTHING_TO_DO], f"next step {look.next}")
        return {"writer": writer, "replica": replica, "records": records, "look": look}

    def three_region_failover(self) -> dict[str, Any]:
        """Three regions, us-east-1 down: the failover block and the runbook's us-west-2
        command, verbatim; no call to us-east-1; us-west-2 follows the promoted database."""
        step = "three regions: fail over"
        lines = [*self.runbook["failover"], prose_command(RUNBOOK.read_text(), f"shop-{THIRD}")]
        self.server.region_down(PRIMARY)
        self.server.reset_calls()
        for line in lines:
            self.run_line(step, line)
        calls = self.server.calls()
        self.failover_calls = calls
        failed_region = {k: v for k, v in calls.items() if k[0] == PRIMARY}
        self.check(step, not failed_region, f"the failover called {PRIMARY}: {failed_region}")
        step = "three regions: check the failover"
        outputs = read_outputs(self.server, ["shop-us-east-2"], [SECONDARY])
        outputs.update(read_outputs(self.server, [f"shop-{THIRD}"], [THIRD]))
        # The DNS stack lives in the first secondary region (dns_region's default).
        outputs.update(read_outputs(self.server, ["shop-dns"], [SECONDARY]))
        promoted_id = outputs["shop-us-east-2"]["DatabaseIdentifier"]
        (promoted,) = self.client("rds", SECONDARY).describe_db_instances(
            DBInstanceIdentifier=promoted_id
        )["DBInstances"]
        self.check(
            step,
            "ReadReplicaSourceDBInstanceIdentifier" not in promoted,
            f"{promoted_id} is still a replica",
        )
        third_id = outputs[f"shop-{THIRD}"]["DatabaseIdentifier"]
        (third,) = self.client("rds", THIRD).describe_db_instances(DBInstanceIdentifier=third_id)[
            "DBInstances"
        ]
        source = third.get("ReadReplicaSourceDBInstanceIdentifier")
        self.check(
            step,
            source == promoted["DBInstanceArn"],
            f"{third_id} in {THIRD} replicates {source}, not {promoted['DBInstanceArn']}",
        )
        route53 = self.client("route53", PRIMARY)
        zone = outputs["shop-dns"]["HostedZoneId"]
        records = route53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
        aliases = [r["AliasTarget"]["DNSName"].lower() for r in records if "AliasTarget" in r]
        checks = route53.list_health_checks()["HealthChecks"]
        probed = [c["HealthCheckConfig"].get("FullyQualifiedDomainName", "") for c in checks]
        self.check(
            step,
            not any(f".{PRIMARY}." in name for name in [*aliases, *probed]),
            f"DNS still points at {PRIMARY}: records {aliases}, health checks {probed}",
        )
        return {"promoted": promoted, "third": third, "aliases": aliases, "checks": probed}

    def steps(self) -> list[tuple[str, Callable[[], object]]]:
        """The drill's steps after the deploy, in order, with their titles."""
        return [
            ("secondary region down: look (nothing to do)", self.secondary_down),
            ("primary region down: look (next: the failover)", self.primary_down_look),
            ("primary region down: fail over (no call to us-east-1)", self.failover),
            ("primary region down: one writer, DNS on us-east-2", self.failover_result),
            ("primary region back: look (two writers, next: recover)", self.primary_back_look),
            ("primary region back: recover (us-east-1 stood down)", self.recover),
            ("primary region back: look (one writer, DNS on us-east-2)", self.recovered_look),
            ("fail back: rebuild us-east-1 as a replica of us-east-2", self.rebuild),
            ("fail back: switch the writer to us-east-1", self.switch),
            ("fail back: rebuild us-east-2 (the first deploy's layout)", self.rebuild_other),
        ]


# ---------------------------------------------------------------------- the script
@contextlib.contextmanager
def deployed_drill(
    workdir: Path, progress: Callable[[str, float | None], None] | None = None
) -> Iterator[Drill]:
    """The example deployed to a fresh emulator, and its :class:`Drill`; always stopped."""
    runbook = read_runbook()
    with deployed_app(EXAMPLE, regions=REGIONS, workdir=workdir, progress=progress) as (
        server,
        _,
    ):
        yield Drill(server=server, workdir=workdir, runbook=runbook)


@contextlib.contextmanager
def deployed_three_region_drill(
    workdir: Path, progress: Callable[[str, float | None], None] | None = None
) -> Iterator[Drill]:
    """The example in us-east-1, us-east-2 and us-west-2 on its own emulator; always stopped."""
    from tools.emulator.deploy import bootstrap, deploy, run_cdk

    runbook = read_runbook()
    regions = (*REGIONS, THIRD)
    work = workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)

    def timed(name: str, action: Callable[[], object]) -> None:
        if progress is not None:
            progress(name, None)
        began = time.monotonic()
        action()
        if progress is not None:
            progress(name, time.monotonic() - began)

    server = EmulatorServer(log_path=work / "server.log")
    try:
        timed("start (three regions)", lambda: server.start(timeout=60))
        timed(
            "bootstrap (three regions)",
            lambda: bootstrap(server, EXAMPLE, regions, output=work / "cdk.out"),
        )
        timed(
            "synth (three regions)",
            lambda: run_cdk(
                ["synth", "--quiet", "-c", THREE_REGION_CONTEXT],
                server=server,
                app_dir=EXAMPLE,
                timeout=300,
                output=work / "cdk.out",
            ),
        )
        timed(
            "deploy (three regions)",
            lambda: deploy(
                server, EXAMPLE, outputs_file=work / "outputs.json", assembly=work / "cdk.out"
            ),
        )
        yield Drill(server=server, workdir=work, runbook=runbook, context=(THREE_REGION_CONTEXT,))
    finally:
        server.stop()


class _Track:
    """One of the drill's runs (two regions, three regions): its current step and its lines,
    printed as they finish (a lock keeps the two runs' lines whole)."""

    lock = threading.Lock()

    def __init__(self, label: str = "") -> None:
        self.label = label
        self.current = "read the runbook"
        self.count = 0
        self.summaries: list[str] = []

    def done(self, title: str, seconds: float) -> None:
        with self.lock:
            self.count += 1
            print(f"[{seconds:5.1f} s] {self.label}{title}", flush=True)

    def progress(self, step: str, seconds: float | None) -> None:
        if seconds is None:
            self.current = f"emulator: {step}"
        else:
            self.done(f"emulator: {step}", seconds)

    def summary(self, title: str, calls: dict[tuple[str, str], dict[str, int]]) -> None:
        counts = ", ".join(f"{r}/{s} {v['calls']}" for (r, s), v in sorted(calls.items()))
        self.summaries.append(f"calls during the {title}, by signed region and service: {counts}")


def _two_regions(workdir: Path, track: _Track) -> None:
    with deployed_drill(workdir, track.progress) as drill:
        for title, step in drill.steps():
            track.current = title
            began = time.monotonic()
            step()
            track.done(title, time.monotonic() - began)
        track.summary("failover", drill.failover_calls)
        track.current = "teardown"


def _three_regions(workdir: Path, track: _Track) -> None:
    track.current = "three regions: deploy"
    with deployed_three_region_drill(workdir, track.progress) as drill:
        track.current = "three regions: fail over (us-west-2 follows, no call to us-east-1)"
        began = time.monotonic()
        drill.three_region_failover()
        track.summary("three-region failover", drill.failover_calls)
        track.done(track.current, time.monotonic() - began)
        track.current = "three regions: teardown"


def run(workdir: Path, *, budget: float = BUDGET, three_regions: bool = True) -> int:
    """The two-region drill and, unless ``three_regions`` is false, the three-region run on
    its own emulator at the same time (two cores: each mostly waits on a ``cdk`` process)."""
    started = time.monotonic()
    tracks = [(_Track(), _two_regions, workdir)]
    if three_regions:
        tracks.append((_Track(), _three_regions, workdir / "three-regions"))
    failures: list[tuple[_Track, Exception]] = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(tracks)) as pool:
        futures = {pool.submit(job, path, track): track for track, job, path in tracks}
        for future in concurrent.futures.as_completed(futures):
            error = future.exception()
            if isinstance(error, (DrillError, RunbookError, DeployError, EmulatorError)):
                failures.append((futures[future], error))
            elif error is not None:
                raise error
    if failures:
        for track, error in failures:
            print(f"drill: FAILED at step '{track.current}': {error}", file=sys.stderr)
        print(f"(logs: {workdir})", file=sys.stderr)
        return 1
    for track, _, _ in tracks:
        for line in track.summaries:
            print(line, flush=True)
    total = time.monotonic() - started
    if total > budget:
        print(f"drill: FAILED: took {total:.0f} s, over the {budget:.0f} s budget", file=sys.stderr)
        return 1
    print(f"drill: ok, {sum(t.count for t, _, _ in tracks)} steps, {total:.0f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="keep the cloud assemblies, outputs and logs here (default: a temporary dir)",
    )
    parser.add_argument(
        "--budget", type=float, default=BUDGET, help=f"seconds allowed (default {BUDGET:g})"
    )
    parser.add_argument(
        "--two-regions",
        action="store_true",
        help=f"skip the three-region run (the example with {THIRD} added)",
    )
    args = parser.parse_args(argv)
    print(
        f"Region-outage drill: {RUNBOOK.relative_to(ROOT)} on {EXAMPLE.relative_to(ROOT)} "
        f"in the local emulator ({' and '.join(REGIONS)})",
        flush=True,
    )
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        return run(args.workdir.resolve(), budget=args.budget, three_regions=not args.two_regions)
    with tempfile.TemporaryDirectory(prefix="multiregion-tap-drill-") as work:
        return run(Path(work), budget=args.budget, three_regions=not args.two_regions)


if __name__ == "__main__":
    sys.exit(main())
