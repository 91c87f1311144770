# The two commands of the quick start: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install lock messages run test lint demo worker beat clean translations assets

# Exact versions and hashes from the lock, so every machine and the image run the same packages;
# the project itself goes in without its dependencies, which the lock already holds.
$(STAMP): pyproject.toml requirements/dev-lock.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev-lock.txt
	$(PY) -m pip install --quiet --no-deps -e .
	@$(PY) -m pip check >/dev/null || { $(PY) -m pip check; echo "pyproject.toml and the lock disagree: run make lock"; exit 1; }
	@touch $(STAMP)

install: $(STAMP)

# Refresh requirements/lock.txt (the image) and requirements/dev-lock.txt (development, CI) from
# pyproject.toml: versions already locked are kept while pyproject allows them. To move on, e.g.
# `make lock LOCK_ARGS=--upgrade` or `make lock LOCK_ARGS="--upgrade-package django"`.
LOCK_ARGS ?=
UV_COMPILE = $(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock" --quiet $(LOCK_ARGS)
# Not `lock: install`: after a new dependency in pyproject.toml, install stops at `pip check` until
# the lock has it, and only uv (installed before that check) is needed here.
lock:
	@test -x $(VENV)/bin/uv || $(MAKE) install || test -x $(VENV)/bin/uv
	$(UV_COMPILE) -o requirements/lock.txt
	$(UV_COMPILE) --extra dev -c requirements/lock.txt -o requirements/dev-lock.txt

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

# The public site's stylesheet: GOV.UK Frontend compiled with our settings (static/src/portal.scss).
# The output is committed, so `make run` and the image need no JavaScript toolchain; run this only
# to move to another version or after changing the Sass entry, with Node.js and npm installed.
GOVUK_FRONTEND_VERSION := 6.6.0
SASS_VERSION := 1.108.2
ASSETS_DIR := static/vendor/govuk-frontend
assets:
	@command -v npm >/dev/null || { echo "make assets needs npm (Node.js)"; exit 1; }
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	npm install --prefix "$$tmp" --no-save --no-audit --no-fund --ignore-scripts --save-exact \
		govuk-frontend@$(GOVUK_FRONTEND_VERSION) sass@$(SASS_VERSION) >/dev/null; \
	"$$tmp/node_modules/.bin/sass" --load-path="$$tmp/node_modules/govuk-frontend/dist" --style=compressed \
		--no-source-map --quiet-deps static/src/portal.scss $(ASSETS_DIR)/govuk-frontend.min.css; \
	echo "$(GOVUK_FRONTEND_VERSION)" > $(ASSETS_DIR)/VERSION; \
	echo "Compiled GOV.UK Frontend $(GOVUK_FRONTEND_VERSION) into $(ASSETS_DIR)/govuk-frontend.min.css"
