"""Opaque global IDs and page cursors.

Both are sealed with a key from the keyring: a client can neither read an internal row number
(which would reveal how many rows exist outside its jurisdiction) nor forge one.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import threading
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from models.sealing import keyring

TYPE_TAGS = {
    "Worker": 1,
    "Employer": 2,
    "Agreement": 3,
    "TalksMinutes": 4,
    "BorderGate": 5,
    "Placement": 6,
    "Crossing": 7,
    "HealthCheck": 8,
    "PoliceClearance": 9,
    "Incident": 10,
    "RetentionHold": 11,  # answered by holdRecord; no office reads holds as nodes
    "WageArrears": 20,
    "ActionItem": 21,  # read through TalksMinutes.actionItems
}
TAG_TYPES = {tag: name for name, tag in TYPE_TAGS.items()}
_MAGIC = b"BLR1"


class InvalidIdError(ValueError):
    """Not an ID this registry issued."""


@lru_cache(maxsize=4)
def _block_cipher(key: bytes) -> Cipher:
    return Cipher(algorithms.AES(hashlib.sha256(b"ids" + key).digest()), modes.ECB())


_per_thread = threading.local()


def _id_encryptor(key: bytes) -> Any:
    """One encryptor per thread and key, kept: ECB turns each whole block into its cipher block at
    once and keeps no state between blocks, so a page of IDs need not set up one context each."""
    kept = getattr(_per_thread, "ids", None)
    if kept is None or kept[0] != key:
        kept = _per_thread.ids = (key, _block_cipher(key).encryptor())
    return kept[1]


def _id_decryptor(key: bytes) -> Any:
    """One decryptor per thread and key, kept, for the same reason: every ID a request names (its
    plan's key decodes the node's) would set up a context of its own."""
    kept = getattr(_per_thread, "decoding", None)
    if kept is None or kept[0] != key:
        kept = _per_thread.decoding = (key, _block_cipher(key).decryptor())
    return kept[1]


def encode_id(type_name: str, row_id: int) -> str:
    # One AES block is a keyed permutation: distinct rows give distinct, unguessable IDs.
    block = struct.pack(">H6sQ", TYPE_TAGS[type_name], _MAGIC + b"\0\0", row_id)
    return base64.urlsafe_b64encode(_id_encryptor(keyring().id_key).update(block)).decode().rstrip("=")


def decode_id(global_id: str, expected: str | None = None) -> tuple[str, int]:
    try:
        raw = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4))
    except (ValueError, TypeError) as exc:
        raise InvalidIdError("not a valid ID") from exc
    if len(raw) != 16:
        raise InvalidIdError("not a valid ID")
    tag, magic, row_id = struct.unpack(">H6sQ", _id_decryptor(keyring().id_key).update(raw))
    if magic != _MAGIC + b"\0\0" or tag not in TAG_TYPES:
        raise InvalidIdError("not a valid ID")
    type_name = TAG_TYPES[tag]
    if expected is not None and type_name != expected:
        raise InvalidIdError(f"not a {expected} ID")
    return type_name, row_id


@lru_cache(maxsize=4)
def _cursor_cipher(key: bytes) -> AESSIV:
    return AESSIV(hashlib.sha512(b"cursors" + key).digest())


def encode_cursor(payload: list, audience: str) -> str:
    """Seals a page position for one audience (an office and a list): AES-SIV, so no nonce to misuse.

    The audience is authenticated, not stored: the same cursor given to another office, or to
    another list, does not open.
    """
    sealed = _cursor_cipher(keyring().id_key).encrypt(
        json.dumps(payload, default=str).encode(), [b"cursor", audience.encode()]
    )
    return base64.urlsafe_b64encode(sealed).decode().rstrip("=")


def decode_cursor(cursor: str, audience: str) -> list:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        opened = _cursor_cipher(keyring().id_key).decrypt(raw, [b"cursor", audience.encode()])
        payload = json.loads(opened)
    except Exception as exc:
        raise InvalidIdError("not a valid cursor") from exc
    if not isinstance(payload, list):
        raise InvalidIdError("not a valid cursor")
    return payload
