"""The rejects file: one JSON line per rejected record, secrets masked."""
from __future__ import annotations

import json
import logging

from erp_airbyte.destination.rejects import RejectedRecord, RejectLog


def test_reject_file_never_holds_password_like_fields(tmp_path) -> None:
    log = RejectLog(str(tmp_path / "r.jsonl"), logging.getLogger("t"))
    log.add(RejectedRecord("users", "u1", "bad", {"Name": "u1", "Password": "hunter2", "api_token": "t0k"}, 1))
    log.close()
    line = json.loads((tmp_path / "r.jsonl").read_text())
    assert line["record"] == {"Name": "u1", "Password": "****", "api_token": "****"}
    assert "hunter2" not in (tmp_path / "r.jsonl").read_text()


def test_only_the_first_rejections_are_logged_but_every_one_is_counted_and_filed(tmp_path, caplog) -> None:
    log = RejectLog(str(tmp_path / "r.jsonl"), logging.getLogger("t"), dry_run=True)
    with caplog.at_level(logging.WARNING, logger="t"):
        for seq in range(1, 61):
            log.add(RejectedRecord("s", None if seq % 2 else seq, f"reason {seq}", {"n": seq}, 61 - seq))
    log.close()
    assert log.total == 60 and log.counts == {"s": 60}
    assert log.first is not None and log.first.seq == 1  # the earliest in the input, not the first added
    messages = [r.getMessage() for r in caplog.records]
    assert messages[0] == "Rejected stream 's' record #60 of the input: reason 1"
    assert messages[1] == "Rejected stream 's' key 2: reason 2"
    assert len(messages) == 51 and messages[-1] == "More rejections follow; only counted and written to the file."
    lines = [json.loads(x) for x in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert len(lines) == 60 and lines[1] == {"stream": "s", "key": 2, "reason": "reason 2", "record": {"n": 2},
                                             "dry_run": True}
