"""`borderlabour policy check`: every policy line that names something the registry does not know.

A typo in a policy file is silent to Casbin: `p, cn-office, Worker.fullNmae, read` grants nothing,
`p, vn-labour, purpose, statistcs` invents a purpose. The check compares every line with what
exists: the schema's fields and write duties, the row scopes, the purposes in `purposes.txt`, and
the offices and roles of `offices.csv`. The server runs the same check before it switches to a
changed policy, and keeps the last good one if anything is wrong.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from casbin.util import key_match

from policies.officers import CASE_REF_COLUMN
from settings import SetupError

ROW_SCOPES = ("home-unit", "employer-unit", "gate-unit", "all")
PURPOSES_FILE = "purposes.txt"


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    problem: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.problem}"


class PolicyProblems(SetupError):
    """The policy folder names things that do not exist; one finding per line of the message."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("\n".join(str(f) for f in findings) or "no findings")
        self.findings = findings


@dataclass(frozen=True)
class _Line:
    file: str
    number: int
    parts: tuple[str, ...]


def _lines(folder: Path) -> list[_Line]:
    found = []
    for path in sorted(folder.glob("*.csv")):
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            text = text.strip()
            if text and not text.startswith("#"):
                found.append(_Line(path.name, number, tuple(part.strip() for part in text.split(","))))
    return found


def known_purposes(folder: Path) -> frozenset[str]:
    path = folder / PURPOSES_FILE
    if not path.is_file():
        return frozenset()
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(line.split()[0] for line in lines if line and not line.startswith("#"))


def purpose_descriptions(folder: Path) -> dict[str, str]:
    """Each purpose's name and what it covers (English, translated where it is shown)."""
    path = folder / PURPOSES_FILE
    if not path.is_file():
        return {}
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    pairs = (line.split(None, 1) for line in lines if line and not line.startswith("#"))
    return {pair[0]: pair[1].strip() if len(pair) > 1 else "" for pair in pairs}


def check_policy(folder: Path, catalogue: Iterable[str], duties: Iterable[str]) -> list[Finding]:
    """Every line of the folder's policy files that names an unknown field, duty, scope, purpose,
    office or role, or is not a well-formed `p, sub, obj, act` or `g, office, role` line."""
    fields, writes, purposes = frozenset(catalogue), frozenset(duties), known_purposes(folder)
    lines = _lines(folder)
    offices = {line.parts[1] for line in lines if line.parts[0] == "g" and len(line.parts) == 3}
    roles = {line.parts[2] for line in lines if line.parts[0] == "g" and len(line.parts) == 3}
    granting = {line.parts[1] for line in lines if line.parts[0] == "p" and len(line.parts) in (4, 5)}
    findings: list[Finding] = []
    if not (folder / PURPOSES_FILE).is_file():
        findings.append(Finding(PURPOSES_FILE, 0, "missing: the list of purposes the policy may name"))
    for line in lines:
        for problem in _problems(line, fields, writes, purposes, offices | roles, granting):
            findings.append(Finding(line.file, line.number, problem))
    return findings


def _problems(
    line: _Line,
    fields: frozenset[str],
    writes: frozenset[str],
    purposes: frozenset[str],
    subjects: set[str],
    granting: set[str],
) -> Iterable[str]:
    kind, rest = line.parts[0], line.parts[1:]
    if kind == "g":
        if len(rest) != 2:
            yield "a role line is `g, OFFICE, ROLE`"
        elif rest[1] not in granting:
            yield f"unknown role {rest[1]!r}: no `p` line grants it anything"
        return
    if kind == "p" and len(rest) == 4 and rest[1] == "purpose" and rest[3] == CASE_REF_COLUMN:
        rest = rest[:3]  # a purpose stated only with a case reference (`policies.officers`)
    if kind != "p" or len(rest) != 3:
        yield "a rule is `p, ROLE, OBJECT, ACTION` and a role line `g, OFFICE, ROLE`"
        return
    subject, obj, act = rest
    if subject not in subjects:
        yield f"unknown office or role {subject!r}: offices.csv gives no office that role"
    if obj == "rows":
        if act not in ROW_SCOPES:
            yield "unknown row scope {scope!r} (known: {known})".format(
                scope=act, known=", ".join(ROW_SCOPES)
            )
    elif obj == "purpose":
        if act not in purposes:
            yield f"unknown purpose {act!r}: purposes.txt does not list it"
    elif act == "write":
        if obj not in writes:
            yield f"unknown write duty {obj!r}: no mutation has that name"
    elif act == "read":
        if not any(key_match(field, obj) for field in fields):
            yield f"unknown field {obj!r}: the schema has no field it matches"
    else:
        yield f"unknown action {act!r} (read, write, a row scope under `rows`, a purpose under `purpose`)"


def require_sound(folder: Path, catalogue: Iterable[str], duties: Iterable[str]) -> None:
    findings = check_policy(folder, catalogue, duties)
    if findings:
        raise PolicyProblems(findings)
