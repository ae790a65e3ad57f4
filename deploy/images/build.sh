#!/usr/bin/env bash
# `make images`: every image of deploy/images/ with Podman, tagged with the version from git.
#   BASE_IMAGE       Debian bookworm for PostgreSQL and Redis (default: the local base)
#   PYTHON311_IMAGE  bookworm with python3.11 for the backend (default: the local base)
#   PYTHON310_IMAGE  bookworm with python3.10 for Rasa and actions (default: the local base)
#   IMAGE_PREFIX  localhost/celia-  (a registry's, e.g. registry.celia.fi/assistant/celia-)
#   IMAGES        which to build (default: all)
#   NO_CACHE=1    build every layer again (the build time from a clean machine)
# Without them, the local bases are assembled first (deploy/images/build-base.sh): this
# machine reaches no image registry. Elsewhere pass the public images, e.g.
#   BASE_IMAGE=docker.io/library/debian:bookworm-slim \
#   PYTHON311_IMAGE=docker.io/library/python:3.11-slim-bookworm \
#   PYTHON310_IMAGE=docker.io/library/python:3.10-slim-bookworm make images
set -euo pipefail
cd "$(dirname "$0")/../.."
# Podman as this sandbox needs it (runc, cgroupfs, no default ulimits); nothing in /etc changes.
export CONTAINERS_CONF=${CONTAINERS_CONF:-$PWD/deploy/podman/containers.conf}
IMAGE_PREFIX=${IMAGE_PREFIX:-localhost/celia-}
IMAGES=${IMAGES:-backend actions rasa postgres redis}
VERSION=$(git describe --tags --always --dirty 2>/dev/null || echo unknown)
REVISION=$(git rev-parse HEAD 2>/dev/null || echo unknown)
TAG=${VERSION//+/-}
if [ -z "${BASE_IMAGE:-}" ] || [ -z "${PYTHON311_IMAGE:-}" ] || [ -z "${PYTHON310_IMAGE:-}" ]; then
  deploy/images/build-base.sh
  BASE_IMAGE=${BASE_IMAGE:-localhost/celia-base:bookworm}
  PYTHON311_IMAGE=${PYTHON311_IMAGE:-localhost/celia-python3.11:bookworm}
  PYTHON310_IMAGE=${PYTHON310_IMAGE:-localhost/celia-python3.10:bookworm}
fi
# pip in the build stages as on this machine: its wheel folder (PIP_FIND_LINKS; PyTorch's CPU
# wheel is there, not on PyPI) and the CA bundle it trusts (PIP_CERT).
extra=()
if [ -n "${PIP_FIND_LINKS:-}" ] && [ -d "$PIP_FIND_LINKS" ]; then
  extra+=(--volume "$PIP_FIND_LINKS:/run/wheels:ro" --build-arg PIP_FIND_LINKS=/run/wheels
          --build-arg TORCH_INDEX_URL=https://pypi.org/simple)
fi
if [ -n "${PIP_CERT:-}" ]; then
  extra+=(--volume "$PIP_CERT:/run/pip-cert.pem:ro" --build-arg PIP_CERT=/run/pip-cert.pem)
fi
if [ "${NO_CACHE:-0}" = 1 ]; then
  extra+=(--no-cache)
fi
mkdir -p var/images
for name in $IMAGES; do
  args=(--build-arg "VERSION=$VERSION" --build-arg "REVISION=$REVISION"
        --build-arg "BASE_IMAGE=$BASE_IMAGE" --build-arg "PYTHON311_IMAGE=$PYTHON311_IMAGE"
        --build-arg "PYTHON310_IMAGE=$PYTHON310_IMAGE")
  if [ "$name" = rasa ]; then
    # launcher/rasa_model.py needs only the standard library: any python3 computes it.
    fingerprint=$(python3 -c 'from launcher.rasa_model import fingerprint; print(fingerprint())')
    args+=(--build-arg "MODEL_FINGERPRINT=$fingerprint")
  fi
  echo "Building ${IMAGE_PREFIX}${name}:${TAG} (log: var/images/${name}.log) ..."
  start=$(date +%s)
  # docker format keeps HEALTHCHECK; host network: the build's apt-get and pip reach the mirrors.
  if ! podman build --format docker --network host "${args[@]}" "${extra[@]}" \
      -f "deploy/images/${name}.Containerfile" -t "${IMAGE_PREFIX}${name}:${TAG}" \
      -t "${IMAGE_PREFIX}${name}:latest" . >"var/images/${name}.log" 2>&1; then
    tail -20 "var/images/${name}.log" >&2
    echo "Building ${name} failed; read var/images/${name}.log" >&2
    exit 1
  fi
  seconds=$(( $(date +%s) - start ))
  size=$(podman image inspect --format '{{.Size}}' "${IMAGE_PREFIX}${name}:${TAG}")
  printf '%s\t%s\t%d MB\t%d s\n' "$name" "${IMAGE_PREFIX}${name}:${TAG}" $(( size / 1000000 )) "$seconds" \
    | tee -a var/images/build-times.tsv
done
