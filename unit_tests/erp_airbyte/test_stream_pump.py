"""StreamPump: parallel jobs multiplexed into one consumer, order kept per job, cancellation, crashes."""
from __future__ import annotations

import threading

import pytest

from erp_airbyte.source.stream_pump import StreamPump


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


def test_process_exits_when_the_consumer_dies_without_closing_the_pump():
    """A broken stdout pipe kills the consumer mid-read; blocked producers must not hang interpreter exit."""
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "from erp_airbyte.source.stream_pump import StreamPump\n"
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
