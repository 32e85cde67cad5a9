"""GraphQL subscriptions over WebSocket at /graphql, in the graphql-transport-ws protocol.

The token, the purpose and, for a purpose that needs one, the case reference come in
`connection_init` (`{"token": "...", "purpose": "...", "caseRef": "..."}`), since a browser cannot set
headers on a WebSocket; every page read is ledgered with them and with the token's officer, as over
HTTP. Only `subscription { events(...) }` is served: each
is answered as pages of the office's feed (`web.replay`), replayed from its `after` and then
read again whenever the bell rings (`events.bell`), every page a read of the office in the one
transaction template, ledgered with the connection's purpose. Every second the token is asked
again: a revoked token, or an office out of force, closes the socket and its subscriptions.

Each `subscribe` is a request like any over HTTP: it counts against the token's rate (`Door.count`;
over it, an `error` message naming the wait), and the page its replay reads is estimated and refused
over the cost limit (`Door.within_cost`, `QUERY_TOO_COSTLY`) before anything is read. A socket runs
at most `subscriptions_per_socket` subscriptions at once; one more gets an `error` message, as
strawberry answers it, since the message itself is sound and the others need not end. A message
the protocol cannot read (not JSON text, a binary frame, a `subscribe` without an id or whose payload
is not an object with a `query` string) closes the socket with 4400 and a short reason, as the
protocol says, and logs nothing.

An idle socket costs no timer of its own: one task per process asks each token of its sockets
once a second (`Watch`), and a waiting subscription sleeps on the bell with no timeout (the bell's
own thread looks at the outbox again, should a ring be missed). With a timer each, 500 idle
sockets woke the server 600 times a second and cost 5-7 % of a core at rest; now about 1 %
(bench/event_idle.py, BENCHMARKS.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from functools import partial
from typing import Any
from weakref import WeakKeyDictionary

from graphql import GraphQLError
from starlette.websockets import WebSocket, WebSocketDisconnect

from events.bell import EventBell
from events.feed import cursor_for, seq_of
from locales import N_, message_of, reader_language, render
from policies.grants import Grant
from policies.officers import CASE_REF_LIMIT, well_formed
from policies.purposes import CaseRefMissing, PurposeRefused, check_purpose
from policies.tokens import Caller
from policies.validity import OfficeClosed
from resolvers.errors import InputError
from service.operations import Operation, new_request_id, translated
from service.registry import Registry
from web.door import Door
from web.errors import Refusal, in_service, refusal_errors
from web.replay import NotAnEventSubscription, Replay, replay_of
from web.threads import in_thread

PROTOCOL = "graphql-transport-ws"
INIT_SECONDS = 10.0
CHECK_SECONDS = 1.0  # how often the token is asked again

log = logging.getLogger("borderlabour.events")


CLOSE_REASON_BYTES = 123  # RFC 6455: a close frame's reason is at most 123 bytes of UTF-8


class Closed(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        # cut whole characters: a reason in Vietnamese or Chinese runs past 123 bytes sooner
        self.code, self.reason = code, reason.encode()[:CLOSE_REASON_BYTES].decode(errors="ignore")


def _error(message: str, code: str) -> list[dict[str, Any]]:
    return [{"message": message, "extensions": {"code": code}}]


def _id_of(message: dict[str, Any]) -> str:
    sid = message.get("id")
    if not isinstance(sid, str) or not sid:
        raise Closed(4400, f"{message.get('type')} needs an id: a non-empty string")
    return sid


def _payload_of(message: dict[str, Any]) -> dict[str, Any]:
    """A subscribe message's payload as the protocol has it, or Closed 4400 saying what is wrong."""
    payload = message.get("payload")
    if not isinstance(payload, dict):
        raise Closed(4400, "subscribe payload must be an object")
    if not isinstance(payload.get("query"), str):
        raise Closed(4400, "subscribe payload needs a query string")
    if payload.get("variables") is not None and not isinstance(payload["variables"], dict):
        raise Closed(4400, "subscribe variables must be an object")
    if payload.get("operationName") is not None and not isinstance(payload["operationName"], str):
        raise Closed(4400, "subscribe operationName must be a string")
    return payload


