"""Pictures of what an app deploys, drawn from its synthesized cloud assembly.

Nothing here is drawn by hand: an app is synthesized in a subprocess (``tools/synth.py``,
cached under ``docs/_build/assemblies`` by a hash of everything that shapes it), its
``manifest.json`` gives the stacks, their regions (``environment``) and dependencies (flat or
nested assemblies alike), and the templates give what runs in each region. Two pictures,
as self-contained SVG (no script, no web font, no external reference):

* :func:`render_stacks_svg`: one column per deploy wave, a box per stack (region, role,
  resource count), an arrow from each stack to the stacks that deploy after it.
* :func:`render_topology_svg`: one panel per region (load balancer, service, database,
  image repository, VPC) and the links between regions: the failover records of the DNS
  stack, database replication, VPC peering and image replication.

Every drawn stack, region and link carries ``data-*`` attributes (``data-stack``,
``data-region``, ``data-edge``, ``data-link``) so tests can read the picture back and compare
it with the assembly.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.synth import synth_app  # noqa: E402

EXAMPLE = ROOT / "examples" / "shop"
#: Where synthesized assemblies are kept between builds (``/docs/_build/`` is git-ignored).
CACHE = Path(os.environ.get("MRT_DOCS_ASSEMBLY_CACHE", ROOT / "docs" / "_build" / "assemblies"))

#: Output names every stack of a MultiRegionApp carries (multiregion_tap.OutputNames; kept
#: as strings so reading an assembly needs no jsii kernel).
APP_NAME_OUTPUT = "MultiRegionTapAppName"
ROLE_OUTPUT = "MultiRegionTapRegionRole"
VPC_CIDR_OUTPUT = "VpcCidr"


# --------------------------------------------------------------------------- the apps drawn
@dataclass(frozen=True)
class AppSpec:
    """An app the documentation draws: a directory with ``app.py`` and extra context."""

    key: str
    title: str
    app_dir: Path = EXAMPLE
    context: Mapping[str, Any] = field(default_factory=dict)


APPS: dict[str, AppSpec] = {
    spec.key: spec
    for spec in (
        AppSpec("shop", "the example app (examples/shop)"),
        AppSpec(
            "shop-3-regions",
            "the example app in three regions",
            context={
                "primary_region": "us-east-1",
                "secondary_regions": "us-east-2 us-west-2",
                # cdk.context.json caches the placeholder account's zones of us-east-1/2 only.
                "availability-zones:account=123456789012:region=us-west-2": [
                    "us-west-2a",
                    "us-west-2b",
                    "us-west-2c",
                ],
            },
        ),
    )
}


def synth_env() -> dict[str, str]:
    """The environment apps are synthesized in: this one, minus what would make the example
    depend on the machine (the CLI's default account and region)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"CDK_DEFAULT_ACCOUNT", "CDK_DEFAULT_REGION"}
    }
    env.pop("CDK_CONTEXT_JSON", None)
    return env


def _inputs(spec: AppSpec) -> Iterator[Path]:
    yield from sorted((ROOT / "src" / "multiregion_tap").rglob("*.py"))
    yield from sorted(spec.app_dir.glob("*.py"))
    for name in ("cdk.json", "cdk.context.json"):
        if (spec.app_dir / name).exists():
            yield spec.app_dir / name
    yield ROOT / "tools" / "synth.py"


def cache_key(spec: AppSpec) -> str:
    """A hash of everything that shapes the app's assembly: the library's and the app's
    sources, the app's context, the extra context, aws-cdk-lib's version and Python's."""
    digest = hashlib.sha256()
    digest.update(json.dumps(dict(spec.context), sort_keys=True).encode())
    digest.update(metadata.version("aws-cdk-lib").encode())
    digest.update(sys.version.encode())
    for path in _inputs(spec):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def synthesize(spec: AppSpec, outdir: Path) -> Path:
    """Synthesize ``spec`` into ``outdir`` in a subprocess (template validation off)."""
    synth_app(
        spec.app_dir,
        outdir,
        validation=False,
        extra_context=dict(spec.context),
        env=synth_env(),
    )
    return outdir


