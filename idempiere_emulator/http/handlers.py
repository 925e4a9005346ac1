"""Routing, request parsing and response building for ``/api/v1`` (moto's responses.py role).

Handlers only translate HTTP <-> AuthService/Backend calls; every API error is an ``EmulatorError`` raised
below and turned into the plugin's JSON (or empty) body here. Jersey behaviours reproduced: unknown paths are
404 before any auth check, unparseable int query params are 404, non-JSON Content-Type is 415 (spec §0, §8).
"""
from __future__ import annotations

import re
import sys
import traceback
from urllib.parse import unquote

import orjson

from erp_emulator.messages import JSON_TYPE, Request, Response

from ..emulator_options import EmulatorOptions
from ..errors import EmulatorError
from ..model.serialize import ScaledNumber
from .attachment_routes import attachment_route
from .auth import AuthContext, AuthService
from .bodies import PlainError as _PlainError
from .bodies import as_str as _as_str
from .bodies import gson_object as _gson_object
from .bodies import jackson_int as _jackson_int
from .bodies import jackson_object as _jackson_object
from .bodies import string_fields as _string_fields
from .jetty import ContainerError, jetty_page
from .process_routes import route as process_route

API_PREFIX = "/api/v1/"
_INT = re.compile(r"[+-]?\d{1,10}")
_LOGIN_KEYS = ("userName", "password", "parameters")
_PARAM_KEYS = ("clientId", "roleId", "organizationId", "warehouseId", "language")
_REFRESH_KEYS = ("refresh_token", "clientId", "userId")
_ENVELOPE_HEADERS = (("X-Page-Count", "page-count"), ("X-Records-Size", "records-size"),
                     ("X-Skip-Records", "skip-records"), ("X-Row-Count", "row-count"),
                     ("X-Array-Count", "array-count"))


