"""Signing an agreement's yearly figures: what is signed, and how a signature is checked.

What both focal offices sign is the **digest of the figures**: SHA-256 over the figures' canonical
JSON, and the Ed25519 signature is made over the digest's 32 bytes.

Canonical JSON (written once, here; `borderlabour report verify` and any office's own tooling must
produce the same bytes): the figures object of the report's JSON document (`report_json`) without
the parts that are not figures (`NOT_SIGNED`: its global ID, talks minutes, action items,
signatures), serialised with the keys of every object sorted, no whitespace at all (separators `,`
and `:`), strings as UTF-8 (no `\\u` escapes but those JSON requires), numbers as Python's `json`
writes them, decimals and dates as the strings the document holds ("3800.00", "2024-12-31"). In
the breakdowns (`BREAKDOWNS`) every count under the small-cell threshold is written as the text
"< N" (`_joint`), and only counts (`COUNT_FIELDS`: the fields the figures' dataclasses type
`int | str`, the number or the text a withheld count is shown as): a month, an approved quota or
what is left of the yearly quota is written as the number it is.

Changed in December 2026: before, every integer under the threshold in a breakdown was written as
"< N", months and approved quotas too, so a signature did not bind them (a crossing moved from
month 1 to month 3 still verified). A signature made before the change over a breakdown holding a
month, an approved quota or a quota left under the threshold no longer verifies: it reads as
"figures changed", which is true of what it proved (those figures were never bound by it).

A signature is `valid` while it verifies, with the office's enrolled key, over the digest of the
figures as they are now: a figure changed since (a correction, a late record) makes it invalid and
`figuresChangedSinceSigning` true, so either side can prove what both accepted, and see that the
figures moved after.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from policies.cells import minimum_on

# Keys of the report's JSON that are not figures: they may change without changing what was signed.
NOT_SIGNED = frozenset(
    {"agreement_id", "minutes", "action_items", "signatures", "digest", "workers", "withheld"}
)


def plain(value: Any) -> Any:
    """Decimals and dates as the strings the JSON document holds."""
    if isinstance(value, Decimal | dt.date):
        return str(value)
    if isinstance(value, frozenset | tuple):
        return list(value)
    raise TypeError(type(value).__name__)


def canonical_json(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=plain
    ).encode("utf-8")


# Breakdowns whose small counts one reader sees as "< N" and another as the number
# (`reports.withholding`): both focal offices sign the same figures, so every count under the
# threshold in them is signed as "< N", whichever office's copy it is read from.
BREAKDOWNS = frozenset(
    {
        "by_employer",
        "by_district",
        "by_sex",
        "by_age_band",
        "incidents",
        "wages",
        "quotas",
        "crossings",
        "in_china_by_month",
        "quota_by_month",
    }
)
# Parts shown only to offices that may read what they are by (ethnicity: police and districts),
# which sign nothing: left out of what the focal offices sign.
READER_PARTS = frozenset({"by_ethnicity"})

# The fields of a breakdown's rows that are counts: those the figures' dataclasses type `int | str`
# (the number, or the text a withheld count is shown as). Named here so that `report verify` loads
# no table; `tests/test_canonical_json.py` reads them from the types and holds the two together.
# Only they are withheld: a month, a key, an approved quota or the quota left beside them is signed
# as the number it is. A breakdown that is a list of numbers (`in_china_by_month`) lists counts.
COUNT_FIELDS = frozenset(
    {"sent", "in_china", "returned", "absconded", "terminated", "sent_to_date", "count", "placements"}
    | {"exits", "entries"}
)


def _joint(value: Any, minimum: int, count: bool = True) -> Any:
    """A breakdown as every reader's copy gives it: a count under `minimum` as "< minimum", and
    nothing else changed (`count`: whether `value` is a count, by the field that holds it)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return f"< {minimum}" if count and value < minimum else value
    if isinstance(value, list | tuple):
        return [_joint(v, minimum, count) for v in value]
    if isinstance(value, dict):
        joint = {k: _joint(v, minimum, k in COUNT_FIELDS) for k, v in value.items()}
        if isinstance(joint.get("sent_to_date"), str) and "quota_left" in joint:
            joint["quota_left"] = None  # withheld with the count it would give back
        return joint
    return value


def signed_part(document: dict[str, Any]) -> dict[str, Any]:
    """The figures of a report's JSON document (or of `dataclasses.asdict(figures)`), the same
    whichever focal office's copy they come from."""
    minimum = minimum_on()
    return {
        k: (_joint(v, minimum) if k in BREAKDOWNS else v)
        for k, v in document.items()
        if k not in NOT_SIGNED and k not in READER_PARTS
    }


def document_digest(document: dict[str, Any]) -> str:
    """The hex SHA-256 of the canonical JSON of a document's figures, as read back from its JSON (so
    what `report verify` computes from a file equals what the registry computed from the rows)."""
    figures = json.loads(canonical_json(signed_part(document)))
    return hashlib.sha256(canonical_json(figures)).hexdigest()


def figures_digest(figures: Any) -> str:
    """The digest of `reports.figures.AgreementFigures`."""
    return document_digest(dataclasses.asdict(figures))


def public_key_text(key: Ed25519PublicKey) -> str:
    return base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def read_public_key(text: str) -> Ed25519PublicKey:
    """A PEM public key (`openssl pkey -pubout`), or the raw 32 bytes in base64; ValueError if neither."""
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    stripped = text.strip()
    if stripped.startswith("-----BEGIN"):
        key = load_pem_public_key(stripped.encode())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("not an Ed25519 public key")
        return key
    try:
        raw = base64.b64decode(stripped, validate=True)
    except binascii.Error as exc:
        raise ValueError("not a PEM or base64 Ed25519 public key") from exc
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key has 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def sign_digest(key: Ed25519PrivateKey, digest: str) -> str:
    return base64.b64encode(key.sign(bytes.fromhex(digest))).decode()


def verifies(public_key: str, signature: str, digest: str) -> bool:
    """Whether `signature` (base64) is the key's (raw, base64) Ed25519 signature over the digest."""
    try:
        key = read_public_key(public_key)
        key.verify(base64.b64decode(signature, validate=True), bytes.fromhex(digest))
    except (ValueError, binascii.Error, InvalidSignature):
        return False
    return True


@dataclasses.dataclass(frozen=True)
class SignatureMark:
    """A focal office's signature as the report shows it (and the JSON document carries it, with
    the key, so that `report verify` needs nothing but the file)."""

    office: str
    office_name: str
    side: str  # "VN" or "CN"
    public_key: str
    signature: str
    digest: str  # the digest signed
    signed_at: str  # ISO 8601, UTC
    valid: bool  # verifies over the digest of the figures as they are now
