"""A worker's statement is complete (issue 19): "a worker with ten thousand disclosures gets a
complete statement" — timed in `bench/statement.py`; here, with 300, that it is complete.

Two new workers; 300 ledger entries disclose the first (a third of them the second too) and 30 the
second alone, appended by the ledger's own code (`harness.disclosures`). The statement, over HTTP,
lists each of the 300 once with its office's name, officer, purpose in words and categories, every
other entry naming the worker up to its checkpoint (counted by `audit log --worker`), nothing of the
second worker's own entries, and a checkpoint `audit verify --checkpoint` accepts; the PDF, opened
(pdftotext), shows each officer's disclosures as many times.
"""

from __future__ import annotations

import json
import re
import subprocess
import uuid
from collections import Counter
from pathlib import Path

import tests.procedure_steps as steps
from harness.disclosures import append_disclosures
from models.opaque import decode_id
from models.sealing import Keyring, set_keyring
from settings import POLICY_DIR
from tests import plain_http
from tests.conftest import run_cli

NAME = "your name, date of birth and sex"
DOCUMENTS = "your identity card, border pass and passport numbers"
# What each field list of `harness.disclosures` is, in the statement's plain words (issue 19: "the
# categories of data, never `Type.field`"): (categories, searched for by).
WORDS = {
    frozenset({"Worker.fullName", "Worker.dateOfBirth"}): ({NAME}, set()),
    frozenset({"Worker.fullName", "Crossing.crossedAt", "Crossing.direction"}): (
        {NAME, "your border crossings"},
        set(),
    ),
    frozenset({"Worker.passportNumber", "Placement.startDate"}): (
        {DOCUMENTS, "your employment in China"},
        set(),
    ),
    frozenset({"Worker.fullName", "HealthCheck.result"}): ({NAME, "your health checks"}, set()),
    frozenset({"Worker.fullName", "searched-by:Worker.passportNumber"}): ({NAME}, {DOCUMENTS}),
}


def _purposes() -> dict[str, str]:
    """purpose -> its words, from the policy's data file."""
    lines = (POLICY_DIR / "purposes.txt").read_text(encoding="utf-8").splitlines()
    pairs = (line.split(None, 1) for line in lines if line.strip() and not line.startswith("#"))
    return {name: words.strip() for name, words in pairs}


def test_the_statement_lists_every_disclosure_of_the_worker_and_nothing_of_another(
    database, live_server, as_office, tmp_path: Path
) -> None:
    worker, other = steps.register(as_office), steps.register(as_office)
    set_keyring(Keyring.load(database.key_file))
    tag = f"T{uuid.uuid4().hex[:6]}"
    made = append_disclosures(
        database.url,
        database.key_file,
        decode_id(worker, "Worker")[1],
        decode_id(other, "Worker")[1],
        300,
        tag=tag,
        batch=120,
    )
    assert len(made) == 300
    headers = {
        "Authorization": f"Bearer {live_server.tokens['lc-home-affairs']}",
        "X-Purpose": "data-subject-request",
        "X-Case-Ref": "HS-2026/0419",
    }
    response = plain_http.get(
        f"{live_server.url}/subjects/{worker}/statement.json",
        params={"lang": "en"},
        headers=headers,
        timeout=60,
    )
    assert response.status_code == 200, response.text
    statement = response.json()
    checkpoint = statement["checkpoint"]
    assert checkpoint["seq"] >= max(m.seq for m in made)

    offices = {m.office for m in made}
    names = {code: as_office(code, purpose=None).data("{ me { name } }")["me"]["name"] for code in offices}
    purposes = _purposes()

    def line(office: str, officer: str | None, purpose: str, fields: frozenset[str]) -> tuple:
        categories, searched = WORDS[fields]
        return names[office], officer, purposes[purpose], frozenset(categories), frozenset(searched)

    expected = Counter(line(m.office, m.officer, m.purpose, m.fields) for m in made)
    shown = Counter(
        (d["office"], d["officer"], d["purpose"], frozenset(d["categories"]), frozenset(d["searched_by"]))
        for d in statement["disclosures"]
    )
    assert shown & expected == expected  # each of the 300, as many times as it was made
    assert not [d for d in statement["disclosures"] if (d["officer"] or "").startswith(f"Cán bộ {tag}x")]

    log = run_cli(database, "audit", "log", "--json", "--limit", "100000", "--worker", worker).stdout
    entries = [json.loads(x) for x in log.splitlines()]
    upto = [e for e in entries if e["seq"] <= checkpoint["seq"]]
    assert len(statement["disclosures"]) == len(upto)  # and every other entry naming the worker

    # The PDF, laid out row by row, prints the same rows: each officer's line, nothing of the other's.
    pdf = plain_http.get(
        f"{live_server.url}/subjects/{worker}/statement.pdf",
        params={"lang": "en"},
        headers=headers,
        timeout=60,
    )
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    (tmp_path / "statement.pdf").write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "statement.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    for officer, times in Counter(m.officer for m in made if m.officer is not None).items():
        assert len(re.findall(re.escape(officer) + r"(?!\d)", text)) == times, officer
    assert f"Cán bộ {tag}x" not in text

    held = tmp_path / "checkpoint.json"
    held.write_text(json.dumps(checkpoint))
    public = tmp_path / "ledger.pub"
    public.write_text(run_cli(database, "audit", "public-key").stdout)
    verified = run_cli(database, "audit", "verify", "--public-key", str(public), "--checkpoint", str(held))
    assert "ledger OK" in verified.stdout and "1 checkpoint(s) held" in verified.stdout
