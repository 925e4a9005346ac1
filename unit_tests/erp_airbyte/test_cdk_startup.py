"""erp_airbyte.cdk_startup: the CDK imports faster and serializes exactly as before.

The connectors' real commands, with and without it, are compared in integration_tests/test_cdk_startup_cli.py.
"""
from __future__ import annotations

import ast
import importlib
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from erp_airbyte import cdk_startup

# Serializes one message of each kind the connectors emit, with the CDK's own serializers, and the
# JSON schema of the spec model (where the skipped docstrings would have shown up as descriptions).
_PROBE = r"""
import sys
if sys.argv[1] == "patched":
    from erp_airbyte import cdk_startup
    assert cdk_startup.install(), "serpyco-rs no longer exposes get_attributes_doc where expected"
import orjson
from airbyte_cdk.models import (AirbyteMessage, AirbyteMessageSerializer, AirbyteRecordMessage, AirbyteStateMessage,
    AirbyteStateType, AirbyteStreamState, StreamDescriptor, AirbyteStateBlob, Type, ConnectorSpecification,
    ConnectorSpecificationSerializer, AirbyteLogMessage, Level)
msgs = [
    AirbyteMessage(type=Type.RECORD, record=AirbyteRecordMessage(stream="c_order", data={"a": 1, "b": [None, "x"]}, emitted_at=1)),
    AirbyteMessage(type=Type.STATE, state=AirbyteStateMessage(type=AirbyteStateType.STREAM, stream=AirbyteStreamState(
        stream_descriptor=StreamDescriptor(name="c_order"), stream_state=AirbyteStateBlob(cursor="2024-01-01")))),
    AirbyteMessage(type=Type.LOG, log=AirbyteLogMessage(level=Level.INFO, message="hello")),
]
for m in msgs:
    print(orjson.dumps(AirbyteMessageSerializer.dump(m)).decode())
print(orjson.dumps(ConnectorSpecificationSerializer.dump(ConnectorSpecification(connectionSpecification={"type": "object"}))).decode())
back = AirbyteMessageSerializer.load(AirbyteMessageSerializer.dump(msgs[1]))
print(back.state.stream.stream_descriptor.name)
"""


def _run(mode: str) -> str:
    proc = subprocess.run([sys.executable, "-c", _PROBE, mode], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def test_patched_cdk_serializes_byte_for_byte_like_the_unpatched_one() -> None:
    patched, plain = _run("patched"), _run("plain")
    assert patched.count("\n") == 5
    assert patched == plain


def test_install_patches_the_docstring_lookup_before_the_cdk_is_imported() -> None:
    code = ("import source_idempiere, serpyco_rs._describe as d, airbyte_cdk.models.airbyte_protocol_serializers;"
            "from erp_airbyte import cdk_startup; print(d.get_attributes_doc is cdk_startup._no_attribute_docs)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.stdout.strip() == "True", proc.stderr[-2000:]


# ---- defer_package_init, on a throwaway package whose __init__ counts its runs --------------------------

@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """``deferpkg``: an ``__init__`` that re-exports ``sub.VALUE`` and counts its runs in ``deferpkg_runs``."""
    root = tmp_path / "deferpkg"
    root.mkdir()
    (root / "__init__.py").write_text("import deferpkg_runs\ndeferpkg_runs.count += 1\nfrom .sub import VALUE\n")
    (root / "sub.py").write_text("VALUE = 42\n")
    (root / "cyclic.py").write_text("import deferpkg.cyclic as me\nSELF = me\n")
    (root / "inner").mkdir()
    (root / "inner" / "__init__.py").write_text("import deferpkg_runs\ndeferpkg_runs.inner += 1\n")
    (root / "inner" / "leaf.py").write_text("LEAF = 1\n")
    (tmp_path / "deferpkg_runs.py").write_text("count = 0\ninner = 0\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "deferpkg"
    for name in [m for m in sys.modules if m.split(".")[0] in ("deferpkg", "deferpkg_runs")]:
        del sys.modules[name]


def _runs(which: str = "count") -> int:
    return getattr(importlib.import_module("deferpkg_runs"), which)


def test_submodules_import_without_running_the_package_init(package: str) -> None:
    assert cdk_startup.defer_package_init(package)
    sub = importlib.import_module(f"{package}.sub")
    assert sub.VALUE == 42
    assert _runs() == 0
    assert sys.modules[package].sub is sub  # bound on the package as usual


def test_the_first_name_asked_of_the_package_runs_its_init_once(package: str) -> None:
    cdk_startup.defer_package_init(package)
    module = sys.modules[package]
    assert module.VALUE == 42
    assert _runs() == 1
    assert module.sub.VALUE == 42 and _runs() == 1  # a second access does not run it again
    with pytest.raises(AttributeError, match="no attribute 'missing'"):
        module.missing  # noqa: B018 - the attribute access is the test
    assert _runs() == 1


def test_an_import_cycle_through_the_package_does_not_run_its_init(package: str) -> None:
    cdk_startup.defer_package_init(package)
    cyclic = importlib.import_module(f"{package}.cyclic")  # `import pkg.cyclic as me` inside pkg.cyclic
    assert cyclic.SELF is cyclic
    assert _runs() == 0


def test_an_imported_package_is_left_as_it_is(package: str) -> None:
    module = importlib.import_module(package)
    assert not cdk_startup.defer_package_init(package)
    assert sys.modules[package] is module and _runs() == 1
    assert not cdk_startup.defer_package_init("no_such_package_here")


def test_a_subpackage_is_deferred_under_its_deferred_parent(package: str) -> None:
    assert cdk_startup.defer_package_init(package) and cdk_startup.defer_package_init(f"{package}.inner")
    leaf = importlib.import_module(f"{package}.inner.leaf")
    assert leaf.LEAF == 1
    assert (_runs(), _runs("inner")) == (0, 0)
    assert sys.modules[package].inner is sys.modules[f"{package}.inner"]
    assert sys.modules[f"{package}.inner"].leaf is leaf


# ---- what the deferred CDK __init__ files do besides re-exporting -------------------------------------

def _beyond_re_exports(package: str) -> list[str]:
    """Statements of ``package``'s __init__ other than imports, docstrings, ``__all__`` and ``__version__``."""
    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.origin is not None
    names = {"__all__", "__version__"}
    rest = []
    for node in ast.parse(Path(spec.origin).read_text()).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        assigned = {t.id for n in ast.walk(node) if isinstance(n, (ast.Assign, ast.AnnAssign))
                    for t in (n.targets if isinstance(n, ast.Assign) else [n.target]) if isinstance(t, ast.Name)}
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.Try)) and assigned and assigned <= names:
            continue
        rest.append(ast.unparse(node))
    return rest


def test_the_deferred_cdk_inits_do_nothing_but_re_export_and_the_option_install_sets() -> None:
    """If the CDK adds work to these __init__ files, a connector would skip it: this fails, to look at it."""
    assert cdk_startup.DEFERRED_PACKAGES == ("airbyte_cdk", "airbyte_cdk.sources")
    assert _beyond_re_exports("airbyte_cdk") == []
    assert _beyond_re_exports("airbyte_cdk.sources") == ["dpath.options.ALLOW_EMPTY_STRING_KEYS = True"]
