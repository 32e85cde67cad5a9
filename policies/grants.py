"""What one office may do, decided once per policy load.

A `Grant` is the precomputed answer to every question the registry asks the policy about one
office: which fields it may read, which writes it may make, which row scopes apply and which
purposes it may state. Requests consult the grant, never the enforcer.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class OfficeIdentity:
    id: int
    code: str
    name: str
    side: str
    unit_id: int | None


@dataclass(frozen=True)
class Grant:
    office: OfficeIdentity
    readable: frozenset[str]
    writable: frozenset[str]
    row_scopes: frozenset[str]
    purposes: frozenset[str]
    policy_version: int
    unrestricted: bool = False
    # The purposes this office states only with a case reference (X-Case-Ref).
    case_ref_purposes: frozenset[str] = frozenset()
    _types: frozenset[str] = field(default=frozenset(), compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_types", frozenset(f.split(".", 1)[0] for f in self.readable))

    @property
    def profile(self) -> tuple[frozenset[str], frozenset[str]]:
        """Offices with equal profiles share one GraphQL schema."""
        return (self.readable, self.writable)

    def can_read(self, resource: str) -> bool:
        return resource in self.readable

    def can_write(self, duty: str) -> bool:
        return duty in self.writable

    def sees_type(self, type_name: str) -> bool:
        return type_name in self._types
