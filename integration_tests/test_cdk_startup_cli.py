"""erp_airbyte.cdk_startup on the connectors' real command paths (issue 15: start-up CPU of every process).

One child process runs all four connectors' commands as their console scripts do: ``spec``, ``check``,
``discover`` and ``read`` of both sources against emulators, ``spec`` and ``check`` of both destinations.
With the start-up cuts (the connectors' own imports first) it must write what it writes with the CDK's whole
namespace imported first, and must leave the framework modules the cuts keep off the path unimported.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from frappe_emulator import FrappeEmulator, FrappeOptions
from idempiere_emulator import EmulatorOptions, EmulatorServer

# What ``airbyte_cdk/__init__.py`` re-exports and no connector command here needs (0.33-0.39 s of CPU).
DEFERRED_FRAMEWORK = ("airbyte_cdk.sources.declarative", "airbyte_cdk.legacy", "airbyte_cdk.manifest_migrations",
                      "airbyte_cdk.connector_builder", "jinja2", "dunamai")
# What ``airbyte_cdk/sources/__init__.py`` imports and no destination command needs (~0.16 s; ~0.3 s with boto3).
DEFERRED_FOR_DESTINATIONS = ("airbyte_cdk.sources.abstract_source", "airbyte_cdk.sources.streams.http",
                             "requests_cache")

_RUNNER = r"""
import json, sys
mode, side, workdir, heavy = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
if mode == "full":
    import airbyte_cdk  # the CDK's whole namespace first: cdk_startup.install() then leaves it as it is
if side == "source":
    import source_idempiere.run, source_frappe.run  # as the console scripts start
    from erp_airbyte.source.console import run_source as run
    from source_idempiere import SourceIdempiere as Idempiere
    from source_frappe.source import SourceFrappe as Frappe
    commands = ("spec", "check", "discover", "read")
else:
    import destination_idempiere.run, destination_frappe.run
    from erp_airbyte.destination.console import run_destination as run
    from destination_idempiere import DestinationIdempiere as Idempiere
    from destination_frappe.destination import DestinationFrappe as Frappe
    commands = ("spec", "check", "write")
for cls, name in ((Idempiere, "idempiere"), (Frappe, "frappe")):
    config, catalog = f"{workdir}/{name}.config.json", f"{workdir}/{side}-{name}.catalog.json"
    for command in commands:
        args = [command] if command == "spec" else [command, "--config", config]
        if command in ("read", "write"):
            args += ["--catalog", catalog]
            sys.stdin = open(f"{workdir}/{name}.input.jsonl")
        print("#", side, name, command, flush=True)
        run(cls(), args)
sys.stdout.flush()
import dpath.options
print("# dpath empty keys", dpath.options.ALLOW_EMPTY_STRING_KEYS)
print("# loaded", json.dumps([m for m in heavy if m in sys.modules]))
"""

_DATETIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?")
_TIMING = re.compile(r"\d+(?:\.\d+)? (s|records/s)\b")


def _mask_now(text: str) -> str:
    """Timestamps within a day of now (window ends, cursors, synced_at) and durations differ run to run."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)

    def mask(match: re.Match[str]) -> str:
        value = datetime.fromisoformat(match.group(0).replace("Z", "").replace(" ", "T")[:26])
        return "<now>" if abs(value.replace(tzinfo=None) - now) < timedelta(days=1) else match.group(0)
    return _TIMING.sub(r"<n> \1", _DATETIME.sub(mask, text))


def _without_emitted_at(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_emitted_at(v) for k, v in value.items() if k != "emitted_at"}
    if isinstance(value, list):
        return [_without_emitted_at(v) for v in value]
    return value


def _normalized(stdout: str) -> tuple[dict[str, list[str]], list[str]]:
    """Lines per command (sorted: the read's workers interleave pages), and the heavy modules left loaded."""
    sections: dict[str, list[str]] = {}
    current = ""
    for line in stdout.splitlines():
        if line.startswith("# loaded "):
            return {k: sorted(v) for k, v in sections.items()}, json.loads(line[len("# loaded "):])
        if line.startswith("# "):
            current = line[2:]
            sections[current] = []
            continue
        message = _without_emitted_at(json.loads(line))
        sections[current].append(_mask_now(json.dumps(message, sort_keys=True)))
    raise AssertionError(f"the runner stopped early; last command: {current!r}")


