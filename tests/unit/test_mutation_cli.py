"""discovery/cli.py without AWS: the exact help of each command, the option parsing, and how
``main`` turns each outcome of a command into an exit code and one line on stderr (the
commands' AWS side replaced by functions that return or raise what discovery would). Kills
the mutants of ``tools/mutate.py`` in about a second each (docs/guides/testing.md)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from botocore.exceptions import InvalidRegionError, NoCredentialsError

from multiregion_tap import ValidationError
from multiregion_tap.discovery import cli
from multiregion_tap.discovery.model import AppNotFoundError

EXIT_CODES = """\
exit codes:
  0  the app was found (missing pieces are listed as "not found")
  1  the app was not found: no stack of it in any region searched
  2  usage error: bad command, option, app name or region name
  3  AWS could not be asked: boto3 missing, no usable credentials, access
     denied, or a region's endpoint did not answer (status: no region answered)
  4  status: more than one region has a writer database (warning printed)
"""

OPTIONS = """\
positional arguments:
  APP                   the app_name of the MultiRegionApp, e.g. shop

options:
  -h, --help            show this help message and exit
  --regions REGION,...  the app's regions, primary first, separated by commas (us-east-1,us-
                        east-2)
  --helper-regions REGION,...
                        more regions to search for the app's helper stacks (DNS, peering, ...)
                        when they live outside --regions
  --timeout SECONDS     seconds to wait for an AWS endpoint to connect, and then to answer each
                        call (each call is tried twice, a status probe once; default: 5)
