"""``import multiregion_tap.discovery`` is light (no aws-cdk-lib, jsii, constructs or boto3;
under half a second in a fresh interpreter), and the package ``__init__`` exports every
public name lazily (PEP 562) without changing what the names are."""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import subprocess
import sys
import typing
from pathlib import Path

import pytest

import multiregion_tap
import multiregion_tap.discovery as discovery

PACKAGE = Path(multiregion_tap.__file__).parent
HEAVY = ("aws_cdk", "jsii", "constructs", "boto3", "botocore")
#: The issue's budget for ``import multiregion_tap.discovery``, in seconds.
BUDGET = 0.5

PROBE = """
import json, sys, time
started = time.perf_counter()
import {module}
elapsed = time.perf_counter() - started
{touch}
print(json.dumps({{"seconds": elapsed, "loaded": sorted(
    name for name in {heavy!r} if name in sys.modules)}}))
"""


def probe(module: str, touch: str = "") -> dict[str, typing.Any]:
    """Import ``module`` in a fresh interpreter; what it took and which heavy packages it
    loaded (after running ``touch``)."""
    code = PROBE.format(module=module, touch=touch, heavy=HEAVY)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    data: dict[str, typing.Any] = json.loads(result.stdout.splitlines()[-1])
    return data


def test_discovery_imports_without_cdk_jsii_or_boto3_in_half_a_second() -> None:
    # The first run may write bytecode caches; timing noise on a shared machine gets retries.
    timings = []
    for _ in range(4):
        found = probe("multiregion_tap.discovery")
        assert found["loaded"] == [], f"import multiregion_tap.discovery loaded {found['loaded']}"
        timings.append(found["seconds"])
        if found["seconds"] < BUDGET:
            break
    assert min(timings) < BUDGET, f"import took {timings} s"


def test_cli_module_and_package_names_stay_light() -> None:
    assert probe("multiregion_tap.discovery.cli")["loaded"] == []
    light = "multiregion_tap.OutputNames, multiregion_tap.RegionRole, multiregion_tap.__version__"
    assert probe("multiregion_tap", touch=light)["loaded"] == []


#: aws-cdk-lib modules that only some configurations use: a certificate (an HTTPS listener),
#: CodeDeploy mode, a web ACL, alarm subscribers. The package names them in annotations
#: only; the code that creates one imports its module then (only import what is used).
ON_DEMAND = (
    "aws_cdk.aws_certificatemanager",
    "aws_cdk.aws_codedeploy",
    "aws_cdk.aws_sns_subscriptions",
    "aws_cdk.aws_wafv2",
)
#: Every public name, then the default two-region app built (not synthesized).
DEFAULT_APP = """
import aws_cdk as cdk
import multiregion_tap
for name in multiregion_tap.__all__:
    getattr(multiregion_tap, name)
multiregion_tap.MultiRegionApp(cdk.App(), "App", app_name="lazy", primary_region="us-east-1",
    secondary_regions=["us-east-2"], account="123456789012", database=True)
"""


def test_modules_only_some_configurations_use_load_only_with_them() -> None:
    probe = DEFAULT_APP + (
        f"print(json.dumps(sorted(m for m in {ON_DEMAND!r} if m in sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", "import json, sys\n" + probe],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(result.stdout.splitlines()[-1]) == []


# ---------------------------------------------------------------------- the lazy package
def _type_checking_imports() -> dict[str, str]:
    """Name -> module of the ``if TYPE_CHECKING:`` imports of the package ``__init__``."""
    tree = ast.parse((PACKAGE / "__init__.py").read_text())
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    )
    names = {}
    for node in ast.walk(block):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                names[alias.asname or alias.name] = "." * node.level + (node.module or "")
    return names


def test_lazy_map_type_checking_imports_and_all_agree() -> None:
    lazy = multiregion_tap._LAZY
    assert sorted(lazy) == sorted(set(multiregion_tap.__all__) - {"__version__"})
    assert _type_checking_imports() == lazy


@pytest.mark.parametrize("name", sorted(multiregion_tap._LAZY))
def test_every_public_name_is_the_object_its_module_defines(name: str) -> None:
    module = importlib.import_module(multiregion_tap._LAZY[name], "multiregion_tap")
    assert getattr(multiregion_tap, name) is getattr(module, name)
    assert name in dir(multiregion_tap)


def test_region_role_is_one_class_everywhere() -> None:
    from multiregion_tap.multi_region_app import RegionRole as FromApp
    from multiregion_tap.outputs import RegionRole as FromOutputs

    assert multiregion_tap.RegionRole is FromOutputs is FromApp


def test_star_import_version_and_unknown_names() -> None:
    namespace: dict[str, typing.Any] = {}
    exec("from multiregion_tap import *", namespace)
    assert set(multiregion_tap.__all__) <= set(namespace)
    assert isinstance(multiregion_tap.__version__, str) and multiregion_tap.__version__
    with pytest.raises(AttributeError, match="module 'multiregion_tap' has no attribute 'Nope'"):
        multiregion_tap.Nope  # noqa: B018


def test_version_is_the_installed_distributions(monkeypatch: pytest.MonkeyPatch) -> None:
    """``__version__`` is the version pip installed (the distribution ``multiregion-tap``),
    and ``0+unknown`` when the package runs from a tree nobody installed."""
    from importlib import metadata

    installed = metadata.version("multiregion-tap")
    assert installed != "0+unknown"
    assert multiregion_tap._version() == installed
    assert multiregion_tap.__version__ == installed

    def not_installed(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", not_installed)
    assert multiregion_tap._version() == "0+unknown"


# ---------------------------------------------------------------------- discovery's names
def test_discovery_names_live_under_the_package_and_keep_their_type_hints() -> None:
    for name in discovery.__all__:
        value = getattr(discovery, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert value.__module__ == "multiregion_tap.discovery", name
        if inspect.isclass(value):
            typing.get_type_hints(value)  # resolves in the package's namespace


def test_discovery_modules_stay_small_and_pure() -> None:
    for path in sorted((PACKAGE / "discovery").glob("*.py")):
        source = path.read_text()
        assert len(source.splitlines()) <= 700, path.name
        nodes = list(ast.walk(ast.parse(source)))
        from_package = {
            n.module or "" for n in nodes if isinstance(n, ast.ImportFrom) and n.level == 2
        }
        # From the rest of the package, discovery takes only the pure-Python contract.
        assert from_package <= {"outputs", "errors"}, (path.name, from_package)
        absolute = {n.module or "" for n in nodes if isinstance(n, ast.ImportFrom) and not n.level}
        absolute |= {a.name for n in nodes if isinstance(n, ast.Import) for a in n.names}
        top = {name.split(".")[0] for name in absolute}
        assert not top & {"multiregion_tap", *HEAVY}, (path.name, top)
