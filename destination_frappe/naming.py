"""Stream -> DocType and record field -> DocField matching.

The source names streams by the DocType's exact name (``Sales Order``) and fields by their exact
fieldname. Warehouses and PyAirbyte's DuckDB cache lower-case names and replace every character that is
not a letter or digit with ``_`` (``Sales Order`` -> ``sales_order``), so a name matches, in this order:
exactly, case-insensitively, then by that normalised form. A normalised form shared by two DocTypes (or
two fields) is ambiguous and matches neither: guessing would write into the wrong place.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalised(name: str) -> str:
    """The warehouse form of a name: lower case, runs of other characters as one ``_`` (``Sales Order`` ->
    ``sales_order``)."""
    return _NON_WORD.sub("_", name.strip().lower()).strip("_")


def doctype_guesses(stream: str) -> list[str]:
    """Names worth asking the server for when the DocType list cannot be read (not a System Manager).

    The stream name as is, then ``sales_order`` -> ``Sales Order`` (words capitalised). A DocType with a
    lower-case word in its name (``Sales Taxes and Charges``) is only found from the DocType list or by an
    explicit ``doctype`` in the stream options.
    """
    out = [stream]
    titled = " ".join(w.capitalize() for w in normalised(stream).split("_") if w)
    if titled and titled not in out:
        out.append(titled)
    return out


class NameMatcher:
    """Matches input names against a fixed set of target names (exact, case-insensitive, normalised)."""

    def __init__(self, names: Iterable[str]):
        self.names = list(names)
        self._exact = set(self.names)
        self._lower: dict[str, str | None] = {}
        self._norm: dict[str, str | None] = {}
        for name in self.names:
            for table, key in ((self._lower, name.lower()), (self._norm, normalised(name))):
                table[key] = name if key not in table or table[key] == name else None  # None: ambiguous

    def match(self, name: str) -> str | None:
        """The target name ``name`` stands for, or None (no match, or ambiguous)."""
        if name in self._exact:
            return name
        hit = self._lower.get(name.lower())
        if hit is not None:
            return hit
        return self._norm.get(normalised(name))

    def ambiguity(self, name: str) -> list[str]:
        """The target names that share ``name``'s case-insensitive or normalised form (for error messages)."""
        low, norm = name.lower(), normalised(name)
        return [n for n in self.names if n.lower() == low or normalised(n) == norm]
