"""A toy ERP on the shared transport: the least an ERP emulator plugs in, used to test erp_emulator alone.

Its API echoes the request as JSON under ``/api/``; it has one control action (``POST /__emulator__/bump``) and the shared clock actions,
one ERP error type, a log field, and a URI limit. ``python -m integration_tests.erp_emulator.toy`` serves it.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from erp_emulator.cli import add_transport_arguments, interrupt_on_sigterm, serve
from erp_emulator.clock import Clock, now_text
from erp_emulator.control import clock_actions
from erp_emulator.messages import Request, Response, json_response
from erp_emulator.server import HttpEmulator, Site


@dataclass
class ToyOptions:
    host: str = "127.0.0.1"
    port: int = 0
    latency_ms: int = 0
    fail_rate: float = 0.0
    drop_rate: float = 0.0
    seed: int = 42
    key: str = "toy-key"


class ToyError(Exception):
    """The toy ERP's own application error."""


class ToyEmulator(HttpEmulator):
    def __init__(self, options: ToyOptions | None = None) -> None:
        options = options or ToyOptions()
        self.counter = 0
        self.stopped = False
        self.clock = Clock()
        site = Site(handle=self.handle, actions={("POST", "bump"): self.bump, **clock_actions(self.clock)},
                    action_error=lambda exc: json_response(409, {"toy": str(exc)}) if isinstance(exc, ToyError)
                    else None,
                    log_fields=lambda path: {"resource": path.rsplit("/", 1)[-1]}, max_uri=200)
        super().__init__(options, site, name="toy-emulator", on_stop=self._stopped)

    def handle(self, request: Request) -> Response:
        if not request.path.startswith("/api/"):
            return Response(404)
        if request.method == "POST":
            self.counter += 1
        return json_response(200, {"method": request.method, "path": request.path, "params": request.params,
                                   "body": request.body.decode(), "counter": self.counter,
                                   "stamp": now_text(self.clock)})

    def bump(self, payload: dict, _params: dict) -> Response:
        if payload.get("by") == "error":
            raise ToyError("cannot bump by error")
        self.counter += int(payload["by"])
        return json_response(200, {"counter": self.counter})

    def _stopped(self) -> None:
        self.stopped = True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="toy")
    add_transport_arguments(parser, ToyOptions())
    parser.add_argument("--key", default=ToyOptions.key)
    args = parser.parse_args(argv)
    interrupt_on_sigterm()
    server = ToyEmulator(ToyOptions(**vars(args)))
    return serve(server, "Toy ERP emulator", "/api", {"api key": args.key})


if __name__ == "__main__":
    sys.exit(main())
