"""Config validation against the spec, explained in sentences that never quote a config value.

The CDK validates a config with jsonschema and prints jsonschema's text, which quotes the offending value
(``'user:pass' is not of type 'object'``: a password in clear) and explains a ``oneOf`` by its first
branch (``'token' was expected`` for a password login without a password). This module walks the same
schema errors and says, per field: which field, what it must be, which auth type (the ``oneOf`` branch
chosen by its ``const`` discriminator) it belongs to; values are described by their JSON kind only.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError

_KIND = {type(None): "null", bool: "true/false", int: "a number", float: "a number", str: "a string",
         list: "a list", dict: "an object"}
_TYPE_NAME = {"string": "a string", "integer": "a whole number", "number": "a number", "boolean": "true or false",
              "object": "an object", "array": "a list", "null": "null"}


def kind_of(value: Any) -> str:
    """A value's JSON kind in words ("a string", "null"), the only thing messages say about a value."""
    return _KIND.get(type(value), type(value).__name__)


def config_problems(config: Any, schema: Mapping[str, Any]) -> list[str]:
    """Sentences for everything in ``config`` that ``schema`` (a connectionSpecification) refuses; [] if valid."""
    if not isinstance(config, dict):
        return [f"The configuration must be a JSON object, not {kind_of(config)}."]
    return _explain(Draft7Validator(schema).iter_errors(config), "")


def _explain(errors: Iterable[ValidationError], context: str) -> list[str]:
    errors = sorted(errors, key=lambda e: [str(p) for p in e.absolute_path])
    # A oneOf's own sentence already says what the value must be: its "type" error adds nothing.
    choices = {tuple(e.absolute_path) for e in errors if e.validator in ("oneOf", "anyOf")}
    out: list[str] = []
    for error in errors:
        if error.validator == "type" and tuple(error.absolute_path) in choices:
            continue
        out.extend(_sentences(error, context))
    return list(dict.fromkeys(out))


def _path(parts: Sequence[Any]) -> str:
    return ".".join(str(p) for p in parts)


def _field(parts: Sequence[Any]) -> str:
    return _path(parts) or "the configuration"


def _sentences(error: ValidationError, context: str) -> list[str]:
    path = list(error.absolute_path)
    where = _field(path)
    rule, expected, instance = error.validator, error.validator_value, error.instance
    if rule == "oneOf" or rule == "anyOf":
        return _explain_choice(error, path, expected, instance)
    if rule == "required":
        missing = [name for name in expected if isinstance(instance, dict) and name not in instance]
        return [f"{_path([*path, name])} is required{context}{_title(error.schema, name)}." for name in missing]
    if rule == "type":
        types = expected if isinstance(expected, list) else [expected]
        wanted = " or ".join(_TYPE_NAME.get(t, t) for t in types)
        if instance is None:
            return [f"{where} is required{context}: it is null, and must be {wanted}."]
        return [f"{where} must be {wanted}{context}, not {kind_of(instance)}."]
    if rule == "enum":
        return [f"{where} must be one of {', '.join(json.dumps(v) for v in expected)}{context}."]
    if rule == "const":
        return [f"{where} must be {json.dumps(expected)}{context}."]
    if rule in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        words = {"minimum": "at least", "exclusiveMinimum": "greater than", "maximum": "at most",
                 "exclusiveMaximum": "less than"}[rule]
        return [f"{where} must be {words} {expected}{context}."]
    if rule == "minLength":
        return [f"{where} must not be empty{context}." if expected == 1
                else f"{where} must have at least {expected} characters{context}."]
    if rule == "maxLength":
        return [f"{where} must have at most {expected} characters{context}."]
    if rule == "pattern":
        return [f"{where} does not have the expected form{context} (it must match {expected})."]
    if rule == "format":
        return [f"{where} must be a valid {expected}{context}."]
    if rule == "additionalProperties" and isinstance(instance, dict):
        known = set((error.schema.get("properties") or {}).keys())
        extra = sorted(k for k in instance if k not in known)
        return [f"{where} has unknown field(s){context}: {', '.join(extra)}."]
    if rule in ("minItems", "maxItems"):
        words = "at least" if rule == "minItems" else "at most"
        return [f"{where} must have {words} {expected} item(s){context}."]
    if rule == "uniqueItems":
        return [f"{where} must not repeat items{context}."]
    return [f"{where} is not valid{context} (rule {rule})."]


def _title(schema: Mapping[str, Any], name: str) -> str:
    prop = (schema.get("properties") or {}).get(name) or {}
    title = prop.get("title")
    return f" ({title})" if title and str(title).lower() != name.replace("_", " ") else ""


def discriminator(branches: Sequence[Mapping[str, Any]]) -> str | None:
    """The property every branch fixes with a ``const`` (e.g. ``auth_type``), or None."""
    names: set[str] | None = None
    for branch in branches:
        fixed = {name for name, prop in (branch.get("properties") or {}).items()
                 if isinstance(prop, dict) and ("const" in prop or len(prop.get("enum") or []) == 1)}
        names = fixed if names is None else names & fixed
    return sorted(names)[0] if names else None


def _const(prop: Mapping[str, Any]) -> Any:
    return prop["const"] if "const" in prop else (prop.get("enum") or [None])[0]


def _explain_choice(error: ValidationError, path: list, branches: Sequence[Mapping[str, Any]],
                    instance: Any) -> list[str]:
    where = _field(path)
    key = discriminator(branches)
    if key is None:
        titles = ", ".join(str(b.get("title") or i + 1) for i, b in enumerate(branches))
        return [f"{where} matches none of the allowed forms ({titles})."]
    values = [_const(b["properties"][key]) for b in branches]
    choices = ", ".join(json.dumps(v) for v in values)
    if not isinstance(instance, dict):
        return [f"{where} must be an object with {key} one of {choices}, not {kind_of(instance)}."]
    if key not in instance or instance[key] is None:
        return [f"{_path([*path, key])} is required: one of {choices}."]
    chosen = instance[key]
    if chosen not in values:
        return [f"{_path([*path, key])} must be one of {choices}."]
    branch = branches[values.index(chosen)]
    sub = Draft7Validator(branch).iter_errors(instance)
    context = f" for {key} {chosen}"
    out = []
    for inner in sub:
        inner.path.extendleft(reversed(path))  # report full paths (credentials.password)
        out.extend(_sentences(inner, context))
    return out or [f"{where} is not valid for {key} {chosen}."]
