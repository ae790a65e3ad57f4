#!/usr/bin/env bash
# Debian packages the test suite needs: PostgreSQL (database tests run against a real server,
# pg_dump/pg_restore for backups), Redis (scale-out mode), nginx (the production shape's TLS
# proxy) and Chromium (browser tests). Installs what is missing; as non-root,
# says what to install.
set -euo pipefail
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx)
exec "$(dirname "$0")/install-debian-packages.sh" ${missing[@]+"${missing[@]}"}
