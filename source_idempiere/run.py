"""Console script ``source-idempiere``: the standard ``spec | check | discover | read`` CLI."""
from __future__ import annotations

import sys

from airbyte_cdk.entrypoint import launch
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_idempiere.source import SourceIdempiere


def run() -> None:
    """Run the source; a config error ends with its TRACE message and exit code 1, not a traceback."""
    try:
        launch(SourceIdempiere(), sys.argv[1:])
    except AirbyteTracedException as exc:
        if exc.failure_type != FailureType.config_error:
            raise
        exc.emit_message()
        sys.exit(1)


if __name__ == "__main__":
    run()
