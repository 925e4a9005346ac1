"""$filter tokenizer and method-call helpers, mirroring the plugin's hand-written splitter (spec §4.1)."""
from __future__ import annotations

from ..errors import EmulatorError

PARAM_METHODS = ("contains", "startswith", "endswith")
PLAIN_METHODS = ("tolower", "toupper")


def split(expression: str) -> list[str]:
    """Split on spaces at depth 0 outside quotes; parentheses count even inside quotes (§4.1)."""
    out: list[str] = []
    depth = 0
    quoted = False
    buf: list[str] = []
    for ch in expression:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "'":
            quoted = not quoted
        elif ch == " " and depth == 0 and not quoted:
            out.append("".join(buf))
            buf = []
            continue
        buf.append(ch)
    out.append("".join(buf))
    return [t for t in out if t]


def not_implemented(name: str) -> EmulatorError:
    """Unknown ``name(...)``: an AdempiereException caught by the GET handler -> 500 (§4.4)."""
    return EmulatorError(500, "GET Error", f"Method call '{name}' not implemented")


def is_method_call(token: str) -> bool:
    """ODataUtils.isMethodCall: ``x(...)`` not starting with '('; unknown names raise 500."""
    t = token.strip()
    if not t.startswith("(") and t.endswith(")"):
        name = method_name(token)
        if name in PARAM_METHODS or name in PLAIN_METHODS:
            return True
        raise not_implemented(name)
    return False


def method_name(token: str) -> str:
    i = token.find("(")
    return token[:i] if i > 0 else ""


def get_method(token: str) -> str | None:
    return method_name(token) if is_method_call(token) else None


def first_param(method: str | None, token: str) -> str | None:
    """Text between '(' and the first ',' (param methods) or the first ')' (others)."""
    if "(" not in token or ")" not in token:
        return None
    open_pos, comma, close = token.find("("), token.find(","), token.find(")")
    if method in PARAM_METHODS:
        if comma < 0 or comma <= open_pos:
            return None
        return token[open_pos + 1:comma].strip()
    if close <= open_pos:
        return None
    return token[open_pos + 1:close].strip()


def second_param(method: str | None, token: str) -> str | None:
    """Text between the first ',' and the last ')' (param methods only)."""
    if method not in PARAM_METHODS:
        return None
    comma, close = token.find(","), token.rfind(")")
    if comma < 0 or close < 0 or comma >= close:
        return None
    return token[comma + 1:close].strip()


def sql_function(method: str | None, arg: str) -> str:
    if method == "tolower":
        return f"lower({arg})"
    if method == "toupper":
        return f"upper({arg})"
    if method in PARAM_METHODS:
        return " LIKE ?"
    raise npe("method")


def npe(what: str) -> EmulatorError:
    """A NullPointerException inside the converter: 500 with the GET handler's title."""
    return EmulatorError(500, "GET Error", f'Cannot invoke "String.{what}()" because value is null')
