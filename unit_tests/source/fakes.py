"""A tiny in-memory stand-in for IdempiereClient.get_page that understands exactly the filters the
reader builds (so reader tests check both the request text and the paging behaviour)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from idempiere_client.metadata import ColumnMeta, TableMeta
from idempiere_client.paging import Page


def order_meta(keyed: str = "id") -> TableMeta:
    cols = {
        "AD_Client_ID": ColumnMeta("AD_Client_ID", "fk", ref_table="ad_client"),
        "IsActive": ColumnMeta("IsActive", "boolean"),
        "Updated": ColumnMeta("Updated", "datetime", read_only=True),
        "DocumentNo": ColumnMeta("DocumentNo", "string"),
    }
    return TableMeta(
        name="C_Order", model_name="c_order", columns=cols,
        key_column="C_Order_ID" if keyed == "id" else None,
        uu_column="C_Order_UU" if keyed in ("id", "uid") else None,
    )


@dataclass
class Row:
    key: int
    updated: datetime  # stored with milliseconds, UTC
    active: bool = True


class FakeClient:
    def __init__(self, rows: dict[int, Row], *, max_records: int = 100, tz_offset_hours: int = 0):
        self.rows = rows
        self.max_records = max_records
        self.calls: list[dict] = []
        self.before_page = None  # hook(call_no) to mutate rows between pages

    def get_page(self, table, *, filter, orderby, select=None, top=100, skip=0):
        self.calls.append({"table": table, "filter": filter, "orderby": orderby, "select": select, "top": top, "skip": skip})
        if self.before_page:
            self.before_page(len(self.calls))
        assert "IsActive neq null" in filter
        ge = re.search(r"Updated ge '([^']+)'", filter)
        lt = re.search(r"Updated lt '([^']+)'", filter)
        gt = re.search(r"C_Order_(?:ID|UU) gt '?([^' )]+)'?", filter)
        le = re.search(r"C_Order_(?:ID|UU) le '?([^' )]+)'?", filter)
        parse = lambda s: datetime.strptime(s, "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)  # noqa: E731
        hits = [r for r in self.rows.values()
                if (not ge or r.updated >= parse(ge.group(1))) and (not lt or r.updated < parse(lt.group(1)))
                and (not gt or r.key > int(gt.group(1))) and (not le or r.key <= int(le.group(1)))]
        if orderby.startswith("Updated"):
            hits.sort(key=lambda r: (r.updated, r.key))
        else:
            hits.sort(key=lambda r: r.key, reverse=orderby.endswith(" desc"))
        size = min(top, self.max_records) if self.max_records else top
        page = hits[skip: skip + size]
        records = [self.record(r, select) for r in page]
        return Page(records=records, row_count=len(hits), records_size=size, skip=skip)

    @staticmethod
    def record(r: Row, select=None) -> dict:
        out = {"id": r.key, "uid": f"00000000-0000-0000-0000-{r.key:012d}"}
        if not select:
            out.update({
                "AD_Client_ID": {"propertyLabel": "Tenant", "id": 11, "identifier": "GardenWorld", "model-name": "ad_client"},
                "IsActive": r.active,
                "Updated": r.updated.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "DocumentNo": f"DOC{r.key}",
            })
        out["model-name"] = "c_order"
        return out
