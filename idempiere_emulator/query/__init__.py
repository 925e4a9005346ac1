"""The query options as the plugin reads them: ``$filter`` (``filter_tokens``, ``filter``, ``literals``),
``$orderby``/``$select`` (``orderby_select``), ``$expand`` (``expand``) and ``row-count`` of range-paged
filters (``counts``). Imports only the catalog, errors and session; ``expand`` reads through a protocol."""
