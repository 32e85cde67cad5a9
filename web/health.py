"""`/livez` and `/readyz`: whether to restart this process, and whether to send it requests.

`/livez` answers as long as the process's event loop does: nothing else, so a database outage
never makes an orchestrator restart healthy processes. `/readyz` answers 200 only when a request
could be served and ledgered now: the database answers, its schema is the newest migration, the
ledger can be appended to (the database takes writes, a promoted standby included, and its head
is not behind this host's signed head file, which would make the appender refuse) and the
policy is loaded. Each check is named in the answer; none names a value of the registry.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache, partial

from sqlalchemy import Connection, text
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import migrations
from service.registry import Registry
from web.threads import in_thread


@cache
def newest_migration() -> str | None:
    """Alembic is loaded here, on the first readiness probe, not when the server starts."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(migrations.alembic_config("")).get_current_head()


def _ledger_writable(connection: Connection, registry: Registry) -> bool:
    if connection.dialect.name == "postgresql":
        in_recovery = connection.execute(text("SELECT pg_is_in_recovery()")).scalar()
        may_insert = connection.execute(
            text("SELECT has_table_privilege(current_user, 'ledger_entries', 'INSERT')")
        ).scalar()
        if in_recovery or not may_insert:
            return False
    elif connection.execute(text("PRAGMA query_only")).scalar():
        return False
    head = connection.execute(text("SELECT seq FROM ledger_head WHERE id = 1")).scalar() or 0
    folder = registry.ledger_files.head.parent
    return int(head) >= registry.signed_head.seq() and os.access(folder, os.W_OK)


def readiness(registry: Registry) -> dict[str, bool]:
    checks = {"database": False, "migrations": False, "ledger": False, "policy": False}
    try:
        registry.access.reload_if_changed()
        checks["policy"] = registry.access.version > 0
    except Exception:
        checks["policy"] = False
    try:
        with registry.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            checks["database"] = True
            current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            checks["migrations"] = current == newest_migration()
            checks["ledger"] = _ledger_writable(connection, registry)
            connection.commit()  # a ROLLBACK would drop the connection's prepared statements
    except Exception:
        pass  # what failed stays False: the answer names it
    return checks


def health_routes(
    registry: Registry, probe: Callable[[Registry], dict[str, bool]] = readiness
) -> list[Route]:
    async def livez(request: Request) -> Response:
        return JSONResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})

    async def readyz(request: Request) -> Response:
        checks = await in_thread(partial(probe, registry))
        ready = all(checks.values())
        body = {"status": "ready" if ready else "unavailable", "checks": checks}
        return JSONResponse(body, status_code=200 if ready else 503, headers={"Cache-Control": "no-store"})

    return [Route("/livez", livez, methods=["GET"]), Route("/readyz", readyz, methods=["GET"])]
