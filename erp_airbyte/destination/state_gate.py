"""The write loop: records to their stream's sink, and each STATE only after every record before it is final.

State contract (Airbyte destination protocol): a STATE message is yielded only after every record received
before it has a final outcome -- committed, unchanged, or reported as rejected. On each STATE every sink is
flushed first, then the run's checkpoints run (``PipelineRun.checkpoints``: an ERP's work over the rows just
written that may still reject some, e.g. an import process; also once after the last record); with
``reject_policy=fail`` the run stops at the first rejection after flushing what came
before, so no state after a rejected record is ever emitted. Dry runs emit no state at all (the source
would otherwise skip records that were never written). The CDK's ``Destination`` only provides the message
loop, so buffering and holding state are hand-rolled (``sink.py``).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from airbyte_cdk.models import AirbyteMessage, Type
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from erp_airbyte.destination.input_lines import BadLine
from erp_airbyte.destination.rejects import RejectedRecord
from erp_airbyte.destination.sink import PipelineRun, StreamSink
from erp_airbyte.failures import config_error


def gate_state(run: PipelineRun, messages: Iterable[AirbyteMessage | BadLine]) -> Iterator[AirbyteMessage]:
    """Feed ``messages`` to ``run.sinks`` (by stream name) and yield the STATE messages that are safe.

    A record of a stream without a sink is rejected ("not in the configured catalog"), and so is an input
    line that is not a message (a ``BadLine`` from ``input_lines.parse_lines``: NaN, a lone surrogate, broken
    JSON), with its reason, counted under its stream. The summary is logged and the rejects file closed
    however the loop ends.

    Raises:
        AirbyteTracedException (config_error): a rejection under ``reject_policy=fail``.
        whatever a sink's flush raises (the ERP's errors: writes that could not be confirmed, ...).
    """
    report, rejects = run.report, run.rejects
    sinks: dict[str, StreamSink[Any, Any]] = {sink.stream: sink for sink in run.sinks}
    fail_fast = run.fail_fast
    seq = 0
    try:
        for message in messages:
            if isinstance(message, BadLine):  # an input line that is not a message (input_lines): rejected, counted
                seq += 1
                stream = message.stream or UNKNOWN_STREAM
                report.add(stream, "received")
                report.add(stream, "rejected")
                rejects.add(RejectedRecord(stream, None, f"input line {message.line_no}: {message.reason}",
                                           message.data, seq))
                if fail_fast and rejects.first:
                    flush_all(sinks.values())
                    raise _rejected_error(rejects.first)
            elif message.type == Type.RECORD and message.record is not None:
                seq += 1
                sink = sinks.get(message.record.stream)
                if sink is None:
                    report.add(message.record.stream, "received")
                    report.add(message.record.stream, "rejected")
                    rejects.add(RejectedRecord(message.record.stream, None,
                                               "stream is not in the configured catalog", message.record.data, seq))
                else:
                    sink.add(seq, message.record.data)
                    if sink.is_full() and not (fail_fast and rejects.first):
                        flush_all(sinks.values())  # earlier records of other streams first: they may be referenced
                if fail_fast and rejects.first:
                    flush_all(sinks.values())
                    raise _rejected_error(rejects.first)
            elif message.type == Type.STATE:
                flush_all(sinks.values())
                if not (fail_fast and rejects.first):
                    run.checkpoint()
                if fail_fast and rejects.first:
                    raise _rejected_error(rejects.first)
                if not run.dry_run:
                    yield message
        flush_all(sinks.values())
        if not (fail_fast and rejects.first):
            run.checkpoint()
        if fail_fast and rejects.first:
            raise _rejected_error(rejects.first)
    finally:
        report.log_summary()
        rejects.close()


UNKNOWN_STREAM = "(unknown stream)"  # where a line that names no stream is counted


def flush_all(sinks: Iterable[StreamSink[Any, Any]]) -> None:
    """Flush in order of each buffer's oldest record, so a row is written before later records that
    reference it (e.g. an order before its lines) are resolved."""
    for sink in sorted(sinks, key=lambda s: s.oldest_seq()):
        sink.flush()


def _rejected_error(first: RejectedRecord) -> AirbyteTracedException:
    return config_error(
        f"Record rejected ({first.describe()}). reject_policy is 'fail': the records before it were written and "
        f"their state was emitted. Fix the cause (the record, or the role's access), or set reject_policy to "
        f"'continue' to report rejected records and write the rest.")
