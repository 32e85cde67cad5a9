"""Opaque global IDs and page cursors.

Both are sealed with a key from the keyring: a client can neither read an internal row number
(which would reveal how many rows exist outside its jurisdiction) nor forge one.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

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
}
TAG_TYPES = {tag: name for name, tag in TYPE_TAGS.items()}
_MAGIC = b"BLR1"


class InvalidIdError(ValueError):
    """Not an ID this registry issued."""


@lru_cache(maxsize=4)
def _block_cipher(key: bytes) -> Cipher:
    return Cipher(algorithms.AES(hashlib.sha256(b"ids" + key).digest()), modes.ECB())


def encode_id(type_name: str, row_id: int) -> str:
    # One AES block is a keyed permutation: distinct rows give distinct, unguessable IDs.
    block = struct.pack(">H6sQ", TYPE_TAGS[type_name], _MAGIC + b"\0\0", row_id)
    enc = _block_cipher(keyring().id_key).encryptor()
    return base64.urlsafe_b64encode(enc.update(block) + enc.finalize()).decode().rstrip("=")


def decode_id(global_id: str, expected: str | None = None) -> tuple[str, int]:
    try:
        raw = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4))
    except (ValueError, TypeError) as exc:
        raise InvalidIdError("not a valid ID") from exc
    if len(raw) != 16:
        raise InvalidIdError("not a valid ID")
    dec = _block_cipher(keyring().id_key).decryptor()
    tag, magic, row_id = struct.unpack(">H6sQ", dec.update(raw) + dec.finalize())
    if magic != _MAGIC + b"\0\0" or tag not in TAG_TYPES:
        raise InvalidIdError("not a valid ID")
    type_name = TAG_TYPES[tag]
    if expected is not None and type_name != expected:
        raise InvalidIdError(f"not a {expected} ID")
    return type_name, row_id


def _cursor_cipher() -> AESGCM:
    return AESGCM(hashlib.sha256(b"cursors" + keyring().id_key).digest())


def encode_cursor(payload: list) -> str:
    nonce = hashlib.sha256(json.dumps(payload).encode()).digest()[:12]
    sealed = _cursor_cipher().encrypt(nonce, json.dumps(payload, default=str).encode(), b"cursor")
    return base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def decode_cursor(cursor: str) -> list:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return json.loads(_cursor_cipher().decrypt(raw[:12], raw[12:], b"cursor"))
    except Exception as exc:
        raise InvalidIdError("not a valid cursor") from exc
