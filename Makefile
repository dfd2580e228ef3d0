# asinflow — the two commands a new user needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(PYTHON) -m uv
VENV := .venv
BIN := $(VENV)/bin
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider
FEED ?= examples/feed.jsonl
REGISTRY ?= examples/registry.jsonl

.PHONY: install run run-once test test-faults lint test-unit test-integration test-e2e bench asyncapi openapi up down clean

# uv from PyPI (the only thing needed besides Python 3.11), then the locked workspace, its bytecode compiled up
# front: every `asinflow` command starts from it even where PYTHONDONTWRITEBYTECODE is set (0.7 s less per command).
install:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check uv
	@$(UV) sync --frozen --quiet --compile-bytecode
	@$(BIN)/python -m compileall -q -j 0 libs services >/dev/null

# Start the embedded stack and every service, publish the sample feed, print the summary, keep serving.
run: install
	$(BIN)/asinflow run --registry $(REGISTRY) --feed $(FEED)

# Same, but exit once every listing of the feed is settled.
run-once: install
	$(BIN)/asinflow run --registry $(REGISTRY) --feed $(FEED) --once

test: install lint
	$(PYTEST) tests

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy libs services

test-unit: install
	$(PYTEST) tests/unit -m unit

test-integration: install
	$(PYTEST) tests/integration -m integration

test-e2e: install
	$(PYTEST) tests/e2e -m e2e

# The slow fault journeys (not in `make test`): kill -9 of services and of `asinflow run`, crash loops, restarts on
# kept data, and hostile input with a 5 MB body on every topic.
test-faults: install
	$(PYTEST) tests -m faults

bench: install
	$(BIN)/python bench/pipeline_end_to_end.py
	$(BIN)/python bench/pipeline_throughput.py
	$(BIN)/python bench/quota_script.py

asyncapi: install
	$(BIN)/python -m asinflow_cli.asyncapi > docs/asyncapi.yaml

openapi: install
	$(BIN)/python -m asinflow_listings_api.openapi > docs/openapi.json

up:
	docker compose up --build -d

down:
	docker compose down -v

clean:
	rm -rf .asinflow .pytest_cache .mypy_cache .ruff_cache
