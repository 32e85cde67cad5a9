"""A whole breakdown under the small-cell rule: no withheld cell can be worked out from the total.

DOMAIN.md: "a count under 5 broken down by a field an office cannot read is shown to it as '< 5'",
and hidden means absent: a small cell that would single out a worker is suppressed. README ("Small
cells"): zero is withheld too, for a zero shown beside "< 5" would point at the group. A reader that
lists the rows knows the breakdown's total, so one "< N" among exact cells is the total less the
others: another cell is withheld with it, as "≥ N". The expectations here are the arithmetic of what
the reader can deduce (a brute-force search of every value the withheld cells could hold), not the
rule's own formula.
"""

from __future__ import annotations

import itertools
import random
from typing import Any, cast

import pytest

from policies import cells
from policies.cells import Cell, SmallCells

pytestmark = pytest.mark.engine_independent("the rule on plain numbers; no database")

N = cells.minimum_on()  # the threshold of policies/small_cells.toml in force today
UNDER, OVER = f"< {N}", f"≥ {N}"
STATUSES = ["absconded", "cleared", "deployed", "registered", "returned", "suspended"]


class _Reads:
    """A reader that may read every field."""

    def can_read(self, resource: str) -> bool:
        return True


WITHHOLDING = SmallCells(None)  # no grant: reads no field
READING = SmallCells(cast(Any, _Reads()))


def _as_dict(cells_: list[tuple[str, Cell]]) -> dict[str, Cell]:
    return dict(cells_)


def _pinned(shown: dict[str, Cell], total: int) -> set[str]:
    """The small cells ("< N") whose exact value the reader can work out from the total and the cells
    shown (a "≥ N" worked out singles no one out): every assignment of values consistent with what it sees gives them the same value. It
    sees "< N" as 0..N-1, and "≥ N" as N or more but, by the rule README states (the smallest count
    shown is withheld, the first in key order among equal ones), no more than any count still shown,
    and less than one whose key comes first; the withheld cells sum to the total less those shown."""
    withheld = [k for k, v in shown.items() if isinstance(v, str)]
    rest = total - sum(v for v in shown.values() if isinstance(v, int))

    def most(key: str) -> int:
        below = [v if key < c else v - 1 for c, v in shown.items() if isinstance(v, int)]
        return min([rest, *below])

    ranges = [range(N) if shown[k] == UNDER else range(N, most(k) + 1) for k in withheld]
    values: dict[str, set[int]] = {k: set() for k in withheld}
    for combo in itertools.product(*ranges):
        if sum(combo) == rest:
            for k, v in zip(withheld, combo, strict=True):
                values[k].add(v)
    assert all(values.values()) or not withheld, "what is shown must be consistent with the total"
    return {k for k, found in values.items() if len(found) == 1 and shown[k] == UNDER}


def test_one_small_cell_among_exact_ones_takes_the_smallest_other_with_it() -> None:
    """The demo's gap: one status under N beside exact ones is the total less the others."""
    counts = {
        "absconded": 2,
        "cleared": 16,
        "deployed": 30,
        "registered": 13,
        "returned": 1097,
        "suspended": 5,
    }
    shown = _as_dict(WITHHOLDING.breakdown("Worker.status", counts, STATUSES))
    assert shown == {
        "absconded": UNDER,
        "cleared": 16,
        "deployed": 30,
        "registered": 13,
        "returned": 1097,
        "suspended": OVER,  # the smallest cell shown: 5, not under the threshold
    }
    assert not _pinned(shown, sum(counts.values()))


def test_a_cell_withheld_beside_a_small_one_is_no_larger_than_those_shown_so_an_equal_one_goes_too() -> None:
    """Withheld as the smallest count shown, a "≥ N" beside another N shown would be N exactly, and
    the small cell the total less the rest: the equal one is withheld as well."""
    counts = {"absconded": 2, "cleared": 16, "registered": 5, "suspended": 5}
    shown = _as_dict(WITHHOLDING.breakdown("Worker.status", counts, counts))
    assert shown == {"absconded": UNDER, "cleared": 16, "registered": OVER, "suspended": OVER}
    assert not _pinned(shown, sum(counts.values()))


