# Everything the project needs is installed by these targets: Debian's chromium (for the
# browser tests), the Python virtual environment in .venv and the npm build tools.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CHROMIUM ?= /usr/bin/chromium

.PHONY: install test unit e2e lint build demo bench sandbox serve clean screenshots
.PHONY: samples sample-react sample-vue sample-jinja

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.lock pyproject.toml sandbox/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e . -e ./sandbox
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The framework samples' own npm installs, for tests/e2e/test_samples.py: stamped as above, and
# the test checks the same stamp (installing itself when it is stale), so neither does it twice.
SAMPLES := samples/react samples/vue
samples: $(SAMPLES:%=%/node_modules/.installed)

samples/%/node_modules/.installed: samples/%/package.json samples/%/package-lock.json
	cd samples/$* && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# One sample against the local sandbox, proxy and CDN until Ctrl-C: see samples/README.md.
sample-react sample-vue sample-jinja: sample-%: install samples
	$(PY) -m samples.run $*

# Debian's chromium: Playwright drives /usr/bin/chromium and never downloads a browser of its own.
$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk fonts-dejavu-core

build: install
	$(PY) build.py

lint: install
	$(VENV)/bin/ruff check edge sandbox tools bench tests samples build.py
	$(VENV)/bin/ruff format --check edge sandbox tools bench tests samples build.py
	$(VENV)/bin/mypy
	node_modules/.bin/tsc -p tsconfig.json

unit: install /usr/bin/redis-server /usr/bin/mcs
	$(PY) -m pytest tests/unit tests/sandbox tests/integration

e2e: install samples build $(CHROMIUM)
	$(PY) -m pytest tests/e2e

# The proxy's wheel and its dependencies' pure-Python wheels for the Pyodide tests, fetched
# here (like npm ci), so that the tests themselves reach no network.
PYODIDE_WHEELS := dist/pyodide/wheels/.built
$(PYODIDE_WHEELS): requirements.lock pyproject.toml $(wildcard edge/*.py) $(VENV)/.installed node_modules/.installed
	$(PY) -m tools.worker wheels

# Debian's redis-server: the tests of shared rate limits start their own on a free port.
/usr/bin/redis-server:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends redis-server

# Debian's runtimes for the hash snippets of samples/hashes/ (node comes with npm), installed
# together; tests/integration/test_hash_snippets.py runs every one and fails in CI without it.
/usr/bin/mcs:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends ruby php-cli golang-go default-jdk-headless mono-mcs

test: install samples $(CHROMIUM) /usr/bin/redis-server /usr/bin/mcs $(PYODIDE_WHEELS) lint
	[ ! -f build.py ] || $(PY) build.py
	$(PY) -m pytest

# The README's screenshots; the tests themselves write theirs to dist/screenshots/.
screenshots: install build $(CHROMIUM)
	INVOICE_PORTAL_SCREENSHOTS=docs/screenshots $(PY) -m pytest tests/e2e/test_screenshots.py

sandbox: install
	$(VENV)/bin/invoice-portal sandbox --seed demo

# Builds into dist/demo/cdn: dist/cdn stays as the owner built it (python build.py --base-url ...).
demo: install
	$(PY) -m tools.demo

/usr/bin/wrk:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends wrk

bench: install build $(CHROMIUM) /usr/bin/wrk
	$(PY) -m bench

clean:
	rm -rf dist .pytest_cache .ruff_cache .mypy_cache
