# The user's entry points. Every target installs what it needs first (`make install`).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# The generator's post-hooks run `ruff`: it must be the pinned one from the venv.
export PATH := $(abspath $(BIN)):$(abspath node_modules/.bin):$(PATH)

PORT ?= 8765
# This repository's CI and the workflows users copy: both linted by `make lint`.
WORKFLOWS := .github/workflows/ci.yml $(wildcard examples/ci/*.yml)
FAULT ?=
TLS ?=
SEED ?=
CLOCK ?=
WEBHOOK_URL ?=
WEBHOOK_CHALLENGE ?=

.PHONY: help install client client-check lint test sandbox conformance webhook-check dist bench

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

# The stamp is rebuilt whenever a pin changes, so `make install` is idempotent and cheap. Python
# only: `make sandbox`, `make conformance` and the CLI need nothing else.
$(VENV)/.installed: pyproject.toml constraints.txt generated_client/setup.py
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt 'setuptools==80.9.0'
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ./generated_client -e '.[dev]'
	touch $@

# npm is for the OpenAPI linter only (Redocly): `make lint` installs it, nothing else needs it.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed ## Create .venv and install every pinned tool (idempotent)

client: install ## Regenerate generated_client/ from spec/openapi.yaml
	scripts/generate_client.sh generated_client

client-check: install ## Fail, with a diff, when generated_client/ differs from a fresh generation
	scripts/client_check.sh generated_client

lint: install node_modules/.installed ## Spec validation and linting, ruff, mypy, workflow linters
	$(BIN)/openapi-spec-validator spec/openapi.yaml
	redocly lint --format=stylish spec/openapi.yaml
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/actionlint $(WORKFLOWS)
	$(BIN)/zizmor --offline --quiet $(WORKFLOWS)

# Three workers on two cores, work-stealing: much of each conformance self-test run is spent
# waiting between `st` and the emulator, so a third worker fills the gaps (measured: pytest
# 112 s with -n 2, 93 s with -n 3, on a fresh clone).
test: install lint client-check ## Everything offline (what CI runs)
	$(BIN)/pytest -n 3 --dist worksteal

# The webhook challenge goes to the program by its environment: make never echoes it, and it is
# on no command line that `ps` shows.
sandbox webhook-check: export KULMIPAY_WEBHOOK_CHALLENGE := $(or $(WEBHOOK_CHALLENGE),$(KULMIPAY_WEBHOOK_CHALLENGE))
sandbox: install ## Run the emulator on 127.0.0.1:PORT [FAULT=name] [TLS=1] [SEED=n] [CLOCK=manual] [WEBHOOK_URL=... WEBHOOK_CHALLENGE=...]
	$(BIN)/kulmipay-toolkit sandbox --port $(PORT) $(if $(FAULT),--fault $(FAULT)) $(if $(TLS),--tls) $(if $(SEED),--seed $(SEED)) $(if $(CLOCK),--clock $(CLOCK)) $(if $(WEBHOOK_URL),--webhook-url $(WEBHOOK_URL))

# Every other option comes from its KULMIPAY_* variable (README "Environment"); FAULT, SEED and
# TLS are spelled as for `make sandbox`, so a reproduction's line works for both.
conformance: install ## Validate a live server (KULMIPAY_BASE_URL, or the local emulator) [FAULT=name] [SEED=n] [TLS=1]
	$(BIN)/kulmipay-toolkit conformance $(if $(FAULT),--fault $(FAULT)) $(if $(SEED),--seed $(SEED)) $(if $(TLS),--tls)

dist: install ## Build the toolkit and the generated client as wheels into dist/
	rm -rf dist
	$(PY) -m pip wheel --quiet --disable-pip-version-check --no-deps --no-build-isolation -w dist . ./generated_client

webhook-check: install ## Contract-test your collection_event receiver: WEBHOOK_URL=... WEBHOOK_CHALLENGE=...
	$(BIN)/kulmipay-toolkit webhook-check $(if $(WEBHOOK_URL),--url $(WEBHOOK_URL))

bench: install ## Benchmarks (wrk is a prerequisite); writes reports/bench/summary.json
	@command -v wrk >/dev/null || echo "bench: wrk is a prerequisite (see benchmarks/README.md); the load parts are skipped"
	@# Prism (pinned in benchmarks/package-lock.json); reinstalled only when the lockfile is newer.
	@[ benchmarks/node_modules/.package-lock.json -nt benchmarks/package-lock.json ] \
		|| npm ci --prefix benchmarks --no-audit --no-fund --loglevel=error \
		|| echo "bench: could not install Prism; the summary says so"
	$(PY) -m benchmarks $(BENCH_ARGS)
