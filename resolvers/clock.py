"""The registry's one notion of "today", and calendar arithmetic that survives 29 February.

Every rule that depends on the date (ages, how old a clearance may be, dates not in the future)
asks `today()` here, once per write, and passes the day on: a test can then prove a rule on any
day by passing that day, without touching the system clock.
"""

from __future__ import annotations

import datetime as dt


def today() -> dt.date:
    """The registry's date: Vietnam's, where the registry is kept (UTC+7, no daylight saving)."""
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` earlier; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_on(born: dt.date, day: dt.date) -> int:
    """Completed years of age on `day` (someone born on 29 February turns a year older on 1 March)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
