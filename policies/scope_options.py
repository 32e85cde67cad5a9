"""The row scope as loader options, made once per grant's scope and keyed once.

SQLAlchemy keys every statement it runs, to find its compiled form in the cache, and the key of an
ORM SELECT includes its options: the session hook (`policies.sessions`) adds one
`with_loader_criteria` per scoped model, so each statement walked nine criteria trees again, the
partner offices' with their windows. Measured on the demo (SQLite, `cn-hekou`, one worker by id
and a page of placements in a session of their own): 5.9 ms of CPU, 60 % of it that walk.

A `ScopeCriteria` is an ordinary loader criteria option that remembers its key: the criteria are
immutable SQL (the units, employers and the registry's day they name are read when a statement
runs, through bound parameters), so the key of one option object never changes. It is worked out
the first time, on the option alone, with the bound parameters it met; every later statement gets
that key and the same parameters, in the order a walk would have met them, so the values the
statement binds are taken from the parameters as before. An option whose walk would mark the
statement uncacheable, or carry parameters of its own, is walked every time, as SQLAlchemy would.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy.orm.util import LoaderCriteriaOption
from sqlalchemy.sql.cache_key import CacheConst
from sqlalchemy.sql.visitors import anon_map as AnonMap

from policies.grants import Grant
from policies.scopes import ScopeKey, criteria_for, scope_key

_Kept = tuple[tuple[Any, ...], tuple[Any, ...]]  # the key, and the bound parameters met on the way


class ScopeCriteria(LoaderCriteriaOption):
    __slots__ = ("_kept",)
    # keyed by the same walk as a `with_loader_criteria` (SQLAlchemy reads this from the class itself)
    _traverse_internals = LoaderCriteriaOption._traverse_internals

    def __init__(self, entity: type, criterion: Any) -> None:
        super().__init__(entity, criterion, include_aliases=True)
        self._kept: _Kept | None = None

    def _gen_cache_key(self, anon_map: Any, bindparams: list[Any]) -> Any:
        kept = self._kept
        if kept is None:
            own: AnonMap = AnonMap()
            met: list[Any] = []
            key = super()._gen_cache_key(own, met)
            if CacheConst.NO_CACHE in own or CacheConst.PARAMS in own:
                return super()._gen_cache_key(anon_map, bindparams)
            kept = self._kept = (key, tuple(met))
        bindparams.extend(kept[1])
        return kept[0]


def scope_options(grant: Grant, windowed: bool = True) -> list[ScopeCriteria]:
    """The options a scoped session adds to each ORM SELECT: the grant's row criteria, with the
    partner windows (`windowed`) or without them (the yearly figures, `aggregate_scope`)."""
    return list(_options(scope_key(grant, windowed)))


@lru_cache(maxsize=1024)
def _options(key: ScopeKey) -> tuple[ScopeCriteria, ...]:
    return tuple(ScopeCriteria(model, criterion) for model, criterion in criteria_for(key).items())
