"""The registry's one notion of "today", and calendar arithmetic that survives 29 February.

Every rule that depends on the date (ages, how old a clearance may be, dates not in the future)
asks `today()` here, once per write, and passes the day on: a test can then prove a rule on any
day by passing that day, without touching the system clock.
"""

from __future__ import annotations

import datetime as dt

VIETNAM = dt.timezone(dt.timedelta(hours=7))  # where the registry is kept; no daylight saving


def today() -> dt.date:
    """The registry's date: Vietnam's."""
    return dt.datetime.now(VIETNAM).date()


def day_of(moment: dt.datetime) -> dt.date:
    """The registry's date at a moment (time-zone aware): a crossing at 23:30 UTC is on the next
    day in Vietnam, the day a placement starting then begins."""
    return moment.astimezone(VIETNAM).date()


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` earlier; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_on(born: dt.date, day: dt.date) -> int:
    """Completed years of age on `day` (someone born on 29 February turns a year older on 1 March)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier, or the month's last day if it has no such day (31 August -> 28
    February)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a 28th")  # pragma: no cover
