"""Merged DocType metadata: ``getdoctype`` (``docs``: the DocType and its child DocTypes, Custom Fields
included with ``is_custom_field: 1`` in form order) and v2 ``/doctype/{dt}/meta`` (spec §6.2; Part II §10).
``/api/resource/DocType/{dt}`` is the stored record and never shows Custom Fields.
"""
from __future__ import annotations

from ..errors import FrappeError
from ..model.dsl import DocType


class Meta:
    def __init__(self, site):
        self.site = site

    def merged(self, dt: DocType) -> dict:
        site = self.site
        fields = [f.as_docfield() for f in dt.fields]
        for cf in dt.custom_fields:
            row = site.store.query('SELECT insert_after FROM "tabCustom Field" WHERE dt = ? AND fieldname = ?',
                                   (dt.name, cf.fieldname))
            after = row[0][0] if row else None
            pos = next((i + 1 for i, f in enumerate(fields) if f["fieldname"] == after), len(fields))
            fields.insert(pos, cf.as_docfield())
        for i, f in enumerate(fields, 1):
            f.update(idx=i, parent=dt.name, parenttype="DocType", parentfield="fields", doctype="DocField")
        meta = {"name": dt.name, "module": dt.module, "istable": dt.istable, "issingle": dt.issingle,
                "is_submittable": dt.is_submittable, "is_tree": dt.is_tree, "is_virtual": 0, "custom": dt.custom,
                "autoname": dt.autoname, "naming_rule": dt.naming_rule, "sort_field": dt.sort_field,
                "sort_order": dt.sort_order, "track_changes": dt.track_changes, "title_field": dt.title_field,
                "search_fields": dt.search_fields, "editable_grid": 1, "docstatus": 0, "doctype": "DocType",
                "fields": fields, "permissions": []}
        if self.site.options.major >= 16:
            meta["masked_fields"] = []
        return meta

    def form_metas(self, doctype: str) -> list[dict]:
        dt = self.site.registry.find(doctype)
        if dt is None:
            raise FrappeError("DoesNotExistError", f"DocType {doctype} not found", traceback=False)
        docs = []
        for d in [dt] + [self.site.registry.get(f.options) for f in dt.table_fields()
                         if self.site.registry.find(f.options)]:
            meta = self.merged(d)
            meta.update({"__js": "", "__css": "", "__list_js": "", "__calendar_js": "", "__map_js": "",
                         "__linked_with": {}, "__messages": {}, "__print_formats": [], "__workflow_docs": [],
                         "__form_grid_templates": {}, "__listview_template": None, "__tree_js": None,
                         "__dashboard": {}, "__kanban_column_fields": [], "__templates": {}})
            docs.append(meta)
        return docs
