"""The compiled read engine answers exactly as the reference engine does, and knows every field.

Differential: documents drawn from each office's own schema (tests.read_documents) run on both
engines in-process against the demo database the real `demo` command loaded; the response bytes
(`data` and `errors`) and the disclosure the ledger would record must be identical. The ledger
entry is made from that disclosure and from the request itself, which both engines share.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Iterator
from functools import partial
from http import HTTPStatus
from typing import Any

import pytest
from graphql import get_named_type
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import literal, select
from starlette.responses import JSONResponse

import models
from bindings.types import TYPES
from models.base import UtcDateTime
from models.opaque import encode_id
from planner.engine import STATISTICS, CompiledReads
from planner.finish import shown_moment
from planner.sql import Writer
from policies.scopes import aggregate_criteria, row_criteria
from policies.sessions import internal_session, scoped_session
from policies.tokens import identity_of
from schema.builder import policy_catalogue
from schema.context import RequestContext
from schema.criteria import criteria_of_request, searches_personal
from service.operations import format_error, run_operation
from service.registry import Registry
from tests import plain_http
from tests.conftest import Database, Server
from tests.read_documents import Samples, every_root, read_documents
from web.app import CompiledAnswer

# One office of each role, those in force today; hg-meo-vac, closed in 2025, is the only office of the
# district role: the engines run in-process on its grant (no token), so its row scope stays covered.
OFFICES = [
    "cn-hekou", "cn-baise", "cn-napo", "cn-wenshan", "tq-home-affairs", "tq-police", "tq-border-guard",
    "tq-health", "tq-foreign-affairs", "hg-meo-vac", "lc-home-affairs", "lc-customs", "lc-economic-zone",
    "admin",
]  # fmt: skip
DIFFERENTIAL = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


class Office:
    """One office's grant and schema, and a way to run a document on either engine."""

    def __init__(self, registry: Registry, code: str) -> None:
        with internal_session(registry.sessions) as session:
            office = session.scalars(select(models.Office).where(models.Office.code == code)).one()
            self.grant = registry.access.grant_for(identity_of(office))
            worker_ids = list(session.scalars(select(models.Worker.id).order_by(models.Worker.id).limit(3)))
            # A partner office's workers whose windows have closed: in its unit, no longer its to see.
            self.closed = list(session.scalars(_closed_windows(self.grant).limit(3)))
            self.open = list(session.scalars(_open_windows(self.grant).limit(3)))
        self.registry = registry
        self.schema = registry.schemas.schema_for(self.grant)
        self.compiled = CompiledReads(searches_personal)
        self.loop = asyncio.new_event_loop()
        self.samples = self._samples(worker_ids + self.closed)

    def answer(
        self, query: str, variables: dict[str, Any], compiled: bool
    ) -> tuple[str, dict[int, list[str]]]:
        session = scoped_session(self.registry.sessions, self.grant)
        try:
            context = RequestContext(
                grant=self.grant,
                session=session,
                request_id="differential",
                purpose=None,
                ledger_key=self.registry.ledger_key,
                compiled=self.compiled if compiled else None,
            )
            if compiled:  # as the server runs it: straight from the preparation when it compiles
                prepared = self.schema.operations.prepare(query, None)
                result = run_operation(self.schema, prepared, context, query, variables, None)
            else:
                result = self.loop.run_until_complete(
                    self.schema.execute(query, variable_values=variables, context_value=context)
                )
            # What the service adds to the record: the sealed criteria, and each worker a search of
            # few rows matched (issue 19): the same on both engines.
            criteria_of_request(self.schema.operations.prepare(query, None), variables, context.recorder)
            errors = [format_error(e, "differential") for e in result.errors or []]
            body = json.dumps({"data": result.data, "errors": errors}, ensure_ascii=False)
            return body, {w: sorted(f) for w, f in context.recorder.workers.items()}
        finally:
            session.rollback()
            session.close()

    def _samples(self, worker_ids: list[int]) -> Samples:
        """IDs and cursors the office was given, IDs of rows it may not see, and broken ones."""
        ids = [encode_id("Worker", i) for i in worker_ids] + ["not-an-id", encode_id("Crossing", 10**9)]
        cursors = ["not-a-cursor"]
        roots = [
            n for n in ("workers", "employers", "placements", "crossings", "incidents") if n in self._roots()
        ]
        for root in roots:
            body, _ = self.answer(f"{{ {root}(first: 2) {{ edges {{ cursor node {{ id }} }} }} }}", {}, False)
            for edge in json.loads(body)["data"][root]["edges"]:
                ids.append(edge["node"]["id"])
                cursors.append(edge["cursor"])
        return Samples(ids, cursors)

    def _roots(self) -> set[str]:
        return set(self.schema._schema.query_type.fields)


