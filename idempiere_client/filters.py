"""Build well-formed ``$filter`` / ``$orderby`` text for the plugin's hand-written parser (spec §4, §5.1).

The grammar is strict: spaces around operators are mandatory, operators are lower-case (``neq``, not
``ne``), ``in`` must be followed by one parenthesised token, ``null`` is lower-case and unquoted,
groups are ``( ... )`` tokens. ``F`` produces only that; literals come from ``literals.literal``.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from erp_http.errors import UnsafeFilterValue
from idempiere_client.timeutil import ServerClock

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LEFT = re.compile(r"^(?:(?:tolower|toupper)\()?[A-Za-z_][A-Za-z0-9_]*\)?$")
OPERATORS = frozenset({"eq", "neq", "gt", "ge", "lt", "le"})
_NULL_OK = frozenset({"eq", "neq"})


def column(name: str) -> str:
    """Validate a column name (letters, digits, underscore) and return it.

    Raises:
        ValueError: not a plain identifier (would change the filter).
    """
    if not isinstance(name, str) or not _IDENT.match(name):
        raise ValueError(f"invalid column name for a filter: {name!r}")
    return name


def _left(expr: str) -> str:
    if not isinstance(expr, str) or not _LEFT.match(expr) or expr.count("(") != expr.count(")"):
        raise ValueError(f"invalid left operand for a filter: {expr!r}")
    return expr


def _is_single_group(expr: str) -> bool:
    """True when ``expr`` is one parenthesised group, e.g. ``(a or b)`` but not ``(a) and (b)``."""
    if not (expr.startswith("(") and expr.endswith(")")):
        return False
    depth, in_quote = 0, False
    for i, ch in enumerate(expr):
        if ch == "'":
            in_quote = not in_quote
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0 and i != len(expr) - 1:
                return False
    return depth == 0


def _top_level_words(expr: str) -> set[str]:
    """The ``and``/``or`` keywords of ``expr`` outside quotes and parentheses (lower-cased)."""
    depth, in_quote = 0, False
    tokens: list[str] = []
    current = []
    for ch in expr:
        if ch == "'":
            in_quote = not in_quote
        elif not in_quote and ch == "(":
            depth += 1
        elif not in_quote and ch == ")":
            depth -= 1
        if ch == " " and depth == 0 and not in_quote:
            tokens.append("".join(current))
            current = []
        else:
            current.append(ch)
    tokens.append("".join(current))
    return {t.lower() for t in tokens if t.lower() in ("and", "or")}


class F:
    """Static builder of filter expressions; every method returns plain filter text."""

    @staticmethod
    def cmp(col: str, op: str, lit: str) -> str:
        """``<col> <op> <lit>``; ``lit`` is a ready literal (see ``literals.literal``) or ``null``."""
        if op not in OPERATORS:
            raise ValueError(f"unsupported operator {op!r}; use one of {sorted(OPERATORS)} (spec §4.3)")
        if not isinstance(lit, str) or not lit:
            raise ValueError("a literal string is required")
        if lit == "null" and op not in _NULL_OK:
            raise ValueError(f"operator {op} is not compatible with null (spec §4.3)")
        return f"{_left(col)} {op} {lit}"

    @staticmethod
    def eq(col: str, lit: str) -> str:
        return F.cmp(col, "eq", lit)

    @staticmethod
    def neq(col: str, lit: str) -> str:
        return F.cmp(col, "neq", lit)

    @staticmethod
    def gt(col: str, lit: str) -> str:
        return F.cmp(col, "gt", lit)

    @staticmethod
    def ge(col: str, lit: str) -> str:
        return F.cmp(col, "ge", lit)

    @staticmethod
    def lt(col: str, lit: str) -> str:
        return F.cmp(col, "lt", lit)

    @staticmethod
    def le(col: str, lit: str) -> str:
        return F.cmp(col, "le", lit)

    @staticmethod
    def is_null(col: str) -> str:
        return F.cmp(col, "eq", "null")

    @staticmethod
    def not_null(col: str) -> str:
        return F.cmp(col, "neq", "null")

    @staticmethod
    def in_(col: str, lits: Iterable[str]) -> str:
        """``<col> in (a,b)``: values are split on every comma server-side, so none may contain one (§4.3).

        Raises:
            ValueError: empty list.
            UnsafeFilterValue: a literal contains ``,`` or a parenthesis.
        """
        items = list(lits)
        if not items:
            raise ValueError("'in' needs at least one value")
        for lit in items:
            if not isinstance(lit, str) or not lit or lit == "null":
                raise ValueError(f"invalid literal in an 'in' list: {lit!r}")
            if "," in lit or "(" in lit or ")" in lit:
                raise UnsafeFilterValue(f"cannot use {lit!r} in an 'in' list: commas and parentheses split it")
        return f"{_left(col)} in ({','.join(items)})"

    @staticmethod
    def group(expr: str) -> str:
        """Wrap in parentheses unless it already is one group."""
        return expr if _is_single_group(expr) else f"({expr})"

    @staticmethod
    def _join(word: str, parts: tuple[str, ...]) -> str:
        items = [p for p in parts if p]
        if not items:
            raise ValueError(f"'{word}' needs at least one expression")
        if len(items) == 1:
            return items[0]
        # Every compound part is grouped, so precedence never surprises a reader (AND binds tighter,
        # §4.2). The exact text is part of the contract: consumers' tests pin it.
        return f" {word} ".join(F.group(p) if _top_level_words(p) else p for p in items)

    @staticmethod
    def and_(*parts: str) -> str:
        """Conjunction; compound parts are grouped so precedence never surprises (AND binds tighter, §4.2)."""
        return F._join("and", parts)

    @staticmethod
    def or_(*parts: str) -> str:
        """Disjunction; compound parts are grouped."""
        return F._join("or", parts)

    @staticmethod
    def lower(col: str) -> str:
        """``tolower(col)`` as a left operand (§4.4)."""
        return f"tolower({column(col)})"

    @staticmethod
    def _like(method: str, col: str, lit: str, negate: bool) -> str:
        from idempiere_client.literals import like_literal

        value = lit[1:-1] if len(lit) >= 2 and lit[0] == lit[-1] == "'" else lit
        expr = f"{method}({_left(col)},{like_literal(value)})"
        return f"not {expr}" if negate else expr

    @staticmethod
    def contains(col: str, value: str, negate: bool = False) -> str:
        """``contains(col,'v')`` (LIKE '%v%', case-sensitive, §4.5); ``value`` is the raw string."""
        return F._like("contains", col, value, negate)

    @staticmethod
    def startswith(col: str, value: str, negate: bool = False) -> str:
        return F._like("startswith", col, value, negate)

    @staticmethod
    def endswith(col: str, value: str, negate: bool = False) -> str:
        return F._like("endswith", col, value, negate)


def include_inactive() -> str:
    """``IsActive neq null``: mentioning IsActive disables the server's hidden ``IsActive='Y'`` (spec §3.4)."""
    return "IsActive neq null"


