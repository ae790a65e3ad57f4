# The two commands: `make run` (everything up, stale parts rebuilt) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
RASA_VENV := .venv-rasa
PY        := $(VENV)/bin/python
INSTALL_LOGS := var/log/install

.PHONY: help install language-packages system-packages run run-scale-out run-production admin backup restore test test-unit lint lock bench clean

help:
	@echo "make run    - install what is missing, build the FAQ index and Rasa model if stale, start all services"
	@echo "make run-scale-out - the same with PostgreSQL, Redis and two Rasa replicas"
	@echo "make run-production - scale-out behind nginx (TLS) with two backend workers, supervised"
	@echo "make admin ARGS=\"staff list\" - the admin command (backend/admin.py) with make run's settings"
	@echo "make backup / make restore FILE=... - the backend database (PRODUCTION=1: its PostgreSQL)"
	@echo "make test   - run the whole test suite (unit + integration with real services)"
	@echo "make bench  - benchmarks (FAQ retrieval quality and latency)"
	@echo "make lint   - ruff check, ruff format --check, mypy (make test runs it too)"
	@echo "make test-unit - the tests that need no Rasa environment and no browser"
	@echo "make lock  - regenerate the lock files (hashes) from requirements/*.in"
	@echo "make images - container images (deploy/images) with Podman; make run-containers / stop-containers"
	@echo "make test-containers - the images played from deploy/k8s with Podman, tested (minutes; not in make test)"

install: language-packages $(VENV)/.installed $(RASA_VENV)/.installed

# Voikko (Finnish lemmas, compounds, spelling) for reading questions; Debian packages.
language-packages:
	@scripts/ensure-language-packages.sh

$(VENV)/.installed: requirements/app.in requirements/app.lock requirements/dev.in requirements/dev.lock pyproject.toml
	@mkdir -p $(INSTALL_LOGS)
	@echo "Installing the app environment $(VENV) (first run only, about 4 min; log: $(INSTALL_LOGS)/app.log) ..."
	@{ test -x $(PY) || $$(scripts/find-python.sh 3.11) -m venv $(VENV); } >$(INSTALL_LOGS)/app.log 2>&1 \
	  && $(PY) -m pip install --upgrade pip >>$(INSTALL_LOGS)/app.log 2>&1 \
	  && $(PY) -m pip install -r requirements/app.lock -r requirements/dev.lock >>$(INSTALL_LOGS)/app.log 2>&1 \
	  && $(PY) -m pip install --no-deps -e . >>$(INSTALL_LOGS)/app.log 2>&1 \
	  || { echo "Installing $(VENV) failed; read $(INSTALL_LOGS)/app.log" >&2; exit 1; }
	@touch $@
	@echo "App environment ready."

$(RASA_VENV)/.installed: requirements/rasa.in requirements/rasa.lock
	@mkdir -p $(INSTALL_LOGS)
	@echo "Installing the Rasa environment $(RASA_VENV) (first run only, about 4 min; log: $(INSTALL_LOGS)/rasa.log) ..."
	@{ test -x $(RASA_VENV)/bin/python || $$(scripts/find-python.sh 3.10) -m venv $(RASA_VENV); } >$(INSTALL_LOGS)/rasa.log 2>&1 \
	  && $(RASA_VENV)/bin/python -m pip install --upgrade pip==24.0 >>$(INSTALL_LOGS)/rasa.log 2>&1 \
	  && $(RASA_VENV)/bin/python -m pip install -r requirements/rasa.lock >>$(INSTALL_LOGS)/rasa.log 2>&1 \
	  || { echo "Installing $(RASA_VENV) failed; read $(INSTALL_LOGS)/rasa.log" >&2; exit 1; }
	@touch $@
	@echo "Rasa environment ready."

# PostgreSQL and Chromium for the tests (Debian packages; installed when missing).
system-packages:
	@scripts/ensure-system-packages.sh

# axe-core and accessibility-checker-engine for the accessibility tests (npm, dev tooling only;
# the pages need no build).
web/node_modules/.installed: web/package.json web/package-lock.json
	npm ci --prefix web --no-audit --no-fund --silent
	@touch $@

run: install
	$(PY) -m launcher run

run-scale-out: install system-packages
	SCALE_OUT=1 $(PY) -m launcher run

run-production: install system-packages
	PRODUCTION=1 $(PY) -m launcher run

# The admin command (backend/admin.py) with `make run`'s settings, e.g. make admin ARGS="staff list".
SECRETS_FILE ?= var/secrets.env
admin: $(VENV)/.installed
	@test -f $(SECRETS_FILE) || { echo "$(SECRETS_FILE) is missing: run make run once first." >&2; exit 1; }
	@set -a && . $(abspath $(SECRETS_FILE)) && set +a && $(PY) -m backend.admin $(ARGS)

backup: install
	$(PY) -m launcher backup

restore: install
	$(PY) -m launcher restore "$(FILE)"

# CELIA_REQUIRE_SERVERS=1: a missing PostgreSQL, Redis or Chromium fails the run instead of skipping.
test: install system-packages web/node_modules/.installed lint
	CELIA_REQUIRE_SERVERS=1 $(PY) -m pytest -ra

# Tests that need neither the Rasa environment nor a browser; PostgreSQL's half is skipped, with
# the reason, where PostgreSQL is not installed.
test-unit: language-packages $(VENV)/.installed
	$(PY) -m pytest -ra -m "not integration and not rasa and not browser"

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# Regenerate the lock files (exact versions and hashes) after changing requirements/*.in.
# The Rasa lock is resolved by Python 3.10 in a throwaway venv holding pip-tools.
PIP_COMPILE := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links
lock: $(VENV)/.installed
	$(VENV)/bin/pip-compile $(PIP_COMPILE) -o requirements/app.lock requirements/app.in
	$(VENV)/bin/pip-compile $(PIP_COMPILE) -o requirements/dev.lock requirements/dev.in
	rm -rf var/lock-venv && $$(scripts/find-python.sh 3.10) -m venv var/lock-venv
	var/lock-venv/bin/pip install --quiet pip==24.0 pip-tools==7.4.1
	var/lock-venv/bin/pip-compile $(PIP_COMPILE) -o requirements/rasa.lock requirements/rasa.in
	rm -rf var/lock-venv

# Containers (README "Deploying on Kubernetes"): Podman and mmdebstrap from Debian, installed
# here and not by `make test`. BASE_IMAGE / PYTHON_IMAGE / IMAGE_PREFIX: deploy/images/build.sh.
container-tools:
	@scripts/ensure-container-tools.sh

images: container-tools
	nice -n 10 deploy/images/build.sh

run-containers: container-tools $(VENV)/.installed
	$(PY) -m deploy.podman.play up

stop-containers: container-tools $(VENV)/.installed
	$(PY) -m deploy.podman.play down

test-containers: images
	CELIA_CONTAINER_TESTS=1 $(PY) -m pytest -ra tests/deploy

bench: install
	$(PY) -m benchmarks

clean:
	rm -rf var models .pytest_cache
