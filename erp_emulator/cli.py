"""What every emulator CLI shares: the transport's flags, and serving in the foreground until interrupted."""
from __future__ import annotations

import argparse
import signal
from types import FrameType

from .ready_line import format_ready_line
from .server import HttpEmulator, ServeOptions


def add_transport_arguments(parser: argparse.ArgumentParser, defaults: ServeOptions) -> None:
    """``--host --port --latency-ms --fail-rate --drop-rate --seed``, defaulting to ``defaults``' fields."""
    parser.add_argument("--host", default=defaults.host, help="interface to bind (default %(default)s)")
    parser.add_argument("--port", type=int, default=defaults.port,
                        help="TCP port; 0 picks a free one (default %(default)s)")
    parser.add_argument("--latency-ms", type=int, default=defaults.latency_ms, help="added latency per API request")
    parser.add_argument("--fail-rate", type=float, default=defaults.fail_rate,
                        help="share of requests answered 500/502/503")
    parser.add_argument("--drop-rate", type=float, default=defaults.drop_rate,
                        help="share of requests whose answer is dropped")
    parser.add_argument("--seed", type=int, default=defaults.seed, help="random seed (data and faults)")


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def interrupt_on_sigterm() -> None:
    """SIGTERM (docker stop, Popen.terminate) ends like Ctrl-C, so an SQLite file is closed cleanly.

    Call it first thing in ``main``, before the server seeds its data set.
    """
    signal.signal(signal.SIGTERM, _interrupt)


def serve(server: HttpEmulator, title: str, api_path: str, credentials: dict[str, str]) -> int:
    """Start ``server``, print the ready line (erp_emulator.ready_line), serve until interrupted, then stop."""
    try:
        server.start()
        print(format_ready_line(title, server.base_url, api_path, credentials), flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0
