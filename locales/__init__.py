"""Vietnamese and Chinese for everything a person reads: messages, labels, headers, descriptions.

Messages are written in code as English literals with `{name}` placeholders; the layer that answers
a person (HTTP, CLI, import, report) translates them here by the reader's language, then fills the
placeholders. The catalogues are gettext `.po` files beside this module (`vi.po`, `zh.po`), read with
Babel when first needed; `python -m tools.catalogue` adds every new English message to them, and a
test fails while any of them lacks a translation.
"""

from __future__ import annotations

import io
import re
from contextvars import ContextVar
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations

CATALOGUE_DIR = Path(__file__).resolve().parent
LANGUAGES = ("en", "vi", "zh")
DEFAULT_LANGUAGE = "en"
_RANGE = re.compile(r"^\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9-]*)?\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")


def N_(message: str) -> str:
    """Marks an English literal as a message to translate where it is shown (extracted by Babel)."""
    return message


def po_path(language: str) -> Path:
    return CATALOGUE_DIR / f"{language}.po"


@cache
def translations(language: str) -> NullTranslations:
    if language not in LANGUAGES or language == DEFAULT_LANGUAGE:
        return NullTranslations()
    with po_path(language).open("rb") as source:
        catalog = read_po(source, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def gettext(message: str, language: str) -> str:
    return translations(language).gettext(message) if message else message


# The Babel locale whose separators and currency signs a reader of each language expects.
NUMBER_LOCALES = {"en": "en", "vi": "vi_VN", "zh": "zh_Hans_CN"}


class Money(str):
    """An amount of yuan in a message: shown with the reader's separators and currency sign by
    `render`; as a plain string (stored, compared, sent in JSON) it stays the amount, e.g. "2000.00"."""

    currency = "CNY"

    def __format__(self, spec: str) -> str:
        return format_money(Decimal(self), DEFAULT_LANGUAGE)


def format_money(amount: Decimal | int | float, language: str, currency: str = "CNY") -> str:
    """2000 yuan as "2.000,00 CN¥" (vi), "¥2,000.00" (zh), "CN¥2,000.00" (en)."""
    return str(format_currency(amount, currency, locale=NUMBER_LOCALES.get(language, "en")))


def format_number(value: Decimal | int | float, language: str, decimals: int = 0) -> str:
    """A count or measure with the reader's group and decimal separators."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return str(format_decimal(value, format=pattern, locale=NUMBER_LOCALES.get(language, "en")))


def render(template: str, language: str, **params: Any) -> str:
    """The template in the reader's language, placeholders filled in (amounts of money as the
    reader writes them)."""
    text = gettext(template, language)
    if not params:
        return text
    return text.format(**{name: _shown(value, language) for name, value in params.items()})


def _shown(value: Any, language: str) -> Any:
    if isinstance(value, Money):
        return format_money(Decimal(value), language)
    if isinstance(value, Term):
        return value.shown(language)
    return value


def negotiate(accept_language: str | None) -> str:
    """The reader's language from an Accept-Language header (or a `--lang` value): vi, zh or en."""
    best, best_q = DEFAULT_LANGUAGE, 0.0
    for part in (accept_language or "").split(",")[:20]:
        match = _RANGE.match(part)
        if not match:
            continue
        primary = match.group(1).lower()
        try:
            q = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            continue
        if primary in LANGUAGES and q > best_q:
            best, best_q = primary, q
    return best


# Enums whose values take words of their own (a gettext context named for the enum), where the same
# English word means something else in another enum: a placement ACTIVE is under way, an agreement
# ACTIVE is in force (locales/GLOSSARY.md).
LABEL_CONTEXTS = ("PlacementStatus",)


def label(value: str, language: str, enum: str | None = None) -> str:
    """An enum value as a person reads it: `WAGE_DISPUTE` -> "wage dispute", then translated."""
    english = english_label(value)
    if enum in LABEL_CONTEXTS and language in LANGUAGES and language != DEFAULT_LANGUAGE:
        return str(translations(language).pgettext(enum, english))
    return gettext(english, language)


class Term(str):
    """A word inside a message that is itself translated: an enum value (`Term.of("active",
    enum="PlacementStatus")`) or a type named by a noun (`Term.of("Agreement", noun="agreement")`).
    As a plain string, and in English messages, it stays the value as the API writes it."""

    enum: str | None = None
    noun: str | None = None

    @classmethod
    def of(cls, value: str, enum: str | None = None, noun: str | None = None) -> Term:
        term = cls(value)
        term.enum, term.noun = enum, noun
        return term

    def shown(self, language: str) -> str:
        if self.noun is not None:
            return gettext(self.noun, language) if language != DEFAULT_LANGUAGE else str(self)
        return label(str(self), language, self.enum) if language != DEFAULT_LANGUAGE else str(self)


def english_label(value: str) -> str:
    return value.replace("_", " ").lower()


def message_of(error: BaseException, language: str) -> str:
    """A refusal's message in the reader's language: errors that keep `template` and `params`
    (InputError, PurposeRefused, DutyRefused) are translated, any other shows as it is."""
    template = getattr(error, "template", None)
    if isinstance(template, str):
        return render(template, language, **getattr(error, "params", {}))
    return str(error)


_reader_language: ContextVar[str] = ContextVar("borderlabour_reader_language", default=DEFAULT_LANGUAGE)


def reader_language() -> str:
    """The language of the person this request answers (set by `LanguageMiddleware`)."""
    return _reader_language.get()


def asked_language(query_string: bytes, accept_language: bytes) -> str:
    """The one rule for a request's language: `?lang=` when the request gives it (a link, a browser
    form, a script), else `Accept-Language`, else English."""
    if query_string:
        asked = parse_qs(query_string.decode("latin-1"), max_num_fields=50).get("lang")
        if asked and asked[0]:
            return negotiate(asked[0])
    return _negotiated_header(accept_language)


@lru_cache(maxsize=256)
def _negotiated_header(accept_language: bytes) -> str:
    """`negotiate` of a header as sent: a client sends the same few on every request, and each
    request's language is decided on the event loop."""
    return negotiate(accept_language.decode("latin-1"))


class LanguageMiddleware:
    """Decides the language once per HTTP request (or WebSocket), for every answer it gives:
    JSON errors, row errors of an import, files and pages alike (`asked_language`)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        header = next((v for k, v in scope.get("headers", ()) if k == b"accept-language"), b"")
        try:
            language = asked_language(scope.get("query_string", b""), header)
        except ValueError:  # more query fields than any route takes: the header decides
            language = negotiate(header.decode("latin-1"))
        token = _reader_language.set(language)
        try:
            await self.app(scope, receive, send)
        finally:
            _reader_language.reset(token)
