"""`borderlabour`: run the registry, load the demo, manage tokens, read the policy."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from cli import (
    audit,
    backup,
    events,
    generate,
    imports,
    keys,
    policy,
    procedure,
    reference,
    reports,
    retention,
    serving,
    statistics,
    subjects,
    tokens,
    webhooks,
    windows,
)
from cli.database import open_database
from cli.errors import FAILURE, USAGE, CommandFailed, explained, first_line, told
from cli.language import chosen_language, offer_lang, refusal_line, say, speak, translate_help
from cli.listening import listen
from cli.pipes import tolerate_closed_stdout
from locales import N_
from settings import DEFAULT_DATABASE_URL, ENGINES, Settings, SetupError


def serve(args: argparse.Namespace) -> int:
    settings: Settings = args.settings
    json_logs(settings)
    policy.require_sound_policy(settings.policy_dir)
    open_database(settings)  # migrate before the first process starts, and fail early on a missing key
    return serving.run(settings, args.host, args.port)


def json_logs(settings: Settings) -> None:
    """`--log-format json`: this process's own lines (start-up, migrations) as JSON objects too."""
    if settings.log_format == "json":
        from web.request_log import JsonFormatter

        for handler in logging.getLogger().handlers:
            handler.setFormatter(JsonFormatter())


def migrate(args: argparse.Namespace) -> int:
    open_database(args.settings, create=True)
    say(N_("database is at the newest schema"))
    return 0


def demo(args: argparse.Namespace) -> int:
    from demo import DEMO_WORKERS
    from demo.loading import load_demo

    if args.demo_workers is not None and args.demo_workers < 1:
        raise SetupError("--demo-workers must be at least 1")
    if args.serve:  # everything `serve` would refuse, refused before the demo is loaded
        policy.require_sound_policy(args.settings.policy_dir)
        listen(args.host, args.port).close()
    sessions = open_database(args.settings, create=True)
    summary, issued = load_demo(
        sessions, workers=args.demo_workers or DEMO_WORKERS, tokens_file=args.tokens_file
    )
    say(N_("demo data ready: {summary}"), summary=generate.counted(summary), file=sys.stderr)
    say(N_("tokens for {n} offices written to {path}"), n=len(issued), path=args.tokens_file, file=sys.stderr)
    if args.serve:
        json_logs(args.settings)
        return serving.run(args.settings, args.host, args.port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database-url",
        default=None,
        help=f"default: $BORDERLABOUR_DATABASE_URL or {DEFAULT_DATABASE_URL}",
    )
    parser = argparse.ArgumentParser(prog="borderlabour", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    s = commands.add_parser("serve", parents=[common], help="run the GraphQL service")
    _serve_options(s, "--workers")
    s.set_defaults(func=serve)

    d = commands.add_parser("demo", parents=[common], help="create, migrate and fill a demo database")
    d.add_argument("--tokens-file", type=Path, required=True, help="where to write {office: token} as JSON")
    d.add_argument("--demo-workers", type=int, default=None, help="how many demo workers")
    d.add_argument("--serve", action="store_true", help="then run the service")
    _serve_options(d)
    d.set_defaults(func=demo)

    commands.add_parser(
        "migrate", parents=[common], help="create the database, or bring it to the newest schema"
    ).set_defaults(func=migrate)
    tokens.register(commands, common)
    backup.register(commands, common)
    generate.register(commands, common)
    keys.register(commands, common)
    audit.register(commands, common)
    policy.register(commands, common)
    reports.register(commands, common)
    imports.register(commands, common)
    procedure.register(commands, common)
    reference.register(commands, common)
    statistics.register(commands, common)
    windows.register(commands, common)
    retention.register(commands, common)
    webhooks.register(commands, common)
    events.register(commands, common)
    subjects.register(commands, common)
    offer_lang(parser)
    return parser


def _serve_options(parser: argparse.ArgumentParser, *aliases: str) -> None:
    """The same options, spelt the same, on `serve` and `demo --serve`."""
    parser.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="the port to listen on (default 8000)")
    # `--processes`, not `--workers`: on `demo` and `generate` a worker is a person in the registry.
    parser.add_argument(
        "--processes",
        *aliases,
        dest="processes",
        type=int,
        default=None,
        help="server processes (default: $BORDERLABOUR_PROCESSES or one per core)",
    )
    parser.add_argument("--no-graphiql", action="store_true", help="production: no GraphiQL page")
    parser.add_argument(
        "--log-format", choices=("text", "json"), default=None, help="json: one object a line (default text)"
    )
    parser.add_argument(
        "--metrics-address", default=None, help="HOST:PORT: serve /metrics there, apart from the API"
    )
    parser.add_argument("--policy-dir", type=Path, default=None, help="default: $BORDERLABOUR_POLICY_DIR")
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default=None,
        help="compiled: reads run as SQL built from each query (default); reference: field by field",
    )


def settings_from(args: argparse.Namespace) -> Settings:
    """The one settings object: the environment, with what the command line says on top."""
    return Settings.load(
        database_url=getattr(args, "database_url", None),
        policy_dir=getattr(args, "policy_dir", None),
        graphiql=False if getattr(args, "no_graphiql", False) else None,
        engine=getattr(args, "engine", None),
        processes=getattr(args, "processes", None),
        log_format=getattr(args, "log_format", None),
        metrics_address=getattr(args, "metrics_address", None),
    )


ID_OPTIONS = frozenset({"--worker"})  # options whose value is a global ID


def ids_joined(arguments: list[str]) -> list[str]:
    """`--worker ID` as `--worker=ID`: a global ID is URL-safe base64 and may begin with '-', which
    argparse takes for an option and refuses (`expected one argument`), for about one worker in 64."""
    joined: list[str] = []
    rest = iter(arguments)
    for argument in rest:
        if argument in ID_OPTIONS:
            value = next(rest, None)
            if value is not None and value.startswith("-"):
                joined.append(f"{argument}={value}")
                continue
            joined.append(argument)
            if value is not None:
                joined.append(value)
            continue
        joined.append(argument)
    return joined


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    tolerate_closed_stdout()
    arguments = ids_joined(sys.argv[1:] if argv is None else argv)
    language = chosen_language(arguments)
    speak(language)  # before the parser is built: argparse asks for its words while building
    parser = build_parser()
    translate_help(parser, language)
    args = parser.parse_args(arguments)
    try:
        args.settings = settings_from(args)
        return int(args.func(args) or 0)
    except SetupError as exc:
        return _refuse(exc, USAGE, language)
    except CommandFailed as exc:
        return _refuse(exc, FAILURE, language)
    except DBAPIError as exc:
        failed = CommandFailed("the database failed: {reason}", reason=first_line(exc.orig))
        return _refuse(failed, FAILURE, language)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        # A missing or unreadable file, missing fonts: one line in the reader's language, no traceback.
        known = explained(exc, language)
        if known is None:
            logging.getLogger("borderlabour.cli").debug("unexpected failure", exc_info=True)
            known = f"{type(exc).__name__}: {first_line(exc)}", FAILURE
        return _refuse(Exception(known[0]), known[1], language)


def _refuse(exc: Exception, status: int, language: str = "en") -> int:
    for line in told(exc, language).splitlines():
        print(refusal_line(line), file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
