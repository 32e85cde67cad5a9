"""Property-based fuzzing of POST /graphql on the live server: whatever arrives, the answer is never
a 5xx nor a masked internal error, and it is always JSON with `data` or `errors`.

The documents are built from the real schemas' types, fields, arguments and enum values (so most of
them get past the parser and into validation and execution), then bent: wrong names, wrong value
types, hostile strings, deep nesting, many aliases. Deterministic (derandomize) and bounded.
Mutations never get a real ID, so they fail validation instead of changing the shared demo data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import plain_http
from tests.conftest import default_purpose

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ODD_PURPOSES = st.one_of(
    st.none(),
    st.sampled_from(["crossing-control", "security-clearance", "marketing"]),
    st.text("abc-é", max_size=8),
)
INTROSPECTION = """{ __schema { types { name kind
  fields { name type { ...T } args { name type { ...T } } }
  inputFields { name type { ...T } }
  enumValues { name } } } }
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }"""
NASTY_TEXT = [
    "",
    "a" * 5000,
    "\u0000",
    "Giàng Thị Mỷ 公司",
    "' OR 1=1 --",
    "%_\\",
    "\U0001f600",
    "\u202e\u200b",
    "${jndi:x}",
]


@dataclass(repr=False)
class Schema:
    """What the fuzzer knows about the schemas: types by name, and their fields, inputs and values."""

    fields: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    inputs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    enums: dict[str, list[str]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    worker_ids: list[str] = field(default_factory=list)
    cursors: list[str] = field(default_factory=list)

    def __repr__(self) -> str:  # keeps hypothesis's report of a failing example short
        return f"Schema({len(self.kinds)} types)"

    def absorb(self, introspection: dict[str, Any]) -> None:
        for t in introspection["__schema"]["types"]:
            self.kinds[t["name"]] = t["kind"]
            if t["fields"]:
                known = {f["name"] for f in self.fields.setdefault(t["name"], [])}
                self.fields[t["name"]] += [f for f in t["fields"] if f["name"] not in known]
            if t["inputFields"]:
                self.inputs[t["name"]] = t["inputFields"]
            if t["enumValues"]:
                self.enums[t["name"]] = [v["name"] for v in t["enumValues"]]


def _named(type_ref: dict[str, Any]) -> tuple[str, bool]:
    """The named type under NON_NULL/LIST wrappers, and whether a list wraps it."""
    listed = False
    while type_ref.get("ofType") is not None:
        listed = listed or type_ref["kind"] == "LIST"
        type_ref = type_ref["ofType"]
    return type_ref["name"], listed


@pytest.fixture(scope="module")
def schema(as_office) -> Schema:
    known = Schema()
    for office in ("tq-home-affairs", "cn-hekou", "tq-health"):
        known.absorb(as_office(office).data(INTROSPECTION))
    page = as_office("tq-home-affairs").data("{ workers(first: 5) { edges { cursor node { id } } } }")[
        "workers"
    ]
    known.worker_ids = [e["node"]["id"] for e in page["edges"]]
    known.cursors = [e["cursor"] for e in page["edges"]]
    return known


@pytest.fixture(scope="module")
def http(live_server):
    with plain_http.client(base_url=live_server.url, timeout=30) as client:
        yield client


def _headers(live_server, draw) -> dict[str, Any]:
    """Any office's token (spreading the load over the rate limit), mostly with a purpose it may state."""
    office = draw(st.sampled_from(sorted(live_server.tokens)))
    headers = {"Authorization": f"Bearer {live_server.tokens[office]}", "Content-Type": "application/json"}
    purpose = default_purpose(office) if not _one_in(draw, 4) else draw(ODD_PURPOSES)
    if purpose is not None:
        headers["X-Purpose"] = purpose.encode("utf-8")  # raw bytes: non-ASCII header values too
    return headers


def _post(http: httpx.Client, payload: dict[str, Any], headers: dict[str, Any]) -> httpx.Response:
    return http.post("/graphql", content=json.dumps(payload).encode(), headers=headers)  # NaN allowed


