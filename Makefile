# Muster: `make run` serves it, `make test` tests it. Both install what is
# missing first (the wasm32 target, cargo-leptos, wasm-bindgen, wasm-opt,
# npm packages, Chromium for the browser tests).
SHELL := /bin/bash
.DEFAULT_GOAL := help

CARGO_LEPTOS_VERSION := 0.3.10
# wasm-bindgen's CLI must match the library version in Cargo.lock exactly.
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ { getline; gsub(/"/, "", $$3); print $$3; exit }' Cargo.lock)

export PATH := $(CURDIR)/tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
# cargo-leptos sets this when it builds the server; setting it for every cargo
# command keeps `cargo test` from rebuilding Leptos with a different value.
export LEPTOS_OUTPUT_NAME := muster

# --split: the file readers are a WASM chunk loaded on demand (#[lazy]); a
# build without it cannot load them, so every build splits.
ifeq ($(RELEASE),1)
  BUILD_FLAGS := --release --split
  BIN := target/release/muster
else
  BUILD_FLAGS := --split
  BIN := target/debug/muster
endif


.PHONY: bench help run build release test test-rust test-e2e test-api toolchain wasm-target cargo-leptos wasm-bindgen wasm-opt e2e-deps chromium fmt lint

help:
	@echo "make run        build and serve Muster at http://127.0.0.1:3000 (SQLite in ./data)"
	@echo "make test       every test: unit, integration (SQLite, and PostgreSQL if MUSTER_TEST_POSTGRES_URL is set), end to end in Chromium, the API against its OpenAPI document"
	@echo "make release    optimised build: target/release/muster and target/site"
	@echo "make bench      benchmarks beside the peers, one run (QUICK=1: small sizes); see BENCHMARKS.md"
	@echo "                RELEASE=1 make run serves the optimised build"

run: build
	exec ./$(BIN)

build: toolchain
	cargo leptos build $(BUILD_FLAGS)

release:
	$(MAKE) build RELEASE=1

test: build test-rust test-e2e test-api

bench: toolchain e2e-deps
	QUICK=$(QUICK) bash bench/run.sh

test-rust:
	@if [ -z "$$MUSTER_TEST_POSTGRES_URL" ]; then \
		echo "######################################################################"; \
		echo "## PostgreSQL integration tests SKIPPED: MUSTER_TEST_POSTGRES_URL is not set."; \
		echo "## e.g. MUSTER_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test make test"; \
		echo "######################################################################"; \
	fi
	cargo test -p app -p muster --features app/ssr

test-e2e: e2e-deps
	cd end2end && MUSTER_BIN=$(CURDIR)/$(BIN) npx playwright test

# The JSON API against its OpenAPI document (schemathesis, into tools/.venv).
test-api:
	MUSTER_BIN=$(CURDIR)/$(BIN) bash end2end/api/schemathesis.sh

toolchain: wasm-target cargo-leptos wasm-bindgen wasm-opt

wasm-target:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

cargo-leptos:
	@cargo leptos --version 2>/dev/null | grep -qF "$(CARGO_LEPTOS_VERSION)" || \
		cargo install cargo-leptos --locked --version $(CARGO_LEPTOS_VERSION) --features no_downloads

# Without --locked: its lockfile names a crate the registry here lacks.
wasm-bindgen:
	@wasm-bindgen --version 2>/dev/null | grep -qF "$(WASM_BINDGEN_VERSION)" || \
		cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)

wasm-opt: tools/node_modules/.package-lock.json
tools/node_modules/.package-lock.json: tools/package.json tools/package-lock.json
	npm ci --prefix tools --no-audit --no-fund

e2e-deps: chromium end2end/node_modules/.package-lock.json
end2end/node_modules/.package-lock.json: end2end/package.json end2end/package-lock.json
	npm ci --prefix end2end --no-audit --no-fund

chromium:
	@command -v chromium >/dev/null || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y chromium; }

fmt:
	cargo fmt --all

lint:
	cargo fmt --all -- --check
	cargo clippy -p app -p muster --features app/ssr --all-targets -- -D warnings
