"""The registry's settings: one typed object, read once from the environment and the command line.

Every process of the registry gets its settings from here and nowhere else: the command line
builds a `Settings` (flags override `BORDERLABOUR_*` variables), it is checked before any database
is opened or any server process started, and the server processes receive the checked object
itself. A setting that is wrong is reported with the variable or flag that set it, one line each.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from settings.rates import DEFAULT_RATE_LIMIT, Limit, parse_limit

ENV_PREFIX = "BORDERLABOUR_"
DEFAULT_DATABASE_URL = "sqlite:///borderlabour.db"
POLICY_DIR = Path(__file__).resolve().parent.parent / "policies"
SUPPORTED_BACKENDS = ("sqlite", "postgresql")


class SetupError(Exception):
    """The registry is not set up right (a setting, a missing file, a database that does not answer).

    The message is for the operator: it says what is wrong and how to put it right, on one line.
    """

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message.format(**values))
        self.template, self.values = message, values


class SettingsError(SetupError):
    """One or more settings are invalid; each problem is one line of the message."""


def normalise_url(url: str) -> str:
    """Accept the usual postgres:// spellings and pick the psycopg 3 driver.

    A libpq multi-host URL (`postgresql://u@h1:5432,h2:5432/db?target_session_attrs=read-write`) is
    rewritten to the form SQLAlchemy reads (`…@/db?host=h1:5432&host=h2:5432&…`), which it hands to
    libpq as `host=h1,h2 port=5432,5432`: libpq then tries the hosts in turn and keeps the first that
    takes writes, so after a failover new connections reach the promoted standby by themselves.
    """
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + _hosts_as_query(url.removeprefix(prefix))
    return url


def _hosts_as_query(rest: str) -> str:
    """`user@h1:p1,h2:p2/db?x=y` → `user@/db?host=h1:p1&host=h2:p2&x=y`; one host is left as it is."""
    authority, slash, tail = rest.partition("/")
    user, at, hosts = authority.rpartition("@")
    if "," not in hosts:
        return rest
    path, question, query = tail.partition("?")
    listed = "&".join(f"host={host}" for host in hosts.split(",") if host)
    return f"{user}{at}/{path}?{listed}{'&' + query if question and query else ''}"


def parse_database_url(url: str) -> URL:
    """The URL as SQLAlchemy reads it, or ValueError saying why the registry cannot use it."""
    try:
        parsed = make_url(normalise_url(url))
    except ArgumentError as exc:
        raise ValueError("cannot read it as a database URL (e.g. sqlite:///registry.db)") from exc
    if parsed.get_backend_name() not in SUPPORTED_BACKENDS:
        raise ValueError(
            f"{parsed.get_backend_name()} is not supported: use sqlite:///PATH or postgresql://USER@HOST/DATABASE"
        )
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        folder = Path(parsed.database).parent
        if not folder.is_dir():
            raise ValueError(f"the folder {folder} does not exist")
    return parsed


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite database URL (None for PostgreSQL or an in-memory database)."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def cores() -> int:
    """The cores this process may run on (a container's CPU set, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_key_file(database_url: str) -> Path:
    """The demo keeps its key beside the SQLite file; other databases use ./borderlabour.keys.json."""
    db = sqlite_file(database_url)
    return db.with_name(db.stem + ".keys.json") if db else Path("borderlabour.keys.json")


_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?")


def metrics_host_port(address: str) -> tuple[str, int]:
    """`127.0.0.1:9100` → ("127.0.0.1", 9100), or ValueError."""
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{address!r} is not HOST:PORT (e.g. 127.0.0.1:9100)")
    return host.strip("[]"), int(port)


class Settings(BaseSettings):
    """What an operator may set, with the `BORDERLABOUR_*` variable of each."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    """BORDERLABOUR_DATABASE_URL: sqlite:///PATH or postgresql://USER@HOST/DATABASE (or several
    hosts, `USER@H1:P1,H2:P2/DATABASE?target_session_attrs=read-write`, tried in turn)."""
    key_file: Path | None = None
    """BORDERLABOUR_KEY_FILE: the data keys; default beside the SQLite file or ./borderlabour.keys.json."""
    policy_dir: Path = POLICY_DIR
    """BORDERLABOUR_POLICY_DIR: the folder of model.conf and the policy CSV files."""
    rate_limit: str = DEFAULT_RATE_LIMIT
    """BORDERLABOUR_RATE_LIMIT: requests per token, e.g. '50/s burst 200', '600/m' or 'off'."""
    graphiql: bool = True
    """BORDERLABOUR_GRAPHIQL: serve the GraphiQL page and allow introspection (0 in production)."""
    metrics: bool = True
    """BORDERLABOUR_METRICS: serve Prometheus metrics at GET /metrics (to the local host only)."""
    engine: Literal["compiled", "reference"] = "compiled"
    """BORDERLABOUR_ENGINE: `compiled` reads run as SQL built from each query; `reference` field by field."""
    body_seconds: float = Field(default=10.0, gt=0)
    """BORDERLABOUR_BODY_SECONDS: how long a request body may take to arrive."""
    upload_seconds: float = Field(default=180.0, gt=0)
    """BORDERLABOUR_UPLOAD_SECONDS: how long an imported workbook's body may take to arrive: its
    10 MiB at most in 180 s is about 60 KB/s, a slow line at a border post (a GraphQL body, 64 KiB,
    has BORDERLABOUR_BODY_SECONDS)."""
    processes: int = Field(default_factory=lambda: cores(), ge=1)
    """BORDERLABOUR_PROCESSES (or --processes): server processes of `serve`; default one per core."""
    ledger_batch: int = Field(default=256, ge=1)
    """BORDERLABOUR_LEDGER_BATCH: most read entries committed together (1: each in its own transaction)."""
    query_cost_limit: int = Field(default=100_000, ge=1)
    """BORDERLABOUR_QUERY_COST_LIMIT: the most objects one operation may ask for (`schema.cost`)."""
    subscriptions_per_socket: int = Field(default=100, ge=1)
    """BORDERLABOUR_SUBSCRIPTIONS_PER_SOCKET: the most subscriptions one WebSocket may run at once; one
    more is refused with an `error` message (strawberry's and AWS AppSync's default is 100 too)."""
    statement_seconds: float = Field(default=30.0, gt=0)
    """BORDERLABOUR_STATEMENT_SECONDS: how long one SQL statement may run before it is stopped."""
    conflict_retries: int = Field(default=2, ge=0, le=10)
    """BORDERLABOUR_CONFLICT_RETRIES: times a GraphQL mutation is run again, in a new transaction,
    when PostgreSQL aborts it for a concurrent one (a deadlock, a serialization failure:
    `models.conflicts`); past them the client is told to retry (503)."""
    import_lookups_per_day: int = Field(default=1000, ge=0)
    """BORDERLABOUR_IMPORT_LOOKUPS_PER_DAY: identity numbers an office's imports may find registered
    past its scope in a day (UTC); past it an import stops with 429 LOOKUP_LIMIT."""
    import_seconds: float = Field(default=300.0, gt=0)
    """BORDERLABOUR_IMPORT_SECONDS: how long an import over HTTP may run before it stops (503)."""
    import_chunk_rows: int = Field(default=500, ge=1, le=50_000)
    """BORDERLABOUR_IMPORT_CHUNK_ROWS: rows an import registers in one transaction; between two chunks
    it gives way to waiting writers (a read's ledger entry) and may stop (client gone, time spent).
    500 rows hold the write lock for about a second (BENCHMARKS.md, "Spreadsheet import": 10,000
    rows registered in 18 s of CPU)."""
    webhook_urls: str = ""
    """BORDERLABOUR_WEBHOOK_URLS: URL prefixes webhooks may post to, comma-separated (none: no webhooks)."""
    webhook_retry_hours: float = Field(default=24.0, gt=0)
    """BORDERLABOUR_WEBHOOK_RETRY_HOURS: how long a failing webhook is retried before it is parked."""
    webhook_backoff_seconds: float = Field(default=10.0, gt=0)
    """BORDERLABOUR_WEBHOOK_BACKOFF_SECONDS: the first retry's delay; each next one doubles, to an hour."""
    due_scan_seconds: float = Field(default=3600.0, ge=0)
    """BORDERLABOUR_DUE_SCAN_SECONDS: how often `serve` scans for due alerts (`events/due.toml`); the
    first scan comes when a process takes the lead. 0: this process never scans."""

    def webhook_allowed(self, url: str) -> bool:
        """Whether `url` starts with one of the allowed prefixes."""
        prefixes = [p.strip() for p in self.webhook_urls.split(",") if p.strip()]
        return any(url.startswith(p) for p in prefixes)

    cors_origins: str = ""
    """BORDERLABOUR_CORS_ORIGINS: the browser origins (`https://host[:port]`, comma-separated) whose pages
    may call the API; none by default."""
    log_format: Literal["text", "json"] = "text"
    """BORDERLABOUR_LOG_FORMAT (or --log-format): `json` writes one object a line (`web.request_log`)."""
    metrics_address: str | None = None
    """BORDERLABOUR_METRICS_ADDRESS (or --metrics-address): HOST:PORT serving /metrics apart from the API."""
    rate_limit_store: Literal["database", "process"] = "database"
    """BORDERLABOUR_RATE_LIMIT_STORE: `database` shares each token's bucket across processes and hosts."""
    shutdown_seconds: int = Field(default=20, ge=0)
    """BORDERLABOUR_SHUTDOWN_SECONDS: how long requests in flight may finish after SIGTERM."""

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        for origin in filter(None, (o.strip() for o in value.split(","))):
            if not _ORIGIN.fullmatch(origin):
                raise ValueError(f"{origin!r} is not an origin: use e.g. https://app.example.org")
        return value

    @field_validator("metrics_address")
    @classmethod
    def _address(cls, value: str | None) -> str | None:
        if value is not None:
            metrics_host_port(value)
        return value

    @property
    def cors_allowed(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]

    @field_validator("database_url")
    @classmethod
    def _usable_database(cls, value: str) -> str:
        parse_database_url(value)
        return normalise_url(value)

    @field_validator("policy_dir")
    @classmethod
    def _policy_folder(cls, value: Path) -> Path:
        if not (value / "model.conf").is_file():
            raise ValueError(f"{value} holds no model.conf")
        return value

    @field_validator("rate_limit")
    @classmethod
    def _readable_limit(cls, value: str) -> str:
        parse_limit(value)
        return value

    @property
    def key_path(self) -> Path:
        return self.key_file or default_key_file(self.database_url)

    @property
    def limit(self) -> Limit | None:
        return parse_limit(self.rate_limit)

    @property
    def sqlite_file(self) -> Path | None:
        return sqlite_file(self.database_url)

    @classmethod
    def load(cls, **overrides: Any) -> Settings:
        """The environment's settings with the given command-line values (None: not given) on top."""
        try:
            return cls(**{name: value for name, value in overrides.items() if value is not None})
        except ValidationError as exc:
            raise SettingsError("\n".join(_problem(error) for error in exc.errors())) from None


FLAGS = {
    "engine": "--engine",
    "database_url": "--database-url",
    "policy_dir": "--policy-dir",
    "graphiql": "--no-graphiql",
    "processes": "--processes",
    "log_format": "--log-format",
    "metrics_address": "--metrics-address",
}


def _problem(error: Any) -> str:
    """`BORDERLABOUR_X (or --x): what is wrong`, from one pydantic error."""
    name = str(error["loc"][0]) if error["loc"] else "settings"
    source = ENV_PREFIX + name.upper()
    if name in FLAGS:
        source = f"{source} (or {FLAGS[name]})"
    reason = str(error.get("ctx", {}).get("error") or error["msg"])
    return f"{source}: {reason}"


ENGINES: tuple[str, ...] = get_args(Settings.model_fields["engine"].annotation)
