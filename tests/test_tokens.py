"""Tokens: issued per office and shown once, stored only as a hash, refused once expired or revoked."""

from __future__ import annotations

import time

from sqlalchemy import create_engine, text

from policies.tokens import hash_token
from settings import normalise_url
from tests import plain_http
from tests.conftest import run_cli

ME = {"query": "{ me { code } }"}


def _status(live_server, token: str) -> int:
    return plain_http.post(
        f"{live_server.url}/graphql", json=ME, headers={"Authorization": f"Bearer {token}"}
    ).status_code


def _issue(database, office: str, *extra: str) -> tuple[int, str]:
    out = run_cli(database, "token", "issue", "--office", office, *extra).stdout.splitlines()
    token_id = int(out[0].split()[2])
    return token_id, out[-1].strip()


def _refused_within(live_server, token: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _status(live_server, token) == 401:
            return True
        time.sleep(0.2)
    return False


def test_an_issued_token_works_until_it_is_revoked(database, live_server) -> None:
    token_id, token = _issue(database, "cn-baise", "--label", "liaison desk")
    assert _status(live_server, token) == 200
    run_cli(database, "token", "revoke", str(token_id))
    assert _refused_within(live_server, token, 5)


def test_an_expired_token_is_refused(database, live_server) -> None:
    token_id, token = _issue(database, "cn-napo", "--expires", "1d")
    assert _status(live_server, token) == 200
    engine = create_engine(normalise_url(database.url))
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE tokens SET expires_at = :past WHERE id = :id"),
            {"past": "2020-01-01 00:00:00", "id": token_id},
        )
    engine.dispose()
    assert _refused_within(live_server, token, 5)


def test_only_a_hash_is_stored_and_the_list_never_shows_a_token(database, demo_tokens) -> None:
    token_id, token = _issue(database, "cn-wenshan")
    engine = create_engine(normalise_url(database.url))
    with engine.connect() as conn:
        stored = conn.execute(
            text("SELECT token_hash FROM tokens WHERE id = :id"), {"id": token_id}
        ).scalar_one()
        dump = " ".join(str(v) for row in conn.execute(text("SELECT * FROM tokens")) for v in row)
    engine.dispose()
    assert stored == hash_token(token) and token not in dump
    listing = run_cli(database, "token", "list").stdout
    assert "cn-wenshan" in listing and token not in listing
