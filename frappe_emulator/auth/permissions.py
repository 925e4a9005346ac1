"""Role permissions of the demo site (DocPerm, simplified to read/write/create/delete/submit/cancel per
role) and the row conditions a list applies for a user (spec §4.1 "Permissions apply to the rows").

Child DocTypes take their permissions from the parent (spec §6.4). ``ToDo`` rows are restricted to the
user's own assignments for anyone but a System Manager (ToDo's ``permission_query_conditions``).
"""
from __future__ import annotations

from ..errors import FrappeError

ALL = ("read", "write", "create", "delete", "submit", "cancel")
SALES_READ = ("Customer", "Sales Order", "Sales Invoice", "Item", "Item Group", "Customer Group", "Territory",
              "UOM", "Company", "Contact", "Address", "Warehouse")
ROLE_PERMS: dict[str, dict[str, tuple[str, ...]]] = {
    "Sales User": {dt: ("read",) for dt in SALES_READ},
    "All": {"ToDo": ("read", "write", "create", "delete"), "Note": ("read", "write", "create", "delete")},
}
SUPER_ROLES = ("System Manager", "Administrator")
SYSTEM_ONLY = ("DocType", "DocField", "Custom Field", "Property Setter", "Deleted Document", "System Settings",
               "User", "Role", "Has Role")


class Permissions:
    def __init__(self, registry):
        self.registry = registry

    def has(self, user, doctype: str, ptype: str = "read") -> bool:
        if user.name == "Administrator" or "Administrator" in user.roles:
            return True
        dt = self.registry.find(doctype)
        if dt is not None and dt.istable:
            return any(self.has(user, parent, ptype) for parent, _ in self.registry.parents_of.get(doctype, []))
        if "System Manager" in user.roles:
            return True
        if doctype in SYSTEM_ONLY:
            return False
        return any(ptype in ROLE_PERMS.get(role, {}).get(doctype, ()) for role in user.roles)

    def check(self, user, doctype: str, ptype: str = "read", name=None) -> None:
        if not self.has(user, doctype, ptype):
            if name is None and ptype == "read":
                raise FrappeError("PermissionError", f"Insufficient Permission for <strong>{doctype}</strong>",
                                  title="Not Permitted")
            raise FrappeError("PermissionError",
                              f"User <strong>{user.name}</strong> does not have doctype access via role permission "
                              f"for document <strong>{doctype}</strong>", title="Not Permitted",
                              extra={"_error_message": f"No permission for {doctype}"} if ptype == "read" else None)

    def row_condition(self, user, doctype: str, alias: str) -> tuple[str, list] | None:
        """Extra WHERE for the rows ``user`` may see (None: every row)."""
        if doctype == "ToDo" and user.name != "Administrator" and "System Manager" not in user.roles:
            return (f"({alias}.allocated_to = ? OR {alias}.assigned_by = ? OR {alias}.owner = ?)",
                    [user.name, user.name, user.name])
        return None
