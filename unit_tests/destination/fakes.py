"""In-memory stand-ins for the client and table metadata (no HTTP): enough for mapping, FK and state tests."""
from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable
from typing import Any

from erp_http.errors import ApiError, TransientError
from idempiere_client.metadata import ColumnMeta, TableMeta
from idempiere_client.paging import Page


def col(name: str, kind: str = "string", ref: str | None = None, **kw: Any) -> ColumnMeta:
    return ColumnMeta(name, kind, ref_table=ref, **kw)


def bpartner_meta() -> TableMeta:
    cols = [
        col("AD_Client_ID", "fk", "ad_client", read_only=True), col("AD_Org_ID", "fk", "ad_org"),
        col("IsActive", "boolean"), col("Created", "datetime", read_only=True),
        col("CreatedBy", "fk", "ad_user", read_only=True), col("Updated", "datetime", read_only=True),
        col("UpdatedBy", "fk", "ad_user", read_only=True), col("Value"), col("Name"),
        col("C_BP_Group_ID", "fk", "c_bp_group"), col("SO_CreditLimit", "number"), col("NumberEmployees", "integer"),
        col("FirstSale", "date"), col("SOCreditStatus", "list", list_values=("O", "H", "S"),
                                         list_labels=("Credit OK", "Credit Hold", "Credit Stop")),
        col("SalesRep_ID", "fk", "ad_user"), col("C_Location_ID", "location"),
    ]
    return TableMeta("C_BPartner", "c_bpartner", {c.name: c for c in cols}, key_column="C_BPartner_ID",
                     uu_column="C_BPartner_UU")


def group_meta() -> TableMeta:
    cols = [col("IsActive", "boolean"), col("Value"), col("Name")]
    return TableMeta("C_BP_Group", "c_bp_group", {c.name: c for c in cols}, key_column="C_BP_Group_ID",
                     uu_column="C_BP_Group_UU")


def order_meta() -> TableMeta:
    cols = [col("AD_Client_ID", "fk", "ad_client", read_only=True), col("AD_Org_ID", "fk", "ad_org"),
            col("IsActive", "boolean"), col("DocumentNo"), col("Description"), col("C_BPartner_ID", "fk", "c_bpartner"),
            col("DateOrdered", "date"), col("DocStatus", "list", list_values=("DR", "CO", "VO"))]
    return TableMeta("C_Order", "c_order", {c.name: c for c in cols}, key_column="C_Order_ID", uu_column="C_Order_UU")


def orderline_meta() -> TableMeta:
    cols = [col("AD_Org_ID", "fk", "ad_org"), col("IsActive", "boolean"), col("C_Order_ID", "fk", "c_order"),
            col("Line", "integer"), col("M_Product_ID", "fk", "m_product"), col("QtyEntered", "number"),
            col("Description"), col("C_BPartner_ID", "fk", "c_bpartner")]
    return TableMeta("C_OrderLine", "c_orderline", {c.name: c for c in cols}, key_column="C_OrderLine_ID",
                     uu_column="C_OrderLine_UU")


def linema_meta() -> TableMeta:
    """A grandchild of C_Order (below C_OrderLine)."""
    cols = [col("IsActive", "boolean"), col("C_OrderLine_ID", "fk", "c_orderline"), col("Qty", "number"),
            col("M_AttributeSetInstance_ID", "fk", "m_attributesetinstance")]
    return TableMeta("M_OrderLineMA", "m_orderlinema", {c.name: c for c in cols}, key_column="M_OrderLineMA_ID",
                     uu_column="M_OrderLineMA_UU")


def product_meta() -> TableMeta:
    cols = [col("IsActive", "boolean"), col("Value"), col("Name")]
    return TableMeta("M_Product", "m_product", {c.name: c for c in cols}, key_column="M_Product_ID",
                     uu_column="M_Product_UU")


class FakeCatalog:
    def __init__(self, *metas: TableMeta):
        self.metas = {m.model_name: m for m in metas}

    def get(self, table: str) -> TableMeta:
        meta = self.metas.get(table.lower())
        if meta is None:  # what MetadataCatalog raises for a table the server does not know (its key probe)
            raise ApiError(404, "Not found", f"No match found for table name: {table}", "GET", f"models/{table}")
        return meta


def _serialised(method: Callable) -> Callable:
    """One call at a time: the writer's slices call the client from several threads."""
    @functools.wraps(method)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            return method(self, *args, **kwargs)

    return call


