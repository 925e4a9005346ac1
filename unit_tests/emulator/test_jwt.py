"""HS512 JWT helper of the emulator: java-jwt compatible messages (spec §1.5, §1.7)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from idempiere_emulator.http import jwt

SECRET = b"0b7c1f6e-secret"


def test_sign_produces_a_verifiable_hs512_token():
    token = jwt.sign({"sub": "GardenAdmin", "iss": jwt.ISSUER}, SECRET)
    head, body, sig = token.split(".")
    mac = hmac.new(SECRET, f"{head}.{body}".encode(), hashlib.sha512).digest()
    assert base64.urlsafe_b64encode(mac).rstrip(b"=").decode() == sig
    header, payload = jwt.decode(token)
    assert header == {"kid": "idempiere", "typ": "JWT", "alg": "HS512"}
    assert payload == {"sub": "GardenAdmin", "iss": "idempiere.org"}
    jwt.verify(token, SECRET, header, payload)


@pytest.mark.parametrize("token,message", [
    ("abc", "The token was expected to have 3 parts, but got 1."),
    ("a.b", "The token was expected to have 3 parts, but got 2."),
    ("a.b.c.d", "The token was expected to have 3 parts, but got > 3."),
    ("!!.e30.x", "The input is not a valid base 64 encoded string."),
    ("e30.bm90anNvbg.x", "The string 'notjson' doesn't have a valid JSON format."),
])
def test_decode_errors_use_java_jwt_messages(token, message):
    with pytest.raises(jwt.TokenError) as err:
        jwt.decode(token)
    assert str(err.value) == message


def test_verify_rejects_other_secret_algorithm_and_issuer():
    token = jwt.sign({"iss": jwt.ISSUER}, SECRET)
    header, payload = jwt.decode(token)
    with pytest.raises(jwt.TokenError, match="Signature resulted invalid"):
        jwt.verify(token, b"other", header, payload)
    with pytest.raises(jwt.TokenError, match="Algorithm doesn't match"):
        jwt.verify(token, SECRET, {**header, "alg": "HS256"}, payload)
    foreign = jwt.sign({"iss": "someone.else"}, SECRET)
    with pytest.raises(jwt.TokenError, match="'iss' value doesn't match"):
        jwt.verify(foreign, SECRET, *jwt.decode(foreign))


def test_payload_is_compact_json():
    token = jwt.sign({"a": 1, "b": "x"}, SECRET)
    raw = base64.urlsafe_b64decode(token.split(".")[1] + "==")
    assert raw == json.dumps({"a": 1, "b": "x"}, separators=(",", ":")).encode()
