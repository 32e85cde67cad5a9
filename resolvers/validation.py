"""Input checks shared by every write: each failure names the input field it is about."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from procedure import calendar as clock
from procedure.rules import BrokenRule
from resolvers.errors import InputError

EARLIEST = dt.date(1900, 1, 1)

# Unicode's explicit direction marks, embeddings, overrides and isolates (UAX #9).
DIRECTION_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Letters that draw nothing: Hangul fillers and the blank Braille pattern.
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Separators, controls, format characters (zero-width), unassigned, and marks with no base.
INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Me"})


def normalised_text(value: str) -> str:
    """A text as it is kept: without surrounding white space, in Unicode's composed form (NFC)."""
    return unicodedata.normalize("NFC", value.strip())


def is_visible(char: str) -> bool:
    return unicodedata.category(char) not in INVISIBLE_CATEGORIES and char not in BLANK_LETTERS


class InputErrors(Exception):
    """Several field errors at once, so a form can show them all."""

    def __init__(self, errors: list[InputError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


class Checks:
    """Collects field errors; `done()` raises them together."""

    def __init__(self) -> None:
        self.errors: list[InputError] = []

    def fail(self, field: str, message: str, code: str = "INVALID", **params: object) -> None:
        """`message` is a template with `{name}` placeholders for `params` (see resolvers.errors)."""
        self.errors.append(InputError(field, message, code, **params))

    def refuse(self, broken: Iterable[BrokenRule]) -> None:
        """Adds the procedure's broken rules (`procedure.rules`), each as its field's error."""
        for rule in broken:
            self.errors.append(InputError(rule.field, rule.message, rule.code, **dict(rule.params)))

    def text(self, field: str, value: str | None, *, max_len: int = 200, required: bool = True) -> str | None:
        """Every text a write keeps passes here: trimmed, NFC-normalised, with something to see.

        A reason or a name made only of zero-width, format or direction-control characters reads as
        empty to a person yet is not empty to `strip()`; direction controls anywhere can make a
        stored name read as another, so they are refused wherever they stand.
        """
        if value is None or not value.strip():
            if required:
                self.fail(field, "is required", "REQUIRED")
            return None
        value = normalised_text(value)
        if len(value) > max_len:
            self.fail(field, "must be at most {max_len} characters", "TOO_LONG", max_len=max_len)
            return None
        if any(
            (unicodedata.category(c) in ("Cc", "Cs", "Co") and c not in "\n\t") or c in DIRECTION_CONTROLS
            for c in value
        ):
            self.fail(field, "contains control or invalid characters", "INVALID_CHARACTERS")
            return None
        if not any(is_visible(c) for c in value):
            self.fail(field, "{name} has no visible character", "NOT_VISIBLE", name=field)
            return None
        return value

    def pattern(
        self, field: str, value: str | None, regex: str, message: str, *, required: bool = True
    ) -> str | None:
        value = self.text(field, value, max_len=64, required=required)
        if value is not None and not re.fullmatch(regex, value):
            self.fail(field, message, "INVALID_FORMAT")
            return None
        return value

    def date(
        self,
        field: str,
        value: dt.date | None,
        *,
        earliest: dt.date = EARLIEST,
        latest: dt.date | None = None,
    ) -> dt.date | None:
        if value is None:
            return None
        latest = latest or clock.today() + dt.timedelta(days=3650)
        if not earliest <= value <= latest:
            self.fail(
                field,
                "must be between {earliest} and {latest}",
                "OUT_OF_RANGE",
                earliest=earliest.isoformat(),
                latest=latest.isoformat(),
            )
            return None
        return value

    def moment(self, field: str, value: dt.datetime) -> dt.datetime | None:
        if value.tzinfo is None:
            self.fail(
                field, "must include a time zone offset, e.g. 2024-05-01T08:30:00+07:00", "INVALID_FORMAT"
            )
            return None
        now = dt.datetime.now(dt.UTC)
        if not dt.datetime(2000, 1, 1, tzinfo=dt.UTC) <= value <= now + dt.timedelta(minutes=10):
            self.fail(field, "must be after 2000 and not in the future", "OUT_OF_RANGE")
            return None
        return value.astimezone(dt.UTC)

    def money(self, field: str, value: Decimal | str | None) -> Decimal | None:
        try:
            amount = Decimal(str(value))
        except (InvalidOperation, ValueError):
            self.fail(field, "must be a number", "INVALID_FORMAT")
            return None
        if not amount.is_finite() or not Decimal(0) < amount < Decimal(1_000_000):
            self.fail(field, "must be more than 0 and less than 1,000,000", "OUT_OF_RANGE")
            return None
        return amount.quantize(Decimal("0.01"))

    def count(self, field: str, value: int | None, *, maximum: int = 1_000_000) -> int | None:
        if value is not None and not 0 <= value <= maximum:
            self.fail(field, "must be between 0 and {maximum}", "OUT_OF_RANGE", maximum=maximum)
            return None
        return value

    def done(self) -> None:
        if self.errors:
            raise InputErrors(self.errors)
