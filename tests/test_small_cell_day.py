"""The small-cell threshold in force is the one of the registry's day, whatever the server's clock says.

`policies/small_cells.toml` dates each version of the threshold, and the registry's day is Vietnam's
(`procedure/calendar.py`): a figure asked at 20:00 UTC on the day a new threshold begins in Vietnam
follows the new one, even on a server whose local date is still the day before.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import pytest

from policies import cells

pytestmark = pytest.mark.engine_independent("the threshold's day; no database")

VIETNAM = dt.timezone(dt.timedelta(hours=7))  # DOMAIN.md: the registry is kept in Vietnam


@pytest.fixture
def server_elsewhere(monkeypatch: pytest.MonkeyPatch) -> Iterator[dt.date]:
    """Puts the process in a time zone whose date is not Vietnam's right now, and yields Vietnam's date.

    Vietnam is UTC+7. At any moment one of UTC-12 and UTC+14 is on another date than Vietnam:
    UTC-12 for the 19 hours after Vietnam's midnight, UTC+14 for the 7 hours before it.
    """
    now = dt.datetime.now(dt.UTC)
    vietnam_day = now.astimezone(VIETNAM).date()
    zones = {"Etc/GMT+12": -12, "Etc/GMT-14": 14}  # POSIX names: the sign is reversed
    zone = next(
        name
        for name, hours in zones.items()
        if now.astimezone(dt.timezone(dt.timedelta(hours=hours))).date() != vietnam_day
    )
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    assert dt.date.today() != vietnam_day, "the process's date should now differ from Vietnam's"
    yield vietnam_day
    monkeypatch.undo()  # the process's own zone back before the next test in this process
    time.tzset()


def test_the_threshold_follows_the_registrys_day_not_the_servers_local_date(
    server_elsewhere: dt.date, monkeypatch: pytest.MonkeyPatch
) -> None:
    vietnam_day = server_elsewhere
    one_before = vietnam_day - dt.timedelta(days=1)
    versions = (
        # ended with the day before Vietnam's today and the day after it
        cells.Threshold(
            minimum=5, valid_from=dt.date(2014, 1, 1), valid_to=one_before - dt.timedelta(days=1)
        ),
        cells.Threshold(minimum=7, valid_from=one_before, valid_to=one_before),
        cells.Threshold(minimum=10, valid_from=vietnam_day, valid_to=vietnam_day),
        cells.Threshold(minimum=12, valid_from=vietnam_day + dt.timedelta(days=1), valid_to=None),
    )
    monkeypatch.setattr(cells, "thresholds", lambda: versions)
    assert cells.minimum_on() == 10
    assert cells.SmallCells(None).shown("workers.status", 9) == "< 10"
