"""The import's columns: exactly the inputs of `registerWorker`, with the labels people read.

The columns are the inputs of `registerWorker` (`schema.inputs.RegisterWorkerInput`), in its order;
`tests/test_import_columns.py` fails until a new input of the mutation is a column here, with a
label. A header may be the input's name (`nationalIdNumber`) or its label in English, Vietnamese or
Chinese; the template uses Vietnamese.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from locales import LANGUAGES, N_, gettext, label
from models import Sex

LABELS = {
    "fullName": N_("Full name"),
    "dateOfBirth": N_("Date of birth"),
    "sex": N_("Sex"),
    "ethnicity": N_("Ethnicity"),
    "nationalIdNumber": N_("National ID number (CCCD)"),
    "homeCommuneCode": N_("Home commune code"),
    "borderPassNumber": N_("Border pass number"),
    "passportNumber": N_("Passport number"),
    "phone": N_("Phone"),
}
HINTS = {
    "dateOfBirth": N_("a date, or YYYY-MM-DD, or DD/MM/YYYY"),
    "sex": N_("female or male, in any of the three languages"),
    "homeCommuneCode": N_("the code of a commune (see administrativeUnits)"),
}


@dataclass(frozen=True)
class Column:
    name: str
    attribute: str
    label: str
    required: bool


def _key(text: str) -> str:
    return re.sub(r"[\s_*]+", "", unicodedata.normalize("NFC", text)).casefold()


# `required`: a cell the import refuses to leave empty (the template's guide lists which).
COLUMNS = (
    Column("fullName", "full_name", LABELS["fullName"], True),
    Column("dateOfBirth", "date_of_birth", LABELS["dateOfBirth"], True),
    Column("sex", "sex", LABELS["sex"], False),
    Column("ethnicity", "ethnicity", LABELS["ethnicity"], True),
    Column("nationalIdNumber", "national_id_number", LABELS["nationalIdNumber"], True),
    Column("homeCommuneCode", "home_commune_code", LABELS["homeCommuneCode"], True),
    Column("borderPassNumber", "border_pass_number", LABELS["borderPassNumber"], False),
    Column("passportNumber", "passport_number", LABELS["passportNumber"], False),
    Column("phone", "phone", LABELS["phone"], False),
)


@cache
def header_names() -> dict[str, Column]:
    """Every header the import accepts, normalised: input names and labels in each language."""
    names: dict[str, Column] = {}
    for column in COLUMNS:
        names[_key(column.name)] = column
        for language in LANGUAGES:
            names[_key(gettext(column.label, language))] = column
    return names


def column_for(header: Any) -> Column | None:
    return header_names().get(_key(str(header))) if header is not None else None


@cache
def _sexes() -> dict[str, Sex]:
    return {_key(label(sex.value, lang)): sex for sex in Sex for lang in LANGUAGES} | {
        _key(sex.name): sex for sex in Sex
    }


class CellValue(ValueError):
    """A cell that cannot be read as its column's type; the message is an English template."""


def cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed into a text column: 12-digit IDs arrive as numbers
    text = str(value).strip()
    return text or None


def cell_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    if text is None:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CellValue(N_("must be a date (YYYY-MM-DD or DD/MM/YYYY)"))


def cell_sex(value: Any) -> Sex | None:
    text = cell_text(value)
    if text is None:
        return None
    sex = _sexes().get(_key(text))
    if sex is None:
        raise CellValue(N_("must be female or male"))
    return sex
