"""A deterministic ERPNext-shaped demo site, scaled by ``--rows`` (the number of Sales Orders).

Masters (company, groups, territories, UOMs, items, customers, suppliers, contacts, addresses), then
Sales Orders with items and taxes (draft/submitted/cancelled mix), Sales Invoices (rows/2), Payment
Entries (rows/4), ToDos, Notes, the site-made Sync Counter (integer names) and Sync Tag (Prompt) rows,
users/roles, and the DocType/DocField/Custom Field records that describe the served DocTypes.
Timestamps are site-local wall time with microseconds; every 25th order shares its ``modified`` with the
previous one (ties for keyset tests), some have zero microseconds, nullable fields hold NULL and ''.
"""
from __future__ import annotations

import random
from datetime import timedelta

from ..auth.users import DEFAULT_USERS, ROLES, make_key
from ..model.registry import DEMO_CUSTOM_FIELD
from .demo import ABBR, COMPANY, GROUPS, ITEM_GROUPS, TERRITORIES, UOMS
from .orders import seed_orders


class Seeder:
    def __init__(self, site):
        self.site = site
        self.store = site.store
        self.rng = random.Random(site.options.seed)
        self.major = site.options.major
        now = site.clock.now().replace(microsecond=0)
        self.start = now - timedelta(days=400)
        self.tick = 0
        self.cursor = 0.0

    def stamp(self, spacing: float = 37.0) -> str:
        """Increasing site-local timestamps; microseconds vary (zero on every 7th)."""
        self.tick += 1
        self.cursor += spacing
        t = self.start + timedelta(seconds=self.cursor)
        micro = 0 if self.tick % 7 == 0 else self.rng.randrange(1, 999999)
        return (t + timedelta(microseconds=micro)).strftime("%Y-%m-%d %H:%M:%S.%f")

    def rows(self, doctype: str, records: list[dict]) -> None:
        dt = self.site.registry.get(doctype)
        cols = self.site.registry.columns(dt)
        base = {f.fieldname: (0 if f.fieldtype in ("Int", "Check", "Float", "Currency", "Percent") else None)
                for f in dt.data_fields()}
        for f in dt.data_fields():
            if f.default not in (None, "Today") and f.fieldtype in ("Check", "Int"):
                base[f.fieldname] = int(f.default)
            elif f.default not in (None, "Today") and f.fieldtype == "Select":
                base[f.fieldname] = f.default
        data = []
        for rec in records:
            row = dict(base, owner="Administrator", modified_by="Administrator", docstatus=0, idx=0)
            row.update(rec)
            if "creation" not in row:
                row["creation"] = row["modified"] = self.stamp()
            row.setdefault("modified", row["creation"])
            data.append(tuple(row.get(c) for c in cols))
        quoted = ", ".join(f'"{c}"' for c in cols)
        self.store.executemany(f'INSERT INTO "{dt.table}" ({quoted}) VALUES ({", ".join("?" * len(cols))})', data)

    def run(self) -> None:
        site = self.site
        self.settings()
        self.users()
        self.meta()
        self.masters()
        self.orders(site.options.rows)
        self.misc()

    def settings(self) -> None:
        opts = self.site.options
        self.store.set_single("System Settings", {
            "time_zone": opts.tz, "language": "en", "country": "United States", "date_format": "dd-mm-yyyy",
            "time_format": "HH:mm:ss", "number_format": "#,###.##", "setup_complete": 1,
            "session_expiry": "60:00" if opts.major == 14 else "170:00", "allow_error_traceback": 1,
            "allow_consecutive_login_attempts": 10, "allow_login_after_fail": 60, "deny_multiple_sessions": 0,
            "disable_user_pass_login": 0, "app_name": "Frappe", "creation": self.stamp(), "modified": self.stamp()})

    def users(self) -> None:
        rng = random.Random(self.site.options.seed + 1)
        self.rows("Role", [{"name": r, "role_name": r, "desk_access": 1} for r in ROLES])
        users, roles = [], []
        self.keys: dict[str, tuple[str, str]] = {}
        for name, first, pwd, user_roles, tz in DEFAULT_USERS:
            key, secret = make_key(rng), make_key(rng)
            self.keys[name] = (key, secret)
            users.append({"name": name, "email": "admin@example.com" if name == "Administrator" else name,
                          "first_name": first, "full_name": first, "enabled": 1, "user_type": "System User",
                          "time_zone": tz or self.site.options.tz, "api_key": key, "api_secret": "*" * 15,
                          "send_welcome_email": 0})
            self.store.set_password("User", name, "password", pwd)
            self.store.set_password("User", name, "api_secret", secret)
            for i, role in enumerate(user_roles, 1):
                roles.append({"name": make_key(rng, 10), "parent": name, "parenttype": "User", "parentfield": "roles",
                              "idx": i, "role": role})
        users.append({"name": "Guest", "email": "guest@example.com", "first_name": "Guest", "full_name": "Guest",
                      "enabled": 1, "user_type": "Website User", "time_zone": "Asia/Kolkata"})
        self.rows("User", users)
        self.rows("Has Role", roles)

    def meta(self) -> None:
        """DocType and DocField records (without the Custom Field, as on a real site) and the Custom Field."""
        reg = self.site.registry
        dts, fields = [], []
        for dt in reg.doctypes.values():
            dts.append({"name": dt.name, "module": dt.module, "istable": dt.istable, "issingle": dt.issingle,
                        "is_submittable": dt.is_submittable, "is_tree": dt.is_tree, "custom": dt.custom,
                        "autoname": dt.autoname, "naming_rule": dt.naming_rule, "sort_field": dt.sort_field,
                        "sort_order": dt.sort_order, "track_changes": dt.track_changes, "editable_grid": 1,
                        "title_field": dt.title_field, "search_fields": dt.search_fields})
            for i, f in enumerate(dt.fields, 1):
                props = {k: v for k, v in f.as_docfield().items() if reg.get("DocField").get(k) is not None}
                props.update(name=make_key(self.rng, 10), parent=dt.name, parenttype="DocType", parentfield="fields",
                             idx=i, creation=self.start.strftime("%Y-%m-%d %H:%M:%S.%f"))
                fields.append(props)
        self.rows("DocType", dts)
        self.rows("DocField", fields)
        cf = DEMO_CUSTOM_FIELD
        self.rows("Custom Field", [{"name": f"Customer-{cf.fieldname}", "dt": "Customer", "label": cf.title,
                                    "fieldname": cf.fieldname, "fieldtype": cf.fieldtype, "unique": cf.unique,
                                    "insert_after": "customer_name"}])

    def masters(self) -> None:
        r = self.rng
        self.rows("Company", [{"name": COMPANY, "company_name": COMPANY, "abbr": ABBR, "default_currency": "USD",
                               "country": "United States", "lft": 1, "rgt": 2}])
        self.rows("Customer Group", [{"name": "All Customer Groups", "customer_group_name": "All Customer Groups",
                                      "is_group": 1, "lft": 1, "rgt": 2 + 2 * len(GROUPS)}] +
                  [{"name": g, "customer_group_name": g, "parent_customer_group": "All Customer Groups",
                    "lft": 2 + 2 * i, "rgt": 3 + 2 * i} for i, g in enumerate(GROUPS)])
        self.rows("Territory", [{"name": "All Territories", "territory_name": "All Territories", "is_group": 1}] +
                  [{"name": t, "territory_name": t, "parent_territory": "All Territories"} for t in TERRITORIES])
        self.rows("Item Group", [{"name": "All Item Groups", "item_group_name": "All Item Groups", "is_group": 1}] +
                  [{"name": g, "item_group_name": g, "parent_item_group": "All Item Groups"} for g in ITEM_GROUPS])
        self.rows("UOM", [{"name": u, "uom_name": u, "enabled": 1, "must_be_whole_number": int(u in ("Nos", "Box"))}
                          for u in UOMS])
        self.rows("Warehouse", [{"name": f"{w} - {ABBR}", "warehouse_name": w, "company": COMPANY,
                                 "is_group": int(w == "All Warehouses"),
                                 "parent_warehouse": None if w == "All Warehouses" else f"All Warehouses - {ABBR}"}
                                for w in ("All Warehouses", "Stores", "Finished Goods")])
        self.items = [f"ITEM-{i:04d}" for i in range(1, 31)]
        self.rows("Item", [{"name": code, "item_code": code, "item_name": f"Item {i}", "naming_series": "STO-ITEM-.YYYY.-",
                            "item_group": ITEM_GROUPS[i % 3], "stock_uom": "Nos", "is_stock_item": 1,
                            "is_purchase_item": 1, "is_sales_item": 1, "end_of_life": "2099-12-31",
                            "standard_rate": round(5 + i * 2.5, 2), "description": f"<p>Item {i}</p>"}
                           for i, code in enumerate(self.items, 1)])
        n_cust = max(20, self.site.options.rows // 10)
        self.customers = [f"Customer {i:04d}" for i in range(1, n_cust + 1)]
        self.rows("Customer", [{"name": c, "customer_name": c, "naming_series": "CUST-.YYYY.-",
                                "customer_type": "Company" if i % 4 else "Individual",
                                "customer_group": GROUPS[i % len(GROUPS)], "territory": TERRITORIES[i % 3],
                                "tax_id": None if i % 3 == 0 else ("" if i % 3 == 1 else f"TAX{i:05d}"),
                                "disabled": int(i % 17 == 0), "default_currency": "USD",
                                "custom_external_id": f"EXT-{i:05d}" if i % 2 else None,
                                "website": None if i % 5 else f"https://customer{i}.example.com"}
                               for i, c in enumerate(self.customers, 1)])
        self.rows("Supplier", [{"name": f"Supplier {i:02d}", "supplier_name": f"Supplier {i:02d}",
                                "naming_series": "SUP-.YYYY.-", "supplier_type": "Company", "country": "India"}
                               for i in range(1, 11)])
        contacts, emails, phones, addresses = [], [], [], []
        for i in range(1, 11):
            name = f"Contact {i:02d}-{self.customers[i]}"
            contacts.append({"name": name, "first_name": "Contact", "last_name": f"{i:02d}",
                             "full_name": f"Contact {i:02d}", "company_name": self.customers[i],
                             "email_id": f"contact{i}@example.com", "status": "Passive",
                             "phone": f"+1 555 01{i:02d}"})
            emails.append({"name": make_key(r, 10), "parent": name, "parenttype": "Contact", "parentfield": "email_ids",
                           "idx": 1, "email_id": f"contact{i}@example.com", "is_primary": 1})
            phones.append({"name": make_key(r, 10), "parent": name, "parenttype": "Contact", "parentfield": "phone_nos",
                           "idx": 1, "phone": f"+1 555 01{i:02d}", "is_primary_phone": 1})
            addresses.append({"name": f"{self.customers[i]}-Billing", "address_title": self.customers[i],
                              "address_type": "Billing", "address_line1": f"{i} Main Street", "city": "Springfield",
                              "country": "United States", "is_primary_address": 1})
        for dt, recs in (("Contact", contacts), ("Contact Email", emails), ("Contact Phone", phones),
                         ("Address", addresses)):
            self.rows(dt, recs)

    def orders(self, n: int) -> None:
        seed_orders(self, n)

    def misc(self) -> None:
        users = [u[0] for u in DEFAULT_USERS]
        self.rows("ToDo", [{"name": make_key(self.rng, 10), "description": f"<p>Follow up {i}</p>",
                            "status": ("Open", "Closed", "Cancelled")[i % 3], "priority": ("High", "Medium", "Low")[i % 3],
                            "allocated_to": users[i % 3], "assigned_by": "Administrator",
                            "date": None if i % 4 else self.start.strftime("%Y-%m-%d")} for i in range(20)])
        self.rows("Note", [{"name": make_key(self.rng, 10), "title": f"Note {i}", "public": i % 2,
                            "content": f"<p>Note {i}</p>"} for i in range(5)])
        self.rows("Sync Counter", [{"name": i, "label": f"Counter {i}", "counter_value": i * 10} for i in range(1, 11)])
        self.rows("Sync Tag", [{"name": t, "tag_title": t} for t in ("red", "green", "blue")])
