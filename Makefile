# Everything the project needs is installed by these targets: Debian's chromium (for the
# browser tests), the Python virtual environment in .venv and the npm build tools.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CHROMIUM ?= /usr/bin/chromium

.PHONY: install test unit e2e lint build demo bench sandbox serve clean screenshots

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's chromium: Playwright drives /usr/bin/chromium and never downloads a browser of its own.
$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk fonts-dejavu-core

build: install
	$(PY) build.py

lint: install
	$(VENV)/bin/ruff check edge sandbox tools bench tests build.py
	$(VENV)/bin/ruff format --check edge sandbox tools bench tests build.py
	$(VENV)/bin/mypy

unit: install /usr/bin/redis-server
	$(PY) -m pytest tests/unit tests/sandbox tests/integration

e2e: install build $(CHROMIUM)
	$(PY) -m pytest tests/e2e

# Debian's redis-server: the tests of shared rate limits start their own on a free port.
/usr/bin/redis-server:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends redis-server

test: install $(CHROMIUM) /usr/bin/redis-server lint
	[ ! -f build.py ] || $(PY) build.py
	$(PY) -m pytest

# The README's screenshots; the tests themselves write theirs to dist/screenshots/.
screenshots: install build $(CHROMIUM)
	INVOICE_PORTAL_SCREENSHOTS=docs/screenshots $(PY) -m pytest tests/e2e/test_screenshots.py

sandbox: install
	$(VENV)/bin/invoice-portal sandbox --seed demo

demo: install build
	$(PY) -m tools.demo

/usr/bin/wrk:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends wrk

bench: install build $(CHROMIUM) /usr/bin/wrk
	$(PY) -m bench

clean:
	rm -rf dist .pytest_cache .ruff_cache .mypy_cache
