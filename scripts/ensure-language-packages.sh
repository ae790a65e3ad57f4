#!/usr/bin/env bash
# Debian packages the FAQ needs to read Finnish (knowledge/reading.py): libvoikko1 and its
# Finnish dictionary voikko-fi (lemmas, compound parts, spelling). Installs what is missing;
# as non-root, says what to install.
set -euo pipefail
missing=()
ls /usr/lib/*/libvoikko.so.1 >/dev/null 2>&1 || missing+=(libvoikko1)
{ ls /usr/lib/voikko/5/mor-standard/mor.vfst || ls /usr/share/voikko/5/mor-standard/mor.vfst; } \
  >/dev/null 2>&1 || missing+=(voikko-fi)
exec "$(dirname "$0")/install-debian-packages.sh" ${missing[@]+"${missing[@]}"}
