"""Faults: the database going away and coming back, and writes that fail half-way.

The outage is real: a TCP proxy stands between a separate `borderlabour serve` and PostgreSQL, and
the test stops it (dropping every connection) and starts it again.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests import plain_http
from tests.conftest import TEST_DB_ENV, Server
from tests.paging import all_nodes

READ = {"query": "{ workers(first: 5) { totalCount nodes { id fullName } } }"}
ME = {"query": "{ me { code } }"}
REGISTER = """mutation($input: RegisterWorkerInput!) {
  registerWorker(input: $input) { worker { id } errors { field code } } }"""
FIND = "query($n: String!) { workers(filter: {nationalIdNumber: $n}) { nodes { id } } }"


class TcpProxy:
    """Forwards 127.0.0.1:<port> to the database server until stopped; `stop` also cuts open connections."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        if self._listener is not None:
            _close(self._listener)
            self._listener = None
        with self._lock:
            doomed, self._open = self._open, set()
        for sock in doomed:
            _close(sock)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._open |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            _close(source)
            _close(sink)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked in accept() or recv()
    sock.close()


@pytest.fixture
def proxied_server(database, demo_tokens, tmp_path):
    if not os.environ.get(TEST_DB_ENV):
        pytest.skip("needs PostgreSQL (BORDERLABOUR_TEST_DATABASE_URL): an SQLite file cannot go down")
    url = make_url(database.url)
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.start()
    through_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    server = Server(database, demo_tokens, tmp_path / "server.log", BORDERLABOUR_DATABASE_URL=through_proxy)
    try:
        yield proxy, server
    finally:
        server.stop()
        proxy.stop()


def _assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    body = response.json()
    assert "data" not in body and body["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
    assert response.headers["retry-after"].isdigit()
    text = response.text.lower()
    for leak in ("traceback", "select ", "psycopg", "sqlalchemy", "connection refused", "127.0.0.1", "port"):
        assert leak not in text, response.text


def test_a_database_outage_answers_503_and_heals_by_itself(proxied_server) -> None:
    proxy, server = proxied_server
    headers = {
        "Authorization": f"Bearer {server.tokens['tq-home-affairs']}",
        "X-Purpose": "placement-verification",
    }
    with plain_http.client(base_url=server.url, timeout=30) as http:
        assert http.post("/graphql", json=READ, headers=headers).status_code == 200

        proxy.stop()
        _assert_unavailable(http.post("/graphql", json=READ, headers=headers))
        assert http.get("/healthz").json() == {"status": "unavailable", "database": "down"}
        # Reading `me` needs no database while the token's lookup is remembered; once it is not,
        # authentication itself meets the outage, and that must be the same clean 503.
        deadline = time.monotonic() + 30
        while (me := http.post("/graphql", json=ME, headers=headers)).status_code == 200:
            assert time.monotonic() < deadline, "the token was never looked up again"
            time.sleep(0.1)
        _assert_unavailable(me)
        _assert_unavailable(http.post("/graphql", json=READ, headers=headers))

        proxy.start()
        down_since = time.monotonic()
        while (response := http.post("/graphql", json=READ, headers=headers)).status_code != 200:
            assert time.monotonic() - down_since < 5, response.text
            time.sleep(0.1)
        assert "errors" not in response.json() and response.json()["data"]["workers"]["totalCount"] > 0
        assert http.get("/healthz").json()["status"] == "ok"


def _units(client, parent: str) -> list[str]:
    query = "query($p: String) { administrativeUnits(parentCode: $p) { code } }"
    return [u["code"] for u in client.data(query, {"p": parent})["administrativeUnits"]]


def _worker(commune: str, national_id: str) -> dict:
    return {
        "fullName": "Sùng Thị Dở",
        "dateOfBirth": "1999-03-08",
        "sex": "FEMALE",
        "ethnicity": "Hmong",
        "nationalIdNumber": national_id,
        "homeCommuneCode": commune,
    }


def test_a_write_that_fails_after_its_insert_leaves_nothing_and_keeps_the_one_before(as_office) -> None:
    # The second registration passes validation and is inserted, then fails the jurisdiction check
    # that runs after the insert (the commune, in force today, is in the other province).
    district = as_office("tq-home-affairs", "worker-registration")
    own = _units(district, "VN-TQ-2025")[0]
    foreign = _units(district, "VN-LC-2025")[0]
    labour = as_office("tq-home-affairs")
    before = labour.data("{ workers(first: 0) { totalCount } }")["workers"]["totalCount"]
    body = district.data(
        """mutation($a: RegisterWorkerInput!, $b: RegisterWorkerInput!) {
          first: registerWorker(input: $a) { worker { id } errors { field code } }
          second: registerWorker(input: $b) { worker { id } errors { field code } } }""",
        {"a": _worker(own, "002199000101"), "b": _worker(foreign, "002199000102")},
    )
    assert body["first"]["errors"] == [] and body["first"]["worker"]["id"]
    assert body["second"] == {
        "worker": None,
        "errors": [{"field": "homeCommuneCode", "code": "OUT_OF_JURISDICTION"}],
    }
    # The first worker is there, the second left no row behind.
    assert labour.data(FIND, {"n": "002199000101"})["workers"]["nodes"] == [
        {"id": body["first"]["worker"]["id"]}
    ]
    assert labour.data(FIND, {"n": "002199000102"})["workers"]["nodes"] == []
    assert labour.data("{ workers(first: 0) { totalCount } }")["workers"]["totalCount"] == before + 1


def test_racing_registrations_of_one_national_id_make_one_worker_and_clean_refusals(
    live_server, as_office
) -> None:
    # All pass the duplicate check at once; on PostgreSQL the losers' inserts then hit the unique
    # index. Each must come back as DUPLICATE, not as an internal error, and leave nothing behind.
    labour = as_office("lc-home-affairs", "worker-registration")  # Lào Cai's labour duties since 2025
    commune = _units(labour, "VN-LC-2025")[0]
    before = len(all_nodes(as_office("lc-home-affairs"), "workers", "id"))
    headers = {
        "Authorization": f"Bearer {live_server.tokens['lc-home-affairs']}",
        "X-Purpose": "worker-registration",
    }
    start = threading.Barrier(8)
    payload = {"query": REGISTER, "variables": {"input": _worker(commune, "010199000201")}}

    def register(_: int) -> dict:
        with plain_http.client(base_url=live_server.url, timeout=60) as http:
            http.post(
                "/graphql", json={"query": "{ me { code } }"}, headers=headers
            )  # connected, token cached
            start.wait()
            response = http.post("/graphql", json=payload, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(register, range(8)))
    assert [r for r in results if "errors" in r] == []
    outcomes = sorted(str(r["data"]["registerWorker"]["errors"]) for r in results)
    assert outcomes == ["[]"] + ["[{'field': 'nationalIdNumber', 'code': 'DUPLICATE'}]"] * 7
    assert len(all_nodes(as_office("lc-home-affairs"), "workers", "id")) == before + 1
