"""One home per rule: the props dataclasses, output suffixes, stack names, error paths and the
package's import graph, checked once for every construct."""

from __future__ import annotations

import ast
import dataclasses
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2

from multiregion_tap import (
    CrossRegionPeering,
    CrossRegionPeeringProps,
    FailoverDns,
    FailoverDnsProps,
    HealthCheckAlarms,
    HealthCheckAlarmsProps,
    MultiRegionApp,
    RegionalMonitoring,
    RegionalMonitoringProps,
    RegionalService,
    RegionalServiceProps,
    ReplicatedDatabase,
    ReplicatedDatabaseProps,
    StackNames,
    ValidationError,
)
from multiregion_tap.monitoring import (
    HEALTH_CHECK_ALARMS_APP_SUPPLIED,
    REGIONAL_MONITORING_APP_SUPPLIED,
)
from multiregion_tap.regional_service import PER_REGION_PARAMETERS

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "multiregion_tap"


# ------------------------------------------------------------------ props dataclasses
@pytest.mark.parametrize(
    ("construct", "props", "supplied"),
    [
        (RegionalService, RegionalServiceProps, PER_REGION_PARAMETERS),
        (ReplicatedDatabase, ReplicatedDatabaseProps, {"vpc", "allow_from"}),
        (CrossRegionPeering, CrossRegionPeeringProps, {"vpcs"}),
        (FailoverDns, FailoverDnsProps, {"primary_load_balancer", "secondary_load_balancers"}),
        (RegionalMonitoring, RegionalMonitoringProps, set(REGIONAL_MONITORING_APP_SUPPLIED)),
        (HealthCheckAlarms, HealthCheckAlarmsProps, set(HEALTH_CHECK_ALARMS_APP_SUPPLIED)),
    ],
    ids=lambda value: getattr(value, "__name__", "supplied"),
)
def test_props_dataclass_matches_the_constructor(
    construct: type, props: type, supplied: set[str]
) -> None:
    """What MultiRegionApp passes through is exactly the constructor's keyword-only props,
    with the same defaults, minus what the app supplies per region."""
    params = {
        name: p
        for name, p in inspect.signature(construct.__init__).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    }
    fields = {f.name: f for f in dataclasses.fields(props)}
    assert set(fields) == set(params) - supplied
    assert supplied <= set(params)
    for name, field in fields.items():
        default = params[name].default
        if default is inspect.Parameter.empty:
            assert field.default is dataclasses.MISSING, name
        else:
            assert field.default == default, name
    assert props.__dataclass_params__.frozen  # type: ignore[attr-defined]


# ------------------------------------------------------------------ output suffixes
def _stack() -> cdk.Stack:
    return cdk.Stack(cdk.App(), "S", env=cdk.Environment(region="us-east-1"))


def _service(suffix: str) -> Any:
    return RegionalService(_stack(), "Service", output_suffix=suffix)


def _database(suffix: str) -> Any:
    stack = _stack()
    return ReplicatedDatabase(stack, "Db", vpc=ec2.Vpc(stack, "Vpc"), output_suffix=suffix)


def _monitoring(suffix: str) -> Any:
    return RegionalMonitoring(_stack(), "Monitoring", output_suffix=suffix)


BUILDERS: dict[str, Callable[[str], Any]] = {
    "RegionalService": _service,
    "ReplicatedDatabase": _database,
    "RegionalMonitoring": _monitoring,
}


@pytest.mark.parametrize("builder", BUILDERS.values(), ids=BUILDERS.keys())
@pytest.mark.parametrize("suffix", ["Ü", "a-b", "a" * 33, "x y"])
def test_output_suffix_is_ascii_alphanumeric_everywhere(
    builder: Callable[[str], Any], suffix: str
) -> None:
    """The suffix ends a CloudFormation logical id, which is ASCII letters and digits only:
    'DatabaseIdentifierÜ' would be refused by CloudFormation on deploy."""
    with pytest.raises(
        ValidationError,
        match=rf"^output_suffix must be up to 32 ASCII letters and digits \(or empty\), "
        rf"got {suffix!r} \(at S/",
    ):
        builder(suffix)


# ------------------------------------------------------------------ stack names
def test_stack_names_are_the_published_contract() -> None:
    """Literal names, as the CDK CLI and discovery see them."""
    assert StackNames.regional("shop", "us-east-2") == "shop-us-east-2"
    assert StackNames.dns("shop") == "shop-dns"
    assert StackNames.peering("shop") == "shop-peering"
    assert StackNames.peering_routes("shop", "us-east-2") == "shop-peering-routes-us-east-2"
    assert StackNames.monitoring("shop") == "shop-monitoring"


# ------------------------------------------------------------------ errors name the path
def test_errors_name_the_construct_path_of_the_regional_copy() -> None:
    """An app builds one copy of each construct per region: the error says which one."""
    with pytest.raises(ValidationError) as caught:
        MultiRegionApp(
            cdk.App(),
            "Shop",
            app_name="shop",
            secondary_regions=["us-east-2"],
            vpc_cidrs={"us-east-1": "10.0.0.0/16", "us-east-2": "10.1.0.0/24"},
        )
    assert str(caught.value) == (
        "vpc_cidrs['us-east-2'] must have a prefix length between /16 and /20, "
        "got '10.1.0.0/24' (at Shop)"
    )
    with pytest.raises(ValidationError) as caught:
        RegionalService(_stack(), "Web", desired_count=0)
    assert caught.value.construct_path == "S/Web"
    assert caught.value.message.startswith("desired_count must be")
    assert str(caught.value).endswith(" (at S/Web)")


def test_errors_of_a_composed_construct_name_its_stack() -> None:
    with pytest.raises(ValidationError) as caught:
        MultiRegionApp(
            cdk.App(),
            "Shop",
            app_name="shop",
            service=RegionalServiceProps(health_check_path="health"),
        )
    # The first regional copy that refuses it, by its path: stack name, then construct id.
    assert caught.value.construct_path == "shop-us-east-1/Service"


# ------------------------------------------------------------------ import graph
def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(path: Path, module: str) -> set[str]:
    """Modules of the package that ``path`` imports when it runs (any depth, functions
    included; ``if TYPE_CHECKING:`` blocks excluded: they never run)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    is_package = path.name == "__init__.py"
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base if is_package else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.startswith("multiregion_tap"):
                found.add(target)
                for alias in node.names:  # `from . import naming` imports a module
                    found.add(f"{target}.{alias.name}")
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("multiregion_tap"))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: _runtime_imports(path, name) & set(modules) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected component with more than one module, or a self-import."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_the_package_has_no_import_cycle() -> None:
    graph = _graph()
    assert "multiregion_tap.multi_region_app" in graph
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_cycles() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"a"}}) == [["a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_constructs_do_not_know_their_composer() -> None:
    graph = _graph()
    composer = "multiregion_tap.multi_region_app"
    importers = sorted(
        name for name, targets in graph.items() if composer in targets and name != composer
    )
    # Only the package's public face re-exports it.
    assert importers in ([], ["multiregion_tap"])
