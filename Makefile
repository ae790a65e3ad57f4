# The two commands: `make run` (everything up, stale parts rebuilt) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
RASA_VENV := .venv-rasa
PY        := $(VENV)/bin/python

.PHONY: help install system-packages run run-scale-out run-production backup restore test test-unit lint bench clean

help:
	@echo "make run    - install what is missing, build the FAQ index and Rasa model if stale, start all services"
	@echo "make run-scale-out - the same with PostgreSQL, Redis and two Rasa replicas"
	@echo "make run-production - scale-out behind nginx (TLS) with two backend workers, supervised"
	@echo "make backup / make restore FILE=... - the backend database (PRODUCTION=1: its PostgreSQL)"
	@echo "make test   - run the whole test suite (unit + integration with real services)"
	@echo "make bench  - benchmarks (FAQ retrieval quality and latency)"
	@echo "make lint   - ruff"

install: $(VENV)/.installed $(RASA_VENV)/.installed

$(VENV)/.installed: requirements/app.in requirements/app.lock pyproject.toml
	@test -x $(PY) || $$(scripts/find-python.sh 3.11) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements/app.lock -r requirements/app.in
	@touch $@

$(RASA_VENV)/.installed: requirements/rasa.in requirements/rasa.lock
	@test -x $(RASA_VENV)/bin/python || $$(scripts/find-python.sh 3.10) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/python -m pip install --quiet --upgrade pip==24.0
	$(RASA_VENV)/bin/python -m pip install --quiet -c requirements/rasa.lock -r requirements/rasa.in
	@touch $@

# PostgreSQL and Chromium for the tests (Debian packages; installed when missing).
system-packages:
	@scripts/ensure-system-packages.sh

# axe-core for the accessibility tests (npm, dev tooling only; the pages need no build).
web/node_modules/.installed: web/package.json web/package-lock.json
	npm ci --prefix web --no-audit --no-fund --silent
	@touch $@

run: install
	$(PY) -m launcher run

run-scale-out: install system-packages
	SCALE_OUT=1 $(PY) -m launcher run

run-production: install system-packages
	PRODUCTION=1 $(PY) -m launcher run

backup: install
	$(PY) -m launcher backup

restore: install
	$(PY) -m launcher restore "$(FILE)"

test: install system-packages web/node_modules/.installed
	$(PY) -m pytest -ra

test-unit: $(VENV)/.installed
	$(PY) -m pytest -ra -m "not integration"

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

bench: install
	$(PY) -m benchmarks

clean:
	rm -rf var models .pytest_cache
