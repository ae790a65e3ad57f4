#!/usr/bin/env bash
# Local base images for machines that reach no image registry, assembled from Debian's packages:
#   localhost/celia-base:bookworm       - Debian bookworm (what debian:bookworm-slim is elsewhere)
#   localhost/celia-python3.10:bookworm - the same with this machine's Python 3.10 (pyenv) in
#   localhost/celia-python3.11:bookworm   /usr/local, the Python the lock files were resolved for
#                                         (what python:3.1x-slim-bookworm is elsewhere)
# mmdebstrap makes the root file system; `podman import` turns it into an image. An imported
# file system has no configuration, so PATH is set here. An image that exists is kept (delete it,
# or REBUILD_BASE=1, to make it again).
set -euo pipefail
cd "$(dirname "$0")/../.."
export CONTAINERS_CONF=${CONTAINERS_CONF:-$PWD/deploy/podman/containers.conf}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
BASE=localhost/celia-base:bookworm
PATH_ENV='ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
work=$(mktemp -d /var/tmp/celia-base.XXXXXX)
trap 'rm -rf "$work"' EXIT

# As in debian:bookworm-slim: no manual pages, documentation or translations.
slim=(--dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*'
      --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/info/*'
      --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias')
sources=("deb $MIRROR bookworm main" "deb $MIRROR bookworm-updates main"
         "deb $SECURITY bookworm-security main")

exists() { [ "${REBUILD_BASE:-0}" != 1 ] && podman image exists "$1"; }

if ! exists "$BASE"; then
  echo "Assembling $BASE with mmdebstrap ..."
  mmdebstrap --quiet --variant=minbase --include=ca-certificates "${slim[@]}" \
    bookworm "$work/base.tar" "${sources[@]}"
  podman import --quiet --change "$PATH_ENV" --change 'CMD ["/bin/bash"]' \
    "$work/base.tar" "$BASE" >/dev/null
fi

for version in 3.10 3.11; do
  image=localhost/celia-python$version:bookworm
  exists "$image" && continue
  python=$(scripts/find-python.sh "$version")
  prefix=$("$python" -c 'import sys; print(sys.base_prefix)')
  echo "Assembling $image with Python $version from $prefix ..."
  # The shared libraries the interpreter and its standard-library modules link against. Only
  # the interpreter and its standard library are copied: no site-packages, tests, Tk or IDLE.
  mmdebstrap --quiet --variant=minbase "${slim[@]}" \
    --include=ca-certificates,libssl3,libsqlite3-0,libffi8,libbz2-1.0,liblzma5,zlib1g,libreadline8,libncursesw6,libuuid1,libexpat1,libgdbm6,libnsl2,libtirpc3,libcrypt1 \
    --customize-hook="tar -C '$prefix' --exclude='lib/python$version/site-packages/*' \
      --exclude='lib/python$version/test' --exclude='lib/python$version/idlelib' \
      --exclude='lib/python$version/tkinter' --exclude='lib/python$version/turtledemo' \
      --exclude='*.a' --exclude='__pycache__' -c bin include lib share | tar -C \"\$1/usr/local\" -x" \
    --customize-hook='chroot "$1" ldconfig' \
    --customize-hook="chroot \"\$1\" python$version -c 'import ssl, sqlite3, ctypes, bz2, lzma, zlib, venv'" \
    bookworm "$work/python.tar" "${sources[@]}"
  podman import --quiet --change "$PATH_ENV" --change "CMD [\"python$version\"]" \
    "$work/python.tar" "$image" >/dev/null
  rm -f "$work/python.tar"
done
