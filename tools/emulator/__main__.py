"""``python -m tools.emulator serve|deploy|faults`` (see ``--help``)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.emulator", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run moto + the compat layer on 127.0.0.1 until SIGTERM")
    serve.add_argument("--port", type=int, required=True)
    deploy = sub.add_parser(
        "deploy", help="start the emulator, bootstrap, deploy a CDK app, tear down"
    )
    deploy.add_argument("app_dir", type=Path)
    deploy.add_argument(
        "--stacks", nargs="*", default=None, help="stack selectors (default: --all)"
    )
    deploy.add_argument("--regions", nargs="*", default=["us-east-1", "us-east-2"])
    deploy.add_argument("--outputs-file", type=Path, default=None)
    faults = sub.add_parser(
        "faults", help="switch region outages of a running emulator; print switches and counts"
    )
    faults.add_argument("--port", type=int, required=True)
    faults.add_argument("--down", nargs="*", default=[], metavar="REGION")
    faults.add_argument("--up", nargs="*", default=[], metavar="REGION")
    faults.add_argument("--route53", choices=["down", "up"], default=None)
    faults.add_argument("--mode", choices=["drop", "unavailable"], default=None)
    faults.add_argument("--clear", action="store_true", help="all faults off, counts zeroed")
    args = parser.parse_args(argv)
    if args.command == "serve":
        from .server import serve as run

        run(args.port)
        return 0
    if args.command == "faults":
        return _faults(args)
    from .deploy import deploy_app

    result = deploy_app(
        args.app_dir, stacks=args.stacks, regions=args.regions, outputs_file=args.outputs_file
    )
    json.dump({"outputs": result.outputs, "timings": result.timings}, sys.stdout, indent=2)
    print()
    return 0


def _faults(args: argparse.Namespace) -> int:
    from .server import EmulatorServer

    server = EmulatorServer(port=args.port)
    if args.clear:
        server.clear_faults()
    for region in args.down:
        server.region_down(region)
    changes: dict[str, object] = {}
    if args.up:
        changes["regions_up"] = args.up
    if args.route53 is not None:
        changes["route53_control_plane_down"] = args.route53 == "down"
    if args.mode is not None:
        changes["mode"] = args.mode
    if changes:
        server.set_faults(**changes)
    calls = [
        {"region": region, "service": service, **counts}
        for (region, service), counts in sorted(server.calls().items())
    ]
    json.dump({"faults": server.faults(), "calls": calls}, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
