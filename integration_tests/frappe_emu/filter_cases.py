"""One table of filter cases over a small fixed data set (spec §4.1 operators and IFNULL semantics;
Part II §4a). Each case: filters, or_filters, the expected row keys, and the versions it holds for.

``ROWS`` are ToDo documents keyed by ``description`` (``FC-1``..``FC-5``); a test inserts them and adds
``["description", "like", "FC-%"]`` so only these rows count. The Frappe client's tests can import this
module and run the same cases against their query builder.
"""
from __future__ import annotations

ALL = ("14", "15", "16", "dev")
V16 = ("16", "dev")
V15 = ("14", "15")

ROWS = [
    {"description": "FC-1", "status": "Open", "priority": "High", "date": "2026-01-10", "sender": "alice@x.com",
     "color": None},
    {"description": "FC-2", "status": "Closed", "priority": "Medium", "date": None, "sender": "", "color": "#ff0000"},
    {"description": "FC-3", "status": "Open", "priority": "Low", "date": "2026-03-01", "sender": None, "color": None},
    {"description": "FC-4", "status": "Cancelled", "priority": "High", "date": "2026-02-15", "sender": "bob@x.com",
     "color": "#00ff00"},
    {"description": "FC-5", "status": "Open", "priority": "Medium", "date": None, "sender": "Alice@Y.com",
     "color": ""},
]

# (id, filters, or_filters, expected descriptions, versions)
CASES = [
    ("dict-eq", {"status": "Open"}, None, {"FC-1", "FC-3", "FC-5"}, ALL),
    ("dict-op", {"priority": ["!=", "High"]}, None, {"FC-2", "FC-3", "FC-5"}, ALL),
    ("eq-case-insensitive", [["status", "=", "open"]], None, {"FC-1", "FC-3", "FC-5"}, ALL),
    ("ne-matches-null", [["sender", "!=", "alice@x.com"]], None, {"FC-2", "FC-3", "FC-4", "FC-5"}, ALL),
    ("eq-empty-matches-null", [["sender", "=", ""]], None, {"FC-2", "FC-3"}, ALL),
    ("is-set", [["sender", "is", "set"]], None, {"FC-1", "FC-4", "FC-5"}, ALL),
    ("is-not-set", [["sender", "is", "not set"]], None, {"FC-2", "FC-3"}, ALL),
    ("like", [["sender", "like", "alice%"]], None, {"FC-1", "FC-5"}, ALL),
    ("not-like-matches-null", [["sender", "not like", "alice%"]], None, {"FC-2", "FC-3", "FC-4"}, ALL),
    ("in-list", [["status", "in", ["Open", "Cancelled"]]], None, {"FC-1", "FC-3", "FC-4", "FC-5"}, ALL),
    ("in-comma-string", [["status", "in", "Open,Cancelled"]], None, {"FC-1", "FC-3", "FC-4", "FC-5"}, ALL),
    ("not-in-matches-null", [["sender", "not in", ["alice@x.com"]]], None, {"FC-2", "FC-3", "FC-4", "FC-5"}, ALL),
    ("in-with-empty-matches-null", [["sender", "in", ["", "bob@x.com"]]], None, {"FC-2", "FC-3", "FC-4"}, ALL),
    ("date-lt-matches-null", [["date", "<", "2026-02-01"]], None, {"FC-1", "FC-2", "FC-5"}, ALL),
    ("date-gt-not-wrapped", [["date", ">", "2026-02-01"]], None, {"FC-3", "FC-4"}, ALL),
    ("date-between", [["date", "between", ["2026-01-01", "2026-02-15"]]], None, {"FC-1", "FC-4"}, ALL),
    ("date-is-not-set", [["date", "is", "not set"]], None, {"FC-2", "FC-5"}, ALL),
    ("four-tuple", [["ToDo", "priority", "=", "High"]], None, {"FC-1", "FC-4"}, ALL),
    ("or-only", None, [["priority", "=", "Low"], ["status", "=", "Cancelled"]], {"FC-3", "FC-4"}, ALL),
    ("and-plus-or", [["status", "=", "Open"]], [["priority", "=", "High"], ["priority", "=", "Low"]],
     {"FC-1", "FC-3"}, ALL),
    ("eq-null-is-null-16", [["color", "=", None]], None, {"FC-1", "FC-3"}, V16),
    ("eq-null-is-empty-15", [["color", "=", None]], None, {"FC-1", "FC-3", "FC-5"}, V15),
    ("ne-null-16", [["color", "!=", None]], None, {"FC-2", "FC-4"}, V16),
    ("empty-operator-15", [["status", "", "Closed"]], None, {"FC-2"}, V15),
]

# (id, filters, HTTP status, exc_type, versions): filters the server refuses
ERROR_CASES = [
    ("regexp-16", [["status", "regexp", "O"]], 417, "ValidationError", V16),
    ("regexp-15", [["status", "regexp", "O"]], 417, "ValidationError", V15),
    ("previous-16", [["date", "previous", "1 month"]], 417, "ValidationError", V16),
    ("unknown-field-16", [["nosuch", "=", 1]], 403, "PermissionError", V16),
    ("unknown-field-15", [["nosuch", "=", 1]], 500, "OperationalError", V15),
]
