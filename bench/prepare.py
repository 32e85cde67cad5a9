"""What the load process needs from a dataset, computed inside the dataset's environment.

A fresh token per office, national ID numbers to search for, the global IDs of workers whose
crossings to record, and the last crossing id (the crossings the benchmark records are deleted
after the run, so that the dataset stays the same from one run to the next).
"""

from __future__ import annotations

import datetime as dt
import json
import sys

from sqlalchemy import func, select

from bench.scenarios import OFFICES
from cli.database import open_database
from demo.generator import story
from models import AdminUnit, Crossing, HealthCheck, Incident, Placement, PoliceClearance, Worker
from models.opaque import encode_id
from policies.tokens import issue_token
from settings import Settings

SAMPLE = 200


def national_ids(seed: int, upto: int, province: str = "VN-HG") -> list[str]:
    """Identity numbers of generated workers from `province`, all present at every benchmark size."""
    found: list[str] = []
    for index in range(upto):
        s = story(seed, index)
        if s.province.code == province:
            found.append(s.person.national_id)
            if len(found) == SAMPLE:
                break
    return found


def prepare(seed: int, smallest: int) -> dict:
    sessions = open_database(Settings.load())
    with sessions() as session, session.begin():
        tokens = {code: issue_token(session, code, dt.timedelta(days=1), "bench")[1] for code in OFFICES}
        lao_cai = select(AdminUnit.id).where(AdminUnit.code == "VN-LC").scalar_subquery()
        crossers = session.scalars(
            select(Worker.id)
            .where(Worker.home_province_id == lao_cai, Worker.border_pass_sealed.is_not(None))
            .order_by(Worker.id)
            .limit(SAMPLE)
        ).all()
        last_crossing = session.scalar(select(func.max(Crossing.id))) or 0
        rows = {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Worker, Placement, Crossing, HealthCheck, PoliceClearance, Incident)
        }
    return {
        "rows": rows,
        "tokens": tokens,
        "national_ids": national_ids(seed, smallest),
        "crossing_workers": [encode_id("Worker", i) for i in crossers],
        "last_crossing_id": last_crossing,
    }


if __name__ == "__main__":  # `python -m bench.prepare < {"seed", "smallest"}`: the prepared JSON on stdout
    spec = json.load(sys.stdin)
    json.dump(prepare(spec["seed"], spec["smallest"]), sys.stdout)
