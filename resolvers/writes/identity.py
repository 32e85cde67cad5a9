"""Identity numbers: what a CCCD number says about its holder, and numbers held by one person only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.exc import IntegrityError

from models import Sex, Worker
from models.sealing import keyring
from policies.sessions import identity_taken, record_duplicate
from procedure import identity_province_codes
from resolvers.errors import InputError
from resolvers.validation import Checks
from resolvers.writes.common import WriteContext

# The numbers one person holds, each UNIQUE on its blind index in the database, and the input field.
UNIQUE_NUMBERS = (
    (Worker.national_id_index, "nationalIdNumber"),
    (Worker.border_pass_index, "borderPassNumber"),
    (Worker.passport_index, "passportNumber"),
)


def century_sex_digit(born: dt.date, sex: Sex) -> str:
    """The fourth digit of a CCCD: 0/1 for men/women born in the 1900s, 2/3 in the 2000s, and so on."""
    century = (born.year // 100 - 19) * 2
    return str(century + (1 if sex == Sex.FEMALE else 0))


def check_national_id(checks: Checks, number: str | None, born: dt.date | None, sex: Sex) -> None:
    """A CCCD whose province code, century/sex digit or year of birth contradicts the worker is refused."""
    if number is None or born is None:
        return
    if (
        number[:3] not in identity_province_codes()
        or number[3] != century_sex_digit(born, sex)
        or number[4:6] != f"{born.year % 100:02d}"
    ):
        checks.fail(
            "nationalIdNumber",
            "does not match the date of birth and sex (or names no province)",
            "INCONSISTENT_IDENTITY",
        )


def check_unique(
    checks: Checks, w: WriteContext, field: str, column: Any, number: str | None, own_id: int | None = None
) -> str | None:
    """The number's blind index, refusing a number another worker already holds."""
    index = keyring().blind_index(number)
    if index is None:
        return None
    if identity_taken(w.session, w.recorder, column, index, except_id=own_id):
        checks.fail(field, "is already registered", "DUPLICATE")
    return index


def flush_numbers(w: WriteContext, worker: Worker) -> None:
    """Writes the worker; a number that a request committing after `check_unique` took is refused as
    DUPLICATE on its field, exactly as the check would have (the database's UNIQUE index decides)."""
    held = {column.key: getattr(worker, column.key) for column, _ in UNIQUE_NUMBERS}
    try:
        w.session.flush()
    except IntegrityError as exc:
        violated = str(exc.orig)
        for column, field in UNIQUE_NUMBERS:
            if column.key in violated and held[column.key] is not None:
                record_duplicate(w.recorder, column, held[column.key])
                raise InputError(field, "is already registered", "DUPLICATE") from exc
        raise
