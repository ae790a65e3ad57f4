#!/usr/bin/env bash
# Install the Debian packages named as arguments (the ones an ensure-*.sh script found
# missing); nothing to do without arguments. As non-root, say what to install and fail.
set -euo pipefail
if [ $# -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: $*. Install them with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y $*" >&2
  exit 1
fi
echo "Installing Debian packages: $*"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "$@" >/dev/null
