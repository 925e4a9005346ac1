"""Table metadata from ``/models/{table}/yaml`` (spec §2.4) plus a concurrent, cached catalog.

The YAML is assembled by string concatenation on the server: descriptions are unquoted and may contain
``: `` or line breaks, so a strict YAML parser can fail on real servers. ``parse_yaml`` uses a tolerant
indentation parser (also much faster than PyYAML, which matters for 700 tables) and falls back to PyYAML
only when that finds no schemas; both feed the same extraction.

The YAML omits the key column and the ``_UU`` column, so the key is found with one cheap probe:
``GET models/{t}?$filter=<T>_ID eq -1&$top=1`` -> 200 means a single integer key; 400
``Invalid column for filter`` means no such column, and ``<T>_UU`` is the key.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml

from erp_http.errors import ApiError, ConfigurationError, ErpError, TransientError
from erp_http.parallel import parallel_map

try:  # libyaml is ~10x faster; discovering 700 tables parses 700 documents
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

KINDS = frozenset(
    {"string", "integer", "number", "boolean", "date", "datetime", "timestamptz", "time",
     "fk", "list", "binary", "location", "image", "other"}
)
_TIME_EXAMPLE = re.compile(r"^'?\d{2}:\d{2}:\d{2}")
_TOP_KEYS = frozenset({"openapi", "info", "servers", "paths", "components", "security"})
_KEY_LINE = re.compile(r"""^('[^']*'|"[^"]*"|[^\s:'"][^:]*?)\s*:(?:\s+(.*)|$)""")


@dataclass(frozen=True)
class ColumnMeta:
    """One column as the REST API exposes it.

    Attributes:
        name: exact ColumnName (output property name, spec §2.5).
        kind: one of ``KINDS``.
        ref_table: lower-case referenced table (``model-name``) for ``fk``.
        list_values: list codes for ``list`` columns (may be empty).
        list_labels: display names of the codes, same order.
        read_only: ``readOnly`` in the YAML (AD_Client_ID, Created, CreatedBy, Updated, UpdatedBy).
        description: column description, if any.
    """

    name: str
    kind: str
    ref_table: str | None = None
    list_values: tuple[str, ...] = ()
    list_labels: tuple[str, ...] = ()
    read_only: bool = False
    description: str | None = None

    @property
    def fk_key_is_string(self) -> bool:
        """True when the referenced key is a UUID string (``*_UU`` lookup columns, spec §6.2)."""
        return self.kind == "fk" and self.name.upper().endswith("_UU")


@dataclass
class TableMeta:
    """Metadata of one table (see docs/architecture.md "Client API")."""

    name: str
    model_name: str
    columns: dict[str, ColumnMeta]
    key_column: str | None = None
    uu_column: str | None = None
    label: str | None = None
    _ci: dict[str, ColumnMeta] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._ci = {name.lower(): col for name, col in self.columns.items()}

    @property
    def row_key(self) -> str | None:
        """The column that identifies a row for filters and ``$orderby``: the integer key, else ``<T>_UU``.

        ``id`` is not accepted in ``$orderby`` (spec §3.5), so callers need the real column name.
        """
        return self.key_column or self.uu_column

    @property
    def has_updated(self) -> bool:
        """True when the table has ``Updated`` (incremental cursor)."""
        return "Updated" in self.columns

    def column_ci(self, name: str) -> ColumnMeta | None:
        """Case-insensitive column lookup (warehouses lower-case names)."""
        return self._ci.get(name.lower())


# ---- YAML parsing ----------------------------------------------------------------------------
def _scalar(text: str) -> Any:
    text = text.strip()
    if not text:
        return text
    first = text[0]
    if first in "'\"" and len(text) >= 2 and text[-1] == first:
        inner = text[1:-1]
        if first == "'":
            return inner.replace("''", "'")  # YAML's only escape in single quotes
        return inner.replace('\\"', '"').replace("\\\\", "\\") if "\\" in inner else inner
    if first == "[" and text[-1] == "]":
        inner = text[1:-1].strip()
        return [_scalar(part) for part in inner.split(",")] if inner else []
    if first == "{" and text[-1] == "}":
        inner = text[1:-1].strip()
        out = {}
        for part in inner.split(","):
            key, _, value = part.partition(":")
            if key.strip():
                out[_scalar(key)] = _scalar(value)
        return out
    if first in "tTfF" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text


