"""Sphinx extension of the multiregion-tap docs: pages generated from code, so they cannot drift.

Directives:

``.. mrt-defaults:: multiregion_tap.RegionalService``
    A table of the construct's props (the fields of ``:props:``, a frozen props dataclass, or
    the constructor's keyword-only parameters without it): name, type, the default value in
    code, and the ``:param:`` text of the construct's docstring, whose ``Default:`` part says
    what the default does.

``.. mrt-stack-diagram::``
    Runs ``examples/shop/app.py`` in this process (with the example's ``cdk.json`` and
    ``cdk.context.json`` context), finds its :class:`~multiregion_tap.MultiRegionApp`, and
    draws its stacks, their regions, resource counts and dependencies as an SVG, followed by
    a table of the same facts.

``.. mrt-deploy-waves::``
    The example app's :meth:`~multiregion_tap.MultiRegionApp.deploy_waves`, one
    ``cdk deploy`` command per wave.

It also turns reST section titles inside docstrings (``Title`` over ``-----``), which
autodoc cannot nest in a class description, into rubrics.
"""

from __future__ import annotations

import dataclasses
import enum
import html
import importlib
import inspect
import json
import os
import re
import runpy
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_refnode

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "shop"

# --------------------------------------------------------------------------- docstrings
_UNDERLINE = re.compile(r"^([-=~^\"'`#*+])\1{2,}$")


def _titles_to_rubrics(lines: list[str]) -> None:
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        title = line.strip()
        if (
            title
            and _UNDERLINE.match(nxt.strip())
            and len(nxt.strip()) >= len(title)
            and (i == 0 or not lines[i - 1].strip())
        ):
            indent = line[: len(line) - len(line.lstrip())]
            out.extend([f"{indent}.. rubric:: {title}", ""])
            i += 2
            continue
        out.append(line)
        i += 1
    lines[:] = out


