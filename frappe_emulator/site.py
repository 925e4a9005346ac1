"""The site: DocTypes, database, clock, users, sessions and the document operations, without HTTP.

``FrappeEmulator.backend`` is this object; tests use ``backend.sql(...)`` as their oracle.
"""
from __future__ import annotations

from .auth.permissions import Permissions
from .auth.sessions import Auth
from .auth.users import Users
from .clock import Clock
from .data.seed import Seeder
from .model import naming
from .model.dsl import Field
from .model.naming import Namer
from .model.registry import Registry
from .model.writes import Writer
from .options import FrappeOptions
from .query.listing import ListEngine
from .store import Store


class Site:
    def __init__(self, options: FrappeOptions):
        self.options = options
        self.registry = Registry(options.doctypes)
        self.store = Store(options.db)
        naming.seed(options.seed)
        fresh = self.store.get_meta("seeded") is None
        self.store.create_schema(self.registry, indexes=not fresh)
        tz = self.store.single("System Settings").get("time_zone") if not fresh else None
        self.clock = Clock(tz or options.tz)
        self.perms = Permissions(self.registry, self.store)
        self.users = Users(self)
        self.auth = Auth(self)
        self.namer = Namer(self)
        self.lists = ListEngine(self)
        self.writer = Writer(self)
        self.keys: dict[str, tuple[str, str]] = {}
        if fresh:
            seeder = Seeder(self)
            with self.store.transaction():
                seeder.run()
            for dt in self.registry.doctypes.values():  # indexes after the bulk insert: a faster seed
                if not dt.issingle:
                    self.store.create_indexes(dt)
            self.store.execute("ANALYZE")
            self.store.set_meta("seeded", "1")
        # a pre-issued OAuth pair for the API user (client "demo-client"; 3600 s on the site clock)
        self.oauth = self.auth.issue_tokens("api@example.com", "demo-client")
        for name, key in self.store.query('SELECT name, api_key FROM "tabUser" WHERE api_key IS NOT NULL'):
            self.keys[name] = (key, self.users.api_secret(name) or "")

    def sql(self, sql: str, params=()) -> list[tuple]:
        """Direct database access for test oracles (the tables are ``tab{DocType}``)."""
        return self.store.query(sql, params)

    def time_zone(self) -> str:
        """System Settings ``time_zone``: the zone ``modified`` and every Datetime are written in."""
        return self.store.single("System Settings").get("time_zone") or "Asia/Kolkata"

    def add_custom_field(self, values: dict) -> None:
        """A new Custom Field becomes a column and part of the merged meta (getdoctype, v2 meta, writes)."""
        dt = self.registry.get(values["dt"])
        if dt.get(values["fieldname"]) is not None:
            return
        field = Field(values["fieldname"], values.get("fieldtype") or "Data", options=values.get("options"),
                      reqd=int(values.get("reqd") or 0), unique=int(values.get("unique") or 0),
                      label=values.get("label"), is_custom_field=1)
        dt.custom_fields.append(field)
        self.store.add_column(dt, field.fieldname, field.fieldtype)

    def tree_names(self, target, value: str, op: str) -> list[str]:
        """Names for ``descendants of`` / ``ancestors of`` over a tree DocType's ``parent_<x>`` links."""
        parent_field = next((f.fieldname for f in target.fields if f.fieldname.startswith("parent_")
                             and f.fieldtype == "Link"), None)
        if parent_field is None:
            return []
        links = dict(self.store.query(f'SELECT name, "{parent_field}" FROM "{target.table}"'))
        if op.endswith("ancestors of"):
            out, cur = [], links.get(value)
            while cur:
                out.append(cur)
                cur = links.get(cur)
            return out
        children: dict = {}
        for name, parent in links.items():
            children.setdefault(parent, []).append(name)
        out, stack = [], list(children.get(value, []))
        while stack:
            n = stack.pop()
            out.append(n)
            stack.extend(children.get(n, []))
        if op == "descendants of (inclusive)":
            out.append(value)
        return out

    def close(self) -> None:
        self.store.close()
