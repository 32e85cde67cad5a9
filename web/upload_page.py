"""`GET /imports`: a small page for an office without a script to upload a workbook of workers.

The page is the registry's own (no external assets, one static script under a `script-src 'self'`
policy); it posts the file as a browser form (multipart) with the token as a header, and offers the
template and the checked file as downloads. Its words are in the reader's language (`?lang=`).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from locales import N_, gettext, reader_language

SCRIPT = Path(__file__).resolve().parent / "static" / "imports" / "upload.js"
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


WORDS = {
    "title": N_("Import workers"),
    "intro": N_(
        "Fill in the template, check it with a dry run, correct the rows the checked file marks, "
        "then register."
    ),
    "token": N_("Your office's token"),
    "template": N_("Download the template"),
    "file": N_("Workbook (.xlsx)"),
    "dry": N_("Check only (dry run): register nothing"),
    "partial": N_("Register the valid rows even if others have errors"),
    "marked": N_("Answer with the workbook, its errors marked"),
    "send": N_("Send"),
    "download": N_("Download the answer"),
}
STYLE = (
    "body{font-family:sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}"
    "label{display:block;margin:.6rem 0}input[type=password]{width:100%}"
    "pre{background:#f4f4f4;padding:1rem;white-space:pre-wrap}"
)


def page(language: str) -> str:
    w = {key: escape(gettext(text, language)) for key, text in WORDS.items()}
    return f"""<!doctype html>
<html lang="{language}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{w["title"]}</title>
<style>{STYLE}</style>
</head><body>
<h1>{w["title"]}</h1>
<p>{w["intro"]}</p>
<form id="upload">
<label>{w["token"]} <input id="token" type="password" autocomplete="off" required></label>
<p><button type="button" id="template">{w["template"]}</button></p>
<label>{w["file"]} <input id="file" type="file" accept=".xlsx" required></label>
<label><input id="dry" type="checkbox" checked> {w["dry"]}</label>
<label><input id="partial" type="checkbox"> {w["partial"]}</label>
<label><input id="marked" type="checkbox" checked> {w["marked"]}</label>
<button type="submit">{w["send"]}</button>
</form>
<p><a id="download" hidden>{w["download"]}</a></p>
<pre id="answer"></pre>
<script src="/imports/upload.js"></script>
</body></html>"""


async def upload_page(request: Request) -> Response:
    return HTMLResponse(page(reader_language()), headers=HEADERS)


async def upload_script(request: Request) -> Response:
    return Response(SCRIPT.read_bytes(), media_type="text/javascript", headers=HEADERS)


def upload_routes() -> list[Route]:
    return [
        Route("/imports", upload_page, methods=["GET"]),
        Route("/imports/upload.js", upload_script, methods=["GET"]),
    ]
