# luoshi — the two commands: `make run` (main job on the bundled samples) and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
WAREHOUSE ?= data/warehouse.duckdb
export PREFECT_HOME := $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS := 90
# Flow runs log at INFO (prefect.toml), the server and worker included; QUIET=1 (or
# PREFECT_LOGGING_LEVEL=WARNING, as the tests set it) keeps only warnings and errors.
ifdef QUIET
export PREFECT_LOGGING_LEVEL := WARNING
endif

.PHONY: help setup browser run test lint clean server deploy worker bench bench-growth
# `make` alone sets up .venv, as it always has; `make help` lists the targets.
.DEFAULT_GOAL := $(BIN)/luoshi

help: ## list the targets, one line each
	@awk -F ':.*## ' '/^[a-z][a-z_-]*:.*## / {printf "  make %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(BIN)/luoshi: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/luoshi

setup: $(BIN)/luoshi ## create .venv and install luoshi with its dev tools

run: setup ## ingest the bundled samples, print a summary, build the site and quality report
	$(BIN)/luoshi backfill samples --warehouse $(WAREHOUSE) --manifest samples/sources.yaml
	$(BIN)/luoshi summary --warehouse $(WAREHOUSE)
	$(BIN)/luoshi site --warehouse $(WAREHOUSE) --out data/site
	$(BIN)/luoshi report --warehouse $(WAREHOUSE)

# Headless Chromium and CJK fonts for the tests that open generated HTML (Debian packages).
browser: ## install headless Chromium and CJK fonts for the HTML tests (Debian, apt-get)
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "noto.*cjk" || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null)

test: lint browser ## lint (ruff check, ruff format --check, mypy), then the test suite
	$(BIN)/python -m pytest -q

# Scheduled operation (docs/operations.md): a local Prefect server, the deployments in
# prefect.yaml, and a worker on the `luoshi` process pool.
PREFECT_PORT ?= 4200
server deploy worker: export PREFECT_API_URL := http://127.0.0.1:$(PREFECT_PORT)/api
server: setup ## local Prefect server, UI and API on 127.0.0.1:4200 (PREFECT_PORT)
	$(BIN)/prefect server start --host 127.0.0.1 --port $(PREFECT_PORT)
deploy: setup ## inbox folders, work pool, writer limit, and the deployments of prefect.yaml
	mkdir -p data/inbox/yearly data/inbox/monthly
	$(BIN)/prefect work-pool inspect luoshi >/dev/null 2>&1 || $(BIN)/prefect work-pool create luoshi --type process
	$(BIN)/prefect gcl inspect luoshi-warehouse-writer >/dev/null 2>&1 || $(BIN)/prefect gcl create luoshi-warehouse-writer --limit 1
	$(BIN)/prefect --no-prompt deploy --all
worker: setup ## a process worker on the luoshi pool: runs the scheduled flow runs
	$(BIN)/prefect worker start --pool luoshi
# Benchmark on a synthetic corpus (BENCH_N reports, default 1000); the last line is key=value figures.
bench: setup ## benchmark on a synthetic corpus (BENCH_N reports, default 1000)
	$(BIN)/python scripts/bench.py

# How cost grows with N (GROWTH_NS, default 1000,3000,10000,30000): a table, growth.json, the chart.
bench-growth: setup ## time and memory against N, fitted and projected (GROWTH_NS)
	$(BIN)/python scripts/bench_growth.py

# Style and types on every package (mypy's files: pyproject.toml [tool.mypy]).
LINTED := cli flows render sources transforms warehouse schemas
lint: setup ## ruff check, ruff format --check and mypy
	$(BIN)/ruff check $(LINTED) tests scripts
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy

clean: ## remove .venv, .prefect, data/ and the pytest cache
	rm -rf $(VENV) .prefect data .pytest_cache

# How well the extractor reads the real pages of tests/fixtures/realpages (labels.yaml there);
# the last line is key=value figures: row recall and precision, units, leaders, progress, status, metadata.
.PHONY: fidelity
fidelity: setup ## score the extractor on the real pages of tests/fixtures/realpages
	$(BIN)/python scripts/fidelity.py

# Crash safety, concurrency and bad input (scripts/chaos.py); the last line sums it up.
.PHONY: chaos
chaos: setup ## kill points, concurrent runs and fuzzing (scripts/chaos.py)
	$(BIN)/python -m scripts.chaos
