"""``filters`` / ``or_filters`` -> parameterised SQL with Frappe's NULL semantics (spec §4.1 "Filter
operators", "NULL handling"; Part II §4a). Values are always bound parameters: a value can never change
the meaning of a filter.

Forms: ``{"f": v}``, ``{"f": [op, v]}``, ``[f, op, v]``, ``[doctype, f, op, v]`` (a child doctype joins
its table: one output row per matching child). Nullable columns are wrapped in ``COALESCE`` where
Frappe wraps them in ``ifnull``, so ``!=``, ``<``, ``not in`` and ``not like`` match NULL rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field

from ..errors import FrappeError
from ..model.dsl import NUMERIC, DocType
from ..model.registry import CHILD_STANDARD, OPTIONAL_STANDARD, STANDARD
from . import timespans
from .values import cint, date_text, datetime_text, flt, time_text

OPERATORS_15 = ("=", "!=", ">", "<", ">=", "<=", "like", "not like", "in", "not in", "is", "between",
                "descendants of", "ancestors of", "not descendants of", "not ancestors of", "timespan",
                "previous", "next", "descendants of (inclusive)")
OPERATORS_16 = tuple(op for op in OPERATORS_15 if op not in ("previous", "next"))
NEVER_WRAPPED = ("name", "modified", "creation")
FIELD_TYPES = {"creation": "Datetime", "modified": "Datetime", "docstatus": "Int", "idx": "Int"}


@dataclass
class Where:
    """SQL conditions (ANDed), their parameters and the child joins they need."""
    conds: list[str] = dc_field(default_factory=list)
    params: list = dc_field(default_factory=list)
    joins: dict[str, str] = dc_field(default_factory=dict)  # alias -> JOIN clause


def normalize(filters, doctype: str, major: int) -> list[tuple[str, str, str, object]]:
    """Any accepted form -> [(doctype, fieldname, operator, value)] (``get_filter``)."""
    if not filters:
        return []
    out = []
    if isinstance(filters, dict):
        for key, value in filters.items():
            if isinstance(value, (list, tuple)) and value and isinstance(value[0], str) and len(value) == 2:
                out.append((doctype, key, value[0], value[1]))
            else:
                out.append((doctype, key, "=", value))
        return out
    if not isinstance(filters, list):
        raise FrappeError("ValueError", f"Filters must be a list or a dict, not {type(filters).__name__}")
    for f in filters:
        if isinstance(f, str):
            if major >= 16:  # raw SQL filters are gone: the string is read as a doctype (Part II §4a)
                raise FrappeError("DoesNotExistError", f"DocType {f[:1]} not found", traceback=False)
            raise FrappeError("OperationalError", "raw SQL filter strings are not emulated",
                              module="pymysql.err")
        if isinstance(f, dict):
            out.extend(normalize(f, doctype, major))
            continue
        if not isinstance(f, (list, tuple)):
            raise _bad_format(f, major)
        if len(f) == 3:
            out.append((doctype, f[0], f[1], f[2]))
        elif len(f) >= 4:
            out.append((f[0], f[1], f[2], f[3]))
        else:
            raise _bad_format(f, major)
    return out


def _bad_format(f, major: int) -> FrappeError:
    if major >= 16:
        return FrappeError("ValidationError", f"Error parsing nested filters: [{f!r}]. Invalid simple filter format: {f!r}")
    return FrappeError("ValueError", "Filter must have 4 values (doctype, fieldname, operator, value): " + repr(f),
                       module="builtins")


class FilterBuilder:
    """Builds conditions for one list query on ``dt`` (aliased by its table name)."""

    def __init__(self, registry, dt: DocType, major: int, today: str, where: Where | None = None):
        self.registry = registry
        self.dt = dt
        self.major = major
        self.today = today
        self.where = where or Where()

    # ---- public ---------------------------------------------------------------------------
    def add(self, filters, group: str = "and") -> None:
        items = normalize(filters, self.dt.name, self.major)
        conds = [self.condition(*item) for item in items]
        if not conds:
            return
        if group == "or":
            self.where.conds.append("(" + " OR ".join(conds) + ")")
        else:
            self.where.conds.extend(conds)

    def add_nested(self, tree) -> None:
        """16's v2 filters: conditions joined by ``"and"``/``"or"`` at any depth (spec §5 F16)."""
        if tree:
            self.where.conds.append(self._nested(tree))

    def _nested(self, node) -> str:
        if isinstance(node, dict):
            return "(" + " AND ".join(self.condition(*item) for item in normalize(node, self.dt.name, self.major)) + ")"
        if not isinstance(node, list):
            raise _bad_format(node, self.major)
        if node and isinstance(node[0], str) and node[0].lower() not in ("and", "or"):
            return self.condition(*normalize([node], self.dt.name, self.major)[0])
        parts, joiner = [], " AND "
        for item in node:
            if isinstance(item, str) and item.lower() in ("and", "or"):
                joiner = f" {item.upper()} "
                continue
            parts.append(self._nested(item))
        return "(" + joiner.join(parts) + ")" if parts else "1=1"

    # ---- one condition ----------------------------------------------------------------------
    def condition(self, doctype: str, fieldname: str, operator, value) -> str:
        alias, ftype = self._column(doctype, fieldname)
        op = self._operator(operator, [fieldname, operator, value])
        col = f'{alias}."{fieldname}"'
        numeric = ftype in NUMERIC
        params = self.where.params

        if op == "is":
            if str(value).lower() not in ("set", "not set"):
                raise FrappeError("ValidationError", f"Value for 'is' must be 'set' or 'not set', not {value!r}")
            want = str(value).lower() == "set"
            if numeric:
                return f"{col} != 0" if want else f"{col} = 0"
            return f"({col} IS NOT NULL AND {col} != '')" if want else f"({col} IS NULL OR {col} = '')"
        if op in ("in", "not in"):
            values = value if isinstance(value, (list, tuple)) else [v.strip() for v in str(value or "").split(",")]
            values = [self._render(ftype, v) if v not in (None, "") else "" for v in values] or [""]
            marks = ",".join("?" * len(values))
            params.extend(values)
            wrap = op == "not in" or any(v == "" for v in values)
            target = self._wrapped(col, ftype, fieldname) if wrap else col
            return f"{target} {'NOT IN' if op == 'not in' else 'IN'} ({marks})"
        if op in ("between", "timespan", "previous", "next"):
            lo, hi = self._range(op, value, ftype)
            params.extend([lo, hi])
            return f"{col} BETWEEN ? AND ?"
        if op.endswith("descendants of") or op.endswith("ancestors of") or op == "descendants of (inclusive)":
            names = self._tree(op, value, fieldname)
            marks = ",".join("?" * len(names)) or "''"
            params.extend(names)
            if op.startswith("not"):
                return f"{self._wrapped(col, ftype, fieldname)} NOT IN ({marks})"
            return f"{col} IN ({marks})"
        if op in ("like", "not like"):
            text = "" if value is None else str(value)
            params.append(text)
            if op == "like" and text:
                return f"{col} LIKE ? ESCAPE '\\'"
            return f"{self._wrapped(col, ftype, fieldname)} {op.upper()} ? ESCAPE '\\'"
        # comparisons
        if value is None and self.major >= 16:
            if op == "=":
                return f"{col} IS NULL"
            if op == "!=":
                return f"{col} != ''"
        if value is None:
            value = ""
        if value == "" and op == "=" and not numeric:
            return f"({col} IS NULL OR {col} = '')"
        rendered = self._render(ftype, value)
        params.append(rendered)
        sql_op = {"=": "=", "!=": "!=", ">": ">", "<": "<", ">=": ">=", "<=": "<="}[op]
        wrap = not (op in ("=",) and value != "") and not (op in (">", ">=") and ftype in ("Date", "Datetime"))
        target = self._wrapped(col, ftype, fieldname) if wrap else col
        return f"{target} {sql_op} ?"

    # ---- helpers ------------------------------------------------------------------------------
    def _operator(self, operator, f) -> str:
        op = str(operator or "").strip().lower()
        allowed = OPERATORS_16 if self.major >= 16 else OPERATORS_15
        if op == "" and self.major < 16:
            return "="
        if op not in allowed:
            if self.major >= 16:
                raise FrappeError("ValidationError",
                                  f"Error parsing nested filters: [{f!r}]. Invalid simple filter format: {f!r}")
            raise FrappeError("ValidationError", "Operator must be one of " + ", ".join(allowed))
        return op

    def _column(self, doctype: str, fieldname: str) -> tuple[str, str | None]:
        """-> (SQL alias, fieldtype) for a filter column; child doctypes get a LEFT JOIN."""
        dt = self.dt
        alias = f'"{dt.table}"'
        if doctype and doctype != dt.name:
            child = self.registry.find(doctype)
            link = next((f for f in dt.table_fields() if f.options == doctype), None)
            if child is None or link is None:
                raise FrappeError("DataError", f"Field not permitted in query: {doctype}.{fieldname}")
            alias = f'"{child.table}"'
            self.where.joins.setdefault(alias, (
                f'LEFT JOIN {alias} ON {alias}.parent = "{dt.table}".name AND {alias}.parenttype = '
                f"'{dt.name}' AND {alias}.parentfield = '{link.fieldname}'"))
            dt = child
        if fieldname in FIELD_TYPES:
            return alias, FIELD_TYPES[fieldname]
        if fieldname in STANDARD or fieldname in OPTIONAL_STANDARD or (dt.istable and fieldname in CHILD_STANDARD):
            return alias, "Data"
        f = dt.get(fieldname)
        if f is None or f.fieldtype in ("Table", "Table MultiSelect"):
            if self.major >= 16:
                raise FrappeError("PermissionError", "Error parsing nested filters: You do not have permission to "
                                  f"access field: <strong>{dt.name}.{fieldname}</strong>")
            raise FrappeError("OperationalError", f"(1054, \"Unknown column '{fieldname}' in 'where clause'\")",
                              module="pymysql.err")
        return alias, f.fieldtype

    def _wrapped(self, col: str, ftype: str | None, fieldname: str) -> str:
        if fieldname in NEVER_WRAPPED or ftype in NUMERIC:
            return col
        fallback = {"Date": "'0001-01-01'", "Datetime": "'0001-01-01 00:00:00.000000'",
                    "Time": "'00:00:00.000000'"}.get(ftype or "", "''")
        return f"COALESCE({col}, {fallback})"

    def _render(self, ftype: str | None, value):
        if ftype == "Datetime":
            return datetime_text(value)
        if ftype == "Date":
            return date_text(value)
        if ftype == "Time":
            return time_text(value)
        # Check/Int with a string such as "true": MariaDB casts it to 0, so it matches the 0 rows (Part II §4a)
        if ftype in NUMERIC:
            return flt(value) if ftype not in ("Int", "Check") else cint(value)
        if isinstance(value, bool):
            return int(value)
        return value if isinstance(value, (int, float)) else str(value)

    def _range(self, op: str, value, ftype: str | None) -> tuple:
        if op == "between":
            if not isinstance(value, (list, tuple)):
                value = [v.strip() for v in str(value).split(",")]
            lo = value[0] if len(value) > 0 and value[0] not in (None, "") else self.today
            hi = value[1] if len(value) > 1 and value[1] not in (None, "") else self.today
        elif op == "timespan":
            lo, hi = timespans.timespan(str(value).lower(), self.today)
        else:
            lo, hi = timespans.relative(op, str(value).lower(), self.today)
        if ftype == "Datetime":
            return datetime_text(lo), datetime_text(hi, end_of_day=True)
        if ftype == "Date":
            return date_text(lo), date_text(hi)
        if ftype in NUMERIC:
            return flt(lo), flt(hi)
        return str(lo), str(hi)

    def _tree(self, op: str, value, fieldname: str) -> list[str]:
        f = self.dt.get(fieldname)
        target = self.registry.find(f.options) if f is not None and f.fieldtype == "Link" else None
        if target is None or not target.is_tree:
            raise FrappeError("ValidationError", f"Error parsing nested filters: [[{fieldname!r}, {op!r}, {value!r}]]. "
                              "Invalid simple filter format")
        return self.tree_lookup(target, str(value), op)

    tree_lookup = staticmethod(lambda target, value, op: [])  # replaced by the list engine (needs the store)
