"""``python -m tools.emulator serve|deploy`` (see ``--help``)."""

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
    args = parser.parse_args(argv)
    if args.command == "serve":
        from .server import serve as run

        run(args.port)
        return 0
    from .deploy import deploy_app

    result = deploy_app(
        args.app_dir, stacks=args.stacks, regions=args.regions, outputs_file=args.outputs_file
    )
    json.dump({"outputs": result.outputs, "timings": result.timings}, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
