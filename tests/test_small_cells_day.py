"""The small-cell threshold is dated data (policies/small_cells.toml: 5, in force from 2014-01-01,
DOMAIN.md's "a count under 5"); a figure asked without a day is judged on the registry's day,
Vietnam's (`procedure.calendar.today`), which the server's own date trails for seven hours a day."""

from __future__ import annotations

import datetime as dt

import pytest

from policies.cells import minimum_on
from procedure import calendar as clock


def test_a_threshold_asked_without_a_day_is_the_one_in_force_on_the_registrys_day(monkeypatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: dt.date(2013, 12, 31))  # before the first version
    with pytest.raises(LookupError):
        minimum_on()
    monkeypatch.setattr(clock, "today", lambda: dt.date(2014, 1, 1))
    assert minimum_on() == 5
