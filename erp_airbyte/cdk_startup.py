"""Cut the airbyte-cdk's import cost: most of the ~0.8 s of CPU every connector process paid to start.

Two costs, both paid by short syncs, ``check`` and ``spec`` in full, and by every subprocess the tests start:

* ``import airbyte_cdk.<anything>`` first runs ``airbyte_cdk/__init__.py``, which re-exports the whole
  framework: the declarative (low-code) sources with their ~150 pydantic models, Jinja, the legacy
  declarative streams, manifest migrations, the connector builder, and ``dunamai`` to compute a version.
  The connectors here import only the submodules they use (entrypoint, models, ``Source``/``Destination``),
  none of which needs that namespace. ``install()`` registers the package with its ``__path__`` but without
  running its ``__init__``, and runs that ``__init__`` the first time any name is asked of the package
  (``from airbyte_cdk import X``, ``airbyte_cdk.__version__``): nothing is lost, it is only deferred.
  Submodules load from ``__path__`` as usual, so the CDK's code and mechanisms are unchanged.
* The protocol serializers (``airbyte_protocol_serializers``) are built at import time. serpyco-rs then
  reads each model's *source code* (``inspect.getsource`` + ``ast.parse``, via the ``attributes_doc``
  package) only to collect attribute docstrings for JSON-schema descriptions, which no connector here ever
  asks for. ``install()`` swaps that lookup for one that returns nothing.

Neither changes a byte of what a connector writes: ``unit_tests/erp_airbyte/test_cdk_startup.py`` compares
the output of real ``spec``/``check``/``discover``/``read``/``write`` runs with and without them, and fails
if the deferred modules come back on the connectors' path. If serpyco-rs moves its names, nothing is
patched and the CDK imports as before, only slower. This module imports nothing from airbyte: it must run
before the CDK is imported (if the CDK is already imported, the package is left as it is).
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from typing import Any

# serpyco-rs modules that bound ``get_attributes_doc`` at import time (serpyco-rs 1.x)
_HOLDERS = ("serpyco_rs._utils", "serpyco_rs._describe", "serpyco_rs._json_schema._convert")
# packages whose __init__ only re-exports names the connectors import from their submodules
DEFERRED_PACKAGES = ("airbyte_cdk",)


def _no_attribute_docs(_cls: Any) -> dict[str, str]:
    return {}


def install() -> bool:
    """Defer the CDK's re-export namespace and patch serpyco-rs's docstring lookup in every module that
    holds it; returns whether all of the latter were patched."""
    for name in DEFERRED_PACKAGES:
        defer_package_init(name)
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


def defer_package_init(name: str) -> bool:
    """Register top-level package ``name`` without running its ``__init__`` until a name is asked of it.

    Returns False (and changes nothing) if it is already imported or is not a plain source package.
    """
    if name in sys.modules or "." in name:
        return False
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or not spec.submodule_search_locations:
        return False
    module = importlib.util.module_from_spec(spec)  # __path__, __spec__, __file__: submodules import as usual
    loader = spec.loader
    lock = threading.RLock()

    def run_init_then_get(attr: str) -> Any:
        submodule = sys.modules.get(f"{name}.{attr}")
        if submodule is not None:  # a submodule still importing (import cycles): what `import a.b as c` falls back to
            return submodule
        with lock:
            if vars(module).pop("__getattr__", None) is not None:  # first name asked: run the real __init__ once
                loader.exec_module(module)
        try:
            return vars(module)[attr]
        except KeyError:
            raise AttributeError(f"module {name!r} has no attribute {attr!r}") from None

    vars(module)["__getattr__"] = run_init_then_get
    sys.modules[name] = module
    return True

