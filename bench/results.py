"""Result records, verdicts and the printed table.

A ratio is always taken against a baseline measured in the same run (machines are noisy); absolute numbers
are carried along but labelled *this machine only*.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

_OPS = {"<=": lambda v, t: v <= t, "<": lambda v, t: v < t, ">=": lambda v, t: v >= t, ">": lambda v, t: v > t}


@dataclass
class Measurement:
    """One line of the table: a ratio (or a wall time) against its target."""

    key: str  # "1", "2", "4b" ...
    title: str
    value: float | None = None  # the ratio (or seconds for a wall-time target)
    target: float | None = None  # None = informational, no verdict
    op: str = "<="
    unit: str = "x"  # "x" for ratios, "s" for seconds, "" for counts
    absolute: dict[str, Any] = field(default_factory=dict)  # this machine only
    note: str = ""
    skipped: str | None = None  # reason when the measurement could not run
    error: str | None = None  # the scenario crashed: reported, never hidden

    @property
    def status(self) -> str:
        """PASS / MISS against the target, SKIP when not run, ERROR when it crashed, INFO without a target."""
        return "ERROR" if self.error else verdict(self.value, self.target, self.op, self.skipped)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = self.status
        return data


def verdict(value: float | None, target: float | None, op: str, skipped: str | None = None) -> str:
    """PASS/MISS/SKIP/INFO; a NaN or missing value against a target is a MISS, never a silent pass."""
    if skipped:
        return "SKIP"
    if target is None:
        return "INFO"
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "MISS"
    return "PASS" if _OPS[op](value, target) else "MISS"


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, NaN when the denominator is zero (reported as MISS, not as a crash)."""
    return numerator / denominator if denominator else float("nan")


def _fmt(value: float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "s":
        return f"{value:.1f} s"
    return f"{value:g}{unit}"


def format_table(results: list[Measurement]) -> str:
    """The printed table: value next to target and verdict, then absolute figures (this machine only)."""
    rows = [("#", "measurement", "value", "target", "status")]
    for m in results:
        target = "-" if m.target is None else f"{m.op} {_fmt(m.target, m.unit)}"
        rows.append((m.key, m.title, _fmt(m.value, m.unit), target, m.status))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    lines.append("Absolute figures (this machine only, 2 cores shared by emulator and connector):")
    for m in results:
        if m.error:
            lines.append(f"  [{m.key}] ERROR: {m.error}")
            continue
        if m.skipped:
            lines.append(f"  [{m.key}] skipped: {m.skipped}")
            continue
        if m.absolute:
            parts = ", ".join(f"{k}={_short(v)}" for k, v in m.absolute.items())
            lines.append(f"  [{m.key}] {parts}")
        if m.note:
            lines.append(f"  [{m.key}] note: {m.note}")
    return "\n".join(lines)


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_short(v)}" for k, v in value.items()) + "}"
    return str(value)


def write_json(path: Path, results: list[Measurement], meta: dict[str, Any]) -> None:
    """``bench/results.json``: the same figures as the table, plus run metadata."""
    payload = {"meta": meta, "results": [m.to_dict() for m in results]}
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")


def margin(m: Measurement) -> float:
    """How many times better than its target a figure is (1 = exactly on target, < 1 = missed).

    One scale for every target, so "<= 1.3x", ">= 10x" and "< 20 s" can share the plot's axis.
    """
    return m.target / m.value if m.op in ("<=", "<") else m.value / m.target


def write_plot(path: Path, results: list[Measurement]) -> str:
    """Bar chart of value/target per measurement, (matplotlib comes with the `bench` extra, which `make bench` installs)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is not importable in this environment: plot skipped (bench/results.png not written)"
    shown = [m for m in results if m.value and m.target and m.op in ("<=", ">=", "<") and not m.skipped]
    if not shown:
        return "nothing to plot"
    shown.reverse()  # matplotlib draws the first bar at the bottom; keep the table's order top-down
    margins = [margin(m) for m in shown]
    fig, ax = plt.subplots(figsize=(9, 0.6 + 0.45 * len(shown)))
    colors = ["tab:green" if m.status == "PASS" else "tab:red" for m in shown]
    ax.barh(range(len(shown)), margins, color=colors)
    ax.set_yticks(range(len(shown)), [f"{m.key}  {m.title}" for m in shown], fontsize=8)
    for i, (m, x) in enumerate(zip(shown, margins)):
        ax.annotate(f" {_fmt(m.value, m.unit)} (target {m.op} {_fmt(m.target, m.unit)})", (x, i),
                    va="center", fontsize=7)
    ax.set_xscale("log")
    ax.axvline(1.0, color="black", linewidth=1)
    ax.set_xlim(min(0.05, min(margins) / 2), max(margins) * 8)
    ax.set_xlabel("times better than the target (log scale; right of the black line = target holds)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return f"plot written to {path}"
