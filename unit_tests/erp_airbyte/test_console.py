"""The shared console's ``read``: pages written whole, counted on each STATE as the CDK counts records,
the memory monitor consulted, and the same protocol output as the CDK's own loop over ``Source.read``."""
from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import orjson
import pytest
from airbyte_cdk.entrypoint import AirbyteEntrypoint
from airbyte_cdk.models import (
    AirbyteCatalog,
    AirbyteConnectionStatus,
    AirbyteMessage,
    AirbyteStateMessage,
    ConfiguredAirbyteCatalog,
    ConfiguredAirbyteCatalogSerializer,
    ConnectorSpecification,
    Status,
    SyncMode,
)
from airbyte_cdk.sources import Source

from erp_airbyte.messages import configured_catalog, configured_stream
from erp_airbyte.record_output import RecordPage
from erp_airbyte.source import console
from erp_airbyte.source.pipeline import Out, PipelineReads, SourceRead, StreamRead
from unit_tests.erp_airbyte.test_pipeline import FakeReader

SECRET = "a-long-secret-token-value"


class PagedFake(PipelineReads, Source):
    """Two streams of ``FakeReader`` rows through the shared pipeline."""

    def spec(self, logger: logging.Logger) -> ConnectorSpecification:
        return ConnectorSpecification(connectionSpecification={
            "type": "object", "properties": {"token": {"type": "string", "airbyte_secret": True}}})

    def check(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        return AirbyteConnectionStatus(status=Status.SUCCEEDED)

    def discover(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteCatalog:
        return AirbyteCatalog(streams=[])

    def pipeline_read(self, logger: logging.Logger, config: Mapping[str, Any], catalog: ConfiguredAirbyteCatalog,
                      state: list[AirbyteStateMessage] | None, drain: Callable[[SourceRead], Iterator[Out]],
                      ) -> Iterator[Out]:
        streams = [StreamRead(configured_stream("a", sync_mode=SyncMode.incremental), lambda: FakeReader(10),
                              cursor_field="n", incremental=True),
                   StreamRead(configured_stream("b"), lambda: FakeReader(7, page=2))]
        run = SourceRead(streams, state, workers=2, logger=logger)
        yield from drain(run)
        run.raise_failures()


@pytest.fixture
def files(tmp_path):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"token": SECRET}))
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps(ConfiguredAirbyteCatalogSerializer.dump(configured_catalog(
        [configured_stream("a", sync_mode=SyncMode.incremental), configured_stream("b")]))))
    return ["read", "--config", str(config), "--catalog", str(catalog)]


def _lines(capsys) -> list[dict[str, Any]]:
    out = capsys.readouterr().out
    assert out.endswith("\n") and "\n\n" not in out
    return [orjson.loads(line) for line in out.splitlines()]


def _per_stream(lines: list[dict[str, Any]], stream: str) -> list[tuple[str, Any]]:
    got: list[tuple[str, Any]] = []
    for m in lines:
        if m["type"] == "RECORD" and m["record"]["stream"] == stream:
            got.append(("RECORD", m["record"]["data"]))
        elif m["type"] == "STATE" and m["state"]["stream"]["stream_descriptor"]["name"] == stream:
            got.append(("STATE", (m["state"]["stream"]["stream_state"], m["state"]["sourceStats"]["recordCount"])))
    return got


def test_read_counts_each_page_on_the_next_state_like_the_cdk(files, capsys):
    console.run_source(PagedFake(), files)
    lines = _lines(capsys)
    for stream, total in (("a", 10), ("b", 7)):
        since_state = records = 0
        states = 0
        for kind, value in _per_stream(lines, stream):
            if kind == "RECORD":
                since_state += 1
                records += 1
            else:
                assert value[1] == since_state, f"{stream}: recordCount {value[1]} for {since_state} records"
                since_state = 0
                states += 1
        assert records == total and states >= (2 if stream == "a" else 1)


def test_read_output_is_the_cdk_loops_output_over_source_read(files, capsys, monkeypatch):
    console.run_source(PagedFake(), files)
    fast = _lines(capsys)

    class Unpaged(PagedFake):  # no read_output: the console falls back to AirbyteEntrypoint.read
        read_output = None  # type: ignore[assignment]

    monkeypatch.setattr(console, "PagedSource", type("Never", (), {}))
    console.run_source(Unpaged(), files)
    slow = _lines(capsys)
    for stream in ("a", "b"):
        assert _per_stream(fast, stream) == _per_stream(slow, stream)
        assert _per_stream(fast, stream)  # something was compared


def test_read_consults_the_cdks_memory_monitor_once_per_message_and_per_record(files, capsys, monkeypatch):
    calls: list[int] = []
    monkeypatch.setattr(AirbyteEntrypoint, "__init__", _wrapped_init(AirbyteEntrypoint.__init__, calls))
    console.run_source(PagedFake(), files)
    items = _lines(capsys)
    assert len(calls) == len(items)  # the CDK's loop checks once per message; a page is its records' messages


def _wrapped_init(init: Any, calls: list[int]) -> Any:
    def wrapped(self: AirbyteEntrypoint, source: Source) -> None:
        init(self, source)
        self._memory_monitor.check_memory_usage = lambda: calls.append(1)  # type: ignore[method-assign]
    return wrapped


def test_a_config_that_fails_the_spec_is_rejected_before_anything_is_read(tmp_path, capsys):
    class Strict(PagedFake):
        def spec(self, logger: logging.Logger) -> ConnectorSpecification:
            return ConnectorSpecification(connectionSpecification={
                "type": "object", "required": ["token", "url"],
                "properties": {"token": {"type": "string", "airbyte_secret": True}, "url": {"type": "string"}}})

        def read_output(self, *args: Any, **kwargs: Any) -> Iterator[AirbyteMessage | RecordPage]:
            raise AssertionError("read before validation")

    entrypoint = AirbyteEntrypoint(Strict())
    config = tmp_path / "c.json"
    config.write_text(json.dumps({"token": SECRET}))
    catalog = tmp_path / "cat.json"
    catalog.write_text(json.dumps(ConfiguredAirbyteCatalogSerializer.dump(configured_catalog(["b"]))))
    with pytest.raises(Exception, match="url"):
        list(console.read_lines(entrypoint, str(config), str(catalog), None))
