"""`python -m tools.catalogue`: add every English message of the registry to the catalogues.

Messages are found wherever they are written, so a message added by anyone is found:
  - code: Babel's extractor over the packages, for `N_()`, `InputError(field, message)`,
    `Checks.fail(field, message)`, `Checks.pattern(field, value, regex, message)`,
    `Refusal(status, message)` and `PurposeRefused(message)`;
  - the GraphQL schema: every type, field, argument and enum description (policy marks apart);
  - enum values, as labels (`WAGE_DISPUTE` -> "wage dispute");
  - the command line's help texts, walked from its parser (`cli.language.help_texts`).
New messages get an empty translation; `tests/test_translations.py` fails until both are filled.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from locales import CATALOGUE_DIR, LABEL_CONTEXTS, LANGUAGES, english_label, po_path
from schema.fields import split_mark

ROOT = CATALOGUE_DIR.parent
PACKAGES = (
    "models",
    "policies",
    "resolvers",
    "schema",
    "service",
    "web",
    "cli",
    "reports",
    "imports",
    "exports",
    "ledger",
    "locales",
    "planner",
    "procedure",
    "events",
    "settings",
)
KEYWORDS = {
    "N_": None,
    "InputError": (2,),
    "fail": (2,),
    "BrokenRule": (3,),  # procedure.rules.BrokenRule(rule, field, message, code)
    "pattern": (4,),
    "Refusal": (2,),
    "PurposeRefused": None,
    "DutyRefused": None,
    "_bad_body": None,
    "SetupError": (1,),  # the command line's failures (cli/errors.py renders them translated)
    "UsageError": (1,),
    "CommandFailed": (1,),
    "say": (1,),  # cli.language: what a command prints, and the words inside it
    "words": (1,),
}


def code_messages() -> Iterator[tuple[str, str]]:
    for package in PACKAGES:
        folder = ROOT / package
        if not folder.is_dir():
            continue
        for filename, line, message, _comments, _context in extract_from_dir(folder, keywords=KEYWORDS):
            if isinstance(message, str) and message:
                yield message, f"{package}/{filename}:{line}"


def schema_descriptions() -> Iterator[tuple[str, str]]:
    from schema.descriptions import every_description

    for where, description in every_description():
        meaning, mark, _name = split_mark(description)
        if meaning:
            yield meaning, f"schema:{where}"
        if mark:
            yield mark, "schema:marks"


def enum_labels() -> Iterator[tuple[str, str]]:
    from schema.descriptions import every_enum_value

    for enum_name, value in every_enum_value():
        yield english_label(value), f"enum:{enum_name}"


def context_labels() -> set[tuple[str, str]]:
    """(enum, label) of the enums whose values take words of their own (`locales.LABEL_CONTEXTS`)."""
    from schema.descriptions import every_enum_value

    return {(name, english_label(value)) for name, value in every_enum_value() if name in LABEL_CONTEXTS}


def purpose_texts() -> Iterator[tuple[str, str]]:
    """What each purpose covers (policies/purposes.txt), shown beside its name in GraphiQL."""
    from policies.check import purpose_descriptions

    for name, text in purpose_descriptions(ROOT / "policies").items():
        if text:
            yield text, f"policies/purposes.txt:{name}"


def cli_help() -> Iterator[tuple[str, str]]:
    """Every help text and description of `borderlabour` and its commands, read from the parser."""
    from cli.language import help_texts
    from cli.main import build_parser

    yield from help_texts(build_parser())


def all_messages() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for source in (code_messages(), schema_descriptions(), enum_labels(), purpose_texts(), cli_help()):
        for message, where in source:
            found.setdefault(message, []).append(where)
    return found


def read_catalogue(language: str) -> Catalog:
    path = po_path(language)
    if not path.exists():
        return Catalog(locale=language, project="borderlabour")
    with path.open("rb") as source:
        return read_po(source, locale=language)


def _translated(catalogue: Catalog, message: str) -> bool:
    entry = catalogue.get(message)
    return entry is not None and bool(entry.string)


def update(messages: dict[str, list[str]]) -> dict[str, list[str]]:
    """Adds new messages to each catalogue (keeping translations); returns what each still lacks."""
    missing: dict[str, list[str]] = {}
    for language in LANGUAGES[1:]:
        catalogue = read_catalogue(language)
        for message in messages:
            if message not in catalogue:
                catalogue.add(message, "")
        contexts = context_labels()
        for context, message in contexts:
            if catalogue.get(message, context=context) is None:
                catalogue.add(message, "", context=context)
        for entry in list(catalogue):
            if entry.context and (entry.context, entry.id) not in contexts:
                catalogue.delete(entry.id, context=entry.context)
            elif not entry.context and entry.id and entry.id not in messages:  # no longer written anywhere
                catalogue.delete(entry.id)
        with po_path(language).open("wb") as out:
            write_po(out, catalogue, width=0, sort_output=True, omit_header=False)
        missing[language] = [m for m in messages if not _translated(catalogue, m)] + [
            f"{m} ({c})"
            for c, m in sorted(contexts)
            if not (catalogue.get(m, context=c) or Message("")).string
        ]
    return missing


def main() -> int:
    missing = update(all_messages())
    for language, messages in missing.items():
        for message in messages:
            print(f"{language}: untranslated: {message}")
    return 1 if any(missing.values()) else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
