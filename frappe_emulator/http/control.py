"""Frappe's control endpoints under ``/__emulator__/`` (the shared ones, faults and requests, come from
erp_emulator): data changes behind a running sync and the time/concurrency faults of issue 12.

| POST touch         | {"doctype", "names": [...] or "count": n, "modified"?} -> one shared ``modified`` (now, or the value) |
| POST insert        | {"doctype", "docs": [...], "modified"?, "user"?} -> {"names"}: a late commit with an old ``modified`` |
| POST rename        | {"doctype", "old", "new"} -> {"name"} (keeps ``modified``, leaves a Comment) |
| POST delete        | {"doctype", "names"} -> {"deleted"}: hard delete, no Deleted Document |
| GET/POST clock     | the shared erp_emulator clock: {"set": ISO with offset, "frozen"}, {"advance_s"}, {"reset"} |
| POST sessions      | {"user", "csrf"?} -> {"sid", "csrf_token"}; DELETE sessions {"user"?} expires them |
| POST oauth         | {"user", "client_id"?, "ttl"?} -> a bearer token pair |
| GET/POST rate_limit | {"used_us": n} charges the budget; answers the window state |
| GET count          | ?doctype= -> {"count"} |
| POST maintenance   | {"mode": "off" | "maintenance" | "read_only"}: 503 SessionStopped / InReadOnlyMode for writes |
"""
from __future__ import annotations

from erp_emulator.control import clock_actions
from erp_emulator.messages import Response

from ..errors import FrappeError
from ..model.documents import load, set_on_child_rows
from ..query.values import parse_datetime
from .responses import dumps, json_response


def _ok(value) -> Response:
    return json_response(200, value)


class Control:
    def __init__(self, emulator):
        self.emu = emulator

    @property
    def site(self):
        return self.emu.backend

    def actions(self) -> dict:
        return {("POST", "touch"): self.touch, ("POST", "insert"): self.insert, ("POST", "rename"): self.rename,
                ("POST", "delete"): self.delete, **clock_actions(self.site.clock.base),
                ("POST", "sessions"): self.new_session, ("DELETE", "sessions"): self.expire_sessions,
                ("POST", "oauth"): self.oauth, ("GET", "rate_limit"): self.rate_limit,
                ("POST", "rate_limit"): self.rate_limit, ("GET", "count"): self.count,
                ("POST", "maintenance"): self.maintenance}

    @staticmethod
    def error(exc: Exception) -> Response | None:
        if isinstance(exc, FrappeError):
            return Response(exc.status, dumps({"error": exc.message, "exc_type": exc.exc_type}), "application/json")
        return None

    def _admin(self, payload: dict):
        return self.site.users.get(payload.get("user") or "Administrator")

    def touch(self, payload: dict, _params: dict) -> Response:
        site = self.site
        dt = site.registry.get(payload["doctype"])
        names = payload.get("names")
        if names is None:
            names = [r[0] for r in site.store.query(f'SELECT name FROM "{dt.table}" LIMIT ?', (int(payload["count"]),))]
        stamp = payload.get("modified")
        stamp = _local(stamp) if stamp else site.clock.now_text()
        with site.store.transaction():
            for name in names:
                site.store.execute(f'UPDATE "{dt.table}" SET modified = ? WHERE name = ?', (stamp, name))
                set_on_child_rows(site, dt, name, "modified", stamp)
        return _ok({"touched": len(names), "modified": stamp})

    def insert(self, payload: dict, _params: dict) -> Response:
        site = self.site
        modified = _local(payload["modified"]) if payload.get("modified") else None
        user = self._admin(payload)
        names = []
        with site.store.transaction():
            for doc in payload["docs"]:
                body = dict(doc)
                made = site.writer.insert(user, payload["doctype"], body, honour_name="name" in body,
                                          check_perms=False, modified=modified)
                names.append(made.name)
        return _ok({"names": names})

    def rename(self, payload: dict, _params: dict) -> Response:
        with self.site.store.transaction():
            name = self.site.writer.rename(self._admin(payload), payload["doctype"], payload["old"], payload["new"])
        return _ok({"name": name})

    def delete(self, payload: dict, _params: dict) -> Response:
        site = self.site
        dt = site.registry.get(payload["doctype"])
        n = 0
        with site.store.transaction():
            for name in payload["names"]:
                if load(site, dt, name, missing_ok=True) is not None:
                    site.writer.delete(self._admin(payload), dt.name, name, check_perms=False, deleted_document=False)
                    n += 1
        return _ok({"deleted": n})

    def new_session(self, payload: dict, _params: dict) -> Response:
        site = self.site
        user = payload.get("user") or "Administrator"
        if site.users.get(user) is None:
            raise ValueError(f"no user {user!r}")
        sid = site.auth.new_session(user, csrf=bool(payload.get("csrf")))
        return _ok({"sid": sid, "csrf_token": site.auth.sessions[sid].csrf_token})

    def expire_sessions(self, payload: dict, _params: dict) -> Response:
        return _ok({"expired": self.site.auth.expire_sessions(payload.get("user"))})

    def oauth(self, payload: dict, _params: dict) -> Response:
        site = self.site
        user = payload.get("user") or "api@example.com"
        if site.users.get(user) is None:
            raise ValueError(f"no user {user!r}")
        return _ok(site.auth.issue_tokens(user, payload.get("client_id") or "demo-client", ttl=int(payload.get("ttl", 3600))))

    def rate_limit(self, payload: dict, _params: dict) -> Response:
        limiter = self.emu.api.limiter
        if limiter is None:
            raise ValueError("the rate limiter is off (start with --rate-limit LIMIT_S:WINDOW_S)")
        if payload.get("used_us"):
            limiter.charge(int(payload["used_us"]))
        return _ok(limiter.state())

    def maintenance(self, payload: dict, _params: dict) -> Response:
        mode = payload.get("mode", "off")
        if mode not in ("off", "maintenance", "read_only"):
            raise ValueError("mode must be off, maintenance or read_only")
        self.emu.api.maintenance = mode
        return _ok({"mode": mode})

    def count(self, _payload: dict, params: dict) -> Response:
        dt = self.site.registry.get(params["doctype"])
        return _ok({"count": self.site.store.query(f'SELECT COUNT(*) FROM "{dt.table}"')[0][0]})


def _local(text: str) -> str:
    parsed = parse_datetime(text)
    if parsed is None:
        raise ValueError(f"not a datetime: {text!r}")
    return parsed[0].strftime("%Y-%m-%d %H:%M:%S.%f")
