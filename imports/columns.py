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
    "fullName": N_("text, as on the identity card"),
    "dateOfBirth": N_("a date, or YYYY-MM-DD, or DD/MM/YYYY"),
    "sex": N_("female or male, in any of the three languages (pick from the list)"),
    "ethnicity": N_("text"),
    "nationalIdNumber": N_("12 digits, typed as text so the leading zero stays (e.g. 002199012345)"),
    "homeCommuneCode": N_("the code of a commune in force (see the sheet of communes)"),
    "borderPassNumber": N_("6-12 capital letters or digits, as text"),
    "passportNumber": N_("a capital letter and 7-8 digits"),
    "phone": N_("9-12 digits, optionally starting with +, as text so the leading zero stays"),
}
# Columns of the workers export that are not inputs of `registerWorker`: the import knows their
# headers (an export can be read back) but registers nothing from them. A unit is two columns, its
# code and its name; the commune's code column is the import's own `homeCommuneCode`.
EXPORT_LABELS = {
    "id": N_("Record ID"),
    "status": N_("Status"),
    "homeProvince": N_("Home province code"),
    "homeProvince.name": N_("Home province"),
    "homeDistrict": N_("Home district code"),
    "homeDistrict.name": N_("Home district"),
    "homeCommune.name": N_("Home commune"),
    "errors": N_("Errors"),  # the column a checked file comes back with (`imports.marked`)
}
# Identity numbers that lose their leading zero when typed as a number, and the digits they have.
NUMBER_DIGITS = {"nationalIdNumber": 12, "phone": 10}


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
    Column("sex", "sex", LABELS["sex"], True),
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
def export_names() -> dict[str, str]:
    """The headers of the export's own columns (record ID, status, units), normalised, to their field."""
    names: dict[str, str] = {}
    for field_name, text in EXPORT_LABELS.items():
        names[_key(field_name)] = field_name
        for language in LANGUAGES:
            names[_key(gettext(text, language))] = field_name
    return names


def export_field_for(header: Any) -> str | None:
    return export_names().get(_key(str(header))) if header is not None else None


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


def cell_number_text(column: str) -> Any:
    """A reader of an identity number: one typed as a number (its leading zero gone) gets a hint why."""

    def read(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return cell_text(value)
        if isinstance(value, float) and not value.is_integer():
            raise CellValue(N_("was typed as a number: format the column as Text and type the digits again"))
        if len(str(int(value))) < NUMBER_DIGITS[column]:
            raise CellValue(
                N_(
                    "was typed as a number, so its leading zero was lost: format the column as Text "
                    "and type all the digits again"
                )
            )
        return cell_text(value)

    return read


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
