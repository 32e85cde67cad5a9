"""The figures as one reader may see them: the one place the small-cell rule meets the figures.

Every format (GraphQL, xlsx, PDF, JSON) renders what `for_reader` returns, and the compiled read
engine hands `agreementReport` to the reference engine, so all of them show the same cells.
A breakdown's counts go through `policies.cells.SmallCells` with the field the breakdown is by; the
parts that say what a field rule governs (wages, fees, arrears, ethnicity) are left out whole for a
reader who may not read that field, as the schema leaves their GraphQL fields out.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from policies.cells import Cell, SmallCells
from reports.evaluation import Group
from reports.figures import AgreementFigures, Flows, FlowsOf

# The field each breakdown is by (the policy's resource name).
BY_EMPLOYER = "Placement.employer"
BY_DISTRICT = "Worker.homeDistrict"
BY_SEX = "Worker.sex"
BY_AGE = "Worker.dateOfBirth"
BY_ETHNICITY = "Worker.ethnicity"
BY_KIND = "Incident.kind"
BY_GATE = "Crossing.gate"
BY_MONTH = "Placement.startDate"

# The parts left out whole, and the field a reader must read to get each.
SECTIONS = {
    "wages": "Placement.monthlyWageCny",
    "recruitment": "Placement.recruitmentFeeVnd",
    "arrears": "WageArrears.amountCny",
    "by_ethnicity": BY_ETHNICITY,
}
EMPTY: dict[str, Any] = {"wages": [], "recruitment": None, "arrears": None, "by_ethnicity": []}


def _count(cells: SmallCells, resource: str, value: Cell) -> Cell:
    return cells.shown(resource, value) if isinstance(value, int) else value


def _flows(cells: SmallCells, resource: str, flows: Flows) -> Flows:
    return Flows(*(_count(cells, resource, getattr(flows, f.name)) for f in dataclasses.fields(Flows)))


def _named(cells: SmallCells, resource: str, rows: list[FlowsOf]) -> list[FlowsOf]:
    return [dataclasses.replace(r, flows=_flows(cells, resource, r.flows)) for r in rows]


def _groups(cells: SmallCells, resource: str, rows: list[Group]) -> list[Group]:
    def shown(value: Cell) -> Cell:
        return _count(cells, resource, value)

    return [
        dataclasses.replace(
            g,
            sent=shown(g.sent),
            in_china=shown(g.in_china),
            returned=shown(g.returned),
            absconded=shown(g.absconded),
            terminated=shown(g.terminated),
        )
        for g in rows
    ]


def for_reader(figures: AgreementFigures, cells: SmallCells) -> AgreementFigures:
    """The figures with every small cell of a breakdown the reader may not read shown as "< 5"."""
    withheld = frozenset(part for part, resource in SECTIONS.items() if cells.withholds(resource))
    months = []
    for m in figures.quota_by_month:
        sent, to_date = _count(cells, BY_MONTH, m.sent), _count(cells, BY_MONTH, m.sent_to_date)
        # What is left of the quota would give the count withheld back.
        left = m.quota_left if isinstance(to_date, int) else None
        months.append(dataclasses.replace(m, sent=sent, sent_to_date=to_date, quota_left=left))
    shown = dataclasses.replace(
        figures,
        by_employer=_named(cells, BY_EMPLOYER, figures.by_employer),
        by_district=_named(cells, BY_DISTRICT, figures.by_district),
        by_sex=_groups(cells, BY_SEX, figures.by_sex),
        by_age_band=_groups(cells, BY_AGE, figures.by_age_band),
        by_ethnicity=_groups(cells, BY_ETHNICITY, figures.by_ethnicity),
        incidents=[dataclasses.replace(i, count=_count(cells, BY_KIND, i.count)) for i in figures.incidents],
        wages=[
            dataclasses.replace(w, placements=_count(cells, BY_EMPLOYER, w.placements)) for w in figures.wages
        ],
        quotas=[
            dataclasses.replace(
                q, sent=_count(cells, BY_EMPLOYER, q.sent), in_china=_count(cells, BY_EMPLOYER, q.in_china)
            )
            for q in figures.quotas
        ],
        crossings=[
            dataclasses.replace(
                c, exits=_count(cells, BY_GATE, c.exits), entries=_count(cells, BY_GATE, c.entries)
            )
            for c in figures.crossings
        ],
        in_china_by_month=[_count(cells, BY_MONTH, n) for n in figures.in_china_by_month],
        quota_by_month=months,
        withheld=withheld,
    )
    return dataclasses.replace(shown, **{part: EMPTY[part] for part in withheld})