def time_window(
    col: str, lower: datetime | None, upper: datetime | None, clock: ServerClock
) -> str:
    """``col ge '<lower>' and col lt '<upper>'`` with whole-second server-local literals (spec §4.7, §12).

    Bounds are truncated to the second: ``ge`` on the truncated lower bound re-reads at most one second;
    the caller must use the same (truncated) value as the next window's lower bound so nothing falls in
    between. Either bound may be None (open).
    """
    column(col)
    parts = []
    if lower is not None:
        parts.append(F.ge(col, clock.literal(lower)))
    if upper is not None:
        parts.append(F.lt(col, clock.literal(upper)))
    if not parts:
        raise ValueError("time_window needs at least one bound")
    return F.and_(*parts)


def orderby(*cols: str) -> str:
    """``$orderby`` text, e.g. ``Updated,C_Order_ID`` or ``Updated desc``.

    Validated here because the server silently drops an invalid ``$orderby`` (spec §5.1), which would
    make paging unstable without any error. ``id`` is refused (not accepted by the server, §3.5).
    """
    if not cols:
        raise ValueError("orderby needs at least one column")
    items = []
    for item in cols:
        name, _, direction = item.strip().partition(" ")
        column(name)
        if name.lower() == "id":
            raise ValueError("'id' is not accepted in $orderby; use the real key column name (spec §3.5)")
        if direction and direction.lower() not in ("asc", "desc"):
            raise ValueError(f"invalid $orderby direction in {item!r}")
        items.append(f"{name} {direction.lower()}" if direction else name)
    return ",".join(items)
