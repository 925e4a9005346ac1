"""JSON write values -> stored values per display type, incl. every FK form (spec §7.1)."""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any, Protocol

from erp_emulator.clock import local_to_stored, utc_text

from ..catalog import DT, Catalog, Column
from ..errors import EmulatorError

ZERO_ID_TABLES = {"ad_client", "ad_org", "ad_role", "ad_user", "c_doctype", "ad_table", "ad_system"}
_ISO = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")
_LEGACY = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})Z")
_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")


class ConversionError(Exception):
    """Raised by TypeConverter.fromJsonValue: 500 with the handler's title (Server error / Update error)."""


def gson_text(value: Any) -> str:
    """How Gson prints a JSON element inside an error message."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    if value is None:
        return "null"
    return str(value)


def invalid_date(pattern: str, exc: str) -> EmulatorError:
    return EmulatorError(400, "Invalid date", f"The DateTime pattern should be: {pattern}. Exception: {exc}")


def stored_datetime(value: Any, *, legacy: bool, tz: str) -> str | None:
    """A body's datetime -> stored UTC text. Current generation: ISO instant/offset, exact. Legacy: ``...'Z'``
    read as the server's wall clock in ``tz`` (§7.1, §13). ``legacy`` is an argument, never shared state: the
    control plane parses current-generation text on a legacy server while API writes run on other threads."""
    if value is None:
        return None
    text = str(value)
    if legacy:
        m = _LEGACY.match(text)
        if not m:
            raise invalid_date("yyyy-MM-dd'T'HH:mm:ss'Z'", f"Unparseable date: \"{text}\"")
        return local_to_stored(datetime.fromisoformat(f"{m.group(1)}T{m.group(2)}"), tz)
    m = _ISO.match(text)
    if not m:
        raise EmulatorError(400, "Invalid ISO Timestamp. ", f"Text '{text}' could not be parsed")
    frac = (m.group(3) or ".0")[:7].ljust(7, "0")
    off = "+00:00" if m.group(4) == "Z" else m.group(4)
    return utc_text(datetime.fromisoformat(f"{m.group(1)}T{m.group(2)}{frac}{off}").astimezone(timezone.utc))


class ForeignKeyForms(Protocol):
    """What the converter asks of the write in progress (``writes.Writer``): the FK forms that read the
    database under the writer's session, and Location objects, which are saved as rows of their own."""

    def find_key(self, ref: str, column: str, value: Any, raw: Any) -> Any: ...

    def find_by_identifier(self, ref: str, identifier: Any, raw: Any) -> Any: ...

    def save_location(self, location_id: int | None, body: dict) -> int: ...


class ValueConverter:
    """Converts one body field for one column; FK forms resolve through ``forms`` (the writer)."""

    def __init__(self, forms: ForeignKeyForms, catalog: Catalog, legacy: bool, tz: str) -> None:
        self.forms = forms
        self.catalog = catalog
        self.legacy = legacy
        self.tz = tz

    def convert(self, col: Column, value: Any) -> Any:
        dt = col.dt
        if dt == DT.LOCATION:
            return self.location(col, value)
        if col.is_lookup or dt == DT.ID:
            return self.lookup(col, value)
        if dt == DT.LIST:
            if isinstance(value, dict):
                value = value.get("id")
            return None if value is None else str(value)
        if dt == DT.YESNO:
            if isinstance(value, bool):
                return "Y" if value else "N"
            if isinstance(value, str):
                return "Y" if value.lower() in ("y", "true") else "N"
            return None
        if dt == DT.BUTTON:
            if col.name.endswith("_ID"):
                return self.integer(col, value)
            raise ConversionError(f"For input string: \"{gson_text(value)}\"")
        if dt == DT.INTEGER:
            return self.integer(col, value)
        if dt in DT.NUMERIC:
            if value is None:
                return None
            try:
                return round(float(value), max(col.scale, 6))
            except (TypeError, ValueError):
                raise ConversionError(f"Character {str(value)[:1]} is neither a decimal digit number, decimal "
                                      f"point, nor \"e\" notation exponential mark.") from None
        if dt == DT.DATE:
            return self.date(value)
        if dt == DT.DATETIME:
            return self.datetime(value)
        if value is None:
            return None
        if isinstance(value, (dict, list)):
            return json.dumps(value)
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    def integer(self, col: Column, value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool):
            raise ConversionError(f"For input string: \"{value}\"")
        if isinstance(value, (int, float)):
            return int(value)
        try:
            return int(str(value))
        except ValueError:
            raise ConversionError(f"For input string: \"{value}\"") from None

    def date(self, value: Any) -> str | None:
        if value is None:
            return None
        m = _DAY.match(str(value))
        if not m:
            raise invalid_date("yyyy-MM-dd", f"Unparseable date: \"{value}\"")
        y, mo, d = (int(g) for g in m.groups())
        return f"{y:04d}-{mo:02d}-{d:02d}"

    def datetime(self, value: Any) -> str | None:
        """This server's generation of ``stored_datetime`` (§7.1, §13)."""
        return stored_datetime(value, legacy=self.legacy, tz=self.tz)

    # ---- foreign keys ---------------------------------------------------------------------
    def lookup(self, col: Column, value: Any) -> Any:
        """Number, numeric string, {id}, {uid}, {identifier}, {lookupColumn,lookupValue}; -1 clears (§7.1)."""
        ref = col.ref_table or ""
        if value is None:
            raise ConversionError(f"Could not convert value null for {ref}")
        if isinstance(value, dict):
            if "id" in value:
                value = value["id"]
            elif "uid" in value:
                return self.forms.find_key(ref, self._uu_column(ref), value["uid"], value)
            elif "identifier" in value:
                return self.forms.find_by_identifier(ref, value["identifier"], value)
            elif "lookupColumn" in value and "lookupValue" in value:
                return self.forms.find_key(ref, value["lookupColumn"], value["lookupValue"], value)
            else:
                raise ConversionError(f"Could not convert value {gson_text(value)} for {ref}")
        if isinstance(value, bool):
            raise ConversionError(f"Could not convert value {gson_text(value)} for {ref}")
        if isinstance(value, float):
            value = int(value)
        if isinstance(value, str):
            try:
                value = int(value.strip())
            except ValueError:
                raise ConversionError(f"Could not convert value {value} for {ref}") from None
        if value < 0:
            return None
        if value == 0 and ref.lower() not in ZERO_ID_TABLES:
            return None
        return value

    def _uu_column(self, ref: str) -> str:
        t = self.catalog.get(ref)
        return t.uu_column if t and t.uu_column else f"{ref}_UU"

    def location(self, col: Column, value: Any) -> Any:
        """Location objects are saved as C_Location rows first (own transaction in the plugin, §7.1)."""
        if isinstance(value, dict):
            fields = {k: v for k, v in value.items() if k != "id"}
            if fields:
                loc_id = value.get("id")
                return self.forms.save_location(None if loc_id in (None, 0, "0") else int(loc_id), fields)
        return self.lookup(col, value)
