"""No import cycle among the product's modules, hidden ones included.

A cycle that only "works" because one side imports inside a function or under ``TYPE_CHECKING`` is still a
cycle: the two modules cannot be understood, tested or moved apart. So every import counts here, wherever it
sits in the file, relative ones resolved. The one exception is a deliberate start-up deferral (an import
kept inside a function so that a process does not pay for it at start-up): its import line carries a
``# start-up deferral: <why>`` comment and is left out of the graph.

Product packages: every top-level package of the repository except the test packages (``erp_*``,
``idempiere_*``, ``source_*``, ``destination_*``, ``frappe_*``, ``bench``, ``demo``).
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from unit_tests.packaging_facts import ROOT

TEST_PACKAGES = {"unit_tests", "integration_tests"}
DEFERRAL_MARK = "# start-up deferral:"


@dataclass(frozen=True)
class Edge:
    """``source`` imports ``target``, at ``path``:``line``."""

    source: str
    target: str
    path: str
    line: int


def product_modules(root: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every ``.py`` file inside a top-level package that is not a test one."""
    modules: dict[str, Path] = {}
    for package in sorted(p for p in root.iterdir() if (p / "__init__.py").is_file() and p.name not in TEST_PACKAGES):
        for path in sorted(package.rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _known(name: str, modules: dict[str, Path]) -> str | None:
    """The longest prefix of ``name`` that is a product module (``a.b.Class`` -> ``a.b``), else None."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def import_edges(module: str, path: Path, modules: dict[str, Path]) -> list[Edge]:
    """Every import of a product module in ``path``: top-level, function-level, ``TYPE_CHECKING``, relative.

    ``from X import n`` depends on ``X`` and, when ``X.n`` is a module, on ``X.n``. An import of one of the
    module's own packages is no edge (a package's ``__init__`` runs before its children anyway), and neither is
    an import whose lines carry the start-up deferral mark.
    """
    source = path.read_text()
    lines = source.splitlines()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    rel = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
    edges: list[Edge] = []
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join(parts + ([base] if base else []))
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        if any(DEFERRAL_MARK in line for line in lines[node.lineno - 1: node.end_lineno]):
            continue
        for name in names:
            target = _known(name, modules)
            if target and target != module and not module.startswith(target + "."):
                edges.append(Edge(module, target, rel, node.lineno))
    return edges


def find_cycles(edges: list[Edge]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted, in sorted order."""
    graph: dict[str, set[str]] = {}
    for e in edges:
        graph.setdefault(e.source, set()).add(e.target)
        graph.setdefault(e.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def _all_edges(root: Path) -> list[Edge]:
    modules = product_modules(root)
    return [e for module, path in modules.items() for e in import_edges(module, path, modules)]


def _describe(cycle: list[str], edges: list[Edge]) -> str:
    members = set(cycle)
    inside = sorted({f"  {e.source} -> {e.target} ({e.path}:{e.line})" for e in edges
                     if e.source in members and e.target in members})
    return " <-> ".join(cycle) + "\n" + "\n".join(inside)


def test_no_import_cycle_among_the_product_modules() -> None:
    edges = _all_edges(ROOT)
    cycles = find_cycles(edges)
    assert not cycles, "import cycles (cut them, or mark a start-up deferral):\n" + "\n".join(
        _describe(c, edges) for c in cycles)


def test_every_product_package_is_read() -> None:
    packages = {name.split(".")[0] for name in product_modules(ROOT)}
    assert {"erp_http", "erp_emulator", "idempiere_client", "source_idempiere", "destination_idempiere",
            "idempiere_emulator", "bench", "demo"} <= packages
    assert not packages & TEST_PACKAGES


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_hidden_imports_make_cycles_and_a_marked_deferral_does_not(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "from .b import B\n",
        "pkg/b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import A\n",
        "pkg/c.py": "def f():\n    from . import d\n",
        "pkg/d.py": "import pkg.c\n",
        "pkg/sub/__init__.py": "from ..e import E\n",
        "pkg/e.py": "def g():\n    from .sub import x  # start-up deferral: heavy, only the CLI needs it\n",
        "pkg/sub/x.py": "",
        "unit_tests/__init__.py": "from pkg.a import A\n",
    })
    modules = product_modules(root)
    assert "unit_tests" not in modules and "pkg.sub" in modules and "pkg.sub.x" in modules
    edges = [e for module, path in modules.items() for e in import_edges(module, path, modules)]
    assert {(e.source, e.target) for e in edges} >= {("pkg.a", "pkg.b"), ("pkg.b", "pkg.a"), ("pkg.c", "pkg.d"),
                                                     ("pkg.d", "pkg.c"), ("pkg.sub", "pkg.e")}
    assert not [e for e in edges if e.source == "pkg.e"]  # the marked import is left out
    assert find_cycles(edges) == [["pkg.a", "pkg.b"], ["pkg.c", "pkg.d"]]

    (root / "pkg/e.py").write_text("def g():\n    from .sub import x\n")  # the same import, unmarked
    edges = [e for module, path in modules.items() for e in import_edges(module, path, modules)]
    assert find_cycles(edges) == [["pkg.a", "pkg.b"], ["pkg.c", "pkg.d"], ["pkg.e", "pkg.sub"]]
