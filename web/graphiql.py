"""GraphiQL for the registry, served entirely by the service itself.

Why this module exists: offices use the registry from closed networks, so the in-browser IDE at
``GET /graphql`` must not load anything from a CDN. The GraphiQL, React and ReactDOM builds are
vendored under ``web/static/graphiql/`` (re-vendor with ``tools/vendor_graphiql.sh``; versions in
``VERSIONS.txt``, licenses in ``LICENSES.txt``) and served under ``/graphiql-static``.

Every request the registry answers needs ``Authorization: Bearer <token>`` and ``X-Purpose``, and the
schema that introspection returns depends on the calling office. The page therefore has a small
header bar where the user types the office's bearer token and the purpose; the page's own script
(``registry-graphiql.js``, a static file so that a ``script-src 'self'`` Content-Security-Policy holds)
keeps them in localStorage, adds them to every request, re-mounts GraphiQL when they change (so the
schema is introspected again as that office) and explains a 401 in plain words.
"""

from __future__ import annotations

import hashlib
from functools import cache
from html import escape
from pathlib import Path

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "GRAPHQL_PATH",
    "PAGE_HEADERS",
    "STATIC_DIR",
    "STATIC_URL",
    "graphiql_html",
    "graphiql_routes",
]

STATIC_DIR: Path = Path(__file__).resolve().parent / "static" / "graphiql"
"""The vendored GraphiQL assets plus the page's own script and stylesheet."""

STATIC_URL = "/graphiql-static"
"""Where :func:`graphiql_routes` mounts :data:`STATIC_DIR`, relative to the site root."""

GRAPHQL_PATH = "/graphql"
"""The endpoint the page's fetcher posts to (same origin)."""

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; "
    "script-src 'self'; "
    # GraphiQL/CodeMirror set element style attributes at run time; no inline <style> of ours.
    "style-src 'self' 'unsafe-inline'; "
    # graphiql.min.css embeds its fonts and icons as data: URLs.
    "font-src 'self' data:; "
    "img-src 'self' data:; "
    "connect-src 'self'; "
    "object-src 'none'; "
    "base-uri 'none'; "
    "form-action 'none'"
)
"""The policy the page declares in a ``<meta>`` tag; may also be sent as a response header."""

PAGE_HEADERS = {
    # frame-ancestors works only as a header (a <meta> policy ignores it): no site may frame the page
    # to trick a click on it while the browser holds an office's token.
    "Content-Security-Policy": f"{CONTENT_SECURITY_POLICY}; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
"""The headers the GraphiQL page is served with."""

_SCRIPTS = (
    "react.production.min.js",
    "react-dom.production.min.js",
    "graphiql.min.js",
    "registry-graphiql.js",
)
_STYLES = ("graphiql.min.css", "registry-graphiql.css")


@cache
def _asset_url(name: str) -> str:
    """Root-relative URL of a static asset, with a content hash so browsers drop stale copies."""
    path = STATIC_DIR / name
    if not path.is_file():
        return f"{STATIC_URL}/{name}"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return f"{STATIC_URL}/{name}?v={digest}"


def graphiql_html(title: str = "Border Labour Registry") -> str:
    """The GraphiQL page: only same-origin scripts and styles, no inline script or event handler."""
    t = escape(title, quote=True)
    styles = "\n".join(f'    <link rel="stylesheet" href="{escape(_asset_url(s))}">' for s in _STYLES)
    scripts = "\n".join(f'    <script src="{escape(_asset_url(s))}"></script>' for s in _SCRIPTS)
    return f"""<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta http-equiv="Content-Security-Policy" content="{escape(CONTENT_SECURITY_POLICY, quote=False)}">
    <meta name="referrer" content="no-referrer">
    <link rel="icon" href="data:,">
    <title>{t} · GraphiQL</title>
{styles}
  </head>
  <body>
    <!-- The inputs have no name attribute and form-action is 'none': nothing is ever submitted as a form. -->
    <form id="registry-bar" class="registry-bar" autocomplete="off">
      <strong class="registry-title">{t}</strong>
      <label class="registry-field">Bearer token
        <input id="registry-token" type="password" autocomplete="off" spellcheck="false"
               placeholder="paste your office's token">
      </label>
      <label class="registry-field">Purpose
        <input id="registry-purpose" type="text" autocomplete="off" spellcheck="false"
               list="registry-purposes" placeholder="pick one of your office's purposes">
        <datalist id="registry-purposes"></datalist>
      </label>
      <label class="registry-field">Case reference
        <input id="registry-case-ref" type="text" autocomplete="off" spellcheck="false" maxlength="64"
               placeholder="the case, where the purpose needs one">
      </label>
      <button id="registry-apply" type="submit">Load schema</button>
      <button id="registry-forget" type="button" title="Remove the token from this browser">
        Forget token</button>
      <span id="registry-status" class="registry-status" role="status" aria-live="polite"></span>
      <a class="registry-licenses" href="{STATIC_URL}/LICENSES.txt">Licenses</a>
    </form>
    <div id="graphiql" class="registry-graphiql" data-graphql-url="{GRAPHQL_PATH}" data-title="{t}">
      Loading GraphiQL…
    </div>
    <noscript>GraphiQL needs JavaScript. You can still POST queries to {GRAPHQL_PATH}.</noscript>
{scripts}
  </body>
</html>
"""


def graphiql_routes() -> list[BaseRoute]:
    """Routes serving the vendored assets; mount them next to the GraphQL endpoint."""
    return [Mount(STATIC_URL, app=StaticFiles(directory=STATIC_DIR), name="graphiql-static")]
