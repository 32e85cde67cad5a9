"""Which causes of a status change an office may see: the record that caused it must be readable.

A status change names the write that caused it. `CLEARED -> REGISTERED, cause recordPoliceClearance`
tells a reader that a police clearance came back NOT_CLEAR, which an office that may not read police
clearances must not learn from the history. So a cause is shown only when the office's grant reads
the causing record's fields; otherwise the change is shown with no cause. Both read engines ask here.
"""

from __future__ import annotations

from policies.grants import Grant

# The fields a cause discloses, as `Type.field` resources of the policy. A cause absent from this
# table is hidden: a write added later stays hidden until someone states what it discloses.
CAUSE_DISCLOSES: dict[str, frozenset[str]] = {
    "registerWorker": frozenset(),
    "changeWorkerStatus": frozenset(),  # made by hand on the worker itself, with its reason
    "recordPoliceClearance": frozenset({"PoliceClearance.result"}),
    "recordHealthCheck": frozenset({"HealthCheck.result"}),
    "recordCrossing": frozenset({"Crossing.direction"}),
    "reportPlacementEnd": frozenset({"Placement.status"}),
    # A void may be of a clearance, a health check or a crossing: the cause does not say which.
    "voidRecord": frozenset({"PoliceClearance.voidedAt", "HealthCheck.voidedAt", "Crossing.voidedAt"}),
}


def sees_cause(grant: Grant, cause: str) -> bool:
    if grant.unrestricted:
        return True
    disclosed = CAUSE_DISCLOSES.get(cause)
    return disclosed is not None and disclosed <= grant.readable


def shown_causes(grant: Grant) -> frozenset[str] | None:
    """The causes this office may see, for the compiled engine's SQL; None when it sees every cause."""
    if grant.unrestricted:
        return None
    return frozenset(cause for cause in CAUSE_DISCLOSES if sees_cause(grant, cause))
