"""The report's figures laid out as tables, once, for every format (xlsx, pdf, json).

Titles and headers are English messages (`N_`) translated where the document is written, so a new
column is one line here and its Vietnamese and Chinese come from the catalogues.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from locales import N_, english_label, gettext
from reports.evaluation import Group
from reports.figures import AgreementFigures, Flows, FlowsOf

FLOW_HEADERS = (
    N_("Sent"),
    N_("In China at year end"),
    N_("Returned"),
    N_("Absconded"),
    N_("Terminated early"),
)
MONTH = N_("Month")
MONTHS = tuple(f"{m:02d}" for m in range(1, 13))


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def _flows(flows: Flows) -> tuple[int | str, ...]:
    return (flows.sent, flows.in_china, flows.returned, flows.absconded, flows.terminated)


def _named(rows: list[FlowsOf]) -> list[tuple[Any, ...]]:
    return [(r.key, r.name_vi, r.name_zh or "", *_flows(r.flows)) for r in rows]


def gate_months(figures: AgreementFigures, languages: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """Crossings as a gate × month table: one row of exits and one of entries per gate."""
    gates: dict[str, tuple[str, str]] = {}
    counts: dict[tuple[str, str], list[int | str]] = {}
    for c in figures.crossings:
        gates[c.gate] = (c.name_vi, c.name_zh or "")
        for direction, n in (("exit", c.exits), ("entry", c.entries)):
            cells = counts.setdefault((c.gate, direction), [0] * 12)
            before = cells[c.month - 1]
            # A count withheld as "< 5" stays as it is shown (one figure per gate, month, direction).
            cells[c.month - 1] = before + n if isinstance(before, int) and isinstance(n, int) else n
    rows = []
    for gate, (vi, zh) in gates.items():
        for direction, label in (("exit", N_("Exits")), ("entry", N_("Entries"))):
            months = counts[(gate, direction)]
            # No total beside a withheld month: the total would give it back.
            whole = [m for m in months if isinstance(m, int)]
            total = sum(whole) if len(whole) == len(months) else None
            rows.append((gate, vi, zh, heading(label, languages), *months, total))
    return rows


def _grouped(rows: list[Group]) -> list[tuple[Any, ...]]:
    return [
        (g.key, g.name_vi, g.name_zh or "", g.sent, g.in_china, g.returned, g.absconded, g.terminated)
        for g in rows
    ]


def evaluation_tables(figures: AgreementFigures) -> list[Table]:
    """The breakdowns and protection figures of issue 22; a part withheld from the reader is absent."""
    group = (N_("Group"), N_("Name (Vietnamese)"), N_("Name (Chinese)"), *FLOW_HEADERS)
    tables = [
        Table("by_sex", N_("By sex"), group, _grouped(figures.by_sex)),
        Table("by_age_band", N_("By age band at the start"), group, _grouped(figures.by_age_band)),
    ]
    if "by_ethnicity" not in figures.withheld:
        tables.append(Table("by_ethnicity", N_("By ethnicity"), group, _grouped(figures.by_ethnicity)))
    r = figures.recruitment
    if r is not None and "recruitment" not in figures.withheld:
        tables.append(
            Table(
                "recruitment",
                N_("Recruitment cost (SDG 10.7.1)"),
                (
                    N_("Placements with fees recorded"),
                    N_("Median fee (VND)"),
                    N_("With a contract wage"),
                    N_("Median months of the contract wage"),
                ),
                [(r.placements, r.median_fee_vnd, r.with_contract_wage, r.median_months_of_wage)],
            )
        )
    a = figures.arrears
    if a is not None and "arrears" not in figures.withheld:
        tables.append(
            Table(
                "arrears",
                N_("Wage arrears"),
                (
                    N_("Cases"),
                    N_("Amount (CNY)"),
                    N_("Settled"),
                    N_("Amount settled (CNY)"),
                    N_("Median days to settle"),
                ),
                [(a.cases, a.amount_cny, a.settled, a.amount_settled_cny, a.median_days_to_settle)],
            )
        )
    i, t = figures.injuries, figures.returns
    if i is not None:
        tables.append(
            Table(
                "injuries",
                N_("Injuries"),
                (N_("Injuries"), N_("Placements in force"), N_("Per 1,000 placements")),
                [(i.injuries, i.placements, i.per_thousand)],
            )
        )
    if t is not None:
        tables.append(
            Table(
                "returns",
                N_("Returns"),
                (N_("Ended"), N_("Returned on time"), N_("Returned late"), N_("Not returned")),
                [(t.ended, t.on_time, t.late, t.not_returned)],
            )
        )
    tables.append(
        Table(
            "quota_by_month",
            N_("Quota use by month"),
            (MONTH, N_("Sent"), N_("Sent to date"), N_("Quota left")),
            [(m.month, m.sent, m.sent_to_date, m.quota_left) for m in figures.quota_by_month],
        )
    )
    return tables


def heading(message: str, languages: tuple[str, ...]) -> str:
    """A title or header in each of the reader's languages, side by side."""
    return " / ".join(dict.fromkeys(gettext(message, lang) for lang in languages))


