"""The import graph of the ``multiregion_tap`` package, read from its source (no import).

Used by the tests (no import cycle; constructs do not import their composer) and by the docs
(the package layout in the architecture guide is drawn from it, so it cannot go stale).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "multiregion_tap"


@dataclass(frozen=True)
class Module:
    """One module of the package."""

    name: str
    path: Path
    #: The first line of its docstring.
    summary: str
    #: Modules of the package it imports when it runs.
    imports: frozenset[str]
    lines: int


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def runtime_imports(path: Path, module: str, prefix: str = "multiregion_tap") -> set[str]:
    """Modules under ``prefix`` that ``path`` imports when it runs (any depth, functions
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
            if target.startswith(prefix):
                found.add(target)
                for alias in node.names:  # `from . import naming` imports a module
                    found.add(f"{target}.{alias.name}")
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith(prefix))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def modules(package: Path = PACKAGE) -> dict[str, Module]:
    """Every module of the package with what it imports from the package, by name."""
    paths = {module_name(p, package): p for p in sorted(package.rglob("*.py"))}
    result: dict[str, Module] = {}
    for name, path in paths.items():
        source = path.read_text()
        doc = ast.get_docstring(ast.parse(source)) or ""
        result[name] = Module(
            name=name,
            path=path,
            summary=doc.strip().splitlines()[0] if doc.strip() else "",
            imports=frozenset(runtime_imports(path, name) & set(paths) - {name}),
            lines=source.count("\n"),
        )
    return result


def graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Module name -> the package's modules it imports at run time."""
    return {name: set(m.imports) for name, m in modules(package).items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
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
        for target in sorted(edges.get(node, ())):
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
            if len(component) > 1 or node in edges.get(node, ()):
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return found
