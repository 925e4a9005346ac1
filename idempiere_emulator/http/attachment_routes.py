"""Routes of ``/{models|views}/{name}/{id}/attachments[/zip|/{fileName}]`` (spec §7.6, the plugin's
``ModelResource`` attachment methods; ``ViewResource`` inherits them).

What happens here, in the plugin's order, is the HTTP side: the JSON body of a POST (read by Gson before anything
else; a body that is no JSON object escapes as a container 500), ``name``/``data`` checks (400 with an empty
detail), ``?json``, the 204s, the binary answers and their content types. The operations themselves are
``model/attachments.py``. Two Jersey facts: a path's literal ``attachments`` / ``zip`` win over the
``{columnName}`` / ``{fileName}`` templates, and the binary GETs ``@Produces(application/octet-stream)``: an
``Accept`` that excludes it is 406, and their ``?json`` answers still carry that content type.
"""
from __future__ import annotations

import base64
import json
from typing import Any

import orjson

from erp_emulator.messages import Request, Response, json_response

from ..errors import EmulatorError
from ..model.attachments import OCTETS, content_type, lenient_base64, unpack
from .bodies import strip_comments
from .jetty import ContainerError


def attachment_route(api: Any, segs: list[str]) -> dict | None:
    """{method: (handler, needs_auth, *args)} for an attachment path, else None (not one of these routes)."""
    n = len(segs)
    if not 4 <= n <= 5 or segs[0] not in ("models", "views") or segs[3] != "attachments" or "" in segs:
        return None
    h = _Handlers(api)
    kind, name, rid = segs[0], segs[1], segs[2]
    if n == 4:
        return {"GET": (h.listing, True, kind, name, rid), "POST": (h.add, True, kind, name, rid),
                "DELETE": (h.delete_all, True, kind, name, rid)}
    if segs[4] == "zip":
        return {"GET": (h.zip, True, kind, name, rid), "POST": (h.add_zip, True, kind, name, rid)}
    return {"GET": (h.entry, True, kind, name, rid, segs[4]), "DELETE": (h.delete_entry, True, kind, name, rid, segs[4])}


class _Handlers:
    def __init__(self, api: Any) -> None:
        self.api = api
        self.model = api.backend.attachments

    def _target(self, ctx: Any, kind: str, name: str, rid: str, *, post: bool = False) -> Any:
        return self.model.target(ctx.session, name, rid, views="may" if post else ("must" if kind == "views" else "no"))

    # ---- reads ---------------------------------------------------------------------------------
    def listing(self, req: Request, ctx: Any, kind: str, name: str, rid: str) -> Response:
        found = self.model.entries(self._target(ctx, kind, name, rid)) or []
        items = [{"name": entry, "contentType": content_type(entry)} for entry, _data in found]
        return json_response(200, {"attachments": items})

    def zip(self, req: Request, ctx: Any, kind: str, name: str, rid: str) -> Response:
        _require_octets(req)
        data = self.model.zip_of(self._target(ctx, kind, name, rid))
        return _binary(req, data, OCTETS)

    def entry(self, req: Request, ctx: Any, kind: str, name: str, rid: str, file_name: str) -> Response:
        _require_octets(req)
        data = self.model.entry(self._target(ctx, kind, name, rid), file_name)
        return _binary(req, data, content_type(file_name))

    # ---- writes --------------------------------------------------------------------------------
    def add(self, req: Request, ctx: Any, kind: str, name: str, rid: str) -> Response:
        body = _gson_body(req)
        file_name = _primitive(body.get("name"))
        if file_name is None or not file_name.strip():
            raise EmulatorError(400, "name property is mandatory")
        text = _primitive(body.get("data"))
        if text is None or not text.strip():
            raise EmulatorError(400, "data property is mandatory")
        overwrite = _flag(body.get("overwrite"))
        target = self._target(ctx, kind, name, rid, post=True)
        data = _decoded(text)
        self.model.add(ctx.session, target, [(file_name, data)], overwrite)
        return Response(201)

    def add_zip(self, req: Request, ctx: Any, kind: str, name: str, rid: str) -> Response:
        body = _gson_body(req)
        overwrite = _flag(body.get("overwrite"))
        text = _primitive(body.get("data"))
        if text is None or not text.strip():
            raise EmulatorError(400, "data property is mandatory")
        target = self._target(ctx, kind, name, rid, post=True)
        self.model.add(ctx.session, target, unpack(_decoded(text)), overwrite)
        return Response(201)

    def delete_all(self, req: Request, ctx: Any, kind: str, name: str, rid: str) -> Response:
        self.model.delete_all(self._target(ctx, kind, name, rid))
        return json_response(200, {"msg": "Deleted"})

    def delete_entry(self, req: Request, ctx: Any, kind: str, name: str, rid: str, file_name: str) -> Response:
        self.model.delete_entry(ctx.session, self._target(ctx, kind, name, rid), file_name)
        return json_response(200, {"msg": "Deleted"})


def _binary(req: Request, data: bytes | None, ctype: str) -> Response:
    """The entry or zip itself, or ``{"data": <base64>}`` with ``?json``; 204 when there is nothing."""
    if data is None:
        return Response(204)
    if "json" in req.params:
        return Response(200, orjson.dumps({"data": base64.b64encode(data).decode("ascii")}), OCTETS)
    return Response(200, data, ctype)


def _require_octets(req: Request) -> None:
    """Jersey's content negotiation against ``@Produces(application/octet-stream)``: else 406, no body."""
    accept = req.headers.get("accept")
    if not accept:
        return
    for part in accept.split(","):
        media, *params = [p.strip().lower() for p in part.split(";")]
        if media in ("*/*", "application/*", OCTETS) and not any(p.replace(" ", "") in ("q=0", "q=0.0")
                                                                   for p in params):
            return
    raise EmulatorError(406, empty_body=True)


def _gson_body(req: Request) -> dict:
    """``gson.fromJson(jsonText, JsonObject.class)`` outside any try: no JSON object -> container 500."""
    if isinstance(req.parsed_body, dict):
        return req.parsed_body
    text = req.body.decode("utf-8", errors="replace")
    for candidate in (text, strip_comments(text)):  # Gson reads leniently (comments)
        try:
            value = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
        break
    raise ContainerError(500)


def _primitive(value: Any) -> str | None:
    """``JsonElement.getAsString`` of a JSON primitive; None for null, objects and arrays (not primitives)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def _flag(value: Any) -> bool:
    """``getAsBoolean`` of a primitive: a boolean, or the text ``true`` (any case); anything else is false."""
    return value if isinstance(value, bool) else isinstance(value, str) and value.lower() == "true"


def _decoded(text: str) -> bytes:
    data = lenient_base64(text)
    if not data:
        raise EmulatorError(400, "Can't parse data", "Can't parse data in Json content, not base64 encoded")
    return data
