#!/usr/bin/env bash
# Print the path of a working python interpreter of the given version (e.g. 3.10), or fail
# with a message that says what to install. Tries `pythonX.Y` on PATH, then pyenv's versions.
set -euo pipefail
version="$1"
if command -v "python${version}" >/dev/null 2>&1 && "python${version}" -c 'import sys' >/dev/null 2>&1; then
  command -v "python${version}"
  exit 0
fi
root="$(pyenv root 2>/dev/null || echo "${HOME}/.pyenv")"
for candidate in $(ls -d "${root}"/versions/"${version}".*/bin/python"${version}" 2>/dev/null | sort -V -r); do
  if "${candidate}" -c 'import sys' >/dev/null 2>&1; then
    echo "${candidate}"
    exit 0
  fi
done
echo "Python ${version} was not found. Install it (e.g. 'pyenv install ${version}' or your" \
     "distribution's python${version} and python${version}-venv packages) and run make again." >&2
exit 1
