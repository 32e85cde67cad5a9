"""Relay connections: `first`/`after`, `edges { cursor node }`, `pageInfo`, `totalCount`."""

from collections.abc import Callable
from typing import Generic, TypeVar

import strawberry

from resolvers.pages import Page

T = TypeVar("T")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    count_rows: strawberry.Private[Callable[[], int]]
    matched_workers: strawberry.Private[Callable[[], list[int]] | None] = None

    @strawberry.field(description="All rows that match the filters within your jurisdiction.")
    def total_count(self) -> int:
        return self.count_rows()

    @strawberry.field(description="The nodes of `edges`, for clients that need no cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def connection_of(page: Page, wrap: Callable) -> Connection:
    edges = [Edge(cursor=c, node=wrap(db=row)) for row, c in zip(page.rows, page.cursors, strict=True)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=page.cursors[0] if page.cursors else None,
            end_cursor=page.cursors[-1] if page.cursors else None,
        ),
        count_rows=page.count,
        matched_workers=page.workers,
    )
