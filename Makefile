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

.PHONY: setup browser run test lint clean server deploy worker bench

$(BIN)/luoshi: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/luoshi

setup: $(BIN)/luoshi

run: setup
	$(BIN)/luoshi backfill samples --warehouse $(WAREHOUSE) --manifest samples/sources.yaml
	$(BIN)/luoshi summary --warehouse $(WAREHOUSE)
	$(BIN)/luoshi site --warehouse $(WAREHOUSE) --out data/site
	$(BIN)/luoshi report --warehouse $(WAREHOUSE)

# Headless Chromium and CJK fonts for the tests that open generated HTML (Debian packages).
browser:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "noto.*cjk" || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null)

test: setup browser
	$(BIN)/ruff check flows transforms schemas warehouse tests
	$(BIN)/python -m pytest -q

# Scheduled operation (README.md, "Operations"): a local Prefect server, the deployments in
# prefect.yaml, and a worker on the `luoshi` process pool.
PREFECT_PORT ?= 4200
server deploy worker: export PREFECT_API_URL := http://127.0.0.1:$(PREFECT_PORT)/api
server: setup
	$(BIN)/prefect server start --host 127.0.0.1 --port $(PREFECT_PORT)
deploy: setup
	mkdir -p data/inbox/yearly data/inbox/monthly
	$(BIN)/prefect work-pool inspect luoshi >/dev/null 2>&1 || $(BIN)/prefect work-pool create luoshi --type process
	$(BIN)/prefect gcl inspect luoshi-warehouse-writer >/dev/null 2>&1 || $(BIN)/prefect gcl create luoshi-warehouse-writer --limit 1
	$(BIN)/prefect --no-prompt deploy --all
worker: setup
	$(BIN)/prefect worker start --pool luoshi
# Benchmark on a synthetic corpus (BENCH_N reports, default 1000); the last line is key=value figures.
bench: setup
	$(BIN)/python scripts/bench.py

lint: setup
	$(BIN)/ruff check flows transforms schemas warehouse tests

clean:
	rm -rf $(VENV) .prefect data .pytest_cache

# How well the extractor reads the real pages of tests/fixtures/realpages (labels.yaml there);
# the last line is key=value figures: row recall and precision, units, leaders, progress, status, metadata.
.PHONY: fidelity
fidelity: setup
	$(BIN)/python scripts/fidelity.py

# Crash safety, concurrency and bad input (scripts/chaos.py); the last line sums it up.
.PHONY: chaos
chaos: setup
	$(BIN)/python -m scripts.chaos
