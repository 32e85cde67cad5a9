"""The procedure's data as the models' values: an agreement's first requirement row, and the status
changes an office may make by hand (`transitions.csv`) as pairs of `WorkerStatus`.

Kept apart from the package's own module, which reads the same files without loading the tables.
"""

from __future__ import annotations

from functools import cache

from models import Agreement, AgreementRequirements, WorkerStatus
from procedure import HERE, default_row_values


def first_version(agreement: Agreement) -> AgreementRequirements:
    """An agreement's first requirement set: the defaults, in force from the agreement's first day."""
    return AgreementRequirements(
        agreement_id=agreement.id, valid_from=agreement.valid_from, **default_row_values()
    )


@cache
def manual_transitions() -> frozenset[tuple[WorkerStatus, WorkerStatus]]:
    pairs = set()
    for line in (HERE / "transitions.csv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            origin, target, _ = (part.strip() for part in line.split(",", 2))
            pairs.add((WorkerStatus(origin), WorkerStatus(target)))
    return frozenset(pairs)
