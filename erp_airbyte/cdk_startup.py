"""Cut the airbyte-cdk's import cost: most of the CPU every connector process paid to start (issue 15).

Three costs, paid in full by short syncs, ``check`` and ``spec``, and by every subprocess the tests start:

* ``import airbyte_cdk.<anything>`` first runs ``airbyte_cdk/__init__.py``, which re-exports the whole
  framework: the declarative (low-code) sources with their ~150 pydantic models, Jinja, the legacy
  declarative streams, manifest migrations, the connector builder, and ``dunamai`` to compute a version.
  The connectors import only the submodules they use (entrypoint, models, ``Source``/``Destination``).
* Likewise ``airbyte_cdk/sources/__init__.py`` imports ``AbstractSource`` and with it ``HttpStream``,
  ``requests_cache`` (and ``boto3`` where installed) for any ``airbyte_cdk.sources.<submodule>``; the
  destinations need only ``airbyte_cdk.sources.utils.schema_helpers`` from it (the sources import
  ``AbstractSource`` anyway, which runs that ``__init__`` at once).
* The protocol serializers (``airbyte_protocol_serializers``) are built at import time. serpyco-rs then
  reads each model's *source code* (``inspect.getsource`` + ``ast.parse``, via the ``attributes_doc``
  package) only to collect attribute docstrings for JSON-schema descriptions, which no connector here ever
  asks for. ``install()`` swaps that lookup for one that returns nothing.

For the first two, ``defer_package_init`` registers the package with its ``__path__`` but without running
its ``__init__``, and runs that ``__init__`` the first time a name is asked of the package
(``from airbyte_cdk import X``, ``airbyte_cdk.__version__``): nothing is lost, only deferred. Submodules
load from ``__path__`` as usual, so the CDK's code and mechanisms are the same. Those two ``__init__``
files do nothing but import and re-export, except one global option, set here as they set it
(``dpath.options.ALLOW_EMPTY_STRING_KEYS``); a test fails if the CDK adds anything else to them. What the
skipped framework modules did on import as a side effect is skipped too; the one such effect found is in
the declarative models (``warnings.formatwarning`` shortened, ``SyntaxWarning`` ignored), which only
changes how a Python warning looks on stderr, never a protocol line.

None of this changes a byte the connectors write: ``integration_tests/test_cdk_startup_cli.py`` runs their
commands with and without it, and fails if the deferred framework comes back on their path. If serpyco-rs
moves its names, nothing is patched and the CDK imports as before, only slower. This module imports nothing
from airbyte: it must run before the CDK is imported (a package already imported is left as it is).
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from typing import Any

# serpyco-rs modules that bound ``get_attributes_doc`` at import time (serpyco-rs 1.x)
_HOLDERS = ("serpyco_rs._utils", "serpyco_rs._describe", "serpyco_rs._json_schema._convert")
# packages whose __init__ only re-exports names (and sets the option below); parents first
DEFERRED_PACKAGES = ("airbyte_cdk", "airbyte_cdk.sources")


def _no_attribute_docs(_cls: Any) -> dict[str, str]:
    return {}


def install() -> bool:
    """Defer the CDK's re-export namespaces and patch serpyco-rs's docstring lookup in every module that
    holds it; returns whether all of the latter were patched."""
    if defer_package_init("airbyte_cdk") and defer_package_init("airbyte_cdk.sources"):
        # the one thing airbyte_cdk/sources/__init__.py does besides re-exporting (test_cdk_startup pins it)
        vars(importlib.import_module("dpath.options"))["ALLOW_EMPTY_STRING_KEYS"] = True
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
    """Register package ``name`` without running its ``__init__`` until a name is asked of it.

    Returns False (and changes nothing) if it is already imported or is not a plain source package.
    A subpackage's parent is imported first (or is deferred itself, then it stays so).
    """
    if name in sys.modules:
        return False
    spec = importlib.util.find_spec(name)  # imports the parent of a subpackage, nothing of ``name``
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
    parent, _, child = name.rpartition(".")
    if parent:
        vars(sys.modules[parent])[child] = module  # bound on the parent, as an import binds it
    return True
