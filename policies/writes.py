"""The write half of the decision point: a mutation runs only if the grant holds its duty.

The schema already hides mutations an office has no duty for; this check is the second lock,
so that a schema built from a stale policy can never write.
"""

from __future__ import annotations

from policies.grants import Grant


class DutyRefused(PermissionError):
    pass


def require_duty(grant: Grant, duty: str) -> None:
    if not grant.can_write(duty):
        raise DutyRefused(f"your office has no duty to {duty}")
