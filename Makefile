# RusToK developer commands. Everything runs from .venv at the repository root.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Test processes (pytest-xdist); the tests that start subprocesses or servers share one.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

.PHONY: setup bytecode run test coverage lint bench lock clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) bytecode ## create .venv and install the locked dependencies

# The package's own bytecode, as a wheel install has it: installed editable under
# PYTHONDONTWRITEBYTECODE=1 it had none, and every process (each server worker) compiled
# its ~460 modules again, about a sixth of a worker's start.
bytecode: $(STAMP) ## compile src/ to bytecode (stale files are compiled again in memory)
	$(BIN)/python -m compileall -q src

run: $(STAMP) ## migrate the embedded SQLite database, load the demo, serve on :8000
	$(BIN)/rustok migrate
	$(BIN)/rustok demo
	$(BIN)/rustok serve

test: $(STAMP) ## the whole suite, on SQLite and on a private PostgreSQL
	$(PYTEST)

coverage: $(STAMP) ## the whole suite under coverage: fails below the floor in pyproject.toml
	$(PYTEST) --cov --cov-report=term:skip-covered

lint: $(STAMP) ## ruff, formatting, mypy --strict, import layers
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict src tests bench
	$(BIN)/lint-imports

bench: $(STAMP) bytecode ## benchmark suites (needs wrk: sudo apt-get install wrk)
	$(BIN)/python -m bench $(SUITES)

lock: ## re-resolve dependencies into requirements.lock
	rm -rf /tmp/rustok-lock && $(PYTHON) -m venv /tmp/rustok-lock
	/tmp/rustok-lock/bin/pip install --quiet '.[dev]'
	/tmp/rustok-lock/bin/pip freeze --exclude-editable | grep -v '^rustok' > requirements.lock

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .coverage .coverage.*
