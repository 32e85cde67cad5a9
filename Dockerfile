# The Border Labour Registry as one image: `borderlabour serve` behind port 8000.
# Keys (the data keys and the ledger's signing key) live in the /data volume, never in the image.
# Build: docker build -t borderlabour .   Run with PostgreSQL: docker compose up (compose.yaml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    BORDERLABOUR_KEY_FILE=/data/borderlabour.keys.json \
    BORDERLABOUR_GRAPHIQL=0

WORKDIR /app
# Everything but what .dockerignore leaves out (tests, benchmark, databases, keys).
COPY . .
RUN pip install --no-cache-dir . \
    && useradd --system --uid 10001 --home-dir /data registry \
    && mkdir -p /data && chown registry /data

USER registry
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"

# `migrate` creates the schema and, on the first start, the keys in /data; then the service.
CMD ["sh", "-c", "borderlabour migrate && exec borderlabour serve --host 0.0.0.0 --port 8000 --processes ${BORDERLABOUR_PROCESSES:-2}"]
