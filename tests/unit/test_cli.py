"""The ``multiregion-tap`` command (multiregion_tap.discovery.cli) against moto's in-process AWS,
a closed port and a silent one, and once as the console script installed in the venv.

The app ``shop`` here is two bare regional stacks (the base outputs only), so the whole table
is known in advance and compared line by line.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from multiregion_tap.discovery import discover
from multiregion_tap.discovery.cli import (
    EXIT_AWS_ERROR,
    EXIT_FOUND,
    EXIT_NOT_FOUND,
    EXIT_USAGE,
    main,
)
from tests.support.discovery_apps import EAST1, EAST2, deploy_bare_app

REGIONS = f"{EAST1},{EAST2}"
#: The console script uv installed from .projenrc.py's project scripts.
SCRIPT = Path(sys.executable).parent / "multiregion-tap"
#: Everything that could hand botocore credentials or an endpoint from outside the test.
AWS_ENV = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ENDPOINT_URL",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
)

TABLE = """\
multiregion-tap app 'shop': 2 stack(s), 2/2 region(s) deployed, primary us-east-1

REGION     ROLE       KIND           NAME / ID       DETAILS
---------  ---------  -------------  --------------  -------
us-east-1  primary    stack          shop-us-east-1  CREATE_COMPLETE, 3 outputs
us-east-1  primary    vpc            -               not found
us-east-1  primary    ecs cluster    -               not found
us-east-1  primary    ecs service    -               not found
us-east-1  primary    load balancer  -               not found
us-east-1  primary    target group   -               not found
us-east-1  primary    database       -               not found
us-east-1  primary    alarm topic    -               not found
us-east-1  primary    alarm          -               not found
us-east-1  primary    dashboard      -               not found
us-east-2  secondary  stack          shop-us-east-2  CREATE_COMPLETE, 3 outputs
us-east-2  secondary  vpc            -               not found
us-east-2  secondary  ecs cluster    -               not found
us-east-2  secondary  ecs service    -               not found
us-east-2  secondary  load balancer  -               not found
us-east-2  secondary  target group   -               not found
us-east-2  secondary  database       -               not found
us-east-2  secondary  alarm topic    -               not found
us-east-2  secondary  alarm          -               not found
us-east-2  secondary  dashboard      -               not found
global     -          dns            -               not found
global     -          peering        -               not found
"""


@pytest.fixture
def no_aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No credentials, profile or endpoint from the machine; no instance metadata lookups."""
    for name in AWS_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def fake_credentials(no_aws_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


@pytest.fixture
def moto_app(fake_credentials: None) -> Iterator[Any]:
    """moto's in-process AWS holding the bare app ``shop``; yields a boto3 session on it."""
    with mock_aws():
        session = boto3.Session(region_name=EAST1)
        deploy_bare_app(session)
        yield session


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# ---------------------------------------------------------------------- found
def test_discover_prints_the_topology_table(
    moto_app: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "discover", "shop", "--regions", REGIONS)
    assert (code, err) == (EXIT_FOUND, "")
    assert out == TABLE
    assert out == discover("shop", [EAST1, EAST2], session=moto_app).format_table()


def test_discover_json_is_the_topology_document(
    moto_app: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "discover", "shop", "--regions", REGIONS, "--json")
    assert (code, err) == (EXIT_FOUND, "")
    data = json.loads(out)
    assert data == discover("shop", [EAST1, EAST2], session=moto_app).as_dict()
    assert (data["app_name"], data["primary_region"]) == ("shop", EAST1)
    assert [(s["name"], s["region"], s["role"]) for s in data["stacks"]] == [
        ("shop-us-east-1", EAST1, "primary"),
        ("shop-us-east-2", EAST2, "secondary"),
    ]


def test_helper_regions_are_searched(moto_app: Any, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "discover", "shop", "--regions", EAST1, "--helper-regions", EAST2)
    assert code == EXIT_FOUND
    lines = out.splitlines()
    assert lines[0] == (
        "multiregion-tap app 'shop': 2 stack(s), 1/1 region(s) deployed, primary us-east-1"
    )
    # Outside --regions, the app's stack in us-east-2 is one of its helper stacks.
    assert [line for line in lines if line.startswith(EAST2)] == [
        "us-east-2  secondary  stack (helper)  shop-us-east-2  CREATE_COMPLETE, 3 outputs"
    ]


# ---------------------------------------------------------------------- not found, usage
def test_unknown_app_exits_1_with_one_line(
    moto_app: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "discover", "ghost", "--regions", REGIONS)
    assert (code, out) == (EXIT_NOT_FOUND, "")
    assert err == (
        "multiregion-tap: error: no stack of app 'ghost' found in regions "
        "['us-east-1', 'us-east-2']: expected 'ghost-us-east-1', 'ghost-us-east-2' "
        "(is it deployed, and are the credentials for the right account?)\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["discover", "shop"], "the following arguments are required: --regions"),
        (["discover", "shop", "--regions", "us-east-1,"], "expected region names separated"),
        (["discover", "shop", "--regions", EAST1, "--timeout", "0"], "positive number"),
        (["failover"], "invalid choice: 'failover'"),
        (["status", "shop"], "the following arguments are required: --regions"),
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_usage_errors_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *argv)
    assert (code, out) == (EXIT_USAGE, "")
    assert err.startswith("usage: multiregion-tap")
    assert message in err.splitlines()[-1]


def test_bad_app_and_region_names_exit_2_before_asking_aws(
    fake_credentials: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "discover", "Shop", "--regions", EAST1)
    assert code == EXIT_USAGE
    assert err.startswith("multiregion-tap: error: app_name must be at most 64 lowercase")
    assert err.endswith("got 'Shop'\n") and err.count("\n") == 1
    code, _, err = run(capsys, "discover", "shop", "--regions", "us east 1")
    assert code == EXIT_USAGE
    assert err == (
        "multiregion-tap: error: bad region name: Provided region_name 'us east 1' doesn't "
        "match a supported format.\n"
    )


def test_help_lists_the_commands_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "discover  print a deployed app's stacks and resources in every region" in out
    assert "status    during an outage: which region answers, which database is the" in out
    for line in (
        "  0  the app was found",
        "  1  the app was not found: no stack of it in any region searched",
        "  2  usage error: bad command, option, app name or region name",
        "  3  AWS could not be asked: boto3 missing, no usable credentials, access",
        "  4  status: more than one region has a writer database (warning printed)",
    ):
        assert line in out, line
    code, out, _ = run(capsys, "discover", "--help")
    assert code == 0
    assert "--regions REGION,..." in out and "--json" in out and "exit codes:" in out


# ---------------------------------------------------------------------- AWS cannot be asked
def test_no_credentials_exits_3_with_one_line(
    no_aws_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "discover", "shop", "--regions", REGIONS)
    assert (code, out) == (EXIT_AWS_ERROR, "")
    assert err == (
        "multiregion-tap: error: no usable AWS credentials (Unable to locate credentials): "
        "set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or sign in with "
        "'aws sso login'\n"
    )


def test_missing_boto3_exits_3_with_the_install_hint(
    fake_credentials: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)  # import boto3 raises ImportError
    code, out, err = run(capsys, "discover", "shop", "--regions", REGIONS)
    assert (code, out) == (EXIT_AWS_ERROR, "")
    assert err == (
        "multiregion-tap: error: multiregion_tap.discovery needs boto3, which is not "
        "installed: pip install 'multiregion-tap[discovery]'\n"
    )


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port  # closed again: connections are refused


def test_unreachable_region_exits_3_in_bounded_time(
    fake_credentials: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("AWS_ENDPOINT_URL", url)
    started = time.monotonic()
    code, out, err = run(capsys, "discover", "shop", "--regions", REGIONS)
    elapsed = time.monotonic() - started
    assert (code, out) == (EXIT_AWS_ERROR, "")
    assert err == (
        f"multiregion-tap: error: cannot reach cloudformation in region us-east-1 at {url}/ "
        f'(describe_stacks: Could not connect to the endpoint URL: "{url}/"): check the region '
        "name, the network, and AWS_ENDPOINT_URL\n"
    )
    assert elapsed < 15, f"gave up after {elapsed:.1f}s"


def test_silent_region_times_out_and_exits_3(
    fake_credentials: None,
    silent_endpoint: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", silent_endpoint)
    started = time.monotonic()
    code, out, err = run(capsys, "discover", "shop", "--regions", REGIONS, "--timeout", "1")
    elapsed = time.monotonic() - started
    assert (code, out) == (EXIT_AWS_ERROR, "")
    assert err.startswith(
        f"multiregion-tap: error: cannot reach cloudformation in region us-east-1 at "
        f'{silent_endpoint}/ (describe_stacks: Read timeout on endpoint URL: "{silent_endpoint}/")'
    )
    assert err.count("\n") == 1
    # Two attempts of one second each, plus botocore's backoff between them.
    assert elapsed < 8, f"gave up after {elapsed:.1f}s"


# ---------------------------------------------------------------------- the console script
def test_console_script_is_installed_and_prints_help() -> None:
    assert SCRIPT.is_file(), f"{SCRIPT} missing: run 'python3 tools/dev.py projen' or uv sync"
    env = {k: v for k, v in os.environ.items() if k not in AWS_ENV}
    result = subprocess.run(
        [str(SCRIPT), "--help"], capture_output=True, text=True, timeout=60, env=env
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("usage: multiregion-tap [-h] COMMAND ...\n")
    assert "  1  the app was not found: no stack of it in any region searched\n" in result.stdout
