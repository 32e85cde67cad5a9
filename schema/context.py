"""What every resolver of one request can reach: the caller's grant, its scoped session, loaders."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session
from strawberry.types import Info as StrawberryInfo

from policies.grants import Grant
from resolvers.loaders import Loaders


@dataclass
class RequestContext:
    grant: Grant
    session: Session
    request_id: str
    purpose: str | None = None
    loaders: Loaders = field(init=False)
    written: list[tuple[str, str, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.session)


Info = StrawberryInfo[RequestContext, None]
