"""The officer a token was issued to, as the API shows them (`me`, `Worker.disclosures`)."""

from __future__ import annotations

import strawberry

from ledger.entries import Officer as LedgerOfficer


@strawberry.type(description="The officer a token was issued to; the ledger names them on every entry.")
class Officer:
    id: str = strawberry.field(description="The identifier the office gave the officer.")
    name: str | None


def officer_of(officer_id: str | None, name: str | None) -> Officer | None:
    return None if officer_id is None else Officer(id=officer_id, name=name)


def shown(officer: LedgerOfficer | None) -> Officer | None:
    return None if officer is None else Officer(id=officer.id, name=officer.name)
