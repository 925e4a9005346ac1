"""Routes of ``/processes``, ``/processes/jobs`` and ``/files`` (spec §9); the semantics live in model/processes.py.

``route(api, segs)`` gives ``Api._route`` the handlers of these paths in its {method: (handler, needs_auth,
*args)} form. JAX-RS details kept: the literal ``jobs`` segment wins over ``{processSlug}`` (so ``POST
/processes/jobs`` is 405), an ``{id}`` or ``length`` that is not a number is Jersey's bodiless 404, a POST body is
read by Gson leniently (empty -> null), and exceptions the plugin does not catch are Jetty's 500 page.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from erp_emulator.messages import Request, Response

from .. import fixtures as fx
from ..errors import EmulatorError
from ..model.process_params import UncaughtError
from .auth import AuthContext
from .bodies import strip_comments
from .jetty import ContainerError

_LONG_MAX = 2**63


JsonResponse = Callable[[int, Any], Response]


def route(api: Any, segs: list[str], respond: JsonResponse) -> dict | None:
    """Handlers for ``processes/...`` and ``files`` paths, or None (not ours, or Jersey's 404); ``respond`` builds
    a JSON response in the plugin's dialect (handlers.json_response)."""
    n, head = len(segs), segs[0]

    def ok(value: Any, key: str | None = None) -> Response:
        return respond(200, {key: value} if key else value)

    if head == "files" and n == 1:
        return {"GET": (lambda req, ctx: get_file(api, req, ctx, ok), True)}
    if head != "processes" or n > 3 or any(s == "" for s in segs):
        return None
    procs = api.backend.processes
    if n == 1:
        return {"GET": (lambda req, ctx: ok(procs.listing(ctx.session, req.params.get("$filter")), "processes"), True)}
    if n == 2 and segs[1] == "jobs":
        return {"GET": (lambda req, ctx: ok(procs.jobs(ctx.session), "jobs"), True)}
    if n == 2:
        slug = segs[1]
        return {"GET": (lambda req, ctx: ok(procs.describe(ctx.session, slug)), True),
                "POST": (lambda req, ctx: ok(run_process(api, req, ctx, slug, job=False)), True)}
    if segs[1] != "jobs":
        return None
    tail = segs[2]
    return {"GET": (lambda req, ctx: ok(get_job(api, ctx, tail)), True),
            "POST": (lambda req, ctx: ok(run_process(api, req, ctx, tail, job=True)), True)}


def get_job(api: Any, ctx: AuthContext, raw_id: str) -> dict:
    """GET /processes/jobs/{id}: an int path parameter (anything else: Jersey's 404 without a body)."""
    try:
        job_id = int(raw_id)
    except ValueError:
        raise EmulatorError(404, empty_body=True) from None
    if not -2**31 <= job_id < 2**31:
        raise EmulatorError(404, empty_body=True)
    return api.backend.processes.job(ctx.session, job_id)


def run_process(api: Any, req: Request, ctx: AuthContext, slug: str, *, job: bool) -> dict:
    """POST /processes/{slug} and /processes/jobs/{slug}: process and access first, then the body."""
    processes = api.backend.processes
    process = processes.find(ctx.session, slug, run=True)
    body = _gson_body(req)
    try:
        if job:
            return processes.submit(ctx.session, process, slug, body, api.backend.jobs.schedule)
        return processes.run(ctx.session, process, slug, body)
    except UncaughtError as exc:
        raise ContainerError(500, str(exc)) from None


def _gson_body(req: Request) -> dict | None:
    """``gson.fromJson(text, JsonObject.class)``: lenient, null for an empty body, an exception for the rest."""
    if req.parsed_body is not None:
        return req.parsed_body if isinstance(req.parsed_body, dict) else None
    text = req.body.decode("utf-8", errors="replace")
    if not text.strip():
        return None
    try:
        value = json.loads(strip_comments(text))
    except ValueError as exc:
        raise ContainerError(500, f"com.google.gson.JsonSyntaxException: {exc}") from None
    if not isinstance(value, dict):
        raise ContainerError(500, "com.google.gson.JsonSyntaxException: Expected a com.google.gson.JsonObject but "
                                  f"was {type(value).__name__}")
    return value


def get_file(api: Any, req: Request, ctx: AuthContext, ok: Callable[[Any], Response]) -> Response:
    """GET /files?fileName=&length=&node_id=&json (FileResourceImpl.getFile)."""
    p = req.params
    raw_length = (p.get("length") or "").strip()
    try:
        length = int(raw_length) if raw_length else 0
    except ValueError:
        raise EmulatorError(404, empty_body=True) from None
    if not -_LONG_MAX <= length < _LONG_MAX:
        raise EmulatorError(404, empty_body=True)
    if ctx.session.user_id not in administrator_ids(api.options.administrators):
        raise EmulatorError(403, "Access denied", "Access denied for get file request")
    node = p.get("node_id")
    if node and node != api.backend.processes.node_id:
        raise EmulatorError(404, "Invalid Node Id", f"No match found for node id: {node}")
    data, ctype = api.backend.process_files.read(p.get("fileName"), length)
    if "json" in p:
        return ok(api.backend.process_files.as_json(data))
    return Response(200, data, ctype)


def administrator_ids(names: str | None) -> set[int]:
    """Users named in the ``administrators`` option (comma-separated), as the ids MUser.isAdministrator checks."""
    wanted = {n.strip() for n in (names or "").split(",") if n.strip()}
    return {entry[0] for name, entry in fx.USERS.items() if name in wanted}
