# Muster: `make run` serves it, `make test` tests it. Both install what is
# missing first (the wasm32 target; for release builds and tests, npm packages
# and Chromium). The build itself is `cargo xtask` (xtask/): nothing to
# compile before the app but that small crate.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export PATH := $(CURDIR)/tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

# Binaries live where cargo puts them: target/, or $CARGO_TARGET_DIR.
TARGET_DIR := $(abspath $(or $(CARGO_TARGET_DIR),target))
ifeq ($(RELEASE),1)
  XTASK_FLAGS := --release
  BIN := $(TARGET_DIR)/release/muster
else
  XTASK_FLAGS :=
  BIN := $(TARGET_DIR)/debug/muster
endif
TEST_PACKAGES := -p app -p muster --features app/ssr

.PHONY: bench help run build release test test-rust test-site test-e2e test-api toolchain wasm-target release-tools e2e-deps chromium fmt lint

help:
	@echo "make run        build and serve Muster at http://127.0.0.1:3000 (SQLite in ./data)"
	@echo "make test       every test: unit, integration (SQLite, and PostgreSQL if MUSTER_TEST_POSTGRES_URL is set), end to end in Chromium, the API against its OpenAPI document"
	@echo "make release    optimised build: $(TARGET_DIR)/release/muster and target/site"
	@echo "make bench      benchmarks beside the peers, one run (QUICK=1: small sizes); see BENCHMARKS.md"
	@echo "                RELEASE=1 make run serves the optimised build"

run: build
	exec $(BIN)

build: toolchain
	cargo xtask build $(XTASK_FLAGS)

release:
	$(MAKE) build RELEASE=1

# Each step says how long it took (tools/step.sh; .ci/run tabulates them).
STEP := @bash $(CURDIR)/tools/step.sh
ifeq ($(shell cargo nextest --version >/dev/null 2>&1 && echo yes),yes)
  # Tests in parallel across binaries, one process each.
  RUST_TESTS := cargo nextest run $(TEST_PACKAGES)
  RUN_ALL := --no-fail-fast
else
  RUST_TESTS := cargo test $(TEST_PACKAGES)
endif
# nextest runs no doctests: they run apart, when a doc comment has a Rust block.
DOCTESTS := $(shell grep -rlE '^\s*//[/!] *```(rust)?\s*$$' app/src server/src 2>/dev/null | head -1)

# The Rust tests build the debug server binary with the tests' features (cargo
# builds a package's binaries for its integration tests); the browser and API
# tests use that binary, so only the site is built for them and the server
# compiles once.
test: test-rust test-site test-e2e test-api

test-site: toolchain
ifeq ($(RELEASE),1)
	$(STEP) "site and release server" cargo xtask build --release
else
	$(STEP) "site" cargo xtask site
endif

bench: toolchain release-tools e2e-deps
	QUICK=$(QUICK) bash bench/run.sh

test-rust:
	@if [ -z "$$MUSTER_TEST_POSTGRES_URL" ]; then \
		echo "######################################################################"; \
		echo "## PostgreSQL integration tests SKIPPED: MUSTER_TEST_POSTGRES_URL is not set."; \
		echo "## e.g. MUSTER_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test make test"; \
		echo "######################################################################"; \
	fi
	$(STEP) "rust tests: build" $(RUST_TESTS) --no-run
	$(STEP) "rust tests: run" $(RUST_TESTS) $(RUN_ALL)
ifneq ($(DOCTESTS),)
	$(STEP) "rust doctests" cargo test --doc $(TEST_PACKAGES)
endif

test-e2e: e2e-deps
	$(STEP) "browser tests" bash -c 'cd end2end && MUSTER_BIN=$(BIN) npx playwright test'

# The JSON API against its OpenAPI document (schemathesis, into tools/.venv).
test-api:
	$(STEP) "API tests" env MUSTER_BIN=$(BIN) bash end2end/api/schemathesis.sh

toolchain: wasm-target
ifeq ($(RELEASE),1)
toolchain: release-tools
endif

wasm-target:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

# wasm-opt (npm binaryen; Debian's 108 makes WASM that fails to hydrate) and
# esbuild (minifies JS and CSS): release builds only.
release-tools: tools/node_modules/.package-lock.json
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
	cargo clippy -p app -p muster -p xtask --features app/ssr --all-targets -- -D warnings