def _closed_windows(grant: Any) -> Any:
    """Workers the grant would see without the partner windows, and does not see with them."""
    worker = models.Worker
    return (
        select(worker.id)
        .where(aggregate_criteria(grant)[worker], ~row_criteria(grant)[worker])
        .order_by(worker.id)
    )


def _open_windows(grant: Any) -> Any:
    worker = models.Worker
    return select(worker.id).where(row_criteria(grant)[worker]).order_by(worker.id)


@pytest.fixture(scope="module")
def offices(registry: Registry) -> dict[str, Office]:
    return {}


def _office(registry: Registry, offices: dict[str, Office], code: str) -> Office:
    """The module's one `Office` of `code`, made by the first test that needs it (its samples take
    reads on the reference engine)."""
    if code not in offices:
        offices[code] = Office(registry, code)
    return offices[code]


WORKER_IN_WINDOW = """id ... on Worker { fullName status
    placements { id startDate endDate status employer { county { code } } }
    crossings(first: 100) { id crossedAt direction }
    healthChecks { checkedOn result } incidents { id occurredOn } }"""
ROOTS_IN_WINDOW = """
  workers(first: 50) { totalCount edges { cursor node { id } } }
  crossings(first: 50) { totalCount nodes { id crossedAt worker { id } } }
  placements(first: 50) { totalCount nodes { id worker { id } } }"""


@pytest.mark.parametrize("code", ["cn-hekou", "cn-baise", "cn-napo", "cn-wenshan"])
def test_both_engines_bound_a_partner_office_by_its_windows_alike(
    registry: Registry, offices: dict[str, Office], code: str
) -> None:
    office = _office(registry, offices, code)
    assert office.closed and office.open  # the demo has windows of both kinds for every partner office
    ids = [encode_id("Worker", i) for i in office.closed + office.open]
    nodes = " ".join(f'w{n}: node(id: "{i}") {{ {WORKER_IN_WINDOW} }}' for n, i in enumerate(ids))
    query = "{ " + nodes + ROOTS_IN_WINDOW + " }"
    compiled = office.answer(query, {}, compiled=True)
    reference = office.answer(query, {}, compiled=False)
    assert compiled == reference
    answer = json.loads(compiled[0])
    assert not answer["errors"], answer["errors"]
    seen = [answer["data"][f"w{n}"] for n in range(len(ids))]
    assert [node["id"] if node else None for node in seen] == [None] * len(office.closed) + [
        encode_id("Worker", i) for i in office.open
    ]
    disclosed = {encode_id("Worker", w) for w in compiled[1]}
    assert not disclosed & {encode_id("Worker", i) for i in office.closed}


@pytest.mark.parametrize("code", OFFICES)
def test_compiled_engine_answers_byte_identically_to_the_reference(
    registry: Registry, offices: dict[str, Office], code: str
) -> None:
    office = _office(registry, offices, code)

    @DIFFERENTIAL
    @given(st.data())
    def same_answer(data: st.DataObject) -> None:
        query, variables = data.draw(read_documents(office.schema._schema, office.samples))
        reference = office.answer(query, variables, compiled=False)
        compiled = office.answer(query, variables, compiled=True)
        assert compiled[0] == reference[0], query
        assert compiled[1] == reference[1], query

    same_answer()
    # The differential is about the compiled engine: most documents must have been compiled.
    assert office.compiled.compiled > sum(office.compiled.fallbacks.values()) / 2, office.compiled.fallbacks


STATISTICS_DOCUMENT = """{ statistics { workerCount workersByStatus { key count }
  workersByHomeProvince { key count } placementsByStatus { key count } crossingsByGate { key count } } }"""


@pytest.mark.parametrize("code", ["lc-customs", "lc-economic-zone", "tq-foreign-affairs", "lc-home-affairs"])
def test_both_engines_withhold_the_same_cells_of_every_breakdown(
    registry: Registry, offices: dict[str, Office], code: str
) -> None:
    """The small cells of a whole breakdown ("< 5", and "≥ 5" beside them: README, "Small cells") are
    one decision: offices that may not read a status, a province, a gate get the same cells from both."""
    office = _office(registry, offices, code)
    compiled = office.answer(STATISTICS_DOCUMENT, {}, compiled=True)
    assert compiled == office.answer(STATISTICS_DOCUMENT, {}, compiled=False)
    answer = json.loads(compiled[0])
    assert not answer["errors"], answer["errors"]
    statuses = [row["key"] for row in answer["data"]["statistics"]["workersByStatus"]]
    if code != "lc-home-affairs":  # it reads a worker's status; the others get every status
        assert statuses == sorted(s.value for s in models.WorkerStatus)


