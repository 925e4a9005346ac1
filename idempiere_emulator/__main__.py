"""CLI: ``python -m idempiere_emulator --host 127.0.0.1 --port 8080 [...]`` serves in the foreground."""
from __future__ import annotations

import argparse
import sys

from erp_emulator.cli import add_transport_arguments, interrupt_on_sigterm, serve

from .emulator_options import EmulatorOptions
from .server import EmulatorServer

TITLE = "iDempiere REST emulator"


def build_parser() -> argparse.ArgumentParser:
    d = EmulatorOptions()
    p = argparse.ArgumentParser(prog="python -m idempiere_emulator",
                                description="Faithful local emulator of the iDempiere REST API (idempiere-rest plugin).")
    add_transport_arguments(p, d)
    p.add_argument("--db", default=d.db, help="SQLite file that persists; default: in memory")
    p.add_argument("--rows", type=int, default=d.rows, help="number of C_Order rows (default %(default)s)")
    p.add_argument("--legacy", action="store_true", help="emulate the older plugin generation (spec §13)")
    p.add_argument("--tz", default=d.tz, help="server JVM time zone (default %(default)s)")
    p.add_argument("--tolowercase", action="store_true", help="REST_COLUMNNAME_TOLOWERCASE=Y")
    p.add_argument("--max-records", type=int, default=d.max_records, help="REST_MAX_RECORDS_SIZE; 0 = unlimited")
    p.add_argument("--token-ttl", type=int, default=d.token_ttl, help="access token lifetime in seconds")
    p.add_argument("--s2s-token", default=d.s2s_token, help="server-to-server token (default: generated)")
    p.add_argument("--dictionary", default=d.dictionary, help="dictionary.json whose tables are served too")
    p.add_argument("--dictionary-rows", type=int, default=d.dictionary_rows, help="generated rows per dictionary table")
    p.add_argument("--job-delay-ms", type=int, default=d.job_delay_ms,
                   help="delay before a submitted background job runs (default %(default)s)")
    p.add_argument("--administrators", default=d.administrators,
                   help="comma-separated user names treated as System Administrators (GET /files)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    interrupt_on_sigterm()
    server = EmulatorServer(EmulatorOptions(**vars(args)))
    return serve(server, TITLE, "/api/v1", {"s2s token": server.s2s_token})


if __name__ == "__main__":
    sys.exit(main())
