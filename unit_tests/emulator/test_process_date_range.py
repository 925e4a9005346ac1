"""ProcessRun.date_range: a range parameter's from/to dates as SQL conditions, whole days, unset ends left out."""
from __future__ import annotations

import pytest

from idempiere_emulator.model.process_params import ParamValue
from idempiere_emulator.model.process_run import ProcessRun


def _run(**dates) -> ProcessRun:
    return ProcessRun(session=None, instance_id=1, name="p",
                      params=[ParamValue("DateOrdered", 10, "Date Ordered", **dates)])


@pytest.mark.parametrize(("dates", "conditions", "args"), [
    ({"date": "2024-01-01 00:00:00", "date_to": "2024-12-31 00:00:00"},
     ["o.DateOrdered >= ?", "o.DateOrdered <= ?"], ["2024-01-01", "2024-12-31"]),
    ({"date": "2024-01-01 00:00:00"}, ["o.DateOrdered >= ?"], ["2024-01-01"]),
    ({"date_to": "2024-12-31 00:00:00"}, ["o.DateOrdered <= ?"], ["2024-12-31"]),
    ({}, [], []),
])
def test_date_range_gives_a_condition_per_set_end(dates, conditions, args):
    assert _run(**dates).date_range("DateOrdered", "o.DateOrdered") == (conditions, args)


def test_date_range_of_an_absent_parameter_adds_nothing():
    assert _run(date="2024-01-01").date_range("DateInvoiced", "i.DateInvoiced") == ([], [])
