"""Who is accountable for a request: the officer behind the token and, where the purpose needs one,
the case the request is made for.

A token may be issued to an officer (an identifier of the office's choosing and a name); one issued
to no officer is a service token, and the ledger says so. A purpose may require a case reference
(the `case-ref` column of `policies/purposes.csv`): the request then carries `X-Case-Ref`, and the
ledger records it with the entry. Both are text the registry stores and shows, so both are held to
one shape: 1 to `limit` printable characters, no control character, no NUL.
"""

from __future__ import annotations

from pathlib import Path

CASE_REF_HEADER = "X-Case-Ref"
CASE_REF_LIMIT = 64
OFFICER_ID_LIMIT = 64
OFFICER_NAME_LIMIT = 200
CASE_REF_COLUMN = "case-ref"  # the fifth column of a purposes.csv line


def well_formed(text: str | None, limit: int) -> bool:
    """1 to `limit` printable characters (letters of any script, digits, punctuation, spaces)."""
    return text is not None and 0 < len(text) <= limit and text.isprintable() and bool(text.strip())


def case_ref_purposes(folder: Path) -> dict[str, frozenset[str]]:
    """role -> the purposes that role states only with a case reference, from purposes.csv."""
    path = folder / "purposes.csv"
    needs: dict[str, set[str]] = {}
    if not path.is_file():
        return {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = [part.strip() for part in line.split(",")]
        if len(parts) == 5 and parts[0] == "p" and parts[2] == "purpose" and parts[4] == CASE_REF_COLUMN:
            needs.setdefault(parts[1], set()).add(parts[3])
    return {role: frozenset(purposes) for role, purposes in needs.items()}
