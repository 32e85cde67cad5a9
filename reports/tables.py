"""The report's figures laid out as tables, once, for every format (xlsx, pdf, json).

Titles and headers are English messages (`N_`) translated where the document is written, so a new
column is one line here and its Vietnamese and Chinese come from the catalogues.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from locales import N_, english_label, gettext
from reports.figures import AgreementFigures, Flows, FlowsOf

FLOW_HEADERS = (
    N_("Sent"),
    N_("In China at year end"),
    N_("Returned"),
    N_("Absconded"),
    N_("Terminated early"),
)
MONTH = N_("Month")


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def _flows(flows: Flows) -> tuple[int, ...]:
    return (flows.sent, flows.in_china, flows.returned, flows.absconded, flows.terminated)


def _named(rows: list[FlowsOf]) -> list[tuple[Any, ...]]:
    return [(r.key, r.name_vi, r.name_zh or "", *_flows(r.flows)) for r in rows]


def heading(message: str, languages: tuple[str, ...]) -> str:
    """A title or header in each of the reader's languages, side by side."""
    return " / ".join(dict.fromkeys(gettext(message, lang) for lang in languages))


def report_tables(figures: AgreementFigures, languages: tuple[str, ...], wages: bool = True) -> list[Table]:
    """`wages=False` leaves out the wage table for readers who may not read wages."""
    named = (N_("Code"), N_("Name (Vietnamese)"), N_("Name (Chinese)"))
    quota_left = (figures.yearly_quota or 0) - figures.totals.sent
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
    if wages:
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
            (N_("Gate"), N_("Name (Vietnamese)"), N_("Name (Chinese)"), MONTH, N_("Exits"), N_("Entries")),
            [(c.gate, c.name_vi, c.name_zh or "", c.month, c.exits, c.entries) for c in figures.crossings],
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
