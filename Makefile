# Safe Online Families: `make run` to try the site, `make test` to check it. See README.md.

VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check --quiet

# The first Python 3.12 or newer found: the pyenv version .python-version names, then the usual names.
PYTHON ?= $(shell for p in "$$(pyenv which python3 2>/dev/null)" python3.13 python3.12 python3 python \
	$$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	[ -n "$$p" ] && command -v "$$p" >/dev/null 2>&1 && \
	"$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v "$$p"; break; }; done)

.PHONY: run serve bench install install-test chromium lint test clean

# The site and a task worker (which sends the emails), together; Ctrl-C stops both.
run: install
	DJANGO_DEBUG=1 $(PY) manage.py prepare_site
	DJANGO_DEBUG=1 $(PY) -m core.with_worker -- $(PY) manage.py runserver 127.0.0.1:8000

# Production serving as one machine runs it: gunicorn and a task worker, DEBUG off. Needs
# DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS (see README). Several machines: README, "Running it".
serve: install
	$(PY) manage.py prepare_site
	$(PY) -m core.with_worker --worker-args=--no-reload -- $(VENV)/bin/gunicorn config.wsgi --config config/gunicorn.conf.py

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

$(PY):
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.12 or newer is needed (3.13 recommended): install it, e.g. 'pyenv install 3.13.0', then run make again."; exit 1; fi
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(PY)
	$(PIP) install -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt | $(PY)
	$(PIP) install -r requirements-test.txt
	touch $@ $(VENV)/.installed

# Browser tests drive Debian's Chromium; install it when it is missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_DEBUG=1 $(PY) manage.py check --fail-level WARNING
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

test: install-test chromium lint
	$(PY) -m pytest

# Load test as `make serve` runs, on SQLite and PostgreSQL, against bench/floor; writes bench/RESULTS.md.
bench: install
	@command -v wrk >/dev/null 2>&1 || { \
		SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk; }
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
