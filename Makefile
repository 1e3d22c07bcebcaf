# Common commands; .ci/run and the README use these same targets.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: install demo test lint check run

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(VENV)/.installed

install: $(VENV)/.installed

## Install, create the database, load the demo data (once) and serve on http://127.0.0.1:$(PORT)/
# DEBUG=1: the demo runs on the development key (production refuses to start without SECRET_KEY).
demo: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo --if-empty
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

## The whole test suite (DATABASE_URL picks PostgreSQL; default SQLite)
# The checks use the suite's settings (production settings with a throw-away SECRET_KEY).
test: install
	DJANGO_SETTINGS_MODULE=ecatalog.test_settings $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=ecatalog.test_settings $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
