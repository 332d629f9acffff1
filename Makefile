# Two commands for a fresh machine with Python 3.11+, make and the package registries:
#   make run   — install, migrate, load demo data and create the admin on first run, serve on 127.0.0.1:5000
#   make test  — install and run the test suite (SQLite; set REGISTRY_TEST_DATABASE_URL for PostgreSQL)
#   make wheel-check — build the wheel and install, migrate and serve it from a fresh venv (README, "Deploying")

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app registry
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run serve worker test wheel-check browser lint format clean reliability bench bench-import load messages

$(STAMP): pyproject.toml registry/translations/en/LC_MESSAGES/messages.po
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/pybabel compile --use-fuzzy -d registry/translations
	touch $(STAMP)

# After changing texts: refresh the template and the catalogs, then translate what is new.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -o registry/translations/messages.pot .
	$(BIN)/pybabel update -i registry/translations/messages.pot -d registry/translations

install: $(STAMP)

run: install
	$(FLASK) db upgrade
	$(FLASK) setup
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C stops)"
	$(FLASK) run --host $(HOST) --port $(PORT)

# Production-like: several workers under gunicorn (see README, "Deploying"). Long work runs as jobs: by the
# web processes themselves on the default SQLite queue, or by `make worker` with REGISTRY_JOBS_URL=redis://…
serve: install
	$(FLASK) db upgrade
	$(BIN)/gunicorn --workers 4 --timeout 60 --bind $(HOST):$(PORT) 'registry:create_app()'

# The job worker (import preview and commit, large exports, the report document) on the configured queue:
# REGISTRY_JOBS_URL=redis://127.0.0.1:6379/0 in production (the web processes then run no jobs themselves).
worker: install
	$(FLASK) worker --threads 2

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

# The package as README's "Deploying" installs it: build the wheel (templates, static files, migrations and
# compiled catalogs inside), install it into a fresh venv in an empty directory, migrate, load the demo data,
# serve it under gunicorn and fetch pages in Chinese and English.
wheel-check: install
	BUILD_PYTHON=$(BIN)/python PYTHON=$(PYTHON) scripts/check_wheel.sh

# Real-browser tests: Playwright with the system's Chromium (CHROMIUM=/usr/bin/chromium; no browser download),
# against the app served on 127.0.0.1. Screenshots of the main pages in both languages land in screenshots/.
CHROMIUM ?= /usr/bin/chromium
BROWSER_STAMP := $(VENV)/.browser-installed

$(BROWSER_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,browser]'
	touch $(BROWSER_STAMP)

browser: $(BROWSER_STAMP)
	REGISTRY_CHROMIUM=$(CHROMIUM) $(BIN)/pytest -p no:cacheprovider tests_browser $(PYTEST_ARGS)

# Concurrent writers under gunicorn (4 workers, SQLite), a worker killed mid-import, and a job's worker killed
# (SIGKILL) mid-commit: nothing written, the job shown as failed; prints the figures.
reliability: install
	$(BIN)/python scripts/reliability.py

# 100,000 firms (built once into .bench/; BENCH_ENTERPRISES=1000000 for a million), timed over HTTP beside a
# plain Flask-Admin peer and the pages' raw SQL, each row marked against its target; REGISTRY_BENCH_DATABASE_URL
# for PostgreSQL. Installs the peer's extra itself.
PEER_STAMP := $(VENV)/.peer-installed

$(PEER_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,peer]'
	touch $(PEER_STAMP)

bench: $(PEER_STAMP)
	$(BIN)/python scripts/bench.py

# 100,000 enterprise rows through `flask import` (CSV and XLSX), then through the web import's jobs with a
# separate worker (time to first progress, total time, the worker's peak memory); prints the figures.
# REGISTRY_BENCH_DATABASE_URL (PostgreSQL): into a new empty database beside that one, dropped afterwards.
bench-import: install
	$(BIN)/python scripts/bench_import.py

# The list and summary pages under gunicorn (4 workers, 127.0.0.1) on the bench database: requests/s, p50/p99.
load: install
	$(BIN)/python scripts/load.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build dist registry.egg-info
