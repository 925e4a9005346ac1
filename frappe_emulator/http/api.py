"""The request pipeline and router (spec §1): form_dict, auth (cookie, then header), the rate limiter, one
transaction per request, routing to v1 resource / method / v2, and the error response (§3).
"""
from __future__ import annotations

import time
from urllib.parse import unquote

from erp_emulator.messages import Request, Response

from ..auth.sessions import Identity
from ..auth.users import GUEST_USER
from ..errors import FrappeError
from .meta import Meta
from .methods import Methods
from .ratelimit import RateLimiter
from .request import Ctx, build_form, parse_cookies
from .resource import Resource
from .responses import (
    NO_STORE,
    clear_cookies,
    cookie,
    error_page,
    guest_cookies,
    html_page,
    json_response,
    v1_error,
    v2_error,
)
from .v2 import V2

MAX_BODY = 25 * 1024 * 1024  # max_content_length default (spec §9)


class Api:
    def __init__(self, site):
        self.site = site
        self.meta = Meta(site)
        self.methods = Methods(site, self.meta)
        self.resource = Resource(site, self.methods)
        self.v2 = V2(site, self.methods, self.meta)
        pair = site.options.rate_limit_pair()
        self.limiter = RateLimiter(site, *pair) if pair else None
        self.maintenance = "off"  # off | maintenance | read_only (spec §9 "Maintenance mode")

    # ---- entry ---------------------------------------------------------------------------------
    def handle(self, req: Request) -> Response:
        started = time.perf_counter()
        try:
            resp = self._handle(req)
        except Exception as exc:  # noqa: BLE001 - an emulator bug still answers like a server error
            resp = json_response(500, {"exception": f"{type(exc).__name__}: {exc}", "exc_type": type(exc).__name__})
        if self.limiter is not None:
            resp.headers.extend(self.limiter.charge(int((time.perf_counter() - started) * 1_000_000)))
        if self.site.options.major >= 16:
            resp.headers.append(NO_STORE)
        return resp

    def _handle(self, req: Request) -> Response:
        site = self.site
        if req.method == "HEAD":  # werkzeug answers HEAD wherever GET is routed (the transport drops the body)
            req = Request("GET", req.path, req.query, req.headers, req.body)
        ctx = Ctx(req, req.path.startswith("/api/v2/"))
        if len(req.body or b"") > MAX_BODY:
            return html_page(413, "Request Entity Too Large", "The data value transmitted exceeds the capacity limit.")
        ctx.ident = Identity(GUEST_USER)
        if not req.path.startswith("/api/"):
            return self.website(req)
        if req.method == "OPTIONS":  # a preflight; with credentials it fails auth (Part II §1)
            if req.headers.get("authorization"):
                return json_response(401, {"exc_type": "AuthenticationError"}, clear_cookies())
            return Response(200, b"", None)
        try:
            ctx.form = build_form(req, site.options.major)
            ctx.cookies = parse_cookies(req.headers.get("cookie"))
            ctx.ident = site.auth.identify(req.method, req.headers, ctx.cookies, ctx.form)
            if ctx.ident.session_expired:
                ctx.extra["session_expired"] = 1
            if self.limiter is not None:
                self.limiter.check()
            self._check_maintenance(req.method)
            with site.store.transaction():
                result = self.route(ctx)
        except FrappeError as err:
            return self.failure(ctx, err)
        if isinstance(result, Response):
            return result
        status, body = result
        body = {**ctx.extra, **body} if isinstance(body, dict) else body
        headers = [] if ctx.ident.via == "session" else guest_cookies()
        return json_response(status, body, headers + ctx.headers_out)

    # ---- routing -------------------------------------------------------------------------------
    def route(self, ctx: Ctx):
        site = self.site
        major = site.options.major
        path = ctx.req.path
        if len(path) > 1 and path.endswith("/"):
            path = path[:-1]
        if path.startswith("/api/v1/") and major >= 15:
            path = "/api/" + path[len("/api/v1/"):]
        if path == "/api/method/login" or ctx.form.get("cmd") == "login":
            return self.login(ctx)
        if path == "/api/method/frappe.integrations.oauth2.get_token":
            return self.oauth_token(ctx)
        if path.startswith("/api/method/"):
            value = self.methods.call(ctx, unquote(path[len("/api/method/"):]))
            return 200, ({"message": value} if value is not None else {})
        if path.startswith("/api/resource/"):
            rest = path[len("/api/resource/"):]
            doctype, sep, name = rest.partition("/")
            return self.resource.handle(ctx, unquote(doctype), unquote(name) if sep and name else None)
        if path.startswith("/api/v2/") and major >= 15:
            parts = [unquote(p) for p in path[len("/api/v2/"):].split("/")]
            if parts and parts[0] == "document" and len(parts) > 3 and parts[3] not in ("method", "copy"):
                parts = parts[:2] + ["/".join(parts[2:])]
            return self.v2.handle(ctx, parts)
        raise FrappeError("DoesNotExistError", None, traceback=False, messages=[])

    def _check_maintenance(self, method: str) -> None:
        if self.maintenance == "maintenance":
            raise FrappeError("SessionStopped", "Session Stopped", status=503, traceback=False)
        if self.maintenance == "read_only" and method in ("POST", "PUT", "DELETE", "PATCH"):
            raise FrappeError("InReadOnlyMode", "Site is in read only mode", status=503, traceback=False)

    def website(self, req: Request) -> Response:
        """Outside ``/api``: the F16 OAuth discovery documents, else the website's HTML 404 (spec §2.3)."""
        host = req.headers.get("host", "127.0.0.1")
        base = f"http://{host}"
        if self.site.options.major >= 16 and req.method == "GET":
            if req.path == "/.well-known/oauth-protected-resource":
                return json_response(200, {"resource": base, "authorization_servers": [base],
                                           "bearer_methods_supported": ["header"]})
            if req.path in ("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"):
                prefix = base + "/api/method/frappe.integrations.oauth2."
                return json_response(200, {"issuer": base, "authorization_endpoint": prefix + "authorize",
                                           "token_endpoint": prefix + "get_token",
                                           "revocation_endpoint": prefix + "revoke_token",
                                           "introspection_endpoint": prefix + "introspect_token",
                                           "grant_types_supported": ["authorization_code", "refresh_token"],
                                           "response_types_supported": ["code"]})
        return html_page(404, "Not Found", "The page you are looking for has gone missing.")

    def login(self, ctx: Ctx):
        site = self.site
        client = ctx.req.headers.get("x-forwarded-for", "127.0.0.1")
        user, sid = site.auth.login(ctx.form.get("usr"), ctx.form.get("pwd"), client)
        if ctx.v2:  # the v2 route is a no-op: no session (spec §2.4)
            site.auth.logout(sid)
            return 200, {}
        expiry = site.auth.expiry_seconds()
        ctx.ident = Identity(user, sid=sid, via="session")
        ctx.headers_out += [cookie("sid", sid, expiry, True), cookie("system_user", "yes"),
                            cookie("full_name", user.full_name), cookie("user_id", user.name.replace("@", "%40")),
                            cookie("user_lang", "en")]
        home = "/desk" if site.options.major >= 16 else "/app"
        return 200, {"message": "Logged In", "home_page": home, "full_name": user.full_name}

    def oauth_token(self, ctx: Ctx) -> Response:
        """The raw token JSON, unwrapped; oauthlib errors are 400 ``{"error": ...}`` (spec §2.3)."""
        form = ctx.form
        if form.get("grant_type") != "refresh_token":
            return json_response(400, {"error": "unsupported_grant_type"})
        tokens = self.site.auth.refresh(form.get("refresh_token"), form.get("client_id"))
        if tokens is None:
            return json_response(400, {"error": "invalid_grant"})
        return json_response(200, tokens)

    # ---- errors --------------------------------------------------------------------------------
    def failure(self, ctx: Ctx, err: FrappeError) -> Response:
        site = self.site
        status = err.status
        if (ctx.req.headers.get("accept") or "").startswith("text"):
            return error_page(status, err)
        user = ctx.ident.user if ctx.ident else GUEST_USER
        allowed = site.store.single("System Settings").get("allow_error_traceback", "1") not in ("0", "")
        tracebacks = allowed and status != 404 and (site.options.major < 16 or (user.system_user and not user.is_guest))
        extra = dict(ctx.extra)
        headers: list = []
        if status == 401:
            headers += clear_cookies()
            if err.extra.get("message"):
                extra["message"] = err.extra["message"]
        elif ctx.ident is None or ctx.ident.via != "session":
            headers += guest_cookies()
        if status in (401, 403) and site.options.major >= 16:
            host = ctx.req.headers.get("host", "127.0.0.1")
            headers.append(("WWW-Authenticate", f'Bearer resource_metadata="http://{host}/.well-known/'
                                                'oauth-protected-resource"'))
        if "_retry_after" in err.extra:
            headers.append(("Retry-After", str(err.extra["_retry_after"])))
        clean = FrappeError(err.exc_type, err.message, messages=err.messages, status=status, traceback=err.traceback,
                            extra={k: v for k, v in err.extra.items() if not k.startswith("_retry") and k != "message"},
                            module=err.module)
        thrown = clean.message is not None or bool(clean.messages)  # frappe.throw, not a bare raise
        body = v2_error(clean, tracebacks) if ctx.v2 else v1_error(clean, tracebacks, extra,
                                                                   exc_type=thrown or site.options.major >= 15)
        return json_response(status, body, headers)
