"""The synth benchmark (bench/run.py) runs and emits its report, so it cannot rot.

One repetition of the example app with validation off, no warm-up, and one synth of the
scaling app at each of 2, 4, 8 and 12 regions: a smoke test of the script's plumbing
(subprocess synth, memory sampling, assembly facts, deploy waves, scaling table, report
rendering), not a measurement. Times are only checked to be positive (the machine is shared);
counts are exact.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench" / "run.py"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


@pytest.mark.slow
def test_benchmark_quick_run_emits_its_report(tmp_path: Path) -> None:
    out_json, out_md = tmp_path / "report.json", tmp_path / "report.md"
    result = subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--repetitions",
            "1",
            "--apps",
            "example",
            "--validation",
            "off",
            "--no-warmup",
            "--scaling",
            "--scaling-repetitions",
            "1",
            # The smallest and the largest size of the guide's table (2, 4, 8, 12): the sizes
            # between them take the same path and 8 s more.
            "--scaling-sizes",
            "2,12",
            "--json",
            str(out_json),
            "--markdown",
            str(out_md),
        ],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr

    report = json.loads(out_json.read_text())
    assert list(report) == [
        "machine",
        "settings",
        "runs",
        "summary",
        "ratios",
        "stacks",
        "waves",
        "targets",
        "scaling",
    ]
    assert {"cores", "memory_gib", "python", "node", "aws-cdk-lib", "load_before"} <= set(
        report["machine"]
    )
    assert report["machine"]["node"].startswith("v")
    (run,) = report["runs"]
    assert run["app"] == "example" and run["validation"] is False
    assert run["wall_s"] > 0 and run["cpu_s"] > 0 and run["peak_rss_mb"] > 0
    summary = report["summary"]["example/off"]
    assert summary["wall_s"]["n"] == 1
    assert summary["wall_s"]["median"] == pytest.approx(run["wall_s"])

    stacks = {s["stack"]: s for s in report["stacks"]["example"]}
    assert set(stacks) == {
        "shop-us-east-1",
        "shop-us-east-2",
        "shop-peering",
        "shop-peering-routes-us-east-2",
        "shop-dns",
        "shop-dns-alarms",
        "shop-monitoring",
        "shop-credentials-us-east-2",
    }
    for stack in stacks.values():
        assert 0 < stack["resources"] < 500
        assert 0 < stack["template_bytes"] < 1_000_000
    assert stacks["shop-us-east-2"]["depends_on"] == ["shop-us-east-1"]

    waves = report["waves"]
    example_waves = waves["example (`MultiRegionApp.deploy_waves()`)"]
    assert example_waves[0] == ["shop-us-east-1"]
    assert len(example_waves) == 4  # the replica waits for the primary database
    default_waves = waves["default two-region `MultiRegionApp`"]
    assert len(default_waves) <= 3
    assert report["targets"]["default app deploy waves <= 3"]["holds"] is True

    markdown = out_md.read_text()
    assert markdown.startswith("<!-- bench:begin")
    for heading in ("### Synth time and memory", "### Stacks against", "### Deploy waves"):
        assert heading in markdown
    assert "| (c) example via MultiRegionApp | off |" in markdown
    assert "<!-- bench:scaling:begin" in markdown and "<!-- bench:scaling:end -->" in markdown

    # The scaling table: the sizes asked for, exact counts, positive times.
    scaling = report["scaling"]
    assert scaling["validation"] is False and scaling["repetitions"] == 1
    assert scaling["peering"] == "mesh"
    rows = {row["regions"]: row for row in scaling["rows"]}
    assert list(rows) == [2, 12]
    regions = scaling["regions_in_order"]
    assert (
        len(regions) == 12
        and len(set(regions)) == 12
        and regions[:2]
        == [
            "us-east-1",
            "us-east-2",
        ]
    )
    for n, row in rows.items():
        assert row["region_list"] == regions[:n]
        # Per region its regional stack; per secondary its credentials and peering-routes
        # stacks and, from three regions on, its peering-mesh stack; plus peering, dns,
        # dns-alarms and monitoring.
        mesh = n - 1 if n >= 3 else 0
        assert row["stack_count"] == n + 3 * (n - 1) - (n - 1 - mesh) + 4
        names = {s["stack"] for s in row["stacks"]}
        assert {f"scale-{r}" for r in regions[:n]} <= names
        assert {"scale-peering", "scale-dns", "scale-dns-alarms", "scale-monitoring"} <= names
        assert sorted(s for wave in row["waves"] for s in wave) == sorted(names)
        assert row["waves"][0] == ["scale-us-east-1"] and row["wave_count"] == len(row["waves"])
        # Every regional stack is the same whatever the region count: the example's.
        assert row["regional_stack_resources"] == {
            r: stacks["shop-us-east-1" if r == "us-east-1" else "shop-us-east-2"]["resources"]
            for r in regions[:n]
        }
        for stack in row["stacks"]:
            assert 0 < stack["resources"] < 500, stack
            assert 0 < stack["template_bytes"] < 1_000_000, stack
            assert stack["outputs"] < 200 and stack["parameters"] < 200, stack
        assert row["wall_s"] > 0 and row["cpu_s"] > 0 and row["peak_rss_mb"] > 0
        assert row["wall_s_per_region"] == pytest.approx(row["wall_s"] / n)
    assert rows[12]["stack_count"] == 49
    assert rows[2]["wave_count"] == 4
    assert rows[2]["wall_s_per_added_region"] is None
    assert rows[12]["wall_s_per_added_region"] is not None
    # Flat enough to survive a busy machine: a region of the 12-region app costs at most twice
    # the CPU time of a region of the 2-region app (which also carries the start-up).
    assert rows[12]["cpu_s_per_region"] <= 2 * rows[2]["cpu_s_per_region"]
    assert "| 12 | 49 |" in markdown


def test_write_docs_replaces_only_the_generated_block(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("mrt_bench_run", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench  # its dataclasses look their module up
    spec.loader.exec_module(bench)
    page = tmp_path / "performance.md"
    page.write_text(
        f"# Performance\n\nintro\n\n{bench.BEGIN_MARK}\nold\n{bench.END_MARK}\n\n## Notes\nkept\n"
    )
    bench.write_docs(f"{bench.BEGIN_MARK}\nnew\n{bench.END_MARK}\n", page)
    text = page.read_text()
    assert "old" not in text
    assert "intro" in text and "new" in text and "## Notes\nkept" in text
    bench.write_docs(
        f"{bench.SCALING_BEGIN_MARK}\nscaled\n{bench.SCALING_END_MARK}\n",
        page,
        begin=bench.SCALING_BEGIN_MARK,
        end=bench.SCALING_END_MARK,
    )
    text = page.read_text()
    assert "new" in text and text.endswith(f"scaled\n{bench.SCALING_END_MARK}\n")
    bench.write_docs(
        f"{bench.SCALING_BEGIN_MARK}\nrescaled\n{bench.SCALING_END_MARK}\n",
        page,
        begin=bench.SCALING_BEGIN_MARK,
        end=bench.SCALING_END_MARK,
    )
    text = page.read_text()
    assert "rescaled" in text and "scaled\n" not in text.replace("rescaled", "")
    assert "new" in text and "## Notes\nkept" in text
    assert bench.waves_of({"a": [], "b": ["a"], "c": ["a"], "d": ["b", "c"]}) == [
        ["a"],
        ["b", "c"],
        ["d"],
    ]


def _load_deploy_waves() -> object:
    spec = importlib.util.spec_from_file_location(
        "deploy_waves", ROOT / "bench" / "deploy_waves.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_deploy_waves_reads_the_waves_from_the_manifest_and_renders_them(tmp_path: Path) -> None:
    """bench/deploy_waves.py: the waves from an assembly's manifest (stack artifacts only,
    asset manifests left out) and the table of the guide."""
    waves = _load_deploy_waves()
    artifacts = {
        "a": {"type": "aws:cloudformation:stack", "dependencies": ["a.assets"]},
        "a.assets": {"type": "cdk:asset-manifest"},
        "b": {"type": "aws:cloudformation:stack", "dependencies": ["a", "b.assets"]},
        "b.assets": {"type": "cdk:asset-manifest"},
        "c": {"type": "aws:cloudformation:stack", "dependencies": ["a"]},
        "d": {"type": "aws:cloudformation:stack", "dependencies": ["b", "c"]},
    }
    (tmp_path / "manifest.json").write_text(json.dumps({"artifacts": artifacts}))
    assert waves.assembly_waves(tmp_path) == [["a"], ["b", "c"], ["d"]]  # type: ignore[attr-defined]
    text = waves.markdown(  # type: ignore[attr-defined]
        {
            "steps": {"start": 1.0, "bootstrap": 2.0, "synth": 3.0},
            "concurrency": 4,
            "load": [[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]],
            "waves": [{"stacks": ["a"], "seconds": 5.25}, {"stacks": ["b", "c"], "seconds": 2}],
        }
    )
    assert "| 1 | `a` | 5.2 s |" in text and "| 2 | `b`, `c` | 2.0 s |" in text
    assert "All waves: 7.2 s." in text
    assert text.startswith(waves.BEGIN) and text.rstrip().endswith(waves.END)  # type: ignore[attr-defined]


#: The pages that show the benchmark's commands.
BENCH_PAGES = (
    ROOT / "docs" / "guides" / "performance.md",
    ROOT / "bench" / "README.md",
    ROOT / "README.md",
)
_BENCH_COMMAND = re.compile(
    r"PATH=\$PWD/\.venv/bin:\$PATH \.venv/bin/python (bench/[a-z_]+\.py)([^`\n#]*)"
)


def documented_bench_commands() -> list[tuple[str, str, tuple[str, ...]]]:
    """``(page, script, arguments)`` of every bench command line (or inline command) the
    pages show, each once per page."""
    found = set()
    for page in BENCH_PAGES:
        for match in _BENCH_COMMAND.finditer(page.read_text()):
            script, argv = match.group(1), tuple(shlex.split(match.group(2)))
            found.add((page.relative_to(ROOT).as_posix(), script, argv))
    return sorted(found)


BENCH_COMMANDS = documented_bench_commands()


def _load_script(relative: str) -> ModuleType:
    path = ROOT / relative
    spec = importlib.util.spec_from_file_location(f"mrt_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_pages_show_every_bench_script() -> None:
    assert {script for _, script, _ in BENCH_COMMANDS} == {
        "bench/run.py",
        "bench/profile_synth.py",
        "bench/deploy_waves.py",
    }
    assert {page for page, _, _ in BENCH_COMMANDS} == {
        "docs/guides/performance.md",
        "bench/README.md",
        "README.md",
    }


@pytest.mark.parametrize(
    ("page", "script", "argv"),
    BENCH_COMMANDS,
    ids=[f"{page}:{script} {shlex.join(argv)}".strip() for page, script, argv in BENCH_COMMANDS],
)
def test_every_documented_bench_command_parses(
    page: str, script: str, argv: tuple[str, ...]
) -> None:
    """Each line's options are the script's (the runs themselves are too slow for the suite,
    or rewrite the guide: the smoke test above runs bench/run.py's code paths)."""
    parser = _load_script(script).build_parser()
    errors = io.StringIO()
    with contextlib.redirect_stderr(errors):
        try:
            parser.parse_args(list(argv))
        except SystemExit:
            pytest.fail(f"{page}: `{script} {shlex.join(argv)}` is refused: {errors.getvalue()}")


#: The jsii round trips a synth of each profiled app may make: the performance guide reports
#: 1405 for the example and 9919 for the scaling app at 12 regions (15 559 while the peering
#: mesh read every VPC's route tables once per peer). Counts are exact, not timings: a change
#: that adds round trips per resource or per region pair fails here, not in a benchmark run.
ROUND_TRIP_BUDGET = {"example": 1450, "scaling": 10_250}


@pytest.mark.slow
def test_the_documented_profile_commands_run() -> None:
    """The profiler's lines of the pages, as written (through ``/bin/sh`` at the repository's
    root, ``.venv`` first on PATH): each profiles its app and reports its round trips, within
    :data:`ROUND_TRIP_BUDGET`."""
    lines = sorted(
        {
            f"PATH=$PWD/.venv/bin:$PATH .venv/bin/python {script} {shlex.join(argv)}".strip()
            for _, script, argv in BENCH_COMMANDS
            if script == "bench/profile_synth.py"
        }
    )
    assert len(lines) == 2, lines
    for line in lines:
        result = subprocess.run(
            ["/bin/sh", "-c", line],
            cwd=ROOT,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, f"{line}:\n{result.stderr[-3000:]}"
        app = shlex.split(line)[3]
        assert f"in-process run of {app}:" in result.stdout, line
        trips = re.search(r"^jsii round trips: (\d+)$", result.stdout, re.M)
        assert trips is not None, line
        assert 1000 < int(trips.group(1)) <= ROUND_TRIP_BUDGET[app], (
            f"{line}: {trips.group(0)}, the budget is {ROUND_TRIP_BUDGET[app]} (update the "
            "performance guide's counts with the budget)"
        )
        assert "per call site, by time in round trips (ms):" in result.stdout, line


@pytest.mark.parametrize("cache", [True, False])
def test_the_bytecode_setting_decides_where_python_reads_bytecode(cache: bool) -> None:
    """With the cache, the app's processes read and write ``.pyc`` files in the bench's own
    prefix; without it, in an empty prefix they never write, so every module is compiled
    (the ``.pyc`` files ``tools/dev.py setup`` compiled into ``.venv`` are not read)."""
    bench = _load_script("bench/run.py")
    env = bench.app_environment(bench.APPS["empty"], ROOT, validation=False, bytecode_cache=cache)
    probe = (
        "import importlib.util, json, sys; spec = importlib.util.find_spec('aws_cdk'); "
        "print(json.dumps([spec.cached, sys.dont_write_bytecode]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60
    )
    cached, dont_write = json.loads(result.stdout)
    prefix = bench.PYCACHE if cache else bench.NO_PYCACHE
    assert Path(cached).is_relative_to(prefix)
    assert dont_write is not cache
    if not cache:
        assert not Path(cached).exists()


def test_the_scaling_app_without_the_mesh(tmp_path: Path) -> None:
    """``--scaling-peering hub``: the scaling app with ``mesh=False`` at three regions (96 n - 5
    resources in 3 n + 2 stacks, 4 waves, no mesh stack), rendered into its own block."""
    bench = _load_script("bench/run.py")
    result = bench.scaling(
        sizes=[3], repetitions=1, workdir=tmp_path, warmup=False, progress=False, peering="hub"
    )
    (row,) = result["rows"]
    names = {stack["stack"] for stack in row["stacks"]}
    assert (row["resources"], row["stack_count"], row["wave_count"]) == (283, 11, 4)
    assert "scale-peering-us-east-2" not in names and "scale-peering" in names
    assert result["peering"] == "hub" and "(`mesh=False`)" in result["app"]
    block = bench.scaling_markdown(result)
    begin, end = bench.SCALING_MARKS["hub"]
    assert block.startswith(begin) and block.rstrip().endswith(end)
    assert "| 3 | 11 | 4 | 283 |" in block
    with pytest.raises(ValueError, match="peering must be one of"):
        bench.scaling(sizes=[2], repetitions=1, workdir=tmp_path, peering="star")
    errors = io.StringIO()
    with contextlib.redirect_stderr(errors), pytest.raises(SystemExit):
        # (without the check this would be a quick run of the empty app, and no exit)
        quick = ["--apps", "empty", "--repetitions", "1", "--validation", "off", "--no-waves"]
        bench.main(["--scaling-peering", "hub", *quick, "--no-warmup"])
    assert "--scaling-peering needs --scaling or --scaling-only" in errors.getvalue()
    refused = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "scaling_app.py")],
        env={**_env(), "BENCH_PEERING": "star"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 1
    assert refused.stderr.strip().endswith("BENCH_PEERING must be mesh or hub, got 'star'")
