"""What a reader that knows a breakdown's total can work out of its withheld cells (README, "Small
cells"): the arithmetic the tests hold the statistics to, written from the cells as shown."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

N = 5  # policies/small_cells.toml: the threshold in force
UNDER, OVER = f"< {N}", f"≥ {N}"


def pinned(cells: Mapping[str, Any], total: int) -> bool:
    """Whether some "< N" cell's exact value follows from the total and the cells shown.

    The withheld cells sum to S = total less the numbers shown. With k cells "< N" (each 0..N-1)
    and no "≥ N": one of them is S if k == 1; all are 0 if S == 0, all N-1 if S == k(N-1). With
    j >= 1 cells "≥ N" (each N or more, no upper bound), a "< N" cell is at most S - jN: pinned
    (at 0) only if S == jN."""
    k = sum(1 for n in cells.values() if n == UNDER)
    j = sum(1 for n in cells.values() if n == OVER)
    s = total - sum(n for n in cells.values() if isinstance(n, int))
    assert s >= j * N and (j > 0 or s <= k * (N - 1)), ("the cells do not add up to the total", cells, total)
    if k == 0:
        return False
    if j == 0:
        return k == 1 or s == 0 or s == k * (N - 1)
    return s == j * N


def agrees(cells: Mapping[str, Any], exact: Mapping[str, int]) -> bool:
    """The cells say nothing untrue of the exact counts (a key absent from `exact` has none)."""
    return all(
        (n == UNDER and exact.get(k, 0) < N) or (n == OVER and exact.get(k, 0) >= N) or n == exact.get(k, 0)
        for k, n in cells.items()
    )
