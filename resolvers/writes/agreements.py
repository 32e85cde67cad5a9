"""Agreements and their talks minutes, kept by the labour departments."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Agreement, AgreementStatus, BorderGate, Country, TalksMinutes
from policies.side_door import past_scope
from procedure.rows import first_version
from resolvers.errors import InputError
from resolvers.validation import Checks
from resolvers.writes.common import WriteContext, find, find_unit, in_force, require_in_scope, set_status
from resolvers.writes.inputs import AddTalksMinutesData, CreateAgreementData, UpdateAgreementStatusData

# Why the check passes the row scope (`policies.side_door`): it tells no one's data, only "used".
AGREEMENT_CODE_TAKEN = "an agreement's code is used once: is this code taken"


def _code_taken(session: Session, code: str) -> bool:
    table = Agreement.__table__
    with past_scope(session, why=AGREEMENT_CODE_TAKEN) as unscoped:
        return (
            unscoped.connection().execute(select(table.c.id).where(table.c.code == code)).first() is not None
        )


def create_agreement(w: WriteContext, data: CreateAgreementData) -> Agreement:
    session = w.session
    checks = Checks()
    code = checks.pattern(
        "code", data.code, r"[A-Z0-9-]{3,64}", "must be 3-64 capital letters, digits or '-'"
    )
    title = checks.text("title", data.title, max_len=500)
    signed_on = checks.date("signedOn", data.signed_on)
    valid_from = checks.date("validFrom", data.valid_from)
    valid_to = checks.date("validTo", data.valid_to) if data.valid_to else None
    quota = checks.count("yearlyQuota", data.yearly_quota)
    units = {}
    for field, code_value, country in (
        ("vietnamesePartyCode", data.vietnamese_party_code, Country.VN),
        ("chinesePartyCode", data.chinese_party_code, Country.CN),
    ):
        try:
            unit = find_unit(session, field, code_value)
            if unit.country != country:
                checks.fail(field, f"must be a unit in {country.value}", "INVALID")
            units[field] = unit
        except InputError as exc:
            checks.errors.append(exc)
    gates = list(session.scalars(select(BorderGate).where(BorderGate.code.in_(data.border_gate_codes or []))))
    if len(gates) != len(set(data.border_gate_codes or [])):
        checks.fail("borderGateCodes", "contains an unknown border gate code", "NOT_FOUND")
    for field, unit in units.items():
        # An agreement binds units that exist when it starts: not one a reorganisation has closed.
        if valid_from is not None and not in_force(unit, valid_from):
            checks.fail(field, "is not an administrative unit in force on validFrom", "UNIT_NOT_CURRENT")
    if valid_from and valid_to and valid_to < valid_from:
        checks.fail("validTo", "must not be before validFrom", "OUT_OF_RANGE")
    if code and _code_taken(session, code):
        checks.fail("code", "is already used", "DUPLICATE")
    checks.done()
    agreement = Agreement(
        code=code,
        title=title,
        vn_unit_id=units["vietnamesePartyCode"].id,
        cn_unit_id=units["chinesePartyCode"].id,
        signed_on=signed_on,
        valid_from=valid_from,
        valid_to=valid_to,
        yearly_quota=quota,
        status=AgreementStatus.ACTIVE,
        gates=gates,
    )
    session.add(agreement)
    require_in_scope(session, agreement, "vietnamesePartyCode")
    session.add(first_version(agreement))
    session.flush()
    return agreement


def update_agreement_status(w: WriteContext, data: UpdateAgreementStatusData) -> Agreement:
    return set_status(w.session, Agreement, "agreementId", data.agreement_id, "Agreement", data.status)


def add_talks_minutes(w: WriteContext, data: AddTalksMinutesData) -> TalksMinutes:
    session = w.session
    checks = Checks()
    agreement = find(session, Agreement, "agreementId", data.agreement_id, "Agreement")
    minutes = TalksMinutes(
        agreement_id=agreement.id,
        held_on=checks.date("heldOn", data.held_on),
        vn_delegation=checks.text("vietnameseDelegation", data.vietnamese_delegation, max_len=4000),
        cn_delegation=checks.text("chineseDelegation", data.chinese_delegation, max_len=4000),
        summary=checks.text("summary", data.summary, max_len=20000),
    )
    checks.done()
    session.add(minutes)
    session.flush()
    return minutes
