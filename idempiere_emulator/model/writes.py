"""POST/PUT/DELETE semantics of /models/{table} (spec §7); control-plane inserts are ``raw_rows``."""
from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from typing import Any

from erp_emulator.clock import later_than, now_text

from ..catalog import Catalog, Column, Table
from ..catalog.properties import property_name
from ..data.store import Store
from ..emulator_options import EmulatorOptions
from ..errors import EmulatorError
from ..session import Session
from .access import Access
from .documents import Documents
from .fk_lookup import ForeignKeys
from .rows import Rows
from .write_plans import NOT_MANDATORY, WritePlans
from .write_values import ConversionError, ValueConverter

ALLOWED_EXTRA = ("doc-action", "id", "identifier", "model-name", "tableName", "uid")
__all__ = ["Writer", "NOT_MANDATORY"]
ALWAYS_UPDATEABLE = {"Description", "POReference", "IsActive", "DatePrinted", "IsPrinted", "IsSelected"}


class Writer:
    """Implements create/update/delete with the plugin's validation order and messages.

    It is the ``write_values.ForeignKeyForms`` its ``ValueConverter`` resolves FK forms and Location objects
    through: both depend on the session of the write in progress, which only the writer knows.
    """

    def __init__(self, options: EmulatorOptions, store: Store, catalog: Catalog, access: Access, rows: Rows,
                 fks: ForeignKeys) -> None:
        self.store = store
        self.catalog = catalog
        self.options = options
        self.access = access
        self.rows = rows
        self.fks = fks
        self.values = ValueConverter(self, catalog, options.legacy, options.tz)
        self.docs = Documents(store, catalog)
        self.plans = WritePlans(store, catalog, options.tz)
        self._session: Session | None = None

    # ---- error helpers -------------------------------------------------------------------
    def validation(self, detail: str, legacy_detail: str | None = None) -> EmulatorError:
        """Current generation: 400 'Validation Error'; legacy: 500 'Save error' (§7.2, §13)."""
        if self.options.legacy:
            return EmulatorError(500, "Save error", legacy_detail or detail)
        return EmulatorError(400, "Validation Error", detail)

    # ---- FK forms (write_values.ForeignKeyForms) ------------------------------------------
    def find_key(self, ref: str, column: str, value: Any, raw: Any) -> Any:
        return self.fks.key_by(self._session, ref, column, value, raw)

    def find_by_identifier(self, ref: str, identifier: Any, raw: Any) -> Any:
        """{"identifier"}: first identifier column, then the Name/Value display fallback (§7.1)."""
        return self.fks.key_by_identifier(self._session, ref, identifier, raw)

    def save_location(self, location_id: int | None, body: dict) -> int:
        """Location objects create/update a C_Location immediately (§7.1)."""
        session = self._session
        self._check_fields(self.catalog.get("C_Location"), body)  # a read Location object is not a body
        if location_id:
            self._update_row(session, self.catalog.get("C_Location"), {"C_Location_ID": location_id}, body,
                             title="Update error")
            return location_id
        return self._insert(session, self.catalog.get("C_Location"), body, title="Save error")[0]

    # ---- body -> column values -----------------------------------------------------------
    def _check_fields(self, table: Table, body: dict, extra: tuple = ()) -> None:
        """validateJsonFields: exact ColumnName or toPropertyName form only (§2.5)."""
        accepted = self.plans.plan(table).accepted
        for field, value in body.items():
            if field in accepted or field in ALLOWED_EXTRA or field in extra or isinstance(value, list):
                continue
            col = table.column(field)
            if col is None:
                raise self.validation(f"Column {field} does not exist")
            prop = property_name(col.name, True)
            raise self.validation(f"Wrong name for column {field}, you must use {prop} or {col.name}")

    def _convert(self, col: Column, value: Any, title: str) -> Any:
        try:
            return self.values.convert(col, value)
        except ConversionError as exc:
            raise EmulatorError(500, title, str(exc)) from None

    def _check_fk(self, table: Table, values: dict) -> None:
        """validForeignKeysEx: the referenced row must exist (§7.2)."""
        refs = self.plans.plan(table).fk_refs
        for name, v in values.items():
            ref = refs.get(name)
            if ref is None or v is None:
                continue
            if not self.plans.fk_exists(ref, v):
                raise self.validation(f"Foreign ID {v} not found in {name}", f"Foreign ID {v} not found in {name}")

    def _mandatory(self, table: Table, values: dict, only: set[str] | None) -> None:
        missing = [prop for col, prop in self.plans.plan(table).mandatory
                   if (only is None or col.name in only) and values.get(col.name) is None]
        if missing:
            raise self.validation("Fill mandatory fields: " + ", ".join(missing),
                                  "Mandatory fields missing: " + ", ".join(missing))

    # ---- create --------------------------------------------------------------------------
    def create(self, session: Session, table_name: str, body: Any) -> dict:
        with self.store.lock:  # one writer at a time: the session is kept on the instance during the call
            return self._create(session, table_name, body)

    def _create(self, session: Session, table_name: str, body: Any) -> dict:
        table = self.access.writable(session, table_name)
        if not isinstance(body, dict):
            raise EmulatorError(500, "Server error", "Not a JSON object")
        self._session = session
        with self.store.transaction():
            key, out_children, msg, values = self._create_tree(session, table, body, top=True)
            record = None
            if not out_children and msg is None and "doc-action" not in body:  # nothing wrote the row since
                record = self.rows.record_from_values(table, values)
            if record is None:
                record = self.rows.record_by_key(table, key)
        record.update(out_children)
        if msg is not None:
            record["doc-processmsg"] = msg
        return record

    def _create_tree(self, session: Session, table: Table, body: dict, top: bool,
                     link: tuple[str, Any] | None = None) -> tuple[Any, dict, str | None, dict]:
        """Insert ``body`` and its children; (key, children records, doc-action message, inserted values)."""
        self._check_fields(table, body)
        values = {link[0]: link[1]} if link else {}
        key, inserted = self._insert(session, table, body, title="Save error" if not top else "Server error",
                              preset=values)
        children, msg = self._children_then_action(session, table, key, body, self._children_post)
        return key, children, msg, inserted

    def _children_then_action(self, session: Session, table: Table, key: Any, body: dict,
                              write_children: Callable[[Session, Table, Any, str, list], list]
                              ) -> tuple[dict[str, list], str | None]:
        """``body``'s nested child arrays (``write_children``: the POST or the PUT semantics), then its
        ``doc-action``, in the plugin's order: a document is completed with its lines already written."""
        children: dict[str, list] = {}
        for field, value in body.items():
            if isinstance(value, list) and table.column(field) is None:
                children[field] = write_children(session, table, key, field, value)
        msg = None
        if "doc-action" in body and table.is_document:
            msg = self.docs.process(table.name, key, body["doc-action"])
        return children, msg

    def _child_table(self, parent: Table, name: str) -> Table:
        child = self.catalog.get(name)
        link = parent.key or parent.uu_column
        if child is None or not child.has(link):
            raise EmulatorError(500, "Save error", f"Wrong detail {name}: no column that links to the parent table "
                                                   f"{parent.name}")
        return child

    def _children_post(self, session: Session, parent: Table, key: Any, name: str, items: list) -> list[dict]:
        child = self._child_table(parent, name)
        link = parent.key or parent.uu_column
        out = []
        for item in items:
            try:
                ckey, grand, _, _ = self._create_tree(session, child, item if isinstance(item, dict) else {}, False,
                                                   link=(link, key))
            except EmulatorError as exc:  # every child error is flattened to 500 on POST (§7.4)
                raise EmulatorError(500, "Save error", f"Save error with exception: {exc.detail}") from None
            rec = self.rows.record_by_key(child, ckey)
            rec.pop(property_name(link, self.options.tolowercase), None)
            rec.pop("model-name", None)
            rec.update(grand)
            out.append(rec)
        return out

    def _insert(self, session: Session, table: Table, body: dict, *, title: str,
                preset: dict | None = None) -> tuple[Any, dict]:
        default = self.plans.default
        # values in column order, from a plan per set of body fields (after the preset ones, e.g. a child's link)
        template, steps = self.plans.insert_steps(table, tuple(body), tuple(preset) if preset else ())
        values: dict[str, Any] = {**preset, **template} if preset else template.copy()
        for col, field, name in steps:
            values[name] = default(session, col) if field is None else self._convert(col, body[field], title)
        client = values.get("AD_Client_ID")
        if client not in (None, session.client_id):
            raise EmulatorError(403, "Update error", "You are not allowed to create a record for another tenant")
        values["AD_Client_ID"] = session.client_id
        orgs = self.access.org_ids(session)
        if orgs is not None and table.has("AD_Org_ID") and values.get("AD_Org_ID") not in orgs:
            raise EmulatorError(403, "Update error", "Role does not have access")  # MRole.canUpdate (§7.2)
        self.docs.before_save(session, table.name, values, True)
        self._check_fk(table, values)
        self._mandatory(table, values, None)
        if table.column("DocumentNo") is not None and not values.get("DocumentNo"):
            values["DocumentNo"] = self.docs.next_document_no(table.name)
        if table.column("Value") is not None and table.column("Value").mandatory and not values.get("Value"):
            values["Value"] = values.get("Name") or self.docs.next_document_no(table.name)
        now = now_text()
        values.update({"Created": now, "Updated": now, "CreatedBy": session.user_id, "UpdatedBy": session.user_id})
        if table.key:
            values[table.key] = self.store.next_id(table)
        if table.uu_column and not values.get(table.uu_column):
            values[table.uu_column] = str(uuid.uuid4())
        if len(table.key_columns) > 1:  # multi-column primary key (access and tax tables)
            cond = " AND ".join(f'"{k}"=?' for k in table.key_columns)
            if self.store.query(f'SELECT 1 FROM "{table.name}" WHERE {cond}', [values.get(k) for k in table.key_columns]):
                raise EmulatorError(500, "Save error", f'ERROR: duplicate key value violates unique constraint '
                                                       f'"{table.name.lower()}_key"')
        try:
            self.store.insert(table.name, values)
        except sqlite3.IntegrityError as exc:
            raise EmulatorError(500, "Save error", f"ERROR: duplicate key value violates unique constraint "
                                                   f"\"{table.name.lower()}_uu_idx\" ({exc})") from None
        key = values[table.key] if table.key else values[table.uu_column]
        if table.parent_link:
            self.docs.after_line_change(table.name, values.get(table.parent_link))
        return key, values

    # ---- update --------------------------------------------------------------------------
    def update(self, session: Session, table_name: str, record_id: str, body: Any) -> dict:
        with self.store.lock:
            return self._update(session, table_name, record_id, body)

    def _update(self, session: Session, table_name: str, record_id: str, body: Any) -> dict:
        table = self.access.writable(session, table_name)
        row = self.rows.find_row(session, table, record_id, for_write=True)
        if not isinstance(body, dict):
            raise EmulatorError(500, "Update error", "Not a JSON object")
        self._session = session
        key = row[table.key] if table.key else row[table.uu_column]
        with self.store.transaction():
            self._check_fields(table, body)
            self._update_row(session, table, row, body, title="Update error")
            children, msg = self._children_then_action(session, table, key, body, self._children_put)
            record = self.rows.record_by_key(table, key)
        record.update(children)
        if msg is not None:
            record["doc-processmsg"] = msg
        return record

    def _update_row(self, session: Session | None, table: Table, row: dict, body: dict, *, title: str) -> None:
        keycol = table.key or table.uu_column
        if len(row) <= 1:
            row = self.store.query_dicts(f'SELECT * FROM "{table.name}" WHERE "{keycol}"=?', (row[keycol],))[0]
        changes: dict[str, Any] = {}
        for col, prop in self.plans.plan(table).fields:
            if col.is_key:
                continue
            if prop in body:
                raw = body[prop]
            elif col.name in body:
                raw = body[col.name]
            else:
                continue
            value = self._convert(col, raw, title)
            if value == row.get(col.name) or (isinstance(value, float) and row.get(col.name) is not None
                                              and abs(value - float(row[col.name])) < 1e-9):
                continue  # unchanged values are skipped before the updatable check (§7.1)
            if not col.updateable or col.is_uu:
                raise self.validation(f"Cannot update column {col.name}")
            if row.get("Processed") == "Y" and col.name not in ALWAYS_UPDATEABLE:
                raise self.validation(f"Cannot update {col.name} on processed record")
            changes[col.name] = value
        merged = {**row, **changes}
        if session is not None:
            self.docs.before_save(session, table.name, merged, False)
            changes.update({k: v for k, v in merged.items() if v != row.get(k)})
            self._check_fk(table, changes)
            self._mandatory(table, merged, set(changes))
        changes["Updated"] = later_than(row.get("Updated"))
        if session is not None:
            changes["UpdatedBy"] = session.user_id
        sets = ", ".join(f'"{k}"=?' for k in changes)
        self.store.execute(f'UPDATE "{table.name}" SET {sets} WHERE "{keycol}"=?', [*changes.values(), row[keycol]])
        if table.parent_link:
            self.docs.after_line_change(table.name, merged.get(table.parent_link))

    def _children_put(self, session: Session, parent: Table, key: Any, name: str, items: list) -> list[dict]:
        """PUT children: id/uid -> update, "(delete)": true -> delete, otherwise insert (§7.4)."""
        child = self._child_table(parent, name)
        link = parent.key or parent.uu_column
        out = []
        for item in items:
            item = item if isinstance(item, dict) else {}
            ref = item.get("id", item.get("uid"))
            existing = None
            if ref is not None:
                try:
                    existing = self.rows.find_row(session, child, str(ref), for_write=True)
                except EmulatorError:
                    existing = None
            if item.get("(delete)") is True:
                if existing is None:
                    raise EmulatorError(404, "Delete Error", "Cannot delete non-existing record")
                self._delete_row(child, existing)
                continue
            fields = {k: v for k, v in item.items() if k != "(delete)"}
            if existing is not None:
                self._check_fields(child, fields)
                self._update_row(session, child, existing, fields, title="Update error")
                ckey = existing[child.key or child.uu_column]
            else:
                ckey, _, _, _ = self._create_tree(session, child, fields, False, link=(link, key))
            rec = self.rows.record_by_key(child, ckey)
            rec.pop(property_name(link, self.options.tolowercase), None)
            rec.pop("model-name", None)
            out.append(rec)
        return out

    # ---- delete --------------------------------------------------------------------------
    def delete(self, session: Session, table_name: str, record_id: str) -> dict:
        with self.store.lock:
            return self._delete(session, table_name, record_id)

    def _delete(self, session: Session, table_name: str, record_id: str) -> dict:
        table = self.access.writable(session, table_name)
        row = self.rows.find_row(session, table, record_id, for_write=True)
        if table.is_document and row.get("Processed") == "Y":
            raise EmulatorError(500, "Delete error", "Document processed: cannot delete")
        self._restrict(table, row)
        with self.store.transaction():
            self._delete_row(table, row)
        return {"msg": "Deleted"}

    def _restrict(self, table: Table, row: dict) -> None:
        """Foreign keys are ON DELETE RESTRICT except parent links (which cascade): 500 Delete error (§7.5)."""
        if not table.key:
            return
        value = row[table.key]
        for other, col in self.plans.references(table)[0]:
            sql, args = f'SELECT 1 FROM "{other.name}" WHERE "{col.name}"=?', [value]
            if row.get("Created") and other.has("Updated") and other.key:
                # a referencing row was written after the referenced one existed: the Updated index
                # keeps this cheap for recently created records in big tables
                sql, args = sql + " AND Updated >= ?", [value, row["Created"]]
            if self.store.query(sql + " LIMIT 1", args):
                raise EmulatorError(500, "Delete error", f'ERROR: update or delete on table "{table.lname}" '
                                    f'violates foreign key constraint "{col.name.lower()}_{other.lname}" on '
                                    f'table "{other.lname}"')

    def _delete_row(self, table: Table, row: dict) -> None:
        keycol = table.key or table.uu_column
        for child in self.plans.references(table)[1]:  # parent links cascade (C_OrderLine, ...)
            self.store.execute(f'DELETE FROM "{child.name}" WHERE "{keycol}"=?', (row[keycol],))
        self.store.execute(f'DELETE FROM "{table.name}" WHERE "{keycol}"=?', (row[keycol],))
        if table.parent_link:
            self.docs.after_line_change(table.name, row.get(table.parent_link))