def cached_assembly(spec: AppSpec) -> Path:
    """The directory of ``spec``'s cloud assembly, synthesized only when its inputs changed.

    A finished synth is renamed into place, so concurrent builds never see half an assembly.
    """
    final = CACHE / f"{spec.key}-{cache_key(spec)}"
    if (final / "manifest.json").exists():
        return final
    CACHE.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{spec.key}-", dir=CACHE))
    try:
        synthesize(spec, work / "out")
        try:
            (work / "out").rename(final)
        except OSError:
            if not (final / "manifest.json").exists():  # not a concurrent build's result
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    # Older assemblies of this app (not of another app whose key starts alike), left alone
    # for a while in case a concurrent build of other sources still reads them.
    for stale in CACHE.iterdir():
        name, _, digest = stale.name.rpartition("-")
        if (
            name == spec.key
            and stale != final
            and len(digest) == len(final.name) - len(spec.key) - 1
            and time.time() - stale.stat().st_mtime > 600
        ):
            shutil.rmtree(stale, ignore_errors=True)
    return final


def cached_assemblies(keys: list[str]) -> dict[str, Path]:
    """:func:`cached_assembly` of several apps, synthesized side by side."""
    with ThreadPoolExecutor(max_workers=max(1, len(keys))) as pool:
        return dict(zip(keys, pool.map(lambda k: cached_assembly(APPS[k]), keys), strict=True))


# --------------------------------------------------------------------------- reading
@dataclass(frozen=True)
class Stack:
    """One stack artifact of a cloud assembly."""

    artifact_id: str
    name: str
    #: What ``cdk deploy`` selects the stack by: its display name (``Stage/stack`` when the
    #: stack sits in a nested Stage assembly, else the stack name).
    selector: str
    region: str
    dependencies: tuple[str, ...]  # artifact ids, assets included
    template: dict[str, Any]

    @property
    def resources(self) -> dict[str, Any]:
        return dict(self.template.get("Resources", {}))

    def output(self, name: str) -> Any:
        return self.template.get("Outputs", {}).get(name, {}).get("Value")


def read_stacks(directory: Path) -> tuple[Stack, ...]:
    """Every stack of the assembly in ``directory``, nested assemblies included."""

    def walk(directory: Path) -> Iterator[Stack]:
        manifest = json.loads((directory / "manifest.json").read_text())
        for artifact_id, artifact in manifest.get("artifacts", {}).items():
            props = artifact.get("properties", {})
            if artifact.get("type") == "cdk:cloud-assembly":
                yield from walk(directory / props["directoryName"])
            elif artifact.get("type") == "aws:cloudformation:stack":
                env = artifact.get("environment", "aws://unknown-account/unknown-region")
                name = props.get("stackName", artifact_id)
                yield Stack(
                    artifact_id=artifact_id,
                    name=name,
                    selector=artifact.get("displayName", name),
                    region=env.rsplit("/", 1)[-1],
                    dependencies=tuple(artifact.get("dependencies", ())),
                    template=json.loads((directory / props["templateFile"]).read_text()),
                )

    return tuple(walk(directory))


