"""The canonical JSON the focal offices sign (README, "Signed by both focal offices"): keys sorted,
no whitespace, UTF-8 without escapes, decimals and dates as the document's strings; the parts of a
report that are not figures (its ID, minutes, action items, signatures) are left out."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import typing
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from reports.figures import AgreementFigures
from reports.signing import BREAKDOWNS, COUNT_FIELDS, canonical_json, document_digest, signed_part

pytestmark = pytest.mark.engine_independent(
    "pure functions: the canonical JSON and digest of a report document"
)


def test_canonical_json_sorts_keys_has_no_whitespace_and_keeps_utf8() -> None:
    value = {"b": [1, 2.5], "a": {"z": "Hà Khẩu 河口", "y": Decimal("3800.00")}, "c": dt.date(2024, 12, 31)}
    assert canonical_json(value) == (
        '{"a":{"y":"3800.00","z":"Hà Khẩu 河口"},"b":[1,2.5],"c":"2024-12-31"}'.encode()
    )


def test_the_digest_covers_the_figures_only_and_any_figure_changes_it() -> None:
    figures = {"code": "AGR-LC-HK", "year": 2024, "totals": {"sent": 12, "returned": 3}}
    document = {
        **figures,
        "agreement_id": "opaque",
        "minutes": [{"summary": "…"}],
        "action_items": [],
        "signatures": [{"office": "cn-hekou"}],
    }
    expected = hashlib.sha256(
        b'{"code":"AGR-LC-HK","totals":{"returned":3,"sent":12},"year":2024}'
    ).hexdigest()
    assert document_digest(document) == document_digest(figures) == expected
    pretty = json.loads(json.dumps(document, indent=2))  # as a file holds it: the same figures
    assert document_digest(pretty) == expected
    changed = {**figures, "totals": {"sent": 12, "returned": 4}}
    assert document_digest(changed) != expected


# A breakdown's row as `report_json` writes it: a month and an approved quota beside counts.
def _document(month: int, approved: int, exits: int) -> dict:
    return {
        "code": "AGR-LC-HK",
        "year": 2024,
        "crossings": [{"gate": "GATE-LAOCAI-HEKOU", "month": month, "exits": exits, "entries": 0}],
        "quotas": [{"key": "91530000MA6K", "approved": approved, "sent": 2, "in_china": 1}],
        "quota_by_month": [{"month": month, "sent": 2, "sent_to_date": 2, "quota_left": None}],
    }


def test_a_signature_binds_months_and_approved_quotas_and_withholds_only_small_counts() -> None:
    signed = document_digest(_document(month=1, approved=3, exits=2))
    assert document_digest(_document(month=1, approved=3, exits=4)) == signed  # a small count: "< 5"
    assert document_digest(_document(month=3, approved=3, exits=2)) != signed  # moved to March
    assert document_digest(_document(month=1, approved=2, exits=2)) != signed  # another quota
    joint = signed_part(_document(month=1, approved=3, exits=2))
    assert joint["crossings"] == [{"gate": "GATE-LAOCAI-HEKOU", "month": 1, "exits": "< 5", "entries": "< 5"}]
    assert joint["quotas"][0]["approved"] == 3 and joint["quota_by_month"][0]["month"] == 1


def _fields(annotation: Any) -> Iterator[tuple[str, bool]]:
    """Each field of the rows of a value of this type, and whether it is a count (`int | str`)."""
    if typing.get_origin(annotation) is list:
        yield from _fields(typing.get_args(annotation)[0])
    elif dataclasses.is_dataclass(annotation):
        hints = typing.get_type_hints(annotation)
        for f in dataclasses.fields(annotation):
            yield f.name, set(typing.get_args(hints[f.name])) == {int, str}
            yield from _fields(hints[f.name])


def test_the_counts_named_for_signing_are_the_fields_the_figures_type_as_counts() -> None:
    """`COUNT_FIELDS` are read from the figures' dataclasses: every field of a breakdown typed
    `int | str` is in it, and no other field (a month, an approved quota) bears one of its names."""
    hints = typing.get_type_hints(AgreementFigures)
    fields = [pair for name in BREAKDOWNS for pair in _fields(hints[name])]
    assert {name for name, count in fields if count} == COUNT_FIELDS
    assert not {name for name, count in fields if not count} & COUNT_FIELDS
    assert hints["in_china_by_month"] == list[int | str]  # a breakdown of bare counts
    assert {"month", "approved", "quota_left"} <= {name for name, count in fields if not count}
