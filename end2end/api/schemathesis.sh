#!/usr/bin/env bash
# The JSON API against its own OpenAPI document, with schemathesis (from
# PyPI, into tools/.venv): a fresh Muster on SQLite, a workspace and a token
# made with the command line, then generated requests for every operation.
# Fails on any 5xx, an undocumented status, or a response that does not
# match its schema.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN="${MUSTER_BIN:-target/debug/muster}"
VENV=tools/.venv
if ! "$VENV/bin/st" --version 2>/dev/null | grep -qF "4.32.5"; then
	python3 -m venv "$VENV"
	"$VENV/bin/pip" install --quiet "schemathesis==4.32.5"
fi

DATA="$(mktemp -d)"
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$DATA"' EXIT
export MUSTER_DATA_DIR="$DATA" MUSTER_PASSWORD_HASH_MEMORY_KIB=64 MUSTER_PASSWORD_HASH_ITERATIONS=1
unset DATABASE_URL SMTP_URL MUSTER_PUBLIC_URL
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export LEPTOS_SITE_ADDR="127.0.0.1:$PORT"
printf 'correct horse battery staple\n' >"$DATA/pw"
"$BIN" setup --workspace-name "Acme Corp" --admin-email ada@example.com \
	--admin-name "Ada Admin" --admin-password-file "$DATA/pw" >/dev/null
TOKEN="$("$BIN" api-tokens create --workspace acme-corp --name schemathesis)"
"$BIN" >"$DATA/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do
	curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
	sleep 0.2
done

"$VENV/bin/st" run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
	--url "http://127.0.0.1:$PORT" \
	--header "Authorization: Bearer $TOKEN" \
	--checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
	--max-examples "${SCHEMATHESIS_EXAMPLES:-40}" \
	--seed 1 \
	--no-color || { tail -50 "$DATA/server.log"; exit 1; }
