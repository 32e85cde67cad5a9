"""A statement the worker can read (issue 19, item 4): over HTTP and the CLI, JSON and PDF.

It names each disclosure in plain words (the office's name, the officer where known, the day, the
purpose in words, the categories of data), never a `Type.field`; it carries the ledger checkpoint
it was made at; making it is ledgered; a worker outside the office's scope is the same 404 as one
that does not exist. The PDF is opened: its text extracted (pdftotext), a page rendered (pdftoppm).
"""

from __future__ import annotations

import json
import re
import subprocess
import uuid
from pathlib import Path

import httpx
import pytest

from models.opaque import encode_id
from models.sealing import Keyring, set_keyring
from tests import plain_http
from tests.conftest import OFFICER_ARGS, run_cli

SUBJECT = "data-subject-request"
TYPE_FIELD = re.compile(
    r"\b(Worker|Placement|Crossing|HealthCheck|PoliceClearance|Incident|Disclosure)\.[a-z]"
)
# policies/purposes.txt: what `placement-verification` covers.
PLACEMENT_WORDS = "checking a worker's placement with an employer under an agreement"


def _get(
    server, office: str, path: str, case_ref: str | None = "HS-2026/0200", **params: str
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {server.tokens[office]}", "X-Purpose": SUBJECT}
    if case_ref:
        headers["X-Case-Ref"] = case_ref
    return plain_http.get(f"{server.url}{path}", headers=headers, params=params, timeout=60)


def _name(as_office, code: str) -> str:
    return as_office(code, purpose=None).data("{ me { name } }")["me"]["name"]


@pytest.fixture(scope="module")
def read_by_hekou(database, live_server, as_office) -> dict:
    """A worker Hekou's officer read, who is also in Lào Cai's Home Affairs department's scope."""
    officer_id = f"HK-{uuid.uuid4().hex[:8]}"
    out = run_cli(
        database, "token", "issue", "--office", "cn-hekou", "--officer-id", officer_id, "--officer-name", "王芳",
    ).stdout  # fmt: skip
    token = out.splitlines()[-1].strip()
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": "placement-verification"}
    query = {"query": "{ workers(first: 20) { nodes { id fullName } } }"}
    nodes = plain_http.post(f"{live_server.url}/graphql", json=query, headers=headers, timeout=60).json()[
        "data"
    ]["workers"]["nodes"]
    home = as_office("lc-home-affairs")
    seen = "query($id: ID!) { node(id: $id) { id } }"
    worker = next(n for n in nodes if home.data(seen, {"id": n["id"]})["node"])
    return {"worker": worker, "officer": "王芳"}


def test_the_statement_names_each_disclosure_in_plain_words(live_server, as_office, read_by_hekou) -> None:
    worker = read_by_hekou["worker"]
    response = _get(live_server, "lc-home-affairs", f"/subjects/{worker['id']}/statement.json", lang="en")
    assert response.status_code == 200, response.text
    statement = response.json()
    assert statement["full_name"] == worker["fullName"] and statement["worker"] == worker["id"]
    assert statement["made_by"] == _name(as_office, "lc-home-affairs")
    hekou = [d for d in statement["disclosures"] if d["officer"] == read_by_hekou["officer"]]
    assert len(hekou) == 1
    assert hekou[0]["office"] == _name(as_office, "cn-hekou") and hekou[0]["purpose"] == PLACEMENT_WORDS
    assert set(hekou[0]["categories"]) == {
        "the registry's number for you",
        "your name, date of birth and sex",
    }
    assert statement["held"] and all(count >= 1 for _category, count in statement["held"])
    assert not TYPE_FIELD.search(response.text), TYPE_FIELD.search(response.text)
    assert statement["checkpoint"]["seq"] >= 1 and len(statement["checkpoint"]["entryHash"]) == 64


def test_making_the_statement_is_ledgered_with_its_case(database, live_server, read_by_hekou) -> None:
    worker = read_by_hekou["worker"]["id"]
    case = f"HS-{uuid.uuid4().hex[:10]}"
    assert _get(live_server, "lc-home-affairs", f"/subjects/{worker}/statement.json", case).status_code == 200
    lines = [
        json.loads(x)
        for x in run_cli(database, "audit", "log", "--json", "--worker", worker).stdout.splitlines()
    ]
    (made,) = [line for line in lines if line["caseRef"] == case]
    assert made["office"] == "lc-home-affairs" and made["purpose"] == SUBJECT


def test_a_worker_outside_the_scope_is_the_same_404_as_one_that_does_not_exist(
    database, live_server, read_by_hekou
) -> None:
    set_keyring(Keyring.load(database.key_file))  # to name a worker that does not exist
    outside = _get(
        live_server, "tq-home-affairs", f"/subjects/{read_by_hekou['worker']['id']}/statement.json"
    )
    absent = _get(live_server, "tq-home-affairs", f"/subjects/{encode_id('Worker', 10**9)}/statement.json")
    assert outside.status_code == absent.status_code == 404
    assert outside.json()["errors"][0]["message"] == absent.json()["errors"][0]["message"]
    assert (
        outside.json()["errors"][0]["extensions"]["code"] == absent.json()["errors"][0]["extensions"]["code"]
    )


def test_the_statement_needs_its_case_reference(live_server, read_by_hekou) -> None:
    response = _get(
        live_server, "lc-home-affairs", f"/subjects/{read_by_hekou['worker']['id']}/statement.pdf", None
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "CASE_REF_REQUIRED"


def test_the_pdf_statement_reads_in_vietnamese_and_renders(
    live_server, as_office, read_by_hekou, tmp_path
) -> None:
    worker = read_by_hekou["worker"]
    response = _get(live_server, "lc-home-affairs", f"/subjects/{worker['id']}/statement.pdf", lang="vi")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "statement.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert worker["fullName"] in text and _name(as_office, "lc-home-affairs") in " ".join(text.split())
    assert read_by_hekou["officer"] in text
    assert not TYPE_FIELD.search(text)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True
    )
    (page,) = tmp_path.glob("page*.png")
    assert page.stat().st_size > 5_000
    Path("/tmp/statement-page.png").write_bytes(page.read_bytes())  # for a person to look at


def test_a_worker_counted_in_the_yearly_figures_is_told_so_and_that_nothing_was_sent(
    database, live_server, as_office
) -> None:
    """README: the yearly figures send no worker's data; the ledger names whom they were counted from,
    so the statement lists the report as such, with no category of data (never "other data")."""
    as_office("cn-hekou", "statistics").data(
        '{ agreementReport(agreementId: "AGR-LC-HK", year: 2019) { totals { sent } } }'
    )
    (entry,) = [
        json.loads(line)
        for line in run_cli(
            database, "audit", "log", "--office", "cn-hekou", "--limit", "1", "--json"
        ).stdout.splitlines()
        if line.startswith("{")
    ]
    home = as_office("lc-home-affairs")
    seen = "query($id: ID!) { node(id: $id) { id } }"
    worker = next(w for w in entry["workers"] if home.data(seen, {"id": w})["node"])
    response = _get(live_server, "lc-home-affairs", f"/subjects/{worker}/statement.json", lang="en")
    assert response.status_code == 200, response.text
    counted = [d for d in response.json()["disclosures"] if d["counted_in_figures"]]
    assert counted and all(d["categories"] == [] and d["searched_by"] == [] for d in counted)
    assert "other data" not in response.text
    pdf = _get(live_server, "lc-home-affairs", f"/subjects/{worker}/statement.pdf", lang="en")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout
    words = " ".join(text.decode().split())  # a cell's lines come apart, among other cells'
    assert "counted in an agreement's" in words and "nothing about you" in words


def test_the_cli_writes_the_statement_in_chinese(database, read_by_hekou, tmp_path) -> None:
    out = tmp_path / "statement.json"
    run_cli(
        database, "subject", "statement", "--office", "lc-home-affairs", "--worker", read_by_hekou["worker"]["id"],
        "--lang", "zh", "--format", "json", "--case-ref", "HS-2026/0300", *OFFICER_ARGS, "--output", str(out),
    )  # fmt: skip
    statement = json.loads(out.read_text())
    assert statement["language"] == "zh" and statement["worker"] == read_by_hekou["worker"]["id"]
    assert any(d["officer"] == read_by_hekou["officer"] for d in statement["disclosures"])


def test_a_worker_id_beginning_with_a_dash_is_read_as_the_value_of_worker(database, tmp_path) -> None:
    """A global ID is URL-safe base64, so about one in 64 begins with '-', which argparse would take
    for an option ("expected one argument"): it must reach the command as the worker asked about."""
    unknown = "-" + "A" * 21  # shaped like an ID, naming no worker
    statement = [
        "subject",
        "statement",
        "--office",
        "lc-home-affairs",
        "--format",
        "json",
        "--case-ref",
        "HS-1",
        *OFFICER_ARGS,
    ]
    for command in (["audit", "log", "--json"], [*statement, "--output", str(tmp_path / "s.json")]):
        result = run_cli(database, *command, "--worker", unknown, check=False)
        assert "expected one argument" not in result.stderr
        assert unknown in result.stderr, result.stderr
