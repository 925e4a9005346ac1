"""Which tables become streams: ``/models`` filtered by ``tables``/``exclude_tables``, metadata loaded
concurrently (cached by ``MetadataCatalog``); a table whose metadata fails is skipped with a warning."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from erp_http.errors import ConfigurationError
from idempiere_client.metadata import MetadataCatalog, TableMeta
from source_idempiere.options import SourceOptions


@dataclass
class Discovery:
    metas: list[TableMeta]
    skipped: dict[str, str] = field(default_factory=dict)


def select_tables(models: list[dict], options: SourceOptions) -> list[str]:
    """Lower-case names of the readable tables the config selects, in server order.

    Raises:
        ConfigurationError: a table named explicitly in ``tables`` is not readable by the role, or
            nothing matches at all.
    """
    names = [str(m.get("model-name") or m.get("name") or "").lower() for m in models]
    names = [n for n in names if n]
    available = set(names)
    missing = [t for t in options.explicit_tables() if t not in available]
    if missing:
        raise ConfigurationError(
            f"Table(s) {', '.join(missing)} not found or not readable by this role. Check the names in "
            "'tables' (lower-case table names such as c_order) and the role's table access."
        )
    selected = [n for n in names if options.selects(n)]
    if not selected:
        raise ConfigurationError(
            "No readable table matches 'tables'/'exclude_tables'" if options.tables or options.exclude_tables
            else "The role cannot read any table (GET /api/v1/models returned none)."
        )
    return selected


def discover_tables(catalog: MetadataCatalog, options: SourceOptions, logger: logging.Logger) -> Discovery:
    """List, select and load metadata for every selected table."""
    selected = select_tables(catalog.list_tables(), options)
    metas, errors = catalog.get_many(selected)
    for name, error in errors.items():
        logger.warning(f"Skipping table {name}: its metadata could not be read ({error})")
    return Discovery([metas[n] for n in selected if n in metas], dict(errors))
