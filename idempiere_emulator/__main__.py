"""CLI: ``python -m idempiere_emulator --host 127.0.0.1 --port 8080 [...]`` serves in the foreground."""
from __future__ import annotations

import argparse
import signal
import sys

from .options import EmulatorOptions
from .server import EmulatorServer


def build_parser() -> argparse.ArgumentParser:
    d = EmulatorOptions()
    p = argparse.ArgumentParser(prog="python -m idempiere_emulator",
                                description="Faithful local emulator of the iDempiere REST API (idempiere-rest plugin).")
    p.add_argument("--host", default=d.host, help="interface to bind (default %(default)s)")
    p.add_argument("--port", type=int, default=d.port, help="TCP port; 0 picks a free one (default %(default)s)")
    p.add_argument("--db", default=d.db, help="SQLite file that persists; default: in memory")
    p.add_argument("--rows", type=int, default=d.rows, help="number of C_Order rows (default %(default)s)")
    p.add_argument("--legacy", action="store_true", help="emulate the older plugin generation (spec §13)")
    p.add_argument("--tz", default=d.tz, help="server JVM time zone (default %(default)s)")
    p.add_argument("--tolowercase", action="store_true", help="REST_COLUMNNAME_TOLOWERCASE=Y")
    p.add_argument("--max-records", type=int, default=d.max_records, help="REST_MAX_RECORDS_SIZE; 0 = unlimited")
    p.add_argument("--token-ttl", type=int, default=d.token_ttl, help="access token lifetime in seconds")
    p.add_argument("--latency-ms", type=int, default=d.latency_ms, help="added latency per API request")
    p.add_argument("--fail-rate", type=float, default=d.fail_rate, help="share of requests answered 500/502/503")
    p.add_argument("--drop-rate", type=float, default=d.drop_rate, help="share of requests whose answer is dropped")
    p.add_argument("--s2s-token", default=d.s2s_token, help="server-to-server token (default: generated)")
    p.add_argument("--dictionary", default=d.dictionary, help="dictionary.json whose tables are served too")
    p.add_argument("--dictionary-rows", type=int, default=d.dictionary_rows, help="generated rows per dictionary table")
    p.add_argument("--seed", type=int, default=d.seed, help="random seed (data and faults)")
    return p


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    options = EmulatorOptions(**vars(args))
    # SIGTERM (docker stop, Popen.terminate) ends like Ctrl-C, so the SQLite file is closed cleanly
    signal.signal(signal.SIGTERM, _interrupt)
    server = EmulatorServer(options).start()
    print(f"iDempiere REST emulator listening on {server.api_url} (s2s token: {server.s2s_token})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
