#!/usr/bin/env bash
# Debian packages `make images` and `make run-containers` need: Podman (with runc as its
# runtime: crun does not start containers in every sandbox), mmdebstrap (the local base images
# assembled from Debian's packages) and catatonit (the pause process of a pod's infra container).
# Installs what is missing; as non-root, says what to install.
set -euo pipefail
missing=()
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v runc >/dev/null 2>&1 || missing+=(runc)
command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
# A pod's infra container: Podman builds its pause image locally around catatonit.
[ -x /usr/libexec/podman/catatonit ] || command -v catatonit >/dev/null 2>&1 || missing+=(catatonit)
exec "$(dirname "$0")/install-debian-packages.sh" ${missing[@]+"${missing[@]}"}
