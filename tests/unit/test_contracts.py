"""One home per rule: the props dataclasses, output suffixes, stack names, error paths and the
package's import graph, checked once for every construct."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Template

import multiregion_tap
from multiregion_tap import (
    CrossRegionPeering,
    CrossRegionPeeringProps,
    FailoverDns,
    FailoverDnsProps,
    HealthCheckAlarms,
    HealthCheckAlarmsProps,
    MultiRegionApp,
    OutputNames,
    RegionalMonitoring,
    RegionalMonitoringProps,
    RegionalService,
    RegionalServiceProps,
    RegionRole,
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
from tools import import_graph


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


@pytest.mark.parametrize("suffix", ["", "Blue2", "Az09" * 8])
def test_output_suffix_of_up_to_32_letters_and_digits_ends_the_output_names(suffix: str) -> None:
    """Empty, mixed letters and digits, and the longest (32) are accepted and end the ids."""
    stack = cdk.Stack.of(_monitoring(suffix))
    outputs = Template.from_stack(stack).to_json()["Outputs"]
    assert set(outputs) == {f"AlarmTopicArn{suffix}", f"DashboardName{suffix}"}


# ------------------------------------------------------------------ stack names
def test_stack_names_are_the_published_contract() -> None:
    """Literal names, as the CDK CLI and discovery see them."""
    assert StackNames.regional("shop", "us-east-2") == "shop-us-east-2"
    assert StackNames.dns("shop") == "shop-dns"
    assert StackNames.peering("shop") == "shop-peering"
    assert StackNames.peering_routes("shop", "us-east-2") == "shop-peering-routes-us-east-2"
    assert StackNames.monitoring("shop") == "shop-monitoring"
    assert StackNames.peering_mesh("shop", "us-east-2") == "shop-peering-us-east-2"
    assert StackNames.dns_alarms("shop") == "shop-dns-alarms"
    assert StackNames.credentials("shop", "us-east-2") == "shop-credentials-us-east-2"


def test_output_names_are_the_published_contract() -> None:
    """Deployed apps are read by these exact output names (discovery, scripts, the docs'
    reference), in this order: renaming one breaks every reader of a deployed app."""
    assert OutputNames.all() == (
        "MultiRegionTapAppName",
        "MultiRegionTapRegion",
        "MultiRegionTapRegionRole",
        "VpcId",
        "VpcCidr",
        "RepositoryUri",
        "ClusterName",
        "ServiceName",
        "ServiceArn",
        "LoadBalancerArn",
        "LoadBalancerDnsName",
        "BlueTargetGroupArn",
        "GreenTargetGroupArn",
        "ServiceUrl",
        "DatabaseIdentifier",
        "DatabaseArn",
        "DatabaseEndpoint",
        "DatabasePort",
        "DatabaseSecretArn",
        "DatabaseSecretName",
        "DatabaseHistory",
        "AlarmTopicArn",
        "DashboardName",
        "HostedZoneId",
        "FailoverRecordName",
        "PeeringConnectionId",
    )
    assert (RegionRole.PRIMARY, RegionRole.SECONDARY, RegionRole.GLOBAL) == (
        "primary",
        "secondary",
        "global",
    )


# ------------------------------------------------------------------ star imports
def test_star_import_of_every_module_gives_each_name_of_its_all() -> None:
    """``from multiregion_tap.<module> import *`` works and gives what ``__all__`` lists: a
    misspelled or stale name there makes the star import raise AttributeError."""
    checked = []
    for info in pkgutil.walk_packages(multiregion_tap.__path__, "multiregion_tap."):
        module = importlib.import_module(info.name)
        public = getattr(module, "__all__", None)
        if public is None:
            continue
        namespace: dict[str, Any] = {}
        exec(f"from {info.name} import *", namespace)
        for name in public:
            assert namespace[name] is getattr(module, name), (info.name, name)
        checked.append(info.name)
    # The modules whose __all__ is the contract of their names, at least.
    assert {
        "multiregion_tap.errors",
        "multiregion_tap.outputs",
        "multiregion_tap._private.app_context",
    } <= set(checked)
    assert multiregion_tap.errors.ValidationError is ValidationError


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
def test_the_package_has_no_import_cycle() -> None:
    edges = import_graph.graph()
    assert "multiregion_tap.multi_region_app" in edges
    assert import_graph.cycles(edges) == []


def test_the_cycle_finder_finds_cycles() -> None:
    cycles = import_graph.cycles
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"a"}}) == [["a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_type_checking_imports_are_not_runtime_imports(tmp_path: Path) -> None:
    package = tmp_path / "multiregion_tap"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import b\n"
        "def f():\n    from .c import x\n"
    )
    (package / "b.py").write_text("from .a import f\n")
    (package / "c.py").write_text("x = 1\n")
    assert import_graph.graph(package)["multiregion_tap.a"] == {"multiregion_tap.c"}


def test_constructs_do_not_know_their_composer() -> None:
    edges = import_graph.graph()
    composer = "multiregion_tap.multi_region_app"
    importers = sorted(name for name, targets in edges.items() if composer in targets)
    # Only the package's public face re-exports it (lazily, through importlib, so not even).
    assert importers in ([], ["multiregion_tap"])


def test_no_source_file_is_long_without_a_reason() -> None:
    """About 700 lines at most, unless the module says at its top why it is longer."""
    for module in import_graph.modules().values():
        if module.lines > 700:
            doc = module.path.read_text().split('"""', 2)[1]
            assert "Why this module is long:" in doc, (module.name, module.lines)
