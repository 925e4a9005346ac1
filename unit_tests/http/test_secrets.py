"""erp_http.secrets: the one masker every connector's output goes through (issue 11)."""
from __future__ import annotations

import io
import logging

import pytest

from erp_http.secrets import MASK, SecretMasker, credential_values, is_secret_name

SECRET = 'p@ss "wörd"/&=+ x'


@pytest.mark.parametrize("spelling", [
    SECRET,
    'p@ss \\"wörd\\"/&=+ x',  # inside a JSON string
    'p@ss \\"w\\u00f6rd\\"/&=+ x',  # inside ASCII-only JSON
    "p%40ss%20%22w%C3%B6rd%22%2F%26%3D%2B%20x",  # percent-encoded
    "p%40ss+%22w%C3%B6rd%22%2F%26%3D%2B+x",  # form-encoded
], ids=["raw", "json", "json-ascii", "url", "form"])
def test_every_spelling_of_a_secret_is_masked(spelling):
    masker = SecretMasker([SECRET])
    assert masker.mask(f"before {spelling} after") == f"before {MASK} after"
    assert masker.contains_secret(spelling)


def test_a_secret_containing_another_is_masked_whole_and_empty_values_are_ignored():
    masker = SecretMasker(["abc", "abcdef", "", None, True, 1234])
    assert masker.mask("abcdef abc 1234") == f"{MASK} {MASK} {MASK}"
    assert "abc" not in repr(masker)


def test_mask_value_masks_nested_strings_and_keys():
    masker = SecretMasker(["s3cr3t"])
    value = {"a": ["x s3cr3t", {"s3cr3t": 1}], "n": 5}
    assert masker.mask_value(value) == {"a": [f"x {MASK}", {MASK: 1}], "n": 5}


def test_extended_masks_both_sets():
    masker = SecretMasker(["one-secret"]).extended(["two-secret"])
    assert masker.mask("one-secret two-secret") == f"{MASK} {MASK}"


def test_the_log_filter_masks_arguments_and_tracebacks():
    masker = SecretMasker(["hunter2"])
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(masker.log_filter())
    logger = logging.getLogger("test_secrets")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("login with %s failed", "hunter2")
        try:
            raise ValueError("bad password hunter2")
        except ValueError:
            logger.exception("boom")
    finally:
        logger.removeHandler(handler)
    assert "hunter2" not in stream.getvalue() and "ValueError: bad password ****" in stream.getvalue()


@pytest.mark.parametrize("name, secret", [
    ("Password", True), ("password", True), ("pwd", True), ("UserPIN", True), ("api_secret", True),
    ("refresh_token", True), ("API_Key", True), ("Passphrase", True),
    ("Value", False), ("Name", False), ("IsPinned", False), ("Shipping", False), ("DocumentNo", False),
])
def test_secret_like_names(name, secret):
    assert is_secret_name(name) is secret


def test_credential_values_are_found_under_secret_like_keys_only():
    body = {"userName": "admin", "password": "pw1", "parameters": {"roleId": "Admin", "token": "t2"}}
    assert sorted(credential_values(body)) == ["pw1", "t2"]


def test_masked_repr_lists_shown_fields_masks_secrets_and_leaves_the_rest_out() -> None:
    import dataclasses

    from erp_http.secrets import masked_repr

    @dataclasses.dataclass(frozen=True)
    class Creds:
        user: str
        secret: str
        extra: str | None = None
        other_secret: str | None = None

    creds = Creds("ann", "s3cr3t", None, "t0k")
    assert masked_repr(creds, ["user", "extra"], ["secret"]) == "Creds(user='ann', secret='****', extra=None)"
    assert masked_repr(creds, [], ["other_secret", "secret"]) == "Creds(secret='****', other_secret='****')"
    assert "s3cr3t" not in masked_repr(creds, ["user"], ["secret"])
