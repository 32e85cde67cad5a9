"""The retention rules file read as data: the version in force on a day decides, and the shipped
file is sound. (The command's refusals of absurd rules are in `test_retention.py`.)"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from retention.rules import KINDS, load_rules, parse_rules

pytestmark = pytest.mark.engine_independent(
    "the retention rules file read as data (the command is in test_retention, on both)"
)

DATED = """
[[workers]]
days = 3650
valid_from = 2015-01-01
valid_to = 2025-06-30

[[workers]]
days = 1825
valid_from = 2025-07-01

[[health_checks]]
days = 730
valid_from = 2020-01-01
"""


def test_the_period_in_force_on_the_day_decides():
    rules = parse_rules(tomllib.loads(DATED))
    assert rules.days_on(dt.date(2025, 6, 30)) == {"workers": 3650, "health_checks": 730}
    assert rules.days_on(dt.date(2025, 7, 1)) == {"workers": 1825, "health_checks": 730}


def test_a_kind_with_no_period_in_force_is_kept():
    rules = parse_rules(tomllib.loads(DATED))
    assert rules.days_on(dt.date(2019, 12, 31)) == {"workers": 3650}
    assert rules.days_on(dt.date(2014, 12, 31)) == {}


def test_holds_are_on_unless_the_file_turns_them_off():
    assert parse_rules({}).open_incidents_hold and parse_rules({}).recorded_holds_hold
    off = parse_rules({"holds": {"open_incidents": False}})
    assert (off.open_incidents_hold, off.recorded_holds_hold) == (False, True)


def test_the_shipped_rules_give_every_kind_a_period_today():
    rules = load_rules(Path(__file__).parent.parent / "policies" / "retention.toml")
    assert set(rules.days_on(dt.date.today())) == set(KINDS)
