"""Sphinx extension of the multiregion-tap docs: pages generated from code, so they cannot drift.

Directives:

``.. mrt-defaults:: multiregion_tap.RegionalService``
    A table of the construct's props (the fields of ``:props:``, a frozen props dataclass, or
    the constructor's keyword-only parameters without it): name, type, the default value in
    code, and the ``:param:`` text of the construct's docstring, whose ``Default:`` part says
    what the default does.

``.. mrt-stack-diagram::`` (options ``:app:`` and ``:table:``)
    The stacks of an app of :data:`mrt_diagrams.APPS` (``shop``, the default, is
    ``examples/shop``; ``shop-3-regions`` the same app in three regions): their regions,
    roles, resource counts, dependencies and deploy waves as an SVG picture drawn from the
    app's synthesized cloud assembly; with ``:table:``, followed by a table of the same facts.

``.. mrt-topology-diagram::`` (option ``:app:``)
    What runs in each region of the app (load balancer, service, database or replica, image
    repository, VPC) and the links between regions: failover records, database replication,
    VPC peering and image replication, as an SVG picture drawn from the templates.

``.. mrt-deploy-waves::`` (option ``:app:``)
    The app's deploy waves, one ``cdk deploy`` command per wave.

The apps are synthesized in a subprocess and cached (``docs/_build/assemblies``, keyed by a
hash of their inputs: see ``mrt_diagrams.py``); the pictures are written to ``_diagrams/`` in
the built site and shown as images.

It also turns reST section titles inside docstrings (``Title`` over ``-----``), which
autodoc cannot nest in a class description, into rubrics.
"""

from __future__ import annotations

import dataclasses
import enum
import html
import importlib
import inspect
import posixpath
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import mrt_diagrams
from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_refnode

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


# --------------------------------------------------------------------------- pictures of an app
def _app_option(argument: str | None) -> str:
    key = (argument or "shop").strip()
    if key not in mrt_diagrams.APPS:
        raise ValueError(f"unknown app {key!r}; one of {sorted(mrt_diagrams.APPS)}")
    return key


@cache
def app_pictures(key: str) -> mrt_diagrams.Pictures:
    """The stack graph, region map and both SVGs of an app of :data:`mrt_diagrams.APPS`,
    from its cached cloud assembly (synthesized in a subprocess when its inputs changed)."""
    spec = mrt_diagrams.APPS[key]
    return mrt_diagrams.pictures(spec, mrt_diagrams.cached_assembly(spec))


#: Where the pictures are written in the built site.
DIAGRAMS_DIR = "_diagrams"


class _Picture(SphinxDirective):
    option_spec = {"app": _app_option}
    kind = ""

    def picture(self, key: str) -> tuple[str, str]:
        raise NotImplementedError

    def figure(self, key: str) -> nodes.Node:
        """Write the SVG into the site and return a figure that shows it (a file, not inline
        SVG: every picture is its own document, so ids never collide and it opens alone)."""
        svg, caption = self.picture(key)
        spec = mrt_diagrams.APPS[key]
        self.env.note_dependency(str(spec.app_dir / "app.py"))
        self.env.note_dependency(str(spec.app_dir / "cdk.context.json"))
        filename = f"{key}-{self.kind}.svg"  # written by _write_pictures
        src = posixpath.relpath(
            f"{DIAGRAMS_DIR}/{filename}", posixpath.dirname(self.env.docname) or "."
        )
        width, height = re.search(r'width="(\d+)" height="(\d+)"', svg).groups()  # type: ignore[union-attr]
        alt = re.search(r"<desc>(.*?)</desc>", svg, re.S).group(1)  # type: ignore[union-attr]
        return nodes.raw(
            "",
            f'<figure class="mrt-diagram" data-diagram="{key}-{self.kind}">'
            f'<a class="mrt-diagram-link" href="{src}" title="Open the picture alone">'
            f'<img src="{src}" alt="{alt}" width="{width}" height="{height}" '
            'style="max-width: 100%; height: auto" /></a>'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>",
            format="html",
        )


