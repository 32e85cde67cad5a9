"""Which broken rules of the procedure an office may be told of.

A refusal names a rule only to an office that may read the field the rule judged
(`procedure/rule_fields.csv`): cn-hekou, which may not read police clearances, is not told that a
clearance is too old. The caller decides what to say instead, and when (see
`resolvers.writes.placements.confirm_placement_start`).
"""

from __future__ import annotations

from collections.abc import Iterable

from policies.grants import Grant
from procedure import rule_fields
from procedure.rules import BrokenRule


def rules_told(grant: Grant, broken: Iterable[BrokenRule]) -> tuple[list[BrokenRule], bool]:
    """The broken rules the grant's office may be told of, and whether any other broke."""
    fields = rule_fields()
    rules = list(broken)
    told = [r for r in rules if r.rule not in fields or grant.can_read(fields[r.rule])]
    return told, len(told) < len(rules)
