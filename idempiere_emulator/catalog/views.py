"""Built-in REST views (``REST_View``/``REST_ViewColumn``, spec "Views"): admin-defined projections of one table.

A view renames a curated subset of its table's columns (property name -> AD column) and may carry a SQL where
clause that is AND-ed to every read. The emulator defines two so that clients can be tested on both kinds of
stream: one that exposes ``Updated`` (incremental) and one that does not (full refresh only) but names its key
column, which the serializer shows only as ``id`` while ``$filter`` accepts the property (servers before the
``id`` filter alias need that to page by key).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ViewColumn:
    id: int
    name: str  # the JSON property name (exact case, also in $filter/$select/$orderby)
    column: str  # the AD column it shows


@dataclass(frozen=True)
class RestView:
    id: int
    uid: str
    name: str  # matched exactly (case-sensitive), unlike table names
    table: str
    where: str | None
    columns: tuple[ViewColumn, ...]

    def column_of(self, prop: str) -> str | None:
        """The AD column behind a view property, exact-case match only (spec: view names are exact)."""
        for col in self.columns:
            if col.name == prop:
                return col.column
        return None


def builtin_views() -> tuple[RestView, ...]:
    return (
        RestView(1000001, "7d5e2f1a-0001-4c1e-9a51-5f1a0e3c0001", "customers", "C_BPartner", "IsCustomer='Y'", (
            ViewColumn(1000101, "searchKey", "Value"),
            ViewColumn(1000102, "name", "Name"),
            ViewColumn(1000103, "isActive", "IsActive"),
            ViewColumn(1000104, "creditLimit", "SO_CreditLimit"),
            ViewColumn(1000105, "Updated", "Updated"),
        )),
        RestView(1000002, "7d5e2f1a-0002-4c1e-9a51-5f1a0e3c0002", "productNames", "M_Product", None, (
            ViewColumn(1000200, "productId", "M_Product_ID"),  # shown only as "id"; lets old servers filter the key
            ViewColumn(1000201, "sku", "Value"),
            ViewColumn(1000202, "productName", "Name"),
        )),
    )
