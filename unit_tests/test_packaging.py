"""The Dockerfile, setup.py and the installed distribution agree on what each image runs.

There is no Docker engine in CI, so instead of building the images these tests check every link
of the chain: build arg -> AIRBYTE_ENTRYPOINT -> console script -> importable function -> a SPEC
message on stdout.
"""
from __future__ import annotations

import importlib
import importlib.metadata
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from unit_tests.packaging_facts import (
    ROOT,
    allowed_connectors,
    console_scripts_in_setup,
    load_metadata,
    parse_dockerfile,
    setup_kwargs,
    substitute,
)

CONNECTORS = ["source-idempiere", "destination-idempiere", "source-frappe", "destination-frappe"]
DOCKERFILE = parse_dockerfile()


def _entrypoint_for(connector: str) -> str:
    return substitute(DOCKERFILE.env["AIRBYTE_ENTRYPOINT"], {"CONNECTOR": connector})


def _installed_console_scripts() -> dict[str, str]:
    dist = importlib.metadata.distribution(setup_kwargs()["name"])
    return {ep.name: ep.value for ep in dist.entry_points if ep.group == "console_scripts"}


def _script_path(name: str) -> Path:
    """The console script installed next to the running interpreter (the project venv)."""
    return Path(sys.executable).parent / name


def test_base_image_is_the_pinned_airbyte_python_connector_base() -> None:
    base = DOCKERFILE.first("FROM")
    assert base == "docker.io/airbyte/python-connector-base:4.0.0"
    assert load_metadata(ROOT / "metadata.yaml")["data"]["connectorBuildOptions"]["baseImage"] == base


def test_build_arg_selects_exactly_the_connectors_and_defaults_to_the_source() -> None:
    assert allowed_connectors(DOCKERFILE) == set(CONNECTORS)
    assert DOCKERFILE.args["CONNECTOR"] == "source-idempiere"


@pytest.mark.parametrize("connector", CONNECTORS)
def test_airbyte_entrypoint_names_a_console_script_declared_in_setup_and_installed(connector: str) -> None:
    command = _entrypoint_for(connector).split()
    assert command == [connector], "AIRBYTE_ENTRYPOINT must be the bare console script"
    assert connector in console_scripts_in_setup()
    assert _installed_console_scripts().get(connector) == console_scripts_in_setup()[connector]
    assert _script_path(connector).exists(), f"{connector} is not installed in {Path(sys.executable).parent}"


def test_entrypoint_execs_airbyte_entrypoint_with_the_container_arguments() -> None:
    entrypoint = json.loads(DOCKERFILE.first("ENTRYPOINT"))
    assert entrypoint[:2] == ["/bin/sh", "-c"]
    assert entrypoint[2].startswith("exec ${AIRBYTE_ENTRYPOINT}") and '"$@"' in entrypoint[2]


def test_image_runs_as_a_non_root_user() -> None:
    final_user = DOCKERFILE.all("USER")[-1]
    assert final_user not in ("root", "0", "0:0")
    user_index = max(i for i, (kw, _) in enumerate(DOCKERFILE.instructions) if kw == "USER")
    entry_index = next(i for i, (kw, _) in enumerate(DOCKERFILE.instructions) if kw == "ENTRYPOINT")
    assert user_index < entry_index


def test_image_labels_match_setup_version_and_metadata_repository() -> None:
    assert DOCKERFILE.labels["io.airbyte.version"] == setup_kwargs()["version"]
    name = substitute(DOCKERFILE.labels["io.airbyte.name"], {"CONNECTOR": "source-idempiere"})
    assert name == load_metadata(ROOT / "metadata.yaml")["data"]["dockerRepository"]


def test_every_installed_package_is_copied_into_the_image() -> None:
    copied = {part.rstrip("/") for line in DOCKERFILE.all("COPY") for part in line.split()[:-1]}
    # find_packages(include=["pkg*", ...]) is a call, so the include patterns are read from the text.
    top_level = set(re.findall(r'"(\w+)\*"', (ROOT / "setup.py").read_text()))
    assert top_level, "could not read the package list from setup.py"
    assert top_level <= copied
    assert {"setup.py", "README.md"} <= copied


@pytest.mark.parametrize("script", sorted(console_scripts_in_setup()))
def test_console_script_targets_import_and_are_callable(script: str) -> None:
    module_name, _, attr = console_scripts_in_setup()[script].partition(":")
    assert callable(getattr(importlib.import_module(module_name), attr))


@pytest.mark.parametrize("script", sorted(console_scripts_in_setup()))
def test_installed_console_script_runs_outside_the_repository(script: str, tmp_path: Path) -> None:
    """From another directory the repository is not on sys.path, so this catches a package missing from
    the installed distribution (e.g. an editable install made before the package existed)."""
    proc = subprocess.run([str(_script_path(script)), "--help"], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "usage" in proc.stdout.lower()


@pytest.mark.parametrize("connector", CONNECTORS)
def test_image_entrypoint_runs_the_connector_spec_command(connector: str) -> None:
    """Run the ENTRYPOINT exactly as the container would (console scripts on PATH, the ENV set)."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["AIRBYTE_ENTRYPOINT"] = _entrypoint_for(connector)
    entrypoint = json.loads(DOCKERFILE.first("ENTRYPOINT"))
    proc = subprocess.run([*entrypoint, "spec"], capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    messages = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    specs = [m for m in messages if m.get("type") == "SPEC"]
    assert len(specs) == 1, proc.stdout[-2000:]
    properties = specs[0]["spec"]["connectionSpecification"]["properties"]
    url_key = "site_url" if connector.endswith("-frappe") else "base_url"
    assert {url_key, "credentials"} <= set(properties)


@pytest.mark.parametrize(("connector", "accepted"), [(c, True) for c in CONNECTORS] + [("source-faker", False)])
def test_build_guard_accepts_only_the_connectors(connector: str, accepted: bool) -> None:
    """The `case` guard of the RUN step, executed by sh, stops a build with a wrong CONNECTOR."""
    run = next(r for r in DOCKERFILE.all("RUN") if "case" in r)
    guard = run[: run.index("esac") + len("esac")]
    proc = subprocess.run(["/bin/sh", "-c", guard], capture_output=True, text=True, timeout=30,
                          env={"CONNECTOR": connector, "PATH": os.environ.get("PATH", "")})
    assert (proc.returncode == 0) is accepted, proc.stderr
