"""Purpose of use: a request that reads personal data must say why, with a purpose its office may state,
and, for a purpose that needs one (`purposes.csv`, `policies.officers`), the case it is made for.

Every door that runs an office's request asks `check_purpose` (HTTP, the subscription socket, a
webhook's delivery, the command line), and the transaction that ledgers it asks `check_case_ref`
again: a door that forgot the case could not ledger a request without one."""

from __future__ import annotations

import re

from locales import N_
from policies.grants import Grant

PURPOSE_SHAPE = re.compile(r"[a-z][a-z0-9-]{1,63}")


class PurposeRefused(PermissionError):
    """Safe to show: names the problem and the purposes the office may state, nothing else.

    Like `InputError`, keeps its English template and values apart so the answer can be translated."""

    def __init__(self, template: str, **params: str) -> None:
        self.template, self.params = template, params
        super().__init__(template.format(**params))


class CaseRefMissing(PurposeRefused):
    """The purpose needs a case reference and none came with the request."""

    def __init__(self, purpose: str) -> None:
        super().__init__(N_("the purpose {purpose} needs a case reference"), purpose=purpose)
        self.purpose = purpose


def check_case_ref(grant: Grant, purpose: str | None, case_ref: str | None) -> None:
    """Refuses a purpose that needs a case reference (for the grant's office) stated without one."""
    if purpose is not None and purpose in grant.case_ref_purposes and case_ref is None:
        raise CaseRefMissing(purpose)


def check_purpose(
    grant: Grant, purpose: str | None, required: str | None = None, *, case_ref: str | None
) -> str:
    """The stated purpose if the office may state it (and, for `required`, if it is that one), with
    the case reference it needs. `case_ref` is the request's, or None where the door has none to
    carry (a webhook): a purpose that needs one is then refused."""
    allowed = ", ".join(sorted(grant.purposes)) or "none"
    if not purpose:
        raise PurposeRefused(
            "this request reads personal data: state its purpose in the X-Purpose header "
            "(your office may state: {allowed})",
            allowed=allowed,
        )
    if not PURPOSE_SHAPE.fullmatch(purpose) or purpose not in grant.purposes:
        raise PurposeRefused(
            "your office may not state this purpose (it may state: {allowed})", allowed=allowed
        )
    if required is not None and purpose != required:
        raise PurposeRefused("this request needs the purpose {required}", required=required)
    check_case_ref(grant, purpose, case_ref)
    return purpose
