#!/usr/bin/env python3
"""Where does synth time go? Profile one app in-process and count jsii round trips.

    .venv/bin/python bench/profile_synth.py [example|handwritten|empty] [--top 25] [--validation]
    .venv/bin/python bench/profile_synth.py scaling --regions 12

Runs the app script in this process (``runpy``) with every call of jsii's kernel
(``create``, ``invoke``, ``get``, ``set``, static variants ...) counted and attributed to the
first stack frame outside jsii, aws_cdk and constructs: the library module and line that
caused the round trip. Prints the cProfile top functions (cumulative), then the round trips
per module and per call site. Needs Node on PATH (``.venv/bin``).
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import io
import os
import pstats
import runpy
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import (  # noqa: E402
    APPS,
    NO_PYCACHE,
    PYCACHE,
    SCALING_APP,
    SCALING_REGIONS,
    app_environment,
    scaling_context,
)

_KERNEL_METHODS = ("create", "invoke", "get", "set", "sinvoke", "sget", "sset", "ainvoke", "delete")
_SKIP = ("/jsii/", "/aws_cdk/", "/constructs/", "/typeguard/", "<frozen", "/runpy.py", __file__)


def _caller() -> tuple[str, str]:
    frame = sys._getframe(2)
    if frame is None:
        return "(jsii internal)", "(jsii internal)"
    while frame is not None and any(s in frame.f_code.co_filename for s in _SKIP):
        frame = frame.f_back
    if frame is None:
        return "(jsii internal)", "(jsii internal)"
    filename = frame.f_code.co_filename
    try:
        rel = str(Path(filename).resolve().relative_to(ROOT))
    except ValueError:
        rel = filename
    return rel, f"{rel}:{frame.f_lineno} ({frame.f_code.co_name})"


def count_round_trips() -> tuple[
    collections.Counter[str], collections.Counter[str], collections.Counter[str], Any
]:
    """Wrap the jsii kernel; return (per module, per call site) counters, the seconds spent
    in round trips per call site (a nested round trip, from a callback, counts in both) and
    an undo."""
    # The generated bindings call ``jsii.create``/``jsii.invoke``/... (bound methods of the
    # kernel, captured when jsii was imported); jsii itself calls ``kernel.<method>``. Wrap
    # both: each round trip goes through exactly one of them.
    import jsii
    from jsii._kernel import Kernel

    per_module: collections.Counter[str] = collections.Counter()
    per_site: collections.Counter[str] = collections.Counter()
    seconds: collections.Counter[str] = collections.Counter()
    patched: list[tuple[Any, str, Any]] = []

    def wrap(name: str, fn: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            module, site = _caller()
            per_module[f"{module} [{name}]"] += 1
            per_site[site] += 1
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                seconds[site] += time.perf_counter() - start

        return wrapper

    for name in _KERNEL_METHODS:
        for owner in (jsii, Kernel):
            fn = getattr(owner, name, None)
            if fn is not None:
                patched.append((owner, name, fn))
                setattr(owner, name, wrap(name, fn))

    def undo() -> None:
        for owner, name, fn in patched:
            setattr(owner, name, fn)

    return per_module, per_site, seconds, undo


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``bench/profile_synth.py`` (a test runs the lines the docs show)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("app", nargs="?", default="example", choices=[*sorted(APPS), "scaling"])
    parser.add_argument(
        "--regions",
        type=int,
        default=2,
        help=f"the scaling app's region count (2 to {len(SCALING_REGIONS)}; default 2)",
    )
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--validation", action="store_true", help="keep CDK_VALIDATION on")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="compile every imported module (as a virtualenv built without bytecode, with "
        "PYTHONDONTWRITEBYTECODE=1)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.no_bytecode_cache:
        # An empty prefix that nothing is written to: every module is compiled.
        sys.dont_write_bytecode = True
        sys.pycache_prefix = str(NO_PYCACHE)
    else:
        # Use (and fill) the benchmark's bytecode cache: compile time is not synth time.
        sys.dont_write_bytecode = False
        sys.pycache_prefix = str(PYCACHE)

    outdir = Path(tempfile.mkdtemp(prefix="mrt-profile-"))
    if args.app == "scaling":
        if not 2 <= args.regions <= len(SCALING_REGIONS):
            parser.error(f"--regions must be 2 to {len(SCALING_REGIONS)}, got {args.regions}")
        app = SCALING_APP
        regions = SCALING_REGIONS[: args.regions]
        env = app_environment(
            app,
            outdir,
            validation=args.validation,
            context=scaling_context(regions),
            extra_env={"BENCH_REGIONS": " ".join(regions)},
        )
    else:
        app = APPS[args.app]
        env = app_environment(app, outdir, validation=args.validation)
    os.environ.update(env)
    sys.path.insert(0, str(app.script.parent))
    os.chdir(app.script.parent)

    per_module, per_site, seconds, undo = count_round_trips()
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    runpy.run_path(str(app.script), run_name="__main__")
    profiler.disable()
    elapsed = time.perf_counter() - start
    undo()

    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(args.top)
    print(out.getvalue())
    print(f"in-process run of {args.app}: {elapsed:.2f} s (under cProfile)")
    print(f"jsii round trips: {sum(per_module.values())}")
    print("\nper module [kernel call]:")
    for key, n in per_module.most_common(30):
        print(f"  {n:6d}  {key}")
    print("\nper call site:")
    for key, n in per_site.most_common(args.top):
        print(f"  {n:6d}  {key}")
    print("\nper call site, by time in round trips (ms):")
    for key, t in seconds.most_common(args.top):
        print(f"  {t * 1000:8.1f}  {per_site[key]:5d}  {key}")
    print(f"  {sum(seconds.values()) * 1000:8.1f}  total (nested round trips counted twice)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
