"""Configured streams -> target DocTypes with their settings, checked before anything is written.

The DocType of a stream is its ``doctype`` stream option, else the catalog's ``destination_object_name``,
else the stream name, matched (naming.py) against the DocType list when the user may read it (System
Manager), otherwise asked for directly in the forms ``doctype_guesses`` gives. Its merged meta (Custom
Fields included) comes from ``frappe_client``. Every problem here is a configuration error naming the
stream: an unknown DocType, a Single or child DocType, a key / external id / disable field the DocType
does not have.
"""
from __future__ import annotations

import dataclasses
import logging

from airbyte_cdk.models import ConfiguredAirbyteCatalog

from destination_frappe.doctype import TargetDocType
from destination_frappe.naming import NameMatcher, doctype_guesses
from destination_frappe.plan import StreamSettings
from destination_frappe.planner import Target
from destination_frappe.write_options import WriteOptions
from erp_airbyte.destination.stream_plans import StreamPlan
from frappe_client.client import FrappeClient
from frappe_client.errors import ApiError, ConfigurationError
from frappe_client.meta import DocTypeMeta, MetaFormatError


def with_key_fields(catalog: ConfiguredAirbyteCatalog, options: WriteOptions) -> ConfiguredAirbyteCatalog:
    """The catalog with each stream's ``key_field`` option as its primary key, so a stream keyed only by the
    option passes the shared catalog check (``stream_plans``) like one keyed by the catalog."""
    streams = []
    for configured in catalog.streams:
        key = options.for_stream(configured.stream.name).key_field
        streams.append(dataclasses.replace(configured, primary_key=[[key]]) if key else configured)
    return dataclasses.replace(catalog, streams=streams)


def resolve_targets(client: FrappeClient, plans: list[StreamPlan], options: WriteOptions,
                    logger: logging.Logger) -> list[Target]:
    """Raises ``ConfigurationError`` naming the stream and what to change."""
    known = _doctype_list(client, logger)
    out = []
    for plan in plans:
        opts = options.for_stream(plan.stream)
        wanted = opts.doctype or plan.table
        metas = _load(client, wanted, known)
        if metas is None:
            hint = "" if known is not None else (" (the DocType list is not readable by this user, so only the names "
                                                 f"{', '.join(repr(g) for g in doctype_guesses(wanted))} were tried)")
            raise ConfigurationError(f"Stream {plan.stream!r}: no DocType {wanted!r}{hint}. Name the stream after "
                                     f"its DocType, or set 'doctype' for it under 'streams'.")
        name, by_name = metas
        dt = TargetDocType.from_meta(by_name[name], lambda child, metas=by_name: _child(client, metas, child))
        if dt.issingle or dt.istable:
            kind = ("a Single DocType" if dt.issingle
                    else "a child table (write its rows inside the parent's Table field)")
            raise ConfigurationError(f"Stream {plan.stream!r}: DocType {dt.name!r} is {kind}; it cannot be a target.")
        out.append(Target(plan.stream, dt, _settings(plan, opts, dt)))
        logger.info("Stream %r -> DocType %r (%s, key %s, naming %s%s)", plan.stream, dt.name, plan.mode,
                    out[-1].settings.key_field, dt.naming,
                    f", external id {opts.external_id_field}" if opts.external_id_field else "")
        settings = out[-1].settings
        if settings.mode == "append_dedup" and settings.key_field == "name" and dt.naming != "natural" \
                and not settings.external_id_field:
            logger.warning(
                "Stream %r: upsert on 'name' into %s, which names new documents itself (%s): a record whose name is "
                "not on this site is inserted under a new name, so sending it again inserts it again. For records "
                "from another site set key_field to a unique field, or external_id_field.", plan.stream, dt.name,
                dt.naming)
    return out


def _settings(plan: StreamPlan, opts, dt: TargetDocType) -> StreamSettings:
    fields = NameMatcher(list(dt.fields) + ["name"])
    where = f"Stream {plan.stream!r} (DocType {dt.name!r})"
    if opts.key_field:
        key = opts.key_field
    elif len(plan.key) > 1:
        raise ConfigurationError(f"{where}: a composite primary key {plan.key!r} is not supported; set 'key_field' "
                                 f"to one unique field under 'streams'.")
    else:
        key = plan.key[0] if plan.key else "name"
    key_field = fields.match(key)
    if key_field is None:
        raise ConfigurationError(f"{where}: key field {key!r} is not a field of the DocType.")
    ext = None
    if opts.external_id_field:
        ext = fields.match(opts.external_id_field)
        if ext is None or ext == "name":
            raise ConfigurationError(f"{where}: external_id_field {opts.external_id_field!r} is not a field of the "
                                     f"DocType (add it, e.g. as a unique Custom Field of type Data).")
        if not dt.fields[ext].unique:
            raise ConfigurationError(f"{where}: external_id_field {ext!r} must be unique (set 'Unique' on the field), "
                                     f"or a lookup after a lost answer could find another document.")
    if opts.delete_action == "disable" and dt.disable_field(opts.disable_field) is None:
        named = f" {opts.disable_field!r}" if opts.disable_field else " (disabled, is_disabled, enabled, is_active)"
        raise ConfigurationError(f"{where}: delete_action 'disable' needs a Check field{named}; the DocType has none.")
    if opts.delete_action == "cancel" and not dt.is_submittable:
        raise ConfigurationError(f"{where}: delete_action 'cancel' needs a submittable DocType.")
    if opts.submit_on_insert and not dt.is_submittable:
        raise ConfigurationError(f"{where}: submit_on_insert needs a submittable DocType.")
    return StreamSettings(mode=plan.mode, key_field=key_field, external_id_field=ext,
                          submit_on_insert=opts.submit_on_insert, delete_action=opts.delete_action,
                          disable_field=opts.disable_field)


def _doctype_list(client: FrappeClient, logger: logging.Logger) -> NameMatcher | None:
    try:
        return NameMatcher(m.name for m in client.list_doctypes())
    except ApiError as exc:
        if exc.status != 403:
            raise
        logger.info("The DocType list is not readable by this user (System Manager only); DocTypes are looked up "
                    "by name")
        return None


def _load(client: FrappeClient, wanted: str, known: NameMatcher | None
          ) -> tuple[str, dict[str, DocTypeMeta]] | None:
    candidates = [known.match(wanted)] if known is not None else doctype_guesses(wanted)
    for name in candidates:
        if name is None:
            continue
        try:
            metas = client.get_meta(name)
        except ApiError as exc:
            if exc.status in (404, 417):
                continue
            raise
        except MetaFormatError:
            continue
        exact = next((m for m in metas if m.lower() == name.lower()), None)
        if exact is not None:
            return exact, metas
    return None


def _child(client: FrappeClient, metas: dict[str, DocTypeMeta], child: str) -> DocTypeMeta:
    if child not in metas:
        metas.update(client.get_meta(child))
    return metas[child]

