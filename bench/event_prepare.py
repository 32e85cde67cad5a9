"""Workers the events benchmark can record crossings for, computed inside the dataset's environment:
`python -m bench.event_prepare < {} > {"workers": {global id: next direction}}`.

An exit needs a planned or active placement whose agreement lists the gate (`procedure.rules`), and
exits and entries alternate: so workers with an active placement who have left by the Hekou gate
before, each with the direction after its last crossing.
"""

from __future__ import annotations

import json
import sys

from sqlalchemy import func, select

from bench.scenarios import GATE
from cli.database import open_database
from models import BorderGate, Crossing, Direction, Placement, PlacementStatus
from models.opaque import encode_id
from settings import Settings

SAMPLE = 200
NEXT = {Direction.EXIT_VIETNAM: "ENTER_VIETNAM", Direction.ENTER_VIETNAM: "EXIT_VIETNAM"}


def workers() -> dict[str, str]:
    sessions = open_database(Settings.load())
    with sessions() as session:
        left = (
            select(Crossing.worker_id)
            .join(BorderGate, BorderGate.id == Crossing.gate_id)
            .where(BorderGate.code == GATE, Crossing.direction == Direction.EXIT_VIETNAM)
        )
        ids = session.scalars(
            select(Placement.worker_id)
            .where(Placement.status == PlacementStatus.ACTIVE, Placement.worker_id.in_(left))
            .distinct()
            .order_by(Placement.worker_id)
            .limit(SAMPLE)
        ).all()
        last = (
            select(Crossing.worker_id, func.max(Crossing.crossed_at).label("at"))
            .where(Crossing.worker_id.in_(ids))
            .group_by(Crossing.worker_id)
            .subquery()
        )
        rows = session.execute(
            select(Crossing.worker_id, Crossing.direction).join(
                last, (last.c.worker_id == Crossing.worker_id) & (last.c.at == Crossing.crossed_at)
            )
        ).all()
    return {encode_id("Worker", w): NEXT[d] for w, d in rows}


if __name__ == "__main__":
    json.load(sys.stdin)
    json.dump({"workers": workers()}, sys.stdout)
