"""The write half of the decision point: a mutation runs only if the grant holds its duty.

The schema already hides mutations an office has no duty for; this check is the second lock,
so that a schema built from a stale policy can never write.
"""

from __future__ import annotations

from policies.grants import Grant


class DutyRefused(PermissionError):
    """Keeps its English template and values apart, so the answer can be translated."""

    def __init__(self, template: str, **params: str) -> None:
        self.template, self.params = template, params
        super().__init__(template.format(**params))


def require_duty(grant: Grant, duty: str) -> None:
    if not grant.can_write(duty):
        raise DutyRefused("your office has no duty to {duty}", duty=duty)
