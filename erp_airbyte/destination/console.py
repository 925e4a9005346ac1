"""A destination's console script: ``spec | check --config | write --config --catalog``.

The CDK's ``Destination.run`` reads the config and catalog before any connector code runs and prints
each message unmasked; this runs the same commands (``Destination.run_cmd``) after ``entry_guard.start``
(input files checked, secrets masked), and masks every line it prints.
"""
from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

import orjson
from airbyte_cdk.destinations import Destination
from airbyte_cdk.exception_handler import init_uncaught_exception_handler
from airbyte_cdk.models import AirbyteMessageSerializer

from erp_airbyte.entry_guard import start
from erp_airbyte.preflight import DESTINATION

logger = logging.getLogger("airbyte")


def run_destination(destination: Destination, args: Sequence[str] | None = None) -> None:
    """Run ``destination`` with the command line ``args`` (default: ``sys.argv[1:]``)."""
    args = list(sys.argv[1:] if args is None else args)
    init_uncaught_exception_handler(logger)
    parsed = destination.parse_args(args)
    schema = destination.spec(logger).connectionSpecification
    masker = start(parsed.command, schema, DESTINATION, config=getattr(parsed, "config", None),
                   catalog=getattr(parsed, "catalog", None))
    for message in destination.run_cmd(parsed):
        print(masker.mask(orjson.dumps(AirbyteMessageSerializer.dump(message)).decode()), flush=False)
    sys.stdout.flush()
