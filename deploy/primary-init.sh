#!/bin/sh
# Run once by the postgres image when the primary's data folder is created: a replication role for
# the standby, allowed in from the compose network, and the standby named as synchronous from the
# server's real start on (ALTER SYSTEM: the first-start server running this script is not reloaded,
# so its commits do not wait for a standby that cannot connect to it yet).
set -eu
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" \
  -c "CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '$REPLICATION_PASSWORD'"
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" \
  -c "ALTER SYSTEM SET synchronous_standby_names = 'standby'"
