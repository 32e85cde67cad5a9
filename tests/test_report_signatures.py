"""The yearly figures signed by both focal offices (issue 22 item 4), over HTTP and the real CLI.

Each office's Ed25519 public key is enrolled by the administrator (`keys enroll`); the office signs
the report's JSON with its private key (`report sign`) and stores the signature (`signReport`);
`agreementReport { signatures figuresChangedSinceSigning }` and the JSON document show them, and
`report verify` checks the file offline: it passes for the figures both signed and fails once any
figure differs, in the file or in the registry.

Each test uses an agreement of its own, so no other test moves its figures.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from tests import procedure_steps as steps
from tests.conftest import Database, run_cli

FOCAL = ("lc-home-affairs", "cn-hekou")
SIGN = """mutation($input: SignReportInput!) {
  signReport(input: $input) { signature { office { code } valid } errors { field code } } }"""
REPORT = """query($a: ID!, $y: Int!) { agreementReport(agreementId: $a, year: $y) {
  totals { sent } signatures { office { code } signedAt valid } figuresChangedSinceSigning } }"""


def _keys(folder: Path, office: str) -> tuple[Path, Path]:
    key = Ed25519PrivateKey.generate()
    private, public = folder / f"{office}.pem", folder / f"{office}.pub.pem"
    private.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    public.write_bytes(key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo))
    return private, public


def _document(as_office, office: str, code: str, year: int, path: Path, fmt: str = "json") -> Path:
    client = as_office(office, "statistics")
    response = client.http.get(
        f"/reports/agreements/{code}/{year}.{fmt}",
        headers={"Authorization": f"Bearer {client.server.tokens[office]}", "X-Purpose": "statistics"},
    )
    assert response.status_code == 200, response.text
    path.write_bytes(response.content)
    return path


def _pdf_text(as_office, code: str, year: int, folder: Path) -> str:
    path = _document(as_office, "lc-home-affairs", code, year, folder / "report.pdf", "pdf")
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _placed(as_office, code: str) -> None:
    worker = steps.ready(as_office)
    assert steps.place(as_office, worker, agreement=code)["errors"] == []
    assert steps.cross(as_office, "lc-border-guard", worker, "EXIT_VIETNAM")["errors"] == []
    confirm = {"placementId": None, "workPermitNumber": steps.work_permit()}
    placements = as_office("cn-hekou").data(
        "query($w: ID!) { node(id: $w) { ... on Worker { placements { id status } } } }", {"w": worker}
    )["node"]["placements"]
    confirm["placementId"] = next(p["id"] for p in placements if p["status"] == "PLANNED")
    assert (
        as_office("cn-hekou").data(steps.CONFIRM, {"input": confirm})["confirmPlacementStart"]["errors"] == []
    )


@pytest.fixture(scope="module")
def keys(database: Database, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("signing-keys")
    private = {}
    for office in FOCAL:
        private[office], public = _keys(folder, office)
        enrolled = run_cli(database, "keys", "enroll", "--office", office, "--public-key", str(public))
        assert f"enrolled for {office}" in enrolled.stdout
    return private


def test_both_focal_offices_sign_and_report_verify_passes_then_fails_after_any_figure_changes(
    as_office, database: Database, keys: dict[str, Path], tmp_path: Path
) -> None:
    code = steps.new_agreement(as_office)
    _placed(as_office, code)
    year = steps.today().year
    for office in FOCAL:  # each office signs the JSON it got itself
        document = _document(as_office, office, code, year, tmp_path / f"{office}.json")
        signed = run_cli(database, "report", "sign", str(document), "--private-key", str(keys[office]))
        signature = signed.stdout.strip()
        answer = as_office(office, "statistics").data(
            SIGN, {"input": {"agreementId": code, "year": year, "signature": signature}}
        )["signReport"]
        assert answer == {"signature": {"office": {"code": office}, "valid": True}, "errors": []}

    report = as_office("cn-hekou", "statistics").data(REPORT, {"a": code, "y": year})["agreementReport"]
    assert report["totals"]["sent"] == 1
    assert [(s["office"]["code"], s["valid"]) for s in report["signatures"]] == [
        ("lc-home-affairs", True),
        ("cn-hekou", True),
    ]
    assert report["figuresChangedSinceSigning"] is False

    pdf = _pdf_text(as_office, code, year, tmp_path)
    block = pdf[pdf.index("Chữ ký / 签名") :]
    assert "lc-home-affairs" in block and "cn-hekou" in block
    assert block.count("hợp lệ / 有效") == 2 and "không hợp lệ" not in block

    both = _document(as_office, "lc-home-affairs", code, year, tmp_path / "signed.json")
    verified = run_cli(database, "report", "verify", str(both), check=False)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.count(": valid") == 2
    hekou_key, lc_key = (keys[o].with_name(f"{o}.pub.pem") for o in ("cn-hekou", "lc-home-affairs"))
    pinned = run_cli(database, "report", "verify", str(both), "--key", f"cn-hekou={hekou_key}", check=False)
    assert pinned.returncode == 0, pinned.stdout
    swapped = run_cli(database, "report", "verify", str(both), "--key", f"cn-hekou={lc_key}", check=False)
    assert swapped.returncode == 1 and "other than the one given" in swapped.stdout

    tampered = json.loads(both.read_text(encoding="utf-8"))
    tampered["totals"]["returned"] += 1  # any figure: here one nobody looks at first
    (tmp_path / "tampered.json").write_text(json.dumps(tampered, ensure_ascii=False), encoding="utf-8")
    refused = run_cli(database, "report", "verify", str(tmp_path / "tampered.json"), check=False)
    assert refused.returncode == 1 and "figures changed since the signing" in refused.stdout

    _placed(as_office, code)  # a figure changes in the registry: one more placement sent
    after = as_office("lc-home-affairs", "statistics").data(REPORT, {"a": code, "y": year})["agreementReport"]
    assert after["totals"]["sent"] == 2
    assert [s["valid"] for s in after["signatures"]] == [False, False]
    assert after["figuresChangedSinceSigning"] is True
    stale = _document(as_office, "lc-home-affairs", code, year, tmp_path / "stale.json")
    assert run_cli(database, "report", "verify", str(stale), check=False).returncode == 1
    assert _pdf_text(as_office, code, year, tmp_path).count("không hợp lệ với các số liệu này") == 2


def test_a_signature_that_does_not_verify_over_the_figures_is_refused(
    as_office, database: Database, keys: dict[str, Path], tmp_path: Path
) -> None:
    code = steps.new_agreement(as_office)
    _placed(as_office, code)
    year = steps.today().year
    document = _document(as_office, "cn-hekou", code, year, tmp_path / "report.json")
    # signed with Lào Cai's key, not Hekou's: it does not verify with Hekou's enrolled key
    other = run_cli(database, "report", "sign", str(document), "--private-key", str(keys["lc-home-affairs"]))
    refused = as_office("cn-hekou", "statistics").data(
        SIGN, {"input": {"agreementId": code, "year": year, "signature": other.stdout.strip()}}
    )["signReport"]
    assert refused == {"signature": None, "errors": [{"field": "signature", "code": "INVALID_SIGNATURE"}]}
    last_year = as_office("cn-hekou", "statistics").data(
        SIGN, {"input": {"agreementId": code, "year": year - 1, "signature": other.stdout.strip()}}
    )["signReport"]  # Hekou's own figures of another year: another digest
    assert last_year["errors"] == [{"field": "signature", "code": "INVALID_SIGNATURE"}]
    unsigned = run_cli(database, "report", "verify", str(document), check=False)
    assert unsigned.returncode == 1 and "no signature" in unsigned.stdout


def test_a_signature_binds_the_months_and_quotas_beside_small_counts(
    as_office, database: Database, keys: dict[str, Path], tmp_path: Path
) -> None:
    """Only counts are signed as "< 5": a row moved from month 1 to month 3, or an approved quota
    changed under 5, is a changed figure in either focal office's copy, which untouched verifies."""
    code = steps.new_agreement(as_office)
    _placed(as_office, code)
    year = steps.today().year
    for office in FOCAL:
        document = _document(as_office, office, code, year, tmp_path / f"{office}.json")
        signature = run_cli(database, "report", "sign", str(document), "--private-key", str(keys[office]))
        answer = as_office(office, "statistics").data(
            SIGN, {"input": {"agreementId": code, "year": year, "signature": signature.stdout.strip()}}
        )["signReport"]
        assert answer["errors"] == []
    for office in FOCAL:
        copy = _document(as_office, office, code, year, tmp_path / f"{office}-signed.json")
        verified = run_cli(database, "report", "verify", str(copy), check=False)
        assert verified.returncode == 0 and verified.stdout.count(": valid") == 2, verified.stdout
        document = json.loads(copy.read_text(encoding="utf-8"))
        months = [dict(m) for m in document["quota_by_month"]]
        assert (months[0]["month"], months[2]["month"]) == (1, 3)
        months[0]["month"], months[2]["month"] = 3, 1  # the two months' rows swapped
        crossing, quota = document["crossings"][0], document["quotas"][0]
        changes = {
            "months": {"quota_by_month": months},
            "crossing": {"crossings": [{**crossing, "month": 3 if crossing["month"] == 1 else 1}]},
            "approved": {"quotas": [{**quota, "approved": 3 if quota["approved"] == 2 else 2}]},
        }
        for name, change in changes.items():  # each change alone
            tampered = tmp_path / f"{office}-{name}.json"
            tampered.write_text(json.dumps({**document, **change}, ensure_ascii=False), encoding="utf-8")
            refused = run_cli(database, "report", "verify", str(tampered), check=False)
            assert refused.returncode == 1 and "figures changed since the signing" in refused.stdout, name
