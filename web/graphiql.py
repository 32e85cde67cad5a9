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
schema is introspected again as that office) and shows a refusal with the server's own message.

The page speaks the reader's language (``?lang=vi`` or Accept-Language): the bar is translated here,
and the script's words and the purposes' descriptions are handed to it in data attributes. Before a
token is pasted the page shows what to paste and why, and sends nothing.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from html import escape
from pathlib import Path

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from locales import N_, gettext

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


# The page's words, translated where the page is served; `MESSAGES` go to the page's script.
BAR = {
    "token": N_("Bearer token"),
    "token_placeholder": N_("paste your office's token"),
    "purpose": N_("Purpose"),
    "purpose_placeholder": N_("pick one of your office's purposes"),
    "case_ref": N_("Case reference"),
    "case_ref_placeholder": N_("the case, where the purpose needs one"),
    "load": N_("Load schema"),
    "forget": N_("Forget token"),
    "forget_title": N_("Remove the token, purpose, case reference, query and history from this browser"),
    "licenses": N_("Licenses"),
    "loading": N_("Loading GraphiQL…"),
    "noscript": N_("GraphiQL needs JavaScript. You can still POST queries to {path}."),
}
MESSAGES = {
    "welcome_title": N_("Query the registry as your office"),
    "welcome_token": N_(
        "Paste your office's bearer token in the bar above. The registry administrator issues it "
        "(borderlabour token issue --office CODE); it stays in this browser only."
    ),
    "welcome_purpose": N_(
        "Pick the purpose you read data for: each is listed with what it covers, and every read of "
        "a worker's data is recorded under it."
    ),
    "welcome_load": N_('Press "Load schema": the editor then offers exactly what your office may read.'),
    "need_token": N_("Paste your office's bearer token to load your schema."),
    "loading_schema": N_("Loading schema…"),
    "schema_loaded": N_("Schema loaded for this token."),
    "schema_errors": N_("Schema request returned errors."),
    "held": N_('This link carries a query: read it, then press "Load schema" to use your token.'),
    "http": N_("The server answered HTTP {status}."),
    "subscription_ended": N_("The subscription ended ({code} {reason})."),
    "not_json": N_("The server answered with something that is not JSON."),
    "unreachable": N_("Could not reach {endpoint}: {error}"),
    "assets": N_("GraphiQL could not be loaded from /graphiql-static."),
    "may_state": N_("{office} may state these purposes"),
    "forgotten": N_("The token, purpose, query and history were removed from this browser."),
}


def _json_attribute(value: object) -> str:
    return escape(json.dumps(value, ensure_ascii=False), quote=True)


def graphiql_html(
    language: str = "en", purposes: dict[str, str] | None = None, title: str = "Border Labour Registry"
) -> str:
    """The GraphiQL page in the reader's language: only same-origin scripts and styles, no inline
    script or event handler; the script's words and the purposes' descriptions ride in data attributes."""
    t = escape(title, quote=True)
    bar = {key: escape(gettext(text, language), quote=True) for key, text in BAR.items()}
    messages = {key: gettext(text, language) for key, text in MESSAGES.items()}
    described = {name: gettext(text, language) for name, text in (purposes or {}).items()}
    styles = "\n".join(f'    <link rel="stylesheet" href="{escape(_asset_url(s))}">' for s in _STYLES)
    scripts = "\n".join(f'    <script src="{escape(_asset_url(s))}"></script>' for s in _SCRIPTS)
    noscript = escape(gettext(BAR["noscript"], language).format(path=GRAPHQL_PATH))
    return f"""<!doctype html>
<html lang="{escape(language)}">
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
      <label class="registry-field">{bar["token"]}
        <input id="registry-token" type="password" autocomplete="off" spellcheck="false"
               placeholder="{bar["token_placeholder"]}">
      </label>
      <label class="registry-field">{bar["purpose"]}
        <input id="registry-purpose" type="text" autocomplete="off" spellcheck="false"
               list="registry-purposes" placeholder="{bar["purpose_placeholder"]}">
        <datalist id="registry-purposes"></datalist>
      </label>
      <label class="registry-field">{bar["case_ref"]}
        <input id="registry-case-ref" type="text" autocomplete="off" spellcheck="false" maxlength="64"
               placeholder="{bar["case_ref_placeholder"]}">
      </label>
      <button id="registry-apply" type="submit">{bar["load"]}</button>
      <button id="registry-forget" type="button" title="{bar["forget_title"]}">{bar["forget"]}</button>
      <span id="registry-purpose-about" class="registry-purpose-about"></span>
      <span id="registry-status" class="registry-status" role="status" aria-live="polite"></span>
      <a class="registry-licenses" href="{STATIC_URL}/LICENSES.txt">{bar["licenses"]}</a>
    </form>
    <div id="graphiql" class="registry-graphiql" data-graphql-url="{GRAPHQL_PATH}" data-title="{t}"
         data-language="{escape(language, quote=True)}" data-messages="{_json_attribute(messages)}"
         data-purposes="{_json_attribute(described)}">
      {bar["loading"]}
    </div>
    <noscript>{noscript}</noscript>
{scripts}
  </body>
</html>
"""


def graphiql_routes() -> list[BaseRoute]:
    """Routes serving the vendored assets; mount them next to the GraphQL endpoint."""
    return [Mount(STATIC_URL, app=StaticFiles(directory=STATIC_DIR), name="graphiql-static")]
