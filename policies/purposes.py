"""Purpose of use: a request that reads personal data must say why, with a purpose its office may state."""

from __future__ import annotations

import re

from policies.grants import Grant

PURPOSE_SHAPE = re.compile(r"[a-z][a-z0-9-]{1,63}")


class PurposeRefused(PermissionError):
    """Safe to show: names the problem and the purposes the office may state, nothing else."""


def check_purpose(grant: Grant, purpose: str | None) -> str:
    allowed = ", ".join(sorted(grant.purposes)) or "none"
    if not purpose:
        raise PurposeRefused(
            f"this request reads personal data: state its purpose in the X-Purpose header "
            f"(your office may state: {allowed})"
        )
    if not PURPOSE_SHAPE.fullmatch(purpose) or purpose not in grant.purposes:
        raise PurposeRefused(f"your office may not state this purpose (it may state: {allowed})")
    return purpose
