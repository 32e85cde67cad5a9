"""Encryption at rest for personal identifiers, and the keys that do it.

Values are sealed with AES-256-GCM as ``<key id>:<base64 nonce+ciphertext>``, the key id letting
`borderlabour keys rotate` re-seal row by row while reads keep working under the old key. Exact
search uses a keyed blind index (HMAC-SHA256 of the normalised value), so the database never
holds a searchable plaintext. The key file lives outside the database and the repository.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_FILE_ENV = "BORDERLABOUR_KEY_FILE"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SealError(ValueError):
    """A sealed value could not be opened (unknown key id or tampered ciphertext)."""


@dataclass
class Keyring:
    data_keys: dict[str, bytes]
    active: str
    index_key: bytes
    id_key: bytes
    _aead: dict[str, AESGCM] = field(default_factory=dict, repr=False)

    @classmethod
    def generate(cls) -> Keyring:
        return cls({"k1": secrets.token_bytes(32)}, "k1", secrets.token_bytes(32), secrets.token_bytes(32))

    @classmethod
    def load(cls, path: Path) -> Keyring:
        raw = json.loads(path.read_text())
        return cls(
            {kid: _unb64(k) for kid, k in raw["data_keys"].items()},
            raw["active"],
            _unb64(raw["index_key"]),
            _unb64(raw["id_key"]),
        )

    def save(self, path: Path) -> None:
        doc = {
            "data_keys": {kid: _b64(k) for kid, k in self.data_keys.items()},
            "active": self.active,
            "index_key": _b64(self.index_key),
            "id_key": _b64(self.id_key),
        }
        tmp = path.with_suffix(path.suffix + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump(doc, out, indent=2)
        os.replace(tmp, path)

    def _cipher(self, kid: str) -> AESGCM:
        if kid not in self._aead:
            if kid not in self.data_keys:
                raise SealError("sealed with an unknown key")
            self._aead[kid] = AESGCM(self.data_keys[kid])
        return self._aead[kid]

    def seal(self, value: str | None) -> str | None:
        if value is None:
            return None
        nonce = secrets.token_bytes(12)
        ct = self._cipher(self.active).encrypt(nonce, value.encode(), self.active.encode())
        return f"{self.active}:{_b64(nonce + ct)}"

    def open(self, sealed: str | None) -> str | None:
        if sealed is None:
            return None
        kid, _, body = sealed.partition(":")
        raw = _unb64(body)
        try:
            return self._cipher(kid).decrypt(raw[:12], raw[12:], kid.encode()).decode()
        except Exception as exc:  # InvalidTag and friends: never echo the value
            raise SealError("sealed value failed authentication") from exc

    def key_id_of(self, sealed: str | None) -> str | None:
        return None if sealed is None else sealed.partition(":")[0]

    def blind_index(self, value: str | None) -> str | None:
        if value is None:
            return None
        normal = unicodedata.normalize("NFKC", value).replace(" ", "").upper()
        return hmac.new(self.index_key, normal.encode(), hashlib.sha256).hexdigest()


_keyring: Keyring | None = None


def default_key_file(database_url: str) -> Path:
    """The demo keeps its key beside the SQLite file; other databases use ./borderlabour.keys.json."""
    if database_url.startswith("sqlite:///") and database_url != "sqlite:///:memory:":
        db = Path(database_url.removeprefix("sqlite:///"))
        return db.with_name(db.stem + ".keys.json")
    return Path("borderlabour.keys.json")


def configure_keyring(database_url: str, create: bool = False) -> Keyring:
    """Load the keyring named by BORDERLABOUR_KEY_FILE (or the default path), creating it if asked."""
    global _keyring
    path = Path(os.environ.get(KEY_FILE_ENV) or default_key_file(database_url))
    if path.exists():
        _keyring = Keyring.load(path)
    elif create:
        _keyring = Keyring.generate()
        path.parent.mkdir(parents=True, exist_ok=True)
        _keyring.save(path)
    else:
        raise SystemExit(f"key file {path} not found: set {KEY_FILE_ENV} or run `borderlabour demo`")
    return _keyring


def keyring() -> Keyring:
    if _keyring is None:
        raise RuntimeError("keyring not configured")
    return _keyring


def set_keyring(ring: Keyring) -> None:
    global _keyring
    _keyring = ring
