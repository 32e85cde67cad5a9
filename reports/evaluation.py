"""The evaluation's figures beyond the five counts (issue 22): breakdowns by sex, age band and
ethnicity, recruitment cost (SDG 10.7.1), wage arrears, injuries, returns and quota use by month.

Counted inside the caller's row scope, as `reports.figures` counts, from the same placements of the
agreement, by the same definitions (a placement is *sent* in the year when it started in it, and so
on), so a breakdown's groups add up to the totals. The definitions that are choices (age bands, the
return window, exchange rates) are data: `reports/evaluation.toml`.
"""

from __future__ import annotations

import datetime as dt
import statistics
import tomllib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from locales import label
from models import (
    Crossing,
    Direction,
    Incident,
    IncidentKind,
    Placement,
    PlacementStatus,
    WageArrears,
    Worker,
)

DEFINITIONS = Path(__file__).with_name("evaluation.toml")
CENT = Decimal("0.01")


@cache
def definitions() -> dict[str, Any]:
    return tomllib.loads(DEFINITIONS.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Group:
    """The five counts of one group of workers (a sex, an age band, an ethnicity)."""

    key: str
    name_vi: str
    name_zh: str | None
    sent: int | str = 0
    in_china: int | str = 0
    returned: int | str = 0
    absconded: int | str = 0
    terminated: int | str = 0


@dataclass(frozen=True)
class RecruitmentCost:
    placements: int  # sent in the year with the fees recorded
    median_fee_vnd: Decimal | None
    with_contract_wage: int  # of those, with a contract wage the rates convert
    median_months_of_wage: Decimal | None


@dataclass(frozen=True)
class Arrears:
    cases: int  # reported in the year
    amount_cny: Decimal
    settled: int
    amount_settled_cny: Decimal
    median_days_to_settle: float | None


@dataclass(frozen=True)
class Injuries:
    injuries: int  # injury incidents that occurred in the year
    placements: int  # placements in force during the year
    per_thousand: float | None


@dataclass(frozen=True)
class Returns:
    ended: int  # completed or terminated in the year
    on_time: int
    late: int
    not_returned: int


@dataclass(frozen=True)
class QuotaMonth:
    month: int
    sent: int | str
    sent_to_date: int | str
    quota_left: int | None


@dataclass(frozen=True)
class Row:
    """One placement of the agreement, with what the breakdowns need of its worker."""

    id: int
    worker_id: int
    status: PlacementStatus
    start: dt.date
    end: dt.date | None
    sex: str
    born: dt.date
    ethnicity: str | None
    fee_vnd: int | None
    wage: Decimal | None
    currency: str | None


class Year:
    """The definitions of `reports.figures`, for one placement at a time."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.first, self.last = dt.date(year, 1, 1), dt.date(year, 12, 31)

    @staticmethod
    def started(r: Row) -> bool:
        return r.status != PlacementStatus.PLANNED

    def sent(self, r: Row) -> bool:
        return self.started(r) and self.first <= r.start <= self.last

    def in_china(self, r: Row, day: dt.date | None = None) -> bool:
        day = day or self.last
        return self.started(r) and r.start <= day and (r.end is None or r.end > day)

    def ended_as(self, r: Row, status: PlacementStatus) -> bool:
        return r.status == status and r.end is not None and self.first <= r.end <= self.last

    def in_force(self, r: Row) -> bool:
        return self.started(r) and r.start <= self.last and (r.end is None or r.end >= self.first)


# The workers' table, not the scoped `Worker` entity: as in `reports.figures`, a worker de-identified
# by retention still counts in the groups of past years.
_WORKERS = Worker.__table__.alias("evaluation_workers")


def placement_rows(session: Session, agreement_id: int) -> list[Row]:
    w = _WORKERS.c
    stmt = (
        select(
            Placement.id,
            Placement.worker_id,
            Placement.status,
            Placement.start_date,
            Placement.end_date,
            w.sex,
            w.date_of_birth,
            w.ethnicity,
            Placement.recruitment_fee_vnd,
            Placement.contract_wage,
            Placement.contract_currency,
        )
        .join(_WORKERS, w.id == Placement.worker_id)
        .where(Placement.agreement_id == agreement_id)
    )
    return [
        Row(r[0], r[1], PlacementStatus(r[2]), r[3], r[4], str(getattr(r[5], "value", r[5])), *r[6:])
        for r in session.execute(stmt)
    ]


def _group(key: str, name_vi: str, name_zh: str | None, rows: list[Row], y: Year) -> Group:
    return Group(
        key,
        name_vi,
        name_zh,
        sum(y.sent(r) for r in rows),
        sum(y.in_china(r) for r in rows),
        sum(y.ended_as(r, PlacementStatus.COMPLETED) for r in rows),
        sum(y.ended_as(r, PlacementStatus.ABSCONDED) for r in rows),
        sum(y.ended_as(r, PlacementStatus.TERMINATED) for r in rows),
    )


def _counted(g: Group) -> bool:
    return any((g.sent, g.in_china, g.returned, g.absconded, g.terminated))


def groups(
    rows: Iterable[Row], y: Year, key: Callable[[Row], str], names: Callable[[str], tuple[str, str | None]]
) -> list[Group]:
    """The five counts per group, in the groups' order; a group with nothing to count is absent."""
    grouped: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        grouped[key(r)].append(r)
    found = [_group(k, *names(k), v, y) for k, v in sorted(grouped.items())]
    return [g for g in found if _counted(g)]


def sex_of(r: Row) -> str:
    return r.sex.upper()


def sex_names(key: str) -> tuple[str, str | None]:
    return label(key, "vi"), label(key, "zh")


def age_band_of(born: dt.date, start: dt.date) -> str:
    age = start.year - born.year - ((start.month, start.day) < (born.month, born.day))
    bounds: list[int] = definitions()["age_bands"]
    if age < bounds[0]:
        return f"<{bounds[0]}"
    for low, high in zip(bounds, bounds[1:], strict=False):
        if age < high:
            return f"{low}-{high - 1}"
    return f"{bounds[-1]}+"


def band_names(key: str) -> tuple[str, str | None]:
    return key, key


def ethnicity_names(key: str) -> tuple[str, str | None]:
    return key, None


def recruitment_cost(rows: list[Row], y: Year) -> RecruitmentCost:
    """Fees the workers sent in the year paid, and those fees in months of the contract wage."""
    paid = [r for r in rows if y.sent(r) and r.fee_vnd is not None]
    rates: dict[str, dict[str, int]] = definitions()["vnd_per_unit"]
    months = []
    for r in paid:
        by_year = rates.get(r.currency or "", {})
        rate = by_year.get(str(r.start.year), by_year.get("all"))
        if r.wage and rate:
            months.append(Decimal(r.fee_vnd or 0) / (r.wage * rate))
    fees = [Decimal(r.fee_vnd or 0) for r in paid]
    return RecruitmentCost(
        len(paid),
        Decimal(statistics.median(fees)).quantize(CENT) if fees else None,
        len(months),
        Decimal(statistics.median(months)).quantize(CENT) if months else None,
    )


def arrears(session: Session, agreement_id: int, y: Year) -> Arrears:
    cases = session.execute(
        select(
            WageArrears.amount_cny,
            WageArrears.reported_on,
            WageArrears.settled_on,
            WageArrears.amount_settled_cny,
        )
        .join(Placement, Placement.id == WageArrears.placement_id)
        .where(Placement.agreement_id == agreement_id, WageArrears.reported_on.between(y.first, y.last))
    ).all()
    settled = [c for c in cases if c.settled_on is not None]
    days = [(c.settled_on - c.reported_on).days for c in settled]
    return Arrears(
        len(cases),
        sum((Decimal(c.amount_cny) for c in cases), Decimal(0)).quantize(CENT),
        len(settled),
        sum((Decimal(c.amount_settled_cny or 0) for c in settled), Decimal(0)).quantize(CENT),
        float(statistics.median(days)) if days else None,
    )


def injuries(session: Session, agreement_id: int, rows: list[Row], y: Year) -> Injuries:
    count = len(
        session.scalars(
            select(Incident.id)
            .join(Placement, Placement.id == Incident.placement_id)
            .where(
                Placement.agreement_id == agreement_id,
                Incident.kind == IncidentKind.INJURY,
                Incident.occurred_on.between(y.first, y.last),
            )
        ).all()
    )
    in_force = sum(y.in_force(r) for r in rows)
    return Injuries(count, in_force, round(count * 1000 / in_force, 1) if in_force else None)


def returns(session: Session, rows: list[Row], y: Year) -> Returns:
    """Of the placements completed or terminated in the year, whose worker entered Vietnam within the
    window after the end (on time), later (late), or not yet. Days are UTC days, as the months are."""
    ended = [
        r
        for r in rows
        if y.ended_as(r, PlacementStatus.COMPLETED) or y.ended_as(r, PlacementStatus.TERMINATED)
    ]
    entries: dict[int, list[dt.date]] = defaultdict(list)
    workers = sorted({r.worker_id for r in ended})
    for start in range(0, len(workers), 500):
        for worker_id, at in session.execute(
            select(Crossing.worker_id, Crossing.crossed_at).where(
                and_(
                    Crossing.worker_id.in_(workers[start : start + 500]),
                    Crossing.direction == Direction.ENTER_VIETNAM,
                    Crossing.voided_at.is_(None),
                )
            )
        ):
            entries[worker_id].append(at.astimezone(dt.UTC).date())
    within = dt.timedelta(days=definitions()["return_within_days"])
    on_time = late = 0
    for r in ended:
        after = [day for day in entries[r.worker_id] if r.end is not None and day >= r.end]
        if after and r.end is not None and min(after) <= r.end + within:
            on_time += 1
        elif after:
            late += 1
    return Returns(len(ended), on_time, late, len(ended) - on_time - late)


def quota_by_month(rows: list[Row], y: Year, yearly_quota: int | None) -> list[QuotaMonth]:
    months = []
    to_date = 0
    for month in range(1, 13):
        sent = sum(1 for r in rows if y.sent(r) and r.start.month == month)
        to_date += sent
        left = yearly_quota - to_date if yearly_quota is not None else None
        months.append(QuotaMonth(month, sent, to_date, left))
    return months


def figures(session: Session, agreement_id: int, yearly_quota: int | None, year: int) -> dict[str, Any]:
    """The figures of this module for `reports.figures.AgreementFigures`, by field name."""
    y, rows = Year(year), placement_rows(session, agreement_id)
    return {
        "by_sex": groups(rows, y, sex_of, sex_names),
        "by_age_band": groups(rows, y, lambda r: age_band_of(r.born, r.start), band_names),
        "by_ethnicity": groups(
            [r for r in rows if r.ethnicity], y, lambda r: r.ethnicity or "", ethnicity_names
        ),
        "recruitment": recruitment_cost(rows, y),
        "arrears": arrears(session, agreement_id, y),
        "injuries": injuries(session, agreement_id, rows, y),
        "returns": returns(session, rows, y),
        "quota_by_month": quota_by_month(rows, y, yearly_quota),
    }
