"""`borderlabour demo`: the demo dataset plus one bearer token per office in force today, written to a
JSON file (a closed office gets none: its successor acts for it)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from models import Office, Token
from policies.tokens import TokenVerifier, issue_token
from policies.validity import OfficeClosed
from procedure.calendar import today

DEMO_LABEL = "demo"


def _still_valid(session: Session, tokens: dict[str, str], codes: list[str]) -> bool:
    verifier = TokenVerifier(cache_seconds=0)
    for code in codes:
        try:
            caller = verifier.verify(session, tokens.get(code, ""))
        except OfficeClosed:
            return False
        if caller is None or caller.office.code != code:
            return False
    return len(tokens) == len(codes)


def demo_tokens(session: Session, tokens_file: Path) -> dict[str, str]:
    """Keeps the file's tokens if they all still work (a second run changes nothing), else issues anew."""
    day = today()
    codes = list(
        session.scalars(
            select(Office.code)
            .where(or_(Office.valid_from.is_(None), Office.valid_from <= day))
            .where(or_(Office.valid_to.is_(None), Office.valid_to >= day))
            .order_by(Office.code)
        )
    )
    if tokens_file.exists():
        try:
            existing = json.loads(tokens_file.read_text())
        except (OSError, ValueError):
            existing = {}
        if isinstance(existing, dict) and _still_valid(session, existing, codes):
            return {code: existing[code] for code in codes}
    for token in session.scalars(select(Token).where(Token.label == DEMO_LABEL, Token.revoked_at.is_(None))):
        from models.base import utcnow

        token.revoked_at = utcnow()
    issued = {code: issue_token(session, code, None, DEMO_LABEL, on=day)[1] for code in codes}
    tokens_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(tokens_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(issued, out, indent=2)
    return issued


def load_demo(
    sessions: sessionmaker[Session], workers: int, tokens_file: Path
) -> tuple[object, dict[str, str]]:
    from demo.generator import generate
    from demo.seeded import faithful, load_seeded

    with sessions() as session:
        summary = generate(session, workers, adjust=faithful)
        session.commit()
        load_seeded(session)  # the source documents' own figures, whatever the number of workers
    with sessions() as session, session.begin():
        issued = demo_tokens(session, tokens_file)
    return summary, issued
