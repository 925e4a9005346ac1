"""Child tables on update: complete rows, compared and merged with the stored rows.

On PUT, a Table key replaces the whole table and every row is rebuilt from the payload plus defaults
(spec §8.3, Part II §7): a row given with only ``qty`` loses its ``item_code``, and a row whose ``name``
is not stored is echoed but silently not saved. So the destination never sends a partial row:

* the input array is the table's new content, in order (the source's nested mode emits whole tables);
* an input row whose ``name`` is a stored row of this document is **merged** with that stored row (the
  input's fields win, the rest is kept), so a partial row updates only what it carries;
* an input row without a ``name``, or with a ``name`` that is not a row of this document (rows copied
  from another site), is sent **without** ``name``: it becomes a new row with the input's fields;
* stored rows the input does not name are removed, as the server does: the input is the whole table;
* when every input row equals the stored row at its position (on the input's fields), the table key
  is not sent at all, so a rerun changes nothing.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from destination_frappe.doctype import TargetDocType
from destination_frappe.values import same_value


def same_rows(child: TargetDocType, rows: Sequence[Mapping[str, Any]], stored: Sequence[Mapping[str, Any]],
              submitted: bool = False) -> bool:
    """Whether ``rows`` (input bodies) already equal ``stored`` (GET rows, ``idx`` order) on the input's fields;
    on a ``submitted`` document, fields only the server sets (plan.py) are not compared."""
    if len(rows) != len(stored):
        return False
    for row, old in zip(rows, stored, strict=True):
        for key, value in row.items():
            fld = child.fields.get(key)
            if submitted and fld is not None and fld.server_computed_after_submit:
                continue
            if not same_value(fld, old.get(key), value):
                return False
    return True


def merged_rows(child: TargetDocType, rows: Sequence[Mapping[str, Any]], names: Sequence[Any],
                stored: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The complete rows to send (module docstring): named stored rows merged, other rows new."""
    by_name = {str(r.get("name")): r for r in stored if r.get("name") is not None}
    out = []
    for i, row in enumerate(rows):
        name = names[i] if i < len(names) else None
        old = by_name.get(str(name)) if name is not None else None
        if old is None:
            out.append(dict(row))
            continue
        kept = {k: v for k, v in old.items() if k in child.fields}
        out.append({**kept, **row, "name": old["name"]})
    return out
