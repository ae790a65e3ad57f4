#!/bin/sh
# Redis with the password from REDIS_PASSWORD, handed over in a file only this user can read
# (never on the command line), nothing kept on disk, listening on REDIS_BIND (the pod's).
set -eu
: "${REDIS_PASSWORD:?set REDIS_PASSWORD (from the Secret)}"
umask 077
config=$(mktemp)
printf 'requirepass "%s"\n' "$REDIS_PASSWORD" > "$config"
exec redis-server "$config" --port "$REDIS_PORT" --bind "${REDIS_BIND:-* -::*}" --save '' --appendonly no
