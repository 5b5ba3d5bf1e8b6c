#!/bin/bash
# The read replica: on first start, a base backup of the primary (-R writes standby.signal and primary_conninfo;
# -C -S creates the replication slot that keeps the WAL it still needs), then PostgreSQL as a hot standby.
set -euo pipefail
export PGPASSWORD="$REPLICATION_PASSWORD"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_basebackup -h "$PRIMARY_HOST" -U replicator -D "$PGDATA" -R -X stream -C -S replica_1 -P; do
    echo "waiting for the primary at $PRIMARY_HOST …"; rm -rf "${PGDATA:?}"/*; sleep 2
  done
  chmod 0700 "$PGDATA"
fi
exec postgres -c hot_standby=on
