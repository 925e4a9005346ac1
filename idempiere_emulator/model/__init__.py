"""The model layer: everything below HTTP, behind the ``backend.Backend`` facade.

``reads`` (GET), ``writes`` (POST/PUT/DELETE with ``write_plans``, ``write_values``, ``documents``), ``rows``
(one record by id; the record a write returns), ``fk_lookup`` (referenced rows, for writes and ``$expand``),
``raw_rows`` (control-plane inserts), ``serialize`` + ``record_plans`` (row -> record JSON), ``access``
(role access), ``yaml_schema`` and ``datetime_wire``. It imports ``query``, ``catalog`` and ``data``; none of
them imports it.
"""
