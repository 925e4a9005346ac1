"""erp_airbyte.cdk_startup: the CDK imports faster and serializes exactly as before.

The connectors' real commands, with and without it, are compared in integration_tests/test_cdk_startup_cli.py.
"""
from __future__ import annotations

import importlib
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
    (tmp_path / "deferpkg_runs.py").write_text("count = 0\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "deferpkg"
    for name in [m for m in sys.modules if m.split(".")[0] in ("deferpkg", "deferpkg_runs")]:
        del sys.modules[name]


def _runs() -> int:
    return importlib.import_module("deferpkg_runs").count


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