def _assert_sane(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text[:500]
    assert response.headers["content-type"].startswith("application/json"), response.text[:500]
    body = response.json()
    assert isinstance(body, dict) and ("data" in body or "errors" in body), body
    if "errors" in body:
        assert body["errors"] and all(isinstance(e.get("message"), str) for e in body["errors"])
        # A masked crash is still a crash: INTERNAL means the server met something it did not expect.
        assert not [e for e in body["errors"] if (e.get("extensions") or {}).get("code") == "INTERNAL"], body
    assert "Traceback" not in response.text and "sqlalchemy" not in response.text.lower()


# ---- values and documents ---------------------------------------------------------------------

NAME = st.one_of(
    st.sampled_from(["id", "x", "_", "__typename", "__schema", "nationalIdNumber", "Worker", "true"]),
    st.text(alphabet="abzAZ_", min_size=1, max_size=8),
)
ANY_TEXT = st.one_of(st.text(max_size=40), st.sampled_from(NASTY_TEXT))


WRONG = st.sampled_from(["null", "1", '"x"', "[1, 2]", "{a: 1}", "$v", "$first", "true", "1.5e300", "-0"])
DATES = st.sampled_from(['"2026-01-01"', '"2026-11-23T10:00:00+07:00"', '"1900-02-30"', '"99999-01-01"'])
SUB_SELECTIONS = st.sampled_from(["", "{ }", "{ id }", "@include(if: $v)", "@skip(if: true) { id }"])
INT = st.integers(-(2**40), 2**40)
FLOAT = st.floats(allow_nan=False, allow_infinity=False)
# Strategies are built once: hypothesis caches st.integers(a, b) and friends, so draws stay cheap.


def _pick(draw, items: list[Any]) -> Any:
    return items[draw(st.integers(0, len(items) - 1))]


def _some(draw, items: list[Any], most: int, least: int = 0) -> list[Any]:
    n = len(items)
    if n == 0:
        return []
    return [
        items[i]
        for i in draw(
            st.lists(st.integers(0, n - 1), min_size=min(least, n), max_size=min(most, n), unique=True)
        )
    ]


def _one_in(draw, n: int) -> bool:
    return draw(st.integers(0, n - 1)) == 0


def _literal(draw, schema: Schema, type_ref: dict[str, Any], depth: int, real_ids: bool) -> str:
    """A GraphQL literal for the type, usually of the right kind and sometimes not."""
    type_name, listed = _named(type_ref)
    if _one_in(draw, 5):
        return draw(WRONG)
    if type_name in schema.enums:
        value = _pick(draw, schema.enums[type_name])
    elif type_name in schema.inputs and depth > 0:
        members = _some(draw, schema.inputs[type_name], 4)
        value = (
            "{"
            + ", ".join(
                f"{m['name']}: {_literal(draw, schema, m['type'], depth - 1, real_ids)}" for m in members
            )
            + "}"
        )
    elif type_name == "Int":
        value = str(draw(INT))
    elif type_name in ("Float", "Decimal"):
        value = repr(draw(FLOAT))
    elif type_name == "Boolean":
        value = _pick(draw, ["true", "false"])
    elif type_name in ("Date", "DateTime"):
        value = draw(DATES)
    elif real_ids and type_name in ("ID", "String") and _one_in(draw, 2):
        value = json.dumps(_pick(draw, schema.worker_ids + schema.cursors))
    else:
        value = json.dumps(draw(ANY_TEXT))
    return f"[{value}]" if listed and _one_in(draw, 2) else value


def _arguments(draw, schema: Schema, args: list[dict[str, Any]], real_ids: bool) -> str:
    parts = [f"{a['name']}: {_literal(draw, schema, a['type'], 2, real_ids)}" for a in _some(draw, args, 3)]
    if _one_in(draw, 10):
        parts.append(f"{draw(NAME)}: 1")  # an argument that does not exist
    return f"({', '.join(parts)})" if parts else ""


def _selection(draw, schema: Schema, type_name: str, depth: int, real_ids: bool) -> str:
    fields = schema.fields.get(type_name) or [{"name": "__typename", "args": [], "type": None}]
    parts = []
    for f in _some(draw, fields, 3, least=1):
        alias = f"{draw(NAME)}: " if _one_in(draw, 4) else ""
        name = draw(NAME) if _one_in(draw, 8) else f["name"]  # sometimes a field that is not there
        args = _arguments(draw, schema, f["args"], real_ids)
        target = _named(f["type"])[0] if f["type"] else "String"
        sub = ""
        if schema.kinds.get(target) in ("OBJECT", "INTERFACE", "UNION"):
            sub = _selection(draw, schema, target, depth - 1, real_ids) if depth > 0 else "{ __typename }"
        if _one_in(draw, 10):
            sub = draw(SUB_SELECTIONS)
        parts.append(f"{alias}{name}{args} {sub}")
    if schema.kinds.get(type_name) == "INTERFACE" and _one_in(draw, 2):
        parts.append("... on Worker { id fullName }")
    return "{ " + " ".join(parts) + " }"


@st.composite
def operation(draw, schema: Schema) -> tuple[str, dict[str, Any], str | None]:
    kind = _pick(draw, ["query", "query", "query", "mutation", "subscription"])
    root = {"query": "Query", "mutation": "Mutation", "subscription": "Query"}[kind]
    body = _selection(draw, schema, root, 3, real_ids=kind == "query")
    types = sorted(schema.kinds) + ["Nope"]
    declared = {
        _pick(draw, ["v", "first", "x"]): _pick(draw, ["{}", "{}!", "[{}]", "[{}!]!"]).format(
            _pick(draw, types)
        )
        for _ in range(draw(st.integers(0, 3)))
    }
    defs = "(" + ", ".join(f"${n}: {t}" for n, t in declared.items()) + ")" if declared else ""
    name = _pick(draw, ["", " Fuzz"])
    document = f"{kind}{name}{defs} {body}"
    if _one_in(draw, 3):
        document += " fragment F on Worker { id nationalIdNumber }"
    variables = draw(st.dictionaries(st.sampled_from(["v", "first", "x", "y"]), JSON, max_size=3))
    operation_name = _pick(draw, [None, None, None, name.strip() or None, "Other"])
    return document, variables, operation_name


JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _nested(n: int) -> bytes:
    return b"[" * n + b"]" * n


RAW_BODIES = st.one_of(
    JSON.map(lambda v: json.dumps(v).encode()),  # NaN, Infinity and \udxxx escapes included
    st.fixed_dictionaries(
        {"query": st.one_of(ANY_TEXT, st.just("{ me { code } }"))},
        optional={"variables": JSON, "operationName": JSON, "extensions": JSON},
    ).map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=200),
    st.text(max_size=50).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.integers(1, 40_000).map(_nested),
    st.integers(1, 30_000).map(
        lambda n: b'{"query": "{ me { code } }", "variables": {"a": ' + _nested(n) + b"}}"
    ),
    st.integers(60_000, 70_000).map(
        lambda n: json.dumps({"query": "{ me { code } }", "x": "a" * n}).encode()
    ),
)


