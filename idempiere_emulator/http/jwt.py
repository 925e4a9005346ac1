"""HS512 JSON Web Tokens with the stdlib, mimicking java-jwt 4.4 as the plugin uses it (spec §1.5, §1.7).

Only what the plugin needs: sign a claim set, decode without verifying (the plugin checks ``exp`` before the
signature, §1.7 step 4) and verify signature + issuer. Error texts are java-jwt's, because the plugin copies
them into 401 bodies.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json

HEADER = {"kid": "idempiere", "typ": "JWT", "alg": "HS512"}
ISSUER = "idempiere.org"
_HEADER_B64 = base64.urlsafe_b64encode(json.dumps(HEADER, separators=(",", ":")).encode()).rstrip(b"=")

SIGNATURE_INVALID = "The Token's Signature resulted invalid when verified using the Algorithm: HmacSHA512"
ALGORITHM_MISMATCH = "The provided Algorithm doesn't match the one defined in the JWT's Header."
ISSUER_MISMATCH = "The Claim 'iss' value doesn't match the required issuer."


class TokenError(Exception):
    """A java-jwt style decode/verification failure; ``str(e)`` is the message the plugin shows."""


def _b64encode(raw: bytes) -> bytes:
    return base64.urlsafe_b64encode(raw).rstrip(b"=")


def _b64decode(part: str) -> bytes:
    if not part:
        return b""
    try:
        return base64.b64decode(part + "=" * (-len(part) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise TokenError("The input is not a valid base 64 encoded string.") from exc


def sign(payload: dict, secret: bytes) -> str:
    """Return a compact HS512 JWT for ``payload`` (claim order as given)."""
    body = _b64encode(json.dumps(payload, separators=(",", ":")).encode())
    signing_input = _HEADER_B64 + b"." + body
    signature = _b64encode(hmac.new(secret, signing_input, hashlib.sha512).digest())
    return (signing_input + b"." + signature).decode("ascii")


def _split(token: str) -> list[str]:
    parts = token.split(".")
    if len(parts) != 3:
        got = "> 3" if len(parts) > 3 else str(len(parts))
        raise TokenError(f"The token was expected to have 3 parts, but got {got}.")
    return parts


def _json(raw: bytes) -> dict:
    text = raw.decode("utf-8", errors="replace")
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise TokenError(f"The string '{text}' doesn't have a valid JSON format.")
    return value


def decode(token: str) -> tuple[dict, dict]:
    """Decode header and payload without checking the signature (java-jwt ``JWT.decode``)."""
    parts = _split(token)
    return _json(_b64decode(parts[0])), _json(_b64decode(parts[1]))


def verify(token: str, secret: bytes, header: dict, payload: dict) -> None:
    """Check algorithm, HMAC-SHA512 signature and issuer of an already decoded token (java-jwt order)."""
    if header.get("alg") != "HS512":
        raise TokenError(ALGORITHM_MISMATCH)
    signing_input, _, signature = token.rpartition(".")
    expected = _b64encode(hmac.new(secret, signing_input.encode("ascii", "replace"), hashlib.sha512).digest())
    if not hmac.compare_digest(expected, signature.encode("ascii", "replace")):
        raise TokenError(SIGNATURE_INVALID)
    if payload.get("iss") != ISSUER:
        raise TokenError(ISSUER_MISMATCH)