"""


@pytest.fixture(autouse=True)
def columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_star_import_gives_the_public_names() -> None:
    namespace: dict[str, Any] = {}
    exec("from multiregion_tap.discovery.cli import *", namespace)
    assert {k for k in namespace if not k.startswith("__")} == {
        "EXIT_AWS_ERROR",
        "EXIT_FOUND",
        "EXIT_NOT_FOUND",
        "EXIT_TWO_WRITERS",
        "EXIT_USAGE",
        "CommandError",
        "add_aws_options",
        "build_parser",
        "main",
    }


def test_the_documented_exit_codes() -> None:
    assert (
        cli.EXIT_FOUND,
        cli.EXIT_NOT_FOUND,
        cli.EXIT_USAGE,
        cli.EXIT_AWS_ERROR,
        cli.EXIT_TWO_WRITERS,
    ) == (0, 1, 2, 3, 4)


def test_top_level_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--help")
    assert (code, err) == (0, "")
    assert out == (
        "usage: multiregion-tap [-h] COMMAND ...\n"
        "\n"
        "Read a deployed multiregion-tap app in every region.\n"
        "\n"
        "Needs boto3: pip install 'multiregion-tap[discovery]'\n"
        "AWS credentials and endpoints come from the usual boto3 chain: AWS_PROFILE,\n"
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL, ...\n"
        "\n"
        "positional arguments:\n"
        "  COMMAND\n"
        "    discover  print a deployed app's stacks and resources in every region\n"
        "    status    during an outage: which region answers, which database is the writer, "
        "the DNS\n"
        "              failover, and the next runbook step\n"
        "\n"
        "options:\n"
        "  -h, --help  show this help message and exit\n"
        "\n" + EXIT_CODES
    )


def test_discover_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "discover", "--help")
    assert code == 0
    assert out == (
        "usage: multiregion-tap discover [-h] --regions REGION,... "
        "[--helper-regions REGION,...]\n"
        "                                [--timeout SECONDS] [--json]\n"
        "                                APP\n"
        "\n"
        "Find a deployed multiregion-tap app in every region from its stack outputs\n"
        "and tags, and print its topology as a table (or JSON).\n"
        "\n" + OPTIONS + "  --json                print the topology as JSON instead of a table\n"
        "\n" + EXIT_CODES
    )


def test_status_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "status", "--help")
    assert code == 0
    assert out == (
        "usage: multiregion-tap status [-h] --regions REGION,... "
        "[--helper-regions REGION,...]\n"
        "                              [--timeout SECONDS] [--json]\n"
        "                              APP\n"
        "\n"
        "The operator's view of a deployed app, also during a region outage: each\n"
        "region is probed once (at most --timeout seconds, all at once) and an unreachable\n"
        "region is marked, not an error. Prints per region its stack status, role, writer or\n"
        "replica (with its lag), the DNS failover and health checks, a warning when more than\n"
        "one region has a writer, and the exact commands of the next runbook step.\n"
        "\n" + OPTIONS + "  --json                print the status (and 'next') as JSON\n"
        "\n" + EXIT_CODES
    )


def test_options_are_parsed() -> None:
    args = cli.build_parser().parse_args(
        ["status", "shop", "--regions", " us-east-1 ,us-east-2", "--timeout", "2.5", "--json"]
    )
    assert (args.command, args.app, args.regions) == ("status", "shop", ["us-east-1", "us-east-2"])
    assert (args.helper_regions, args.timeout, args.json) == ([], 2.5, True)
    plain = cli.build_parser().parse_args(
        ["discover", "shop", "--regions", "us-east-1", "--helper-regions", "eu-west-1"]
    )
    assert (plain.helper_regions, plain.timeout, plain.json) == (["eu-west-1"], 5.0, False)


@pytest.mark.parametrize(
    ("argv", "last_line"),
    [
        ([], "the following arguments are required: COMMAND"),
        (["discover", "shop"], "the following arguments are required: --regions"),
        (["discover", "--regions", "us-east-1"], "the following arguments are required: APP"),
        (
            ["discover", "shop", "--regions", "us-east-1,,us-east-2"],
            "argument --regions: expected region names separated by commas, such as "
            "us-east-1,us-east-2, got 'us-east-1,,us-east-2'",
        ),
        (
            ["discover", "shop", "--regions", " "],
            "argument --regions: expected region names separated by commas, such as "
            "us-east-1,us-east-2, got ' '",
        ),
        (
            ["discover", "shop", "--regions", "us-east-1", "--timeout", "0"],
            "argument --timeout: expected a positive number of seconds, got '0'",
        ),
        (
            ["discover", "shop", "--regions", "us-east-1", "--timeout", "soon"],
            "argument --timeout: expected a positive number of seconds, got 'soon'",
        ),
        (["nope"], "argument COMMAND: invalid choice: 'nope'"),
    ],
)
def test_usage_errors_exit_2_with_argparse_s_message(
    argv: list[str], last_line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.startswith("usage: multiregion-tap")
    assert f"error: {last_line}" in err.splitlines()[-1], err


def test_a_timeout_as_small_as_it_gets_is_positive() -> None:
    args = cli.build_parser().parse_args(
        ["discover", "shop", "--regions", "us-east-1", "--timeout", "0.001"]
    )
    assert args.timeout == 0.001


class Topology:
    def to_json(self) -> str:
        return '{"app_name": "shop"}'

    def format_table(self) -> str:
        return "the table\n"


def _discover_returning(result: Any, seen: list[Any]) -> Any:
    def discover(app: str, regions: list[str], **kwargs: Any) -> Any:
        seen.append((app, regions, kwargs))
        if isinstance(result, BaseException):
            raise result
        return result

    return discover


def test_discover_prints_the_table_or_the_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[Any] = []
    monkeypatch.setattr(cli, "discover", _discover_returning(Topology(), seen))
    argv = ["discover", "shop", "--regions", "us-east-1", "--helper-regions", "eu-west-1"]
    assert run(capsys, *argv) == (0, "the table\n", "")
    assert run(capsys, *argv, "--json") == (0, '{"app_name": "shop"}\n', "")
    app, regions, kwargs = seen[0]
    assert (app, regions, kwargs["helper_regions"]) == ("shop", ["us-east-1"], ["eu-west-1"])
    config = kwargs["client_factory"].config
    assert (config.connect_timeout, config.read_timeout) == (5.0, 5.0)


@pytest.mark.parametrize(
    ("error", "code", "message"),
    [
        (AppNotFoundError("no stack of app 'shop'\n found"), 1, "no stack of app 'shop' found"),
        (ValidationError("app_name must be ..."), 2, "app_name must be ..."),
        (
            InvalidRegionError(region_name="us east"),
            2,
            "bad region name: Provided region_name 'us east' doesn't match a supported format.",
        ),
        (
            NoCredentialsError(),
            3,
            "no usable AWS credentials (Unable to locate credentials): set AWS_PROFILE, or "
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or sign in with 'aws sso login'",
        ),
        (KeyboardInterrupt(), 130, "interrupted"),
    ],
)
@pytest.mark.parametrize("command", ["discover", "status"])
def test_each_failure_is_one_line_and_its_exit_code(
    command: str,
    error: BaseException,
    code: int,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(cli, "discover", _discover_returning(error, []))
    monkeypatch.setattr(cli, "app_status", _discover_returning(error, []))
    assert run(capsys, command, "shop", "--regions", "us-east-1") == (
        code,
        "",
        f"multiregion-tap: error: {message}\n",
    )


def test_an_unexpected_error_is_not_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "discover", _discover_returning(RuntimeError("bug"), []))
    with pytest.raises(RuntimeError, match="bug"):
        cli.main(["discover", "shop", "--regions", "us-east-1"])


def _status(reachable: list[bool], writers: int) -> Any:
    return SimpleNamespace(
        regional=[SimpleNamespace(reachable=r) for r in reachable],
        writers=["w"] * writers,
        to_json=lambda: '{"app_name": "shop"}',
        format_text=lambda: "the status\n",
    )


@pytest.mark.parametrize(
    ("reachable", "writers", "code", "err"),
    [
        ([True, False], 1, 0, ""),
        ([True, True], 0, 0, ""),
        ([False, True], 2, 4, ""),
        (
            [False, False],
            0,
            3,
            "multiregion-tap: error: no region answered: see the status above\n",
        ),
    ],
)
def test_status_exit_codes(
    reachable: list[bool],
    writers: int,
    code: int,
    err: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seen: list[Any] = []
    monkeypatch.setattr(cli, "app_status", _discover_returning(_status(reachable, writers), seen))
    argv = ["status", "shop", "--regions", "us-east-1,us-east-2", "--timeout", "2"]
    assert run(capsys, *argv) == (code, "the status\n", err)
    assert run(capsys, *argv, "--json") == (code, '{"app_name": "shop"}\n', err)
    _, regions, kwargs = seen[0]
    assert (regions, kwargs["helper_regions"], kwargs["timeout"]) == (
        ["us-east-1", "us-east-2"],
        [],
        2.0,
    )
    config = kwargs["client_factory"].config
    assert (config.connect_timeout, config.retries["total_max_attempts"]) == (2.0, 2)


def test_without_boto3_the_command_says_which_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "boto3", None)
    assert run(capsys, "status", "shop", "--regions", "us-east-1") == (
        3,
        "",
        "multiregion-tap: error: multiregion_tap.discovery needs boto3, which is not "
        "installed: pip install 'multiregion-tap[discovery]'\n",
    )


def test_command_error_keeps_its_code() -> None:
    error = cli.CommandError("x", 7)
    assert (str(error), error.code) == ("x", 7)


def test_python_dash_m_runs_the_command() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "multiregion_tap.discovery.cli", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("usage: multiregion-tap [-h] COMMAND ...\n")
