#!/bin/sh
# First start (no cluster in PGDATA): initdb with POSTGRES_PASSWORD for the postgres user, then
# the databases named in POSTGRES_DATABASES. Every start: the server in the foreground on
# POSTGRES_LISTEN_ADDRESSES (the pod's) and POSTGRES_PORT, logging to stderr.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD (from the Secret) for the first start}"
  mkdir -p "$PGDATA" && chmod 700 "$PGDATA"
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb --pgdata="$PGDATA" --username=postgres --pwfile="$pwfile" --encoding=UTF8 \
    --locale=C.UTF-8 --auth-local=peer --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  printf 'host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
  for database in $POSTGRES_DATABASES; do
    echo "CREATE DATABASE \"$database\";" | postgres --single -D "$PGDATA" postgres >/dev/null
  done
  echo "postgres-entrypoint: cluster made with databases: $POSTGRES_DATABASES" >&2
fi
# SIGTERM (what Kubernetes and Podman send to stop a container) becomes SIGINT, PostgreSQL's
# fast shutdown: its smart shutdown (SIGTERM) would wait for the backends' pooled connections
# to close, which they never do, until the container is killed.
postgres -D "$PGDATA" -p "$POSTGRES_PORT" -c listen_addresses="${POSTGRES_LISTEN_ADDRESSES:-*}" \
  -c unix_socket_directories=/tmp -c logging_collector=off &
server=$!
trap 'kill -INT "$server"' TERM INT
set +e
wait "$server"
status=$?
if [ "$status" -gt 128 ] && kill -0 "$server" 2>/dev/null; then  # the trap ran: wait for the end
  wait "$server"
  status=$?
fi
exit "$status"
