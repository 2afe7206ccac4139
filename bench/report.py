"""Reads the `name=value` lines of one `make bench` run, adds the derived
figures, prints a table (ours beside the peer and the target) and then every
figure as `name=value`."""
import re
import sys

figures = {}
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r"^([a-z0-9_]+)=([-0-9.]+)$", line.strip())
    if m:
        figures[m.group(1)] = float(m.group(2))
k = sys.argv[2]

def get(name):
    return figures.get(name.format(k=k, k10=int(k) // 10))

wasm, native = get("csv_parse_validate_{k}k_ms"), get("native_csv_parse_validate_{k}k_ms")
if wasm and native:
    figures["wasm_native_ratio"] = round(wasm / native, 3)

rows = [
    ("CSV parse only", "csv_parse_{k}k_ms", "papaparse_parse_ms", "ms", "csv_vs_papaparse", ">= 3x Papa Parse"),
    ("CSV parse only vs uDSV", "csv_parse_{k}k_ms", "udsv_parse_ms", "ms", "csv_vs_udsv", ">= 3x uDSV"),
    ("CSV full pipeline (WASM)", "csv_parse_validate_{k}k_ms", None, "ms", None, "<= 150 ms at 100k"),
    ("CSV full pipeline (native)", "native_csv_parse_validate_{k}k_ms", None, "ms", "wasm_native_ratio", ""),
    ("First rows in the page to painted", "first_preview_ms", None, "ms", None, "<= 100 ms"),
    ("File chosen to first preview rows, CSV", "file_to_preview_{k}k_ms", None, "ms", None, "<= 600 ms at 100k"),
    ("File chosen to every row checked, CSV", "file_to_all_rows_{k}k_ms", None, "ms", None, ""),
    ("File chosen to first preview rows, XLSX", "xlsx_file_to_preview_{k}k_ms", None, "ms", None, ""),
    ("Page tasks over 50 ms, CSV import", "long_tasks_over_50ms", None, "", None, "0"),
    ("Page tasks over 50 ms, XLSX import", "xlsx_long_tasks_over_50ms", None, "", None, "0"),
    ("Longest page task, CSV import", "longest_task_ms", None, "ms", None, ""),
    ("Longest page task, XLSX import", "xlsx_longest_task_ms", None, "ms", None, ""),
    ("Scrolling the preview, frame p95", "scroll_frame_p95_ms", None, "ms", None, "< 16.7 ms"),
    ("XLSX read to rows", "xlsx_read_{k}k_ms", "sheetjs_read_{k}k_ms", "ms", "xlsx_vs_sheetjs", ">= 4x SheetJS"),
    ("XLSX memory", "xlsx_mem_mb", "sheetjs_mem_mb", "MB", "xlsx_mem_vs_sheetjs", "<= 0.5x SheetJS"),
    ("Commit, SQLite (HTTP, chunks of 1,000)", "commit_{k}k_sqlite_s", None, "s", None, "<= 3 s at 100k"),
    ("Commit, PostgreSQL (HTTP)", "commit_{k}k_postgres_s", "postgres_copy_{k}k_s", "s", None, "<= 8 s at 100k; COPY as reference"),
    ("Commit a tenth of the rows, SQLite", "commit_{k10}k_sqlite_s", None, "s", None, ""),
    ("Commit a tenth of the rows, PostgreSQL", "commit_{k10}k_postgres_s", None, "s", None, ""),
    ("DB step alone vs rusqlite loop", "db_step_{k}k_sqlite_s", "rusqlite_loop_{k}k_s", "s", "db_step_vs_rusqlite", ">= 0.5"),
    ("DB step vs rusqlite writing the same rows", "db_step_{k}k_sqlite_s", "rusqlite_same_rows_{k}k_s", "s", "db_step_vs_rusqlite_same_rows", ">= 0.7"),
    ("One invite after the commit, SQLite p50", "one_invite_after_{k}k_sqlite_p50_ms", None, "ms", None, ""),
    ("One invite after the commit, SQLite p95", "one_invite_after_{k}k_sqlite_p95_ms", None, "ms", None, ""),
    ("One invite after the commit, PostgreSQL p50", "one_invite_after_{k}k_postgres_p50_ms", None, "ms", None, ""),
    ("One invite after the commit, PostgreSQL p95", "one_invite_after_{k}k_postgres_p95_ms", None, "ms", None, ""),
    ("Undo the committed import, SQLite (HTTP)", "undo_{k}k_sqlite_s", None, "s", None, "<= 10 s at 100k"),
    ("Undo the committed import, PostgreSQL (HTTP)", "undo_{k}k_postgres_s", None, "s", None, "<= 10 s at 100k"),
    ("Bulk resend of every invitation, SQLite", "bulk_resend_{k}k_sqlite_s", None, "s", None, "<= 10 s at 100k"),
    ("Bulk revoke of every invitation, SQLite", "bulk_revoke_{k}k_sqlite_s", None, "s", None, "<= 10 s at 100k"),
    ("Users page, first page, SQLite p95", "users_page_{k}k_sqlite_first_page_p95_ms", None, "ms", None, "<= 150 ms"),
    ("Users page, a deep page, SQLite p95", "users_page_{k}k_sqlite_deep_page_p95_ms", None, "ms", None, "<= 150 ms"),
    ("Users page, a search, SQLite p95", "users_page_{k}k_sqlite_search_p95_ms", None, "ms", None, "<= 150 ms"),
    ("Users page, a status filter, SQLite p95", "users_page_{k}k_sqlite_status_p95_ms", None, "ms", None, "<= 150 ms"),
    ("list_people, 32 clients, first pages, SQLite", "list_people_{k}k_sqlite_first_pages_rps", None, "req/s", None, ">= 500 req/s"),
    ("list_people, 32 clients, first pages, SQLite p99", "list_people_{k}k_sqlite_first_pages_p99_ms", None, "ms", None, "<= 250 ms"),
    ("list_people, 32 clients, deep pages, SQLite", "list_people_{k}k_sqlite_deep_pages_rps", None, "req/s", None, ">= 200 req/s"),
    ("list_people, 32 clients, deep pages, SQLite p99", "list_people_{k}k_sqlite_deep_pages_p99_ms", None, "ms", None, "<= 250 ms"),
    ("GET /api/v1/members, 32 clients, first pages, SQLite", "members_api_{k}k_sqlite_first_pages_rps", None, "req/s", None, ">= 500 req/s"),
    ("GET /api/v1/members, 32 clients, first pages, SQLite p99", "members_api_{k}k_sqlite_first_pages_p99_ms", None, "ms", None, "<= 250 ms"),
    ("GET /api/v1/members, 32 clients, deep pages, SQLite", "members_api_{k}k_sqlite_deep_pages_rps", None, "req/s", None, ">= 200 req/s"),
    ("GET /api/v1/members, 32 clients, deep pages, SQLite p99", "members_api_{k}k_sqlite_deep_pages_p99_ms", None, "ms", None, "<= 250 ms"),
    ("Bulk resend of every invitation, PostgreSQL", "bulk_resend_{k}k_postgres_s", None, "s", None, "<= 10 s at 100k"),
    ("Bulk revoke of every invitation, PostgreSQL", "bulk_revoke_{k}k_postgres_s", None, "s", None, "<= 10 s at 100k"),
    ("Users page, first page, PostgreSQL p95", "users_page_{k}k_postgres_first_page_p95_ms", None, "ms", None, "<= 150 ms"),
    ("Users page, a deep page, PostgreSQL p95", "users_page_{k}k_postgres_deep_page_p95_ms", None, "ms", None, "<= 150 ms"),
    ("Users page, a search, PostgreSQL p95", "users_page_{k}k_postgres_search_p95_ms", None, "ms", None, "<= 150 ms"),
    ("Users page, a status filter, PostgreSQL p95", "users_page_{k}k_postgres_status_p95_ms", None, "ms", None, "<= 150 ms"),
    ("list_people, 32 clients, first pages, PostgreSQL", "list_people_{k}k_postgres_first_pages_rps", None, "req/s", None, ">= 500 req/s"),
    ("list_people, 32 clients, first pages, PostgreSQL p99", "list_people_{k}k_postgres_first_pages_p99_ms", None, "ms", None, "<= 250 ms"),
    ("list_people, 32 clients, deep pages, PostgreSQL", "list_people_{k}k_postgres_deep_pages_rps", None, "req/s", None, ">= 200 req/s"),
    ("list_people, 32 clients, deep pages, PostgreSQL p99", "list_people_{k}k_postgres_deep_pages_p99_ms", None, "ms", None, "<= 250 ms"),
    ("GET /api/v1/members, 32 clients, first pages, PostgreSQL", "members_api_{k}k_postgres_first_pages_rps", None, "req/s", None, ">= 500 req/s"),
    ("GET /api/v1/members, 32 clients, first pages, PostgreSQL p99", "members_api_{k}k_postgres_first_pages_p99_ms", None, "ms", None, "<= 250 ms"),
    ("GET /api/v1/members, 32 clients, deep pages, PostgreSQL", "members_api_{k}k_postgres_deep_pages_rps", None, "req/s", None, ">= 200 req/s"),
    ("GET /api/v1/members, 32 clients, deep pages, PostgreSQL p99", "members_api_{k}k_postgres_deep_pages_p99_ms", None, "ms", None, "<= 250 ms"),
    ("Outbox to a local SMTP sink", "outbox_msgs_per_s", "plain_smtp_msgs_per_s", "msg/s", None, ">= 1,000 msg/s"),
    ("Initial WASM (brotli)", "wasm_brotli_kb", None, "KB", None, "<= 400 KB"),
    ("Sign-in page, all its WASM (brotli)", "page_login_wasm_brotli_kb", None, "KB", None, ""),
    ("Sign-up page, all its WASM (brotli)", "page_signup_wasm_brotli_kb", None, "KB", None, ""),
    ("A workspace page, all its WASM (brotli)", "page_workspace_wasm_brotli_kb", None, "KB", None, ""),
    ("Pages' code and file readers, loaded on demand (brotli)", "wasm_lazy_brotli_kb", None, "KB", None, ""),
    ("Argon2id hash (m=19456, t=2, p=1)", "argon2_ms", None, "ms", None, ""),
]
W = max(len(r[0]) for r in rows)
print(f"{'what':{W}} {'Muster':>12} {'peer':>12} {'ratio':>8}  target")
for label, ours, peer, unit, ratio, target in rows:
    fmt = lambda name: "" if name is None or get(name) is None else f"{get(name):.1f} {unit}"
    r = "" if ratio is None or get(ratio) is None else f"{get(ratio):.2f}"
    print(f"{label:{W}} {fmt(ours):>12} {fmt(peer):>12} {r:>8}  {target}")
print()
for name, value in figures.items():
    print(f"{name}={value:g}")
