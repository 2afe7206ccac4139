#!/usr/bin/env bash
# A short run of every fuzz target (CI), or a long one: FUZZ_SECONDS=3600.
# Seeds come from fixtures/ (the first byte of a `decode` or `workbook` input
# picks the reading options, so their seeds get one in front). Any crash
# stops the run non-zero and leaves the input in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${FUZZ_SECONDS:-60}"
if [ $# -gt 0 ]; then targets=("$@"); else targets=(decode csv workbook validate_row); fi
CARGO_FUZZ_VERSION=0.13.2

cargo fuzz --version 2>/dev/null | grep -qF "$CARGO_FUZZ_VERSION" ||
	cargo install cargo-fuzz --locked --version "$CARGO_FUZZ_VERSION"

# cargo fuzz passes -Z flags (sanitizer, coverage options): allowed on stable
# with RUSTC_BOOTSTRAP, which is how a stable-only machine runs it.
export RUSTC_BOOTSTRAP=1

seed() { # target, first byte (or ""), files...
	local target="$1" prefix="$2"
	shift 2
	mkdir -p "corpus/$target"
	for file in "$@"; do
		local out
		out="corpus/$target/seed-$(basename "$file")"
		if [ -n "$prefix" ]; then
			{ printf "\\x$prefix"; cat "$file"; } >"$out"
		else
			cp "$file" "$out"
		fi
	done
}
seed csv "" ../fixtures/*.csv ../fixtures/*.txt
seed decode 00 ../fixtures/*.csv ../fixtures/*.txt
seed workbook 00 ../fixtures/*.xlsx
mkdir -p corpus/validate_row
printf 'ada@example.com\001Ada Lovelace\001admin\001Engineering|Ops\001{"team":"x"}' \
	>corpus/validate_row/seed-full
printf 'Bob <BOB@Bücher.example>\001\001\001\001' >corpus/validate_row/seed-idn

# One build for every target, then the targets run side by side, one per
# core (libFuzzer uses one): each still gets its full time on a core of its own.
(cd .. && bash tools/step.sh "fuzz: build" cargo fuzz build)
jobs="${FUZZ_JOBS:-$(nproc)}"
mkdir -p logs
fuzz_one() {
	(cd .. && cargo fuzz run "$1" -- \
		-max_total_time="$seconds" -rss_limit_mb=4096 -timeout=20 -print_final_stats=1) \
		>"logs/$1.log" 2>&1
}
failed=()
for ((i = 0; i < ${#targets[@]}; i += jobs)); do
	batch=("${targets[@]:i:jobs}")
	pids=()
	for target in "${batch[@]}"; do
		echo "== fuzz $target for ${seconds}s"
		fuzz_one "$target" &
		pids+=($!)
	done
	for j in "${!batch[@]}"; do
		target="${batch[$j]}"
		if wait "${pids[$j]}"; then
			echo "== $target: $(grep -m1 '^Done' "logs/$target.log" || echo done)"
		else
			failed+=("$target")
			echo "== $target FAILED: its log follows; the input is in fuzz/artifacts/$target/"
			tail -n 60 "logs/$target.log"
		fi
	done
done
if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzzing found a problem in: ${failed[*]}"
	exit 1
fi
