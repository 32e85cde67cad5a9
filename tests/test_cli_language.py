"""The command line speaks the reader's language (issue 21, item 4): `borderlabour --help` and every
command's help, argparse's own words ("usage:", "show this help message and exit", "the following
arguments are required") and the CLI's refusals, in Vietnamese or Chinese as `--lang` or the locale
(LC_ALL, then LC_MESSAGES, then LANG) asks, English otherwise.

The expected sentences are the catalogues' (locales/vi.po, zh.po), reviewed against the glossary
(locales/GLOSSARY.md: mã truy cập / 令牌 for a token, cơ quan / 单位 for an office). The real
command runs in a subprocess; every other help page is checked in this process, cheaply.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from harness.databases import LOCALE_VARS
from harness.server import ROOT
from locales import po_path
from tests.conftest import Database, run_cli

pytestmark = pytest.mark.engine_independent(
    "the command line's words; the one command run on the database is refused before it reads any row"
)

USAGE = 2


# The command as `python -m cli.main` runs it, telling on stderr which libraries it loaded.
COMMAND = """import atexit, sys
atexit.register(lambda: print("LOADED", *sorted({m.split('.')[0] for m in sys.modules}), file=sys.stderr))
from cli.main import main
sys.exit(main(sys.argv[1:]))"""
# What a command that only shows help must not load: translating it keeps `borderlabour` light.
HEAVY = {"strawberry", "graphql", "openpyxl", "fpdf", "fontTools", "alembic", "uvicorn", "starlette"}


def borderlabour(*args: str, **locale: str) -> subprocess.CompletedProcess[str]:
    """The real command, with no database and only the locale variables given here."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BORDERLABOUR_") and k not in LOCALE_VARS}
    env.update(PYTHONPATH=str(ROOT), **locale)
    return subprocess.run(
        [sys.executable, "-c", COMMAND, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def loaded(result: subprocess.CompletedProcess[str]) -> set[str]:
    line = next(line for line in result.stderr.splitlines() if line.startswith("LOADED "))
    return set(line.split()[1:])


def test_the_root_help_is_vietnamese_under_a_vietnamese_locale():
    shown = borderlabour("--help", LANG="vi_VN.UTF-8")
    assert shown.returncode == 0, shown.stderr
    for sentence in (
        "cách dùng: borderlabour",
        "tham số vị trí:",
        "tùy chọn:",
        "hiện hướng dẫn này rồi thoát",
        "cấp, liệt kê và thu hồi mã truy cập",
        "trả lời yêu cầu của người lao động về dữ liệu của họ",
    ):
        assert sentence in shown.stdout, (sentence, shown.stdout)
    assert "usage:" not in shown.stdout and "show this help" not in shown.stdout
    assert "babel" in loaded(shown) and not HEAVY & loaded(shown)


def test_a_commands_help_is_chinese_under_a_chinese_locale():
    shown = borderlabour("token", "issue", "--help", LANG="zh_CN.UTF-8")
    assert shown.returncode == 0, shown.stderr
    for sentence in (
        "用法：borderlabour token issue",
        "为单位签发令牌（仅显示一次）",
        "显示本帮助信息并退出",
    ):
        assert sentence in shown.stdout, (sentence, shown.stdout)
    assert "usage:" not in shown.stdout and "issue a token" not in shown.stdout


def test_lang_on_the_command_line_wins_over_the_locale():
    shown = borderlabour("report", "agreement", "--lang", "zh", "--help", LANG="vi_VN.UTF-8")
    assert "一项协议一年的数据" in shown.stdout and "协议代码，例如 AGR-HG-BS" in shown.stdout, shown.stdout


def test_argparse_refuses_in_the_language_of_lc_all_over_lang():
    refused = borderlabour("token", "issue", LC_ALL="zh_CN.UTF-8", LANG="vi_VN.UTF-8")
    assert refused.returncode == USAGE
    assert "borderlabour token issue：错误：缺少以下必需参数：--office" in refused.stderr, refused.stderr
    assert "required" not in refused.stderr and "Traceback" not in refused.stderr


def test_a_refusal_inside_a_command_follows_the_locale(database: Database):
    refused = run_cli(database, "audit", "log", "--limit", "0", check=False, LANG="zh_CN.UTF-8")
    assert refused.returncode != 0 and "--limit 至少为 1" in refused.stderr, refused.stderr


# In this process: every help page of every command, in both languages.

ENGLISH_SENTENCE = re.compile(r"(?<![\w$./`'-])[a-z]{2,}(?:'s)? [a-z]{2,} [a-z]{2,}\b")
NOT_WORDS = re.compile(r"--?[\w-]+|\{[^}]*\}|\[[^]]*\]|`[^`]*`|\$\w+|\S+/\S+|\S+\.\S+")


@pytest.fixture
def speaking() -> Iterator[None]:
    """`speak` routes argparse's words for the process; put argparse back for the other tests."""
    from cli import language

    kept = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    yield
    argparse._, argparse.ngettext = kept  # type: ignore[attr-defined]
    language._chosen[0] = "en"


def _pages(parser: argparse.ArgumentParser, path: str = "borderlabour") -> Iterator[tuple[str, str]]:
    yield path, parser.format_help()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _pages(sub, f"{path} {name}")


@pytest.mark.parametrize("language", ["vi", "zh"])
def test_no_help_page_of_any_command_keeps_an_english_sentence(speaking, language):
    from cli.language import help_texts, speak, translate_help
    from cli.main import build_parser

    english = {text for text, _ in help_texts(build_parser())}
    speak(language)
    parser = build_parser()
    translate_help(parser, language)
    left = []
    pages = list(_pages(parser))
    assert len(pages) > 40
    for path, page in pages:
        body = page.split("\n\n", 1)[1]  # after the usage block, which shows the command's own words
        left += [f"{path}: {text!r}" for text in english if len(text) > 12 and text in page]
        for line in body.splitlines():
            found = ENGLISH_SENTENCE.search(NOT_WORDS.sub(" ", line))
            if found:
                left.append(f"{path}: {line.strip()!r}")
    assert not left, "\n".join(left)


def test_an_argument_of_the_wrong_form_is_refused_in_vietnamese(speaking, capsys):
    from cli.language import speak, translate_help
    from cli.main import build_parser

    speak("vi")
    parser = build_parser()
    translate_help(parser, "vi")
    with pytest.raises(SystemExit) as stopped:
        parser.parse_args(["token", "issue", "--office", "hg-labour", "--expires", "0d"])
    assert stopped.value.code == USAGE
    assert (
        "borderlabour token issue: lỗi: tham số --expires: mã truy cập phải có thời hạn: ví dụ 90d, 12h hoặc 30m"
        in capsys.readouterr().err
    )


def test_every_command_takes_lang_where_a_person_puts_it():
    from cli.main import build_parser

    parser = build_parser()
    for argv in (
        ["--lang", "zh", "token", "issue", "--office", "hg-labour"],
        ["token", "issue", "--office", "hg-labour", "--lang", "vi"],
        ["statistics", "check", "--lang", "en"],
    ):
        assert parser.parse_args(argv).func is not None
    # A command whose --lang picks a file's languages keeps it.
    assert parser.parse_args(["import", "workers", "book.xlsx", "--office", "x", "--lang", "zh"]).lang == "zh"


SENTENCE = re.compile(r"[A-Za-z]{2,}[ ,:;]+[A-Za-z]{2,}")
SHOWN = {"print", "Refused", "SystemExit", "ArgumentTypeError"}
MARKS = {"N_", "words", "say"}


def test_the_cli_prints_no_english_sentence_that_the_catalogues_cannot_see():
    """What a command prints or refuses with goes through `say`/`words` (or a templated error), so
    `tools.catalogue` finds it and test_translations fails until it is translated; an English
    sentence written straight into print() or an exit would stay English in every language."""
    import ast

    from tests.python_sources import parse

    found = []
    for path in sorted((ROOT / "cli").glob("*.py")):
        for node in ast.walk(parse(path.read_text(encoding="utf-8"), str(path))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            first = node.args[0]
            if isinstance(first, ast.JoinedStr):
                literal = [v.value for v in first.values if isinstance(v, ast.Constant)]
            else:
                literal = [first.value] if isinstance(first, ast.Constant) else []
            if name in SHOWN and any(isinstance(t, str) and SENTENCE.search(t) for t in literal):
                found.append(f"{path.name}:{node.lineno}")
            # Babel skips an f-string with substitutions: a message marked inside one is never extracted.
            if isinstance(node, ast.JoinedStr):
                marked = [
                    n
                    for n in ast.walk(node)
                    if isinstance(n, ast.Call) and getattr(n.func, "id", "") in MARKS
                ]
                found += [f"{path.name}:{n.lineno} (inside an f-string)" for n in marked]
    assert not found


def _catalogue(language: str):
    with po_path(language).open("rb") as source:
        return read_po(source, locale=language)


@pytest.mark.parametrize("language", ["vi", "zh"])
def test_argparses_words_are_translated_keeping_their_placeholders(language):
    from cli.language import ARGPARSE_WORDS

    catalogue = _catalogue(language)
    percent = re.compile(r"%(?:\(\w+\))?[sr]")
    for words in ARGPARSE_WORDS:
        entry = catalogue.get(words)
        assert entry is not None and entry.string, words
        assert sorted(percent.findall(entry.string)) == sorted(percent.findall(words)), (words, entry.string)
        assert entry.string.count("%") == words.count("%"), (words, entry.string)


def test_the_words_translated_are_the_ones_argparse_says():
    """A newer Python that rewords argparse shows here, not as English in a Vietnamese help."""
    import argparse as module

    from cli.language import ARGPARSE_WORDS

    source = Path(module.__file__).read_text(encoding="utf-8")
    for words in ("usage: ", "show this help message and exit", "the following arguments are required: %s"):
        assert words in ARGPARSE_WORDS and repr(words)[1:-1] in source


@pytest.mark.parametrize(
    ("argv", "environ", "expected"),
    [
        ([], {"LANG": "vi_VN.UTF-8"}, "vi"),
        ([], {"LANG": "vi_VN.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "zh"),
        ([], {"LC_ALL": "en_US.UTF-8", "LANG": "vi_VN.UTF-8"}, "en"),
        ([], {"LANG": "C.UTF-8"}, "en"),
        ([], {}, "en"),
        ([], {"LANG": "fr_FR.UTF-8"}, "en"),
        (["--lang", "zh", "--help"], {"LANG": "vi_VN.UTF-8"}, "zh"),
        (["report", "agreement", "--lang=vi,zh"], {}, "vi"),
        (["import", "workers", "--", "--lang", "zh"], {}, "en"),
    ],
)
def test_the_language_comes_from_lang_then_the_locale(argv, environ, expected):
    from cli.language import chosen_language

    assert chosen_language(argv, environ) == expected
