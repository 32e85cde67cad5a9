"""The command line in the reader's language: its help, argparse's own words, what it prints.

The language is chosen once, before the parser is built, because argparse asks for its words
("usage:", "options", "show this help message and exit") while building and while failing: from
`--lang` anywhere on the command line, else the locale (LC_ALL, LC_MESSAGES, LANG), else English.
Help texts stay English literals in the code; `tools.catalogue` collects them by walking the built
parser (`help_texts`), so a new option's help is in the catalogues' test without being marked.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TextIO

from cli.errors import terminal_language
from locales import DEFAULT_LANGUAGE, N_, gettext, render

# argparse's sentences a person can meet (its others name a programmer's mistake). argparse writes
# them with %-placeholders; a translation keeps each one.
ARGPARSE_WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("unrecognized arguments: %s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("expected %s argument"),
    N_("expected %s arguments"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
)

_chosen = [DEFAULT_LANGUAGE]


def chosen_language(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> str:
    """`--lang X` or `--lang=X` (the first, before a lone `--`), else the locale's language.

    Commands whose `--lang` picks the languages of a file (`--lang vi,zh`) speak its first."""
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(argv):
            return terminal_language(argv[index + 1], environ)
        if arg.startswith("--lang="):
            return terminal_language(arg.split("=", 1)[1], environ)
    return terminal_language(None, environ)


def speak(language: str) -> None:
    """From now on argparse and `words`/`say` answer in `language` (this process only: the CLI)."""
    _chosen[0] = language
    argparse._ = words  # type: ignore[attr-defined]
    argparse.ngettext = _plural  # type: ignore[attr-defined]


def language() -> str:
    return _chosen[0]


def words(template: str, **values: object) -> str:
    """A sentence in the chosen language, its {placeholders} filled (argparse's %-ones it fills itself)."""
    return render(template, _chosen[0], **values) if values else gettext(template, _chosen[0])


def _plural(singular: str, plural: str, n: int) -> str:
    return words(singular if n == 1 else plural)


def say(template: str, *, file: TextIO | None = None, end: str = "\n", **values: object) -> None:
    """Prints a sentence for the person at the terminal, in their language (`file` and `end` are
    print's, so no placeholder takes those names)."""
    print(words(template, **values), file=file or sys.stdout, end=end)


def cell(text: str, width: int, right: bool = False) -> str:
    """`text` padded to `width` columns as a terminal shows them: a Chinese character takes two, so
    a table's columns stay in line in every language."""
    shown = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    padding = " " * max(width - shown, 0)
    return padding + text if right else text + padding


def refusal_line(message: str) -> str:
    """`borderlabour: error: ...`, with argparse's own words for it, so both read alike."""
    line = words("%(prog)s: error: %(message)s\n") % {"prog": "borderlabour", "message": message}
    return line.rstrip("\n")


LANG_HELP = "the language of help and messages (default: the locale: LC_ALL, LC_MESSAGES or LANG)"


def offer_lang(parser: argparse.ArgumentParser) -> None:
    """`--lang vi|zh|en` on the root and on every command that has no `--lang` of its own (those
    pick a file's languages, and their first one is the language spoken), wherever a person puts it."""
    if not any("--lang" in action.option_strings for action in parser._actions):
        parser.add_argument(
            "--lang", dest="language", choices=("vi", "zh", "en"), default=None, help=LANG_HELP
        )
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                offer_lang(sub)


def _texts(parser: argparse.ArgumentParser) -> Iterator[tuple[Any, str, str]]:
    """(holder, attribute, where) of every help text and description of the parser and its commands."""
    yield parser, "description", parser.prog
    for action in parser._actions:
        yield action, "help", f"{parser.prog} {'/'.join(action.option_strings) or action.dest}"
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice for choice in action._choices_actions}
            for name, sub in action.choices.items():
                if sub.description is None and name in helps:
                    sub.description = helps[name].help  # a command's own help starts with its summary
                yield helps[name], "help", f"{parser.prog} {name}"
                yield from _texts(sub)


def help_texts(parser: argparse.ArgumentParser) -> Iterator[tuple[str, str]]:
    """(English text, where) of every help text a person can read with `--help`."""
    for holder, attribute, where in _texts(parser):
        text = getattr(holder, attribute)
        if isinstance(text, str) and text and text != argparse.SUPPRESS:
            yield text, f"cli:{where}"


def translate_help(parser: argparse.ArgumentParser, language: str) -> None:
    """Puts every help text and description of the parser in `language` (before any is shown)."""
    for holder, attribute, _where in list(_texts(parser)):  # English too: commands get descriptions
        if language == DEFAULT_LANGUAGE:
            continue
        text = getattr(holder, attribute)
        if isinstance(text, str) and text and text != argparse.SUPPRESS:
            setattr(holder, attribute, gettext(text, language))
