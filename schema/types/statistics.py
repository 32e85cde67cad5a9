"""Aggregate statistics, counted within the caller's jurisdiction."""

import strawberry

from resolvers import statistics as stats
from schema.context import Info
from schema.fields import governed
from schema.types.counts import Count


@strawberry.type(
    description='A count per key (a status, a province code, a gate code); "< 5" or "≥ 5" where withheld.'
)
class CountByKey:
    key: str
    count: Count  # type: ignore[valid-type]


def _counts(pairs: list[tuple[str, int | str]]) -> list[CountByKey]:
    return [CountByKey(key=k, count=n) for k, n in pairs]


@strawberry.type(description="Aggregates over the rows of your jurisdiction; no personal data.")
class Statistics:
    @governed("Statistics.workerCount")
    def worker_count(self, info: Info) -> int:
        return stats.worker_count(info.context.session)

    @governed("Statistics.workersByStatus")
    def workers_by_status(self, info: Info) -> list[CountByKey]:
        return _counts(stats.workers_by_status(info.context.session))

    @governed("Statistics.workersByHomeProvince")
    def workers_by_home_province(self, info: Info) -> list[CountByKey]:
        return _counts(stats.workers_by_home_province(info.context.session))

    @governed("Statistics.placementsByStatus")
    def placements_by_status(self, info: Info) -> list[CountByKey]:
        return _counts(stats.placements_by_status(info.context.session))

    @governed("Statistics.crossingsByGate")
    def crossings_by_gate(self, info: Info) -> list[CountByKey]:
        return _counts(stats.crossings_by_gate(info.context.session))
