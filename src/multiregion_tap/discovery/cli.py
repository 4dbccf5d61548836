"""The ``multiregion-tap`` command: read a deployed multiregion-tap app from the shell.

Installed with the ``discovery`` extra (``pip install "multiregion-tap[discovery]"``), which
brings boto3; without boto3 the command says so in one line. It needs neither Node.js nor
aws-cdk-lib.

Commands::

    multiregion-tap discover APP --regions us-east-1,us-east-2 [--helper-regions R,...] [--json]
    multiregion-tap status APP --regions us-east-1,us-east-2 [--helper-regions R,...] [--json]

``discover`` prints the app's topology, a table of every stack and resource found (and of
every piece missing) in each region, as :meth:`Topology.format_table
<multiregion_tap.discovery.Topology.format_table>` renders it, or with ``--json`` the
:meth:`~multiregion_tap.discovery.Topology.to_json` document. Credentials and endpoints come
from the usual boto3 chain (``AWS_PROFILE``, ``AWS_ACCESS_KEY_ID``, ``AWS_ENDPOINT_URL``, ...).
Each AWS call gives up after ``--timeout`` seconds (default 5) to connect or to answer, and is
tried twice, so an unreachable region fails in bounded time.

``status`` is the operator's view during a region outage
(``multiregion_tap.discovery.app_status``): per region whether it answers (each region is
first probed with one call of at most ``--timeout`` seconds, all regions at once; an
unreachable region is marked, not an error), the regional stack's status and role, which
database is the writer, each replica's lag, the DNS failover (``PRIMARY`` target,
``SECONDARY`` order, health checks), a warning when more than one region has a writer, and
the exact commands of the next runbook step.

Exit codes:

* ``0``: the app was found (in at least one of the regions; missing pieces are listed).
* ``1``: the app was not found: no stack of it in any region searched.
* ``2``: usage error: unknown command or option, a bad app name or region name.
* ``3``: AWS could not be asked: boto3 is not installed, no usable credentials, access
  denied, or a region's endpoint did not answer (``status``: no region answered at all).
* ``4``: ``status`` only: more than one reachable region has a writer database (the status is
  printed, with a warning).

Errors are one line on stderr, ``multiregion-tap: error: ...``, without a traceback.

Adding a command: write ``_add_<name>(commands)`` that adds a subparser (reusing
:func:`add_aws_options` for ``--regions`` and friends) and sets ``run`` to a function of the
parsed arguments that returns an exit code; call it from :func:`build_parser`. Raise
:class:`CommandError` for an expected failure.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from ..errors import ValidationError
from .aws import (
    INSTALL_HINT,
    ClientFactory,
    client_config,
    describe_aws_error,
    import_boto3,
    is_bad_region,
    session_factory,
)
from .model import AppNotFoundError
from .status import app_status
from .walk import discover

__all__ = [
    "EXIT_AWS_ERROR",
    "EXIT_FOUND",
    "EXIT_NOT_FOUND",
    "EXIT_TWO_WRITERS",
    "EXIT_USAGE",
    "CommandError",
    "add_aws_options",
    "build_parser",
    "main",
]

PROG = "multiregion-tap"

#: The app was found.
EXIT_FOUND = 0
#: No stack of the app in any region searched.
EXIT_NOT_FOUND = 1
#: Bad command line (argparse's own code for usage errors).
EXIT_USAGE = 2
#: AWS could not be asked: no boto3, no usable credentials, access denied, unreachable region.
EXIT_AWS_ERROR = 3
#: ``status``: more than one reachable region has a writer database.
EXIT_TWO_WRITERS = 4

#: Seconds to wait to connect to an AWS endpoint, and then for each response.
DEFAULT_TIMEOUT = 5.0

_EXIT_CODES_HELP = f"""\
exit codes:
  {EXIT_FOUND}  the app was found (missing pieces are listed as "not found")
  {EXIT_NOT_FOUND}  the app was not found: no stack of it in any region searched
  {EXIT_USAGE}  usage error: bad command, option, app name or region name
  {EXIT_AWS_ERROR}  AWS could not be asked: boto3 missing, no usable credentials, access
     denied, or a region's endpoint did not answer (status: no region answered)
  {EXIT_TWO_WRITERS}  status: more than one region has a writer database (warning printed)
"""


class CommandError(Exception):
    """An expected failure of a command: ``main`` prints the message and exits with ``code``."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


