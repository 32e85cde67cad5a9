"""The transfer register (issue 19, item 5): what was sent abroad, per recipient office, from the ledger.

Per recipient: the purposes, the categories of data, how many persons and disclosures, the sensitive
categories (ethnicity, health), and the agreements and talks minutes the transfer rests on. It names
no worker. The numbers are at least what this test itself sent: other tests write to the registry too.
"""

from __future__ import annotations

import json
import subprocess

from procedure.calendar import today
from tests.conftest import run_cli

# A Chinese office reads health checks (sensitive) and never ethnicity (policies/visibility.csv).
READ = "{ workers(first: 3) { nodes { id fullName healthChecks { result } } } }"


def test_the_register_counts_what_a_chinese_office_received_and_on_what_basis(
    database, as_office, tmp_path
) -> None:
    hekou = as_office("cn-hekou")
    sent = hekou.data(READ)["workers"]["nodes"]
    agreements = hekou.data("{ agreements { code } }")["agreements"]
    day = today().isoformat()
    out = tmp_path / "transfers.json"
    run_cli(
        database, "report", "transfers", "--recipient", "cn-hekou", "--from", day, "--to", day,
        "--format", "json", "--lang", "en", "--output", str(out),
    )  # fmt: skip
    register = json.loads(out.read_text())
    (row,) = register["recipients"]
    assert row["code"] == "cn-hekou" and row["name"] == hekou.data("{ me { name } }")["me"]["name"]
    assert row["persons"] >= len(sent) and row["disclosures"] >= 1
    # policies/purposes.txt: what placement-verification covers; reports/categories.csv: the categories.
    assert "checking a worker's placement with an employer under an agreement" in row["purposes"]
    assert "your health checks" in row["sensitive"] and "your ethnicity" not in row["sensitive"]
    assert {"your name, date of birth and sex", "your health checks"} <= set(row["categories"])
    assert {a["code"] for a in agreements} <= {b.split(" ", 1)[0] for b in row["basis"]}
    assert not any(w["id"] in out.read_text() or w["fullName"] in out.read_text() for w in sent)


def test_the_register_is_written_as_a_pdf_and_a_spreadsheet(database, tmp_path) -> None:
    day = today().isoformat()
    for fmt in ("pdf", "xlsx"):
        out = tmp_path / f"transfers.{fmt}"
        run_cli(
            database, "report", "transfers", "--from", day, "--to", day, "--format", fmt, "--lang", "vi",
            "--output", str(out),
        )  # fmt: skip
        assert out.stat().st_size > 1000
    text = subprocess.run(["pdftotext", str(tmp_path / "transfers.pdf"), "-"], capture_output=True, text=True)
    assert "cn-hekou" in text.stdout


def _register(database, tmp_path, name: str) -> dict:
    day = today().isoformat()
    out = tmp_path / f"{name}.json"
    run_cli(
        database, "report", "transfers", "--recipient", "cn-hekou", "--from", day, "--to", day,
        "--format", "json", "--lang", "en", "--output", str(out),
    )  # fmt: skip
    (row,) = json.loads(out.read_text())["recipients"]
    return row


def test_the_yearly_figures_are_no_transfer_of_the_workers_counted(database, as_office, tmp_path) -> None:
    """README: aggregates send no worker's data. The ledger names the workers `agreementReport` was
    counted from (697 in Hekou's 2019 figures), but the register counts none of them."""
    before = _register(database, tmp_path, "before")
    report = as_office("cn-hekou", "statistics").data(
        '{ agreementReport(agreementId: "AGR-LC-HK", year: 2019) { totals { sent } } }'
    )["agreementReport"]
    assert report["totals"]["sent"]  # the figures were counted from workers
    after = _register(database, tmp_path, "after")
    assert (after["persons"], after["disclosures"]) == (before["persons"], before["disclosures"])
    assert after["categories"] == before["categories"] and "other data" not in after["categories"]


def test_a_vietnamese_office_is_refused_as_a_recipient_abroad(database, as_office, tmp_path) -> None:
    """The register's scope is offices abroad (an office's side is data): a domestic read is no
    transfer, and `--recipient lc-police` is refused in the register's language, with no file."""
    as_office("lc-police").data("{ workers(first: 2) { nodes { id fullName } } }")
    day = today().isoformat()
    for language, said in (("en", "is not an office abroad"), ("vi", "không phải là cơ quan ở nước ngoài")):
        out = tmp_path / f"domestic-{language}.json"
        refused = run_cli(
            database, "report", "transfers", "--recipient", "lc-police", "--from", day, "--to", day,
            "--format", "json", "--lang", language, "--output", str(out), check=False,
        )  # fmt: skip
        assert refused.returncode == 1 and "'lc-police'" in refused.stderr and said in refused.stderr
        assert not out.exists()
    unknown = run_cli(
        database, "report", "transfers", "--recipient", "cn-nowhere", "--from", day, "--to", day,
        "--format", "json", "--output", str(tmp_path / "unknown.json"), check=False,
    )  # fmt: skip
    assert unknown.returncode == 1 and "unknown office 'cn-nowhere'" in unknown.stderr
