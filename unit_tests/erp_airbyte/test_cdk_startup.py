"""erp_airbyte.cdk_startup: the CDK imports faster and serializes exactly as before."""
from __future__ import annotations

import subprocess
import sys

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