# ---------------------------------------------------------------------- the parser
def _region_list(text: str) -> list[str]:
    regions = [part.strip() for part in text.split(",")]
    if not text.strip() or any(not region for region in regions):
        raise argparse.ArgumentTypeError(
            f"expected region names separated by commas, such as us-east-1,us-east-2, got {text!r}"
        )
    return regions


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def add_aws_options(parser: argparse.ArgumentParser) -> None:
    """``--regions`` (required), ``--helper-regions`` and ``--timeout``: the options of every
    command that reads a deployed app."""
    parser.add_argument(
        "--regions",
        required=True,
        type=_region_list,
        metavar="REGION,...",
        help="the app's regions, primary first, separated by commas (us-east-1,us-east-2)",
    )
    parser.add_argument(
        "--helper-regions",
        type=_region_list,
        default=[],
        metavar="REGION,...",
        help="more regions to search for the app's helper stacks (DNS, peering, ...) when "
        "they live outside --regions",
    )
    parser.add_argument(
        "--timeout",
        type=_positive_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help="seconds to wait for an AWS endpoint to connect, and then to answer each call "
        f"(each call is tried twice, a status probe once; default: {DEFAULT_TIMEOUT:g})",
    )


def _add_discover(commands: Any) -> None:
    parser = commands.add_parser(
        "discover",
        help="print a deployed app's stacks and resources in every region",
        description="Find a deployed multiregion-tap app in every region from its stack outputs\n"
        "and tags, and print its topology as a table (or JSON).",
        epilog=_EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("app", metavar="APP", help="the app_name of the MultiRegionApp, e.g. shop")
    add_aws_options(parser)
    parser.add_argument(
        "--json",
        action="store_true",
        help="print the topology as JSON instead of a table",
    )
    parser.set_defaults(run=_run_discover)


def _add_status(commands: Any) -> None:
    parser = commands.add_parser(
        "status",
        help="during an outage: which region answers, which database is the writer, the DNS "
        "failover, and the next runbook step",
        description="The operator's view of a deployed app, also during a region outage: each\n"
        "region is probed once (at most --timeout seconds, all at once) and an unreachable\n"
        "region is marked, not an error. Prints per region its stack status, role, writer or\n"
        "replica (with its lag), the DNS failover and health checks, a warning when more than\n"
        "one region has a writer, and the exact commands of the next runbook step.",
        epilog=_EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("app", metavar="APP", help="the app_name of the MultiRegionApp, e.g. shop")
    add_aws_options(parser)
    parser.add_argument("--json", action="store_true", help="print the status (and 'next') as JSON")
    parser.set_defaults(run=_run_status)


def build_parser() -> argparse.ArgumentParser:
    """The ``multiregion-tap`` argument parser, one subparser per command."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Read a deployed multiregion-tap app in every region.\n\n"
        f"Needs boto3: {INSTALL_HINT}\n"
        "AWS credentials and endpoints come from the usual boto3 chain: AWS_PROFILE,\n"
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL, ...",
        epilog=_EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_discover(commands)
    _add_status(commands)
    return parser


# ---------------------------------------------------------------------- the commands
def _client_factory(timeout: float) -> ClientFactory:
    try:
        boto3 = import_boto3()
    except ImportError as error:
        raise CommandError(str(error), EXIT_AWS_ERROR) from error
    return session_factory(boto3.Session(), config=client_config(timeout=timeout))


def _run_discover(args: argparse.Namespace, out: TextIO) -> int:
    factory = _client_factory(args.timeout)
    try:
        topology = discover(
            args.app, args.regions, client_factory=factory, helper_regions=args.helper_regions
        )
    except AppNotFoundError as error:
        raise CommandError(str(error), EXIT_NOT_FOUND) from error
    except ValidationError as error:
        raise CommandError(str(error), EXIT_USAGE) from error
    out.write(topology.to_json() + "\n" if args.json else topology.format_table())
    return EXIT_FOUND


def _run_status(args: argparse.Namespace, out: TextIO) -> int:
    factory = _client_factory(args.timeout)
    try:
        status = app_status(
            args.app,
            args.regions,
            client_factory=factory,
            helper_regions=args.helper_regions,
            timeout=args.timeout,
        )
    except AppNotFoundError as error:
        raise CommandError(str(error), EXIT_NOT_FOUND) from error
    except ValidationError as error:
        raise CommandError(str(error), EXIT_USAGE) from error
    out.write(status.to_json() + "\n" if args.json else status.format_text())
    if not any(r.reachable for r in status.regional):
        raise CommandError("no region answered: see the status above", EXIT_AWS_ERROR)
    return EXIT_TWO_WRITERS if len(status.writers) > 1 else EXIT_FOUND


# ---------------------------------------------------------------------- main
def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"{PROG}: error: {' '.join(message.split())}\n")
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``multiregion-tap`` with ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    Output goes to stdout; an expected failure prints one line on stderr (see the module's
    exit codes); help and usage errors print what argparse prints.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help (0) or a usage error (2), already printed
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    run: Callable[[argparse.Namespace, TextIO], int] = args.run
    try:
        return run(args, sys.stdout)
    except CommandError as error:
        return _fail(str(error), error.code)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except Exception as error:
        if is_bad_region(error):
            return _fail(f"bad region name: {error}", EXIT_USAGE)
        described = describe_aws_error(error)
        if described is None:
            raise
        return _fail(described, EXIT_AWS_ERROR)


if __name__ == "__main__":  # pragma: no cover - python -m multiregion_tap.discovery.cli
    sys.exit(main())
