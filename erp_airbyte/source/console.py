"""A source's console script: the standard ``spec | check | discover | read`` CLI, with fast RECORD lines.

Before the CDK reads anything, ``entry_guard.start`` checks the config, catalog and state files (a bad
one is a ``config_error`` sentence, never a traceback or a quoted secret) and installs the run's secret
masker; every non-RECORD line is masked. ``spec``, ``check`` and ``discover`` then run as the CDK runs them. ``read`` runs the same
``AirbyteEntrypoint.read`` (secret masking, config validation, record counts, memory monitor) but
writes each line with ``record_output.message_line``. A config error ends with its TRACE message and
exit code 1, not a traceback.
"""
from __future__ import annotations

import logging
import sys
import tempfile
from collections.abc import Iterator, Sequence

from airbyte_cdk.entrypoint import AirbyteEntrypoint
from airbyte_cdk.models import FailureType
from airbyte_cdk.sources import Source
from airbyte_cdk.utils.print_buffer import PrintBuffer
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from erp_airbyte.entry_guard import start
from erp_airbyte.preflight import SOURCE
from erp_airbyte.record_output import message_line
from erp_airbyte.secret_output import masked_lines


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
            lines = read_lines(entrypoint, parsed.config, parsed.catalog, getattr(parsed, "state", None),
                               bool(getattr(parsed, "debug", False)))
            for line in masked_lines(lines, masker):
                sys.stdout.write(line + "\n")
    except AirbyteTracedException as exc:
        if exc.failure_type != FailureType.config_error:
            raise
        exc.emit_message()
        sys.exit(1)
