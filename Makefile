# The two commands of the quick start: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install messages run test lint demo worker beat clean translations

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

messages: install
	$(PY) manage.py compile_translations

demo: messages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

run: demo
	@echo "Serving on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: messages
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

worker: install
	$(VENV)/bin/celery -A appeals worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A appeals beat --loglevel=INFO

clean:
	rm -rf $(VENV) var db.sqlite3
	find locale -name '*.mo' -delete

# After changing user-visible text: extract messages, translate zh-Hant by hand, then
# `make translations` again to derive zh-Hans from it.
translations: install
	$(PY) manage.py makemessages -l zh_Hant -l zh_Hans -l en --no-obsolete --ignore='.venv/*' --ignore='tests/*' --ignore='bench/*'
	$(PY) manage.py sync_catalogues
