"""Alembic migrations; `upgrade(url)` brings any database to the newest schema.

Every command and every server start calls `upgrade`, and nearly always the database is already at
the newest schema. Alembic itself (its templates, the loading of every migration module) is a good
part of a command's start, so the newest revisions are first read from the migration files' text
and compared with the database's `alembic_version`; Alembic runs only when they differ, or when the
files cannot be read that simply.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text

from models.database import make_engine

if TYPE_CHECKING:
    from alembic.config import Config

HERE = Path(__file__).parent


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config(str(HERE / "alembic.ini"))
    config.set_main_option("script_location", str(HERE))
    config.attributes["database_url"] = url
    return config


def version_module(filename: str) -> ModuleType:
    """A migration's module, loaded from its file in `versions/` (`0023_window_closes.py`), whose
    name, starting with a digit, cannot be imported: for a later migration that builds on an earlier
    one's text, and a test that compares a migration's copy of a statement with the code's."""
    path = HERE / "versions" / filename
    spec = importlib.util.spec_from_file_location(f"migration_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade(url: str, revision: str = "head") -> None:
    if revision == "head" and _at_head(url):
        return
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def newest_revisions() -> frozenset[str] | None:
    """The revisions no migration revises (the heads), read from the files' `revision` and
    `down_revision` assignments; None when a file does not state them as plain literals."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in (HERE / "versions").glob("*.py"):
        if path.name == "__init__.py":  # as Alembic, which reads every other file there
            continue
        text = path.read_text(encoding="utf-8")
        # The two assignments open the file: its head (up to the first function) is parsed, the
        # whole file only when they are not both there (parsing every migration is most of the check).
        head = text.split("\ndef ", 1)[0]
        stated = _revisions_stated(head)
        if (stated is None or stated.keys() < {"revision", "down_revision"}) and head != text:
            stated = _revisions_stated(text)
        if stated is None:
            return None
        found, down = stated.get("revision"), stated.get("down_revision")
        if not isinstance(found, str):
            return None
        revisions.add(found)
        if isinstance(down, str):
            revised.add(down)
        elif isinstance(down, tuple | list):
            revised.update(str(d) for d in down)
        elif down is not None:
            return None
    return frozenset(revisions - revised) or None


def _revisions_stated(source: str) -> dict[str, object] | None:
    """`revision` and `down_revision` as assigned at the top level of `source`; None when one is not
    a plain literal (or the source does not parse)."""
    stated: dict[str, object] = {}
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return None
    for node in body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id in {"revision", "down_revision"}:
                    try:
                        stated[target.id] = ast.literal_eval(node.value) if node.value else None
                    except ValueError:
                        return None
    return stated


def _at_head(url: str) -> bool:
    heads = newest_revisions()
    if heads is None:
        return False
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return False
            current = frozenset(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    finally:
        engine.dispose()
    return current == heads
