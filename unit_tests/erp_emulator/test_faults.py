"""Fault settings: validated, reproducible per seed, and the proxy's pages are HTML, never JSON."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from erp_emulator.faults import DROP, FAIL, FAILURE_STATUSES, Faults, proxy_page


@dataclass
class Options:
    latency_ms: int = 0
    fail_rate: float = 0.0
    drop_rate: float = 0.0
    seed: int = 42


def test_no_fault_is_drawn_when_both_rates_are_zero() -> None:
    faults = Faults(Options())
    assert {faults.decide() for _ in range(100)} == {(None, 0)}


def test_the_same_seed_draws_the_same_faults() -> None:
    def draws(seed: int) -> list[tuple[str | None, int]]:
        faults = Faults(Options(fail_rate=0.3, drop_rate=0.3, seed=seed))
        return [faults.decide() for _ in range(200)]

    one, two = draws(7), draws(7)
    assert one == two
    kinds = {kind for kind, _ in one}
    assert kinds == {None, FAIL, DROP}
    assert {status for kind, status in one if kind == FAIL} == set(FAILURE_STATUSES)


def test_rates_of_one_always_fail_and_always_drop() -> None:
    assert {Faults(Options(fail_rate=1.0)).decide()[0] for _ in range(50)} == {FAIL}
    assert {Faults(Options(drop_rate=1.0)).decide() for _ in range(50)} == {(DROP, 0)}


def test_settings_change_at_runtime_and_bad_values_are_refused() -> None:
    faults = Faults(Options(latency_ms=5))
    faults.set(fail_rate=0.5)
    assert faults.as_dict() == {"fail_rate": 0.5, "drop_rate": 0.0, "latency_ms": 5}
    for bad in ({"fail_rate": 1.5}, {"drop_rate": -0.1}, {"latency_ms": -1}):
        with pytest.raises(ValueError):
            faults.set(**bad)
    assert faults.as_dict() == {"fail_rate": 0.5, "drop_rate": 0.0, "latency_ms": 5}


@pytest.mark.parametrize("status", [500, 502, 503])
def test_proxy_pages_are_html_with_the_status(status: int) -> None:
    code, ctype, body = proxy_page(status)
    assert code == status and ctype == "text/html"
    assert body.startswith(b"<html>") and str(status).encode() in body and b"nginx" in body
