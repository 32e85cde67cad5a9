"""Reading every page of a connection, as a client would."""

from __future__ import annotations

from typing import Any


def all_nodes(client, root: str, selection: str, args: str = "") -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        extra = f', after: "{after}"' if after else ""
        query = f"{{ {root}(first: 100{extra}{args}) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ {selection} }} }} }}"
        page = client.data(query)[root]
        nodes.extend(page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]
