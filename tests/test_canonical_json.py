"""The canonical JSON the focal offices sign (README, "Signed by both focal offices"): keys sorted,
no whitespace, UTF-8 without escapes, decimals and dates as the document's strings; the parts of a
report that are not figures (its ID, minutes, action items, signatures) are left out."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

import pytest

from reports.signing import canonical_json, document_digest

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
