# claimtrack: `make run` runs the main job once, `make test` runs the tests. Both set up .venv on first use.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
# Prefect keeps its state (ephemeral API database, results) inside the project, never in ~/.prefect.
export PREFECT_HOME ?= $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 90
export PREFECT_LOGGING_LEVEL ?= WARNING

.PHONY: help
help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.dev-installed: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

.PHONY: install
install: $(VENV)/.installed  ## create .venv and install claimtrack

.PHONY: run
run: $(VENV)/.installed  ## run the ingest flow once over seeds/sources.toml into data/claimtrack.duckdb
	$(BIN)/claimtrack ingest

# $(call debian_package,CHECK,PACKAGE,FOR): when the shell test CHECK fails, install the Debian package PACKAGE
# (apt-get, as root) or say how to, for the tests named in FOR.
define debian_package
	@$(1) || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing $(2) (apt-get) for $(3)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; \
	  else \
	    echo "$(2) is missing: run 'sudo apt-get install -y $(2)' (needed by $(3))" >&2; \
	    exit 1; \
	  fi; }
endef

# The report test renders HTML in headless Chromium (Debian package `chromium`); install it when missing.
.PHONY: browser
browser:  ## install Chromium (Debian package) for the report rendering test, if missing
	$(call debian_package,command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1,chromium,the report rendering test)

# The DuckLake tests start a throwaway Postgres (tests/pgserver.py: initdb + pg_ctl in a temp folder, Debian package
# `postgresql`); install it when missing, as for Chromium.
.PHONY: postgres
postgres:  ## install PostgreSQL (Debian package) for the DuckLake tests, if missing
	$(call debian_package,command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1,postgresql,the DuckLake tests)

.PHONY: test
test: $(VENV)/.dev-installed browser postgres  ## run the whole test suite (lint, types and the layering contract first)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

.PHONY: serve
serve: $(VENV)/.installed  ## local Prefect server + pool + deployments + worker + one ingest run on 127.0.0.1:4200 (Ctrl-C stops all)
	@BIN=$(BIN) bash tools/serve.sh

.PHONY: deploy
deploy: $(VENV)/.installed  ## (re)deploy prefect.yaml to the server at PREFECT_API_URL
	PIPELINE_DIR=$(CURDIR) $(BIN)/prefect --no-prompt deploy --all

.PHONY: lint
lint: $(VENV)/.dev-installed  ## ruff, mypy and the import-linter layering contract only
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Evaluations read their corpora from ../shared at run time (never copied into the repo) and write JSON to EVAL_OUT.
# `make eval` runs every target listed in EVALS: a new evaluation adds its own eval-* target and appends it here.
POLNEAR ?= ../shared/benchmarks/attribution/polnear
EVAL_OUT ?= bench/out
EVALS := eval-attribution eval-linking eval-extraction eval-news-attribution eval-topics eval-positions

.PHONY: eval
eval: $(EVALS)  ## run every evaluation on its test split and print the tables

.PHONY: eval-attribution
eval-attribution: $(VENV)/.installed  ## claims vs PolNeAR test: overlap P/R/F1 by kind, speakers, exact spans
	@mkdir -p $(EVAL_OUT)
	@if [ -d "$(POLNEAR)/data/test" ]; then \
		$(BIN)/claimtrack eval polnear $(POLNEAR) --split test --json-out $(EVAL_OUT)/eval-polnear-test.json; \
	else \
		echo "eval-attribution: skipped, PolNeAR not found at $(POLNEAR) (set POLNEAR=DIR)"; \
	fi

.PHONY: clean
clean:  ## remove the virtualenv, Prefect state and the local database
	rm -rf $(VENV) .prefect data .pytest_cache .mypy_cache .ruff_cache

.PHONY: eval-linking
eval-linking: $(VENV)/.installed  ## speaker -> government accuracy on annotated ../shared benchmark pages
	@mkdir -p $(EVAL_OUT)
	$(BIN)/claimtrack eval linking --json $(EVAL_OUT)/eval-linking.json

.PHONY: bench
bench: $(VENV)/.installed  ## pipeline (bench/results.json), hostile inputs (results-limits.json), positions refresh (results-refresh.json), DuckLake vs file (results-lake.json)
	$(BIN)/python bench/pipeline_bench.py $(BENCH_ARGS)
	$(BIN)/python bench/limits_bench.py
	$(BIN)/python bench/refresh_bench.py $(REFRESH_ARGS)
	$(BIN)/python bench/lake_bench.py

.PHONY: bench-refresh
bench-refresh: $(VENV)/.installed  ## positions refresh: +100 statements on 1x, 10x, 100x the benchmark's statements (bench/results-refresh.json)
	$(BIN)/python bench/refresh_bench.py $(REFRESH_ARGS)

.PHONY: eval-extraction
eval-extraction: $(VENV)/.installed  ## main-text F1 of the article stage vs trafilatura defaults (scrapinghub-aeb)
	@mkdir -p $(EVAL_OUT)
	$(BIN)/claimtrack eval extraction --json $(EVAL_OUT)/eval-extraction.json

.PHONY: bench-crawl
bench-crawl: $(VENV)/.installed  ## crawler benchmark: 2,000 pages over 20 local hosts, then all-304 (bench/results-crawl.json)
	$(BIN)/python bench/crawl_bench.py

.PHONY: eval-news-attribution
eval-news-attribution: $(VENV)/.installed  ## speakers and governments on real news outside Europe/China/Russia (evals/gold)
	@mkdir -p $(EVAL_OUT)
	$(BIN)/claimtrack eval attribution --json $(EVAL_OUT)/eval-attribution-news.json

.PHONY: eval-topics
eval-topics: $(VENV)/.installed  ## claim topics: precision and recall per topic on 711 annotated statements
	@mkdir -p $(EVAL_OUT)
	$(BIN)/claimtrack eval topics --json $(EVAL_OUT)/eval-topics.json

.PHONY: eval-positions
eval-positions: $(VENV)/.installed  ## position-change labels on three dated series of real reporting (ingests each; and the oracle mode)
	@mkdir -p $(EVAL_OUT)
	$(BIN)/claimtrack eval positions --oracle --json $(EVAL_OUT)/eval-positions.json
