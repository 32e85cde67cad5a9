#!/bin/sh
# The standby: on its first start a copy of the primary (pg_basebackup -R writes the connection
# back to it, named `standby`, the name the primary waits for); then it streams from the primary.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pg_basebackup -h db -U replicator -D "$PGDATA" -R -X stream -c fast \
    -d "application_name=standby"
  # The copy carries the primary's synchronous_standby_names; promoted, this server has no standby
  # and must not wait for one.
  echo "synchronous_standby_names = ''" >> "$PGDATA/postgresql.auto.conf"
  chmod 700 "$PGDATA"
fi
exec postgres -D "$PGDATA"
