"""Role-based table and record access (spec §10): table access, client/org data access."""
from __future__ import annotations

from .. import fixtures as fx
from ..catalog import Catalog, Table
from ..data.store import Store
from ..errors import EmulatorError
from ..session import Session

_ORG_TABLES = ("ad_role", "ad_role_orgaccess", "ad_org")


def invalid_table(name: str) -> EmulatorError:
    return EmulatorError(404, "Invalid table name", f"No match found for table name: {name}")


def access_denied(name: str) -> EmulatorError:
    return EmulatorError(403, "Access denied", f"Access denied for table: {name}")


class Access:
    """Answers 'may this session read/write table T' and builds the data-access SQL."""

    def __init__(self, store: Store, catalog: Catalog) -> None:
        self.store = store
        self.catalog = catalog
        self._orgs: dict[tuple, list[int] | None] = {}

    def can_read(self, session: Session, table: Table) -> bool:
        if table.lname in fx.ROLE_DENIED_TABLES.get(session.role_id, set()):
            return False
        if table.access_level == 4 and session.client_id != 0:  # System-only tables (AD_Table, ...)
            return False
        return True

    def can_write(self, session: Session, table: Table) -> bool:
        return self.can_read(session, table) and table.lname not in fx.ROLE_READONLY_TABLES.get(session.role_id, set())

    def readable(self, session: Session, name: str) -> Table:
        """MTable.get + hasAccess: 404 for unknown tables, 403 when the role may not read (§2.2)."""
        table = self.catalog.get(name)
        if table is None:
            raise invalid_table(name)
        if not self.can_read(session, table):
            raise access_denied(name)
        return table

    def writable(self, session: Session, name: str) -> Table:
        table = self.readable(session, name)
        if not self.can_write(session, table):
            raise access_denied(name)
        return table

    def org_ids(self, session: Session) -> list[int] | None:
        """Orgs the role may see, cached until one of the three tables it reads is written (every request)."""
        key = (session.role_id, session.client_id, self.store.stamp(_ORG_TABLES))
        if key not in self._orgs:
            if len(self._orgs) > 64:
                self._orgs.clear()
            self._orgs[key] = self._org_ids(session)
        return self._orgs[key]

    def _org_ids(self, session: Session) -> list[int] | None:
        """Orgs the role may see (AD_Role_OrgAccess), or None when it sees every org of the client."""
        role = self.store.query("SELECT IsAccessAllOrgs FROM AD_Role WHERE AD_Role_ID=?", (session.role_id,))
        if role and role[0][0] == "Y":
            return None
        rows = self.store.query("SELECT AD_Org_ID FROM AD_Role_OrgAccess WHERE AD_Role_ID=? AND IsActive='Y'",
                                (session.role_id,))
        orgs = {r[0] for r in rows}
        all_orgs = {r[0] for r in self.store.query("SELECT AD_Org_ID FROM AD_Org WHERE AD_Client_ID=? AND "
                                                   "IsActive='Y'", (session.client_id,))}
        if not orgs or all_orgs <= orgs:
            return None
        return sorted(orgs | {0})

    def data_sql(self, session: Session, table: Table, alias: str = "") -> str:
        """MRole.addAccessSQL for reads: client IN (0,<client>) plus org access (§3.4, §10.3)."""
        p = f"{alias}." if alias else ""
        if not table.has("AD_Client_ID"):
            return "1=1"
        parts = [f"{p}AD_Client_ID IN (0,{int(session.client_id)})"]
        orgs = self.org_ids(session)
        if orgs is not None and table.has("AD_Org_ID"):
            parts.append(f"{p}AD_Org_ID IN ({','.join(str(o) for o in orgs)})")
        return " AND ".join(parts)