def report_tables(figures: AgreementFigures, languages: tuple[str, ...], wages: bool = True) -> list[Table]:
    """`wages=False` leaves out the wage table for readers who may not read wages."""
    named = (N_("Code"), N_("Name (Vietnamese)"), N_("Name (Chinese)"))
    quota_left = (figures.yearly_quota or 0) - int(figures.totals.sent)  # totals are never withheld
    tables = [
        Table(
            "totals",
            N_("Totals"),
            (N_("Yearly quota"), *FLOW_HEADERS, N_("Quota left")),
            [(figures.yearly_quota, *_flows(figures.totals), quota_left if figures.yearly_quota else None)],
        ),
        Table("by_employer", N_("By employer"), (*named, *FLOW_HEADERS), _named(figures.by_employer)),
        Table("by_district", N_("By home district"), (*named, *FLOW_HEADERS), _named(figures.by_district)),
        Table(
            "incidents",
            N_("Incidents"),
            (N_("Kind"), N_("Status"), N_("Count")),
            [
                (
                    heading(english_label(i.kind), languages),
                    heading(english_label(i.status), languages),
                    i.count,
                )
                for i in figures.incidents
            ]
            + [(heading(N_("Median days to resolve"), languages), "", figures.median_days_to_resolve)],
        ),
    ]
    tables += evaluation_tables(figures)
    if wages and "wages" not in figures.withheld:
        tables.append(
            Table(
                "wages",
                N_("Monthly wages (CNY)"),
                (*named, N_("Placements"), N_("Minimum"), N_("Median"), N_("Mean"), N_("Maximum")),
                [
                    (w.key, w.name_vi, w.name_zh or "", w.placements, w.minimum, w.median, w.mean, w.maximum)
                    for w in figures.wages
                ],
            )
        )
    tables += [
        Table(
            "quota",
            N_("Quota use by employer"),
            (*named, N_("Approved quota"), N_("Sent"), N_("In China at year end")),
            [(q.key, q.name_vi, q.name_zh or "", q.approved, q.sent, q.in_china) for q in figures.quotas],
        ),
        Table(
            "crossings",
            N_("Crossings by gate and month"),
            (
                N_("Gate"),
                N_("Name (Vietnamese)"),
                N_("Name (Chinese)"),
                N_("Direction"),
                *MONTHS,
                N_("Total"),
            ),
            gate_months(figures, languages),
        ),
        Table(
            "in_china_by_month",
            N_("Workers in China by month"),
            (MONTH, N_("In China at month end")),
            [(m + 1, n) for m, n in enumerate(figures.in_china_by_month)],
        ),
        Table(
            "minutes",
            N_("Talks minutes"),
            (N_("Held on"), N_("Vietnamese delegation"), N_("Chinese delegation"), N_("Summary")),
            [(m.held_on, m.vn_delegation, m.cn_delegation, m.summary) for m in figures.minutes],
        ),
        Table(
            "action_items",
            N_("Action items of last year's talks"),
            (N_("Held on"), N_("Task (Vietnamese)"), N_("Task (Chinese)"), N_("Owner office"), N_("Due on"))
            + (N_("Status"), N_("Follow-up"), N_("Overdue")),
            [
                (i.held_on, i.text_vi, i.text_zh, i.owner_office, i.due_on, i.status, i.follow_up)
                + (heading(N_("overdue"), languages) if i.overdue else "",)
                for i in figures.action_items
            ],
        ),
    ]
    return tables
