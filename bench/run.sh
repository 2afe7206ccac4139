#!/usr/bin/env bash
# `make bench` (QUICK=1 for small sizes): every figure of BENCHMARKS.md from
# one run on this machine, release builds. Timing is reported, never asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=100000
MAILS=10000
if [ -n "${QUICK:-}" ]; then ROWS=2000; MAILS=500; fi
K=$((ROWS / 1000))
# Binaries are wherever cargo builds them (target/, or $CARGO_TARGET_DIR).
TARGET_DIR="$(realpath -m "${CARGO_TARGET_DIR:-target}")"
OUT="$PWD/target/bench"
mkdir -p "$OUT"
FIGURES="$OUT/figures.txt"
: > "$FIGURES"
record() { "$@" | tee -a "$FIGURES"; }

echo "## machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(date -u +%F)" | tee -a "$FIGURES"
npm ci --prefix bench --no-audit --no-fund >/dev/null
step() { bash tools/step.sh "$@"; }
step "bench: site (release)" cargo xtask site --release
# Every benchmark, and the server binary the browser bench runs, from one
# build: cargo builds a package's binaries for its benchmarks, with the same
# features, so nothing is compiled twice.
BENCH=(cargo bench -p app -p muster --features app/ssr)
step "bench: build" "${BENCH[@]}" --bench pipeline --bench commit --bench mail --bench login --bench people --no-run
record node bench/data.mjs "$OUT" "$ROWS"

echo "## native pipeline (criterion)"
MUSTER_BENCH_DATA="$OUT" "${BENCH[@]}" --bench pipeline -- --noplot >"$OUT/criterion.log"
record python3 bench/criterion_figures.py "$TARGET_DIR/criterion" "$K"

echo "## browser (Chromium: Muster WASM, Papa Parse, uDSV, SheetJS; the Upload tab)"
record node bench/browser.mjs "$TARGET_DIR/release/muster" "$PWD/target/site" "$OUT" "$ROWS"

echo "## commit (server path over HTTP; database step; raw baselines)"
# PostgreSQL figures need a server: the machine's own when one answers.
if [ -z "${MUSTER_TEST_POSTGRES_URL:-}" ] && psql -h 127.0.0.1 -U postgres -d test -Atc 'SELECT 1' >/dev/null 2>&1; then
  export MUSTER_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test
fi
if [ -z "${MUSTER_TEST_POSTGRES_URL:-}" ]; then
  echo "######################################################################"
  echo "## PostgreSQL commit figures SKIPPED: no MUSTER_TEST_POSTGRES_URL, and"
  echo "## no PostgreSQL answers at 127.0.0.1:5432 (user postgres, database test)."
  echo "######################################################################"
fi
# A tenth of the rows first, then all of them (the ratios printed last are the full size's).
MUSTER_BENCH_ROWS="$((ROWS / 10))" record "${BENCH[@]}" --bench commit
MUSTER_BENCH_ROWS="$ROWS" record "${BENCH[@]}" --bench commit

echo "## people (the Users page and its bulk changes at N people; 32 clients under load)"
MUSTER_BENCH_ROWS="$ROWS" record "${BENCH[@]}" --bench people

echo "## mail (outbox to a local SMTP sink, beside a plain lettre sender)"
python3 -c "import aiosmtpd" 2>/dev/null || python3 -m pip install --quiet aiosmtpd
SINK_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SINK_FILE="$OUT/sink-recipients.txt"
: > "$SINK_FILE"
python3 bench/smtp_sink.py "$SINK_PORT" "$SINK_FILE" > "$OUT/sink.log" 2>&1 &
SINK_PID=$!
trap 'kill $SINK_PID 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q listening "$OUT/sink.log" && break; sleep 0.2; done
MUSTER_BENCH_MAILS="$MAILS" MUSTER_BENCH_SINK_PORT="$SINK_PORT" MUSTER_BENCH_SINK_FILE="$SINK_FILE" \
  record "${BENCH[@]}" --bench mail
kill $SINK_PID 2>/dev/null || true

echo "## login"
record "${BENCH[@]}" --bench login

echo "## bundle"
record node bench/bundle.mjs target/site/pkg/muster.wasm

echo
python3 bench/report.py "$FIGURES" "$K" | tee "$OUT/report.txt"