class Connection:
    """One socket: its office, its purpose and its running subscriptions."""

    def __init__(self, registry: Registry, bell: EventBell, socket: WebSocket, door: Door) -> None:
        self.registry, self.bell, self.socket, self.door = registry, bell, socket, door
        self.most = registry.settings.subscriptions_per_socket
        self.token = ""
        self.caller: Caller | None = None
        self.grant: Grant | None = None
        self.purpose: str | None = None
        self.case_ref: str | None = None
        self.running: dict[str, asyncio.Task[None]] = {}
        self.sending = asyncio.Lock()

    async def send(self, message: dict[str, Any]) -> None:
        async with self.sending:
            await self.socket.send_json(message)

    async def receive(self) -> Any:
        """The next message read as JSON text, or Closed 4400: the protocol speaks nothing else."""
        message = await self.socket.receive()
        if message["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))
        text = message.get("text")
        if text is None:
            raise Closed(4400, "binary frames are not part of graphql-transport-ws: send JSON text")
        try:
            return json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise Closed(4400, "the message is not JSON") from exc

    async def init(self) -> None:
        try:
            message = await asyncio.wait_for(self.receive(), INIT_SECONDS)
        except TimeoutError as exc:
            raise Closed(4408, "Connection initialisation timeout") from exc
        if not isinstance(message, dict) or message.get("type") != "connection_init":
            raise Closed(4400, "expected connection_init")
        payload = message.get("payload") or {}
        if not isinstance(payload, dict):
            raise Closed(4400, "connection_init payload must be an object")
        self.token = str(payload.get("token") or "").removeprefix("Bearer ").strip()
        caller = await caller_now(self.registry, self.token)
        self.grant = self.registry.grant_for(caller)
        self.caller = caller
        case_ref = payload.get("caseRef")
        if case_ref is not None:
            if not isinstance(case_ref, str) or not well_formed(case_ref, CASE_REF_LIMIT):
                raise Closed(4400, f"caseRef must be 1 to {CASE_REF_LIMIT} printable characters")
            self.case_ref = case_ref
        stated = payload.get("purpose")
        if stated is not None:
            try:
                self.purpose = check_purpose(self.grant, str(stated), case_ref=self.case_ref)
            except CaseRefMissing as exc:
                ask = N_(
                    "the purpose {purpose} needs a case reference: send it as caseRef in connection_init"
                )
                raise Closed(4403, render(ask, reader_language(), purpose=exc.purpose)) from exc
            except PurposeRefused as exc:
                raise Closed(4403, message_of(exc, reader_language())) from exc
        await self.send({"type": "connection_ack"})

    async def serve(self) -> None:
        while True:
            message = await self.receive()
            kind = message.get("type") if isinstance(message, dict) else None
            if kind == "ping":
                await self.send({"type": "pong"})
            elif kind == "subscribe":
                await self.subscribe(message)
            elif kind == "complete":
                task = self.running.pop(_id_of(message), None)
                if task is not None:
                    task.cancel()
            elif kind in ("pong", "connection_init"):
                if kind == "connection_init":
                    raise Closed(4429, "Too many initialisation requests")
            else:
                raise Closed(4400, "unknown message type")

    async def subscribe(self, message: dict[str, Any]) -> None:
        assert self.caller is not None
        sid, payload = _id_of(message), _payload_of(message)
        if sid in self.running:
            raise Closed(4409, f"Subscriber for {sid} already exists")
        try:
            await self.door.count(self.caller)  # a subscribe is a request: refused or not, it counts
        except Refusal as refusal:
            await self.send({"id": sid, "type": "error", "payload": refusal_errors(refusal)})
            return
        if len(self.running) >= self.most:
            many = N_(
                "this socket already runs {most} subscriptions, the most it may: complete one "
                "before starting another"
            )
            errors = _error(render(many, reader_language(), most=self.most), "TOO_MANY_SUBSCRIPTIONS")
            await self.send({"id": sid, "type": "error", "payload": errors})
            return
        task = asyncio.create_task(self.stream(sid, payload))
        self.running[sid] = task
        # Forget this task, not whatever runs under the id now: a `complete` and a new `subscribe` of
        # the same id may both arrive before the cancelled task ends.
        task.add_done_callback(lambda done: self.running.pop(sid) if self.running.get(sid) is done else None)

    def prepare(self, payload: dict[str, Any]) -> tuple[Replay, dict[str, Any] | None]:
        """The replay of a subscription (`_payload_of` checked its members), or the GraphQLError or
        Refusal (over the cost limit) that answers it."""
        assert self.grant is not None
        query, variables = payload["query"], payload.get("variables")
        schema = self.registry.schemas.schema_for(self.grant)
        prepared = schema.operations.prepare(query, payload.get("operationName"))
        if prepared.errors:
            schema.process_errors(list(prepared.errors))  # no suggestions, as over HTTP
            raise prepared.errors[0]
        try:
            replay = replay_of(prepared, variables)
        except NotAnEventSubscription as exc:
            only = InputError(None, N_("this socket serves only `subscription { events(...) }`"))
            raise GraphQLError(message_of(only, reader_language())) from exc
        # What runs is the replay's page, so its cost is the one limited, as over HTTP.
        page = schema.operations.prepare(replay.query, "EventsReplay")
        self.door.within_cost(page, replay.variables(variables, replay.after))
        return replay, variables

    async def stream(self, sid: str, payload: dict[str, Any]) -> None:
        try:
            await self.follow(sid, payload)
        except GraphQLError as exc:
            await self.send({"id": sid, "type": "error", "payload": [translated(exc)]})
        except Refusal as refusal:  # too costly; the database or the ledger that did not answer
            await self.send({"id": sid, "type": "error", "payload": refusal_errors(refusal)})

    async def follow(self, sid: str, payload: dict[str, Any]) -> None:
        assert self.grant is not None and self.caller is not None
        replay, variables = self.prepare(payload)
        after, seen = replay.after, 0
        while True:
            newest = self.bell.newest
            body = await self.page(replay, variables, after)
            if "errors" in body:
                await self.send({"id": sid, "type": "error", "payload": body["errors"]})
                return
            page = body["data"]["events"]
            for edge in page["edges"]:
                await self.send({"id": sid, "type": "next", "payload": {"data": {replay.key: edge["node"]}}})
            if page["pageInfo"]["hasNextPage"]:
                after = page["pageInfo"]["endCursor"]
                continue
            # Every event up to `newest` was committed before this page was read: it was sent, or is
            # not the office's. The next page starts after it (a position never shown to the office).
            last = (
                seq_of(self.grant, page["edges"][-1]["cursor"])
                if page["edges"]
                else seq_of(self.grant, after)
            )
            seen = max(last, newest, seen)
            after = cursor_for(self.grant, seen)
            # The feed is read again only once the bell says something was committed after `seen`:
            # an idle subscription costs no statement (500 of them reading an empty page every
            # second slowed the page 45-fold; bench/events.py), and no timer either.
            while await self.bell.wait(seen) <= seen:
                pass

    async def page(
        self, replay: Replay, variables: dict[str, Any] | None, after: str | None
    ) -> dict[str, Any]:
        assert self.grant is not None and self.caller is not None
        schema = self.registry.schemas.schema_for(self.grant)
        given = replay.variables(variables, after)
        prepared = schema.operations.prepare(replay.query, "EventsReplay")
        if prepared.needs_purpose(given) and self.purpose is None:
            refusal = PurposeRefused(
                "this request reads personal data: state its purpose in connection_init "
                "(your office may state: {allowed})",
                allowed=", ".join(sorted(self.grant.purposes)) or "none",
            )
            return {"errors": _error(message_of(refusal, reader_language()), "PURPOSE_REQUIRED")}
        operation = Operation(
            replay.query,
            given,
            "EventsReplay",
            prepared,
            self.purpose,
            new_request_id(),
            self.caller.token_id,
            self.caller.officer,
            self.case_ref,
        )
        outcome = await in_service(partial(self.registry.execute, self.grant, operation))
        return outcome.body


async def caller_now(registry: Registry, token: str) -> Caller:
    """Who the token is now, or Closed: unknown, revoked, expired, or its office out of force."""
    try:
        known, caller = registry.tokens.remembered(token)
        if not known:
            caller = await in_thread(partial(registry.authenticate, token))
    except OfficeClosed as exc:
        raise Closed(4403, "office closed") from exc
    if caller is None:
        raise Closed(4403, "Forbidden")
    return caller


class Watch:
    """The open sockets of this process by token, and the one task that asks each token again
    every `CHECK_SECONDS`: a token no longer good ends every socket that holds it (its future gets
    the exception), so that a revoked token closes them within seconds at the cost of one check."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.sockets: dict[str, set[asyncio.Future[None]]] = {}
        self.task: asyncio.Task[None] | None = None

    def add(self, token: str) -> asyncio.Future[None]:
        """A future that fails (with Closed, or what the check raised) once `token` is not good."""
        ended = asyncio.get_running_loop().create_future()
        self.sockets.setdefault(token, set()).add(ended)
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self.run())
        return ended

    def remove(self, token: str, ended: asyncio.Future[None]) -> None:
        held = self.sockets.get(token)
        if held is not None:
            held.discard(ended)
            if not held:
                del self.sockets[token]

    async def run(self) -> None:
        while self.sockets:  # ends with the last socket; the next one starts it again
            await asyncio.sleep(CHECK_SECONDS)
            for token in list(self.sockets):
                try:
                    await caller_now(self.registry, token)
                except Exception as exc:  # noqa: BLE001 - each socket of the token gets it
                    for ended in self.sockets.pop(token, set()):
                        if not ended.done():
                            ended.set_exception(exc)


def websocket_route(registry: Registry, bell: EventBell, door: Door) -> Any:
    watches: WeakKeyDictionary[asyncio.AbstractEventLoop, Watch] = WeakKeyDictionary()  # one a loop

    async def graphql_ws(socket: WebSocket) -> None:
        if PROTOCOL not in socket.scope.get("subprotocols", []):
            await socket.close(code=4406, reason="Subprotocol not acceptable")
            return
        await socket.accept(subprotocol=PROTOCOL)
        bell.start(asyncio.get_running_loop())
        connection = Connection(registry, bell, socket, door)
        serving: asyncio.Task[None] | None = None
        ended: asyncio.Future[None] | None = None
        watch = watches.setdefault(asyncio.get_running_loop(), Watch(registry))
        try:
            await connection.init()
            ended, serving = watch.add(connection.token), asyncio.create_task(connection.serve())
            done, _ = await asyncio.wait([ended, serving], return_when=asyncio.FIRST_COMPLETED)
            for finished in done:
                finished.result()
        except Closed as closed:
            await _close(socket, closed.code, closed.reason)
        except WebSocketDisconnect:
            pass
        finally:
            if ended is not None:
                watch.remove(connection.token, ended)
                if ended.done() and not ended.cancelled():
                    ended.exception()  # seen: the socket ended another way at the same time
                ended.cancel()
            for task in [*connection.running.values(), *([serving] if serving else [])]:
                task.cancel()

    return graphql_ws


async def _close(socket: WebSocket, code: int, reason: str) -> None:
    with contextlib.suppress(Exception):
        await socket.close(code=code, reason=reason)
