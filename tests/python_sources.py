"""Parsing the project's own Python sources in a test, on an interpreter that other threads share.

CPython 3.11 (this project's Python, 3.11.7 here) keeps one counter per interpreter for the depth
of the syntax tree `ast.parse` is building, and checks at the end that it came back to where it
started (gh-106905). When another thread of the test process compiles code meanwhile (a dataclass,
a named tuple, the planner's generated functions, in a server thread a test left running), the
check can fail with `SystemError: AST constructor recursion depth mismatch`: the source is not at
fault, and parsed again it gives its tree. CI met it once, in `test_side_door`'s walk of the sources.
"""

from __future__ import annotations

import ast

TRIES = 3


def parse(source: str, filename: str = "<unknown>") -> ast.Module:
    """`ast.parse`, tried again when the interpreter's own depth check trips (see above)."""
    for attempt in range(1, TRIES + 1):
        try:
            return ast.parse(source, filename)
        except SystemError as exc:
            if "recursion depth mismatch" not in str(exc) or attempt == TRIES:
                raise
    raise AssertionError("unreachable: the last try returns or raises")
