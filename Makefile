# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint guards typecheck setup test-setup system-deps test-system-deps bench screenshots clean

setup: system-deps $(STAMP)

test-setup: test-system-deps $(STAMP)

system-deps:
	@bash scripts/system-deps.sh

test-system-deps:
	@bash scripts/system-deps.sh --test

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s)." % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $(STAMP)

run: setup
	$(BIN)/workbench demo --if-missing
	$(BIN)/workbench gui

test: test-setup
	$(BIN)/python -m pytest

# The guards CI runs before the tests: style and bugs (ruff), layers (import-linter), and
# types on the modules that are clean (typecheck).
guards: $(STAMP) typecheck
	$(BIN)/ruff check workbench tests bench
	$(BIN)/lint-imports

# mypy on the modules pyproject.toml's [tool.workbench] typecheck lists: zero errors, or CI fails.
typecheck: $(STAMP)
	$(BIN)/python scripts/typecheck.py

# The guards and mypy over the whole tree (clean today: `typecheck` lists every package).
lint: guards
	$(BIN)/mypy

# Builds (and caches under bench/results) demo plants of up to a million lots: allow an hour.
bench: setup
	$(BIN)/python bench/bench_trace.py
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_recall.py --plant synthetic

screenshots: setup
	bash scripts/screenshots.sh

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