def _lenient_load(text: str) -> dict:
    """Indentation parser for the plugin's hand-built YAML (unquoted descriptions, stray line breaks).

    Only ``info`` and ``components`` are needed, so a top-level ``paths:`` block (a third of the
    document) is cut off before parsing.
    """
    cut = text.find("\npaths:")
    if cut > 0 and text.find("\ncomponents:") < cut:
        text = text[:cut]
    root: dict = {}
    stack: list[tuple[int, dict]] = [(-1, root)]
    pending: tuple[int, dict, str] | None = None  # last "key:" with empty value (may become a list)
    key_line = _KEY_LINE.match
    for raw in text.splitlines():
        stripped = raw.lstrip(" ")
        if not stripped or stripped[0] == "#":
            continue
        indent = len(raw) - len(stripped)
        stripped = stripped.rstrip()
        if stripped[0] == "-" and (len(stripped) == 1 or stripped[1] == " "):
            if pending and pending[0] <= indent:
                parent, key = pending[1], pending[2]
                if parent.get(key) == {}:
                    parent[key] = []
                if isinstance(parent.get(key), list):
                    parent[key].append(_scalar(stripped[1:]))
            continue
        match = key_line(stripped)
        if not match:
            continue  # continuation of a multi-line description
        key = match.group(1)
        if key[0] in "'\"":
            key = key[1:-1]
        if indent == 0 and key not in _TOP_KEYS:
            continue  # a description line break that happens to contain a colon
        value = match.group(2)
        while stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1]
        if not value:
            child: dict = {}
            parent[key] = child
            stack.append((indent, child))
            pending = (indent, parent, key)
        else:
            parent[key] = _scalar(value)
            pending = None
    return root


def _has_schemas(doc: Any) -> bool:
    return isinstance(doc, dict) and isinstance((doc.get("components") or {}).get("schemas"), dict)


def _load(text: str) -> dict:
    """Tolerant parser first (6x faster than PyYAML's constructor, and it survives the plugin's unquoted
    descriptions); a real YAML parser only when the tolerant one finds no schemas."""
    doc = _lenient_load(text)
    if _has_schemas(doc):
        return doc
    try:
        strict = yaml.load(text, Loader=_Loader)  # noqa: S506 - SafeLoader variants only
    except yaml.YAMLError:
        return doc
    return strict if isinstance(strict, dict) else doc


def _enum(spec: Any) -> list[str]:
    if not isinstance(spec, dict):
        return []
    values = spec.get("enum")
    if not isinstance(values, list):
        return []
    return [str(v).strip() for v in values if v is not None]


def _column(name: str, spec: Any) -> ColumnMeta:
    read_only = False
    description = None
    if isinstance(spec, str) and spec.startswith("{"):
        spec = _scalar(spec)
    if isinstance(spec, dict):
        read_only = spec.get("readOnly") in (True, "true")
        desc = spec.get("description")
        description = str(desc) if desc not in (None, "") else None
    else:
        return ColumnMeta(name, "other")
    ref = str(spec.get("$ref", ""))
    if ref:
        kind = "image" if ref.endswith("/Image") else "location" if ref.endswith("/Location") else "other"
        return ColumnMeta(name, kind, read_only=read_only, description=description)
    if "oneOf" in spec or "anyOf" in spec:
        return ColumnMeta(name, "other", read_only=read_only, description=description)
    typ = str(spec.get("type", "")).lower()
    props = spec.get("properties")
    if typ == "object" or isinstance(props, dict):
        props = props if isinstance(props, dict) else {}
        if "selections" in props:
            return ColumnMeta(name, "other", read_only=read_only, description=description)
        models = _enum(props.get("model-name"))
        if models and models[0].lower() == "ad_ref_list":
            return ColumnMeta(
                name, "list", list_values=tuple(_enum(props.get("id"))),
                list_labels=tuple(_enum(props.get("identifier"))), read_only=read_only, description=description,
            )
        ref_table = models[0].lower() if models else None
        return ColumnMeta(name, "fk", ref_table=ref_table, read_only=read_only, description=description)
    fmt = str(spec.get("format", "")).lower()
    if typ == "boolean":
        kind = "boolean"
    elif typ == "integer":
        kind = "integer"
    elif typ == "number":
        kind = "number"
    elif typ == "string" and fmt == "date":
        kind = "date"
    elif typ == "string" and fmt == "date-time":
        kind = "datetime"
    elif typ == "string" and fmt == "byte":
        kind = "binary"
    elif typ == "string" and (fmt == "time" or _TIME_EXAMPLE.match(str(spec.get("example", "")))):
        kind = "time"
    elif typ == "string":
        kind = "string"
    else:
        kind = "other"
    return ColumnMeta(name, kind, read_only=read_only, description=description)


