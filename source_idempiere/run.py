"""Console script ``source-idempiere``: the standard ``spec | check | discover | read`` CLI.

``spec``, ``check`` and ``discover`` go through the CDK's ``launch`` unchanged. ``read`` runs the same
``AirbyteEntrypoint.read`` (secret masking, config validation, record counts, memory monitor) but
writes RECORD lines with one ``orjson.dumps`` instead of the CDK's generic serializer: that serializer
costs more CPU per record than parsing the page did, and the benchmark budget (issue 6: connector
CPU per record <= 1.3x a bare client) does not leave room for it. Every other message type, and any
record orjson cannot encode, uses the CDK serializer, so the output is byte-for-byte valid protocol.
"""
from __future__ import annotations

import logging
import sys
import tempfile
from collections.abc import Iterator

import orjson
from airbyte_cdk.entrypoint import AirbyteEntrypoint
from airbyte_cdk.models import AirbyteMessage, FailureType, Type
from airbyte_cdk.utils.print_buffer import PrintBuffer
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from erp_airbyte.entry_guard import start
from erp_airbyte.preflight import SOURCE
from erp_airbyte.secret_output import masked_lines
from source_idempiere.source import SourceIdempiere


def message_line(message: AirbyteMessage) -> str:
    """One protocol line for a message (fast path for plain RECORD messages)."""
    if message.type == Type.RECORD:
        rec = message.record
        if rec is not None and rec.namespace is None and rec.meta is None and rec.file_reference is None:
            try:
                return orjson.dumps(
                    {"type": "RECORD", "record": {"stream": rec.stream, "data": rec.data, "emitted_at": rec.emitted_at}}
                ).decode()
            except TypeError:
                pass  # e.g. a Decimal: let the CDK serializer handle it
    return AirbyteEntrypoint.airbyte_message_to_string(message)


def read_lines(entrypoint: AirbyteEntrypoint, config_path: str, catalog_path: str, state_path: str | None,
               debug: bool = False) -> Iterator[str]:
    """The ``read`` branch of ``AirbyteEntrypoint.run``, serialised with ``message_line``."""
    source = entrypoint.source
    entrypoint.logger.setLevel(logging.DEBUG if debug else logging.INFO)
    spec = source.spec(entrypoint.logger)
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as temp_dir:
        config = source.configure(source.read_config(config_path), temp_dir)
        catalog = source.read_catalog(catalog_path)
        state = source.read_state(state_path)
        try:
            for message in entrypoint.read(spec, config, catalog, state):
                yield message_line(message)
        finally:
            repository = getattr(source, "message_repository", None)
            if repository is not None:
                for message in repository.consume_queue():
                    yield message_line(message)


def run() -> None:
    """Run the source; a config error ends with its TRACE message and exit code 1, not a traceback."""
    args = sys.argv[1:]
    source = SourceIdempiere()
    try:
        entrypoint = AirbyteEntrypoint(source)
        parsed = entrypoint.parse_args(args)
        schema = source.spec(entrypoint.logger).connectionSpecification
        masker = start(parsed.command, schema, SOURCE, config=getattr(parsed, "config", None),
                       catalog=getattr(parsed, "catalog", None), state=getattr(parsed, "state", None))
        if parsed.command != "read":
            for line in masked_lines(entrypoint.run(parsed), masker):
                print(f"{line}\n", end="")
            return
        with PrintBuffer():
            lines = read_lines(entrypoint, parsed.config, parsed.catalog, getattr(parsed, "state", None),
                               bool(getattr(parsed, "debug", False)))
            for line in masked_lines(lines, masker):
                sys.stdout.write(line + "\n")
    except AirbyteTracedException as exc:
        if exc.failure_type != FailureType.config_error:
            raise
        exc.emit_message()
        sys.exit(1)


if __name__ == "__main__":
    run()
