"""Policy is data: a saved change takes effect without a restart, and a broken file changes nothing."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from policies.access import POLICY_DIR
from tests import plain_http
from tests.conftest import Server

pytestmark = pytest.mark.engine_independent(
    "the policy files read again by a running server; only introspection is asked"
)

FIELDS = '{ __type(name: "Worker") { fields { name } } }'


def _fields(server: Server, office: str) -> set[str]:
    headers = {"Authorization": f"Bearer {server.tokens[office]}"}
    body = plain_http.post(
        f"{server.url}/graphql", json={"query": FIELDS}, headers=headers, timeout=10
    ).json()
    kind = body["data"]["__type"]
    return {f["name"] for f in kind["fields"]} if kind else set()


def _eventually(check, timeout: float = 8.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


def _edit(path: Path, *changes: tuple[str, str]) -> None:
    """One save of the file with every change in it."""
    text = path.read_text()
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    path.write_text(text)


def _refusal_logged(server: Server, since: int, *words: str) -> bool:
    """Whether the server logged, after byte `since`, that it read the files and kept its policy.
    (A request is what makes the server look at the files, hence the request first.)"""
    _fields(server, "cn-napo")
    logged = server.log.read_text()[since:]
    return ("policy not reloaded" in logged or "policy reload failed" in logged) and all(
        w in logged for w in words
    )


DOB = "p, cn-office, Worker.dateOfBirth, read\n"
SEX = "p, cn-office, Worker.sex, read\n"
SEX_TYPO = "p, cn-office, Worker.sexx, read\n"


def test_a_saved_policy_change_applies_without_restart_and_a_broken_one_is_ignored(
    database, demo_tokens, tmp_path
) -> None:
    policy = tmp_path / "policy"
    shutil.copytree(POLICY_DIR, policy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    server = Server(database, demo_tokens, tmp_path / "server.log", BORDERLABOUR_POLICY_DIR=str(policy))
    try:
        assert "dateOfBirth" in _fields(server, "cn-napo")
        _edit(policy / "visibility.csv", (DOB, ""))
        assert _eventually(lambda: "dateOfBirth" not in _fields(server, "cn-napo"))
        assert "dateOfBirth" in _fields(server, "tq-home-affairs")

        # A half-saved model file must not take the service down or change what anyone sees: the
        # server reads it (and says so), keeps its policy, and the line given back waits with it.
        since = len(server.log.read_text())
        _edit(policy / "model.conf", ("[matchers]", "[matchers-broken]"))
        _edit(policy / "visibility.csv", (SEX, SEX + DOB))
        assert _eventually(lambda: _refusal_logged(server, since))
        assert "dateOfBirth" not in _fields(server, "cn-napo")
        assert "fullName" in _fields(server, "cn-napo")
        _edit(policy / "model.conf", ("[matchers-broken]", "[matchers]"))
        assert _eventually(lambda: "dateOfBirth" in _fields(server, "cn-napo"))

        # A saved typo is caught by the policy check: the whole change waits (the date of birth
        # taken away in the same save stays), and the log says why.
        since = len(server.log.read_text())
        _edit(policy / "visibility.csv", (SEX, SEX_TYPO), (DOB, ""))
        assert _eventually(
            lambda: _refusal_logged(server, since, "visibility.csv", "unknown field 'Worker.sexx'")
        )
        assert {"sex", "dateOfBirth"} <= _fields(server, "cn-napo")
        _edit(policy / "visibility.csv", (SEX_TYPO, SEX))
        assert _eventually(lambda: "dateOfBirth" not in _fields(server, "cn-napo"))
        assert "sex" in _fields(server, "cn-napo")
    finally:
        server.stop()