def parse_yaml(table: str, text: str) -> TableMeta:
    """Parse ``/models/{table}/yaml`` into a ``TableMeta`` (key not yet known, see ``MetadataCatalog``).

    Raises:
        ValueError: the document has no schema for ``table``.
    """
    doc = _load(text)
    schemas = (doc.get("components") or {}).get("schemas") if isinstance(doc, dict) else None
    if not isinstance(schemas, dict):
        raise ValueError(f"the YAML of {table} has no components.schemas")
    name = None
    title = str(((doc.get("info") or {}).get("title")) or "")
    if title.lower().startswith("models/"):
        name = title.split("/", 1)[1].strip()
    if not name or name not in schemas:
        name = next((k for k in schemas if str(k).lower() == table.lower()), None)
    if name is None or not isinstance(schemas.get(name), dict):
        raise ValueError(f"the YAML has no schema for table {table}")
    props = schemas[name].get("properties") or {}
    columns: dict[str, ColumnMeta] = {}
    for col_name, spec in props.items():
        col_name = str(col_name)
        if col_name in ("id", "uid", "model-name"):
            continue
        columns[col_name] = _column(col_name, spec)
    return TableMeta(name=name, model_name=name.lower(), columns=columns)


# ---- catalog ----------------------------------------------------------------------------------
class MetadataCatalog:
    """Lists tables and loads their metadata concurrently, caching within the run.

    Args:
        client: an ``IdempiereClient`` (its in-flight bound also caps these requests).
        workers: thread-pool size for ``get_many``.
    """

    def __init__(self, client: Any, workers: int = 8):
        self.client = client
        self.workers = max(1, workers)
        self._cache: dict[str, TableMeta] = {}
        self._tables: list[dict] | None = None
        self._lock = threading.Lock()

    def list_tables(self) -> list[dict]:
        """``GET /models`` entries (``model-name``, ``name``, ...), cached (spec §2.1)."""
        if self._tables is None:
            self._tables = list(self.client.list_models())
        return self._tables

    def get(self, table: str) -> TableMeta:
        """Metadata of one table: YAML + key probe, cached by lower-case name.

        Raises:
            ApiError, TransientError, ConfigurationError: from the client; ValueError for a bad YAML.
        """
        key = table.lower()
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        # Probe first: a denied/unknown table answers the collection GET with a clean JSON 403/404,
        # whereas /yaml answers an un-caught 500 (spec §2.4). Column names are case-insensitive (§4.4).
        has_int_key = self._column_exists(key, f"{key}_id", "-1")
        meta = parse_yaml(table, self.client.get_yaml(key))
        self._resolve_keys(meta, has_int_key)
        label = next((t.get("name") for t in (self._tables or []) if t.get("model-name") == key), None)
        meta.label = label
        with self._lock:
            self._cache[key] = meta
        return meta

    def get_many(self, tables: Iterable[str]) -> tuple[dict[str, TableMeta], dict[str, str]]:
        """Load many tables concurrently; one broken table never fails the others.

        Only what is about one table (the server's error answer, a YAML that does not parse) is a per-table
        error; a login that fails, an unreachable server or a wrong URL is about the run and is raised, so a
        wrong password is never reported as "table not found".

        Returns:
            (metas by requested name, error messages by requested name).

        Raises:
            ConfigurationError (incl. AuthenticationError), TransientError.
        """
        names = list(dict.fromkeys(tables))
        metas: dict[str, TableMeta] = {}
        errors: dict[str, str] = {}
        if not names:
            return metas, errors

        def load(name: str) -> tuple[TableMeta | None, str | None]:
            try:
                return self.get(name), None
            except (ConfigurationError, TransientError):
                raise
            except (ErpError, ValueError) as exc:
                return None, str(exc) or type(exc).__name__

        for name, (meta, error) in zip(names, parallel_map(load, names, self.workers, name="idempiere-meta")):
            if meta is not None:
                metas[name] = meta
            else:
                errors[name] = error or "unknown error"
        return metas, errors

    def _column_exists(self, model_name: str, column: str, literal: str) -> bool:
        try:
            self.client.get(
                f"models/{model_name}",
                params={"$filter": f"{column} eq {literal}", "$orderby": column, "$top": 1},
            )
            return True
        except ApiError as exc:
            detail = f"{exc.title or ''} {exc.detail or ''}".lower()
            if exc.status == 400 or (exc.status == 500 and "column" in detail):
                return False  # "Invalid column for filter" (spec §4.4); 500 if the filter cache misfires (§4.9)
            raise

    def _resolve_keys(self, meta: TableMeta, has_int_key: bool) -> None:
        id_col, uu_col = f"{meta.name}_ID", f"{meta.name}_UU"
        if id_col in meta.columns:
            has_int_key = False  # the YAML omits the key column, so a listed <T>_ID is an ordinary column
        if has_int_key:
            meta.key_column = id_col
            meta.uu_column = uu_col  # assumed: all but 4 core tables have one (dictionary.json)
        elif self._column_exists(meta.model_name, uu_col, "'00000000-0000-0000-0000-000000000000'"):
            meta.uu_column = uu_col
        if meta.uu_column and meta.uu_column in meta.columns:
            del meta.columns[meta.uu_column]
        meta.__post_init__()
