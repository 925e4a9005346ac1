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
               "User", "Role", "Has Role", "User Permission")


class Permissions:
    def __init__(self, registry, store):
        self.registry = registry
        self.store = store

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
        """Extra WHERE for the rows ``user`` may see (None: every row).

        User Permissions restrict the DocType's own names and every Link to a restricted DocType; an empty
        Link stays visible (``apply_strict_user_permissions`` off; Part II §4a shows the SQL).
        """
        if user.name == "Administrator" or "System Manager" in user.roles:
            return None
        conds, params = [], []
        if doctype == "ToDo":
            conds.append(f"({alias}.allocated_to = ? OR {alias}.assigned_by = ? OR {alias}.owner = ?)")
            params += [user.name, user.name, user.name]
        allowed = self.user_permissions(user.name, doctype)
        dt = self.registry.find(doctype)
        for target, values in allowed.items():
            marks = ",".join("?" * len(values))
            if target == doctype:
                conds.append(f"{alias}.name IN ({marks})")
                params += values
            for f in dt.data_fields() if dt is not None else []:
                if f.fieldtype == "Link" and f.options == target:
                    conds.append(f"(COALESCE({alias}.\"{f.fieldname}\", '') = '' OR {alias}.\"{f.fieldname}\" IN ({marks}))")
                    params += values
        return (" AND ".join(conds), params) if conds else None

    def check_row(self, user, doctype: str, name) -> None:
        """A document outside the user's rows (ToDo's own, User Permissions) is a 403, as in a list."""
        dt = self.registry.find(doctype)
        if dt is None or dt.issingle:
            return
        cond = self.row_condition(user, doctype, f'"{dt.table}"')
        if cond and not self.store.query(f'SELECT 1 FROM "{dt.table}" WHERE name = ? AND {cond[0]}', [name, *cond[1]]):
            raise FrappeError("PermissionError", f"No permission for {doctype}", title="Not Permitted")

    def user_permissions(self, user: str, doctype: str) -> dict[str, list[str]]:
        """allow DocType -> permitted names, for the rules that apply to ``doctype``."""
        out: dict[str, list[str]] = {}
        for allow, value, to_all, applicable in self.store.query(
                'SELECT allow, for_value, apply_to_all_doctypes, applicable_for FROM "tabUser Permission" '
                "WHERE user = ?", (user,)):
            if to_all or applicable == doctype or allow == doctype:
                out.setdefault(allow, []).append(value)
        return out
