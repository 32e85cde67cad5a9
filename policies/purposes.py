"""Purpose of use: a request that reads personal data must say why, with a purpose its office may state."""

from __future__ import annotations

import re

from policies.grants import Grant

PURPOSE_SHAPE = re.compile(r"[a-z][a-z0-9-]{1,63}")


class PurposeRefused(PermissionError):
    """Safe to show: names the problem and the purposes the office may state, nothing else.

    Like `InputError`, keeps its English template and values apart so the answer can be translated."""

    def __init__(self, template: str, **params: str) -> None:
        self.template, self.params = template, params
        super().__init__(template.format(**params))


def check_purpose(grant: Grant, purpose: str | None, required: str | None = None) -> str:
    """The stated purpose if the office may state it (and, for `required`, if it is that one)."""
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
    return purpose