def _configured(catalog: dict[str, Any]) -> dict[str, Any]:
    return {"streams": [{"stream": stream, "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}
                        for stream in catalog["streams"]]}


def _discovered(command: str, config_path: Path) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-m", command, "discover", "--config", str(config_path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return next(json.loads(line)["catalog"] for line in proc.stdout.splitlines() if '"CATALOG"' in line)


def _write_input(path: Path, name: str, stream: str) -> None:
    """A destination catalog of one stream and an input of one STATE (it goes through, nothing is written)."""
    (path / f"destination-{name}.catalog.json").write_text(json.dumps({"streams": [{
        "stream": {"name": stream, "json_schema": {}, "supported_sync_modes": ["full_refresh"]},
        "sync_mode": "full_refresh", "destination_sync_mode": "append"}]}))
    state = {"type": "STATE", "state": {"type": "STREAM", "stream": {"stream_descriptor": {"name": stream},
                                                                       "stream_state": {"cursor": 1}}}}
    (path / f"{name}.input.jsonl").write_text(json.dumps(state) + "\n")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory):
    """Configs of both ERPs (sources and destinations read the same keys), catalogs of one small stream each."""
    path = tmp_path_factory.mktemp("cdk_startup")
    with EmulatorServer(EmulatorOptions(rows=30)) as idempiere, FrappeEmulator(FrappeOptions(rows=30)) as frappe:
        idempiere_config = {"base_url": idempiere.base_url, "tables": ["C_Order"], "num_workers": 1,
                            "credentials": {"auth_type": "token", "token": idempiere.s2s_token}}
        frappe_config = {"site_url": frappe.base_url, "doctypes": ["Sales Order"], "num_workers": 1,
                         "credentials": {"auth_type": "api_key", "api_key": frappe.api_key,
                                         "api_secret": frappe.api_secret}}
        for name, config, module, stream in (("idempiere", idempiere_config, "source_idempiere.run", "c_bpartner"),
                                             ("frappe", frappe_config, "source_frappe.run", "ToDo")):
            config_path = path / f"{name}.config.json"
            config_path.write_text(json.dumps(config))
            catalog = _configured(_discovered(module, config_path))
            (path / f"source-{name}.catalog.json").write_text(json.dumps(catalog))
            _write_input(path, name, stream)
        yield path


def _run(mode: str, side: str, workdir: Path, heavy: tuple[str, ...]) -> tuple[dict[str, list[str]], list[str]]:
    proc = subprocess.run([sys.executable, "-c", _RUNNER, mode, side, str(workdir), json.dumps(heavy)],
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stderr == ""  # nothing beside the protocol: no warning, whichever way the CDK was imported
    return _normalized(proc.stdout)


def test_source_commands_write_the_same_messages_with_and_without_the_start_up_cuts(workdir: Path) -> None:
    (cut, cut_loaded), (full, full_loaded) = (_run(mode, "source", workdir, DEFERRED_FRAMEWORK)
                                              for mode in ("cut", "full"))
    assert len(cut) == 9 and "dpath empty keys True" in cut
    reads = [lines for command, lines in cut.items() if command.endswith(" read")]
    assert [sum('"type": "RECORD"' in line for line in lines) for lines in reads] == [30, 30]
    assert cut == full
    # the cuts keep the CDK's framework off every command's path; importing the CDK whole loads all of it
    assert cut_loaded == []
    assert full_loaded == list(DEFERRED_FRAMEWORK)


def test_destination_commands_write_the_same_messages_with_and_without_the_start_up_cuts(workdir: Path) -> None:
    heavy = DEFERRED_FRAMEWORK + DEFERRED_FOR_DESTINATIONS
    (cut, cut_loaded), (full, full_loaded) = (_run(mode, "destination", workdir, heavy) for mode in ("cut", "full"))
    assert len(cut) == 7 and "dpath empty keys True" in cut  # set as airbyte_cdk/sources/__init__.py sets it
    writes = [lines for command, lines in cut.items() if command.endswith(" write")]
    assert [sum('"type": "STATE"' in line for line in lines) for lines in writes] == [1, 1]
    assert cut == full
    assert cut_loaded == []
    assert full_loaded == list(heavy)
