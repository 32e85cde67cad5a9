"""An office's row scope is SQL that every office of its kind shares once compiled: the rows each
sees are bound when its statement runs, never kept from the office that compiled it first.

In-process, through scoped sessions (the path of the reference engine, writes, files and reports):
the expectation is what each office sees with SQLAlchemy's statement cache empty.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

import models
from policies.sessions import internal_session, scoped_session
from policies.tokens import identity_of
from service.registry import Registry

# Two offices of one role (a province's labour department) over different provinces, and two
# partner offices over different Chinese prefectures.
PAIRS = [("lc-home-affairs", "tq-home-affairs"), ("cn-hekou", "cn-napo")]


def _seen(registry: Registry, code: str) -> dict[str, list[int]]:
    with internal_session(registry.sessions) as session:
        office = session.scalars(select(models.Office).where(models.Office.code == code)).one()
        grant = registry.access.grant_for(identity_of(office))
    with scoped_session(registry.sessions, grant) as session:
        return {
            model.__name__: list(session.scalars(select(model.id).order_by(model.id)))
            for model in (models.Worker, models.Placement, models.Crossing)
        }


@pytest.mark.parametrize("pair", PAIRS, ids=["-".join(p) for p in PAIRS])
def test_an_office_sees_the_same_rows_whichever_office_of_its_kind_read_before_it(
    registry: Registry, pair: tuple[str, str]
) -> None:
    cold = {}
    for code in pair:
        registry.engine.clear_compiled_cache()
        cold[code] = _seen(registry, code)
    first, second = pair
    assert cold[first]["Worker"] and cold[second]["Worker"]
    assert not set(cold[first]["Worker"]) & set(cold[second]["Worker"])  # provinces, prefectures apart
    # Each office's statements now come from the cache, compiled for the other office.
    for code in (first, second, first):
        assert _seen(registry, code) == cold[code], code
