"""The glossary (locales/GLOSSARY.md) is what the catalogues say: one term per concept and language.

A message whose English names a concept is translated with the glossary's term for it, and no
translation uses a term the glossary sets aside. Enum labels follow it too: a placement under way
is not named with the words for an agreement in force.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from locales import label, po_path

pytestmark = pytest.mark.engine_independent("the catalogues' terms against the glossary; no database")

GLOSSARY = Path(__file__).resolve().parents[1] / "locales" / "GLOSSARY.md"
COLUMNS = ("concept", "english", "vi", "zh", "avoid_vi", "avoid_zh")
# Rows whose English is a word messages use; the others (an office's name, a status) are checked below.
IN_MESSAGES = (
    "worker",
    "placement",
    "employer",
    "agreement",
    "border pass",
    "gate",
    "talks minutes",
    "commune",
    # graphql-core's words, in its validation and syntax messages (locales/graphql.py)
    "operation",
    "variable",
    "fragment",
    "directive",
    "alias",
)


def glossary() -> dict[str, dict[str, str]]:
    rows = {}
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == len(COLUMNS) and cells[0] not in ("Concept", "---"):
            row = dict(zip(COLUMNS, cells, strict=True))
            rows[row["english"]] = row
    return rows


def translations(language: str) -> list[tuple[str, str]]:
    with po_path(language).open("rb") as source:
        return [(m.id, m.string) for m in read_po(source, locale=language) if m.id and m.string]


def test_the_glossary_has_one_term_per_concept_and_language():
    terms = glossary()
    assert set(IN_MESSAGES) <= set(terms)
    for language in ("vi", "zh"):
        assert all(row[language] for row in terms.values())
        used = [row[language] for row in terms.values()]
        assert len(used) == len(set(used)), f"one {language} term names two concepts"


@pytest.mark.parametrize("language", ["vi", "zh"])
@pytest.mark.parametrize("english", IN_MESSAGES)
def test_a_message_naming_a_concept_uses_the_glossarys_term(language, english):
    term = glossary()[english][language]
    word = re.compile(rf"(?<![\w.-]){re.escape(english)}(e?s)?(?!\.\w|[\w(-])", re.IGNORECASE)
    wrong = [
        f"{msgid!r} -> {text!r}"
        for msgid, text in translations(language)
        if word.search(re.sub(r"`[^`]*`|\{[^}]*\}", "", msgid)) and term.lower() not in text.lower()
    ]
    assert not wrong, f"translate {english!r} as {term!r}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("language", ["vi", "zh"])
def test_no_translation_uses_a_term_the_glossary_sets_aside(language):
    avoided = [
        t.strip() for row in glossary().values() for t in row[f"avoid_{language}"].split(";") if t.strip()
    ]
    wrong = [(msgid, text, t) for msgid, text in translations(language) for t in avoided if t in text]
    assert not wrong


def test_a_placement_under_way_is_not_named_like_an_agreement_in_force():
    terms = glossary()
    for language in ("vi", "zh"):
        assert label("ACTIVE", language, "PlacementStatus") == terms["active placement"][language]
        assert label("ACTIVE", language, "AgreementStatus") == terms["agreement in force"][language]