@pytest.mark.parametrize("code", OFFICES)
def test_every_readable_field_answers_byte_identically_on_both_engines(
    registry: Registry, offices: dict[str, Office], code: str
) -> None:
    office = _office(registry, offices, code)
    before = sum(office.compiled.fallbacks.values())
    for query in every_root(office.schema._schema, office.samples, depth=2):
        assert office.answer(query, {}, compiled=True) == office.answer(query, {}, compiled=False), query
    assert sum(office.compiled.fallbacks.values()) == before, office.compiled.fallbacks  # all compiled


@pytest.mark.parametrize(
    "query, variables",
    [
        ("{ " + " ".join(f"a{i}: me {{ code }}" for i in range(31)) + " }", {}),  # over the alias limit
        (
            "{ workers { nodes { " + "placements { worker { " * 7 + "id" + " } }" * 7 + " } } }",
            {},
        ),  # too deep
        ("query Q($first: Int!) { workers(first: $first) { totalCount } }", {"first": "ten"}),
        ("query Q($first: Int!) { workers(first: $first) { totalCount } }", {}),
    ],
    ids=["aliases", "depth", "variable of the wrong type", "variable missing"],
)
def test_a_document_the_schema_refuses_is_refused_alike_on_the_compiled_engine(
    registry: Registry, offices: dict[str, Office], query: str, variables: dict[str, Any]
) -> None:
    office = _office(registry, offices, "cn-hekou")
    compiled, reference = office.answer(query, variables, True), office.answer(query, variables, False)
    assert compiled == reference
    assert json.loads(compiled[0])["errors"] and json.loads(compiled[0])["data"] is None


def test_a_compiled_answer_is_sent_as_the_bytes_the_standard_json_encoder_writes(as_office) -> None:
    # Vietnamese and Chinese names, IDs, cursors, dates and enums, over HTTP as a client gets them.
    response = as_office("cn-hekou").post({"query": PAGE, "variables": {"first": 20}})
    assert response.status_code == 200 and "errors" not in response.json()
    assert response.content == JSONResponse(response.json()).body


@pytest.mark.parametrize(
    "value",
    [
        {"text": "".join(chr(i) for i in range(0x20)) + '"\\/\x7f\u2028\u2029\ufeff Nguyễn 阮 😀'},
        {"big": [2**53, 2**63, 2**64, -(2**64)], "bool": [True, False, None]},
        {"subclass": HTTPStatus.OK, "key": {"1": {}}},
    ],
    ids=["characters", "integers", "subclass"],
)
def test_the_compiled_answer_encoder_writes_what_the_standard_one_does(value: Any) -> None:
    assert CompiledAnswer(value).body == JSONResponse(value).body


def test_no_field_the_compiled_engine_answers_is_a_float(
    registry: Registry, offices: dict[str, Office]
) -> None:
    """Floats are what orjson writes in its own way (`1e16`, not `1e+16`): a compiled answer has none."""
    office = _office(registry, offices, "tq-home-affairs")
    schema = registry.schemas.schema_for(registry.access.unrestricted_grant(office.grant.office))._schema
    leaves = {
        f"{type_name}.{name}": get_named_type(field.type).name
        for type_name, rule in TYPES.items()
        if type_name in schema.type_map
        for name, field in getattr(schema.type_map[type_name], "fields", {}).items()
        if name in rule.fields
    }
    in_python = [schema.query_type.fields[root].type for root in ("me", "statistics", "ledgerCheckpoint")]
    leaves.update((f"{root}:{t.name}", t.name) for root, t in _leaf_types(in_python))
    assert len(leaves) > 50 and "Float" not in leaves.values()


def _leaf_types(types: list[Any], path: str = "") -> Iterator[tuple[str, Any]]:
    for type_ in types:
        named = get_named_type(type_)
        fields = getattr(named, "fields", None)
        if fields is None:
            yield path, named
        else:
            for name, field in fields.items():
                yield from _leaf_types([field.type], f"{path}.{name}")


def test_every_readable_field_has_a_compile_rule() -> None:
    missing = []
    for resource in sorted(policy_catalogue()):
        type_name, field_name = resource.split(".", 1)
        known = STATISTICS if type_name == "Statistics" else TYPES.get(type_name, None)
        if known is None or field_name not in (known if isinstance(known, dict) else known.fields):
            missing.append(resource)
    assert not missing, f"readable fields the planner cannot compile: {missing}"


