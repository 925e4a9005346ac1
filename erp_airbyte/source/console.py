"""A source's console script: the standard ``spec | check | discover | read`` CLI, with fast RECORD output.

Before the CDK reads anything, ``entry_guard.start`` checks the config, catalog and state files (a bad
one is a ``config_error`` sentence, never a traceback or a quoted secret) and installs the run's secret
masker; every non-RECORD line is masked. ``spec``, ``check`` and ``discover`` then run as the CDK runs them.
A config error ends with its TRACE message and exit code 1, not a traceback.

``read`` does what ``AirbyteEntrypoint.read`` does (the CDK's secret filter, config validation against
the spec, record counts on each STATE, its memory monitor, queued messages flushed at the end), but over
``PagedSource.read_output``: a page of records arrives as one ``RecordPage`` (``record_output.py``),
counted and written in one piece. The CDK's loop cannot take that shape, and per-record messages through
it cost more CPU than the rest of the connector's work on a record (bench measurement 1 / F3), so this
one loop is ours; every piece of it is the CDK's own (``handle_record_counts``, ``MemoryMonitor``, ...).
"""
from __future__ import annotations

import logging
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from airbyte_cdk.entrypoint import AirbyteEntrypoint
from airbyte_cdk.models import AirbyteMessage, AirbyteStateMessage, ConfiguredAirbyteCatalog, FailureType
from airbyte_cdk.sources import Source
from airbyte_cdk.sources.connector_state_manager import HashableStreamDescriptor
from airbyte_cdk.utils.print_buffer import PrintBuffer
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from erp_airbyte.entry_guard import start
from erp_airbyte.preflight import SOURCE
from erp_airbyte.record_output import RecordPage, message_line
from erp_airbyte.secret_output import masked_lines


@runtime_checkable
class PagedSource(Protocol):
    """A source whose read can hand the console whole pages of records (both ERP sources)."""

    def read_output(self, logger: logging.Logger, config: Mapping[str, Any], catalog: ConfiguredAirbyteCatalog,
                    state: list[AirbyteStateMessage] | None = None) -> Iterator[AirbyteMessage | RecordPage]:
        """``Source.read``, with each page's records as one ``RecordPage``."""
        ...


def read_lines(entrypoint: AirbyteEntrypoint, config_path: str, catalog_path: str, state_path: str | None,
               debug: bool = False) -> Iterator[str]:
    """The ``read`` command's output, in pieces of whole lines (each ends with a newline)."""
    source = entrypoint.source
    entrypoint.logger.setLevel(logging.DEBUG if debug else logging.INFO)
    spec = source.spec(entrypoint.logger)
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as temp_dir:
        config = source.configure(source.read_config(config_path), temp_dir)
        catalog = source.read_catalog(catalog_path)
        state = source.read_state(state_path) if state_path else []  # the CDK's answer for no state file
        try:
            if not isinstance(source, PagedSource):
                for message in entrypoint.read(spec, config, catalog, state):
                    yield message_line(message) + "\n"
                return
            entrypoint.set_up_secret_filter(config, spec.connectionSpecification)
            if source.check_config_against_spec:
                entrypoint.validate_connection(spec, config)
            counts: defaultdict[HashableStreamDescriptor, float] = defaultdict(float)
            # The entrypoint's own monitor (a private attribute: a CDK that renames it fails here, loudly, and
            # in unit_tests/erp_airbyte/test_console.py); it counts messages, so a page counts once per record.
            check_memory = entrypoint._memory_monitor.check_memory_usage
            for item in source.read_output(entrypoint.logger, config, catalog, state):
                if isinstance(item, RecordPage):
                    counts[HashableStreamDescriptor(name=item.stream, namespace=None)] += item.count
                    yield item.text
                    for _ in range(item.count):
                        check_memory()
                else:
                    yield message_line(AirbyteEntrypoint.handle_record_counts(item, counts)) + "\n"
                    check_memory()
        finally:
            repository = getattr(source, "message_repository", None)
            if repository is not None:
                for message in repository.consume_queue():
                    yield message_line(message) + "\n"


def run_source(source: Source, args: Sequence[str] | None = None) -> None:
    """Run ``source`` with the command line ``args`` (default: ``sys.argv[1:]``)."""
    args = list(sys.argv[1:] if args is None else args)
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
            pieces = read_lines(entrypoint, parsed.config, parsed.catalog, getattr(parsed, "state", None),
                                bool(getattr(parsed, "debug", False)))
            for piece in masked_lines(pieces, masker):
                sys.stdout.write(piece)
    except AirbyteTracedException as exc:
        if exc.failure_type != FailureType.config_error:
            raise
        exc.emit_message()
        sys.exit(1)
