"""Each write judges its input on its own rules before anything else (issue 17, "Low"): a refused input
tells nothing of records the office may not read, and no text made only of invisible characters is kept.
"""

from __future__ import annotations

from tests import procedure_steps as steps


def _codes(result: dict) -> set[tuple[str, str]]:
    return {(e["field"], e["code"]) for e in result["errors"]}


def test_a_crossing_in_the_future_is_refused_for_its_time_alone_not_for_the_placement(as_office) -> None:
    worker = steps.register(as_office, "VN-LC")  # no placement: an exit now would break a rule
    future = steps.cross(as_office, "lc-customs", worker, "EXIT_VIETNAM", minutes_ago=-180)
    assert _codes(future) == {("crossedAt", "OUT_OF_RANGE")}
    # with a time the input accepts, the procedure's rule still answers
    now = steps.cross(as_office, "lc-customs", worker, "EXIT_VIETNAM", minutes_ago=5)
    assert _codes(now) == {("workerId", "NO_PLACEMENT")}
