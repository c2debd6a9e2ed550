# ECAR: `make run` sets up from nothing and serves the portal; `make test` sets up and runs every check.
SHELL := /bin/bash
PY_VERSION := $(shell cat .python-version)
PYTHON ?= $(shell command -v python$(PY_VERSION) 2>/dev/null || ls -d $$HOME/.pyenv/versions/$(PY_VERSION)*/bin/python 2>/dev/null | tail -1)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements-installed
HOST ?= 127.0.0.1
PORT ?= 8000
-include .env
export

.PHONY: run serve test lint format bench seed migrate messages compiled-messages clean system-packages system-packages-test

$(STAMP): requirements.txt
	@test -n "$(PYTHON)" || { echo "Python $(PY_VERSION) introuvable (pyenv install $(PY_VERSION))"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --upgrade pip
	$(BIN)/python -m pip install -qq -r requirements.txt
	@touch $(STAMP)

venv: $(STAMP)

# Debian packages (gettext, WeasyPrint's libraries, fonts): installed when missing and root, demanded otherwise.
system-packages:
	@deploy/system-packages.sh

system-packages-test:
	@deploy/system-packages.sh --test

# Catalogues compile only when their .po changed, so that two `make test` running side by side (CI runs
# PostgreSQL and SQLite at once) never rewrite a .mo the other is reading.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po */*/locale/*/LC_MESSAGES/*.po */*_locale/*/LC_MESSAGES/*.po))

%.mo: %.po
	msgfmt --check-format -o $@ $<

compiled-messages: system-packages $(MO_FILES)

migrate: system-packages compiled-messages $(STAMP)
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py load_reference_data
	$(BIN)/python manage.py seed_demo

run: export DJANGO_DEBUG ?= true
run: seed
	@echo "Portail ECAR : http://$(HOST):$(PORT)/admin/  API : http://$(HOST):$(PORT)/api/docs/  (Ctrl+C pour arrêter)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The production stack natively, in the foreground (deploy/serve.py): nginx on 127.0.0.1:8080 → gunicorn →
# PgBouncer → DATABASE_URL's PostgreSQL, Celery worker and beat on REDIS_URL. Ctrl+C stops everything.
serve: export DJANGO_DEBUG = false
serve: $(STAMP)
	@deploy/system-packages.sh --serve
	$(BIN)/python deploy/serve.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: system-packages-test lint compiled-messages
	$(BIN)/pytest $(PYTEST_ARGS)

BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ecar_bench

# Every script of bench/; a module without `__main__` (bench/customer_files.py) is a helper the scripts import.
bench: system-packages $(STAMP)
	@createdb -h 127.0.0.1 -U postgres $(notdir $(BENCH_DATABASE_URL)) 2>/dev/null || true
	@for script in bench/*.py; do \
		grep -q '^if __name__ == "__main__":' $$script || continue; \
		echo "== $$script"; \
		DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python $$script $(BENCH_ARGS) || exit 1; \
	done

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l fr -l ar -l en --ignore=.venv --ignore=var

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
