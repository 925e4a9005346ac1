"""The package boundaries a newcomer reads from the tree, enforced by reading every import with ``ast``.

* Shared packages (``erp_*``) name no ERP: they never import an ERP package.
* An ERP package imports shared packages and its own siblings, never another ERP's packages.
* An emulator never imports a client (nor a connector, nor the client-side shared packages): an oracle
  that shares code with the system it tests stops being an oracle.

Function-level and ``TYPE_CHECKING`` imports count too: they are still dependencies, only hidden ones.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from unit_tests.packaging_facts import ROOT

SHARED_PREFIX = "erp_"
ERPS = ("idempiere", "frappe")
# Packages on the client side of the wire: what an emulator must never import.
CLIENT_SIDE_SHARED = ("erp_http", "erp_airbyte")


def _packages() -> list[str]:
    return sorted(p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()
                  and p.name not in {"unit_tests", "integration_tests", "bench", "demo"})


def _erp_of(package: str) -> str | None:
    return next((erp for erp in ERPS if erp in package.split("_")), None)


def imported_top_levels(path: Path) -> set[str]:
    """Top-level names of every absolute import in ``path``, wherever in the file the import sits."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def _violations(package: str) -> list[str]:
    own_erp = _erp_of(package)
    local = set(_packages())
    bad = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for name in imported_top_levels(path) & local:
            other_erp = _erp_of(name)
            rel = path.relative_to(ROOT)
            if package.startswith(SHARED_PREFIX) and other_erp:
                bad.append(f"{rel}: shared package imports ERP package {name}")
            elif own_erp and other_erp and other_erp != own_erp:
                bad.append(f"{rel}: {own_erp} package imports {other_erp} package {name}")
            elif package.endswith("_emulator") and name != package and (
                    name.endswith("_client") or name.startswith(("source_", "destination_"))
                    or name in CLIENT_SIDE_SHARED):
                bad.append(f"{rel}: emulator imports client-side package {name}")
    return bad


@pytest.mark.parametrize("package", _packages())
def test_package_respects_the_import_boundaries(package: str) -> None:
    assert _violations(package) == []


def test_the_rule_reader_sees_function_level_and_type_checking_imports(tmp_path: Path) -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from idempiere_client.http import X\n"
        "def f():\n    import frappe_client.auth\n    from . import sibling\n"
    )
    path = tmp_path / "m.py"
    path.write_text(source)
    assert imported_top_levels(path) == {"typing", "idempiere_client", "frappe_client"}


def test_erp_classification_names_each_package_once() -> None:
    assert _erp_of("idempiere_emulator") == "idempiere"
    assert _erp_of("source_frappe") == "frappe"
    assert _erp_of("erp_http") is None
    assert all(_erp_of(p) or p.startswith(SHARED_PREFIX) for p in _packages()), _packages()
