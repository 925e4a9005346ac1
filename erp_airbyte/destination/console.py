"""A destination's console script: ``spec | check --config | write --config --catalog``.

The CDK's ``Destination.run`` reads the config and catalog before any connector code runs and prints
each message unmasked; this runs the same commands (``Destination.run_cmd``) after ``entry_guard.start``
(input files checked, secrets masked), and masks every line it prints. ``write`` reads its input with
``input_lines.parse_lines`` instead of the CDK's parser, which drops the lines orjson cannot read: every
line that is not a message reaches the pipeline as a ``BadLine`` and is rejected with its reason.
"""
from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import Any

import orjson
from airbyte_cdk.destinations import Destination
from airbyte_cdk.exception_handler import init_uncaught_exception_handler
from airbyte_cdk.logger import init_logger
from airbyte_cdk.models import (
    AirbyteMessage,
    AirbyteMessageSerializer,
    ConfiguredAirbyteCatalogSerializer,
)

from erp_airbyte.destination.input_lines import parse_lines
from erp_airbyte.entry_guard import start
from erp_airbyte.preflight import DESTINATION, read_json

# LOG messages on stdout, as importing the CDK's entrypoint sets up for every connector; a destination no
# longer imports it (erp_airbyte.cdk_startup defers the CDK namespaces that did), so it says so itself.
logger = init_logger("airbyte")


def run_destination(destination: Destination, args: Sequence[str] | None = None) -> None:
    """Run ``destination`` with the command line ``args`` (default: ``sys.argv[1:]``)."""
    args = list(sys.argv[1:] if args is None else args)
    init_uncaught_exception_handler(logger)
    parsed = destination.parse_args(args)
    schema = destination.spec(logger).connectionSpecification
    masker = start(parsed.command, schema, DESTINATION, config=getattr(parsed, "config", None),
                   catalog=getattr(parsed, "catalog", None))
    messages = _write(destination, parsed.config, parsed.catalog) if parsed.command == "write" \
        else destination.run_cmd(parsed)
    for message in messages:
        print(masker.mask(orjson.dumps(AirbyteMessageSerializer.dump(message)).decode()), flush=False)
    sys.stdout.flush()


def _write(destination: Destination, config_path: str, catalog_path: str) -> Iterable[AirbyteMessage]:
    """``write`` as the CDK runs it, with every input line accounted for (``parse_lines``)."""
    config: Any = read_json(config_path, "config")  # already checked by entry_guard.start
    catalog = ConfiguredAirbyteCatalogSerializer.load(read_json(catalog_path, "catalog"))
    logger.info("Begin writing to the destination...")
    yield from destination.write(config=config, configured_catalog=catalog,
                                 input_messages=parse_lines(sys.stdin.buffer))  # type: ignore[arg-type]
    logger.info("Writing complete.")
