"""Policy is data: a saved change takes effect without a restart, and a broken file changes nothing."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import httpx

from policies.access import POLICY_DIR
from tests.conftest import Server

FIELDS = '{ __type(name: "Worker") { fields { name } } }'


def _fields(server: Server, office: str) -> set[str]:
    headers = {"Authorization": f"Bearer {server.tokens[office]}"}
    body = httpx.post(f"{server.url}/graphql", json={"query": FIELDS}, headers=headers, timeout=10).json()
    kind = body["data"]["__type"]
    return {f["name"] for f in kind["fields"]} if kind else set()


def _eventually(check, timeout: float = 8.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_a_saved_policy_change_applies_without_restart_and_a_broken_one_is_ignored(
    database, demo_tokens, tmp_path
) -> None:
    policy = tmp_path / "policy"
    shutil.copytree(POLICY_DIR, policy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    server = Server(database, demo_tokens, tmp_path / "server.log", BORDERLABOUR_POLICY_DIR=str(policy))
    try:
        assert "dateOfBirth" in _fields(server, "cn-napo")
        _edit(policy / "visibility.csv", "p, cn-office, Worker.dateOfBirth, read\n", "")
        assert _eventually(lambda: "dateOfBirth" not in _fields(server, "cn-napo"))
        assert "dateOfBirth" in _fields(server, "tq-home-affairs")

        # A half-saved model file must not take the service down or change what anyone sees.
        _edit(policy / "model.conf", "[matchers]", "[matchers-broken]")
        time.sleep(1.5)
        assert "dateOfBirth" not in _fields(server, "cn-napo")
        assert "fullName" in _fields(server, "cn-napo")

        _edit(policy / "model.conf", "[matchers-broken]", "[matchers]")

        # A saved typo is caught by the policy check: the whole change waits, and the log says why.
        _edit(
            policy / "visibility.csv",
            "p, cn-office, Worker.sex, read\n",
            "p, cn-office, Worker.sexx, read\n",
        )
        # (a request is what makes the server look at the files)
        assert _eventually(
            lambda: _fields(server, "cn-napo") and "policy not reloaded" in server.log.read_text()
        )
        assert (
            "visibility.csv" in server.log.read_text()
            and "unknown field 'Worker.sexx'" in server.log.read_text()
        )
        assert "sex" in _fields(server, "cn-napo")
        _edit(
            policy / "visibility.csv", "p, cn-office, Worker.sexx, read\n", "p, cn-office, Worker.sex, read\n"
        )
        _edit(
            policy / "visibility.csv",
            "p, cn-office, Worker.sex, read\n",
            "p, cn-office, Worker.sex, read\np, cn-office, Worker.dateOfBirth, read\n",
        )
        assert _eventually(lambda: "dateOfBirth" in _fields(server, "cn-napo"))
    finally:
        server.stop()
