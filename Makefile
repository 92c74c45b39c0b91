# The two commands every user needs: `make run` and `make test`. Both create or update the
# virtual environment first, so they work on a fresh clone with only Python 3.11+ and make.

PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.13 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=

.PHONY: help venv run serve demo test lint format bench messages schema clean

help:
	@echo "make run    - set up everything and serve the demo at http://$(HOST):$(PORT) (SQLite)"
	@echo "make test   - set up and run the whole test suite"
	@echo "make lint   - ruff, ruff format --check, mypy, import-linter, migrations and schema checks"
	@echo "make bench  - run the benchmarks in bench/ and print their figures"

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; found " + sys.version.split()[0])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

demo: venv
	EGOV_DEMO=1 $(PY) manage.py migrate --noinput
	@# Info lines of every demo step (files stored, results signed) would hide the accounts list.
	EGOV_DEMO=1 EGOV_LOG_LEVEL=$${EGOV_LOG_LEVEL:-WARNING} $(PY) manage.py demo_load

run: demo
	EGOV_DEMO=1 $(PY) manage.py runserver --noreload $(HOST):$(PORT)

test: venv
	EGOV_DEMO= $(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check src tests bench .ci
	$(VENV)/bin/ruff format --check src tests bench .ci
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py spectacular --lang en --file $(VENV)/openapi.check.yaml --validate --fail-on-warn
	@cmp -s $(VENV)/openapi.check.yaml docs/openapi.yaml || (echo "docs/openapi.yaml is out of date: run 'make schema'"; exit 1)

format: venv
	$(VENV)/bin/ruff format src tests bench
	$(VENV)/bin/ruff check --fix src tests bench

schema: venv
	$(PY) manage.py spectacular --lang en --file docs/openapi.yaml --validate --fail-on-warn

# Each module keeps its own catalogue in src/egov/<module>/locale/ (Vietnamese; English is the
# source language). Needs GNU gettext (msgfmt, xgettext). The compiled .mo files are committed so
# that `make run` needs no gettext.
MODULES_WITH_TEXT := $(patsubst src/egov/%/locale,%,$(wildcard src/egov/*/locale))
messages: venv
	@for m in $(MODULES_WITH_TEXT); do \
	  (cd src/egov/$$m && ../../../$(PY) ../../../manage.py makemessages -l vi --no-obsolete \
	     --ignore 'tests/*' --ignore 'migrations/*' -v0 && \
	   ../../../$(PY) ../../../manage.py compilemessages -l vi -v0) || exit 1; \
	done

bench: venv
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var/egov.sqlite3* var/static