def _process_docstring(
    app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    _titles_to_rubrics(lines)


# --------------------------------------------------------------------------- references
def _candidates(target: str, module: str | None, cls: str | None) -> list[str]:
    """Where a short or module-internal reference of a docstring is documented.

    Public names are documented once, as ``multiregion_tap.<Name>`` (how users import them),
    while docstrings name them as their module sees them (``DatabaseReplica``,
    ``multiregion_tap.replicated_database.DatabaseReplica``, ``allow_from`` in a class).
    """
    target = target.lstrip("~.")
    out: list[str] = []
    parts = target.split(".")
    if parts[0] == "multiregion_tap" and len(parts) > 2:
        out.append(".".join(["multiregion_tap", *parts[2:]]))
    out.append(f"multiregion_tap.{target}")
    if cls:
        import multiregion_tap

        short = cls.rsplit(".", 1)[-1]
        out.append(f"multiregion_tap.{short}.{target}")
        # Inherited members are documented on the public base class that defines them.
        for base in getattr(getattr(multiregion_tap, short, None), "__mro__", ())[1:]:
            if base.__name__ in multiregion_tap.__all__:
                out.append(f"multiregion_tap.{base.__name__}.{target}")
    if module and module.startswith("multiregion_tap."):
        out.append(f"{module}.{target}")
    return out


def _missing_reference(
    app: Sphinx, env: Any, node: Any, contnode: nodes.Element
) -> nodes.Element | None:
    if node.get("refdomain") != "py":
        return None
    domain = env.get_domain("py")
    objects = domain.objects
    for candidate in _candidates(node["reftarget"], node.get("py:module"), node.get("py:class")):
        entry = objects.get(candidate)
        if entry is not None:
            return make_refnode(
                app.builder, node["refdoc"], entry.docname, entry.node_id, contnode, candidate
            )
    return None


# --------------------------------------------------------------------------- reST in any page
def parse_rst(directive: SphinxDirective, lines: list[str], source: str) -> list[nodes.Node]:
    """Parse generated reStructuredText, also when the directive sits in a MyST page."""
    if directive.env.doc2path(directive.env.docname).suffix == ".md":
        fence = "`" * 6
        lines = [f"{fence}{{eval-rst}}", *lines, fence]
    container = nodes.container()
    directive.state.nested_parse(StringList(lines, source=source), 0, container)
    return list(container.children)


# --------------------------------------------------------------------------- defaults tables
def _import(dotted: str) -> Any:
    module, _, attr = dotted.rpartition(".")
    return getattr(importlib.import_module(module), attr)


def param_docs(cls: type) -> dict[str, str]:
    """``:param name: text`` of a class docstring (joined continuation lines), by name."""
    doc = inspect.cleandoc(cls.__doc__ or "")
    params: dict[str, str] = {}
    current: str | None = None
    for line in doc.splitlines():
        match = re.match(r"^:param (\w+):\s*(.*)$", line)
        if match:
            current = match.group(1)
            params[current] = match.group(2)
        elif current and line.startswith((" ", "\t")) and line.strip():
            params[current] += " " + line.strip()
        else:
            current = None
    return params


def split_default(text: str) -> tuple[str, str]:
    """Split a ``:param:`` text into (description, what the default does)."""
    match = re.search(r"\s*Default:\s*(?:-\s*)?(.*)$", text)
    if not match:
        return text.strip(), ""
    return text[: match.start()].strip(), match.group(1).strip()


@dataclass(frozen=True)
class PropRow:
    name: str
    type: str
    code_default: str
    description: str
    default_behaviour: str


def prop_rows(construct: type, props: type | None) -> list[PropRow]:
    """One row per prop, in declaration order (the props dataclass, else the constructor)."""
    docs = param_docs(construct)
    rows: list[PropRow] = []
    if props is not None:
        items = [
            (
                f.name,
                str(f.type),
                dataclasses.MISSING
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
                else (f.default if f.default is not dataclasses.MISSING else f.default_factory()),
            )
            for f in dataclasses.fields(props)
        ]
    else:
        signature = inspect.signature(construct.__init__)
        items = [
            (
                p.name,
                str(p.annotation) if p.annotation is not inspect.Parameter.empty else "",
                dataclasses.MISSING if p.default is inspect.Parameter.empty else p.default,
            )
            for p in signature.parameters.values()
            if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)
            and p.name not in {"self", "scope", "id"}
        ]
    for name, annotation, default in items:
        description, behaviour = split_default(docs.get(name, ""))
        if default is dataclasses.MISSING:
            code = "required"
        elif isinstance(default, str | int | float | bool | tuple) or default is None:
            code = repr(default)
        elif isinstance(default, enum.Enum):
            code = f"{type(default).__name__}.{default.name}"
        else:
            code = type(default).__name__
        rows.append(PropRow(name, annotation, code, description, behaviour))
    return rows