def _stack_outputs(value: Any) -> Iterator[dict[str, str]]:
    """Every ``Fn::GetStackOutput`` (a weak cross-stack reference) inside ``value``."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Fn::GetStackOutput" and isinstance(inner, dict):
                yield inner
            else:
                yield from _stack_outputs(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _stack_outputs(inner)


# --------------------------------------------------------------------------- stack graph
@dataclass(frozen=True)
class StackBox:
    name: str
    selector: str
    region: str
    #: ``primary`` or ``secondary`` for a regional stack, ``helper`` for the app's other
    #: stacks, ``other`` for a stack of no MultiRegionApp.
    role: str
    resources: int
    depends_on: tuple[str, ...]  # stack names
    wave: int


@dataclass(frozen=True)
class StackGraph:
    app_name: str
    stacks: tuple[StackBox, ...]
    waves: tuple[tuple[str, ...], ...]  # stack names, in deploy order

    def edges(self) -> set[tuple[str, str]]:
        """``(stack, what it depends on)`` pairs."""
        return {(s.name, d) for s in self.stacks for d in s.depends_on}

    def by_name(self, name: str) -> StackBox:
        return next(s for s in self.stacks if s.name == name)


def _role(stack: Stack) -> str:
    if stack.output(APP_NAME_OUTPUT) is None:
        return "other"
    if stack.output(VPC_CIDR_OUTPUT) is not None:
        return str(stack.output(ROLE_OUTPUT))
    return "helper"


def deploy_waves(dependencies: Mapping[str, tuple[str, ...]]) -> tuple[tuple[str, ...], ...]:
    """Stacks grouped into waves: each wave needs only the waves before it."""
    remaining = {name: set(deps) for name, deps in dependencies.items()}
    waves: list[tuple[str, ...]] = []
    while remaining:
        ready = tuple(sorted(n for n, deps in remaining.items() if not deps))
        if not ready:
            raise ValueError(f"the stacks depend on each other in a cycle: {remaining}")
        waves.append(ready)
        for name in ready:
            del remaining[name]
        for deps in remaining.values():
            deps.difference_update(ready)
    return tuple(waves)


_ROLE_ORDER = {"primary": 0, "secondary": 1, "helper": 2, "other": 3}


def stack_graph(stacks: tuple[Stack, ...]) -> StackGraph:
    names = {s.artifact_id: s.name for s in stacks}
    dependencies = {
        s.name: tuple(sorted(names[d] for d in s.dependencies if d in names)) for s in stacks
    }
    waves = deploy_waves(dependencies)
    wave_of = {name: index for index, wave in enumerate(waves) for name in wave}
    app_names = sorted(
        {str(s.output(APP_NAME_OUTPUT)) for s in stacks if s.output(APP_NAME_OUTPUT)}
    )
    order = [s.name for s in stacks]
    boxes = tuple(
        sorted(
            (
                StackBox(
                    name=s.name,
                    selector=s.selector,
                    region=s.region,
                    role=_role(s),
                    resources=len(s.resources),
                    depends_on=dependencies[s.name],
                    wave=wave_of[s.name],
                )
                for s in stacks
            ),
            key=lambda b: (b.wave, _ROLE_ORDER.get(b.role, 9), order.index(b.name)),
        )
    )
    return StackGraph(app_name=", ".join(app_names), stacks=boxes, waves=waves)


# --------------------------------------------------------------------------- topology
@dataclass(frozen=True)
class RegionPanel:
    region: str
    role: str
    stack: str
    vpc_cidr: str
    load_balancer: str | None
    service: str | None
    database: str | None
    repository: str | None
    #: Routes to peered VPCs, over every stack that adds them in this region.
    peering_routes: int


@dataclass(frozen=True)
class Link:
    """A connection between regions (or from the DNS stack to a region)."""

    #: ``failover``, ``replication``, ``peering`` or ``images``.
    kind: str
    source: str  # region (``dns`` for a failover record)
    target: str  # region
    label: str


@dataclass(frozen=True)
class DnsBox:
    stack: str
    region: str
    record: str
    health_checks: int


@dataclass(frozen=True)
class RegionMap:
    app_name: str
    regions: tuple[RegionPanel, ...]
    links: tuple[Link, ...]
    dns: DnsBox | None


def _of_type(stack: Stack, kind: str) -> list[dict[str, Any]]:
    return [r.get("Properties", {}) for r in stack.resources.values() if r.get("Type") == kind]


def _regions_referenced(value: Any, stacks_by_name: Mapping[str, Stack]) -> list[str]:
    out = []
    for ref in _stack_outputs(value):
        region = ref.get("Region") or stacks_by_name[ref["StackName"]].region
        if region not in out:
            out.append(region)
    return out


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def failover_chain(stack: Stack, by_name: Mapping[str, Stack]) -> tuple[str, list[str]] | None:
    """The failover record of ``stack`` and the regions it answers with, in order.

    A record name has a PRIMARY and a SECONDARY record; a SECONDARY that aliases another
    record of the stack (``Ref``) continues the chain there (three or more regions).
    """
    records = {
        logical_id: r.get("Properties", {})
        for logical_id, r in stack.resources.items()
        if r.get("Type") == "AWS::Route53::RecordSet" and r.get("Properties", {}).get("Failover")
    }
    if not records:
        return None
    aliased = {
        str((p.get("AliasTarget") or {}).get("DNSName", {}).get("Ref", ""))
        for p in records.values()
        if isinstance((p.get("AliasTarget") or {}).get("DNSName"), dict)
    }
    aliased_names = {records[ref]["Name"] for ref in aliased if ref in records}
    # The record users resolve: the name no other record aliases.
    top = next(p["Name"] for p in records.values() if p["Name"] not in aliased_names)

    def answers(name: str, seen: frozenset[str]) -> list[str]:
        regions: list[str] = []
        for failover in ("PRIMARY", "SECONDARY"):
            for logical_id, props in records.items():
                if props.get("Name") != name or props.get("Failover") != failover:
                    continue
                target = (props.get("AliasTarget") or {}).get("DNSName")
                ref = target.get("Ref") if isinstance(target, dict) else None
                if ref in records and ref not in seen:
                    regions += answers(records[ref]["Name"], seen | {logical_id})
                else:
                    regions += _regions_referenced(props.get("AliasTarget", props), by_name)
        return regions

    return str(top).rstrip("."), list(dict.fromkeys(answers(top, frozenset())))


def region_map(stacks: tuple[Stack, ...]) -> RegionMap:
    by_name = {s.name: s for s in stacks}
    regional = [s for s in stacks if _role(s) in {"primary", "secondary"}]
    regional.sort(key=lambda s: (_ROLE_ORDER[_role(s)], stacks.index(s)))
    links: list[Link] = []
    panels = []
    for stack in regional:
        services = _of_type(stack, "AWS::ECS::Service")
        lbs = _of_type(stack, "AWS::ElasticLoadBalancingV2::LoadBalancer")
        dbs = _of_type(stack, "AWS::RDS::DBInstance")
        repos = _of_type(stack, "AWS::ECR::Repository")
        service = None
        if services:
            s = services[0]
            strategy = (s.get("DeploymentConfiguration") or {}).get("Strategy") or (
                (s.get("DeploymentController") or {}).get("Type", "ECS")
            )
            service = (
                f"ECS {str(s.get('LaunchType', '')).title()} · {s.get('DesiredCount', '?')} "
                f"tasks · {str(strategy).replace('_', '/').lower()}"
            )
        lb = None
        if lbs:
            lb = f"ALB · {lbs[0].get('Scheme', 'internal')}"
        database = None
        for db in dbs:
            source = db.get("SourceDBInstanceIdentifier")
            if source is not None:
                database = "RDS read replica"
                for origin in _regions_referenced(source, by_name) or ["?"]:
                    links.append(Link("replication", origin, stack.region, "database replication"))
            else:
                engine = f"{db.get('Engine', 'database')} {db.get('EngineVersion', '')}".strip()
                database = f"RDS {engine} · primary"
        repository = None
        if repos:
            repository = f"ECR {repos[0].get('RepositoryName', 'repository')}"
        for config in _of_type(stack, "AWS::ECR::ReplicationConfiguration"):
            for rule in config.get("ReplicationConfiguration", {}).get("Rules", []):
                for dest in rule.get("Destinations", []):
                    links.append(Link("images", stack.region, dest["Region"], "image replication"))
        panels.append((stack, service, lb, database, repository))

    # Peering connections, wherever they are declared, and the routes over them per region.
    routes: dict[str, int] = {}
    for stack in stacks:
        for conn in _of_type(stack, "AWS::EC2::VPCPeeringConnection"):
            peer = conn.get("PeerRegion", stack.region)
            links.append(Link("peering", stack.region, peer, "VPC peering"))
        for route in _of_type(stack, "AWS::EC2::Route"):
            if "VpcPeeringConnectionId" in route:
                routes[stack.region] = routes.get(stack.region, 0) + 1

    dns = None
    for stack in stacks:
        chain = failover_chain(stack, by_name)
        if not chain:
            continue
        record, order = chain
        for position, region in enumerate(order, start=1):
            links.append(Link("failover", "dns", region, _ordinal(position)))
        dns = DnsBox(
            stack=stack.name,
            region=stack.region,
            record=record,
            health_checks=len(_of_type(stack, "AWS::Route53::HealthCheck")),
        )
    regions = tuple(
        RegionPanel(
            region=stack.region,
            role=_role(stack),
            stack=stack.name,
            vpc_cidr=str(stack.output(VPC_CIDR_OUTPUT)),
            load_balancer=lb,
            service=service,
            database=database,
            repository=repository,
            peering_routes=routes.get(stack.region, 0),
        )
        for stack, service, lb, database, repository in panels
    )
    app_names = sorted(
        {str(s.output(APP_NAME_OUTPUT)) for s in stacks if s.output(APP_NAME_OUTPUT)}
    )
    return RegionMap(app_name=", ".join(app_names), regions=regions, links=tuple(links), dns=dns)


# --------------------------------------------------------------------------- SVG
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', 'Liberation Sans', sans-serif"
FILLS = {"primary": "#dbeafe", "secondary": "#dcfce7", "helper": "#f3f4f6", "other": "#fef9c3"}
STROKES = {"primary": "#2563eb", "secondary": "#16a34a", "helper": "#6b7280", "other": "#a16207"}
LINK_COLOURS = {
    "failover": "#7c3aed",
    "replication": "#dc2626",
    "peering": "#0891b2",
    "images": "#ca8a04",
}


def _text_width(text: str, size: float = 12, bold: bool = False) -> float:
    """A generous estimate of the rendered width (no font metrics without a browser)."""
    return len(text) * size * (0.62 if bold else 0.58)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _svg_open(width: float, height: float, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" font-family="{_e(FONT)}" '
        'font-size="12">',
        f"<title>{_e(title)}</title>",
        f"<desc>{_e(desc)}</desc>",
        f'<rect x="0" y="0" width="{width:.0f}" height="{height:.0f}" rx="8" fill="#ffffff"/>',
    ]


def _marker(marker_id: str, colour: str) -> str:
    return (
        f'<marker id="{marker_id}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        f'fill="{colour}"/></marker>'
    )


def render_stacks_svg(graph: StackGraph, title: str) -> str:
    """Boxes in one column per deploy wave; an arrow from each stack to the stacks that need
    it. An arrow between neighbouring columns is a curve; one that skips a column runs
    through a lane above the boxes, so it never passes behind a box of the column it skips.
    """
    box_h, col_gap, row_gap, margin, lane_gap, head = 70, 50, 18, 16, 9, 24
    labels = {
        s.name: (
            f"{s.region} · {s.role}",
            f"{s.resources} resource{'s' if s.resources != 1 else ''}",
        )
        for s in graph.stacks
    }
    box_w = max(
        150.0,
        *(_text_width(s.name, 13, bold=True) + 24 for s in graph.stacks),
        *(_text_width(line) + 24 for pair in labels.values() for line in pair),
    )
    box_w = float(int(box_w + 0.999))
    columns = [[s for s in graph.stacks if s.wave == w] for w in range(len(graph.waves))]
    wave_of = {s.name: s.wave for s in graph.stacks}
    long_edges = [
        (dep, s.name) for s in graph.stacks for dep in s.depends_on if s.wave - wave_of[dep] > 1
    ]
    lanes_h = lane_gap * (len(long_edges) + 1) if long_edges else 0
    top = margin + head + lanes_h
    rows = max(len(c) for c in columns)
    width = margin * 2 + len(columns) * box_w + (len(columns) - 1) * col_gap
    legend_y = top + rows * box_h + (rows - 1) * row_gap + 26
    height = legend_y + 12 + margin
    desc = "; ".join(
        f"{s.name} ({s.region}, {s.role}, wave {s.wave + 1}) needs "
        + (", ".join(s.depends_on) or "nothing")
        for s in graph.stacks
    )
    parts = _svg_open(width, height, f"Stacks of {title} and their deploy waves", desc)
    parts.append(f"<defs>{_marker('arrow', '#6b7280')}</defs>")
    where: dict[str, tuple[float, float]] = {}
    for index, column in enumerate(columns):
        x = margin + index * (box_w + col_gap)
        parts.append(
            f'<text x="{x + box_w / 2:.0f}" y="{margin + 12}" text-anchor="middle" '
            f'fill="#4b5563" data-wave="{index + 1}">wave {index + 1}</text>'
        )
        for row, stack in enumerate(column):
            where[stack.name] = (x, top + row * (box_h + row_gap))
    for stack in graph.stacks:
        tx, ty = where[stack.name]
        ty += box_h / 2
        for dep in stack.depends_on:
            sx, sy = where[dep]
            sx, sy = sx + box_w, sy + box_h / 2
            if (dep, stack.name) in long_edges:
                lane = margin + head + lane_gap * (long_edges.index((dep, stack.name)) + 1) - 6
                d = (
                    f"M {sx:.0f} {sy:.0f} C {sx + 30:.0f} {sy:.0f}, {sx + 10:.0f} {lane}, "
                    f"{sx + 35:.0f} {lane} L {tx - 35:.0f} {lane} C {tx - 10:.0f} {lane}, "
                    f"{tx - 30:.0f} {ty:.0f}, {tx:.0f} {ty:.0f}"
                )
            else:
                d = (
                    f"M {sx:.0f} {sy:.0f} C {sx + 35:.0f} {sy:.0f}, {tx - 35:.0f} {ty:.0f}, "
                    f"{tx:.0f} {ty:.0f}"
                )
            parts.append(
                f'<path d="{d}" fill="none" stroke="#6b7280" stroke-width="1.3" '
                f'marker-end="url(#arrow)" data-edge="{_e(dep)}-&gt;{_e(stack.name)}">'
                f"<title>{_e(stack.name)} needs {_e(dep)}</title></path>"
            )
    for stack in graph.stacks:
        x, y = where[stack.name]
        parts.append(
            f'<g data-stack="{_e(stack.name)}" data-region="{_e(stack.region)}" '
            f'data-role="{_e(stack.role)}" data-wave="{stack.wave + 1}">'
            f"<title>cdk deploy {_e(stack.selector)}</title>"
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{box_w:.0f}" height="{box_h}" rx="6" '
            f'fill="{FILLS.get(stack.role, FILLS["other"])}" '
            f'stroke="{STROKES.get(stack.role, STROKES["other"])}"/>'
            f'<text x="{x + 12:.0f}" y="{y + 23:.0f}" font-size="13" font-weight="bold" '
            f'fill="#111827">{_e(stack.name)}</text>'
            f'<text x="{x + 12:.0f}" y="{y + 42:.0f}" fill="#374151">'
            f"{_e(labels[stack.name][0])}</text>"
            f'<text x="{x + 12:.0f}" y="{y + 59:.0f}" fill="#374151">'
            f"{_e(labels[stack.name][1])}</text></g>"
        )
    x = margin
    roles = [
        r
        for r in ("primary", "secondary", "helper", "other")
        if any(s.role == r for s in graph.stacks)
    ]
    for role in roles:
        parts.append(
            f'<rect x="{x}" y="{legend_y - 10:.0f}" width="14" height="12" rx="2" '
            f'fill="{FILLS[role]}" stroke="{STROKES[role]}"/>'
            f'<text x="{x + 20}" y="{legend_y:.0f}" fill="#374151">{role}</text>'
        )
        x += 34 + int(_text_width(role))
    parts.append(
        f'<path d="M {x} {legend_y - 4:.0f} L {x + 30} {legend_y - 4:.0f}" stroke="#6b7280" '
        'stroke-width="1.3" marker-end="url(#arrow)"/>'
        f'<text x="{x + 38}" y="{legend_y:.0f}" fill="#374151">deploys before</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def render_topology_svg(world: RegionMap, title: str) -> str:
    """A panel per region with what runs there; the DNS stack's failover records above,
    links between regions (replication, peering, images) in lanes below the panels."""
    margin, gap, line, head = 16, 32, 30, 64
    items = ["load_balancer", "service", "database", "repository"]
    longest = max(
        [_text_width(str(getattr(p, name) or "")) + 40 for p in world.regions for name in items]
        + [_text_width(f"{p.stack} · VPC {p.vpc_cidr}") + 60 for p in world.regions]
        + [_text_width(f"{p.region} · {p.role}", 14, bold=True) + 60 for p in world.regions]
        + [200.0]
    )
    panel_w = float(int(longest + 0.999))
    box_h, box_gap = 26, 8
    panel_h = head + len(items) * (box_h + box_gap) + 22
    dns_h = 46 if world.dns else 0
    dns_gap = 56 if world.dns else 0
    top = margin + dns_h + dns_gap
    width = margin * 2 + len(world.regions) * panel_w + (len(world.regions) - 1) * gap
    kinds = ["replication", "peering", "images"]
    lower = sorted(
        (link for link in world.links if link.kind != "failover"),
        key=lambda link: kinds.index(link.kind) if link.kind in kinds else len(kinds),
    )
    lanes_y0 = top + panel_h + 20
    height = lanes_y0 + len(lower) * line + margin + 20
    desc = "; ".join(
        [
            f"{p.region} ({p.role}, stack {p.stack}, VPC {p.vpc_cidr}): "
            + ", ".join(str(getattr(p, name)) for name in items if getattr(p, name))
            for p in world.regions
        ]
        + [f"{link.label} {link.source} to {link.target}" for link in world.links]
    )
    parts = _svg_open(width, height, f"Regions of {title} and the links between them", desc)
    parts.append(
        "<defs>" + "".join(_marker(f"arrow-{k}", c) for k, c in LINK_COLOURS.items()) + "</defs>"
    )
    x_of = {p.region: margin + i * (panel_w + gap) for i, p in enumerate(world.regions)}
    lb_y = top + head
    # The DNS stack: a box across the top, a line down to each region's load balancer,
    # labelled with the region's place in the failover order.
    if world.dns:
        dns = world.dns
        text = f"Route 53 failover record {dns.record} · {dns.health_checks} health checks"
        parts.append(
            f'<g data-stack="{_e(dns.stack)}" data-region="{_e(dns.region)}">'
            f'<rect x="{margin}" y="{margin}" width="{width - 2 * margin:.0f}" '
            f'height="{dns_h}" rx="6" fill="#ede9fe" stroke="{LINK_COLOURS["failover"]}"/>'
            f'<text x="{width / 2:.0f}" y="{margin + 19}" text-anchor="middle" '
            f'font-weight="bold" fill="#111827">{_e(text)}</text>'
            f'<text x="{width / 2:.0f}" y="{margin + 36}" text-anchor="middle" fill="#374151">'
            f"stack {_e(dns.stack)} · {_e(dns.region)} · answers with the first healthy "
            "region, in order</text></g>"
        )
        for link in (link for link in world.links if link.kind == "failover"):
            tx = x_of[link.target] + panel_w - 36
            dash = "" if link.label == "1st" else ' stroke-dasharray="6 4"'
            parts.append(
                f'<path d="M {tx:.0f} {margin + dns_h} L {tx:.0f} {lb_y}" fill="none" '
                f'stroke="{LINK_COLOURS["failover"]}" stroke-width="1.5"{dash} '
                f'marker-end="url(#arrow-failover)" data-link="failover" data-source="dns" '
                f'data-target="{_e(link.target)}"><title>failover record, {_e(link.label)} '
                f"choice: the load balancer in {_e(link.target)}</title></path>"
                f'<text x="{tx - 8:.0f}" y="{margin + dns_h + 20}" text-anchor="end" '
                f'font-size="11" fill="{LINK_COLOURS["failover"]}">{_e(link.label)}</text>'
            )
    for panel in world.regions:
        x = x_of[panel.region]
        parts.append(
            f'<g data-region="{_e(panel.region)}" data-stack="{_e(panel.stack)}" '
            f'data-role="{_e(panel.role)}">'
            f'<rect x="{x:.0f}" y="{top}" width="{panel_w:.0f}" height="{panel_h}" rx="8" '
            f'fill="{FILLS[panel.role]}" stroke="{STROKES[panel.role]}"/>'
            f'<text x="{x + 12:.0f}" y="{top + 22}" font-size="14" font-weight="bold" '
            f'fill="#111827">{_e(panel.region)} · {_e(panel.role)}</text>'
            f'<text x="{x + 12:.0f}" y="{top + 42}" fill="#374151">{_e(panel.stack)} · VPC '
            f"{_e(panel.vpc_cidr)}</text>"
        )
        y = lb_y
        for name in items:
            value = getattr(panel, name)
            if value:
                parts.append(
                    f'<rect x="{x + 10:.0f}" y="{y}" width="{panel_w - 20:.0f}" height="{box_h}" '
                    f'rx="4" fill="#ffffff" stroke="#9ca3af" data-part="{name}"/>'
                    f'<text x="{x + 20:.0f}" y="{y + 17}" fill="#111827">{_e(value)}</text>'
                )
            y += box_h + box_gap
        if panel.peering_routes:
            parts.append(
                f'<text x="{x + 12:.0f}" y="{top + panel_h - 8}" font-size="11" '
                f'fill="#374151">{panel.peering_routes} routes to peered VPCs</text>'
            )
        parts.append("</g>")
    # Links between regions, one lane each, below the panels.
    offsets = {"replication": 0.25, "images": 0.45, "peering": 0.65}
    for index, link in enumerate(lower):
        colour = LINK_COLOURS.get(link.kind, "#6b7280")
        frac = offsets.get(link.kind, 0.5)
        sx = x_of.get(link.source, margin) + panel_w * frac
        tx = x_of.get(link.target, margin) + panel_w * frac + 12
        lane = lanes_y0 + index * line + 8
        two_way = link.kind == "peering"
        parts.append(
            f'<path d="M {sx:.0f} {top + panel_h} L {sx:.0f} {lane} L {tx:.0f} {lane} '
            f'L {tx:.0f} {top + panel_h}" fill="none" stroke="{colour}" stroke-width="1.5" '
            + (f'marker-start="url(#arrow-{link.kind})" ' if two_way else "")
            + f'marker-end="url(#arrow-{link.kind})" data-link="{_e(link.kind)}" '
            f'data-source="{_e(link.source)}" data-target="{_e(link.target)}">'
            f"<title>{_e(link.label)}: {_e(link.source)} → {_e(link.target)}</title></path>"
            f'<text x="{min(sx, tx) + 8:.0f}" y="{lane + 15}" font-size="11" fill="{colour}">'
            f"{_e(link.label)} {_e(link.source)} {'↔' if two_way else '→'} {_e(link.target)}"
            "</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


# --------------------------------------------------------------------------- pictures of an app
@dataclass(frozen=True)
class Pictures:
    graph: StackGraph
    world: RegionMap
    stacks_svg: str
    topology_svg: str


def pictures(spec: AppSpec, assembly: Path) -> Pictures:
    stacks = read_stacks(assembly)
    graph = stack_graph(stacks)
    world = region_map(stacks)
    return Pictures(
        graph=graph,
        world=world,
        stacks_svg=render_stacks_svg(graph, spec.title),
        topology_svg=render_topology_svg(world, spec.title),
    )
