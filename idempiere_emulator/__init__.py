"""Local emulator of the iDempiere REST plugin (bxservice/idempiere-rest); see docs/architecture.md.

Layout (each layer imports only the ones below it):

* top level: the public API (``EmulatorServer``, ``EmulatorOptions``, ``fixtures``, ``child.EmulatorChild``,
  the CLI in ``__main__``) and the vocabulary every layer shares (``errors``, ``session``);
* ``http/``: the protocol (routing, bodies, auth and JWTs, batch, Jetty pages, control actions);
* ``model/``: everything below HTTP behind the ``model.backend.Backend`` facade;
* ``query/``: ``$filter``/``$orderby``/``$select``/``$expand`` and row counts;
* ``catalog/``: AD_Table/AD_Column as code; ``data/``: the SQLite schema and the seeded data.
"""
from .emulator_options import EmulatorOptions
from .server import EmulatorServer

__all__ = ["EmulatorServer", "EmulatorOptions"]