def test_equal_smallest_cells_give_way_in_key_order() -> None:
    shown = _as_dict(WITHHOLDING.breakdown("Worker.status", {"a": 1, "b": 9, "c": 7, "d": 7}, "abcd"))
    assert shown == {"a": UNDER, "b": 9, "c": OVER, "d": 7}


@pytest.mark.parametrize("small", [(0, 0), (N - 1, N - 1)], ids=["sum 0", "sum 2(N-1)"])
def test_two_small_cells_whose_sum_pins_them_take_a_third(small: tuple[int, int]) -> None:
    """Two cells under N summing to 0 are both 0; summing to 2(N-1), both N-1."""
    counts = {"a": small[0], "b": small[1], "c": N + 6, "d": N + 9}
    shown = _as_dict(WITHHOLDING.breakdown("Worker.status", counts, "abcd"))
    assert shown == {"a": UNDER, "b": UNDER, "c": OVER, "d": N + 9}
    assert not _pinned(shown, sum(counts.values()))


def test_two_small_cells_summing_to_three_need_no_third() -> None:
    counts = {"a": 1, "b": 2, "c": N + 6}
    shown = _as_dict(WITHHOLDING.breakdown("Worker.status", counts, "abc"))
    assert shown == {"a": UNDER, "b": UNDER, "c": N + 6}
    assert not _pinned(shown, sum(counts.values()))


def test_a_third_cell_of_exactly_n_beside_zeros_takes_a_fourth() -> None:
    """Zeros withheld beside a cell of exactly N: withheld sum N with one "≥ N" says all the small
    cells are 0, so one more cell is withheld."""
    counts = {"c": N, "d": N + 1, "e": 3 * N}
    shown = _as_dict(WITHHOLDING.breakdown("Worker.status", counts, "abcde"))
    assert shown == {"a": UNDER, "b": UNDER, "c": OVER, "d": OVER, "e": 3 * N}
    assert not _pinned(shown, sum(counts.values()))


def test_a_key_no_row_holds_is_withheld_as_small_and_only_for_a_withholding_reader() -> None:
    counts = {"deployed": 30, "returned": 40}
    withheld = _as_dict(WITHHOLDING.breakdown("Worker.status", counts, STATUSES))
    assert list(withheld) == STATUSES  # every key of the domain, in key order
    assert [withheld[k] for k in ("absconded", "cleared", "registered", "suspended")] == [UNDER] * 4
    assert not _pinned(withheld, 70)
    assert _as_dict(READING.breakdown("Worker.status", counts, STATUSES)) == counts  # zeros stay absent


def test_a_reader_of_the_field_gets_every_count_as_it_is() -> None:
    counts = {"absconded": 2, "cleared": 16, "suspended": 0}
    assert READING.breakdown("Worker.status", counts, STATUSES) == list(counts.items())


def test_no_breakdown_leaves_a_withheld_cell_to_be_worked_out() -> None:
    """Every breakdown of three keys with counts 0..2N, and a sample of five keys: each withheld cell
    keeps two possible values or more, unless every cell is withheld (the total then is all)."""
    cases = list(itertools.product(range(2 * N + 1), repeat=3))
    rng = random.Random(22)
    cases += [tuple(rng.choice([0, 1, N - 1, N, N + 1, 2 * N, 3 * N]) for _ in range(5)) for _ in range(300)]
    for case in cases:
        counts = {f"k{i}": n for i, n in enumerate(case)}
        shown = _as_dict(WITHHOLDING.breakdown("Worker.status", counts, counts))
        assert [k for k, v in shown.items() if v == UNDER] == [k for k, n in counts.items() if n < N]
        assert all(counts[k] >= N for k, v in shown.items() if v == OVER)
        pinned = _pinned(shown, sum(case))
        if pinned:
            assert all(isinstance(v, str) for v in shown.values()), (case, shown)
