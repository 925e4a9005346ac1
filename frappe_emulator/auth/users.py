"""The demo site's users and their credentials (spec §2; Part II §2).

* ``Administrator`` / password ``admin``: every permission; API keys too.
* ``api@example.com`` / ``api-password``: System Manager, the API user a connector is given.
* ``reader@example.com`` / ``reader-password``: Sales User-like, reads Customer and Sales Order (and
  their masters), cannot read Payment Entry, cannot write any of them.

API keys are deterministic per ``--seed`` (15-hex-char key, 15-hex-char secret, as ``generate_keys``
makes) and printed at start-up. Users are User documents; passwords and secrets live in ``__Auth``.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

GUEST = "Guest"
DEFAULT_USERS = (
    # name, first name, password, roles, time zone ("" = the site zone at install time)
    ("Administrator", "Administrator", "admin", ("Administrator", "System Manager", "All"), "Asia/Kolkata"),
    ("api@example.com", "API", "api-password", ("System Manager", "All"), ""),
    ("reader@example.com", "Reader", "reader-password", ("Sales User", "All"), ""),
)
ROLES = ("Administrator", "System Manager", "Sales User", "All", "Guest")


@dataclass
class User:
    name: str
    roles: tuple[str, ...] = ()
    time_zone: str | None = None
    enabled: bool = True
    full_name: str = ""
    system_user: bool = True
    extra: dict = field(default_factory=dict)

    @property
    def is_guest(self) -> bool:
        return self.name == GUEST


GUEST_USER = User(GUEST, ("Guest",), "Asia/Kolkata", True, "Guest", False)


def make_key(rng: random.Random, n: int = 15) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


class Users:
    """Reads users from the site's User/Has Role tables; keys and passwords from ``__Auth``."""

    def __init__(self, site):
        self.site = site

    def get(self, name: str) -> User | None:
        if name == GUEST:
            return GUEST_USER
        row = self.site.store.query('SELECT name, enabled, time_zone, full_name, user_type FROM "tabUser" '
                                    "WHERE name = ?", (name,))
        if not row:
            return None
        name, enabled, tz, full, utype = row[0]
        roles = tuple(r[0] for r in self.site.store.query(
            'SELECT role FROM "tabHas Role" WHERE parent = ? AND parenttype = \'User\'', (name,)))
        roles = roles + (("All",) if "All" not in roles else ())
        return User(name, roles, tz, bool(enabled), full or name, (utype or "System User") == "System User")

    def by_api_key(self, key: str) -> User | None:
        row = self.site.store.query('SELECT name FROM "tabUser" WHERE api_key = ?', (key,))
        return self.get(row[0][0]) if row else None

    def check_password(self, name: str, password: str) -> bool:
        stored = self.site.store.get_password("User", name, "password")
        return stored is not None and stored == password

    def api_secret(self, name: str) -> str | None:
        return self.site.store.get_password("User", name, "api_secret")

    def generate_keys(self, name: str) -> tuple[str, str]:
        """``generate_keys``: keeps an existing api_key, always issues a new secret (Part II §2)."""
        rng = random.Random()
        row = self.site.store.query('SELECT api_key FROM "tabUser" WHERE name = ?', (name,))
        key = row[0][0] if row and row[0][0] else make_key(rng)
        secret = make_key(rng)
        self.site.store.execute('UPDATE "tabUser" SET api_key = ?, api_secret = ? WHERE name = ?',
                                (key, "*" * len(secret), name))
        self.site.store.set_password("User", name, "api_secret", secret)
        return key, secret
