# The Border Labour Registry as one image: `borderlabour serve` behind port 8000.
# Keys (the data keys and the ledger's signing key) live in the /data volume, never in the image.
# Build: docker build -t borderlabour .   Run with PostgreSQL: docker compose up (compose.yaml).
# With podman or buildah build with `--format docker`: the OCI format has no HEALTHCHECK and drops it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    BORDERLABOUR_KEY_FILE=/data/borderlabour.keys.json \
    BORDERLABOUR_GRAPHIQL=0 \
    BORDERLABOUR_LOG_FORMAT=json \
    BORDERLABOUR_SHUTDOWN_SECONDS=20

# The fonts of the PDF reports (Vietnamese and Chinese), and the PostgreSQL client for
# `borderlabour backup` (pg_dump).
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       fonts-dejavu-core fonts-noto-cjk postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# The dependencies first, exact and hashed (`python -m tools.lock` writes the lock): this layer is
# rebuilt only when the lock changes, not on every change of the code.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock

# Then the code (everything but what .dockerignore leaves out: tests, benchmark, databases, keys).
COPY . .
RUN pip install --no-cache-dir --no-deps . \
    && useradd --system --uid 10001 --home-dir /data registry \
    && mkdir -p /data && chown registry /data

USER registry
VOLUME ["/data"]
EXPOSE 8000 9100
# SIGTERM: requests in flight get BORDERLABOUR_SHUTDOWN_SECONDS to finish (give `docker stop -t`
# a few seconds more).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4)"

# `migrate` creates the schema and, on the first start, the keys in /data; `reference load` the
# offices, units, gates and agreements (a later start changes nothing); then the service.
CMD ["sh", "-c", "borderlabour migrate && borderlabour reference load && exec borderlabour serve --host 0.0.0.0 --port 8000 --processes ${BORDERLABOUR_PROCESSES:-2} --metrics-address 0.0.0.0:9100"]
