"""The demo true to the source documents (`seeds/`, DOMAIN.md), beyond what a random draw gives.

The 2022 Lào Cai – Hà Khẩu minutes cite **1,051 Lào Cai workers at Huệ Hồng in 2016–2019**, and
the 2017 Hà Giang directive puts the first Baise placements in a **Mèo Vạc → Na Po pilot**. A
random population of a few hundred workers holds neither, so the demo holds them as fixed data,
whatever the number of generated workers:

* the *cited cohort*: 1,051 Lào Cai workers, each with one placement at Huệ Hồng that started
  between the second minutes (15/12/2016, which received the first group there) and the end of
  October 2019, completed by Tết 2020 (who they are, and each day, are invented; the number is the
  source's);
* the *pilot*: `PILOT_SIZE` Mèo Vạc workers placed in Na Po from November 2017 (the number and
  the days are invented; the directive names no figure);
* and the generated population is kept out of the years the sources speak for: its Lào Cai –
  Hà Khẩu placements before the border closure are moved after the reopening (a worker's earlier
  trip there is dropped), and its Baise placements of 2017 that are not Mèo Vạc → Na Po start
  in 2018 instead (`faithful`).

Each worker is drawn from its own random stream, as the generated ones are, with person indices
counted down from the top of the population's range (`MAX_PEOPLE`), so their identity numbers never
meet a generated worker's. Loading is idempotent: a demo that holds the cohort is left as it is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from demo.employers import EMPLOYERS
from demo.generator import (
    _DISTRICTS,
    AS_OF,
    COMMUNES,
    DEFAULT_CROSSINGS_PER_WORKER,
    DESTINATIONS,
    DISTRICT_MIX,
    FIRST_START,
    PRE_COVID_END,
    PROVINCES,
    RESUMED,
    Batch,
    GenerationSummary,
    Refs,
    Stay,
    Story,
    _day,
    _duration,
    _next_ids,
)
from demo.people import MAX_PEOPLE, make_person
from models import PlacementStatus, Worker, WorkerStatus
from models.sealing import keyring

COHORT_SIZE = 1051  # the 01/11/2022 minutes: 1,051 Lào Cai workers at Huệ Hồng, 2016–2019
COHORT_STARTS = (dt.date(2016, 12, 16), dt.date(2019, 10, 31))
HUE_HONG = next(e for e in EMPLOYERS if e.name_vi == "Công ty TNHH Khoa học Kỹ thuật Huệ Hồng")
PILOT_SIZE = 12  # invented: the directive names the pilot, not its size
PILOT_STARTS = (dt.date(2017, 11, 1), dt.date(2017, 12, 20))
MEO_VAC = "VN-HG-MEOVAC"
BAISE = "AGR-HG-BS"
HEKOU = "AGR-LC-HK"
SEED = 2017  # the generated population's seed: the same identity-number permutation


def _cohort_story(index: int, stream: int, province: str, district: str, dest: str, starts: tuple) -> Story:
    rng = random.Random(stream)
    commune = rng.choice(COMMUNES[district])
    destination = DESTINATIONS[dest]
    employer = HUE_HONG if dest == "hekou" else destination.employer(rng)
    start = _day(rng, *starts)
    end = min(start + _duration(rng), PRE_COVID_END)
    low, high = employer.wage_cny
    wage = max(2500, round(rng.randrange(low, high + 1, 50) * 0.9 / 50) * 50)  # before 2020: a tenth lower
    stay = Stay(destination, employer, start, end, PlacementStatus.COMPLETED, rng.choice(employer.jobs), wage)
    registered_on = start - dt.timedelta(days=rng.randint(60, 150))
    person = make_person(rng, index, province, DISTRICT_MIX[district], registered_on, salt=SEED)
    return Story(
        index,
        rng,
        PROVINCES[province],
        district,
        commune,
        WorkerStatus.RETURNED,
        registered_on,
        [stay],
        person,
    )


def cohort_story(i: int) -> Story:
    """Worker `i` of the cited cohort: a Lào Cai worker placed at Huệ Hồng in 2016–2019."""
    rng = random.Random(1_051_000 + i)
    district = _DISTRICTS["VN-LC"].pick(rng)
    return _cohort_story(MAX_PEOPLE - 1 - i, rng.getrandbits(64), "VN-LC", district, "hekou", COHORT_STARTS)


def pilot_story(i: int) -> Story:
    """Worker `i` of the Mèo Vạc → Na Po pilot of 2017."""
    index = MAX_PEOPLE - 1 - COHORT_SIZE - i
    return _cohort_story(index, 2_017_000 + i, "VN-HG", MEO_VAC, "napo", PILOT_STARTS)


def _moved_after_reopening(stay: Stay) -> Stay:
    """A Lào Cai – Hà Khẩu stay before the closure, at the same place in the window after it."""
    first, last = FIRST_START[HEKOU], dt.date(2019, 10, 31)
    opens, closes = RESUMED[HEKOU], AS_OF - dt.timedelta(days=120)
    offset = (stay.start - first).days * (closes - opens).days // max(1, (last - first).days)
    start = opens + dt.timedelta(days=offset)
    end = None if stay.end is None else min(start + (stay.end - stay.start), AS_OF - dt.timedelta(days=3))
    return dataclasses.replace(stay, start=start, end=end)


def _pilot(s: Story, stay: Stay) -> bool:
    return s.district == MEO_VAC and stay.destination.key == "napo"


def faithful(s: Story) -> Story:
    """The generated worker kept out of the years the sources speak for (see the module's text).

    Only dates move, after the draw: the worker's person and its random stream are the generated
    one's, so `generate` still recognises the worker."""
    stays: list[Stay] = []
    for n, stay in enumerate(s.stays):
        agreement = stay.destination.agreement
        if agreement == HEKOU and stay.start < RESUMED[HEKOU]:
            if n == 0 and len(s.stays) > 1:
                continue  # an earlier trip of a worker now there: the trip is the cohort's years
            stay = _moved_after_reopening(stay)
        elif agreement == BAISE and stay.start.year == 2017 and not _pilot(s, stay):
            shift = dt.date(2018, 1, 1) - FIRST_START[BAISE]
            end = None if stay.end is None else min(stay.end + shift, PRE_COVID_END)
            stay = dataclasses.replace(stay, start=stay.start + shift, end=end)
        stays.append(stay)
    return dataclasses.replace(s, stays=stays)


def load_seeded(session: Session) -> int:
    """Adds the cited cohort and the pilot unless the database holds them; returns the workers added."""
    ring = keyring()
    first = cohort_story(0).person.national_id
    if session.scalar(select(Worker.id).where(Worker.national_id_index == ring.blind_index(first))):
        return 0
    batch = Batch(Refs.load(session), ring, _next_ids(session), DEFAULT_CROSSINGS_PER_WORKER)
    for i in range(COHORT_SIZE):
        batch.add(cohort_story(i))
    for i in range(PILOT_SIZE):
        batch.add(pilot_story(i))
    summary = GenerationSummary()
    batch.write(session, summary)
    session.commit()
    return summary.workers
