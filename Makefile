# `make report` and `make test` set up their own environment in .venv, then run.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

CHROMIUM := /usr/bin/chromium
# Root on CI; elsewhere sudo, if there is one.
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)

.PHONY: report test test-fast lint setup clean benchmark browser

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/yjnb run

# The accessibility tests drive Debian's chromium through Playwright (never `playwright
# install`, which downloads browsers). Installed once, quietly, only when missing; with
# fonts-liberation (Arial's metrics) so screenshots show text as pages will.
browser:
	@test -x $(CHROMIUM) || { \
		echo "Installing chromium for the accessibility tests"; \
		$(SUDO) apt-get update -qq >/dev/null && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends chromium fonts-liberation >/dev/null; }

test: $(STAMP) browser
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest
	$(BIN)/python -m pytest --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider notebooks/

# The unit tests alone: no builds, no browser, no shared reference data (under a minute).
test-fast: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -m "not slow and not browser and not data"

benchmark: $(STAMP)
	$(BIN)/python benchmarks/batch.py

clean:
	rm -rf $(VENV) outputs