def _mutated(document: str, edits: list[tuple[int, int, str]]) -> str:
    for at, cut, insert in edits:
        at %= len(document) + 1
        document = document[:at] + insert + document[at + cut :]
    return document


SEEDS = [  # real operations, some refused on purpose, for the mutator to bend
    "{ me { code name side purposes } }",
    "query($n: String!) { workers(filter: {nationalIdNumber: $n}) { nodes { id nationalIdNumber phone } } }",
    "{ workers(first: 5, orderBy: {dateOfBirth: DESC}) { totalCount pageInfo { endCursor } nodes { fullName placements { job employer { nameZh } } } } }",
    "{ crossings(first: 3) { nodes { direction crossedAt gate { nameVi } worker { fullName } } } }",
    'mutation { recordCrossing(input: {workerId: "x", gateCode: "VN-LC-LAOCAI", direction: EXIT, crossedAt: "2026-01-01T00:00:00Z", document: BORDER_PASS}) { errors { field code } } }',
    'mutation { registerWorker(input: {fullName: "A", dateOfBirth: "1990-01-01", sex: MALE, ethnicity: "Kinh", nationalIdNumber: "1", homeCommuneCode: "x"}) { worker { id } errors { field code } } }',
    '{ node(id: "abc") { id ... on Worker { fullName } } statistics { __typename } }',
]


# ---- the properties -----------------------------------------------------------------------------


@FUZZ
@given(data=st.data(), body=RAW_BODIES)
def test_random_bodies_never_break_the_server(http, live_server, data, body: bytes) -> None:
    _assert_sane(http.post("/graphql", content=body, headers=_headers(live_server, data.draw)))


@FUZZ
@given(data=st.data())
def test_documents_built_from_the_schema_never_break_the_server(http, live_server, schema, data) -> None:
    document, variables, operation_name = data.draw(operation(schema))
    payload = {"query": document, "variables": variables, "operationName": operation_name}
    _assert_sane(_post(http, payload, _headers(live_server, data.draw)))


@FUZZ
@given(
    data=st.data(),
    document=st.sampled_from(SEEDS),
    edits=st.lists(
        st.tuples(
            st.integers(0, 400),
            st.integers(0, 5),
            st.sampled_from(["", "{", "}", "(", ":", "$", '"', "...", "\\u", "#", "!", "@", "é"]),
        ),
        min_size=1,
        max_size=4,
    ),
    variables=st.dictionaries(st.sampled_from(["n", "v"]), JSON, max_size=2),
)
def test_mutated_documents_never_break_the_server(
    http, live_server, data, document, edits, variables
) -> None:
    payload = {"query": _mutated(document, edits), "variables": variables}
    _assert_sane(_post(http, payload, _headers(live_server, data.draw)))


@FUZZ
@given(
    data=st.data(),
    shape=st.sampled_from(
        ["nest", "unbalanced", "aliases", "fragments", "long-string", "list-value", "directives"]
    ),
    n=st.integers(1, 1500),
)
def test_pathological_shapes_never_break_the_server(http, live_server, data, shape: str, n: int) -> None:
    document = {
        "nest": "{ workers { nodes { " + "placements { worker { " * n + "id" + " } }" * n + " } } }",
        "unbalanced": "{ me " * n,
        "aliases": "{ " + " ".join(f"a{i}: me {{ code }}" for i in range(n)) + " }",
        "fragments": " ".join(f"fragment F{i} on Me {{ ...F{i + 1} }}" for i in range(n // 10))
        + " { me { ...F0 } }",
        "long-string": '{ workers(filter: {fullNameContains: "' + "ế" * (n * 20) + '"}) { totalCount } }',
        "list-value": "{ workers(filter: {status: [" + ", ".join(["DEPLOYED"] * n) + "]}) { totalCount } }",
        "directives": "{ me " + "@include(if: true) " * n + "{ code } }",
    }[shape]
    _assert_sane(_post(http, {"query": document}, _headers(live_server, data.draw)))
