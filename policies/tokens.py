"""Bearer tokens: issued per office, stored only as a hash, expiring and revocable.

Authentication answers "which office, through which token"; the grant for that office comes
from `policies.access`. Lookups are cached for a few seconds so a page of requests costs no
extra statement, and revocation still reaches every process within `CACHE_SECONDS`. A token of an
office outside its validity (`policies.validity`) raises `OfficeClosed` instead of answering: its
tokens stop working the day after the office's `valid_to`, and none is issued for it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.entries import Officer
from models import Office, Token
from models.base import utcnow
from models.overhead import overhead
from policies.grants import OfficeIdentity
from policies.validity import Validity, check_office_on, refusal, validity_of
from procedure.calendar import today

CACHE_SECONDS = 2.0
TOKEN_PREFIX = "blr_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Caller:
    office: OfficeIdentity
    token_id: int
    officer: Officer | None = None  # none: a service token


def identity_of(office: Office) -> OfficeIdentity:
    return OfficeIdentity(office.id, office.code, office.name, office.side.value, office.unit_id)


def issue_token(
    session: Session,
    office_code: str,
    expires_in: dt.timedelta | None = None,
    label: str | None = None,
    *,
    on: dt.date | None = None,
    officer: Officer | None = None,
) -> tuple[Token, str]:
    """A new token for an office in force `on` that day (today unless given), else `OfficeClosed`.

    With `officer`, an officer's token: every ledger entry it makes names that officer. Without, a
    service token (a system calling on the office's behalf), and the entries say so."""
    office = session.scalar(select(Office).where(Office.code == office_code))
    if office is None:
        raise LookupError(f"no office with code {office_code!r}")
    check_office_on(session, office, on or today())
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = Token(
        office_id=office.id,
        token_hash=hash_token(plain),
        label=label,
        officer_id=None if officer is None else officer.id,
        officer_name=None if officer is None else officer.name,
        expires_at=utcnow() + expires_in if expires_in else None,
    )
    session.add(token)
    session.flush()
    return token, plain


def revoke_token(session: Session, token_id: int) -> bool:
    token = session.get(Token, token_id)
    if token is None:
        return False
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return True


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.replace(tzinfo=dt.UTC) if moment is not None and moment.tzinfo is None else moment


# When looked up, the caller (None: unknown or revoked), when its token expires, its office's validity.
_Cached = tuple[float, Caller | None, dt.datetime | None, Validity | None]


class TokenVerifier:
    """Finds the caller behind a bearer token; None for unknown, expired or revoked tokens, and
    `OfficeClosed` raised for a token of an office not in force today."""

    def __init__(self, cache_seconds: float = CACHE_SECONDS) -> None:
        self.cache_seconds = cache_seconds
        self._cache: dict[str, _Cached] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()

    def remembered(self, token: str) -> tuple[bool, Caller | None]:
        """`(True, caller or None)` when a lookup younger than `cache_seconds` answers for the token,
        `(False, None)` when only the database can: the server then asks it from a worker thread,
        and otherwise spares the request that hop."""
        if not token or len(token) > 200:
            return True, None
        cached = self._cache.get(hash_token(token))
        if cached is None or time.monotonic() - cached[0] > self.cache_seconds:
            return False, None
        return True, _current(cached)

    def verify(self, session: Session, token: str) -> Caller | None:
        known, caller = self.remembered(token)
        if known:
            return caller
        digest = hash_token(token)
        with overhead():  # counted apart: whether a request looks its token up depends on the cache
            cached: _Cached = (time.monotonic(), *self._lookup(session, digest))
        with self._lock:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[digest] = cached
        return _current(cached)

    @staticmethod
    def _lookup(session: Session, digest: str) -> tuple[Caller | None, dt.datetime | None, Validity | None]:
        row = session.execute(
            select(Token, Office).join(Office, Office.id == Token.office_id).where(Token.token_hash == digest)
        ).first()
        if row is None:
            return None, None, None
        token, office = row
        if token.revoked_at is not None:
            return None, None, None
        officer = None if token.officer_id is None else Officer(token.officer_id, token.officer_name)
        caller = Caller(identity_of(office), token.id, officer)
        return caller, _aware(token.expires_at), validity_of(session, office, today())


def _current(cached: _Cached) -> Caller | None:
    """The cached caller if its token has not expired; `OfficeClosed` if its office is not in force
    today (checked on every request: a lookup cached across midnight must not outlive `valid_to`)."""
    _, caller, expires_at, validity = cached
    if caller is None or (expires_at is not None and expires_at <= utcnow()):
        return None
    if validity is not None:
        closed = refusal(caller.office.code, validity, today())
        if closed is not None:
            raise closed
    return caller
