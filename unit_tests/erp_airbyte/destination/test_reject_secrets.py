"""A rejection never carries a secret: not in the record, not in the reason (issue 11)."""
from __future__ import annotations

import json
import logging

from airbyte_cdk.utils.airbyte_secrets_utils import update_secrets

from erp_airbyte.destination.rejects import RejectedRecord, RejectLog


def test_the_reason_is_masked_of_password_like_column_values(tmp_path, caplog):
    path = tmp_path / "rejects.jsonl"
    log = RejectLog(str(path), logging.getLogger("test-rejects"))
    record = {"Value": "u1", "Password": "pw-SECRET-1", "UserPIN": 4711, "Name": "Alice"}
    log.add(RejectedRecord("ad_user", ["u1"], "HTTP 400 Save error: Password pw-SECRET-1 too weak; PIN 4711 taken",
                           record, 1))
    log.close()
    line = json.loads(path.read_text())
    assert "pw-SECRET-1" not in path.read_text() and "4711" not in path.read_text()
    assert line["reason"] == "HTTP 400 Save error: Password **** too weak; PIN **** taken"
    assert line["record"] == {"Value": "u1", "Password": "****", "UserPIN": "****", "Name": "Alice"}
    assert "pw-SECRET-1" not in caplog.text and "4711" not in caplog.text
    assert "pw-SECRET-1" not in log.first.describe()


def test_the_reason_is_masked_of_configured_secrets(tmp_path):
    update_secrets(["cfg-SECRET-token"])
    try:
        path = tmp_path / "rejects.jsonl"
        log = RejectLog(str(path), logging.getLogger("test-rejects"))
        log.add(RejectedRecord("c_bpartner", ["x"], "HTTP 400: header Bearer cfg-SECRET-token refused", {"Value": "x"}, 1))
        log.close()
    finally:
        update_secrets([])
    assert "cfg-SECRET-token" not in path.read_text() and "Bearer ****" in path.read_text()


def test_password_like_values_in_child_rows_are_masked_too(tmp_path, caplog):
    """A document sent with its child rows (e.g. a partner with its contacts) keeps no secret at any depth."""
    path = tmp_path / "rejects.jsonl"
    log = RejectLog(str(path), logging.getLogger("test-rejects"))
    record = {"Value": "bp1", "AD_User": [{"Name": "Bob", "Password": "pw-CHILD-2", "Prefs": {"api_key": "k-DEEP-3"}}]}
    log.add(RejectedRecord("c_bpartner", ["bp1"], "AD_User[0]: Password pw-CHILD-2 too weak (key k-DEEP-3)", record, 1))
    log.close()
    text = path.read_text()
    assert "pw-CHILD-2" not in text and "k-DEEP-3" not in text
    line = json.loads(text)
    assert line["record"] == {"Value": "bp1", "AD_User": [{"Name": "Bob", "Password": "****",
                                                           "Prefs": {"api_key": "****"}}]}
    assert line["reason"] == "AD_User[0]: Password **** too weak (key ****)"
    assert "pw-CHILD-2" not in caplog.text and "k-DEEP-3" not in caplog.text
