"""What a reader that knows a breakdown's total can work out of its withheld cells (README, "Small
cells"): the arithmetic the tests hold the statistics to, written from the cells as shown."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

N = 5  # policies/small_cells.toml: the threshold in force
UNDER, OVER = f"< {N}", f"≥ {N}"


def pinned(cells: Mapping[str, Any], total: int) -> bool:
    """Whether some "< N" cell's exact value follows from the total and the cells shown.

    The withheld cells sum to S = total less the numbers shown. The reader sees a "< N" cell as
    0..N-1 and a "≥ N" cell as N or more, and, by the rule README states (the smallest count shown
    is withheld, the first in key order among equal ones), no more than any count still shown (less
    than one whose key comes first). A "< N" cell then lies between S less the others' highest sum
    (or 0) and S less the others' lowest sum (or N-1): pinned when the two meet."""
    shown = {k: n for k, n in cells.items() if isinstance(n, int)}
    s = total - sum(shown.values())
    bounds: dict[str, tuple[int, int | None]] = {}
    for key, n in cells.items():
        if n == UNDER:
            bounds[key] = (0, N - 1)
        elif n == OVER:
            below = [v if key < c else v - 1 for c, v in shown.items()]
            bounds[key] = (N, min(below) if below else None)
    assert sum(lo for lo, _ in bounds.values()) <= s, ("the cells do not add up to the total", cells, total)
    for key, n in cells.items():
        if n != UNDER:
            continue
        others = [bound for other, bound in bounds.items() if other != key]
        highs = [hi for _, hi in others]
        least = 0 if None in highs else max(0, s - sum(h for h in highs if h is not None))
        if least == min(N - 1, s - sum(lo for lo, _ in others)):
            return True
    return False


def agrees(cells: Mapping[str, Any], exact: Mapping[str, int]) -> bool:
    """The cells say nothing untrue of the exact counts (a key absent from `exact` has none)."""
    return all(
        (n == UNDER and exact.get(k, 0) < N) or (n == OVER and exact.get(k, 0) >= N) or n == exact.get(k, 0)
        for k, n in cells.items()
    )
