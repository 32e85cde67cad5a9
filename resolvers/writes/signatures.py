"""A focal office signs an agreement's yearly figures (`reports.signing` says what is signed).

The registry counts the figures itself, for the whole agreement (the parties' common view), and
keeps the signature only if it verifies with the office's enrolled key over their digest: a
signature stored is one the office made over the figures as they stood.
"""

from __future__ import annotations

from sqlalchemy import select

from models import OfficeSigningKey, ReportSignature
from policies.sessions import aggregate_scope
from reports.figures import agreement_figures
from reports.signing import figures_digest, verifies
from resolvers.errors import InputError
from resolvers.reports import FIRST_YEAR, LAST_YEAR, find_agreement
from resolvers.validation import Checks
from resolvers.writes.common import WriteContext
from resolvers.writes.inputs import SignReportData


def current_key(w: WriteContext) -> OfficeSigningKey | None:
    """The office's newest enrolled key."""
    return w.session.scalar(
        select(OfficeSigningKey)
        .where(OfficeSigningKey.office_id == w.grant.office.id)
        .order_by(OfficeSigningKey.enrolled_at.desc(), OfficeSigningKey.id.desc())
        .limit(1)
    )


def sign_report(w: WriteContext, data: SignReportData) -> ReportSignature:
    session = w.session
    checks = Checks()
    if not FIRST_YEAR <= data.year <= LAST_YEAR:
        checks.fail(
            "year", "must be between {first} and {last}", "OUT_OF_RANGE", first=FIRST_YEAR, last=LAST_YEAR
        )
    signature = checks.text("signature", data.signature, max_len=100)
    key = current_key(w)
    if key is None:
        checks.fail("signature", "your office has no enrolled signing key", "NO_SIGNING_KEY")
    checks.done()
    agreement = find_agreement(session, data.agreement_id)
    with aggregate_scope(session):  # the figures both parties get
        digest = figures_digest(agreement_figures(session, agreement, data.year))
    if key is None or signature is None or not verifies(key.public_key, signature, digest):
        raise InputError(
            "signature",
            "does not verify with your office's key over the digest of the figures",
            "INVALID_SIGNATURE",
        )
    row = ReportSignature(
        agreement_id=agreement.id,
        year=data.year,
        office_id=w.grant.office.id,
        key_id=key.id,
        digest=digest,
        signature=signature,
    )
    session.add(row)
    session.flush()
    return row