class FakeClient:
    """Records calls; ``pages`` maps a substring of the $filter to the rows it returns. Thread-safe."""

    def __init__(self, pages: dict[str, list[dict]] | None = None, rows: dict[str, dict] | None = None):
        self.pages = pages or {}
        self.rows = rows or {}  # "models/t/<id-or-uuid>" -> row
        self.calls: list[tuple[str, Any]] = []
        self.post_script: list[str] = []  # per POST: "ok" | "drop" (commit, then TransientError) | "fail" (not applied)
        self.batch_script: list[str] = []
        self.next_id = 1000
        self.lock = threading.RLock()

    @_serialised
    def get_page(self, table: str, *, filter: str | None, orderby: str, select: str | None = None, top: int = 100,
                 skip: int = 0) -> Page:
        self.calls.append(("page", filter))
        for fragment, rows in self.pages.items():
            if filter and fragment in filter:
                chunk = rows[skip:skip + top]
                return Page(chunk, len(rows), top, skip)
        return Page([], 0, top, skip)

    @_serialised
    def get(self, path: str, params: dict | None = None) -> Any:
        self.calls.append(("get", path))
        if path in self.rows:
            return self.rows[path]
        raise ApiError(404, "Record not found", f"No record found matching id: {path}", "GET", path)

    def _commit(self, path: str, body: dict) -> dict:
        self.next_id += 1
        table = path.split("/")[1]
        row = {"id": self.next_id, **body, "model-name": table}
        uu = next((v for k, v in body.items() if k.endswith("_UU")), None)
        self.rows[f"{path}/{self.next_id}"] = row
        if uu:
            self.rows[f"{path}/{uu}"] = row
        return row

    @_serialised
    def post(self, path: str, json_body: Any, params: dict | None = None) -> Any:
        self.calls.append(("post", path))
        step = self.post_script.pop(0) if self.post_script else "ok"
        if step == "fail":
            raise TransientError("POST: HTTP 503", maybe_committed=True, status=503)
        if json_body.get("Name") == "BAD":
            raise ApiError(400, "Validation Error", "Fill mandatory fields: Name", "POST", path)
        row = self._commit(path, json_body)
        if step == "drop":
            raise TransientError("POST: connection dropped", maybe_committed=True)
        return row

    @_serialised
    def put(self, path: str, json_body: Any, params: dict | None = None) -> Any:
        self.calls.append(("put", path))
        row = self.rows.setdefault(path, {})
        row.update(json_body)
        return row

    @_serialised
    def batch(self, items: list[dict], transaction: bool = False) -> list[dict]:
        self.calls.append(("batch", len(items)))
        step = self.batch_script.pop(0) if self.batch_script else "ok"
        if step == "fail":
            raise TransientError("POST batch: HTTP 502", maybe_committed=True, status=502)
        if step == "expire":  # the token expired during the batch: later items are refused by the auth filter
            return [{"status": "Unauthorized", "statusCode": 401, "body": {"title": "Token has expired", "status": 401}}
                    for _ in items]
        out = []
        for item in items:
            body = item["body"]
            if body.get("Name") == "BAD":
                out.append({"status": "Bad Request", "statusCode": 400,
                            "body": {"title": "Validation Error", "status": 400, "detail": "Fill mandatory fields: Name"}})
            elif item["method"] == "POST":
                out.append({"status": "Created", "statusCode": 201, "body": self._commit(item["path"], body)})
            else:
                out.append({"status": "OK", "statusCode": 200, "body": self.put(item["path"], body)})
        if step == "drop":
            raise TransientError("POST batch: connection dropped", maybe_committed=True)
        return out


def has_batch_endpoint(self) -> bool:
    return True


FakeClient.has_batch_endpoint = has_batch_endpoint


_QUOTED = re.compile(r"'([^']*)'")


class StoreClient(FakeClient):
    """A FakeClient whose collection GETs search the rows written so far: a row matches when its
    ``Value`` or ``Name`` equals a quoted literal of the ``$filter`` (enough for key lookups and
    identifiers), so upserts see earlier writes. ``pages`` still answers filters it has fragments for.

    ``hold`` / ``held``: a write (POST or batch) carrying a row whose ``Value`` is in ``held`` waits for the
    Event ``hold`` (at most 10 s), outside the client lock, so other requests go on meanwhile.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hold = threading.Event()
        self.held: set[str] = set()

    def _wait_if_held(self, bodies: list[Any]) -> None:
        if any(isinstance(b, dict) and b.get("Value") in self.held for b in bodies):
            self.hold.wait(10)

    @_serialised
    def get_page(self, table: str, *, filter: str | None, orderby: str, select: str | None = None, top: int = 100,
                 skip: int = 0) -> Page:
        if any(filter and fragment in filter for fragment in self.pages):
            return FakeClient.get_page.__wrapped__(self, table, filter=filter, orderby=orderby, select=select,
                                                   top=top, skip=skip)
        self.calls.append(("page", filter))
        wanted = set(_QUOTED.findall(filter or ""))
        prefix = f"models/{table}/"
        rows = [dict(r) for k, r in self.rows.items() if k.startswith(prefix) and k[len(prefix):].isdigit()
                and (r.get("Value") in wanted or r.get("Name") in wanted)]
        return Page(rows[skip:skip + top], len(rows), top, skip)

    def post(self, path: str, json_body: Any, params: dict | None = None) -> Any:
        self._wait_if_held([json_body])
        return super().post(path, json_body, params)

    def put(self, path: str, json_body: Any, params: dict | None = None) -> Any:
        if json_body.get("Name") == "BAD":  # as a batch item would be
            raise ApiError(400, "Validation Error", "Fill mandatory fields: Name", "PUT", path)
        return super().put(path, json_body, params)

    def batch(self, items: list[dict], transaction: bool = False) -> list[dict]:
        self._wait_if_held([item.get("body") for item in items])
        return super().batch(items, transaction)