class DefaultsTable(SphinxDirective):
    required_arguments = 1
    option_spec = {"props": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        construct_path = self.arguments[0]
        construct = _import(construct_path)
        props_path = self.options.get("props")
        props = _import(props_path) if props_path else None
        rows = prop_rows(construct, props)
        lines = [
            ".. list-table::",
            "   :header-rows: 1",
            "   :widths: 18 16 12 54",
            "   :class: mrt-defaults",
            "",
            "   * - Prop",
            "     - Type",
            "     - Default in code",
            "     - Meaning and default behaviour",
        ]
        for row in rows:
            meaning = row.description or "(undocumented)"
            if row.default_behaviour:
                meaning += f"\n\n**Default:** {row.default_behaviour}"
            lines.append(f"   * - ``{row.name}``")
            lines.append(f"     - ``{row.type}``" if row.type else "     -")
            lines.append(f"     - ``{row.code_default}``")
            body = meaning.splitlines()
            lines.append(f"     - {body[0]}")
            lines.extend(f"       {line}" if line else "" for line in body[1:])
        # Resolve the docstrings' short references (:class:`DatabaseReplica`,
        # :meth:`appspec`) as autodoc would: inside the construct's module and class.
        ref_context = self.env.ref_context
        saved = dict(ref_context)
        ref_context["py:module"] = "multiregion_tap"
        ref_context["py:class"] = construct.__name__
        try:
            result = parse_rst(self, lines, construct_path)
        finally:
            ref_context.clear()
            ref_context.update(saved)
        self.env.note_dependency(inspect.getsourcefile(construct) or "")
        return result


# --------------------------------------------------------------------------- the example app
@dataclass(frozen=True)
class StackInfo:
    name: str
    #: The construct path, which the CDK CLI selects stacks by (``Shop/us-east-1``).
    path: str
    region: str
    role: str
    resources: int
    depends_on: tuple[str, ...]
    wave: int


@dataclass(frozen=True)
class Topology:
    app_name: str
    stacks: tuple[StackInfo, ...]
    waves: tuple[tuple[str, ...], ...]


@cache
def example_topology() -> Topology:
    """Synthesize examples/shop/app.py in this process and read its stacks and waves."""
    context = example_context()
    # cdk.App() reads its context from this variable (as under the CDK CLI). conf.py sets it
    # before the jsii kernel starts (a variable set later is not seen by the kernel).
    if json.loads(os.environ.get("CDK_CONTEXT_JSON", "{}")) != context:
        raise RuntimeError("conf.py must set CDK_CONTEXT_JSON to the example's context")
    from multiregion_tap import MultiRegionApp

    argv = sys.argv
    try:
        sys.argv = [str(EXAMPLE / "app.py")]
        namespace = runpy.run_path(str(EXAMPLE / "app.py"), run_name="__main__")
    finally:
        sys.argv = argv
    apps = [c for c in namespace["app"].node.children if isinstance(c, MultiRegionApp)]
    if len(apps) != 1:
        raise RuntimeError(f"expected one MultiRegionApp in the example, found {len(apps)}")
    shop = apps[0]
    dependencies = shop.stack_dependencies()
    waves = tuple(shop.deploy_waves())
    wave_of = {name: index for index, wave in enumerate(waves) for name in wave}
    assembly = shop.synth()
    stacks = tuple(
        StackInfo(
            name=stack.stack_name,
            path=stack.node.path,
            region=stack.region,
            role=shop.region_role(stack.region)
            if stack in shop.regional_stacks.values()
            else "helper",
            resources=len(
                assembly.get_stack_by_name(stack.stack_name).template.get("Resources", {})
            ),
            depends_on=dependencies[stack.stack_name],
            wave=wave_of[stack.stack_name],
        )
        for stack in shop.all_stacks
    )
    return Topology(app_name=shop.app_name, stacks=stacks, waves=waves)


def render_svg(topology: Topology) -> str:
    """Boxes in one column per deploy wave, arrows from each stack to the stacks it needs.

    An arrow between neighbouring columns is a straight curve; one that skips a column runs
    through a lane above the boxes, so it never passes behind a box of the column it skips.
    """
    box_w, box_h, col_gap, row_gap, margin, lane_gap = 230, 58, 70, 22, 16, 9
    columns = [[s for s in topology.stacks if s.wave == w] for w in range(len(topology.waves))]
    long_edges = [
        (dep, stack.name)
        for stack in topology.stacks
        for dep in stack.depends_on
        if stack.wave - next(s.wave for s in topology.stacks if s.name == dep) > 1
    ]
    lanes_h = lane_gap * (len(long_edges) + 1) if long_edges else 0
    top = margin + 24 + lanes_h
    rows = max(len(c) for c in columns)
    width = margin * 2 + len(columns) * box_w + (len(columns) - 1) * col_gap
    height = top + rows * box_h + (rows - 1) * row_gap + margin
    where: dict[str, tuple[int, int]] = {}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" font-family="sans-serif" '
        f'font-size="12" class="mrt-diagram" style="max-width: 100%; height: auto">',
        f"<title>Stacks of the example app {html.escape(topology.app_name)} "
        "and their dependencies</title>",
        '<defs><marker id="mrt-arrow" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" fill="#888"/></marker></defs>',
    ]
    for index, column in enumerate(columns):
        x = margin + index * (box_w + col_gap)
        parts.append(
            f'<text x="{x + box_w / 2}" y="{margin + 12}" text-anchor="middle" '
            f'fill="#888">wave {index + 1}</text>'
        )
        for row, stack in enumerate(column):
            where[stack.name] = (x, top + row * (box_h + row_gap))
    for stack in topology.stacks:
        tx, ty = where[stack.name]
        ty += box_h // 2
        for dep in stack.depends_on:
            sx, sy = where[dep]
            sx, sy = sx + box_w, sy + box_h // 2
            if (dep, stack.name) in long_edges:
                lane = margin + 24 + lane_gap * (long_edges.index((dep, stack.name)) + 1) - 6
                d = (
                    f"M {sx} {sy} C {sx + 30} {sy}, {sx + 10} {lane}, {sx + 35} {lane} "
                    f"L {tx - 35} {lane} C {tx - 10} {lane}, {tx - 30} {ty}, {tx} {ty}"
                )
            else:
                d = f"M {sx} {sy} C {sx + 35} {sy}, {tx - 35} {ty}, {tx} {ty}"
            parts.append(
                f'<path d="{d}" fill="none" stroke="#888" stroke-width="1.2" '
                'marker-end="url(#mrt-arrow)"/>'
            )
    fills = {"primary": "#dbeafe", "secondary": "#dcfce7", "helper": "#f3f4f6"}
    for stack in topology.stacks:
        x, y = where[stack.name]
        parts.append(
            f'<rect x="{x}" y="{y}" width="{box_w}" height="{box_h}" rx="6" '
            f'fill="{fills.get(stack.role, "#fef9c3")}" stroke="#555"/>'
        )
        parts.append(
            f'<text x="{x + 10}" y="{y + 22}" font-weight="bold" fill="#111">'
            f"{html.escape(stack.name)}</text>"
        )
        noun = "resource" if stack.resources == 1 else "resources"
        parts.append(
            f'<text x="{x + 10}" y="{y + 42}" fill="#333">{html.escape(stack.region)} · '
            f"{html.escape(stack.role)} · {stack.resources} {noun}</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


class StackDiagram(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        topology = example_topology()
        self.env.note_dependency(str(EXAMPLE / "app.py"))
        svg = nodes.raw("", render_svg(topology), format="html")
        lines = [
            ".. list-table:: Stacks of the example app (generated from examples/shop/app.py)",
            "   :header-rows: 1",
            "",
            "   * - Stack",
            "     - CLI selector",
            "     - Region",
            "     - Role",
            "     - Resources",
            "     - Depends on",
            "     - Wave",
        ]
        for stack in topology.stacks:
            deps = ", ".join(f"``{d}``" for d in stack.depends_on) or "nothing"
            lines += [
                f"   * - ``{stack.name}``",
                f"     - ``{stack.path}``",
                f"     - ``{stack.region}``",
                f"     - {stack.role}",
                f"     - {stack.resources}",
                f"     - {deps}",
                f"     - {stack.wave + 1}",
            ]
        return [svg, *parse_rst(self, lines, "mrt-stack-diagram")]


class DeployWaves(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        topology = example_topology()
        self.env.note_dependency(str(EXAMPLE / "app.py"))
        lines: list[str] = []
        path = {s.name: s.path for s in topology.stacks}
        for index, wave in enumerate(topology.waves, start=1):
            names = " ".join(f"'{path[name]}'" for name in wave)
            lines += [
                f"{index}. Wave {index}: " + ", ".join(f"``{n}``" for n in wave),
                "",
                "   .. code-block:: bash",
                "",
                f"      cdk deploy --exclusively {names}",
                "",
            ]
        return parse_rst(self, lines, "mrt-deploy-waves")


def example_context() -> dict[str, Any]:
    """The context ``cdk`` gives the example app: cdk.json's, then cdk.context.json's."""
    context: dict[str, Any] = {}
    context.update(json.loads((EXAMPLE / "cdk.json").read_text()).get("context", {}))
    context_file = EXAMPLE / "cdk.context.json"
    if context_file.exists():
        context.update(json.loads(context_file.read_text()))
    return context


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("autodoc-process-docstring", _process_docstring)
    app.connect("missing-reference", _missing_reference)
    app.add_directive("mrt-defaults", DefaultsTable)
    app.add_directive("mrt-stack-diagram", StackDiagram)
    app.add_directive("mrt-deploy-waves", DeployWaves)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
