"""Reads every policy file of a folder as one Casbin policy.

The people who sign the agreements keep visibility, duties, scopes and purposes in separate
files; Casbin's own file adapter reads only one.
"""

from __future__ import annotations

from pathlib import Path

from casbin import persist

from policies.officers import CASE_REF_COLUMN


class PolicyFolderAdapter(persist.Adapter):
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def policy_files(self) -> list[Path]:
        return sorted(self.folder.glob("*.csv"))

    def load_policy(self, model: object) -> None:
        for path in self.policy_files():
            for line in path.read_text(encoding="utf-8").splitlines():
                line = line.strip()
                if line and not line.startswith("#"):
                    persist.load_policy_line(_rule_of(line), model)

    def save_policy(self, model: object) -> bool:
        raise NotImplementedError("policy files are edited by people, not written by the service")


def _rule_of(line: str) -> str:
    """The Casbin rule of a line: a purpose line's `case-ref` column is the registry's, not Casbin's
    (`policies.officers.case_ref_purposes` reads it)."""
    parts = [part.strip() for part in line.split(",")]
    if len(parts) == 5 and parts[4] == CASE_REF_COLUMN:
        return ", ".join(parts[:4])
    return line
