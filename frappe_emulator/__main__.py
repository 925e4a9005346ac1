"""CLI: ``frappe-emulator --port 8000 [--version 16] [--rows N] ...`` serves in the foreground."""
from __future__ import annotations

import argparse
import sys

from erp_emulator.cli import add_transport_arguments, interrupt_on_sigterm, serve

from .emulator import FrappeEmulator
from .options import VERSIONS, FrappeOptions


def build_parser() -> argparse.ArgumentParser:
    d = FrappeOptions()
    p = argparse.ArgumentParser(prog="frappe-emulator", description="Faithful local emulator of the Frappe/ERPNext REST API.")
    add_transport_arguments(p, d)
    p.add_argument("--version", default=d.version, choices=VERSIONS, help="Frappe release to play (default %(default)s)")
    p.add_argument("--rows", type=int, default=d.rows, help="number of Sales Orders (default %(default)s)")
    p.add_argument("--tz", default=d.tz, help="System Settings time_zone (default %(default)s)")
    p.add_argument("--rate-limit", default=d.rate_limit, help="site rate limiter LIMIT_S:WINDOW_S (a time budget)")
    p.add_argument("--db", default=d.db, help="SQLite file that persists; default: in memory")
    p.add_argument("--doctypes", default=d.doctypes, help="a doctypes.json whose DocTypes are served too")
    return p


def main(argv: list[str] | None = None) -> int:
    interrupt_on_sigterm()
    args = build_parser().parse_args(argv)
    try:
        server = FrappeEmulator(FrappeOptions(**vars(args)))
    except ValueError as exc:
        print(f"frappe-emulator: {exc}", file=sys.stderr)
        return 2
    key, secret = server.api_key, server.api_secret
    return serve(server, "Frappe REST emulator", "/api", {"api_key": key, "api_secret": secret})


if __name__ == "__main__":
    sys.exit(main())
