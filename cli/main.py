"""`borderlabour`: run the registry, load the demo, manage tokens, read the policy."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from cli import audit, generate, imports, keys, policy, reports, tokens
from cli.database import open_database
from models.database import DATABASE_URL_ENV, database_url, normalise_url


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    url = normalise_url(args.database_url)
    open_database(url)  # migrate before the first process starts, and fail early on a missing key
    os.environ[DATABASE_URL_ENV] = url
    os.environ["BORDERLABOUR_GRAPHIQL"] = "0" if args.no_graphiql else "1"
    os.environ["BORDERLABOUR_ENGINE"] = args.engine
    print(
        f"Border Labour Registry on http://{args.host}:{args.port}/graphql ({args.processes} process(es))",
        file=sys.stderr,
    )
    uvicorn.run(
        "schema.asgi:create_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.processes,
        log_level="info",
        server_header=False,
    )
    return 0


def migrate(args: argparse.Namespace) -> int:
    open_database(args.database_url, create_keys=True)
    print("database is at the newest schema")
    return 0


def demo(args: argparse.Namespace) -> int:
    from demo import DEMO_WORKERS
    from demo.loading import load_demo

    sessions = open_database(args.database_url, create_keys=True)
    summary, issued = load_demo(
        sessions, workers=args.demo_workers or DEMO_WORKERS, tokens_file=args.tokens_file
    )
    print(f"demo data ready: {summary}", file=sys.stderr)
    print(f"tokens for {len(issued)} offices written to {args.tokens_file}", file=sys.stderr)
    if args.serve:
        return serve(args)
    return 0


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database-url",
        default=database_url(),
        help=f"default: ${DATABASE_URL_ENV} or sqlite:///borderlabour.db",
    )
    parser = argparse.ArgumentParser(prog="borderlabour", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    s = commands.add_parser("serve", parents=[common], help="run the GraphQL service")
    _serve_options(s)
    s.set_defaults(func=serve)

    d = commands.add_parser("demo", parents=[common], help="create, migrate and fill a demo database")
    d.add_argument("--tokens-file", type=Path, required=True, help="where to write {office: token} as JSON")
    d.add_argument("--demo-workers", type=int, default=None, help="how many demo workers")
    d.add_argument("--serve", action="store_true", help="then run the service")
    _serve_options(d, workers_flag="--processes")
    d.set_defaults(func=demo)

    commands.add_parser(
        "migrate", parents=[common], help="bring the database to the newest schema"
    ).set_defaults(func=migrate)
    tokens.register(commands, common)
    generate.register(commands, common)
    keys.register(commands, common)
    audit.register(commands, common)
    policy.register(commands)
    reports.register(commands, common)
    imports.register(commands, common)
    return parser


def _serve_options(parser: argparse.ArgumentParser, workers_flag: str = "--workers") -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(workers_flag, dest="processes", type=int, default=1, help="server processes")
    parser.add_argument("--no-graphiql", action="store_true", help="production: no GraphiQL page")
    parser.add_argument(
        "--engine",
        choices=("compiled", "reference"),
        default="compiled",
        help="compiled: reads run as SQL built from each query (default); reference: field by field",
    )


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
