"""Config validation: bad values become config errors with actionable text, never tracebacks."""
from __future__ import annotations

import logging
import threading

import pytest
from airbyte_cdk.models import FailureType
from airbyte_cdk.test.entrypoint_wrapper import discover
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from source_idempiere.concurrency import StreamPump
from source_idempiere.options import SourceOptions
from source_idempiere.progress import StreamProgress
from source_idempiere.source import SourceIdempiere

GOOD = {"base_url": "http://127.0.0.1:1", "credentials": {"auth_type": "token", "token": "abc.def.ghi"}}


@pytest.mark.parametrize(
    "patch, needle",
    [
        ({"page_size": 0}, "page_size"),
        ({"page_size": "big"}, "page_size"),
        ({"num_workers": 99}, "num_workers"),
        ({"lookback_window_seconds": -1}, "lookback_window_seconds"),
        ({"server_timezone": "Mars/Olympus"}, "server_timezone"),
        ({"foreign_keys": "nested"}, "foreign_keys"),
        ({"start_date": "yesterday"}, "ISO 8601"),
        ({"tables": [1, 2]}, "tables"),
        ({"detect_deletes": "yes"}, "detect_deletes"),
        ({"base_url": "erp.example.com"}, "base_url"),
    ],
    ids=lambda v: str(v)[:30],
)
def test_given_bad_option_check_fails_with_config_error_naming_it(patch, needle):
    source = SourceIdempiere()
    with pytest.raises(AirbyteTracedException) as err:
        source.check_connection(logging.getLogger("test"), {**GOOD, **patch})
    assert err.value.failure_type == FailureType.config_error
    assert needle in err.value.message


def test_defaults_and_patterns():
    opts = SourceOptions.from_airbyte({**GOOD, "tables": ["C_*", "ad_user"], "exclude_tables": ["c_orderline"]})
    assert (opts.page_size, opts.lookback_window_seconds, opts.num_workers) == (100, 300, 4)
    assert (opts.foreign_keys, opts.detect_deletes, opts.server_timezone) == ("flatten", False, "UTC")
    assert opts.selects("c_order") and opts.selects("AD_User")
    assert not opts.selects("c_orderline") and not opts.selects("m_product")
    assert opts.explicit_tables() == ["ad_user"]


def test_spec_has_issue_keys_and_masks_secrets():
    spec = SourceIdempiere().spec(logging.getLogger("test")).connectionSpecification
    for key in ("base_url", "credentials", "start_date", "tables", "exclude_tables", "page_size",
                "lookback_window_seconds", "num_workers", "server_timezone", "foreign_keys",
                "detect_deletes", "verify_tls"):
        assert key in spec["properties"], key
    assert spec["properties"]["page_size"]["default"] == 100
    assert spec["properties"]["lookback_window_seconds"]["default"] == 300


@pytest.mark.parametrize("patch, needle", [({"page_size": 0}, "minimum"), ({"server_timezone": "Mars/Olympus"}, "server_timezone")])
def test_discover_with_bad_config_is_a_config_error_trace(patch, needle):
    out = discover(SourceIdempiere(), {**GOOD, **patch}, expecting_exception=True)
    assert out.errors
    trace = out.errors[-1].trace.error
    assert trace.failure_type == FailureType.config_error and needle in trace.message


def test_pump_interleaves_jobs_and_keeps_batch_order():
    def job(tag):
        def run(emit):
            for i in range(20):
                emit([f"{tag}{i}-rec", f"{tag}{i}-state"])
        return run

    out = list(StreamPump(3).run([job("a"), job("b"), job("c")]))
    for tag in "abc":
        mine = [m for m in out if m.startswith(tag)]
        assert mine == [x for i in range(20) for x in (f"{tag}{i}-rec", f"{tag}{i}-state")]


def test_pump_cancels_producers_when_consumer_stops():
    started = threading.Event()
    finished = []

    def endless(emit):
        started.set()
        try:
            i = 0
            while True:
                emit([i])
                i += 1
        finally:
            finished.append(True)

    gen = StreamPump(2, max_queued_batches=2).run([endless, endless])
    assert [next(gen) for _ in range(5)]
    gen.close()
    assert finished == [True, True]


def test_pump_reraises_unexpected_job_crash():
    def bad(emit):
        raise ZeroDivisionError("bug")

    with pytest.raises(ZeroDivisionError):
        list(StreamPump(2).run([bad]))


def test_progress_reports_by_records_or_time():
    now = [0.0]
    p = StreamProgress("c_order", every_records=100, every_seconds=10, clock=lambda: now[0])
    assert p.add_page(50) is None
    line = p.add_page(60)
    assert line and "110 records" in line
    now[0] = 11
    assert "111 records" in p.add_page(1)
    assert "COMPLETE - 111 records" in p.finish_line("COMPLETE")


def test_process_exits_when_the_consumer_dies_without_closing_the_pump():
    """A broken stdout pipe kills the consumer mid-read; blocked producers must not hang interpreter exit."""
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "from source_idempiere.concurrency import StreamPump\n"
        "def endless(emit):\n"
        "    i = 0\n"
        "    while True:\n"
        "        emit([i]); i += 1\n"
        "gen = StreamPump(2, 2).run([endless, endless])\n"
        "kept = [next(gen) for _ in range(3)]\n"
        "raise SystemExit(3)\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", script], cwd=root, timeout=30, capture_output=True)
    assert done.returncode == 3
