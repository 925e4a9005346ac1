"""Which DocTypes become streams, with which schema.

DocTypes come from ``/api/resource/DocType`` when the user may read it (System Manager); otherwise from
the configured ``doctypes`` names, with a message saying so. Schemas come from the merged meta
(``getdoctype``), so Custom Fields and Property Setters count. A DocType whose meta fails is skipped with
a warning. Stream names are DocType names exactly as the server spells them (``Sales Order``); field
names are Frappe fieldnames as they are (docs/source-frappe.md, "Stream naming").
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from airbyte_cdk.models import AirbyteStream, SyncMode

from erp_http.parallel import parallel_map
from frappe_client.client import FrappeClient
from frappe_client.errors import ApiError, ConfigurationError, ErpError
from frappe_client.filters import NAME_ORDER, condition
from frappe_client.meta import TABLE_FIELDTYPES, DocTypeMeta, MetaFormatError
from frappe_client.schema import object_schema
from source_frappe.children import list_all
from source_frappe.options import SourceOptions

CURSOR = "modified"


@dataclass
class Discovered:
    """Selected DocTypes with their metas.

    Attributes:
        metas: selected parent (and named Single) DocTypes by server name.
        children: child DocType metas by name (of the selected parents).
        skipped: DocType -> why it was left out.
        notes: messages for the log.
    """

    metas: dict[str, DocTypeMeta] = field(default_factory=dict)
    children: dict[str, DocTypeMeta] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def parents_of(self, child: str) -> list[str]:
        return sorted(name for name, meta in self.metas.items() if child in meta.table_fields.values())


def candidate_doctypes(client: FrappeClient, options: SourceOptions) -> tuple[list[str], list[str]]:
    """DocType names to load metas for, and notes.

    Raises:
        ConfigurationError: the user cannot list DocTypes and no DocType is named in ``doctypes``.
    """
    try:
        listed = client.list_doctypes()
    except ApiError as exc:
        if exc.status != 403:
            raise
        explicit = options.explicit_doctypes()
        if not explicit:
            raise ConfigurationError(
                "The API user cannot list DocTypes (reading DocType needs the System Manager role): name the DocTypes "
                "to read in 'doctypes' (e.g. [\"Customer\", \"Sales Order\"]) or give the user System Manager.") from None
        return explicit, [f"The API user cannot list DocTypes (System Manager needed): using the configured doctypes "
                          f"({', '.join(explicit)})"]
    names = [m.name for m in listed
             if options.selects(m.name) and not m.istable and not m.is_virtual
             and (not m.issingle or options.named(m.name))]
    notes = []
    known = {m.name.lower() for m in listed}
    missing = [n for n in options.explicit_doctypes() if n.lower() not in known]
    if missing:
        notes.append(f"DocTypes not found on the site (check the spelling): {', '.join(missing)}")
    return names, notes


def load_metas(client: FrappeClient, names: Sequence[str], workers: int, *,
               probe: bool = False) -> tuple[dict[str, dict[str, DocTypeMeta]], dict[str, str]]:
    """Merged metas (the DocType's and its children's) per requested name; failures by name.

    With ``probe`` (discovery), a DocType must also answer one row to this user: ``getdoctype`` answers for any
    DocType, readable or not (Part II §10), and the DocType list shows them all to a System Manager.
    """
    def one(name: str) -> tuple[str, dict[str, DocTypeMeta] | None, str | None]:
        try:
            metas = client.get_meta(name)
            if probe:
                readable(client, main_meta(name, metas))
            return name, metas, None
        except (ApiError, MetaFormatError) as exc:
            return name, None, str(exc)

    loaded: dict[str, dict[str, DocTypeMeta]] = {}
    errors: dict[str, str] = {}
    for name, metas, error in parallel_map(one, list(names), workers, name="frappe-meta"):
        if metas is None:
            errors[name] = error or "meta failed"
        else:
            loaded[name] = metas
    return loaded, errors


def readable(client: FrappeClient, meta: DocTypeMeta) -> None:
    """One row of ``meta``'s DocType as this user (a Single: its document; a child table: skipped).

    Raises:
        ApiError: not readable (403) or broken on the server (e.g. a missing table).
    """
    if meta.istable or meta.is_virtual:
        return
    if meta.issingle:
        client.get_doc(meta.name, meta.name)
    else:
        client.get_list(meta.name, fields=["name"], order_by=NAME_ORDER, limit=1)


def main_meta(name: str, metas: dict[str, DocTypeMeta]) -> DocTypeMeta:
    """The requested DocType's own meta (the name may differ from the server's spelling in case only)."""
    if name in metas:
        return metas[name]
    return next(m for key, m in metas.items() if key.lower() == name.lower())


def discover(client: FrappeClient, options: SourceOptions, logger: logging.Logger) -> Discovered:
    names, notes = candidate_doctypes(client, options)
    found = Discovered(notes=list(notes))
    loaded, errors = load_metas(client, names, options.num_workers, probe=True)
    for name, error in errors.items():
        found.skipped[name] = error
        logger.warning(f"DocType {name} skipped: its meta or its rows could not be read ({error})")
    for name in names:
        if name not in loaded:
            continue
        metas = loaded[name]
        meta = main_meta(name, metas)
        reason = ("a child table (read it through its parent, or with child_tables streams)" if meta.istable
                  else "a virtual DocType (no table)" if meta.is_virtual
                  else "a Single DocType that is not named in doctypes" if meta.issingle and not options.named(name)
                  else None)
        if reason:
            found.skipped[meta.name] = reason
            logger.warning(f"DocType {meta.name} skipped: {reason}")
            continue
        found.metas[meta.name] = meta
        for child in meta.child_doctypes:
            if child in metas:
                found.children[child] = metas[child]
    for note in found.notes:
        logger.info(note)
    return found


def airbyte_streams(found: Discovered, options: SourceOptions) -> list[AirbyteStream]:
    """The catalog: one stream per DocType (and per child DocType in streams/both mode)."""
    streams = []
    for name, meta in sorted(found.metas.items()):
        single = meta.issingle
        streams.append(AirbyteStream(
            name=name,
            json_schema=object_schema(meta, found.children, nested=options.nested,
                                      deletions=options.detect_deletes and not single),
            supported_sync_modes=[SyncMode.full_refresh] if single else [SyncMode.full_refresh, SyncMode.incremental],
            source_defined_cursor=not single,
            default_cursor_field=None if single else [CURSOR],
            source_defined_primary_key=[["name"]],
            is_resumable=not single,
        ))
    if options.child_streams:
        for child, meta in sorted(found.children.items()):
            if child in found.metas:
                continue
            streams.append(AirbyteStream(
                name=child, json_schema=object_schema(meta, nested=False, deletions=True),
                supported_sync_modes=[SyncMode.full_refresh, SyncMode.incremental], source_defined_cursor=True,
                default_cursor_field=[CURSOR], source_defined_primary_key=[["name"]], is_resumable=True,
            ))
    return streams


def parents_of_child(client: FrappeClient, child: str, options: SourceOptions, known_parents: Sequence[DocTypeMeta],
                     logger: logging.Logger) -> list[str]:
    """Parent DocTypes (selected by the config) whose Table fields hold ``child``.

    From DocField and Custom Field where the user may read them (System Manager), plus the DocTypes whose
    metas are already loaded for this sync.
    """
    parents = {m.name for m in known_parents if child in m.table_fields.values()}
    tables = condition("fieldtype", "in", sorted(TABLE_FIELDTYPES))
    try:
        for row in list_all(client, "DocField", [tables, condition("options", "=", child)],
                            fields=["name", "parent"], parent="DocType"):
            parents.add(str(row.get("parent")))
        for row in list_all(client, "Custom Field", [tables, condition("options", "=", child)], fields=["name", "dt"]):
            parents.add(str(row.get("dt")))
    except ErpError as exc:
        logger.info(f"Parents of {child} taken from the configured DocTypes only ({exc})")
    return sorted(p for p in parents if p and options.selects(p))