class StackDiagram(_Picture):
    """``.. mrt-stack-diagram::`` with ``:app:`` (``shop``, ``shop-3-regions``) and ``:table:``."""

    option_spec = {"app": _app_option, "table": directives.flag}
    kind = "stacks"

    def picture(self, key: str) -> tuple[str, str]:
        spec = mrt_diagrams.APPS[key]
        return app_pictures(key).stacks_svg, (
            f"The stacks of {spec.title}: a column per deploy wave, an arrow from a stack to "
            "the stacks that need it (generated from the synthesized cloud assembly)."
        )

    def run(self) -> list[nodes.Node]:
        key = self.options.get("app", "shop")
        result = [self.figure(key)]
        if "table" not in self.options:
            return result
        graph = app_pictures(key).graph
        lines = [
            f".. list-table:: Stacks of {mrt_diagrams.APPS[key].title} (generated from its "
            "cloud assembly)",
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
        for stack in graph.stacks:
            deps = ", ".join(f"``{d}``" for d in stack.depends_on) or "nothing"
            lines += [
                f"   * - ``{stack.name}``",
                f"     - ``{stack.selector}``",
                f"     - ``{stack.region}``",
                f"     - {stack.role}",
                f"     - {stack.resources}",
                f"     - {deps}",
                f"     - {stack.wave + 1}",
            ]
        return [*result, *parse_rst(self, lines, "mrt-stack-diagram")]


class TopologyDiagram(_Picture):
    """``.. mrt-topology-diagram::`` with ``:app:``: each region and the links between them."""

    kind = "topology"

    def picture(self, key: str) -> tuple[str, str]:
        spec = mrt_diagrams.APPS[key]
        return app_pictures(key).topology_svg, (
            f"What runs in each region of {spec.title}, and how the regions are linked: the "
            "failover records of the DNS stack, database replication, VPC peering and image "
            "replication (generated from the synthesized templates)."
        )

    def run(self) -> list[nodes.Node]:
        return [self.figure(self.options.get("app", "shop"))]


class DeployWaves(SphinxDirective):
    """``.. mrt-deploy-waves::`` with ``:app:``: one ``cdk deploy`` command per wave."""

    option_spec = {"app": _app_option}

    def run(self) -> list[nodes.Node]:
        key = self.options.get("app", "shop")
        graph = app_pictures(key).graph
        self.env.note_dependency(str(mrt_diagrams.APPS[key].app_dir / "app.py"))
        selector = {s.name: s.selector for s in graph.stacks}
        lines: list[str] = []
        for index, wave in enumerate(graph.waves, start=1):
            names = " ".join(f"'{selector[name]}'" for name in wave)
            lines += [
                f"{index}. Wave {index}: " + ", ".join(f"``{n}``" for n in wave),
                "",
                "   .. code-block:: bash",
                "",
                f"      cdk deploy --exclusively {names}",
                "",
            ]
        return parse_rst(self, lines, "mrt-deploy-waves")


class PackageLayout(SphinxDirective):
    """``.. mrt-package-layout::``: every module of the package with its role (its docstring's
    first line) and the package modules it imports, read from the source while the site is
    built (``tools/import_graph.py``), so the page cannot drift from the code."""

    GROUPS = (
        ("The public constructs", lambda n: n.count(".") == 1 and n not in _CONTRACT),
        ("The contract of a deployed app", lambda n: n in _CONTRACT),
        ("Private helpers (``_private``)", lambda n: n.startswith("multiregion_tap._private")),
        ("Discovery (no aws-cdk-lib)", lambda n: n.startswith("multiregion_tap.discovery")),
    )

    def run(self) -> list[nodes.Node]:
        from tools import import_graph

        found = import_graph.modules()
        for module in found.values():
            self.env.note_dependency(str(module.path))
        lines: list[str] = []
        for title, belongs in self.GROUPS:
            names = [n for n in sorted(found) if n != "multiregion_tap" and belongs(n)]
            lines += [
                f".. rubric:: {title}",
                "",
                ".. list-table::",
                "   :header-rows: 1",
                "   :widths: 25 45 30",
                "",
                "   * - module",
                "     - role",
                "     - imports from the package",
            ]
            for name in names:
                module = found[name]
                short = name.removeprefix("multiregion_tap.")
                imports = ", ".join(
                    f"``{i.removeprefix('multiregion_tap.')}``" for i in sorted(module.imports)
                )
                # Roles become literals: the summaries name private and unindexed objects.
                summary = re.sub(r":[a-z:]+:`~?([^`]+)`", r"``\1``", module.summary)
                lines += [f"   * - ``{short}``", f"     - {summary}", f"     - {imports or '-'}"]
            lines.append("")
        return parse_rst(self, lines, "mrt-package-layout")


#: Pure-Python modules: what a deployed app looks like (names, outputs, tags, errors).
_CONTRACT = frozenset({"multiregion_tap.outputs", "multiregion_tap.errors"})


def _write_pictures(app: Sphinx, exception: Exception | None) -> None:
    """Write every picture into the site's ``_diagrams/``, whichever pages were read in
    this build (an incremental build reads only changed pages, but writes a new site)."""
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir) / DIAGRAMS_DIR
    out.mkdir(parents=True, exist_ok=True)
    for key in mrt_diagrams.APPS:
        pictures = app_pictures(key)
        for kind, svg in (("stacks", pictures.stacks_svg), ("topology", pictures.topology_svg)):
            target = out / f"{key}-{kind}.svg"
            if not target.exists() or target.read_text() != svg:
                target.write_text(svg)


def _synthesize_apps(app: Sphinx) -> None:
    """Synthesize (or find cached) every app the pictures show, side by side, up front."""
    mrt_diagrams.cached_assemblies(sorted(mrt_diagrams.APPS))


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", _synthesize_apps)
    app.connect("build-finished", _write_pictures)
    app.connect("autodoc-process-docstring", _process_docstring)
    app.connect("missing-reference", _missing_reference)
    app.add_directive("mrt-defaults", DefaultsTable)
    app.add_directive("mrt-stack-diagram", StackDiagram)
    app.add_directive("mrt-topology-diagram", TopologyDiagram)
    app.add_directive("mrt-deploy-waves", DeployWaves)
    app.add_directive("mrt-package-layout", PackageLayout)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
