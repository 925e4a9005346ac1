"""Cut the airbyte-cdk's import cost: ~0.7 s of CPU in every connector process (about a third of it).

``import airbyte_cdk`` builds the protocol serializers at import time (``airbyte_protocol_serializers``).
serpyco-rs then reads each model's *source code* (``inspect.getsource`` + ``ast.parse``, via the
``attributes_doc`` package) only to collect attribute docstrings for JSON-schema descriptions, which
no connector here ever asks for. Short syncs, ``check`` and ``spec`` pay this in full, and so does every
subprocess the tests start.

``install()`` swaps that docstring lookup for one that returns nothing, before the CDK is imported. It
changes no serialized byte (``unit_tests/test_cdk_startup.py`` compares the output with and without it).
If serpyco-rs moves these names, nothing is patched and the CDK imports as before, only slower.
This module imports nothing from airbyte: it must run before the CDK is imported.
"""
from __future__ import annotations

import importlib
from typing import Any

# serpyco-rs modules that bound ``get_attributes_doc`` at import time (serpyco-rs 1.x)
_HOLDERS = ("serpyco_rs._utils", "serpyco_rs._describe", "serpyco_rs._json_schema._convert")


def _no_attribute_docs(_cls: Any) -> dict[str, str]:
    return {}


def install() -> bool:
    """Patch the lookup in every serpyco-rs module that holds it; returns whether all were patched."""
    patched = 0
    for name in _HOLDERS:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module, "get_attributes_doc"):
            vars(module)["get_attributes_doc"] = _no_attribute_docs
            patched += 1
    return patched == len(_HOLDERS)