PAGE = """query Page($first: Int!) {
  workers(first: $first, filter: {status: [DEPLOYED]}) {
    pageInfo { hasNextPage endCursor }
    nodes { id fullName placements { job employer { nameZh } } crossings(first: 5) { crossedAt gate { code } } }
  }
}"""
TWICE = PAGE.replace("  workers(", "  again: workers(first: $first) { totalCount }\n  workers(", 1)


def _metrics_text(server: Any) -> str:
    return plain_http.get(f"{server.url}/metrics", timeout=30).text


def _metric(live_server: Any, name: str) -> float:
    text = _metrics_text(live_server)
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name))


def _statements(live_server: Any, client: Any, query: str, first: int) -> int:
    """The fewest statements of a few tries of one request (token lookups are cached between tries)."""
    counts = []
    for _ in range(3):
        client.data(query, {"first": first})
        before = _metric(live_server, "borderlabour_db_statements_total")
        client.data(query, {"first": first})
        counts.append(_metric(live_server, "borderlabour_db_statements_total") - before)
    return int(min(counts))


def test_a_compiled_read_runs_one_statement_per_root_field_whatever_the_page_size(
    live_server, as_office
) -> None:
    hekou = as_office("cn-hekou")
    compiled_before = _metric(live_server, "borderlabour_compiled_reads_total")
    one_root = _statements(live_server, hekou, PAGE, 10)
    assert _statements(live_server, hekou, PAGE, 100) == one_root
    assert _statements(live_server, hekou, TWICE, 10) == one_root + 1
    assert _metric(live_server, "borderlabour_compiled_reads_total") > compiled_before


def test_what_the_compiled_engine_leaves_to_the_reference_engine_is_counted_with_its_reason(
    live_server, as_office
) -> None:
    hekou = as_office("cn-hekou")
    reason = 'borderlabour_reference_fallbacks_total{reason="introspection"}'
    before = _metric(live_server, reason)
    assert hekou.data("{ __schema { queryType { name } } }") == {"__schema": {"queryType": {"name": "Query"}}}
    assert _metric(live_server, reason) == before + 1


def test_serve_engine_reference_answers_every_read_on_the_reference_engine(
    database: Database, demo_tokens: dict[str, str], tmp_path: Any, live_server: Server
) -> None:
    reference = Server(database, demo_tokens, tmp_path / "reference.log", _args="--engine reference")
    try:
        query = {"query": PAGE, "variables": {"first": 3}}
        answers = [
            plain_http.post(
                f"{server.url}/graphql",
                json=query,
                headers={
                    "Authorization": f"Bearer {demo_tokens['cn-hekou']}",
                    "X-Purpose": "placement-verification",
                },
                timeout=30,
            ).json()
            for server in (reference, live_server)
        ]
        assert answers[0] == answers[1] and "errors" not in answers[0]
        assert "borderlabour_compiled_reads_total" not in _metrics_text(reference)
    finally:
        reference.stop()


MOMENTS = [
    dt.datetime(2025, 3, 1, 10, 0, tzinfo=dt.UTC),
    dt.datetime(2025, 3, 1, 10, 0, 0, 1, tzinfo=dt.UTC),
    dt.datetime(2025, 3, 1, 10, 0, 0, 120000, tzinfo=dt.UTC),
    dt.datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC),
    dt.datetime(2026, 1, 1, 6, 30, tzinfo=dt.timezone(dt.timedelta(hours=7))),  # stored as UTC
]


def test_a_moment_from_the_statement_is_shown_exactly_as_graphqls_datetime_shows_it(
    registry: Registry,
) -> None:
    """The compiled engine shows a moment from the statement's JSON (`Writer.moment`, then
    `shown_moment`), passing the usual whole-second form through; the reference engine formats a
    `datetime` with `isoformat()`. Whole seconds, microseconds with trailing zeros, and one second
    before midnight must come out the same on either database."""
    writer = Writer(registry.access.unrestricted_grant(_any_office(registry)), registry.engine.dialect.name)
    show = partial(shown_moment, dt.datetime.isoformat)
    with registry.engine.connect() as conn:
        for moment in [*MOMENTS, None]:
            statement = select(writer.text(writer.array([writer.moment(literal(moment, UtcDateTime()))])))
            (written,) = json.loads(conn.execute(statement).scalar_one())
            expected = None if moment is None else moment.astimezone(dt.UTC).isoformat()
            assert show(written) == expected, (moment, written)


def _any_office(registry: Registry) -> Any:
    with internal_session(registry.sessions) as session:
        return identity_of(session.scalars(select(models.Office).limit(1)).one())
