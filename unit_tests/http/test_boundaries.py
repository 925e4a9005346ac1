"""erp_http is shared: it names no ERP and imports no ERP package (module-level or inside functions)."""
from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import erp_http

PACKAGE = Path(erp_http.__file__).parent
ERP_WORDS = re.compile(r"idempiere|frappe|erpnext", re.IGNORECASE)
ALLOWED_ROOTS = {"erp_http", "__future__", "requests", "urllib3", "orjson"}


def _imports(tree: ast.AST) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(tree):  # walks function bodies and TYPE_CHECKING blocks too
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_erp_http_imports_only_the_stdlib_its_own_modules_and_http_libraries():
    for path in sorted(PACKAGE.glob("*.py")):
        roots = _imports(ast.parse(path.read_text(), str(path)))
        foreign = {r for r in roots if r not in ALLOWED_ROOTS and r not in sys.stdlib_module_names}
        assert not foreign, f"{path.name} imports {sorted(foreign)}"


def test_erp_http_code_names_no_erp():
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        names = [n.id for n in ast.walk(tree) if isinstance(n, ast.Name)]
        names += [n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)]
        names += [n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
        names += [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                  and not (isinstance(n, ast.Constant) and n in _docstrings(tree))]
        hits = [n for n in names if ERP_WORDS.search(n)]
        assert not hits, f"{path.name} names an ERP: {hits}"


def _docstrings(tree: ast.AST) -> list[ast.Constant]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.append(first.value)
    return out
