"""Read packaging facts (Dockerfile, setup.py, metadata, CHANGELOG) without Docker or a build.

No Docker engine runs in CI, so the packaging tests compare these files with each other and with
the installed distribution instead of building images.
"""
from __future__ import annotations

import ast
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
SETUP_PY = ROOT / "setup.py"
CHANGELOG = ROOT / "CHANGELOG.md"
SOURCE_METADATA = ROOT / "metadata.yaml"
DESTINATION_METADATA = ROOT / "destination_idempiere" / "metadata.yaml"


@dataclass
class Dockerfile:
    """The instructions of a Dockerfile that the tests care about, continuation lines joined."""

    instructions: list[tuple[str, str]]
    args: dict[str, str | None] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    def first(self, keyword: str) -> str:
        return next(arg for kw, arg in self.instructions if kw == keyword)

    def all(self, keyword: str) -> list[str]:
        return [arg for kw, arg in self.instructions if kw == keyword]


def parse_dockerfile(path: Path = DOCKERFILE) -> Dockerfile:
    """Parse instructions (keyword, argument) in order; ARG/ENV/LABEL are also collected as dicts."""
    logical: list[str] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):  # comment inside a continued instruction
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    if pending:
        logical.append(pending)
    parsed = Dockerfile(instructions=[])
    for line in logical:
        keyword, _, argument = line.partition(" ")
        keyword, argument = keyword.upper(), argument.strip()
        parsed.instructions.append((keyword, argument))
        if keyword == "ARG":
            name, eq, default = argument.partition("=")
            parsed.args[name] = _unquote(default) if eq else None
        elif keyword in ("ENV", "LABEL"):
            target = parsed.env if keyword == "ENV" else parsed.labels
            for token in shlex.split(argument):
                key, _, value = token.partition("=")
                target[key] = value
    return parsed


def _unquote(value: str) -> str:
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'" else value


def substitute(value: str, variables: dict[str, str]) -> str:
    """Expand ``${NAME}`` and ``$NAME`` the way Docker does for ENV/LABEL values."""
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: variables[m.group(1) or m.group(2)], value)


def allowed_connectors(dockerfile: Dockerfile) -> set[str]:
    """The CONNECTOR values accepted by the guard ``case "${CONNECTOR}" in a|b) ;;``."""
    for run in dockerfile.all("RUN"):
        match = re.search(r'case\s+"?\$\{?CONNECTOR\}?"?\s+in\s+([\w|.-]+)\)', run)
        if match:
            return set(match.group(1).split("|"))
    return set()


def setup_kwargs() -> dict[str, Any]:
    """Literal keyword arguments of the ``setup(...)`` call, resolving module-level names."""
    tree = ast.parse(SETUP_PY.read_text())
    names: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                names[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                pass
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "setup":
            kwargs: dict[str, Any] = {}
            for kw in node.keywords:
                try:
                    kwargs[kw.arg] = ast.literal_eval(kw.value)
                except ValueError:
                    if isinstance(kw.value, ast.Name) and kw.value.id in names:
                        kwargs[kw.arg] = names[kw.value.id]
            return kwargs
    raise AssertionError("setup.py has no setup(...) call")


def console_scripts_in_setup() -> dict[str, str]:
    """``name -> module:function`` from setup.py's console_scripts."""
    scripts = setup_kwargs()["entry_points"]["console_scripts"]
    return {name.strip(): target.strip() for name, _, target in (s.partition("=") for s in scripts)}


def changelog_versions() -> list[str]:
    """Versions in CHANGELOG headings (``## 0.1.0 (date)``), newest first."""
    return re.findall(r"^##\s+\[?v?(\d+\.\d+\.\d+[\w.-]*)\]?", CHANGELOG.read_text(), flags=re.MULTILINE)


def load_metadata(path: Path) -> dict[str, Any]:
    """The parsed metadata.yaml document."""
    return yaml.safe_load(path.read_text())
