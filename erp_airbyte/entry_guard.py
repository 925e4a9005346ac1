"""What every console script does before the CDK runs a command: check the input files, then mask output.

``start`` runs ``preflight`` on the files the command reads; a bad one ends the process the way the
protocol expects for a config error: ``check`` prints a failed CONNECTION_STATUS (exit 0), every other
command prints a ``config_error`` TRACE (exit 1); never a traceback, never a config value. Then it builds
the run's ``SecretMasker`` and installs it (``secret_output``) before any connector code can log.
"""
from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any, NoReturn

import orjson
from airbyte_cdk.models import (
    AirbyteConnectionStatus,
    AirbyteMessage,
    AirbyteMessageSerializer,
    Status,
    Type,
)

from erp_airbyte.preflight import InputError, preflight, read_json
from erp_airbyte.secret_output import install, masker_for
from erp_http.secrets import SecretMasker


def start(command: str, schema: Mapping[str, Any], side: str, *, config: str | None = None,
          catalog: str | None = None, state: str | None = None) -> SecretMasker:
    """Preflight ``command``'s files and install output masking; exits on a bad input file."""
    if command == "spec" or config is None:
        return SecretMasker()
    try:
        preflight(command, schema, side, config=config, catalog=catalog, state=state)
    except InputError as exc:
        exit_on_input_error(command, exc)
    masker = masker_for(schema, read_json(config, "config"))
    install(masker)
    return masker


def exit_on_input_error(command: str, exc: InputError) -> NoReturn:
    """Print the protocol's answer to a bad input and exit (``check``: FAILED status, 0; others: TRACE, 1)."""
    if command == "check":
        message = AirbyteMessage(type=Type.CONNECTION_STATUS,
                                 connectionStatus=AirbyteConnectionStatus(status=Status.FAILED, message=exc.message))
        print(orjson.dumps(AirbyteMessageSerializer.dump(message)).decode(), flush=True)
        sys.exit(0)
    exc = exc.with_traceback(None)  # the sentence is the whole story: no stack trace in the TRACE message
    print(orjson.dumps(AirbyteMessageSerializer.dump(exc.as_airbyte_message())).decode(), flush=True)
    sys.exit(1)
