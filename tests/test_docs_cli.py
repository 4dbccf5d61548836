"""Every ``multiregion-tap`` command line the README and the guides show runs, as written, with
the installed console script against a moto server holding the app it names, and prints what
discovery finds."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from multiregion_tap.discovery import app_status, discover
from tests.support.discovery_apps import EAST1, EAST2, deploy_bare_app

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).parent / "multiregion-tap"
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs" / "guides").glob("*.md"))]
#: The pages that must show the command (the discovery sections).
MUST_SHOW = {"README.md", "troubleshooting.md"}
FENCE = re.compile(r"^```(?:bash|console|sh|shell)\n(.*?)^```", re.M | re.S)


def documented_commands() -> list[tuple[str, str]]:
    """``(page, command line)`` for each ``multiregion-tap`` line of a shell code block."""
    found = []
    for page in PAGES:
        for block in FENCE.findall(page.read_text()):
            for line in block.splitlines():
                line = line.strip().removeprefix("$ ")
                if line.startswith("multiregion-tap "):
                    found.append((page.name, shlex.join(shlex.split(line, comments=True))))
    return found


COMMANDS = documented_commands()


def test_the_discovery_pages_show_the_command() -> None:
    assert {page for page, _ in COMMANDS} >= MUST_SHOW, COMMANDS


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A moto server on a free port of 127.0.0.1 holding the app ``shop``."""
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    url = f"http://{host}:{port}"
    session = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=EAST1
    )

    class OnServer:
        def client(self, service: str, region_name: str | None = None, **kwargs: object) -> object:
            return session.client(service, region_name=region_name, endpoint_url=url)

    try:
        deploy_bare_app(OnServer())
        yield url
    finally:
        moto.stop()


@pytest.mark.parametrize(("page", "line"), COMMANDS, ids=[f"{p}:{c}" for p, c in COMMANDS])
def test_documented_command_runs(server: str, page: str, line: str) -> None:
    argv = shlex.split(line)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_ENDPOINT_URL=server,
        AWS_EC2_METADATA_DISABLED="true",
    )
    result = subprocess.run(
        [str(SCRIPT), *argv[1:]], capture_output=True, text=True, timeout=120, env=env
    )
    assert (result.returncode, result.stderr) == (0, ""), f"{page}: {line}"
    if "--help" in argv:
        assert result.stdout.startswith("usage: multiregion-tap")
        return
    app, regions = argv[2], argv[argv.index("--regions") + 1].split(",")
    assert (app, regions) == ("shop", [EAST1, EAST2]), "the docs' example app"

    def factory(service: str, region: str) -> object:
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=server,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    if argv[1] == "status":
        status = app_status(app, regions, client_factory=factory)
        if "--json" in argv:
            assert json.loads(result.stdout) == status.as_dict()
        else:
            assert result.stdout == status.format_text()
        assert status.next == (
            "next: no automatic advice; see the failover runbook",
            "no reachable region has a writer database",
        ), "the bare app has no database"
        return
    topology = discover(app, regions, client_factory=factory)
    if "--json" in argv:
        assert json.loads(result.stdout) == topology.as_dict()
    else:
        assert result.stdout == topology.format_table()
        assert result.stdout.startswith(
            "multiregion-tap app 'shop': 2 stack(s), 2/2 region(s) deployed, primary us-east-1\n"
        )
