"""The PostgreSQL driver's parse of a statement, kept for the planner's long statements too.

psycopg turns each statement's text into the server's `$1` form with a regular expression, and
remembers the result (128 statements, least recently used) only for texts of at most 4,096 bytes
and at most 50 parameters. A compiled page with its row scopes, nested lists and JSON building is
longer than that, and the Hekou page has more parameters, so psycopg parsed the same text again on
every request: in the CPU profile of a `first: 10` page and of one worker by id, one call per
request, the largest single cost of the driver (BENCHMARKS.md, "CPU per request"). The statements
are the same text from one request to the next (values are bound as parameters), so remembering
them changes nothing but the work.

The limits are module constants of psycopg's, not a documented setting: if a release renames them,
`remember_long_statements` changes nothing and says so, and the registry runs as before.
"""

from __future__ import annotations

import logging

log = logging.getLogger("borderlabour.planner")

# The planner's longest statements (a page with a partner office's row scopes) are under 32 KiB;
# psycopg keeps at most 128 parsed statements, so this bounds the cache at a few MiB.
LONGEST = 64 * 1024
MOST_PARAMETERS = 1024


def remember_long_statements(longest: int = LONGEST, most: int = MOST_PARAMETERS) -> bool:
    """Lets psycopg remember the parse of statements up to `longest` bytes and `most` parameters;
    False if it cannot."""
    try:
        from psycopg import _queries
    except ImportError:
        return False
    current = getattr(_queries, "MAX_CACHED_STATEMENT_LENGTH", None)
    parameters = getattr(_queries, "MAX_CACHED_STATEMENT_PARAMS", None)
    if not isinstance(current, int) or not isinstance(parameters, int):
        log.info("psycopg has no statement length limit to raise: statements are parsed as it decides")
        return False
    _queries.MAX_CACHED_STATEMENT_LENGTH = max(current, longest)
    _queries.MAX_CACHED_STATEMENT_PARAMS = max(parameters, most)
    return True
