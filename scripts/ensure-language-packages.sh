#!/usr/bin/env bash
# Debian packages the FAQ needs to read Finnish (knowledge/reading.py): libvoikko1 and its
# Finnish dictionary voikko-fi (lemmas, compound parts, spelling). Installs what is missing;
# as non-root, says what to install.
set -euo pipefail
missing=()
ls /usr/lib/*/libvoikko.so.1 >/dev/null 2>&1 || missing+=(libvoikko1)
{ ls /usr/lib/voikko/5/mor-standard/mor.vfst || ls /usr/share/voikko/5/mor-standard/mor.vfst; } \
  >/dev/null 2>&1 || missing+=(voikko-fi)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]}. Install them with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