# Gson's compact output: no spaces, non-ASCII kept, no HTML escaping (spec §0). orjson writes it and splices
# numeric column values as raw tokens (``10.00``, spec §6.2).
def _raw_number(value: object) -> orjson.Fragment:
    if isinstance(value, ScaledNumber):
        return orjson.Fragment(value.text)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _big_ints_raw(value: object) -> object:
    """orjson refuses integers beyond 64 bits; Gson prints them as they are."""
    if isinstance(value, dict):
        return {k: _big_ints_raw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_big_ints_raw(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and not -2**63 <= value < 2**64:
        return orjson.Fragment(str(value))
    return value


def dumps(value: object) -> bytes:
    """Serialize a response body the way the plugin's Gson does."""
    try:
        return orjson.dumps(value, default=_raw_number)
    except orjson.JSONEncodeError:
        return orjson.dumps(_big_ints_raw(value), default=_raw_number)


def json_response(status: int, value: object, headers: list | None = None) -> Response:
    """A JSON response in the plugin's Gson dialect, encoded when its body is first read (see ``Response``)."""
    return Response(status, None, JSON_TYPE, headers or [], value, dumps)


def error_response(err: EmulatorError) -> Response:
    body = err.body()
    if body is None:
        return Response(err.status)
    return json_response(err.status, body)


def envelope(records: list, row_count: int, records_size: int, skip: int, legacy: bool) -> Response:
    """Collection body in the plugin's key order plus the X-* headers (spec §3.1, §3.2, §13)."""
    page_count = -(-row_count // records_size) if records_size > 0 and row_count > records_size else 1
    body = {"page-count": page_count, "records-size": records_size, "skip-records": skip,
            "row-count": row_count, "records": records, "array-count": 0 if legacy else len(records)}
    headers = [(name, str(body[key])) for name, key in _ENVELOPE_HEADERS]
    return json_response(200, body, headers)


class Api:
    """The ``/api/v1`` resource tree; ``dispatch`` never raises."""

    def __init__(self, backend, auth: AuthService, options: EmulatorOptions, batch_runner=None):
        self.backend = backend
        self.auth = auth
        self.options = options
        self.legacy = bool(options.legacy)
        self.batch_runner = batch_runner  # callable(api, request, ctx) -> Response, set by server

    # ------------------------------------------------------------------ routing
    def dispatch(self, req: Request, lazy: bool = False) -> Response:
        """``lazy``: leave a JSON body unencoded (batch items only use ``json_body``)."""
        try:
            resp = self._dispatch(req)
            if not lazy:
                resp.body  # noqa: B018 - encode here, where an error still becomes a 500 page
            return resp
        except EmulatorError as err:
            return error_response(err)
        except _PlainError as err:
            return Response(err.status, err.text.encode("utf-8"), "text/plain")
        except ContainerError as err:
            return Response(*_page(err.status, req.path, str(err)))
        except Exception as exc:  # a bug below: answer like Jetty, keep the trace visible
            traceback.print_exc(file=sys.stderr)
            return Response(*_page(500, req.path, f"{type(exc).__name__}: {exc}"))

    def _dispatch(self, req: Request) -> Response:
        if not req.path.startswith(API_PREFIX):
            return Response(404)
        segs = [unquote(s) for s in req.path[len(API_PREFIX):].split("/")]
        if len(segs) > 1 and segs[-1] == "":
            segs.pop()  # Jersey tolerates one trailing slash
        route = self._route(segs)
        if route is None:
            return Response(404)
        handler = route.get(req.method)
        if handler is None:
            if req.method == "OPTIONS":
                return Response(200, headers=[("Allow", ",".join(sorted(route)))])
            if req.method == "HEAD" and "GET" in route:
                handler = route["GET"]
            else:
                return Response(405, headers=[("Allow", ",".join(sorted(route)))])
        func, needs_auth, *args = handler
        if req.method in ("POST", "PUT"):
            _require_json_type(req)
        ctx = None
        if needs_auth:
            ctx = self.auth.authenticate(req.headers.get("authorization"), segs[0] == "auth")
        return func(req, ctx, *args)

    def _route(self, segs: list[str]) -> dict | None:
        """Map path segments to {method: (handler, needs_auth, *path args)}, or None for Jersey's 404."""
        n, head = len(segs), segs[0]
        if head == "auth" and n == 2:
            return {
                "tokens": {"POST": (self.login, False), "PUT": (self.change_login, True)},
                "roles": {"GET": (self.roles, True)},
                "organizations": {"GET": (self.organizations, True)},
                "warehouses": {"GET": (self.warehouses, True)},
                "language": {"GET": (self.language, True)},
                "refresh": {"POST": (self.refresh, False)},
                "logout": {"POST": (self.logout, False)},
                "jwk": {"GET": (self.jwk, False)},
            }.get(segs[1])
        if head == "health" and n == 1 and not self.legacy:
            return {"GET": (self.health, False)}
        if head == "batch" and n == 1 and not self.legacy and self.batch_runner is not None:
            return {"POST": (self.batch, True)}
        attachments = attachment_route(self, segs)  # before /models/{t}/{id}/{column}: a literal path wins
        if attachments is not None:
            return attachments
        if head == "views" and n <= 2 and all(segs):
            if n == 1:
                return {"GET": (self.list_views, True)}
            return {"GET": (self.view_collection, True, segs[1])}
        if head in ("processes", "files"):
            return process_route(self, segs, json_response)
        if head != "models" or n > 4 or any(s == "" for s in segs):
            return None
        if n == 1:
            return {"GET": (self.list_models, True)}
        table = segs[1]
        if n == 2:
            return {"GET": (self.collection, True, table), "POST": (self.create, True, table)}
        if n == 3 and segs[2] == "yaml":
            return {"GET": (self.yaml, True, table)}
        if n == 3:
            rid = segs[2]
            return {"GET": (self.get_record, True, table, rid), "PUT": (self.update, True, table, rid),
                    "DELETE": (self.delete, True, table, rid)}
        return {"GET": (self.get_column, True, table, segs[2], segs[3])}

    # ------------------------------------------------------------------ auth (§1)
    def login(self, req: Request, _ctx) -> Response:
        body = _jackson_object(req, _LOGIN_KEYS, "LoginCredential")
        params = body.get("parameters")
        if params is not None:
            if not isinstance(params, dict):
                raise _PlainError(400, "Cannot deserialize value of type `LoginParameters` from non-object value")
            params = _string_fields(params, _PARAM_KEYS, "LoginParameters")
        return json_response(200, self.auth.login(_as_str(body.get("userName")), _as_str(body.get("password")), params))

    def change_login(self, req: Request, ctx: AuthContext) -> Response:
        params = _string_fields(_jackson_object(req, _PARAM_KEYS, "LoginParameters"), _PARAM_KEYS, "LoginParameters")
        return json_response(200, self.auth.change_login(ctx, params))

    def roles(self, req: Request, ctx: AuthContext) -> Response:
        return json_response(200, self.auth.roles(ctx, _int_param(req, "client")))

    def organizations(self, req: Request, ctx: AuthContext) -> Response:
        return json_response(200, self.auth.organizations(ctx, _int_param(req, "client"), _int_param(req, "role")))

    def warehouses(self, req: Request, ctx: AuthContext) -> Response:
        args = (_int_param(req, "client"), _int_param(req, "role"), _int_param(req, "organization"))
        return json_response(200, self.auth.warehouses(ctx, *args))

    def language(self, req: Request, ctx: AuthContext) -> Response:
        return json_response(200, self.auth.language(_int_param(req, "client")))

    def refresh(self, req: Request, _ctx) -> Response:
        body = _jackson_object(req, _REFRESH_KEYS, "RefreshParameters")
        ids = [_jackson_int(body.get(k), k) for k in ("clientId", "userId")]
        return json_response(200, self.auth.refresh(_as_str(body.get("refresh_token")), *ids))

    def logout(self, req: Request, _ctx) -> Response:
        body = _jackson_object(req, ("token",), "LogoutParameters")
        return json_response(200, self.auth.logout(_as_str(body.get("token"))))

    def jwk(self, req: Request, _ctx) -> Response:
        return json_response(200, {})  # IDEMPIERE_REST_EXPOSE_JWK is off by default (§1.5)

    def health(self, req: Request, _ctx) -> Response:
        """§9 Health: ``?db=true`` adds the database check."""
        if (req.params.get("db") or "").lower() == "true":
            return json_response(200, {"status": "UP", "database": "connected"})
        return json_response(200, {"status": "UP"})

    # ------------------------------------------------------------------ models (§2, §3, §7)
    def list_models(self, req: Request, ctx: AuthContext) -> Response:
        return json_response(200, {"models": self.backend.list_models(ctx.session, req.params.get("$filter"))})

    def collection(self, req: Request, ctx: AuthContext, table: str) -> Response:
        p = req.params
        top, skip = _int_param(req, "$top"), _int_param(req, "$skip")
        result = self.backend.query(ctx.session, table, filter=p.get("$filter"), orderby=p.get("$orderby"),
                                    select=p.get("$select"), top=top, skip=skip, expand=p.get("$expand"), wire=True)
        return envelope(result.records, result.row_count, result.records_size, skip, self.legacy)

    # ------------------------------------------------------------------ REST views (spec "Views")
    def list_views(self, req: Request, ctx: AuthContext) -> Response:
        return json_response(200, {"views": self.backend.views.list_views(ctx.session)})

    def view_collection(self, req: Request, ctx: AuthContext, view: str) -> Response:
        p = req.params
        top, skip = _int_param(req, "$top"), _int_param(req, "$skip")
        result = self.backend.views.query(ctx.session, view, filter=p.get("$filter"), orderby=p.get("$orderby"),
                                          select=p.get("$select"), top=top, skip=skip)
        return envelope(result.records, result.row_count, result.records_size, skip, self.legacy)

    def yaml(self, req: Request, ctx: AuthContext, table: str) -> Response:
        text = self.backend.table_yaml(ctx.session, table)
        return Response(200, text.encode("utf-8"), "application/yaml")

    def get_record(self, req: Request, ctx: AuthContext, table: str, rid: str) -> Response:
        p = req.params
        record = self.backend.get_record(ctx.session, table, rid, select=p.get("$select"), expand=p.get("$expand"),
                                         wire=True)
        return json_response(200, record)

    def get_column(self, req: Request, ctx: AuthContext, table: str, rid: str, column: str) -> Response:
        return json_response(200, self.backend.get_record_column(ctx.session, table, rid, column, wire=True))

    def create(self, req: Request, ctx: AuthContext, table: str) -> Response:
        body = _gson_object(req, "Server error")
        return json_response(201, self.backend.create(ctx.session, table, body))

    def update(self, req: Request, ctx: AuthContext, table: str, rid: str) -> Response:
        body = _gson_object(req, "Update error")
        return json_response(200, self.backend.update(ctx.session, table, rid, body))

    def delete(self, req: Request, ctx: AuthContext, table: str, rid: str) -> Response:
        return json_response(200, self.backend.delete(ctx.session, table, rid))

    def batch(self, req: Request, ctx: AuthContext) -> Response:
        return self.batch_runner(self, req, ctx)


# ---------------------------------------------------------------------- parsing helpers
def _page(status: int, uri: str, message: str) -> tuple[int, bytes, str]:
    code, ctype, body = jetty_page(status, uri, message if status != 500 else "Server Error")
    return code, body, ctype


def _require_json_type(req: Request) -> None:
    """@Consumes(application/json): another media type is 415 (a missing one matches anything)."""
    ctype = req.headers.get("content-type")
    if ctype and ctype.split(";", 1)[0].strip().lower() != JSON_TYPE:
        raise EmulatorError(415, empty_body=True)


def _int_param(req: Request, name: str) -> int:
    """A JAX-RS int query param: absent = 0, not an int = Jersey's 404 with no body (spec §0)."""
    raw = req.params.get(name)
    if raw is None or not raw.strip():  # Jersey's primitive extractor: blank = default value
        return 0
    if not _INT.fullmatch(raw) or not -2**31 <= int(raw) < 2**31:
        raise EmulatorError(404, empty_body=True)
    return int(raw)
