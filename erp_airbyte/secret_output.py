"""Every line a connector prints goes through one ``SecretMasker`` built from its config's secrets.

The CDK masks its log lines and traces with the ``airbyte_secret`` values of the config, but not a failed
CONNECTION_STATUS a connector returns, nor other spellings of a secret (a server that echoes a JSON body
escapes it). Here the masker (``erp_http.secrets``) is built from the spec's ``airbyte_secret`` paths plus
every value under a credential-like key, registered with the CDK's own filter (so its log formatter and
traces mask every spelling too), put on every log handler, and applied to each protocol line the console
writes. RECORD lines are not masked: they are the data read, passed on unchanged (a secret is never put
into a record by the connector).
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from airbyte_cdk.utils.airbyte_secrets_utils import get_secrets, update_secrets

from erp_http.secrets import SecretMasker, credential_values

_RECORD_PREFIX = '{"type":"RECORD"'


def masker_for(schema: Mapping[str, Any], config: Any) -> SecretMasker:
    """The masker for one run: the config's ``airbyte_secret`` values and its credential-like fields."""
    if not isinstance(config, Mapping):
        return SecretMasker()
    secrets = [v for v in get_secrets(schema, config) if isinstance(v, (str, int, float))]
    return SecretMasker([*secrets, *credential_values(dict(config))])


def install(masker: SecretMasker) -> None:
    """Register the masker's spellings with the CDK's filter and put its log filter on every handler."""
    update_secrets(list(masker.spellings))
    log_filter = masker.log_filter()
    for logger in (logging.getLogger(), logging.getLogger("airbyte")):
        for handler in logger.handlers:
            if not any(isinstance(f, type(log_filter)) for f in handler.filters):
                handler.addFilter(log_filter)


def masked_lines(lines: Iterable[str], masker: SecretMasker) -> Iterator[str]:
    """Protocol lines with every non-RECORD line masked (a piece of several RECORD lines counts as one)."""
    if not masker:
        yield from lines
        return
    for line in lines:
        yield line if line.startswith(_RECORD_PREFIX) else masker.mask(line)
