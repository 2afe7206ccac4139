#!/usr/bin/env bash
# step.sh NAME COMMAND...: runs COMMAND and says how long it took. With
# MUSTER_STEP_LOG set (.ci/run sets it), also appends "seconds<TAB>status<TAB>NAME"
# there, for the table of durations printed at the end of a CI run.
set -uo pipefail
name="$1"
shift
started=$(date +%s)
"$@"
status=$?
seconds=$(($(date +%s) - started))
echo "== ${name}: ${seconds} s$([ $status -eq 0 ] || echo ", FAILED ($status)")"
if [ -n "${MUSTER_STEP_LOG:-}" ]; then
	printf '%s\t%s\t%s\n' "$seconds" "$status" "$name" >>"$MUSTER_STEP_LOG"
fi
exit $status
